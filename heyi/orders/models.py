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


# --- orders -----------------------------------------------------------------------------------


class OrderStage(models.TextChoices):
    # The values are heyi.orders.stages.Stage's; the machine itself lives there.
    PLACED = "placed", _("Placed")
    PAID = "paid", _("Paid")
    CONFIRMED = "confirmed", _("Confirmed")
    SOURCING = "sourcing", _("Sourcing")
    IN_PRODUCTION = "in_production", _("In production")
    QUALITY_CHECKED = "quality_checked", _("Quality checked")
    SHIPPED = "shipped", _("Shipped")
    AT_STATION = "at_station", _("At the station")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    INSTALLED = "installed", _("Installed")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    REFUNDED = "refunded", _("Refunded")
    EXCEPTION = "exception", _("Exception")


class SampleStatus(models.TextChoices):
    NONE = "", _("No sample yet")
    PENDING = "pending", _("Waiting for your approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class DeliveryWindow(models.TextChoices):
    MORNING = "09-12", _("09:00–12:00")
    MIDDAY = "12-15", _("12:00–15:00")
    AFTERNOON = "15-18", _("15:00–18:00")
    EVENING = "18-21", _("18:00–21:00")


class Fulfilment(models.TextChoices):
    STOCK = "stock", _("From stock at a centre")
    MADE_TO_ORDER = "made_to_order", _("Made to order")


class Order(BaseModel):
    """One person's order made by one venture: what they pay, what the venture is paid, its stage."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    pre_order = models.OneToOneField(
        PreOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="order"
    )
    # A made-to-order order has the demand it was designed for; a standard order its product.
    demand = models.ForeignKey(
        Demand, on_delete=models.PROTECT, related_name="orders", null=True, blank=True
    )
    product = models.ForeignKey(
        "products.Product", on_delete=models.PROTECT, related_name="orders", null=True, blank=True
    )
    # Empty until the day's order contention allocates a standard order to a venture.
    venture = models.ForeignKey(
        "ventures.Venture", on_delete=models.PROTECT, related_name="orders", null=True, blank=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    tender_uid = models.UUIDField(null=True, blank=True)
    # The published share rule the order's money is shared by at completion: its tender's for
    # an order from an award, the standard default in force when a standard order was placed.
    share_rule = models.ForeignKey(
        "ledger.ShareRule", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    options = models.JSONField(_("chosen options"), default=dict, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    # What the user pays: the configured price they pre-ordered at.
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    # What the venture is paid per unit: its awarded price (the ledger posts the difference).
    maker_unit_price = models.DecimalField(
        _("maker unit price"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # The maker's promised lead time, and when the daily contention allocated the order.
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"), null=True, blank=True)
    allocated_at = models.DateTimeField(null=True, blank=True)
    # The maker's promise (award or allocation + lead time) and when the goods arrived: the
    # venture's on-time record. A late order's user is told once (delay_noticed_at).
    promised_by = models.DateTimeField(_("promised by"), null=True, blank=True, db_index=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delay_noticed_at = models.DateTimeField(null=True, blank=True)
    # What the user was promised at checkout (logistics quotes it: 24 hours from a centre with
    # stock in reach, otherwise lead time plus transport), and how the order is fulfilled.
    # Empty for orders placed before the network existed.
    fulfilment = models.CharField(
        _("fulfilment"), max_length=20, choices=Fulfilment.choices, blank=True
    )
    delivery_promised_at = models.DateTimeField(
        _("delivery promised by"), null=True, blank=True, db_index=True
    )
    address = models.CharField(_("delivery address"), max_length=300)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    stage = models.CharField(
        _("stage"),
        max_length=20,
        choices=OrderStage.choices,
        default=OrderStage.PLACED,
        db_index=True,
    )
    stage_changed_at = models.DateTimeField(_("stage changed at"))
    # The stage an exception was raised from: the only one the order may return to.
    stage_before_exception = models.CharField(max_length=20, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    sample_status = models.CharField(
        _("sample"), max_length=20, choices=SampleStatus.choices, blank=True, default=""
    )
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    delivery_window = models.CharField(
        _("delivery window"), max_length=5, choices=DeliveryWindow.choices, blank=True
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orders_order_quantity"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0) & Q(maker_unit_price__gte=0),
                name="orders_order_prices_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(demand__isnull=False) | Q(product__isnull=False),
                name="orders_order_demand_or_product",
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["venture", "stage"]),
            models.Index(fields=["product", "stage"]),
        ]

    def __str__(self) -> str:
        return f"O{self.number} × {self.quantity}"

    @property
    def is_standard(self) -> bool:
        return self.product_id is not None

    @property
    def title(self) -> str:
        if self.product is not None:
            return self.product.name
        return self.demand.title if self.demand is not None else ""


class OrderEventKind(models.TextChoices):
    STAGE = "stage", _("Stage")
    SAMPLE_APPROVED = "sample_approved", _("Sample approved")
    SAMPLE_REJECTED = "sample_rejected", _("Sample rejected")
    DELIVERY_SLOT = "delivery_slot", _("Delivery slot chosen")
    RATED = "rated", _("Rated")
    ALLOCATED = "allocated", _("Allocated by the daily contention")
    DELAYED = "delayed", _("Late against the promise")
    LOGISTICS = "logistics", _("Logistics step")
    COMPENSATED = "compensated", _("Compensated for a missed promise")


class OrderEvent(BaseModel):
    """One step in an order's timeline: who did what, when, with a note and maybe a photo."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=OrderEventKind.choices)
    from_stage = models.CharField(max_length=20, blank=True)
    to_stage = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    party = models.CharField(_("as"), max_length=20)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    photo = models.ImageField(_("photo"), upload_to="orders/%Y/%m/", blank=True)
    occurred_at = models.DateTimeField(_("when"))

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        indexes = [models.Index(fields=["order", "occurred_at"])]

    @property
    def from_stage_label(self) -> str:
        return str(OrderStage(self.from_stage).label) if self.from_stage else ""

    @property
    def to_stage_label(self) -> str:
        return str(OrderStage(self.to_stage).label) if self.to_stage else ""

    def __str__(self) -> str:
        return f"O{self.order.number}: {self.kind} {self.to_stage}"


class OrderRating(BaseModel):
    """The user's rating of the venture for one delivered order: once, 1 to 5 stars."""

    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="rating")
    venture = models.ForeignKey(
        "ventures.Venture", on_delete=models.PROTECT, related_name="ratings"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stars = models.PositiveSmallIntegerField(_("stars"))
    comment = models.TextField(_("comment"), max_length=1000, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("order rating")
        verbose_name_plural = _("order ratings")
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5), name="orders_rating_stars_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"O{self.order.number}: {self.stars}★"
