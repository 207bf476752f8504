"""The JSON API of notifications: your notices, the unread count, marking read, preferences."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import LimitOffsetPagination, paginate

from heyi.notifications import selectors, services
from heyi.notifications.models import KIND_GROUPS, NotificationPreference
from heyi.notifications.schemas import (
    NotificationGroupOut,
    NotificationOut,
    NotificationPreferenceIn,
    NotificationPreferenceOut,
    ReadAllOut,
    UnreadCountOut,
)

router = Router(tags=["notifications"])

# Lists are paginated; nobody gets more than this many rows in one answer.
MAX_LIMIT = 100


def _preference_out(preference: NotificationPreference) -> NotificationPreferenceOut:
    return NotificationPreferenceOut(
        email_enabled=preference.email_enabled,
        email_muted_groups=list(preference.email_muted_groups),
        groups=[
            NotificationGroupOut(key=key, label=str(label)) for key, label in KIND_GROUPS.items()
        ],
    )


@router.get("/me/notifications", response=list[NotificationOut])
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def notification_list_mine(request: HttpRequest, unread: bool | None = None) -> Any:
    """Your notices, newest first; `unread=true` for the unread ones only, `false` for read."""
    return selectors.notification_list_for_user(user=request.user, unread=unread)


@router.get("/me/notifications/unread-count", response=UnreadCountOut)
def notification_unread_count(request: HttpRequest) -> Any:
    """How many of your notices are unread."""
    return UnreadCountOut(unread=selectors.notification_unread_count(user=request.user))


@router.post("/me/notifications/read-all", response=ReadAllOut)
def notification_read_all(request: HttpRequest) -> Any:
    """Mark all your notices read; answers how many were unread."""
    return ReadAllOut(marked_read=services.notification_mark_all_read(user=request.user))


@router.post("/me/notifications/{uid}/read", response=NotificationOut)
def notification_read(request: HttpRequest, uid: uuid.UUID) -> Any:
    """Mark one of your notices read (anybody else's is 404)."""
    notification = selectors.notification_get_for_user(uid=uid, user=request.user)
    return services.notification_mark_read(notification=notification, user=request.user)


@router.get("/me/notification-preferences", response=NotificationPreferenceOut)
def notification_preference_get(request: HttpRequest) -> Any:
    """Whether you get e-mail copies of your notices, and the groups you muted by e-mail."""
    return _preference_out(selectors.notification_preference_get(user=request.user))


@router.put("/me/notification-preferences", response=NotificationPreferenceOut)
def notification_preference_update(request: HttpRequest, payload: NotificationPreferenceIn) -> Any:
    """Turn e-mail copies on or off, and mute groups by e-mail (keys from `groups`)."""
    preference = services.notification_preference_update(
        user=request.user,
        email_enabled=payload.email_enabled,
        email_muted_groups=payload.email_muted_groups,
    )
    return _preference_out(preference)
