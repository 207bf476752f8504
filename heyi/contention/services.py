"""Writes of the contention engine: tenders, sealed bids, race-safe close, award and verification.

Every tender, whatever its subject, runs through these functions. The scoring and the award are
computed by the pure core (scoring.py, award.py); these services adapt rows to it and back.

Race safety: bid_submit, bid_revise, bid_withdraw and tender_close all lock the tender row
(SELECT … FOR UPDATE) before looking at its status, so a close and a bid are serialised: a bid
either commits before the close reads the bids (and is counted) or waits for the close and then
finds the tender decided (and is refused). Two closes are serialised the same way; the second
finds the tender decided and is refused, so there is only ever one award.
"""

from __future__ import annotations

import functools
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.accounts.selectors import operator_require
from heyi.contention import award_handlers
from heyi.contention.award import Verification, award, verify_award
from heyi.contention.errors import ContentionDomainError, ContentionErrorCode
from heyi.contention.models import (
    SEALED_STATUSES,
    AwardLine,
    Bid,
    BidStatus,
    SubjectType,
    Tender,
    TenderStatus,
)
from heyi.contention.scoring import BidRecord, ContentionError, ScoringRule
from heyi.contention.selectors import (
    bid_list_recorded,
    venture_eligibility,
    venture_record_values,
)
from heyi.core.audit import audit_record
from heyi.core.errors import InvalidInput, NotFound, PermissionDenied
from heyi.core.models import Category
from heyi.core.numbering import number_next, numbered_create
from heyi.core.text import text_clean
from heyi.notifications.services import Notice, notification_send_many
from heyi.ventures.models import Venture, VentureKind, VentureStatus
from heyi.ventures.selectors import member_list, membership_is_active

TITLE_MAX_LENGTH = 200
REQUIREMENTS_MAX_LENGTH = 8000
PLAN_MAX_LENGTH = 4000
REASON_MAX_LENGTH = 500
QUANTITY_MAX = 10_000_000
LEAD_TIME_MAX_DAYS = 3650
PRICE_MAX = Decimal("9999999999.99")
RATING_MAX = Decimal("5")
NUMBER_ATTEMPTS = 5


# --- helpers ------------------------------------------------------------------------------


def _engine_error(error: ContentionError) -> InvalidInput:
    return InvalidInput(error.message, code=error.code)


