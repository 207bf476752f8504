"""Models of rules: when a device reports something, do something; what fired; service tickets."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from heyi.core.models import BaseModel
from heyi.rules.conditions import rule_describe


class RuleTrigger(models.TextChoices):
    TELEMETRY = "telemetry", _("A telemetry reading")
    ALARM = "alarm", _("An alarm")
    OFFLINE = "offline", _("The device going offline")


class RuleAction(models.TextChoices):
    COMMAND = "command", _("Send a command")
    NOTIFY = "notify", _("Notify")
    SERVICE_TICKET = "service_ticket", _("Open a service ticket")
    DEMAND = "demand", _("Raise or support a demand")


class Rule(BaseModel):
    """WHEN a device (or, for operators, any device of a model) reports something THEN act.

    Exactly one of `device` and `device_model` is set: an owner's rule watches one device, an
    operator's model-wide rule watches every device of a model.
    """

    name = models.CharField(_("name"), max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="device_rules"
    )
    device = models.ForeignKey(
        "devices.Device",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rules",
    )
    device_model = models.ForeignKey(
        "devices.DeviceModel",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rules",
    )
    trigger = models.CharField(_("when"), max_length=12, choices=RuleTrigger.choices)
    condition = models.JSONField(_("condition"), default=dict, blank=True)
    action = models.CharField(_("then"), max_length=16, choices=RuleAction.choices)
    params = models.JSONField(_("action parameters"), default=dict, blank=True)
    cooldown_minutes = models.PositiveIntegerField(_("cooldown (minutes)"), default=60)
    is_active = models.BooleanField(_("active"), default=True)
    last_fired_at = models.DateTimeField(_("last fired"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        constraints = [
            models.CheckConstraint(
                condition=(Q(device__isnull=False) & Q(device_model__isnull=True))
                | (Q(device__isnull=True) & Q(device_model__isnull=False)),
                name="rules_rule_one_scope",
            )
        ]
        # The ingest asks "the active rules of these devices or models" for every batch.
        indexes = [
            models.Index(fields=["device", "is_active"], name="rules_rule_device_active"),
            models.Index(fields=["device_model", "is_active"], name="rules_rule_model_active"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_model_wide(self) -> bool:
        return self.device_model_id is not None

    @property
    def summary(self) -> str:
        return rule_describe(self.trigger, self.condition, self.action, self.params)


class RuleState(models.Model):
    """One rule on one device: its streak of matching readings and when it last fired there.

    The cooldown is per device, so that one fridge firing a model-wide rule does not silence
    the same rule on every other fridge; `last_fired_at` is claimed with a conditional UPDATE,
    which is what makes two gateways unable to fire the same rule twice.
    """

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="states")
    device = models.ForeignKey("devices.Device", on_delete=models.CASCADE, related_name="+")
    streak = models.PositiveIntegerField(default=0)
    evidence = models.JSONField(default=list, blank=True)
    # The time of the newest reading counted: a redelivered or late batch is not counted twice.
    last_seen_at = models.DateTimeField(null=True, blank=True)
    last_fired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rule state")
        verbose_name_plural = _("rule states")
        constraints = [
            models.UniqueConstraint(fields=["rule", "device"], name="rules_state_one_per_device")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}/{self.device_id}: {self.streak}"


class FiringStatus(models.TextChoices):
    OK = "ok", _("Done")
    FAILED = "failed", _("Failed")


class RuleFiring(BaseModel):
    """One time a rule fired on a device: what it saw, what it did, and whether that worked."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="firings")
    device = models.ForeignKey("devices.Device", on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(_("fired at"), db_index=True)
    event_type = models.CharField(_("event"), max_length=40)
    # The readings (message id, time, field, value) or the alarm or offline event it came from.
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=RuleAction.choices)
    status = models.CharField(_("status"), max_length=10, choices=FiringStatus.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    command_uid = models.UUIDField(null=True, blank=True)
    ticket_uid = models.UUIDField(null=True, blank=True)
    demand_uid = models.UUIDField(null=True, blank=True)
    notified = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("rule firing")
        verbose_name_plural = _("rule firings")
        indexes = [models.Index(fields=["rule", "-at"], name="rules_firing_rule_at")]

    def __str__(self) -> str:
        return f"{self.rule_id} @ {self.at:%Y-%m-%d %H:%M} ({self.status})"


class TicketStatus(models.TextChoices):
    OPEN = "open", _("Open")
    TENDERED = "tendered", _("Out to tender")
    AWARDED = "awarded", _("Awarded to a service venture")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ServiceTicket(BaseModel):
    """A device needs a visit: put out to tender for service ventures, awarded to one."""

    device = models.ForeignKey(
        "devices.Device", on_delete=models.PROTECT, related_name="service_tickets"
    )
    rule = models.ForeignKey(
        Rule, on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TicketStatus.choices, default=TicketStatus.OPEN
    )
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    # The contention engine's tender (plain identifiers: its number is what its page is at).
    tender_uid = models.UUIDField(null=True, blank=True, db_index=True)
    tender_number = models.PositiveIntegerField(null=True, blank=True)
    venture = models.ForeignKey(
        "ventures.Venture",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="service_tickets",
    )
    fee = models.DecimalField(_("fee"), max_digits=12, decimal_places=2, null=True, blank=True)
    awarded_at = models.DateTimeField(_("awarded at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("service ticket")
        verbose_name_plural = _("service tickets")

    def __str__(self) -> str:
        return self.title
