"""Writes of supply: catalogue items, bill-of-materials lines, RFQs and the contracts of an award.

An RFQ runs on the one contest engine (heyi.contention): opening it creates and publishes a
tender whose subject is the RFQ and whose bidders are supplier ventures; when the engine decides
that tender it calls `rfq_award_apply` (registered in SupplyConfig.ready), which turns the award
lines into supply contracts.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.contention.models import AwardLine, SubjectType, Tender, TenderStatus
from heyi.contention.scoring import KNOWN_CRITERIA, Criterion, ScoringRule
from heyi.contention.services import tender_create, tender_publish
from heyi.core.audit import audit_record
from heyi.core.errors import InvalidInput, PermissionDenied
from heyi.core.models import Category
from heyi.core.numbering import numbered_create
from heyi.core.text import text_clean
from heyi.designs.models import Module, ProposalVersion
from heyi.designs.selectors import selection_find
from heyi.supply import selectors
from heyi.supply.errors import SupplyError, SupplyErrorCode
from heyi.supply.models import (
    BomLine,
    CatalogueItem,
    ItemKind,
    ItemStatus,
    Rfq,
    RfqStatus,
    SupplyContract,
)
from heyi.ventures.models import Venture, VentureKind, VentureStatus

NAME_MAX = 160
DESCRIPTION_MAX = 4000
CERTIFICATION_MAX = 200
NOTE_MAX = 300
PRICE_MAX = Decimal("9999999999.99")
LEAD_TIME_MAX_DAYS = 3650
CAPACITY_MAX = 10_000_000
QUANTITY_PER_UNIT_MAX = 10_000
NEEDED_BY_MAX_DAYS = 730
NUMBER_ATTEMPTS = 5
# How long an RFQ's tender takes quotations, unless settings.HEYI_SUPPLY_RFQ_HOURS says.
DEFAULT_RFQ_HOURS = 48
# The published rule of supply tenders: price first, then how fast the supplier delivers, then
# its on-time record.
SUPPLY_RULE_WEIGHTS: dict[str, str] = {
    "unit_price": "0.6",
    "lead_time_days": "0.3",
    "on_time_rate": "0.1",
}


def supply_scoring_rule() -> ScoringRule:
    """The published rule of RFQ tenders (directions from scoring.KNOWN_CRITERIA)."""
    return ScoringRule(
        version=1,
        criteria=tuple(
            Criterion(name=name, weight=Decimal(weight), direction=KNOWN_CRITERIA[name])
            for name, weight in SUPPLY_RULE_WEIGHTS.items()
        ),
    )


def rfq_window() -> timedelta:
    return timedelta(hours=int(getattr(settings, "HEYI_SUPPLY_RFQ_HOURS", DEFAULT_RFQ_HOURS)))


# --- checks -----------------------------------------------------------------------------------


def _require_signed_in(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise SupplyError(SupplyErrorCode.NOT_AUTHENTICATED, _("Sign in first."), status=401)


def _require_member(*, venture: Venture, actor: Any) -> None:
    _require_signed_in(actor)
    if not selectors.user_acts_for_venture(venture=venture, user=actor):
        raise PermissionDenied(
            _("Only the members of %(venture)s may do this.") % {"venture": venture.name},
            code=SupplyErrorCode.NOT_VENTURE_MEMBER,
        )


def _price(value: Any) -> Decimal:
    message = _("The unit price must be more than zero, at most %(max)s, with at most 2 decimals.")
    if isinstance(value, bool) or value is None:
        raise InvalidInput(message % {"max": PRICE_MAX}, code=SupplyErrorCode.PRICE_INVALID)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput(
            message % {"max": PRICE_MAX}, code=SupplyErrorCode.PRICE_INVALID
        ) from None
    if (
        not number.is_finite()
        or number <= 0
        or number > PRICE_MAX
        or number != number.quantize(Decimal("0.01"))
    ):
        raise InvalidInput(message % {"max": PRICE_MAX}, code=SupplyErrorCode.PRICE_INVALID)
    return number.quantize(Decimal("0.01"))


def _whole(value: Any, *, low: int, high: int, code: str, field: str) -> int:
    """An int within [low, high]; booleans and text are refused, not coerced."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(
            _("%(field)s must be a whole number from %(low)d to %(high)d.")
            % {"field": field, "low": low, "high": high},
            code=code,
        )
    return value


