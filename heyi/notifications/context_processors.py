"""The unread count for the navigation badge, on every page, for signed-in people."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from heyi.notifications.selectors import notification_unread_count


def notifications(request: HttpRequest) -> dict[str, Any]:
    """`notification_unread_count`: counted once, and only if a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "notification_unread_count": SimpleLazyObject(lambda: notification_unread_count(user=user))
    }
