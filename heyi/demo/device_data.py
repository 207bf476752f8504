"""What the demo's smart products can do, and how their readings move through a day.

Capabilities are declared per product category (the standard products and the co-designed
ones of the same category share them). `SIGNALS` describes each numeric telemetry field as a
baseline, a daily swing that peaks at a given hour, and noise: enough for charts that look like
a home's week, not a flat line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Signal:
    baseline: float
    swing: float  # half the daily range
    peak_hour: float  # local hour of the daily maximum
    noise: float
    minimum: float
    maximum: float
    digits: int = 1


_FRIDGE: dict[str, Any] = {
    "attributes": [
        {"name": "power", "type": "bool", "writable": True},
        {
            "name": "target_temperature",
            "type": "float",
            "unit": "°C",
            "min": 2,
            "max": 8,
            "writable": True,
        },
        {"name": "mode", "type": "enum", "values": ["eco", "normal", "boost"], "writable": True},
        {"name": "firmware", "type": "string"},
    ],
    "telemetry": [
        {"name": "temperature", "type": "float", "unit": "°C", "min": -30, "max": 60},
        {"name": "humidity", "type": "float", "unit": "%", "min": 0, "max": 100},
        {"name": "power_draw", "type": "float", "unit": "W", "min": 0, "max": 800},
        {"name": "door_open", "type": "bool"},
    ],
    "commands": [
        {
            "name": "defrost",
            "arguments": [
                {"name": "minutes", "type": "int", "min": 1, "max": 60, "required": True},
            ],
        },
        {"name": "boost_cool", "arguments": []},
    ],
    "alarms": [
        {"code": "door_left_open", "severity": "warning", "description": "Door open 5 min."},
        {"code": "too_warm", "severity": "critical", "description": "Above 10 °C for 30 min."},
    ],
}

_WASHER: dict[str, Any] = {
    "attributes": [
        {"name": "power", "type": "bool", "writable": True},
        {
            "name": "programme",
            "type": "enum",
            "values": ["cotton", "wool_silk", "quick_15", "eco_40"],
            "writable": True,
        },
        {"name": "delay_start_hours", "type": "int", "min": 0, "max": 24, "writable": True},
    ],
    "telemetry": [
        {"name": "water_l", "type": "float", "unit": "L", "min": 0, "max": 120},
        {"name": "power_draw", "type": "float", "unit": "W", "min": 0, "max": 2500},
        {"name": "drum_rpm", "type": "int", "unit": "rpm", "min": 0, "max": 1600},
    ],
    "commands": [
        {
            "name": "start",
            "arguments": [
                {
                    "name": "programme",
                    "type": "enum",
                    "values": ["cotton", "wool_silk", "quick_15", "eco_40"],
                    "required": True,
                },
            ],
        },
        {"name": "pause", "arguments": []},
    ],
    "alarms": [
        {"code": "unbalanced", "severity": "warning", "description": "Load unbalanced."},
        {"code": "water_leak", "severity": "critical", "description": "Water under the drum."},
    ],
}

_AIR_CONDITIONER: dict[str, Any] = {
    "attributes": [
        {"name": "power", "type": "bool", "writable": True},
        {
            "name": "target_temperature",
            "type": "float",
            "unit": "°C",
            "min": 16,
            "max": 30,
            "writable": True,
        },
        {
            "name": "mode",
            "type": "enum",
            "values": ["cool", "heat", "dry", "fan", "sleep"],
            "writable": True,
        },
    ],
    "telemetry": [
        {"name": "room_temperature", "type": "float", "unit": "°C", "min": -20, "max": 50},
        {"name": "humidity", "type": "float", "unit": "%", "min": 0, "max": 100},
        {"name": "power_draw", "type": "float", "unit": "W", "min": 0, "max": 3000},
    ],
    "commands": [
        {"name": "clean_filter_reset", "arguments": []},
        {
            "name": "sleep_for",
            "arguments": [{"name": "hours", "type": "int", "min": 1, "max": 12, "required": True}],
        },
    ],
    "alarms": [
        {"code": "filter_dirty", "severity": "info", "description": "Clean the filter."},
        {"code": "refrigerant_low", "severity": "critical", "description": "Cooling weak."},
    ],
}

_WATER_HEATER: dict[str, Any] = {
    "attributes": [
        {"name": "power", "type": "bool", "writable": True},
        {
            "name": "target_temperature",
            "type": "float",
            "unit": "°C",
            "min": 35,
            "max": 75,
            "writable": True,
        },
        {"name": "night_tariff", "type": "bool", "writable": True},
    ],
    "telemetry": [
        {"name": "water_temperature", "type": "float", "unit": "°C", "min": 0, "max": 95},
        {"name": "power_draw", "type": "float", "unit": "W", "min": 0, "max": 3000},
    ],
    "commands": [
        {
            "name": "heat_now",
            "arguments": [
                {"name": "celsius", "type": "float", "min": 35, "max": 75, "required": True}
            ],
        },
    ],
    "alarms": [
        {"code": "anode_worn", "severity": "warning", "description": "Replace the anode."},
        {"code": "overheat", "severity": "critical", "description": "Water above 90 °C."},
    ],
}

_PURIFIER: dict[str, Any] = {
    "attributes": [
        {"name": "power", "type": "bool", "writable": True},
        {"name": "fan", "type": "enum", "values": ["auto", "low", "high"], "writable": True},
    ],
    "telemetry": [
        {"name": "pm25", "type": "float", "unit": "µg/m³", "min": 0, "max": 999},
        {"name": "filter_life", "type": "float", "unit": "%", "min": 0, "max": 100},
        {"name": "humidity", "type": "float", "unit": "%", "min": 0, "max": 100},
    ],
    "commands": [{"name": "filter_reset", "arguments": []}],
    "alarms": [
        {"code": "filter_end_of_life", "severity": "warning", "description": "Filter spent."},
    ],
}

CAPABILITIES_BY_CATEGORY: dict[str, dict[str, Any]] = {
    "fridges": _FRIDGE,
    "washing-machines": _WASHER,
    "air-conditioners": _AIR_CONDITIONER,
    "water-heaters": _WATER_HEATER,
    "air-water": _PURIFIER,
    "smart-home": _PURIFIER,
}

SIGNALS: dict[str, Signal] = {
    "temperature": Signal(4.0, 0.6, 19, 0.3, 1.0, 9.0),
    "humidity": Signal(55, 8, 6, 2.5, 20, 95, 0),
    "power_draw": Signal(120, 60, 20, 25, 0, 2400, 0),
    "water_l": Signal(12, 10, 20, 4, 0, 60, 1),
    "drum_rpm": Signal(300, 250, 20, 80, 0, 1400, 0),
    "room_temperature": Signal(25.5, 2.5, 15, 0.4, 16, 34),
    "water_temperature": Signal(58, 6, 5, 1.0, 30, 75),
    "pm25": Signal(38, 18, 8, 6, 2, 250, 0),
}

# Attributes each kind reports as its state at first connection.
STATE_BY_CATEGORY: dict[str, dict[str, Any]] = {
    "fridges": {"power": True, "target_temperature": 4.0, "mode": "normal", "firmware": "2.3.1"},
    "washing-machines": {"power": False, "programme": "eco_40", "delay_start_hours": 0},
    "air-conditioners": {"power": True, "target_temperature": 26.0, "mode": "cool"},
    "water-heaters": {"power": True, "target_temperature": 60.0, "night_tariff": True},
    "air-water": {"power": True, "fan": "auto"},
    "smart-home": {"power": True, "fan": "auto"},
}
