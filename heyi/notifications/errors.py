"""Error codes of notifications (on-site notices, their e-mail copies and preferences)."""

from __future__ import annotations

from enum import StrEnum

from heyi.core.errors import DomainError


class NotificationsErrorCode(StrEnum):
    NOTIFICATION_NOT_FOUND = "notification_not_found"
    NOT_AUTHENTICATED = "not_authenticated"
    RECIPIENT_INVALID = "recipient_invalid"
    KIND_INVALID = "kind_invalid"
    TITLE_INVALID = "title_invalid"
    BODY_INVALID = "body_invalid"
    URL_INVALID = "url_invalid"
    GROUP_UNKNOWN = "group_unknown"


class NotificationsError(DomainError):
    pass
