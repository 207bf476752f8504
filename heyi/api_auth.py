"""Who is calling the API: a personal token, a signed-in session, or (for public reads) nobody."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from heyi.accounts.selectors import api_token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer heyi_…` with a personal API token."""

    openapi_description = "A personal API token created on the profile page."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(raw=token)
        if user is not None:
            request.user = user
        return user


def anonymous_auth(request: HttpRequest) -> Any:
    """Lets public reads through; `request.user` is whoever the session says, or anonymous."""
    if not hasattr(request, "user"):
        request.user = AnonymousUser()
    return request.user if request.user.is_authenticated else "anonymous"


token_auth = TokenAuth()
# Mutations need a token or a session (with CSRF); public reads also accept nobody.
REQUIRED_AUTH = [token_auth, django_auth]
OPTIONAL_AUTH = [token_auth, django_auth, anonymous_auth]
# Endpoints that apps may call for a user (devices): OAuth2 access tokens are accepted there, and
# `request.api_access` narrows them to the scopes and devices the user granted. Everywhere else
# an app's token is refused (401), whatever its scopes.
DEVICE_AUTH = [token_auth, django_auth]
