"""Reads of notifications: a person's notices, their unread count, their preferences."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from heyi.core.errors import NotFound
from heyi.notifications.errors import NotificationsErrorCode
from heyi.notifications.models import Notification, NotificationPreference


def _is_signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def notification_list_for_user(*, user: Any, unread: bool | None = None) -> QuerySet[Notification]:
    """A person's notices, newest first; `unread=True` only unread, `False` only read ones."""
    if not _is_signed_in(user):
        return Notification.objects.none()
    notices = Notification.objects.filter(user=user)
    if unread is not None:
        notices = notices.filter(read_at__isnull=unread)
    return notices.order_by("-created_at", "-id")


def notification_unread_count(*, user: Any) -> int:
    """How many of a person's notices are unread (0 for somebody not signed in, no query)."""
    if not _is_signed_in(user):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_get_for_user(*, uid: uuid.UUID, user: Any) -> Notification:
    """One of the person's own notices; anybody else's is not found, as if it did not exist."""
    if _is_signed_in(user):
        notification = Notification.objects.filter(uid=uid, user=user).first()
        if notification is not None:
            return notification
    raise NotFound(_("No such notification."), code=NotificationsErrorCode.NOTIFICATION_NOT_FOUND)


def notification_preference_get(*, user: Any) -> NotificationPreference:
    """The person's preferences; an unsaved row with the defaults if they never changed them."""
    preference = NotificationPreference.objects.filter(user=user).first()
    return preference if preference is not None else NotificationPreference(user=user)


def notification_preferences_for_users(*, user_ids: list[int]) -> dict[int, NotificationPreference]:
    """The saved preferences of several people in one query (the missing ones use defaults)."""
    rows = NotificationPreference.objects.filter(user_id__in=user_ids)
    return {row.user_id: row for row in rows}
