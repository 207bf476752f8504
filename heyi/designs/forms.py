"""Forms for co-design pages: claims, proposals and versions (modules and options as lines), comments.

Modules and options are typed one per line with parts separated by "|", which is quicker to
write and to copy between versions than a grid of inputs:

    modules:  name | quantity | description
    options:  group | value | price change | default
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from heyi.core.forms import MultiplePictureField
from heyi.designs.models import Module, Option
from heyi.designs.services import MAX_PICTURES, ModuleSpec, OptionSpec

DEFAULT_WORDS = {"default", "yes", "y", "*", "x", "默认", "是"}

MODULES_HELP = gettext_lazy(
    "One module per line: <code>name | quantity | description</code>. Quantity and description "
    "may be left out (quantity 1). Example: <code>Compressor | 1 | inverter, 220 V</code>"
)
OPTIONS_HELP = gettext_lazy(
    "One option per line: <code>group | value | price change | default</code>. The price "
    "change is in CNY and may be negative or left out (0). Write <code>default</code> in the "
    "fourth part for the value chosen when a buyer picks nothing (at most one per group). "
    "Example: <code>Colour | Graphite | 0 | default</code>, <code>Colour | Red | +120</code>, "
    "<code>Capacity | 350 L | -300</code>"
)


def _parts(line: str) -> list[str]:
    return [part.strip() for part in line.split("|")]


def modules_parse(text: str) -> list[ModuleSpec]:
    """Read module lines; raise ValidationError naming the line that cannot be read."""
    modules = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = _parts(line)
        if len(parts) > 3 or not parts[0]:
            raise forms.ValidationError(
                _("Line %(line)d: write name | quantity | description.") % {"line": number}
            )
        quantity_text = parts[1] if len(parts) > 1 and parts[1] else "1"
        try:
            quantity = int(quantity_text)
        except ValueError as error:
            raise forms.ValidationError(
                _("Line %(line)d: the quantity must be a whole number.") % {"line": number}
            ) from error
        if quantity < 1:
            raise forms.ValidationError(
                _("Line %(line)d: the quantity must be at least 1.") % {"line": number}
            )
        description = parts[2] if len(parts) > 2 else ""
        modules.append(ModuleSpec(name=parts[0], quantity=quantity, description=description))
    return modules


def options_parse(text: str) -> list[OptionSpec]:
    """Read option lines; raise ValidationError naming the line that cannot be read."""
    options = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = _parts(line)
        if not 2 <= len(parts) <= 4 or not parts[0] or not parts[1]:
            raise forms.ValidationError(
                _("Line %(line)d: write group | value | price change | default.") % {"line": number}
            )
        delta_text = (parts[2] if len(parts) > 2 else "").replace("¥", "").replace(",", "")
        delta_text = delta_text.replace("CNY", "").strip() or "0"
        try:
            delta = Decimal(delta_text)
        except InvalidOperation as error:
            raise forms.ValidationError(
                _("Line %(line)d: the price change must be a number, like 120 or -35.50.")
                % {"line": number}
            ) from error
        flag = parts[3].lower() if len(parts) > 3 else ""
        if flag and flag not in DEFAULT_WORDS:
            raise forms.ValidationError(
                _("Line %(line)d: the fourth part is either “default” or left out.")
                % {"line": number}
            )
        options.append(
            OptionSpec(group=parts[0], value=parts[1], price_delta=delta, is_default=bool(flag))
        )
    return options


def modules_to_text(modules: Iterable[Module]) -> str:
    return "\n".join(
        " | ".join(p for p in (m.name, str(m.quantity), m.description) if p) for m in modules
    )


def options_to_text(options: Iterable[Option]) -> str:
    lines = []
    for option in options:
        delta = f"{option.price_delta:+.2f}" if option.price_delta else "0"
        parts = [option.group, option.value, delta] + (["default"] if option.is_default else [])
        lines.append(" | ".join(parts))
    return "\n".join(lines)


class ClaimForm(forms.Form):
    venture = forms.ChoiceField(label=gettext_lazy("Claim as"), required=False)
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
        help_text=gettext_lazy("What you bring to this demand, in a sentence or two."),
    )

    def __init__(
        self, *args: Any, ventures: Iterable[Any] = (), include_self: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["venture"]
        assert isinstance(field, forms.ChoiceField)
        mine = [("", _("Myself"))] if include_self else []
        field.choices = [*mine, *((v.slug, v.name) for v in ventures)]
        field.required = not include_self
        field.widget.attrs["class"] = "form-select"

    @property
    def has_choices(self) -> bool:
        field = self.fields["venture"]
        return bool(getattr(field, "choices", None))


class ProposalFormBase(forms.Form):
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
    )
    base_price = forms.DecimalField(
        label=gettext_lazy("Estimated base price (CNY)"),
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01", "min": "0.01"}),
        help_text=gettext_lazy("The price of the cheapest sensible build, before options."),
    )
    modules = forms.CharField(
        label=gettext_lazy("Module list"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control font-monospace"}),
        help_text=MODULES_HELP,
    )
    options = forms.CharField(
        label=gettext_lazy("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control font-monospace"}),
        help_text=OPTIONS_HELP,
    )
    pictures = MultiplePictureField(
        label=gettext_lazy("Pictures"),
        required=False,
        max_count=MAX_PICTURES,
        help_text=gettext_lazy("Up to 8 JPEG, PNG, WebP or GIF pictures, 5 MB each."),
    )

    def clean_modules(self) -> list[ModuleSpec]:
        return modules_parse(self.cleaned_data.get("modules", ""))

    def clean_options(self) -> list[OptionSpec]:
        return options_parse(self.cleaned_data.get("options", ""))


class ProposalForm(ProposalFormBase):
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=160,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    venture = forms.ChoiceField(label=gettext_lazy("Post as"), required=False)

    field_order = [
        "venture",
        "title",
        "description",
        "base_price",
        "modules",
        "options",
        "pictures",
    ]

    def __init__(self, *args: Any, claims: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = []
        for claim in claims:
            if claim.venture is None:
                choices.append(("", _("Myself")))
            else:
                choices.append((claim.venture.slug, claim.venture.name))
        field = self.fields["venture"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices
        field.widget.attrs["class"] = "form-select"


class VersionForm(ProposalFormBase):
    keep_pictures = forms.BooleanField(
        label=gettext_lazy("Keep the current pictures when I upload none"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=gettext_lazy("Comment"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    parent = forms.UUIDField(required=False, widget=forms.HiddenInput)


class SelectionForm(forms.Form):
    proposal = forms.UUIDField(widget=forms.HiddenInput)
