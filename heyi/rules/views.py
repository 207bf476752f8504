"""Pages of rules: a device's rules and firings, writing a rule, operators' model-wide rules,
and service tickets with their tenders."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from heyi.accounts.selectors import operator_require, user_is_operator
from heyi.core.errors import DomainError
from heyi.demands.selectors import category_list, demand_get
from heyi.devices.capabilities import capabilities_parse
from heyi.devices.models import Device, DeviceModel
from heyi.devices.selectors import device_can_control, device_get_for_user
from heyi.rules import selectors, services
from heyi.rules.forms import RuleForm


def _error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"message": error.message}, status=error.status)


def _operator_require(user: Any) -> None:
    operator_require(user, _("Only operators may see this page."))


@login_required
def rule_list_mine(request: HttpRequest) -> HttpResponse:
    """The rules I wrote, on every device I may see."""
    rules = selectors.rule_list_for_user(user=request.user).filter(device__isnull=False)
    return render(
        request,
        "rules/rule_list.html",
        {"rules": rules, "is_operator": user_is_operator(request.user)},
    )


@login_required
def device_rules(request: HttpRequest, serial: str) -> HttpResponse:
    """One device's rules (mine) and their recent firings."""
    try:
        device = device_get_for_user(serial=serial, user=request.user)
    except DomainError as error:
        return _error_page(request, error)
    return render(
        request,
        "rules/device_rules.html",
        {
            "device": device,
            "rules": selectors.rule_list_for_user(user=request.user, device=device),
            "firings": selectors.firing_list_for_device(device=device, user=request.user),
            "can_control": device_can_control(request.user, device),
        },
    )


def _form_for(request: HttpRequest, model: DeviceModel, data: Any = None) -> RuleForm:
    return RuleForm(
        data,
        capabilities=capabilities_parse(model.capabilities),
        categories=[(category.slug, category.name) for category in category_list()],
    )


def _params_resolve(params: dict[str, Any]) -> dict[str, Any]:
    """The form names a demand by its number; the rule keeps its identifier."""
    if "demand_number" not in params:
        return params
    demand = demand_get(number=params["demand_number"])
    return {"demand_uid": str(demand.uid), "note": params.get("note", "")}


@login_required
def rule_new(request: HttpRequest) -> HttpResponse:
    """Write a rule for `?device=<serial>`, or (operators) for `?model=<uid>`."""
    device: Device | None = None
    model: DeviceModel | None = None
    try:
        if request.GET.get("model"):
            _operator_require(request.user)
            model = selectors.device_model_get(uid=request.GET["model"])
        else:
            device = device_get_for_user(serial=request.GET.get("device", ""), user=request.user)
    except DomainError as error:
        return _error_page(request, error)
    device_model = model if model is not None else device.model  # type: ignore[union-attr]
    form = _form_for(request, device_model, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rule = services.rule_create(
                actor=request.user,
                device=device,
                device_model=model,
                name=data["name"],
                trigger=data["trigger"],
                condition=data["condition"],
                action=data["action"],
                params=_params_resolve(data["params"]),
                cooldown_minutes=data["cooldown_minutes"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(request, _("Rule %(name)s saved.") % {"name": rule.name})
            return redirect("rules:detail", uid=rule.uid)
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "rules/rule_form.html",
        {"form": form, "device": device, "device_model": device_model, "model_wide": model},
        status=status,
    )


@login_required
def rule_detail(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    try:
        rule = selectors.rule_get_for_user(uid=uid, user=request.user)
    except DomainError as error:
        return _error_page(request, error)
    return render(
        request,
        "rules/rule_detail.html",
        {"rule": rule, "firings": selectors.firing_list(rule=rule)},
    )


def _back(rule_device: Device | None) -> Any:
    if rule_device is not None:
        return redirect("rules:device", serial=rule_device.serial)
    return redirect("rules:operator")


@login_required
@require_POST
def rule_toggle(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """Pause an active rule or resume a paused one."""
    try:
        rule = selectors.rule_get_for_user(uid=uid, user=request.user)
        services.rule_update(rule=rule, actor=request.user, is_active=not rule.is_active)
    except DomainError as error:
        return _error_page(request, error)
    messages.success(
        request,
        _("Rule resumed.") if rule.is_active else _("Rule paused."),
    )
    return redirect("rules:detail", uid=rule.uid)


@login_required
@require_POST
def rule_delete(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    try:
        rule = selectors.rule_get_for_user(uid=uid, user=request.user)
        device = rule.device
        services.rule_delete(rule=rule, actor=request.user)
    except DomainError as error:
        return _error_page(request, error)
    messages.success(request, _("Rule deleted."))
    return _back(device)


@login_required
def operator_rules(request: HttpRequest) -> HttpResponse:
    """Operators' model-wide rules, and the smart models one can be written for."""
    try:
        _operator_require(request.user)
    except DomainError as error:
        return _error_page(request, error)
    return render(
        request,
        "rules/operator_rules.html",
        {
            "rules": selectors.rule_list_model_wide(user=request.user),
            "models": selectors.device_model_list(),
        },
    )


@login_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "rules/ticket_list.html",
        {
            "tickets": selectors.service_ticket_list_for_user(user=request.user),
            "is_operator": user_is_operator(request.user),
        },
    )


@login_required
def ticket_detail(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    try:
        ticket = selectors.service_ticket_get_for_user(uid=uid, user=request.user)
    except DomainError as error:
        return _error_page(request, error)
    return render(
        request,
        "rules/ticket_detail.html",
        {"ticket": ticket, "is_operator": user_is_operator(request.user)},
    )


@login_required
@require_POST
def ticket_done(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    try:
        ticket = selectors.service_ticket_get_for_user(uid=uid, user=request.user)
        services.service_ticket_done(ticket=ticket, actor=request.user)
    except DomainError as error:
        if error.status == 409:
            messages.error(request, error.message)
            return redirect("rules:ticket", uid=uid)
        return _error_page(request, error)
    messages.success(request, _("Service ticket done."))
    return redirect("rules:ticket", uid=uid)


@login_required
@require_POST
def ticket_cancel(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    try:
        ticket = selectors.service_ticket_get_for_user(uid=uid, user=request.user)
        services.service_ticket_cancel(
            ticket=ticket, actor=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as error:
        if error.status in (409, 422):
            messages.error(request, error.message)
            return redirect("rules:ticket", uid=uid)
        return _error_page(request, error)
    messages.success(request, _("Service ticket cancelled."))
    return redirect("rules:ticket", uid=uid)
