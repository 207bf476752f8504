"""Page tests for sign-up with e-mail confirmation, the profile, roles and API tokens."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from heyi.accounts.models import ApiToken, User, UserRole

pytestmark = pytest.mark.django_db


def test_sign_up_needs_a_confirmed_address(client: Client, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post(
        "/accounts/signup/",
        {
            "email": "wei@example.com",
            "display_name": "Wang Wei",
            "roles": ["user", "investor"],
            "password1": "a sturdy pass phrase",
            "password2": "a sturdy pass phrase",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="wei@example.com")
    assert user.display_name == "Wang Wei"
    assert sorted(UserRole.objects.filter(user=user).values_list("role", flat=True)) == [
        "investor",
        "user",
    ]
    # Not confirmed yet: signing in leads back to the confirmation step.
    assert client.get("/me/").status_code == 302
    assert len(mail.outbox) == 1
    key = re.search(r"/accounts/confirm-email/([^/\s]+)/", str(mail.outbox[0].body))
    assert key is not None
    confirmed = client.post(f"/accounts/confirm-email/{key.group(1)}/")
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(user=user).verified is True


def test_sign_up_cannot_take_the_operator_role(client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "email": "sly@example.com",
            "display_name": "Sly",
            "roles": ["operator"],
            "password1": "a sturdy pass phrase",
            "password2": "a sturdy pass phrase",
        },
    )
    assert response.status_code == 200
    assert "roles" in response.context["form"].errors
    assert User.objects.filter(email="sly@example.com").count() == 0


def test_password_reset_sends_a_link(client: Client, owner: User, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = client.post("/accounts/password/reset/", {"email": "owner@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_profile_requires_sign_in(client: Client) -> None:
    response = client.get("/me/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_profile_updates_name_and_roles(client: Client, owner: User) -> None:
    client.force_login(owner)
    response = client.post(
        "/me/", {"display_name": "Olivia O.", "city": "Qingdao", "bio": "", "roles": ["investor"]}
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.display_name == "Olivia O."
    assert sorted(UserRole.objects.filter(user=owner).values_list("role", flat=True)) == [
        "investor",
        "user",
    ]


def test_profile_rejects_blank_name_and_writes_nothing(client: Client, owner: User) -> None:
    client.force_login(owner)
    response = client.post("/me/", {"display_name": "   ", "city": "", "bio": "", "roles": []})
    assert response.status_code == 200
    owner.refresh_from_db()
    assert owner.display_name == "Owner Olivia"


def test_token_secret_is_shown_once(client: Client, owner: User) -> None:
    client.force_login(owner)
    response = client.post("/me/tokens/", {"name": "my script"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=owner)
    secret = re.search(r"heyi_[A-Za-z0-9_\-]+", response.content.decode())
    assert secret is not None
    assert secret.group(0).startswith(token.prefix)
    again = client.get("/me/tokens/")
    assert secret.group(0) not in again.content.decode()


def test_rival_cannot_revoke_anothers_token(client: Client, owner: User, rival: User) -> None:
    client.force_login(owner)
    client.post("/me/tokens/", {"name": "mine"})
    token = ApiToken.objects.get(user=owner)
    client.force_login(rival)
    response = client.post(f"/me/tokens/{token.uid}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is None


def test_person_page_is_public(client: Client, owner: User) -> None:
    response = client.get(f"/people/{owner.uid}/")
    assert response.status_code == 200
    assert "Owner Olivia" in response.content.decode()
    assert "owner@example.com" not in response.content.decode()
