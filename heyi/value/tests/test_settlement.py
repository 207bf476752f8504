"""Settlement of completed orders by their share rule: exact lines, the posting, idempotency,
the escrow at zero, the completion hook and what it does with orders the ledger never saw."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.ledger.models import Account, Posting, PostingKind, PostingLine, ShareRule
from heyi.ledger.services import Entry, posting_record, share_rule_for_tender, wallet_account
from heyi.logistics.models import FaultUnit
from heyi.logistics.tests.shipment_fixtures import network_make, stock_shipment
from heyi.orders.models import Order, OrderStage
from heyi.orders.order_services import order_advance
from heyi.value.facts import order_facts_build
from heyi.value.models import PayLine, Settlement, SplitLine
from heyi.value.services import order_settle
from heyi.value.tests.conftest import (
    ValueWorld,
    compensation_add,
    order_complete,
    order_deliver,
    order_escrow,
    order_pay,
    world_make,
)


def _lines(settlement: Settlement) -> list[tuple[str, str, str, str]]:
    rows = []
    for line in SplitLine.objects.filter(settlement=settlement).select_related("user", "venture"):
        who = line.user.name if line.user else line.venture.name if line.venture else "platform"
        rows.append((line.term, who, str(line.amount), line.basis))
    return rows


def _posting_lines(posting_id: int) -> dict[str, tuple[str, str]]:
    return {
        line.account.name: (str(line.amount), line.term)
        for line in PostingLine.objects.filter(posting_id=posting_id).select_related("account")
    }


def test_a_made_to_order_order_is_split_exactly(completed_world: ValueWorld) -> None:
    world = completed_world
    settlement = Settlement.objects.get()
    assert (settlement.order_id, settlement.venture_id, settlement.total) == (
        world.order.pk,
        world.venture.pk,
        Decimal("7998.00"),
    )
    contract = f"SC{world.contract.number}" if world.contract else ""
    assert _lines(settlement) == [
        ("platform_fee", "platform", "399.90", "5% × 7998.00"),
        ("author_royalty", "Owner Olivia", "79.98", "1% × 7998.00"),
        ("designer_royalty", "Designer Dai", "239.94", "3% × 7998.00 ÷ 1"),
        ("delivery_fee", "Laoshan Vans", "30.00", "20 + 5 × 2"),
        ("supplier_cost", "Cool Parts", "399.60", f"{contract}: 399.60 × 2 ÷ 2"),
        ("maker_price", "Maker Works 1", "6000.00", "3000.00 × 2"),
        ("maker_supplies", "Maker Works 1", "-399.60", "the supplier costs, 399.60"),
        ("maker_surplus", "Maker Works 1", "624.09", "50% × 1248.18"),
        ("compensation", "Laoshan Vans", "-12.50", "12.50 owed to the user"),
        ("compensation_recovered", "platform", "12.50", "from Laoshan Vans"),
        ("platform_margin", "platform", "624.09", "7998.00 − the terms above"),
    ]
    posting = Posting.objects.get(kind=PostingKind.SETTLEMENT)
    assert settlement.posting_id == posting.pk
    assert (posting.idempotency_key, posting.order_uid) == (
        f"order:{world.order.uid}:settle",
        world.order.uid,
    )
    assert _posting_lines(posting.pk) == {
        f"Escrow of O{world.order.number}": ("-7998.00", "order_total"),
        "The platform": ("1036.49", "platform_margin"),
        "Wallet of Owner Olivia": ("79.98", "author_royalty"),
        "Wallet of Designer Dai": ("239.94", "designer_royalty"),
        "Laoshan Vans": ("17.50", "delivery_fee"),
        "Cool Parts": ("399.60", "supplier_cost"),
        "Maker Works 1": ("6224.49", "maker_price"),
    }
    assert Account.objects.get(key=f"escrow:order:{world.order.uid}").balance == Decimal("0.00")
    assert Account.objects.get(key=f"venture:{world.supplier.uid}").kind == "supplier"
    # The order's tender rule (frozen on first use) is the rule it was settled by.
    assert settlement.share_rule == ShareRule.objects.get(tender_uid=world.order.tender_uid)
    event = AuditEvent.objects.get(type="value.order.settled")
    assert (event.subject_uid, event.is_public) == (world.order.uid, False)


def test_the_tender_rule_published_before_the_award_is_the_one_used(
    owner: Any, operator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world = world_make(owner, operator, django_capture_on_commit_callbacks, supply=False)
    assert world.order.tender_uid is not None
    rule = share_rule_for_tender(tender_uid=world.order.tender_uid)
    terms = {**rule.terms, "platform_fee_percent": "10"}
    ShareRule.objects.filter(pk=rule.pk).update(terms=terms)
    order_pay(world.order)
    order_complete(world)
    settlement = Settlement.objects.get()
    fee = SplitLine.objects.get(settlement=settlement, term="platform_fee")
    assert (fee.amount, fee.basis) == (Decimal("799.80"), "10% × 7998.00")
    assert settlement.share_rule_id == rule.pk


def test_a_stock_order_goes_to_the_platform(operator: Any) -> None:
    network = network_make(operator)
    shipment = stock_shipment(network, total="1999.00")
    order = shipment.order
    Order.objects.filter(pk=order.pk).update(stage=OrderStage.COMPLETED)
    order.refresh_from_db()
    facts = order_facts_build(order=order).facts
    assert (facts.maker, facts.author, facts.designers, facts.supplies, facts.delivery) == (
        None,
        None,
        (),
        (),
        None,
    )
    order_pay(order)
    settlement = order_settle(order=order)
    assert settlement.venture is None
    assert _lines(settlement) == [
        ("platform_fee", "platform", "99.95", "5% × 1999.00"),
        ("delivery_fee", "platform", "25.00", "20 + 5 × 1"),
        ("platform_margin", "platform", "1874.05", "1999.00 − the terms above"),
    ]
    assert _posting_lines(settlement.posting_id) == {
        f"Escrow of O{order.number}": ("-1999.00", "order_total"),
        "The platform": ("1999.00", "platform_margin"),
    }
    assert settlement.share_rule.scope == "default_standard"
    assert order_escrow(order).balance == Decimal("0.00")


def test_settling_twice_posts_once(completed_world: ValueWorld) -> None:
    first = Settlement.objects.get()
    counts = (Posting.objects.count(), PostingLine.objects.count(), SplitLine.objects.count())
    again = order_settle(order=completed_world.order)
    assert again.pk == first.pk
    assert (
        Posting.objects.count(),
        PostingLine.objects.count(),
        SplitLine.objects.count(),
    ) == counts
    assert Posting.objects.filter(kind=PostingKind.SETTLEMENT).count() == 1


def test_only_a_completed_order_is_settled(value_world: ValueWorld) -> None:
    with pytest.raises(DomainError) as raised:
        order_settle(order=value_world.order)
    assert (raised.value.code, raised.value.status) == ("order_not_completed", 409)
    assert Settlement.objects.count() == 0


def test_completing_an_order_the_ledger_never_saw_settles_nothing(operator: Any) -> None:
    """Paid before the ledger (or never): no money ever went into its escrow, so the completion
    goes on without a settlement and the audit trail says so."""
    network = network_make(operator)
    order = stock_shipment(network, total="1999.00").order
    Order.objects.filter(pk=order.pk).update(stage=OrderStage.DELIVERED, paid_at=None)
    order.refresh_from_db()
    order = order_advance(order=order, actor=network.buyer, to_stage="completed")
    assert order.stage == OrderStage.COMPLETED
    assert Settlement.objects.count() == 0
    assert Posting.objects.filter(kind=PostingKind.SETTLEMENT).count() == 0
    event = AuditEvent.objects.get(type="value.order.settlement_skipped")
    assert event.subject_uid == order.uid


def test_an_escrow_short_of_the_total_refuses_the_completion(
    owner: Any, operator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world = world_make(owner, operator, django_capture_on_commit_callbacks, supply=False)
    order_pay(world.order)
    escrow = order_escrow(world.order)
    posting_record(
        idempotency_key=f"order:{world.order.uid}:part-refund",
        kind=PostingKind.REFUND,
        memo="Part given back",
        entries=[
            Entry(escrow, Decimal("-100.00")),
            Entry(wallet_account(user=world.buyer), Decimal("100.00")),
        ],
    )
    order = order_deliver(world)
    before = (Posting.objects.count(), AuditEvent.objects.count())
    with pytest.raises(DomainError) as raised:
        order_advance(order=order, actor=world.buyer, to_stage="completed")
    assert (raised.value.code, raised.value.status) == ("posting_overdrawn", 409)
    assert "holds 7898.00 CNY, not the order's total of 7998.00" in raised.value.message
    order.refresh_from_db()
    assert order.stage == OrderStage.DELIVERED
    assert (Posting.objects.count(), AuditEvent.objects.count()) == before
    assert Settlement.objects.count() == PayLine.objects.count() == 0


def test_compensation_at_a_station_is_borne_by_the_platform(
    owner: Any, operator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world = world_make(owner, operator, django_capture_on_commit_callbacks, supply=False)
    compensation_add(world, amount="40.00", fault=FaultUnit.STATION, venture=None)
    order_pay(world.order)
    order_complete(world)
    settlement = Settlement.objects.get()
    terms = [line[0] for line in _lines(settlement)]
    assert "compensation" not in terms and "compensation_recovered" not in terms
    maker = SplitLine.objects.get(settlement=settlement, term="maker_surplus")
    # 7998 − 399.90 − 79.98 − 239.94 − 30.00 (the platform delivers: no route) − 6000.00
    assert (maker.amount, maker.basis) == (Decimal("624.09"), "50% × 1248.18")
    delivery = SplitLine.objects.get(settlement=settlement, term="delivery_fee")
    assert (delivery.party, delivery.amount) == ("platform", Decimal("30.00"))


def test_an_order_keeps_the_rule_in_force_when_it_was_placed(operator: Any) -> None:
    """The order's own share rule wins over the rates published after it was placed."""
    from heyi.ledger.services import share_rule_publish
    from heyi.ledger.share import ShareTerms

    placed_under = share_rule_publish(
        scope="default_standard",
        terms=ShareTerms(platform_fee_percent=Decimal("8")),
        actor=operator,
    )
    network = network_make(operator)
    order = stock_shipment(network, total="1999.00").order
    Order.objects.filter(pk=order.pk).update(stage=OrderStage.COMPLETED, share_rule=placed_under)
    share_rule_publish(
        scope="default_standard",
        terms=ShareTerms(platform_fee_percent=Decimal("2")),
        actor=operator,
    )
    order.refresh_from_db()
    order_pay(order)
    settlement = order_settle(order=order)
    assert settlement.share_rule_id == placed_under.pk
    assert _lines(settlement)[0] == ("platform_fee", "platform", "159.92", "8% × 1999.00")
