"""Forms of the pre-order pages: the configurator with delivery details, campaigns, cancelling.

Forms check shape only (numbers are numbers, required fields are there); the services check the
rules (ranges, the campaign's cap, options that exist) and their messages are shown on the page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from heyi.designs.selectors import Configurator
from heyi.designs.templatetags.designs_money import price_change
from heyi.ledger.payments import provider_get
from heyi.orders.models import DeliveryWindow, OrderStage
from heyi.orders.services import DEFAULT_MAX_QUANTITY


def _bootstrap(form: forms.Form) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        widget.attrs["class"] = (
            "form-select" if isinstance(widget, forms.Select) else "form-control"
        )


class ConfiguratorForm(forms.Form):
    """One select per option group (fields option_0, option_1, …) and a quantity."""

    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)

    def __init__(self, *args: Any, configurator: Configurator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = [group.name for group in configurator.groups]
        for index, group in enumerate(configurator.groups):
            self.fields[f"option_{index}"] = forms.ChoiceField(
                label=group.name,
                choices=[
                    (option.value, f"{option.value} ({price_change(option.price_delta)})")
                    for option in group.options
                ],
                initial=group.default.value if group.default else None,
            )
        # The quantity last, after the options, as the page shows it.
        self.fields["quantity"] = self.fields.pop("quantity")
        _bootstrap(self)

    def option_fields(self) -> list[forms.BoundField]:
        return [self[f"option_{index}"] for index in range(len(self.groups))]

    def chosen(self) -> dict[str, str]:
        """Group → value from the cleaned data (call after is_valid)."""
        return {
            group: self.cleaned_data[f"option_{index}"]
            for index, group in enumerate(self.groups)
            if self.cleaned_data.get(f"option_{index}")
        }

    def chosen_loose(self) -> dict[str, str]:
        """Group → value as submitted, for pricing a form that does not validate yet."""
        data = self.data if self.is_bound else {}
        return {
            group: str(data[f"option_{index}"])
            for index, group in enumerate(self.groups)
            if data.get(f"option_{index}")
        }


class DeliveryPointFields(forms.Form):
    """Where to deliver: a written address and a point on the map."""

    address = forms.CharField(
        label=_("Delivery address"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        max_digits=9,
        decimal_places=6,
        help_text=_("From -90 to 90, for example 36.066300."),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        max_digits=9,
        decimal_places=6,
        help_text=_("From -180 to 180, for example 120.382600."),
    )


def payment_method_field() -> forms.ChoiceField:
    """The payment methods the provider offers, its default first chosen; left out, the
    service uses the provider's default."""
    provider = provider_get()
    field = forms.ChoiceField(
        label=_("Pay with"),
        choices=list(provider.methods),
        initial=provider.default_method,
        required=False,
    )
    field.widget.attrs["class"] = "form-select"
    return field


class PreOrderForm(ConfiguratorForm, DeliveryPointFields):
    """The configurator, where to deliver, and how to pay (the total is held in escrow)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["payment_method"] = payment_method_field()


class StandardOrderForm(DeliveryPointFields):
    """A quantity of a standard product and where to deliver it."""

    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=100, initial=1)

    field_order = ["quantity", "address", "latitude", "longitude"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class CampaignForm(forms.Form):
    threshold = forms.IntegerField(
        label=_("Threshold (units)"),
        min_value=1,
        help_text=_("The tender opens by itself once this many units are pre-ordered."),
    )
    deadline = forms.DateTimeField(
        label=_("Deadline"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text=_("If the threshold is not reached by then, every pre-order is cancelled."),
    )
    max_quantity = forms.IntegerField(
        label=_("Largest quantity per pre-order"), min_value=1, initial=DEFAULT_MAX_QUANTITY
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=500, required=False)


# --- orders -----------------------------------------------------------------------------------


class OrderAdvanceForm(forms.Form):
    """Move an order on: the stage, a note, and a photo where the move needs one."""

    to_stage = forms.ChoiceField(label=_("Next stage"), choices=OrderStage.choices)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    # The service checks the file is a real picture within the size limit.
    photo = forms.FileField(label=_("Photo"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)
        # Only a move to paid uses it; empty means the provider's default.
        self.fields["payment_method"] = payment_method_field()


class SampleDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=[("approve", _("Approve the sample")), ("reject", _("Reject the sample"))],
    )
    note = forms.CharField(
        label=_("Note (say why when rejecting)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class DeliverySlotForm(forms.Form):
    delivery_date = forms.DateField(
        label=_("Delivery day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    window = forms.ChoiceField(label=_("Time window"), choices=DeliveryWindow.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("Stars"), coerce=int, choices=[(n, f"{n}/5") for n in range(5, 0, -1)]
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _bootstrap(self)
