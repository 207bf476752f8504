"""Forms of the supply pages: catalogue items, the catalogue filters, BOM lines and RFQs.

Forms check shape only (numbers are numbers, dates are dates); the services check the rules
(positive prices, members only, dates after the quotations close) and their messages are shown.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from heyi.core.models import Category
from heyi.designs.models import ProposalVersion
from heyi.supply.models import ItemKind
from heyi.supply.selectors import ProductionAward


def _bootstrap(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        widget.attrs["class"] = (
            "form-select" if isinstance(widget, forms.Select) else "form-control"
        )


def _category_choices() -> list[tuple[str, str]]:
    return [(c.slug, str(c.name)) for c in Category.objects.order_by("position", "name")]


class CatalogueItemForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=160)
    kind = forms.ChoiceField(label=_("Kind"), choices=ItemKind.choices)
    category = forms.ChoiceField(label=_("Category"))
    unit_price = forms.DecimalField(label=_("Unit price (CNY)"), max_digits=14, decimal_places=2)
    lead_time_days = forms.IntegerField(label=_("Lead time (days)"))
    capacity_per_week = forms.IntegerField(label=_("Capacity (units per week)"))
    certification = forms.CharField(
        label=_("Certification"),
        max_length=200,
        required=False,
        help_text=_("For example: CCC, CE, ISO 9001."),
    )
    certification_valid_until = forms.DateField(
        label=_("Certification valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    description = forms.CharField(
        label=_("Description"), max_length=4000, required=False, widget=forms.Textarea({"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices()  # type: ignore[attr-defined]
        _bootstrap(self)


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *ItemKind.choices]
    )
    category = forms.ChoiceField(label=_("Category"), required=False)
    supplier = forms.CharField(label=_("Supplier"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("Any category")),
            *_category_choices(),
        ]
        _bootstrap(self)

    def filters(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        return {name: data.get(name) or "" for name in ("q", "kind", "category", "supplier")}


class BomLineForm(forms.Form):
    item = forms.IntegerField(
        label=_("Catalogue item number"), min_value=1, help_text=_("The number after the C.")
    )
    quantity_per_unit = forms.IntegerField(label=_("Quantity per unit"))
    module = forms.ChoiceField(label=_("For the module"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, version: ProposalVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = [  # type: ignore[attr-defined]
            ("", _("The whole product")),
            *[(m.name, m.name) for m in version.modules.all()],
        ]
        _bootstrap(self)


class RfqForm(forms.Form):
    venture = forms.ChoiceField(label=_("For your venture"))
    bom_line = forms.UUIDField(widget=forms.HiddenInput)
    needed_by = forms.DateField(
        label=_("Needed by"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, awards: list[ProductionAward], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["venture"].choices = [  # type: ignore[attr-defined]
            (a.venture.slug, f"{a.venture.name} ({a.units})") for a in awards
        ]
        _bootstrap(self)
