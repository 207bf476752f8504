"""Forms of developers: registering or editing an app, and an operator's review note."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from heyi.developers.services import AppIn


class AppForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    description = forms.CharField(
        label=_("What the app does"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("People read this when they connect the app."),
    )
    homepage_url = forms.URLField(label=_("Home page"), required=False, assume_scheme="https")
    redirect_uris = forms.CharField(
        label=_("Redirect URIs"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line. heyi sends people back to one of these after they decide."),
    )

    def app_in(self) -> AppIn:
        data = self.cleaned_data
        return AppIn(
            name=data["name"],
            description=data["description"],
            homepage_url=data.get("homepage_url") or "",
            redirect_uris=data["redirect_uris"].split(),
        )


class AppRegisterForm(AppForm):
    confidential = forms.BooleanField(
        label=_("Confidential client (a server that can keep a secret)"),
        required=False,
        help_text=_(
            "Leave unticked for phone, desktop and browser apps: they use PKCE and no secret."
        ),
    )


class ReviewNoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the developer"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
