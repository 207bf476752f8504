"""Test state for shipment steps and compensations: a centre and a station as model rows, stock
and made-to-order orders with their shipments, and a route driven by a delivery venture."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.utils import timezone

from heyi.designs.tests.factories import person_make
from heyi.logistics.models import (
    DistributionCentre,
    Route,
    RoutePlan,
    RouteStatus,
    RouteStop,
    Shipment,
    Station,
    Stock,
)
from heyi.logistics.tests.route_fixtures import delivery_venture_make, station_make
from heyi.orders.models import Fulfilment, Order, OrderStage, SampleStatus
from heyi.orders.tests.standard_factories import maker_make, product_make
from heyi.products.models import Product
from heyi.ventures.models import Venture

CODE = "482915"


@dataclass
class Network:
    centre: DistributionCentre
    station: Station
    product: Product
    stock: Stock
    buyer: Any


def network_make(operator: Any) -> Network:
    """The Qingdao centre holding 5 fridges, a station near it, and a buyer."""
    centre = DistributionCentre.objects.create(
        name="Qingdao",
        geonameid=1797929,
        latitude=36.0663,
        longitude=120.3826,
        population=3_000_000,
    )
    station = station_make(name="Laoshan", latitude=36.1072, longitude=120.4689)
    product = product_make(operator)
    stock = Stock.objects.create(centre=centre, product=product, on_hand=5, reserved=0)
    buyer = person_make("buyer@example.com", "Buyer Bo")
    return Network(centre, station, product, stock, buyer)


def _order(
    network: Network,
    *,
    number: int,
    fulfilment: str,
    stage: str,
    promised_at: datetime,
    total: str,
    venture: Venture | None = None,
    promised_by: datetime | None = None,
) -> Order:
    now = timezone.now()
    return Order.objects.create(
        number=number,
        product=network.product,
        venture=venture,
        user=network.buyer,
        quantity=1,
        unit_price=Decimal(total),
        total=Decimal(total),
        address="8 Haier Road, Qingdao",
        latitude=Decimal("36.110000"),
        longitude=Decimal("120.470000"),
        stage=stage,
        stage_changed_at=now,
        paid_at=now,
        fulfilment=fulfilment,
        delivery_promised_at=promised_at,
        promised_by=promised_by,
        delivery_date=timezone.localdate() + timedelta(days=1),
        delivery_window="09-12",
        sample_status=SampleStatus.APPROVED if venture is not None else "",
    )


def stock_shipment(
    network: Network, *, number: int = 101, total: str = "1999.00", hours: int = 24
) -> Shipment:
    """A paid stock order, confirmed, promised `hours` from now, with its unit reserved."""
    Stock.objects.filter(pk=network.stock.pk).update(reserved=F("reserved") + 1)
    order = _order(
        network,
        number=number,
        fulfilment=Fulfilment.STOCK,
        stage=OrderStage.CONFIRMED,
        promised_at=timezone.now() + timedelta(hours=hours),
        total=total,
    )
    return Shipment.objects.create(
        order=order,
        centre=network.centre,
        station=network.station,
        station_km=1.2,
        centre_km=8.8,
        stock=network.stock,
        reserved_quantity=1,
        volume_litres=400,
        weight_kg=80,
        delivery_code=CODE,
    )


@dataclass
class Made:
    shipment: Shipment
    venture: Venture
    maker: Any


def made_to_order_shipment(
    network: Network, *, number: int = 201, total: str = "150.00", days: int = 10
) -> Made:
    """A paid made-to-order order at quality check (sample approved, slot chosen), its maker due
    in `days - 1` days and the user promised in `days`, and its shipment through the station."""
    venture, maker = maker_make("Cold Works", capacity=5)
    now = timezone.now()
    order = _order(
        network,
        number=number,
        fulfilment=Fulfilment.MADE_TO_ORDER,
        stage=OrderStage.QUALITY_CHECKED,
        promised_at=now + timedelta(days=days),
        promised_by=now + timedelta(days=days - 1),
        total=total,
        venture=venture,
    )
    shipment = Shipment.objects.create(
        order=order,
        centre=network.centre,
        station=network.station,
        station_km=1.2,
        centre_km=8.8,
        volume_litres=400,
        weight_kg=80,
        delivery_code=CODE,
    )
    return Made(shipment, venture, maker)


@dataclass
class Crew:
    route: Route
    venture: Venture
    founder: Any
    driver: Any


def route_put(
    shipment: Shipment,
    *,
    email: str = "vans@example.com",
    name: str = "Laoshan Vans",
    wave: str = "morning",
) -> Crew:
    """The shipment as stop 1 of route 1 of the station's wave today, assigned to a delivery
    venture with a named driver (not one of its members)."""
    venture, founder = delivery_venture_make(email, name)
    driver = person_make(f"driver.{email}", "Driver Du")
    now = timezone.now()
    plan = RoutePlan.objects.create(
        station=shipment.station,
        date=timezone.localdate(),
        wave=wave,
        stops=1,
        vehicles=1,
        distance_m=12_000,
        seconds=0.1,
        objective="distance",
    )
    route = Route.objects.create(
        plan=plan,
        number=1,
        vehicle="Light van 1",
        capacity_volume_litres=6000,
        capacity_weight_kg=1200,
        starts_at=now,
        ends_at=now + timedelta(hours=4),
        distance_m=12_000,
        load_volume_litres=shipment.volume_litres,
        load_weight_kg=shipment.weight_kg,
        status=RouteStatus.ASSIGNED,
        venture=venture,
        driver=driver,
    )
    RouteStop.objects.create(
        route=route,
        shipment=shipment,
        position=1,
        window_start=now,
        window_end=now + timedelta(hours=3),
        planned_arrival=now + timedelta(hours=1),
    )
    return Crew(route, venture, founder, driver)
