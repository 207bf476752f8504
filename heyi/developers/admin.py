"""Admin of developers: operators look at apps and grants; changes go through the services."""

from __future__ import annotations

from django.contrib import admin

from heyi.core.admin_base import ReadOnlyAdmin
from heyi.developers.models import AppGrant, DeveloperApp


@admin.register(DeveloperApp)
class DeveloperAppAdmin(ReadOnlyAdmin):
    list_display = ("name", "owner", "status", "review_requested_at", "reviewed_at", "created_at")
    list_filter = ("status",)
    search_fields = (
        "name",
        "owner__email",
        "test_client__client_id",
        "production_client__client_id",
    )
    list_select_related = ("owner",)


@admin.register(AppGrant)
class AppGrantAdmin(ReadOnlyAdmin):
    list_display = ("app", "user", "environment", "created_at", "revoked_at")
    list_filter = ("environment",)
    search_fields = ("app__name", "user__email")
    list_select_related = ("app", "user")
