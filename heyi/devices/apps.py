"""App config for devices: smart products as devices, their shadows, credentials and telemetry."""

from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "heyi.devices"
    label = "devices"
    verbose_name = "Devices"
