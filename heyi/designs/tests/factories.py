"""Test helpers for co-design: demands, fans, ventures, uploads and proposals made through services."""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from heyi.accounts.services import user_create
from heyi.core.models import Category
from heyi.demands.models import Demand, Fan
from heyi.demands.services import demand_raise, fan_add
from heyi.designs import services
from heyi.designs.models import Proposal
from heyi.designs.services import ModuleSpec, OptionSpec
from heyi.ventures.models import Membership, Venture
from heyi.ventures.services import join_request_approve, join_request_send, venture_create


def person_make(email: str, name: str = "") -> Any:
    return user_create(
        email=email, password="correct horse battery", display_name=name or email.split("@")[0]
    )


def demand_make(author: Any, *, selection_mode: str = "author", title: str = "") -> Demand:
    Category.objects.get_or_create(slug="kitchen", defaults={"name": "Kitchen"})
    return demand_raise(
        author=author,
        title=title or "A fridge drawer that keeps greens crisp for two weeks",
        description="My vegetables wilt after three days; I want them fresh for two weeks.",
        category="kitchen",
        selection_mode=selection_mode,
    )


def fan_make(demand: Demand, user: Any) -> Fan:
    return fan_add(demand=demand, user=user)


def venture_make(founder: Any, name: str = "Crisp Studio") -> Venture:
    return venture_create(actor=founder, name=name, kind="design", mission="We design drawers.")


def member_add(venture: Venture, user: Any) -> Membership:
    founder = venture.founded_by
    request = join_request_send(venture=venture, actor=user, message="Let me help.")
    return join_request_approve(join_request=request, actor=founder)


def picture_upload(name: str = "sketch.png", colour: str = "teal") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 10), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def text_upload(name: str = "sketch.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"not a picture at all\n", content_type="image/png")


MODULES = [
    ModuleSpec(name="Humidity drawer", quantity=2, description="sealed, 12 L"),
    ModuleSpec(name="Inverter compressor", quantity=1),
]
OPTIONS = [
    OptionSpec(group="Colour", value="Graphite", price_delta=Decimal("0"), is_default=True),
    OptionSpec(group="Colour", value="Red", price_delta=Decimal("120")),
    OptionSpec(group="Capacity", value="450 L", price_delta=Decimal("0"), is_default=True),
    OptionSpec(group="Capacity", value="350 L", price_delta=Decimal("-300")),
]


def proposal_make(
    demand: Demand,
    user: Any,
    *,
    title: str = "Two-drawer fresh keeper",
    base_price: Any = Decimal("3999.00"),
    modules: Sequence[ModuleSpec] = tuple(MODULES),
    options: Sequence[OptionSpec] = tuple(OPTIONS),
    pictures: Sequence[Any] = (),
    venture: Venture | None = None,
) -> Proposal:
    return services.proposal_post(
        demand=demand,
        user=user,
        title=title,
        description="Two humidity-controlled drawers under the main shelf.",
        base_price=base_price,
        modules=modules,
        options=options,
        pictures=pictures,
        venture=venture,
    )


def claimed_demand(author: Any, designer: Any, *, selection_mode: str = "author") -> Demand:
    """A demand in co-design with round 1 open and `designer` holding a claim."""
    demand = demand_make(author, selection_mode=selection_mode)
    services.claim_make(demand=demand, user=designer)
    demand.refresh_from_db()
    return demand
