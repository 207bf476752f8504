"""In a real browser: a promise from stock, a planned wave, a route driven, a code at the door."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from heyi.logistics.models import Route, Shipment
from heyi.logistics.network_core import haversine_km
from heyi.logistics.shipment_services import shipment_step
from heyi.logistics.tests.factories import CENTRES, STATIONS, network_make, stock_put
from heyi.orders.models import Order
from heyi.products.services import product_create
from heyi.ventures.services import venture_create
from tests.browser.conftest import sign_out
from tests.browser.test_contention_journey import person, shot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# In the Yellow Sea, 391 km east of Qingdao: no station serves it.
SEA = ("35.0", "124.5")
# The Qingdao delivery point of the tiny network, 0.1 km from its centre and station.
HOME = ("36.066300", "120.383000")


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def test_promise_plan_drive_and_deliver_with_the_code(page: Any, screenshots_dir: str) -> None:
    operator = person("ops@example.com", "Operator Ming", operator=True)
    person("mei@example.com", "Mei")
    driver = person("driver@example.com", "Driver Dong")
    network = network_make(radius_km=50.0)
    product = product_create(
        actor=operator,
        name="Studio 180 compact fridge",
        description="A quiet 180-litre fridge for small flats.",
        list_price="1899.00",
    )
    stock_put(network, "Qingdao", product, 5, operator)
    venture = venture_create(
        actor=driver,
        name="Laoshan Vans",
        kind="delivery",
        mission="We deliver appliances by van in Qingdao.",
        city="Qingdao",
        capacity_per_day=40,
    )
    sea = (float(SEA[0]), float(SEA[1]))
    for latitude, longitude in [*CENTRES.values(), *STATIONS.values()]:
        assert float(haversine_km(*sea, latitude, longitude)) > 50

    # Mei asks about a point in the sea (refused, nothing written), then about her flat.
    sign_in(page, "mei@example.com")
    page.goto(f"/products/{product.slug}/")
    form = page.locator("main form")
    page.get_by_label("Quantity").fill("1")
    page.get_by_label("Delivery address").fill("12 Renmin Road, Qingdao")
    page.get_by_label("Latitude").fill(SEA[0])
    page.get_by_label("Longitude").fill(SEA[1])
    page.get_by_role("button", name="Check delivery").click()
    assert form.get_by_role("alert").inner_text() == (
        "We do not deliver there yet: the nearest station, Qingdao, is 391 km away, "
        "beyond the 50 km our stations serve."
    )
    assert page.locator("#delivery-promise").count() == 0
    page.get_by_label("Latitude").fill(HOME[0])
    page.get_by_label("Longitude").fill(HOME[1])
    before = timezone.now()
    page.get_by_role("button", name="Check delivery").click()
    promise = page.locator("#delivery-promise")
    promise.wait_for()
    after = timezone.now()
    text = promise.inner_text()
    lines = text.split("\n")
    match = re.fullmatch(
        r"Delivery promised by (\d{4}-\d\d-\d\d \d\d:\d\d) \(from stock at the Qingdao centre\)\.",
        lines[0],
    )
    assert match is not None, text
    assert match.group(1) in {
        _local(before + timedelta(hours=24)),
        _local(after + timedelta(hours=24)),
    }
    assert lines[1] == (
        "In stock at the Qingdao centre, 0 km away: delivered within 24 hours through the "
        "Qingdao station."
    )
    assert Order.objects.count() == 0
    shot(page, screenshots_dir, "30-delivery-check")

    # She places the order from stock, pays, sees the promise and her code, picks a slot.
    page.get_by_role("button", name="Place the order").click()
    page.wait_for_url(re.compile(r"/orders/\d+/$"))
    order = Order.objects.get()
    assert (order.fulfilment, order.stage) == ("stock", "placed")
    page.get_by_role("button", name="Pay ¥1,899.00").click()
    page.get_by_role("heading", name="Your delivery code").wait_for()
    order.refresh_from_db()
    assert order.stage == "confirmed"
    assert order.delivery_promised_at is not None
    body = page.locator("main").inner_text()
    assert "served from stock: nobody needs to make it" in body
    assert page.locator("#delivery-promise").inner_text() == (
        f"{_local(order.delivery_promised_at)} · from stock at the Qingdao centre · "
        "via the Qingdao station"
    )
    code = page.locator("#delivery-code .font-monospace").inner_text().strip()
    assert re.fullmatch(r"\d{6}", code)
    assert code == Shipment.objects.get(order=order).delivery_code
    tomorrow = timezone.localdate() + timedelta(days=1)
    page.get_by_label("Delivery day").fill(tomorrow.isoformat())
    page.get_by_label("Time window").select_option("09-12")
    page.get_by_role("button", name="Save the slot").click()
    page.get_by_text("Your delivery slot is saved.").wait_for()
    slot_end = timezone.make_aware(datetime.combine(tomorrow, datetime.min.time())) + timedelta(
        hours=12
    )
    promised = max(order.delivery_promised_at, slot_end)
    order.refresh_from_db()
    assert (order.delivery_date, order.delivery_window) == (tomorrow, "09-12")
    assert order.delivery_promised_at == promised
    assert page.locator("main dl").inner_text() == (
        "Quantity\n1 × ¥1,899.00 = ¥1,899.00\n"
        "Payment\n¥1,899.00 held in escrow until the order is completed · Value split\n"
        f"Delivery promised by\n{_local(promised)} · from stock at the Qingdao centre · "
        "via the Qingdao station\n"
        f"Delivery\n12 Renmin Road, Qingdao — {tomorrow:%b}. {tomorrow.day}, {tomorrow.year} "
        "09:00–12:00\nSample\nNo sample yet"
    )
    shot(page, screenshots_dir, "31-order-promise-and-code")
    sign_out(page)

    # The operator plans tomorrow's morning wave at the Qingdao station and assigns its route.
    station = network.stations["Qingdao"]
    sign_in(page, "ops@example.com")
    page.goto(f"/network/stations/{station.uid}/")
    assert page.get_by_label("Date", exact=True).input_value() == tomorrow.isoformat()
    page.get_by_label("Wave", exact=True).select_option("morning")
    page.get_by_role("button", name="Plan this wave").click()
    page.get_by_text("Planned: stops 1, routes 1.").wait_for()
    section = page.locator("main section", has_text=f"{tomorrow:%Y-%m-%d} · morning wave")
    assert section.locator("svg polyline").count() >= 1
    route = Route.objects.get()
    rows = section.locator("table tbody tr")
    assert rows.count() == 1
    cells = [cell.strip() for cell in rows.first.locator("td").all_inner_texts()]
    assert cells[:3] == ["1", f"O{order.number}", "09:00–12:00"]
    assert cells[4:] == ["100 L", "30 kg"]
    page.get_by_label("Delivery venture").select_option(label="Laoshan Vans")
    page.get_by_label("Driver's email (optional)").fill("driver@example.com")
    page.get_by_role("button", name="Assign").click()
    page.get_by_text(f"Route {route.number} assigned.").wait_for()
    route.refresh_from_db()
    assert (route.status, route.venture, route.driver) == ("assigned", venture, driver)
    shot(page, screenshots_dir, "32-station-wave")
    sign_out(page)

    # The goods leave the centre and reach the station: the platform's own logistics steps.
    shipment = Shipment.objects.get(order=order)
    shipment_step(shipment=shipment, step="left_centre", actor=None)
    shipment_step(shipment=shipment, step="at_station", actor=None)
    order.refresh_from_db()
    assert order.stage == "at_station"

    # The driver starts the route, tries a wrong code, then the one Mei gives at the door.
    sign_in(page, "driver@example.com")
    page.goto("/routes/")
    listed = [
        cell.strip() for cell in page.locator("main tbody tr").first.locator("td").all_inner_texts()
    ]
    assert listed[:6] == [
        tomorrow.isoformat(),
        "morning",
        "Qingdao",
        f"Route {route.number}",
        "Laoshan Vans",
        "Assigned",
    ]
    page.get_by_role("link", name=f"Route {route.number}").click()
    page.get_by_role("heading", name=f"Route {route.number}, Qingdao").wait_for()
    page.get_by_role("button", name="Start the route").click()
    page.get_by_text("Route started: every stop is out for delivery.").wait_for()
    order.refresh_from_db()
    assert order.stage == "out_for_delivery"
    wrong = "000000" if code != "000000" else "111111"
    page.get_by_label("The user's delivery code").fill(wrong)
    page.get_by_role("button", name="Delivered").click()
    page.get_by_text(
        "Stop 1: Wrong delivery code: 4 tries left before an operator must confirm."
    ).wait_for()
    order.refresh_from_db()
    shipment.refresh_from_db()
    assert (order.stage, shipment.code_attempts) == ("out_for_delivery", 1)
    page.get_by_label("The user's delivery code").fill(code)
    page.get_by_role("button", name="Delivered").click()
    page.get_by_text(f"Stop 1 delivered (order O{order.number}).").wait_for()
    stop = page.locator("main li.list-group-item", has_text=f"O{order.number}")
    assert re.search(r"Delivered at \d\d:\d\d", stop.inner_text())
    assert page.get_by_label("The user's delivery code").count() == 0
    route.refresh_from_db()
    assert route.status == "done"
    shot(page, screenshots_dir, "33-route-delivered")
    sign_out(page)

    # Mei's order is delivered; her timeline tells every logistics step.
    sign_in(page, "mei@example.com")
    page.goto(f"/orders/{order.number}/")
    assert page.locator("main h1 .badge").inner_text() == "Delivered"
    heads = [
        item.split("\n")[0].strip() for item in page.locator("#order-timeline li").all_inner_texts()
    ]
    assert heads == [
        "Placed",
        "Logistics step",
        "Placed → Paid",
        "Paid → Confirmed",
        "Delivery slot chosen",
        "Confirmed → Shipped",
        "Shipped → At the station",
        "At the station → Out for delivery",
        "Out for delivery → Delivered",
    ]
    timeline = page.locator("#order-timeline").inner_text()
    for note in (
        "Left the centre Qingdao for the station Qingdao.",
        "Arrived at the station Qingdao.",
        f"Out for delivery from the station Qingdao on route {route.number} ({route.vehicle}).",
        "Delivered: the driver entered the code the user gave.",
    ):
        assert note in timeline
    assert page.locator("#delivery-code").count() == 0
    # Served from stock, the order has no maker to rate.
    assert page.get_by_role("button", name="Rate").count() == 0
    shot(page, screenshots_dir, "34-order-delivered")
