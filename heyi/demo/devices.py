"""The demo's smart homes: delivered smart products become devices with weeks of history.

Runs after the orders of the demo world have been delivered: each smart category gets product
models (the standard products, and each co-designed demand with delivered orders), every
delivered order of one becomes its devices through the same delivery hook as in production
(at the moment it was delivered), most buyers bind them a day or two later, and the bound
devices get the readings, alarms and commands they would have sent since. The history is
written in bulk (it is what the gateway would have stored); everything else goes through the
services.
"""

from __future__ import annotations

import math
import random
import uuid
from datetime import datetime, timedelta
from typing import Any

import time_machine
from django.db.models import Q
from django.test.utils import override_settings
from django.utils import timezone

from heyi.accounts.models import User
from heyi.demo.device_data import CAPABILITIES_BY_CATEGORY, SIGNALS, STATE_BY_CATEGORY, Signal
from heyi.devices.models import (
    CommandSource,
    CommandStatus,
    Device,
    DeviceAlarm,
    DeviceBindingCode,
    DeviceCommand,
    DeviceModel,
    DeviceShadow,
    Reading,
)
from heyi.devices.services import device_bind, device_model_set, device_share, devices_on_delivery
from heyi.orders.models import Order, OrderStage

HISTORY_DAYS = 35  # at most this far back, per device
READING_EVERY = timedelta(minutes=20)
DELIVERED = (OrderStage.DELIVERED, OrderStage.INSTALLED, OrderStage.COMPLETED)


def _models(operator: Any) -> int:
    """A product model per smart standard product and per co-designed smart demand."""
    made = 0
    orders = Order.objects.filter(stage__in=DELIVERED).select_related(
        "product__category", "demand__category"
    )
    seen: set[tuple[str, int]] = set()
    for order in orders.order_by("id"):
        if order.product is not None:
            category = order.product.category.slug if order.product.category else ""
            key = ("product", order.product.pk)
            name = order.product.name
        elif order.demand is not None:
            category = order.demand.category.slug
            key = ("demand", order.demand.pk)
            name = f"{order.demand.title[:100]} (D{order.demand.pk})"
        else:
            continue
        capabilities = CAPABILITIES_BY_CATEGORY.get(category)
        if capabilities is None or key in seen:
            continue
        seen.add(key)
        device_model_set(
            actor=operator,
            name=name,
            capabilities=capabilities,
            product=order.product,
            demand_uid=order.demand.uid if order.product is None and order.demand else None,
        )
        made += 1
    return made


def _category(device: Device) -> str:
    order = device.order
    if order is None:
        return ""
    if order.product is not None and order.product.category is not None:
        return order.product.category.slug
    return order.demand.category.slug if order.demand is not None else ""


def _value(signal: Signal, moment: datetime, rng: random.Random, offset: float) -> float:
    hour = timezone.localtime(moment).hour + timezone.localtime(moment).minute / 60
    daily = math.cos((hour - signal.peak_hour) / 24 * 2 * math.pi)
    raw = signal.baseline + offset + signal.swing * daily + rng.gauss(0, signal.noise)
    return round(min(signal.maximum, max(signal.minimum, raw)), signal.digits)


