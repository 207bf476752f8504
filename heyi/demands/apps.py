"""App config for demands."""

from django.apps import AppConfig


class DemandsConfig(AppConfig):
    name = "heyi.demands"
    label = "demands"
    verbose_name = "Demands"
