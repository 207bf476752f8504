"""Standard products: existing products a user orders directly, made by whichever venture wins
the day's order contention."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from heyi.core.models import BaseModel, Category


class ProductStatus(models.TextChoices):
    ACTIVE = "active", _("On sale")
    RETIRED = "retired", _("Retired")


class Product(BaseModel):
    """A product on sale at a list price; the day's contention decides who makes each order."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), max_length=8000)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", null=True, blank=True
    )
    list_price = models.DecimalField(_("price"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    # Packed size and weight of one unit: route planning loads vans by both (appliances are bulky).
    volume_litres = models.PositiveIntegerField(_("packed volume (litres)"), default=100)
    weight_kg = models.PositiveIntegerField(_("packed weight (kg)"), default=30)
    # Where a made-to-order design became a standard product, the demand it came from.
    demand_uid = models.UUIDField(null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ProductStatus.choices, default=ProductStatus.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("standard product")
        verbose_name_plural = _("standard products")
        constraints = [
            models.CheckConstraint(
                condition=Q(list_price__gte=0), name="products_product_price_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_on_sale(self) -> bool:
        return self.status == ProductStatus.ACTIVE