def _reading_values(
    category: str,
    capabilities: dict[str, Any],
    moment: datetime,
    rng: random.Random,
    state: dict[str, float],
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for spec in capabilities["telemetry"]:
        name = spec["name"]
        if spec["type"] == "bool":
            values[name] = rng.random() < 0.03
        elif name == "filter_life":
            # Drains slowly, about a point every two days.
            state["filter_life"] = max(0.0, state.get("filter_life", 92.0) - rng.random() * 0.03)
            values[name] = round(state["filter_life"], 1)
        elif name in SIGNALS:
            value = _value(SIGNALS[name], moment, rng, state.get("offset", 0.0))
            values[name] = int(value) if spec["type"] == "int" else value
    if category == "washing-machines" and timezone.localtime(moment).hour not in (19, 20, 21):
        # A washer is idle outside its evening cycle.
        values.update({"water_l": 0.0, "power_draw": 2.0, "drum_rpm": 0})
    return values


def _history(device: Device, rng: random.Random, now: datetime) -> tuple[int, int]:
    """Readings every 20 minutes since binding (at most 35 days), and a few alarms."""
    category = _category(device)
    capabilities = device.model.capabilities
    start = max(device.bound_at or now, now - timedelta(days=HISTORY_DAYS))
    moment = start.replace(second=0, microsecond=0)
    state: dict[str, float] = {"offset": rng.uniform(-0.5, 0.5)}
    rows: list[Reading] = []
    while moment < now - timedelta(minutes=15):
        rows.append(
            Reading(
                device=device,
                message_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                device_ts=moment,
                received_at=moment + timedelta(seconds=rng.randint(1, 4)),
                values=_reading_values(category, capabilities, moment, rng, state),
            )
        )
        moment += READING_EVERY
    Reading.objects.bulk_create(rows, batch_size=2000)
    alarms = 0
    for code in capabilities.get("alarms", []):
        if rows and rng.random() < 0.5:
            raised = rng.choice(rows).device_ts
            cleared = raised + timedelta(minutes=rng.randint(6, 240))
            DeviceAlarm.objects.create(
                device=device,
                code=code["code"],
                severity=code["severity"],
                message=code["description"],
                raised_at=raised,
                cleared_at=cleared if cleared < now else None,
                message_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            )
            alarms += 1
    if rows:
        Device.objects.filter(pk=device.pk).update(
            last_seen_at=rows[-1].received_at, is_online=False
        )
    DeviceShadow.objects.filter(device=device).update(
        reported=STATE_BY_CATEGORY.get(category, {}), reported_version=1
    )
    return len(rows), alarms


def _commands(device: Device, rng: random.Random, now: datetime) -> int:
    """A few commands the owner sent in the past, answered by the device."""
    commands = device.model.capabilities.get("commands", [])
    made = 0
    for days_ago in sorted(rng.sample(range(1, 20), k=3), reverse=True):
        if not commands or device.bound_at is None:
            break
        at = now - timedelta(days=days_ago, hours=rng.randint(0, 10))
        if at < device.bound_at:
            continue
        command = rng.choice(commands)
        args: dict[str, Any] = {}
        for spec in command["arguments"]:
            if spec["type"] == "enum":
                args[spec["name"]] = spec["values"][0]
            elif spec["type"] in ("int", "float"):
                args[spec["name"]] = spec.get("min", 1)
        status = CommandStatus.ACKED if rng.random() < 0.85 else CommandStatus.TIMED_OUT
        with time_machine.travel(at, tick=False):
            DeviceCommand.objects.create(
                device=device,
                message_id=uuid.UUID(int=rng.getrandbits(128), version=4),
                name=command["name"],
                args=args,
                status=status,
                source=CommandSource.USER,
                requested_by=device.owner,
                expires_at=at + timedelta(minutes=10),
                sent_at=at,
                send_attempts=1,
                answered_at=at + timedelta(seconds=2) if status == CommandStatus.ACKED else None,
                detail="" if status == CommandStatus.ACKED else "No answer in 10 minutes.",
            )
        made += 1
    return made


def demo_devices_add(
    *, rng: random.Random, operator: Any, user: Any, limit: datetime
) -> dict[str, int]:
    """Models, devices on every delivered smart order, bindings, shares and their history."""
    counts = {"device models": _models(operator)}
    smart = Order.objects.filter(stage__in=DELIVERED, delivered_at__isnull=False).filter(
        Q(product__device_models__is_smart=True)
        | Q(demand__uid__in=DeviceModel.objects.values("demand_uid"))
    )
    for delivered in smart.distinct().order_by("delivered_at", "id"):
        with time_machine.travel(delivered.delivered_at, tick=False):
            devices_on_delivery(order=delivered)
    devices = list(
        Device.objects.select_related(
            "model", "order__user", "order__product__category", "order__demand__category"
        ).order_by("order__delivered_at", "unit_index")
    )
    counts["devices"] = len(devices)
    bound = []
    for device in devices:
        order = device.order
        if order is None or order.delivered_at is None:
            continue
        keen = order.user_id == user.pk or rng.random() < 0.8
        at = order.delivered_at + timedelta(hours=rng.randint(2, 40))
        if not keen or at >= limit:
            continue
        code = DeviceBindingCode.objects.filter(device=device, used_at__isnull=True).first()
        if code is None:
            continue
        with time_machine.travel(at, tick=False):
            bound.append(device_bind(code=code.code, actor=order.user))
    counts["bound devices"] = len(bound)
    # The demo's user shares a home with the owner of the oldest smart fridge, who lets them
    # control it; the user lets that person see their own devices in return.
    counts["shares"] = 0
    fridge = next(
        (
            device
            for device in bound
            if device.owner_id != user.pk and _category(device) == "fridges"
        ),
        None,
    )
    if fridge is not None:
        device_share(device=fridge, actor=fridge.owner, user=user, role="control")
        counts["shares"] += 1
        for device in bound:
            if device.owner_id == user.pk:
                device_share(device=device, actor=user, user=fridge.owner, role="view")
                counts["shares"] += 1
    counts["readings"] = counts["alarms"] = counts["commands"] = 0
    for device in bound:
        device.refresh_from_db()
        readings, alarms = _history(device, rng, limit)
        counts["readings"] += readings
        counts["alarms"] += alarms
        counts["commands"] += _commands(device, rng, limit)
    return counts


# --- the open platform around the devices: an app, consent, webhooks, rules -------------------

SAMPLE_REDIRECT = "http://127.0.0.1:8765/callback"
SAMPLE_WEBHOOKS = "http://127.0.0.1:8765/webhooks"


def _devices_of(user: Any, category: str) -> list[Device]:
    return [
        device
        for device in Device.objects.filter(owner=user).select_related(
            "model", "order__product__category", "order__demand__category"
        )
        if _category(device) == category
    ]


def _models_of(category: str) -> list[DeviceModel]:
    return list(DeviceModel.objects.filter(product__category__slug=category).order_by("name", "id"))


def demo_platform_add(
    *,
    rng: random.Random,
    operator: Any,
    user: Any,
    developer: Any,
    service_member: Any,
    service_venture: Any,
    limit: datetime,
) -> dict[str, int]:
    """The sample app in production with the demo user's consent and a webhook, a test app, the
    user's rules, and two operator rules that have already fired: a service ticket out to
    tender and a demand raised from a washer's leak alarm (its trace shows the device)."""
    from heyi.developers.models import Environment
    from heyi.developers.services import (
        AppIn,
        app_approve,
        app_register,
        app_review_request,
        grant_consent,
    )
    from heyi.devices.events import DeviceEvent, DeviceEventType, dispatch_now
    from heyi.rules.models import ServiceTicket
    from heyi.rules.services import rule_create
    from heyi.webhooks.services import endpoint_create

    counts = {"apps": 0, "rules": 0, "webhook endpoints": 0}
    with time_machine.travel(limit - timedelta(days=20), tick=False):
        coach, _secret = app_register(
            actor=developer,
            data=AppIn(
                name="Home Energy Coach",
                description=(
                    "Reads your appliances' power and temperatures and tells you, once a week, "
                    "where the electricity went and what a cheaper night tariff would save."
                ),
                homepage_url="https://energy-coach.example.com/",
                redirect_uris=[SAMPLE_REDIRECT],
            ),
        )
        app_review_request(app=coach, actor=developer)
    with time_machine.travel(limit - timedelta(days=18), tick=False):
        coach = app_approve(
            app=coach, actor=operator, note="Scopes match what the app does; privacy page read."
        )
    with time_machine.travel(limit - timedelta(days=3), tick=False):
        app_register(
            actor=developer,
            data=AppIn(
                name="Fridge Diary",
                description="Keeps a diary of what your fridge did, for the curious (in testing).",
                homepage_url="",
                redirect_uris=[SAMPLE_REDIRECT],
            ),
        )
    counts["apps"] = 2
    mine = list(Device.objects.filter(owner=user).order_by("serial"))
    if mine:
        with time_machine.travel(limit - timedelta(days=2), tick=False):
            grant_consent(
                app=coach,
                user=user,
                environment=Environment.PRODUCTION,
                scopes=["devices:read", "telemetry:read", "events:receive"],
                devices=mine,
            )
        counts["grants"] = 1
    # The demo's receiver is the sample app on this machine: a local http address, which only
    # development allows (the demo's settings do; a test run loading the world does not).
    with (
        time_machine.travel(limit - timedelta(days=17), tick=False),
        override_settings(HEYI_WEBHOOKS_ALLOW_LOCAL=True),
    ):
        endpoint_create(
            app=coach,
            actor=developer,
            url=SAMPLE_WEBHOOKS,
            event_types=[
                "device.alarm.raised",
                "device.online",
                "device.offline",
                "device.telemetry.threshold",
                "order.stage",
            ],
            thresholds=[{"field": "water_temperature", "op": ">", "value": 70}],
            description="The sample app's receiver (examples/sample_app).",
        )
    counts["webhook endpoints"] = 1

    # The demo user's own rules, and one on the fridge shared with them to control.
    heaters = _devices_of(user, "water-heaters")
    shared_fridge = Device.objects.filter(shares__user=user, shares__role="control").first()
    with time_machine.travel(limit - timedelta(days=1), tick=False):
        if heaters:
            rule_create(
                actor=user,
                name="Tell me when the water gets too hot",
                trigger="telemetry",
                condition={"field": "water_temperature", "op": ">", "value": 70},
                action="notify",
                params={"message": "{model} {serial}: water at {value} °C"},
                device=heaters[0],
            )
            counts["rules"] += 1
        if shared_fridge is not None:
            rule_create(
                actor=user,
                name="Cool the fridge down if it stays warm",
                trigger="telemetry",
                condition={"field": "temperature", "op": ">", "value": 7, "for_readings": 3},
                action="command",
                params={"name": "boost_cool", "args": {}},
                device=shared_fridge,
                cooldown_minutes=120,
            )
            counts["rules"] += 1

    # Operators' model-wide rules, and the alarms that fired them in the story.
    fired: list[tuple[Device, str, str, str]] = []
    with time_machine.travel(limit - timedelta(days=12), tick=False):
        for model in _models_of("fridges"):
            rule_create(
                actor=operator,
                name=f"Service visit when a {model.name} stays too warm",
                trigger="alarm",
                condition={"code": "too_warm", "min_severity": "critical"},
                action="service_ticket",
                params={
                    "title": "{model} {serial} is too warm",
                    "description": "The fridge reported: {message}. Check the compressor.",
                    "bidding_hours": 72,
                },
                device_model=model,
                cooldown_minutes=1440,
            )
            counts["rules"] += 1
        for model in _models_of("washing-machines"):
            rule_create(
                actor=operator,
                name=f"Learn from {model.name} leaks",
                trigger="alarm",
                condition={"code": "water_leak"},
                action="demand",
                params={
                    "title": "A washer that shuts its own water off when it leaks",
                    "description": (
                        "A {model} ({serial}) reported a leak under the drum: {message}. "
                        "Owners should never come home to a wet floor: design a valve that "
                        "closes by itself and a tray that tells the app."
                    ),
                    "category": "washing-machines",
                },
                device_model=model,
                cooldown_minutes=43200,
            )
            counts["rules"] += 1
    fridge = next(
        (
            d
            for model in _models_of("fridges")
            for d in model.devices.filter(status="bound").exclude(owner=user)
        ),
        None,
    )
    washer = next(
        (
            d
            for model in _models_of("washing-machines")
            for d in model.devices.filter(status="bound").exclude(owner=user)
        ),
        None,
    )
    if fridge is not None:
        fired.append((fridge, "too_warm", "critical", "Above 10 °C for 30 minutes."))
    if washer is not None:
        fired.append((washer, "water_leak", "critical", "Water under the drum."))
    for days_ago, (device, code, severity, message) in zip((6, 4), fired, strict=False):
        at = limit - timedelta(days=days_ago, hours=rng.randint(1, 9))
        with time_machine.travel(at, tick=False):
            DeviceAlarm.objects.create(
                device=device,
                code=code,
                severity=severity,
                message=message,
                raised_at=at,
                cleared_at=at + timedelta(hours=3),
                message_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            )
            dispatch_now(
                [
                    DeviceEvent(
                        type=DeviceEventType.ALARM_RAISED,
                        device_id=device.pk,
                        serial=device.serial,
                        at=at,
                        data={"code": code, "severity": severity, "message": message},
                    )
                ]
            )
    ticket = ServiceTicket.objects.order_by("-created_at").first()
    if ticket is not None and ticket.tender_uid and service_member is not None:
        from heyi.contention.models import Tender
        from heyi.contention.services import bid_submit

        tender = Tender.objects.filter(uid=ticket.tender_uid).first()
        if tender is not None:
            with time_machine.travel(ticket.created_at + timedelta(hours=5), tick=False):
                bid_submit(
                    tender=tender,
                    venture=service_venture,
                    actor=service_member,
                    unit_price="180.00",
                    lead_time_days=1,
                    capacity=1,
                    plan="A technician with a leak detector and compressor parts, next morning.",
                )
        counts["service tickets"] = 1
    return counts


def demo_live_serials(*, limit: int) -> list[str]:
    """Which bound devices the demo's simulator drives: the demo user's own and shared ones
    first (their pages are the ones people open), then others up to `limit`."""
    from heyi.demo.world import demo_email

    bound = Device.objects.filter(status="bound", owner__isnull=False)
    user = User.objects.filter(email=demo_email("user")).first()
    first: list[str] = []
    if user is not None:
        first = list(
            bound.filter(Q(owner=user) | Q(shares__user=user))
            .distinct()
            .order_by("serial")
            .values_list("serial", flat=True)
        )
    rest = bound.exclude(serial__in=first).order_by("serial").values_list("serial", flat=True)
    return [*first, *rest[: max(0, limit - len(first))]]
