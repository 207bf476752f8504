"""Settling completed orders by their share rule, and members' pay by their venture's pay rule.

`order_settle` runs once per order (key `order:<uid>:settle`): it reads the order's share rule,
computes the split (`heyi.ledger.share.split_compute`) from the order's facts (`facts.py`),
posts one settlement moving the whole total out of the order's escrow to one line per party,
and keeps every term as a `SplitLine`. When the maker venture has published a pay rule, the
members' pool of its net on the order goes on to the members who worked on it in a second
posting (key `order:<uid>:members-pay`), kept as `PayLine`s.

It runs inside the completion's transaction (registered for the `completed` stage in
`ValueConfig.ready()`), through `order_completed_settle`, which decides what an order whose
money never went through the ledger does: see its docstring.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.core.audit import audit_record
from heyi.core.errors import InvalidInput
from heyi.ledger.models import Account, PostingKind, PostingLine, ShareRule, ShareRuleScope
from heyi.ledger.posting import MINOR_UNIT_DIGITS, PostingError, PostingErrorCode
from heyi.ledger.services import (
    Entry,
    platform_account,
    posting_record,
    share_rule_current,
    share_rule_for_tender,
    venture_account,
    wallet_account,
)
from heyi.ledger.share import Party, PartyKind, ShareTerms, split_compute, totals_by_party
from heyi.ledger.share import SplitLine as ShareLine
from heyi.orders.models import Order, OrderEvent, OrderStage
from heyi.orders.order_services import order_escrow
from heyi.orders.stages import Party as OrderParty
from heyi.value.errors import ValueAppError, ValueErrorCode
from heyi.value.facts import OrderRecord, order_facts_build
from heyi.value.models import PayBasis, PayLine, PayRule, Settlement, SplitLine, SplitParty
from heyi.value.selectors import pay_rule_require_reader
from heyi.ventures.models import Membership, Venture
from heyi.ventures.selectors import member_list

logger = logging.getLogger(__name__)

NOTE_MAX = 300


def _unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-MINOR_UNIT_DIGITS[currency])


# --- the share rule of an order ----------------------------------------------------------------


def order_share_rule(*, order: Order) -> ShareRule:
    """The share rule an order is settled by: its own (when orders keep one), else the rule
    published with its production tender (frozen now for orders from before tenders published
    one), else the standard products' (or production) rates in force."""
    if order.share_rule is not None:
        return order.share_rule
    if order.tender_uid is not None:
        return share_rule_for_tender(tender_uid=order.tender_uid, currency=order.currency)
    scope = (
        ShareRuleScope.DEFAULT_STANDARD
        if order.product_id is not None
        else ShareRuleScope.DEFAULT_PRODUCTION
    )
    return share_rule_current(scope=scope, currency=order.currency)


def party_account(*, record: OrderRecord, party: Party, currency: str) -> Account:
    if party.kind == PartyKind.USER:
        return wallet_account(user=record.users[party.ref], currency=currency)
    if party.kind == PartyKind.VENTURE:
        return venture_account(venture=record.ventures[party.ref], currency=currency)
    return platform_account(currency=currency)


def main_terms(lines: tuple[ShareLine, ...]) -> dict[Party, str]:
    """Each party's main term (its largest line; the first of equals) for the posting line."""
    best: dict[Party, ShareLine] = {}
    for line in lines:
        kept = best.get(line.party)
        if kept is None or line.amount > kept.amount:
            best[line.party] = line
    return {party: str(line.term) for party, line in best.items()}


# --- settlement --------------------------------------------------------------------------------


def _lock(order: Order) -> Order:
    return (
        Order.objects.select_for_update(of=("self",))
        .select_related("demand__author", "product", "venture", "user", "share_rule")
        .get(pk=order.pk)
    )


