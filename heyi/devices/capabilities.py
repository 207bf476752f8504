"""What a product model declares it can do: attributes, telemetry, commands, alarms (pure)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from heyi.core.errors import DomainError

VALUE_TYPES = ("int", "float", "bool", "string", "enum")
SEVERITIES = ("info", "warning", "critical")
MAX_STRING_LENGTH = 200


class CapabilityErrorCode(StrEnum):
    DOCUMENT_INVALID = "capabilities_invalid"
    NAME_INVALID = "capability_name_invalid"
    NAME_DUPLICATE = "capability_name_duplicate"
    TYPE_UNKNOWN = "capability_type_unknown"
    RANGE_INVALID = "capability_range_invalid"
    ENUM_INVALID = "capability_enum_invalid"
    SEVERITY_UNKNOWN = "capability_severity_unknown"
    FIELD_UNKNOWN = "capability_field_unknown"
    NOT_WRITABLE = "capability_not_writable"
    VALUE_TYPE_WRONG = "capability_value_type_wrong"
    VALUE_OUT_OF_RANGE = "capability_value_out_of_range"
    COMMAND_UNKNOWN = "capability_command_unknown"
    ARGUMENT_MISSING = "capability_argument_missing"


class CapabilityError(DomainError):
    """A capabilities document, or a value checked against one, breaks the declared rules."""

    status = 422


@dataclass(frozen=True)
class ValueSpec:
    """One typed value: an attribute, a telemetry field or a command argument."""

    name: str
    type: str
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    values: tuple[str, ...] = ()
    writable: bool = False
    required: bool = False


@dataclass(frozen=True)
class Command:
    name: str
    arguments: tuple[ValueSpec, ...]


@dataclass(frozen=True)
class Alarm:
    code: str
    severity: str
    description: str


@dataclass(frozen=True)
class Capabilities:
    attributes: tuple[ValueSpec, ...] = ()
    telemetry: tuple[ValueSpec, ...] = ()
    commands: tuple[Command, ...] = ()
    alarms: tuple[Alarm, ...] = ()

    def attribute(self, name: str) -> ValueSpec | None:
        return next((spec for spec in self.attributes if spec.name == name), None)

    def command(self, name: str) -> Command | None:
        return next((command for command in self.commands if command.name == name), None)


def _fail(code: CapabilityErrorCode, message: str) -> CapabilityError:
    return CapabilityError(code, message)


def _name(raw: Any, where: str) -> str:
    if not isinstance(raw, str) or not raw or len(raw) > 64 or not raw.isidentifier():
        raise _fail(
            CapabilityErrorCode.NAME_INVALID,
            _("%(where)s needs a name of letters, digits and underscores.") % {"where": where},
        )
    return raw


def _number(raw: Any) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or not math.isfinite(raw):
        raise _fail(CapabilityErrorCode.RANGE_INVALID, _("A bound must be a finite number."))
    return raw


_SPEC_KEYS = {"name", "type", "unit", "min", "max", "values", "writable", "required"}


def _spec(raw: Any, where: str) -> ValueSpec:
    if not isinstance(raw, dict):
        raise _fail(
            CapabilityErrorCode.DOCUMENT_INVALID,
            _("Each %(where)s is an object.") % {"where": where},
        )
    unknown = set(raw) - _SPEC_KEYS
    if unknown:
        raise _fail(
            CapabilityErrorCode.FIELD_UNKNOWN,
            _("Unknown keys: %(keys)s.") % {"keys": ", ".join(sorted(unknown))},
        )
    name = _name(raw.get("name"), where)
    type_ = raw.get("type")
    if type_ not in VALUE_TYPES:
        raise _fail(
            CapabilityErrorCode.TYPE_UNKNOWN,
            _("%(name)s has an unknown type.") % {"name": name},
        )
    minimum, maximum = _number(raw.get("min")), _number(raw.get("max"))
    if (minimum is not None or maximum is not None) and type_ not in ("int", "float"):
        raise _fail(CapabilityErrorCode.RANGE_INVALID, _("Only numbers have a range."))
    if minimum is not None and maximum is not None and minimum > maximum:
        raise _fail(
            CapabilityErrorCode.RANGE_INVALID,
            _("%(name)s has a minimum above its maximum.") % {"name": name},
        )
    values = raw.get("values", [])
    if type_ == "enum":
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(value, str) and value for value in values)
            or len(set(values)) != len(values)
        ):
            raise _fail(
                CapabilityErrorCode.ENUM_INVALID,
                _("%(name)s needs a list of distinct names.") % {"name": name},
            )
    elif values:
        raise _fail(CapabilityErrorCode.ENUM_INVALID, _("Only an enum has values."))
    unit = raw.get("unit", "")
    writable, required = raw.get("writable", False), raw.get("required", False)
    if (
        not isinstance(unit, str)
        or not isinstance(writable, bool)
        or not isinstance(required, bool)
    ):
        raise _fail(
            CapabilityErrorCode.DOCUMENT_INVALID, _("Unit, writable or required is malformed.")
        )
    return ValueSpec(
        name=name,
        type=type_,
        unit=unit,
        minimum=minimum,
        maximum=maximum,
        values=tuple(values),
        writable=writable,
        required=required,
    )


def _unique(names: list[str], where: str) -> None:
    if len(set(names)) != len(names):
        raise _fail(
            CapabilityErrorCode.NAME_DUPLICATE,
            _("Two %(where)s share a name.") % {"where": where},
        )


def _list(document: dict[str, Any], key: str) -> list[Any]:
    value = document.get(key, [])
    if not isinstance(value, list):
        raise _fail(
            CapabilityErrorCode.DOCUMENT_INVALID, _("%(key)s must be a list.") % {"key": key}
        )
    return value


def capabilities_parse(document: Any) -> Capabilities:
    """Parse and strictly validate a capabilities document (JSON already decoded)."""
    if not isinstance(document, dict):
        raise _fail(CapabilityErrorCode.DOCUMENT_INVALID, _("Capabilities are a JSON object."))
    unknown = set(document) - {"attributes", "telemetry", "commands", "alarms"}
    if unknown:
        raise _fail(
            CapabilityErrorCode.FIELD_UNKNOWN,
            _("Unknown keys: %(keys)s.") % {"keys": ", ".join(sorted(unknown))},
        )
    attributes = tuple(_spec(raw, "attribute") for raw in _list(document, "attributes"))
    telemetry = tuple(_spec(raw, "telemetry field") for raw in _list(document, "telemetry"))
    commands = []
    for raw in _list(document, "commands"):
        if not isinstance(raw, dict) or set(raw) - {"name", "arguments"}:
            raise _fail(
                CapabilityErrorCode.DOCUMENT_INVALID, _("A command has a name and arguments.")
            )
        arguments = raw.get("arguments", [])
        if not isinstance(arguments, list):
            raise _fail(CapabilityErrorCode.DOCUMENT_INVALID, _("arguments must be a list."))
        specs = tuple(_spec(argument, "argument") for argument in arguments)
        _unique([spec.name for spec in specs], "arguments")
        commands.append(Command(name=_name(raw.get("name"), "command"), arguments=specs))
    alarms = []
    for raw in _list(document, "alarms"):
        if not isinstance(raw, dict) or set(raw) - {"code", "severity", "description"}:
            raise _fail(
                CapabilityErrorCode.DOCUMENT_INVALID,
                _("An alarm has a code, severity and description."),
            )
        if raw.get("severity") not in SEVERITIES:
            raise _fail(CapabilityErrorCode.SEVERITY_UNKNOWN, _("An alarm's severity is unknown."))
        description = raw.get("description", "")
        if not isinstance(description, str):
            raise _fail(CapabilityErrorCode.DOCUMENT_INVALID, _("An alarm's description is text."))
        alarms.append(
            Alarm(
                code=_name(raw.get("code"), "alarm"),
                severity=raw["severity"],
                description=description,
            )
        )
    _unique([spec.name for spec in attributes], "attributes")
    _unique([spec.name for spec in telemetry], "telemetry fields")
    _unique([command.name for command in commands], "commands")
    _unique([alarm.code for alarm in alarms], "alarms")
    return Capabilities(
        attributes=attributes, telemetry=telemetry, commands=tuple(commands), alarms=tuple(alarms)
    )


def value_check(spec: ValueSpec, value: Any) -> None:
    """Raise unless `value` has the spec's type and lies in its range or enum."""
    if spec.type == "bool":
        valid = isinstance(value, bool)
    elif spec.type == "int":
        valid = isinstance(value, int) and not isinstance(value, bool)
    elif spec.type == "float":
        valid = (
            isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        )
    else:  # string and enum
        valid = isinstance(value, str) and len(value) <= MAX_STRING_LENGTH
    if not valid:
        raise _fail(
            CapabilityErrorCode.VALUE_TYPE_WRONG,
            _("%(name)s must be of type %(type)s.") % {"name": spec.name, "type": spec.type},
        )
    if spec.type == "enum" and value not in spec.values:
        raise _fail(
            CapabilityErrorCode.VALUE_OUT_OF_RANGE,
            _("%(name)s must be one of %(values)s.")
            % {"name": spec.name, "values": ", ".join(spec.values)},
        )
    if (spec.minimum is not None and value < spec.minimum) or (
        spec.maximum is not None and value > spec.maximum
    ):
        raise _fail(
            CapabilityErrorCode.VALUE_OUT_OF_RANGE,
            _("%(name)s is out of its range.") % {"name": spec.name},
        )


