"""Service and selector tests: building the network, operators' edits, the nearest station."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command

from heyi.core.errors import InvalidInput, PermissionDenied
from heyi.core.models import AuditEvent
from heyi.logistics.models import DistributionCentre, NetworkBuild, Station
from heyi.logistics.selectors import network_get, network_map_svg, station_nearest
from heyi.logistics.services import centre_update, network_build, station_update
from heyi.logistics.tests.network_places import PLACES

pytestmark = pytest.mark.django_db


def _written() -> dict[str, int]:
    return {
        "centres": DistributionCentre.objects.count(),
        "stations": Station.objects.count(),
        "builds": NetworkBuild.objects.count(),
        "events": AuditEvent.objects.filter(type__startswith="logistics.").count(),
    }


def test_network_build_writes_centres_stations_and_figures(operator: Any) -> None:
    build = network_build(actor=operator, places=PLACES, centres=2, radius_km=50)
    assert [(c.name, c.population) for c in DistributionCentre.objects.order_by("name")] == [
        ("East", 200),
        ("Middle", 300),
    ]
    assert [
        (s.name, s.places_served, s.population_served) for s in Station.objects.order_by("name")
    ] == [("Far", 1, 0), ("Middle", 3, 600)]
    assert (build.places, build.centres, build.stations) == (4, 2, 2)
    assert (build.objective, build.bound, build.gap, build.status) == (2, 2.0, 0.0, "optimal")
    assert (build.places_covered, build.population, build.population_covered) == (4, 600, 600)
    assert build.farthest_place == "West"
    assert build.farthest_km == pytest.approx(44.478, abs=0.001)
    event = AuditEvent.objects.get(type="logistics.network.built")
    assert event.actor == operator


def test_network_build_again_replaces_the_network(operator: Any) -> None:
    network_build(actor=operator, places=PLACES, centres=2)
    network_build(actor=None, places=PLACES[:3], centres=1)
    assert _written() == {"centres": 1, "stations": 1, "builds": 2, "events": 2}
    network = network_get()
    assert [station.name for station in network.stations] == ["Middle"]
    assert network.build is not None and network.build.places == 3


def test_network_build_refuses_a_non_operator_and_writes_nothing(owner: Any) -> None:
    with pytest.raises(PermissionDenied):
        network_build(actor=owner, places=PLACES)
    assert _written() == {"centres": 0, "stations": 0, "builds": 0, "events": 0}


@pytest.mark.parametrize(
    ("arguments"),
    [{"min_population": 123}, {"radius_km": 0.0}, {"centres": -1}, {"time_limit_seconds": 0.0}],
)
def test_network_build_refuses_bad_parameters(operator: Any, arguments: dict[str, Any]) -> None:
    places = None if "min_population" in arguments else PLACES
    with pytest.raises(InvalidInput):
        network_build(actor=operator, places=places, **arguments)
    assert _written() == {"centres": 0, "stations": 0, "builds": 0, "events": 0}


def test_station_update_renames_moves_and_deactivates(operator: Any) -> None:
    network_build(places=PLACES, centres=1)
    station = Station.objects.get(name="Far")
    station_update(station=station, actor=operator, name="Far Depot", latitude=1.5, is_active=False)
    station.refresh_from_db()
    assert (station.name, station.latitude, station.longitude, station.is_active) == (
        "Far Depot",
        1.5,
        10.0,
        False,
    )
    event = AuditEvent.objects.get(type="logistics.station.updated")
    assert event.data["after"] == {
        "name": "Far Depot",
        "latitude": 1.5,
        "is_active": False,
    }
    assert event.data["before"] == {"name": "Far", "latitude": 0.0, "is_active": True}


def test_centre_update_by_a_non_operator_writes_nothing(operator: Any, rival: Any) -> None:
    network_build(places=PLACES, centres=1)
    centre = DistributionCentre.objects.get()
    before = _written()
    with pytest.raises(PermissionDenied):
        centre_update(centre=centre, actor=rival, name="Mine")
    with pytest.raises(InvalidInput):
        centre_update(centre=centre, actor=operator, name="  ")
    with pytest.raises(InvalidInput):
        centre_update(centre=centre, actor=operator, latitude=91.0)
    centre.refresh_from_db()
    assert centre.name == "Middle"
    assert _written() == before


def test_station_nearest_skips_inactive_stations(operator: Any) -> None:
    assert station_nearest(latitude=0.0, longitude=9.0) is None
    network_build(places=PLACES, centres=0)
    found = station_nearest(latitude=0.0, longitude=9.0)
    assert found is not None and found[0].name == "Far"
    assert found[1] == pytest.approx(111.195, abs=0.001)
    station_update(station=Station.objects.get(name="Far"), actor=operator, is_active=False)
    found = station_nearest(latitude=0.0, longitude=9.0)
    assert found is not None and found[0].name == "Middle"


def test_network_map_is_our_own_svg(operator: Any) -> None:
    network_build(places=PLACES, centres=1, min_population=15000)
    svg = network_map_svg()
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert svg.count("<ellipse") == 2
    assert svg.count("</title></rect>") == 1
    assert "<title>Middle</title></rect>" in svg
    assert "Populated place (2106)" in svg
    assert "Station (2)" in svg
    assert "Distribution centre (1)" in svg
    assert "<script" not in svg and "href" not in svg


def test_network_build_command_builds_the_real_network() -> None:
    output = io.StringIO()
    call_command("network_build", "--min-population", "15000", "--centres", "90", stdout=output)
    build = NetworkBuild.objects.get()
    assert (build.places, build.centres, build.stations, build.status) == (
        2106,
        90,
        504,
        "optimal",
    )
    assert (build.bound, build.gap, build.places_covered) == (504.0, 0.0, 2106)
    assert Station.objects.count() == 504
    assert DistributionCentre.objects.count() == 90
    assert output.getvalue().startswith("2106 places, 90 centres, 504 stations")
