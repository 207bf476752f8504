"""Forms of the value pages: a venture's pay rule and the platform's share rates.

They check shape; the services check the rules, and the share rates are checked here by the
value equation's own `ShareTerms.problems()` so that every problem shows on the form.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from heyi.ledger.models import ShareRuleScope
from heyi.ledger.share import ShareTerms
from heyi.value.models import PayBasis


def _bootstrap(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.HiddenInput, forms.RadioSelect)):
            widget.attrs.setdefault("class", "form-check-input")
            continue
        widget.attrs["class"] = (
            "form-select" if isinstance(widget, forms.Select) else "form-control"
        )


class PayRuleForm(forms.Form):
    pool_percent = forms.DecimalField(
        # xgettext:no-python-format
        label=_("Members' pool (% of the venture's net on each order)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=5,
        decimal_places=2,
    )
    basis = forms.ChoiceField(
        label=_("Split the pool"), choices=PayBasis.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


# The rate fields, in the order of the value equation.
RATE_FIELDS: tuple[tuple[str, Any], ...] = (
    # xgettext:no-python-format
    ("platform_fee_percent", _("Platform fee (% of the order total)")),
    # xgettext:no-python-format
    ("author_royalty_percent", _("Author's royalty (% of the order total)")),
    # xgettext:no-python-format
    ("designer_royalty_percent", _("Designers' royalty (% of the order total)")),
    ("delivery_fee_per_order", _("Delivery fee per order")),
    ("delivery_fee_per_unit", _("Delivery fee per unit")),
    ("maker_surplus_percent", _("Maker's share of the surplus (%)")),
)


class ShareRuleForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("Rates for"),
        choices=[
            (ShareRuleScope.DEFAULT_PRODUCTION.value, ShareRuleScope.DEFAULT_PRODUCTION.label),
            (ShareRuleScope.DEFAULT_STANDARD.value, ShareRuleScope.DEFAULT_STANDARD.label),
        ],
    )
    note = forms.CharField(label=_("Why (shown with the rates)"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {"scope": self.fields.pop("scope")}
        for name, label in RATE_FIELDS:
            fields[name] = forms.DecimalField(
                label=label, max_digits=9, decimal_places=2, min_value=Decimal(0)
            )
        fields["note"] = self.fields.pop("note")
        self.fields = fields  # type: ignore[assignment]
        _bootstrap(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if all(name in data and data[name] is not None for name, _label in RATE_FIELDS):
            terms = self.terms_from(data)
            for problem in terms.problems():
                self.add_error(None, problem)
        return data

    @staticmethod
    def terms_from(data: dict[str, Any]) -> ShareTerms:
        return ShareTerms(**{name: Decimal(data[name]) for name, _label in RATE_FIELDS})

    def terms(self) -> ShareTerms:
        return self.terms_from(self.cleaned_data)
