"""Test state for route planning: a station, orders at it with chosen slots, delivery ventures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from heyi.designs.tests.factories import person_make
from heyi.logistics.models import Shipment, Station
from heyi.orders.models import Order, OrderStage
from heyi.products.models import Product
from heyi.products.services import product_create
from heyi.ventures.models import Venture, VentureKind
from heyi.ventures.services import venture_create

# Qingdao's station, and twelve delivery points 3–15 km around it with their slots: eight in the
# morning wave (09-12, 12-15), four in the afternoon (15-18, 18-21).
STATION = (36.0663, 120.3826)
POINTS: tuple[tuple[float, float, str], ...] = (
    (36.0900, 120.4100, "09-12"),
    (36.1200, 120.3900, "09-12"),
    (36.0400, 120.3500, "09-12"),
    (36.0700, 120.4500, "12-15"),
    (36.1000, 120.4300, "12-15"),
    (36.0200, 120.4000, "12-15"),
    (36.1100, 120.3300, "09-12"),
    (36.0500, 120.4200, "12-15"),
    (36.0800, 120.3600, "15-18"),
    (36.1300, 120.4100, "15-18"),
    (36.0300, 120.3700, "18-21"),
    (36.0600, 120.4400, "18-21"),
)


@dataclass
class World:
    station: Station
    product: Product
    buyer: Any
    day: date
    shipments: list[Shipment]


def station_make(
    name: str = "Qingdao", latitude: float = STATION[0], longitude: float = STATION[1]
) -> Station:
    return Station.objects.create(
        name=name,
        geonameid=1797929,
        latitude=latitude,
        longitude=longitude,
        places_served=12,
        population_served=3_000_000,
    )


def shipment_make(
    *,
    station: Station,
    product: Product,
    buyer: Any,
    number: int,
    latitude: float,
    longitude: float,
    day: date | None,
    window: str = "",
    stage: str = OrderStage.AT_STATION,
    volume_litres: int = 400,
    weight_kg: int = 80,
    promised_at: Any = None,
    maker: Venture | None = None,
) -> Shipment:
    """An order of `product` at (or heading to) the station, and its shipment, as model rows."""
    now = timezone.now()
    order = Order.objects.create(
        number=number,
        product=product,
        venture=maker if maker is not None else _maker(),
        user=buyer,
        quantity=1,
        unit_price=Decimal("1999.00"),
        total=Decimal("1999.00"),
        address=f"{number} Haier Road, Qingdao",
        latitude=Decimal(f"{latitude:.6f}"),
        longitude=Decimal(f"{longitude:.6f}"),
        stage=stage,
        stage_changed_at=now,
        delivery_date=day,
        delivery_window=window,
        delivery_promised_at=promised_at,
    )
    return Shipment.objects.create(
        order=order,
        station=station,
        station_km=5.0,
        volume_litres=volume_litres,
        weight_kg=weight_kg,
        at_station_at=now if stage == OrderStage.AT_STATION else None,
        delivery_code=f"{number % 1_000_000:06d}",
    )


def _maker() -> Venture:
    """The maker venture of every test order (an order leaves its maker before it ships)."""
    existing = Venture.objects.filter(slug="qingdao-fridge-works").first()
    if existing is not None:
        return existing
    founder = person_make("maker@example.com", "Maker Mei")
    return venture_create(
        actor=founder,
        name="Qingdao Fridge Works",
        kind=VentureKind.MAKER,
        mission="We make compact fridges.",
        city="Qingdao",
        capacity_per_day=40,
    )


def world_make(operator: Any, *, points: tuple[tuple[float, float, str], ...] = POINTS) -> World:
    """A station with one shipment per point, all due tomorrow in their slots."""
    station = station_make()
    product = product_create(
        actor=operator, name="Compact fridge 180 L", description="A fridge.", list_price="1999.00"
    )
    buyer = person_make("buyer@example.com", "Buyer Bo")
    day = timezone.localdate() + timedelta(days=1)
    shipments = [
        shipment_make(
            station=station,
            product=product,
            buyer=buyer,
            number=1000 + index,
            latitude=latitude,
            longitude=longitude,
            day=day,
            window=window,
        )
        for index, (latitude, longitude, window) in enumerate(points)
    ]
    return World(station, product, buyer, day, shipments)


def delivery_venture_make(email: str, name: str) -> tuple[Venture, Any]:
    founder = person_make(email, f"{name} founder")
    venture = venture_create(
        actor=founder,
        name=name,
        kind=VentureKind.DELIVERY,
        mission="We deliver appliances by van in Qingdao.",
        city="Qingdao",
        capacity_per_day=40,
    )
    return venture, founder
