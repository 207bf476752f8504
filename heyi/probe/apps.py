"""App config for the probe: a minimal one-insert endpoint, the yardstick of the load benchmark."""

from django.apps import AppConfig


class ProbeConfig(AppConfig):
    name = "heyi.probe"
    label = "probe"
    verbose_name = "Benchmark probe"
