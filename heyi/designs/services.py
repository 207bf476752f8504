"""Co-design writes: claims, rounds, proposals and their versions, votes, comments, the selection.

Each function is one business action in one transaction: its rows, its audit event (with the
demand's uid, so it appears on the demand's trace) and, where the chain moves on, the demand's
status change through the demands app.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.core.audit import audit_record
from heyi.core.pictures import picture_validate
from heyi.core.text import text_clean
from heyi.demands.models import Demand, DemandStatus, SelectionMode
from heyi.demands.services import demand_status_change
from heyi.designs import pricing, selectors
from heyi.designs.errors import DesignsError, DesignsErrorCode
from heyi.designs.models import (
    Claim,
    ClaimStatus,
    Module,
    Option,
    Proposal,
    ProposalComment,
    ProposalVersion,
    Round,
    RoundStatus,
    Selection,
    SelectionMethod,
    VersionPicture,
    Vote,
)
from heyi.ventures.models import Venture, VentureStatus

CURRENCY = "CNY"
MAX_PICTURES = 8
MAX_MODULES = 100
MAX_OPTIONS = 200
MAX_QUANTITY = 1_000_000
CLAIMABLE_STATUSES = {DemandStatus.OPEN, DemandStatus.CO_DESIGN}

OptionSpec = pricing.OptionSpec


@dataclass(frozen=True)
class ModuleSpec:
    """One line of a module list as written by a designer, before it is stored."""

    name: str
    quantity: int = 1
    description: str = ""


# ---------------------------------------------------------------------------------------------
# Shared checks


def _require_signed_in(user: Any) -> None:
    if not selectors.user_is_signed_in(user):
        raise DesignsError(
            DesignsErrorCode.NOT_AUTHENTICATED, _("Sign in to take part in co-design."), status=401
        )


def _demand_lock(demand: Demand) -> Demand:
    """Re-read the demand under a row lock so concurrent co-design steps queue behind each other."""
    return Demand.objects.select_for_update().get(pk=demand.pk)


def _require_demand_author(demand: Demand, user: Any) -> None:
    if not selectors.user_is_demand_author(demand=demand, user=user):
        raise DesignsError(
            DesignsErrorCode.NOT_DEMAND_AUTHOR,
            _("Only the demand's author may do this."),
            status=403,
        )


def _require_co_design(demand: Demand) -> None:
    if demand.status != DemandStatus.CO_DESIGN:
        raise DesignsError(
            DesignsErrorCode.DEMAND_NOT_IN_CO_DESIGN,
            _("Demand #%(number)d is not in co-design.") % {"number": demand.number},
        )


def _require_no_selection(demand: Demand) -> None:
    if Selection.objects.filter(demand_id=demand.pk).exists():
        raise DesignsError(
            DesignsErrorCode.SELECTION_EXISTS,
            _("A design has already been chosen for demand #%(number)d.")
            % {"number": demand.number},
        )


def _pricing_error(error: pricing.PricingError) -> DesignsError:
    messages = {
        "price_invalid": _(
            "The estimated base price must be an amount of money more than zero, with at most "
            "two decimal places and at most 12 digits."
        ),
        "option_invalid": _(
            "Every option needs a group, a value, and a price change with at most two decimal "
            "places and at most 12 digits."
        ),
        "option_duplicate": _("The option “%(group)s: %(value)s” is listed twice."),
        "option_default_duplicate": _("The option group “%(group)s” has more than one default."),
        "configuration_not_positive": _(
            "The cheapest combination of options would cost %(price)s: it must cost more than zero."
        ),
        "choice_invalid": _("That choice of options does not fit this design."),
    }
    return DesignsError(error.code, messages[error.code] % error.params, status=422)


def _audit(
    *, type: str, summary: str, actor: Any, subject: Any, demand: Demand, **data: Any
) -> None:
    audit_record(
        type=type,
        summary=summary,
        actor=actor,
        subject=subject,
        demand_uid=demand.uid,
        data={k: str(v) if v is not None else None for k, v in data.items()},
    )


# ---------------------------------------------------------------------------------------------
# Claims


@transaction.atomic
def claim_make(
    *, demand: Demand, user: Any, venture: Venture | None = None, note: str = ""
) -> Claim:
    """A person, or a person for a venture they belong to, claims a demand to design it.

    Open and co-design demands may be claimed until a design is chosen. The first claim moves
    the demand from open to co-design and opens round 1.
    """
    _require_signed_in(user)
    if venture is not None:
        if not selectors.user_acts_for_venture(venture=venture, user=user):
            raise DesignsError(
                DesignsErrorCode.NOT_VENTURE_MEMBER,
                _("You can act for %(venture)s only while you are one of its members.")
                % {"venture": venture.name},
                status=403,
            )
        if venture.status == VentureStatus.DISSOLVED:
            raise DesignsError(
                DesignsErrorCode.VENTURE_DISSOLVED,
                _("%(venture)s is dissolved.") % {"venture": venture.name},
            )
    note = text_clean(value=note, field=_("Note"), max_length=2000, required=False)
    demand = _demand_lock(demand)
    if demand.status not in CLAIMABLE_STATUSES:
        raise DesignsError(
            DesignsErrorCode.CLAIM_NOT_ALLOWED,
            _("Demand #%(number)d can no longer be claimed: it is %(status)s.")
            % {"number": demand.number, "status": demand.get_status_display()},
        )
    _require_no_selection(demand)
    try:
        with transaction.atomic():
            claim = Claim.objects.create(demand=demand, claimant=user, venture=venture, note=note)
    except IntegrityError as error:
        message = (
            _("%(venture)s already holds a claim on this demand.") % {"venture": venture.name}
            if venture
            else _("You already hold a claim on this demand.")
        )
        raise DesignsError(DesignsErrorCode.ALREADY_CLAIMED, message) from error
    who = venture.name if venture else user.name
    _audit(
        type="designs.claim.made",
        summary=f"{who} claimed #{demand.number}",
        actor=user,
        subject=claim,
        demand=demand,
        venture=venture.slug if venture else None,
    )
    if demand.status == DemandStatus.OPEN:
        demand = demand_status_change(
            demand=demand,
            to_status=DemandStatus.CO_DESIGN,
            actor=user,
            reason=f"Claimed by {who}",
        )
    if not Round.objects.filter(demand=demand).exists():
        _round_open(demand=demand, number=1, actor=user)
    return claim


@transaction.atomic
def claim_withdraw(*, claim: Claim, user: Any) -> Claim:
    """The claimant (or a member of the claiming venture) withdraws the claim.

    Proposals already posted stay in their rounds; without an active claim no new proposal or
    version can be posted for that person or venture. A claim is final once a design is chosen.
    """
    _require_signed_in(user)
    claim = Claim.objects.select_for_update(of=("self",)).select_related("venture").get(pk=claim.pk)
    acts = claim.claimant_id == user.pk and claim.venture_id is None
    if claim.venture is not None:
        acts = selectors.user_acts_for_venture(venture=claim.venture, user=user)
    if not acts:
        raise DesignsError(
            DesignsErrorCode.NOT_CLAIMANT,
            _("Only the claimant may withdraw this claim."),
            status=403,
        )
    if claim.status != ClaimStatus.ACTIVE:
        raise DesignsError(DesignsErrorCode.CLAIM_WITHDRAWN, _("This claim is already withdrawn."))
    demand = Demand.objects.get(pk=claim.demand_id)
    _require_no_selection(demand)
    claim.status = ClaimStatus.WITHDRAWN
    claim.save(update_fields=["status", "updated_at"])
    who = claim.venture.name if claim.venture else user.name
    _audit(
        type="designs.claim.withdrawn",
        summary=f"{who} withdrew the claim on #{demand.number}",
        actor=user,
        subject=claim,
        demand=demand,
    )
    return claim


# ---------------------------------------------------------------------------------------------
# Rounds


def _round_open(*, demand: Demand, number: int, actor: Any) -> Round:
    try:
        with transaction.atomic():
            round = Round.objects.create(demand=demand, number=number, status=RoundStatus.OPEN)
    except IntegrityError as error:
        raise DesignsError(
            DesignsErrorCode.ROUND_ALREADY_OPEN,
            _("Another round of this demand was opened at the same time; reload and retry."),
        ) from error
    _audit(
        type="designs.round.opened",
        summary=f"Round {number} of #{demand.number} opened",
        actor=actor,
        subject=round,
        demand=demand,
        number=number,
    )
    return round


def _round_shut(*, round: Round, demand: Demand, actor: Any) -> Round:
    round.status = RoundStatus.CLOSED
    round.closed_at = timezone.now()
    round.save(update_fields=["status", "closed_at", "updated_at"])
    _audit(
        type="designs.round.closed",
        summary=f"Round {round.number} of #{demand.number} closed",
        actor=actor,
        subject=round,
        demand=demand,
        number=round.number,
    )
    return round


@transaction.atomic
def round_open_next(*, demand: Demand, user: Any) -> Round:
    """The demand's author opens round n+1, closing round n first if it is still open."""
    _require_signed_in(user)
    _require_demand_author(demand, user)
    demand = _demand_lock(demand)
    _require_co_design(demand)
    _require_no_selection(demand)
    current = (
        Round.objects.select_for_update().filter(demand=demand, status=RoundStatus.OPEN).first()
    )
    if current is not None:
        _round_shut(round=current, demand=demand, actor=user)
    last = Round.objects.filter(demand=demand).aggregate(last=Max("number"))["last"] or 0
    return _round_open(demand=demand, number=last + 1, actor=user)


