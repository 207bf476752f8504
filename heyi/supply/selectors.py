"""Reads of supply: the catalogue, bills of materials, RFQs and contracts, with who may see what."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from heyi.accounts.selectors import user_is_operator
from heyi.contention.models import AwardLine, SubjectType, Tender, TenderStatus
from heyi.contention.selectors import tender_list
from heyi.core.errors import NotFound, PermissionDenied
from heyi.demands.models import Demand
from heyi.designs.models import Module, Proposal, ProposalVersion, Selection
from heyi.designs.selectors import selection_find, user_acts_for_proposal
from heyi.supply.errors import SupplyErrorCode
from heyi.supply.models import BomLine, CatalogueItem, ItemStatus, Rfq, SupplyContract
from heyi.ventures.models import Venture
from heyi.ventures.selectors import membership_is_active, venture_list_for_user

# ---------------------------------------------------------------------------------------------
# Who may do what (services enforce these; pages use them to show the right controls)


def user_acts_for_venture(*, venture: Venture, user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and membership_is_active(
        venture=venture, user=user
    )


def user_sees_venture_books(*, venture: Venture, user: Any) -> bool:
    """A venture's RFQs, contracts and retired items: its members and operators."""
    return user_acts_for_venture(venture=venture, user=user) or user_is_operator(user)


def user_edits_bom(*, proposal: Proposal, user: Any) -> bool:
    """The proposal's author or its venture's members edit its bill of materials (as designs
    decides who may post versions of it)."""
    return user_acts_for_proposal(proposal=proposal, user=user)


def _require_books(*, venture: Venture, user: Any) -> None:
    if not user_sees_venture_books(venture=venture, user=user):
        raise PermissionDenied(
            _("Only the venture's members may see this."), code=SupplyErrorCode.NOT_VENTURE_MEMBER
        )


# ---------------------------------------------------------------------------------------------
# Catalogue


def _items() -> QuerySet[CatalogueItem]:
    return CatalogueItem.objects.select_related("supplier", "category")


def catalogue_item_get(*, number: int) -> CatalogueItem:
    try:
        return _items().get(number=number)
    except CatalogueItem.DoesNotExist as error:
        raise NotFound(
            _("No catalogue item C%(number)s.") % {"number": number},
            code=SupplyErrorCode.ITEM_NOT_FOUND,
        ) from error


def catalogue_item_list(
    *, search: str = "", kind: str = "", category: str = "", supplier: str = ""
) -> QuerySet[CatalogueItem]:
    """The public catalogue: active items, filtered; empty filters are ignored."""
    items = _items().filter(status=ItemStatus.ACTIVE)
    if kind:
        items = items.filter(kind=kind)
    if category:
        items = items.filter(category__slug=category)
    if supplier:
        items = items.filter(supplier__slug=supplier)
    for word in (search or "").split():
        items = items.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(certification__icontains=word)
        )
    return items.order_by("name", "number")


def catalogue_item_list_for_venture(*, venture: Venture, user: Any) -> QuerySet[CatalogueItem]:
    """Every item of a supplier, retired ones too, for its members (and operators)."""
    _require_books(venture=venture, user=user)
    return _items().filter(supplier=venture).order_by("status", "name", "number")


# ---------------------------------------------------------------------------------------------
# Bills of materials


def _lines() -> QuerySet[BomLine]:
    return BomLine.objects.select_related(
        "item", "item__supplier", "item__category", "module", "version", "version__proposal"
    )


def bom_line_get(*, uid: uuid.UUID) -> BomLine:
    try:
        return _lines().select_related("version__proposal__demand").get(uid=uid)
    except (BomLine.DoesNotExist, ValueError) as error:
        raise NotFound(
            _("No such bill of materials line."), code=SupplyErrorCode.BOM_LINE_NOT_FOUND
        ) from error


def bom_line_list(*, version: ProposalVersion) -> QuerySet[BomLine]:
    """A design version's bill of materials, in the order its lines were added."""
    return _lines().filter(version=version).order_by("id")


@dataclass(frozen=True)
class DemandBom:
    """The bill of materials of a demand's chosen design, which RFQs draw on."""

    demand: Demand
    selection: Selection | None
    lines: list[BomLine]


def bom_for_demand(*, demand: Demand) -> DemandBom:
    selection = selection_find(demand=demand)
    if selection is None:
        return DemandBom(demand=demand, selection=None, lines=[])
    return DemandBom(
        demand=demand,
        selection=selection,
        lines=list(bom_line_list(version=selection.version)),
    )


# ---------------------------------------------------------------------------------------------
# Production awards: who may open RFQs


@dataclass(frozen=True)
class ProductionAward:
    """A venture's share of a demand's awarded production tender."""

    tender: Tender
    venture: Venture
    units: int


