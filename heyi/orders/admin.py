"""Admin for pre-orders: operators look up campaigns and the pre-orders placed in them."""

from django.contrib import admin

from heyi.orders.models import PreOrder, PreOrderCampaign


class PreOrderInline(admin.TabularInline):
    model = PreOrder
    fields = ("number", "user", "quantity", "unit_price", "total", "status")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(PreOrderCampaign)
class PreOrderCampaignAdmin(admin.ModelAdmin):
    list_display = [
        "demand",
        "status",
        "units_pre_ordered",
        "threshold",
        "pre_order_count",
        "deadline",
        "reached_at",
        "tender_uid",
    ]
    list_filter = ["status"]
    search_fields = ["demand__title", "demand__number", "started_by__email"]
    raw_id_fields = ["demand", "started_by"]
    # Counters and outcomes are kept by the services; editing them here would break the record.
    readonly_fields = [
        "uid",
        "units_pre_ordered",
        "pre_order_count",
        "reached_at",
        "closed_at",
        "tender_uid",
        "tender_opened_at",
        "created_at",
        "updated_at",
    ]
    date_hierarchy = "deadline"
    inlines = [PreOrderInline]


@admin.register(PreOrder)
class PreOrderAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "campaign",
        "user",
        "quantity",
        "unit_price",
        "total",
        "currency",
        "status",
        "created_at",
    ]
    list_filter = ["status", "currency"]
    search_fields = ["=number", "user__email", "user__display_name", "address"]
    raw_id_fields = ["campaign", "user"]
    readonly_fields = [
        "uid",
        "number",
        "unit_price",
        "total",
        "confirmed_at",
        "cancelled_at",
        "created_at",
        "updated_at",
    ]
    list_select_related = ["campaign__demand", "user"]
