"""API of co-design: claims, rounds, proposals and versions, votes, comments, selection, configurator."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from heyi.api_auth import OPTIONAL_AUTH
from heyi.demands.selectors import demand_get
from heyi.designs import selectors, services
from heyi.designs.schemas import (
    ClaimIn,
    ClaimOut,
    CommentIn,
    CommentOut,
    ConfiguratorGroupOut,
    ConfiguratorOptionOut,
    ConfiguratorOut,
    ModuleIn,
    OptionIn,
    PersonRefOut,
    PictureOut,
    ProposalIn,
    ProposalOut,
    ProposalSummaryOut,
    RoundOut,
    SelectionIn,
    SelectionOut,
    ThreadOut,
    VersionIn,
    VersionOut,
    VoteOut,
    money,
)
from heyi.designs.services import ModuleSpec, OptionSpec
from heyi.ventures.selectors import venture_get

router = Router(tags=["designs"])


def _modules(items: list[ModuleIn]) -> list[ModuleSpec]:
    return [ModuleSpec(name=m.name, quantity=m.quantity, description=m.description) for m in items]


def _options(items: list[OptionIn]) -> list[OptionSpec]:
    return [
        OptionSpec(group=o.group, value=o.value, price_delta=o.price_delta, is_default=o.is_default)
        for o in items
    ]


class _ProposalShown:
    """A proposal with its kept versions and the one version shown, for ProposalOut."""

    def __init__(self, proposal: Any, version_number: int | None) -> None:
        self.proposal = proposal
        self.versions = list(selectors.version_list(proposal=proposal))
        self.version = selectors.version_get(proposal=proposal, number=version_number)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.proposal, name)


def _proposal_out(proposal: Any, version_number: int | None = None) -> _ProposalShown:
    return _ProposalShown(proposal, version_number)


def _selection_out(selection: Any) -> SelectionOut:
    selected_by = selection.selected_by
    return SelectionOut(
        demand_number=selection.demand.number,
        proposal=selection.proposal.uid,
        title=selection.proposal.title,
        version_number=selection.version.number,
        method=selection.method,
        selected_by=PersonRefOut(uid=selected_by.uid, name=selected_by.name)
        if selected_by
        else None,
        created_at=selection.created_at,
    )


# --- Claims ----------------------------------------------------------------------------------


@router.get("/demands/{number}/claims", response=list[ClaimOut], auth=OPTIONAL_AUTH)
def claim_list(request: HttpRequest, number: int) -> Any:
    """The demand's active claims, oldest first."""
    return list(selectors.claim_list(demand=demand_get(number=number)))


@router.post("/demands/{number}/claims", response={201: ClaimOut})
def claim_create(request: HttpRequest, number: int, payload: ClaimIn) -> Any:
    """Claim the demand for yourself, or for a venture you are an active member of."""
    demand = demand_get(number=number)
    venture = venture_get(slug=payload.venture) if payload.venture else None
    claim = services.claim_make(
        demand=demand, user=request.user, venture=venture, note=payload.note
    )
    return Status(201, claim)


@router.delete("/claims/{uid}", response=ClaimOut)
def claim_withdraw(request: HttpRequest, uid: uuid.UUID) -> Any:
    """Withdraw a claim (the claimant, or a member of the claiming venture)."""
    return services.claim_withdraw(claim=selectors.claim_get(uid=uid), user=request.user)


# --- Rounds ----------------------------------------------------------------------------------


@router.get("/demands/{number}/rounds", response=list[RoundOut], auth=OPTIONAL_AUTH)
def round_list(request: HttpRequest, number: int) -> Any:
    """The demand's rounds in order, each with its proposals."""
    return selectors.round_list(demand=demand_get(number=number))


def _round_out(round: Any) -> Any:
    # Re-read through the list selector so the round comes back with its proposals.
    return next(r for r in selectors.round_list(demand=round.demand) if r.pk == round.pk)


