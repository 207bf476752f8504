"""The money of pre-orders and orders: escrow on paying, moved to the order, refunded on
cancelling (to the card that paid), and declined payments that write nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from heyi.contention.services import tender_close
from heyi.core.models import AuditEvent
from heyi.ledger.models import Account, Payment, Posting, ShareRule
from heyi.ledger.services import share_rule_current
from heyi.orders import services
from heyi.orders.models import CampaignStatus, Order, PreOrder, PreOrderStatus
from heyi.orders.order_services import order_advance
from heyi.orders.standard_services import standard_order_place
from heyi.orders.tests.factories import preorder_make
from heyi.orders.tests.order_factories import awarded, tender_reached
from heyi.orders.tests.standard_factories import product_make

pytestmark = pytest.mark.django_db

D = Decimal
FORM = {
    "option_0": "Red",  # Colour
    "option_1": "350 L",  # Capacity
    "quantity": "2",
    "address": "88 Hong Kong Middle Road, Qingdao",
    "latitude": "36.0663",
    "longitude": "120.3826",
}
BODY = {
    "options": {"Colour": "Red", "Capacity": "350 L"},
    "quantity": 2,
    "address": "88 Hong Kong Middle Road, Qingdao",
    "latitude": "36.0663",
    "longitude": "120.3826",
}


def _balance(key: str) -> Decimal:
    account = Account.objects.filter(key=key).first()
    return account.balance if account is not None else D("0.00")


def _preorder_escrow(pre_order: PreOrder) -> Decimal:
    return _balance(f"escrow:pre_order:{pre_order.uid}")


def _order_escrow(order: Order) -> Decimal:
    return _balance(f"escrow:order:{order.uid}")


def _wallet(user: Any) -> Decimal:
    return _balance(f"wallet:{user.uid}")


def _card() -> Decimal:
    """The payment provider's side: minus what it paid in, plus what it got back."""
    return _balance("external:test")


def _payments(user: Any) -> list[tuple[str, Decimal, str, str]]:
    return sorted(
        (p.kind, p.amount, p.status, p.subject_type) for p in Payment.objects.filter(user=user)
    )


def _written() -> tuple[int, int, int, int, int]:
    return (
        PreOrder.objects.count(),
        Posting.objects.count(),
        Payment.objects.count(),
        AuditEvent.objects.count(),
        Account.objects.filter(balance__gt=0).count(),
    )


def test_a_pre_order_pays_its_total_into_its_escrow(demand: Any, campaign: Any, buyer: Any) -> None:
    pre_order = preorder_make(demand, buyer, quantity=2)
    assert pre_order.total == D("7998.00")
    assert (_preorder_escrow(pre_order), _wallet(buyer), _card()) == (
        D("7998.00"),
        D("0.00"),
        D("-7998.00"),
    )
    assert _payments(buyer) == [("charge", D("7998.00"), "succeeded", "pre_order")]
    into = Posting.objects.get(idempotency_key=f"preorder:{pre_order.uid}:pay:into")
    assert (into.kind, into.subject_type, into.subject_uid) == (
        "escrow",
        "pre_order",
        pre_order.uid,
    )


def test_cancelling_a_pre_order_refunds_the_card(demand: Any, campaign: Any, buyer: Any) -> None:
    pre_order = preorder_make(demand, buyer, quantity=2)
    services.preorder_cancel(pre_order=pre_order, user=buyer, reason="Changed my mind")
    assert (_preorder_escrow(pre_order), _wallet(buyer), _card()) == (
        D("0.00"),
        D("0.00"),
        D("0.00"),
    )
    assert _payments(buyer) == [
        ("charge", D("7998.00"), "succeeded", "pre_order"),
        ("refund", D("7998.00"), "succeeded", "pre_order"),
    ]
    refund = Payment.objects.get(kind="refund")
    assert refund.charge == Payment.objects.get(kind="charge")
    back = Posting.objects.get(idempotency_key=f"preorder:{pre_order.uid}:refund:back")
    assert (back.kind, back.subject_uid) == ("refund", pre_order.uid)


def test_a_declined_card_on_the_page_writes_nothing(demand: Any, campaign: Any, buyer: Any) -> None:
    client = Client()
    client.force_login(buyer)
    page = client.get(reverse("orders:preorder", args=[demand.number])).content.decode()
    assert "Pay with" in page
    assert '<option value="test-card" selected>' in page
    before = _written()
    response = client.post(
        reverse("orders:preorder", args=[demand.number]),
        {**FORM, "payment_method": "test-card-declined"},
    )
    assert response.status_code == 422
    assert "The payment was declined: The card was declined." in response.content.decode()
    assert _written() == before
    assert before[:3] == (0, 0, 0)
    campaign.refresh_from_db()
    assert (campaign.units_pre_ordered, campaign.pre_order_count) == (0, 0)


