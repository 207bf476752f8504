"""Forms of the notification pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from heyi.notifications.models import KIND_GROUPS


class PreferenceForm(forms.Form):
    email_enabled = forms.BooleanField(
        label=_("Send me an e-mail copy of my notices"), required=False
    )
    email_groups = forms.MultipleChoiceField(
        label=_("E-mail me about"),
        choices=list(KIND_GROUPS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Notices about the groups you leave out still show here, just not by e-mail."),
    )

    def muted_groups(self) -> list[str]:
        chosen = set(self.cleaned_data["email_groups"])
        return [group for group in KIND_GROUPS if group not in chosen]
