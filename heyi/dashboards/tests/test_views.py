"""The pages: the public platform in numbers and the operators' dashboard."""

from __future__ import annotations

import re
from typing import Any

import pytest
import time_machine
from django.test import Client

from conftest import make_user
from heyi.dashboards.tests.conftest import NOW, World

PERIOD = "?from=2026-01-01&to=2026-02-28&bucket=month"
NAMES = (
    "Buyer Bo",
    "Owner Olivia",
    "Worker Wu",
    "Author Ai",
    "Designer Dai",
    "Supplier Su",
    "Van Van",
    "Operator Ming",
    "Cold Chain Makers",
    "Compressor Supply",
    "Qingdao Vans",
    "buyer@example.com",
)
# What single ventures and people received: the maker's ¥542.50 of O101, the supplier's ¥200,
# the delivery venture's ¥25, the owner's pay ¥100, the worker's ¥50, the designer's ¥30.
PER_PARTY_AMOUNTS = ("542.50", "767.50", "¥200.00", "¥25.00", "¥100.00", "¥50.00", "¥30.00")


def client_for(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _text(response: Any) -> str:
    return response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_public_page_shows_totals_and_charts(world: World) -> None:
    response = Client().get("/numbers/" + PERIOD)
    assert response.status_code == 200
    html = _text(response)
    assert "The platform in numbers" in html
    # Headline: the money settled ever, devices.
    assert "¥1,500.00" in html
    # The figures table: January's and February's value by party.
    figures = html[html.index('id="figures"') :]
    for amount in ("¥617.50", "¥190.00", "¥192.50", "¥370.00", "¥5.00", "¥125.00", "¥987.50"):
        assert amount in figures
    assert "1 of 2" in figures  # January: one of two promised deliveries on time
    # Server-drawn, accessible charts; nothing from a CDN, no script needed.
    assert html.count('role="img"') == 6
    for chart in ("chart-demands", "chart-orders", "chart-order-stage", "chart-on-time"):
        assert f'id="{chart}"' in html
    assert 'id="chart-value"' in html and 'id="chart-devices"' in html
    assert 'id="chart-tenders"' not in html
    assert "cdn" not in html.lower()
    # The period picker: presets and the custom range as it was asked.
    assert 'href="/numbers/?days=7"' in html
    assert 'value="2026-01-01"' in html and 'value="2026-02-28"' in html


@time_machine.travel(NOW, tick=False)
def test_public_page_names_nobody_and_no_venture_money(world: World) -> None:
    html = _text(Client().get("/numbers/" + PERIOD))
    for name in NAMES:
        assert name not in html
    for amount in PER_PARTY_AMOUNTS:
        assert amount not in html
    # Late orders and compensations are the operators' business.
    assert "O103" not in html and "late order" not in html


@time_machine.travel(NOW, tick=False)
def test_public_page_default_period_is_the_last_30_days(world: World) -> None:
    response = Client().get("/numbers/")
    assert response.status_code == 200
    html = _text(response)
    assert 'value="2026-01-27"' in html and 'value="2026-02-25"' in html
    assert 'aria-current="page" href="/numbers/?days=30"' in html


@time_machine.travel(NOW, tick=False)
def test_empty_period_says_so(world: World) -> None:
    html = _text(Client().get("/numbers/?from=2024-01-01&to=2024-01-31"))
    assert "Nothing happened in this period yet" in html
    assert "No demands were raised in this period." in html
    assert "No order was settled in this period." in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?from=2026-02-01&to=2026-01-01", "The first day must not be after the last."),
        ("?from=2026-02-30", "Dates are written YYYY-MM-DD."),
        ("?days=0", "The number of days must be between 1 and 3660."),
        ("?bucket=year", "Show the figures by day, week or month."),
    ],
)
def test_bad_period_gives_a_message(query: str, message: str) -> None:
    response = Client().get("/numbers/" + query)
    assert response.status_code == 422
    html = _text(response)
    assert message in html
    assert 'role="alert"' in html
    assert 'role="img"' not in html


@pytest.mark.django_db
def test_operator_dashboard_permissions(operator: Any) -> None:
    anonymous = Client().get("/operations/dashboard/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    person = make_user("someone@example.com", name="Someone")
    refused = client_for(person).get("/operations/dashboard/")
    assert refused.status_code == 403
    assert "Only operators may see the operations dashboard." in _text(refused)
    assert client_for(operator).get("/operations/dashboard/").status_code == 200


@time_machine.travel(NOW, tick=False)
def test_operator_dashboard_shows_detail_and_attention(world: World) -> None:
    response = client_for(world.operator).get("/operations/dashboard/" + PERIOD)
    assert response.status_code == 200
    html = _text(response)
    assert html.count('role="img"') == 8
    for chart in ("chart-tenders", "chart-demand-status", "chart-orders-phase", "chart-value"):
        assert f'id="{chart}"' in html
    attention = html[html.index('id="attention"') : html.index('id="headline"')]
    assert "2 late orders" in attention
    assert re.search(r'href="/orders/103/">O103</a>', attention)
    assert re.search(r'href="/orders/107/">O107</a>', attention)
    assert "1 tender closing within a week" in attention
    assert "Produce 40 tiny fridges" in attention
    assert f'href="/tenders/{world.tenders["T3"].number}/"' in attention
    assert "1 compensation in the period" in attention
    assert "¥40.00 paid to users" in attention
    figures = html[html.index('id="figures"') :]
    # Royalties and members' pay apart; tenders opened per month.
    for amount in ("¥40.00", "¥150.00", "¥617.50", "¥0.00"):
        assert amount in figures
    phases = html[html.index('id="orders-by-phase"') :]
    assert phases.count("<tr>") == 3


@pytest.mark.django_db
def test_operator_dashboard_bad_period(operator: Any) -> None:
    response = client_for(operator).get("/operations/dashboard/?to=soon")
    assert response.status_code == 422
    assert "Dates are written YYYY-MM-DD." in _text(response)
