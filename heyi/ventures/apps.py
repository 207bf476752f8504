"""App config for ventures."""

from django.apps import AppConfig


class VenturesConfig(AppConfig):
    name = "heyi.ventures"
    label = "ventures"
    verbose_name = "Ventures"
