"""The pure threshold rules: parsing what developers write and testing readings."""

from __future__ import annotations

from typing import Any

import pytest

from heyi.webhooks.thresholds import (
    Threshold,
    ThresholdError,
    thresholds_from_text,
    thresholds_parse,
    thresholds_to_text,
)


@pytest.mark.parametrize(
    ("op", "value", "reading", "met"),
    [
        (">", 8, 8.5, True),
        (">", 8, 8, False),
        (">=", 8, 8, True),
        ("<", 2, 1.5, True),
        ("<=", 2, 2.5, False),
        ("==", True, True, True),
        ("==", True, False, False),
        ("!=", "eco", "boost", True),
        ("==", 5, 5.0, True),
        (">", 8, "hot", None),
        (">", 8, True, None),
        ("==", "eco", None, None),
    ],
)
def test_a_reading_meets_a_threshold(op: str, value: Any, reading: Any, met: bool | None) -> None:
    assert Threshold("x", op, value).met({"x": reading}) is met


def test_a_reading_without_the_field_says_nothing() -> None:
    assert Threshold("temperature", ">", 8).met({"door_open": True}) is None


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("temperature > 8", "Thresholds are a list."),
        ([{"field": "t", "op": ">"}], "A threshold needs a value."),
        ([{"field": "t", "op": ">", "value": True}], "The value compared with > must be a number."),
        ([{"field": "1t", "op": ">", "value": 1}], "A threshold's field is a telemetry name"),
        ([{"field": "t", "op": "=>", "value": 1}], "A threshold's op is one of"),
        ([{"field": "t", "op": ">", "value": 1, "x": 2}], "Unknown threshold keys: x."),
        ([{"field": "t", "op": "==", "value": [1]}], "The value compared with == or != is"),
        ([{"field": "t", "op": ">", "value": 1}] * 21, "At most 20 thresholds per endpoint."),
    ],
)
def test_bad_thresholds_are_refused(raw: Any, message: str) -> None:
    with pytest.raises(ThresholdError) as raised:
        thresholds_parse(raw)
    assert str(raised.value).startswith(message)


def test_duplicates_are_dropped() -> None:
    raw = [{"field": "t", "op": ">", "value": 1}, {"field": "t", "op": ">", "value": 1}]
    assert thresholds_parse(raw) == [Threshold("t", ">", 1)]


def test_the_page_text_round_trips() -> None:
    raw = thresholds_from_text("temperature > 8\n\n door_open == true \nmode != eco")
    assert raw == [
        {"field": "temperature", "op": ">", "value": 8},
        {"field": "door_open", "op": "==", "value": True},
        {"field": "mode", "op": "!=", "value": "eco"},
    ]
    assert thresholds_to_text(raw) == 'temperature > 8\ndoor_open == true\nmode != "eco"'
    with pytest.raises(ThresholdError):
        thresholds_from_text("temperature is hot")
