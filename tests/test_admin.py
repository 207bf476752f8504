"""Operators reach every model of the platform in the admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client

pytestmark = pytest.mark.django_db

HEYI_APPS = {"core", "accounts", "ventures", "demands", "designs"}


def test_every_heyi_model_is_in_the_admin() -> None:
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in HEYI_APPS and model not in admin.site._registry
    ]
    assert missing == []


def test_operator_opens_every_changelist(client: Client, operator: Any) -> None:
    operator.is_superuser = True
    operator.save(update_fields=["is_superuser"])
    client.force_login(operator)
    for model in admin.site._registry:
        if model._meta.app_label not in HEYI_APPS:
            continue
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url


def test_admin_is_closed_to_users(client: Client, owner: Any) -> None:
    client.force_login(owner)
    response = client.get("/admin/demands/demand/")
    assert response.status_code == 302
