"""Settlements and members' pay in the admin: read-only, since they mirror ledger postings."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from heyi.value.models import PayLine, PayRule, Settlement, SplitLine


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written only by the value services with their postings; the admin shows, never edits."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SplitLineInline(admin.TabularInline):
    model = SplitLine
    fields = ("position", "party", "venture", "user", "term", "amount", "basis")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PayLineInline(admin.TabularInline):
    model = PayLine
    fields = ("user", "steps", "amount", "rule", "posting")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Settlement)
class SettlementAdmin(ReadOnlyAdmin):
    list_display = ["order", "venture", "total", "currency", "settled_at"]
    list_select_related = ["order", "venture"]
    search_fields = ["order__number", "venture__name"]
    date_hierarchy = "settled_at"
    inlines = [SplitLineInline, PayLineInline]


@admin.register(PayRule)
class PayRuleAdmin(ReadOnlyAdmin):
    list_display = ["venture", "pool_percent", "basis", "published_at", "published_by"]
    list_select_related = ["venture", "published_by"]
    list_filter = ["basis"]
    search_fields = ["venture__name"]
