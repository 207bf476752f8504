"""Admin of devices: operators look at models, devices and their records; few edits."""

from __future__ import annotations

from django.contrib import admin

from heyi.core.admin_base import ReadOnlyAdmin
from heyi.devices.models import (
    Device,
    DeviceBindingCode,
    DeviceCredential,
    DeviceModel,
    DeviceShadow,
    DeviceShare,
    Reading,
)


@admin.register(DeviceModel)
class DeviceModelAdmin(ReadOnlyAdmin):
    list_display = ("name", "product", "is_smart", "created_at")
    list_filter = ("is_smart",)
    search_fields = ("name",)


@admin.register(Device)
class DeviceAdmin(ReadOnlyAdmin):
    list_display = ("serial", "model", "status", "owner", "is_online", "last_seen_at")
    list_filter = ("status", "is_online", "model")
    search_fields = ("serial", "owner__email")
    list_select_related = ("model", "owner")


@admin.register(DeviceBindingCode)
class DeviceBindingCodeAdmin(ReadOnlyAdmin):
    list_display = ("device", "expires_at", "used_at")
    search_fields = ("device__serial",)
    # The code itself binds a device: not shown in lists.
    exclude = ("code",)


@admin.register(DeviceShare)
class DeviceShareAdmin(ReadOnlyAdmin):
    list_display = ("device", "user", "role")
    list_filter = ("role",)


@admin.register(DeviceCredential)
class DeviceCredentialAdmin(ReadOnlyAdmin):
    list_display = ("device", "created_at", "revoked_at")
    exclude = ("token_hash",)


@admin.register(DeviceShadow)
class DeviceShadowAdmin(ReadOnlyAdmin):
    list_display = ("device", "reported_version", "desired_version", "updated_at")


@admin.register(Reading)
class ReadingAdmin(ReadOnlyAdmin):
    list_display = ("device", "device_ts", "received_at", "message_id")
    list_select_related = ("device",)
