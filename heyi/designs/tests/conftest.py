"""Fixtures for co-design tests: designers and fans besides the shared owner, rival and operator."""

from __future__ import annotations

from typing import Any

import pytest

from heyi.designs.tests.factories import person_make


@pytest.fixture
def designer(db: Any) -> Any:
    return person_make("designer@example.com", "Designer Dai")


@pytest.fixture
def second_designer(db: Any) -> Any:
    return person_make("second@example.com", "Second Su")


@pytest.fixture
def fans(db: Any) -> list[Any]:
    return [person_make(f"fan{i}@example.com", f"Fan {i}") for i in range(1, 6)]
