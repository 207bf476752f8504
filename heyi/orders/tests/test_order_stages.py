"""Stage moves: who may make each, illegal jumps, notes and photos, the user's parts, ratings."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from heyi.contention.tests.factories import venture_found
from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.ledger.models import Account, Payment
from heyi.orders import order_selectors
from heyi.orders.models import Order, OrderEvent, OrderRating
from heyi.orders.order_services import (
    order_advance,
    order_delivery_slot_choose,
    order_rate,
    order_sample_decide,
)
from heyi.orders.stages import TRANSITIONS, Party, Stage, moves_for, transition_check
from heyi.orders.tests.order_factories import Awarded, advance_as_maker, awarded, png


@pytest.fixture
def world(owner: Any, operator: Any, django_capture_on_commit_callbacks: Any) -> Awarded:
    return awarded(owner, operator, [1], [("3000.00", 10)], django_capture_on_commit_callbacks)


@pytest.fixture
def order(world: Awarded) -> Order:
    return Order.objects.get()


def _written() -> tuple[int, int, int]:
    return OrderEvent.objects.count(), AuditEvent.objects.count(), OrderRating.objects.count()


def _actor(who: str, world: Awarded, rival: Any, operator: Any) -> Any:
    if who == "anonymous":
        return AnonymousUser()
    if who == "user":
        return world.buyers[0]
    if who == "member":
        return world.makers[0]
    if who == "rival_member":
        venture_found(founder=rival, name="Rival Works", categories=["kitchen"])
        return rival
    return operator


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("anonymous", "not_authenticated"),
        ("user", "stage_not_your_move"),
        ("member", None),
        ("rival_member", "order_not_found"),
        ("operator", None),
    ],
)
def test_who_may_start_production(
    who: str, code: str | None, world: Awarded, order: Order, rival: Any, operator: Any
) -> None:
    actor = _actor(who, world, rival, operator)
    before = _written()
    if code is None:
        moved = order_advance(order=order, actor=actor, to_stage="in_production", note="Line 2")
        assert moved.stage == "in_production"
        event = OrderEvent.objects.order_by("-id").first()
        assert event is not None
        assert (event.from_stage, event.to_stage, event.actor_id, event.note) == (
            "confirmed",
            "in_production",
            actor.pk,
            "Line 2",
        )
        assert event.party == ("venture" if who == "member" else "operator")
        audit = AuditEvent.objects.filter(type="orders.order.stage_advanced").get()
        assert audit.demand_uid == world.demand.uid
        assert audit.data["to_stage"] == "in_production"
    else:
        with pytest.raises(DomainError) as raised:
            order_advance(order=order, actor=actor, to_stage="in_production")
        assert raised.value.code == code
        assert _written() == before
        order.refresh_from_db()
        assert order.stage == "confirmed"


@pytest.mark.parametrize(
    ("to_stage", "status"),
    [("delivered", 409), ("completed", 409), ("placed", 409), ("nowhere", 422)],
)
def test_illegal_jumps_are_refused_and_write_nothing(
    to_stage: str, status: int, world: Awarded, order: Order
) -> None:
    before = _written()
    with pytest.raises(DomainError) as raised:
        order_advance(order=order, actor=world.makers[0], to_stage=to_stage)
    assert raised.value.status == status
    assert raised.value.code == ("stage_unknown" if status == 422 else "stage_transition_illegal")
    assert _written() == before


def test_quality_check_needs_a_real_photo(world: Awarded, order: Order) -> None:
    maker = world.makers[0]
    order = advance_as_maker(order, maker, "in_production")
    before = _written()
    with pytest.raises(DomainError) as raised:
        order_advance(order=order, actor=maker, to_stage="quality_checked")
    assert raised.value.code == "stage_photo_required"
    fake = SimpleUploadedFile("sample.png", b"not a picture", content_type="image/png")
    with pytest.raises(DomainError) as raised:
        order_advance(order=order, actor=maker, to_stage="quality_checked", photo=fake)
    assert raised.value.code == "picture_invalid"
    assert _written() == before
    order = order_advance(order=order, actor=maker, to_stage="quality_checked", photo=png())
    assert order.sample_status == "pending"
    assert OrderEvent.objects.order_by("-id").first().photo.name.endswith(".png")  # type: ignore[union-attr]


def test_the_whole_way_with_the_users_parts(world: Awarded, order: Order) -> None:
    maker, buyer = world.makers[0], world.buyers[0]
    order = advance_as_maker(order, maker, "sourcing", "in_production", "quality_checked")

    # Shipping waits for the sample approval and the delivery slot.
    with pytest.raises(DomainError) as raised:
        order_advance(order=order, actor=maker, to_stage="shipped")
    assert raised.value.code == "sample_not_approved"
    with pytest.raises(DomainError) as raised:
        order_sample_decide(order=order, actor=maker, approve=True)
    assert raised.value.code == "not_order_owner"
    with pytest.raises(DomainError) as raised:
        order_sample_decide(order=order, actor=buyer, approve=False, note="")
    assert raised.value.code == "stage_note_required"

    order = order_sample_decide(order=order, actor=buyer, approve=False, note="Door is scratched")
    assert order.sample_status == "rejected"
    order = order_advance(order=order, actor=maker, to_stage="in_production", note="Redo the door")
    order = order_advance(order=order, actor=maker, to_stage="quality_checked", photo=png())
    order = order_sample_decide(order=order, actor=buyer, approve=True)
    with pytest.raises(DomainError) as raised:
        order_advance(order=order, actor=maker, to_stage="shipped")
    assert raised.value.code == "delivery_slot_missing"

    today = timezone.localdate()
    with pytest.raises(DomainError) as raised:
        order_delivery_slot_choose(order=order, actor=buyer, delivery_date=today, window="09-12")
    assert raised.value.code == "delivery_date_invalid"
    with pytest.raises(DomainError) as raised:
        order_delivery_slot_choose(
            order=order, actor=buyer, delivery_date=today + timedelta(days=2), window="02-05"
        )
    assert raised.value.code == "delivery_window_invalid"
    order = order_delivery_slot_choose(
        order=order, actor=buyer, delivery_date=today + timedelta(days=2), window="15-18"
    )
    assert (order.delivery_date, order.delivery_window) == (today + timedelta(days=2), "15-18")

    with pytest.raises(DomainError) as raised:
        order_rate(order=order, actor=buyer, stars=5)
    assert raised.value.code == "rating_not_yet"

    order = advance_as_maker(order, maker, "shipped", "at_station", "out_for_delivery")
    with pytest.raises(DomainError) as raised:
        order_advance(order=order, actor=maker, to_stage="delivered")
    assert raised.value.code == "stage_not_your_move"
    with pytest.raises(DomainError) as raised:
        order_delivery_slot_choose(
            order=order, actor=buyer, delivery_date=today + timedelta(days=3), window="09-12"
        )
    assert raised.value.code == "delivery_slot_closed"
    order = order_advance(order=order, actor=buyer, to_stage="delivered")

    with pytest.raises(DomainError) as raised:
        order_rate(order=order, actor=buyer, stars=6)
    assert raised.value.code == "rating_stars_invalid"
    rating = order_rate(order=order, actor=buyer, stars=4, comment="Quiet and cold.")
    assert (rating.stars, rating.venture_id, rating.comment) == (
        4,
        world.ventures[0].pk,
        "Quiet and cold.",
    )
    before = _written()
    with pytest.raises(DomainError) as raised:
        order_rate(order=order, actor=buyer, stars=5)
    assert (raised.value.code, raised.value.status) == ("already_rated", 409)
    assert _written() == before

    order = order_advance(order=order, actor=maker, to_stage="installed", photo=png("fitted.png"))
    order = order_advance(order=order, actor=buyer, to_stage="completed")
    assert order.stage == "completed"

    timeline = [(e.kind, e.to_stage) for e in order_selectors.order_event_list(order=order)]
    assert timeline == [
        ("stage", "placed"),
        ("stage", "paid"),
        ("stage", "confirmed"),
        ("stage", "sourcing"),
        ("stage", "in_production"),
        ("stage", "quality_checked"),
        ("sample_rejected", ""),
        ("stage", "in_production"),
        ("stage", "quality_checked"),
        ("sample_approved", ""),
        ("delivery_slot", ""),
        ("stage", "shipped"),
        ("stage", "at_station"),
        ("stage", "out_for_delivery"),
        ("stage", "delivered"),
        ("rated", ""),
        ("stage", "installed"),
        ("stage", "completed"),
    ]


def test_an_exception_returns_only_to_the_stage_it_left(world: Awarded, order: Order) -> None:
    maker = world.makers[0]
    order = advance_as_maker(order, maker, "in_production")
    with pytest.raises(DomainError) as raised:
        order_advance(order=order, actor=maker, to_stage="exception")
    assert raised.value.code == "stage_note_required"
    order = order_advance(order=order, actor=maker, to_stage="exception", note="Compressor late")
    assert order.stage_before_exception == "in_production"
    with pytest.raises(DomainError) as raised:
        order_advance(order=order, actor=maker, to_stage="shipped", note="Skip")
    assert raised.value.code == "stage_transition_illegal"
    order = order_advance(order=order, actor=maker, to_stage="in_production", note="Arrived")
    assert (order.stage, order.stage_before_exception) == ("in_production", "")


def test_cancelling_a_paid_order_refunds_it_at_once(
    world: Awarded, order: Order, operator: Any
) -> None:
    buyer = world.buyers[0]
    with pytest.raises(DomainError) as raised:
        order_advance(order=order, actor=buyer, to_stage="cancelled")
    assert raised.value.code == "stage_note_required"
    order = order_advance(order=order, actor=buyer, to_stage="cancelled", note="Moving abroad")
    # The platform refunds a paid order as soon as it is cancelled.
    assert order.stage == "refunded"
    assert [(e.from_stage, e.to_stage, e.party) for e in order.events.filter(kind="stage")][
        -2:
    ] == [("confirmed", "cancelled", "user"), ("cancelled", "refunded", "system")]
    escrow = Account.objects.get(key=f"escrow:order:{order.uid}")
    assert escrow.balance == Decimal("0.00")
    refund = Payment.objects.get(kind="refund", user=buyer)
    assert (refund.amount, refund.status) == (order.total, "succeeded")
    with pytest.raises(DomainError) as raised:
        order_advance(order=order, actor=operator, to_stage="refunded")
    assert raised.value.code == "stage_transition_illegal"
    assert moves_for("refunded", parties={Party.OPERATOR}) == []
    assert moves_for("cancelled", parties={Party.USER}) == []


def test_the_table_is_consistent() -> None:
    for (source, target), rule in TRANSITIONS.items():
        assert source != target
        assert rule.parties
    assert (
        transition_check(
            "placed", "paid", parties={Party.USER, Party.VENTURE}, has_note=False, has_photo=False
        )
        == Party.USER
    )
    assert [s for s, _ in moves_for("confirmed", parties={Party.VENTURE})] == [
        Stage.SOURCING,
        Stage.IN_PRODUCTION,
        Stage.CANCELLED,
        Stage.EXCEPTION,
    ]


def test_the_buyer_is_told_of_the_stages_they_care_about(
    world: Awarded, order: Order, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    maker = world.makers[0]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order = advance_as_maker(order, maker, "in_production", "quality_checked")
    assert [(m.to[0], m.subject) for m in mailoutbox] == [
        ("buyer1@example.com", f"Order O{order.number}: Quality checked")
    ]
    assert "please approve it" in mailoutbox[0].body


def test_ratings_summarise_per_venture(world: Awarded, order: Order, operator: Any) -> None:
    order.stage = "delivered"  # the full walk is tested above; here only the summary
    order.save(update_fields=["stage"])
    order_rate(order=order, actor=world.buyers[0], stars=4)
    venture = world.ventures[0]
    assert order_selectors.venture_rating_summary(venture_ids=[venture.pk, 999]) == {
        venture.pk: (Decimal("4.00"), 1)
    }
