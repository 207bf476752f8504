"""App config for orders."""

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "heyi.orders"
    label = "orders"
    verbose_name = "Orders"
