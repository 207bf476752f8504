"""Writes of rules: writing rules, evaluating them on device events, and what a firing does.

The ingest publishes DeviceEvents in batches (heyi.devices.events); `device_events_handle` is
registered for them in RulesConfig.ready. It runs for every batch of readings, so it asks the
database one question when nobody wrote a rule for the devices involved, and nothing at all for
events no rule can watch. Each (rule, device) pair is then evaluated and, if it fires, acted on in
its own transaction: a failing action is recorded on the firing and never reaches the ingest.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.accounts.selectors import operator_require, user_is_operator
from heyi.contention.models import SubjectType, Tender, TenderStatus
from heyi.contention.scoring import KNOWN_CRITERIA, Criterion, ScoringRule
from heyi.contention.selectors import award_winner_line
from heyi.contention.services import tender_cancel, tender_create, tender_publish
from heyi.core.audit import audit_record
from heyi.core.errors import DomainError, NotFound, PermissionDenied
from heyi.core.text import text_clean
from heyi.demands.errors import DemandsError, DemandsErrorCode
from heyi.demands.lifecycle import SUPPORTABLE_STATUSES
from heyi.demands.selectors import category_get
from heyi.demands.services import demand_raise, support_add
from heyi.devices.capabilities import Capabilities, CapabilityError, capabilities_parse
from heyi.devices.commands import command_send
from heyi.devices.errors import DevicesErrorCode
from heyi.devices.events import DeviceEvent, DeviceEventType
from heyi.devices.models import CommandSource, Device, DeviceModel, DeviceShare
from heyi.devices.selectors import device_can_control, device_can_view
from heyi.notifications.services import Notice, notification_send_many
from heyi.rules.conditions import (
    ActionType,
    AlarmCondition,
    Condition,
    ReadingSeen,
    Streak,
    TelemetryCondition,
    TriggerType,
    condition_parse,
    evidence_text,
    params_parse,
    streak_advance,
    text_fill,
)
from heyi.rules.errors import RulesError, RulesErrorCode
from heyi.rules.models import (
    FiringStatus,
    Rule,
    RuleFiring,
    RuleState,
    ServiceTicket,
    TicketStatus,
)
from heyi.rules.selectors import demand_get_by_uid, rule_can_manage
from heyi.ventures.models import VentureKind, VentureStatus
from heyi.ventures.selectors import membership_is_active

logger = logging.getLogger(__name__)

NAME_MAX = 120
COOLDOWN_MIN = 1
COOLDOWN_MAX = 60 * 24 * 30
RULES_PER_SCOPE_MAX = 50
NOTIFY_KIND = "rules.rule.fired"
TICKET_KIND = "rules.ticket.changed"
# Which device events each trigger watches.
EVENT_TRIGGERS: dict[str, str] = {
    DeviceEventType.TELEMETRY: TriggerType.TELEMETRY,
    DeviceEventType.ALARM_RAISED: TriggerType.ALARM,
    DeviceEventType.OFFLINE: TriggerType.OFFLINE,
}
# The published rule of service-ticket tenders: the price of the visit first, then how soon the
# team comes (lead time in days) and its rating.
SERVICE_RULE_WEIGHTS: dict[str, str] = {
    "unit_price": "0.6",
    "lead_time_days": "0.2",
    "rating": "0.2",
}
# Service ventures still forming may bid, as delivery ventures may on routes.
BIDDING_STATUSES = (
    VentureStatus.INCUBATING,
    VentureStatus.ACCELERATING,
    VentureStatus.RAISING,
    VentureStatus.SPUN_OFF,
)


def service_scoring_rule() -> ScoringRule:
    return ScoringRule(
        version=1,
        criteria=tuple(
            Criterion(name=name, weight=Decimal(weight), direction=KNOWN_CRITERIA[name])
            for name, weight in SERVICE_RULE_WEIGHTS.items()
        ),
    )


# --- writing rules -------------------------------------------------------------------------


def _capabilities(model: DeviceModel) -> Capabilities:
    try:
        return capabilities_parse(model.capabilities)
    except CapabilityError:
        raise RulesError(
            RulesErrorCode.SCOPE_INVALID,
            _("This device model declares no usable capabilities."),
            status=422,
        ) from None


def _cooldown_clean(value: Any) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or not (COOLDOWN_MIN <= value <= COOLDOWN_MAX)
    ):
        raise RulesError(
            RulesErrorCode.COOLDOWN_INVALID,
            _("The cooldown is a whole number of minutes from %(min)d to %(max)d.")
            % {"min": COOLDOWN_MIN, "max": COOLDOWN_MAX},
            status=422,
        )
    return value


def _scope_check(*, actor: Any, device: Device | None, device_model: DeviceModel | None) -> None:
    if (device is None) == (device_model is None):
        raise RulesError(
            RulesErrorCode.SCOPE_INVALID,
            _("A rule watches one device or, for operators, one device model."),
            status=422,
        )
    if device is not None and not device_can_view(actor, device):
        # Another person's device does not exist to the actor, as everywhere else.
        raise NotFound(_("No such device."), code=DevicesErrorCode.DEVICE_NOT_FOUND)
    if device_model is not None:
        operator_require(actor, _("Only operators write rules for every device of a model."))


def _action_check(
    *, actor: Any, device: Device | None, action: str, params: dict[str, Any]
) -> None:
    """The checks of an action that need the database or the actor's rights."""
    if action == ActionType.COMMAND:
        if device is None:
            raise RulesError(
                RulesErrorCode.COMMAND_NOT_ALLOWED,
                _(
                    "Model-wide rules cannot send commands: operators do not control owners' "
                    "devices."
                ),
                status=422,
            )
        if not device_can_control(actor, device):
            raise PermissionDenied(
                _("Only people who may control the device can make it send commands."),
                code=RulesErrorCode.CONTROL_REQUIRED,
            )
    elif action == ActionType.SERVICE_TICKET:
        if device is not None and not (
            device_can_control(actor, device) or user_is_operator(actor)
        ):
            raise PermissionDenied(
                _("Only people who may control the device can open service tickets for it."),
                code=RulesErrorCode.CONTROL_REQUIRED,
            )
    elif action == ActionType.DEMAND:
        if "demand_uid" in params:
            demand = demand_get_by_uid(uid=params["demand_uid"])
            if demand is None:
                raise RulesError(
                    RulesErrorCode.PARAMS_INVALID, _("There is no such demand."), status=422
                )
            if demand.author_id == actor.pk or demand.status not in SUPPORTABLE_STATUSES:
                raise RulesError(
                    RulesErrorCode.DEMAND_NOT_SUPPORTABLE,
                    _("You cannot support this demand: it is yours, or it takes no support."),
                    status=422,
                )
        else:
            try:
                category_get(slug=params["category"])
            except DomainError as error:
                raise RulesError(RulesErrorCode.PARAMS_INVALID, error.message, status=422) from None


