"""Demands: what users ask for, with fans, supports, threads and a public status history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from heyi.core.models import BaseModel, Category


class DemandStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("demand status", "Open")
    CO_DESIGN = "co_design", _("Co-design")
    PRE_ORDER = "pre_order", _("Pre-order")
    CONTENTION = "contention", _("Contention")
    IN_PRODUCTION = "in_production", _("In production")
    DELIVERED = "delivered", _("Delivered")
    CLOSED = "closed", _("Closed")
    DECLINED = "declined", _("Declined")


class SelectionMode(models.TextChoices):
    AUTHOR = "author", _("The author picks the design")
    VOTE = "vote", _("The vote picks the design")


class Tag(models.Model):
    name = models.SlugField(_("name"), max_length=40, unique=True, allow_unicode=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Demand(BaseModel):
    number = models.PositiveIntegerField(_("number"), unique=True)
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), max_length=10000)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="demands")
    tags = models.ManyToManyField(Tag, related_name="demands", blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="demands"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=DemandStatus.choices,
        default=DemandStatus.OPEN,
        db_index=True,
    )
    status_reason = models.TextField(_("reason for the status"), max_length=2000, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    selection_mode = models.CharField(
        _("how the design is chosen"),
        max_length=10,
        choices=SelectionMode.choices,
        default=SelectionMode.AUTHOR,
    )
    fan_count = models.PositiveIntegerField(default=0, db_index=True)
    support_count = models.PositiveIntegerField(default=0, db_index=True)
    comment_count = models.PositiveIntegerField(default=0)
    # Lower-cased title, description and tags, kept by the services: the substring search for
    # scripts whose words are not separated by spaces (Chinese) reads this column.
    search_text = models.TextField(blank=True, editable=False)
    # The tag names joined by spaces, kept by the services, so that full-text search can weigh
    # tags without joining the tag table (PostgreSQL GIN expression index, SQLite FTS5 triggers).
    search_tags = models.CharField(max_length=500, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("demand")
        verbose_name_plural = _("demands")

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"


class DemandPicture(BaseModel):
    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="pictures")
    image = models.ImageField(upload_to="demands/%Y/%m/")
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class Fan(models.Model):
    """A person follows a demand."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="fans")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fan_of"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["demand", "user"], name="demands_fan_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} ♥ {self.demand}"


class Support(models.Model):
    """A person says they want this too, optionally saying why."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supports"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["demand", "user"], name="demands_support_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} + {self.demand}"


class Comment(BaseModel):
    """A comment in a demand's threads; a reply points at the comment it answers."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    body = models.TextField(_("comment"), max_length=5000)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class StatusChange(models.Model):
    """The public history of a demand's status; a decline always carries its reason."""

    demand = models.ForeignKey(Demand, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=DemandStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=DemandStatus.choices)
    reason = models.TextField(max_length=2000, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(to_status="declined") | ~models.Q(reason=""),
                name="demands_statuschange_decline_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.demand}: {self.from_status} → {self.to_status}"
