"""Notification writes: send notices (with an e-mail copy after commit), mark them read, prefs.

Other apps tell people about what happened by calling `notification_send` (one person) or
`notification_send_many` (many people, one insert) inside their own service's transaction.
The notice is written in that transaction, so it exists exactly when the change it tells of
was committed. The e-mail copy goes out after commit (`transaction.on_commit`, robust), for
people who want it; a mail server that is down is logged and never takes the notice with it.

Notices are not audit events: each one tells of a change its caller has already audited, and
reading a notice is the reader's own business, not something that happened on the platform.
Changing one's preferences is recorded (privately).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.sites.models import Site
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.core.audit import audit_record
from heyi.core.errors import NotFound
from heyi.notifications import selectors
from heyi.notifications.errors import NotificationsError, NotificationsErrorCode
from heyi.notifications.models import KIND_GROUPS, Notification, NotificationPreference

logger = logging.getLogger(__name__)

KIND_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
KIND_MAX = 80
TITLE_MAX = 200
BODY_MAX = 4000
URL_MAX = 500


@dataclass(frozen=True)
class Notice:
    """One notice to send with `notification_send_many`; the fields of `notification_send`."""

    user: Any
    kind: str
    title: str
    body: str = ""
    url: str = ""
    email: bool = True


@dataclass(frozen=True)
class EmailCopy:
    to: str
    subject: str
    body: str


def _invalid(code: NotificationsErrorCode, message: str) -> NotificationsError:
    return NotificationsError(code, message, status=422)


def _shorten(text: str, limit: int) -> str:
    # Titles and bodies are composed by the calling app, often around names people typed; a
    # long name must not make the whole business action fail, so the notice is cut instead.
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _notice_clean(notice: Notice) -> Notice:
    """Check one notice; raise (before anything is written) if a caller got it wrong."""
    user = notice.user
    if user is None or not getattr(user, "is_authenticated", False) or user.pk is None:
        raise _invalid(
            NotificationsErrorCode.RECIPIENT_INVALID, _("A notice needs a saved person to tell.")
        )
    kind = (notice.kind or "").strip()
    if len(kind) > KIND_MAX or not KIND_PATTERN.match(kind):
        raise _invalid(
            NotificationsErrorCode.KIND_INVALID,
            _("A notice's kind is dotted lower-case words, such as orders.order.shipped."),
        )
    # A title is one line: it is also the e-mail's subject, where a line break is refused.
    title = " ".join((notice.title or "").split())
    if not title:
        raise _invalid(NotificationsErrorCode.TITLE_INVALID, _("A notice needs a title."))
    url = (notice.url or "").strip()
    if url and (
        not url.startswith("/")
        or url.startswith("//")
        or "\\" in url
        or any(c.isspace() for c in url)
        or len(url) > URL_MAX
    ):
        raise _invalid(
            NotificationsErrorCode.URL_INVALID,
            _("A notice links to a page of this site: a path starting with one slash."),
        )
    return Notice(
        user=user,
        kind=kind,
        title=_shorten(title, TITLE_MAX),
        body=_shorten((notice.body or "").strip(), BODY_MAX),
        url=url,
        email=notice.email,
    )


def _site_link(path: str) -> str:
    domain = Site.objects.get_current().domain
    scheme = "http" if settings.DEBUG else "https"
    return f"{scheme}://{domain}{path}"


def _email_copy(notification: Notification) -> EmailCopy:
    user = notification.user
    parts = [_("Hello %(name)s,") % {"name": user.name}, notification.title]
    if notification.body:
        parts.append(notification.body)
    if notification.url:
        parts.append(_("See it on heyi: %(link)s") % {"link": _site_link(notification.url)})
    parts.append(
        _(
            "You get this e-mail because e-mail copies of your notices are on. Change that at %(link)s"
        )
        % {"link": _site_link(reverse("notifications:preferences"))}
    )
    parts.append("— heyi")
    return EmailCopy(to=user.email, subject=notification.title, body="\n\n".join(parts))


def _email_copies_send(notifications: list[Notification]) -> None:
    """Send the copies after commit, one by one: a failed copy is logged, the rest still go."""
    connection = get_connection()
    for notification in notifications:
        try:
            copy = _email_copy(notification)
            EmailMessage(copy.subject, copy.body, None, [copy.to], connection=connection).send()
        except Exception:  # the notice is already stored; the mail server's trouble stays here
            logger.exception("could not send the e-mail copy of notice %s", notification.uid)


@transaction.atomic
def notification_send_many(*, notices: list[Notice]) -> list[Notification]:
    """Tell many people at once: one insert for all the notices, e-mail copies after commit.

    Every notice is checked first; one bad notice refuses them all and writes nothing.
    """
    cleaned = [_notice_clean(notice) for notice in notices]
    if not cleaned:
        return []
    rows = Notification.objects.bulk_create(
        [
            Notification(
                user=notice.user,
                kind=notice.kind,
                title=notice.title,
                body=notice.body,
                url=notice.url,
            )
            for notice in cleaned
        ]
    )
    to_email = [
        (row, notice)
        for row, notice in zip(rows, cleaned, strict=True)
        if notice.email and notice.user.email and notice.user.is_active
    ]
    if to_email:
        saved = selectors.notification_preferences_for_users(
            user_ids=sorted({notice.user.pk for _row, notice in to_email})
        )
        default = NotificationPreference()
        copied = [
            row
            for row, notice in to_email
            if saved.get(notice.user.pk, default).wants_email(notice.kind)
        ]
        if copied:
            transaction.on_commit(lambda: _email_copies_send(copied), robust=True)
    return rows


def notification_send(
    *, user: Any, kind: str, title: str, body: str = "", url: str = "", email: bool = True
) -> Notification:
    """Tell one person something: an on-site notice, and an e-mail copy if they want one.

    `kind` is dotted (`orders.order.shipped`); its first part is the group a person may mute
    by e-mail. `url` is a path on this site (`/orders/12/`). `email=False` never e-mails.
    """
    notice = Notice(user=user, kind=kind, title=title, body=body, url=url, email=email)
    return notification_send_many(notices=[notice])[0]


def _not_found() -> NotFound:
    return NotFound(_("No such notification."), code=NotificationsErrorCode.NOTIFICATION_NOT_FOUND)


@transaction.atomic
def notification_mark_read(*, notification: Notification, user: Any) -> Notification:
    """Mark one of the person's notices read (again: no change). Anybody else's is not found."""
    if not getattr(user, "is_authenticated", False) or notification.user_id != user.pk:
        raise _not_found()
    now = timezone.now()
    # Conditional, so a notice read twice at once keeps the time it was first read.
    updated = Notification.objects.filter(
        pk=notification.pk, user=user, read_at__isnull=True
    ).update(read_at=now, updated_at=now)
    if updated:
        notification.read_at = now
        notification.updated_at = now
    else:
        notification.refresh_from_db(fields=["read_at", "updated_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, user: Any) -> int:
    """Mark every unread notice of the person read; returns how many were unread."""
    if not getattr(user, "is_authenticated", False):
        raise NotificationsError(
            NotificationsErrorCode.NOT_AUTHENTICATED, _("Sign in to read notices."), status=401
        )
    now = timezone.now()
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=now, updated_at=now
    )


@transaction.atomic
def notification_preference_update(
    *, user: Any, email_enabled: bool, email_muted_groups: list[str]
) -> NotificationPreference:
    """Save whether the person wants e-mail copies at all, and the groups they do not want."""
    if not getattr(user, "is_authenticated", False):
        raise NotificationsError(
            NotificationsErrorCode.NOT_AUTHENTICATED,
            _("Sign in to change your notices."),
            status=401,
        )
    unknown = sorted(set(email_muted_groups) - set(KIND_GROUPS))
    if unknown:
        raise _invalid(
            NotificationsErrorCode.GROUP_UNKNOWN,
            _("Unknown notice group: %(groups)s. Known groups: %(known)s.")
            % {"groups": ", ".join(unknown), "known": ", ".join(KIND_GROUPS)},
        )
    muted = [group for group in KIND_GROUPS if group in set(email_muted_groups)]
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email_enabled": email_enabled, "email_muted_groups": muted}
    )
    audit_record(
        type="notifications.preference.updated",
        summary=f"{user.name} changed their notice preferences",
        actor=user,
        subject=preference,
        data={"email_enabled": email_enabled, "email_muted_groups": muted},
        is_public=False,
    )
    return preference
