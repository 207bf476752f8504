"""The delivery promise and the allocation: stock reserved and released, made to order, coverage."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.designs.tests.factories import person_make
from heyi.logistics.fulfilment_selectors import promise_get
from heyi.logistics.fulfilment_services import shipment_create, stock_release, stock_set
from heyi.logistics.models import Shipment, Stock
from heyi.logistics.tests.factories import (
    QINGDAO,
    URUMQI,
    XIAMEN,
    TinyNetwork,
    network_make,
    stock_put,
)
from heyi.orders.models import Order, OrderEvent, OrderStage, PreOrder
from heyi.orders.order_services import order_advance, order_delivery_slot_choose
from heyi.orders.standard_services import daily_contention_run, standard_order_place
from heyi.orders.tests.factories import campaign_make, pre_order_demand, preorder_make
from heyi.orders.tests.order_factories import awarded
from heyi.orders.tests.standard_factories import bid, maker_make, product_make

pytestmark = pytest.mark.django_db

SHANGHAI_TIME = ZoneInfo("Asia/Shanghai")
# 10:00 in Shanghai: today's daily run (02:00) is over, so the next is a day away.
MORNING = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI_TIME)
# 01:00: today's run is still to come.
NIGHT = datetime(2026, 3, 2, 1, 0, tzinfo=SHANGHAI_TIME)


@pytest.fixture
def network(db: Any) -> TinyNetwork:
    return network_make()


@pytest.fixture
def product(operator: Any) -> Any:
    """A fridge two makers stand ready to make, in 5 and 7 days."""
    fridge = product_make(operator)
    for name, days in (("Quick Works", 5), ("Slow Works", 7)):
        venture, founder = maker_make(name, capacity=10)
        bid(venture, founder, fridge, "1500.00", days)
    return fridge


@pytest.fixture
def buyer(db: Any) -> Any:
    return person_make("buyer@example.com", "Buyer Bo")


def _order(product: Any, buyer: Any, quantity: int = 1, point: tuple[str, str] = QINGDAO) -> Order:
    return standard_order_place(
        product=product,
        user=buyer,
        quantity=quantity,
        address="8 Haier Road",
        latitude=point[0],
        longitude=point[1],
    )


def _rows() -> list[int]:
    return [
        Order.objects.count(),
        Shipment.objects.count(),
        OrderEvent.objects.count(),
        AuditEvent.objects.count(),
        sum(Stock.objects.values_list("reserved", flat=True)),
    ]


# --- the promise -------------------------------------------------------------------------------


@time_machine.travel(MORNING, tick=False)
def test_stock_in_reach_promises_exactly_24_hours(
    network: TinyNetwork, product: Any, operator: Any
) -> None:
    stock_put(network, "Weifang", product, 3, operator)

    promise = promise_get(product=product, quantity=2, latitude=QINGDAO[0], longitude=QINGDAO[1])

    assert (promise.fulfilment, promise.hours) == ("stock", 24)
    assert promise.promised_at == MORNING + timedelta(hours=24)
    assert (promise.centre_name, promise.station_name) == ("Weifang", "Qingdao")
    assert round(promise.centre_km or 0, 1) == 130.5
    assert promise.explanation == (
        "In stock at the Weifang centre, 130 km away: delivered within 24 hours through the "
        "Qingdao station."
    )


@time_machine.travel(MORNING, tick=False)
def test_no_stock_is_made_to_order_longest_lead_time_plus_next_run_plus_transport(
    network: TinyNetwork, product: Any
) -> None:
    promise = promise_get(product=product, quantity=1, latitude=QINGDAO[0], longitude=QINGDAO[1])

    # 7 days (the slower maker) + 1 (tomorrow's run) + 1 day from the Qingdao centre in reach.
    assert (promise.fulfilment, promise.hours, promise.lead_time_days) == ("made_to_order", 216, 8)
    assert promise.promised_at == MORNING + timedelta(days=9)
    assert promise.explanation == (
        "Made to order: 8 days to make it, then 1 day of transport from the Qingdao centre "
        "through the Qingdao station; delivered within 9 days."
    )


@time_machine.travel(NIGHT, tick=False)
def test_before_the_daily_run_no_day_is_added(network: TinyNetwork, product: Any) -> None:
    promise = promise_get(product=product, quantity=1, latitude=QINGDAO[0], longitude=QINGDAO[1])
    assert promise.promised_at == NIGHT + timedelta(days=8)


@time_machine.travel(MORNING, tick=False)
def test_stock_out_of_reach_or_too_little_is_made_to_order(
    network: TinyNetwork, product: Any, operator: Any
) -> None:
    stock_put(network, "Shanghai", product, 10, operator)  # 547 km: out of reach
    stock_put(network, "Qingdao", product, 1, operator)  # in reach, one unit short

    promise = promise_get(product=product, quantity=2, latitude=QINGDAO[0], longitude=QINGDAO[1])

    assert (promise.fulfilment, promise.promised_at) == (
        "made_to_order",
        MORNING + timedelta(days=9),
    )


@time_machine.travel(MORNING, tick=False)
def test_far_from_every_centre_adds_a_day_per_600_km(network: TinyNetwork, product: Any) -> None:
    promise = promise_get(product=product, quantity=1, latitude=XIAMEN[0], longitude=XIAMEN[1])

    # Shanghai, the nearest centre, is 820.9 km away: 1 day + ceil(520.9 / 600) = 2 days.
    assert (promise.station_name, promise.centre_name) == ("Xiamen", "Shanghai")
    assert promise.promised_at == MORNING + timedelta(days=8 + 2)


@time_machine.travel(MORNING, tick=False)
def test_a_product_nobody_bids_on_takes_the_default_lead_time(
    network: TinyNetwork, operator: Any, settings: Any
) -> None:
    settings.HEYI_DEFAULT_LEAD_TIME_DAYS = 12
    lonely = product_make(operator, name="Lonely kettle")
    promise = promise_get(product=lonely, quantity=1, latitude=QINGDAO[0], longitude=QINGDAO[1])
    assert promise.promised_at == MORNING + timedelta(days=12 + 1 + 1)


def test_outside_coverage_is_refused(network: TinyNetwork, product: Any) -> None:
    with pytest.raises(DomainError) as refused:
        promise_get(product=product, quantity=1, latitude=URUMQI[0], longitude=URUMQI[1])
    assert (refused.value.code, refused.value.status) == ("delivery_point_outside_coverage", 422)


def test_with_no_network_the_promise_has_no_station(product: Any) -> None:
    promise = promise_get(product=product, quantity=1, latitude="0", longitude="0")
    assert (promise.fulfilment, promise.station_uid, promise.has_network) == (
        "made_to_order",
        None,
        False,
    )


# --- placing an order ---------------------------------------------------------------------------


@time_machine.travel(MORNING, tick=False)
def test_a_stock_order_reserves_exactly_its_units_at_the_nearest_centre(
    network: TinyNetwork, product: Any, operator: Any, buyer: Any
) -> None:
    stock_put(network, "Weifang", product, 5, operator)
    stock_put(network, "Qingdao", product, 3, operator)

    order = _order(product, buyer, quantity=2)

    assert (order.fulfilment, order.delivery_promised_at) == (
        "stock",
        MORNING + timedelta(hours=24),
    )
    shipment = Shipment.objects.get(order=order)
    assert (str(shipment.centre), shipment.station.name, shipment.reserved_quantity) == (
        "Qingdao",
        "Qingdao",
        2,
    )
    assert (shipment.volume_litres, shipment.weight_kg) == (200, 60)
    assert len(shipment.delivery_code) == 6 and shipment.delivery_code.isdigit()
    stock = {s.centre.name: (s.on_hand, s.reserved) for s in Stock.objects.select_related("centre")}
    assert stock == {"Qingdao": (3, 2), "Weifang": (5, 0)}
    assert [e.note for e in order.events.filter(kind="logistics")] == [
        "Allocated from stock at the Qingdao centre, through the Qingdao station; delivery "
        "promised by 2026-03-03 10:00."
    ]

    second = _order(product, buyer, quantity=2)  # Qingdao has 1 left: Weifang serves it

    assert str(Shipment.objects.get(order=second).centre) == "Weifang"
    stock = {s.centre.name: (s.on_hand, s.reserved) for s in Stock.objects.select_related("centre")}
    assert stock == {"Qingdao": (3, 2), "Weifang": (5, 2)}


@time_machine.travel(MORNING, tick=False)
def test_a_made_to_order_standard_order_keeps_its_promise_and_reserves_nothing(
    network: TinyNetwork, product: Any, buyer: Any
) -> None:
    order = _order(product, buyer)

    assert (order.fulfilment, order.delivery_promised_at) == (
        "made_to_order",
        MORNING + timedelta(days=9),
    )
    shipment = Shipment.objects.get(order=order)
    assert (str(shipment.centre), shipment.stock, shipment.reserved_quantity) == (
        "Qingdao",
        None,
        0,
    )
    assert round(shipment.station_km, 1) == 0.1


def test_outside_coverage_writes_nothing(network: TinyNetwork, product: Any, buyer: Any) -> None:
    before = _rows()
    with pytest.raises(DomainError) as refused:
        _order(product, buyer, point=URUMQI)
    assert refused.value.code == "delivery_point_outside_coverage"
    assert _rows() == before


def test_with_no_network_an_order_is_placed_as_before(product: Any, buyer: Any) -> None:
    order = _order(product, buyer)
    assert (order.fulfilment, order.delivery_promised_at) == ("", None)
    assert Shipment.objects.count() == 0
    assert shipment_create(order=order) is None


@time_machine.travel(MORNING, tick=False)
def test_allocation_is_idempotent(
    network: TinyNetwork, product: Any, operator: Any, buyer: Any
) -> None:
    stock_put(network, "Qingdao", product, 3, operator)
    order = _order(product, buyer, quantity=2)
    again = shipment_create(order=order)
    assert again is not None and again.pk == Shipment.objects.get().pk
    assert Stock.objects.get().reserved == 2


# --- payment, cancelling, the daily run --------------------------------------------------------


@time_machine.travel(MORNING, tick=False)
def test_paying_a_stock_order_confirms_it_and_cancelling_releases_the_stock(
    network: TinyNetwork, product: Any, operator: Any, buyer: Any
) -> None:
    stock_put(network, "Qingdao", product, 3, operator)
    order = _order(product, buyer, quantity=2)

    paid = order_advance(order=order, actor=buyer, to_stage="paid")

    assert (paid.stage, paid.venture) == (OrderStage.CONFIRMED, None)
    confirm = paid.events.get(to_stage="confirmed")
    assert (confirm.party, confirm.note) == (
        "system",
        "Paid: served from stock at the Qingdao centre, nothing to make.",
    )

    order_advance(order=paid, actor=buyer, to_stage="cancelled", note="Changed my mind")

    assert (Stock.objects.get().on_hand, Stock.objects.get().reserved) == (3, 0)
    shipment = Shipment.objects.get(order=order)
    assert (shipment.stock, shipment.reserved_quantity) == (None, 0)
    assert stock_release(shipment=shipment).reserved_quantity == 0  # a second release: no-op
    assert Stock.objects.get().reserved == 0


@time_machine.travel(MORNING, tick=False)
def test_the_daily_run_skips_stock_orders(
    network: TinyNetwork, product: Any, operator: Any, buyer: Any
) -> None:
    stock_put(network, "Qingdao", product, 1, operator)
    from_stock = order_advance(order=_order(product, buyer), actor=buyer, to_stage="paid")
    made = order_advance(order=_order(product, buyer), actor=buyer, to_stage="paid")
    # Even an order at `paid` (confirmation held back) is not the daily run's when from stock.
    Order.objects.filter(pk=from_stock.pk).update(stage=OrderStage.PAID)

    run = daily_contention_run()

    assert (run.order_count, run.allocated_count) == (1, 1)
    from_stock.refresh_from_db()
    made.refresh_from_db()
    assert (from_stock.fulfilment, from_stock.venture) == ("stock", None)
    assert (made.fulfilment, str(made.venture)) == ("made_to_order", "Quick Works")


# --- orders from an award, pre-orders ----------------------------------------------------------


@time_machine.travel(MORNING, tick=True)
def test_awarded_orders_are_made_to_order_promised_by_their_maker(
    network: TinyNetwork, owner: Any, operator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world = awarded(owner, operator, [2, 1], [("3000.00", 10)], django_capture_on_commit_callbacks)

    orders = list(Order.objects.filter(tender_uid=world.tender.uid).order_by("number"))
    assert [(o.fulfilment, o.delivery_promised_at == o.promised_by) for o in orders] == [
        ("made_to_order", True),
        ("made_to_order", True),
    ]
    shipments = Shipment.objects.filter(order__in=orders).select_related("station")
    assert sorted((s.station.name, s.volume_litres, s.weight_kg) for s in shipments) == [
        ("Qingdao", 100, 30),
        ("Qingdao", 200, 60),
    ]


def test_a_pre_order_outside_coverage_is_refused(
    network: TinyNetwork, owner: Any, buyer: Any
) -> None:
    demand = pre_order_demand(owner)
    campaign_make(demand, owner)
    preorder_make(demand, buyer)  # Qingdao: served
    with pytest.raises(DomainError) as refused:
        from heyi.orders import services

        services.preorder_place(
            demand=demand,
            user=buyer,
            options={},
            quantity=1,
            address="Far away",
            latitude=URUMQI[0],
            longitude=URUMQI[1],
        )
    assert refused.value.code == "delivery_point_outside_coverage"
    assert PreOrder.objects.count() == 1


# --- stock --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "owner"])
def test_only_operators_set_stock(network: TinyNetwork, product: Any, who: str, owner: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    actor = AnonymousUser() if who == "anonymous" else owner
    before = AuditEvent.objects.count()
    with pytest.raises(DomainError) as refused:
        stock_set(centre=network.centres["Qingdao"], product=product, on_hand=5, actor=actor)
    assert (refused.value.code, refused.value.status) == ("not_operator", 403)
    assert (Stock.objects.count(), AuditEvent.objects.count()) == (0, before)


@pytest.mark.parametrize("on_hand", [-1, "5", 1.5, True, 1_000_001])
def test_bad_stock_counts_are_refused(
    network: TinyNetwork, product: Any, operator: Any, on_hand: Any
) -> None:
    with pytest.raises(DomainError) as refused:
        stock_set(
            centre=network.centres["Qingdao"], product=product, on_hand=on_hand, actor=operator
        )
    assert (refused.value.code, refused.value.status) == ("stock_quantity_invalid", 422)
    assert Stock.objects.count() == 0


@time_machine.travel(MORNING, tick=False)
def test_stock_never_goes_below_what_is_reserved(
    network: TinyNetwork, product: Any, operator: Any, buyer: Any
) -> None:
    stock_put(network, "Qingdao", product, 3, operator)
    _order(product, buyer, quantity=2)
    with pytest.raises(DomainError) as refused:
        stock_put(network, "Qingdao", product, 1, operator)
    assert refused.value.code == "stock_below_reserved"
    assert stock_put(network, "Qingdao", product, 2, operator).free == 0


@time_machine.travel(MORNING, tick=False)
def test_a_slot_chosen_after_the_promise_moves_the_promise_to_its_end(
    network: TinyNetwork, product: Any, operator: Any, buyer: Any
) -> None:
    stock_put(network, "Qingdao", product, 3, operator)
    order = order_advance(order=_order(product, buyer), actor=buyer, to_stage="paid")
    assert order.delivery_promised_at == MORNING + timedelta(hours=24)
    later = timezone.localdate() + timedelta(days=2)

    # The evening of the day after tomorrow is the user's choice: the promise moves there.
    order = order_delivery_slot_choose(
        order=order, actor=buyer, delivery_date=later, window="18-21"
    )

    slot_end = timezone.make_aware(datetime.combine(later, time(21)))
    assert Order.objects.get(pk=order.pk).delivery_promised_at == slot_end
    assert order.events.filter(kind="delivery_slot").order_by("-id")[0].note == (
        f"{later.isoformat()} 18:00–21:00; the delivery promise moves to the end of this slot."
    )
    # A slot that ends before the promise leaves it where it is.
    Order.objects.filter(pk=order.pk).update(delivery_promised_at=MORNING + timedelta(days=3))
    order = order_delivery_slot_choose(
        order=Order.objects.get(pk=order.pk), actor=buyer, delivery_date=later, window="09-12"
    )
    assert order.delivery_promised_at == MORNING + timedelta(days=3)
    assert order.events.filter(kind="delivery_slot").order_by("-id")[0].note == (
        f"{later.isoformat()} 09:00–12:00"
    )
