"""Forms of the device page, built from the model's capabilities: a command with its arguments,
the desired attributes, and sharing with a family member."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from heyi.devices.capabilities import MAX_STRING_LENGTH, Command, ValueSpec
from heyi.devices.models import ShareRole

UNCHANGED = ""


def _label(spec: ValueSpec) -> str:
    name = spec.name.replace("_", " ").capitalize()
    return f"{name} ({spec.unit})" if spec.unit else name


def _field(spec: ValueSpec, *, required: bool) -> forms.Field:
    """A form field for one typed value (Bootstrap classes on), small enough for a phone."""
    field = _bare_field(spec, required=required)
    choice = isinstance(field, forms.ChoiceField)
    field.widget.attrs["class"] = (
        "form-select form-select-sm" if choice else ("form-control form-control-sm")
    )
    return field


def _bare_field(spec: ValueSpec, *, required: bool) -> forms.Field:
    """A form field for one typed value; optional ones may be left empty (not sent)."""
    label = _label(spec)
    if spec.type == "bool":
        return forms.TypedChoiceField(
            label=label,
            choices=[
                *([] if required else [(UNCHANGED, "—")]),
                ("true", _("On")),
                ("false", _("Off")),
            ],
            coerce=lambda value: value == "true",
            empty_value=None,
            required=required,
        )
    if spec.type == "enum":
        return forms.ChoiceField(
            label=label,
            choices=[*([] if required else [(UNCHANGED, "—")]), *((v, v) for v in spec.values)],
            required=required,
        )
    if spec.type == "int":
        return forms.IntegerField(
            label=label,
            min_value=None if spec.minimum is None else int(spec.minimum),
            max_value=None if spec.maximum is None else int(spec.maximum),
            required=required,
        )
    if spec.type == "float":
        return forms.FloatField(
            label=label,
            min_value=spec.minimum,
            max_value=spec.maximum,
            required=required,
            widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
        )
    return forms.CharField(label=label, max_length=MAX_STRING_LENGTH, required=required)


class _ValuesForm(forms.Form):
    """A form whose fields are named `v_<name>`; `values()` gives the filled ones by name."""

    PREFIX = "v_"

    def values(self) -> dict[str, Any]:
        return {
            name.removeprefix(self.PREFIX): value
            for name, value in self.cleaned_data.items()
            if name.startswith(self.PREFIX) and value not in (None, UNCHANGED)
        }


class CommandForm(_ValuesForm):
    """One declared command and inputs for its arguments."""

    command = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, command: Command, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"id_{command.name}_%s")
        super().__init__(*args, **kwargs)
        self.declared = command
        self.title = command.name.replace("_", " ").capitalize()
        self.fields["command"].initial = command.name
        for spec in command.arguments:
            self.fields[f"{self.PREFIX}{spec.name}"] = _field(spec, required=spec.required)


class DesiredForm(_ValuesForm):
    """The writable attributes; empty inputs leave an attribute as it is."""

    def __init__(self, attributes: list[ValueSpec], *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "id_desired_%s")
        super().__init__(*args, **kwargs)
        for spec in attributes:
            self.fields[f"{self.PREFIX}{spec.name}"] = _field(spec, required=False)


class ShareForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of a family member"),
        max_length=254,
        widget=forms.EmailInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("They may"),
        choices=ShareRole.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
