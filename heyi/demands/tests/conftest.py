"""Fixtures for the demands tests: the four kinds of caller the permission tests run over."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from heyi.demands.tests.factories import category_make

CALLERS = ["anonymous", "author", "rival", "operator"]


@pytest.fixture
def kitchen(db: Any) -> Any:
    return category_make(slug="kitchen", name="Kitchen")


@pytest.fixture
def caller_of(owner: Any, rival: Any, operator: Any) -> Any:
    """`caller_of("author")` → the demand's author (the `owner` fixture), and so on."""
    people = {"anonymous": None, "author": owner, "rival": rival, "operator": operator}

    def pick(name: str) -> Any:
        person = people[name]
        return AnonymousUser() if person is None else person

    return pick
