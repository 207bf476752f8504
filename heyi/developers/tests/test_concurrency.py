"""Race safety of consent: two consents of one person to one app at once leave one live grant."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from heyi.developers.models import AppGrant
from heyi.developers.services import grant_consent, grant_revoke
from heyi.developers.tests.factories import app_make, bound_devices, model_make

# The same release-together harness as the orders' own race tests.
from heyi.orders.tests.test_concurrency import _at_once

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: concurrent sessions with row locks (SQLite locks the file)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_two_consents_at_once_leave_one_live_grant(operator: Any, owner: Any) -> None:
    first, second = bound_devices(model_make(operator), owner, 2)
    app, _secret = app_make(owner)

    results = _at_once(
        *(
            lambda device=device: grant_consent(
                app=app, user=owner, environment="test", scopes=["devices:read"], devices=[device]
            )
            for device in (first, second)
        )
    )

    assert all(isinstance(result, AppGrant) for result in results), results
    live = AppGrant.objects.get(revoked_at__isnull=True)
    assert AppGrant.objects.count() == 1
    assert live.devices.count() == 1


def test_two_revokes_at_once_revoke_once(operator: Any, owner: Any) -> None:
    (device,) = bound_devices(model_make(operator), owner)
    app, _secret = app_make(owner)
    grant = grant_consent(
        app=app, user=owner, environment="test", scopes=["devices:read"], devices=[device]
    )

    results = _at_once(
        lambda: grant_revoke(grant=AppGrant.objects.get(pk=grant.pk), actor=owner),
        lambda: grant_revoke(grant=AppGrant.objects.get(pk=grant.pk), actor=owner),
    )

    assert results[0].revoked_at is not None
    assert results[0].revoked_at == results[1].revoked_at
    assert AppGrant.objects.filter(revoked_at__isnull=False).count() == 1
