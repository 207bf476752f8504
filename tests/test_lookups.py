"""`field__any` matches exactly like `field__in`, on SQLite and PostgreSQL, empty list included."""

from __future__ import annotations

from typing import Any

import pytest

from heyi.accounts.models import User
from heyi.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_any_matches_like_in_on_fields_and_foreign_keys(owner: Any, rival: Any) -> None:
    users = [owner.pk, rival.pk]
    for user in (owner, rival):
        AuditEvent.objects.create(
            occurred_at="2026-01-01T00:00:00Z", type="t", actor=user, summary="s"
        )

    assert set(User.objects.filter(pk__any=users)) == {owner, rival}
    assert list(User.objects.filter(email__any=[owner.email])) == [owner]
    assert list(User.objects.filter(pk__any=[])) == []
    assert AuditEvent.objects.filter(type="t", actor_id__any=[rival.pk]).count() == 1
    assert AuditEvent.objects.filter(type="t", actor__any=users).count() == 2
