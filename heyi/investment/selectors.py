"""Reads of investment: rounds, commitments, cap tables, traction and bet progress."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.accounts.models import Role
from heyi.accounts.selectors import user_is_operator, user_role_list
from heyi.contention.models import AwardLine
from heyi.core.errors import NotFound
from heyi.investment.errors import InvestmentErrorCode
from heyi.investment.models import (
    BetContract,
    BetStatus,
    CapTableEntry,
    Commitment,
    CommitmentStatus,
    FundingRound,
    RoundStatus,
)
from heyi.investment.services import bet_achieved
from heyi.value.statements import Figures, venture_figures
from heyi.ventures.models import Venture, VentureStatus
from heyi.ventures.selectors import membership_is_active

PERCENT_PLACES = Decimal("0.01")
CENT = Decimal("0.01")
# The ventures investors look at: raising first, then those that may raise next.
INVESTABLE_STATUSES = (VentureStatus.RAISING, VentureStatus.ACCELERATING)


def user_is_investor(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and Role.INVESTOR in user_role_list(user=user)


# --- rounds ------------------------------------------------------------------------------------


def round_get(*, uid: uuid.UUID) -> FundingRound:
    try:
        return FundingRound.objects.select_related("venture", "opened_by").get(uid=uid)
    except (FundingRound.DoesNotExist, ValueError) as error:
        raise NotFound(
            _("No such funding round."), code=InvestmentErrorCode.ROUND_NOT_FOUND
        ) from error


def round_list_for_venture(*, venture: Venture) -> QuerySet[FundingRound]:
    """The venture's rounds, newest first, each with its live total and commitment count."""
    return (
        FundingRound.objects.filter(venture=venture)
        .select_related("venture")
        .annotate(
            committed=Sum("commitments__amount", filter=Q(commitments__status="live")),
            commitment_count=Count("commitments", filter=Q(commitments__status="live")),
        )
        .order_by("-number")
    )


def round_open_for_venture(*, venture: Venture) -> FundingRound | None:
    return (
        FundingRound.objects.filter(venture=venture, status=RoundStatus.OPEN)
        .select_related("venture")
        .first()
    )


def round_committed(*, funding_round: FundingRound) -> tuple[Decimal, int]:
    """The live total committed to a round and how many investors committed."""
    row = Commitment.objects.filter(round=funding_round, status=CommitmentStatus.LIVE).aggregate(
        total=Sum("amount"), count=Count("id")
    )
    return (row["total"] or Decimal(0)).quantize(CENT), row["count"]


def commitment_list_for_round(*, funding_round: FundingRound, viewer: Any) -> list[Commitment]:
    """Who committed what: the venture's members and operators see every commitment, an
    investor their own, anyone else nothing (the totals are public)."""
    commitments = Commitment.objects.filter(round=funding_round).select_related("investor")
    if membership_is_active(venture=funding_round.venture, user=viewer) or user_is_operator(viewer):
        return list(commitments.order_by("created_at", "pk"))
    if not getattr(viewer, "is_authenticated", False):
        return []
    return list(commitments.filter(investor=viewer).order_by("created_at", "pk"))


def commitment_live_for(*, funding_round: FundingRound, investor: Any) -> Commitment | None:
    if not getattr(investor, "is_authenticated", False):
        return None
    return Commitment.objects.filter(
        round=funding_round, investor=investor, status=CommitmentStatus.LIVE
    ).first()


def commitment_list_for_investor(*, investor: Any) -> QuerySet[Commitment]:
    return (
        Commitment.objects.filter(investor=investor)
        .select_related("round", "round__venture")
        .order_by("-created_at", "-pk")
    )


def round_list_raising() -> QuerySet[FundingRound]:
    return (
        FundingRound.objects.filter(status=RoundStatus.OPEN, venture__status=VentureStatus.RAISING)
        .select_related("venture")
        .annotate(
            committed=Sum("commitments__amount", filter=Q(commitments__status="live")),
            commitment_count=Count("commitments", filter=Q(commitments__status="live")),
        )
        .order_by("closes_at", "pk")
    )


# --- cap tables --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CapTableRow:
    holder: Any
    kind: str
    shares: int
    percentage: Decimal
    rounds: tuple[int, ...]  # the round numbers the shares came from (empty: founding)
    paid: Decimal


@dataclass(frozen=True, slots=True)
class CapTable:
    venture: Venture
    total_shares: int
    rows: tuple[CapTableRow, ...]


def cap_table(*, venture: Venture) -> CapTable:
    """Each holder's shares, their percentage of all shares and the rounds they came from."""
    entries = list(
        CapTableEntry.objects.filter(venture=venture)
        .select_related("holder", "round")
        .order_by("issued_at", "pk")
    )
    total = sum(entry.shares for entry in entries)
    grouped: dict[tuple[int, str], list[CapTableEntry]] = {}
    for entry in entries:
        grouped.setdefault((entry.holder_id, entry.kind), []).append(entry)
    rows = []
    for holdings in grouped.values():
        shares = sum(entry.shares for entry in holdings)
        rows.append(
            CapTableRow(
                holder=holdings[0].holder,
                kind=holdings[0].kind,
                shares=shares,
                percentage=(Decimal(shares) * 100 / Decimal(total)).quantize(
                    PERCENT_PLACES, rounding=ROUND_HALF_UP
                ),
                rounds=tuple(
                    sorted({entry.round.number for entry in holdings if entry.round is not None})
                ),
                paid=sum((entry.amount_paid for entry in holdings), Decimal("0.00")),
            )
        )
    rows.sort(key=lambda row: (-row.shares, row.holder.pk))
    return CapTable(venture=venture, total_shares=total, rows=tuple(rows))