@router.post("/demands/{number}/rounds", response={201: RoundOut})
def round_open_next(request: HttpRequest, number: int) -> Any:
    """The demand's author opens the next round (closing the open one first)."""
    round = services.round_open_next(demand=demand_get(number=number), user=request.user)
    return Status(201, _round_out(round))


@router.post("/rounds/{uid}/close", response=RoundOut)
def round_close(request: HttpRequest, uid: uuid.UUID) -> Any:
    """The demand's author closes the open round."""
    round = services.round_close(round=selectors.round_get(uid=uid), user=request.user)
    return _round_out(round)


# --- Proposals and versions ------------------------------------------------------------------


@router.get("/demands/{number}/proposals", response=list[ProposalSummaryOut], auth=OPTIONAL_AUTH)
def proposal_list(request: HttpRequest, number: int, round: int | None = None) -> Any:
    """The demand's proposals, of one round if `round` (its number) is given."""
    demand = demand_get(number=number)
    wanted = selectors.round_get_by_number(demand=demand, number=round) if round else None
    return selectors.proposal_list(demand=demand, round=wanted)


@router.post("/demands/{number}/proposals", response={201: ProposalOut})
def proposal_create(request: HttpRequest, number: int, payload: ProposalIn) -> Any:
    """Post a proposal with its first version in the open round (claimants only).

    Add pictures afterwards with POST /proposals/{uid}/versions/1/pictures.
    """
    demand = demand_get(number=number)
    venture = venture_get(slug=payload.venture) if payload.venture else None
    proposal = services.proposal_post(
        demand=demand,
        user=request.user,
        venture=venture,
        title=payload.title,
        description=payload.description,
        base_price=payload.base_price,
        currency=payload.currency,
        modules=_modules(payload.modules),
        options=_options(payload.options),
    )
    return Status(201, _proposal_out(selectors.proposal_get(uid=proposal.uid)))


@router.get("/proposals/{uid}", response=ProposalOut, auth=OPTIONAL_AUTH)
def proposal_get(request: HttpRequest, uid: uuid.UUID, version: int | None = None) -> Any:
    """A proposal with the list of its kept versions and one version in full (the current one)."""
    return _proposal_out(selectors.proposal_get(uid=uid), version)


@router.get("/proposals/{uid}/versions/{number}", response=VersionOut, auth=OPTIONAL_AUTH)
def version_get(request: HttpRequest, uid: uuid.UUID, number: int) -> Any:
    """One kept version of a proposal."""
    return selectors.version_get(proposal=selectors.proposal_get(uid=uid), number=number)


@router.post("/proposals/{uid}/versions", response={201: ProposalOut})
def version_create(request: HttpRequest, uid: uuid.UUID, payload: VersionIn) -> Any:
    """Post the next version of a proposal while its round is open."""
    proposal = selectors.proposal_get(uid=uid)
    services.version_post(
        proposal=proposal,
        user=request.user,
        description=payload.description,
        base_price=payload.base_price,
        currency=payload.currency,
        modules=_modules(payload.modules),
        options=_options(payload.options),
        keep_pictures=payload.keep_pictures,
    )
    return Status(201, _proposal_out(selectors.proposal_get(uid=uid)))


@router.post("/proposals/{uid}/versions/{number}/pictures", response={201: PictureOut})
def version_picture_add(
    request: HttpRequest,
    uid: uuid.UUID,
    number: int,
    picture: File[UploadedFile],
    caption: Form[str] = "",
) -> Any:
    """Upload a picture (JPEG, PNG, WebP or GIF; at most 8 a version) to the current version."""
    version = selectors.version_get(proposal=selectors.proposal_get(uid=uid), number=number)
    added = services.version_picture_add(
        version=version, user=request.user, picture=picture, caption=caption
    )
    return Status(201, added)


# --- Votes and comments ----------------------------------------------------------------------


