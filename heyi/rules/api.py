"""The JSON API of rules: my rules (and operators' model-wide ones), their firings, tickets.

Rules act for their owner, so only the person may write them: personal tokens and sessions,
not apps (the API's default authentication refuses OAuth2 app tokens here).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from heyi.core.errors import InvalidInput
from heyi.devices.selectors import device_get_for_user
from heyi.rules import selectors, services
from heyi.rules.errors import RulesErrorCode
from heyi.rules.models import Rule, RuleFiring, ServiceTicket
from heyi.rules.schemas import FiringOut, RuleIn, RuleOut, RulePatchIn, ServiceTicketOut

router = Router(tags=["rules"])


def _rule_out(rule: Rule) -> dict[str, Any]:
    return {
        "uid": rule.uid,
        "name": rule.name,
        "device": rule.device.serial if rule.device is not None else None,
        "device_model": rule.device_model.name if rule.device_model is not None else None,
        "trigger": rule.trigger,
        "condition": rule.condition,
        "action": rule.action,
        "params": rule.params,
        "summary": rule.summary,
        "cooldown_minutes": rule.cooldown_minutes,
        "is_active": rule.is_active,
        "last_fired_at": rule.last_fired_at,
        "created_at": rule.created_at,
    }


def _firing_out(firing: RuleFiring) -> dict[str, Any]:
    return {
        "uid": firing.uid,
        "at": firing.at,
        "device": firing.device.serial,
        "event_type": firing.event_type,
        "evidence": firing.evidence,
        "action": firing.action,
        "status": firing.status,
        "detail": firing.detail,
        "command_uid": firing.command_uid,
        "ticket_uid": firing.ticket_uid,
        "demand_uid": firing.demand_uid,
        "notified": firing.notified,
    }


def _ticket_out(ticket: ServiceTicket) -> dict[str, Any]:
    return {
        "uid": ticket.uid,
        "device": ticket.device.serial,
        "rule": ticket.rule.uid if ticket.rule is not None else None,
        "title": ticket.title,
        "description": ticket.description,
        "status": ticket.status,
        "evidence": ticket.evidence,
        "tender_uid": ticket.tender_uid,
        "tender_number": ticket.tender_number,
        "venture": ticket.venture.slug if ticket.venture is not None else None,
        "fee": ticket.fee,
        "awarded_at": ticket.awarded_at,
        "created_at": ticket.created_at,
    }


@router.get("/rules", response=list[RuleOut])
def rule_list(request: HttpRequest, device: str | None = None, model_wide: bool = False) -> Any:
    """My rules (one device's with `device=<serial>`); operators add `model_wide=true` for the
    model-wide rules."""
    if model_wide:
        return [_rule_out(rule) for rule in selectors.rule_list_model_wide(user=request.user)]
    watched = device_get_for_user(serial=device, user=request.user) if device else None
    return [
        _rule_out(rule) for rule in selectors.rule_list_for_user(user=request.user, device=watched)
    ]


@router.post("/rules", response={201: RuleOut})
def rule_create(request: HttpRequest, payload: RuleIn) -> Any:
    """Write a rule: WHEN a telemetry condition, an alarm or going offline THEN a command, a
    notice, a service ticket, or raising or supporting a demand."""
    if (payload.device is None) == (payload.device_model is None):
        raise InvalidInput(
            _("Give either a device serial or a device model."), code=RulesErrorCode.SCOPE_INVALID
        )
    device = (
        device_get_for_user(serial=payload.device, user=request.user) if payload.device else None
    )
    model = (
        selectors.device_model_get(uid=payload.device_model)
        if payload.device_model is not None
        else None
    )
    rule = services.rule_create(
        actor=request.user,
        device=device,
        device_model=model,
        name=payload.name,
        trigger=payload.trigger,
        condition=payload.condition,
        action=payload.action,
        params=payload.params,
        cooldown_minutes=payload.cooldown_minutes,
        is_active=payload.is_active,
    )
    return Status(201, _rule_out(rule))


@router.get("/rules/{uid}", response=RuleOut)
def rule_get(request: HttpRequest, uid: uuid.UUID) -> Any:
    return _rule_out(selectors.rule_get_for_user(uid=uid, user=request.user))


@router.patch("/rules/{uid}", response=RuleOut)
def rule_update(request: HttpRequest, uid: uuid.UUID, payload: RulePatchIn) -> Any:
    """Change a rule; `{"is_active": false}` pauses it."""
    rule = selectors.rule_get_for_user(uid=uid, user=request.user)
    changes = payload.dict(exclude_unset=True)
    services.rule_update(rule=rule, actor=request.user, **changes)
    return _rule_out(selectors.rule_get_for_user(uid=uid, user=request.user))


@router.delete("/rules/{uid}", response={204: None})
def rule_delete(request: HttpRequest, uid: uuid.UUID) -> Any:
    rule = selectors.rule_get_for_user(uid=uid, user=request.user)
    services.rule_delete(rule=rule, actor=request.user)
    return Status(204, None)


@router.get("/rules/{uid}/firings", response=list[FiringOut])
def firing_list(request: HttpRequest, uid: uuid.UUID) -> Any:
    """The rule's latest firings, newest first: what it saw and what it did."""
    rule = selectors.rule_get_for_user(uid=uid, user=request.user)
    return [_firing_out(firing) for firing in selectors.firing_list(rule=rule)]


@router.get("/service-tickets", response=list[ServiceTicketOut])
def service_ticket_list(request: HttpRequest) -> Any:
    """Service tickets: mine, my devices', my venture's; operators see all."""
    return [
        _ticket_out(ticket)
        for ticket in selectors.service_ticket_list_for_user(user=request.user)[:200]
    ]


@router.get("/service-tickets/{uid}", response=ServiceTicketOut)
def service_ticket_get(request: HttpRequest, uid: uuid.UUID) -> Any:
    return _ticket_out(selectors.service_ticket_get_for_user(uid=uid, user=request.user))
