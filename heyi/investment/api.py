"""The JSON API of investment: funding rounds, commitments, cap tables, traction, bet contracts."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, cast

from django.http import HttpRequest
from ninja import Router, Status

from heyi.accounts.models import User
from heyi.accounts.selectors import user_get
from heyi.investment import selectors, services
from heyi.investment.models import BetContract, Commitment, FundingRound
from heyi.investment.schemas import (
    BetOut,
    BetProposeIn,
    CapTableOut,
    CommitmentIn,
    CommitmentOut,
    MyInvestmentsOut,
    PublishingIn,
    RoundDetailOut,
    RoundOpenIn,
    RoundOut,
    TractionOut,
)
from heyi.ventures.models import Venture
from heyi.ventures.selectors import venture_get

router = Router(tags=["investment"])


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _venture_ref(venture: Venture) -> dict[str, Any]:
    return {
        "uid": venture.uid,
        "slug": venture.slug,
        "name": venture.name,
        "status": venture.status,
    }


def _person(user: Any) -> dict[str, Any]:
    return {"uid": user.uid, "name": user.name, "city": getattr(user, "city", "") or ""}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def round_out(funding_round: FundingRound) -> dict[str, Any]:
    if hasattr(funding_round, "commitment_count"):
        # Annotated by the list selectors: no query per round.
        annotated: Decimal | None = getattr(funding_round, "committed", None)
        committed = (annotated or Decimal(0)).quantize(Decimal("0.01"))
        count = funding_round.commitment_count
    else:
        committed, count = selectors.round_committed(funding_round=funding_round)
    return {
        "uid": funding_round.uid,
        "venture": _venture_ref(funding_round.venture),
        "number": funding_round.number,
        "status": funding_round.status,
        "amount_sought": str(funding_round.amount_sought),
        "minimum_to_close": str(funding_round.minimum_to_close),
        "pre_money_valuation": str(funding_round.pre_money_valuation),
        "currency": funding_round.currency,
        "terms": funding_round.terms,
        "opens_at": funding_round.opens_at,
        "closes_at": funding_round.closes_at,
        "committed": str(committed),
        "commitment_count": count,
        "raised": str(funding_round.raised),
        "price_per_share": _text(funding_round.price_per_share),
        "shares_before": funding_round.shares_before,
        "shares_issued": funding_round.shares_issued,
        "outcome": funding_round.outcome,
        "closed_at": funding_round.closed_at,
    }


def commitment_out(commitment: Commitment) -> dict[str, Any]:
    return {
        "uid": commitment.uid,
        "round": commitment.round.uid,
        "venture": _venture_ref(commitment.round.venture),
        "investor": _person(commitment.investor),
        "amount": str(commitment.amount),
        "status": commitment.status,
        "failure_message": commitment.failure_message,
        "created_at": commitment.created_at,
        "decided_at": commitment.decided_at,
    }


def bet_out(bet: BetContract) -> dict[str, Any]:
    progress = selectors.bet_progress(bet=bet)
    return {
        "uid": bet.uid,
        "venture": _venture_ref(bet.venture),
        "metric": bet.metric,
        "target": str(bet.target),
        "period_start": bet.period_start,
        "period_end": bet.period_end,
        "sponsor": _person(bet.sponsor) if bet.sponsor is not None else None,
        "reward": str(bet.reward),
        "stake": str(bet.stake),
        "currency": bet.currency,
        "status": bet.status,
        "source": bet.source,
        "consequence": bet.consequence,
        "venture_accepted": bet.venture_accepted_by_id is not None,
        "sponsor_accepted": bet.sponsor_accepted_by_id is not None,
        "signed_at": bet.signed_at,
        "settled_at": bet.settled_at,
        "achieved": _text(bet.achieved),
        "progress": {
            "current": str(progress.current),
            "percent": progress.percent,
            "days_left": progress.days_left,
            "elapsed_percent": progress.elapsed_percent,
        },
    }


# --- rounds ----------------------------------------------------------------------------------


@router.get("/ventures/{slug}/funding-rounds", response=list[RoundOut])
def round_list(request: HttpRequest, slug: str) -> Any:
    """The venture's funding rounds, newest first."""
    venture = venture_get(slug=slug)
    return [round_out(r) for r in selectors.round_list_for_venture(venture=venture)]


