"""The e-mails of events, sent after commit through Django's mail (the project's EMAIL_BACKEND).

The ticket e-mail carries the QR code as an inline PNG (also a plain attachment for mail
programs that show no HTML); the code opens the check-in URL with the ticket's token.
"""

from __future__ import annotations

import logging
from email.mime.image import MIMEImage
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from heyi.events.models import ContactMessage, Registration
from heyi.events.qr import qr_png, site_link, ticket_path

logger = logging.getLogger(__name__)

TICKET_IMAGE_ID = "ticket-qr"


def _registration(registration_id: int) -> Registration:
    return Registration.objects.select_related("event", "user").get(pk=registration_id)


def _context(registration: Registration) -> dict[str, Any]:
    event = registration.event
    return {
        "registration": registration,
        "event": event,
        "ticket_url": site_link(ticket_path(slug=event.slug, token=registration.token)),
        "event_url": site_link(f"/events/{event.slug}/"),
        "zone": event.time_zone,
    }


def ticket_email_build(
    *, registration: Registration, promoted: bool = False
) -> EmailMultiAlternatives:
    context = {**_context(registration), "promoted": promoted, "image_id": TICKET_IMAGE_ID}
    subject = _("Your ticket: %(event)s") % {"event": registration.event.title}
    text = render_to_string("events/email/ticket.txt", context)
    html = render_to_string("events/email/ticket.html", context)
    message = EmailMultiAlternatives(subject, text, None, [registration.user.email])
    message.attach_alternative(html, "text/html")
    message.mixed_subtype = "related"
    image = MIMEImage(qr_png(context["ticket_url"]), _subtype="png")
    image.add_header("Content-ID", f"<{TICKET_IMAGE_ID}>")
    image.add_header("Content-Disposition", "inline", filename="ticket.png")
    message.attach(image)
    return message


def ticket_email_send(*, registration_id: int, promoted: bool = False) -> None:
    try:
        ticket_email_build(registration=_registration(registration_id), promoted=promoted).send()
    except Exception:  # the registration is stored; the mail server's trouble stays here
        logger.exception("could not send the ticket of registration %s", registration_id)


def waitlist_email_send(*, registration_id: int) -> None:
    try:
        registration = _registration(registration_id)
        context = _context(registration)
        subject = _("On the waiting list: %(event)s") % {"event": registration.event.title}
        message = EmailMultiAlternatives(
            subject,
            render_to_string("events/email/waitlisted.txt", context),
            None,
            [registration.user.email],
        )
        message.attach_alternative(
            render_to_string("events/email/waitlisted.html", context), "text/html"
        )
        message.send()
    except Exception:
        logger.exception("could not send the waiting-list e-mail of %s", registration_id)


def contact_email_send(*, message_id: int) -> None:
    try:
        row = ContactMessage.objects.select_related("event").get(pk=message_id)
        if row.event is None or not row.event.contact_email:
            return
        subject = _("Message about %(event)s from %(name)s") % {
            "event": row.event.title,
            "name": row.name,
        }
        body = render_to_string("events/email/contact.txt", {"row": row})
        EmailMultiAlternatives(
            subject, body, None, [row.event.contact_email], reply_to=[row.email]
        ).send()
    except Exception:
        logger.exception("could not forward contact message %s", message_id)
