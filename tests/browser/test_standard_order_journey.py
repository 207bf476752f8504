"""In a real browser: order a standard product, pay, the daily contention picks its maker."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from heyi.contention.daily_services import standing_bid_set
from heyi.orders.models import Order
from heyi.products.services import product_create
from heyi.ventures.services import venture_create
from tests.browser.conftest import sign_out
from tests.browser.test_contention_journey import person, shot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_order_pay_and_get_a_maker_from_the_daily_contention(
    page: Any, screenshots_dir: str
) -> None:
    operator = person("ops@example.com", "Operator Ming", operator=True)
    person("mei@example.com", "Mei")
    product = product_create(
        actor=operator,
        name="Studio 180 compact fridge",
        description="A quiet 180-litre fridge for small flats.",
        list_price="1899.00",
    )
    makers = []
    for name, price, days in (("Quick Works", "1300.00", 2), ("Cheap Works", "1200.00", 9)):
        founder = person(f"{name.split()[0].lower()}@example.com", f"{name} founder")
        venture = venture_create(
            actor=founder,
            name=name,
            kind="maker",
            mission="We make compact fridges.",
            capacity_per_day=10,
        )
        standing_bid_set(
            venture=venture,
            product=product,
            actor=founder,
            unit_price=Decimal(price),
            lead_time_days=days,
        )
        makers.append(founder)

    # Mei orders two fridges, first with a point off the map (refused), then right, and pays.
    sign_in(page, "mei@example.com")
    page.goto("/products/")
    page.get_by_role("link", name="Studio 180 compact fridge").click()
    assert "2 makers hold standing bids" in page.locator("main").inner_text()
    page.get_by_label("Quantity").fill("2")
    page.get_by_label("Delivery address").fill("12 Renmin Road, Qingdao")
    page.get_by_label("Latitude").fill("95")
    page.get_by_label("Longitude").fill("120.3826")
    page.get_by_role("button", name="Place the order").click()
    assert "The latitude must be a number from -90 to 90." in page.locator("main").inner_text()
    assert Order.objects.count() == 0
    page.get_by_label("Latitude").fill("36.0663")
    page.get_by_role("button", name="Place the order").click()
    page.wait_for_url(re.compile(r"/orders/\d+/$"))
    order = Order.objects.get()
    page.get_by_role("button", name="Pay ¥3,798.00").click()
    page.get_by_text("waiting for the daily order contention").wait_for()
    shot(page, screenshots_dir, "20-standard-order-paid")
    sign_out(page)

    # The operator runs the day's contention. At ¥1.00 a unit for each day of lead time, Cheap
    # Works costs ¥1,209 a unit against Quick Works' ¥1,302, so it wins despite its lead time.
    sign_in(page, "ops@example.com")
    page.goto("/daily-contention/")
    page.get_by_role("button", name="Run it now").click()
    page.get_by_role("heading", name=re.compile(r"Run D1 of")).wait_for()
    table = page.locator("main table").inner_text()
    assert "Cheap Works" in table and "¥1,200.00" in table and "9 days" in table
    shot(page, screenshots_dir, "21-daily-run")
    sign_out(page)

    # Mei's order now names its maker and its promise; her timeline shows the allocation.
    sign_in(page, "mei@example.com")
    page.goto(f"/orders/{order.number}/")
    body = page.locator("main").inner_text()
    assert "made by Cheap Works" in body
    assert "Daily order contention D1: allocated to Cheap Works, 9 days lead time." in body
    assert "Promised by" in body
    # The bell counts her new notice.
    assert page.locator("#notification-badge").inner_text().startswith("1")
