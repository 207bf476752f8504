"""Co-design reads: claims, rounds, proposals and versions, votes, comments, selection, configurator."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from heyi.accounts.selectors import user_is_operator
from heyi.core.errors import NotFound
from heyi.demands.models import Demand, Fan
from heyi.designs import pricing
from heyi.designs.errors import DesignsErrorCode
from heyi.designs.models import (
    Claim,
    ClaimStatus,
    Option,
    Proposal,
    ProposalComment,
    ProposalVersion,
    Round,
    RoundStatus,
    Selection,
    Vote,
)
from heyi.designs.tally import TallyEntry, tally_rank
from heyi.ventures.models import Venture
from heyi.ventures.selectors import membership_is_active, venture_list_for_user

# ---------------------------------------------------------------------------------------------
# Who may do what (services enforce these; pages use them to show the right controls)


def user_is_signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def user_is_demand_author(*, demand: Demand, user: Any) -> bool:
    return user_is_signed_in(user) and demand.author_id == user.pk


def user_is_fan(*, demand: Demand, user: Any) -> bool:
    if not user_is_signed_in(user):
        return False
    return Fan.objects.filter(demand=demand, user=user).exists()


def user_can_vote(*, demand: Demand, user: Any) -> bool:
    """Fans of the demand and its author vote in its rounds."""
    return user_is_demand_author(demand=demand, user=user) or user_is_fan(demand=demand, user=user)


def user_acts_for_venture(*, venture: Venture, user: Any) -> bool:
    """Whether the person is an active member of the venture (asked of the ventures app)."""
    return user_is_signed_in(user) and membership_is_active(venture=venture, user=user)


def user_acts_for_proposal(*, proposal: Proposal, user: Any) -> bool:
    """The proposal's author, or a current member of the venture it was posted for."""
    if not user_is_signed_in(user):
        return False
    if proposal.author_id == user.pk:
        return True
    return proposal.venture is not None and user_acts_for_venture(
        venture=proposal.venture, user=user
    )


def user_can_close_vote(*, demand: Demand, user: Any) -> bool:
    """The demand's author, or an operator, closes the vote of a demand decided by vote."""
    return user_is_demand_author(demand=demand, user=user) or user_is_operator(user)


def claimable_venture_list(*, user: Any) -> QuerySet[Venture]:
    """The ventures a person may claim for: those they are an active member of."""
    return venture_list_for_user(user=user).exclude(status="dissolved")


# ---------------------------------------------------------------------------------------------
# Claims


def claim_get(*, uid: uuid.UUID) -> Claim:
    try:
        return Claim.objects.select_related("demand", "demand__author", "claimant", "venture").get(
            uid=uid
        )
    except Claim.DoesNotExist as error:
        raise NotFound(_("No such claim."), code=DesignsErrorCode.CLAIM_NOT_FOUND) from error


def claim_list(*, demand: Demand, include_withdrawn: bool = False) -> QuerySet[Claim]:
    """The demand's claims, oldest first; active ones unless told otherwise."""
    claims = Claim.objects.filter(demand=demand).select_related("claimant", "venture", "demand")
    if not include_withdrawn:
        claims = claims.filter(status=ClaimStatus.ACTIVE)
    return claims.order_by("created_at", "id")


def claim_active_find(*, demand: Demand, user: Any, venture: Venture | None = None) -> Claim | None:
    """The active claim a person holds on the demand: their own, or their venture's."""
    if not user_is_signed_in(user):
        return None
    claims = Claim.objects.filter(demand=demand, status=ClaimStatus.ACTIVE)
    if venture is None:
        return claims.filter(claimant=user, venture__isnull=True).first()
    return claims.filter(venture=venture).select_related("venture").first()


def claim_list_for_user(*, demand: Demand, user: Any) -> list[Claim]:
    """The active claims a person may post under: their own and those of their ventures."""
    if not user_is_signed_in(user):
        return []
    venture_ids = list(claimable_venture_list(user=user).values_list("id", flat=True))
    return list(
        Claim.objects.filter(demand=demand, status=ClaimStatus.ACTIVE)
        .filter(Q(claimant=user, venture__isnull=True) | Q(venture_id__in=venture_ids))
        .select_related("claimant", "venture")
        .order_by("created_at", "id")
    )


