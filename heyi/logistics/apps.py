"""App config for logistics: the network of centres and stations, promises, routes."""

from django.apps import AppConfig


class LogisticsConfig(AppConfig):
    name = "heyi.logistics"
    label = "logistics"
    verbose_name = "Logistics"
