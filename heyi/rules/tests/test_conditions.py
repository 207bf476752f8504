"""The pure core of rules: conditions, streaks of readings, action parameters, texts."""

from __future__ import annotations

from typing import Any

import pytest

from heyi.devices.capabilities import capabilities_parse
from heyi.devices.tests.factories import FRIDGE_CAPABILITIES
from heyi.rules.conditions import (
    AlarmCondition,
    OfflineCondition,
    ReadingSeen,
    Streak,
    TelemetryCondition,
    condition_parse,
    evidence_text,
    params_parse,
    streak_advance,
    text_fill,
)
from heyi.rules.errors import RulesError

FRIDGE = capabilities_parse(FRIDGE_CAPABILITIES)


def _code(call: Any) -> str:
    with pytest.raises(RulesError) as caught:
        call()
    return caught.value.code


def test_a_telemetry_condition_is_parsed_against_the_declared_fields() -> None:
    condition = condition_parse(
        "telemetry", {"field": "temperature", "op": ">", "value": 8, "for_readings": 3}, FRIDGE
    )
    assert condition == TelemetryCondition(field="temperature", op=">", value=8, for_readings=3)
    assert condition.to_dict() == {
        "field": "temperature",
        "op": ">",
        "value": 8,
        "for_readings": 3,
    }
    assert condition_parse(
        "telemetry", {"field": "door_open", "op": "==", "value": True}, FRIDGE
    ) == TelemetryCondition(field="door_open", op="==", value=True, for_readings=1)


@pytest.mark.parametrize(
    ("condition", "code"),
    [
        ({"field": "humidity", "op": ">", "value": 1}, "rule_field_unknown"),
        ({"field": "temperature", "op": "=>", "value": 1}, "rule_operator_unknown"),
        ({"field": "temperature", "op": ">", "value": "warm"}, "rule_value_invalid"),
        ({"field": "temperature", "op": ">", "value": True}, "rule_value_invalid"),
        ({"field": "temperature", "op": ">"}, "rule_value_invalid"),
        ({"field": "door_open", "op": ">", "value": True}, "rule_operator_unknown"),
        ({"field": "door_open", "op": "==", "value": 1}, "rule_value_invalid"),
        (
            {"field": "temperature", "op": ">", "value": 8, "for_readings": 0},
            "rule_condition_invalid",
        ),
        (
            {"field": "temperature", "op": ">", "value": 8, "for_readings": 2.5},
            "rule_condition_invalid",
        ),
        ({"field": "temperature", "op": ">", "value": 8, "extra": 1}, "rule_condition_invalid"),
        ([], "rule_condition_invalid"),
    ],
)
def test_a_bad_telemetry_condition_is_refused_with_its_code(condition: Any, code: str) -> None:
    assert _code(lambda: condition_parse("telemetry", condition, FRIDGE)) == code


def test_alarm_and_offline_conditions() -> None:
    assert condition_parse("alarm", {}, FRIDGE) == AlarmCondition(code="any", min_severity="info")
    critical = condition_parse(
        "alarm", {"code": "compressor_fault", "min_severity": "critical"}, FRIDGE
    )
    assert isinstance(critical, AlarmCondition)
    assert critical.matches("compressor_fault", "critical") is True
    assert critical.matches("compressor_fault", "warning") is False
    assert critical.matches("door_left_open", "critical") is False
    assert AlarmCondition(min_severity="warning").matches("door_left_open", "warning") is True
    assert (
        _code(lambda: condition_parse("alarm", {"code": "smoke"}, FRIDGE)) == "rule_alarm_unknown"
    )
    assert (
        _code(lambda: condition_parse("alarm", {"min_severity": "huge"}, FRIDGE))
        == "rule_severity_unknown"
    )
    assert condition_parse("offline", {}, FRIDGE) == OfflineCondition()
    assert _code(lambda: condition_parse("offline", {"x": 1}, FRIDGE)) == "rule_condition_invalid"
    assert _code(lambda: condition_parse("sunrise", {}, FRIDGE)) == "rule_trigger_unknown"