def _validated(
    *,
    actor: Any,
    device: Device | None,
    device_model: DeviceModel | None,
    trigger: str,
    condition: Any,
    action: str,
    params: Any,
) -> tuple[dict[str, Any], dict[str, Any]]:
    model = device.model if device is not None else device_model
    assert model is not None
    capabilities = _capabilities(model)
    parsed = condition_parse(trigger, condition, capabilities)
    cleaned = params_parse(action, params, capabilities)
    _action_check(actor=actor, device=device, action=action, params=cleaned)
    return parsed.to_dict(), cleaned


def _rule_audit(rule: Rule, *, type: str, summary: str, actor: Any) -> None:
    audit_record(
        type=type,
        summary=summary,
        actor=actor,
        subject=rule,
        data={
            "trigger": rule.trigger,
            "condition": rule.condition,
            "action": rule.action,
            "params": rule.params,
            "cooldown_minutes": rule.cooldown_minutes,
            "is_active": rule.is_active,
            "device": rule.device.serial if rule.device is not None else None,
            "device_model": rule.device_model.name if rule.device_model is not None else None,
        },
        is_public=False,
    )


@transaction.atomic
def rule_create(
    *,
    actor: Any,
    name: str,
    trigger: str,
    condition: Any,
    action: str,
    params: Any = None,
    device: Device | None = None,
    device_model: DeviceModel | None = None,
    cooldown_minutes: int = 60,
    is_active: bool = True,
) -> Rule:
    """Write a rule for one device (its owner or a member it was shared with) or, for
    operators, for every device of a model. Everything is checked before anything is written:
    the condition against the model's telemetry and alarms, a command against its declared
    commands and the actor's right to control the device."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to write rules."))
    _scope_check(actor=actor, device=device, device_model=device_model)
    name = text_clean(value=name, field=_("Name"), max_length=NAME_MAX)
    cooldown = _cooldown_clean(cooldown_minutes)
    condition_clean, params_clean = _validated(
        actor=actor,
        device=device,
        device_model=device_model,
        trigger=trigger,
        condition=condition,
        action=action,
        params=params,
    )
    scope = Q(device=device) if device is not None else Q(device_model=device_model)
    if Rule.objects.filter(scope, owner=actor).count() >= RULES_PER_SCOPE_MAX:
        raise RulesError(
            RulesErrorCode.TOO_MANY_RULES,
            _("At most %(max)d rules per device or model.") % {"max": RULES_PER_SCOPE_MAX},
        )
    rule = Rule.objects.create(
        name=name,
        owner=actor,
        device=device,
        device_model=device_model,
        trigger=trigger,
        condition=condition_clean,
        action=action,
        params=params_clean,
        cooldown_minutes=cooldown,
        is_active=bool(is_active),
    )
    _rule_audit(rule, type="rules.rule.created", summary=f"Rule created: {name}", actor=actor)
    return rule


def _rule_require(rule: Rule, actor: Any) -> None:
    if not rule_can_manage(rule=rule, user=actor):
        raise NotFound(_("No such rule."), code=RulesErrorCode.RULE_NOT_FOUND)


_UNSET: Any = object()


@transaction.atomic
def rule_update(
    *,
    rule: Rule,
    actor: Any,
    name: str | None = None,
    trigger: str | None = None,
    condition: Any = _UNSET,
    action: str | None = None,
    params: Any = _UNSET,
    cooldown_minutes: int | None = None,
    is_active: bool | None = None,
) -> Rule:
    """Change a rule (None or unset leaves a field as is); a new condition starts counting
    afresh. The same checks as for a new rule apply, against the actor's rights now."""
    _rule_require(rule, actor)
    locked = (
        Rule.objects.select_for_update(of=("self",))
        .select_related("device__model", "device_model")
        .get(pk=rule.pk)
    )
    if name is not None:
        locked.name = text_clean(value=name, field=_("Name"), max_length=NAME_MAX)
    if cooldown_minutes is not None:
        locked.cooldown_minutes = _cooldown_clean(cooldown_minutes)
    if is_active is not None:
        locked.is_active = bool(is_active)
    watch_changed = any(value is not _UNSET and value is not None for value in (trigger, condition))
    act_changed = any(value is not _UNSET and value is not None for value in (action, params))
    if watch_changed or act_changed:
        new_trigger = trigger if trigger is not None else locked.trigger
        new_action = action if action is not None else locked.action
        condition_clean, params_clean = _validated(
            actor=actor,
            device=locked.device,
            device_model=locked.device_model,
            trigger=new_trigger,
            condition=locked.condition if condition is _UNSET or condition is None else condition,
            action=new_action,
            params=locked.params if params is _UNSET or params is None else params,
        )
        if watch_changed:
            RuleState.objects.filter(rule=locked).update(streak=0, evidence=[])
        locked.trigger, locked.condition = new_trigger, condition_clean
        locked.action, locked.params = new_action, params_clean
    locked.save()
    _rule_audit(
        locked, type="rules.rule.changed", summary=f"Rule changed: {locked.name}", actor=actor
    )
    for field_name in ("name", "trigger", "condition", "action", "params"):
        setattr(rule, field_name, getattr(locked, field_name))
    rule.cooldown_minutes, rule.is_active = locked.cooldown_minutes, locked.is_active
    rule.updated_at = locked.updated_at
    return rule


