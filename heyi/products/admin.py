"""Admin of standard products: operators put them on sale, change prices, retire them."""

from __future__ import annotations

from django.contrib import admin

from heyi.products.models import Product


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "list_price", "currency", "status")
    list_filter = ("status", "category")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
