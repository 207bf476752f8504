"""API and page tests of the network: who may read it, who may edit it, what a refusal writes."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from heyi.core.models import AuditEvent
from heyi.logistics.models import DistributionCentre, Station
from heyi.logistics.services import network_build
from heyi.logistics.tests.network_places import PLACES

pytestmark = pytest.mark.django_db


def _state() -> list[Any]:
    return [
        list(Station.objects.order_by("id").values_list("name", "latitude", "is_active")),
        list(DistributionCentre.objects.order_by("id").values_list("name", "is_active")),
        AuditEvent.objects.filter(type__startswith="logistics.").count(),
    ]


def test_network_get_lists_sites_and_build_figures(api_as: Any, owner: Any) -> None:
    network_build(places=PLACES, centres=1, min_population=15000)
    response = api_as(owner).get("network")
    assert response.status_code == 200
    body = response.json()
    assert [(c["name"], c["population"]) for c in body["centres"]] == [("Middle", 300)]
    assert [(s["name"], s["places_served"]) for s in body["stations"]] == [
        ("Far", 1),
        ("Middle", 3),
    ]
    build = body["build"]
    assert (build["stations"], build["bound"], build["gap"], build["status"]) == (
        2,
        2.0,
        0.0,
        "optimal",
    )
    assert (build["place_share"], build["population_share"]) == (1.0, 1.0)


def test_network_get_needs_a_signed_in_caller(api_as: Any) -> None:
    response = api_as(None).get("network")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_network_map_svg(api_as: Any, owner: Any) -> None:
    network_build(places=PLACES, centres=1, min_population=15000)
    response = api_as(owner).get("network/map.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.count(b"<ellipse") == 2


@pytest.mark.parametrize("kind", ["stations", "centres"])
@pytest.mark.parametrize(
    ("caller", "status"),
    [("anonymous", 401), ("owner", 403), ("rival", 403), ("operator", 200)],
)
def test_site_patch_over_every_caller(
    api_as: Any, owner: Any, rival: Any, operator: Any, kind: str, caller: str, status: int
) -> None:
    network_build(places=PLACES, centres=1)
    user = {"anonymous": None, "owner": owner, "rival": rival, "operator": operator}[caller]
    model = Station if kind == "stations" else DistributionCentre
    site = model.objects.get(name="Middle")
    before = _state()
    response = api_as(user).patch(
        f"network/{kind}/{site.uid}", {"name": "Hub", "longitude": 1.0, "is_active": False}
    )
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert (body["name"], body["latitude"], body["longitude"], body["is_active"]) == (
            "Hub",
            0.0,
            1.0,
            False,
        )
        site.refresh_from_db()
        assert (site.name, site.longitude, site.is_active) == ("Hub", 1.0, False)
        assert _state()[2] == before[2] + 1
    else:
        assert _state() == before


def test_patch_refuses_bad_input_and_unknown_sites(api_as: Any, operator: Any) -> None:
    network_build(places=PLACES, centres=1)
    station = Station.objects.get(name="Far")
    before = _state()
    client = api_as(operator)
    assert client.patch(f"network/stations/{station.uid}", {"latitude": 95}).status_code == 422
    response = client.patch(f"network/stations/{station.uid}", {"name": " "})
    assert (response.status_code, response.json()["code"]) == (422, "invalid_name")
    response = client.patch(f"network/stations/{DistributionCentre.objects.get().uid}", {})
    assert (response.status_code, response.json()["code"]) == (404, "station_not_found")
    assert _state() == before


def test_network_page_shows_the_map_and_figures(client: Client, owner: Any) -> None:
    assert client.get("/network/").status_code == 302
    network_build(places=PLACES, centres=1, min_population=15000)
    client.force_login(owner)
    response = client.get("/network/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "<svg" in content
    assert "West, 44.5 km" in content
    assert "2 (proven lower bound 2, gap 0.00 %)" in content


def test_admin_lists_and_edits_every_model(admin_client: Client) -> None:
    network_build(places=PLACES, centres=1)
    station = Station.objects.get(name="Far")
    for name in ("distributioncentre", "station", "networkbuild"):
        assert admin_client.get(f"/admin/logistics/{name}/").status_code == 200
    assert admin_client.get(f"/admin/logistics/station/{station.pk}/change/").status_code == 200
    assert admin_client.get("/admin/logistics/networkbuild/add/").status_code == 403


def test_network_get_query_budget(api_as: Any, owner: Any, django_assert_num_queries: Any) -> None:
    network_build(places=PLACES, centres=2)
    client = api_as(owner)
    # Two to sign the token in, then one each for centres, stations and the latest build,
    # however many sites there are.
    with django_assert_num_queries(5):
        assert client.get("network").status_code == 200
