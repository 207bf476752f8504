"""Loads the demo world through the real services: a seeded story of people, ventures and demands.

The story unfolds over the 120 days before the load: every service runs at its moment in that
story (time-machine moves the clock), so traces, histories and "newest" sorting read naturally.
The same seed gives the same world every time.
"""

from __future__ import annotations

import io
import math
import random
import textwrap
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

import time_machine
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from heyi.accounts.models import Role, User
from heyi.accounts.services import user_create
from heyi.contention.daily_services import standing_bid_set
from heyi.contention.selectors import tender_list
from heyi.contention.services import bid_submit, tender_close
from heyi.core.errors import DomainError
from heyi.core.services import category_ensure
from heyi.demands.models import Demand, DemandStatus, SelectionMode
from heyi.demands.services import (
    comment_post,
    demand_decline,
    demand_raise,
    demand_status_change,
    fan_add,
    support_add,
)
from heyi.demo import data
from heyi.demo.devices import demo_devices_add, demo_platform_add
from heyi.demo.events import demo_events_add
from heyi.demo.value import demo_investment_add, pay_rule_start, spin_off
from heyi.designs import services as designs
from heyi.designs.models import Proposal
from heyi.designs.selectors import configurator_get
from heyi.investment.models import BetContract, FundingRound
from heyi.investment.services import bets_from_award
from heyi.ledger.models import Posting
from heyi.logistics.fulfilment_services import stock_set
from heyi.logistics.models import DistributionCentre, Shipment
from heyi.logistics.route_services import route_assign, route_tender_open, wave_plan_make
from heyi.logistics.selectors import station_nearest
from heyi.logistics.services import network_build
from heyi.logistics.shipment_services import compensation_record, shipment_deliver, shipment_step
from heyi.orders import order_selectors, order_services
from heyi.orders.models import Fulfilment, Order
from heyi.orders.services import campaign_start, campaign_tender_open, preorder_place
from heyi.orders.stages import Stage
from heyi.orders.standard_services import daily_contention_run, standard_order_place
from heyi.products.models import Product
from heyi.products.services import product_create
from heyi.supply.demo import supply_demo_add
from heyi.value.models import Settlement
from heyi.ventures.models import Venture, VentureKind, VentureStatus
from heyi.ventures.services import (
    invitation_accept,
    invitation_send,
    join_request_approve,
    join_request_send,
    venture_create,
    venture_status_change,
)

SEED = 2015
QUIET_MAIL = "django.core.mail.backends.dummy.EmailBackend"
CENT = Decimal("0.01")
STORY_DAYS = 150
# How many days before the load a demand in each status was raised: older ones went further.
DAYS_BACK = {
    DemandStatus.OPEN: (1, 18),
    DemandStatus.CO_DESIGN: (22, 40),
    DemandStatus.PRE_ORDER: (40, 55),
    DemandStatus.CONTENTION: (50, 65),
    DemandStatus.IN_PRODUCTION: (60, 80),
    DemandStatus.DELIVERED: (75, 95),
    DemandStatus.CLOSED: (90, 110),
    DemandStatus.DECLINED: (25, 100),
}
RESIDENTS = 56
STATUS_ORDER = [
    DemandStatus.OPEN,
    DemandStatus.CO_DESIGN,
    DemandStatus.PRE_ORDER,
    DemandStatus.CONTENTION,
    DemandStatus.IN_PRODUCTION,
    DemandStatus.DELIVERED,
    DemandStatus.CLOSED,
]
CATEGORY_COLOURS = {
    "fridges": (46, 134, 193),
    "washing-machines": (93, 109, 126),
    "air-conditioners": (72, 201, 176),
    "water-heaters": (220, 118, 51),
    "kitchen": (203, 67, 53),
    "smart-home": (125, 60, 152),
    "air-water": (39, 174, 96),
    "dishwashers": (52, 73, 94),
}


def demo_email(key: str) -> str:
    return f"{key}@{data.DEMO_DOMAIN}"


def demo_world_sign_ins() -> dict[str, Any]:
    return {
        "password": data.DEMO_PASSWORD,
        "accounts": [(person.key, demo_email(person.key)) for person in data.CAST],
    }


class Clock:
    """The story's clock: moves forward by seeded steps and runs code at that moment.

    It never passes `limit` (the load's own time): a step that would is shortened to a second.
    """

    def __init__(self, start: datetime, rng: random.Random, limit: datetime) -> None:
        self.now = start
        self.rng = rng
        self.limit = limit

    def step(self, minutes_low: int = 3, minutes_high: int = 240) -> datetime:
        proposed = self.now + timedelta(minutes=self.rng.randint(minutes_low, minutes_high))
        self.now = proposed if proposed < self.limit else self.now + timedelta(seconds=1)
        return self.now

    def at(self, moment: datetime | None = None) -> Any:
        return time_machine.travel(moment or self.now, tick=False)


