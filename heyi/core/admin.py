"""Admin for the core tables: the audit trail (read only), categories, idempotency records."""

from django.contrib import admin

from heyi.core.admin_base import ReadOnlyAdmin
from heyi.core.models import AuditEvent, Category, IdempotencyRecord


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "type", "summary", "actor", "demand_uid"]
    list_filter = ["type", "is_public"]
    search_fields = ["summary", "type", "demand_uid"]
    date_hierarchy = "occurred_at"


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "method", "path", "status_code"]
    search_fields = ["key", "path"]
    readonly_fields = ["key", "user", "method", "path", "request_hash", "status_code", "created_at"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ("name",)}
