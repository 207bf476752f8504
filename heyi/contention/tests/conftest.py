"""Fixtures for contention tests: two ventures (the owner's and the rival's) and a bidder."""

from __future__ import annotations

from typing import Any

import pytest

from heyi.contention.tests.factories import venture_found
from heyi.ventures.models import Venture

CALLERS = ["anonymous", "bidder", "rival", "operator"]


@pytest.fixture
def owner_venture(owner: Any) -> Venture:
    return venture_found(founder=owner, name="Cold Chain Makers", categories=["kitchen"])


@pytest.fixture
def rival_venture(rival: Any) -> Venture:
    return venture_found(founder=rival, name="Frost Works", categories=["kitchen"])
