"""In a real Chromium: the nav badge counts new notices by itself; a notice is read in place."""

from __future__ import annotations

import re
from typing import Any

import pytest

from heyi.accounts.services import user_create
from heyi.notifications.models import Notification
from heyi.notifications.services import notification_send

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long and sturdy pass phrase"


def test_badge_refreshes_and_a_notice_is_read_in_place(page: Any) -> None:
    person = user_create(
        email="mei@example.com", password=PASSWORD, display_name="Mei", email_verified=True
    )
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("mei@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/$"))
    badge = page.locator("#notification-badge")
    assert badge.get_attribute("data-count") == "0"
    assert badge.is_hidden()

    notification_send(
        user=person,
        kind="contention.tender.awarded",
        title="Tender T1 was awarded",
        url="/me/notifications/preferences/",
        email=False,
    )
    # The badge asks again when the tab is shown again (and every 30 s): no reload.
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.wait_for_function("document.getElementById('notification-badge').dataset.count === '1'")
    assert page.locator("#notification-badge").is_visible()

    page.get_by_role("link", name=re.compile("Notifications")).click()
    item = page.locator("li[data-unread='1']")
    assert item.inner_text().count("Tender T1 was awarded") == 1
    item.get_by_role("button", name="Mark read").click()
    page.locator("li[data-unread='0']").wait_for()
    assert page.url.endswith("/me/notifications/")
    page.wait_for_function("document.getElementById('notification-badge').dataset.count === '0'")
    assert Notification.objects.get().read_at is not None

    page.get_by_role("link", name="Tender T1 was awarded").click()
    page.wait_for_url(re.compile(r"/me/notifications/preferences/$"))
