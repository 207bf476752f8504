"""Forms of the investment pages: shapes only; the services hold the rules."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from heyi.investment.models import BetMetric

CENT = Decimal("0.01")


class RoundOpenForm(forms.Form):
    amount_sought = forms.DecimalField(
        label=_("Amount sought (CNY)"), max_digits=14, decimal_places=2, min_value=CENT
    )
    minimum_to_close = forms.DecimalField(
        label=_("Minimum to close (CNY)"),
        help_text=_("Below this, the round fails and nobody is charged."),
        max_digits=14,
        decimal_places=2,
        min_value=CENT,
    )
    pre_money_valuation = forms.DecimalField(
        label=_("Pre-money valuation (CNY)"), max_digits=16, decimal_places=2
    )
    terms = forms.CharField(label=_("Terms"), max_length=8000, widget=forms.Textarea({"rows": 3}))
    closes_at = forms.DateTimeField(
        label=_("Closes at"), widget=forms.DateTimeInput({"type": "datetime-local"})
    )


class CommitmentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount (CNY)"), max_digits=14, decimal_places=2, min_value=CENT
    )


class PublishingForm(forms.Form):
    publishes = forms.BooleanField(required=False)


class BetProposeForm(forms.Form):
    metric = forms.ChoiceField(label=_("Metric"), choices=BetMetric.choices)
    target = forms.DecimalField(
        label=_("Target"),
        help_text=_(
            "Money for revenue and marginal income, people for users served, a "
            "percentage for the on-time rate."
        ),
        max_digits=14,
        decimal_places=2,
        min_value=CENT,
    )
    period_start = forms.DateTimeField(
        label=_("Period starts"), widget=forms.DateTimeInput({"type": "datetime-local"})
    )
    period_end = forms.DateTimeField(
        label=_("Period ends"), widget=forms.DateTimeInput({"type": "datetime-local"})
    )
    reward = forms.DecimalField(
        label=_("Reward (CNY)"), max_digits=14, decimal_places=2, min_value=Decimal(0)
    )
    stake = forms.DecimalField(
        label=_("Stake (CNY)"),
        max_digits=14,
        decimal_places=2,
        min_value=Decimal(0),
        initial=Decimal("0.00"),
        help_text=_("The venture's own money, forfeited to the sponsor if the target is missed."),
    )
    sponsor_email = forms.EmailField(
        label=_("Sponsor's e-mail"),
        required=False,
        help_text=_("An investor; leave empty for the platform."),
    )
    consequence = forms.CharField(
        label=_("Consequence"), max_length=2000, required=False, widget=forms.Textarea({"rows": 2})
    )
