"""The win-win value-added statements: exact figures from a small world of settled orders."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conftest import make_user
from heyi.accounts.models import User
from heyi.ledger.errors import LedgerError
from heyi.ledger.models import Account, PostingKind, ShareRuleScope
from heyi.ledger.services import (
    Entry,
    escrow_account,
    external_account,
    platform_account,
    posting_record,
    share_rule_current,
    venture_account,
    wallet_account,
)
from heyi.ledger.share import (
    CompensationFacts,
    OrderFacts,
    Party,
    PartyKind,
    ShareTerms,
    SupplyFacts,
    split_compute,
)
from heyi.orders.models import Order, OrderRating, OrderStage
from heyi.products.models import Product
from heyi.value.models import PayBasis, PayLine, PayRule, Settlement, SplitLine, SplitParty
from heyi.value.statements import (
    Figures,
    Period,
    PlatformFigures,
    platform_statement,
    venture_figures,
    venture_statement,
    window_parse,
)
from heyi.ventures.models import Venture, VentureKind
from heyi.ventures.services import invitation_accept, invitation_send
from heyi.ventures.tests.factories import venture_found

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    """A moment in the site's time zone."""
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


def venture_party(venture: Venture) -> Party:
    return Party(PartyKind.VENTURE, str(venture.uid), venture.name)


def user_party(user: User) -> Party:
    return Party(PartyKind.USER, str(user.uid), user.display_name)


@dataclass
class World:
    maker: Venture
    rival: Venture
    supplier: Venture
    delivery: Venture
    owner: User
    worker: User
    rival_owner: User
    alice: User
    bob: User
    carol: User
    author: User
    designer: User
    orders: dict[str, Order]


_numbers = iter(range(1, 10_000))


def order_make(
    *,
    product: Product,
    venture: Venture,
    user: User,
    total: str,
    quantity: int,
    maker_unit_price: str,
    delivered_at: datetime,
    promised_by: datetime | None,
) -> Order:
    return Order.objects.create(
        number=next(_numbers),
        product=product,
        venture=venture,
        user=user,
        quantity=quantity,
        unit_price=Decimal(total) / quantity,
        total=Decimal(total),
        maker_unit_price=Decimal(maker_unit_price),
        address="Room 1201, 88 Hong Kong Middle Road, Qingdao",
        latitude=Decimal("36.066300"),
        longitude=Decimal("120.382600"),
        stage=OrderStage.COMPLETED,
        stage_changed_at=delivered_at,
        paid_at=delivered_at,
        promised_by=promised_by,
        delivered_at=delivered_at,
    )


def _account_of(party: Party, ventures: dict[str, Venture], users: dict[str, User]) -> Account:
    if party.kind == PartyKind.VENTURE:
        return venture_account(venture=ventures[party.ref])
    if party.kind == PartyKind.USER:
        return wallet_account(user=users[party.ref])
    return platform_account()


