"""Notification services: sending (one and many), the e-mail copy, marking read, preferences."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction

from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.notifications.models import Notification, NotificationPreference
from heyi.notifications.services import (
    Notice,
    notification_mark_all_read,
    notification_mark_read,
    notification_preference_update,
    notification_send,
    notification_send_many,
)
from heyi.notifications.tests.factories import notices_make


def _send(person: Any, **overrides: Any) -> Notification:
    fields: dict[str, Any] = {
        "user": person,
        "kind": "orders.order.shipped",
        "title": "Order O7: shipped",
        "body": "Your order has shipped.",
        "url": "/orders/7/",
    }
    return notification_send(**{**fields, **overrides})


def test_send_stores_the_notice_and_mails_one_copy_after_commit(
    owner: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notice = _send(owner)
        assert mailoutbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    stored = Notification.objects.get()
    assert (stored.uid, stored.user, stored.kind, stored.title, stored.url, stored.read_at) == (
        notice.uid,
        owner,
        "orders.order.shipped",
        "Order O7: shipped",
        "/orders/7/",
        None,
    )
    assert [(m.to, m.subject) for m in mailoutbox] == [(["owner@example.com"], "Order O7: shipped")]
    body = mailoutbox[0].body
    assert body.startswith("Hello Owner Olivia,\n\nOrder O7: shipped\n\nYour order has shipped.")
    assert "https://example.com/orders/7/" in body
    assert "https://example.com/me/notifications/preferences/" in body


def test_preference_off_stores_the_notice_without_mail(
    owner: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    notification_preference_update(user=owner, email_enabled=False, email_muted_groups=[])
    with django_capture_on_commit_callbacks(execute=True):
        _send(owner)
    assert Notification.objects.filter(user=owner).count() == 1
    assert mailoutbox == []


def test_a_muted_group_is_not_mailed_but_other_groups_are(
    owner: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    notification_preference_update(
        user=owner, email_enabled=True, email_muted_groups=["contention"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        _send(owner, kind="contention.tender.awarded", title="Tender T3 awarded")
        _send(owner, kind="orders.order.delayed", title="Order O7 is late")
        _send(owner, kind="newapp.thing.happened", title="A kind from no known group")
    assert Notification.objects.filter(user=owner).count() == 3
    assert [m.subject for m in mailoutbox] == ["Order O7 is late", "A kind from no known group"]


def test_email_false_never_mails(
    owner: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _send(owner, email=False)
    assert (len(callbacks), mailoutbox) == (0, [])
    assert Notification.objects.count() == 1


def test_a_mail_failure_keeps_the_notice_and_the_other_copies(
    owner: Any,
    rival: Any,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: Any,
    monkeypatch: Any,
) -> None:
    real = EmailBackend.send_messages

    def refuse_owner(self: EmailBackend, messages: Any) -> int:
        if messages[0].to == ["owner@example.com"]:
            raise ConnectionRefusedError("mail server down")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_owner)
    with django_capture_on_commit_callbacks(execute=True):
        notification_send_many(
            notices=[
                Notice(user=owner, kind="orders.order.delayed", title="Late"),
                Notice(user=rival, kind="orders.order.delayed", title="Late"),
            ]
        )
    assert sorted(n.user.email for n in Notification.objects.select_related("user")) == [
        "owner@example.com",
        "rival@example.com",
    ]
    assert [m.to for m in mail.outbox] == [["rival@example.com"]]


def test_send_many_is_one_insert(
    owner: Any,
    rival: Any,
    operator: Any,
    django_assert_num_queries: Any,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: Any,
) -> None:
    notification_preference_update(user=rival, email_enabled=False, email_muted_groups=[])
    people = [owner, rival, operator]
    # savepoint, one insert, the saved preferences of all three, release
    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        django_assert_num_queries(4),
    ):
        rows = notification_send_many(
            notices=[
                Notice(user=person, kind="contention.tender.awarded", title="Tender awarded")
                for person in people
            ]
        )
    assert [row.user for row in rows] == people
    assert all(row.pk is not None for row in rows)
    assert Notification.objects.filter(kind="contention.tender.awarded").count() == 3
    for callback in callbacks:
        callback()
    assert sorted(m.to[0] for m in mailoutbox) == ["operator@example.com", "owner@example.com"]


def test_send_many_with_nothing_writes_nothing(db: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(2):  # the savepoint and its release
        assert notification_send_many(notices=[]) == []


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"kind": "shipped"}, "kind_invalid"),
        ({"kind": "Orders.Order.Shipped"}, "kind_invalid"),
        ({"kind": "orders..shipped"}, "kind_invalid"),
        ({"title": "  \n "}, "title_invalid"),
        ({"url": "https://evil.example/"}, "url_invalid"),
        ({"url": "//evil.example/"}, "url_invalid"),
        ({"url": "javascript:alert(1)"}, "url_invalid"),
        ({"url": "/orders/7/ x"}, "url_invalid"),
        ({"user": None}, "recipient_invalid"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(
    owner: Any,
    overrides: dict[str, Any],
    code: str,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError) as error:
        _send(owner, **overrides)
    assert (error.value.code, error.value.status) == (code, 422)
    assert Notification.objects.count() == 0
    assert mailoutbox == []


def test_one_bad_notice_refuses_the_whole_batch(owner: Any, rival: Any) -> None:
    with pytest.raises(DomainError) as error:
        notification_send_many(
            notices=[
                Notice(user=owner, kind="orders.order.shipped", title="Fine"),
                Notice(user=rival, kind="orders.order.shipped", title=""),
            ]
        )
    assert error.value.code == "title_invalid"
    assert Notification.objects.count() == 0


def test_long_titles_are_cut_and_made_one_line(owner: Any) -> None:
    notice = _send(owner, title="Line one\nline two " + "x" * 300, body="b" * 5000)
    assert notice.title.startswith("Line one line two xxx")
    assert (len(notice.title), notice.title[-1]) == (200, "…")
    assert len(notice.body) == 4000


def test_mark_read_by_the_owner_keeps_the_first_time(owner: Any) -> None:
    notice = _send(owner)
    marked = notification_mark_read(notification=notice, user=owner)
    first = marked.read_at
    assert first is not None
    again = notification_mark_read(notification=Notification.objects.get(), user=owner)
    assert again.read_at == first
    assert Notification.objects.get().read_at == first


@pytest.mark.parametrize("who", ["anonymous", "rival", "operator"])
def test_only_the_owner_marks_read_and_a_refusal_writes_nothing(
    owner: Any, rival: Any, operator: Any, who: str
) -> None:
    notice = _send(owner)
    user = {"anonymous": AnonymousUser(), "rival": rival, "operator": operator}[who]
    with pytest.raises(DomainError) as error:
        notification_mark_read(notification=notice, user=user)
    assert (error.value.code, error.value.status) == ("notification_not_found", 404)
    stored = Notification.objects.get()
    assert (stored.read_at, stored.updated_at) == (None, notice.updated_at)


def test_mark_all_read_touches_only_the_owners_unread(owner: Any, rival: Any) -> None:
    mine = notices_make(owner, 3)
    notification_mark_read(notification=mine[0], user=owner)
    theirs = notices_make(rival, 2)
    assert notification_mark_all_read(user=owner) == 2
    assert Notification.objects.filter(user=owner, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(user=rival, read_at__isnull=True).count() == len(theirs)
    assert notification_mark_all_read(user=owner) == 0


def test_mark_all_read_needs_a_person(db: Any) -> None:
    with pytest.raises(DomainError) as error:
        notification_mark_all_read(user=AnonymousUser())
    assert (error.value.code, error.value.status) == ("not_authenticated", 401)


def test_preference_update_saves_and_records_privately(owner: Any) -> None:
    preference = notification_preference_update(
        user=owner, email_enabled=True, email_muted_groups=["supply", "contention", "supply"]
    )
    assert preference.email_muted_groups == ["contention", "supply"]
    again = notification_preference_update(user=owner, email_enabled=False, email_muted_groups=[])
    assert again.pk == preference.pk
    stored = NotificationPreference.objects.get(user=owner)
    assert (stored.email_enabled, stored.email_muted_groups) == (False, [])
    events = AuditEvent.objects.filter(type="notifications.preference.updated")
    assert [(e.actor, e.is_public, e.data) for e in events] == [
        (owner, False, {"email_enabled": True, "email_muted_groups": ["contention", "supply"]}),
        (owner, False, {"email_enabled": False, "email_muted_groups": []}),
    ]


def test_preference_update_refuses_unknown_groups(owner: Any) -> None:
    with pytest.raises(DomainError) as error:
        notification_preference_update(
            user=owner, email_enabled=True, email_muted_groups=["orders", "spam"]
        )
    assert (error.value.code, error.value.status) == ("group_unknown", 422)
    assert "spam" in error.value.message
    assert NotificationPreference.objects.count() == 0
    assert AuditEvent.objects.filter(type="notifications.preference.updated").count() == 0


def test_a_rolled_back_change_tells_nobody(
    owner: Any, django_capture_on_commit_callbacks: Any, mailoutbox: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        _send(owner)
        raise RuntimeError("the caller's change failed after the notice was written")
    assert (Notification.objects.count(), len(callbacks), mailoutbox) == (0, 0, [])
