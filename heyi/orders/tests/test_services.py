"""Pre-order services: prices, rules, permissions, the threshold opening the tender, expiry."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from heyi.contention.models import Tender, TenderStatus
from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.demands.models import DemandStatus
from heyi.demands.services import demand_status_change
from heyi.designs.tests.factories import claimed_demand, person_make
from heyi.orders import services, tasks
from heyi.orders.models import CampaignStatus, PreOrder, PreOrderCampaign, PreOrderStatus
from heyi.orders.tests.factories import (
    ADDRESS,
    campaign_make,
    pre_order_demand,
    preorder_make,
)


def _rows() -> tuple[int, int, int]:
    return (PreOrderCampaign.objects.count(), PreOrder.objects.count(), AuditEvent.objects.count())


# --- prices -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "unit_price", "stored"),
    [
        ({}, "3999.00", {"Colour": "Graphite", "Capacity": "450 L"}),
        ({"Colour": "Red"}, "4119.00", {"Colour": "Red", "Capacity": "450 L"}),
        ({"Colour": "Red", "Capacity": "350 L"}, "3819.00", {"Colour": "Red", "Capacity": "350 L"}),
        ({"Capacity": "350 L"}, "3699.00", {"Colour": "Graphite", "Capacity": "350 L"}),
    ],
)
def test_preorder_price_comes_from_the_chosen_options(
    demand: Any, campaign: Any, buyer: Any, options: Any, unit_price: str, stored: Any
) -> None:
    pre_order = preorder_make(demand, buyer, quantity=3, options=options)

    pre_order.refresh_from_db()
    assert pre_order.unit_price == Decimal(unit_price)
    assert pre_order.total == Decimal(unit_price) * 3
    assert pre_order.currency == "CNY"
    assert pre_order.options == stored
    assert pre_order.status == PreOrderStatus.PLACED
    assert pre_order.number == 1
    assert pre_order.address == ADDRESS
    assert pre_order.latitude == Decimal("36.066300")
    assert pre_order.longitude == Decimal("120.382600")


def test_preorder_counts_units_on_the_campaign(demand: Any, campaign: Any, buyers: Any) -> None:
    preorder_make(demand, buyers[0], quantity=2)
    preorder_make(demand, buyers[1], quantity=3)

    campaign.refresh_from_db()
    assert (campaign.units_pre_ordered, campaign.pre_order_count) == (5, 2)
    assert campaign.status == CampaignStatus.OPEN
    assert campaign.progress_percent == 50


def test_coordinates_are_kept_to_six_places(demand: Any, campaign: Any, buyer: Any) -> None:
    pre_order = services.preorder_place(
        demand=demand,
        user=buyer,
        options={},
        quantity=1,
        address="Qingdao",
        latitude="36.0663004",
        longitude=-120.5,
    )
    pre_order.refresh_from_db()
    assert pre_order.latitude == Decimal("36.066300")
    assert pre_order.longitude == Decimal("-120.500000")


# --- bad input writes nothing -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"options": {"Finish": "Matte"}}, "option_invalid"),
        ({"options": {"Colour": "Purple"}}, "option_invalid"),
        ({"options": ["Red"]}, "option_invalid"),
        ({"options": {"Colour": 3}}, "option_invalid"),
        ({"latitude": "91"}, "latitude_invalid"),
        ({"latitude": "-90.5"}, "latitude_invalid"),
        ({"latitude": "north"}, "latitude_invalid"),
        ({"latitude": "NaN"}, "latitude_invalid"),
        ({"longitude": "180.000001"}, "longitude_invalid"),
        ({"quantity": 0}, "quantity_invalid"),
        ({"quantity": -2}, "quantity_invalid"),
        ({"quantity": 11}, "quantity_invalid"),  # beyond the campaign's 10 per pre-order
        ({"quantity": 101}, "quantity_invalid"),
        ({"quantity": True}, "quantity_invalid"),
        ({"address": "   "}, "blank"),
        ({"address": "x" * 301}, "too_long"),
    ],
)
def test_bad_preorder_input_writes_nothing(
    demand: Any, campaign: Any, buyer: Any, changes: Any, code: str
) -> None:
    fields: dict[str, Any] = {
        "options": {},
        "quantity": 1,
        "address": ADDRESS,
        "latitude": "36.0663",
        "longitude": "120.3826",
        **changes,
    }
    before = _rows()
    with pytest.raises(DomainError) as caught:
        services.preorder_place(demand=demand, user=buyer, **fields)
    assert caught.value.code == code
    assert _rows() == before
    campaign.refresh_from_db()
    assert campaign.units_pre_ordered == 0


def test_preorder_without_a_campaign_is_refused(demand: Any, buyer: Any) -> None:
    before = _rows()
    with pytest.raises(DomainError) as caught:
        preorder_make(demand, buyer)
    assert (caught.value.code, caught.value.status) == ("campaign_not_found", 404)
    assert _rows() == before


def test_preorder_after_the_deadline_is_refused_before_the_sweep(
    demand: Any, campaign: Any, buyer: Any
) -> None:
    before = _rows()
    with (
        time_machine.travel(timezone.now() + timedelta(days=15)),
        pytest.raises(DomainError) as caught,
    ):
        preorder_make(demand, buyer)
    assert caught.value.code == "campaign_deadline_passed"
    assert _rows() == before


def test_anonymous_cannot_preorder(demand: Any, campaign: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    before = _rows()
    with pytest.raises(DomainError) as caught:
        preorder_make(demand, AnonymousUser())
    assert (caught.value.code, caught.value.status) == ("not_authenticated", 401)
    assert _rows() == before


# --- starting a campaign ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("anonymous", False), ("owner", True), ("rival", False), ("operator", True)],
)
def test_only_author_or_operator_starts_a_campaign(
    demand: Any, who: str, allowed: bool, request: Any
) -> None:
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    before = _rows()
    if allowed:
        campaign = campaign_make(demand, user, threshold=25)
        assert campaign.threshold == 25
        assert campaign.started_by == user
        assert (
            AuditEvent.objects.filter(type="orders.campaign.started", demand_uid=demand.uid).count()
            == 1
        )
    else:
        with pytest.raises(DomainError) as caught:
            campaign_make(demand, user)
        assert caught.value.status in {401, 403}
        assert _rows() == before


@pytest.mark.parametrize(
    ("threshold", "deadline_days", "max_quantity", "code"),
    [
        (0, 14, 10, "threshold_invalid"),
        (1_000_001, 14, 10, "threshold_invalid"),
        (10, -1, 10, "deadline_invalid"),
        (10, 0, 10, "deadline_invalid"),
        (10, 400, 10, "deadline_invalid"),
        (10, 14, 0, "max_quantity_invalid"),
        (10, 14, 101, "max_quantity_invalid"),
    ],
)
def test_bad_campaign_input_writes_nothing(
    demand: Any, owner: Any, threshold: int, deadline_days: int, max_quantity: int, code: str
) -> None:
    before = _rows()
    with pytest.raises(DomainError) as caught:
        services.campaign_start(
            demand=demand,
            user=owner,
            threshold=threshold,
            deadline=timezone.now() + timedelta(days=deadline_days),
            max_quantity=max_quantity,
        )
    assert caught.value.code == code
    assert _rows() == before


def test_naive_deadline_is_refused(demand: Any, owner: Any) -> None:
    from datetime import datetime

    with pytest.raises(DomainError) as caught:
        services.campaign_start(
            demand=demand, user=owner, threshold=10, deadline=datetime(2099, 1, 1, 12, 0)
        )
    assert caught.value.code == "deadline_invalid"
    assert PreOrderCampaign.objects.count() == 0


def test_campaign_needs_the_demand_in_pre_order(owner: Any) -> None:
    designer = person_make("designer@example.com")
    demand = claimed_demand(owner, designer)  # still in co-design
    before = _rows()
    with pytest.raises(DomainError) as caught:
        campaign_make(demand, owner)
    assert caught.value.code == "demand_not_in_pre_order"
    assert _rows() == before


def test_one_live_campaign_per_demand(demand: Any, owner: Any, operator: Any) -> None:
    campaign_make(demand, owner)
    before = _rows()
    with pytest.raises(DomainError) as caught:
        campaign_make(demand, operator)
    assert caught.value.code == "campaign_already_live"
    assert _rows() == before


# --- cancelling a pre-order -------------------------------------------------------------------


def test_owner_cancels_a_placed_preorder(demand: Any, campaign: Any, buyer: Any) -> None:
    pre_order = preorder_make(demand, buyer, quantity=4)

    cancelled = services.preorder_cancel(pre_order=pre_order, user=buyer, reason="Changed my mind")

    cancelled.refresh_from_db()
    assert cancelled.status == PreOrderStatus.CANCELLED
    assert cancelled.cancel_reason == "Changed my mind"
    assert cancelled.cancelled_at is not None
    campaign.refresh_from_db()
    assert (campaign.units_pre_ordered, campaign.pre_order_count) == (0, 0)
    event = AuditEvent.objects.get(type="orders.preorder.cancelled")
    assert event.demand_uid == demand.uid
    with pytest.raises(DomainError) as caught:
        services.preorder_cancel(pre_order=cancelled, user=buyer)
    assert caught.value.code == "pre_order_not_cancellable"


@pytest.mark.parametrize("who", ["rival", "operator", "owner"])
def test_others_cannot_cancel_a_preorder(
    demand: Any, campaign: Any, buyer: Any, who: str, request: Any
) -> None:
    pre_order = preorder_make(demand, buyer, quantity=2)
    user = request.getfixturevalue(who)
    before = _rows()
    with pytest.raises(DomainError) as caught:
        services.preorder_cancel(pre_order=pre_order, user=user)
    assert (caught.value.code, caught.value.status) == ("not_pre_order_owner", 403)
    assert _rows() == before
    pre_order.refresh_from_db()
    assert pre_order.status == PreOrderStatus.PLACED
    campaign.refresh_from_db()
    assert campaign.units_pre_ordered == 2


# --- reaching the threshold -------------------------------------------------------------------


def test_reaching_the_threshold_opens_one_tender(
    demand: Any, campaign: Any, buyers: Any, django_capture_on_commit_callbacks: Any
) -> None:
    preorder_make(demand, buyers[0], quantity=6, options={"Colour": "Red"})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        preorder_make(demand, buyers[1], quantity=4)
    assert len(callbacks) == 1

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.REACHED
    assert campaign.units_pre_ordered == 10
    tender = Tender.objects.get()
    assert campaign.tender_uid == tender.uid
    assert tender.subject_type == "demand_production"
    assert tender.subject_uid == demand.uid
    assert tender.demand_uid == demand.uid
    assert tender.quantity == 10
    assert tender.status == TenderStatus.OPEN
    assert tender.rule == services.default_scoring_rule().to_dict()
    assert tender.closes_at - tender.opens_at == timedelta(hours=72)
    assert "- 4 × Capacity: 450 L, Colour: Graphite" in tender.requirements
    assert "- 6 × Capacity: 450 L, Colour: Red" in tender.requirements
    demand.refresh_from_db()
    assert demand.status == DemandStatus.CONTENTION
    assert list(PreOrder.objects.values_list("status", flat=True)) == ["confirmed", "confirmed"]

    # The task and the sweep run again: nothing more happens.
    tasks.campaign_tender_open.call(campaign.pk)
    tasks.campaign_deadline_sweep.call()
    assert Tender.objects.count() == 1
    types = list(
        AuditEvent.objects.filter(demand_uid=demand.uid, type__startswith="orders.").values_list(
            "type", flat=True
        )
    )
    assert types == [
        "orders.campaign.started",
        "orders.preorder.placed",
        "orders.preorder.placed",
        "orders.campaign.reached",
        "orders.campaign.tender_opened",
    ]


def test_second_preorder_past_the_threshold_is_refused_and_one_tender_opens(
    demand: Any, campaign: Any, buyers: Any, django_capture_on_commit_callbacks: Any
) -> None:
    preorder_make(demand, buyers[0], quantity=8)
    # Two buyers race for the last units: the campaign row is locked, so the first one in
    # reaches the threshold and the second finds the campaign reached.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        preorder_make(demand, buyers[1], quantity=5)
        before = _rows()
        with pytest.raises(DomainError) as caught:
            preorder_make(demand, buyers[2], quantity=5)
        assert caught.value.code == "campaign_not_open"
        assert _rows() == before
    assert len(callbacks) == 1
    # The task is run by hand, twice, as a retry would.
    tasks.campaign_tender_open.call(campaign.pk)
    tasks.campaign_tender_open.call(campaign.pk)
    assert Tender.objects.count() == 1
    assert Tender.objects.get().quantity == 13


def test_sweep_opens_a_tender_whose_task_never_ran(
    demand: Any, campaign: Any, buyers: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False):
        preorder_make(demand, buyers[0], quantity=10)
    assert Tender.objects.count() == 0

    assert tasks.campaign_deadline_sweep.call() == {"expired": 0, "tenders_opened": 1}
    assert tasks.campaign_deadline_sweep.call() == {"expired": 0, "tenders_opened": 0}
    assert Tender.objects.count() == 1


def test_tender_task_ignores_an_open_campaign(demand: Any, campaign: Any, buyer: Any) -> None:
    preorder_make(demand, buyer, quantity=3)
    assert tasks.campaign_tender_open.call(campaign.pk) is None
    assert Tender.objects.count() == 0


# --- the deadline passes first ----------------------------------------------------------------


def test_deadline_sweep_cancels_everything_and_mails_each_buyer_once(
    demand: Any, campaign: Any, buyers: Any, django_capture_on_commit_callbacks: Any
) -> None:
    preorder_make(demand, buyers[0], quantity=2)
    preorder_make(demand, buyers[0], quantity=1, options={"Colour": "Red"})
    preorder_make(demand, buyers[1], quantity=3)
    preorder_make(demand, buyers[2], quantity=1)
    services.preorder_cancel(pre_order=preorder_make(demand, buyers[2], quantity=1), user=buyers[2])
    mail.outbox.clear()

    with time_machine.travel(timezone.now() + timedelta(days=15)):
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.campaign_deadline_sweep.call() == {"expired": 1, "tenders_opened": 0}
        events_after_first = AuditEvent.objects.count()
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.campaign_deadline_sweep.call() == {"expired": 0, "tenders_opened": 0}

    assert AuditEvent.objects.count() == events_after_first
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.EXPIRED
    assert campaign.units_pre_ordered == 7
    assert campaign.close_reason == "The pre-order threshold was not reached by the deadline."
    assert sorted(PreOrder.objects.values_list("status", flat=True)) == ["cancelled"] * 5
    assert sorted(message.to[0] for message in mail.outbox) == [
        "buyer1@example.com",
        "buyer2@example.com",
        "buyer3@example.com",
    ]
    first = next(m for m in mail.outbox if m.to == ["buyer1@example.com"])
    assert first.subject == f"Your pre-order for #{demand.number} was cancelled"
    assert "P1: 2 × 3999.00 CNY" in first.body
    assert "P2: 1 × 4119.00 CNY" in first.body
    assert "not reached by the deadline" in first.body
    assert (
        AuditEvent.objects.filter(type="orders.preorder.cancelled", demand_uid=demand.uid).count()
        == 5
    )
    assert (
        AuditEvent.objects.filter(type="orders.campaign.expired", demand_uid=demand.uid).count()
        == 1
    )
    # The demand keeps its design and stays in pre-order: the author may try again.
    demand.refresh_from_db()
    assert demand.status == DemandStatus.PRE_ORDER
    again = campaign_make(demand, demand.author, threshold=5)
    assert again.status == CampaignStatus.OPEN


def test_sweep_leaves_campaigns_before_their_deadline(
    demand: Any, campaign: Any, buyer: Any
) -> None:
    preorder_make(demand, buyer)
    assert tasks.campaign_deadline_sweep.call() == {"expired": 0, "tenders_opened": 0}
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.OPEN


def test_author_cancels_the_campaign(
    demand: Any,
    campaign: Any,
    owner: Any,
    rival: Any,
    buyers: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    preorder_make(demand, buyers[0], quantity=2)
    before = _rows()
    with pytest.raises(DomainError) as caught:
        services.campaign_cancel(campaign=campaign, user=rival, reason="No")
    assert caught.value.code == "not_author_or_operator"
    assert _rows() == before
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.campaign_cancel(campaign=campaign, user=owner, reason="The factory closed.")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CANCELLED
    assert [m.to for m in mail.outbox] == [["buyer1@example.com"]]
    assert "The factory closed." in mail.outbox[0].body


def test_demand_moved_away_from_pre_order_refuses_preorders(
    demand: Any, campaign: Any, owner: Any, buyer: Any
) -> None:
    demand_status_change(demand=demand, to_status=DemandStatus.CO_DESIGN, actor=owner)
    before = _rows()
    with pytest.raises(DomainError) as caught:
        preorder_make(demand, buyer)
    assert caught.value.code == "demand_not_in_pre_order"
    assert _rows() == before


def test_pre_order_demand_helper(owner: Any) -> None:
    assert pre_order_demand(owner).status == DemandStatus.PRE_ORDER


def test_public_trace_shows_the_campaign_not_each_buyer(
    demand: Any, campaign: Any, buyers: Any
) -> None:
    from heyi.core.audit import trace_list

    preorder_make(demand, buyers[0], quantity=2)
    public = [e.type for e in trace_list(demand_uid=demand.uid) if e.type.startswith("orders.")]
    everything = [
        e.type
        for e in trace_list(demand_uid=demand.uid, include_private=True)
        if e.type.startswith("orders.")
    ]
    assert public == ["orders.campaign.started"]
    assert everything == ["orders.campaign.started", "orders.preorder.placed"]
    placed = AuditEvent.objects.get(type="orders.preorder.placed")
    assert placed.summary == f"P1: 2 units of #{demand.number} pre-ordered"
    assert placed.actor == buyers[0]