def order_settle_by_hand(
    *,
    order: Order,
    facts: OrderFacts,
    settled_at: datetime,
    ventures: dict[str, Venture],
    users: dict[str, User],
    pay: dict[User, str] | None = None,
) -> Settlement:
    """What the settlement service does: pay into escrow, split it by the rule, pay members."""
    rule = share_rule_current(scope=ShareRuleScope.DEFAULT_STANDARD)
    escrow = escrow_account(
        subject_type="order", subject_uid=order.uid, label=f"O{order.number}", currency="CNY"
    )
    posting_record(
        idempotency_key=f"order:{order.uid}:pay",
        kind=PostingKind.PAYMENT,
        memo=f"Payment of O{order.number}",
        entries=[
            Entry(external_account(provider="test"), -order.total),
            Entry(escrow, order.total),
        ],
        order_uid=order.uid,
        posted_at=order.paid_at,
    )
    lines = split_compute(ShareTerms(), facts)
    per_account: dict[int, list[Any]] = defaultdict(lambda: [None, Decimal(0), []])
    for line in lines:
        account = _account_of(line.party, ventures, users)
        entry = per_account[account.pk]
        entry[0] = account
        entry[1] += line.amount
        entry[2].append(line.term.value)
    posting = posting_record(
        idempotency_key=f"order:{order.uid}:settle",
        kind=PostingKind.SETTLEMENT,
        memo=f"O{order.number} settled by its share rule",
        entries=[Entry(escrow, -order.total)]
        + [
            Entry(account, amount, ",".join(terms))
            for account, amount, terms in per_account.values()
        ],
        order_uid=order.uid,
        posted_at=settled_at,
    )
    settlement = Settlement.objects.create(
        order=order,
        share_rule=rule,
        posting=posting,
        venture=order.venture,
        total=order.total,
        currency="CNY",
        settled_at=settled_at,
    )
    for position, line in enumerate(lines):
        SplitLine.objects.create(
            settlement=settlement,
            party=line.party.kind.value,
            venture=ventures[line.party.ref] if line.party.kind == PartyKind.VENTURE else None,
            user=users[line.party.ref] if line.party.kind == PartyKind.USER else None,
            term=line.term.value,
            amount=line.amount,
            basis=line.basis,
            position=position,
        )
    if pay:
        venture = order.venture
        assert venture is not None
        rule_row = PayRule.objects.filter(venture=venture).first() or PayRule.objects.create(
            venture=venture,
            pool_percent=Decimal("40"),
            basis=PayBasis.EQUAL,
            published_at=at(2025, 12, 1),
            published_by=venture.founded_by,
        )
        pay_posting = posting_record(
            idempotency_key=f"order:{order.uid}:members-pay",
            kind=PostingKind.MEMBER_PAY,
            memo=f"Members' pay for O{order.number}",
            entries=[
                Entry(
                    venture_account(venture=venture), -sum(map(Decimal, pay.values()), Decimal(0))
                )
            ]
            + [Entry(wallet_account(user=user), Decimal(amount)) for user, amount in pay.items()],
            order_uid=order.uid,
            posted_at=settled_at,
        )
        for user, amount in pay.items():
            PayLine.objects.create(
                settlement=settlement,
                venture=venture,
                user=user,
                rule=rule_row,
                amount=Decimal(amount),
                posting=pay_posting,
            )
    return settlement


