"""A buyer's money through the pages: a declined card, a pre-order paid into escrow, the
wallet, a cancellation refunded to the card; the operator's ledger balances."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from heyi.ledger.models import Account, Payment, Posting
from heyi.orders.models import PreOrder
from heyi.orders.tests.factories import campaign_make, pre_order_demand
from tests.browser.conftest import sign_out
from tests.browser.test_contention_journey import person, shot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def fill_pre_order(page: Any, *, card: str) -> None:
    page.get_by_label("Quantity").fill("2")
    page.get_by_label("Delivery address").fill("88 Hong Kong Middle Road, Shinan District, Qingdao")
    page.get_by_label("Latitude").fill("36.0663")
    page.get_by_label("Longitude").fill("120.3826")
    page.get_by_label("Pay with").select_option(label=card)
    page.locator("main form").get_by_role("button", name="Pre-order", exact=True).click()
    page.wait_for_load_state()


def test_a_pre_order_is_paid_into_escrow_and_refunded_to_the_card(
    page: Any, screenshots_dir: str
) -> None:
    author = person("author@example.com", "Li Na")
    demand = pre_order_demand(author)
    campaign_make(demand, author, threshold=50)
    buyer = person("buyer@example.com", "Wang Fang")
    operator = person("ops@example.com", "Zhou Ming", operator=True)

    # A declined card: a clear message, nothing written.
    sign_in(page, buyer.email)
    page.goto(f"/demands/{demand.number}/pre-order/")
    fill_pre_order(page, card="Test card (always declined)")
    page.get_by_text(re.compile("The payment was declined")).first.wait_for()
    shot(page, screenshots_dir, "40-declined")
    assert (PreOrder.objects.count(), Posting.objects.count(), Payment.objects.count()) == (0, 0, 0)

    # The accepted card: the pre-order's total is held in escrow.
    page.goto(f"/demands/{demand.number}/pre-order/")
    fill_pre_order(page, card="Test card (always accepted)")
    page.get_by_text(re.compile("Your pre-order")).first.wait_for()
    pre_order = PreOrder.objects.get()
    total = pre_order.total
    page.goto("/me/pre-orders/")
    row = page.locator("main tr", has_text=f"P{pre_order.number}")
    assert f"¥{total:,.2f}" in row.inner_text()
    shot(page, screenshots_dir, "41-held-in-escrow")

    # The wallet shows the money coming in by card and going into escrow: nothing stays.
    page.goto("/me/wallet/")
    assert page.locator("#balance-user_wallet").inner_text() == "0.00 CNY"
    body = page.locator("main").inner_text()
    assert f"P{pre_order.number}" in body

    # Cancelling gives it all back, to the card.
    page.goto("/me/pre-orders/")
    page.get_by_role("button", name=f"Cancel P{pre_order.number}").click()
    page.wait_for_load_state()
    escrow = Account.objects.get(key=f"escrow:pre_order:{pre_order.uid}")
    assert escrow.balance == Decimal("0.00")
    refund = Payment.objects.get(kind="refund")
    assert (refund.status, refund.amount) == ("succeeded", total)
    page.goto("/me/wallet/")
    assert page.locator("#balance-user_wallet").inner_text() == "0.00 CNY"
    assert "Refunded to the card" in page.locator("main").inner_text()
    shot(page, screenshots_dir, "42-wallet")
    sign_out(page)

    # The operator's ledger: every currency sums to zero.
    sign_in(page, operator.email)
    page.goto("/ledger/")
    assert page.locator("#trial-total-CNY").inner_text() == "0.00"
    page.locator("#trial-verdict").wait_for()
    shot(page, screenshots_dir, "43-ledger")