@transaction.atomic
def order_settle(*, order: Order, actor: Any = None) -> Settlement:
    """Split a completed order's escrow by its share rule, once.

    A second call returns the first settlement and posts nothing. Refuses an order that is not
    completed (409 `order_not_completed`) and an escrow that does not hold the order's total
    (409 `posting_overdrawn`): nothing is written then.
    """
    existing = Settlement.objects.filter(order_id=order.pk).first()
    if existing is not None:
        return existing
    locked = _lock(order)
    existing = Settlement.objects.filter(order_id=locked.pk).first()
    if existing is not None:
        return existing
    if locked.stage != OrderStage.COMPLETED:
        raise ValueAppError(
            ValueErrorCode.ORDER_NOT_COMPLETED,
            _("Order O%(number)d is not completed: it is settled on completion.")
            % {"number": locked.number},
        )
    rule = order_share_rule(order=locked)
    record = order_facts_build(order=locked)
    lines = split_compute(ShareTerms.from_json(rule.terms), record.facts)
    currency = locked.currency
    escrow = order_escrow(order=locked)
    escrow.refresh_from_db(fields=["balance"])
    if escrow.balance < locked.total:
        raise PostingError(
            PostingErrorCode.OVERDRAWN,
            _(
                "The escrow of order O%(number)d holds %(held)s %(currency)s, not the order's "
                "total of %(total)s: it cannot be settled."
            )
            % {
                "number": locked.number,
                "held": escrow.balance,
                "currency": currency,
                "total": locked.total,
            },
        )
    terms_of = main_terms(lines)
    totals = totals_by_party(lines)
    entries = [Entry(escrow, -locked.total, "order_total")]
    for party, amount in totals.items():
        if amount.is_zero():
            continue
        account = party_account(record=record, party=party, currency=currency)
        entries.append(Entry(account, amount, terms_of[party]))
    now = timezone.now()
    posting = posting_record(
        idempotency_key=f"order:{locked.uid}:settle",
        kind=PostingKind.SETTLEMENT,
        memo=_("Order O%(number)d settled by its share rule") % {"number": locked.number},
        entries=entries,
        actor=actor,
        order_uid=locked.uid,
        subject_type="order",
        subject_uid=locked.uid,
        posted_at=now,
    )
    maker = record.facts.maker
    settlement = Settlement.objects.create(
        order=locked,
        share_rule=rule,
        posting=posting,
        venture=record.ventures[maker.ref] if maker is not None else None,
        total=locked.total,
        currency=currency,
        settled_at=now,
    )
    SplitLine.objects.bulk_create(
        SplitLine(
            settlement=settlement,
            party=SplitParty(line.party.kind.value),
            venture=record.ventures.get(line.party.ref)
            if line.party.kind == PartyKind.VENTURE
            else None,
            user=record.users.get(line.party.ref) if line.party.kind == PartyKind.USER else None,
            term=str(line.term),
            amount=line.amount,
            basis=line.basis[:200],
            position=position,
        )
        for position, line in enumerate(lines)
    )
    pay_lines: list[PayLine] = []
    if maker is not None:
        pay_lines = _members_pay(
            settlement=settlement,
            order=locked,
            venture=record.ventures[maker.ref],
            net=totals.get(maker, Decimal(0)),
            now=now,
        )
    audit_record(
        type="value.order.settled",
        summary=f"O{locked.number} settled: {locked.total} {currency} in {len(lines)} lines",
        actor=actor,
        subject=locked,
        demand_uid=locked.demand.uid if locked.demand is not None else None,
        data={
            "order": locked.number,
            "share_rule": rule.fingerprint,
            "lines": [
                {"term": str(line.term), "party": line.party.name, "amount": str(line.amount)}
                for line in lines
            ],
            "members_pay": [str(line.amount) for line in pay_lines],
        },
        is_public=False,
    )
    return settlement


def order_escrow_was_funded(*, order: Order) -> bool:
    """Whether the ledger ever took money into the order's escrow."""
    return PostingLine.objects.filter(
        account__key=f"escrow:order:{order.uid}", amount__gt=0
    ).exists()


def order_completed_settle(*, order: Order) -> Settlement | None:
    """The `completed` stage hook: settle the order in the completion's transaction.

    An order whose money never went through the ledger (unpaid, or paid before the ledger
    existed: no posting ever put money into its escrow) has nothing to split: it completes
    without a settlement, and an audit event says so. An order whose escrow was funded but does
    not hold its total (part of it refunded, say) is refused: the settlement raises
    `posting_overdrawn` and the completion rolls back with it, so money and stage never
    disagree.
    """
    if not order_escrow_was_funded(order=order):
        logger.info("Order O%s completed without ledger money: not settled.", order.number)
        audit_record(
            type="value.order.settlement_skipped",
            summary=f"O{order.number} completed without money in its escrow: nothing to split",
            subject=order,
            demand_uid=getattr(order.demand, "uid", None),
            data={"order": order.number, "paid_at": str(order.paid_at or "")},
            is_public=False,
        )
        return None
    return order_settle(order=order)


# --- members' pay ------------------------------------------------------------------------------


def pay_shares(
    *, pool: Decimal, steps: Mapping[int, int], basis: str, currency: str
) -> dict[int, Decimal]:
    """Split `pool` over people (user id → steps recorded): in equal parts, or by steps.

    Every share is rounded down to the minor unit; what that leaves goes to the person with the
    most steps (then the lowest user id). Pure.
    """
    if not steps or pool <= 0:
        return {}
    unit = _unit(currency)
    people = sorted(steps)
    if basis == PayBasis.STEPS and sum(steps.values()) > 0:
        weights = {person: Decimal(steps[person]) for person in people}
    else:
        weights = {person: Decimal(1) for person in people}
    whole = sum(weights.values(), Decimal(0))
    shares = {
        person: (pool * weight / whole).quantize(unit, rounding=ROUND_DOWN)
        for person, weight in weights.items()
    }
    rest = pool - sum(shares.values(), Decimal(0))
    if rest > 0:
        first = min(people, key=lambda person: (-steps[person], person))
        shares[first] += rest
    return {person: amount for person, amount in shares.items() if amount > 0}