@router.post("/ventures/{slug}/funding-rounds", response={201: RoundOut})
def round_open(request: HttpRequest, slug: str, payload: RoundOpenIn) -> Any:
    """A member of an accelerating venture opens a round; the venture starts raising."""
    funding_round = services.round_open(
        venture=venture_get(slug=slug), actor=_user(request), **payload.dict()
    )
    return Status(201, round_out(funding_round))


def _round_detail(request: HttpRequest, funding_round: FundingRound) -> dict[str, Any]:
    commitments = selectors.commitment_list_for_round(
        funding_round=funding_round, viewer=request.user
    )
    return {**round_out(funding_round), "commitments": [commitment_out(c) for c in commitments]}


@router.get("/funding-rounds/{uid}", response=RoundDetailOut)
def round_detail(request: HttpRequest, uid: uuid.UUID) -> Any:
    """A round, with the commitments the caller may see."""
    return _round_detail(request, selectors.round_get(uid=uid))


@router.post("/funding-rounds/{uid}/commitment", response=CommitmentOut)
def commitment_set(request: HttpRequest, uid: uuid.UUID, payload: CommitmentIn) -> Any:
    """An investor commits an amount, or changes their live commitment (nothing is charged
    until the round closes)."""
    commitment = services.commitment_set(
        funding_round=selectors.round_get(uid=uid), actor=_user(request), amount=payload.amount
    )
    return commitment_out(commitment)


@router.post("/funding-rounds/{uid}/withdraw", response=CommitmentOut)
def commitment_withdraw(request: HttpRequest, uid: uuid.UUID) -> Any:
    """The investor withdraws their live commitment while the round is open."""
    commitment = services.commitment_withdraw(
        funding_round=selectors.round_get(uid=uid), actor=_user(request)
    )
    return commitment_out(commitment)


@router.post("/funding-rounds/{uid}/close", response=RoundDetailOut)
def round_close(request: HttpRequest, uid: uuid.UUID) -> Any:
    """A member closes the round early, once the commitments reach the minimum."""
    funding_round = services.round_close(
        funding_round=selectors.round_get(uid=uid), actor=_user(request)
    )
    return _round_detail(request, funding_round)


@router.post("/funding-rounds/{uid}/cancel", response=RoundOut)
def round_cancel(request: HttpRequest, uid: uuid.UUID) -> Any:
    """A member cancels the open round: commitments are released."""
    funding_round = services.round_cancel(
        funding_round=selectors.round_get(uid=uid), actor=_user(request)
    )
    return round_out(funding_round)


# --- cap table and traction ------------------------------------------------------------------


@router.get("/ventures/{slug}/cap-table", response=CapTableOut)
def cap_table(request: HttpRequest, slug: str) -> Any:
    """Who holds the venture's shares, their percentage and the rounds they came from."""
    table = selectors.cap_table(venture=venture_get(slug=slug))
    return {
        "venture": _venture_ref(table.venture),
        "total_shares": table.total_shares,
        "rows": [
            {
                "holder": _person(row.holder),
                "kind": row.kind,
                "shares": row.shares,
                "percentage": str(row.percentage),
                "rounds": list(row.rounds),
                "paid": str(row.paid),
            }
            for row in table.rows
        ],
    }


