"""The ledger in the admin: read-only, since postings are append-only (ADR 10)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from heyi.ledger.models import Account, Payment, Posting, PostingLine, ShareRule


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money moves only through the ledger's services; the admin shows, never edits."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ["key", "kind", "name", "currency", "balance"]
    list_filter = ["kind", "currency"]
    search_fields = ["key", "name"]


class PostingLineInline(admin.TabularInline):
    model = PostingLine
    fields = ["account", "amount", "currency", "term"]
    readonly_fields = ["account", "amount", "currency", "term"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Posting)
class PostingAdmin(ReadOnlyAdmin):
    list_display = ["posted_at", "kind", "memo", "idempotency_key"]
    list_filter = ["kind"]
    search_fields = ["idempotency_key", "memo", "order_uid"]
    inlines = [PostingLineInline]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "provider", "kind", "user", "amount", "currency", "status"]
    list_filter = ["provider", "kind", "status"]


@admin.register(ShareRule)
class ShareRuleAdmin(ReadOnlyAdmin):
    list_display = ["published_at", "scope", "tender_uid", "fingerprint"]
    list_filter = ["scope"]
