"""Pages of devices: my devices, binding with a code (where the box's QR code leads), and one
device's page: live state, charts, history, alarms, commands, control and the owner's tools."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from heyi.core.errors import DomainError
from heyi.devices import charts, commands, selectors, services
from heyi.devices.capabilities import Capabilities, ValueSpec, capabilities_parse
from heyi.devices.forms import CommandForm, DesiredForm, ShareForm
from heyi.devices.models import (
    CommandStatus,
    Device,
    DeviceAlarm,
    DeviceCommand,
    DeviceShadow,
    Reading,
)

HISTORY_PAGE_SIZE = 20
LATEST_READINGS = 5
LIVE_COMMANDS = 10
LIVE_ALARMS = 20
# The chart periods a person may pick (query parameter `period`), the first is the default.
PERIODS: dict[str, tuple[timedelta, Any]] = {
    "24h": (timedelta(hours=24), gettext_lazy("24 hours")),
    "7d": (timedelta(days=7), gettext_lazy("7 days")),
    "30d": (timedelta(days=30), gettext_lazy("30 days")),
}
_STATUS_BADGES = {
    CommandStatus.PENDING: "text-bg-secondary",
    CommandStatus.SENT: "text-bg-info",
    CommandStatus.ACKED: "text-bg-success",
    CommandStatus.FAILED: "text-bg-danger",
    CommandStatus.REJECTED: "text-bg-warning",
    CommandStatus.TIMED_OUT: "text-bg-dark",
}
_SEVERITY_BADGES = {
    "info": "text-bg-info",
    "warning": "text-bg-warning",
    "critical": "text-bg-danger",
}


def _error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"message": error.message}, status=error.status)


def _when(moment: datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _value(value: Any, unit: str = "", *, switch: bool = True) -> str:
    """A value as people read it: on/off for a switch (yes/no for a reading), at most 2
    decimals, with its unit."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        if switch:
            return _("on") if value else _("off")
        return _("yes") if value else _("no")
    if isinstance(value, float):
        value = f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value} {unit}".strip()


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _capabilities(device: Device) -> Capabilities:
    try:
        return capabilities_parse(device.model.capabilities)
    except DomainError:
        return Capabilities()


# --- what the page shows, as rows of text: rendered by the template, then refreshed by JS ---


def _online(device: Device) -> dict[str, str]:
    if device.is_online:
        return {"text": _("Online"), "class": "badge text-bg-success"}
    return {"text": _("Offline"), "class": "badge text-bg-secondary"}


def _state_rows(device: Device, capabilities: Capabilities) -> list[list[Any]]:
    shadow = DeviceShadow.objects.filter(device=device).first()
    reported = shadow.reported if shadow else {}
    desired = shadow.desired if shadow else {}
    declared = {spec.name: spec for spec in capabilities.attributes}
    names = list(declared) + [name for name in {**reported, **desired} if name not in declared]
    rows = []
    for name in names:
        spec = declared.get(name)
        unit = spec.unit if spec else ""
        waiting = name in desired and reported.get(name) != desired[name]
        rows.append(
            [
                _label(name),
                _value(reported.get(name), unit),
                {
                    "text": _value(desired.get(name), unit)
                    + (" · " + _("waiting for the device") if waiting else ""),
                    "class": "text-warning-emphasis" if waiting else "",
                },
            ]
        )
    return rows


def _reading_row(reading: Reading, fields: list[ValueSpec]) -> list[Any]:
    return [_when(reading.device_ts)] + [
        _value(reading.values.get(spec.name), spec.unit, switch=False) for spec in fields
    ]


def _alarm_row(alarm: DeviceAlarm) -> list[Any]:
    return [
        {"text": alarm.severity, "class": f"badge {_SEVERITY_BADGES.get(alarm.severity, '')}"},
        _label(alarm.code),
        alarm.message,
        _when(alarm.raised_at),
        _when(alarm.cleared_at) if alarm.cleared_at else {"text": _("Active"), "class": "fw-bold"},
    ]


def _command_row(command: DeviceCommand) -> list[Any]:
    arguments = ", ".join(f"{name}={_value(value)}" for name, value in command.args.items())
    return [
        _when(command.created_at),
        f"{command.name}({arguments})",
        {
            "text": command.get_status_display(),
            "class": f"badge {_STATUS_BADGES.get(CommandStatus(command.status), '')}",
        },
        command.get_source_display(),
        command.detail,
    ]


