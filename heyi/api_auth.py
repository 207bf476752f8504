"""Who is calling the API: a personal token, an app's OAuth2 token (device endpoints only), a
signed-in session, or (for public reads) nobody."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja.security import HttpBearer, django_auth

from heyi.accounts.selectors import api_token_authenticate
from heyi.core.access import ApiAccess


class TokenAuth(HttpBearer):
    """`Authorization: Bearer heyi_…` with a personal API token."""

    openapi_description = "A personal API token created on the profile page."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(raw=token)
        if user is not None:
            request.user = user
        return user


# Resolves a presented OAuth2 access token to (user, ApiAccess), or None. heyi.developers
# installs it when the app registry is ready (it sits above the apps that import this module).
OAuth2Resolver = Callable[[str], "tuple[Any, ApiAccess] | None"]
_oauth2_resolver: OAuth2Resolver | None = None


def oauth2_resolver_set(resolver: OAuth2Resolver | None) -> None:
    global _oauth2_resolver
    _oauth2_resolver = resolver


def oauth2_resolve(token: str) -> tuple[Any, ApiAccess] | None:
    """The user and access an app's OAuth2 access token stands for, or None."""
    if _oauth2_resolver is None or not token or token.startswith("heyi_"):
        return None
    return _oauth2_resolver(token)


class OAuth2Auth(HttpBearer):
    """`Authorization: Bearer …` with an app's OAuth2 access token (django-oauth-toolkit).

    The token must be unexpired, its app not suspended, and the user's grant to the app still
    live. `request.user` becomes the user the app acts for, and `request.api_access` narrows the
    call to the granted scopes and devices. A personal token (`heyi_…`) is left to TokenAuth.
    """

    openapi_description = (
        "An app's OAuth2 access token (authorization code with PKCE, at /oauth/token/). "
        "Accepted by the device endpoints only, within the scopes and devices the user granted."
    )

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = oauth2_resolve(token)
        if found is None:
            return None
        user, access = found
        request.user = user
        request.api_access = access  # type: ignore[attr-defined]
        return user


def anonymous_auth(request: HttpRequest) -> Any:
    """Lets public reads through; `request.user` is whoever the session says, or anonymous."""
    if not hasattr(request, "user"):
        request.user = AnonymousUser()
    return request.user if request.user.is_authenticated else "anonymous"


token_auth = TokenAuth()
oauth2_auth = OAuth2Auth()
# Mutations need a token or a session (with CSRF); public reads also accept nobody.
REQUIRED_AUTH = [token_auth, django_auth]
OPTIONAL_AUTH = [token_auth, django_auth, anonymous_auth]
# Endpoints that apps may call for a user (devices): OAuth2 access tokens are accepted there, and
# `request.api_access` narrows them to the scopes and devices the user granted. Everywhere else
# an app's token is refused (401), whatever its scopes.
DEVICE_AUTH = [oauth2_auth, token_auth, django_auth]