@transaction.atomic
def rule_delete(*, rule: Rule, actor: Any) -> None:
    """Delete a rule with its firings; tickets it opened stay, without it."""
    _rule_require(rule, actor)
    _rule_audit(rule, type="rules.rule.deleted", summary=f"Rule deleted: {rule.name}", actor=actor)
    Rule.objects.filter(pk=rule.pk).delete()


# --- evaluating rules on device events -----------------------------------------------------


@dataclass
class _Hit:
    """A rule whose condition held on a device: the evidence and the values for its texts."""

    event_type: str
    evidence: list[dict[str, Any]]
    context: dict[str, Any] = field(default_factory=dict)


def _rules_for(device_ids: set[int], triggers: set[str]) -> list[Rule]:
    """The active rules of these devices or of their models, in one query."""
    ids = list(device_ids)
    model_ids = Device.objects.filter(pk__any=ids).values("model_id")
    return list(
        Rule.objects.filter(is_active=True, trigger__in=triggers)
        .filter(Q(device_id__any=ids) | Q(device_model_id__in=model_ids))
        .select_related("owner")
        .order_by("pk")
    )


def device_events_handle(events: Sequence[DeviceEvent]) -> None:
    """The device-event handler: evaluate every rule the events may fire. Never raises."""
    watched = [event for event in events if event.type in EVENT_TRIGGERS]
    if not watched:
        return
    device_ids = {event.device_id for event in watched}
    triggers = {EVENT_TRIGGERS[event.type] for event in watched}
    rules = _rules_for(device_ids, triggers)
    if not rules:
        return
    devices = Device.objects.select_related("model", "owner").in_bulk(list(device_ids))
    by_device: dict[int, list[DeviceEvent]] = defaultdict(list)
    for event in sorted(watched, key=lambda item: item.at):
        by_device[event.device_id].append(event)
    capabilities: dict[int, Capabilities | None] = {}
    for rule in rules:
        for device_id, device_events in by_device.items():
            device = devices.get(device_id)
            if device is None or (
                rule.device_id != device_id and rule.device_model_id != device.model_id
            ):
                continue
            relevant = [
                event for event in device_events if EVENT_TRIGGERS[event.type] == rule.trigger
            ]
            if not relevant:
                continue
            try:
                if device.model_id not in capabilities:
                    capabilities[device.model_id] = _capabilities_or_none(device.model)
                model_capabilities = capabilities[device.model_id]
                if model_capabilities is None:
                    continue
                condition = condition_parse(rule.trigger, rule.condition, model_capabilities)
                rule_evaluate(rule=rule, device=device, condition=condition, events=relevant)
            except Exception:  # one rule's fault must not stop the others or the ingest
                logger.exception("rule %s on device %s failed", rule.uid, device.serial)


