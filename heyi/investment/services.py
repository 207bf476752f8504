"""Writes of investment: funding rounds and commitments, their close, and bet contracts.

Money moves only through the ledger's services, with the keys of the conventions:
`round:<uid>:commitment:<uid>` (an investor's money into the round's escrow at close),
`round:<uid>:invest` (the escrow to the venture), `round:<uid>:commitment:<uid>:refund`;
`bet:<uid>:stake`, `bet:<uid>:reward` (signing), `bet:<uid>:settle` (the end of the period).

Lock order, everywhere: the venture's row, then the round's (or the bet's), then commitments
in primary-key order. A round is closed once: whoever takes the round's lock first closes it,
the other finds it no longer open.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.accounts.models import Role, User
from heyi.accounts.selectors import user_is_operator, user_role_list
from heyi.core.audit import audit_record
from heyi.core.errors import DomainError, InvalidInput, PermissionDenied
from heyi.core.text import text_clean
from heyi.investment.errors import InvestmentError, InvestmentErrorCode
from heyi.investment.models import (
    FOUNDER_SHARES,
    BetContract,
    BetMetric,
    BetSource,
    BetStatus,
    CapTableEntry,
    Commitment,
    CommitmentStatus,
    FundingRound,
    HolderKind,
    RoundStatus,
)
from heyi.ledger.errors import LedgerError, LedgerErrorCode
from heyi.ledger.models import Account, PostingKind
from heyi.ledger.services import (
    Entry,
    escrow_account,
    payment_collect,
    platform_account,
    posting_record,
    refund_to_payer,
    venture_account,
    wallet_account,
)
from heyi.notifications.services import Notice, notification_send_many
from heyi.value.statements import venture_figures
from heyi.ventures.models import Venture, VentureStatus
from heyi.ventures.selectors import membership_is_active
from heyi.ventures.services import venture_investor_publishing_set, venture_status_change

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
PRICE_PLACES = Decimal("0.000001")
TERMS_MAX_LENGTH = 8000
CONSEQUENCE_MAX_LENGTH = 2000
# A round runs at most this long; a bet's period at most this long.
ROUND_MAX_DAYS = 180
BET_MAX_DAYS = 730
AMOUNT_MAX = Decimal("1000000000.00")
# Payment errors that are the investor's (their card): the commitment fails, the round goes on.
# Anything else (the provider did not answer) rolls the close back, for the sweep to retry.
INVESTOR_PAYMENT_FAILURES = frozenset(
    {LedgerErrorCode.PAYMENT_DECLINED, LedgerErrorCode.PAYMENT_METHOD_UNKNOWN}
)


def bet_award_days() -> int:
    """The period of a bet made from a tender's bet target, from the award (published)."""
    return int(getattr(settings, "HEYI_BET_AWARD_PERIOD_DAYS", 90))


def bet_award_reward_rate() -> Decimal:
    """The platform's reward for a bet made from a tender, as a share of the target."""
    return Decimal(str(getattr(settings, "HEYI_BET_AWARD_REWARD_RATE", "0.05")))


# --- helpers ------------------------------------------------------------------------------------


