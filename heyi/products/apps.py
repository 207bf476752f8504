"""App config for standard products: existing products ordered directly, not made to order."""

from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "heyi.products"
    label = "products"
    verbose_name = "Standard products"