def _cells(rows: list[list[Any]]) -> list[list[dict[str, str]]]:
    """Every cell as {text, class}, the one shape the template and live.js both draw."""
    return [
        [cell if isinstance(cell, dict) else {"text": str(cell), "class": ""} for cell in row]
        for row in rows
    ]


def _alarm_badge(count: int) -> dict[str, str]:
    text = ngettext("%(count)d active alarm", "%(count)d active alarms", count) % {"count": count}
    return {"text": text, "class": "badge text-bg-danger" if count else "d-none"}


def _live(device: Device, user: Any) -> dict[str, Any]:
    """Everything the page refreshes every few seconds, already worded for display."""
    capabilities = _capabilities(device)
    fields = list(capabilities.telemetry)
    latest = selectors.reading_history(device=device, user=user)[:LATEST_READINGS]
    alarms = selectors.alarm_list(device=device, user=user, limit=LIVE_ALARMS)
    recent = selectors.command_list(device=device, user=user, limit=LIVE_COMMANDS)
    active = sum(1 for alarm in alarms if alarm.cleared_at is None)
    return {
        "serial": device.serial,
        "is_online": device.is_online,
        "online": _online(device),
        "last_seen": _when(device.last_seen_at),
        "last_seen_at": device.last_seen_at.isoformat() if device.last_seen_at else None,
        "active_alarm_count": active,
        "alarms": _alarm_badge(active),
        "tables": {
            "state": {
                "rows": _cells(_state_rows(device, capabilities)),
                "empty": _("The device has not reported its state yet."),
            },
            "readings": {
                "rows": _cells([_reading_row(reading, fields) for reading in latest]),
                "empty": _("No readings yet: the device has not reported since it was bound."),
            },
            "alarms": {
                "rows": _cells([_alarm_row(alarm) for alarm in alarms]),
                "empty": _("No alarms: all is well."),
            },
            "commands": {
                "rows": _cells([_command_row(command) for command in recent]),
                "empty": _("No commands sent to this device yet."),
            },
        },
    }


@dataclass(frozen=True)
class _Chart:
    name: str
    svg: str


def _period(request: HttpRequest) -> str:
    period = request.GET.get("period", "")
    return period if period in PERIODS else next(iter(PERIODS))


def _charts(device: Device, user: Any, period: str) -> list[_Chart]:
    """One SVG chart per numeric telemetry field over the period, bucketed by the database."""
    span, _period_label = PERIODS[period]
    until = timezone.now()
    since = until - span
    fields = selectors.telemetry_numeric_fields(device)
    series = selectors.telemetry_series(
        device=device,
        user=user,
        fields=[spec.name for spec in fields],
        since=since,
        until=until,
        buckets=charts.MAX_POINTS,
    )
    result = []
    for spec in fields:
        title = _label(spec.name)
        points = series.get(spec.name, [])
        svg = charts.chart_svg(
            [(point.at, point.mean) for point in points],
            # The legend says the real lowest and highest readings, not the bucket means.
            extremes=(
                (min(p.minimum for p in points), max(p.maximum for p in points)) if points else None
            ),
            chart_id=f"chart-{spec.name}",
            title=title,
            description=_("%(field)s of %(serial)s over the last %(period)s.")
            % {"field": title, "serial": device.serial, "period": PERIODS[period][1]},
            start=since,
            end=until,
            unit=spec.unit,
            empty_text=_("No readings in this period."),
            minimum_label=_("min"),
            maximum_label=_("max"),
            tz=timezone.get_current_timezone(),
        )
        # Built by charts.chart_svg, which escapes every text it writes.
        result.append(_Chart(name=title, svg=mark_safe(svg)))
    return result


def _device_or_404(request: HttpRequest, serial: str) -> Device | HttpResponse:
    try:
        return selectors.device_get_for_user(serial=serial, user=request.user)
    except DomainError as error:
        return _error_page(request, error)


@login_required
def device_list_mine(request: HttpRequest) -> HttpResponse:
    """The devices I own or that were shared with me, each with its state at a glance."""
    devices = list(selectors.device_list_for_user(user=request.user))
    counts = selectors.alarm_active_counts(device_ids=[device.pk for device in devices])
    rows = [(device, counts.get(device.pk, 0)) for device in devices]
    return render(request, "devices/device_list.html", {"devices": devices, "rows": rows})