@dataclass
class World:
    rng: random.Random
    clock: Clock
    cast: dict[str, User] = field(default_factory=dict)
    residents: list[User] = field(default_factory=list)
    ventures: list[Venture] = field(default_factory=list)
    members: dict[int, list[User]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def people(self) -> list[User]:
        return [*self.cast.values(), *self.residents]

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


def picture(title: str, category: str, seed: int, caption: str = "") -> SimpleUploadedFile:
    """Draws a simple illustrated card for a demand or a design, as a PNG."""
    rng = random.Random(seed)
    colour = CATEGORY_COLOURS.get(category, (90, 90, 90))
    image = Image.new("RGB", (800, 500), colour)
    draw = ImageDraw.Draw(image)
    for _ in range(7):
        x, y = rng.randint(-100, 750), rng.randint(-100, 450)
        r = rng.randint(40, 220)
        shade = tuple(min(255, c + rng.randint(20, 60)) for c in colour)
        draw.ellipse((x, y, x + r, y + r), fill=shade)
    draw.rounded_rectangle((40, 300, 760, 470), radius=18, fill=(255, 255, 255))
    font = ImageFont.load_default(size=30)
    small = ImageFont.load_default(size=22)
    lines = textwrap.wrap(title, width=44)[:2]
    for i, line in enumerate(lines):
        draw.text((64, 318 + i * 38), line, fill=(30, 30, 30), font=font)
    if caption:
        draw.text((64, 432), caption, fill=(90, 90, 90), font=small)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return SimpleUploadedFile(f"demo-{seed}.png", buffer.getvalue(), content_type="image/png")


def _people(world: World, password_hash: str) -> None:
    for person in data.CAST:
        with world.clock.at(world.clock.step(1, 30)):
            user = user_create(
                email=demo_email(person.key),
                password=None,
                password_hash=password_hash,
                display_name=person.name,
                city=person.city,
                roles=[r for r in person.roles if r != Role.OPERATOR],
                is_staff=person.staff,
                email_verified=True,
            )
            if person.staff:
                from heyi.accounts.models import UserRole

                UserRole.objects.get_or_create(user=user, role=Role.OPERATOR)
                user.is_superuser = True
                user.save(update_fields=["is_superuser"])
        world.cast[person.key] = user
    names = [(g, f) for g in data.GIVEN_NAMES for f in data.FAMILY_NAMES]
    world.rng.shuffle(names)
    role_pool = [Role.USER] * 6 + [Role.MAKER] * 4 + [Role.SUPPLIER, Role.INVESTOR, Role.DEVELOPER]
    for index, (given, family) in enumerate(names[:RESIDENTS]):
        chinese = given in data.GIVEN_NAMES[:24]
        name = f"{family} {given}" if chinese else f"{given} {family}"
        roles = sorted({world.rng.choice(role_pool), world.rng.choice(role_pool)} - {Role.USER})
        with world.clock.at(world.clock.step(5, 600)):
            user = user_create(
                email=f"{given.lower()}.{family.lower()}.{index}@{data.DEMO_DOMAIN}".replace(
                    "á", "a"
                ),
                password=None,
                password_hash=password_hash,
                display_name=name,
                city=world.rng.choice(data.CITIES),
                roles=list(roles),
                email_verified=True,
            )
        world.residents.append(user)
    world.count("people", len(world.people))


def _makers(world: World) -> list[User]:
    return [u for u in world.residents if u.roles.filter(role=Role.MAKER).exists()]


def _ventures(world: World) -> None:
    makers = _makers(world)
    for index, seed in enumerate(data.VENTURES):
        founder = world.cast[seed.founder] if seed.founder else makers[index % len(makers)]
        with world.clock.at(world.clock.step(60, 900)):
            venture = venture_create(
                actor=founder,
                name=seed.name,
                kind=seed.kind,
                mission=seed.mission,
                city=seed.city,
                categories=list(seed.categories),
                capacity_per_day=seed.capacity,
            )
        members = [founder]
        candidates = [m for m in makers if m != founder]
        for invitee in world.rng.sample(
            candidates, k=min(len(candidates), world.rng.randint(2, 4))
        ):
            with world.clock.at(world.clock.step()):
                invitation = invitation_send(
                    venture=venture,
                    actor=founder,
                    invitee=invitee,
                    message="Come and build this with us.",
                )
            with world.clock.at(world.clock.step()):
                invitation_accept(invitation=invitation, actor=invitee)
            members.append(invitee)
        joiner = world.rng.choice([p for p in world.residents if p not in members])
        with world.clock.at(world.clock.step()):
            request = join_request_send(
                venture=venture,
                actor=joiner,
                message="I have worked on this kind of product for years.",
            )
        if index % 3 != 0:  # some requests stay pending for the members to decide
            with world.clock.at(world.clock.step()):
                join_request_approve(join_request=request, actor=world.rng.choice(members))
            members.append(joiner)
        # Each venture publishes how its members share what its orders earn.
        pay_rule_start(venture=venture, founder=founder, position=index, at=world.clock.now)
        if seed.status != VentureStatus.INCUBATING:
            path = {
                VentureStatus.ACCELERATING: [VentureStatus.ACCELERATING],
                VentureStatus.SPUN_OFF: [VentureStatus.ACCELERATING],
                VentureStatus.DISSOLVED: [VentureStatus.ACCELERATING, VentureStatus.DISSOLVED],
            }[VentureStatus(seed.status)]
            for status in path:
                with world.clock.at(world.clock.step(600, 3000)):
                    venture_status_change(venture=venture, actor=founder, status=status)
            if seed.status == VentureStatus.SPUN_OFF:
                # Spun off the only way there is: a funding round that raised all it sought.
                world.clock.now = spin_off(
                    venture=venture,
                    founder=founder,
                    investor=world.cast["investor"],
                    start=world.clock.step(600, 3000),
                )
                venture.refresh_from_db()
        world.ventures.append(venture)
        world.members[venture.pk] = members
    world.count("ventures", len(world.ventures))


def _designers_for(world: World, category: str) -> list[tuple[User, Venture | None]]:
    """Who claims a demand of this category: ventures that make or design it, and individuals."""
    result: list[tuple[User, Venture | None]] = []
    for venture in world.ventures:
        if venture.status == VentureStatus.DISSOLVED:
            continue
        if venture.kind not in (VentureKind.MAKER, VentureKind.DESIGN):
            continue
        if category in {c.slug for c in venture.categories.all()}:
            result.append((world.members[venture.pk][0], venture))
    if world.cast["designer"] not in [u for u, _ in result]:
        result.append((world.cast["designer"], None))
    makers = _makers(world)
    result.append((world.rng.choice(makers), None))
    return result


def _demand_life(world: World, seed: data.DemandSeed, index: int, authors: list[User]) -> None:
    rng = world.rng
    low, high = DAYS_BACK[DemandStatus(seed.status)]
    raised_at = world.clock.limit - timedelta(
        days=rng.randint(low, high), minutes=rng.randint(0, 900)
    )
    world.clock = Clock(raised_at, rng, world.clock.limit)
    author = world.cast[seed.author] if seed.author else authors[index % len(authors)]
    pictures = []
    if index % 2 == 0:
        pictures.append(picture(seed.title, seed.category, SEED + index, "sketch by the author"))
    with world.clock.at(world.clock.step(30, 600)):
        demand = demand_raise(
            author=author,
            title=seed.title,
            description=seed.description,
            category=seed.category,
            tags=list(seed.tags),
            pictures=pictures,
            selection_mode=seed.selection_mode,
        )
    world.count("demands")
    crowd = [p for p in world.people if p != author]
    fans = rng.sample(crowd, k=rng.randint(3, 24))
    for fan in fans:
        with world.clock.at(world.clock.step(2, 60)):
            fan_add(demand=demand, user=fan)
    supporters = rng.sample(crowd, k=rng.randint(2, 30))
    for supporter in supporters:
        note = rng.choice(["", "", "We need this at home.", "For my parents.", "Count me in."])
        with world.clock.at(world.clock.step(2, 60)):
            support_add(demand=demand, user=supporter, note=note)
    world.count("fans", len(fans))
    world.count("supports", len(supporters))
    for body in rng.sample(data.COMMENTS, k=rng.randint(1, 5)):
        with world.clock.at(world.clock.step(5, 300)):
            comment = comment_post(demand=demand, author=rng.choice(crowd), body=body)
        world.count("comments")
        if rng.random() < 0.4:
            with world.clock.at(world.clock.step(5, 300)):
                comment_post(
                    demand=demand,
                    author=author,
                    body=rng.choice(data.REPLIES),
                    parent_uid=comment.uid,
                )
            world.count("comments")

    target = DemandStatus(seed.status)
    if target == DemandStatus.DECLINED:
        reached_co_design = index % 2 == 0
        if reached_co_design:
            _co_design(world, demand, seed, author, fans, select=False, rounds=1)
        with world.clock.at(world.clock.step(60, 2000)):
            decliner = author if index % 4 else world.cast["operator"]
            demand_decline(demand=demand, actor=decliner, reason=seed.decline_reason)
        return
    if target == DemandStatus.OPEN:
        return
    selecting = STATUS_ORDER.index(target) >= STATUS_ORDER.index(DemandStatus.PRE_ORDER)
    _co_design(world, demand, seed, author, fans, select=selecting, rounds=1 + index % 2)
    if not selecting:
        return
    _pre_order_and_contend(world, demand, author, target)
    for status in STATUS_ORDER[STATUS_ORDER.index(DemandStatus.CONTENTION) + 1 :]:
        if STATUS_ORDER.index(status) > STATUS_ORDER.index(target):
            break
        demand.refresh_from_db()
        if STATUS_ORDER.index(DemandStatus(demand.status)) >= STATUS_ORDER.index(status):
            continue  # the award moved it to production already
        with world.clock.at(world.clock.step(600, 3000)):
            demand_status_change(demand=demand, to_status=status, actor=world.cast["operator"])


def _pre_order_and_contend(world: World, demand: Demand, author: User, target: str) -> None:
    """A pre-order campaign; past pre-order, the threshold opens a tender and makers bid."""
    rng = world.rng
    limit = world.clock.limit
    reach = target != DemandStatus.PRE_ORDER
    threshold = rng.choice([12, 16, 20, 24])
    with world.clock.at(world.clock.step(60, 600)):
        if target in (DemandStatus.PRE_ORDER, DemandStatus.CONTENTION):
            deadline = limit + timedelta(days=rng.randint(5, 20))
        else:
            deadline = world.clock.now + timedelta(days=21)
        campaign = campaign_start(
            demand=demand, user=author, threshold=threshold, deadline=deadline
        )
    configurator = configurator_get(demand=demand)
    buyers = [p for p in world.people if p != author]
    rng.shuffle(buyers)
    goal = threshold if reach else rng.randint(threshold // 4, threshold * 3 // 4)
    units = 0
    for buyer in buyers:
        if units >= goal:
            break
        quantity = min(rng.randint(1, 3), goal - units) if not reach else rng.randint(1, 3)
        if not reach and units + quantity >= threshold:
            break
        chosen = {group.name: rng.choice(group.options).value for group in configurator.groups}
        city, latitude, longitude = rng.choice(data.CITY_POINTS)
        address = f"No. {rng.randint(1, 300)} {rng.choice(data.STREETS)} Road, {city}"
        if target == DemandStatus.CONTENTION and units + quantity >= threshold:
            # Contention demands reach their threshold in the last day, so that their tenders
            # are still open when the demo starts.
            world.clock.now = max(world.clock.now, limit - timedelta(hours=20))
        with world.clock.at(world.clock.step(10, 300)):
            preorder_place(
                demand=demand,
                user=buyer,
                options=chosen,
                quantity=quantity,
                address=address,
                latitude=Decimal(str(latitude)) + Decimal(rng.randint(-400, 400)) / 10000,
                longitude=Decimal(str(longitude)) + Decimal(rng.randint(-400, 400)) / 10000,
            )
        units += quantity
        world.count("pre-orders")
    if not reach:
        return
    with world.clock.at(world.clock.step(1, 5)):
        campaign_tender_open(campaign_id=campaign.pk)
    tender = tender_list(demand_uid=demand.uid).get()
    world.count("tenders")
    base = configurator.default_price or configurator.lowest_price
    makers = [
        v
        for v in world.ventures
        if v.kind == VentureKind.MAKER
        and v.status != VentureStatus.DISSOLVED
        and demand.category_id in {c.pk for c in v.categories.all()}
    ]
    for venture in makers:
        with world.clock.at(world.clock.step(30, 600)):
            bid_submit(
                tender=tender,
                venture=venture,
                actor=world.members[venture.pk][0],
                unit_price=(base * Decimal(rng.randint(78, 96)) / 100).quantize(CENT),
                lead_time_days=rng.randint(7, 28),
                capacity=rng.randint(max(1, tender.quantity // 2), tender.quantity * 2),
                plan=rng.choice(data.BID_PLANS),
                # Every other maker bets on its revenue from the tender's orders.
                bet_target=(base * tender.quantity).quantize(CENT) if venture.pk % 2 else None,
            )
        world.count("bids")
    if target == DemandStatus.CONTENTION:
        return
    world.clock.now = tender.closes_at + timedelta(minutes=rng.randint(1, 30))
    with world.clock.at():
        tender = tender_close(tender=tender)
        # The orders app turns the award into orders after commit; the demo world is loaded in
        # one transaction, so it applies the award at this moment of the story (idempotent).
        order_services.order_award_apply(tender=tender)
        # The winner's bet target becomes a bet contract (an award observer, after commit).
        world.count("bet contracts from tenders", len(bets_from_award(tender=tender)))
    _orders_progress(world, demand, target)


# How far a demand's orders have gone, by the demand's status.
ORDER_PATHS = {
    DemandStatus.IN_PRODUCTION: [
        Stage.SOURCING,
        Stage.IN_PRODUCTION,
        Stage.QUALITY_CHECKED,
        Stage.SHIPPED,
        Stage.AT_STATION,
        Stage.OUT_FOR_DELIVERY,
    ],
    DemandStatus.DELIVERED: [
        Stage.SOURCING,
        Stage.IN_PRODUCTION,
        Stage.QUALITY_CHECKED,
        Stage.SHIPPED,
        Stage.AT_STATION,
        Stage.OUT_FOR_DELIVERY,
        Stage.DELIVERED,
        Stage.INSTALLED,
    ],
    DemandStatus.CLOSED: [
        Stage.SOURCING,
        Stage.IN_PRODUCTION,
        Stage.QUALITY_CHECKED,
        Stage.SHIPPED,
        Stage.AT_STATION,
        Stage.OUT_FOR_DELIVERY,
        Stage.DELIVERED,
        Stage.INSTALLED,
        Stage.COMPLETED,
    ],
}
RATING_COMMENTS = [
    "Exactly what we asked for, and the installer was careful.",
    "Quiet and well made; delivery came a day early.",
    "Good product; the manual could be clearer.",
    "Arrived on time, works as the design promised.",
]


def _order_step(world: World, order: Order, stage: Stage, maker: User, category: str) -> Order:
    """One stage move as the right party makes it, with the sample photo and the user's parts."""
    if stage == Stage.QUALITY_CHECKED:
        photo = picture(f"Sample of order {order.number}", category, order.number, "quality check")
        return order_services.order_advance(
            order=order, actor=maker, to_stage=stage, note="Sample passed our checks.", photo=photo
        )
    if stage == Stage.SHIPPED:
        order = order_services.order_sample_decide(order=order, actor=order.user, approve=True)
        order = order_services.order_delivery_slot_choose(
            order=order,
            actor=order.user,
            delivery_date=timezone.localdate() + timedelta(days=2),
            window=world.rng.choice(["09-12", "12-15", "15-18", "18-21"]),
        )
    shipment = Shipment.objects.filter(order_id=order.pk).first()
    if shipment is not None and stage in (
        Stage.AT_STATION,
        Stage.OUT_FOR_DELIVERY,
        Stage.DELIVERED,
    ):
        return _logistics_step(world, shipment, stage)
    actor = order.user if stage in (Stage.DELIVERED, Stage.COMPLETED) else maker
    return order_services.order_advance(order=order, actor=actor, to_stage=stage)


def _logistics_step(world: World, shipment: Shipment, stage: Stage) -> Order:
    """The platform's logistics steps: left the centre, at the station, out for delivery, and
    delivered with the code the user gave (entered here by the operator, as no route exists)."""
    if stage == Stage.DELIVERED:
        shipment_deliver(
            shipment=shipment, code=shipment.delivery_code, actor=world.cast["operator"]
        )
    else:
        if shipment.left_centre_at is None:
            shipment_step(shipment=shipment, step="left_centre", actor=None)
        if stage == Stage.AT_STATION:
            shipment_step(shipment=shipment, step="at_station", actor=None)
        else:
            shipment_step(shipment=shipment, step="out_for_delivery", actor=None)
    return Order.objects.get(pk=shipment.order_id)


def _stock_order_walk(world: World, order: Order) -> None:
    """A stock order's day: it leaves the centre the next morning and reaches the user within
    the 24 hours; one in eight is late (those are compensated by the sweep)."""
    shipment = Shipment.objects.get(order_id=order.pk)
    rng = world.rng
    placed = order.created_at
    late = rng.random() < 0.125
    promise = order.delivery_promised_at or placed + timedelta(hours=24)
    delivered = (
        promise + timedelta(hours=rng.uniform(2, 20))
        if late
        else promise - timedelta(hours=rng.uniform(1, 6))
    )
    moments: list[tuple[Literal["left_centre", "at_station", "out_for_delivery"], datetime]] = [
        ("left_centre", placed + (delivered - placed) * 0.45),
        ("at_station", placed + (delivered - placed) * 0.7),
        ("out_for_delivery", placed + (delivered - placed) * 0.85),
    ]
    for step, moment in moments:
        if moment >= world.clock.limit:
            return
        with world.clock.at(moment):
            shipment_step(shipment=shipment, step=step, actor=None)
    if delivered >= world.clock.limit:
        return
    with world.clock.at(delivered):
        shipment_deliver(
            shipment=shipment, code=shipment.delivery_code, actor=world.cast["operator"]
        )
    world.count("stock orders delivered")
    # Two days on, the buyer confirms all is well: the order completes and is settled.
    confirmed = delivered + timedelta(days=2)
    if confirmed < world.clock.limit:
        with world.clock.at(confirmed):
            order_services.order_advance(
                order=Order.objects.get(pk=order.pk), actor=order.user, to_stage=Stage.COMPLETED
            )


def _orders_progress(world: World, demand: Demand, target: str) -> None:
    """Move the demand's orders along their stages as far as the demand's status says."""
    rng = world.rng
    path = ORDER_PATHS.get(DemandStatus(target), [])
    orders = list(
        Order.objects.filter(demand=demand).select_related("user", "venture").order_by("number")
    )
    for position, order in enumerate(orders):
        world.count("orders")
        assert order.venture_id is not None  # orders from an award always have their maker
        # The members take turns making the orders, so each has a share of the pay.
        team = world.members[order.venture_id]
        maker = team[order.number % len(team)]
        # Orders of a demand still in production are spread over the stages before delivery.
        stop = len(path)
        if target == DemandStatus.IN_PRODUCTION:
            stop = position % (len(path) + 1)
        elif target == DemandStatus.DELIVERED:
            stop = len(path) - position % 2  # some are installed, some only delivered
        for stage in path[:stop]:
            with world.clock.at(world.clock.step(30, 900)):
                order = _order_step(world, order, stage, maker, demand.category.slug)
        if target == DemandStatus.CLOSED or (target == DemandStatus.DELIVERED and position % 2):
            with world.clock.at(world.clock.step(60, 900)):
                order_services.order_rate(
                    order=order,
                    actor=order.user,
                    stars=rng.choice([4, 5, 5, 3]),
                    comment=rng.choice(RATING_COMMENTS),
                )
            world.count("ratings")


def _options(template: data.ProposalTemplate) -> list[designs.OptionSpec]:
    return [
        designs.OptionSpec(group=g, value=v, price_delta=Decimal(d), is_default=default)
        for g, v, d, default in template.options
    ]


def _modules(template: data.ProposalTemplate) -> list[designs.ModuleSpec]:
    return [designs.ModuleSpec(name=n, description=d, quantity=q) for n, d, q in template.modules]


def _co_design(
    world: World,
    demand: Demand,
    seed: data.DemandSeed,
    author: User,
    fans: list[User],
    *,
    select: bool,
    rounds: int,
) -> None:
    rng = world.rng
    templates = data.PROPOSALS[seed.category]
    designers = _designers_for(world, seed.category)
    rng.shuffle(designers)
    designers = designers[: rng.randint(2, min(4, len(designers)))]
    for user, venture in designers:
        with world.clock.at(world.clock.step(60, 1500)):
            designs.claim_make(
                demand=demand,
                user=user,
                venture=venture,
                note="We have built something close to this before.",
            )
        world.count("claims")
    demand.refresh_from_db()
    proposals: list[Proposal] = []
    for round_number in range(1, rounds + 1):
        if round_number > 1:
            with world.clock.at(world.clock.step(600, 2000)):
                designs.round_open_next(demand=demand, user=author)
        proposals = []
        for position, (user, venture) in enumerate(designers):
            template = templates[(position + round_number + demand.number) % len(templates)]
            price = (Decimal(template.base_price) * Decimal("0.95") ** (round_number - 1)).quantize(
                CENT
            )
            title = template.title if round_number == 1 else f"{template.title} (revised)"
            pics = (
                [
                    picture(
                        title,
                        seed.category,
                        demand.number * 100 + position * 10 + round_number,
                        "design sketch",
                    )
                ]
                if position == 0
                else []
            )
            with world.clock.at(world.clock.step(120, 1200)):
                proposal = designs.proposal_post(
                    demand=demand,
                    user=user,
                    venture=venture,
                    title=title,
                    description=template.summary,
                    base_price=price,
                    modules=_modules(template),
                    options=_options(template),
                    pictures=pics,
                )
            proposals.append(proposal)
            world.count("proposals")
            if rng.random() < 0.5:
                with world.clock.at(world.clock.step(120, 1500)):
                    designs.version_post(
                        proposal=proposal,
                        user=user,
                        description=template.summary + " Version 2 answers the fans' questions "
                        "about noise and repair: standard screws, parts listed in the module list.",
                        base_price=(price * Decimal("0.97")).quantize(CENT),
                        modules=_modules(template),
                        options=_options(template),
                    )
                world.count("versions")
            for body in rng.sample(data.COMMENTS, k=rng.randint(0, 2)):
                with world.clock.at(world.clock.step(10, 400)):
                    designs.comment_post(
                        proposal=proposal, user=rng.choice([*fans, author]), body=body
                    )
        voters = [author, *fans]
        weights = [rng.random() + (0.6 if i == 0 else 0) for i in range(len(proposals))]
        for voter in voters:
            if rng.random() < 0.2:
                continue
            allowed = [
                (p, w)
                for p, w in zip(proposals, weights, strict=True)
                if p.author_id != voter.pk
                and (p.venture_id is None or voter not in world.members.get(p.venture_id, []))
            ]
            if not allowed:
                continue
            choice = rng.choices([p for p, _ in allowed], weights=[w for _, w in allowed])[0]
            with world.clock.at(world.clock.step(5, 120)):
                designs.vote_cast(proposal=choice, user=voter)
            world.count("votes")
        if round_number < rounds:
            current = demand.design_rounds.get(number=round_number)
            with world.clock.at(world.clock.step(60, 600)):
                designs.round_close(round=current, user=author)
    if not select:
        return
    with world.clock.at(world.clock.step(300, 2000)):
        if seed.selection_mode == SelectionMode.VOTE:
            designs.selection_by_vote(demand=demand, user=author)
        else:
            favourite = max(
                proposals, key=lambda p: (Proposal.objects.get(pk=p.pk).vote_count, -p.pk)
            )
            designs.selection_make(demand=demand, user=author, proposal=favourite)
    world.count("selections")


# --- standard products and the daily order contention -------------------------------------

STANDARD_DAYS = 12  # how many days back standard products went on sale
STANDARD_STAGES = [
    Stage.CONFIRMED,
    Stage.IN_PRODUCTION,
    Stage.QUALITY_CHECKED,
    Stage.SHIPPED,
    Stage.AT_STATION,
    Stage.OUT_FOR_DELIVERY,
    Stage.DELIVERED,
    Stage.COMPLETED,
]


def _standard_order_walk(
    world: World, order: Order, stages: list[Stage], start: datetime, spacing: timedelta
) -> Order:
    """Move an allocated standard order through `stages`, about `spacing` apart from `start`."""
    assert order.venture_id is not None
    team = world.members[order.venture_id]
    maker = team[order.number % len(team)]
    moment = start
    for stage in stages:
        moment += spacing * world.rng.uniform(0.8, 1.0)
        with world.clock.at(min(moment, world.clock.limit)):
            order = _order_step(world, order, stage, maker, "smart-home")
    return order


def _standard_products(world: World) -> None:
    """Products on sale, makers' standing bids, a fortnight of direct orders and daily runs."""
    rng = world.rng
    operator = world.cast["operator"]
    today = timezone.localtime(world.clock.limit).replace(hour=0, minute=0, second=0, microsecond=0)
    first_day = today - timedelta(days=STANDARD_DAYS)
    products = []
    with world.clock.at(first_day - timedelta(hours=6)):
        for seed in data.PRODUCTS:
            products.append(
                product_create(
                    actor=operator,
                    name=seed.name,
                    description=seed.description,
                    list_price=seed.price,
                    category_slug=seed.category,
                    volume_litres=seed.volume_litres,
                    weight_kg=seed.weight_kg,
                )
            )
            world.count("products")
    # Stock: every product at a few of the larger centres, a handful of units each (so some
    # orders come from stock within 24 hours and the rest are made to order); the home city's
    # centre holds more, for the routes of tomorrow.
    centres = list(DistributionCentre.objects.order_by("-population", "id")[:40])
    home = station_nearest(latitude=data.CITY_POINTS[0][1], longitude=data.CITY_POINTS[0][2])
    # The last product (the purifier) is only ever made to order.
    with world.clock.at(first_day - timedelta(hours=5)):
        for product in products[:-1]:
            for centre in rng.sample(centres, k=12):
                stock_set(centre=centre, product=product, on_hand=rng.randint(2, 6), actor=operator)
                world.count("stock rows")
            if home is not None:
                nearest_centre = min(
                    centres,
                    key=lambda c: (
                        (c.latitude - home[0].latitude) ** 2
                        + (c.longitude - home[0].longitude) ** 2
                    ),
                )
                stock_set(centre=nearest_centre, product=product, on_hand=60, actor=operator)
    makers = [
        v
        for v in world.ventures
        if v.kind == VentureKind.MAKER and v.status != VentureStatus.DISSOLVED
    ]
    with world.clock.at(first_day - timedelta(hours=3)):
        for product in products:
            category = product.category.slug if product.category else ""
            bidders = [v for v in makers if category in {c.slug for c in v.categories.all()}]
            others = [v for v in makers if v not in bidders]
            bidders += rng.sample(others, k=min(len(others), 2))
            for venture in bidders:
                share = Decimal(rng.randint(60, 78)) / 100
                standing_bid_set(
                    venture=venture,
                    product=product,
                    actor=world.members[venture.pk][0],
                    unit_price=(product.list_price * share).quantize(Decimal("1")),
                    lead_time_days=rng.randint(2, 9),
                )
                world.count("standing bids")
    buyers = world.residents
    for day in range(STANDARD_DAYS + 1):
        morning = first_day + timedelta(days=day)
        if day > 0:
            # The run of the day, at the published hour, allocates yesterday's paid orders.
            with world.clock.at(morning + timedelta(hours=settings.HEYI_DAILY_CONTENTION_HOUR)):
                daily_contention_run()
            world.count("daily runs")
            walked = Order.objects.filter(
                product__isnull=False, allocated_at__gte=morning
            ).select_related("user", "venture", "product")
            for order in walked:
                # An order whose lead time has passed was delivered, nearly always by its
                # promise (one in ten a little late); a younger one has gone as far as its age.
                allocated_at = order.allocated_at or morning
                age = (world.clock.limit - allocated_at) / timedelta(days=1)
                lead = max(1, order.lead_time_days or 1)
                delivered_at = STANDARD_STAGES.index(Stage.DELIVERED) + 1
                if age > lead + 1:
                    stages = STANDARD_STAGES
                    late = 1.2 if rng.random() < 0.1 else 0.9
                    spacing = timedelta(days=lead) * late / delivered_at
                else:
                    done = max(1, min(delivered_at - 1, int(delivered_at * age / (lead + 1))))
                    stages = STANDARD_STAGES[:done]
                    spacing = timedelta(days=age) / (done + 1)
                start = morning + timedelta(hours=settings.HEYI_DAILY_CONTENTION_HOUR)
                order = _standard_order_walk(world, order, stages, start, spacing)
                if order.stage == Stage.COMPLETED and rng.random() < 0.7:
                    with world.clock.at(min(start + timedelta(days=lead + 1), world.clock.limit)):
                        order_services.order_rate(
                            order=order,
                            actor=order.user,
                            stars=rng.choice([5, 5, 4, 4, 3]),
                            comment=rng.choice(RATING_COMMENTS),
                        )
                    world.count("ratings")
        if day == STANDARD_DAYS:
            break  # today: the run happened; today's orders come in below the limit
        for position in range(rng.randint(4, 9)):
            moment = morning + timedelta(hours=rng.randint(8, 22), minutes=rng.randint(0, 59))
            # The demo's own user orders every few days, so their pages have something to show.
            buyer = world.cast["user"] if position == 0 and day % 4 == 1 else rng.choice(buyers)
            city, latitude, longitude = rng.choice(data.CITY_POINTS)
            with world.clock.at(min(moment, world.clock.limit)):
                order = standard_order_place(
                    product=rng.choice(products),
                    user=buyer,
                    quantity=rng.choice([1, 1, 1, 2, 2, 3]),
                    address=f"No. {rng.randint(1, 300)} {rng.choice(data.STREETS)} Road, {city}",
                    latitude=latitude,
                    longitude=longitude,
                )
                world.count("standard orders")
                if rng.random() < 0.9:
                    order = order_services.order_advance(
                        order=order, actor=order.user, to_stage="paid"
                    )
                    if order.fulfilment == Fulfilment.STOCK:
                        world.count("stock orders")
                        _stock_order_walk(world, order)
                elif rng.random() < 0.5:
                    order_services.order_advance(
                        order=order, actor=order.user, to_stage="cancelled"
                    )
    # Orders placed and paid since today's run wait for tomorrow's.
    run_today = today + timedelta(hours=settings.HEYI_DAILY_CONTENTION_HOUR)
    world.clock.now = max(world.clock.now, min(run_today, world.clock.limit))
    for position in range(3):
        city, latitude, longitude = rng.choice(data.CITY_POINTS)
        with world.clock.at(world.clock.step(5, 30)):
            order = standard_order_place(
                product=products[-1],
                user=world.cast["user"] if position == 0 else rng.choice(buyers),
                quantity=1,
                address=f"No. {rng.randint(1, 300)} {rng.choice(data.STREETS)} Road, {city}",
                latitude=latitude,
                longitude=longitude,
            )
            order_services.order_advance(order=order, actor=order.user, to_stage="paid")
            world.count("standard orders")


def _late_orders_noticed(world: World) -> None:
    """Orders of the story that missed their promise were noticed back then, as the sweep does."""
    for order_id in order_selectors.order_list_late_ids(now=world.clock.limit):
        promised_by = Order.objects.values_list("promised_by", flat=True).get(pk=order_id)
        assert promised_by is not None
        moment = min(promised_by + timedelta(hours=1), world.clock.limit)
        with world.clock.at(moment):
            order_services.order_delay_notice(order_id=order_id, now=moment)
        world.count("late orders")


def _missed_promises_compensated(world: World) -> None:
    """The sweep ran every five minutes in the story: each missed promise was compensated then,
    charged to the unit at fault."""
    due = world.clock.limit - timedelta(minutes=5)
    late = Order.objects.filter(delivery_promised_at__lt=due, paid_at__isnull=False).exclude(
        stage__in=[Stage.CANCELLED, Stage.REFUNDED]
    )
    for order in late.order_by("delivery_promised_at", "id"):
        assert order.delivery_promised_at is not None
        if order.delivered_at is not None and order.delivered_at <= order.delivery_promised_at:
            continue
        moment = order.delivery_promised_at + timedelta(minutes=5)
        with world.clock.at(moment):
            if compensation_record(order_id=order.pk, now=moment) is not None:
                world.count("compensations")


ROUTE_BIDS = [("Shandong Van Team", "420.00"), ("Yangtze Delivery Crew", "395.00")]


def _routes_of_tomorrow(world: World) -> None:
    """Tomorrow's deliveries around the home city's station, planned into the morning and the
    afternoon waves: the first morning route assigned to the Shandong Van Team (its founder
    drives), the second open to delivery ventures' bids."""
    rng = random.Random(SEED + 2)  # its own: the routes must not depend on the load's hour
    operator = world.cast["operator"]
    city, latitude, longitude = data.CITY_POINTS[0]
    nearest = station_nearest(latitude=latitude, longitude=longitude)
    if nearest is None:
        return
    station = nearest[0]
    tomorrow = timezone.localdate(world.clock.limit) + timedelta(days=1)
    # The orders come in during the last half hour before the load.
    world.clock.now = max(world.clock.now, world.clock.limit - timedelta(minutes=30))
    products = list(Product.objects.filter(stock__isnull=False).distinct().order_by("name"))
    for position in range(28):
        bearing = rng.uniform(0, 2 * math.pi)
        km = rng.uniform(1.0, 14.0)
        point_latitude = station.latitude + km / 111.2 * math.cos(bearing)
        point_longitude = station.longitude + km / (
            111.2 * math.cos(math.radians(station.latitude))
        ) * math.sin(bearing)
        with world.clock.at(world.clock.step(1, 4)):
            order = standard_order_place(
                product=rng.choice(products),
                user=world.cast["user"] if position == 0 else rng.choice(world.residents),
                quantity=1,
                address=f"No. {rng.randint(1, 300)} {rng.choice(data.STREETS)} Road, {city}",
                latitude=f"{point_latitude:.6f}",
                longitude=f"{point_longitude:.6f}",
            )
            order = order_services.order_advance(order=order, actor=order.user, to_stage="paid")
            world.count("standard orders")
            if order.fulfilment != Fulfilment.STOCK:
                continue
            order_services.order_delivery_slot_choose(
                order=order,
                actor=order.user,
                delivery_date=tomorrow,
                window=rng.choice(["09-12", "12-15", "15-18", "18-21"]),
            )
            world.count("deliveries tomorrow")
    plans = {}
    for wave in ("morning", "afternoon"):
        with world.clock.at(world.clock.step(1, 3)):
            plans[wave] = wave_plan_make(
                station=station, date=tomorrow, wave=wave, actor=operator, seconds=1
            )
        world.count("routes", plans[wave].vehicles)
    crews = {v.name: v for v in world.ventures if v.kind == VentureKind.DELIVERY}
    routes = list(plans["morning"].routes.order_by("number"))
    with world.clock.at(world.clock.step(5, 20)):
        route_assign(
            route=routes[0],
            venture=crews["Shandong Van Team"],
            driver=world.cast["courier"],
            actor=operator,
            fee=Decimal("360.00"),
        )
    if len(routes) > 1:
        with world.clock.at(world.clock.step(1, 5)):
            tender = route_tender_open(
                route=routes[1], actor=operator, closes_at=world.clock.limit + timedelta(hours=3)
            )
        for name, fee in ROUTE_BIDS:
            venture = crews[name]
            with world.clock.at(world.clock.step(1, 5)):
                bid_submit(
                    tender=tender,
                    venture=venture,
                    actor=world.members[venture.pk][0],
                    unit_price=fee,
                    lead_time_days=0,
                    capacity=1,
                    plan="Two of us with a tail-lift van; stairs and unpacking included.",
                )
            world.count("route bids")


def demo_world_is_loaded() -> bool:
    return User.objects.filter(email=demo_email("operator")).exists()


def demo_world_load(*, reset: bool = False) -> str:
    """Load the demo world unless it is there; with `reset`, empty the database first."""
    if reset:
        call_command("flush", interactive=False, verbosity=0)
    elif demo_world_is_loaded():
        return "The demo world is already loaded (use --reset to load it anew)."
    started = timezone.now()
    rng = random.Random(SEED)
    today = timezone.localtime(started).replace(hour=8, minute=0, second=0, microsecond=0)
    limit = started - timedelta(minutes=10)
    world = World(rng=rng, clock=Clock(today - timedelta(days=STORY_DAYS), rng, limit))
    password_hash = make_password(data.DEMO_PASSWORD)
    try:
        # The story's notices are history: they stay on the site, no e-mail goes out for them.
        with override_settings(EMAIL_BACKEND=QUIET_MAIL), transaction.atomic():
            for position, (slug, name) in enumerate(data.CATEGORIES):
                category_ensure(slug=slug, name=name, position=position)
            # The national network first, as a platform starts: centres in the largest
            # cities, the fewest stations that put every populated place within 50 km (an
            # exact covering solved by HiGHS). Orders then get their promise and station.
            with world.clock.at():
                network = network_build()
            world.count("stations", network.stations)
            _people(world, password_hash)
            _ventures(world)
            authors = [p for p in world.residents if rng.random() < 0.6] or world.residents
            for index, seed in enumerate(data.DEMANDS):
                _demand_life(world, seed, index, authors)
            _standard_products(world)
            _late_orders_noticed(world)
            _missed_promises_compensated(world)
            _routes_of_tomorrow(world)
            demo_investment_add(
                ventures=world.ventures,
                members=world.members,
                operator=world.cast["operator"],
                investor=world.cast["investor"],
                residents=world.residents,
                now=world.clock.limit,
                count=world.count,
            )
            # Its own seeded generator: how far the standard orders have gone depends on the
            # hour the world is loaded, and must not change what the suppliers do.
            supply_rng = random.Random(SEED + 1)
            for what, count in supply_demo_add(
                rng=supply_rng, operator=world.cast["operator"]
            ).items():
                world.count(what, count)
            # Smart products delivered in the story report home: devices with their history.
            for what, count in demo_devices_add(
                rng=random.Random(SEED + 2),
                operator=world.cast["operator"],
                user=world.cast["user"],
                limit=world.clock.limit,
            ).items():
                world.count(what, count)
            service = next(
                (
                    v
                    for v in world.ventures
                    if v.kind == VentureKind.SERVICE and world.members.get(v.pk)
                ),
                None,
            )
            for what, count in demo_platform_add(
                rng=random.Random(SEED + 3),
                operator=world.cast["operator"],
                user=world.cast["user"],
                developer=world.cast["developer"],
                service_member=world.members[service.pk][0] if service else None,
                service_venture=service,
                limit=world.clock.limit,
            ).items():
                world.count(what, count)
            # The platform's own events: the 2015 symposium (history) and an open day ahead.
            for what, count in demo_events_add(
                operator=world.cast["operator"],
                people=world.people,
                limit=world.clock.limit,
                rng=random.Random(SEED + 4),
            ).items():
                world.count(what, count)
    except DomainError as error:
        raise RuntimeError(f"the demo world broke a rule: {error.code}: {error.message}") from error
    seconds = (timezone.now() - started).total_seconds()
    c = world.counts
    return (
        f"Demo world loaded in {seconds:.1f} s: {c.get('people', 0)} people, "
        f"{c.get('ventures', 0)} ventures, {c.get('demands', 0)} demands, {c.get('fans', 0)} fans, "
        f"{c.get('supports', 0)} supports, {c.get('comments', 0)} comments, "
        f"{c.get('claims', 0)} claims, {c.get('proposals', 0)} proposals "
        f"({c.get('versions', 0)} later versions), {c.get('votes', 0)} votes, "
        f"{c.get('selections', 0)} chosen designs, {c.get('pre-orders', 0)} pre-orders, "
        f"{c.get('tenders', 0)} tenders with {c.get('bids', 0)} sealed bids, "
        f"{c.get('orders', 0)} orders, {c.get('products', 0)} standard products with "
        f"{c.get('standing bids', 0)} standing bids, {c.get('standard orders', 0)} direct "
        f"orders in {c.get('daily runs', 0)} daily runs, {c.get('ratings', 0)} ratings, "
        f"{c.get('catalogue items', 0)} catalogue items, {c.get('BOM lines', 0)} BOM lines, "
        f"{c.get('RFQs', 0)} requests for quotation, a network of {c.get('stations', 0)} "
        f"delivery stations with {c.get('stock rows', 0)} stock rows, "
        f"{c.get('stock orders', 0)} orders served from stock, "
        f"{c.get('compensations', 0)} compensated missed promises, and tomorrow's "
        f"{c.get('deliveries tomorrow', 0)} deliveries at the home station planned into "
        f"{c.get('routes', 0)} routes; {c.get('devices', 0)} smart devices of "
        f"{c.get('device models', 0)} models ({c.get('bound devices', 0)} bound) with "
        f"{c.get('readings', 0)} readings, {c.get('alarms', 0)} alarms and "
        f"{c.get('commands', 0)} commands in their history; {c.get('apps', 0)} developer "
        f"apps, {c.get('webhook endpoints', 0)} webhook endpoint, {c.get('rules', 0)} rules and "
        f"{c.get('service tickets', 0)} service ticket; {Settlement.objects.count()} orders "
        f"settled by their share rule, {Posting.objects.count()} ledger postings, "
        f"{FundingRound.objects.count()} funding rounds and {BetContract.objects.count()} bet "
        f"contracts."
    )