@router.post("/proposals/{uid}/vote", response={201: VoteOut})
def vote_cast(request: HttpRequest, uid: uuid.UUID) -> Any:
    """Vote for a proposal of the open round: fans and the demand's author, once per round."""
    proposal = selectors.proposal_get(uid=uid)
    services.vote_cast(proposal=proposal, user=request.user)
    return Status(
        201,
        VoteOut(
            proposal=proposal.uid,
            round_number=proposal.round.number,
            vote_count=proposal.vote_count,
        ),
    )


@router.get("/proposals/{uid}/comments", response=list[ThreadOut], auth=OPTIONAL_AUTH)
def comment_list(request: HttpRequest, uid: uuid.UUID) -> Any:
    """The proposal's threads, oldest first, each with its replies."""
    return selectors.comment_list(proposal=selectors.proposal_get(uid=uid))


@router.post("/proposals/{uid}/comments", response={201: CommentOut})
def comment_create(request: HttpRequest, uid: uuid.UUID, payload: CommentIn) -> Any:
    """Comment on a proposal, or reply in one of its threads (1 to 5000 characters)."""
    proposal = selectors.proposal_get(uid=uid)
    parent = selectors.comment_get(uid=payload.parent) if payload.parent else None
    comment = services.comment_post(
        proposal=proposal, user=request.user, body=payload.body, parent=parent
    )
    return Status(201, comment)


# --- Selection and the configurator ----------------------------------------------------------


@router.get("/demands/{number}/selection", response=SelectionOut, auth=OPTIONAL_AUTH)
def selection_get(request: HttpRequest, number: int) -> Any:
    """The demand's chosen design (404 while none is chosen)."""
    return _selection_out(selectors.selection_get(demand=demand_get(number=number)))


@router.post("/demands/{number}/selection", response={201: SelectionOut})
def selection_make(request: HttpRequest, number: int, payload: SelectionIn) -> Any:
    """The demand's author picks a proposal (its current version), for demands the author decides."""
    demand = demand_get(number=number)
    proposal = selectors.proposal_get(uid=payload.proposal)
    selection = services.selection_make(demand=demand, user=request.user, proposal=proposal)
    return Status(201, _selection_out(selectors.selection_get(demand=selection.demand)))


@router.post("/demands/{number}/selection/by-vote", response={201: SelectionOut})
def selection_by_vote(request: HttpRequest, number: int) -> Any:
    """Close the vote (author or operator): the latest round's leader is chosen.

    Ranking: most votes; on equal votes, the proposal that reached its count first (its last
    vote was cast earlier); then the proposal posted first. A round without votes chooses nothing.
    """
    demand = demand_get(number=number)
    selection = services.selection_by_vote(demand=demand, user=request.user)
    return Status(201, _selection_out(selectors.selection_get(demand=selection.demand)))


@router.get("/demands/{number}/configurator", response=ConfiguratorOut, auth=OPTIONAL_AUTH)
def configurator_get(request: HttpRequest, number: int) -> Any:
    """The chosen design's base price and options by group: what a user configures (404 before)."""
    configurator = selectors.configurator_get(demand=demand_get(number=number))
    version = configurator.version
    return ConfiguratorOut(
        demand_number=configurator.demand.number,
        proposal=version.proposal.uid,
        title=version.proposal.title,
        version_number=version.number,
        base_price=money(configurator.base_price) or "",
        currency=configurator.currency,
        lowest_price=money(configurator.lowest_price) or "",
        highest_price=money(configurator.highest_price) or "",
        default_price=money(configurator.default_price),
        groups=[
            ConfiguratorGroupOut(
                name=group.name,
                options=[
                    ConfiguratorOptionOut(
                        value=o.value,
                        price_delta=money(o.price_delta) or "",
                        is_default=o.is_default,
                    )
                    for o in group.options
                ],
            )
            for group in configurator.groups
        ],
    )
