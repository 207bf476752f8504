"""The capabilities document: strict parsing and the checks of states, telemetry and commands."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from heyi.devices.capabilities import (
    Alarm,
    CapabilityError,
    ValueSpec,
    capabilities_parse,
    command_args_check,
    state_check,
    telemetry_check,
)
from heyi.devices.tests.factories import FRIDGE_CAPABILITIES


def _fridge() -> Any:
    return capabilities_parse(FRIDGE_CAPABILITIES)


def test_a_document_parses_into_frozen_declarations() -> None:
    capabilities = _fridge()

    assert [spec.name for spec in capabilities.attributes] == [
        "power",
        "target_temperature",
        "mode",
        "firmware",
    ]
    assert capabilities.attribute("target_temperature") == ValueSpec(
        name="target_temperature", type="float", unit="°C", minimum=2, maximum=8, writable=True
    )
    assert capabilities.attribute("mode") is not None
    assert capabilities.attribute("mode").values == ("eco", "normal", "boost")  # type: ignore[union-attr]
    assert [spec.name for spec in capabilities.telemetry] == ["temperature", "door_open"]
    defrost = capabilities.command("defrost")
    assert defrost is not None
    assert [(a.name, a.type, a.required) for a in defrost.arguments] == [
        ("minutes", "int", True),
        ("quiet", "bool", False),
    ]
    assert capabilities.alarms[1] == Alarm(
        code="compressor_fault", severity="critical", description="No cooling."
    )
    with pytest.raises(AttributeError):
        capabilities.attributes[0].writable = False  # type: ignore[misc]


def test_an_empty_document_declares_nothing() -> None:
    capabilities = capabilities_parse({})

    assert (capabilities.attributes, capabilities.telemetry, capabilities.commands) == ((), (), ())


def _broken(path: str, value: Any) -> dict[str, Any]:
    document = copy.deepcopy(FRIDGE_CAPABILITIES)
    section, index, key = path.split(".")
    document[section][int(index)][key] = value
    return document


@pytest.mark.parametrize(
    ("document", "code"),
    [
        ([], "capabilities_invalid"),
        ({"attributes": {}}, "capabilities_invalid"),
        ({"sensors": []}, "capability_field_unknown"),
        (_broken("attributes.0.name", "has space"), "capability_name_invalid"),
        (_broken("attributes.0.type", "decimal"), "capability_type_unknown"),
        (_broken("attributes.1.min", 9), "capability_range_invalid"),
        (_broken("attributes.1.max", "8"), "capability_range_invalid"),
        (_broken("attributes.0.min", 0), "capability_range_invalid"),
        (_broken("attributes.2.values", []), "capability_enum_invalid"),
        (_broken("attributes.2.values", ["eco", "eco"]), "capability_enum_invalid"),
        (_broken("attributes.0.colour", "red"), "capability_field_unknown"),
        (_broken("attributes.0.writable", "yes"), "capabilities_invalid"),
        (_broken("attributes.1.name", "power"), "capability_name_duplicate"),
        (_broken("alarms.0.severity", "fatal"), "capability_severity_unknown"),
        (_broken("alarms.1.code", "door_left_open"), "capability_name_duplicate"),
        (_broken("commands.0.arguments", "minutes"), "capabilities_invalid"),
    ],
)
def test_a_malformed_document_is_refused_with_its_code(document: Any, code: str) -> None:
    with pytest.raises(CapabilityError) as refused:
        capabilities_parse(document)

    assert refused.value.code == code
    assert refused.value.status == 422


def test_a_desired_state_may_set_only_writable_attributes_in_range() -> None:
    capabilities = _fridge()

    state_check(
        capabilities, {"power": True, "target_temperature": 4.5, "mode": "eco"}, writable_only=True
    )
    state_check(capabilities, {"firmware": "1.2.0"})

    cases = [
        ({"firmware": "9.9"}, "capability_not_writable"),
        ({"target_temperature": 8.5}, "capability_value_out_of_range"),
        ({"target_temperature": True}, "capability_value_type_wrong"),
        ({"mode": "turbo"}, "capability_value_out_of_range"),
        ({"colour": "red"}, "capability_field_unknown"),
        ({}, "capabilities_invalid"),
    ]
    for values, code in cases:
        with pytest.raises(CapabilityError) as refused:
            state_check(capabilities, values, writable_only=True)
        assert refused.value.code == code, values


def test_telemetry_is_checked_against_the_declared_fields() -> None:
    capabilities = _fridge()

    telemetry_check(capabilities, {"temperature": -18, "door_open": False})

    cases = [
        ({"temperature": 61.0}, "capability_value_out_of_range"),
        ({"temperature": "cold"}, "capability_value_type_wrong"),
        ({"temperature": float("nan")}, "capability_value_type_wrong"),
        ({"humidity": 40}, "capability_field_unknown"),
    ]
    for values, code in cases:
        with pytest.raises(CapabilityError) as refused:
            telemetry_check(capabilities, values)
        assert refused.value.code == code, values


def test_command_arguments_follow_the_command_schema() -> None:
    capabilities = _fridge()

    assert command_args_check(capabilities, "defrost", {"minutes": 20}).name == "defrost"

    cases = [
        ("defrost", {}, "capability_argument_missing"),
        ("defrost", {"minutes": 61}, "capability_value_out_of_range"),
        ("defrost", {"minutes": 2.5}, "capability_value_type_wrong"),
        ("defrost", {"minutes": 5, "loud": True}, "capability_field_unknown"),
        ("explode", {}, "capability_command_unknown"),
    ]
    for name, args, code in cases:
        with pytest.raises(CapabilityError) as refused:
            command_args_check(capabilities, name, args)
        assert refused.value.code == code, (name, args)