# ---------------------------------------------------------------------------------------------
# Proposals and rounds


def _proposal_queryset() -> QuerySet[Proposal]:
    """Proposals with their people, round and current version's price, in one query."""
    current = ProposalVersion.objects.filter(
        proposal=OuterRef("pk"), number=OuterRef("current_version_number")
    )
    return Proposal.objects.select_related(
        "author", "venture", "round", "demand", "demand__author"
    ).annotate(
        current_price=Subquery(current.values("base_price")[:1]),
        current_currency=Subquery(current.values("currency")[:1]),
    )


def proposal_get(*, uid: uuid.UUID) -> Proposal:
    try:
        return _proposal_queryset().get(uid=uid)
    except Proposal.DoesNotExist as error:
        raise NotFound(_("No such proposal."), code=DesignsErrorCode.PROPOSAL_NOT_FOUND) from error


def proposal_list(*, demand: Demand, round: Round | None = None) -> QuerySet[Proposal]:
    """The demand's proposals (of one round if given), in round order, then as posted."""
    proposals = _proposal_queryset().filter(demand=demand)
    if round is not None:
        proposals = proposals.filter(round=round)
    return proposals.order_by("round__number", "created_at", "id")


def round_get(*, uid: uuid.UUID) -> Round:
    try:
        return Round.objects.select_related("demand", "demand__author").get(uid=uid)
    except Round.DoesNotExist as error:
        raise NotFound(_("No such round."), code=DesignsErrorCode.ROUND_NOT_FOUND) from error


def round_get_by_number(*, demand: Demand, number: int) -> Round:
    try:
        return Round.objects.select_related("demand").get(demand=demand, number=number)
    except Round.DoesNotExist as error:
        raise NotFound(
            _("Round %(number)d does not exist.") % {"number": number},
            code=DesignsErrorCode.ROUND_NOT_FOUND,
        ) from error


def round_list(*, demand: Demand) -> list[Round]:
    """The demand's rounds in order, each with its proposals (as posted) in `proposals.all()`."""
    proposals = _proposal_queryset().order_by("created_at", "id")
    return list(
        Round.objects.filter(demand=demand)
        .select_related("demand")
        .prefetch_related(Prefetch("proposals", queryset=proposals))
        .order_by("number")
    )


def round_open_find(*, demand: Demand) -> Round | None:
    """The demand's open round, if one is open."""
    return Round.objects.filter(demand=demand, status=RoundStatus.OPEN).first()


def round_latest_find(*, demand: Demand) -> Round | None:
    return Round.objects.filter(demand=demand).order_by("-number").first()


# ---------------------------------------------------------------------------------------------
# Versions


def version_get(*, proposal: Proposal, number: int | None = None) -> ProposalVersion:
    """One kept version of a proposal (the current one by default) with its lists loaded."""
    wanted = number if number is not None else proposal.current_version_number
    try:
        return (
            ProposalVersion.objects.select_related("created_by", "proposal")
            .prefetch_related(
                "modules",
                "pictures",
                Prefetch("options", queryset=Option.objects.order_by("position", "id")),
            )
            .get(proposal=proposal, number=wanted)
        )
    except ProposalVersion.DoesNotExist as error:
        raise NotFound(
            _("This proposal has no version %(number)s.") % {"number": wanted},
            code=DesignsErrorCode.VERSION_NOT_FOUND,
        ) from error


def version_list(*, proposal: Proposal) -> QuerySet[ProposalVersion]:
    """Every kept version of a proposal, first to latest, for the version switcher."""
    return (
        ProposalVersion.objects.filter(proposal=proposal)
        .select_related("created_by")
        .order_by("number")
    )


# ---------------------------------------------------------------------------------------------
# Votes


@dataclass(frozen=True)
class TallyRow:
    """One line of a round's result: place, proposal and its votes."""

    place: int
    proposal: Proposal
    votes: int