def _category(slug: str) -> Category:
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise InvalidInput(
            _("Unknown category: %(slug)s.") % {"slug": slug},
            code=SupplyErrorCode.CATEGORY_UNKNOWN,
        )
    return category


def _item_fields(
    *,
    name: str,
    kind: str,
    description: str,
    category: str,
    unit_price: Any,
    lead_time_days: Any,
    capacity_per_week: Any,
    certification: str,
    certification_valid_until: date | None,
) -> dict[str, Any]:
    if kind not in ItemKind.values:
        raise InvalidInput(
            _("The kind must be one of: %(kinds)s.") % {"kinds": ", ".join(ItemKind.values)},
            code=SupplyErrorCode.KIND_INVALID,
        )
    if certification_valid_until is not None and not isinstance(certification_valid_until, date):
        raise InvalidInput(
            _("The certification date must be a date."),
            code=SupplyErrorCode.CERTIFICATION_DATE_INVALID,
        )
    certification = text_clean(
        value=certification,
        field=_("Certification"),
        max_length=CERTIFICATION_MAX,
        required=False,
    )
    if certification_valid_until is not None and not certification:
        raise InvalidInput(
            _("Name the certification that is valid until that date."),
            code=SupplyErrorCode.CERTIFICATION_DATE_INVALID,
        )
    return {
        "name": text_clean(value=name, field=_("Name"), max_length=NAME_MAX),
        "kind": kind,
        "description": text_clean(
            value=description,
            field=_("Description"),
            max_length=DESCRIPTION_MAX,
            required=False,
        ),
        "category": _category(category),
        "unit_price": _price(unit_price),
        "lead_time_days": _whole(
            lead_time_days,
            low=0,
            high=LEAD_TIME_MAX_DAYS,
            code=SupplyErrorCode.LEAD_TIME_INVALID,
            field=_("Lead time"),
        ),
        "capacity_per_week": _whole(
            capacity_per_week,
            low=1,
            high=CAPACITY_MAX,
            code=SupplyErrorCode.CAPACITY_INVALID,
            field=_("Capacity"),
        ),
        "certification": certification,
        "certification_valid_until": certification_valid_until,
    }


def _item_audit_data(item: CatalogueItem) -> dict[str, Any]:
    return {
        "number": item.number,
        "supplier": item.supplier.slug,
        "name": item.name,
        "kind": item.kind,
        "category": item.category.slug,
        "unit_price": str(item.unit_price),
        "lead_time_days": item.lead_time_days,
        "capacity_per_week": item.capacity_per_week,
        "certification": item.certification,
    }


def _insert(model: type[Any], *, what: str, **fields: Any) -> Any:
    created = numbered_create(model, attempts=NUMBER_ATTEMPTS, **fields)
    if created is None:
        raise SupplyError(
            SupplyErrorCode.NUMBER_ALLOCATION_FAILED,
            _("Many %(what)s are being created right now; please try again.") % {"what": what},
        )
    return created


# --- catalogue --------------------------------------------------------------------------------


@transaction.atomic
def catalogue_item_create(
    *,
    supplier: Venture,
    actor: Any,
    name: str,
    kind: str,
    category: str,
    unit_price: Decimal | str,
    lead_time_days: int,
    capacity_per_week: int,
    description: str = "",
    certification: str = "",
    certification_valid_until: date | None = None,
) -> CatalogueItem:
    """A member of a supplier venture lists an item at a published price and lead time."""
    _require_member(venture=supplier, actor=actor)
    if supplier.kind != VentureKind.SUPPLIER or supplier.status == VentureStatus.DISSOLVED:
        raise SupplyError(
            SupplyErrorCode.NOT_SUPPLIER,
            _("Only a trading supplier venture has a catalogue."),
        )
    fields = _item_fields(
        name=name,
        kind=kind,
        description=description,
        category=category,
        unit_price=unit_price,
        lead_time_days=lead_time_days,
        capacity_per_week=capacity_per_week,
        certification=certification,
        certification_valid_until=certification_valid_until,
    )
    item: CatalogueItem = _insert(
        CatalogueItem, what=_("catalogue items"), supplier=supplier, created_by=actor, **fields
    )
    audit_record(
        type="supply.item.created",
        summary=f"{supplier.name} listed C{item.number} {item.name} at {item.unit_price} CNY",
        actor=actor,
        subject=item,
        data=_item_audit_data(item),
    )
    return item


