"""Admin for ventures, memberships, invitations and join requests: operators look, search, filter.

Ventures have no managers above them, so the admin changes nothing: every change goes through
the services (which check who decides and write the audit trail). An operator sets a status
from the venture's page or the API.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from heyi.ventures.models import Invitation, JoinRequest, Membership, Venture


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "joined_at", "left_at"]
    readonly_fields = ["user", "role", "joined_at", "left_at"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Venture)
class VentureAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "kind",
        "status",
        "city",
        "member_count",
        "capacity_per_day",
        "founded_by",
        "created_at",
    ]
    list_filter = ["kind", "status", "categories"]
    search_fields = ["name", "slug", "mission", "city", "founded_by__email"]
    list_select_related = ["founded_by"]
    date_hierarchy = "created_at"
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["venture", "user", "role", "joined_at", "left_at"]
    list_filter = ["role", "venture__kind", ("left_at", admin.EmptyFieldListFilter)]
    search_fields = ["venture__name", "user__email", "user__display_name"]
    list_select_related = ["venture", "user"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["venture", "invitee", "invited_by", "status", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["venture__name", "invitee__email", "invited_by__email"]
    list_select_related = ["venture", "invitee", "invited_by"]


@admin.register(JoinRequest)
class JoinRequestAdmin(ReadOnlyAdmin):
    list_display = ["venture", "user", "status", "decided_by", "created_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["venture__name", "user__email", "message"]
    list_select_related = ["venture", "user", "decided_by"]
