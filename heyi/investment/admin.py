"""Admin for investment: operators look, search and filter; every change goes through the
services (money moves only through the ledger)."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from heyi.investment.models import BetContract, CapTableEntry, Commitment, FundingRound


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(FundingRound)
class FundingRoundAdmin(ReadOnlyAdmin):
    list_display = ["venture", "number", "status", "amount_sought", "raised", "closes_at"]
    list_filter = ["status"]
    search_fields = ["venture__name", "uid"]


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ["round", "investor", "amount", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["investor__email", "round__venture__name"]


@admin.register(CapTableEntry)
class CapTableEntryAdmin(ReadOnlyAdmin):
    list_display = ["venture", "holder", "kind", "shares", "round", "issued_at"]
    list_filter = ["kind"]
    search_fields = ["venture__name", "holder__email"]


@admin.register(BetContract)
class BetContractAdmin(ReadOnlyAdmin):
    list_display = ["venture", "metric", "target", "status", "source", "period_end"]
    list_filter = ["status", "metric", "source"]
    search_fields = ["venture__name", "uid"]
