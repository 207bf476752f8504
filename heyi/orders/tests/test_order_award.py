"""Orders from an award: single and split awards, idempotency, and a tender nobody bid on."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from heyi.contention.models import TenderStatus
from heyi.contention.services import tender_close
from heyi.core.models import AuditEvent
from heyi.orders.models import CampaignStatus, Order, OrderEvent, PreOrderStatus
from heyi.orders.order_services import allocation_plan, order_award_apply
from heyi.orders.tests.order_factories import awarded, tender_reached


def test_single_award_turns_every_pre_order_into_a_confirmed_order(
    owner: Any, operator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world = awarded(
        owner, operator, [2, 3, 1], [("3000.00", 10)], django_capture_on_commit_callbacks
    )

    orders = list(Order.objects.order_by("number"))
    assert len(orders) == 3
    assert [o.pre_order_id for o in orders] == [p.pk for p in world.pre_orders]
    assert [o.quantity for o in orders] == [2, 3, 1]
    assert {o.venture_id for o in orders} == {world.ventures[0].pk}
    assert {o.stage for o in orders} == {"confirmed"}
    assert [o.unit_price for o in orders] == [Decimal("3999.00")] * 3
    assert [o.total for o in orders] == [
        Decimal("7998.00"),
        Decimal("11997.00"),
        Decimal("3999.00"),
    ]
    assert {o.maker_unit_price for o in orders} == {Decimal("3000.00")}
    assert [o.user_id for o in orders] == [b.pk for b in world.buyers]
    assert world.demand.status == "in_production"
    assert [
        (e.from_stage, e.to_stage, e.party)
        for e in OrderEvent.objects.filter(order=orders[0]).order_by("id")
    ] == [("", "placed", "system"), ("placed", "paid", "system"), ("paid", "confirmed", "system")]
    assert AuditEvent.objects.filter(type="orders.order.created_from_award").count() == 1


def test_split_award_allocates_whole_pre_orders_in_rank_order(
    owner: Any, operator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Neither bid covers 10 units: the cheaper (rank 1) takes its capacity 6, the other 4.
    world = awarded(
        owner,
        operator,
        [4, 2, 2, 2],
        [("3000.00", 6), ("3200.00", 8)],
        django_capture_on_commit_callbacks,
    )
    first, second = world.ventures
    assert world.tender.status == TenderStatus.AWARDED
    assert [
        (line.venture_id, line.quantity) for line in world.tender.award_lines.order_by("rank")
    ] == [
        (first.pk, 6),
        (second.pk, 4),
    ]
    by_venture = {
        venture.pk: sorted(Order.objects.filter(venture=venture).values_list("quantity", flat=True))
        for venture in world.ventures
    }
    assert by_venture == {first.pk: [2, 4], second.pk: [2, 2]}
    assert Order.objects.count() == 4
    assert sorted(Order.objects.values_list("maker_unit_price", flat=True), key=str) == [
        Decimal("3000.00"),
        Decimal("3000.00"),
        Decimal("3200.00"),
        Decimal("3200.00"),
    ]


def test_the_award_handler_is_idempotent(
    owner: Any, operator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world = awarded(owner, operator, [2, 3], [("3000.00", 10)], django_capture_on_commit_callbacks)
    before = list(
        Order.objects.order_by("number").values_list("number", "pre_order_id", "quantity")
    )
    events = OrderEvent.objects.count()
    audits = AuditEvent.objects.count()

    order_award_apply(tender=world.tender)
    order_award_apply(tender=world.tender)

    assert (
        list(Order.objects.order_by("number").values_list("number", "pre_order_id", "quantity"))
        == before
    )
    assert len(before) == 2
    assert OrderEvent.objects.count() == events
    assert AuditEvent.objects.count() == audits


def test_no_award_closes_the_campaign_and_returns_the_demand_to_pre_order(
    owner: Any, operator: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    demand, campaign, tender = tender_reached(owner, [2, 1])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tender_close(tender=tender, actor=operator)

    demand.refresh_from_db()
    campaign.refresh_from_db()
    assert demand.status == "pre_order"
    assert campaign.status == CampaignStatus.CANCELLED
    assert campaign.close_reason == f"No venture bid to make demand #{demand.number}."
    assert set(campaign.pre_orders.values_list("status", flat=True)) == {PreOrderStatus.CANCELLED}
    assert Order.objects.count() == 0
    assert sorted(m.to[0] for m in mailoutbox) == ["buyer1@example.com", "buyer2@example.com"]

    tender.refresh_from_db()
    order_award_apply(tender=tender)  # again: nothing more happens
    assert len(mailoutbox) == 2
    assert AuditEvent.objects.filter(type="orders.campaign.failed").count() == 1


def _line(pk: int, rank: int, quantity: int, capacity: int) -> Any:
    return SimpleNamespace(
        pk=pk, rank=rank, quantity=quantity, bid=SimpleNamespace(capacity=capacity)
    )


def _pre(pk: int, quantity: int) -> Any:
    return SimpleNamespace(pk=pk, number=pk, quantity=quantity)


def test_allocation_uses_bid_capacity_rather_than_split_a_pre_order() -> None:
    lines = [_line(1, 1, 6, 6), _line(2, 2, 4, 8)]
    plan = allocation_plan(pre_orders=[_pre(1, 3), _pre(2, 3), _pre(3, 4)], lines=lines)
    # 4 → line 1 (2 left); 3 → line 2 (1 left); 3 fits no award line whole: line 2's bid has room.
    assert {pk: line.pk for pk, line in plan.lines.items()} == {3: 1, 1: 2, 2: 2}
    assert plan.unserved == []


def test_allocation_leaves_unserved_what_no_capacity_covers() -> None:
    lines = [_line(1, 1, 5, 5)]
    plan = allocation_plan(pre_orders=[_pre(1, 3), _pre(2, 3)], lines=lines)
    assert {pk: line.pk for pk, line in plan.lines.items()} == {1: 1}
    assert [p.pk for p in plan.unserved] == [2]


def test_each_buyer_is_told_their_order_is_confirmed(
    owner: Any, operator: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    world = awarded(owner, operator, [2, 1], [("3000.00", 10)], django_capture_on_commit_callbacks)
    confirmed = [m for m in mailoutbox if "is confirmed" in m.subject]
    numbers = list(Order.objects.order_by("number").values_list("number", flat=True))
    assert sorted((m.to[0], m.subject) for m in confirmed) == [
        ("buyer1@example.com", f"Order O{numbers[0]} is confirmed"),
        ("buyer2@example.com", f"Order O{numbers[1]} is confirmed"),
    ]
    assert "made by Maker Works 1" in confirmed[0].body
    assert world.demand.status == "in_production"
