"""Forms of the events pages: registration, the door's ticket code, the contact form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class RegistrationForm(forms.Form):
    badge_name = forms.CharField(label=_("Name on badge"), max_length=80)
    organisation = forms.CharField(
        label=_("Organisation (optional)"), max_length=120, required=False
    )


class TicketCodeForm(forms.Form):
    code = forms.CharField(label=_("Ticket code"), max_length=200)

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip()
        # A scanned or pasted link works as well as the bare code.
        if "/tickets/" in code:
            code = code.rstrip("/").rsplit("/", 1)[-1]
        return code


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(label=_("Your e-mail address"))
    message = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6})
    )