def vote_tally(*, round: Round) -> list[TallyRow]:
    """The round's proposals ranked by the rule in heyi.designs.tally (counted from the votes)."""
    proposals = list(
        _proposal_queryset()
        .filter(round=round)
        .annotate(
            counted_votes=Count("votes", filter=Q(votes__round=round)),
            last_vote_id=Max("votes__id", filter=Q(votes__round=round)),
        )
    )
    by_id = {p.pk: p for p in proposals}
    ranked = tally_rank(
        TallyEntry(
            key=p.pk,
            votes=p.counted_votes,  # type: ignore[attr-defined]
            last_vote_order=p.last_vote_id,  # type: ignore[attr-defined]
            posted_order=p.pk,
        )
        for p in proposals
    )
    return [
        TallyRow(place=place, proposal=by_id[entry.key], votes=entry.votes)  # type: ignore[index]
        for place, entry in enumerate(ranked, start=1)
    ]


def vote_get_for_user(*, round: Round, user: Any) -> Vote | None:
    """The vote a person cast in the round, if any."""
    if not user_is_signed_in(user):
        return None
    return Vote.objects.filter(round=round, voter=user).select_related("proposal").first()


# ---------------------------------------------------------------------------------------------
# Comments


def comment_get(*, uid: uuid.UUID) -> ProposalComment:
    try:
        return ProposalComment.objects.select_related("author", "parent").get(uid=uid)
    except ProposalComment.DoesNotExist as error:
        raise NotFound(_("No such comment."), code=DesignsErrorCode.COMMENT_NOT_FOUND) from error


def comment_list(*, proposal: Proposal) -> QuerySet[ProposalComment]:
    """A proposal's threads: top-level comments, oldest first, each with `replies.all()` loaded."""
    replies = ProposalComment.objects.select_related("author").order_by("created_at", "id")
    return (
        ProposalComment.objects.filter(proposal=proposal, parent__isnull=True)
        .select_related("author")
        .prefetch_related(Prefetch("replies", queryset=replies))
        .order_by("created_at", "id")
    )


# ---------------------------------------------------------------------------------------------
# Selection and the configurator


def selection_find(*, demand: Demand) -> Selection | None:
    return (
        Selection.objects.select_related(
            "proposal", "proposal__author", "proposal__venture", "version", "selected_by"
        )
        .filter(demand=demand)
        .first()
    )


def selection_get(*, demand: Demand) -> Selection:
    """The demand's chosen design; NotFound while nothing is chosen."""
    selection = selection_find(demand=demand)
    if selection is None:
        raise NotFound(
            _("No design has been chosen for this demand yet."),
            code=DesignsErrorCode.SELECTION_NOT_FOUND,
        )
    return selection


@dataclass(frozen=True)
class OptionGroup:
    name: str
    options: list[Option]

    @property
    def default(self) -> Option | None:
        return next((o for o in self.options if o.is_default), None)


@dataclass(frozen=True)
class Configurator:
    """What a user configures: the chosen version's base price and its options by group."""

    demand: Demand
    selection: Selection
    version: ProposalVersion
    base_price: Decimal
    currency: str
    groups: list[OptionGroup]
    lowest_price: Decimal
    highest_price: Decimal
    default_price: Decimal | None

    @property
    def options(self) -> Sequence[Option]:
        return [option for group in self.groups for option in group.options]

    def price(self, chosen: dict[str, str]) -> Decimal:
        """The configured price of a choice; raises pricing.PricingError for a bad one."""
        return pricing.configured_price(self.base_price, self.options, chosen)


def configurator_get(*, demand: Demand) -> Configurator:
    """The selected version with its options grouped: the configurator data for pre-orders."""
    selection = selection_get(demand=demand)
    version = (
        ProposalVersion.objects.select_related("proposal", "created_by")
        .prefetch_related(Prefetch("options", queryset=Option.objects.order_by("position", "id")))
        .get(pk=selection.version_id)
    )
    options = list(version.options.all())
    groups = [
        OptionGroup(name=name, options=values)
        for name, values in pricing.option_groups(options).items()
    ]
    defaults = pricing.default_choice(options)
    return Configurator(
        demand=demand,
        selection=selection,
        version=version,
        base_price=version.base_price,
        currency=version.currency,
        groups=groups,
        lowest_price=pricing.lowest_price(version.base_price, options),
        highest_price=pricing.highest_price(version.base_price, options),
        default_price=(
            pricing.configured_price(version.base_price, options, defaults)
            if defaults is not None
            else None
        ),
    )
