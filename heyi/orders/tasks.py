"""Background work of pre-orders: opening the production tender, and the deadline sweep."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from heyi.core.schedule import periodic
from heyi.orders import selectors, services

logger = logging.getLogger(__name__)


@task()
def campaign_tender_open(campaign_id: int) -> str | None:
    """Open the tender of a campaign that reached its threshold (idempotent: safe to rerun)."""
    campaign = services.campaign_tender_open(campaign_id=campaign_id)
    if campaign is None or campaign.tender_uid is None:
        return None
    return str(campaign.tender_uid)


@periodic(every_seconds=60)
@task()
def campaign_deadline_sweep() -> dict[str, int]:
    """Expire the campaigns whose deadline passed, and retry tenders that have not opened yet.

    Each campaign is handled in its own transaction and re-read under lock, so running the sweep
    twice, or two sweeps at once, changes nothing the second time.
    """
    now = timezone.now()
    expired = 0
    for campaign_id in list(selectors.campaign_list_due(now=now).values_list("id", flat=True)):
        if services.campaign_expire(campaign_id=campaign_id, now=now):
            expired += 1
    opened = 0
    for campaign_id in list(selectors.campaign_list_awaiting_tender().values_list("id", flat=True)):
        try:
            campaign = services.campaign_tender_open(campaign_id=campaign_id)
        except Exception:  # one failing tender must not stop the others; the next sweep retries
            logger.exception("could not open the tender of pre-order campaign %s", campaign_id)
            continue
        if campaign is not None and campaign.tender_uid is not None:
            opened += 1
    return {"expired": expired, "tenders_opened": opened}