def holding_list_for_investor(*, investor: Any) -> list[dict[str, Any]]:
    """An investor's shares per venture, with their percentage of that venture now."""
    mine = (
        CapTableEntry.objects.filter(holder=investor)
        .values("venture_id")
        .annotate(shares=Sum("shares"), paid=Sum("amount_paid"))
        .order_by()
    )
    by_venture = {row["venture_id"]: row for row in mine}
    if not by_venture:
        return []
    totals = {
        row["venture_id"]: row["total"]
        for row in CapTableEntry.objects.filter(venture_id__in=by_venture)
        .values("venture_id")
        .annotate(total=Sum("shares"))
        .order_by()
    }
    ventures = Venture.objects.in_bulk(list(by_venture))
    holdings = [
        {
            "venture": ventures[venture_id],
            "shares": row["shares"],
            "paid": (row["paid"] or Decimal(0)).quantize(CENT),
            "percentage": (Decimal(row["shares"]) * 100 / Decimal(totals[venture_id])).quantize(
                PERCENT_PLACES, rounding=ROUND_HALF_UP
            ),
        }
        for venture_id, row in by_venture.items()
    ]
    return sorted(holdings, key=lambda holding: holding["venture"].name)


# --- traction ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Traction:
    """What investors see of a venture: its record, and its statements if it publishes them."""

    venture: Venture
    orders_won: int
    units_won: int
    orders_completed: int
    on_time_rate: Decimal | None  # a percentage
    fans: int
    users_served: int
    repeat_users: int
    statements_visible: bool
    # Shown only when `statements_visible`; None otherwise.
    figures: Figures | None


def statements_visible_to(*, venture: Venture, viewer: Any) -> bool:
    """Members and operators see the statements; investors when the venture publishes them."""
    if membership_is_active(venture=venture, user=viewer) or user_is_operator(viewer):
        return True
    return bool(venture.publishes_to_investors) and user_is_investor(viewer)


def traction(*, venture: Venture, viewer: Any, now: datetime | None = None) -> Traction:
    """The venture's traction since it was founded (the public record), and its statements'
    figures when the viewer may see them."""
    now = now or timezone.now()
    figures = venture_figures(venture=venture, start=venture.created_at, end=now)
    won = AwardLine.objects.filter(
        venture=venture, tender__subject_type="demand_production"
    ).aggregate(count=Count("id"), units=Sum("quantity"))
    visible = statements_visible_to(venture=venture, viewer=viewer)
    return Traction(
        venture=venture,
        orders_won=won["count"],
        units_won=won["units"] or 0,
        orders_completed=figures.orders_completed,
        on_time_rate=(
            (figures.on_time_rate * 100).quantize(PERCENT_PLACES)
            if figures.on_time_rate is not None
            else None
        ),
        fans=figures.fans,
        users_served=figures.users_served,
        repeat_users=figures.repeat_users,
        statements_visible=visible,
        figures=figures if visible else None,
    )


def venture_list_investable() -> QuerySet[Venture]:
    """Ventures that are raising (first) or accelerating, by name."""
    return Venture.objects.filter(status__in=INVESTABLE_STATUSES).order_by("-status", "name")


# --- bets --------------------------------------------------------------------------------------


def bet_get(*, uid: uuid.UUID) -> BetContract:
    try:
        return BetContract.objects.select_related("venture", "sponsor").get(uid=uid)
    except (BetContract.DoesNotExist, ValueError) as error:
        raise NotFound(
            _("No such bet contract."), code=InvestmentErrorCode.BET_NOT_FOUND
        ) from error


def bet_list_for_venture(*, venture: Venture) -> QuerySet[BetContract]:
    return BetContract.objects.filter(venture=venture).select_related("venture", "sponsor")


def bet_list_for_sponsor(*, user: Any) -> QuerySet[BetContract]:
    return BetContract.objects.filter(sponsor=user).select_related("venture", "sponsor")


@dataclass(frozen=True, slots=True)
class BetProgress:
    bet: BetContract
    current: Decimal
    target: Decimal
    percent: int  # of the target reached, 0–100 for the bar
    days_left: int
    elapsed_percent: int  # of the period gone


def bet_progress(*, bet: BetContract, now: datetime | None = None) -> BetProgress:
    """Where a bet stands: the metric so far from the record against the target, and time."""
    now = now or timezone.now()
    if bet.status in (BetStatus.WON, BetStatus.LOST) and bet.achieved is not None:
        current = bet.achieved
    elif now <= bet.period_start:
        current = Decimal(0)
    else:
        current = bet_achieved(bet=bet, end=now)
    percent = int(min(Decimal(100), current * 100 / bet.target)) if bet.target else 0
    span = (bet.period_end - bet.period_start).total_seconds()
    gone = min(max((now - bet.period_start).total_seconds(), 0), span)
    left = max((bet.period_end - now).total_seconds(), 0)
    return BetProgress(
        bet=bet,
        current=current,
        target=bet.target,
        percent=max(percent, 0),
        days_left=int(left // 86400) + (1 if left % 86400 else 0),
        elapsed_percent=int(gone * 100 // span) if span else 100,
    )
