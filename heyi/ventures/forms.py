"""Forms for the venture pages: they check the shape of input; services check the rules."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from heyi.ventures.models import VentureKind, VentureStatus
from heyi.ventures.selectors import category_list
from heyi.ventures.services import (
    CAPACITY_MAX,
    CITY_MAX_LENGTH,
    MESSAGE_MAX_LENGTH,
    MISSION_MAX_LENGTH,
    NAME_MAX_LENGTH,
)


def _category_choices() -> list[tuple[str, str]]:
    return [(c.slug, str(c.name)) for c in category_list()]


class StyledForm(forms.Form):
    """Gives each widget its Bootstrap class, so the templates stay plain."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class VentureEditForm(StyledForm):
    """What members may change about their venture."""

    mission = forms.CharField(
        label=_("Mission"),
        max_length=MISSION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the venture makes or does, and for whom."),
    )
    city = forms.CharField(label=_("City"), max_length=CITY_MAX_LENGTH, required=False)
    categories = forms.MultipleChoiceField(
        label=_("Categories"), required=False, widget=forms.CheckboxSelectMultiple
    )
    capacity_per_day = forms.IntegerField(
        label=_("Capacity per day"),
        min_value=0,
        max_value=CAPACITY_MAX,
        initial=0,
        help_text=_("How many units or jobs the venture can take on in one day."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = _category_choices()  # type: ignore[attr-defined]


class VentureForm(VentureEditForm):
    """Founding a venture: its name and kind, then the description members may change later."""

    name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH)
    kind = forms.ChoiceField(label=_("Kind"), choices=VentureKind.choices)

    field_order = ["name", "kind", "mission", "city", "categories", "capacity_per_day"]


class VentureStatusForm(StyledForm):
    status = forms.ChoiceField(label=_("Status"), choices=VentureStatus.choices)


class InvitationForm(StyledForm):
    person = forms.CharField(
        label=_("E-mail address or user ID"),
        max_length=254,
        help_text=_("The person must already have an account on heyi."),
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_person(self) -> dict[str, Any]:
        raw = self.cleaned_data["person"].strip()
        try:
            return {"invitee_uid": uuid.UUID(raw), "invitee_email": ""}
        except ValueError:
            pass
        if "@" not in raw:
            raise forms.ValidationError(_("Enter an e-mail address or a user ID."))
        return {"invitee_uid": None, "invitee_email": raw}


class JoinRequestForm(StyledForm):
    message = forms.CharField(
        label=_("Message to the members"),
        max_length=MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say who you are and what you would bring to the venture."),
    )


class VentureFilterForm(StyledForm):
    """The filters on the list page; every field is optional."""

    search = forms.CharField(label=_("Search"), max_length=100, required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All kinds")), *VentureKind.choices]  # type: ignore[attr-defined]
        self.fields["status"].choices = [("", _("Any status")), *VentureStatus.choices]  # type: ignore[attr-defined]
        self.fields["category"].choices = [("", _("All categories")), *_category_choices()]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, str]:
        """The valid filters, empty strings for the rest, ready for venture_list.

        An invalid value (an unknown kind, say) drops only that filter, not the others.
        """
        self.is_valid()
        data = self.cleaned_data
        return {key: data.get(key) or "" for key in ("search", "kind", "status", "category")}
