"""Pre-orders reach the threshold, the tender opens, two ventures bid, the award is published."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from heyi.accounts.models import Role, UserRole
from heyi.accounts.services import user_create
from heyi.contention.models import Tender
from heyi.orders.models import Order
from heyi.orders.tests.factories import campaign_make, pre_order_demand
from heyi.ventures.services import venture_create
from tests.browser.conftest import sign_out

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long and sturdy pass phrase"


def person(email: str, name: str, *, operator: bool = False) -> Any:
    user = user_create(
        email=email, password=PASSWORD, display_name=name, email_verified=True, is_staff=operator
    )
    if operator:
        UserRole.objects.create(user=user, role=Role.OPERATOR)
    return user


def sign_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/$"))


def shot(page: Any, directory: str, name: str) -> None:
    if directory:
        page.screenshot(path=f"{directory}/{name}.png", full_page=True)


def advance(page: Any, order_number: int, stage: str, *, photo: bytes | None = None) -> None:
    page.goto(f"/orders/{order_number}/")
    page.get_by_label("Next stage").select_option(stage)
    if photo is not None:
        page.get_by_label(re.compile("^Photo")).set_input_files(
            files=[{"name": "sample.png", "mimeType": "image/png", "buffer": photo}]
        )
    page.get_by_role("button", name=re.compile(r"^Move O\d+ on")).click()
    page.wait_for_load_state()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_pre_orders_open_a_tender_that_two_ventures_contest(
    page: Any, screenshots_dir: str
) -> None:
    author = person("author@example.com", "Li Na")
    demand = pre_order_demand(author)
    campaign_make(demand, author, threshold=3)
    buyer = person("buyer@example.com", "Wang Fang")
    makers = [person("chen@example.com", "Chen Hao"), person("lars@example.com", "Lars Berg")]
    for maker, name in zip(
        makers, ["Blue Frost Cold Chain", "Lakeside Appliance Works"], strict=True
    ):
        venture_create(
            actor=maker,
            name=name,
            kind="maker",
            mission="We make kitchen appliances to order.",
            categories=[demand.category.slug],
            capacity_per_day=50,
        )
    operator = person("ops@example.com", "Zhou Ming", operator=True)

    # The buyer configures the design, sees the price change, and pre-orders three units.
    sign_in(page, buyer.email)
    page.goto(f"/demands/{demand.number}/pre-order/")
    page.get_by_label("Colour").select_option("Red")
    page.get_by_text("¥4,119.00").first.wait_for()
    page.get_by_label("Quantity").fill("3")
    page.get_by_label("Delivery address").fill("88 Hong Kong Middle Road, Shinan District, Qingdao")
    page.get_by_label("Latitude").fill("36.0663")
    page.get_by_label("Longitude").fill("120.3826")
    shot(page, screenshots_dir, "10-pre-order")
    page.locator("main form").get_by_role("button", name="Pre-order", exact=True).click()
    page.get_by_text(re.compile("Your pre-order")).first.wait_for()
    tender = Tender.objects.get(demand_uid=demand.uid)
    assert tender.status == "open"
    assert tender.quantity == 3
    demand.refresh_from_db()
    assert demand.status == "contention"
    sign_out(page)

    # Two ventures bid; each sees only its own bid and the count.
    for maker, price, days in zip(makers, ["3500.00", "3300.00"], ["14", "30"], strict=True):
        sign_in(page, maker.email)
        page.goto(f"/tenders/{tender.number}/")
        page.get_by_label("Unit price").fill(price)
        page.get_by_label("Lead time (days)").fill(days)
        page.get_by_label("Capacity").fill("5")
        page.get_by_role("button", name="Submit bid").click()
        page.get_by_text(re.compile("sealed bids? so far")).first.wait_for()
        body = page.locator("main").inner_text()
        other = "3500.00" if price == "3300.00" else "3300.00"
        assert other not in body
        sign_out(page)
    shot(page, screenshots_dir, "11-sealed")

    # The operator closes it; the award is public with every score, and it verifies.
    sign_in(page, operator.email)
    page.goto(f"/tenders/{tender.number}/")
    assert "3300.00" not in page.locator("main").inner_text()
    page.get_by_role("button", name="Close and award now").click()
    page.get_by_role("heading", name="Award notice").wait_for()
    # Lakeside: price best (0.5 × 1) + lead time worst (0.2 × 0) + two neutral records (0.3).
    # Blue Frost: price worst (0) + lead time best (0.2) + 0.3.
    score_rows = page.locator("main table", has_text="Full score table").locator("tbody tr")
    rows = [score_rows.nth(i).locator("td").all_inner_texts() for i in range(score_rows.count())]
    assert [(row[1].strip(), row[-2].strip(), row[-1].strip()) for row in rows] == [
        ("Lakeside Appliance Works", "0.800000", "3"),
        ("Blue Frost Cold Chain", "0.500000", "0"),
    ]
    shot(page, screenshots_dir, "12-award")
    page.get_by_role("link", name="Verify the award").click()
    page.get_by_text(re.compile("matches", re.I)).first.wait_for()
    shot(page, screenshots_dir, "13-verify")
    tender.refresh_from_db()
    assert tender.status == "awarded"
    assert [line.quantity for line in tender.award_lines.order_by("rank")] == [3]

    # The winner makes the order; the buyer approves the sample, picks a slot, takes delivery
    # and rates the venture; the timeline shows every step.
    order = Order.objects.select_related("venture").get()
    assert order.venture is not None
    assert (order.venture.name, order.stage, order.quantity) == (
        "Lakeside Appliance Works",
        "confirmed",
        3,
    )
    sign_out(page)
    sign_in(page, makers[1].email)
    advance(page, order.number, "sourcing")
    advance(page, order.number, "in_production")
    advance(page, order.number, "quality_checked", photo=png())
    sign_out(page)
    sign_in(page, buyer.email)
    page.goto(f"/orders/{order.number}/")
    page.get_by_label("Your decision").select_option("approve")
    page.get_by_role("button", name="Send my decision").click()
    page.goto(f"/orders/{order.number}/")
    page.get_by_label("Delivery day").fill((timezone.localdate() + timedelta(days=2)).isoformat())
    page.get_by_label("Time window").select_option("18-21")
    page.get_by_role("button", name="Save the slot").click()
    sign_out(page)
    sign_in(page, makers[1].email)
    for stage in ("shipped", "at_station", "out_for_delivery"):
        advance(page, order.number, stage)
    sign_out(page)
    sign_in(page, buyer.email)
    advance(page, order.number, "delivered")
    page.goto(f"/orders/{order.number}/")
    page.get_by_label("Stars").select_option("5")
    page.get_by_label("Comment").fill("Quiet, well made and on time.")
    page.get_by_role("button", name="Rate").click()
    page.goto(f"/orders/{order.number}/")
    shot(page, screenshots_dir, "14-order")
    order.refresh_from_db()
    assert order.stage == "delivered"
    assert order.rating.stars == 5
    steps = list(
        order.events.filter(kind="stage").order_by("id").values_list("to_stage", flat=True)
    )
    assert steps == [
        "placed",
        "paid",
        "confirmed",
        "sourcing",
        "in_production",
        "quality_checked",
        "shipped",
        "at_station",
        "out_for_delivery",
        "delivered",
    ]
