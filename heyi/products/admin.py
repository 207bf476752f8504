"""Admin of standard products: operators put them on sale, change prices, retire them."""

from __future__ import annotations

from django import forms
from django.contrib import admin

from heyi.products.models import Product
from heyi.products.services import SIZE_MAX


class ProductAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    # The packed size loads the delivery vans: zero would make a product weightless.
    volume_litres = forms.IntegerField(min_value=1, max_value=SIZE_MAX)
    weight_kg = forms.IntegerField(min_value=1, max_value=SIZE_MAX)

    class Meta:
        model = Product
        fields = (
            "slug",
            "name",
            "description",
            "category",
            "list_price",
            "currency",
            "volume_litres",
            "weight_kg",
            "demand_uid",
            "status",
            "created_by",
        )


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    form = ProductAdminForm
    list_display = (
        "name",
        "category",
        "list_price",
        "currency",
        "volume_litres",
        "weight_kg",
        "status",
    )
    list_filter = ("status", "category")
    search_fields = ("name", "slug", "description")
    prepopulated_fields = {"slug": ("name",)}
