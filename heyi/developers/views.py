"""Pages of developers: registering apps, their review by operators, the OAuth2 consent page,
and each person's "Connected apps"."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import View
from oauth2_provider.exceptions import FatalClientError, OAuthToolkitError
from oauth2_provider.http import OAuth2ResponseRedirect
from oauth2_provider.models import Application
from oauth2_provider.views.mixins import OAuthLibMixin
from oauthlib.oauth2.rfc6749.errors import (
    AccessDeniedError,
    InvalidClientIdError,
    InvalidRequestError,
)

from heyi.accounts.selectors import user_is_operator
from heyi.core.errors import DomainError
from heyi.developers import selectors, services
from heyi.developers.forms import AppForm, AppRegisterForm, ReviewNoteForm
from heyi.developers.models import DeveloperApp, Environment
from heyi.developers.scopes import scope_words


def _error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"message": error.message}, status=error.status)


# --- the developer's side ---------------------------------------------------------------


@login_required
def app_list_mine(request: HttpRequest) -> HttpResponse:
    """The apps I registered."""
    apps = selectors.app_list_for_owner(user=request.user)
    return render(
        request,
        "developers/app_list.html",
        {"apps": apps, "is_operator": user_is_operator(request.user)},
    )


@login_required
def app_register(request: HttpRequest) -> HttpResponse:
    """Register an app: it gets its test client at once; a secret is shown only here, once."""
    form = AppRegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            app, secret = services.app_register(
                actor=request.user,
                data=form.app_in(),
                confidential=form.cleaned_data["confidential"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": app.name})
            if secret is None:
                return redirect("developers:app_detail", uid=app.uid)
            return _secret_page(request, app, Environment.TEST, secret)
    return render(request, "developers/app_form.html", {"form": form, "app": None})


def _secret_page(
    request: HttpRequest, app: DeveloperApp, environment: str, secret: str
) -> HttpResponse:
    client = app.test_client if environment == Environment.TEST else app.production_client
    response = render(
        request,
        "developers/app_secret.html",
        {"app": app, "client": client, "secret": secret, "environment": environment},
    )
    # The page holds a secret: no cache may keep it.
    response["Cache-Control"] = "no-store"
    return response


def _app_for(request: HttpRequest, uid: uuid.UUID) -> DeveloperApp:
    return selectors.app_get_for_user(uid=uid, user=request.user)


@login_required
def app_detail(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    """One app: its client ids, status and review, with the developer's and operators' actions."""
    try:
        app = _app_for(request, uid)
    except DomainError as error:
        return _error_page(request, error)
    context: dict[str, Any] = {
        "app": app,
        "is_owner": selectors.app_can_manage(request.user, app),
        "is_operator": user_is_operator(request.user),
        "note_form": ReviewNoteForm(),
        "redirect_uris": app.test_client.redirect_uris.split(),
        "confidential": app.test_client.client_type == Application.CLIENT_CONFIDENTIAL,
        "grant_count": app.grants.filter(revoked_at__isnull=True).count(),
    }
    return render(request, "developers/app_detail.html", context)


@login_required
def app_edit(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    try:
        app = _app_for(request, uid)
    except DomainError as error:
        return _error_page(request, error)
    initial = {
        "name": app.name,
        "description": app.description,
        "homepage_url": app.homepage_url,
        "redirect_uris": "\n".join(app.test_client.redirect_uris.split()),
    }
    form = AppForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.app_update(app=app, actor=request.user, data=form.app_in())
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Saved."))
            return redirect("developers:app_detail", uid=app.uid)
    return render(request, "developers/app_form.html", {"form": form, "app": app})


@login_required
@require_POST
def app_secret_roll(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    environment = request.POST.get("environment", Environment.TEST)
    try:
        app = _app_for(request, uid)
        secret = services.app_secret_roll(app=app, actor=request.user, environment=environment)
    except DomainError as error:
        return _error_page(request, error)
    return _secret_page(request, app, environment, secret)


@login_required
@require_POST
def app_review_request(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    try:
        app = _app_for(request, uid)
        services.app_review_request(app=app, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Review requested: an operator will look at your app."))
    return redirect("developers:app_detail", uid=uid)


# --- operators ----------------------------------------------------------------------------


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Apps waiting for an operator's review."""
    if not user_is_operator(request.user):
        return render(
            request, "error.html", {"message": _("Only operators review apps.")}, status=403
        )
    return render(request, "developers/review_queue.html", {"apps": selectors.app_review_queue()})


@login_required
@require_POST
def app_decide(request: HttpRequest, uid: uuid.UUID, decision: str) -> HttpResponse:
    """An operator approves, refuses, suspends or reinstates an app."""
    form = ReviewNoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        app = _app_for(request, uid)
        if decision == "approve":
            services.app_approve(app=app, actor=request.user, note=note)
            done = _("%(name)s is approved for production.")
        elif decision == "refuse":
            services.app_refuse(app=app, actor=request.user, note=note)
            done = _("%(name)s is refused; the developer is told why.")
        elif decision == "suspend":
            services.app_suspend(app=app, actor=request.user, note=note)
            done = _("%(name)s is suspended and all its tokens are revoked.")
        else:
            services.app_reinstate(app=app, actor=request.user)
            done = _("%(name)s is reinstated.")
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done % {"name": app.name})
    return redirect("developers:app_detail", uid=uid)


# --- people: connected apps -------------------------------------------------------------


@login_required
def grant_list_mine(request: HttpRequest) -> HttpResponse:
    """The apps I let reach my devices, with what they may do, and a way to disconnect them."""
    grants = [
        {"grant": grant, "scopes": scope_words(list(grant.scopes))}
        for grant in selectors.grant_list_for_user(user=request.user)
    ]
    return render(request, "developers/grant_list.html", {"grants": grants})


