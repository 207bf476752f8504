"""Notices built through the real service, for the notification tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from heyi.notifications.models import Notification
from heyi.notifications.services import Notice, notification_send_many


def notices_make(
    user: Any, count: int, *, kind: str = "orders.order.shipped"
) -> list[Notification]:
    """`count` notices for one person, the first the oldest (a minute apart), without e-mail."""
    rows = notification_send_many(
        notices=[
            Notice(user=user, kind=kind, title=f"Notice {i}", url=f"/orders/{i}/", email=False)
            for i in range(1, count + 1)
        ]
    )
    start = timezone.now() - timedelta(minutes=count)
    for offset, row in enumerate(rows):
        # Spread them in time so that "newest first" has one answer on every database.
        Notification.objects.filter(pk=row.pk).update(created_at=start + timedelta(minutes=offset))
        row.created_at = start + timedelta(minutes=offset)
    return rows
