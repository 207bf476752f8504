"""Models of webhooks: an app's endpoints, each event's delivery to one, and every attempt.

A delivery is one Standard Webhooks message (its `msg_…` id is the `webhook-id` header) to one
endpoint; its attempts are the HTTP requests that carried it, kept for the developer's log.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from heyi.core.models import BaseModel


class EventType(models.TextChoices):
    TELEMETRY_THRESHOLD = "device.telemetry.threshold", _("A reading crossed a threshold")
    ALARM_RAISED = "device.alarm.raised", _("An alarm was raised")
    ALARM_CLEARED = "device.alarm.cleared", _("An alarm was cleared")
    ONLINE = "device.online", _("A device came online")
    OFFLINE = "device.offline", _("A device went offline")
    COMMAND_ANSWERED = "device.command.answered", _("A device answered a command")
    ORDER_STAGE = "order.stage", _("An order reached a stage")


# Sent by the "Send test event" button whatever the endpoint subscribed to.
TEST_EVENT_TYPE = "webhook.test"


class WebhookEndpoint(BaseModel):
    """Where an app wants its events: a URL, the event types, and a signing secret."""

    app = models.ForeignKey(
        "developers.DeveloperApp", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    # `whsec_` + base64 of 32 random bytes, as Standard Webhooks libraries expect.
    secret = models.CharField(max_length=100)
    # After a rotation both secrets sign for a day, so the app can switch without losing events.
    previous_secret = models.CharField(max_length=100, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    event_types = models.JSONField(_("event types"), default=list)
    # [{"field": "temperature", "op": ">", "value": 8}]: telemetry fires only when crossing one.
    thresholds = models.JSONField(_("thresholds"), default=list, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    disabled_reason = models.CharField(_("why disabled"), max_length=200, blank=True)
    # Since when every attempt has failed (cleared by a success); long failure disables it.
    failing_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed (no more retries)")


class WebhookDelivery(BaseModel):
    """One event for one endpoint, retried with backoff until a 2xx answer or the last attempt."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    message_id = models.CharField(max_length=40, unique=True)
    event_type = models.CharField(_("event type"), max_length=40)
    # The exact Standard Webhooks body: {"type", "timestamp", "data"}.
    payload = models.JSONField(default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Set while one worker sends it: nobody else sends it until then (a lease, not a lock, so
    # no transaction stays open during the HTTP request; a crashed sender's lease runs out).
    sending_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhooks_delivery_due",
            ),
            models.Index(fields=["endpoint", "-created_at"], name="webhooks_delivery_log"),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} {self.event_type} ({self.status})"


class AttemptTrigger(models.TextChoices):
    AUTOMATIC = "automatic", _("Automatic")
    REPLAY = "replay", _("Replay")


class WebhookAttempt(models.Model):
    """One HTTP request carrying a delivery, and what came back (append-only)."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    number = models.PositiveIntegerField()
    trigger = models.CharField(max_length=10, choices=AttemptTrigger.choices)
    attempted_at = models.DateTimeField()
    # The signed headers as sent (webhook-timestamp changes with every attempt).
    headers = models.JSONField(default=dict)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    response_excerpt = models.CharField(max_length=1024, blank=True)

    class Meta:
        ordering = ["-attempted_at", "-id"]
        verbose_name = _("webhook attempt")
        verbose_name_plural = _("webhook attempts")

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}: {self.status_code or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class ThresholdState(models.Model):
    """Whether a device's reading last met one threshold of one endpoint.

    Only a change from "not met" to "met" fires `device.telemetry.threshold`; a rule that stays
    met stays quiet. Written only when the state changes, so steady readings cost no write.
    """

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="threshold_states"
    )
    device = models.ForeignKey("devices.Device", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)  # field, operator and value: "temperature>8"
    is_met = models.BooleanField(default=False)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "device", "key"], name="webhooks_threshold_state_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.endpoint_id}/{self.device_id} {self.key}={self.is_met}"
