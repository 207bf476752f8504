"""Notification pages: the list (open, mark read), the live nav badge, the preferences page."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from heyi.accounts.models import User
from heyi.notifications.context_processors import notifications
from heyi.notifications.models import Notification, NotificationPreference
from heyi.notifications.services import (
    notification_mark_read,
    notification_preference_update,
    notification_send,
)
from heyi.notifications.tests.factories import notices_make


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_list_shows_notices_newest_first_with_unread_highlighted(owner: Any) -> None:
    mine = notices_make(owner, 3)
    notification_mark_read(notification=mine[0], user=owner)
    response = _client(owner).get(reverse("notifications:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Notice 3") < html.index("Notice 2") < html.index("Notice 1")
    assert html.count('data-unread="1"') == 2
    assert html.count('data-unread="0"') == 1
    assert html.count("list-group-item-primary") == 2
    assert html.count("Mark read</button>") == 2
    assert "Mark all read" in html
    assert reverse("notifications:open", args=[mine[2].uid]) in html


def test_friendly_empty_states(owner: Any) -> None:
    client = _client(owner)
    html = client.get(reverse("notifications:list")).content.decode()
    assert "No notices yet." in html
    assert "Mark all read" not in html
    notification_mark_read(notification=notices_make(owner, 1)[0], user=owner)
    unread_only = client.get(reverse("notifications:list"), {"unread": "1"}).content.decode()
    assert "You are all caught up: no unread notices." in unread_only


def test_list_is_paginated_and_filters_unread(owner: Any) -> None:
    mine = notices_make(owner, 25)
    notification_mark_read(notification=mine[24], user=owner)
    client = _client(owner)
    first = client.get(reverse("notifications:list")).content.decode()
    assert first.count('data-unread="') == 20
    assert "Page 1 of 2" in first
    second = client.get(reverse("notifications:list"), {"page": "2"}).content.decode()
    assert second.count('data-unread="') == 5
    assert "Notice 1<" in second
    unread = client.get(reverse("notifications:list"), {"unread": "1", "page": "2"})
    assert unread.content.decode().count('data-unread="1"') == 4


def test_list_page_query_budget(owner: Any, django_assert_num_queries: Any) -> None:
    client = _client(owner)
    notices_make(owner, 2)
    client.get(reverse("notifications:list"))
    # session, user, the page's count, the page's rows, the badge's unread count
    with django_assert_num_queries(5) as first:
        client.get(reverse("notifications:list"))
    notices_make(owner, 18)
    with CaptureQueriesContext(connection) as later:
        response = client.get(reverse("notifications:list"))
    assert len(later.captured_queries) == len(first.captured_queries)
    assert response.content.decode().count('data-unread="1"') == 20


def test_sign_in_is_needed(owner: Any) -> None:
    notice = notices_make(owner, 1)[0]
    anonymous = Client()
    for url in [
        reverse("notifications:list"),
        reverse("notifications:badge"),
        reverse("notifications:preferences"),
        reverse("notifications:open", args=[notice.uid]),
    ]:
        response = anonymous.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert anonymous.post(reverse("notifications:read", args=[notice.uid])).status_code == 302
    assert anonymous.post(reverse("notifications:read_all")).status_code == 302
    assert Notification.objects.get().read_at is None


def test_mark_one_read_in_place_and_without_script(owner: Any) -> None:
    first, second = notices_make(owner, 2)
    client = _client(owner)
    partial = client.post(
        reverse("notifications:read", args=[first.uid]),
        {"return_query": "page=1"},
        headers={"X-Requested-With": "fetch"},
    )
    assert partial.status_code == 200
    html = partial.content.decode()
    assert html.startswith(f'<li id="notification-{first.uid}"')
    assert 'data-unread="0"' in html
    assert "<html" not in html
    full = client.post(
        reverse("notifications:read", args=[second.uid]),
        {"return_query": "unread=1&page=2&evil=https://x.example"},
    )
    assert (full.status_code, full["Location"]) == (302, "/me/notifications/?unread=1&page=2")
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


@pytest.mark.parametrize("who", ["rival", "operator"])
def test_others_cannot_read_or_open_a_notice(
    who: str, owner: Any, rival: Any, operator: Any
) -> None:
    notice = notices_make(owner, 1)[0]
    client = _client({"rival": rival, "operator": operator}[who])
    assert client.post(reverse("notifications:read", args=[notice.uid])).status_code == 404
    assert client.get(reverse("notifications:open", args=[notice.uid])).status_code == 404
    assert Notification.objects.get().read_at is None


def test_read_all_from_the_page(owner: Any, rival: Any) -> None:
    notices_make(owner, 3)
    notices_make(rival, 1)
    response = _client(owner).post(reverse("notifications:read_all"), follow=True)
    assert response.redirect_chain == [("/me/notifications/", 302)]
    assert "3 notices marked read." in response.content.decode()
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(owner: Any) -> None:
    linked = notification_send(
        user=owner, kind="orders.order.shipped", title="Shipped", url="/orders/7/", email=False
    )
    unlinked = notification_send(user=owner, kind="orders.order.delayed", title="Late", email=False)
    client = _client(owner)
    response = client.get(reverse("notifications:open", args=[linked.uid]))
    assert (response.status_code, response["Location"]) == (302, "/orders/7/")
    response = client.get(reverse("notifications:open", args=[unlinked.uid]))
    assert (response.status_code, response["Location"]) == (302, "/me/notifications/")
    assert Notification.objects.filter(read_at__isnull=True).count() == 0


def test_nav_badge_shows_the_unread_count_and_refreshes(owner: Any) -> None:
    client = _client(owner)
    home = client.get(reverse("home")).content.decode()
    assert reverse("notifications:list") in home
    assert 'id="notification-badge"' in home
    assert 'data-count="0"' in home
    assert "d-none" in home.split('id="notification-badge"', 1)[1].split(">", 1)[0]
    assert "heyi/refresh.js" in home
    notices_make(owner, 2)
    home = client.get(reverse("home")).content.decode()
    assert 'data-count="2"' in home
    assert f'data-refresh-url="{reverse("notifications:badge")}"' in home
    assert 'data-refresh-seconds="30"' in home
    badge = client.get(reverse("notifications:badge"))
    assert badge.status_code == 200
    html = badge.content.decode()
    assert html.startswith('<span id="notification-badge"')
    assert 'data-count="2"' in html
    assert "<html" not in html


def test_anonymous_pages_have_no_badge(db: Any) -> None:
    home = Client().get(reverse("home")).content.decode()
    assert 'id="notification-badge"' not in home


def test_preferences_page_saves(owner: Any) -> None:
    client = _client(owner)
    page = client.get(reverse("notifications:preferences"))
    html = page.content.decode()
    assert "Send me an e-mail copy of my notices" in html
    assert "Tenders, bids and awards" in html
    response = client.post(
        reverse("notifications:preferences"),
        {"email_enabled": "on", "email_groups": ["orders", "demands", "designs", "ventures"]},
        follow=True,
    )
    assert "Your notice preferences are saved." in response.content.decode()
    stored = NotificationPreference.objects.get(user=owner)
    assert (stored.email_enabled, stored.email_muted_groups) == (True, ["contention", "supply"])
    client.post(reverse("notifications:preferences"), {"email_groups": []})
    stored.refresh_from_db()
    assert (stored.email_enabled, stored.email_muted_groups) == (
        False,
        ["orders", "contention", "demands", "designs", "ventures", "supply"],
    )


def test_preferences_page_refuses_unknown_groups(owner: Any) -> None:
    response = _client(owner).post(
        reverse("notifications:preferences"), {"email_enabled": "on", "email_groups": ["spam"]}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert NotificationPreference.objects.count() == 0


def test_the_badge_count_costs_one_query_and_only_when_shown(
    owner: Any, django_assert_num_queries: Any
) -> None:
    notices_make(owner, 3)
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert notifications(request) == {}
    request.user = owner
    with django_assert_num_queries(0):
        context = notifications(request)
    with django_assert_num_queries(1):
        assert str(context["notification_unread_count"]) == "3"
        assert bool(context["notification_unread_count"]) is True


def test_admin_lists_notices_and_preferences(owner: Any) -> None:
    notices_make(owner, 2)
    notification_preference_update(user=owner, email_enabled=False, email_muted_groups=[])
    admin = User.objects.create_superuser(email="root@example.com", password="x" * 12)
    client = _client(admin)
    notices = client.get(reverse("admin:notifications_notification_changelist"))
    assert notices.status_code == 200
    assert "Notice 1" in notices.content.decode()
    assert "Notice 2" in notices.content.decode()
    notice = Notification.objects.first()
    assert notice is not None
    change = client.get(reverse("admin:notifications_notification_change", args=[notice.pk]))
    assert change.status_code == 200
    preferences = client.get(reverse("admin:notifications_notificationpreference_changelist"))
    assert preferences.status_code == 200
    assert "Owner Olivia" in preferences.content.decode()
