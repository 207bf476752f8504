"""App config for dashboards: the platform in numbers, and the operators' dashboard."""

from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "heyi.dashboards"
    label = "dashboards"
    verbose_name = "Dashboards"
