"""The form of the webhooks page: a URL, the event types, and thresholds one a line."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from heyi.webhooks.models import EventType
from heyi.webhooks.thresholds import ThresholdError, thresholds_from_text


class EndpointForm(forms.Form):
    url = forms.CharField(label=_("URL"), max_length=500)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label=_("Event types"),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    thresholds = forms.CharField(
        label=_("Thresholds (one a line, e.g. temperature > 8)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def clean_thresholds(self) -> list[dict[str, Any]]:
        try:
            return thresholds_from_text(self.cleaned_data.get("thresholds") or "")
        except ThresholdError as error:
            raise forms.ValidationError(str(error)) from error