def _item_lock(item: CatalogueItem) -> CatalogueItem:
    return (
        CatalogueItem.objects.select_for_update(of=("self",))
        .select_related("supplier", "category")
        .get(pk=item.pk)
    )


@transaction.atomic
def catalogue_item_update(
    *,
    item: CatalogueItem,
    actor: Any,
    name: str,
    kind: str,
    category: str,
    unit_price: Decimal | str,
    lead_time_days: int,
    capacity_per_week: int,
    description: str = "",
    certification: str = "",
    certification_valid_until: date | None = None,
) -> CatalogueItem:
    """Change an active item's details; retired items stay as they were."""
    _require_member(venture=item.supplier, actor=actor)
    fields = _item_fields(
        name=name,
        kind=kind,
        description=description,
        category=category,
        unit_price=unit_price,
        lead_time_days=lead_time_days,
        capacity_per_week=capacity_per_week,
        certification=certification,
        certification_valid_until=certification_valid_until,
    )
    locked = _item_lock(item)
    if locked.status != ItemStatus.ACTIVE:
        raise SupplyError(SupplyErrorCode.ITEM_RETIRED, _("A retired item cannot be changed."))
    before = _item_audit_data(locked)
    for name_, value in fields.items():
        setattr(locked, name_, value)
    locked.save()
    after = _item_audit_data(locked)
    audit_record(
        type="supply.item.updated",
        summary=f"{locked.supplier.name} updated C{locked.number} {locked.name}",
        actor=actor,
        subject=locked,
        data={
            key: {"from": before[key], "to": after[key]}
            for key in after
            if before[key] != after[key]
        },
    )
    return locked


@transaction.atomic
def catalogue_item_retire(*, item: CatalogueItem, actor: Any) -> CatalogueItem:
    """Take an item out of the catalogue; lines and RFQs already using it keep it."""
    _require_member(venture=item.supplier, actor=actor)
    locked = _item_lock(item)
    if locked.status != ItemStatus.ACTIVE:
        raise SupplyError(SupplyErrorCode.ITEM_RETIRED, _("This item is already retired."))
    locked.status = ItemStatus.RETIRED
    locked.retired_at = timezone.now()
    locked.save(update_fields=["status", "retired_at", "updated_at"])
    audit_record(
        type="supply.item.retired",
        summary=f"{locked.supplier.name} retired C{locked.number} {locked.name}",
        actor=actor,
        subject=locked,
        data={"number": locked.number},
    )
    return locked


# --- bills of materials -----------------------------------------------------------------------


def _require_edits_bom(*, version: ProposalVersion, actor: Any) -> None:
    _require_signed_in(actor)
    if not selectors.user_edits_bom(proposal=version.proposal, user=actor):
        raise PermissionDenied(
            _(
                "Only the proposal's author or its venture's members may change its bill of materials."
            ),
            code=SupplyErrorCode.NOT_PROPOSAL_AUTHOR,
        )


def _quantity_per_unit(value: Any) -> int:
    return _whole(
        value,
        low=1,
        high=QUANTITY_PER_UNIT_MAX,
        code=SupplyErrorCode.QUANTITY_INVALID,
        field=_("Quantity per unit"),
    )


def _line_audit(*, type: str, summary: str, line: BomLine, actor: Any, **data: Any) -> None:
    version = line.version
    audit_record(
        type=type,
        summary=summary,
        actor=actor,
        subject=line,
        demand_uid=version.proposal.demand.uid,
        data={
            "proposal": str(version.proposal.uid),
            "version": version.number,
            "item": line.item.number,
            "quantity_per_unit": line.quantity_per_unit,
            **data,
        },
    )


