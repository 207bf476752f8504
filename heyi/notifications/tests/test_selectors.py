"""Notification reads: a person's list, newest first, the unread count, one notice."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from heyi.core.errors import DomainError
from heyi.notifications.selectors import (
    notification_get_for_user,
    notification_list_for_user,
    notification_preference_get,
    notification_unread_count,
)
from heyi.notifications.services import notification_mark_read, notification_preference_update
from heyi.notifications.tests.factories import notices_make


def test_list_is_newest_first_and_filters_unread(owner: Any, rival: Any) -> None:
    mine = notices_make(owner, 4)
    notices_make(rival, 2)
    notification_mark_read(notification=mine[3], user=owner)
    assert [n.title for n in notification_list_for_user(user=owner)] == [
        "Notice 4",
        "Notice 3",
        "Notice 2",
        "Notice 1",
    ]
    assert [n.title for n in notification_list_for_user(user=owner, unread=True)] == [
        "Notice 3",
        "Notice 2",
        "Notice 1",
    ]
    assert [n.title for n in notification_list_for_user(user=owner, unread=False)] == ["Notice 4"]


def test_unread_count_is_one_query(owner: Any, rival: Any, django_assert_num_queries: Any) -> None:
    mine = notices_make(owner, 3)
    notices_make(rival, 5)
    notification_mark_read(notification=mine[0], user=owner)
    with django_assert_num_queries(1):
        assert notification_unread_count(user=owner) == 2


def test_nobody_signed_in_has_nothing_and_costs_no_query(
    db: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        assert notification_unread_count(user=AnonymousUser()) == 0
        assert list(notification_list_for_user(user=AnonymousUser())) == []


def test_get_for_user_finds_only_ones_own(owner: Any, rival: Any) -> None:
    notice = notices_make(owner, 1)[0]
    assert notification_get_for_user(uid=notice.uid, user=owner) == notice
    for who, uid in [
        (rival, notice.uid),
        (AnonymousUser(), notice.uid),
        (owner, uuid.uuid4()),
    ]:
        with pytest.raises(DomainError) as error:
            notification_get_for_user(uid=uid, user=who)
        assert (error.value.code, error.value.status) == ("notification_not_found", 404)


def test_preference_defaults_until_saved(owner: Any) -> None:
    default = notification_preference_get(user=owner)
    assert (default.pk, default.email_enabled, default.email_muted_groups) == (None, True, [])
    notification_preference_update(user=owner, email_enabled=True, email_muted_groups=["supply"])
    saved = notification_preference_get(user=owner)
    assert (saved.email_enabled, saved.email_muted_groups) == (True, ["supply"])
    assert saved.wants_email("orders.order.shipped") is True
    assert saved.wants_email("supply.rfq.answered") is False
