"""The demo world loads through the real services and holds what the README promises."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.db.models import Max, Min
from django.utils import timezone

from heyi.accounts.models import User
from heyi.contention.models import Bid, DailyRun, Tender
from heyi.contention.services import tender_verify
from heyi.core.models import AuditEvent
from heyi.demands.models import Demand
from heyi.demo import data
from heyi.demo.world import STANDARD_DAYS, demo_email, demo_world_load, demo_world_sign_ins
from heyi.designs.models import Proposal, Selection, Vote
from heyi.developers.models import AppGrant, DeveloperApp
from heyi.devices.models import Device
from heyi.investment.models import BetContract, FundingRound
from heyi.ledger.models import Account
from heyi.logistics.models import (
    Compensation,
    DistributionCentre,
    NetworkBuild,
    Route,
    RoutePlan,
    RouteStop,
    Shipment,
    Station,
    Stock,
)
from heyi.orders.models import Order, PreOrderCampaign
from heyi.products.models import Product
from heyi.rules.models import RuleFiring, ServiceTicket
from heyi.supply.models import BomLine, CatalogueItem, Rfq, SupplyContract
from heyi.value.models import PayLine, Settlement
from heyi.ventures.models import Venture
from heyi.webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db


def test_demo_world(settings: Any) -> None:
    summary = demo_world_load()
    assert summary.startswith("Demo world loaded in ")

    assert User.objects.count() == len(data.CAST) + 56
    assert Venture.objects.count() == len(data.VENTURES)
    assert set(Venture.objects.values_list("kind", flat=True)) == {
        "delivery",
        "design",
        "maker",
        "service",
        "supplier",
    }
    statuses = Counter(Demand.objects.values_list("status", flat=True))
    # Plus one open demand that an operator's rule raised from a washer's leak alarm.
    assert statuses == Counter(seed.status for seed in data.DEMANDS) + Counter({"open": 1})
    assert set(statuses) == {
        "open",
        "co_design",
        "pre_order",
        "contention",
        "in_production",
        "delivered",
        "closed",
        "declined",
    }
    assert set(Demand.objects.values_list("category__slug", flat=True)) == {
        slug for slug, _ in data.CATEGORIES
    }
    beyond_co_design = {"pre_order", "contention", "in_production", "delivered", "closed"}
    assert Selection.objects.count() == sum(1 for s in data.DEMANDS if s.status in beyond_co_design)
    for demand in Demand.objects.filter(status__in=beyond_co_design | {"co_design"}):
        assert Proposal.objects.filter(demand=demand).count() >= 2, demand
        assert Vote.objects.filter(round__demand=demand).exists(), demand
    for demand in Demand.objects.filter(status="declined"):
        assert demand.status_reason, demand

    # Past pre-order, every demand went through a tender; awarded ones recompute to their award.
    production = Tender.objects.filter(subject_type="demand_production")
    tender_statuses = Counter(production.values_list("status", flat=True))
    assert tender_statuses["open"] == sum(1 for s in data.DEMANDS if s.status == "contention")
    assert tender_statuses["awarded"] + tender_statuses["no_award"] == sum(
        1 for s in data.DEMANDS if s.status in beyond_co_design - {"pre_order", "contention"}
    )
    for tender in Tender.objects.filter(status="awarded"):  # production and supply alike
        assert tender_verify(tender=tender).matches, tender
    assert PreOrderCampaign.objects.count() == Selection.objects.count()
    # Awards became orders, which the demo moved along their stages.
    for tender in production.filter(status="awarded"):
        assert tender.demand_uid is not None
        ordered = Order.objects.filter(demand__uid=tender.demand_uid)
        assert sum(ordered.values_list("quantity", flat=True)) == tender.quantity, tender
    stages = set(Order.objects.values_list("stage", flat=True))
    assert {"confirmed", "in_production", "shipped", "delivered", "completed"} <= stages

    # Standard products: the makers' standing bids, a run every day, orders in every state.
    assert Product.objects.count() == len(data.PRODUCTS)
    runs = list(DailyRun.objects.order_by("number"))
    assert len(runs) == STANDARD_DAYS
    assert {run.solver_status for run in runs} == {"optimal"}
    assert (
        sum(run.allocated_count for run in runs)
        == Order.objects.filter(product__isnull=False, venture__isnull=False).count()
    )
    waiting = Order.objects.filter(
        product__isnull=False, venture__isnull=True, fulfilment="made_to_order"
    )
    # Waiting for a maker: placed (unpaid), paid after today's run, or cancelled before a run.
    assert (
        {"placed", "paid"}
        <= set(waiting.values_list("stage", flat=True))
        <= {"placed", "paid", "cancelled"}
    )
    standard_stages = set(
        Order.objects.filter(venture__isnull=False, product__isnull=False).values_list(
            "stage", flat=True
        )
    )
    assert {"confirmed", "in_production", "completed"} <= standard_stages
    # Orders served from stock have no maker; they were delivered within the day or are on
    # tomorrow's routes.
    stock_orders = Order.objects.filter(fulfilment="stock")
    assert not stock_orders.filter(venture__isnull=False).exists()
    assert {"confirmed", "delivered"} <= set(stock_orders.values_list("stage", flat=True))

    # Logistics: every order has its shipment (the network came first); each stock row's
    # reserved units are exactly those of the shipments still at the centre.
    assert Shipment.objects.count() == Order.objects.count()
    for stock in Stock.objects.all():
        holding = Shipment.objects.filter(stock=stock, left_centre_at__isnull=True)
        assert stock.reserved == sum(holding.values_list("reserved_quantity", flat=True)), stock
    # Every missed promise was compensated once, and only those.
    due = Order.objects.filter(
        paid_at__isnull=False, delivery_promised_at__lt=timezone.now() - timedelta(minutes=20)
    ).exclude(stage__in=["cancelled", "refunded"])
    late = [
        pk
        for pk, promised, delivered in due.values_list("pk", "delivery_promised_at", "delivered_at")
        if promised is not None and (delivered is None or delivered > promised)
    ]
    compensated = set(Compensation.objects.values_list("order_id", flat=True))
    assert late
    assert set(late) <= compensated
    for compensation in Compensation.objects.select_related("order"):
        order = compensation.order
        assert compensation.promised_at == order.delivery_promised_at
        assert order.delivery_promised_at is not None
        assert order.delivered_at is None or order.delivered_at > order.delivery_promised_at
        assert compensation.detected_at == order.delivery_promised_at + timedelta(minutes=5)
    # Tomorrow's deliveries at the home station, planned into routes within their windows.
    plans = list(RoutePlan.objects.order_by("wave"))
    assert [plan.wave for plan in plans] == ["afternoon", "morning"]
    tomorrow = Order.objects.filter(delivery_date=plans[0].date, fulfilment="stock")
    assert sum(plan.stops for plan in plans) == RouteStop.objects.count() == tomorrow.count()
    for stop in RouteStop.objects.all():
        assert stop.window_start <= stop.planned_arrival <= stop.window_end, stop
    first, second = Route.objects.filter(plan__wave="morning").order_by("number")[:2]
    assert first.venture is not None and first.driver is not None
    assert (first.status, first.venture.name, first.driver.email) == (
        "assigned",
        "Shandong Van Team",
        "courier@demo.heyi.localhost",
    )
    assert second.status == "tendered"
    assert Bid.objects.filter(tender__uid=str(second.tender_uid)).count() == 2

    # Suppliers' catalogue, bills of materials, one RFQ open and one awarded into contracts.
    assert CatalogueItem.objects.count() == 9
    assert BomLine.objects.count() == 19
    assert sorted(Rfq.objects.values_list("status", flat=True)) == ["awarded", "open"]
    assert SupplyContract.objects.count() == 2

    # The national network, its station covering proven optimal.
    build = NetworkBuild.objects.get()
    assert (DistributionCentre.objects.count(), build.status, build.gap) == (90, "optimal", 0.0)
    assert Station.objects.count() == build.stations == 524
    assert build.places_covered == build.places

    # Smart homes: every delivered smart order became devices, most bound, with their history;
    # the demo user controls a family fridge with weeks of readings and owns newer devices.
    user = User.objects.get(email=demo_email("user"))
    devices = Device.objects.all()
    assert devices.count() == sum(
        order.quantity for order in Order.objects.filter(devices__isnull=False).distinct()
    )
    bound = devices.filter(status="bound")
    assert bound.count() > devices.count() // 2
    with_history = bound.filter(readings__isnull=False).distinct().count()
    assert with_history >= bound.count() - 2  # bound in the last minutes: nothing to read yet
    fridge = Device.objects.get(shares__user=user, shares__role="control")
    span = fridge.readings.aggregate(first=Min("device_ts"), last=Max("device_ts"))
    assert span["last"] - span["first"] > timedelta(days=14)
    assert Device.objects.filter(owner=user).exists()
    # The open platform around them: the sample app in production with the user's consent and a
    # webhook, a test app, rules, and two operator rules that fired in the story.
    assert sorted(DeveloperApp.objects.values_list("name", "status")) == [
        ("Fridge Diary", "test"),
        ("Home Energy Coach", "production"),
    ]
    grant = AppGrant.objects.get(user=user, revoked_at__isnull=True)
    assert set(grant.devices.all()) == set(Device.objects.filter(owner=user))
    assert WebhookEndpoint.objects.filter(app__name="Home Energy Coach").count() == 1
    assert sorted(RuleFiring.objects.values_list("action", "status")) == [
        ("demand", "ok"),
        ("service_ticket", "ok"),
    ]
    raised = Demand.objects.get(title="A washer that shuts its own water off when it leaks")
    assert AuditEvent.objects.filter(
        demand_uid=raised.uid, type="rules.demand.raised_by_device"
    ).exists()
    ticket = ServiceTicket.objects.get()
    assert Bid.objects.filter(tender__uid=str(ticket.tender_uid)).count() == 1

    # The money: the books balance, every finished order's escrow is empty and every completed
    # order paid through the ledger was settled by its share rule, line by line.
    accounts = list(Account.objects.all())
    assert sum((account.balance for account in accounts), Decimal(0)) == Decimal(0)
    assert not [a for a in accounts if a.kind not in ("platform", "external") and a.balance < 0]
    finished = {
        str(uid)
        for uid in Order.objects.filter(stage__in=["completed", "refunded"]).values_list(
            "uid", flat=True
        )
    }
    assert not [
        a.key
        for a in accounts
        if a.kind == "escrow"
        and a.key.startswith("escrow:order:")
        and a.balance != 0
        and a.key.split(":")[2] in finished
    ]
    completed = Order.objects.filter(stage="completed")
    assert Settlement.objects.count() == completed.count()
    for settlement in Settlement.objects.prefetch_related("lines"):
        assert sum(line.amount for line in settlement.lines.all()) == settlement.total
    assert PayLine.objects.exists()
    # Rounds and bet contracts in every state, the spun-off venture through its round.
    assert sorted(FundingRound.objects.values_list("status", flat=True)) == [
        "cancelled",
        "closed",
        "failed",
        "open",
    ]
    assert Venture.objects.get(status="spun_off").cap_table_entries.count() == 2
    assert {"proposed", "active", "won", "lost", "cancelled"} == set(
        BetContract.objects.values_list("status", flat=True)
    )
    assert BetContract.objects.filter(source="award").exists()

    # Every demo account signs in with the published password.
    sign_ins = demo_world_sign_ins()
    for _key, email in sign_ins["accounts"]:
        assert authenticate(username=email, password=sign_ins["password"]) is not None, email

    # Loading again changes nothing.
    events = AuditEvent.objects.count()
    assert demo_world_load() == "The demo world is already loaded (use --reset to load it anew)."
    assert AuditEvent.objects.count() == events
