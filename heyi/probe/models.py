"""The probe's one table: a row per write, the minimal insert the order benchmark measures against."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from heyi.core.models import BaseModel


class ProbeWrite(BaseModel):
    """One write through the probe endpoint: who sent it, a short note and a quantity."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("probe write")
        verbose_name_plural = _("probe writes")

    def __str__(self) -> str:
        return f"probe write {self.uid}"
