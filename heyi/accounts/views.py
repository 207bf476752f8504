"""Pages for one's own profile, roles and API tokens, and people's public pages."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from heyi.accounts.forms import ApiTokenForm, ProfileForm
from heyi.accounts.models import Role
from heyi.accounts.selectors import api_token_list_for_user, user_get, user_role_list
from heyi.accounts.services import (
    api_token_create,
    api_token_revoke,
    user_profile_update,
    user_roles_set,
)
from heyi.core.errors import DomainError


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            try:
                user_profile_update(
                    user=user,  # type: ignore[arg-type]
                    display_name=form.cleaned_data["display_name"],
                    city=form.cleaned_data["city"],
                    bio=form.cleaned_data["bio"],
                )
                user_roles_set(user=user, roles=form.cleaned_data["roles"])  # type: ignore[arg-type]
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("accounts:profile")
    else:
        form = ProfileForm(
            initial={
                "display_name": user.display_name,  # type: ignore[union-attr]
                "city": user.city,  # type: ignore[union-attr]
                "bio": user.bio,  # type: ignore[union-attr]
                "roles": user_role_list(user=user),  # type: ignore[arg-type]
            }
        )
    return render(request, "accounts/profile.html", {"form": form})


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    new_secret = None
    form = ApiTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_secret = api_token_create(user=request.user, name=form.cleaned_data["name"])  # type: ignore[arg-type]
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            form = ApiTokenForm()
    tokens = api_token_list_for_user(user=request.user)  # type: ignore[arg-type]
    return render(
        request, "accounts/tokens.html", {"form": form, "tokens": tokens, "new_secret": new_secret}
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    try:
        api_token_revoke(user=request.user, token_uid=uid)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The token is revoked."))
    return redirect("accounts:tokens")


def person_detail(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    try:
        person = user_get(uid=uid)
    except DomainError as error:
        return render(request, "error.html", {"message": error.message}, status=error.status)
    roles = [Role(role).label for role in user_role_list(user=person)]
    return render(request, "accounts/person.html", {"person": person, "roles": roles})
