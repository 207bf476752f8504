"""Forms for sign-up extras, the profile and API tokens."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from heyi.accounts.models import Role
from heyi.accounts.services import SELF_SERVICE_ROLES, user_profile_update, user_roles_set

ROLE_CHOICES = [(r.value, r.label) for r in Role if r in SELF_SERVICE_ROLES]


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form: a name, and the roles a person takes on."""

    display_name = forms.CharField(label=_("Your name"), max_length=80)
    roles = forms.MultipleChoiceField(
        label=_("I am here as"),
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=[Role.USER.value],
    )

    def signup(self, request: Any, user: Any) -> None:
        user_profile_update(user=user, display_name=self.cleaned_data["display_name"])
        user_roles_set(user=user, roles=self.cleaned_data.get("roles") or [])


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=80)
    city = forms.CharField(label=_("City"), max_length=80, required=False)
    bio = forms.CharField(
        label=_("About"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )


class ApiTokenForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=80)