@login_required
@require_POST
def grant_revoke(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    try:
        grant = selectors.grant_get_for_user(uid=uid, user=request.user)
        services.grant_revoke(grant=grant, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s is disconnected: its access is revoked.") % {"name": grant.app.name},
        )
    return redirect("developers:grant_list_mine")


# --- the OAuth2 consent page ------------------------------------------------------------


class ConsentView(LoginRequiredMixin, OAuthLibMixin, View):
    """heyi's OAuth2 authorization endpoint: DOT validates the request (client, redirect URI,
    scopes, PKCE) and issues the code; this page asks the person which devices the app may reach.

    The form posts back to the same address with the same query, so the request is validated
    again from the query rather than from hidden fields a page could tamper with.
    """

    http_method_names = ["get", "post"]

    def _validated(self, request: HttpRequest) -> tuple[list[str], dict[str, Any]]:
        scopes, credentials = self.validate_authorization_request(request)
        # DOT accepts the "plain" PKCE method unless a setting says otherwise, and then refuses
        # it only after consent; heyi takes S256 alone (RFC 9700 2.1.1), and says so up front.
        if credentials.get("code_challenge_method") != "S256":
            raise OAuthToolkitError(
                error=InvalidRequestError(
                    description=_("Use PKCE with code_challenge_method=S256."),
                    state=credentials.get("state"),
                ),
                redirect_uri=credentials["redirect_uri"],
            )
        return list(scopes), credentials

    def _oauth_error(self, error: OAuthToolkitError, client: Application | None) -> HttpResponse:
        """Errors the client may hear go back to its redirect URI (RFC 6749 4.1.2.1); a wrong
        client or redirect URI never redirects, and the person sees what is wrong."""
        redirect_ok, response = self.error_response(error)
        if redirect_ok and not isinstance(error, FatalClientError):
            schemes = client.get_allowed_schemes() if client is not None else ["https"]
            return OAuth2ResponseRedirect(response["url"], schemes)
        oauth_error = response["error"]
        return render(
            self.request,
            "developers/oauth_error.html",
            {"error": oauth_error.error, "description": oauth_error.description},
            status=getattr(oauth_error, "status_code", 400),
        )

    def _client(self, credentials: dict[str, Any]) -> Application | None:
        return Application.objects.filter(client_id=credentials.get("client_id")).first()

    def _page(
        self,
        *,
        found: selectors.ClientApp,
        scopes: list[str],
        error: str = "",
        refused: str = "",
        chosen: set[str] | None = None,
        status: int = 200,
    ) -> HttpResponse:
        devices = selectors.grantable_devices(
            user=self.request.user, app=found.app, environment=found.environment
        )
        grant = selectors.grant_live_get(
            app=found.app, user=self.request.user, environment=found.environment
        )
        if chosen is None:
            chosen = (
                set(grant.devices.values_list("serial", flat=True)) if grant is not None else set()
            )
        context = {
            "app": found.app,
            "environment": found.environment,
            "scopes": scope_words(scopes),
            "devices": [] if refused else devices,
            "chosen": chosen,
            "error": error,
            "refused": refused,
            "action": self.request.get_full_path(),
        }
        return render(self.request, "developers/consent.html", context, status=status)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            scopes, credentials = self._validated(request)
        except OAuthToolkitError as error:
            return self._oauth_error(error, None)
        client = self._client(credentials)
        found = selectors.app_for_client(client=client)
        if found is None:
            return self._oauth_error(FatalClientError(error=_unknown_client_error()), client)
        try:
            scopes = services.consent_check(
                app=found.app, user=request.user, environment=found.environment, scopes=scopes
            )
        except DomainError as error:
            return self._page(
                found=found, scopes=scopes, refused=error.message, status=error.status
            )
        return self._page(found=found, scopes=scopes)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            scopes, credentials = self._validated(request)
        except OAuthToolkitError as error:
            return self._oauth_error(error, None)
        client = self._client(credentials)
        found = selectors.app_for_client(client=client)
        if client is None or found is None:
            return self._oauth_error(FatalClientError(error=_unknown_client_error()), client)
        credentials.pop("request", None)
        if request.POST.get("decision") != "allow":
            denied = OAuthToolkitError(
                error=AccessDeniedError(state=credentials.get("state")),
                redirect_uri=credentials["redirect_uri"],
            )
            return self._oauth_error(denied, client)
        try:
            scopes = services.consent_check(
                app=found.app, user=request.user, environment=found.environment, scopes=scopes
            )
        except DomainError as error:
            return self._page(
                found=found, scopes=scopes, refused=error.message, status=error.status
            )
        serials = request.POST.getlist("devices")
        grantable = selectors.grantable_devices(
            user=request.user, app=found.app, environment=found.environment
        )
        devices = list(grantable.filter(serial__in=serials))
        try:
            with transaction.atomic():
                services.grant_consent(
                    app=found.app,
                    user=request.user,
                    environment=found.environment,
                    scopes=scopes,
                    devices=devices,
                )
                uri, _headers, _body, _status = self.create_authorization_response(
                    request=request, scopes=" ".join(scopes), credentials=credentials, allow=True
                )
        except DomainError as error:
            return self._page(
                found=found,
                scopes=scopes,
                error=error.message,
                chosen=set(serials),
                status=error.status,
            )
        except OAuthToolkitError as error:
            return self._oauth_error(error, client)
        return OAuth2ResponseRedirect(uri, client.get_allowed_schemes())


def _unknown_client_error() -> Any:
    return InvalidClientIdError(description=_("This client is not a heyi app."))