def _is_investor(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and Role.INVESTOR in user_role_list(user=user)


def _require_member(*, venture: Venture, actor: Any, message: str | None = None) -> None:
    if not membership_is_active(venture=venture, user=actor):
        raise PermissionDenied(
            message or _("Only the venture's members may do this."),
            code=InvestmentErrorCode.NOT_MEMBER,
        )


def _require_investor(actor: Any) -> None:
    if not _is_investor(actor):
        raise PermissionDenied(
            _("Only investors may do this: ask the platform for the investor role."),
            code=InvestmentErrorCode.NOT_INVESTOR,
        )


def _money(value: Decimal | str | int, *, field: str, allow_zero: bool = False) -> Decimal:
    """A positive amount of money at the fen (or zero when allowed)."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise InvalidInput(
            _("%(field)s must be an amount of money.") % {"field": field},
            code=InvestmentErrorCode.AMOUNT_INVALID,
        ) from error
    if (
        not amount.is_finite()
        or amount != amount.quantize(CENT)
        or amount < 0
        or (amount == 0 and not allow_zero)
        or amount > AMOUNT_MAX
    ):
        raise InvalidInput(
            _("%(field)s must be a positive amount with at most two decimals.") % {"field": field}
            if not allow_zero
            else _("%(field)s must be zero or a positive amount with at most two decimals.")
            % {"field": field},
            code=InvestmentErrorCode.AMOUNT_INVALID,
        )
    return amount.quantize(CENT)


def _lock_venture(venture_id: int) -> Venture:
    return Venture.objects.select_for_update().get(pk=venture_id)


def _lock_round(funding_round: FundingRound) -> FundingRound:
    return (
        FundingRound.objects.select_for_update(of=("self",))
        .select_related("venture")
        .get(pk=funding_round.pk)
    )


def _round_escrow(funding_round: FundingRound) -> Account:
    return escrow_account(
        subject_type="round",
        subject_uid=funding_round.uid,
        label=f"{funding_round.venture.name} R{funding_round.number}",
        currency=funding_round.currency,
    )


def _bet_escrow(bet: BetContract) -> Account:
    return escrow_account(
        subject_type="bet",
        subject_uid=bet.uid,
        label=_("bet on %(venture)s") % {"venture": bet.venture.name},
        currency=bet.currency,
    )


def committed_total(funding_round: FundingRound) -> Decimal:
    total = Commitment.objects.filter(round=funding_round, status=CommitmentStatus.LIVE).aggregate(
        total=Sum("amount")
    )["total"]
    return (total or Decimal(0)).quantize(CENT)


# --- funding rounds -------------------------------------------------------------------------


@transaction.atomic
def round_open(
    *,
    venture: Venture,
    actor: User,
    amount_sought: Decimal | str,
    minimum_to_close: Decimal | str,
    pre_money_valuation: Decimal | str,
    terms: str,
    closes_at: datetime,
    currency: str = "CNY",
) -> FundingRound:
    """A member of an accelerating venture opens a funding round; the venture starts raising.

    The venture's first round records its founding team's 1,000,000 shares as the first
    entries of its cap table (held by the founder), so investors see the table they buy into.
    """
    _require_member(venture=venture, actor=actor)
    sought = _money(amount_sought, field=_("The amount sought"))
    minimum = _money(minimum_to_close, field=_("The minimum to close"))
    valuation = _money(pre_money_valuation, field=_("The pre-money valuation"))
    terms = text_clean(value=terms, field=_("Terms"), max_length=TERMS_MAX_LENGTH)
    if minimum > sought:
        raise InvalidInput(
            _("The minimum to close cannot be more than the amount sought."),
            code=InvestmentErrorCode.ROUND_INVALID,
        )
    now = timezone.now()
    if closes_at <= now or closes_at > now + timedelta(days=ROUND_MAX_DAYS):
        raise InvalidInput(
            _("The round must close in the future, within %(days)d days.")
            % {"days": ROUND_MAX_DAYS},
            code=InvestmentErrorCode.ROUND_INVALID,
        )
    locked = _lock_venture(venture.pk)
    if FundingRound.objects.filter(venture=locked, status=RoundStatus.OPEN).exists():
        raise InvestmentError(
            InvestmentErrorCode.ROUND_OPEN_EXISTS,
            _("%(venture)s already has an open round; close or cancel it first.")
            % {"venture": locked.name},
        )
    if locked.status != VentureStatus.ACCELERATING:
        raise InvestmentError(
            InvestmentErrorCode.VENTURE_NOT_ACCELERATING,
            _("Only an accelerating venture may open a funding round; %(venture)s is %(status)s.")
            % {"venture": locked.name, "status": VentureStatus(locked.status).label},
        )
    number = (
        FundingRound.objects.filter(venture=locked)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
        or 0
    ) + 1
    try:
        with transaction.atomic():
            funding_round = FundingRound.objects.create(
                venture=locked,
                number=number,
                amount_sought=sought,
                minimum_to_close=minimum,
                pre_money_valuation=valuation,
                currency=currency,
                terms=terms,
                opens_at=now,
                closes_at=closes_at,
                opened_by=actor,
            )
    except IntegrityError as error:
        raise InvestmentError(
            InvestmentErrorCode.ROUND_OPEN_EXISTS,
            _("%(venture)s already has an open round; close or cancel it first.")
            % {"venture": locked.name},
        ) from error
    if not CapTableEntry.objects.filter(venture=locked).exists():
        CapTableEntry.objects.create(
            venture=locked,
            holder=locked.founded_by,
            kind=HolderKind.FOUNDER,
            shares=FOUNDER_SHARES,
            issued_at=now,
        )
    funding_round.venture = venture_status_change(
        venture=locked, actor=actor, status=VentureStatus.RAISING, system=True
    )
    audit_record(
        type="investment.round.opened",
        summary=f"{actor.name} opened round {number} of {locked.name}: {sought} {currency} "
        f"sought at a pre-money valuation of {valuation}",
        actor=actor,
        subject=funding_round,
        data={
            "venture": locked.slug,
            "number": number,
            "amount_sought": str(sought),
            "minimum_to_close": str(minimum),
            "pre_money_valuation": str(valuation),
            "closes_at": closes_at.isoformat(),
        },
    )
    return funding_round


def _require_open_for_commitments(funding_round: FundingRound) -> None:
    if funding_round.status != RoundStatus.OPEN or timezone.now() >= funding_round.closes_at:
        raise InvestmentError(
            InvestmentErrorCode.ROUND_NOT_OPEN,
            _("This round no longer takes commitments."),
        )
    if funding_round.venture.status != VentureStatus.RAISING:
        raise InvestmentError(
            InvestmentErrorCode.VENTURE_NOT_RAISING,
            _("%(venture)s is not raising any more.") % {"venture": funding_round.venture.name},
        )


@transaction.atomic
def commitment_set(
    *, funding_round: FundingRound, actor: User, amount: Decimal | str
) -> Commitment:
    """An investor commits an amount to an open round, or changes their live commitment.

    Nothing moves in the ledger yet: the money is collected when the round closes. The total
    committed never exceeds the amount sought.
    """
    _require_investor(actor)
    value = _money(amount, field=_("The amount"))
    locked = _lock_round(funding_round)
    _require_open_for_commitments(locked)
    if membership_is_active(venture=locked.venture, user=actor):
        raise InvestmentError(
            InvestmentErrorCode.COMMITMENT_OWN_VENTURE,
            _("Members hold the founding team's shares; they do not commit to their own round."),
        )
    live = (
        Commitment.objects.select_for_update()
        .filter(round=locked, investor=actor, status=CommitmentStatus.LIVE)
        .first()
    )
    others = committed_total(locked) - (live.amount if live else Decimal(0))
    if others + value > locked.amount_sought:
        raise InvestmentError(
            InvestmentErrorCode.ROUND_OVERSUBSCRIBED,
            _("Only %(left)s %(currency)s of this round is still open to commitments.")
            % {"left": locked.amount_sought - others, "currency": locked.currency},
        )
    if live is None:
        commitment = Commitment.objects.create(round=locked, investor=actor, amount=value)
        previous = None
    else:
        previous = live.amount
        live.amount = value
        live.save(update_fields=["amount", "updated_at"])
        commitment = live
    audit_record(
        type="investment.commitment.made" if previous is None else "investment.commitment.changed",
        summary=f"{actor.name} committed {value} {locked.currency} to {locked}",
        actor=actor,
        subject=commitment,
        data={
            "round": str(locked.uid),
            "amount": str(value),
            **({"from": str(previous)} if previous is not None else {}),
        },
        is_public=False,
    )
    return commitment


@transaction.atomic
def commitment_withdraw(*, funding_round: FundingRound, actor: User) -> Commitment:
    """The investor takes their live commitment back while the round is open."""
    _require_investor(actor)
    locked = _lock_round(funding_round)
    _require_open_for_commitments(locked)
    live = (
        Commitment.objects.select_for_update()
        .filter(round=locked, investor=actor, status=CommitmentStatus.LIVE)
        .first()
    )
    if live is None:
        raise InvestmentError(
            InvestmentErrorCode.COMMITMENT_NOT_FOUND,
            _("You have no live commitment to this round."),
            status=404,
        )
    live.status = CommitmentStatus.WITHDRAWN
    live.decided_at = timezone.now()
    live.save(update_fields=["status", "decided_at", "updated_at"])
    audit_record(
        type="investment.commitment.withdrawn",
        summary=f"{actor.name} withdrew their commitment to {locked}",
        actor=actor,
        subject=live,
        data={"round": str(locked.uid), "amount": str(live.amount)},
        is_public=False,
    )
    return live


def _commitments_locked(funding_round: FundingRound) -> list[Commitment]:
    return list(
        Commitment.objects.select_for_update(of=("self",))
        .select_related("investor")
        .filter(round=funding_round, status=CommitmentStatus.LIVE)
        .order_by("pk")
    )


def _commitments_end(commitments: list[Commitment], status: str, *, message: str = "") -> None:
    now = timezone.now()
    for commitment in commitments:
        commitment.status = status
        commitment.decided_at = now
        commitment.failure_message = message[:300] if message else commitment.failure_message
        commitment.save(update_fields=["status", "decided_at", "failure_message", "updated_at"])


def _investors_tell(funding_round: FundingRound, commitments: list[Commitment]) -> None:
    """Tell each investor what the round's end did with their commitment."""
    url = f"/investment/rounds/{funding_round.uid}/"
    texts = {
        CommitmentStatus.COLLECTED: _("Your %(amount)s %(currency)s bought shares of %(venture)s."),
        CommitmentStatus.FAILED: _(
            "Your payment of %(amount)s %(currency)s to %(venture)s was declined; the "
            "commitment was left out."
        ),
        CommitmentStatus.REFUNDED: _(
            "The round of %(venture)s failed; your %(amount)s %(currency)s was refunded."
        ),
        CommitmentStatus.RELEASED: _(
            "The round of %(venture)s ended without taking your %(amount)s %(currency)s."
        ),
    }
    notices = [
        Notice(
            user=commitment.investor,
            kind=f"investment.commitment.{commitment.status}",
            title=texts[CommitmentStatus(commitment.status)]
            % {
                "amount": commitment.amount,
                "currency": funding_round.currency,
                "venture": funding_round.venture.name,
            },
            url=url,
        )
        for commitment in commitments
        if commitment.status in texts
    ]
    notification_send_many(notices=notices)


def _round_end(
    *, funding_round: FundingRound, status: str, actor: Any, outcome: str, raised: Decimal
) -> None:
    funding_round.status = status
    funding_round.closed_at = timezone.now()
    funding_round.closed_by = actor if getattr(actor, "is_authenticated", False) else None
    funding_round.outcome = outcome[:300]
    funding_round.raised = raised
    funding_round.save(
        update_fields=[
            "status",
            "closed_at",
            "closed_by",
            "outcome",
            "raised",
            "price_per_share",
            "shares_before",
            "shares_issued",
            "updated_at",
        ]
    )


def _venture_back_to_accelerating(funding_round: FundingRound, actor: Any) -> None:
    if funding_round.venture.status == VentureStatus.RAISING:
        funding_round.venture = venture_status_change(
            venture=funding_round.venture,
            actor=actor,
            status=VentureStatus.ACCELERATING,
            system=True,
        )


def _collect(funding_round: FundingRound, commitment: Commitment, escrow: Account) -> bool:
    """Collect one commitment into the escrow; False (and the commitment failed) on a decline."""
    try:
        with transaction.atomic():
            payment_collect(
                user=commitment.investor,
                amount=commitment.amount,
                currency=funding_round.currency,
                into=escrow,
                memo=_("Investment in %(venture)s, round %(number)s")
                % {"venture": funding_round.venture.name, "number": funding_round.number},
                idempotency_key=f"round:{funding_round.uid}:commitment:{commitment.uid}",
                subject_type="round",
                subject_uid=funding_round.uid,
            )
    except LedgerError as error:
        if error.code not in INVESTOR_PAYMENT_FAILURES:
            raise
        _commitments_end([commitment], CommitmentStatus.FAILED, message=error.message)
        return False
    return True


def shares_for(*, amount: Decimal, outstanding: int, pre_money_valuation: Decimal) -> int:
    """Whole shares bought by `amount` at pre-money valuation / outstanding shares, rounded
    down, computed on the exact fraction (no rounding of the price on the way)."""
    return math.floor(Fraction(amount) * outstanding / Fraction(pre_money_valuation))


@transaction.atomic
def round_close(*, funding_round: FundingRound, actor: User | None = None) -> FundingRound:
    """Close an open round, once: at its closing time (actor None, the sweep), or early by a
    member once the commitments reach the minimum.

    Commitments at or above the minimum: each is collected into the round's escrow (a declined
    charge fails that commitment alone); if what was collected still reaches the minimum, the
    escrow goes to the venture in one posting, the shares are issued and the venture is spun
    off when the round raised all it sought (otherwise it goes back to accelerating). Below the
    minimum, before or after collecting, the round fails: nothing stays posted (what was
    collected is refunded), and the venture goes back to accelerating.
    """
    if actor is not None:
        _require_member(
            venture=funding_round.venture,
            actor=actor,
            message=_("Only the venture's members may close its round early."),
        )
    _lock_venture(funding_round.venture_id)
    locked = _lock_round(funding_round)
    if locked.status != RoundStatus.OPEN:
        raise InvestmentError(
            InvestmentErrorCode.ROUND_NOT_OPEN,
            _("This round is already %(status)s.")
            % {"status": RoundStatus(locked.status).label.lower()},
        )
    commitments = _commitments_locked(locked)
    total = sum((c.amount for c in commitments), Decimal(0))
    now = timezone.now()
    if actor is not None and now < locked.closes_at and total < locked.minimum_to_close:
        raise InvestmentError(
            InvestmentErrorCode.ROUND_CLOSE_NOT_DUE,
            _(
                "The round may close early only once the commitments reach the minimum of "
                "%(minimum)s %(currency)s."
            )
            % {"minimum": locked.minimum_to_close, "currency": locked.currency},
        )
    if actor is None and now < locked.closes_at:
        raise InvestmentError(
            InvestmentErrorCode.ROUND_CLOSE_NOT_DUE, _("The round's closing time has not come yet.")
        )
    if total < locked.minimum_to_close:
        return _round_fail(
            funding_round=locked,
            actor=actor,
            commitments=commitments,
            collected=[],
            outcome=_("Commitments of %(total)s did not reach the minimum of %(minimum)s.")
            % {"total": total, "minimum": locked.minimum_to_close},
        )
    escrow = _round_escrow(locked)
    collected = [c for c in commitments if _collect(locked, c, escrow)]
    raised = sum((c.amount for c in collected), Decimal(0))
    if raised < locked.minimum_to_close:
        return _round_fail(
            funding_round=locked,
            actor=actor,
            commitments=[],
            collected=collected,
            failed=tuple(c for c in commitments if c.status == CommitmentStatus.FAILED),
            outcome=_(
                "Payments of %(raised)s were collected after declined charges, below the "
                "minimum of %(minimum)s; they were refunded."
            )
            % {"raised": raised, "minimum": locked.minimum_to_close},
        )
    venture = locked.venture
    posting_record(
        idempotency_key=f"round:{locked.uid}:invest",
        kind=PostingKind.INVESTMENT,
        memo=_("Round %(number)s of %(venture)s: investment received")
        % {"number": locked.number, "venture": venture.name},
        entries=[
            Entry(escrow, -raised),
            Entry(venture_account(venture=venture, currency=locked.currency), raised),
        ],
        actor=actor,
        subject_type="round",
        subject_uid=locked.uid,
    )
    outstanding = (
        CapTableEntry.objects.filter(venture=venture).aggregate(total=Sum("shares"))["total"] or 0
    )
    locked.shares_before = outstanding
    locked.price_per_share = (locked.pre_money_valuation / Decimal(outstanding)).quantize(
        PRICE_PLACES, rounding=ROUND_HALF_UP
    )
    issued = 0
    for commitment in collected:
        shares = shares_for(
            amount=commitment.amount,
            outstanding=outstanding,
            pre_money_valuation=locked.pre_money_valuation,
        )
        if shares > 0:
            CapTableEntry.objects.create(
                venture=venture,
                holder=commitment.investor,
                kind=HolderKind.INVESTOR,
                shares=shares,
                round=locked,
                commitment=commitment,
                amount_paid=commitment.amount,
                issued_at=now,
            )
        issued += shares
    _commitments_end(collected, CommitmentStatus.COLLECTED)
    locked.shares_issued = issued
    spun_off = raised >= locked.amount_sought
    _round_end(
        funding_round=locked,
        status=RoundStatus.CLOSED,
        actor=actor,
        raised=raised,
        outcome=(
            _("Raised all it sought: the venture is spun off.")
            if spun_off
            else _("Raised less than it sought: the venture goes on accelerating.")
        ),
    )
    locked.venture = venture_status_change(
        venture=venture,
        actor=actor,
        status=VentureStatus.SPUN_OFF if spun_off else VentureStatus.ACCELERATING,
        system=True,
    )
    _investors_tell(locked, commitments)
    audit_record(
        type="investment.round.closed",
        summary=f"Round {locked.number} of {venture.name} closed: {raised} {locked.currency} "
        f"raised, {issued} shares issued",
        actor=actor,
        subject=locked,
        data={
            "raised": str(raised),
            "price_per_share": str(locked.price_per_share),
            "shares_before": outstanding,
            "shares_issued": issued,
            "commitments_collected": len(collected),
            "commitments_failed": len(commitments) - len(collected),
            "venture_status": VentureStatus.SPUN_OFF if spun_off else VentureStatus.ACCELERATING,
        },
    )
    return locked


def _round_fail(
    *,
    funding_round: FundingRound,
    actor: Any,
    commitments: list[Commitment],
    collected: list[Commitment],
    outcome: str,
    failed: tuple[Commitment, ...] = (),
) -> FundingRound:
    """The round fails: live commitments are released, collected ones refunded in full."""
    _commitments_end(commitments, CommitmentStatus.RELEASED)
    if collected:
        escrow = _round_escrow(funding_round)
        for commitment in collected:
            refund_to_payer(
                user=commitment.investor,
                source=escrow,
                amount=commitment.amount,
                memo=_("Round %(number)s of %(venture)s failed: refund")
                % {"number": funding_round.number, "venture": funding_round.venture.name},
                idempotency_key=f"round:{funding_round.uid}:commitment:{commitment.uid}:refund",
                charges_of=[("round", funding_round.uid)],
                actor=actor,
                subject_type="round",
                subject_uid=funding_round.uid,
            )
        _commitments_end(collected, CommitmentStatus.REFUNDED)
    _investors_tell(funding_round, [*commitments, *collected, *failed])
    _round_end(
        funding_round=funding_round,
        status=RoundStatus.FAILED,
        actor=actor,
        raised=Decimal(0),
        outcome=outcome,
    )
    _venture_back_to_accelerating(funding_round, actor)
    audit_record(
        type="investment.round.failed",
        summary=f"Round {funding_round.number} of {funding_round.venture.name} failed",
        actor=actor,
        subject=funding_round,
        data={
            "released": len(commitments),
            "refunded": len(collected),
            "outcome": outcome,
        },
    )
    return funding_round


@transaction.atomic
def round_cancel(*, funding_round: FundingRound, actor: User | None) -> FundingRound:
    """A member cancels an open round (or the sweep, for a venture that was dissolved):
    commitments are released, nothing was posted, the venture goes back to accelerating."""
    if actor is not None:
        _require_member(venture=funding_round.venture, actor=actor)
    _lock_venture(funding_round.venture_id)
    locked = _lock_round(funding_round)
    if locked.status != RoundStatus.OPEN:
        raise InvestmentError(
            InvestmentErrorCode.ROUND_NOT_OPEN,
            _("This round is already %(status)s.")
            % {"status": RoundStatus(locked.status).label.lower()},
        )
    commitments = _commitments_locked(locked)
    _commitments_end(commitments, CommitmentStatus.RELEASED)
    _investors_tell(locked, commitments)
    _round_end(
        funding_round=locked,
        status=RoundStatus.CANCELLED,
        actor=actor,
        raised=Decimal(0),
        outcome=_("Cancelled by the venture.")
        if actor is not None
        else _("Cancelled: the venture was dissolved."),
    )
    _venture_back_to_accelerating(locked, actor)
    audit_record(
        type="investment.round.cancelled",
        summary=f"Round {locked.number} of {locked.venture.name} was cancelled",
        actor=actor,
        subject=locked,
        data={"released": len(commitments)},
    )
    return locked


def rounds_sweep(*, now: datetime | None = None) -> dict[str, list[str]]:
    """Close every open round whose time has come; cancel open rounds of dissolved ventures.

    Each round in its own transaction; a round another worker closed meanwhile is skipped.
    """
    now = now or timezone.now()
    done: dict[str, list[str]] = {"closed": [], "failed": [], "cancelled": []}
    due = FundingRound.objects.filter(status=RoundStatus.OPEN).select_related("venture")
    for funding_round in due.order_by("closes_at", "pk"):
        try:
            if funding_round.venture.status == VentureStatus.DISSOLVED:
                round_cancel(funding_round=funding_round, actor=None)
                done["cancelled"].append(str(funding_round.uid))
            elif funding_round.closes_at <= now:
                closed = round_close(funding_round=funding_round)
                key = "closed" if closed.status == RoundStatus.CLOSED else "failed"
                done[key].append(str(funding_round.uid))
        except DomainError as error:
            if error.code != InvestmentErrorCode.ROUND_NOT_OPEN:
                logger.exception("round %s could not be closed", funding_round.uid)
    return done


# --- bet contracts -----------------------------------------------------------------------------


def _sponsor_side(bet: BetContract, actor: Any) -> bool:
    if bet.sponsor_id is None:
        return user_is_operator(actor)
    return getattr(actor, "is_authenticated", False) and bet.sponsor_id == actor.pk


@transaction.atomic
def bet_propose(
    *,
    venture: Venture,
    actor: User,
    metric: str,
    target: Decimal | str,
    period_start: datetime,
    period_end: datetime,
    reward: Decimal | str,
    stake: Decimal | str = Decimal(0),
    sponsor: User | None = None,
    consequence: str = "",
    currency: str = "CNY",
) -> BetContract:
    """Propose a bet: by a member for the venture, by the investor who sponsors it, or by an
    operator for the platform (`sponsor` None). The proposer's side has accepted; the other
    side signs (`bet_sign`)."""
    is_member = membership_is_active(venture=venture, user=actor)
    if sponsor is not None:
        if not _is_investor(sponsor):
            raise InvalidInput(
                _("The sponsor must be an investor or the platform."),
                code=InvestmentErrorCode.BET_INVALID,
            )
        if membership_is_active(venture=venture, user=sponsor):
            raise InvalidInput(
                _("A member cannot sponsor their own venture's bet."),
                code=InvestmentErrorCode.BET_INVALID,
            )
    # A member who is also an operator proposes for the venture: another operator signs for the
    # platform, so nobody accepts both sides of one bet.
    sponsor_side = not is_member and (
        (sponsor is None and user_is_operator(actor))
        or (sponsor is not None and getattr(actor, "pk", None) == sponsor.pk)
    )
    if not (is_member or sponsor_side):
        raise PermissionDenied(
            _("Only the venture's members or the bet's sponsor may propose it."),
            code=InvestmentErrorCode.NOT_MEMBER,
        )
    if metric not in BetMetric.values:
        raise InvalidInput(
            _("Unknown metric: %(metric)s.") % {"metric": metric},
            code=InvestmentErrorCode.BET_INVALID,
        )
    target_value = _money(target, field=_("The target"))
    if metric == BetMetric.ON_TIME_RATE and target_value > 100:
        raise InvalidInput(
            _("An on-time rate target is a percentage, at most 100."),
            code=InvestmentErrorCode.BET_INVALID,
        )
    reward_value = _money(reward, field=_("The reward"), allow_zero=True)
    stake_value = _money(stake, field=_("The stake"), allow_zero=True)
    consequence = text_clean(
        value=consequence,
        field=_("Consequence"),
        max_length=CONSEQUENCE_MAX_LENGTH,
        required=False,
    )
    now = timezone.now()
    if (
        period_end <= period_start
        or period_end <= now
        or period_end - period_start > timedelta(days=BET_MAX_DAYS)
    ):
        raise InvalidInput(
            _("The period must end after it starts, in the future, within %(days)d days.")
            % {"days": BET_MAX_DAYS},
            code=InvestmentErrorCode.BET_INVALID,
        )
    if venture.status == VentureStatus.DISSOLVED:
        raise InvestmentError(
            InvestmentErrorCode.VENTURE_DISSOLVED,
            _("%(venture)s is dissolved.") % {"venture": venture.name},
        )
    bet = BetContract.objects.create(
        venture=venture,
        metric=metric,
        target=target_value,
        period_start=period_start,
        period_end=period_end,
        sponsor=sponsor,
        reward=reward_value,
        stake=stake_value,
        currency=currency,
        consequence=consequence,
        proposed_by=actor,
        venture_accepted_by=actor if is_member else None,
        sponsor_accepted_by=actor if sponsor_side else None,
    )
    audit_record(
        type="investment.bet.proposed",
        summary=f"{actor.name} proposed a bet for {venture.name}: {metric} ≥ {target_value}",
        actor=actor,
        subject=bet,
        data={
            "venture": venture.slug,
            "metric": metric,
            "target": str(target_value),
            "reward": str(reward_value),
            "stake": str(stake_value),
            "sponsor": str(sponsor.uid) if sponsor else "platform",
        },
    )
    return bet


def _lock_bet(bet: BetContract) -> BetContract:
    return (
        BetContract.objects.select_for_update(of=("self",))
        .select_related("venture", "sponsor")
        .get(pk=bet.pk)
    )


@transaction.atomic
def bet_sign(*, bet: BetContract, actor: User) -> BetContract:
    """The other side accepts; once both have, the bet is signed: the venture's stake goes into
    the bet's escrow, and so does an investor sponsor's reward (collected from them)."""
    locked = _lock_bet(bet)
    is_member = membership_is_active(venture=locked.venture, user=actor)
    is_sponsor = not is_member and _sponsor_side(locked, actor)
    if not (is_member or is_sponsor):
        raise PermissionDenied(
            _("Only the venture's members or the bet's sponsor may sign it."),
            code=InvestmentErrorCode.NOT_SPONSOR,
        )
    if locked.status != BetStatus.PROPOSED:
        raise InvestmentError(
            InvestmentErrorCode.BET_NOT_PROPOSED,
            _("This bet is %(status)s.") % {"status": BetStatus(locked.status).label.lower()},
        )
    fields = ["updated_at"]
    if is_member and locked.venture_accepted_by_id is None:
        locked.venture_accepted_by = actor
        fields.append("venture_accepted_by")
    elif is_sponsor and locked.sponsor_accepted_by_id is None:
        locked.sponsor_accepted_by = actor
        fields.append("sponsor_accepted_by")
    else:
        raise InvestmentError(
            InvestmentErrorCode.BET_ALREADY_ACCEPTED,
            _("Your side has already accepted; the other side signs."),
        )
    if locked.venture_accepted_by_id is not None and locked.sponsor_accepted_by_id is not None:
        if timezone.now() >= locked.period_end:
            raise InvestmentError(
                InvestmentErrorCode.BET_INVALID, _("The bet's period is over; propose a new one.")
            )
        _bet_fund(locked, actor)
        locked.status = BetStatus.ACTIVE
        locked.signed_at = timezone.now()
        fields += ["status", "signed_at"]
    locked.save(update_fields=fields)
    audit_record(
        type="investment.bet.signed"
        if locked.status == BetStatus.ACTIVE
        else "investment.bet.accepted",
        summary=f"{actor.name} accepted the bet of {locked.venture.name}",
        actor=actor,
        subject=locked,
        data={"status": locked.status},
    )
    return locked


def _bet_fund(bet: BetContract, actor: Any) -> None:
    escrow = _bet_escrow(bet)
    if bet.stake > 0:
        posting_record(
            idempotency_key=f"bet:{bet.uid}:stake",
            kind=PostingKind.BET,
            memo=_("Stake of the bet of %(venture)s") % {"venture": bet.venture.name},
            entries=[
                Entry(venture_account(venture=bet.venture, currency=bet.currency), -bet.stake),
                Entry(escrow, bet.stake),
            ],
            actor=actor,
            subject_type="bet",
            subject_uid=bet.uid,
        )
    if bet.sponsor is not None and bet.reward > 0:
        payment_collect(
            user=bet.sponsor,
            amount=bet.reward,
            currency=bet.currency,
            into=escrow,
            memo=_("Reward of the bet of %(venture)s") % {"venture": bet.venture.name},
            idempotency_key=f"bet:{bet.uid}:reward",
            subject_type="bet",
            subject_uid=bet.uid,
        )


@transaction.atomic
def bet_cancel(*, bet: BetContract, actor: User) -> BetContract:
    """Either side withdraws a bet that is not signed yet (nothing was posted)."""
    locked = _lock_bet(bet)
    if not (
        membership_is_active(venture=locked.venture, user=actor) or _sponsor_side(locked, actor)
    ):
        raise PermissionDenied(
            _("Only the venture's members or the bet's sponsor may cancel it."),
            code=InvestmentErrorCode.NOT_SPONSOR,
        )
    if locked.status != BetStatus.PROPOSED:
        raise InvestmentError(
            InvestmentErrorCode.BET_NOT_PROPOSED,
            _("Only a proposed bet can be cancelled; this one is %(status)s.")
            % {"status": BetStatus(locked.status).label.lower()},
        )
    locked.status = BetStatus.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        type="investment.bet.cancelled",
        summary=f"{actor.name} cancelled a proposed bet of {locked.venture.name}",
        actor=actor,
        subject=locked,
    )
    return locked


