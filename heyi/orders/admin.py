"""Admin for pre-orders and orders: campaigns, pre-orders, orders with their timelines, ratings."""

from django.contrib import admin

from heyi.orders.models import Order, OrderEvent, OrderRating, PreOrder, PreOrderCampaign


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


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    fields = ("occurred_at", "kind", "from_stage", "to_stage", "party", "actor", "note", "photo")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "demand",
        "venture",
        "user",
        "quantity",
        "unit_price",
        "maker_unit_price",
        "stage",
        "sample_status",
        "delivery_date",
        "created_at",
    ]
    list_filter = ["stage", "sample_status", "currency"]
    search_fields = ["=number", "user__email", "venture__name", "venture__slug", "demand__title"]
    raw_id_fields = ["pre_order", "demand", "venture", "user"]
    # Stages move only through the services (the table, the timeline and the audit trail).
    readonly_fields = [
        "uid",
        "number",
        "stage",
        "stage_changed_at",
        "stage_before_exception",
        "paid_at",
        "unit_price",
        "maker_unit_price",
        "total",
        "created_at",
        "updated_at",
    ]
    list_select_related = ["demand", "venture", "user"]
    inlines = [OrderEventInline]


@admin.register(OrderEvent)
class OrderEventAdmin(admin.ModelAdmin):
    list_display = ["order", "kind", "from_stage", "to_stage", "party", "actor", "occurred_at"]
    list_filter = ["kind", "party", "to_stage"]
    search_fields = ["=order__number", "note", "actor__email"]
    raw_id_fields = ["order", "actor"]
    list_select_related = ["order", "actor"]


@admin.register(OrderRating)
class OrderRatingAdmin(admin.ModelAdmin):
    list_display = ["order", "venture", "user", "stars", "created_at"]
    list_filter = ["stars"]
    search_fields = ["=order__number", "venture__name", "user__email", "comment"]
    raw_id_fields = ["order", "venture", "user"]
    list_select_related = ["order", "venture", "user"]
