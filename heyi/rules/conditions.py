"""What a rule watches and what it does, as plain data: parsing, checking and evaluating (pure).

No database here: the services hand in a model's parsed capabilities and the readings of one
device, and get back a verdict. That keeps the part of the ingest path that runs for every
reading cheap, and testable without Django's database.

A condition is JSON, by trigger:

- telemetry: `{"field": "temperature", "op": ">", "value": 8, "for_readings": 3}` fires once
  `for_readings` consecutive readings carrying the field satisfy `field op value`;
- alarm: `{"code": "compressor_fault" | "any", "min_severity": "warning"}`;
- offline: `{}` (the device went silent for longer than the offline threshold).

An action's parameters are JSON too, by action: `command` `{"name", "args"}` (checked against
the model's declared commands), `notify` `{"message"?}`, `service_ticket` `{"title"?,
"description"?, "bidding_hours"?}`, `demand` `{"title", "description", "category"}` to raise one
or `{"demand_uid", "note"?}` to support one. Texts may name placeholders such as `{serial}` or
`{value}`, filled in from the event that fired the rule.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from heyi.devices.capabilities import SEVERITIES, Capabilities, command_args_check
from heyi.rules.errors import RulesError, RulesErrorCode

FOR_READINGS_MAX = 100
# The matching readings kept as a firing's evidence: the last few of the streak are enough to
# show where a firing came from, and the state row stays small.
EVIDENCE_MAX = 10
MESSAGE_MAX = 500
TICKET_TITLE_MAX = 200
TICKET_DESCRIPTION_MAX = 2000
DEMAND_TITLE_MAX = 160
DEMAND_DESCRIPTION_MAX = 4000
SUPPORT_NOTE_MAX = 400
BIDDING_HOURS_DEFAULT = 24
BIDDING_HOURS_MAX = 168
ANY_ALARM = "any"

PLACEHOLDERS = ("serial", "model", "rule", "field", "value", "code", "severity", "message")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class TriggerType(StrEnum):
    TELEMETRY = "telemetry"
    ALARM = "alarm"
    OFFLINE = "offline"


class ActionType(StrEnum):
    COMMAND = "command"
    NOTIFY = "notify"
    SERVICE_TICKET = "service_ticket"
    DEMAND = "demand"


OPERATORS: dict[str, Any] = {
    ">": lambda left, right: left > right,
    ">=": lambda left, right: left >= right,
    "<": lambda left, right: left < right,
    "<=": lambda left, right: left <= right,
    "==": lambda left, right: left == right,
    "!=": lambda left, right: left != right,
}
ORDERING_OPERATORS = (">", ">=", "<", "<=")


def _invalid(code: RulesErrorCode, message: str) -> RulesError:
    return RulesError(code, message, status=422)


@dataclass(frozen=True)
class TelemetryCondition:
    field: str
    op: str
    value: Any
    for_readings: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "op": self.op,
            "value": self.value,
            "for_readings": self.for_readings,
        }

    def matches(self, values: Mapping[str, Any]) -> bool | None:
        """Whether one reading satisfies the comparison; None when it lacks the field."""
        if self.field not in values:
            return None
        observed = values[self.field]
        if self.op in ORDERING_OPERATORS and (
            isinstance(observed, bool) or not isinstance(observed, (int, float))
        ):
            return False
        try:
            return bool(OPERATORS[self.op](observed, self.value))
        except TypeError:
            return False


@dataclass(frozen=True)
class AlarmCondition:
    code: str = ANY_ALARM
    min_severity: str = SEVERITIES[0]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "min_severity": self.min_severity}

    def matches(self, code: str, severity: str) -> bool:
        if self.code != ANY_ALARM and code != self.code:
            return False
        if severity not in SEVERITIES:
            return False
        return SEVERITIES.index(severity) >= SEVERITIES.index(self.min_severity)


@dataclass(frozen=True)
class OfflineCondition:
    def to_dict(self) -> dict[str, Any]:
        return {}


Condition = TelemetryCondition | AlarmCondition | OfflineCondition


def _object(raw: Any, allowed: set[str], code: RulesErrorCode) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _invalid(code, _("Give a JSON object."))
    unknown = set(raw) - allowed
    if unknown:
        raise _invalid(code, _("Unknown keys: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    return raw


def _threshold_check(spec_type: str, enum_values: tuple[str, ...], op: str, value: Any) -> None:
    if spec_type in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _invalid(RulesErrorCode.VALUE_INVALID, _("Compare a number with a number."))
        if not math.isfinite(value):
            raise _invalid(RulesErrorCode.VALUE_INVALID, _("The value must be a finite number."))
        return
    if op in ORDERING_OPERATORS:
        raise _invalid(
            RulesErrorCode.OPERATOR_UNKNOWN,
            _("Only numbers can be compared with %(op)s; use == or !=.") % {"op": op},
        )
    if spec_type == "bool":
        valid = isinstance(value, bool)
    elif spec_type == "enum":
        valid = isinstance(value, str) and value in enum_values
    else:
        valid = isinstance(value, str) and len(value) <= MESSAGE_MAX
    if not valid:
        raise _invalid(
            RulesErrorCode.VALUE_INVALID,
            _("The value does not fit the field's type %(type)s.") % {"type": spec_type},
        )


def condition_parse(trigger: str, raw: Any, capabilities: Capabilities) -> Condition:
    """Check a rule's condition against the model's declared telemetry and alarms."""
    if trigger == TriggerType.TELEMETRY:
        document = _object(
            raw, {"field", "op", "value", "for_readings"}, RulesErrorCode.CONDITION_INVALID
        )
        name = document.get("field")
        spec = next((spec for spec in capabilities.telemetry if spec.name == name), None)
        if spec is None:
            raise _invalid(
                RulesErrorCode.FIELD_UNKNOWN,
                _("%(field)s is not a telemetry field of this model.") % {"field": name},
            )
        op = document.get("op")
        if op not in OPERATORS:
            raise _invalid(
                RulesErrorCode.OPERATOR_UNKNOWN,
                _("The comparison must be one of %(ops)s.") % {"ops": " ".join(OPERATORS)},
            )
        if "value" not in document:
            raise _invalid(RulesErrorCode.VALUE_INVALID, _("Give the value to compare with."))
        value = document["value"]
        _threshold_check(spec.type, spec.values, op, value)
        count = document.get("for_readings", 1)
        if (
            isinstance(count, bool)
            or not isinstance(count, int)
            or not (1 <= count <= FOR_READINGS_MAX)
        ):
            raise _invalid(
                RulesErrorCode.CONDITION_INVALID,
                _("for_readings is a whole number from 1 to %(max)d.") % {"max": FOR_READINGS_MAX},
            )
        return TelemetryCondition(field=spec.name, op=op, value=value, for_readings=count)
    if trigger == TriggerType.ALARM:
        document = _object(raw, {"code", "min_severity"}, RulesErrorCode.CONDITION_INVALID)
        code = document.get("code", ANY_ALARM) or ANY_ALARM
        if code != ANY_ALARM and code not in {alarm.code for alarm in capabilities.alarms}:
            raise _invalid(
                RulesErrorCode.ALARM_UNKNOWN,
                _("%(code)s is not an alarm of this model.") % {"code": code},
            )
        severity = document.get("min_severity", SEVERITIES[0])
        if severity not in SEVERITIES:
            raise _invalid(
                RulesErrorCode.SEVERITY_UNKNOWN,
                _("The severity must be one of %(values)s.") % {"values": ", ".join(SEVERITIES)},
            )
        return AlarmCondition(code=code, min_severity=severity)
    if trigger == TriggerType.OFFLINE:
        _object(raw if raw is not None else {}, set(), RulesErrorCode.CONDITION_INVALID)
        return OfflineCondition()
    raise _invalid(
        RulesErrorCode.TRIGGER_UNKNOWN,
        _("The trigger must be one of %(values)s.") % {"values": ", ".join(TriggerType)},
    )


# --- evaluating telemetry ----------------------------------------------------------------


@dataclass(frozen=True)
class ReadingSeen:
    """One telemetry reading as a rule sees it: its message id, time and values."""

    reading_id: str
    at: str
    values: Mapping[str, Any]


@dataclass
class Streak:
    """How many consecutive matching readings a rule has seen on one device, with the last few."""

    count: int = 0
    evidence: list[dict[str, Any]] = field(default_factory=list)


def streak_advance(
    condition: TelemetryCondition, streak: Streak, readings: Sequence[ReadingSeen]
) -> list[dict[str, Any]] | None:
    """Advance `streak` (in place) over readings in time order; return the evidence of the
    last point in the batch at which the condition held for `for_readings` readings, if any.

    A reading without the watched field neither extends nor breaks the streak; one that fails
    the comparison resets it.
    """
    fired: list[dict[str, Any]] | None = None
    for reading in readings:
        verdict = condition.matches(reading.values)
        if verdict is None:
            continue
        if not verdict:
            streak.count = 0
            streak.evidence = []
            continue
        streak.count += 1
        streak.evidence = [
            *streak.evidence,
            {
                "reading_id": reading.reading_id,
                "at": reading.at,
                "field": condition.field,
                "value": reading.values[condition.field],
            },
        ][-min(condition.for_readings, EVIDENCE_MAX) :]
        if streak.count >= condition.for_readings:
            fired = list(streak.evidence)
    return fired


# --- action parameters -------------------------------------------------------------------


def _text(document: Mapping[str, Any], key: str, *, limit: int, required: bool = False) -> str:
    value = document.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise _invalid(RulesErrorCode.PARAMS_INVALID, _("%(key)s is text.") % {"key": key})
    value = value.strip()
    if required and not value:
        raise _invalid(RulesErrorCode.PARAMS_INVALID, _("%(key)s is required.") % {"key": key})
    if len(value) > limit:
        raise _invalid(
            RulesErrorCode.PARAMS_INVALID,
            _("%(key)s is at most %(max)d characters.") % {"key": key, "max": limit},
        )
    unknown = sorted(set(_PLACEHOLDER.findall(value)) - set(PLACEHOLDERS))
    if unknown:
        raise _invalid(
            RulesErrorCode.PARAMS_INVALID,
            _("Unknown placeholders in %(key)s: %(names)s. Known: %(known)s.")
            % {
                "key": key,
                "names": ", ".join(unknown),
                "known": ", ".join("{" + name + "}" for name in PLACEHOLDERS),
            },
        )
    return value


def params_parse(action: str, raw: Any, capabilities: Capabilities) -> dict[str, Any]:
    """Check an action's parameters (a command against the model's commands); return them
    normalised. What needs the database (a category, a demand) is the services' to check."""
    if action == ActionType.COMMAND:
        document = _object(raw, {"name", "args"}, RulesErrorCode.PARAMS_INVALID)
        name = document.get("name")
        if not isinstance(name, str) or not name:
            raise _invalid(RulesErrorCode.PARAMS_INVALID, _("Name the command to send."))
        args = document.get("args", {})
        command_args_check(capabilities, name, args)
        return {"name": name, "args": args}
    if action == ActionType.NOTIFY:
        document = _object(
            raw if raw is not None else {}, {"message"}, RulesErrorCode.PARAMS_INVALID
        )
        return {"message": _text(document, "message", limit=MESSAGE_MAX)}
    if action == ActionType.SERVICE_TICKET:
        document = _object(
            raw if raw is not None else {},
            {"title", "description", "bidding_hours"},
            RulesErrorCode.PARAMS_INVALID,
        )
        hours = document.get("bidding_hours", BIDDING_HOURS_DEFAULT)
        if (
            isinstance(hours, bool)
            or not isinstance(hours, int)
            or not (1 <= hours <= BIDDING_HOURS_MAX)
        ):
            raise _invalid(
                RulesErrorCode.PARAMS_INVALID,
                _("bidding_hours is a whole number from 1 to %(max)d.")
                % {"max": BIDDING_HOURS_MAX},
            )
        return {
            "title": _text(document, "title", limit=TICKET_TITLE_MAX),
            "description": _text(document, "description", limit=TICKET_DESCRIPTION_MAX),
            "bidding_hours": hours,
        }
    if action == ActionType.DEMAND:
        document = _object(
            raw,
            {"title", "description", "category", "demand_uid", "note"},
            RulesErrorCode.PARAMS_INVALID,
        )
        if document.get("demand_uid"):
            if set(document) & {"title", "description", "category"}:
                raise _invalid(
                    RulesErrorCode.PARAMS_INVALID,
                    _("Either support an existing demand or describe a new one, not both."),
                )
            try:
                demand_uid = uuid.UUID(str(document["demand_uid"]))
            except ValueError:
                raise _invalid(
                    RulesErrorCode.PARAMS_INVALID, _("demand_uid is not a demand identifier.")
                ) from None
            return {
                "demand_uid": str(demand_uid),
                "note": _text(document, "note", limit=SUPPORT_NOTE_MAX),
            }
        if "note" in document:
            raise _invalid(RulesErrorCode.PARAMS_INVALID, _("A note goes with a demand_uid."))
        category = document.get("category")
        if not isinstance(category, str) or not category.strip():
            raise _invalid(RulesErrorCode.PARAMS_INVALID, _("Name the demand's category."))
        return {
            "title": _text(document, "title", limit=DEMAND_TITLE_MAX, required=True),
            "description": _text(
                document, "description", limit=DEMAND_DESCRIPTION_MAX, required=True
            ),
            "category": category.strip(),
        }
    raise _invalid(
        RulesErrorCode.ACTION_UNKNOWN,
        _("The action must be one of %(values)s.") % {"values": ", ".join(ActionType)},
    )