@transaction.atomic
def bom_line_add(
    *,
    version: ProposalVersion,
    actor: Any,
    item: CatalogueItem,
    quantity_per_unit: int,
    module: Module | None = None,
    note: str = "",
) -> BomLine:
    """Add a catalogue item to a design version's bill of materials, maybe for one module."""
    _require_edits_bom(version=version, actor=actor)
    quantity_per_unit = _quantity_per_unit(quantity_per_unit)
    note = text_clean(value=note, field=_("Note"), max_length=NOTE_MAX, required=False)
    # Read afresh: the caller's copy may predate a retirement.
    if not CatalogueItem.objects.filter(pk=item.pk, status=ItemStatus.ACTIVE).exists():
        raise SupplyError(
            SupplyErrorCode.ITEM_RETIRED, _("A retired catalogue item cannot be added.")
        )
    if module is not None and module.version_id != version.pk:
        raise InvalidInput(
            _("That module belongs to another version of the design."),
            code=SupplyErrorCode.MODULE_NOT_IN_VERSION,
        )
    duplicate = BomLine.objects.filter(version=version, item=item, module=module).exists()
    if duplicate:
        raise SupplyError(
            SupplyErrorCode.BOM_LINE_EXISTS,
            _("C%(number)s is already on this bill of materials; change its quantity instead.")
            % {"number": item.number},
        )
    line = BomLine.objects.create(
        version=version,
        module=module,
        item=item,
        quantity_per_unit=quantity_per_unit,
        note=note,
        added_by=actor,
    )
    _line_audit(
        type="supply.bom_line.added",
        summary=f"{quantity_per_unit} × C{item.number} {item.name} added to the bill of materials",
        line=line,
        actor=actor,
        module=module.name if module is not None else "",
    )
    return line


@transaction.atomic
def bom_line_update(
    *, line: BomLine, actor: Any, quantity_per_unit: int, note: str = ""
) -> BomLine:
    """Change a line's quantity per unit and note; a line an RFQ was opened for is fixed."""
    _require_edits_bom(version=line.version, actor=actor)
    quantity_per_unit = _quantity_per_unit(quantity_per_unit)
    note = text_clean(value=note, field=_("Note"), max_length=NOTE_MAX, required=False)
    locked = BomLine.objects.select_for_update().get(pk=line.pk)
    if locked.rfqs.exists():
        raise SupplyError(
            SupplyErrorCode.BOM_LINE_IN_USE,
            _("Suppliers were asked to quote for this line; it can no longer change."),
        )
    before = locked.quantity_per_unit
    locked.quantity_per_unit = quantity_per_unit
    locked.note = note
    locked.save(update_fields=["quantity_per_unit", "note", "updated_at"])
    line.quantity_per_unit, line.note = quantity_per_unit, note
    _line_audit(
        type="supply.bom_line.updated",
        summary=f"Bill of materials: C{line.item.number} now {quantity_per_unit} per unit",
        line=line,
        actor=actor,
        previous_quantity_per_unit=before,
    )
    return line


@transaction.atomic
def bom_line_remove(*, line: BomLine, actor: Any) -> None:
    """Remove a line nobody was asked to quote for."""
    _require_edits_bom(version=line.version, actor=actor)
    locked = BomLine.objects.select_for_update().get(pk=line.pk)
    if locked.rfqs.exists():
        raise SupplyError(
            SupplyErrorCode.BOM_LINE_IN_USE,
            _("Suppliers were asked to quote for this line; it can no longer be removed."),
        )
    _line_audit(
        type="supply.bom_line.removed",
        summary=f"C{line.item.number} {line.item.name} removed from the bill of materials",
        line=line,
        actor=actor,
    )
    locked.delete()


# --- requests for quotation -------------------------------------------------------------------


def _rfq_requirements(*, rfq_quantity: int, line: BomLine, needed_by: date, demand: Any) -> str:
    item = line.item
    lines = [
        f"{rfq_quantity} × {item.name} ({item.get_kind_display()}), "
        f"as catalogue item C{item.number} of {item.supplier.name}.",
        f"For demand #{demand.number}: {demand.title}",
        f"{line.quantity_per_unit} per unit made"
        + (f", for the module {line.module.name}" if line.module is not None else "")
        + ".",
        f"Needed by {needed_by.isoformat()}.",
    ]
    if item.certification:
        lines.append(f"Certification: {item.certification}.")
    if item.description:
        lines.append(item.description)
    if line.note:
        lines.append(line.note)
    return "\n".join(lines)