def _traction_out(venture: Venture, viewer: Any) -> dict[str, Any]:
    traction = selectors.traction(venture=venture, viewer=viewer)
    figures = traction.figures
    return {
        "venture": _venture_ref(venture),
        "orders_won": traction.orders_won,
        "units_won": traction.units_won,
        "orders_completed": traction.orders_completed,
        "on_time_rate": _text(traction.on_time_rate),
        "fans": traction.fans,
        "users_served": traction.users_served,
        "repeat_users": traction.repeat_users,
        "publishes_to_investors": venture.publishes_to_investors,
        "statements_visible": traction.statements_visible,
        "statements": (
            {
                "revenue": str(figures.revenue),
                "costs": str(figures.costs),
                "marginal_income": str(figures.marginal_income),
                "shared_with_members": str(figures.shared_with_members),
                "shared_with_partners": str(figures.shared_with_partners),
                "profit_retained": str(figures.profit_retained),
            }
            if figures is not None
            else None
        ),
    }


@router.get("/ventures/{slug}/traction", response=TractionOut)
def traction(request: HttpRequest, slug: str) -> Any:
    """The venture's record since founding; its statements if it publishes them to investors."""
    return _traction_out(venture_get(slug=slug), request.user)


@router.post("/ventures/{slug}/investor-publishing", response=TractionOut)
def investor_publishing_set(request: HttpRequest, slug: str, payload: PublishingIn) -> Any:
    """A member shows (or stops showing) the venture's statements to investors."""
    venture = services.investor_publishing_set(
        venture=venture_get(slug=slug),
        actor=_user(request),
        publishes=payload.publishes_to_investors,
    )
    return _traction_out(venture, request.user)


# --- bets --------------------------------------------------------------------------------------


@router.get("/ventures/{slug}/bets", response=list[BetOut])
def bet_list(request: HttpRequest, slug: str) -> Any:
    """The venture's bet contracts with their progress."""
    return [bet_out(b) for b in selectors.bet_list_for_venture(venture=venture_get(slug=slug))]


@router.post("/ventures/{slug}/bets", response={201: BetOut})
def bet_propose(request: HttpRequest, slug: str, payload: BetProposeIn) -> Any:
    """Propose a bet: a member for the venture, an investor sponsoring it, or an operator for
    the platform; the other side signs."""
    data = payload.dict()
    sponsor_uid = data.pop("sponsor")
    bet = services.bet_propose(
        venture=venture_get(slug=slug),
        actor=_user(request),
        sponsor=user_get(uid=sponsor_uid) if sponsor_uid else None,
        **data,
    )
    return Status(201, bet_out(bet))


@router.get("/bets/{uid}", response=BetOut)
def bet_detail(request: HttpRequest, uid: uuid.UUID) -> Any:
    return bet_out(selectors.bet_get(uid=uid))


@router.post("/bets/{uid}/sign", response=BetOut)
def bet_sign(request: HttpRequest, uid: uuid.UUID) -> Any:
    """The other side accepts; once both have, the stake (and an investor's reward) go into
    the bet's escrow."""
    return bet_out(services.bet_sign(bet=selectors.bet_get(uid=uid), actor=_user(request)))


@router.post("/bets/{uid}/cancel", response=BetOut)
def bet_cancel(request: HttpRequest, uid: uuid.UUID) -> Any:
    """Either side withdraws a bet not signed yet."""
    return bet_out(services.bet_cancel(bet=selectors.bet_get(uid=uid), actor=_user(request)))


# --- mine --------------------------------------------------------------------------------------


@router.get("/me/investments", response=MyInvestmentsOut)
def my_investments(request: HttpRequest) -> Any:
    """Your commitments and the shares you hold."""
    user = _user(request)
    return {
        "commitments": [
            commitment_out(c) for c in selectors.commitment_list_for_investor(investor=user)
        ],
        "holdings": [
            {
                "venture": _venture_ref(h["venture"]),
                "shares": h["shares"],
                "percentage": str(h["percentage"]),
                "paid": str(h["paid"]),
            }
            for h in selectors.holding_list_for_investor(investor=user)
        ],
    }
