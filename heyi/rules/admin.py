"""Admin of rules: operators look at rules, firings and service tickets; edits go through the
services (pages and API), which check and audit them."""

from __future__ import annotations

from django.contrib import admin

from heyi.core.admin_base import ReadOnlyAdmin
from heyi.rules.models import Rule, RuleFiring, ServiceTicket


@admin.register(Rule)
class RuleAdmin(ReadOnlyAdmin):
    list_display = ("name", "owner", "device", "device_model", "trigger", "action", "is_active")
    list_filter = ("trigger", "action", "is_active")
    search_fields = ("name", "owner__email", "device__serial")
    list_select_related = ("owner", "device", "device_model")


@admin.register(RuleFiring)
class RuleFiringAdmin(ReadOnlyAdmin):
    list_display = ("at", "rule", "device", "action", "status", "detail")
    list_filter = ("status", "action")
    search_fields = ("device__serial", "rule__name")
    list_select_related = ("rule", "device")


@admin.register(ServiceTicket)
class ServiceTicketAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "title", "device", "status", "venture", "fee", "tender_number")
    list_filter = ("status",)
    search_fields = ("title", "device__serial")
    list_select_related = ("device", "venture")