@login_required
def device_bind(request: HttpRequest) -> HttpResponse:
    """Enter (or arrive by QR code with) a one-time binding code and bind the device to me."""
    code = request.POST.get("code", "") if request.method == "POST" else request.GET.get("code", "")
    if request.method == "POST":
        try:
            device = services.device_bind(code=code, actor=request.user)
        except DomainError as error:
            return render(
                request,
                "devices/bind.html",
                {"code": code, "error": error.message},
                status=error.status,
            )
        messages.success(request, _("Device %(serial)s is now yours.") % {"serial": device.serial})
        return redirect("devices:mine")
    return render(request, "devices/bind.html", {"code": code})


@login_required
@require_GET
def device_detail(request: HttpRequest, serial: str) -> HttpResponse:
    """A device's page for those who may see it (owner, shared members, operators)."""
    device = _device_or_404(request, serial)
    if isinstance(device, HttpResponse):
        return device
    user = request.user
    capabilities = _capabilities(device)
    period = _period(request)
    can_control = selectors.device_can_control(user, device)
    is_owner = device.owner_id == user.pk
    history = Paginator(
        selectors.reading_history(device=device, user=user), HISTORY_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    fields = list(capabilities.telemetry)
    writable = [spec for spec in capabilities.attributes if spec.writable]
    return render(
        request,
        "devices/device_detail.html",
        {
            "device": device,
            "capabilities": capabilities,
            "live": _live(device, user),
            "charts": _charts(device, user, period),
            "period": period,
            "periods": [(key, label) for key, (_span, label) in PERIODS.items()],
            "field_labels": [_label(spec.name) for spec in fields],
            "history": history,
            "history_rows": _cells([_reading_row(reading, fields) for reading in history]),
            "can_control": can_control,
            "is_owner": is_owner,
            "command_forms": [
                CommandForm(command)
                for command in capabilities.commands
                if command.name != commands.SET_COMMAND
            ]
            if can_control
            else [],
            "desired_form": DesiredForm(writable) if can_control and writable else None,
            "share_form": ShareForm() if is_owner else None,
            "shares": selectors.share_list(device=device, user=user),
            "my_share": None if is_owner else selectors.share_of(device=device, user=user),
            "credentials": selectors.credential_active_list(device=device) if is_owner else [],
        },
    )


@login_required
@require_GET
def device_charts(request: HttpRequest, serial: str) -> HttpResponse:
    """The charts alone: the page fetches them again every minute."""
    device = _device_or_404(request, serial)
    if isinstance(device, HttpResponse):
        return device
    period = _period(request)
    return render(
        request,
        "devices/device_detail.html#charts",
        {"device": device, "charts": _charts(device, request.user, period), "period": period},
    )


@login_required
@require_GET
def device_live(request: HttpRequest, serial: str) -> HttpResponse:
    """What changed since the page was drawn, as JSON, polled every 5 seconds by devices/live.js."""
    device = _device_or_404(request, serial)
    if isinstance(device, HttpResponse):
        return JsonResponse({"code": "device_not_found"}, status=404)
    response = JsonResponse(_live(device, request.user))
    response["Cache-Control"] = "no-store"
    return response


def _back(device: Device, anchor: str = "") -> HttpResponse:
    url = reverse("devices:detail", args=[device.serial])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _act(request: HttpRequest, device: Device, anchor: str, action: Any, done: str) -> HttpResponse:
    """Run a service call for a form of the page: success and refusals of the rules are told
    on the page; a permission refusal is an error page with its status."""
    try:
        action()
    except DomainError as error:
        if error.status in (403, 404):
            return _error_page(request, error)
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return _back(device, anchor)


@login_required
@require_POST
def device_command_send(request: HttpRequest, serial: str) -> HttpResponse:
    """Send one of the model's commands with its arguments (owner, members with control)."""
    device = _device_or_404(request, serial)
    if isinstance(device, HttpResponse):
        return device
    declared = _capabilities(device).command(request.POST.get("command", ""))
    if declared is None or declared.name == commands.SET_COMMAND:
        messages.error(request, _("This model has no such command."))
        return _back(device, "control")
    form = CommandForm(declared, request.POST)
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label if name in form.fields else name}: "
            + " ".join(str(error) for error in errors)
            for name, errors in form.errors.items()
        )
        messages.error(request, problems)
        return _back(device, "control")
    return _act(
        request,
        device,
        "commands",
        lambda: commands.command_send(
            device=device, actor=request.user, name=declared.name, args=form.values()
        ),
        _("Command %(name)s sent.") % {"name": declared.name},
    )


