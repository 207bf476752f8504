"""Telemetry thresholds of an endpoint: parsing what a developer typed, and testing a reading.

Pure functions over plain values (no Django), so that the rules are tested without a database.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

MAX_THRESHOLDS = 20
FIELD_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]{0,59}$")
ORDERING_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}
EQUALITY_OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
}
OPERATORS = {**ORDERING_OPERATORS, **EQUALITY_OPERATORS}


class ThresholdError(ValueError):
    """A threshold the developer wrote cannot be used; the message says why."""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class Threshold:
    field: str
    op: str
    value: Any

    @property
    def key(self) -> str:
        """Names the threshold in the crossing state: changing the rule starts it afresh."""
        return f"{self.field}{self.op}{json.dumps(self.value, sort_keys=True)}"[:120]

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "op": self.op, "value": self.value}

    def met(self, values: Mapping[str, Any]) -> bool | None:
        """Whether the reading meets the threshold; None when it says nothing about the field."""
        if self.field not in values:
            return None
        reading = values[self.field]
        if self.op in ORDERING_OPERATORS:
            if not _is_number(reading):
                return None
            return ORDERING_OPERATORS[self.op](reading, self.value)
        if _is_number(reading) and _is_number(self.value):
            return EQUALITY_OPERATORS[self.op](reading, self.value)
        if type(reading) is not type(self.value):
            return None if reading is None else self.op == "!="
        return EQUALITY_OPERATORS[self.op](reading, self.value)


def threshold_parse(raw: Any) -> Threshold:
    """One threshold from `{"field", "op", "value"}`; raises ThresholdError."""
    if not isinstance(raw, Mapping):
        raise ThresholdError('A threshold is an object {"field", "op", "value"}.')
    unknown = set(raw) - {"field", "op", "value"}
    if unknown:
        raise ThresholdError(f"Unknown threshold keys: {', '.join(sorted(map(str, unknown)))}.")
    field = raw.get("field")
    op = raw.get("op")
    if not isinstance(field, str) or not FIELD_PATTERN.match(field):
        raise ThresholdError("A threshold's field is a telemetry name (letters, digits, _ . -).")
    if op not in OPERATORS:
        raise ThresholdError(f"A threshold's op is one of {' '.join(OPERATORS)}.")
    if "value" not in raw:
        raise ThresholdError("A threshold needs a value.")
    value = raw["value"]
    if op in ORDERING_OPERATORS:
        if not _is_number(value):
            raise ThresholdError(f"The value compared with {op} must be a number.")
    elif not (_is_number(value) or isinstance(value, bool | str)):
        raise ThresholdError("The value compared with == or != is a number, true/false or text.")
    if isinstance(value, str) and len(value) > 60:
        raise ThresholdError("A threshold's text value is at most 60 characters.")
    if isinstance(value, float) and value != value:  # NaN never compares
        raise ThresholdError("A threshold's value must be a real number.")
    return Threshold(field=field, op=op, value=value)


def thresholds_parse(raw: Any) -> list[Threshold]:
    """Every threshold of an endpoint, in order, without duplicates; raises ThresholdError."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ThresholdError("Thresholds are a list.")
    if len(raw) > MAX_THRESHOLDS:
        raise ThresholdError(f"At most {MAX_THRESHOLDS} thresholds per endpoint.")
    parsed: list[Threshold] = []
    for item in raw:
        threshold = threshold_parse(item)
        if threshold.key not in {known.key for known in parsed}:
            parsed.append(threshold)
    return parsed


def thresholds_load(stored: Any) -> list[Threshold]:
    """The thresholds stored on an endpoint; ones that no longer parse are skipped, not fatal."""
    loaded: list[Threshold] = []
    for item in stored if isinstance(stored, list) else []:
        try:
            loaded.append(threshold_parse(item))
        except ThresholdError:
            continue
    return loaded


def thresholds_from_text(text: str) -> list[dict[str, Any]]:
    """Thresholds typed one a line on the page: `temperature > 8`, `door_open == true`."""
    result: list[dict[str, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = re.match(r"^(\S+?)\s*(>=|<=|==|!=|>|<)\s*(.+)$", line)
        if match is None:
            raise ThresholdError(f"Line {number}: write it as `field > value`.")
        field, op, value_text = match.groups()
        value_text = value_text.strip()
        try:
            value = json.loads(value_text)
        except ValueError:
            value = value_text.strip("\"'")
        result.append({"field": field, "op": op, "value": value})
    return result


def thresholds_to_text(stored: Any) -> str:
    return "\n".join(
        f"{item.field} {item.op} {json.dumps(item.value)}" for item in thresholds_load(stored)
    )
