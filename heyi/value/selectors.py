"""Reads of value: an order's value split for its parties, a venture's pay rule and its
people–order–pay table, and the published share rules. Nothing here writes: an order not
settled yet is shown as a preview computed by the same value equation."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Sum
from django.utils.translation import gettext as _

from heyi.accounts.selectors import user_is_operator
from heyi.core.errors import NotFound, PermissionDenied
from heyi.ledger.models import Posting, PostingLine, ShareRule, ShareRuleScope
from heyi.ledger.share import PartyKind, ShareTerms, split_compute
from heyi.ledger.share_selectors import (
    Rate,
    share_rule_in_force,
    share_rule_of_tender,
    share_terms_in_words,
    term_label,
)
from heyi.orders.errors import OrdersErrorCode
from heyi.orders.models import Order, OrderStage
from heyi.orders.order_selectors import order_get
from heyi.value.errors import ValueErrorCode
from heyi.value.facts import order_facts_build
from heyi.value.models import PayLine, PayRule, Settlement, SplitLine
from heyi.ventures.models import Membership, Venture
from heyi.ventures.selectors import member_list, membership_is_active

PAY_COLUMNS = 12


@dataclass
class SplitRow:
    party: str  # platform, venture or user
    user: Any
    venture: Venture | None
    term: str
    term_label: str
    basis: str
    amount: Decimal

    @property
    def name(self) -> str:
        if self.user is not None:
            return str(self.user.name)
        if self.venture is not None:
            return self.venture.name
        return _("The platform (heyi)")


@dataclass
class ValueSplit:
    order: Order
    settled: bool
    rule: ShareRule
    rates: list[Rate]
    rows: list[SplitRow]
    total: Decimal
    settlement: Settlement | None = None
    posting: Posting | None = None
    posting_lines: list[PostingLine] = field(default_factory=list)
    pay_lines: list[PayLine] = field(default_factory=list)

    def user_ids(self) -> set[int]:
        ids = {row.user.pk for row in self.rows if row.user is not None}
        return ids | {line.user_id for line in self.pay_lines}

    def venture_ids(self) -> set[int]:
        return {row.venture.pk for row in self.rows if row.venture is not None}


def order_share_rule_preview(*, order: Order) -> ShareRule:
    """The rule an order will be settled by, read without publishing anything."""
    if order.share_rule is not None:
        return order.share_rule
    if order.tender_uid is not None:
        frozen = share_rule_of_tender(tender_uid=order.tender_uid)
        if frozen is not None:
            return frozen
    scope = (
        ShareRuleScope.DEFAULT_STANDARD
        if order.product_id is not None
        else ShareRuleScope.DEFAULT_PRODUCTION
    )
    return share_rule_in_force(scope=scope, currency=order.currency)


def _settled(order: Order, settlement: Settlement) -> ValueSplit:
    rows = [
        SplitRow(
            party=line.party,
            user=line.user,
            venture=line.venture,
            term=line.term,
            term_label=term_label(line.term),
            basis=line.basis,
            amount=line.amount,
        )
        for line in SplitLine.objects.filter(settlement=settlement)
        .select_related("user", "venture")
        .order_by("position", "id")
    ]
    rule = settlement.share_rule
    return ValueSplit(
        order=order,
        settled=True,
        rule=rule,
        rates=share_terms_in_words(ShareTerms.from_json(rule.terms), currency=rule.currency),
        rows=rows,
        total=settlement.total,
        settlement=settlement,
        posting=settlement.posting,
        posting_lines=list(
            PostingLine.objects.filter(posting_id=settlement.posting_id)
            .select_related("account")
            .order_by("id")
        ),
        pay_lines=list(
            PayLine.objects.filter(settlement=settlement)
            .select_related("user", "rule")
            .order_by("user_id")
        ),
    )


def _preview(order: Order) -> ValueSplit:
    rule = order_share_rule_preview(order=order)
    terms = ShareTerms.from_json(rule.terms)
    record = order_facts_build(order=order)
    rows = []
    for line in split_compute(terms, record.facts):
        kind = line.party.kind
        rows.append(
            SplitRow(
                party=kind.value,
                user=record.users[line.party.ref] if kind == PartyKind.USER else None,
                venture=record.ventures[line.party.ref] if kind == PartyKind.VENTURE else None,
                term=str(line.term),
                term_label=term_label(line.term),
                basis=line.basis,
                amount=line.amount,
            )
        )
    return ValueSplit(
        order=order,
        settled=False,
        rule=rule,
        rates=share_terms_in_words(terms, currency=rule.currency),
        rows=rows,
        total=order.total,
    )


def value_split_get(*, order: Order) -> ValueSplit:
    """The order's split: as settled, or a preview while it is not."""
    settlement = (
        Settlement.objects.select_related("share_rule", "posting").filter(order=order).first()
    )
    if settlement is not None:
        return _settled(order, settlement)
    return _preview(order)


