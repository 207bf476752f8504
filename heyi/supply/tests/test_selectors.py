"""Supply selectors: the catalogue filters, a demand's BOM, production awards and query budgets."""

from __future__ import annotations

from typing import Any

import pytest

from heyi.designs.tests.factories import person_make
from heyi.supply import selectors
from heyi.supply.services import catalogue_item_retire
from heyi.supply.tests.factories import (
    item_make,
    line_make,
    production_awarded,
    rfq_make,
    supplier_found,
)

pytestmark = pytest.mark.django_db


def test_the_catalogue_list_filters_and_hides_retired_items(
    owner: Any, rival: Any, supplier_venture: Any, rival_supplier: Any
) -> None:
    compressor = item_make(supplier_venture, owner)
    shelf = item_make(supplier_venture, owner, name="Glass shelf", kind="component")
    crew = item_make(rival_supplier, rival, name="Fitting crew", kind="service", description="")
    gone = item_make(supplier_venture, owner, name="Old drawer")
    catalogue_item_retire(item=gone, actor=owner)

    def numbers(**filters: str) -> list[int]:
        return [item.number for item in selectors.catalogue_item_list(**filters)]

    assert numbers() == [crew.number, shelf.number, compressor.number]
    assert numbers(kind="component") == [shelf.number]
    assert numbers(supplier=rival_supplier.slug) == [crew.number]
    assert numbers(search="GLASS") == [shelf.number]
    assert numbers(search="quiet shelf") == [shelf.number]
    assert numbers(category="kitchen", kind="nothing") == []
    assert [
        i.number
        for i in selectors.catalogue_item_list_for_venture(venture=supplier_venture, user=owner)
    ] == [shelf.number, compressor.number, gone.number]


def test_a_demand_s_bom_and_who_may_open_rfqs(
    owner: Any, rival: Any, operator: Any, item: Any, django_capture_on_commit_callbacks: Any
) -> None:
    production = production_awarded(person_make("author@example.com"), operator)
    demand = production.demand
    assert selectors.bom_for_demand(demand=demand).lines == []
    line = line_make(production, item)

    bom = selectors.bom_for_demand(demand=demand)
    assert bom.selection is not None and bom.selection.version == production.version
    assert bom.lines == [line]
    awards = selectors.production_award_list_for_user(demand=demand, user=production.maker)
    assert [(a.tender, a.venture, a.units) for a in awards] == [
        (production.tender, production.maker_venture, 5)
    ]
    assert selectors.production_award_list_for_user(demand=demand, user=rival) == []
    assert selectors.production_award_list_for_user(demand=demand, user=operator) == []
    assert selectors.production_demand_list_for_venture(venture=production.maker_venture) == [
        demand
    ]
    assert (
        selectors.production_demand_list_for_venture(
            venture=supplier_found(founder=rival, name="Nobody Parts")
        )
        == []
    )


def test_a_venture_s_rfq_list_has_a_constant_query_count(
    owner: Any,
    operator: Any,
    item: Any,
    supplier_venture: Any,
    django_capture_on_commit_callbacks: Any,
    django_assert_num_queries: Any,
) -> None:
    production = production_awarded(person_make("author@example.com"), operator)
    for index in range(3):
        other = item_make(supplier_venture, owner, name=f"Part {index}")
        rfq_make(production, line_make(production, other))
    # The membership check, then the RFQs with their demand, line and item in one query.
    with django_assert_num_queries(2):
        rfqs = list(
            selectors.rfq_list_for_venture(venture=production.maker_venture, user=production.maker)
        )
        assert [r.bom_line.item.name for r in rfqs] == ["Part 2", "Part 1", "Part 0"]
