"""Reads of devices: one device, the devices a person owns or was shared, and who may do what."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import NotSupportedError
from django.db.models import (
    Avg,
    Count,
    DateTimeField,
    F,
    FloatField,
    Func,
    Max,
    Min,
    Q,
    QuerySet,
    Value,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Floor
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.accounts.selectors import user_is_operator
from heyi.core.errors import DomainError, NotFound, PermissionDenied
from heyi.devices.capabilities import ValueSpec, capabilities_parse
from heyi.devices.errors import DevicesErrorCode
from heyi.devices.models import (
    Device,
    DeviceAlarm,
    DeviceBindingCode,
    DeviceCommand,
    DeviceCredential,
    DeviceShare,
    Reading,
    ShareRole,
)
from heyi.orders.models import Order

# A telemetry field name as the MQTT scheme allows it (docs/mqtt.md).
_FIELD_NAME = re.compile(r"[a-z][a-z0-9_]{0,63}")
# The code heyi.devices.commands answers with (CommandErrorCode.COMMAND_NOT_FOUND); named here
# too because commands imports this module.
COMMAND_NOT_FOUND = "command_not_found"


def device_get(*, serial: str) -> Device:
    """A device by its serial number (its public identifier)."""
    device = Device.objects.select_related("model", "owner").filter(serial=serial).first()
    if device is None:
        raise NotFound(_("No such device."), code=DevicesErrorCode.DEVICE_NOT_FOUND)
    return device


def device_get_for_user(*, serial: str, user: Any) -> Device:
    """A device its viewer may see; to anyone else it does not exist (serials are not secret,
    but who owns what is)."""
    device = device_get(serial=serial)
    if not device_can_view(user, device):
        raise NotFound(_("No such device."), code=DevicesErrorCode.DEVICE_NOT_FOUND)
    return device


def device_list_for_user(*, user: Any) -> QuerySet[Device]:
    """Devices the person owns or that were shared with them."""
    if not getattr(user, "is_authenticated", False):
        return Device.objects.none()
    return (
        Device.objects.filter(Q(owner=user) | Q(shares__user=user))
        .select_related("model")
        .distinct()
        .order_by("serial")
    )


def _share_role(user: Any, device: Device) -> str | None:
    return (
        DeviceShare.objects.filter(device=device, user=user).values_list("role", flat=True).first()
    )


def device_can_view(user: Any, device: Device) -> bool:
    """The owner, anyone it is shared with, and operators (for support) may see a device."""
    if not getattr(user, "is_authenticated", False):
        return False
    if device.owner_id == user.pk or user_is_operator(user):
        return True
    return _share_role(user, device) is not None


def device_can_control(user: Any, device: Device) -> bool:
    """The owner and members shared with `control` may operate a device; operators may not."""
    if not getattr(user, "is_authenticated", False):
        return False
    if device.owner_id == user.pk:
        return True
    return _share_role(user, device) == ShareRole.CONTROL


def binding_code_list_for_order(*, order: Order, user: Any) -> list[DeviceBindingCode]:
    """The usable binding codes of an order's devices, for its buyer's eyes only."""
    if not getattr(user, "is_authenticated", False) or order.user_id != user.pk:
        return []
    return list(
        DeviceBindingCode.objects.filter(
            device__order=order, used_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("device")
        .order_by("device__unit_index")
    )


def reading_list(
    *,
    device: Device,
    user: Any,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 1000,
) -> list[Reading]:
    """A device's readings in measurement order, for those who may see the device."""
    if not device_can_view(user, device):
        raise PermissionDenied(_("You may not see this device."), code=DevicesErrorCode.NOT_ALLOWED)
    readings = Reading.objects.filter(device=device)
    if since is not None:
        readings = readings.filter(device_ts__gte=since)
    if until is not None:
        readings = readings.filter(device_ts__lt=until)
    return list(readings.order_by("device_ts", "id")[:limit])


# --- the device page and its API: telemetry series, history, alarms, commands, shares -------


class _SecondsSince(Func):
    """Seconds (a float) from a fixed instant to a datetime column, on SQLite and PostgreSQL.

    Django has no portable "epoch" transform; bucketing in the database needs one so that a
    month of readings comes back as a few hundred rows instead of tens of thousands.
    """

    output_field = FloatField()

    def __init__(self, expression: Any, start: datetime) -> None:
        super().__init__(expression, Value(start, output_field=DateTimeField()))

    def as_sql(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        raise NotSupportedError("time buckets are implemented for SQLite and PostgreSQL only")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s))::double precision",
            arg_joiner=" - ",
            **extra,
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            # julianday() carries ~50 µs of float error at today's dates: round to the ms.
            template="ROUND((julianday(%(expressions)s)) * 86400.0, 3)",
            arg_joiner=") - julianday(",
            **extra,
        )


@dataclass(frozen=True, slots=True)
class SeriesPoint:
    """One time bucket of one telemetry field: mean time, mean, lowest and highest value."""

    at: datetime
    mean: float
    minimum: float
    maximum: float
    count: int


def telemetry_numeric_fields(device: Device) -> list[ValueSpec]:
    """The telemetry fields of the device's model that can be drawn (int and float)."""
    try:
        capabilities = capabilities_parse(device.model.capabilities)
    except DomainError:
        return []
    return [spec for spec in capabilities.telemetry if spec.type in ("int", "float")]


