"""Admin of logistics: operators view and edit centres and stations; builds are read-only."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from heyi.logistics.models import DistributionCentre, NetworkBuild, Station


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