def _readings(*values: Any) -> list[ReadingSeen]:
    return [
        ReadingSeen(reading_id=f"m-{index}", at=f"t{index}", values=value)
        for index, value in enumerate(values, start=1)
    ]


def test_a_streak_fires_after_n_consecutive_matching_readings() -> None:
    condition = TelemetryCondition(field="temperature", op=">", value=8, for_readings=3)
    streak = Streak()
    fired = streak_advance(
        condition, streak, _readings({"temperature": 9}, {"temperature": 10}, {"door_open": True})
    )
    # A reading without the field neither extends nor breaks the streak.
    assert (fired, streak.count) == (None, 2)
    fired = streak_advance(condition, streak, _readings({"temperature": 7.5}))
    assert (fired, streak.count, streak.evidence) == (None, 0, [])
    more = [
        ReadingSeen(reading_id=f"n-{index}", at=f"u{index}", values={"temperature": 8 + index})
        for index in (1, 2, 3, 4)
    ]
    fired = streak_advance(condition, streak, more)
    assert streak.count == 4
    assert fired == [
        {"reading_id": "n-2", "at": "u2", "field": "temperature", "value": 10},
        {"reading_id": "n-3", "at": "u3", "field": "temperature", "value": 11},
        {"reading_id": "n-4", "at": "u4", "field": "temperature", "value": 12},
    ]


def test_comparisons_never_raise_on_odd_values() -> None:
    above = TelemetryCondition(field="temperature", op=">", value=8)
    assert above.matches({"temperature": "hot"}) is False
    assert above.matches({"temperature": True}) is False
    assert above.matches({}) is None
    assert TelemetryCondition(field="door_open", op="!=", value=False).matches({"door_open": True})


def test_action_parameters_are_checked_against_the_model() -> None:
    assert params_parse("command", {"name": "defrost", "args": {"minutes": 10}}, FRIDGE) == {
        "name": "defrost",
        "args": {"minutes": 10},
    }
    with pytest.raises(Exception) as unknown:
        params_parse("command", {"name": "self_destruct", "args": {}}, FRIDGE)
    assert getattr(unknown.value, "code", "") == "capability_command_unknown"
    with pytest.raises(Exception) as missing:
        params_parse("command", {"name": "defrost", "args": {}}, FRIDGE)
    assert getattr(missing.value, "code", "") == "capability_argument_missing"
    assert params_parse("notify", None, FRIDGE) == {"message": ""}
    assert params_parse("service_ticket", {"title": "Fix {serial}"}, FRIDGE) == {
        "title": "Fix {serial}",
        "description": "",
        "bidding_hours": 24,
    }
    assert params_parse(
        "demand",
        {"demand_uid": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "note": "me too"},
        FRIDGE,
    ) == {"demand_uid": "7c9e6679-7425-40de-944b-e07fc1f90ae7", "note": "me too"}
    assert _code(lambda: params_parse("notify", {"message": "{owner_phone}"}, FRIDGE)) == (
        "rule_params_invalid"
    )
    assert _code(lambda: params_parse("service_ticket", {"bidding_hours": 0}, FRIDGE)) == (
        "rule_params_invalid"
    )
    assert _code(lambda: params_parse("demand", {"title": "x"}, FRIDGE)) == "rule_params_invalid"
    assert _code(lambda: params_parse("demand", {"demand_uid": "nope"}, FRIDGE)) == (
        "rule_params_invalid"
    )
    assert _code(lambda: params_parse("reboot", {}, FRIDGE)) == "rule_action_unknown"


def test_texts_are_filled_from_the_event() -> None:
    context = {"serial": "HY-AAAA-BBBB", "value": 9.5, "field": "temperature"}
    assert text_fill("{serial} is at {value} ({unknown})", context) == (
        "HY-AAAA-BBBB is at 9.5 ({unknown})"
    )
    assert (
        evidence_text(
            "HY-AAAA-BBBB",
            [{"reading_id": "m-1", "at": "t", "field": "door_open", "value": True}],
        )
        == "HY-AAAA-BBBB: door_open=true (reading m-1)"
    )
    assert evidence_text("HY-1", [{"code": "compressor_fault", "severity": "critical"}]) == (
        "HY-1: alarm compressor_fault (critical)"
    )
