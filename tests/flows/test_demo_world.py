"""The demo world loads through the real services and holds what the README promises."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.contrib.auth import authenticate

from heyi.accounts.models import User
from heyi.contention.models import DailyRun, Tender
from heyi.contention.services import tender_verify
from heyi.core.models import AuditEvent
from heyi.demands.models import Demand
from heyi.demo import data
from heyi.demo.world import STANDARD_DAYS, demo_world_load, demo_world_sign_ins
from heyi.designs.models import Proposal, Selection, Vote
from heyi.logistics.models import DistributionCentre, NetworkBuild, Station
from heyi.orders.models import Order, PreOrderCampaign
from heyi.products.models import Product
from heyi.supply.models import BomLine, CatalogueItem, Rfq, SupplyContract
from heyi.ventures.models import Venture

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
    assert statuses == Counter(seed.status for seed in data.DEMANDS)
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
    waiting = Order.objects.filter(product__isnull=False, venture__isnull=True)
    assert set(waiting.values_list("stage", flat=True)) == {"placed", "paid", "cancelled"}
    standard_stages = set(
        Order.objects.filter(venture__isnull=False, product__isnull=False).values_list(
            "stage", flat=True
        )
    )
    assert {"confirmed", "in_production", "out_for_delivery", "completed"} <= standard_stages

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

    # Every demo account signs in with the published password.
    sign_ins = demo_world_sign_ins()
    for _key, email in sign_ins["accounts"]:
        assert authenticate(username=email, password=sign_ins["password"]) is not None, email

    # Loading again changes nothing.
    events = AuditEvent.objects.count()
    assert demo_world_load() == "The demo world is already loaded (use --reset to load it anew)."
    assert AuditEvent.objects.count() == events