def _capabilities_or_none(model: DeviceModel) -> Capabilities | None:
    try:
        return capabilities_parse(model.capabilities)
    except CapabilityError:
        return None


def _context(rule: Rule, device: Device) -> dict[str, Any]:
    return {"serial": device.serial, "model": device.model.name, "rule": rule.name}


def _state(rule: Rule, device: Device, *, lock: bool) -> RuleState:
    state, _created = RuleState.objects.get_or_create(rule=rule, device=device)
    if lock:
        state = RuleState.objects.select_for_update().get(pk=state.pk)
    return state


def _telemetry_hit(
    rule: Rule, device: Device, condition: TelemetryCondition, events: Sequence[DeviceEvent]
) -> tuple[RuleState | None, _Hit | None]:
    state = _state(rule, device, lock=True)
    since = state.last_seen_at
    fresh = [event for event in events if since is None or event.at > since]
    if not fresh:
        return state, None
    streak = Streak(count=state.streak, evidence=list(state.evidence))
    readings = [
        ReadingSeen(
            reading_id=str(event.data.get("reading_id", "")),
            at=event.at.isoformat(),
            values=event.data.get("values") or {},
        )
        for event in fresh
    ]
    evidence = streak_advance(condition, streak, readings)
    RuleState.objects.filter(pk=state.pk).update(
        streak=streak.count, evidence=streak.evidence, last_seen_at=fresh[-1].at
    )
    if evidence is None:
        return state, None
    context = _context(rule, device)
    context.update({"field": condition.field, "value": evidence[-1]["value"]})
    return state, _Hit(event_type=DeviceEventType.TELEMETRY, evidence=evidence, context=context)


def _alarm_hit(
    rule: Rule, device: Device, condition: AlarmCondition, events: Sequence[DeviceEvent]
) -> _Hit | None:
    matching = [
        event
        for event in events
        if condition.matches(str(event.data.get("code", "")), str(event.data.get("severity", "")))
    ]
    if not matching:
        return None
    event = matching[-1]
    item = {
        "code": str(event.data.get("code", "")),
        "severity": str(event.data.get("severity", "")),
        "message": str(event.data.get("message", ""))[:200],
        "at": event.at.isoformat(),
    }
    context = _context(rule, device)
    context.update({"code": item["code"], "severity": item["severity"], "message": item["message"]})
    return _Hit(event_type=DeviceEventType.ALARM_RAISED, evidence=[item], context=context)


def _offline_hit(rule: Rule, device: Device, events: Sequence[DeviceEvent]) -> _Hit:
    event = events[-1]
    item = {"last_seen_at": event.data.get("last_seen_at"), "at": event.at.isoformat()}
    return _Hit(event_type=DeviceEventType.OFFLINE, evidence=[item], context=_context(rule, device))