@login_required
@require_POST
def device_desired_set(request: HttpRequest, serial: str) -> HttpResponse:
    """Ask for attribute values; the device gets them as soon as it is online."""
    device = _device_or_404(request, serial)
    if isinstance(device, HttpResponse):
        return device
    writable = [spec for spec in _capabilities(device).attributes if spec.writable]
    form = DesiredForm(writable, request.POST)
    if not form.is_valid() or not form.values():
        messages.error(request, _("Choose at least one value to set."))
        return _back(device, "control")
    return _act(
        request,
        device,
        "state",
        lambda: services.shadow_desire(device=device, actor=request.user, values=form.values()),
        _("The new settings are on their way to the device."),
    )


@login_required
@require_POST
def device_share_add(request: HttpRequest, serial: str) -> HttpResponse:
    """The owner shares the device with a family member, to view or to control it."""
    device = _device_or_404(request, serial)
    if isinstance(device, HttpResponse):
        return device
    form = ShareForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter an e-mail address and what they may do."))
        return _back(device, "sharing")
    return _act(
        request,
        device,
        "sharing",
        lambda: services.device_share_by_email(
            device=device,
            actor=request.user,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
        ),
        _("Shared with %(email)s.") % {"email": form.cleaned_data["email"]},
    )


@login_required
@require_POST
def device_share_remove(request: HttpRequest, serial: str, member: str) -> HttpResponse:
    """The owner ends a share (or a member leaves)."""
    device = _device_or_404(request, serial)
    if isinstance(device, HttpResponse):
        return device

    def remove() -> None:
        share = selectors.share_get(device=device, who=member)
        services.device_unshare(device=device, actor=request.user, user=share.user)

    if device.owner_id != request.user.pk:
        response = _act(request, device, "", remove, _("You no longer see this device."))
        return redirect("devices:mine") if response.status_code == 302 else response
    return _act(request, device, "sharing", remove, _("The share has ended."))


@login_required
@require_http_methods(["GET", "POST"])
def device_unbind(request: HttpRequest, serial: str) -> HttpResponse:
    """GET: ask the owner to confirm. POST: unbind; the page shows the next owner's code."""
    device = _device_or_404(request, serial)
    if isinstance(device, HttpResponse):
        return device
    if request.method == "GET":
        return render(request, "devices/device_unbind.html", {"device": device})
    try:
        binding = services.device_unbind(device=device, actor=request.user)
    except DomainError as error:
        return _error_page(request, error)
    return render(
        request,
        "devices/device_unbound.html",
        {
            "device": device,
            "binding": binding,
            "qr": mark_safe(services.binding_qr_svg(binding.code)),
        },
    )


@login_required
@require_POST
def device_credential_roll(request: HttpRequest, serial: str) -> HttpResponse:
    """The owner issues a new device token, shown on this answer only; older ones stop."""
    device = _device_or_404(request, serial)
    if isinstance(device, HttpResponse):
        return device
    if device.owner_id != request.user.pk:
        return render(
            request,
            "error.html",
            {"message": _("Only the device's owner may do this.")},
            status=403,
        )
    try:
        _credential, token = services.credential_roll(device=device, actor=request.user)
    except DomainError as error:
        return _error_page(request, error)
    response = render(request, "devices/device_credential.html", {"device": device, "token": token})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def device_credential_revoke(request: HttpRequest, serial: str) -> HttpResponse:
    """The owner revokes the device's token(s): it can no longer report until a new one."""
    device = _device_or_404(request, serial)
    if isinstance(device, HttpResponse):
        return device
    if device.owner_id != request.user.pk:
        return render(
            request,
            "error.html",
            {"message": _("Only the device's owner may do this.")},
            status=403,
        )

    def revoke() -> None:
        for credential in selectors.credential_active_list(device=device):
            services.credential_revoke(credential=credential, actor=request.user)

    return _act(request, device, "credentials", revoke, _("The device's token no longer works."))
