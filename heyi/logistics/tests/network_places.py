"""Hand-made places for the network tests: exact answers are known for them."""

from __future__ import annotations

from heyi.logistics.network_core import Place

# Three places 0.4° (44.5 km) apart on the equator, and one far away: with a 50 km radius the
# only optimum is a station at the middle one and one at the lonely one.
PLACES = [
    Place(1, "West", 0.0, 0.0, 100),
    Place(2, "Middle", 0.0, 0.4, 300),
    Place(3, "East", 0.0, 0.8, 200),
    Place(4, "Far", 0.0, 10.0, 0),
]
