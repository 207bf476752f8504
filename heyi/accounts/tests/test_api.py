"""API tests for profile, roles, tokens, the error shape and idempotency."""

from __future__ import annotations

from typing import Any

import pytest

from heyi.accounts.models import ApiToken, UserRole
from heyi.core.models import IdempotencyRecord

pytestmark = pytest.mark.django_db


def test_me_requires_authentication(api_as: Any) -> None:
    response = api_as(None).get("me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_me_with_token(api_as: Any, owner: Any) -> None:
    response = api_as(owner).get("me")
    assert response.status_code == 200
    assert response.json()["email"] == "owner@example.com"
    assert response.json()["roles"] == ["maker", "user"]


def test_roles_cannot_include_operator(api_as: Any, owner: Any) -> None:
    response = api_as(owner).put("me/roles", {"roles": ["investor", "operator"]})
    assert response.status_code == 403
    assert response.json()["code"] == "role_reserved"
    assert sorted(UserRole.objects.filter(user=owner).values_list("role", flat=True)) == [
        "maker",
        "user",
    ]


def test_roles_set(api_as: Any, owner: Any) -> None:
    response = api_as(owner).put("me/roles", {"roles": ["investor", "developer"]})
    assert response.status_code == 200
    assert response.json()["roles"] == ["developer", "investor", "user"]


def test_malformed_json_is_a_clear_error(api_as: Any, owner: Any) -> None:
    response = api_as(owner).put("me", "{not json")
    assert response.status_code in (400, 422)
    assert response.json()["code"] == "invalid"


def test_revoked_token_no_longer_works(api_as: Any, owner: Any) -> None:
    client = api_as(owner)
    created = client.post("me/tokens", {"name": "script"})
    assert created.status_code == 201
    secret = created.json()["secret"]
    uid = created.json()["uid"]
    assert client.post(f"me/tokens/{uid}/revoke").status_code == 200
    response = client.client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401


def test_idempotency_key_replays_without_writing_twice(api_as: Any, owner: Any) -> None:
    client = api_as(owner)
    first = client.post("me/tokens", {"name": "ci"}, **{"Idempotency-Key": "abc-1"})
    second = client.post("me/tokens", {"name": "ci"}, **{"Idempotency-Key": "abc-1"})
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert ApiToken.objects.filter(user=owner, name="ci").count() == 1
    reused = client.post("me/tokens", {"name": "other"}, **{"Idempotency-Key": "abc-1"})
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    assert IdempotencyRecord.objects.filter(user=owner).count() == 1