def statement_world() -> World:
    """Four settled orders over January and February 2026 (Asia/Shanghai), one older delivery.

    O1 (maker, alice): ¥1,000, 1 unit at ¥600, a supplier's ¥200, delivery venture, the author
       and a designer; delivered 10 Jan before its promise; settled 15 Jan; members paid 100 + 50.
    O2 (maker, bob): ¥500, 2 units at ¥150, platform delivery, the author, ¥40 compensation at
       the maker's fault (paid by the platform on 21 Jan); delivered late 20 Jan; settled
       31 Jan 20:00 UTC, that is 1 Feb 04:00 in Shanghai: February.
    O3 (rival, carol): ¥300, 1 unit at ¥200, delivery venture; delivered 25 Jan; settled 26 Jan.
    O4 (maker, alice again): ¥800, 1 unit at ¥500, delivery venture; delivered 10 Feb on time;
       settled 12 Feb; the owner paid 80.
    O0 (maker, carol): delivered 1 Dec 2025, never settled in the window.
    """
    owner = make_user("owner@example.com", name="Owner Olivia")
    worker = make_user("worker@example.com", name="Worker Wu")
    rival_owner = make_user("rival@example.com", name="Rival Ren")
    supplier_owner = make_user("supplier@example.com", name="Supplier Su")
    delivery_owner = make_user("vans@example.com", name="Van Van")
    alice = make_user("alice@example.com", name="Alice")
    bob = make_user("bob@example.com", name="Bob")
    carol = make_user("carol@example.com", name="Carol")
    author = make_user("author@example.com", name="Author Ai")
    designer = make_user("designer@example.com", name="Designer Dai")
    maker = venture_found(founder=owner, name="Cold Chain Makers")
    invitation_accept(
        invitation=invitation_send(venture=maker, actor=owner, invitee=worker), actor=worker
    )
    rival = venture_found(founder=rival_owner, name="Rival Works")
    supplier = venture_found(
        founder=supplier_owner, name="Compressor Supply", kind=VentureKind.SUPPLIER
    )
    delivery = venture_found(founder=delivery_owner, name="Qingdao Vans", kind=VentureKind.DELIVERY)
    product = Product.objects.create(
        slug="fridge", name="Fridge", description="A fridge.", list_price=Decimal("1000.00")
    )
    ventures = {str(v.uid): v for v in (maker, rival, supplier, delivery)}
    users = {str(u.uid): u for u in (owner, worker, alice, bob, carol, author, designer)}

    o0 = order_make(
        product=product, venture=maker, user=carol, total="900.00", quantity=1,
        maker_unit_price="500.00", delivered_at=at(2025, 12, 1), promised_by=at(2025, 12, 2),
    )  # fmt: skip
    o1 = order_make(
        product=product, venture=maker, user=alice, total="1000.00", quantity=1,
        maker_unit_price="600.00", delivered_at=at(2026, 1, 10), promised_by=at(2026, 1, 12),
    )  # fmt: skip
    o2 = order_make(
        product=product, venture=maker, user=bob, total="500.00", quantity=2,
        maker_unit_price="150.00", delivered_at=at(2026, 1, 20), promised_by=at(2026, 1, 18),
    )  # fmt: skip
    o3 = order_make(
        product=product, venture=rival, user=carol, total="300.00", quantity=1,
        maker_unit_price="200.00", delivered_at=at(2026, 1, 25), promised_by=at(2026, 1, 30),
    )  # fmt: skip
    o4 = order_make(
        product=product, venture=maker, user=alice, total="800.00", quantity=1,
        maker_unit_price="500.00", delivered_at=at(2026, 2, 10), promised_by=at(2026, 2, 15),
    )  # fmt: skip
    common: dict[str, Any] = {"ventures": ventures, "users": users}
    order_settle_by_hand(
        order=o1,
        facts=OrderFacts(
            total=Decimal("1000.00"),
            quantity=1,
            currency="CNY",
            maker=venture_party(maker),
            maker_unit_price=Decimal("600.00"),
            supplies=(SupplyFacts(venture_party(supplier), "C1", Decimal("2000.00"), 10),),
            delivery=venture_party(delivery),
            author=user_party(author),
            designers=(user_party(designer),),
        ),
        settled_at=at(2026, 1, 15),
        pay={owner: "100.00", worker: "50.00"},
        **common,
    )
    posting_record(
        idempotency_key="compensation:o2",
        kind=PostingKind.COMPENSATION,
        memo="O2 arrived late",
        entries=[Entry(platform_account(), Decimal("-40.00")), Entry(wallet_account(user=bob), Decimal("40.00"))],
        order_uid=o2.uid,
        posted_at=at(2026, 1, 21),
    )  # fmt: skip
    order_settle_by_hand(
        order=o2,
        facts=OrderFacts(
            total=Decimal("500.00"),
            quantity=2,
            currency="CNY",
            maker=venture_party(maker),
            maker_unit_price=Decimal("150.00"),
            author=user_party(author),
            compensation=CompensationFacts(Decimal("40.00"), venture_party(maker)),
        ),
        settled_at=datetime(2026, 1, 31, 20, tzinfo=ZoneInfo("UTC")),
        **common,
    )
    order_settle_by_hand(
        order=o3,
        facts=OrderFacts(
            total=Decimal("300.00"),
            quantity=1,
            currency="CNY",
            maker=venture_party(rival),
            maker_unit_price=Decimal("200.00"),
            delivery=venture_party(delivery),
        ),
        settled_at=at(2026, 1, 26),
        **common,
    )
    order_settle_by_hand(
        order=o4,
        facts=OrderFacts(
            total=Decimal("800.00"),
            quantity=1,
            currency="CNY",
            maker=venture_party(maker),
            maker_unit_price=Decimal("500.00"),
            delivery=venture_party(delivery),
        ),
        settled_at=at(2026, 2, 12),
        pay={owner: "80.00"},
        **common,
    )
    # Fans: alice rated the maker 5 and then 4 stars, bob 2 stars (no fan), carol the rival 5.
    for order, stars, when in ((o1, 5, at(2026, 1, 11)), (o2, 2, at(2026, 1, 21)), (o3, 5, at(2026, 1, 26)), (o4, 4, at(2026, 2, 11))):  # fmt: skip
        venture = order.venture
        assert venture is not None
        rating = OrderRating.objects.create(
            order=order, venture=venture, user=order.user, stars=stars
        )
        OrderRating.objects.filter(pk=rating.pk).update(created_at=when)
    return World(
        maker=maker,
        rival=rival,
        supplier=supplier,
        delivery=delivery,
        owner=owner,
        worker=worker,
        rival_owner=rival_owner,
        alice=alice,
        bob=bob,
        carol=carol,
        author=author,
        designer=designer,
        orders={"O0": o0, "O1": o1, "O2": o2, "O3": o3, "O4": o4},
    )


