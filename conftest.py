"""Shared fixtures: people in the roles the permission tests run over, and API clients."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from heyi.accounts.models import Role, User
from heyi.accounts.services import api_token_create, user_create


@pytest.fixture(autouse=True)
def _number_sequences_restart(request: Any, django_db_blocker: Any) -> None:
    """On PostgreSQL, start each test's readable numbers at 1 again.

    Orders are numbered from sequences there (heyi/core/numbering.py), and a sequence does not
    roll back with the test's transaction; every table starts the test empty, so 1 is free.
    """
    if not {"db", "transactional_db"} & set(request.fixturenames) and not (
        request.node.get_closest_marker("django_db")
    ):
        return
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    request.getfixturevalue("django_db_setup")
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(format('%I', sequencename), 1, false) FROM pg_sequences "
            "WHERE sequencename LIKE '%\\_number\\_seq'"
        )


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # Tests create many people; a deliberately slow password hash would only slow them down.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    """Each test starts in the default language: a request in Chinese through the test client
    leaves its language active in the thread (LocaleMiddleware activates, nothing resets)."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def device_transport() -> Iterator[Any]:
    """Commands go to an in-memory transport unless a test installs the real MQTT publisher
    (the gateway tests against Mosquitto do); the fixture's value shows what was published."""
    from heyi.devices.transport import MemoryTransport, transport_set

    transport = MemoryTransport()
    transport_set(transport)
    yield transport
    transport_set(None)


def make_user(
    email: str, *, name: str = "", roles: list[str] | None = None, staff: bool = False
) -> User:
    return user_create(
        email=email,
        password="correct horse battery",
        display_name=name or email.split("@")[0],
        roles=roles,
        is_staff=staff,
    )


@pytest.fixture
def owner(db: Any) -> User:
    return make_user("owner@example.com", name="Owner Olivia", roles=[Role.MAKER])


@pytest.fixture
def rival(db: Any) -> User:
    return make_user("rival@example.com", name="Rival Ren", roles=[Role.MAKER])


@pytest.fixture
def operator(db: Any) -> User:
    user = make_user("operator@example.com", name="Operator Ming", staff=True)
    from heyi.accounts.models import UserRole

    UserRole.objects.create(user=user, role=Role.OPERATOR)
    return user


class ApiClient:
    """A JSON client for /api/v1/ that signs requests with a personal token."""

    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            _token, secret = api_token_create(user=user, name="tests")
            self.headers["Authorization"] = f"Bearer {secret}"

    def _call(self, method: str, path: str, data: Any = None, **headers: str) -> Any:
        url = path if path.startswith("/") else f"/api/v1/{path}"
        kwargs: dict[str, Any] = {"headers": {**self.headers, **headers}}
        if data is not None and method != "get":
            kwargs["data"] = data if isinstance(data, (str, bytes)) else json.dumps(data)
            kwargs["content_type"] = "application/json"
        elif data is not None:
            kwargs["data"] = data
        return getattr(self.client, method)(url, **kwargs)

    def get(self, path: str, data: Any = None, **headers: str) -> Any:
        return self._call("get", path, data, **headers)

    def post(self, path: str, data: Any = None, **headers: str) -> Any:
        return self._call("post", path, data if data is not None else {}, **headers)

    def put(self, path: str, data: Any = None, **headers: str) -> Any:
        return self._call("put", path, data if data is not None else {}, **headers)

    def patch(self, path: str, data: Any = None, **headers: str) -> Any:
        return self._call("patch", path, data if data is not None else {}, **headers)

    def delete(self, path: str, **headers: str) -> Any:
        return self._call("delete", path, None, **headers)


@pytest.fixture
def api_as() -> Any:
    """`api_as(user)` gives a token-signed API client; `api_as(None)` an anonymous one."""
    return ApiClient


# --- the browser: Debian's Chromium driven by Playwright against a live test server ------

CHROMIUM = os.environ.get("HEYI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        if os.environ.get("HEYI_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium is required but not found at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium package")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between page actions are plain synchronous calls, so Django may allow them.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: Any, settings: Any) -> Iterator[Any]:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