def _cooldown_claim(state: RuleState, rule: Rule, now: datetime) -> bool:
    """Take the right to fire: one conditional UPDATE, so of two gateways only one wins."""
    cutoff = now - timedelta(minutes=rule.cooldown_minutes)
    claimed = (
        RuleState.objects.filter(pk=state.pk)
        .filter(Q(last_fired_at__isnull=True) | Q(last_fired_at__lte=cutoff))
        .update(last_fired_at=now)
    )
    return claimed == 1


def rule_evaluate(
    *, rule: Rule, device: Device, condition: Condition, events: Sequence[DeviceEvent]
) -> RuleFiring | None:
    """Evaluate one rule on one device's events (time order) and fire it if it holds and its
    cooldown has passed; return the firing. One transaction: the counter, the claim, the
    action (in a savepoint) and the firing record."""
    if device.owner_id is None and not rule.is_model_wide:
        return None
    if not rule.is_model_wide and not device_can_view(rule.owner, device):
        # The device changed hands: its new owner's readings are none of the rule's business.
        Rule.objects.filter(pk=rule.pk).update(is_active=False)
        return None
    with transaction.atomic():
        state: RuleState | None = None
        if isinstance(condition, TelemetryCondition):
            state, hit = _telemetry_hit(rule, device, condition, events)
        elif isinstance(condition, AlarmCondition):
            hit = _alarm_hit(rule, device, condition, events)
        else:
            hit = _offline_hit(rule, device, events)
        if hit is None:
            return None
        if state is None:
            state = _state(rule, device, lock=False)
        now = timezone.now()
        if not _cooldown_claim(state, rule, now):
            return None
        Rule.objects.filter(pk=rule.pk).update(last_fired_at=now)
        rule.last_fired_at = now
        return _fire(rule=rule, device=device, hit=hit, now=now)


def _fire(*, rule: Rule, device: Device, hit: _Hit, now: datetime) -> RuleFiring:
    firing = RuleFiring(
        rule=rule,
        device=device,
        at=now,
        event_type=hit.event_type,
        evidence=hit.evidence,
        action=rule.action,
        status=FiringStatus.OK,
    )
    try:
        with transaction.atomic():
            _act(rule=rule, device=device, hit=hit, firing=firing)
    except DomainError as error:
        firing.status, firing.detail = FiringStatus.FAILED, error.message[:500]
        firing.command_uid = firing.ticket_uid = firing.demand_uid = None
        firing.notified = 0
    except Exception as error:
        logger.exception("rule %s failed to act on %s", rule.uid, device.serial)
        firing.status = FiringStatus.FAILED
        firing.detail = (_("Internal error: %(kind)s") % {"kind": type(error).__name__})[:500]
        firing.command_uid = firing.ticket_uid = firing.demand_uid = None
        firing.notified = 0
    firing.save()
    return firing


# --- actions -------------------------------------------------------------------------------


def _act(*, rule: Rule, device: Device, hit: _Hit, firing: RuleFiring) -> None:
    params = rule.params
    if rule.action == ActionType.COMMAND:
        if not device_can_control(rule.owner, device):
            raise PermissionDenied(
                _("The rule's owner may no longer control this device."),
                code=RulesErrorCode.CONTROL_REQUIRED,
            )
        command = command_send(
            device=device,
            actor=rule.owner,
            name=params["name"],
            args=dict(params.get("args") or {}),
            source=CommandSource.RULE,
            rule_id=rule.pk,
        )
        firing.command_uid = command.uid
        firing.detail = _("Command %(name)s sent.") % {"name": command.name}
    elif rule.action == ActionType.NOTIFY:
        firing.notified = _notify(rule=rule, device=device, hit=hit)
    elif rule.action == ActionType.SERVICE_TICKET:
        ticket = service_ticket_open(
            device=device,
            actor=rule.owner,
            rule=rule,
            title=text_fill(params.get("title") or "", hit.context)
            or _("Service for %(model)s %(serial)s: %(rule)s") % hit.context,
            description=text_fill(params.get("description") or "", hit.context),
            evidence=hit.evidence,
            bidding_hours=int(params.get("bidding_hours") or 24),
        )
        firing.ticket_uid = ticket.uid
        firing.detail = _("Service ticket opened, tender #%(number)s.") % {
            "number": ticket.tender_number
        }
    elif rule.action == ActionType.DEMAND:
        firing.demand_uid = _demand_act(rule=rule, device=device, hit=hit)
    else:
        raise RulesError(RulesErrorCode.ACTION_UNKNOWN, _("Unknown action."))


