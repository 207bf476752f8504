"""Admin of webhooks: operators look at endpoints and deliveries (the secret is not shown)."""

from __future__ import annotations

from django.contrib import admin

from heyi.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["url", "app", "is_active", "failing_since", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["url", "app__name"]
    exclude = ["secret", "previous_secret"]
    readonly_fields = ["uid", "app", "failing_since", "previous_secret_expires_at"]


class WebhookAttemptInline(admin.TabularInline):  # type: ignore[type-arg]
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = [
        "number",
        "trigger",
        "attempted_at",
        "status_code",
        "error",
        "duration_ms",
        "response_excerpt",
    ]
    exclude = ["headers"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["message_id", "event_type", "endpoint", "status", "attempts", "created_at"]
    list_filter = ["status", "event_type"]
    search_fields = ["message_id", "endpoint__url"]
    readonly_fields = ["uid", "endpoint", "message_id", "event_type", "payload", "delivered_at"]
    inlines = [WebhookAttemptInline]
