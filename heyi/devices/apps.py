"""App config for devices: smart products as devices, their shadows, credentials and telemetry."""

from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "heyi.devices"
    label = "devices"
    verbose_name = "Devices"

    def ready(self) -> None:
        # Orders may not import devices: a delivered smart product becomes a device this way.
        from heyi.devices.services import devices_on_delivery
        from heyi.orders import stage_hooks

        stage_hooks.register("delivered", devices_on_delivery)