def _not_found(number: int) -> NotFound:
    return NotFound(
        _("Order O%(number)d does not exist.") % {"number": number},
        code=OrdersErrorCode.ORDER_NOT_FOUND,
    )


def value_split_for_viewer(*, number: int, user: Any) -> ValueSplit:
    """The split of an order for its buyer, every party that received a line (a person, or an
    active member of a venture that did) and operators; 404 for anyone else."""
    if not getattr(user, "is_authenticated", False):
        raise _not_found(number)
    order = order_get(number=number)
    split = value_split_get(order=order)
    if order.user_id == user.pk or user.pk in split.user_ids():
        return split
    ventures = split.venture_ids()
    if (
        ventures
        and Membership.objects.filter(
            venture_id__in=ventures, user=user, left_at__isnull=True
        ).exists()
    ):
        return split
    if user_is_operator(user):
        return split
    raise _not_found(number)


def order_is_settleable(order: Order) -> bool:
    return order.stage == OrderStage.COMPLETED


# --- pay rules and the people–order–pay table -------------------------------------------------


def pay_rule_require_reader(*, venture: Venture, actor: Any) -> None:
    """Only the venture's members and operators see its pay (403 for anyone else)."""
    if not getattr(actor, "is_authenticated", False):
        raise NotFound(
            _("No venture called “%(slug)s”.") % {"slug": venture.slug},
            code=ValueErrorCode.VENTURE_NOT_FOUND,
        )
    if not (membership_is_active(venture=venture, user=actor) or user_is_operator(actor)):
        raise PermissionDenied(
            _("Only the venture's members see its pay."), code=ValueErrorCode.NOT_VENTURE_MEMBER
        )


def pay_rule_list(*, venture: Venture) -> list[PayRule]:
    """Every version of the venture's pay rule, newest first."""
    return list(
        PayRule.objects.filter(venture=venture)
        .select_related("published_by")
        .order_by("-published_at", "-id")
    )


def pay_rule_list_for_viewer(*, venture: Venture, user: Any) -> list[PayRule]:
    pay_rule_require_reader(venture=venture, actor=user)
    return pay_rule_list(venture=venture)


@dataclass
class PayRow:
    user: Any
    cells: list[Decimal | None]
    total: Decimal  # over the orders shown
    all_orders: Decimal  # over every settled order of the venture


@dataclass
class PayTable:
    venture: Venture
    settlements: list[Settlement]
    rows: list[PayRow]
    column_totals: list[Decimal]
    page: Page[Settlement]
    total: Decimal


def pay_table(*, venture: Venture, page: Any = 1, per_page: int = PAY_COLUMNS) -> PayTable:
    """Rows: the members (and anyone paid on the orders shown); columns: the venture's settled
    orders, most recent first, a page at a time; cells: each person's pay on each order."""
    settlements = (
        Settlement.objects.filter(venture=venture)
        .select_related("order")
        .order_by("-settled_at", "-id")
    )
    paginator = Paginator(settlements, per_page)
    shown = paginator.get_page(page)
    columns = list(shown.object_list)
    index = {settlement.pk: position for position, settlement in enumerate(columns)}
    lines = list(PayLine.objects.filter(settlement_id__in=list(index)).select_related("user"))
    people: dict[int, Any] = {}
    for membership in member_list(venture=venture):
        people.setdefault(membership.user_id, membership.user)
    for line in lines:
        people.setdefault(line.user_id, line.user)
    cells: dict[int, list[Decimal | None]] = {pk: [None] * len(columns) for pk in people}
    for line in lines:
        cells[line.user_id][index[line.settlement_id]] = line.amount
    all_orders = dict(
        PayLine.objects.filter(venture=venture)
        .values("user_id")
        .annotate(total=Sum("amount"))
        .values_list("user_id", "total")
    )
    rows = [
        PayRow(
            user=user,
            cells=cells[pk],
            total=sum((cell for cell in cells[pk] if cell is not None), Decimal(0)),
            # SQLite sums decimals as floats: back to the fen.
            all_orders=(all_orders.get(pk) or Decimal(0)).quantize(Decimal("0.01")),
        )
        for pk, user in people.items()
    ]
    column_totals = [
        sum(
            (row.cells[position] or Decimal(0) for row in rows),
            Decimal(0),
        )
        for position in range(len(columns))
    ]
    return PayTable(
        venture=venture,
        settlements=columns,
        rows=rows,
        column_totals=column_totals,
        page=shown,
        total=sum(column_totals, Decimal(0)),
    )


def pay_table_for_viewer(
    *, venture: Venture, user: Any, page: Any = 1, per_page: int = PAY_COLUMNS
) -> PayTable:
    pay_rule_require_reader(venture=venture, actor=user)
    return pay_table(venture=venture, page=page, per_page=per_page)