def _recipients(rule: Rule, device: Device) -> list[Any]:
    """The rule's owner; and, when the owner (or an operator) wrote it, the device's owner and
    the people it is shared with. A member's own rule tells only that member."""
    people = {rule.owner.pk: rule.owner}
    if rule.owner_id == device.owner_id or rule.is_model_wide:
        if device.owner is not None:
            people.setdefault(device.owner.pk, device.owner)
        for share in DeviceShare.objects.filter(device=device).select_related("user"):
            people.setdefault(share.user.pk, share.user)
    return list(people.values())


def _notify(*, rule: Rule, device: Device, hit: _Hit) -> int:
    message = rule.params.get("message") or ""
    body = text_fill(message, hit.context) if message else ""
    detail = evidence_text(device.serial, hit.evidence)
    body = f"{body}\n{detail}" if body else detail
    title = _("%(rule)s on %(serial)s") % {"rule": rule.name, "serial": device.serial}
    notices = []
    for person in _recipients(rule, device):
        url = (
            reverse("rules:detail", args=[rule.uid])
            if person.pk == rule.owner_id
            else (reverse("rules:device", args=[device.serial]))
        )
        notices.append(Notice(user=person, kind=NOTIFY_KIND, title=title, body=body, url=url))
    notification_send_many(notices=notices)
    return len(notices)


def _demand_act(*, rule: Rule, device: Device, hit: _Hit) -> uuid.UUID:
    """Raise a demand, or support one, with a trace step naming the device and its readings."""
    params = rule.params
    detail = evidence_text(device.serial, hit.evidence)
    data = {
        "rule": str(rule.uid),
        "devices": [device.serial],
        "model": device.model.name,
        "readings": hit.evidence,
        # The trace shows a step's reason: here, where the demand's evidence came from.
        "reason": detail,
    }
    if "demand_uid" in params:
        demand = demand_get_by_uid(uid=params["demand_uid"])
        if demand is None:
            raise RulesError(RulesErrorCode.PARAMS_INVALID, _("The demand no longer exists."))
        note = text_fill(params.get("note") or "", hit.context) or detail
        supported = True
        try:
            support_add(demand=demand, user=rule.owner, note=note[:500])
        except DemandsError as error:
            if error.code != DemandsErrorCode.ALREADY_SUPPORTER:
                raise
            supported = False  # the support stands; this firing adds its evidence
        audit_record(
            type="rules.demand.supported_by_device" if supported else "rules.demand.evidence_added",
            summary=f"Device {device.serial} ({device.model.name}) supports #{demand.number} "
            f"through rule “{rule.name}”: {detail}",
            actor=rule.owner,
            subject=rule,
            demand_uid=demand.uid,
            data=data,
        )
        return demand.uid
    demand = demand_raise(
        author=rule.owner,
        title=text_fill(params["title"], hit.context)[:160],
        description=text_fill(params["description"], hit.context) + f"\n\n{detail}",
        category=params["category"],
    )
    audit_record(
        type="rules.demand.raised_by_device",
        summary=f"Raised by rule “{rule.name}” from device {device.serial} "
        f"({device.model.name}): {detail}",
        actor=rule.owner,
        subject=rule,
        demand_uid=demand.uid,
        data=data,
    )
    return demand.uid


# --- service tickets -----------------------------------------------------------------------


def _public(text: str, device: Device) -> str:
    # The tender is public: it tells the model and the fault, never whose device it is.
    return text.replace(device.serial, _("[the device]"))


def _ticket_requirements(ticket: ServiceTicket, device: Device) -> str:
    lines = [
        f"Service visit for a {device.model.name}.",
        _public(ticket.title, device),
    ]
    if ticket.description:
        lines.append(_public(ticket.description, device))
    for item in ticket.evidence:
        if "reading_id" in item:
            lines.append(f"Reported {item.get('field')} = {item.get('value')} at {item['at']}.")
        elif "code" in item:
            lines.append(f"Alarm {item['code']} ({item.get('severity', '')}) at {item['at']}.")
        else:
            lines.append("The device went offline.")
    lines.append(
        "Bid the price of the visit as the unit price with a capacity of 1, and the days until "
        "you can come as the lead time. The device's address goes to the winner."
    )
    return "\n".join(lines)


