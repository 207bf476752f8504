"""Browser tests: marked `browser`; the `browser` and `page` fixtures are in the root conftest."""

from __future__ import annotations

import os
from typing import Any

import pytest


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def screenshots_dir() -> str:
    path = os.environ.get("HEYI_SCREENSHOTS", "")
    if path:
        os.makedirs(path, exist_ok=True)
    return path


def sign_out(page: Any) -> None:
    """Sign out through the account menu in the navigation bar."""
    page.locator("nav .dropdown-toggle").click()
    page.get_by_role("button", name="Sign out").click()