def bet_achieved(*, bet: BetContract, end: datetime | None = None) -> Decimal:
    """The bet's metric from the record, from the period's start to `end` (its end by default):
    money for revenue and marginal income, a count for users served, a percentage for the
    on-time rate (no delivery with a promise counts as 0)."""
    stop = min(end or bet.period_end, bet.period_end)
    figures = venture_figures(venture=bet.venture, start=bet.period_start, end=stop)
    if bet.metric == BetMetric.REVENUE:
        return figures.revenue
    if bet.metric == BetMetric.MARGINAL_INCOME:
        return figures.marginal_income
    if bet.metric == BetMetric.USERS_SERVED:
        return Decimal(figures.users_served)
    rate = figures.on_time_rate or Decimal(0)
    return (rate * 100).quantize(CENT)


@transaction.atomic
def bet_settle(*, bet: BetContract, now: datetime | None = None) -> BetContract | None:
    """Settle an active bet whose period ended, once (a conditional update claims it): won,
    the stake comes back with the reward; lost, the stake goes to the sponsor and an investor's
    reward back to them. None when another worker settled it first or it is not due."""
    now = now or timezone.now()
    fresh = BetContract.objects.select_related("venture", "sponsor").get(pk=bet.pk)
    if fresh.status != BetStatus.ACTIVE or fresh.period_end > now:
        return None
    achieved = bet_achieved(bet=fresh)
    won = achieved >= fresh.target
    status = BetStatus.WON if won else BetStatus.LOST
    claimed = BetContract.objects.filter(pk=fresh.pk, status=BetStatus.ACTIVE).update(
        status=status, achieved=achieved, settled_at=now, updated_at=now
    )
    if claimed != 1:
        return None
    fresh.refresh_from_db()
    escrow = _bet_escrow(fresh)
    in_escrow = fresh.stake + (fresh.reward if fresh.sponsor_id is not None else Decimal(0))
    entries: list[Entry] = []
    if won:
        paid = fresh.stake + fresh.reward
        if in_escrow:
            entries.append(Entry(escrow, -in_escrow))
        if fresh.sponsor_id is None and fresh.reward:
            entries.append(Entry(platform_account(currency=fresh.currency), -fresh.reward))
        if paid:
            entries.append(
                Entry(venture_account(venture=fresh.venture, currency=fresh.currency), paid)
            )
    elif in_escrow:
        receiver = (
            platform_account(currency=fresh.currency)
            if fresh.sponsor is None
            else wallet_account(user=fresh.sponsor, currency=fresh.currency)
        )
        entries = [Entry(escrow, -in_escrow), Entry(receiver, in_escrow)]
    if entries:
        posting_record(
            idempotency_key=f"bet:{fresh.uid}:settle",
            kind=PostingKind.BET,
            memo=(
                _("Bet of %(venture)s won: %(achieved)s against %(target)s")
                if won
                else _("Bet of %(venture)s lost: %(achieved)s against %(target)s")
            )
            % {"venture": fresh.venture.name, "achieved": achieved, "target": fresh.target},
            entries=entries,
            subject_type="bet",
            subject_uid=fresh.uid,
        )
    audit_record(
        type="investment.bet.won" if won else "investment.bet.lost",
        summary=f"The bet of {fresh.venture.name} was {status}: {achieved} against {fresh.target}",
        subject=fresh,
        data={"achieved": str(achieved), "target": str(fresh.target), "metric": fresh.metric},
    )
    return fresh


