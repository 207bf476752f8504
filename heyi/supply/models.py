"""Supply: suppliers' catalogue items, designs' bills of materials, RFQs and supply contracts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from heyi.core.models import BaseModel, Category
from heyi.demands.models import Demand
from heyi.designs.models import Module, ProposalVersion
from heyi.ventures.models import Venture


class ItemKind(models.TextChoices):
    MODULE = "module", _("Module")
    COMPONENT = "component", _("Component")
    SERVICE = "service", _("Service")


class ItemStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class CatalogueItem(BaseModel):
    """What a supplier venture sells at a published price, lead time and weekly capacity."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    supplier = models.ForeignKey(Venture, on_delete=models.PROTECT, related_name="catalogue_items")
    name = models.CharField(_("name"), max_length=160)
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="+")
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"))
    capacity_per_week = models.PositiveIntegerField(_("capacity (units per week)"))
    # Free text such as "CCC, CE, ISO 9001": certificates are named, not modelled.
    certification = models.CharField(_("certification"), max_length=200, blank=True)
    certification_valid_until = models.DateField(
        _("certification valid until"), null=True, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ItemStatus.choices,
        default=ItemStatus.ACTIVE,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "number"]
        verbose_name = _("catalogue item")
        verbose_name_plural = _("catalogue items")
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_price__gt=0), name="supply_item_price_positive"
            ),
            models.CheckConstraint(
                condition=Q(capacity_per_week__gte=1), name="supply_item_capacity_positive"
            ),
        ]
        indexes = [models.Index(fields=["supplier", "status"])]

    def __str__(self) -> str:
        return f"C{self.number} {self.name}"


class BomLine(BaseModel):
    """One line of a design version's bill of materials: a catalogue item per unit made."""

    version = models.ForeignKey(ProposalVersion, on_delete=models.CASCADE, related_name="bom_lines")
    module = models.ForeignKey(
        Module, on_delete=models.SET_NULL, null=True, blank=True, related_name="bom_lines"
    )
    item = models.ForeignKey(CatalogueItem, on_delete=models.PROTECT, related_name="bom_lines")
    quantity_per_unit = models.PositiveIntegerField(_("quantity per unit"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["version", "id"]
        verbose_name = _("bill of materials line")
        verbose_name_plural = _("bill of materials lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity_per_unit__gte=1), name="supply_bomline_quantity_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity_per_unit} × {self.item} in {self.version}"


class RfqStatus(models.TextChoices):
    OPEN = "open", _("Open for quotations")
    AWARDED = "awarded", _("Awarded")
    FAILED = "failed", _("Failed: no award")


class Rfq(BaseModel):
    """A request for quotation: a production winner asks suppliers to bid for one BOM line."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    demand = models.ForeignKey(Demand, on_delete=models.PROTECT, related_name="+")
    production_tender_uid = models.UUIDField(_("production tender"), db_index=True)
    bom_line = models.ForeignKey(BomLine, on_delete=models.PROTECT, related_name="rfqs")
    venture = models.ForeignKey(Venture, on_delete=models.PROTECT, related_name="rfqs")
    quantity = models.PositiveIntegerField(_("quantity"))
    needed_by = models.DateField(_("needed by"))
    status = models.CharField(
        _("status"), max_length=20, choices=RfqStatus.choices, default=RfqStatus.OPEN
    )
    # The supply tender on the contention engine that decides who delivers.
    tender_uid = models.UUIDField(unique=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("request for quotation")
        verbose_name_plural = _("requests for quotation")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="supply_rfq_quantity"),
            # A venture asks once per line of one production award, unless the last try failed.
            models.UniqueConstraint(
                fields=["production_tender_uid", "venture", "bom_line"],
                condition=Q(status__in=["open", "awarded"]),
                name="supply_rfq_one_live_per_line",
            ),
        ]

    def __str__(self) -> str:
        return f"RFQ{self.number}: {self.quantity} × {self.bom_line.item.name}"


class SupplyContract(BaseModel):
    """What one supplier delivers to the requesting venture after winning (part of) an RFQ."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    rfq = models.ForeignKey(Rfq, on_delete=models.PROTECT, related_name="contracts")
    supplier = models.ForeignKey(Venture, on_delete=models.PROTECT, related_name="supply_contracts")
    # The award line it came from: one contract per line makes the award handler idempotent.
    award_line_uid = models.UUIDField(unique=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    lead_time_days = models.PositiveIntegerField(_("lead time (days)"))
    due_date = models.DateField(_("due date"))

    class Meta:
        ordering = ["-number"]
        verbose_name = _("supply contract")
        verbose_name_plural = _("supply contracts")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="supply_contract_quantity"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="supply_contract_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"SC{self.number}: {self.quantity} × RFQ{self.rfq.number}"