def D(text: str) -> Decimal:
    return Decimal(text)


MAKER_JANUARY = Figures(
    users_served=2,
    repeat_users=0,
    fans=1,
    orders_completed=1,
    orders_delivered=2,
    revenue=D("742.50"),
    costs=D("200.00"),
    marginal_income=D("542.50"),
    shared_with_members=D("150.00"),
    shared_with_partners=D("265.00"),
    profit_retained=D("392.50"),
    on_time_rate=D("0.5000"),
)
MAKER_FEBRUARY = Figures(
    users_served=1,
    repeat_users=1,
    fans=1,
    orders_completed=2,
    orders_delivered=1,
    revenue=D("987.50"),
    costs=D("40.00"),
    marginal_income=D("947.50"),
    shared_with_members=D("80.00"),
    shared_with_partners=D("30.00"),
    profit_retained=D("867.50"),
    on_time_rate=D("1.0000"),
)
MAKER_TOTALS = Figures(
    users_served=2,
    repeat_users=1,
    fans=1,
    orders_completed=3,
    orders_delivered=3,
    revenue=D("1730.00"),
    costs=D("240.00"),
    marginal_income=D("1490.00"),
    shared_with_members=D("230.00"),
    shared_with_partners=D("295.00"),
    profit_retained=D("1260.00"),
    on_time_rate=D("0.6667"),
)


@pytest.fixture
def world(db: Any) -> World:
    return statement_world()


def test_venture_figures_over_january(world: World) -> None:
    figures = venture_figures(venture=world.maker, start=at(2026, 1, 1, 0), end=at(2026, 2, 1, 0))
    assert figures == MAKER_JANUARY


def test_venture_figures_of_a_partner_venture_count_what_it_received(world: World) -> None:
    start, end = at(2026, 1, 1, 0), at(2026, 3, 1, 0)
    assert venture_figures(venture=world.delivery, start=start, end=end) == Figures(
        revenue=D("75.00"), marginal_income=D("75.00"), profit_retained=D("75.00")
    )
    assert venture_figures(venture=world.supplier, start=start, end=end) == Figures(
        revenue=D("200.00"), marginal_income=D("200.00"), profit_retained=D("200.00")
    )


def test_venture_figures_with_nothing_in_the_window(world: World) -> None:
    figures = venture_figures(venture=world.maker, start=at(2026, 5, 1, 0), end=at(2026, 6, 1, 0))
    # A fan stays a fan; nothing else happened.
    assert figures == Figures(fans=1)


