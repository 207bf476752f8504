"""Members' pay: the venture's published pay rule, its exact split by steps or in equal parts,
the posting from the venture to its members, the people–order–pay table and who may see it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from heyi.contention.tests.factories import venture_found
from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.ledger.models import Account, Posting, PostingKind, PostingLine
from heyi.orders.models import Order, OrderStage
from heyi.value.models import PayLine, PayRule, Settlement
from heyi.value.selectors import pay_table
from heyi.value.services import order_settle, pay_rule_publish, pay_shares
from heyi.value.tests.conftest import ValueWorld, order_complete, order_pay


def _pay() -> list[tuple[str, int, str]]:
    return [
        (line.user.name, line.steps, str(line.amount))
        for line in PayLine.objects.select_related("user").order_by("-amount", "user_id")
    ]


def test_pay_shares_by_steps_rounds_down_and_gives_the_rest_to_the_most_steps() -> None:
    shares = pay_shares(pool=Decimal("622.45"), steps={7: 4, 3: 2}, basis="steps", currency="CNY")
    assert shares == {7: Decimal("414.97"), 3: Decimal("207.48")}


def test_pay_shares_in_equal_parts_ties_go_to_the_lowest_user_id() -> None:
    shares = pay_shares(
        pool=Decimal("100.00"), steps={9: 1, 4: 1, 6: 1}, basis="equal", currency="CNY"
    )
    assert shares == {4: Decimal("33.34"), 6: Decimal("33.33"), 9: Decimal("33.33")}
    shares = pay_shares(pool=Decimal("0.01"), steps={9: 1, 4: 5}, basis="equal", currency="CNY")
    assert shares == {4: Decimal("0.01")}


def test_pay_shares_of_nothing_is_nothing() -> None:
    assert pay_shares(pool=Decimal("0"), steps={1: 1}, basis="steps", currency="CNY") == {}
    assert pay_shares(pool=Decimal("5.00"), steps={}, basis="steps", currency="CNY") == {}


def test_members_are_paid_by_the_steps_they_recorded(value_world: ValueWorld) -> None:
    world = value_world
    pay_rule_publish(
        venture=world.venture, actor=world.member, pool_percent="10", basis="steps", note="v1"
    )
    order_complete(world)
    # The maker's net is ¥6,224.49; 10% is ¥622.45; the founder recorded 4 steps (sourcing,
    # production, quality check, shipping), the second member 2 (station, out for delivery).
    assert _pay() == [("Maker 1", 4, "414.97"), ("Member Mei", 2, "207.48")]
    posting = Posting.objects.get(kind=PostingKind.MEMBER_PAY)
    assert posting.idempotency_key == f"order:{world.order.uid}:members-pay"
    lines = {
        line.account.key: line.amount
        for line in PostingLine.objects.filter(posting=posting).select_related("account")
    }
    assert lines == {
        f"venture:{world.venture.uid}": Decimal("-622.45"),
        f"wallet:{world.maker.uid}": Decimal("414.97"),
        f"wallet:{world.member.uid}": Decimal("207.48"),
    }
    assert Account.objects.get(key=f"venture:{world.venture.uid}").balance == Decimal("5602.04")
    assert {line.posting_id for line in PayLine.objects.all()} == {posting.pk}
    # Settling again pays nobody twice.
    order_settle(order=world.order)
    assert Posting.objects.filter(kind=PostingKind.MEMBER_PAY).count() == 1
    assert PayLine.objects.count() == 2


def test_in_equal_parts_among_those_who_worked_on_it(value_world: ValueWorld) -> None:
    world = value_world
    pay_rule_publish(venture=world.venture, actor=world.maker, pool_percent="10", basis="steps")
    pay_rule_publish(venture=world.venture, actor=world.maker, pool_percent="10", basis="equal")
    order_complete(world)
    assert _pay() == [("Maker 1", 4, "311.23"), ("Member Mei", 2, "311.22")]
    assert {line.rule.basis for line in PayLine.objects.select_related("rule")} == {"equal"}


def test_when_nobody_recorded_a_step_the_members_share_equally(
    value_world: ValueWorld,
) -> None:
    world = value_world
    pay_rule_publish(venture=world.venture, actor=world.maker, pool_percent="10", basis="steps")
    # Completed with only the platform's steps on record (placed, paid, confirmed).
    Order.objects.filter(pk=world.order.pk).update(stage=OrderStage.COMPLETED)
    world.order.refresh_from_db()
    order_pay(world.order)
    order_settle(order=world.order)
    # ¥622.45 in two: ¥311.22 each, the fen left to the founder (the lower user id).
    assert _pay() == [("Maker 1", 0, "311.23"), ("Member Mei", 0, "311.22")]


def test_no_pay_rule_keeps_the_net_in_the_venture(completed_world: ValueWorld) -> None:
    assert PayLine.objects.count() == 0
    assert Posting.objects.filter(kind=PostingKind.MEMBER_PAY).count() == 0
    assert Account.objects.get(key=f"venture:{completed_world.venture.uid}").balance == Decimal(
        "6224.49"
    )


@pytest.mark.parametrize(
    ("pool", "basis", "code"),
    [
        ("150", "steps", "pay_rule_invalid"),
        ("10.555", "steps", "pay_rule_invalid"),
        ("-1", "equal", "pay_rule_invalid"),
        ("abc", "equal", "pay_rule_invalid"),
        ("10", "seniority", "pay_rule_invalid"),
    ],
)
def test_a_bad_pay_rule_is_refused(
    value_world: ValueWorld, pool: str, basis: str, code: str
) -> None:
    with pytest.raises(DomainError) as raised:
        pay_rule_publish(
            venture=value_world.venture, actor=value_world.maker, pool_percent=pool, basis=basis
        )
    assert (raised.value.code, raised.value.status) == (code, 422)
    assert PayRule.objects.count() == 0


def test_who_may_publish_a_pay_rule(value_world: ValueWorld, rival: Any, operator: Any) -> None:
    venture_found(founder=rival, name="Rival Works", categories=["kitchen"])
    with pytest.raises(DomainError) as raised:
        pay_rule_publish(venture=value_world.venture, actor=rival, pool_percent="5", basis="equal")
    assert (raised.value.code, raised.value.status) == ("not_venture_member", 403)
    assert PayRule.objects.count() == 0
    assert not AuditEvent.objects.filter(type="value.pay_rule.published").exists()
    rule = pay_rule_publish(
        venture=value_world.venture, actor=operator, pool_percent="5", basis="equal"
    )
    assert (rule.pool_percent, rule.basis, rule.published_by) == (Decimal("5"), "equal", operator)


def _completed_with_rule(world: ValueWorld) -> None:
    pay_rule_publish(venture=world.venture, actor=world.member, pool_percent="10", basis="steps")
    order_complete(world)


def test_the_people_order_pay_table(value_world: ValueWorld) -> None:
    world = value_world
    _completed_with_rule(world)
    table = pay_table(venture=world.venture)
    assert [settlement.order.number for settlement in table.settlements] == [world.order.number]
    assert [(row.user.name, row.cells, row.total, row.all_orders) for row in table.rows] == [
        ("Maker 1", [Decimal("414.97")], Decimal("414.97"), Decimal("414.97")),
        ("Member Mei", [Decimal("207.48")], Decimal("207.48"), Decimal("207.48")),
    ]
    assert (table.column_totals, table.total) == ([Decimal("622.45")], Decimal("622.45"))


@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 401), ("buyer", 403), ("rival", 403), ("member", 200), ("operator", 200)],
)
def test_pay_api_over_every_caller(
    value_world: ValueWorld, api_as: Any, rival: Any, operator: Any, who: str, status: int
) -> None:
    world = value_world
    _completed_with_rule(world)
    caller = {
        "anonymous": None,
        "buyer": world.buyer,
        "rival": rival,
        "member": world.member,
        "operator": operator,
    }[who]
    api = api_as(caller)
    slug = world.venture.slug
    table = api.get(f"ventures/{slug}/pay")
    rules = api.get(f"ventures/{slug}/pay-rule")
    assert (table.status_code, rules.status_code) == (status, status)
    before = PayRule.objects.count()
    published = api.post(f"ventures/{slug}/pay-rule", {"pool_percent": "12.5", "basis": "equal"})
    if status != 200:
        assert published.status_code == status
        assert PayRule.objects.count() == before
        return
    assert table.json()["rows"] == [
        {
            "user_uid": str(world.maker.uid),
            "name": "Maker 1",
            "cells": ["414.97"],
            "total": "414.97",
            "all_orders": "414.97",
        },
        {
            "user_uid": str(world.member.uid),
            "name": "Member Mei",
            "cells": ["207.48"],
            "total": "207.48",
            "all_orders": "207.48",
        },
    ]
    assert table.json()["orders"][0]["pool"] == "622.45"
    assert rules.json()["current"]["pool_percent"] == "10.00"
    assert published.status_code == 201
    assert (published.json()["pool_percent"], published.json()["basis"]) == ("12.50", "equal")
    assert api.get(f"ventures/{slug}/pay-rule").json()["current"]["pool_percent"] == "12.50"


def test_a_bad_pay_rule_over_the_api_writes_nothing(value_world: ValueWorld, api_as: Any) -> None:
    response = api_as(value_world.maker).post(
        f"ventures/{value_world.venture.slug}/pay-rule", {"pool_percent": "101", "basis": "equal"}
    )
    assert (response.status_code, response.json()["code"]) == (422, "pay_rule_invalid")
    assert PayRule.objects.count() == 0


@pytest.mark.parametrize(
    ("who", "status"),
    [("buyer", 403), ("rival", 403), ("member", 200), ("operator", 200)],
)
def test_pay_page_over_every_caller(
    value_world: ValueWorld, rival: Any, operator: Any, who: str, status: int
) -> None:
    world = value_world
    _completed_with_rule(world)
    caller = {"buyer": world.buyer, "rival": rival, "member": world.member, "operator": operator}
    client = Client()
    client.force_login(caller[who])
    url = f"/ventures/{world.venture.slug}/pay/"
    response = client.get(url)
    assert response.status_code == status
    before = PayRule.objects.count()
    posted = client.post(url, {"pool_percent": "8", "basis": "equal", "note": "from v2"})
    if status != 200:
        assert posted.status_code == status
        assert PayRule.objects.count() == before
        return
    page = response.content.decode()
    assert 'id="people-order-pay"' in page
    assert "414.97" in page and "207.48" in page and "622.45" in page
    assert posted.status_code == 302
    assert PayRule.objects.order_by("-published_at", "-id")[0].pool_percent == Decimal("8")


def test_pay_page_sends_strangers_to_sign_in(value_world: ValueWorld) -> None:
    response = Client().get(f"/ventures/{value_world.venture.slug}/pay/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_pay_page_form_errors_are_shown(value_world: ValueWorld) -> None:
    client = Client()
    client.force_login(value_world.maker)
    response = client.post(
        f"/ventures/{value_world.venture.slug}/pay/", {"pool_percent": "120", "basis": "equal"}
    )
    assert response.status_code == 422
    assert "Ensure this value is less than or equal to 100." in response.content.decode()
    assert PayRule.objects.count() == 0


def test_a_settled_order_without_a_maker_pays_no_members(operator: Any) -> None:
    from heyi.logistics.tests.shipment_fixtures import network_make, stock_shipment

    network = network_make(operator)
    order = stock_shipment(network, total="1999.00").order
    Order.objects.filter(pk=order.pk).update(stage=OrderStage.COMPLETED)
    order.refresh_from_db()
    order_pay(order)
    settlement = order_settle(order=order)
    assert Settlement.objects.get().pk == settlement.pk
    assert PayLine.objects.count() == 0