def _ticket_tell(ticket: ServiceTicket, device: Device, *, title: str, body: str) -> None:
    people = {ticket.opened_by_id: ticket.opened_by}
    if device.owner is not None:
        people.setdefault(device.owner.pk, device.owner)
    url = reverse("rules:ticket", args=[ticket.uid])
    notification_send_many(
        notices=[
            Notice(user=person, kind=TICKET_KIND, title=title, body=body, url=url)
            for person in people.values()
        ]
    )


@transaction.atomic
def service_ticket_open(
    *,
    device: Device,
    actor: Any,
    title: str,
    description: str = "",
    evidence: list[dict[str, Any]] | None = None,
    rule: Rule | None = None,
    bidding_hours: int = 24,
) -> ServiceTicket:
    """Open a service ticket for a device and put it out to tender for service ventures.

    The device's owner, a member with control or an operator opens it (a rule opens it for its
    owner). The tender is the platform's (created_by None), opens at once and closes after
    `bidding_hours`; bidders are service ventures, each bidding its price for the visit as
    the unit price for quantity 1. `service_ticket_award_apply` gives the ticket to the winner.
    """
    if not (device_can_control(actor, device) or user_is_operator(actor)):
        raise PermissionDenied(
            _("Only people who may control the device can open service tickets for it."),
            code=RulesErrorCode.CONTROL_REQUIRED,
        )
    title = text_clean(value=title, field=_("Title"), max_length=200)
    description = text_clean(
        value=description, field=_("Description"), max_length=4000, required=False
    )
    if (
        isinstance(bidding_hours, bool)
        or not isinstance(bidding_hours, int)
        or not (1 <= bidding_hours <= 168)
    ):
        raise RulesError(
            RulesErrorCode.PARAMS_INVALID,
            _("Bidding lasts from 1 to 168 hours."),
            status=422,
        )
    ticket = ServiceTicket.objects.create(
        device=device,
        rule=rule,
        opened_by=actor,
        title=title,
        description=description,
        evidence=list(evidence or []),
    )
    now = timezone.now()
    tender = tender_create(
        subject_type=SubjectType.SERVICE_TICKET,
        subject_uid=ticket.uid,
        title=_public(f"Service: {title}", device)[:200],
        requirements=_ticket_requirements(ticket, device),
        quantity=1,
        opens_at=now,
        closes_at=now + timedelta(hours=bidding_hours),
        rule=service_scoring_rule(),
        created_by=None,
        venture_kinds=[VentureKind.SERVICE],
        venture_statuses=list(BIDDING_STATUSES),
    )
    tender = tender_publish(tender=tender, actor=None)
    ticket.status = TicketStatus.TENDERED
    ticket.tender_uid = tender.uid
    ticket.tender_number = tender.number
    ticket.save(update_fields=["status", "tender_uid", "tender_number", "updated_at"])
    audit_record(
        type="rules.service_ticket.tendered",
        summary=f"Service ticket for {device.serial} put out to tender #{tender.number}",
        actor=actor,
        subject=ticket,
        data={
            "device": device.serial,
            "rule": str(rule.uid) if rule is not None else None,
            "tender": tender.number,
            "evidence": ticket.evidence,
        },
        is_public=False,
    )
    _ticket_tell(
        ticket,
        device,
        title=_("Service ticket opened for %(serial)s") % {"serial": device.serial},
        body=_("Service ventures bid on tender #%(number)s until %(closes)s.")
        % {
            "number": tender.number,
            "closes": timezone.localtime(tender.closes_at).strftime("%Y-%m-%d %H:%M"),
        },
    )
    return ticket