def test_the_page_pays_with_the_chosen_method(demand: Any, campaign: Any, buyer: Any) -> None:
    client = Client()
    client.force_login(buyer)
    response = client.post(
        reverse("orders:preorder", args=[demand.number]), {**FORM, "payment_method": "test-card"}
    )
    assert response.status_code == 302
    pre_order = PreOrder.objects.get()
    assert _preorder_escrow(pre_order) == D("7638.00")
    mine = client.get(reverse("orders:mine")).content.decode()
    assert mine.count('<td class="text-end">¥7,638.00</td>') == 2  # the total, and held


def test_a_declined_card_on_the_api_writes_nothing(
    api_as: Any, demand: Any, campaign: Any, buyer: Any
) -> None:
    client = api_as(buyer)
    before = _written()
    response = client.post(
        f"demands/{demand.number}/preorders", {**BODY, "payment_method": "test-card-declined"}
    )
    assert response.status_code == 402
    assert response.json() == {
        "code": "payment_declined",
        "detail": "The payment was declined: The card was declined.",
    }
    assert _written() == before
    response = client.post(
        f"demands/{demand.number}/preorders", {**BODY, "payment_method": "test-card"}
    )
    assert response.status_code == 201
    assert _preorder_escrow(PreOrder.objects.get()) == D("7638.00")


def test_a_pre_order_paid_partly_from_the_wallet_gets_the_card_part_back_to_the_card(
    demand: Any, campaign: Any, buyer: Any
) -> None:
    from heyi.ledger.models import PostingKind
    from heyi.ledger.services import Entry, platform_account, posting_record, wallet_account

    posting_record(
        idempotency_key="gift",
        kind=PostingKind.COMPENSATION,
        memo="Owed to the buyer",
        entries=[
            Entry(platform_account(), D("-999.00")),
            Entry(wallet_account(user=buyer), D("999.00")),
        ],
    )
    pre_order = preorder_make(demand, buyer, quantity=1)
    assert (_wallet(buyer), _card()) == (D("0.00"), D("-3000.00"))
    services.preorder_cancel(pre_order=pre_order, user=buyer)
    assert (_preorder_escrow(pre_order), _wallet(buyer), _card()) == (
        D("0.00"),
        D("999.00"),
        D("0.00"),
    )


@pytest.mark.parametrize("how", ["cancelled", "expired"])
def test_a_campaign_that_fails_refunds_everyone(
    demand: Any, campaign: Any, buyers: Any, owner: Any, how: str
) -> None:
    pre_orders = [preorder_make(demand, buyer, quantity=2) for buyer in buyers]
    if how == "cancelled":
        services.campaign_cancel(campaign=campaign, user=owner, reason="Supplier went under")
    else:
        assert services.campaign_expire(
            campaign_id=campaign.pk, now=timezone.now() + timedelta(days=15)
        )
    campaign.refresh_from_db()
    assert campaign.status == how
    for pre_order, buyer in zip(pre_orders, buyers, strict=True):
        pre_order.refresh_from_db()
        assert pre_order.status == PreOrderStatus.CANCELLED
        assert (_preorder_escrow(pre_order), _wallet(buyer)) == (D("0.00"), D("0.00"))
        assert _payments(buyer) == [
            ("charge", D("7998.00"), "succeeded", "pre_order"),
            ("refund", D("7998.00"), "succeeded", "pre_order"),
        ]
    assert _card() == D("0.00")


