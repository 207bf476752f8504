"""Models of devices: product models and their capabilities, devices, binding, sharing, telemetry."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from heyi.core.models import BaseModel


class DeviceModel(BaseModel):
    """A product model, from a standard product or a demand's design, and what it can do."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    product = models.ForeignKey(
        "products.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="device_models",
    )
    demand_uid = models.UUIDField(null=True, blank=True, db_index=True)
    capabilities = models.JSONField(_("capabilities"), default=dict, blank=True)
    is_smart = models.BooleanField(_("smart"), default=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("device model")
        verbose_name_plural = _("device models")

    def __str__(self) -> str:
        return self.name


class DeviceStatus(models.TextChoices):
    UNBOUND = "unbound", _("Not bound")
    BOUND = "bound", _("Bound")
    RETIRED = "retired", _("Retired")


class Device(BaseModel):
    """One delivered smart unit: its serial number, its model, its owner once bound."""

    serial = models.CharField(_("serial number"), max_length=20, unique=True)
    model = models.ForeignKey(DeviceModel, on_delete=models.PROTECT, related_name="devices")
    order = models.ForeignKey(
        "orders.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="devices"
    )
    # Which unit of the order (0-based): the key that makes registration idempotent.
    unit_index = models.PositiveIntegerField(default=0)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="devices",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DeviceStatus.choices, default=DeviceStatus.UNBOUND
    )
    bound_at = models.DateTimeField(null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    is_online = models.BooleanField(_("online"), default=False)

    class Meta:
        ordering = ["serial"]
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "unit_index"], name="devices_device_one_per_order_unit"
            )
        ]

    def __str__(self) -> str:
        return self.serial


class DeviceBindingCode(BaseModel):
    """A one-time, expiring code that binds a device to whoever enters it first.

    Kept in plain text: the buyer must read it on the order page (and it is printed in the box),
    so it cannot be hashed away; it is short-lived, single-use and only shown to the order's user.
    """

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="binding_codes")
    code = models.CharField(_("binding code"), max_length=12, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("binding code")
        verbose_name_plural = _("binding codes")

    def __str__(self) -> str:
        return self.code


class ShareRole(models.TextChoices):
    VIEW = "view", _("View")
    CONTROL = "control", _("Control")


class DeviceShare(BaseModel):
    """A family member the owner lets see (view) or also operate (control) a device."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="device_shares"
    )
    role = models.CharField(_("role"), max_length=10, choices=ShareRole.choices)

    class Meta:
        ordering = ["device", "user"]
        verbose_name = _("device share")
        verbose_name_plural = _("device shares")
        constraints = [
            models.UniqueConstraint(fields=["device", "user"], name="devices_share_one_per_user")
        ]


class DeviceCredential(BaseModel):
    """A device's token, stored as its SHA-256 only; rolling revokes the previous one."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="credentials")
    token_hash = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("device credential")
        verbose_name_plural = _("device credentials")


class DeviceShadow(models.Model):
    """The device's last reported state and the state its users desire, each versioned."""

    device = models.OneToOneField(Device, on_delete=models.CASCADE, related_name="shadow")
    reported = models.JSONField(default=dict, blank=True)
    desired = models.JSONField(default=dict, blank=True)
    reported_version = models.PositiveIntegerField(default=0)
    desired_version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("device shadow")
        verbose_name_plural = _("device shadows")

    def __str__(self) -> str:
        return f"{self.device_id}: v{self.reported_version}/v{self.desired_version}"


class Reading(models.Model):
    """One telemetry message; the message id per device makes QoS 1 redeliveries harmless."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="readings")
    message_id = models.CharField(max_length=64)
    device_ts = models.DateTimeField(_("measured at"))
    received_at = models.DateTimeField(_("received at"))
    values = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        constraints = [
            models.UniqueConstraint(
                fields=["device", "message_id"], name="devices_reading_once_per_message"
            )
        ]
        indexes = [
            models.Index(fields=["device", "device_ts"], name="devices_reading_device_ts"),
            # The dashboards count the devices active in a period: a range on the time alone.
            models.Index(fields=["device_ts"], name="devices_reading_ts"),
        ]

    def __str__(self) -> str:
        return f"{self.device_id}: {self.message_id}"


class CommandStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the device")
    SENT = "sent", _("Sent")
    ACKED = "acked", _("Done")
    FAILED = "failed", _("Failed")
    REJECTED = "rejected", _("Rejected by the device")
    TIMED_OUT = "timed_out", _("Timed out")


class CommandSource(models.TextChoices):
    USER = "user", _("A person")
    APP = "app", _("An app")
    RULE = "rule", _("A rule")
    SHADOW = "shadow", _("Desired state")


class DeviceCommand(BaseModel):
    """A command to one device, tracked from request to acknowledgement or time-out.

    `message_id` is the command's id on the wire (the `id` of the MQTT payload, and what the
    device's acknowledgement names), so a retried publish is the same command to the device.
    """

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="commands")
    message_id = models.UUIDField(unique=True)
    name = models.CharField(_("command"), max_length=64)
    args = models.JSONField(_("arguments"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CommandStatus.choices, default=CommandStatus.PENDING
    )
    source = models.CharField(
        _("source"), max_length=10, choices=CommandSource.choices, default=CommandSource.USER
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The app (heyi.developers.DeveloperApp id) or rule (heyi.rules.Rule id) that sent it; plain
    # ids, because devices sits below both apps and may not point at their tables.
    app_id = models.PositiveBigIntegerField(null=True, blank=True)
    rule_id = models.PositiveBigIntegerField(null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    send_attempts = models.PositiveIntegerField(default=0)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    detail = models.CharField(_("detail"), max_length=512, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("device command")
        verbose_name_plural = _("device commands")
        indexes = [
            models.Index(fields=["device", "status"], name="devices_command_dev_status"),
            models.Index(fields=["status", "expires_at"], name="devices_command_status_exp"),
        ]

    def __str__(self) -> str:
        return f"{self.device_id}: {self.name} ({self.status})"


class DeviceAlarm(BaseModel):
    """An alarm a device raised; the same code raised again while active is the same alarm."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="alarms")
    code = models.CharField(_("code"), max_length=64)
    severity = models.CharField(_("severity"), max_length=10)
    message = models.CharField(_("message"), max_length=512, blank=True)
    raised_at = models.DateTimeField(_("raised at"))
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    # The message that raised it: a redelivered alarm message changes nothing.
    message_id = models.CharField(max_length=64)

    class Meta:
        ordering = ["-raised_at", "-id"]
        verbose_name = _("device alarm")
        verbose_name_plural = _("device alarms")
        constraints = [
            models.UniqueConstraint(
                fields=["device", "message_id"], name="devices_alarm_once_per_message"
            )
        ]
        indexes = [models.Index(fields=["device", "cleared_at"], name="devices_alarm_active")]

    def __str__(self) -> str:
        return f"{self.device_id}: {self.code}"