@transaction.atomic
def rfq_open(
    *,
    production_tender: Tender,
    venture: Venture,
    bom_line: BomLine,
    actor: Any,
    needed_by: date,
) -> Rfq:
    """A member of a venture that won part of a production tender asks suppliers to quote for
    one line of the demand's chosen design: awarded units × quantity per unit.

    Opens a supply tender on the contention engine at once, under the published supply rule,
    for supplier ventures working in the item's category.
    """
    _require_member(venture=venture, actor=actor)
    if production_tender.subject_type != SubjectType.DEMAND_PRODUCTION:
        raise InvalidInput(
            _("RFQs are opened from a production tender."),
            code=SupplyErrorCode.NOT_PRODUCTION_TENDER,
        )
    if production_tender.status != TenderStatus.AWARDED:
        raise SupplyError(
            SupplyErrorCode.TENDER_NOT_AWARDED,
            _("Tender #%(number)s has not been awarded.") % {"number": production_tender.number},
        )
    units = selectors.awarded_units(tender=production_tender, venture=venture)
    if units == 0:
        raise PermissionDenied(
            _("%(venture)s won no part of tender #%(number)s.")
            % {"venture": venture.name, "number": production_tender.number},
            code=SupplyErrorCode.NOT_AWARDED_VENTURE,
        )
    demand = bom_line.version.proposal.demand
    selection = selection_find(demand=demand)
    if (
        demand.uid != production_tender.demand_uid
        or selection is None
        or selection.version_id != bom_line.version_id
    ):
        raise InvalidInput(
            _("The line is not on the bill of materials of the tender's chosen design."),
            code=SupplyErrorCode.LINE_NOT_IN_SELECTED_DESIGN,
        )
    now = timezone.now()
    closes_at = now + rfq_window()
    if (
        not isinstance(needed_by, date)
        or needed_by <= timezone.localdate(closes_at)
        or needed_by > timezone.localdate(now) + timedelta(days=NEEDED_BY_MAX_DAYS)
    ):
        raise InvalidInput(
            _(
                "The date needed by must come after the quotations close (%(closes)s) and within "
                "%(days)d days."
            )
            % {"closes": timezone.localdate(closes_at).isoformat(), "days": NEEDED_BY_MAX_DAYS},
            code=SupplyErrorCode.NEEDED_BY_INVALID,
        )
    live = Rfq.objects.filter(
        production_tender_uid=production_tender.uid,
        venture=venture,
        bom_line=bom_line,
        status__in=[RfqStatus.OPEN, RfqStatus.AWARDED],
    )
    if live.exists():
        raise SupplyError(
            SupplyErrorCode.RFQ_EXISTS,
            _("%(venture)s already asked suppliers to quote for this line.")
            % {"venture": venture.name},
        )
    item = bom_line.item
    quantity = units * bom_line.quantity_per_unit
    rfq_uid = uuid.uuid4()
    tender = tender_create(
        subject_type=SubjectType.SUPPLY_RFQ,
        subject_uid=rfq_uid,
        title=f"Supply of {quantity} × {item.name} for #{demand.number}"[:200],
        requirements=_rfq_requirements(
            rfq_quantity=quantity, line=bom_line, needed_by=needed_by, demand=demand
        ),
        quantity=quantity,
        opens_at=now,
        closes_at=closes_at,
        rule=supply_scoring_rule(),
        created_by=None,
        categories=[item.category.slug],
        venture_kinds=[VentureKind.SUPPLIER],
        venture_statuses=[
            VentureStatus.INCUBATING,
            VentureStatus.ACCELERATING,
            VentureStatus.RAISING,
            VentureStatus.SPUN_OFF,
        ],
    )
    tender = tender_publish(tender=tender)
    try:
        with transaction.atomic():
            rfq: Rfq = _insert(
                Rfq,
                what=_("requests for quotation"),
                uid=rfq_uid,
                demand=demand,
                production_tender_uid=production_tender.uid,
                bom_line=bom_line,
                venture=venture,
                quantity=quantity,
                needed_by=needed_by,
                tender_uid=tender.uid,
                opened_by=actor,
            )
    except IntegrityError as error:
        raise SupplyError(
            SupplyErrorCode.RFQ_EXISTS,
            _("%(venture)s already asked suppliers to quote for this line.")
            % {"venture": venture.name},
        ) from error
    audit_record(
        type="supply.rfq.opened",
        summary=f"{venture.name} asked suppliers to quote for {quantity} × {item.name} "
        f"(RFQ{rfq.number}, tender #{tender.number})",
        actor=actor,
        subject=rfq,
        demand_uid=demand.uid,
        data={
            "number": rfq.number,
            "tender": tender.number,
            "item": item.number,
            "quantity": quantity,
            "needed_by": needed_by.isoformat(),
            "rule": tender.rule,
        },
    )
    return rfq