def production_tender_find(*, demand: Demand) -> Tender | None:
    """The demand's awarded production tender, if there is one."""
    return (
        tender_list(
            status=TenderStatus.AWARDED,
            subject_type=SubjectType.DEMAND_PRODUCTION,
            demand_uid=demand.uid,
        )
        .order_by("-number")
        .first()
    )


def awarded_units(*, tender: Tender, venture: Venture) -> int:
    """How many units of a production tender went to the venture (0 when none)."""
    total = AwardLine.objects.filter(tender=tender, venture=venture).aggregate(
        units=Sum("quantity")
    )["units"]
    return int(total or 0)


def production_award_list_for_user(*, demand: Demand, user: Any) -> list[ProductionAward]:
    """The viewer's ventures that won part of the demand's production (for the RFQ form)."""
    tender = production_tender_find(demand=demand)
    if tender is None or not getattr(user, "is_authenticated", False):
        return []
    ventures = {v.pk: v for v in venture_list_for_user(user=user)}
    rows = (
        AwardLine.objects.filter(tender=tender, venture_id__in=list(ventures))
        .values("venture_id")
        .annotate(units=Sum("quantity"))
        .order_by("venture_id")
    )
    return [
        ProductionAward(tender=tender, venture=ventures[row["venture_id"]], units=row["units"])
        for row in rows
    ]


# ---------------------------------------------------------------------------------------------
# RFQs and contracts


def _rfqs() -> QuerySet[Rfq]:
    return Rfq.objects.select_related(
        "demand", "venture", "bom_line", "bom_line__item", "bom_line__item__category", "opened_by"
    )


def rfq_get(*, number: int) -> Rfq:
    """One RFQ; public like the tender it runs on."""
    try:
        return _rfqs().get(number=number)
    except Rfq.DoesNotExist as error:
        raise NotFound(
            _("No request for quotation RFQ%(number)s.") % {"number": number},
            code=SupplyErrorCode.RFQ_NOT_FOUND,
        ) from error


def rfq_list_for_venture(*, venture: Venture, user: Any) -> QuerySet[Rfq]:
    """The RFQs a venture opened as buyer, newest first (its members and operators)."""
    _require_books(venture=venture, user=user)
    return _rfqs().filter(venture=venture).order_by("-number")


def rfq_list_for_demand(*, demand: Demand) -> QuerySet[Rfq]:
    return _rfqs().filter(demand=demand).order_by("-number")


def _contracts() -> QuerySet[SupplyContract]:
    return SupplyContract.objects.select_related(
        "supplier", "rfq", "rfq__venture", "rfq__demand", "rfq__bom_line__item"
    )


def contract_list_for_rfq(*, rfq: Rfq) -> QuerySet[SupplyContract]:
    return _contracts().filter(rfq=rfq).order_by("number")


def contract_list_for_venture(*, venture: Venture, user: Any) -> QuerySet[SupplyContract]:
    """The contracts a supplier venture won, newest first (its members and operators)."""
    _require_books(venture=venture, user=user)
    return _contracts().filter(supplier=venture).order_by("-number")


def contract_get(*, number: int) -> SupplyContract:
    """One contract; public like the award of the tender it came from."""
    try:
        return _contracts().get(number=number)
    except SupplyContract.DoesNotExist as error:
        raise NotFound(
            _("No supply contract SC%(number)s.") % {"number": number},
            code=SupplyErrorCode.CONTRACT_NOT_FOUND,
        ) from error


def module_find(*, version: ProposalVersion, name: str | None) -> Module | None:
    """A module of the version by its name; NotFound for a name the version does not have."""
    if not name:
        return None
    module = Module.objects.filter(version=version, name=name).order_by("position", "id").first()
    if module is None:
        raise NotFound(
            _("Version %(number)s has no module called “%(name)s”.")
            % {"number": version.number, "name": name},
            code=SupplyErrorCode.MODULE_NOT_IN_VERSION,
        )
    return module


def production_demand_list_for_venture(*, venture: Venture) -> list[Demand]:
    """Demands whose production the venture won part of: where it may open RFQs."""
    demand_uids = (
        AwardLine.objects.filter(
            venture=venture,
            tender__status=TenderStatus.AWARDED,
            tender__subject_type=SubjectType.DEMAND_PRODUCTION,
        )
        .values_list("tender__demand_uid", flat=True)
        .distinct()
    )
    return list(Demand.objects.filter(uid__in=list(demand_uids)).order_by("-number"))


def venture_list_for_user_by_kind(*, user: Any) -> dict[str, list[Venture]]:
    """The viewer's ventures: suppliers (catalogue, contracts) and the others (RFQs)."""
    ventures = list(venture_list_for_user(user=user))
    return {
        "suppliers": [v for v in ventures if v.kind == "supplier"],
        "buyers": [v for v in ventures if v.kind != "supplier"],
    }
