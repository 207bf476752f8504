"""Forms of the contention pages (filtering tenders, bidding, withdrawing): shape only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from heyi.contention.models import SubjectType, TenderStatus


def _bootstrap(form: forms.Form) -> None:
    """Give each widget Bootstrap's class, so templates render fields as they are."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        widget.attrs["class"] = (
            "form-select" if isinstance(widget, forms.Select) else "form-control"
        )


class TenderFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *TenderStatus.choices],
    )
    subject_type = forms.ChoiceField(
        label=_("Subject"),
        required=False,
        choices=[("", _("Any subject")), *SubjectType.choices],
    )
    demand = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class BidForm(forms.Form):
    ACTION_SUBMIT = "submit"
    ACTION_REVISE = "revise"

    action = forms.ChoiceField(
        choices=[(ACTION_SUBMIT, ACTION_SUBMIT), (ACTION_REVISE, ACTION_REVISE)],
        widget=forms.HiddenInput,
        initial=ACTION_SUBMIT,
    )
    venture = forms.ChoiceField(label=_("Bid for"))
    unit_price = forms.DecimalField(
        label=_("Unit price"), max_digits=12, decimal_places=2, help_text=_("Per unit, in yuan.")
    )
    lead_time_days = forms.IntegerField(label=_("Lead time (days)"))
    capacity = forms.IntegerField(
        label=_("Capacity"), help_text=_("How many units you can make for this tender.")
    )
    plan = forms.CharField(
        label=_("Plan"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("How you will make it: line, shifts, suppliers."),
    )
    bet_target = forms.DecimalField(
        label=_("Bet target"), required=False, max_digits=12, decimal_places=2
    )

    def __init__(self, *args: Any, ventures: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        venture_field = self.fields["venture"]
        assert isinstance(venture_field, forms.ChoiceField)
        venture_field.choices = [(v.slug, v.name) for v in ventures]
        _bootstrap(self)


class BidWithdrawForm(forms.Form):
    venture = forms.SlugField(max_length=140, widget=forms.HiddenInput)


class StandingBidForm(forms.Form):
    """A standing bid's price and lead time; the services check the ranges."""

    unit_price = forms.DecimalField(
        label=_("Unit price (¥)"), max_digits=12, decimal_places=2, min_value=0
    )
    lead_time_days = forms.IntegerField(label=_("Lead time (days)"), min_value=0)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"