@transaction.atomic
def round_close(*, round: Round, user: Any) -> Round:
    """The demand's author closes the open round (the last one, or before opening the next)."""
    _require_signed_in(user)
    demand = Demand.objects.get(pk=round.demand_id)
    _require_demand_author(demand, user)
    round = Round.objects.select_for_update().get(pk=round.pk)
    if round.status != RoundStatus.OPEN:
        raise DesignsError(
            DesignsErrorCode.ROUND_NOT_OPEN,
            _("Round %(number)d is already closed.") % {"number": round.number},
        )
    return _round_shut(round=round, demand=demand, actor=user)


# ---------------------------------------------------------------------------------------------
# Proposals and versions


def _currency_clean(currency: str) -> str:
    cleaned = (currency or "").strip().upper()
    if cleaned != CURRENCY:
        raise DesignsError(
            DesignsErrorCode.CURRENCY_UNSUPPORTED,
            _("Prices are in CNY for now."),
            status=422,
        )
    return cleaned


def _modules_clean(modules: Sequence[ModuleSpec]) -> list[ModuleSpec]:
    if len(modules) > MAX_MODULES:
        raise DesignsError(
            DesignsErrorCode.TOO_MANY_MODULES,
            _("A module list has at most %(max)d lines.") % {"max": MAX_MODULES},
            status=422,
        )
    cleaned = []
    for position, module in enumerate(modules, start=1):
        name = (module.name or "").strip()
        description = (module.description or "").strip()
        quantity = module.quantity
        if (
            not name
            or len(name) > 120
            or len(description) > 500
            or isinstance(quantity, bool)
            or not isinstance(quantity, int)
            or not 1 <= quantity <= MAX_QUANTITY
        ):
            raise DesignsError(
                DesignsErrorCode.MODULE_INVALID,
                _(
                    "Module %(position)d needs a name (at most 120 characters), a quantity of at "
                    "least 1 and a description of at most 500 characters."
                )
                % {"position": position},
                status=422,
            )
        cleaned.append(ModuleSpec(name=name, quantity=quantity, description=description))
    return cleaned


