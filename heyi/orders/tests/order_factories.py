"""Test helpers for orders: pre-orders taken through a real production tender to its award."""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from heyi.contention.models import Tender
from heyi.contention.services import bid_submit, tender_close
from heyi.contention.tests.factories import venture_found
from heyi.demands.models import Demand
from heyi.designs.tests.factories import person_make
from heyi.orders import services
from heyi.orders.models import Order, PreOrder, PreOrderCampaign
from heyi.orders.order_services import order_advance
from heyi.orders.tests.factories import campaign_make, pre_order_demand, preorder_make
from heyi.ventures.models import Venture


@dataclass
class Awarded:
    demand: Demand
    campaign: PreOrderCampaign
    tender: Tender
    pre_orders: list[PreOrder]
    buyers: list[Any]
    ventures: list[Venture]
    makers: list[Any]


def png(name: str = "sample.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def tender_reached(author: Any, quantities: list[int]) -> tuple[Demand, PreOrderCampaign, Tender]:
    """A demand whose pre-orders (one buyer per quantity) reached the threshold: tender open."""
    demand = pre_order_demand(author)
    campaign = campaign_make(demand, author, threshold=sum(quantities))
    for index, quantity in enumerate(quantities, start=1):
        preorder_make(
            demand, person_make(f"buyer{index}@example.com", f"Buyer {index}"), quantity=quantity
        )
    opened = services.campaign_tender_open(campaign_id=campaign.pk)
    assert opened is not None and opened.tender_uid
    return demand, opened, Tender.objects.get(uid=opened.tender_uid)


def awarded(
    author: Any,
    operator: Any,
    quantities: list[int],
    bids: list[tuple[str, int]],
    capture: Any,
) -> Awarded:
    """Pre-orders of `quantities`, one maker venture per (unit price, capacity) bid, all with
    the same lead time, and the tender closed by the operator with the award handler run."""
    demand, campaign, tender = tender_reached(author, quantities)
    ventures, makers = [], []
    for index, (price, capacity) in enumerate(bids, start=1):
        maker = person_make(f"maker{index}@example.com", f"Maker {index}")
        venture = venture_found(founder=maker, name=f"Maker Works {index}", categories=["kitchen"])
        bid_submit(
            tender=tender,
            venture=venture,
            actor=maker,
            unit_price=Decimal(price),
            lead_time_days=20,
            capacity=capacity,
        )
        ventures.append(venture)
        makers.append(maker)
    with capture(execute=True):
        tender = tender_close(tender=tender, actor=operator)
    demand.refresh_from_db()
    campaign.refresh_from_db()
    pre_orders = list(PreOrder.objects.filter(campaign=campaign).order_by("number"))
    return Awarded(
        demand=demand,
        campaign=campaign,
        tender=tender,
        pre_orders=pre_orders,
        buyers=[p.user for p in pre_orders],
        ventures=ventures,
        makers=makers,
    )


def advance_as_maker(order: Order, maker: Any, *stages: str) -> Order:
    """Walk an order through stages as a member of its venture (a photo where one is needed)."""
    for stage in stages:
        photo = png() if stage == "quality_checked" else None
        order = order_advance(order=order, actor=maker, to_stage=stage, photo=photo)
    return order
