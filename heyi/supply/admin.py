"""Admin for supply: catalogue items, bill-of-materials lines, RFQs and supply contracts."""

from django.contrib import admin

from heyi.supply.models import BomLine, CatalogueItem, Rfq, SupplyContract


@admin.register(CatalogueItem)
class CatalogueItemAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "name",
        "supplier",
        "kind",
        "category",
        "unit_price",
        "lead_time_days",
        "capacity_per_week",
        "status",
    ]
    list_filter = ["kind", "status", "category"]
    search_fields = ["name", "number", "supplier__name", "certification"]
    raw_id_fields = ["supplier", "created_by"]
    readonly_fields = ["uid", "number", "retired_at", "created_at", "updated_at"]


@admin.register(BomLine)
class BomLineAdmin(admin.ModelAdmin):
    list_display = ["item", "version", "module", "quantity_per_unit"]
    search_fields = ["item__name", "version__proposal__title"]
    raw_id_fields = ["version", "module", "item", "added_by"]
    readonly_fields = ["uid", "created_at", "updated_at"]


class SupplyContractInline(admin.TabularInline):
    model = SupplyContract
    fields = ("number", "supplier", "quantity", "unit_price", "total", "due_date")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Rfq)
class RfqAdmin(admin.ModelAdmin):
    list_display = ["number", "demand", "venture", "bom_line", "quantity", "needed_by", "status"]
    list_filter = ["status"]
    search_fields = ["number", "venture__name", "demand__title"]
    raw_id_fields = ["demand", "bom_line", "venture", "opened_by"]
    # Outcomes are written by the award handler; editing them here would break the record.
    readonly_fields = [
        "uid",
        "number",
        "production_tender_uid",
        "tender_uid",
        "status",
        "decided_at",
        "created_at",
        "updated_at",
    ]
    inlines = [SupplyContractInline]


@admin.register(SupplyContract)
class SupplyContractAdmin(admin.ModelAdmin):
    list_display = ["number", "rfq", "supplier", "quantity", "unit_price", "total", "due_date"]
    search_fields = ["number", "supplier__name"]
    raw_id_fields = ["rfq", "supplier"]
    readonly_fields = ["uid", "number", "award_line_uid", "created_at", "updated_at"]
