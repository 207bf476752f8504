"""Reads of rules: a person's rules, operators' model-wide rules, firings and service tickets.

A rule is visible to its owner; a model-wide rule also to every operator (they share the job of
watching the fleet). To anyone else it does not exist (404), as devices do.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from heyi.accounts.selectors import user_is_operator
from heyi.core.errors import NotFound
from heyi.demands.models import Demand
from heyi.devices.models import Device, DeviceModel
from heyi.rules.errors import RulesErrorCode
from heyi.rules.models import Rule, RuleFiring, ServiceTicket

FIRINGS_SHOWN = 50


def _uid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def _rule_not_found() -> NotFound:
    return NotFound(_("No such rule."), code=RulesErrorCode.RULE_NOT_FOUND)


def rule_can_manage(*, rule: Rule, user: Any) -> bool:
    """The owner manages a rule; operators also manage every model-wide rule."""
    if not getattr(user, "is_authenticated", False):
        return False
    if rule.owner_id == user.pk:
        return True
    return rule.device_model_id is not None and user_is_operator(user)


def rule_get_for_user(*, uid: Any, user: Any) -> Rule:
    key = _uid(uid)
    if key is None:
        raise _rule_not_found()
    rule = (
        Rule.objects.select_related("owner", "device__model", "device_model")
        .filter(uid=key)
        .first()
    )
    if rule is None or not rule_can_manage(rule=rule, user=user):
        raise _rule_not_found()
    return rule


def rule_list_for_user(*, user: Any, device: Device | None = None) -> QuerySet[Rule]:
    """A person's own rules (one device's, if given), newest first."""
    if not getattr(user, "is_authenticated", False):
        return Rule.objects.none()
    rules = Rule.objects.filter(owner=user).select_related("device__model", "device_model")
    if device is not None:
        rules = rules.filter(device=device)
    return rules.order_by("-created_at", "-id")


def rule_list_model_wide(*, user: Any, device_model: DeviceModel | None = None) -> QuerySet[Rule]:
    """Every model-wide rule, for operators; nothing for anyone else."""
    if not user_is_operator(user):
        return Rule.objects.none()
    rules = Rule.objects.filter(device_model__isnull=False).select_related("owner", "device_model")
    if device_model is not None:
        rules = rules.filter(device_model=device_model)
    return rules.order_by("device_model__name", "-created_at", "-id")


def firing_list(*, rule: Rule, limit: int = FIRINGS_SHOWN) -> list[RuleFiring]:
    return list(rule.firings.select_related("device").order_by("-at", "-id")[:limit])


def firing_list_for_device(
    *, device: Device, user: Any, limit: int = FIRINGS_SHOWN
) -> list[RuleFiring]:
    """Recent firings on a device of the rules the person owns."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        RuleFiring.objects.filter(device=device, rule__owner=user)
        .select_related("rule")
        .order_by("-at", "-id")[:limit]
    )


def device_model_get(*, uid: Any) -> DeviceModel:
    key = _uid(uid)
    model = DeviceModel.objects.filter(uid=key).first() if key is not None else None
    if model is None:
        raise NotFound(_("No such device model."), code="device_model_not_found")
    return model


def device_model_list() -> QuerySet[DeviceModel]:
    return DeviceModel.objects.filter(is_smart=True).order_by("name")


def demand_get_by_uid(*, uid: Any) -> Demand | None:
    key = _uid(uid)
    return Demand.objects.filter(uid=key).first() if key is not None else None


# --- service tickets ---------------------------------------------------------------------


def _ticket_visible(user: Any) -> Q:
    # The venture that won the tender must know where to go and what is wrong.
    return (
        Q(opened_by=user)
        | Q(device__owner=user)
        | Q(venture__memberships__user=user, venture__memberships__left_at__isnull=True)
    )


def service_ticket_list_for_user(*, user: Any) -> QuerySet[ServiceTicket]:
    """Operators see every ticket; a person those they opened, of their devices, or won."""
    if not getattr(user, "is_authenticated", False):
        return ServiceTicket.objects.none()
    tickets = ServiceTicket.objects.select_related("device__model", "venture", "rule")
    if not user_is_operator(user):
        tickets = tickets.filter(_ticket_visible(user)).distinct()
    return tickets.order_by("-created_at", "-id")


def service_ticket_get_for_user(*, uid: Any, user: Any) -> ServiceTicket:
    key = _uid(uid)
    ticket = (
        service_ticket_list_for_user(user=user).filter(uid=key).first() if key is not None else None
    )
    if ticket is None:
        raise NotFound(_("No such service ticket."), code=RulesErrorCode.TICKET_NOT_FOUND)
    return ticket
