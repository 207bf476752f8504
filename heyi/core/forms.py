"""Form pieces shared by the apps' pages: a field taking several pictures from one input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _

PICTURE_TYPES = "image/jpeg,image/png,image/webp,image/gif"


class MultiplePictureInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePictureField(forms.FileField):
    """Several files from one input; the service checks each one as a picture."""

    def __init__(self, *args: Any, max_count: int | None = None, **kwargs: Any) -> None:
        self.max_count = max_count
        kwargs.setdefault(
            "widget", MultiplePictureInput(attrs={"class": "form-control", "accept": PICTURE_TYPES})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        cleaned = [super(MultiplePictureField, self).clean(item, initial) for item in files if item]
        if self.max_count is not None and len(cleaned) > self.max_count:
            raise forms.ValidationError(
                _("At most %(max)d pictures.") % {"max": self.max_count}, code="too_many"
            )
        return cleaned
