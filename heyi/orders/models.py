"""Pre-orders: a campaign per chosen design, and the configured pre-orders users place in it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from heyi.core.models import BaseModel
from heyi.demands.models import Demand


class CampaignStatus(models.TextChoices):
    OPEN = "open", _("Open")
    REACHED = "reached", _("Threshold reached")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


# A demand has at most one live campaign; an expired or cancelled one is kept as history and the
# author may start again (see services.campaign_start).
LIVE_CAMPAIGN_STATUSES = (CampaignStatus.OPEN, CampaignStatus.REACHED)


class PreOrderCampaign(BaseModel):
    """The pre-order window of a demand's chosen design: a threshold in units and a deadline."""

    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="pre_order_campaigns")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    threshold = models.PositiveIntegerField(_("threshold (units)"))
    deadline = models.DateTimeField(_("deadline"), db_index=True)
    max_quantity = models.PositiveIntegerField(_("largest quantity per pre-order"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CampaignStatus.choices,
        default=CampaignStatus.OPEN,
        db_index=True,
    )
    # Kept by the services with F() expressions: placed units and pre-orders not cancelled.
    units_pre_ordered = models.PositiveIntegerField(default=0)
    pre_order_count = models.PositiveIntegerField(default=0)
    reached_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(_("reason"), max_length=500, blank=True)
    # Set once the production tender is opened: the task that opens it is idempotent on this.
    tender_uid = models.UUIDField(null=True, blank=True)
    tender_opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pre-order campaign")
        verbose_name_plural = _("pre-order campaigns")
        constraints = [
            models.UniqueConstraint(
                fields=["demand"],
                condition=Q(status__in=["open", "reached"]),
                name="orders_campaign_one_live_per_demand",
            ),
            models.CheckConstraint(condition=Q(threshold__gte=1), name="orders_campaign_threshold"),
            models.CheckConstraint(
                condition=Q(max_quantity__gte=1), name="orders_campaign_max_quantity"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.demand.number}: {self.units_pre_ordered}/{self.threshold}"

    @property
    def progress_percent(self) -> int:
        """Pre-ordered units as a share of the threshold, capped at 100, for the progress bar."""
        if not self.threshold:
            return 0
        return min(100, self.units_pre_ordered * 100 // self.threshold)


class PreOrderStatus(models.TextChoices):
    PLACED = "placed", _("Placed")
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class PreOrder(BaseModel):
    """One person's configured pre-order: options, quantity, price and where to deliver it."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    campaign = models.ForeignKey(
        PreOrderCampaign, on_delete=models.PROTECT, related_name="pre_orders"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="pre_orders"
    )
    options = models.JSONField(_("chosen options"), default=dict, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    address = models.CharField(_("delivery address"), max_length=300)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=PreOrderStatus.choices,
        default=PreOrderStatus.PLACED,
        db_index=True,
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("pre-order")
        verbose_name_plural = _("pre-orders")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orders_preorder_quantity"),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90), name="orders_preorder_latitude"
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=-180, longitude__lte=180),
                name="orders_preorder_longitude",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="orders_preorder_cancel_has_time",
            ),
        ]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"P{self.number} × {self.quantity}"