def rfq_tender(*, rfq: Rfq) -> Tender:
    return Tender.objects.get(uid=rfq.tender_uid)


@transaction.atomic
def rfq_decide(*, tender: Tender) -> Rfq | None:
    """Turn the decided supply tender into contracts (or mark the RFQ failed). Idempotent."""
    rfq = (
        Rfq.objects.select_for_update(of=("self",))
        .select_related("demand", "venture", "bom_line__item")
        .filter(tender_uid=tender.uid)
        .first()
    )
    if rfq is None or rfq.status != RfqStatus.OPEN:
        return rfq
    tender = Tender.objects.get(pk=tender.pk)
    now = timezone.now()
    if tender.status == TenderStatus.NO_AWARD:
        rfq.status = RfqStatus.FAILED
        rfq.decided_at = now
        rfq.save(update_fields=["status", "decided_at", "updated_at"])
        audit_record(
            type="supply.rfq.failed",
            summary=f"RFQ{rfq.number}: no supplier quoted",
            subject=rfq,
            demand_uid=rfq.demand.uid,
            data={"number": rfq.number, "tender": tender.number},
        )
        return rfq
    if tender.status != TenderStatus.AWARDED:
        return rfq
    closed_on = timezone.localdate(tender.closed_at or now)
    contracts = []
    for line in (
        AwardLine.objects.filter(tender=tender).select_related("bid", "venture").order_by("rank")
    ):
        contract: SupplyContract = _insert(
            SupplyContract,
            what=_("supply contracts"),
            rfq=rfq,
            supplier=line.venture,
            award_line_uid=line.uid,
            quantity=line.quantity,
            unit_price=line.unit_price,
            total=line.unit_price * line.quantity,
            lead_time_days=line.bid.lead_time_days,
            due_date=closed_on + timedelta(days=line.bid.lead_time_days),
        )
        contracts.append(contract)
        audit_record(
            type="supply.contract.created",
            summary=f"SC{contract.number}: {line.venture.name} supplies {contract.quantity} × "
            f"{rfq.bom_line.item.name} at {contract.unit_price} CNY",
            subject=contract,
            demand_uid=rfq.demand.uid,
            data={
                "number": contract.number,
                "rfq": rfq.number,
                "supplier": line.venture.slug,
                "quantity": contract.quantity,
                "unit_price": str(contract.unit_price),
                "total": str(contract.total),
                "due_date": contract.due_date.isoformat(),
            },
        )
    rfq.status = RfqStatus.AWARDED
    rfq.decided_at = now
    rfq.save(update_fields=["status", "decided_at", "updated_at"])
    audit_record(
        type="supply.rfq.awarded",
        summary=f"RFQ{rfq.number} awarded: {len(contracts)} supply contract(s)",
        subject=rfq,
        demand_uid=rfq.demand.uid,
        data={
            "number": rfq.number,
            "tender": tender.number,
            "contracts": [c.number for c in contracts],
            "awarded_quantity": sum(c.quantity for c in contracts),
        },
    )
    return rfq


def rfq_award_apply(*, tender: Tender) -> None:
    """The award handler for supply tenders (registered in SupplyConfig.ready).

    Numbers are taken as highest + 1; two awards committing at once may collide on one, so the
    whole (idempotent) transaction is retried.
    """
    for attempt in range(NUMBER_ATTEMPTS):
        try:
            rfq_decide(tender=tender)
            return
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise
