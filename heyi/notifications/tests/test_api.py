"""The notifications API: your notices, the unread count, marking read, preferences."""

from __future__ import annotations

from typing import Any

import pytest

from heyi.notifications.models import Notification, NotificationPreference
from heyi.notifications.services import notification_mark_read
from heyi.notifications.tests.factories import notices_make


def test_list_is_paginated_newest_first_with_unread_filter(owner: Any, api_as: Any) -> None:
    mine = notices_make(owner, 5)
    notification_mark_read(notification=mine[4], user=owner)
    client = api_as(owner)
    page = client.get("me/notifications", {"limit": 2, "offset": 1})
    assert page.status_code == 200
    assert page.json()["count"] == 5
    assert [(n["title"], n["is_read"], n["url"]) for n in page.json()["items"]] == [
        ("Notice 4", False, "/orders/4/"),
        ("Notice 3", False, "/orders/3/"),
    ]
    assert page.json()["items"][0]["kind"] == "orders.order.shipped"
    assert page.json()["items"][0]["uid"] == str(mine[3].uid)
    unread = client.get("me/notifications", {"unread": "true"})
    assert [n["title"] for n in unread.json()["items"]] == [
        "Notice 4",
        "Notice 3",
        "Notice 2",
        "Notice 1",
    ]
    read = client.get("me/notifications", {"unread": "false"})
    assert [(n["title"], n["read_at"] is not None) for n in read.json()["items"]] == [
        ("Notice 5", True)
    ]


def test_list_shows_only_ones_own(owner: Any, rival: Any, api_as: Any) -> None:
    notices_make(owner, 2)
    assert api_as(rival).get("me/notifications").json() == {"items": [], "count": 0}


def test_list_query_budget_does_not_grow(
    owner: Any, api_as: Any, django_assert_num_queries: Any
) -> None:
    client = api_as(owner)
    notices_make(owner, 2)
    client.get("me/notifications")
    with django_assert_num_queries(3) as first:  # the token, the count, the page
        client.get("me/notifications")
    notices_make(owner, 30)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get("me/notifications", {"limit": 25})
    assert len(response.json()["items"]) == 25


def test_unread_count(owner: Any, api_as: Any, django_assert_num_queries: Any) -> None:
    mine = notices_make(owner, 3)
    notification_mark_read(notification=mine[0], user=owner)
    client = api_as(owner)
    client.get("me/notifications/unread-count")
    with django_assert_num_queries(2):  # the token, the count
        response = client.get("me/notifications/unread-count")
    assert response.json() == {"unread": 2}


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("anonymous", 401, "not_authenticated"),
        ("owner", 200, None),
        ("rival", 404, "notification_not_found"),
        ("operator", 404, "notification_not_found"),
    ],
)
def test_mark_read_by_role(
    who: str,
    status: int,
    code: str | None,
    owner: Any,
    rival: Any,
    operator: Any,
    api_as: Any,
) -> None:
    notice = notices_make(owner, 1)[0]
    caller = {"anonymous": None, "owner": owner, "rival": rival, "operator": operator}[who]
    response = api_as(caller).post(f"me/notifications/{notice.uid}/read")
    assert response.status_code == status
    stored = Notification.objects.get()
    if code is None:
        assert response.json()["is_read"] is True
        assert stored.read_at is not None
        assert response.json()["read_at"] is not None
    else:
        assert response.json()["code"] == code
        assert (stored.read_at, stored.updated_at) == (None, notice.updated_at)


def test_mark_read_of_an_unknown_or_malformed_uid(owner: Any, api_as: Any) -> None:
    client = api_as(owner)
    missing = client.post("me/notifications/00000000-0000-0000-0000-000000000000/read")
    assert (missing.status_code, missing.json()["code"]) == (404, "notification_not_found")
    malformed = client.post("me/notifications/not-a-uid/read")
    assert (malformed.status_code, malformed.json()["code"]) == (422, "invalid")


@pytest.mark.parametrize(
    ("who", "status", "marked"),
    [("anonymous", 401, None), ("owner", 200, 3), ("rival", 200, 0), ("operator", 200, 0)],
)
def test_read_all_by_role(
    who: str,
    status: int,
    marked: int | None,
    owner: Any,
    rival: Any,
    operator: Any,
    api_as: Any,
) -> None:
    notices_make(owner, 3)
    caller = {"anonymous": None, "owner": owner, "rival": rival, "operator": operator}[who]
    response = api_as(caller).post("me/notifications/read-all")
    assert response.status_code == status
    unread = Notification.objects.filter(read_at__isnull=True).count()
    if marked is None:
        assert unread == 3
    else:
        assert response.json() == {"marked_read": marked}
        assert unread == 3 - marked


def test_preferences_get_and_put(owner: Any, api_as: Any) -> None:
    client = api_as(owner)
    initial = client.get("me/notification-preferences")
    assert initial.status_code == 200
    assert (initial.json()["email_enabled"], initial.json()["email_muted_groups"]) == (True, [])
    assert [g["key"] for g in initial.json()["groups"]] == [
        "orders",
        "contention",
        "demands",
        "designs",
        "ventures",
        "supply",
    ]
    saved = client.put(
        "me/notification-preferences",
        {"email_enabled": False, "email_muted_groups": ["supply", "orders"]},
    )
    assert saved.status_code == 200
    assert (saved.json()["email_enabled"], saved.json()["email_muted_groups"]) == (
        False,
        ["orders", "supply"],
    )
    stored = NotificationPreference.objects.get(user=owner)
    assert (stored.email_enabled, stored.email_muted_groups) == (False, ["orders", "supply"])
    assert client.get("me/notification-preferences").json()["email_muted_groups"] == [
        "orders",
        "supply",
    ]


def test_preferences_refuse_bad_input_and_anonymous(owner: Any, api_as: Any) -> None:
    client = api_as(owner)
    unknown = client.put(
        "me/notification-preferences", {"email_enabled": True, "email_muted_groups": ["spam"]}
    )
    assert (unknown.status_code, unknown.json()["code"]) == (422, "group_unknown")
    malformed = client.put("me/notification-preferences", {"email_enabled": "maybe"})
    assert (malformed.status_code, malformed.json()["code"]) == (422, "invalid")
    assert NotificationPreference.objects.count() == 0
    assert api_as(None).get("me/notification-preferences").status_code == 401
    assert (
        api_as(None).put("me/notification-preferences", {"email_enabled": False}).status_code == 401
    )
    assert NotificationPreference.objects.count() == 0


def test_everything_needs_a_person(api_as: Any, db: Any) -> None:
    anonymous = api_as(None)
    assert anonymous.get("me/notifications").status_code == 401
    assert anonymous.get("me/notifications/unread-count").status_code == 401