@transaction.atomic
def service_ticket_award_apply(*, tender: Tender) -> ServiceTicket | None:
    """The award handler of service-ticket tenders (registered in RulesConfig.ready).

    Idempotent: only a ticket still tendered under this tender changes. The winner gets the
    ticket at its bid; with no bid the ticket is open again, for another tender.
    """
    ticket = (
        ServiceTicket.objects.select_for_update(of=("self",))
        .select_related("device__owner", "opened_by")
        .filter(uid=tender.subject_uid, tender_uid=tender.uid)
        .first()
    )
    if ticket is None or ticket.status != TicketStatus.TENDERED:
        return ticket
    tender = Tender.objects.get(pk=tender.pk)
    if tender.status == TenderStatus.AWARDED:
        line = award_winner_line(tender=tender)
        if line is None:
            return ticket
        ticket.venture = line.venture
        ticket.fee = line.unit_price * line.quantity
        ticket.status = TicketStatus.AWARDED
        ticket.awarded_at = timezone.now()
        ticket.save(update_fields=["venture", "fee", "status", "awarded_at", "updated_at"])
        audit_record(
            type="rules.service_ticket.awarded",
            summary=f"Service ticket {ticket.uid} awarded to {line.venture.name} for {ticket.fee}",
            subject=ticket,
            data={"venture": line.venture.slug, "fee": str(ticket.fee), "tender": tender.number},
            is_public=False,
        )
        _ticket_tell(
            ticket,
            ticket.device,
            title=_("%(venture)s will service %(serial)s")
            % {"venture": line.venture.name, "serial": ticket.device.serial},
            body=_("Awarded on tender #%(number)s for %(fee)s CNY.")
            % {"number": tender.number, "fee": ticket.fee},
        )
    elif tender.status in (TenderStatus.NO_AWARD, TenderStatus.CANCELLED):
        ticket.status = TicketStatus.OPEN
        ticket.save(update_fields=["status", "updated_at"])
        audit_record(
            type="rules.service_ticket.tender_failed",
            summary=f"Service ticket {ticket.uid}: no award on tender #{tender.number}",
            subject=ticket,
            data={"tender": tender.number},
            is_public=False,
        )
        _ticket_tell(
            ticket,
            ticket.device,
            title=_("No service venture bid for %(serial)s") % {"serial": ticket.device.serial},
            body=_("Tender #%(number)s closed without a bid.") % {"number": tender.number},
        )
    return ticket


def _ticket_lock(ticket: ServiceTicket) -> ServiceTicket:
    return (
        ServiceTicket.objects.select_for_update(of=("self",))
        .select_related("device__owner", "opened_by", "venture")
        .get(pk=ticket.pk)
    )


def _ticket_refresh(ticket: ServiceTicket, locked: ServiceTicket) -> ServiceTicket:
    for name in ("status", "venture_id", "fee", "awarded_at", "updated_at"):
        setattr(ticket, name, getattr(locked, name))
    return ticket


@transaction.atomic
def service_ticket_done(*, ticket: ServiceTicket, actor: Any) -> ServiceTicket:
    """The device's owner, the ticket's opener, a member of the winning venture or an operator
    marks an awarded ticket's visit done."""
    locked = _ticket_lock(ticket)
    allowed = getattr(actor, "is_authenticated", False) and (
        actor.pk in (locked.opened_by_id, locked.device.owner_id)
        or user_is_operator(actor)
        or (locked.venture is not None and membership_is_active(venture=locked.venture, user=actor))
    )
    if not allowed:
        raise PermissionDenied(_("You may not close this ticket."))
    if locked.status != TicketStatus.AWARDED:
        raise RulesError(
            RulesErrorCode.TICKET_STATUS_CONFLICT, _("Only an awarded ticket can be done.")
        )
    locked.status = TicketStatus.DONE
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        type="rules.service_ticket.done",
        summary=f"Service ticket {locked.uid} done",
        actor=actor,
        subject=locked,
        is_public=False,
    )
    return _ticket_refresh(ticket, locked)


@transaction.atomic
def service_ticket_cancel(*, ticket: ServiceTicket, actor: Any, reason: str) -> ServiceTicket:
    """An operator cancels a ticket not yet awarded, with its tender if one is open."""
    operator_require(actor, _("Only an operator may cancel a ticket."))
    reason = text_clean(value=reason, field=_("Reason"), max_length=500)
    locked = _ticket_lock(ticket)
    if locked.status not in (TicketStatus.OPEN, TicketStatus.TENDERED):
        raise RulesError(
            RulesErrorCode.TICKET_STATUS_CONFLICT,
            _("Only a ticket not yet awarded can be cancelled."),
        )
    if locked.status == TicketStatus.TENDERED and locked.tender_uid is not None:
        tender = Tender.objects.filter(uid=locked.tender_uid).first()
        if tender is not None and tender.is_sealed:
            tender_cancel(tender=tender, actor=actor, reason=reason)
    locked.status = TicketStatus.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        type="rules.service_ticket.cancelled",
        summary=f"Service ticket {locked.uid} cancelled",
        actor=actor,
        subject=locked,
        data={"reason": reason},
        is_public=False,
    )
    return _ticket_refresh(ticket, locked)
