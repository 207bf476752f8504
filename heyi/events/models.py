"""The platform's own events: the public site's content, registrations with tickets, contact messages."""

from __future__ import annotations

import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from heyi.core.models import BaseModel


def _timezone_validate(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise ValidationError(_("Not a time zone name (e.g. Asia/Shanghai).")) from error


def ticket_token_new() -> str:
    """An unguessable ticket code: 128 bits, URL-safe."""
    return secrets.token_urlsafe(16)


class Event(BaseModel):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    theme = models.CharField(_("theme"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Asia/Shanghai", validators=[_timezone_validate]
    )
    venue_name = models.CharField(_("venue"), max_length=200)
    venue_address = models.CharField(_("venue address"), max_length=300, blank=True)
    venue_city = models.CharField(_("city"), max_length=100, blank=True)
    venue_map_text = models.CharField(_("how to get there"), max_length=300, blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    letter_author = models.CharField(_("letter author"), max_length=120, blank=True)
    letter_author_title = models.CharField(_("letter author's title"), max_length=200, blank=True)
    letter_body = models.TextField(_("letter from the host"), blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    contact_address = models.CharField(_("contact address"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    registration_opens_at = models.DateTimeField(_("registration opens"))
    registration_closes_at = models.DateTimeField(_("registration closes"))
    is_published = models.BooleanField(_("published"), default=False)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="events_staffed",
        verbose_name=_("door staff"),
    )

    class Meta:
        ordering = ["-starts_at", "id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="events_event_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(registration_closes_at__gte=models.F("registration_opens_at")),
                name="events_event_registration_window",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": _("The event cannot end before it starts.")})
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at < self.registration_opens_at
        ):
            raise ValidationError(
                {"registration_closes_at": _("Registration cannot close before it opens.")}
            )

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Speaker(BaseModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="speakers")
    name = models.CharField(_("name"), max_length=120)
    title = models.CharField(_("title"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    biography = models.TextField(_("short biography"), blank=True)
    portrait = models.ImageField(_("portrait"), upload_to="events/speakers/", blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("platform user"),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")

    def __str__(self) -> str:
        return self.name


class Session(BaseModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.CharField(_("room"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    speakers = models.ManyToManyField(
        Speaker, blank=True, related_name="sessions", verbose_name=_("speakers")
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["starts_at", "position", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gte=models.F("starts_at")),
                name="events_session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class PartnerTier(models.TextChoices):
    STRATEGIC = "strategic", _("Strategic cooperator")
    RESOURCE = "resource", _("Resource partner")
    MEDIA = "media", _("Media")


class Partner(BaseModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="partners")
    tier = models.CharField(_("tier"), max_length=20, choices=PartnerTier.choices)
    name = models.CharField(_("name"), max_length=200)
    link = models.URLField(_("link"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="events/partners/", blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self) -> str:
        return self.name


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class Registration(BaseModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_registrations"
    )
    badge_name = models.CharField(_("name on badge"), max_length=80)
    organisation = models.CharField(_("organisation"), max_length=120, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=RegistrationStatus.choices)
    token = models.CharField(max_length=40, unique=True, default=ticket_token_new, editable=False)
    registered_at = models.DateTimeField(_("registered at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["registered_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "user"], name="events_registration_one_per_user"
            )
        ]
        indexes = [models.Index(fields=["event", "status", "registered_at"])]

    def __str__(self) -> str:
        return f"{self.badge_name} @ {self.event_id}"


class ContactMessage(BaseModel):
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="contact_messages"
    )
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("e-mail"))
    message = models.TextField(_("message"), max_length=5000)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"