def _price_clean(base_price: Any) -> Decimal:
    try:
        return pricing.amount_clean(base_price, code="price_invalid")
    except pricing.PricingError as error:
        raise _pricing_error(error) from error


def _options_clean(
    base_price: Decimal, options: Sequence[pricing.PricedOption]
) -> list[OptionSpec]:
    if len(options) > MAX_OPTIONS:
        raise DesignsError(
            DesignsErrorCode.TOO_MANY_OPTIONS,
            _("A design has at most %(max)d options.") % {"max": MAX_OPTIONS},
            status=422,
        )
    cleaned = []
    try:
        for option in options:
            group = (option.group or "").strip()
            value = (option.value or "").strip()
            if len(group) > 60 or len(value) > 80:
                raise pricing.PricingError("option_invalid", _("Option text too long."))
            cleaned.append(
                OptionSpec(
                    group=group,
                    value=value,
                    price_delta=pricing.amount_clean(
                        option.price_delta, allow_negative=True, code="option_invalid"
                    ),
                    is_default=bool(option.is_default),
                )
            )
        pricing.options_validate(base_price, cleaned)
    except pricing.PricingError as error:
        raise _pricing_error(error) from error
    return cleaned


def _pictures_clean(pictures: Sequence[UploadedFile], *, already: int = 0) -> list[UploadedFile]:
    """Check every picture before anything is written, so a bad one leaves nothing behind."""
    if already + len(pictures) > MAX_PICTURES:
        raise DesignsError(
            DesignsErrorCode.TOO_MANY_PICTURES,
            _("A version has at most %(max)d pictures.") % {"max": MAX_PICTURES},
            status=422,
        )
    for picture in pictures:
        picture_validate(picture=picture)
    return list(pictures)


