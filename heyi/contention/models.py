"""Tenders, their sealed bids (every revision kept) and the award lines of the one contest engine."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from heyi.core.models import BaseModel, Category


class SubjectType(models.TextChoices):
    DEMAND_PRODUCTION = "demand_production", _("Production of a demand")
    SUPPLY_RFQ = "supply_rfq", _("Supply request for quotation")
    DELIVERY_ROUTE = "delivery_route", _("Delivery route")
    SERVICE_TICKET = "service_ticket", _("Service ticket")


class TenderStatus(models.TextChoices):
    # The rule may still change while a tender is a draft; from `published` on it is frozen.
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published, opens soon")
    OPEN = "open", _("Open for bids")
    # Closing and awarding happen in one transaction, so no tender rests closed but unawarded.
    AWARDED = "awarded", _("Awarded")
    NO_AWARD = "no_award", _("Closed without award")
    CANCELLED = "cancelled", _("Cancelled")


# While a tender is in one of these states its bids are sealed.
SEALED_STATUSES = (TenderStatus.DRAFT, TenderStatus.PUBLISHED, TenderStatus.OPEN)


class Tender(BaseModel):
    """One contest: a subject, a quantity, a window, eligibility and a published scoring rule."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    subject_type = models.CharField(_("subject"), max_length=30, choices=SubjectType.choices)
    subject_uid = models.UUIDField(_("subject identifier"))
    demand_uid = models.UUIDField(null=True, blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=200)
    requirements = models.TextField(_("requirements"), max_length=8000)
    quantity = models.PositiveIntegerField(_("quantity"))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"), db_index=True)
    categories = models.ManyToManyField(Category, related_name="tenders", blank=True)
    minimum_rating = models.DecimalField(
        _("minimum rating"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    # Venture statuses and kinds allowed to bid; an empty list allows every one.
    venture_statuses = models.JSONField(default=list, blank=True)
    venture_kinds = models.JSONField(default=list, blank=True)
    rule = models.JSONField(_("scoring rule"))
    rule_fingerprint = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=20, choices=TenderStatus.choices, default=TenderStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.CharField(max_length=500, blank=True)
    # The count of current, active bids: what everybody may know while bids are sealed.
    bid_count = models.PositiveIntegerField(default=0)
    award = models.JSONField(null=True, blank=True)
    award_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")
        indexes = [
            models.Index(fields=["status", "closes_at"]),
            models.Index(fields=["status", "opens_at"]),
            models.Index(fields=["subject_type", "subject_uid"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="contention_tender_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="contention_tender_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    @property
    def is_sealed(self) -> bool:
        return self.status in SEALED_STATUSES


class BidStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Bid(BaseModel):
    """One revision of a venture's bid; the row with `is_current` is the bid that counts."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="bids")
    venture = models.ForeignKey(
        "ventures.Venture", on_delete=models.PROTECT, related_name="tender_bids"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"))
    capacity = models.PositiveIntegerField(_("capacity"))
    plan = models.TextField(_("plan"), max_length=4000, blank=True)
    bet_target = models.DecimalField(
        _("bet target"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=BidStatus.choices, default=BidStatus.ACTIVE
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    revision = models.PositiveIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    # Set at close: the venture's record values the bid was scored with, its score and rank.
    criteria_values = models.JSONField(default=dict, blank=True)
    score = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["tender", "venture", "revision"]
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "venture"],
                condition=Q(is_current=True),
                name="contention_bid_one_current_per_venture",
            ),
            models.UniqueConstraint(
                fields=["tender", "venture", "revision"],
                name="contention_bid_revision_unique",
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="contention_bid_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="contention_bid_capacity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venture} on {self.tender} (revision {self.revision})"


class AwardLine(BaseModel):
    """The part of an awarded tender's quantity that went to one bid."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="award_lines")
    bid = models.ForeignKey(Bid, on_delete=models.PROTECT, related_name="award_lines")
    venture = models.ForeignKey("ventures.Venture", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=6)
    rank = models.PositiveIntegerField(_("rank"))

    class Meta:
        ordering = ["tender", "rank"]
        verbose_name = _("award line")
        verbose_name_plural = _("award lines")
        constraints = [
            models.UniqueConstraint(
                fields=["tender", "bid"], name="contention_awardline_one_per_bid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.venture} on {self.tender}"


# --- daily order contention ---------------------------------------------------------------


class StandingBidStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")


class StandingBid(BaseModel):
    """A venture's standing offer to make a standard product: unit price and lead time.

    The venture's daily capacity is its `capacity_per_day`, shared by all its standing bids.
    Every change is kept in the audit trail; this row is the offer that counts today.
    """

    venture = models.ForeignKey(
        "ventures.Venture", on_delete=models.PROTECT, related_name="standing_bids"
    )
    product = models.ForeignKey(
        "products.Product", on_delete=models.PROTECT, related_name="standing_bids"
    )
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=StandingBidStatus.choices,
        default=StandingBidStatus.ACTIVE,
    )
    revision = models.PositiveIntegerField(default=1)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["product", "unit_price", "venture"]
        verbose_name = _("standing bid")
        verbose_name_plural = _("standing bids")
        constraints = [
            models.UniqueConstraint(
                fields=["venture", "product"], name="contention_standingbid_one_per_product"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="contention_standingbid_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.venture} on {self.product} at {self.unit_price}"


class DailyRunTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("The daily schedule")
    OPERATOR = "operator", _("An operator")


class DailyRun(BaseModel):
    """One run of the daily order contention: its inputs' sizes, the solver's answer and bound."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    run_on = models.DateField(_("day"), db_index=True)
    trigger = models.CharField(max_length=20, choices=DailyRunTrigger.choices)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The published cost rule the run used (lead-time penalty, time limit).
    rule = models.JSONField(default=dict)
    order_count = models.PositiveIntegerField(default=0)
    unit_count = models.PositiveIntegerField(default=0)
    allocated_count = models.PositiveIntegerField(default=0)
    unallocated_count = models.PositiveIntegerField(default=0)
    venture_count = models.PositiveIntegerField(default=0)
    total_price = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    # In minor units (fen), penalties included; the bound is the solver's proven lower bound.
    objective = models.BigIntegerField(null=True, blank=True)
    bound = models.FloatField(null=True, blank=True)
    solver_status = models.CharField(max_length=20, blank=True)
    method = models.CharField(max_length=20, blank=True)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("daily contention run")
        verbose_name_plural = _("daily contention runs")

    def __str__(self) -> str:
        return f"D{self.number} ({self.run_on})"

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return abs(self.objective - self.bound) / max(abs(self.objective), 1)


class DailyRunLine(models.Model):
    """One order of a run and the venture it went to (none when no venture could take it)."""

    run = models.ForeignKey(DailyRun, on_delete=models.CASCADE, related_name="lines")
    subject_uid = models.UUIDField(_("order"), db_index=True)
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    venture = models.ForeignKey(
        "ventures.Venture", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    unit_price = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    lead_time_days = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["run", "id"]
        verbose_name = _("daily contention line")
        verbose_name_plural = _("daily contention lines")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "subject_uid"], name="contention_dailyrunline_once_per_run"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject_uid} → {self.venture or '—'}"
