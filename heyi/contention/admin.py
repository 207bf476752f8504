"""Admin of the contention engine; a sealed bid's content stays hidden here too until award."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from heyi.contention.models import (
    AwardLine,
    Bid,
    DailyRun,
    DailyRunLine,
    StandingBid,
    Tender,
)
from heyi.core.admin_base import ReadOnlyAdmin

# Shown for every bid; the remaining fields are the bid's content, sealed until award.
BID_PUBLIC_FIELDS = (
    "uid",
    "tender",
    "venture",
    "status",
    "revision",
    "is_current",
    "created_at",
)
BID_CONTENT_FIELDS = (
    "submitted_by",
    "submitted_at",
    "unit_price",
    "lead_time_days",
    "capacity",
    "plan",
    "bet_target",
    "criteria_values",
    "score",
    "rank",
)


@admin.register(Tender)
class TenderAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "title",
        "subject_type",
        "status",
        "quantity",
        "bid_count",
        "opens_at",
        "closes_at",
    )
    list_filter = ("status", "subject_type")
    search_fields = ("number", "title", "uid", "demand_uid", "subject_uid")
    # State changes go through the services (publish, close, cancel), never through a form.
    readonly_fields = [field.name for field in Tender._meta.concrete_fields] + ["categories"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Bid)
class BidAdmin(admin.ModelAdmin):
    list_display = ("tender", "venture", "status", "revision", "is_current", "created_at")
    list_filter = ("status", "is_current")
    search_fields = ("tender__number", "venture__name", "venture__slug")
    list_select_related = ("tender", "venture")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None and not obj.tender.is_sealed and obj.tender.status != "cancelled":
            return BID_PUBLIC_FIELDS + BID_CONTENT_FIELDS
        return BID_PUBLIC_FIELDS

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.get_fields(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AwardLine)
class AwardLineAdmin(admin.ModelAdmin):
    list_display = ("tender", "venture", "quantity", "unit_price", "score", "rank")
    search_fields = ("tender__number", "venture__name")
    list_select_related = ("tender", "venture")
    readonly_fields = ("tender", "bid", "venture", "quantity", "unit_price", "score", "rank")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(StandingBid)
class StandingBidAdmin(ReadOnlyAdmin):
    list_display = ("product", "venture", "unit_price", "lead_time_days", "status", "revision")
    list_filter = ("status", "product")
    search_fields = ("venture__name", "product__name")
    list_select_related = ("product", "venture")


class DailyRunLineInline(admin.TabularInline):
    model = DailyRunLine
    fields = ("subject_uid", "product", "quantity", "venture", "unit_price", "lead_time_days")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(DailyRun)
class DailyRunAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "run_on",
        "trigger",
        "order_count",
        "allocated_count",
        "total_price",
        "solver_status",
        "seconds",
    )
    list_filter = ("trigger", "solver_status")
    inlines = [DailyRunLineInline]


@admin.register(DailyRunLine)
class DailyRunLineAdmin(ReadOnlyAdmin):
    list_display = ("run", "subject_uid", "product", "quantity", "venture", "unit_price")
    list_select_related = ("run", "product", "venture")
    search_fields = ("subject_uid", "venture__name")