def telemetry_series(
    *,
    device: Device,
    user: Any,
    fields: Sequence[str],
    since: datetime,
    until: datetime,
    buckets: int = 300,
) -> dict[str, list[SeriesPoint]]:
    """Each numeric field's readings over [since, until), averaged into at most `buckets` equal
    time buckets by the database in one grouped query (weeks of readings every few minutes
    would otherwise travel as tens of thousands of rows). Empty buckets are left out."""
    if not device_can_view(user, device):
        raise PermissionDenied(_("You may not see this device."), code=DevicesErrorCode.NOT_ALLOWED)
    names = [name for name in dict.fromkeys(fields) if _FIELD_NAME.fullmatch(name)]
    span = (until - since).total_seconds()
    if not names or span <= 0 or buckets < 1:
        return {name: [] for name in names}
    width = span / buckets
    aggregates: dict[str, Any] = {"at": Avg("seconds"), "rows": Count("id")}
    for index, name in enumerate(names):
        value = Cast(KeyTextTransform(name, "values"), FloatField())
        aggregates[f"f{index}_mean"] = Avg(value)
        aggregates[f"f{index}_min"] = Min(value)
        aggregates[f"f{index}_max"] = Max(value)
        aggregates[f"f{index}_count"] = Count(value)
    rows = (
        Reading.objects.filter(device=device, device_ts__gte=since, device_ts__lt=until)
        .annotate(seconds=_SecondsSince(F("device_ts"), since))
        .annotate(bucket=Floor(F("seconds") / Value(width, output_field=FloatField())))
        .values("bucket")
        .annotate(**aggregates)
        .order_by("bucket")
    )
    series: dict[str, list[SeriesPoint]] = {name: [] for name in names}
    for row in rows:
        at = since + timedelta(seconds=float(row["at"]))
        for index, name in enumerate(names):
            if row[f"f{index}_count"]:
                series[name].append(
                    SeriesPoint(
                        at=at,
                        mean=float(row[f"f{index}_mean"]),
                        minimum=float(row[f"f{index}_min"]),
                        maximum=float(row[f"f{index}_max"]),
                        count=int(row[f"f{index}_count"]),
                    )
                )
    return series


def reading_history(*, device: Device, user: Any) -> QuerySet[Reading]:
    """A device's readings, newest first, for a paginated history table or a "latest" list."""
    if not device_can_view(user, device):
        raise PermissionDenied(_("You may not see this device."), code=DevicesErrorCode.NOT_ALLOWED)
    return Reading.objects.filter(device=device).order_by("-device_ts", "-id")


def alarm_list(*, device: Device, user: Any, limit: int = 50) -> list[DeviceAlarm]:
    """A device's alarms: the active ones first (newest first), then cleared ones."""
    if not device_can_view(user, device):
        raise PermissionDenied(_("You may not see this device."), code=DevicesErrorCode.NOT_ALLOWED)
    active = list(
        DeviceAlarm.objects.filter(device=device, cleared_at__isnull=True).order_by(
            "-raised_at", "-id"
        )[:limit]
    )
    cleared = list(
        DeviceAlarm.objects.filter(device=device, cleared_at__isnull=False).order_by(
            "-cleared_at", "-id"
        )[: max(limit - len(active), 0)]
    )
    return active + cleared


def alarm_active_counts(*, device_ids: Sequence[int]) -> dict[int, int]:
    """How many alarms are active on each device (absent: none), in one query."""
    rows = (
        DeviceAlarm.objects.filter(device_id__in=list(device_ids), cleared_at__isnull=True)
        .values("device_id")
        .annotate(active=Count("id"))
        .order_by()
    )
    return {row["device_id"]: row["active"] for row in rows}


def command_list(*, device: Device, user: Any, limit: int = 20) -> list[DeviceCommand]:
    """A device's latest commands, newest first, with whoever asked for them."""
    if not device_can_view(user, device):
        raise PermissionDenied(_("You may not see this device."), code=DevicesErrorCode.NOT_ALLOWED)
    return list(
        DeviceCommand.objects.filter(device=device)
        .select_related("requested_by")
        .order_by("-created_at", "-id")[:limit]
    )


def command_get(*, device: Device, user: Any, command_id: str) -> DeviceCommand:
    """One command of a device by its id (the id on the wire, which the device acknowledges)."""
    if not device_can_view(user, device):
        raise PermissionDenied(_("You may not see this device."), code=DevicesErrorCode.NOT_ALLOWED)
    try:
        message_id = uuid.UUID(command_id)
    except ValueError:
        message_id = None
    command = (
        DeviceCommand.objects.filter(device=device, message_id=message_id).first()
        if message_id is not None
        else None
    )
    if command is None:
        raise NotFound(_("No such command."), code=COMMAND_NOT_FOUND)
    return command


def share_list(*, device: Device, user: Any) -> list[DeviceShare]:
    """Whom the owner shared a device with; only the owner sees the list."""
    if not getattr(user, "is_authenticated", False) or device.owner_id != user.pk:
        return []
    return list(
        DeviceShare.objects.filter(device=device).select_related("user").order_by("user__email")
    )


def share_get(*, device: Device, who: str) -> DeviceShare:
    """A share of a device by its member's e-mail address or user id; looked up among the
    device's shares only, so the answer says nothing about who else has an account."""
    shares = DeviceShare.objects.filter(device=device).select_related("user")
    try:
        share = shares.filter(user__uid=uuid.UUID(who)).first()
    except ValueError:
        share = shares.filter(user__email__iexact=who.strip()).first()
    if share is None:
        raise NotFound(
            _("This device is not shared with them."), code=DevicesErrorCode.SHARE_NOT_FOUND
        )
    return share


def credential_active_list(*, device: Device) -> list[DeviceCredential]:
    """A device's credentials still in force (normally one), newest first."""
    return list(
        DeviceCredential.objects.filter(device=device, revoked_at__isnull=True).order_by(
            "-created_at", "-id"
        )
    )


def share_of(*, device: Device, user: Any) -> DeviceShare | None:
    """The share that lets this person see someone else's device, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return DeviceShare.objects.filter(device=device, user_id=user.pk).first()