def text_fill(template: str, context: Mapping[str, Any]) -> str:
    """Replace `{name}` placeholders by the event's values; unknown ones stay as written."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in context:
            return match.group(0)
        value = context[name]
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return _PLACEHOLDER.sub(replace, template)


def evidence_text(serial: str, evidence: Sequence[Mapping[str, Any]]) -> str:
    """One line naming the device and what it reported: what a trace or a notice shows."""
    parts = []
    for item in evidence:
        if "reading_id" in item:
            value = item.get("value")
            shown = ("true" if value else "false") if isinstance(value, bool) else value
            parts.append(
                _("%(field)s=%(value)s (reading %(reading)s)")
                % {"field": item.get("field"), "value": shown, "reading": item["reading_id"]}
            )
        elif "code" in item:
            parts.append(
                _("alarm %(code)s (%(severity)s)")
                % {"code": item["code"], "severity": item.get("severity", "")}
            )
        else:
            parts.append(_("offline since %(at)s") % {"at": item.get("last_seen_at") or "?"})
    return f"{serial}: " + "; ".join(parts)


def rule_describe(
    trigger: str, condition: Mapping[str, Any], action: str, params: Mapping[str, Any]
) -> str:
    """A rule in one line, as people read it: "temperature > 8 for 3 readings → notify"."""
    if trigger == TriggerType.TELEMETRY:
        count = condition.get("for_readings", 1)
        when = f"{condition.get('field')} {condition.get('op')} {condition.get('value')}"
        if count > 1:
            when += " " + _("for %(count)d readings") % {"count": count}
    elif trigger == TriggerType.ALARM:
        code = condition.get("code", ANY_ALARM)
        when = (_("any alarm") if code == ANY_ALARM else _("alarm %(code)s") % {"code": code}) + (
            " ≥ " + str(condition.get("min_severity", SEVERITIES[0]))
        )
    else:
        when = _("offline")
    if action == ActionType.COMMAND:
        then = _("send %(name)s") % {"name": params.get("name")}
        if params.get("args"):
            then += " " + ", ".join(f"{key}={value}" for key, value in params["args"].items())
    elif action == ActionType.NOTIFY:
        then = _("notify")
    elif action == ActionType.SERVICE_TICKET:
        then = _("open a service ticket")
    elif params.get("demand_uid"):
        then = _("support a demand")
    else:
        then = _("raise a demand")
    return f"{when} → {then}"