def _values_check(specs: tuple[ValueSpec, ...], values: Any, *, writable_only: bool) -> None:
    if not isinstance(values, dict) or not values:
        raise _fail(CapabilityErrorCode.DOCUMENT_INVALID, _("Values are a non-empty object."))
    by_name = {spec.name: spec for spec in specs}
    for name, value in values.items():
        spec = by_name.get(name)
        if spec is None:
            raise _fail(
                CapabilityErrorCode.FIELD_UNKNOWN,
                _("%(name)s is not declared.") % {"name": name},
            )
        if writable_only and not spec.writable:
            raise _fail(
                CapabilityErrorCode.NOT_WRITABLE,
                _("%(name)s cannot be set.") % {"name": name},
            )
        value_check(spec, value)


def state_check(capabilities: Capabilities, values: Any, *, writable_only: bool = False) -> None:
    """Check attribute values: a device's report, or (writable_only) an owner's desired state."""
    _values_check(capabilities.attributes, values, writable_only=writable_only)


def telemetry_check(capabilities: Capabilities, values: Any) -> None:
    """Check one reading's values against the declared telemetry fields."""
    _values_check(capabilities.telemetry, values, writable_only=False)


def command_args_check(capabilities: Capabilities, name: str, args: Any) -> Command:
    """Check a command's arguments; return the declared command."""
    command = capabilities.command(name)
    if command is None:
        raise _fail(
            CapabilityErrorCode.COMMAND_UNKNOWN,
            _("%(name)s is not a command of this model.") % {"name": name},
        )
    if not isinstance(args, dict):
        raise _fail(CapabilityErrorCode.DOCUMENT_INVALID, _("Arguments are an object."))
    by_name = {spec.name: spec for spec in command.arguments}
    for argument in command.arguments:
        if argument.required and argument.name not in args:
            raise _fail(
                CapabilityErrorCode.ARGUMENT_MISSING,
                _("%(name)s is required.") % {"name": argument.name},
            )
    for key, value in args.items():
        spec = by_name.get(key)
        if spec is None:
            raise _fail(
                CapabilityErrorCode.FIELD_UNKNOWN,
                _("%(name)s is not an argument of this command.") % {"name": key},
            )
        value_check(spec, value)
    return command