def _version_write(
    *,
    proposal: Proposal,
    number: int,
    user: Any,
    description: str,
    base_price: Decimal,
    currency: str,
    modules: list[ModuleSpec],
    options: list[OptionSpec],
    pictures: list[UploadedFile],
    carried_pictures: Sequence[VersionPicture] = (),
) -> ProposalVersion:
    try:
        with transaction.atomic():
            version = ProposalVersion.objects.create(
                proposal=proposal,
                number=number,
                summary=description,
                base_price=base_price,
                currency=currency,
                created_by=user,
            )
    except IntegrityError as error:
        raise DesignsError(
            DesignsErrorCode.VERSION_CONFLICT,
            _("Another version was posted at the same time; reload and retry."),
        ) from error
    Module.objects.bulk_create(
        Module(
            version=version,
            name=m.name,
            description=m.description,
            quantity=m.quantity,
            position=i,
        )
        for i, m in enumerate(modules)
    )
    Option.objects.bulk_create(
        Option(
            version=version,
            group=o.group,
            value=o.value,
            price_delta=o.price_delta,
            is_default=o.is_default,
            position=i,
        )
        for i, o in enumerate(options)
    )
    # A new version without new pictures keeps showing the previous ones: the rows are copied,
    # the stored files are shared (files are never deleted while a version points at them).
    for i, kept in enumerate(carried_pictures):
        VersionPicture.objects.create(
            version=version, image=kept.image.name, caption=kept.caption, position=i
        )
    for i, picture in enumerate(pictures, start=len(carried_pictures)):
        VersionPicture.objects.create(version=version, image=picture, position=i)
    return version


@transaction.atomic
def proposal_post(
    *,
    demand: Demand,
    user: Any,
    title: str,
    description: str,
    base_price: Any,
    modules: Sequence[ModuleSpec] = (),
    options: Sequence[pricing.PricedOption] = (),
    pictures: Sequence[UploadedFile] = (),
    venture: Venture | None = None,
    currency: str = CURRENCY,
) -> Proposal:
    """A claimant posts a proposal, with its version 1, in the demand's open round.

    The proposal is posted for the person (their own claim) or for a venture they belong to
    (the venture's claim). Everything is checked before anything is written.
    """
    _require_signed_in(user)
    if venture is not None and not selectors.user_acts_for_venture(venture=venture, user=user):
        raise DesignsError(
            DesignsErrorCode.NOT_VENTURE_MEMBER,
            _("You can act for %(venture)s only while you are one of its members.")
            % {"venture": venture.name},
            status=403,
        )
    claim = selectors.claim_active_find(demand=demand, user=user, venture=venture)
    if claim is None:
        raise DesignsError(
            DesignsErrorCode.NO_ACTIVE_CLAIM,
            _("Claim the demand first: only claimants post proposals."),
            status=403,
        )
    demand = _demand_lock(demand)
    _require_co_design(demand)
    _require_no_selection(demand)
    round = selectors.round_open_find(demand=demand)
    if round is None:
        raise DesignsError(
            DesignsErrorCode.NO_OPEN_ROUND,
            _("No round is open: wait for the demand's author to open the next one."),
        )
    title = text_clean(value=title, field=_("Title"), max_length=160)
    description = text_clean(value=description, field=_("Description"), max_length=10000)
    currency = _currency_clean(currency)
    price = _price_clean(base_price)
    module_specs = _modules_clean(modules)
    option_specs = _options_clean(price, options)
    picture_files = _pictures_clean(pictures)
    proposal = Proposal.objects.create(
        demand=demand,
        round=round,
        claim=claim,
        author=user,
        venture=venture,
        title=title,
        current_version_number=1,
    )
    _version_write(
        proposal=proposal,
        number=1,
        user=user,
        description=description,
        base_price=price,
        currency=currency,
        modules=module_specs,
        options=option_specs,
        pictures=picture_files,
    )
    who = venture.name if venture else user.name
    _audit(
        type="designs.proposal.posted",
        summary=f"{who} posted “{title}” in round {round.number} of #{demand.number}",
        actor=user,
        subject=proposal,
        demand=demand,
        round=round.number,
        base_price=price,
    )
    return proposal