def pay_rule_current(*, venture: Venture, at: datetime | None = None) -> PayRule | None:
    rules = PayRule.objects.filter(venture=venture)
    if at is not None:
        rules = rules.filter(published_at__lte=at)
    return rules.order_by("-published_at", "-id").first()


def order_steps_by_member(*, order: Order, venture: Venture) -> dict[int, int]:
    """How many steps each person recorded on the order for the venture while a member."""
    events = list(
        OrderEvent.objects.filter(
            order=order, party=OrderParty.VENTURE, actor__isnull=False
        ).values_list("actor_id", "occurred_at")
    )
    if not events:
        return {}
    spans: dict[int, list[tuple[datetime, datetime | None]]] = {}
    for user_id, joined_at, left_at in Membership.objects.filter(
        venture=venture, user_id__in={actor for actor, _at in events}
    ).values_list("user_id", "joined_at", "left_at"):
        spans.setdefault(user_id, []).append((joined_at, left_at))
    steps: dict[int, int] = {}
    for actor, occurred_at in events:
        if any(
            joined <= occurred_at and (left is None or occurred_at < left)
            for joined, left in spans.get(actor, [])
        ):
            steps[actor] = steps.get(actor, 0) + 1
    return steps


def _members_pay(
    *, settlement: Settlement, order: Order, venture: Venture, net: Decimal, now: datetime
) -> list[PayLine]:
    rule = pay_rule_current(venture=venture, at=now)
    if rule is None or net <= 0:
        return []
    currency = order.currency
    pool = (net * rule.pool_percent / Decimal(100)).quantize(
        _unit(currency), rounding=ROUND_HALF_UP
    )
    steps = order_steps_by_member(order=order, venture=venture)
    if not steps:
        # Nobody recorded a step: the venture's members at settlement share it equally.
        steps = {membership.user_id: 0 for membership in member_list(venture=venture)}
    shares = pay_shares(pool=pool, steps=steps, basis=rule.basis, currency=currency)
    if not shares:
        return []
    people = {membership.user_id: membership.user for membership in member_list(venture=venture)}
    missing = set(shares) - set(people)
    if missing:
        from heyi.accounts.models import User

        people.update({user.pk: user for user in User.objects.filter(pk__in=missing)})
    paid = sum(shares.values(), Decimal(0))
    entries = [Entry(venture_account(venture=venture, currency=currency), -paid, "member_pay")]
    entries += [
        Entry(wallet_account(user=people[user_id], currency=currency), amount, "member_pay")
        for user_id, amount in sorted(shares.items())
    ]
    posting = posting_record(
        idempotency_key=f"order:{order.uid}:members-pay",
        kind=PostingKind.MEMBER_PAY,
        memo=_("Members' pay of %(venture)s for order O%(number)d")
        % {"venture": venture.name, "number": order.number},
        entries=entries,
        order_uid=order.uid,
        subject_type="order",
        subject_uid=order.uid,
        posted_at=now,
    )
    lines = [
        PayLine(
            settlement=settlement,
            venture=venture,
            user=people[user_id],
            rule=rule,
            steps=steps.get(user_id, 0),
            amount=amount,
            posting=posting,
        )
        for user_id, amount in sorted(shares.items())
    ]
    PayLine.objects.bulk_create(lines)
    return lines


def _pool_percent(value: Any) -> Decimal:
    try:
        percent = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise InvalidInput(
            _("The members' pool must be a number from 0 to 100."),
            code=ValueErrorCode.PAY_RULE_INVALID,
        ) from error
    if not percent.is_finite() or percent < 0 or percent > 100:
        raise InvalidInput(
            _("The members' pool must be a number from 0 to 100."),
            code=ValueErrorCode.PAY_RULE_INVALID,
        )
    exponent = percent.as_tuple().exponent
    if not isinstance(exponent, int) or exponent < -2:
        raise InvalidInput(
            _("The members' pool takes at most two decimal places."),
            code=ValueErrorCode.PAY_RULE_INVALID,
        )
    return percent.quantize(Decimal("0.01"))


@transaction.atomic
def pay_rule_publish(
    *, venture: Venture, actor: Any, pool_percent: Any, basis: str, note: str = ""
) -> PayRule:
    """A member of the venture (or an operator) publishes a new version of its pay rule; it
    applies to the orders settled from now on."""
    pay_rule_require_reader(venture=venture, actor=actor)
    percent = _pool_percent(pool_percent)
    if basis not in PayBasis.values:
        raise InvalidInput(
            _("Split the pool in equal parts or by steps."), code=ValueErrorCode.PAY_RULE_INVALID
        )
    rule = PayRule.objects.create(
        venture=venture,
        pool_percent=percent,
        basis=basis,
        published_at=timezone.now(),
        published_by=actor,
        note=(note or "").strip()[:NOTE_MAX],
    )
    audit_record(
        type="value.pay_rule.published",
        summary=f"{venture.name} published its pay rule: {percent}% by {basis}",
        actor=actor,
        subject=rule,
        data={"venture": venture.slug, "pool_percent": str(percent), "basis": basis},
        is_public=False,
    )
    return rule
