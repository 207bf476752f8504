"""Forms for raising and editing demands, supporting, commenting and declining: shape only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from heyi.core.forms import MultiplePictureField
from heyi.demands.models import DemandStatus, SelectionMode
from heyi.demands.selectors import DEMAND_SORTS, category_list

SORT_LABELS = {
    "newest": _("Newest"),
    "most_supported": _("Most supported"),
    "most_fans": _("Most fans"),
    "relevance": _("Best match"),
}


class BootstrapFormMixin:
    """Gives each widget Bootstrap's class, so templates can render fields as they are."""

    fields: dict[str, forms.Field]

    def _bootstrap(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            elif isinstance(widget, forms.HiddenInput):
                continue
            else:
                css = "form-control"
            widget.attrs["class"] = css


def _category_choices() -> list[tuple[str, str]]:
    return [(category.slug, str(category.name)) for category in category_list()]


class DemandForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=160,
        help_text=_("One sentence: what do you want?"),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What is missing today, who would use it, what it must do."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=())
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=500,
        help_text=_("Up to 10 short tags, separated by commas."),
    )
    pictures = MultiplePictureField(
        label=_("Pictures"),
        help_text=_("Up to 8 pictures (JPEG, PNG, WebP or GIF)."),
    )
    selection_mode = forms.ChoiceField(
        label=_("Who picks the design?"),
        choices=SelectionMode.choices,
        initial=SelectionMode.AUTHOR,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Choose a category")), *_category_choices()]  # type: ignore[attr-defined]
        self._bootstrap()

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        return [part.strip() for part in raw.replace("，", ",").split(",") if part.strip()]


class DemandEditForm(DemandForm):
    """The same fields, less the design choice, plus pictures to remove."""

    remove_pictures = forms.MultipleChoiceField(
        label=_("Remove these pictures"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=(),
    )

    def __init__(self, *args: Any, pictures: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["selection_mode"]
        self.fields["pictures"].label = _("Add pictures")
        self.fields["remove_pictures"].choices = [  # type: ignore[attr-defined]
            (str(picture.uid), picture.caption or picture.image.name.rsplit("/", 1)[-1])
            for picture in pictures
        ]
        self._bootstrap()


class DemandFilterForm(BootstrapFormMixin, forms.Form):
    """The search box and filters of the list page; anything unknown is simply ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    category = forms.ChoiceField(label=_("Category"), required=False, choices=())
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *DemandStatus.choices],
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=40)
    sort = forms.ChoiceField(
        label=pgettext_lazy("sort", "Order"),
        required=False,
        choices=[("", _("Default")), *[(key, SORT_LABELS[key]) for key in DEMAND_SORTS]],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Any category")), *_category_choices()]  # type: ignore[attr-defined]
        self._bootstrap()


class SupportForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(label=_("Why do you want it?"), required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._bootstrap()


class CommentForm(BootstrapFormMixin, forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    parent = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._bootstrap()


class DeclineForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why is this demand declined?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The reason is public."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._bootstrap()