def _require_acts_for_proposal(proposal: Proposal, user: Any) -> None:
    if not selectors.user_acts_for_proposal(proposal=proposal, user=user):
        raise DesignsError(
            DesignsErrorCode.NOT_PROPOSAL_AUTHOR,
            _("Only the proposal's author or its venture's members may change it."),
            status=403,
        )


def _require_round_open(round: Round) -> None:
    if round.status != RoundStatus.OPEN:
        raise DesignsError(
            DesignsErrorCode.ROUND_NOT_OPEN,
            _("Round %(number)d is closed.") % {"number": round.number},
        )


@transaction.atomic
def version_post(
    *,
    proposal: Proposal,
    user: Any,
    description: str,
    base_price: Any,
    modules: Sequence[ModuleSpec] = (),
    options: Sequence[pricing.PricedOption] = (),
    pictures: Sequence[UploadedFile] = (),
    keep_pictures: bool = True,
    currency: str = CURRENCY,
) -> ProposalVersion:
    """Post version n+1 of a proposal while its round is open; earlier versions are kept.

    Without new pictures (and with `keep_pictures`), the previous version's pictures carry over.
    """
    _require_signed_in(user)
    _require_acts_for_proposal(proposal, user)
    demand = Demand.objects.get(pk=proposal.demand_id)
    venture = proposal.venture
    if selectors.claim_active_find(demand=demand, user=user, venture=venture) is None:
        raise DesignsError(
            DesignsErrorCode.NO_ACTIVE_CLAIM,
            _("The claim behind this proposal was withdrawn: claim the demand again first."),
            status=403,
        )
    locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
    _require_round_open(Round.objects.get(pk=locked.round_id))
    _require_no_selection(demand)
    description = text_clean(value=description, field=_("Description"), max_length=10000)
    currency = _currency_clean(currency)
    price = _price_clean(base_price)
    module_specs = _modules_clean(modules)
    option_specs = _options_clean(price, options)
    carried: list[VersionPicture] = []
    if not pictures and keep_pictures:
        carried = list(
            VersionPicture.objects.filter(
                version__proposal=locked, version__number=locked.current_version_number
            ).order_by("position", "id")
        )
    picture_files = _pictures_clean(pictures, already=len(carried))
    number = locked.current_version_number + 1
    version = _version_write(
        proposal=locked,
        number=number,
        user=user,
        description=description,
        base_price=price,
        currency=currency,
        modules=module_specs,
        options=option_specs,
        pictures=picture_files,
        carried_pictures=carried,
    )
    Proposal.objects.filter(pk=locked.pk).update(
        current_version_number=number, updated_at=timezone.now()
    )
    proposal.current_version_number = number
    _audit(
        type="designs.version.posted",
        summary=f"Version {number} of “{locked.title}” posted",
        actor=user,
        subject=version,
        demand=demand,
        proposal=locked.uid,
        number=number,
        base_price=price,
    )
    return version