def bets_sweep(*, now: datetime | None = None) -> dict[str, list[str]]:
    """Settle every active bet whose period ended, each in its own transaction."""
    now = now or timezone.now()
    done: dict[str, list[str]] = {"won": [], "lost": []}
    due = BetContract.objects.filter(status=BetStatus.ACTIVE, period_end__lte=now).order_by(
        "period_end", "pk"
    )
    for bet in due:
        try:
            settled = bet_settle(bet=bet, now=now)
        except DomainError:
            logger.exception("bet %s could not be settled", bet.uid)
            continue
        if settled is not None:
            done[settled.status].append(str(settled.uid))
    return done


def bets_from_award(*, tender: Any) -> list[BetContract]:
    """A production tender was awarded: each winning bid with a bet target becomes an active
    bet, sponsored by the platform: revenue at least the target over the published period from
    the award, for the published reward rate of the target, no stake. Once per award line."""
    if getattr(tender, "status", "") != "awarded":
        return []
    made = []
    for line in tender.award_lines.select_related("bid", "venture").order_by("rank", "pk"):
        target = line.bid.bet_target
        if target is None or target <= 0:
            continue
        made.append(_bet_from_award_line(tender=tender, line=line, target=target))
    return [bet for bet in made if bet is not None]


@transaction.atomic
def _bet_from_award_line(*, tender: Any, line: Any, target: Decimal) -> BetContract | None:
    if BetContract.objects.filter(award_line_uid=line.uid).exists():
        return None
    start = tender.closed_at or timezone.now()
    reward = (target * bet_award_reward_rate()).quantize(CENT, rounding=ROUND_HALF_UP)
    try:
        with transaction.atomic():
            bet = BetContract.objects.create(
                venture=line.venture,
                metric=BetMetric.REVENUE,
                target=target,
                period_start=start,
                period_end=start + timedelta(days=bet_award_days()),
                sponsor=None,
                reward=reward,
                stake=Decimal(0),
                status=BetStatus.ACTIVE,
                source=BetSource.AWARD,
                award_line_uid=line.uid,
                tender_uid=tender.uid,
                consequence=_(
                    "Made from the bet target of the winning bid on tender #%(number)s: the "
                    "platform pays the reward if the revenue reaches the target; nothing is "
                    "staked, so missing it costs the venture only the reward."
                )
                % {"number": tender.number},
                signed_at=start,
            )
    except IntegrityError:
        return None
    audit_record(
        type="investment.bet.made_from_award",
        summary=f"Tender #{tender.number}'s award made a bet for {line.venture.name}: revenue "
        f"≥ {target} within {bet_award_days()} days",
        subject=bet,
        data={
            "tender": str(tender.uid),
            "award_line": str(line.uid),
            "target": str(target),
            "reward": str(reward),
        },
    )
    return bet


def award_observe(*, tender: Any) -> None:
    """The observer of awarded production tenders (registered in InvestmentConfig.ready())."""
    bets_from_award(tender=tender)


def investor_publishing_set(*, venture: Venture, actor: User, publishes: bool) -> Venture:
    """A member shows (or stops showing) the venture's statements to investors."""
    return venture_investor_publishing_set(venture=venture, actor=actor, publishes=publishes)