def test_a_tender_nobody_bid_on_refunds_everyone(
    owner: Any, operator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _demand, campaign, tender = tender_reached(owner, [2, 1])
    pre_orders = list(PreOrder.objects.order_by("number"))
    assert [_preorder_escrow(p) for p in pre_orders] == [D("7998.00"), D("3999.00")]
    with django_capture_on_commit_callbacks(execute=True):
        tender_close(tender=tender, actor=operator)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CANCELLED
    assert [_preorder_escrow(p) for p in pre_orders] == [D("0.00"), D("0.00")]
    assert [_wallet(p.user) for p in pre_orders] == [D("0.00"), D("0.00")]
    assert Payment.objects.filter(kind="refund", status="succeeded").count() == 2
    assert _card() == D("0.00")


def test_the_award_moves_escrow_to_the_orders_and_refunds_what_it_cannot_serve(
    owner: Any, operator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # One maker that can make 6 units: the pre-order of 6 is served, the one of 5 is not.
    world = awarded(owner, operator, [6, 5], [("3000.00", 6)], django_capture_on_commit_callbacks)
    served, unserved = world.pre_orders
    assert unserved.status == PreOrderStatus.CANCELLED
    order = Order.objects.get()
    assert order.pre_order == served
    assert (_preorder_escrow(served), _order_escrow(order)) == (D("0.00"), D("23994.00"))
    assert (_preorder_escrow(unserved), _wallet(unserved.user)) == (D("0.00"), D("0.00"))
    assert _card() == D("-23994.00")
    transfer = Posting.objects.get(kind="escrow_transfer")
    assert (transfer.idempotency_key, transfer.order_uid) == (
        f"order:{order.uid}:from-preorder",
        order.uid,
    )
    # The order keeps the share rule published with its tender, before any bid.
    rule = ShareRule.objects.get(tender_uid=world.tender.uid)
    assert order.share_rule == rule
    assert rule.scope == "tender"
    first_bid = world.tender.bids.order_by("created_at").first()
    assert first_bid is not None and rule.published_at <= first_bid.created_at


def test_a_paid_award_order_cancelled_is_refunded_to_the_card(
    owner: Any, operator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world = awarded(owner, operator, [1], [("3000.00", 10)], django_capture_on_commit_callbacks)
    order = Order.objects.get()
    order_advance(order=order, actor=operator, to_stage="cancelled", note="Design withdrawn")
    order.refresh_from_db()
    assert order.stage == "refunded"
    buyer = world.buyers[0]
    assert (_order_escrow(order), _wallet(buyer), _card()) == (D("0.00"), D("0.00"), D("0.00"))
    # The card charged for the pre-order gets the order's refund.
    assert _payments(buyer) == [
        ("charge", D("3999.00"), "succeeded", "pre_order"),
        ("refund", D("3999.00"), "succeeded", "pre_order"),
    ]


# --- standard orders -------------------------------------------------------------------------


def _standard(operator: Any, buyer: Any) -> Order:
    return standard_order_place(
        product=product_make(operator),
        user=buyer,
        quantity=2,
        address="8 Haier Road, Qingdao",
        latitude="36.066300",
        longitude="120.382600",
    )


def test_a_standard_order_keeps_the_standard_rule_and_is_paid_into_escrow(
    operator: Any, buyer: Any
) -> None:
    order = _standard(operator, buyer)
    assert order.share_rule == share_rule_current(scope="default_standard")
    assert _order_escrow(order) == D("0.00")
    order = order_advance(order=order, actor=buyer, to_stage="paid")
    assert order.stage == "paid"
    assert (_order_escrow(order), _wallet(buyer), _card()) == (
        D("3998.00"),
        D("0.00"),
        D("-3998.00"),
    )
    assert _payments(buyer) == [("charge", D("3998.00"), "succeeded", "order")]


def test_a_declined_payment_leaves_the_standard_order_placed(
    operator: Any, buyer: Any, api_as: Any
) -> None:
    order = _standard(operator, buyer)
    before = (Posting.objects.count(), Payment.objects.count(), order.events.count())
    response = api_as(buyer).post(
        f"orders/{order.number}/advance",
        {"to_stage": "paid", "payment_method": "test-card-declined"},
    )
    assert response.status_code == 402
    assert response.json()["code"] == "payment_declined"
    order.refresh_from_db()
    assert (order.stage, order.paid_at) == ("placed", None)
    assert (Posting.objects.count(), Payment.objects.count(), order.events.count()) == before
    # And on the page: the message, and the order still placed.
    client = Client()
    client.force_login(buyer)
    page = client.get(reverse("orders:order_detail", args=[order.number])).content.decode()
    assert "Pay with" in page and "Not paid yet" in page
    response = client.post(
        reverse("orders:order_advance", args=[order.number]),
        {"to_stage": "paid", "payment_method": "test-card-declined"},
        follow=True,
    )
    assert "The payment was declined: The card was declined." in response.content.decode()
    order.refresh_from_db()
    assert order.stage == "placed"
    response = client.post(
        reverse("orders:order_advance", args=[order.number]),
        {"to_stage": "paid", "payment_method": "test-card"},
        follow=True,
    )
    assert "¥3,998.00 held in escrow until the order is completed" in response.content.decode()


def test_a_paid_standard_order_cancelled_is_refunded_at_once(operator: Any, buyer: Any) -> None:
    order = _standard(operator, buyer)
    order = order_advance(order=order, actor=buyer, to_stage="paid")
    order = order_advance(order=order, actor=buyer, to_stage="cancelled", note="Found it cheaper")
    assert order.stage == "refunded"
    assert (_order_escrow(order), _wallet(buyer), _card()) == (D("0.00"), D("0.00"), D("0.00"))
    assert _payments(buyer) == [
        ("charge", D("3998.00"), "succeeded", "order"),
        ("refund", D("3998.00"), "succeeded", "order"),
    ]
    refund = Posting.objects.get(idempotency_key=f"order:{order.uid}:refund:back")
    assert (refund.kind, refund.order_uid) == ("refund", order.uid)


def test_an_unpaid_standard_order_cancelled_stays_cancelled(operator: Any, buyer: Any) -> None:
    order = _standard(operator, buyer)
    order = order_advance(order=order, actor=buyer, to_stage="cancelled")
    assert order.stage == "cancelled"
    assert (Posting.objects.count(), Payment.objects.count()) == (0, 0)