@transaction.atomic
def version_picture_add(
    *, version: ProposalVersion, user: Any, picture: UploadedFile, caption: str = ""
) -> VersionPicture:
    """Add a picture to the current version of a proposal while its round is open (at most 8)."""
    _require_signed_in(user)
    proposal = Proposal.objects.select_related("venture").get(pk=version.proposal_id)
    _require_acts_for_proposal(proposal, user)
    version = ProposalVersion.objects.select_for_update().get(pk=version.pk)
    _require_round_open(Round.objects.get(pk=proposal.round_id))
    if version.number != proposal.current_version_number:
        raise DesignsError(
            DesignsErrorCode.VERSION_NOT_CURRENT,
            _("Version %(number)d is kept as it was: add pictures to the current version.")
            % {"number": version.number},
        )
    caption = text_clean(value=caption, field=_("Caption"), max_length=200, required=False)
    existing = VersionPicture.objects.filter(version=version).count()
    _pictures_clean([picture], already=existing)
    added = VersionPicture.objects.create(
        version=version, image=picture, caption=caption, position=existing
    )
    demand = Demand.objects.get(pk=proposal.demand_id)
    _audit(
        type="designs.picture.added",
        summary=f"A picture was added to version {version.number} of “{proposal.title}”",
        actor=user,
        subject=added,
        demand=demand,
        proposal=proposal.uid,
        number=version.number,
    )
    return added


# ---------------------------------------------------------------------------------------------
# Votes and comments


@transaction.atomic
def vote_cast(*, proposal: Proposal, user: Any) -> Vote:
    """A fan of the demand, or its author, votes for a proposal of the open round: once a round.

    The database holds the once-per-round rule (designs_vote_once_per_round), so two votes at
    the same instant still count once.
    """
    _require_signed_in(user)
    demand = Demand.objects.get(pk=proposal.demand_id)
    if not selectors.user_can_vote(demand=demand, user=user):
        raise DesignsError(
            DesignsErrorCode.NOT_ALLOWED_TO_VOTE,
            _("Only the demand's fans and its author vote. Become a fan of the demand first."),
            status=403,
        )
    round = Round.objects.get(pk=proposal.round_id)
    _require_round_open(round)
    if selectors.user_acts_for_proposal(proposal=proposal, user=user):
        raise DesignsError(
            DesignsErrorCode.OWN_PROPOSAL,
            _("You cannot vote for your own proposal."),
            status=403,
        )
    try:
        with transaction.atomic():
            vote = Vote.objects.create(round=round, proposal=proposal, voter=user)
    except IntegrityError as error:
        raise DesignsError(
            DesignsErrorCode.ALREADY_VOTED,
            _("You have already voted in round %(number)d.") % {"number": round.number},
        ) from error
    Proposal.objects.filter(pk=proposal.pk).update(vote_count=F("vote_count") + 1)
    proposal.refresh_from_db(fields=["vote_count"])
    _audit(
        type="designs.vote.cast",
        summary=f"{user.name} voted for “{proposal.title}” in round {round.number}",
        actor=user,
        subject=proposal,
        demand=demand,
        round=round.number,
    )
    return vote


@transaction.atomic
def comment_post(
    *,
    proposal: Proposal,
    user: Any,
    body: str,
    parent: ProposalComment | None = None,
) -> ProposalComment:
    """Any signed-in person comments on a proposal, or replies in one of its threads.

    Threads are one level deep: a reply to a reply joins the thread of the comment it started
    from.
    """
    _require_signed_in(user)
    body = text_clean(value=body, field=_("Comment"), max_length=5000)
    root = None
    if parent is not None:
        if parent.proposal_id != proposal.pk:
            raise DesignsError(
                DesignsErrorCode.COMMENT_PARENT_INVALID,
                _("You can only reply to a comment on the same proposal."),
                status=422,
            )
        root = (
            parent if parent.parent_id is None else ProposalComment.objects.get(pk=parent.parent_id)
        )
    comment = ProposalComment.objects.create(proposal=proposal, author=user, parent=root, body=body)
    Proposal.objects.filter(pk=proposal.pk).update(comment_count=F("comment_count") + 1)
    proposal.refresh_from_db(fields=["comment_count"])
    demand = Demand.objects.get(pk=proposal.demand_id)
    _audit(
        type="designs.comment.posted",
        summary=f"{user.name} commented on “{proposal.title}”",
        actor=user,
        subject=comment,
        demand=demand,
        proposal=proposal.uid,
    )
    return comment


# ---------------------------------------------------------------------------------------------
# Selection


