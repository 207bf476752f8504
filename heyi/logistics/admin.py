"""Admin of logistics: operators view and edit centres and stations; builds are read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from heyi.core.errors import DomainError
from heyi.logistics.fulfilment_services import stock_set
from heyi.logistics.models import (
    Compensation,
    DistributionCentre,
    NetworkBuild,
    Route,
    RoutePlan,
    Shipment,
    Station,
    Stock,
)


@admin.register(DistributionCentre)
class DistributionCentreAdmin(admin.ModelAdmin[DistributionCentre]):
    list_display = ("name", "population", "latitude", "longitude", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "geonameid")
    readonly_fields = ("uid", "geonameid", "created_at", "updated_at")


@admin.register(Station)
class StationAdmin(admin.ModelAdmin[Station]):
    list_display = (
        "name",
        "places_served",
        "population_served",
        "latitude",
        "longitude",
        "is_active",
    )
    list_filter = ("is_active",)
    search_fields = ("name", "geonameid")
    readonly_fields = ("uid", "geonameid", "places_served", "population_served", "created_at")


@admin.register(NetworkBuild)
class NetworkBuildAdmin(admin.ModelAdmin[NetworkBuild]):
    list_display = ("created_at", "places", "centres", "stations", "bound", "gap", "status")
    readonly_fields = [field.name for field in NetworkBuild._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin[Shipment]):
    """Read-only: steps and delivery go through the services (timeline, audit, code)."""

    list_display = (
        "order",
        "centre",
        "station",
        "left_centre_at",
        "at_station_at",
        "out_for_delivery_at",
        "delivered_at",
        "code_attempts",
    )
    list_select_related = ("order", "centre", "station")
    search_fields = ("order__number", "station__name", "centre__name")
    # The delivery code is the buyer's: operators confirm a locked delivery through the API.
    exclude = ("delivery_code",)
    readonly_fields = [
        field.name for field in Shipment._meta.fields if field.name != "delivery_code"
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Compensation)
class CompensationAdmin(admin.ModelAdmin[Compensation]):
    list_display = ("order", "amount", "currency", "fault", "promised_at", "detected_at")
    list_filter = ("fault",)
    list_select_related = ("order",)
    search_fields = ("order__number",)
    readonly_fields = [field.name for field in Compensation._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class StockAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Stock
        fields = ("centre", "product", "on_hand")

    def clean_on_hand(self) -> int:
        on_hand = int(self.cleaned_data["on_hand"])
        if self.instance.pk and on_hand < self.instance.reserved:
            raise forms.ValidationError(
                _("%(reserved)d units are reserved for orders: the stock cannot go below that.")
                % {"reserved": self.instance.reserved}
            )
        return on_hand


@admin.register(Stock)
class StockAdmin(admin.ModelAdmin[Stock]):
    """Operators count stock here; `reserved` is kept by the orders and never edited by hand."""

    form = StockAdminForm
    list_display = ("product", "centre", "on_hand", "reserved", "free", "updated_at")
    list_filter = ("centre",)
    search_fields = ("product__name", "centre__name")
    autocomplete_fields = ("centre", "product")
    readonly_fields = ("uid", "reserved", "created_at", "updated_at")

    def save_model(self, request: HttpRequest, obj: Stock, form: Any, change: bool) -> None:
        # Through the service: operators only, never below what is reserved, audited.
        try:
            stock = stock_set(
                centre=obj.centre, product=obj.product, on_hand=obj.on_hand, actor=request.user
            )
        except DomainError as error:
            raise PermissionDenied(error.message) from error
        obj.pk, obj.uid, obj.reserved = stock.pk, stock.uid, stock.reserved


class RouteInline(admin.TabularInline[Route, RoutePlan]):
    model = Route
    extra = 0
    fields = ("number", "vehicle", "status", "venture", "driver", "fee", "starts_at", "ends_at")
    readonly_fields = fields
    can_delete = False


@admin.register(RoutePlan)
class RoutePlanAdmin(admin.ModelAdmin[RoutePlan]):
    """Read-only: waves are planned, tendered and assigned through the route services."""

    list_display = ("station", "date", "wave", "status", "stops", "vehicles", "distance_m")
    list_filter = ("wave", "status")
    list_select_related = ("station",)
    search_fields = ("station__name",)
    readonly_fields = [field.name for field in RoutePlan._meta.fields]
    inlines = [RouteInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
