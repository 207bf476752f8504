"""Fixtures for supply tests: the owner's supplier venture, the rival's, and an item."""

from __future__ import annotations

from typing import Any

import pytest

from heyi.supply.models import CatalogueItem
from heyi.supply.tests.factories import item_make, supplier_found
from heyi.ventures.models import Venture


@pytest.fixture
def supplier_venture(owner: Any) -> Venture:
    return supplier_found(founder=owner, name="Suzhou Compressor Co-op")


@pytest.fixture
def rival_supplier(rival: Any) -> Venture:
    return supplier_found(founder=rival, name="Rival Parts")


@pytest.fixture
def item(supplier_venture: Venture, owner: Any) -> CatalogueItem:
    return item_make(supplier_venture, owner)
