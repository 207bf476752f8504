"""A person's on-site notices (each may be copied by e-mail) and their e-mail preferences."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from heyi.core.models import BaseModel

# The groups a person may mute by e-mail: a notice's group is the first part of its kind
# (`orders.order.shipped` → `orders`). A kind outside these groups is always e-mailed (when
# e-mail is on at all), so a new kind is never silently dropped.
KIND_GROUPS: dict[str, Any] = {
    "orders": _("Orders and pre-orders"),
    "contention": _("Tenders, bids and awards"),
    "demands": _("Demands you raised or follow"),
    "designs": _("Co-design"),
    "ventures": _("Your ventures"),
    "supply": _("Supply"),
}


def kind_group(kind: str) -> str:
    return kind.split(".", 1)[0]


class Notification(BaseModel):
    """One notice to one person: unread while `read_at` is empty."""

    # The composite indexes below start with the user, so the column needs no index of its own.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), max_length=4000, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The list, newest first, and its unread filter.
            models.Index(
                fields=["user", "read_at", "-created_at"], name="notification_user_unread"
            ),
            models.Index(fields=["user", "-created_at", "-id"], name="notification_user_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(BaseModel):
    """How a person wants to be told. No row means the defaults: every e-mail copy is wanted."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email_enabled = models.BooleanField(_("e-mail copies"), default=True)
    # Keys of KIND_GROUPS whose e-mail copies the person does not want (the notice still shows).
    email_muted_groups = models.JSONField(_("groups not e-mailed"), default=list, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: e-mail {'on' if self.email_enabled else 'off'}"

    def wants_email(self, kind: str) -> bool:
        return self.email_enabled and kind_group(kind) not in self.email_muted_groups
