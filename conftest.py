"""Shared fixtures: people in the roles the permission tests run over, and API clients."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from heyi.accounts.models import Role, User
from heyi.accounts.services import api_token_create, user_create


@pytest.fixture(autouse=True)
def _test_settings(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    # Tests create many people; a deliberately slow password hash would only slow them down.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
