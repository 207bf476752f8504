"""Forms of the route pages: plan a wave, assign or tender a route, enter a delivery code.

They check shape only; the services check the rules and their messages are shown.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from heyi.logistics.waves import WAVES


class WaveForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    wave = forms.ChoiceField(label=_("Wave"), choices=[(name, name) for name in WAVES])
    seconds = forms.FloatField(
        label=_("Solver seconds"), required=False, min_value=0.1, max_value=600
    )


class RouteAssignForm(forms.Form):
    venture = forms.CharField(label=_("Delivery venture"), max_length=100)
    driver = forms.EmailField(label=_("Driver's email (optional)"), required=False)
    fee = forms.DecimalField(
        label=_("Fee (CNY)"), required=False, max_digits=12, decimal_places=2, min_value=0
    )


class RouteTenderForm(forms.Form):
    closes_at = forms.DateTimeField(
        label=_("Bidding closes"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


class DeliveryCodeForm(forms.Form):
    code = forms.CharField(label=_("Delivery code"), max_length=12)