def _require_member(*, venture: Venture, actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to bid."), code=ContentionErrorCode.NOT_AUTHENTICATED)
    if not membership_is_active(venture=venture, user=actor):
        raise PermissionDenied(
            _("Only the venture's members may bid for it."), code=ContentionErrorCode.NOT_MEMBER
        )


def _lock(tender: Tender) -> Tender:
    return Tender.objects.select_for_update().get(pk=tender.pk)


def _refresh(tender: Tender, locked: Tender) -> Tender:
    """Copy the locked row's fields onto the caller's object, so it sees what was written."""
    for field in locked._meta.concrete_fields:
        setattr(tender, field.attname, getattr(locked, field.attname))
    return tender


def _money(value: Any, *, field: str, code: str, allow_zero: bool) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidInput(
            _("%(field)s must be a decimal number.") % {"field": field}, code=code
        ) from None
    if not number.is_finite():
        raise InvalidInput(_("%(field)s must be a finite number.") % {"field": field}, code=code)
    if number < 0 or (number == 0 and not allow_zero):
        raise InvalidInput(
            _("%(field)s must be more than zero.") % {"field": field}
            if not allow_zero
            else _("%(field)s must not be negative.") % {"field": field},
            code=code,
        )
    if number > PRICE_MAX or number != number.quantize(Decimal("0.01")):
        raise InvalidInput(
            _("%(field)s must be at most %(max)s with at most 2 decimal places.")
            % {"field": field, "max": PRICE_MAX},
            code=code,
        )
    return number.quantize(Decimal("0.01"))


def _whole(value: Any, *, field: str, code: str, lowest: int, highest: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lowest <= value <= highest:
        raise InvalidInput(
            _("%(field)s must be a whole number from %(low)d to %(high)d.")
            % {"field": field, "low": lowest, "high": highest},
            code=code,
        )
    return value


def _rule_clean(rule: ScoringRule | Mapping[str, Any]) -> ScoringRule:
    if isinstance(rule, ScoringRule):
        return rule
    try:
        return ScoringRule.from_dict(rule)
    except ContentionError as error:
        raise _engine_error(error) from error


def _categories_from_slugs(slugs: Iterable[str]) -> list[Category]:
    wanted = sorted(set(slugs))
    found = list(Category.objects.filter(slug__in=wanted))
    missing = sorted(set(wanted) - {category.slug for category in found})
    if missing:
        raise InvalidInput(
            _("Unknown categories: %(slugs)s.") % {"slugs": ", ".join(missing)},
            code=ContentionErrorCode.CATEGORY_UNKNOWN,
        )
    return found


def _choices_clean(values: Iterable[str], *, allowed: list[str], code: str) -> list[str]:
    cleaned = sorted(set(values))
    unknown = [value for value in cleaned if value not in allowed]
    if unknown:
        raise InvalidInput(
            _("Unknown values: %(values)s.") % {"values": ", ".join(unknown)}, code=code
        )
    return cleaned


def _window_check(*, opens_at: datetime, closes_at: datetime) -> None:
    for moment in (opens_at, closes_at):
        if not isinstance(moment, datetime) or timezone.is_naive(moment):
            raise InvalidInput(
                _("Opening and closing times must be dates with a time zone."),
                code=ContentionErrorCode.INVALID_WINDOW,
            )
    if closes_at <= opens_at:
        raise InvalidInput(
            _("The tender must close after it opens."), code=ContentionErrorCode.INVALID_WINDOW
        )


def _tender_number_next() -> int:
    return number_next(Tender)


def _tender_insert(**fields: Any) -> Tender:
    """Insert with the next free number; a lost race on the unique number reads again."""
    created = numbered_create(
        Tender, attempts=NUMBER_ATTEMPTS, next_number=lambda: _tender_number_next(), **fields
    )
    if created is not None:
        return created
    raise ContentionDomainError(
        ContentionErrorCode.NUMBER_ALLOCATION_FAILED,
        _("Many tenders are being created right now; please try again."),
    )


def _fingerprint(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


# --- tenders ------------------------------------------------------------------------------


@transaction.atomic
def tender_create(
    *,
    subject_type: str,
    subject_uid: uuid.UUID,
    title: str,
    requirements: str,
    quantity: int,
    opens_at: datetime,
    closes_at: datetime,
    rule: ScoringRule | Mapping[str, Any],
    created_by: Any = None,
    demand_uid: uuid.UUID | None = None,
    categories: Iterable[str] = (),
    minimum_rating: Decimal | str | None = None,
    venture_statuses: Iterable[str] = (),
    venture_kinds: Iterable[str] = (),
) -> Tender:
    """Create a draft tender on any subject. `created_by` None means the platform itself.

    A person creating a tender must be an operator; the layers above (orders, supply) create
    theirs with `created_by=None` after checking their own rules.
    """
    if created_by is not None:
        operator_require(created_by)
    if subject_type not in SubjectType.values:
        raise InvalidInput(
            _("Unknown subject type: %(value)s.") % {"value": subject_type},
            code=ContentionErrorCode.SUBJECT_TYPE_UNKNOWN,
        )
    if not isinstance(subject_uid, uuid.UUID):
        raise InvalidInput(
            _("The subject identifier must be a UUID."),
            code=ContentionErrorCode.SUBJECT_TYPE_UNKNOWN,
        )
    title = text_clean(value=title, field=_("Title"), max_length=TITLE_MAX_LENGTH)
    requirements = text_clean(
        value=requirements, field=_("Requirements"), max_length=REQUIREMENTS_MAX_LENGTH
    )
    quantity = _whole(
        quantity,
        field=_("Quantity"),
        code=ContentionErrorCode.INVALID_QUANTITY,
        lowest=1,
        highest=QUANTITY_MAX,
    )
    _window_check(opens_at=opens_at, closes_at=closes_at)
    scoring_rule = _rule_clean(rule)
    rating = None
    if minimum_rating is not None:
        rating = _money(
            minimum_rating,
            field=_("Minimum rating"),
            code=ContentionErrorCode.INVALID_RATING,
            allow_zero=True,
        )
        if rating > RATING_MAX:
            raise InvalidInput(
                _("The minimum rating is at most %(max)s.") % {"max": RATING_MAX},
                code=ContentionErrorCode.INVALID_RATING,
            )
    statuses = _choices_clean(
        venture_statuses,
        allowed=list(VentureStatus.values),
        code=ContentionErrorCode.VENTURE_STATUS_UNKNOWN,
    )
    kinds = _choices_clean(
        venture_kinds,
        allowed=list(VentureKind.values),
        code=ContentionErrorCode.VENTURE_KIND_UNKNOWN,
    )
    category_rows = _categories_from_slugs(categories)
    tender = _tender_insert(
        subject_type=subject_type,
        subject_uid=subject_uid,
        demand_uid=demand_uid,
        title=title,
        requirements=requirements,
        quantity=quantity,
        opens_at=opens_at,
        closes_at=closes_at,
        minimum_rating=rating,
        venture_statuses=statuses,
        venture_kinds=kinds,
        rule=scoring_rule.to_dict(),
        rule_fingerprint=scoring_rule.fingerprint(),
        status=TenderStatus.DRAFT,
        created_by=created_by,
    )
    tender.categories.set(category_rows)
    audit_record(
        type="contention.tender.created",
        summary=f"Tender #{tender.number} created: {title}",
        actor=created_by,
        subject=tender,
        demand_uid=demand_uid,
        data={
            "number": tender.number,
            "subject_type": subject_type,
            "quantity": quantity,
            "opens_at": opens_at.isoformat(),
            "closes_at": closes_at.isoformat(),
        },
    )
    return tender


@transaction.atomic
def tender_rule_set(
    *, tender: Tender, rule: ScoringRule | Mapping[str, Any], actor: Any = None
) -> Tender:
    """Change a draft tender's rule; once published the rule is frozen."""
    if actor is not None:
        operator_require(actor)
    locked = _lock(tender)
    if locked.status != TenderStatus.DRAFT:
        raise ContentionDomainError(
            ContentionErrorCode.RULE_FROZEN,
            _("The scoring rule was published and can no longer change."),
        )
    scoring_rule = _rule_clean(rule)
    previous = locked.rule_fingerprint
    locked.rule = scoring_rule.to_dict()
    locked.rule_fingerprint = scoring_rule.fingerprint()
    locked.save(update_fields=["rule", "rule_fingerprint", "updated_at"])
    audit_record(
        type="contention.tender.rule_changed",
        summary=f"Tender #{locked.number}: scoring rule changed before publication",
        actor=actor,
        subject=locked,
        demand_uid=locked.demand_uid,
        data={"from": previous, "to": locked.rule_fingerprint},
    )
    return _refresh(tender, locked)


@transaction.atomic
def tender_publish(*, tender: Tender, actor: Any = None) -> Tender:
    """Publish the rule and schedule the tender; it opens at once if its opening time passed."""
    if actor is not None:
        operator_require(actor)
    locked = _lock(tender)
    if locked.status != TenderStatus.DRAFT:
        raise ContentionDomainError(
            ContentionErrorCode.TENDER_NOT_DRAFT, _("Only a draft tender can be published.")
        )
    now = timezone.now()
    if locked.closes_at <= now:
        raise InvalidInput(
            _("The closing time has already passed."), code=ContentionErrorCode.INVALID_WINDOW
        )
    locked.status = TenderStatus.PUBLISHED
    locked.published_at = now
    locked.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(
        type="contention.tender.published",
        summary=f"Tender #{locked.number} published with its scoring rule",
        actor=actor,
        subject=locked,
        demand_uid=locked.demand_uid,
        data={
            "rule": locked.rule,
            "rule_fingerprint": locked.rule_fingerprint,
            "opens_at": locked.opens_at.isoformat(),
            "closes_at": locked.closes_at.isoformat(),
        },
    )
    if locked.opens_at <= now:
        _open(locked, actor=actor)
    return _refresh(tender, locked)


def _open(locked: Tender, *, actor: Any) -> None:
    locked.status = TenderStatus.OPEN
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        type="contention.tender.opened",
        summary=f"Tender #{locked.number} opened for bids",
        actor=actor,
        subject=locked,
        demand_uid=locked.demand_uid,
        data={"closes_at": locked.closes_at.isoformat()},
    )


@transaction.atomic
def tender_open(*, tender: Tender, actor: Any = None) -> Tender:
    """Open a published tender for bids once its opening time has come."""
    if actor is not None:
        operator_require(actor)
    locked = _lock(tender)
    if locked.status != TenderStatus.PUBLISHED:
        raise ContentionDomainError(
            ContentionErrorCode.TENDER_NOT_PUBLISHED,
            _("Only a published tender can open."),
        )
    if locked.opens_at > timezone.now():
        raise ContentionDomainError(
            ContentionErrorCode.NOT_YET_OPEN, _("The tender's opening time has not come yet.")
        )
    _open(locked, actor=actor)
    return _refresh(tender, locked)


@transaction.atomic
def tender_cancel(*, tender: Tender, actor: Any, reason: str) -> Tender:
    """An operator cancels a tender that is not decided yet; its bids stay sealed for good."""
    operator_require(actor)
    reason = text_clean(value=reason, field=_("Reason"), max_length=REASON_MAX_LENGTH)
    locked = _lock(tender)
    if locked.status not in SEALED_STATUSES:
        raise ContentionDomainError(
            ContentionErrorCode.TENDER_NOT_CANCELLABLE,
            _("A decided tender cannot be cancelled."),
        )
    locked.status = TenderStatus.CANCELLED
    locked.status_reason = reason
    locked.closed_at = timezone.now()
    locked.save(update_fields=["status", "status_reason", "closed_at", "updated_at"])
    audit_record(
        type="contention.tender.cancelled",
        summary=f"Tender #{locked.number} cancelled",
        actor=actor,
        subject=locked,
        demand_uid=locked.demand_uid,
        data={"reason": reason},
    )
    return _refresh(tender, locked)


# --- bids ---------------------------------------------------------------------------------


def _bidding_check(locked: Tender) -> None:
    now = timezone.now()
    if locked.status in (TenderStatus.DRAFT, TenderStatus.PUBLISHED) or (
        locked.status == TenderStatus.OPEN and now < locked.opens_at
    ):
        raise ContentionDomainError(
            ContentionErrorCode.NOT_YET_OPEN, _("Bidding on this tender has not opened yet.")
        )
    if locked.status != TenderStatus.OPEN or now >= locked.closes_at:
        raise ContentionDomainError(
            ContentionErrorCode.BIDDING_CLOSED, _("Bidding on this tender is closed.")
        )


def _bid_fields_clean(
    *,
    unit_price: Any,
    lead_time_days: Any,
    capacity: Any,
    plan: str,
    bet_target: Any,
) -> dict[str, Any]:
    return {
        "unit_price": _money(
            unit_price,
            field=_("Unit price"),
            code=ContentionErrorCode.INVALID_PRICE,
            allow_zero=False,
        ),
        "lead_time_days": _whole(
            lead_time_days,
            field=_("Lead time"),
            code=ContentionErrorCode.INVALID_LEAD_TIME,
            lowest=0,
            highest=LEAD_TIME_MAX_DAYS,
        ),
        "capacity": _whole(
            capacity,
            field=_("Capacity"),
            code=ContentionErrorCode.INVALID_CAPACITY,
            lowest=1,
            highest=QUANTITY_MAX,
        ),
        "plan": text_clean(value=plan, field=_("Plan"), max_length=PLAN_MAX_LENGTH, required=False),
        "bet_target": None
        if bet_target is None or bet_target == ""
        else _money(
            bet_target,
            field=_("Bet target"),
            code=ContentionErrorCode.INVALID_BET_TARGET,
            allow_zero=True,
        ),
    }


def _eligibility_check(*, tender: Tender, venture: Venture) -> None:
    eligibility = venture_eligibility(tender=tender, venture=venture)
    if not eligibility.is_eligible:
        raise ContentionDomainError(
            ContentionErrorCode.NOT_ELIGIBLE,
            _("%(venture)s may not bid: %(reasons)s")
            % {"venture": venture.name, "reasons": " ".join(eligibility.reasons)},
            status=403,
        )


def _current_bid(*, tender: Tender, venture: Venture) -> Bid | None:
    return (
        Bid.objects.select_for_update()
        .filter(tender=tender, venture=venture, is_current=True)
        .first()
    )


def _sealed_audit(*, type: str, summary: str, actor: Any, tender: Tender, bid: Bid) -> None:
    # Public trace rows say only that something happened and how many bids there are; the
    # content goes to a private row so that the trace never opens a sealed bid.
    audit_record(
        type=type,
        summary=summary,
        actor=None,
        subject=tender,
        demand_uid=tender.demand_uid,
        data={"bid_count": tender.bid_count},
    )
    audit_record(
        type=f"{type}_detail",
        summary=summary,
        actor=actor,
        subject=bid,
        demand_uid=tender.demand_uid,
        data={
            "tender": tender.number,
            "venture": bid.venture.slug,
            "revision": bid.revision,
            "status": bid.status,
        },
        is_public=False,
    )


@transaction.atomic
def bid_submit(
    *,
    tender: Tender,
    venture: Venture,
    actor: Any,
    unit_price: Decimal | str,
    lead_time_days: int,
    capacity: int,
    plan: str = "",
    bet_target: Decimal | str | None = None,
) -> Bid:
    """A member of an eligible venture submits its sealed bid while the tender is open.

    A venture has one current bid per tender: a second submit is refused (revise instead); a
    withdrawn bid may be replaced by submitting again, as its next revision.
    """
    _require_member(venture=venture, actor=actor)
    fields = _bid_fields_clean(
        unit_price=unit_price,
        lead_time_days=lead_time_days,
        capacity=capacity,
        plan=plan,
        bet_target=bet_target,
    )
    locked = _lock(tender)
    _bidding_check(locked)
    _eligibility_check(tender=locked, venture=venture)
    current = _current_bid(tender=locked, venture=venture)
    revision = 1
    if current is not None:
        if current.status == BidStatus.ACTIVE:
            raise ContentionDomainError(
                ContentionErrorCode.BID_EXISTS,
                _("%(venture)s has already bid on this tender; revise that bid instead.")
                % {"venture": venture.name},
            )
        revision = current.revision + 1
        current.is_current = False
        current.save(update_fields=["is_current", "updated_at"])
    try:
        with transaction.atomic():
            bid = Bid.objects.create(
                tender=locked,
                venture=venture,
                submitted_by=actor,
                submitted_at=timezone.now(),
                revision=revision,
                is_current=True,
                status=BidStatus.ACTIVE,
                **fields,
            )
    except IntegrityError as error:
        raise ContentionDomainError(
            ContentionErrorCode.BID_EXISTS,
            _("%(venture)s has already bid on this tender; revise that bid instead.")
            % {"venture": venture.name},
        ) from error
    Tender.objects.filter(pk=locked.pk).update(bid_count=F("bid_count") + 1)
    locked.refresh_from_db(fields=["bid_count"])
    _sealed_audit(
        type="contention.bid.submitted",
        summary=f"A sealed bid was submitted on tender #{locked.number}",
        actor=actor,
        tender=locked,
        bid=bid,
    )
    _refresh(tender, locked)
    return bid


@transaction.atomic
def bid_revise(
    *,
    tender: Tender,
    venture: Venture,
    actor: Any,
    unit_price: Decimal | str,
    lead_time_days: int,
    capacity: int,
    plan: str = "",
    bet_target: Decimal | str | None = None,
) -> Bid:
    """Replace the venture's active bid with a new revision; the old one stays as history."""
    _require_member(venture=venture, actor=actor)
    fields = _bid_fields_clean(
        unit_price=unit_price,
        lead_time_days=lead_time_days,
        capacity=capacity,
        plan=plan,
        bet_target=bet_target,
    )
    locked = _lock(tender)
    _bidding_check(locked)
    _eligibility_check(tender=locked, venture=venture)
    current = _current_bid(tender=locked, venture=venture)
    if current is None or current.status != BidStatus.ACTIVE:
        raise NotFound(
            _("%(venture)s has no active bid on this tender to revise.")
            % {"venture": venture.name},
            code=ContentionErrorCode.BID_NOT_FOUND,
        )
    current.is_current = False
    current.save(update_fields=["is_current", "updated_at"])
    bid = Bid.objects.create(
        tender=locked,
        venture=venture,
        submitted_by=actor,
        submitted_at=timezone.now(),
        revision=current.revision + 1,
        is_current=True,
        status=BidStatus.ACTIVE,
        **fields,
    )
    _sealed_audit(
        type="contention.bid.revised",
        summary=f"A sealed bid on tender #{locked.number} was revised",
        actor=actor,
        tender=locked,
        bid=bid,
    )
    _refresh(tender, locked)
    return bid


@transaction.atomic
def bid_withdraw(*, tender: Tender, venture: Venture, actor: Any) -> Bid:
    """Withdraw the venture's active bid before close; it no longer counts."""
    _require_member(venture=venture, actor=actor)
    locked = _lock(tender)
    _bidding_check(locked)
    current = _current_bid(tender=locked, venture=venture)
    if current is None or current.status != BidStatus.ACTIVE:
        raise NotFound(
            _("%(venture)s has no active bid on this tender to withdraw.")
            % {"venture": venture.name},
            code=ContentionErrorCode.BID_NOT_FOUND,
        )
    current.status = BidStatus.WITHDRAWN
    current.save(update_fields=["status", "updated_at"])
    Tender.objects.filter(pk=locked.pk).update(bid_count=F("bid_count") - 1)
    locked.refresh_from_db(fields=["bid_count"])
    _sealed_audit(
        type="contention.bid.withdrawn",
        summary=f"A sealed bid on tender #{locked.number} was withdrawn",
        actor=actor,
        tender=locked,
        bid=current,
    )
    _refresh(tender, locked)
    return current


# --- close, award and verification --------------------------------------------------------


def _records(bids: Iterable[Bid]) -> list[BidRecord]:
    """The pure engine's view of recorded bids, with the record values stored at close."""
    return [
        BidRecord(
            bid_id=str(bid.uid),
            bidder_id=str(bid.venture.uid),
            submitted_at=bid.submitted_at,
            unit_price=bid.unit_price,
            lead_time_days=bid.lead_time_days,
            capacity=bid.capacity,
            values={name: Decimal(value) for name, value in bid.criteria_values.items()},
        )
        for bid in bids
    ]


@transaction.atomic
def tender_close(*, tender: Tender, actor: Any = None) -> Tender:
    """Close an open tender and award it, once: at its deadline (actor None) or by an operator.

    Locks the tender row, scores the active current bids under the published rule, stores the
    award (its canonical JSON and fingerprint, AwardLine rows, each bid's score and rank) and
    moves the tender to `awarded` — or `no_award` when nobody bid. The registered award handler
    of the tender's subject runs after commit (see award_handlers).
    """
    if actor is not None:
        operator_require(actor)
    locked = _lock(tender)
    if locked.status != TenderStatus.OPEN:
        raise ContentionDomainError(
            ContentionErrorCode.TENDER_NOT_OPEN, _("Only an open tender can be closed.")
        )
    now = timezone.now()
    if actor is None and now < locked.closes_at:
        # The platform closes at the deadline only; an operator may close early.
        raise ContentionDomainError(
            ContentionErrorCode.CLOSE_NOT_DUE, _("The tender's closing time has not come yet.")
        )
    bids = bid_list_recorded(tender=locked)
    record = venture_record_values(ventures={bid.venture for bid in bids})
    rule = ScoringRule.from_dict(locked.rule)
    criteria = {criterion.name for criterion in rule.criteria}
    for bid in bids:
        # Only what the rule scores is recorded, so the verification has exactly its inputs.
        bid.criteria_values = {
            name: str(value) for name, value in record[bid.venture_id].items() if name in criteria
        }
    try:
        result = award(rule, _records(bids), locked.quantity)
    except ContentionError as error:
        raise _engine_error(error) from error
    published = result.to_dict()
    by_uid = {str(bid.uid): bid for bid in bids}
    for scored in result.table:
        bid = by_uid[scored.bid.bid_id]
        bid.score = scored.score
        bid.rank = scored.rank
    Bid.objects.bulk_update(bids, ["criteria_values", "score", "rank", "updated_at"])
    AwardLine.objects.bulk_create(
        AwardLine(
            tender=locked,
            bid=by_uid[line.bid_id],
            venture=by_uid[line.bid_id].venture,
            quantity=line.quantity,
            unit_price=line.unit_price,
            score=line.score,
            rank=line.rank,
        )
        for line in result.lines
    )
    locked.status = TenderStatus.AWARDED if result.lines else TenderStatus.NO_AWARD
    locked.closed_at = now
    locked.award = published
    locked.award_fingerprint = _fingerprint(published)
    locked.save(update_fields=["status", "closed_at", "award", "award_fingerprint", "updated_at"])
    winners = [
        {
            "venture": by_uid[line.bid_id].venture.slug,
            "quantity": line.quantity,
            "unit_price": str(line.unit_price),
            "score": str(line.score),
        }
        for line in result.lines
    ]
    audit_record(
        type="contention.tender.awarded"
        if result.lines
        else "contention.tender.closed_without_award",
        summary=(
            f"Tender #{locked.number} awarded to "
            + ", ".join(f"{w['venture']} ({w['quantity']})" for w in winners)
            if winners
            else f"Tender #{locked.number} closed without bids"
        ),
        actor=actor,
        subject=locked,
        demand_uid=locked.demand_uid,
        data={
            "bid_count": len(bids),
            "reason": result.reason.value,
            "awarded_quantity": result.awarded_quantity,
            "shortfall": result.shortfall,
            "lines": winners,
            "award_fingerprint": locked.award_fingerprint,
            "rule_fingerprint": locked.rule_fingerprint,
        },
    )
    _bidders_tell(tender=locked, bids=bids, lines={line.bid_id: line for line in result.lines})
    transaction.on_commit(functools.partial(award_handlers.dispatch, tender=locked), robust=True)
    return _refresh(tender, locked)


def _bidders_tell(*, tender: Tender, bids: list[Bid], lines: Mapping[str, Any]) -> None:
    """Every bidding venture's members hear the outcome: their rank, score and what they won."""
    notices = []
    for bid in bids:
        line = lines.get(str(bid.uid))
        if line is not None:
            title = _("Tender #%(number)d: you won %(quantity)d units") % {
                "number": tender.number,
                "quantity": line.quantity,
            }
        else:
            title = _("Tender #%(number)d is decided") % {"number": tender.number}
        body = _("%(venture)s ranked %(rank)s of %(count)d with a score of %(score)s.") % {
            "venture": bid.venture.name,
            "rank": bid.rank if bid.rank is not None else "—",
            "count": len(bids),
            "score": bid.score,
        }
        notices += [
            Notice(
                user=membership.user,
                kind="contention.tender.awarded",
                title=title,
                body=body,
                url=f"/tenders/{tender.number}/",
            )
            for membership in member_list(venture=bid.venture)
        ]
    if notices:
        notification_send_many(notices=notices)


def tender_verify(*, tender: Tender) -> Verification:
    """Recompute the award from the published rule and the recorded bids; compare with the notice.

    Read-only, so anyone may call it. A tender that is not decided has nothing to verify.
    """
    if tender.status not in (TenderStatus.AWARDED, TenderStatus.NO_AWARD) or tender.award is None:
        raise ContentionDomainError(
            ContentionErrorCode.TENDER_NOT_AWARDED, _("This tender has not been decided yet.")
        )
    bids = list(
        Bid.objects.filter(tender=tender, is_current=True, status=BidStatus.ACTIVE)
        .select_related("venture")
        .order_by("uid")
    )
    try:
        rule = ScoringRule.from_dict(tender.rule)
        return verify_award(rule, _records(bids), tender.quantity, tender.award)
    except ContentionError as error:
        raise _engine_error(error) from error
