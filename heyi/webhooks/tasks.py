"""Background work of webhooks: the first attempt of each delivery, and the retry sweep."""

from __future__ import annotations

from django_tasks import task

from heyi.core.schedule import periodic
from heyi.webhooks import services


@task()
def delivery_send(delivery_id: int) -> int | None:
    """Attempt one delivery if it is still due and free; returns the answer's status code.

    Enqueued on commit of the transaction that created the delivery. Running it twice is
    harmless: the second run finds the delivery claimed, sent, or not due yet.
    """
    attempt = services.delivery_attempt(delivery_id=delivery_id)
    return None if attempt is None else attempt.status_code


@periodic(every_seconds=30)
@task()
def delivery_retry_sweep() -> dict[str, int]:
    """Send the retries that fell due (and first attempts whose task was lost), then disable
    endpoints that have failed for days."""
    sent = services.deliveries_send_due()
    disabled = services.endpoints_disable_failing()
    return {"sent": sent, "disabled": disabled}