def _selection_record(
    *, demand: Demand, proposal: Proposal, method: str, user: Any, **data: Any
) -> Selection:
    """Close the open round, record the chosen version and move the demand to pre-order."""
    current = (
        Round.objects.select_for_update().filter(demand=demand, status=RoundStatus.OPEN).first()
    )
    if current is not None:
        _round_shut(round=current, demand=demand, actor=user)
    version = ProposalVersion.objects.get(proposal=proposal, number=proposal.current_version_number)
    try:
        with transaction.atomic():
            selection = Selection.objects.create(
                demand=demand, proposal=proposal, version=version, method=method, selected_by=user
            )
    except IntegrityError as error:
        raise DesignsError(
            DesignsErrorCode.SELECTION_EXISTS,
            _("A design has already been chosen for demand #%(number)d.")
            % {"number": demand.number},
        ) from error
    _audit(
        type="designs.design.selected",
        summary=f"“{proposal.title}” v{version.number} chosen for #{demand.number} ({method})",
        actor=user,
        subject=selection,
        demand=demand,
        proposal=proposal.uid,
        version=version.number,
        method=method,
        **data,
    )
    demand_status_change(
        demand=demand,
        to_status=DemandStatus.PRE_ORDER,
        actor=user,
        reason=f"Design chosen: {proposal.title} (version {version.number})",
    )
    return selection


def _require_selection_mode(demand: Demand, mode: str) -> None:
    if demand.selection_mode != mode:
        message = (
            _("This demand's design is chosen by the vote: close the vote instead.")
            if demand.selection_mode == SelectionMode.VOTE
            else _("This demand's author picks the design: there is no vote to close.")
        )
        raise DesignsError(DesignsErrorCode.SELECTION_MODE_MISMATCH, message)


@transaction.atomic
def selection_make(*, demand: Demand, user: Any, proposal: Proposal) -> Selection:
    """The demand's author picks a proposal (its current version) while the demand is in co-design.

    Only for demands whose selection mode is "author". Closes the open round and moves the
    demand to pre-order.
    """
    _require_signed_in(user)
    if not selectors.user_is_demand_author(demand=demand, user=user):
        raise DesignsError(
            DesignsErrorCode.NOT_ALLOWED_TO_SELECT,
            _("Only the demand's author picks its design."),
            status=403,
        )
    demand = _demand_lock(demand)
    _require_selection_mode(demand, SelectionMode.AUTHOR)
    if proposal.demand_id != demand.pk:
        raise DesignsError(
            DesignsErrorCode.PROPOSAL_NOT_FOUND,
            _("That proposal was not made for this demand."),
            status=404,
        )
    _require_no_selection(demand)
    _require_co_design(demand)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    return _selection_record(
        demand=demand, proposal=proposal, method=SelectionMethod.AUTHOR, user=user
    )


@transaction.atomic
def selection_by_vote(*, demand: Demand, user: Any) -> Selection:
    """The author or an operator closes the vote: the latest round's leading proposal is chosen.

    Only for demands whose selection mode is "vote". The latest round is the highest-numbered
    one, open or closed. Its proposals are ranked by heyi.designs.tally: most votes first; on
    equal votes the proposal that reached its count first (its last vote cast earlier); then the
    proposal posted first. A round nobody voted in chooses nothing.
    """
    _require_signed_in(user)
    if not selectors.user_can_close_vote(demand=demand, user=user):
        raise DesignsError(
            DesignsErrorCode.NOT_ALLOWED_TO_SELECT,
            _("Only the demand's author or an operator closes the vote."),
            status=403,
        )
    demand = _demand_lock(demand)
    _require_selection_mode(demand, SelectionMode.VOTE)
    _require_no_selection(demand)
    _require_co_design(demand)
    latest = selectors.round_latest_find(demand=demand)
    if latest is None:
        raise DesignsError(DesignsErrorCode.NO_ROUNDS, _("No round has been held yet."))
    # vote_tally ranks by the rule above; first place with at least one vote wins.
    tally = selectors.vote_tally(round=latest)
    if not tally or tally[0].votes == 0:
        raise DesignsError(
            DesignsErrorCode.NO_VOTES,
            _("Nobody has voted in round %(number)d yet.") % {"number": latest.number},
        )
    winner = tally[0]
    proposal = Proposal.objects.select_for_update().get(pk=winner.proposal.pk)
    return _selection_record(
        demand=demand,
        proposal=proposal,
        method=SelectionMethod.VOTE,
        user=user,
        round=latest.number,
        votes=winner.votes,
    )
