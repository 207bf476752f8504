"""Operators edit events (content, programme, speakers, partners) in the admin; registrations
and contact messages are shown, and change only through the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from heyi.core.admin_base import ReadOnlyAdmin
from heyi.core.errors import DomainError
from heyi.core.pictures import picture_validate
from heyi.events.models import ContactMessage, Event, Partner, Registration, Session, Speaker


def _picture_clean(value: Any) -> Any:
    if isinstance(value, UploadedFile):
        try:
            picture_validate(picture=value)
        except DomainError as error:
            raise ValidationError(error.message) from error
    return value


class SpeakerForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Speaker
        fields = [
            "name",
            "title",
            "organisation",
            "biography",
            "portrait",
            "user",
            "position",
        ]

    def clean_portrait(self) -> Any:
        return _picture_clean(self.cleaned_data.get("portrait"))


class PartnerForm(forms.ModelForm):  # type: ignore[type-arg]
    link = forms.URLField(label=_("link"), required=False, assume_scheme="https")

    class Meta:
        model = Partner
        fields = ["tier", "name", "link", "logo", "position"]

    def clean_logo(self) -> Any:
        return _picture_clean(self.cleaned_data.get("logo"))


class SessionInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Session
    extra = 0
    filter_horizontal = ["speakers"]


class SpeakerInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Speaker
    form = SpeakerForm
    extra = 0
    autocomplete_fields = ["user"]


class PartnerInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Partner
    form = PartnerForm
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "slug", "starts_at", "venue_city", "capacity", "is_published"]
    list_filter = ["is_published"]
    search_fields = ["title", "slug", "venue_name"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["staff"]
    inlines = [SpeakerInline, SessionInline, PartnerInline]
    fieldsets = [
        (None, {"fields": ["slug", "title", "theme", "is_published"]}),
        (_("When"), {"fields": ["starts_at", "ends_at", "time_zone"]}),
        (_("Where"), {"fields": ["venue_name", "venue_address", "venue_city", "venue_map_text"]}),
        (
            _("Texts"),
            {"fields": ["introduction", "letter_author", "letter_author_title", "letter_body"]},
        ),
        (_("Contact"), {"fields": ["contact_email", "contact_phone", "contact_address"]}),
        (
            _("Registration"),
            {"fields": ["capacity", "registration_opens_at", "registration_closes_at", "staff"]},
        ),
    ]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["badge_name", "event", "status", "registered_at", "checked_in_at"]
    list_filter = ["status", "event"]
    search_fields = ["badge_name", "user__email"]


@admin.register(ContactMessage)
class ContactMessageAdmin(ReadOnlyAdmin):
    list_display = ["name", "email", "event", "created_at"]
    list_filter = ["event"]
    search_fields = ["name", "email", "message"]
    readonly_fields = ["name", "email", "event", "message", "created_at"]
