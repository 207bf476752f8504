"""The statement pages, their CSV and the statements API: who sees what, exact content."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from conftest import ApiClient, make_user
from heyi.accounts.models import Role, User
from heyi.value.tests import test_statements as world_module
from heyi.ventures.models import Venture

World = world_module.World
WINDOW = {"period": "month", "from": "2026-01-01", "to": "2026-02-28"}

MAKER_CSV = (
    "period,first_day,last_day,users_served,repeat_users,fans,orders_delivered,on_time_rate,"
    "orders_completed,revenue,costs,marginal_income,shared_with_members,shared_with_partners,"
    "profit_retained\n"
    "2026-01,2026-01-01,2026-01-31,2,0,1,2,0.5000,1,742.50,200.00,542.50,150.00,265.00,392.50\n"
    "2026-02,2026-02-01,2026-02-28,1,1,1,1,1.0000,2,987.50,40.00,947.50,80.00,30.00,867.50\n"
    "total,2026-01-01,2026-02-28,2,1,1,3,0.6667,3,1730.00,240.00,1490.00,230.00,295.00,1260.00\n"
)


@pytest.fixture
def world(db: Any) -> World:
    return world_module.statement_world()


def signed_in(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def investor() -> User:
    return make_user("investor@example.com", name="Investor Yi", roles=[Role.INVESTOR])


def operator() -> User:
    return make_user("operator@example.com", name="Operator Ming", roles=[Role.OPERATOR])


def publish(venture: Venture, value: bool) -> None:
    Venture.objects.filter(pk=venture.pk).update(publishes_to_investors=value)


# --- the venture's page --------------------------------------------------------------------


def test_member_sees_the_statement_with_charts(world: World) -> None:
    response = signed_in(world.worker).get(f"/ventures/{world.maker.slug}/statements/", WINDOW)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Win-win value-added statement of Cold Chain Makers" in page
    assert page.count('class="statement-chart"') == 2
    assert '<td class="text-end border-start">742.50</td>' in page
    assert '<td class="text-end border-start">1730.00</td>' in page
    assert (
        f'href="/ventures/{world.maker.slug}/statements.csv?period=month&amp;from=2026-01-01'
        '&amp;to=2026-02-28"'
    ) in page
    assert "No settled orders in this period yet." not in page
    assert "cdn" not in page.lower()


def test_empty_period_says_so(world: World) -> None:
    response = signed_in(world.owner).get(
        f"/ventures/{world.maker.slug}/statements/",
        {"period": "month", "from": "2026-05-01", "to": "2026-06-30"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    # The alert and both charts' empty state.
    assert page.count("No settled orders in this period yet.") == 2
    assert "No deliveries in this period yet." in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"period": "week"}, "The period must be day, month or quarter."),
        ({"from": "yesterday"}, "Dates are written YYYY-MM-DD."),
        ({"from": "2026-03-01", "to": "2026-01-01"}, "The first day must not be after the last."),
    ],
)
def test_bad_window_shows_a_message(world: World, query: dict[str, str], message: str) -> None:
    response = signed_in(world.owner).get(f"/ventures/{world.maker.slug}/statements/", query)
    assert response.status_code == 422
    assert message in response.content.decode()


def test_page_query_budget(world: World, django_assert_max_num_queries: Any) -> None:
    client = signed_in(world.owner)
    # Session, user, venture, membership, then the statement's nine queries.
    with django_assert_max_num_queries(20):
        response = client.get(f"/ventures/{world.maker.slug}/statements/", WINDOW)
    assert response.status_code == 200


def test_csv_is_exact(world: World) -> None:
    response = signed_in(world.owner).get(f"/ventures/{world.maker.slug}/statements.csv", WINDOW)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="statement-{world.maker.slug}-month-2026-01-01-2026-02-28.csv"'
    )
    assert response.content.decode() == MAKER_CSV


def _who(world: World, name: str, *, published: bool) -> User | None:
    publish(world.maker, published)
    return {
        "anonymous": lambda: None,
        "member": lambda: world.worker,
        "rival": lambda: world.rival_owner,
        "investor": investor,
        "operator": operator,
        "buyer": lambda: world.alice,
    }[name]()


@pytest.mark.parametrize(
    ("who", "published", "status"),
    [
        ("member", False, 200),
        ("operator", False, 200),
        ("rival", False, 404),
        ("rival", True, 404),
        ("buyer", True, 404),
        ("investor", False, 404),
        ("investor", True, 200),
    ],
)
def test_who_sees_a_venture_statement(world: World, who: str, published: bool, status: int) -> None:
    user = _who(world, who, published=published)
    client = signed_in(user)
    page = client.get(f"/ventures/{world.maker.slug}/statements/", WINDOW)
    csv_file = client.get(f"/ventures/{world.maker.slug}/statements.csv", WINDOW)
    assert (page.status_code, csv_file.status_code) == (status, status)
    if status == 404:
        assert "742.50" not in page.content.decode()
    api = ApiClient(user).get(f"ventures/{world.maker.slug}/statements", WINDOW)
    assert api.status_code == status
    if status == 404:
        assert api.json()["code"] == "venture_not_found"


def test_anonymous_is_sent_to_sign_in(world: World) -> None:
    response = Client().get(f"/ventures/{world.maker.slug}/statements/", WINDOW)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    api = ApiClient(None).get(f"ventures/{world.maker.slug}/statements", WINDOW)
    assert (api.status_code, api.json()["code"]) == (401, "not_authenticated")


# --- the platform's page -------------------------------------------------------------------


def test_operator_sees_the_platform_statement(world: World) -> None:
    response = signed_in(operator()).get("/statements/", WINDOW)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Win-win value-added statement of the platform" in page
    assert '<table class="table table-sm table-striped align-middle" id="by-venture">' in page
    assert page.index("Cold Chain Makers") < page.index("Rival Works") < page.index("Qingdao Vans")
    assert '<td class="text-end">520.00</td>' in page  # the platform's income


@pytest.mark.parametrize("who", ["member", "rival", "investor"])
def test_platform_statement_is_for_operators(world: World, who: str) -> None:
    user = _who(world, who, published=True)
    assert signed_in(user).get("/statements/", WINDOW).status_code == 403
    assert signed_in(user).get("/statements.csv", WINDOW).status_code == 403
    api = ApiClient(user).get("statements", WINDOW)
    assert (api.status_code, api.json()["code"]) == (403, "not_operator")


def test_platform_csv(world: World) -> None:
    response = signed_in(operator()).get("/statements.csv", WINDOW)
    lines = response.content.decode().splitlines()
    assert lines[0] == (
        "venture,period,first_day,last_day,users_served,repeat_users,fans,orders_delivered,"
        "on_time_rate,orders_completed,revenue,costs,marginal_income,shared_with_members,"
        "shared_with_partners,profit_retained,platform_fees,platform_margin,platform_delivery,"
        "platform_compensation_paid,platform_compensation_recovered,"
        "platform_compensation_borne,platform_income"
    )
    assert lines[1:] == [
        ",2026-01,2026-01-01,2026-01-31,3,1,2,3,0.6667,2,1222.50,200.00,1022.50,150.00,290.00,"
        "872.50,65.00,172.50,0.00,40.00,0.00,40.00,197.50",
        ",2026-02,2026-02-01,2026-02-28,1,1,2,1,1.0000,2,1012.50,40.00,972.50,80.00,30.00,"
        "892.50,65.00,187.50,30.00,0.00,40.00,-40.00,322.50",
        ",total,2026-01-01,2026-02-28,3,2,2,4,0.7500,4,2235.00,240.00,1995.00,230.00,320.00,"
        "1765.00,130.00,360.00,30.00,40.00,40.00,0.00,520.00",
        f"{world.maker.slug},total,2026-01-01,2026-02-28,2,1,1,3,0.6667,3,1730.00,240.00,"
        "1490.00,230.00,295.00,1260.00,,,,,,,",
        f"{world.rival.slug},total,2026-01-01,2026-02-28,1,0,1,1,1.0000,1,230.00,0.00,230.00,"
        "0.00,25.00,230.00,,,,,,,",
        f"{world.supplier.slug},total,2026-01-01,2026-02-28,0,0,0,0,,0,200.00,0.00,200.00,"
        "0.00,0.00,200.00,,,,,,,",
        f"{world.delivery.slug},total,2026-01-01,2026-02-28,0,0,0,0,,0,75.00,0.00,75.00,"
        "0.00,0.00,75.00,,,,,,,",
    ]


# --- the API -------------------------------------------------------------------------------


def test_api_venture_statement(world: World, api_as: Any) -> None:
    response = api_as(world.owner).get(f"ventures/{world.maker.slug}/statements", WINDOW)
    assert response.status_code == 200
    body = response.json()
    assert (body["venture"], body["period"], body["first_day"], body["last_day"]) == (
        world.maker.slug,
        "month",
        "2026-01-01",
        "2026-02-28",
    )
    assert [row["label"] for row in body["rows"]] == ["2026-01", "2026-02"]
    assert body["rows"][0]["figures"] == {
        "users_served": 2,
        "repeat_users": 0,
        "fans": 1,
        "orders_delivered": 2,
        "on_time_rate": "0.5000",
        "orders_completed": 1,
        "revenue": "742.50",
        "costs": "200.00",
        "marginal_income": "542.50",
        "shared_with_members": "150.00",
        "shared_with_partners": "265.00",
        "profit_retained": "392.50",
    }
    assert body["totals"]["profit_retained"] == "1260.00"
    assert body["platform_totals"] is None
    assert body["ventures"] == []


def test_api_csv(world: World, api_as: Any) -> None:
    response = api_as(world.owner).get(
        f"ventures/{world.maker.slug}/statements", {**WINDOW, "format": "csv"}
    )
    assert response.status_code == 200
    assert response.content.decode() == MAKER_CSV


@pytest.mark.parametrize(
    "query",
    [{"period": "year"}, {"from": "2026-02-30"}, {"from": "2026-03-01", "to": "2026-02-01"}],
)
def test_api_bad_window(world: World, api_as: Any, query: dict[str, str]) -> None:
    response = api_as(world.owner).get(f"ventures/{world.maker.slug}/statements", query)
    assert (response.status_code, response.json()["code"]) == (422, "period_invalid")
    response = api_as(operator()).get("statements", query)
    assert (response.status_code, response.json()["code"]) == (422, "period_invalid")


def test_api_platform_statement(
    world: World, api_as: Any, django_assert_max_num_queries: Any
) -> None:
    client = api_as(operator())
    with django_assert_max_num_queries(24):
        response = client.get("statements", WINDOW)
    assert response.status_code == 200
    body = response.json()
    assert body["venture"] is None
    assert body["platform_totals"]["income"] == "520.00"
    assert body["rows"][1]["platform"]["compensation_borne"] == "-40.00"
    assert [(line["venture"], line["figures"]["revenue"]) for line in body["ventures"]] == [
        (world.maker.slug, "1730.00"),
        (world.rival.slug, "230.00"),
        (world.supplier.slug, "200.00"),
        (world.delivery.slug, "75.00"),
    ]
