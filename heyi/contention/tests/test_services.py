"""Service tests: tenders, sealed bids, close and award with exact scores, sweep, verification."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from heyi.contention import award_handlers
from heyi.contention.models import AwardLine, Bid, BidStatus, Tender, TenderStatus
from heyi.contention.scoring import Criterion, Direction, ScoringRule
from heyi.contention.services import (
    bid_revise,
    bid_submit,
    bid_withdraw,
    tender_cancel,
    tender_close,
    tender_create,
    tender_publish,
    tender_rule_set,
    tender_verify,
)
from heyi.contention.tasks import tenders_sweep, tenders_sweep_task
from heyi.contention.tests.factories import PRICE_AND_LEAD_TIME, tender_make, venture_found
from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _award(tender: Tender) -> dict[str, Any]:
    assert tender.award is not None
    return tender.award


def _bid(tender: Tender, venture: Any, user: Any, price: str, lead: int, capacity: int) -> Bid:
    return bid_submit(
        tender=tender,
        venture=venture,
        actor=user,
        unit_price=Decimal(price),
        lead_time_days=lead,
        capacity=capacity,
        plan="Two shifts on our line.",
    )


def _written() -> dict[str, int]:
    return {
        "tenders": Tender.objects.count(),
        "bids": Bid.objects.count(),
        "lines": AwardLine.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def test_close_awards_the_best_score_with_exact_table(
    owner: Any, rival: Any, operator: Any, owner_venture: Any, rival_venture: Any
) -> None:
    tender = tender_make(quantity=100)
    cheap = _bid(tender, owner_venture, owner, "100.00", 10, 100)
    fast = _bid(tender, rival_venture, rival, "120.00", 5, 100)

    tender_close(tender=tender, actor=operator)

    assert tender.status == TenderStatus.AWARDED
    # price: 100 → 1, 120 → 0; lead time: 10 → 0, 5 → 1; weights 0.7 and 0.3.
    table = [(row["bidder_id"], row["score"], row["rank"]) for row in _award(tender)["table"]]
    assert table == [
        (str(owner_venture.uid), "0.700000", 1),
        (str(rival_venture.uid), "0.300000", 2),
    ]
    assert _award(tender)["reason"] == "single_bid"
    lines = list(
        AwardLine.objects.filter(tender=tender).values_list(
            "venture_id", "quantity", "unit_price", "score", "rank"
        )
    )
    assert lines == [(owner_venture.pk, 100, Decimal("100.00"), Decimal("0.700000"), 1)]
    cheap.refresh_from_db()
    fast.refresh_from_db()
    assert (cheap.score, cheap.rank, fast.score, fast.rank) == (
        Decimal("0.700000"),
        1,
        Decimal("0.300000"),
        2,
    )
    event = AuditEvent.objects.get(type="contention.tender.awarded")
    assert event.demand_uid == tender.demand_uid
    assert event.data["lines"] == [
        {
            "venture": owner_venture.slug,
            "quantity": 100,
            "unit_price": "100.00",
            "score": "0.700000",
        }
    ]
    assert len(tender.award_fingerprint) == 64
    # Each bidder's members are told their rank on the site (with an e-mail copy).
    notices = sorted(
        Notification.objects.filter(kind="contention.tender.awarded").values_list(
            "user__email", "title", "body"
        )
    )
    assert notices == [
        (
            "owner@example.com",
            f"Tender #{tender.number}: you won 100 units",
            f"{owner_venture.name} ranked 1 of 2 with a score of 0.700000.",
        ),
        (
            "rival@example.com",
            f"Tender #{tender.number} is decided",
            f"{rival_venture.name} ranked 2 of 2 with a score of 0.300000.",
        ),
    ]


def test_close_splits_the_quantity_by_capacity(
    owner: Any, rival: Any, operator: Any, owner_venture: Any, rival_venture: Any
) -> None:
    tender = tender_make(quantity=150)
    _bid(tender, owner_venture, owner, "100.00", 10, 100)
    _bid(tender, rival_venture, rival, "120.00", 5, 80)

    tender_close(tender=tender, actor=operator)

    assert _award(tender)["reason"] == "split_by_capacity"
    lines = list(
        AwardLine.objects.filter(tender=tender)
        .order_by("rank")
        .values_list("venture_id", "quantity", "score")
    )
    assert lines == [
        (owner_venture.pk, 100, Decimal("0.700000")),
        (rival_venture.pk, 50, Decimal("0.300000")),
    ]


def test_close_without_bids_makes_no_award(operator: Any) -> None:
    tender = tender_make()
    tender_close(tender=tender, actor=operator)
    assert tender.status == TenderStatus.NO_AWARD
    assert _award(tender)["reason"] == "no_bids"
    assert AwardLine.objects.count() == 0
    assert AuditEvent.objects.filter(type="contention.tender.closed_without_award").count() == 1


def test_withdrawn_bid_is_not_scored(
    owner: Any, rival: Any, operator: Any, owner_venture: Any, rival_venture: Any
) -> None:
    tender = tender_make(quantity=10)
    _bid(tender, owner_venture, owner, "100.00", 10, 100)
    _bid(tender, rival_venture, rival, "90.00", 5, 100)
    bid_withdraw(tender=tender, venture=rival_venture, actor=rival)
    assert tender.bid_count == 1
    tender_close(tender=tender, actor=operator)
    assert [row["bidder_id"] for row in _award(tender)["table"]] == [str(owner_venture.uid)]
    assert _award(tender)["table"][0]["score"] == "1.000000"


def test_second_submit_is_refused_and_revise_keeps_history(owner: Any, owner_venture: Any) -> None:
    tender = tender_make()
    _bid(tender, owner_venture, owner, "100.00", 10, 100)
    before = _written()
    with pytest.raises(DomainError) as error:
        _bid(tender, owner_venture, owner, "90.00", 10, 100)
    assert error.value.code == "bid_exists"
    assert _written() == before

    revised = bid_revise(
        tender=tender,
        venture=owner_venture,
        actor=owner,
        unit_price=Decimal("95.50"),
        lead_time_days=8,
        capacity=120,
    )
    assert revised.revision == 2
    assert list(
        Bid.objects.filter(tender=tender)
        .order_by("revision")
        .values_list("revision", "unit_price", "is_current")
    ) == [(1, Decimal("100.00"), False), (2, Decimal("95.50"), True)]
    assert tender.bid_count == 1

    bid_withdraw(tender=tender, venture=owner_venture, actor=owner)
    again = _bid(tender, owner_venture, owner, "93.00", 8, 120)
    assert (again.revision, again.status, tender.bid_count) == (3, BidStatus.ACTIVE, 1)


def test_public_trace_rows_never_hold_bid_content(owner: Any, owner_venture: Any) -> None:
    tender = tender_make()
    _bid(tender, owner_venture, owner, "100.00", 10, 100)
    public = AuditEvent.objects.get(type="contention.bid.submitted")
    assert (public.is_public, public.actor, public.data) == (True, None, {"bid_count": 1})
    private = AuditEvent.objects.get(type="contention.bid.submitted_detail")
    assert private.is_public is False


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"unit_price": "-1.00"}, "invalid_price"),
        ({"unit_price": "0"}, "invalid_price"),
        ({"unit_price": "abc"}, "invalid_price"),
        ({"unit_price": "1.001"}, "invalid_price"),
        ({"capacity": 0}, "invalid_capacity"),
        ({"lead_time_days": -1}, "invalid_lead_time"),
        ({"plan": "x" * 4001}, "too_long"),
        ({"bet_target": "-5"}, "invalid_bet_target"),
    ],
)
def test_bad_bid_input_is_refused_and_writes_nothing(
    owner: Any, owner_venture: Any, fields: dict[str, Any], code: str
) -> None:
    tender = tender_make()
    values: dict[str, Any] = {
        "unit_price": "100.00",
        "lead_time_days": 10,
        "capacity": 10,
        "plan": "",
    }
    values.update(fields)
    before = _written()
    with pytest.raises(DomainError) as error:
        bid_submit(tender=tender, venture=owner_venture, actor=owner, **values)
    assert error.value.code == code
    assert _written() == before


def test_bid_after_close_is_refused(owner: Any, operator: Any, owner_venture: Any) -> None:
    tender = tender_make()
    tender_close(tender=tender, actor=operator)
    before = _written()
    with pytest.raises(DomainError) as error:
        _bid(tender, owner_venture, owner, "100.00", 10, 10)
    assert error.value.code == "bidding_closed"
    assert _written() == before


def test_bid_after_deadline_before_sweep_is_refused(owner: Any, owner_venture: Any) -> None:
    tender = tender_make(closes_in=timedelta(hours=1))
    with (
        time_machine.travel(timezone.now() + timedelta(hours=2)),
        pytest.raises(DomainError) as error,
    ):
        _bid(tender, owner_venture, owner, "100.00", 10, 10)
    assert error.value.code == "bidding_closed"
    assert Bid.objects.count() == 0


def test_bid_before_opening_is_refused(owner: Any, owner_venture: Any) -> None:
    tender = tender_make(opens_in=timedelta(hours=1))
    assert tender.status == TenderStatus.PUBLISHED
    with pytest.raises(DomainError) as error:
        _bid(tender, owner_venture, owner, "100.00", 10, 10)
    assert error.value.code == "not_yet_open"


def test_non_eligible_venture_is_refused(owner: Any, rival: Any) -> None:
    garden = venture_found(founder=rival, name="Garden Tools Co", categories=["garden"])
    venture_found(founder=owner, name="Kitchen Co", categories=["kitchen"])
    tender = tender_make(categories=["kitchen"])
    before = _written()
    with pytest.raises(DomainError) as error:
        _bid(tender, garden, rival, "100.00", 10, 10)
    assert (error.value.code, error.value.status) == ("not_eligible", 403)
    assert _written() == before


def test_minimum_rating_refuses_a_venture_without_record(owner: Any, owner_venture: Any) -> None:
    tender = tender_make(minimum_rating=Decimal("3.5"))
    with pytest.raises(DomainError) as error:
        _bid(tender, owner_venture, owner, "100.00", 10, 10)
    assert error.value.code == "not_eligible"


def test_non_member_cannot_bid_for_a_venture(rival: Any, owner_venture: Any) -> None:
    tender = tender_make()
    before = _written()
    with pytest.raises(DomainError) as error:
        _bid(tender, owner_venture, rival, "100.00", 10, 10)
    assert error.value.code == "not_member"
    assert _written() == before


def test_only_an_operator_creates_tenders(owner: Any) -> None:
    before = _written()
    with pytest.raises(DomainError) as error:
        tender_make(created_by=owner)
    assert error.value.code == "not_operator"
    assert _written() == before


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"quantity": 0}, "invalid_quantity"),
        ({"title": ""}, "blank"),
        ({"subject_type": "haircut"}, "subject_type_unknown"),
        ({"categories": ["nowhere"]}, "category_unknown"),
        ({"closes_in": timedelta(minutes=-2)}, "invalid_window"),
        ({"rule": {"version": 1}}, "invalid_rule"),
    ],
)
def test_bad_tender_input_is_refused(operator: Any, fields: dict[str, Any], code: str) -> None:
    before = _written()
    with pytest.raises(DomainError) as error:
        tender_make(created_by=operator, **fields)
    assert error.value.code == code
    assert _written() == before


def test_rule_changes_only_while_draft(operator: Any) -> None:
    tender = tender_make(created_by=operator, publish=False)
    other = ScoringRule(
        version=1, criteria=(Criterion("unit_price", Decimal("1"), Direction.LOWER_IS_BETTER),)
    )
    tender_rule_set(tender=tender, rule=other, actor=operator)
    assert tender.rule_fingerprint == other.fingerprint()
    tender_publish(tender=tender, actor=operator)
    with pytest.raises(DomainError) as error:
        tender_rule_set(tender=tender, rule=PRICE_AND_LEAD_TIME, actor=operator)
    assert error.value.code == "rule_frozen"
    tender.refresh_from_db()
    assert tender.rule_fingerprint == other.fingerprint()


def test_cancel_keeps_bids_sealed_and_refuses_close(
    owner: Any, operator: Any, owner_venture: Any
) -> None:
    tender = tender_make()
    _bid(tender, owner_venture, owner, "100.00", 10, 10)
    tender_cancel(tender=tender, actor=operator, reason="The demand was withdrawn.")
    assert tender.status == TenderStatus.CANCELLED
    with pytest.raises(DomainError) as error:
        tender_close(tender=tender, actor=operator)
    assert error.value.code == "tender_not_open"


def test_verify_matches_and_detects_tampering(
    owner: Any, rival: Any, operator: Any, owner_venture: Any, rival_venture: Any
) -> None:
    tender = tender_make(quantity=150)
    _bid(tender, owner_venture, owner, "100.00", 10, 100)
    _bid(tender, rival_venture, rival, "120.00", 5, 80)
    tender_close(tender=tender, actor=operator)
    verification = tender_verify(tender=tender)
    assert (verification.matches, verification.differences) == (True, [])

    Tender.objects.filter(pk=tender.pk).update(
        award={**_award(tender), "lines": [{**_award(tender)["lines"][0], "quantity": 150}]}
    )
    tender.refresh_from_db()
    verification = tender_verify(tender=tender)
    assert verification.matches is False
    assert verification.differences == [
        "lines[0].quantity: published 150, recomputed 100",
        "lines: published 1 entries, recomputed 2",
    ]


def test_verify_refuses_an_undecided_tender() -> None:
    with pytest.raises(DomainError) as error:
        tender_verify(tender=tender_make())
    assert error.value.code == "tender_not_awarded"


def test_sweep_opens_and_closes_what_is_due_once(owner: Any, owner_venture: Any) -> None:
    scheduled = tender_make(opens_in=timedelta(hours=1), closes_in=timedelta(hours=3))
    running = tender_make(closes_in=timedelta(hours=2))
    _bid(running, owner_venture, owner, "100.00", 10, 100)
    assert tenders_sweep() == {"opened": [], "closed": []}
    with time_machine.travel(timezone.now() + timedelta(hours=2, minutes=1)):
        assert tenders_sweep() == {"opened": [scheduled.number], "closed": [running.number]}
        assert tenders_sweep_task.call() == {"opened": [], "closed": []}
    running.refresh_from_db()
    scheduled.refresh_from_db()
    assert (running.status, scheduled.status) == (TenderStatus.AWARDED, TenderStatus.OPEN)
    assert AuditEvent.objects.filter(type="contention.tender.awarded").count() == 1


def test_platform_does_not_close_before_the_deadline() -> None:
    tender = tender_make()
    with pytest.raises(DomainError) as error:
        tender_close(tender=tender)
    assert error.value.code == "close_not_due"


def test_award_handler_runs_after_commit(
    owner: Any, operator: Any, owner_venture: Any, django_capture_on_commit_callbacks: Any
) -> None:
    seen: list[tuple[int, str]] = []

    def handler(*, tender: Tender) -> None:
        seen.append((tender.number, tender.status))

    # The orders app registers the real handler when it starts; stand in for it here.
    previous = award_handlers.handler_get("demand_production")
    award_handlers.unregister("demand_production")
    award_handlers.register("demand_production", handler)
    try:
        tender = tender_make()
        _bid(tender, owner_venture, owner, "100.00", 10, 100)
        with django_capture_on_commit_callbacks(execute=True):
            tender_close(tender=tender, actor=operator)
    finally:
        award_handlers.unregister("demand_production")
        if previous is not None:
            award_handlers.register("demand_production", previous)
    assert seen == [(tender.number, TenderStatus.AWARDED)]


def test_a_second_handler_for_one_subject_is_refused() -> None:
    def first(*, tender: Tender) -> None: ...

    def second(*, tender: Tender) -> None: ...

    # Stand in for the real handler (rules registers service_ticket) and put it back after.
    previous = award_handlers.handler_get("service_ticket")
    award_handlers.unregister("service_ticket")
    award_handlers.register("service_ticket", first)
    try:
        with pytest.raises(ValueError):
            award_handlers.register("service_ticket", second)
    finally:
        award_handlers.unregister("service_ticket")
        if previous is not None:
            award_handlers.register("service_ticket", previous)


def test_create_records_the_trace(operator: Any) -> None:
    tender = tender_create(
        subject_type="supply_rfq",
        subject_uid=__import__("uuid").uuid4(),
        title="Compressors for batch 4",
        requirements="R600a compressors",
        quantity=40,
        opens_at=timezone.now(),
        closes_at=timezone.now() + timedelta(days=1),
        rule=PRICE_AND_LEAD_TIME.to_dict(),
        created_by=operator,
        venture_kinds=["supplier"],
    )
    assert (tender.number, tender.status, tender.venture_kinds) == (1, "draft", ["supplier"])
    assert AuditEvent.objects.filter(type="contention.tender.created").count() == 1
