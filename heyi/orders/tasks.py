"""Background work of pre-orders: opening the production tender, and the deadline sweep."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tasks import task

from heyi.core.schedule import periodic
from heyi.orders import order_selectors, order_services, selectors, services, standard_services

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


@periodic(every_seconds=300)
@task()
def daily_contention_sweep() -> int | None:
    """Run the day's order contention once it is due; return the run's number, if any.

    Two sweeps at once may both see it due; each run allocates only orders still without a
    venture, under lock, so the second one finds nothing to take and records an empty run.
    """
    if not standard_services.daily_contention_due():
        return None
    return standard_services.daily_contention_run().number


@periodic(every_seconds=600)
@task()
def order_delay_sweep() -> int:
    """Tell the users of orders that are past their promise; return how many were told."""
    now = timezone.now()
    told = 0
    for order_id in order_selectors.order_list_late_ids(now=now):
        if order_services.order_delay_notice(order_id=order_id, now=now):
            told += 1
    return told