def test_venture_statement_by_month(world: World, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(9):
        statement = venture_statement(
            venture=world.maker, period=Period.MONTH, first=date(2026, 1, 1), last=date(2026, 2, 28)
        )
    assert [(row.label, row.start, row.end) for row in statement.rows] == [
        ("2026-01", date(2026, 1, 1), date(2026, 1, 31)),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
    ]
    assert [row.figures for row in statement.rows] == [MAKER_JANUARY, MAKER_FEBRUARY]
    assert statement.totals == MAKER_TOTALS
    assert statement.is_empty is False


def test_venture_statement_by_day_keeps_empty_days(world: World) -> None:
    statement = venture_statement(
        venture=world.maker, period=Period.DAY, first=date(2026, 1, 14), last=date(2026, 1, 16)
    )
    assert [(row.label, row.figures.revenue, row.figures.fans) for row in statement.rows] == [
        ("2026-01-14", D("0.00"), 1),
        ("2026-01-15", D("742.50"), 1),
        ("2026-01-16", D("0.00"), 1),
    ]


def test_venture_statement_by_quarter(world: World) -> None:
    statement = venture_statement(
        venture=world.maker, period=Period.QUARTER, first=date(2025, 12, 1), last=date(2026, 3, 31)
    )
    assert [(row.label, row.start, row.end) for row in statement.rows] == [
        ("2025-Q4", date(2025, 12, 1), date(2025, 12, 31)),
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
    ]
    december, first_quarter = (row.figures for row in statement.rows)
    # O0 was delivered in December and never settled.
    assert (december.users_served, december.orders_completed, december.revenue) == (1, 0, D("0"))
    assert first_quarter == MAKER_TOTALS


def test_query_count_does_not_grow_with_rows(world: World, django_assert_num_queries: Any) -> None:
    maker = world.maker
    product = Product.objects.get()
    for day in range(1, 8):
        order_make(
            product=product, venture=maker, user=make_user(f"buyer{day}@example.com"),
            total="100.00", quantity=1, maker_unit_price="50.00",
            delivered_at=at(2026, 2, day), promised_by=None,
        )  # fmt: skip
    with django_assert_num_queries(9):
        statement = venture_statement(
            venture=maker, period=Period.DAY, first=date(2026, 1, 1), last=date(2026, 2, 28)
        )
    assert statement.totals.users_served == 9
    assert statement.totals.on_time_rate == D("0.6667")
    with django_assert_num_queries(18):
        platform_statement(period=Period.MONTH, first=date(2026, 1, 1), last=date(2026, 2, 28))


def test_platform_statement(world: World) -> None:
    statement = platform_statement(
        period=Period.MONTH, first=date(2026, 1, 1), last=date(2026, 2, 28)
    )
    january, february = statement.rows
    assert january.figures == Figures(
        users_served=3,
        repeat_users=1,
        fans=2,
        orders_completed=2,
        orders_delivered=3,
        revenue=D("1222.50"),
        costs=D("200.00"),
        marginal_income=D("1022.50"),
        shared_with_members=D("150.00"),
        shared_with_partners=D("290.00"),
        profit_retained=D("872.50"),
        on_time_rate=D("0.6667"),
    )
    assert january.platform == PlatformFigures(
        fees=D("65.00"),
        margin=D("172.50"),
        delivery=D("0.00"),
        compensation_paid=D("40.00"),
        compensation_recovered=D("0.00"),
        compensation_borne=D("40.00"),
        income=D("197.50"),
    )
    assert february.figures == Figures(
        users_served=1,
        repeat_users=1,
        fans=2,
        orders_completed=2,
        orders_delivered=1,
        revenue=D("1012.50"),
        costs=D("40.00"),
        marginal_income=D("972.50"),
        shared_with_members=D("80.00"),
        shared_with_partners=D("30.00"),
        profit_retained=D("892.50"),
        on_time_rate=D("1.0000"),
    )
    assert february.platform == PlatformFigures(
        fees=D("65.00"),
        margin=D("187.50"),
        delivery=D("30.00"),
        compensation_paid=D("0.00"),
        compensation_recovered=D("40.00"),
        compensation_borne=D("-40.00"),
        income=D("322.50"),
    )
    assert statement.totals == Figures(
        users_served=3,
        repeat_users=2,
        fans=2,
        orders_completed=4,
        orders_delivered=4,
        revenue=D("2235.00"),
        costs=D("240.00"),
        marginal_income=D("1995.00"),
        shared_with_members=D("230.00"),
        shared_with_partners=D("320.00"),
        profit_retained=D("1765.00"),
        on_time_rate=D("0.7500"),
    )
    assert statement.platform_totals == PlatformFigures(
        fees=D("130.00"),
        margin=D("360.00"),
        delivery=D("30.00"),
        compensation_paid=D("40.00"),
        compensation_recovered=D("40.00"),
        compensation_borne=D("0.00"),
        income=D("520.00"),
    )
    # Every yuan of the four orders (¥2,600) is accounted for: the ventures' marginal income,
    # the people's royalties (¥45) and what the platform kept from the settlements.
    platform = statement.platform_totals
    assert platform is not None
    kept = platform.fees + platform.margin + platform.delivery + platform.compensation_recovered
    assert statement.totals.marginal_income + D("45.00") + kept == D("2600.00")
    assert [
        (line.venture.name, line.figures.revenue, line.figures.orders_completed, line.figures.users_served, line.figures.repeat_users, line.figures.fans, line.figures.shared_with_partners)
        for line in statement.ventures
    ] == [
        ("Cold Chain Makers", D("1730.00"), 3, 2, 1, 1, D("295.00")),
        ("Rival Works", D("230.00"), 1, 1, 0, 1, D("25.00")),
        ("Compressor Supply", D("200.00"), 0, 0, 0, 0, D("0.00")),
        ("Qingdao Vans", D("75.00"), 0, 0, 0, 0, D("0.00")),
    ]  # fmt: skip


def test_split_lines_kept_by_the_world_sum_to_the_totals(world: World) -> None:
    for settlement in Settlement.objects.prefetch_related("lines"):
        assert sum(line.amount for line in settlement.lines.all()) == settlement.total
    assert SplitLine.objects.filter(party=SplitParty.PLATFORM).count() == 10


@pytest.mark.parametrize(
    ("period", "start", "end", "message"),
    [
        ("year", None, None, "The period must be day, month or quarter."),
        ("month", "2026-13-01", None, "Dates are written YYYY-MM-DD."),
        ("month", "2026-02-01", "2026-01-01", "The first day must not be after the last."),
        ("day", "2024-01-01", "2026-01-01", "Ask for at most 400 periods at once."),
    ],
)
def test_bad_windows_are_refused(
    period: str, start: str | None, end: str | None, message: str
) -> None:
    from heyi.value.statements import period_parse

    with pytest.raises(LedgerError) as caught:
        window_parse(period=period_parse(period), start_text=start, end_text=end)
    assert (caught.value.code, caught.value.status, caught.value.message) == (
        "period_invalid",
        422,
        message,
    )


def test_default_windows() -> None:
    today = date(2026, 5, 17)
    assert window_parse(period=Period.MONTH, start_text=None, end_text=None, today=today) == (
        date(2025, 12, 1),
        date(2026, 5, 17),
    )
    assert window_parse(period=Period.QUARTER, start_text=None, end_text=None, today=today) == (
        date(2025, 10, 1),
        date(2026, 5, 17),
    )
    assert window_parse(period=Period.DAY, start_text=None, end_text=None, today=today) == (
        date(2026, 4, 18),
        date(2026, 5, 17),
    )
