"""Periodic sweep of tenders: open the published ones whose time has come, close the due ones."""

from __future__ import annotations

import logging

from django_tasks import task

from heyi.contention.models import Tender
from heyi.contention.selectors import tender_list_due_to_close, tender_list_due_to_open
from heyi.contention.services import tender_close, tender_open
from heyi.core.errors import DomainError
from heyi.core.schedule import periodic

logger = logging.getLogger(__name__)


def tenders_sweep() -> dict[str, list[int]]:
    """Open and close what is due; return the numbers handled. Safe to run any number of times.

    Each tender is handled in its own transaction by the service, which re-reads the row under
    lock: a tender that another sweep or an operator handled meanwhile is refused there and
    simply skipped here.
    """
    opened: list[int] = []
    closed: list[int] = []
    for pk in tender_list_due_to_open():
        tender = Tender.objects.get(pk=pk)
        try:
            tender_open(tender=tender)
        except DomainError as error:
            logger.info("tender #%s not opened: %s", tender.number, error.code)
            continue
        opened.append(tender.number)
    for pk in tender_list_due_to_close():
        tender = Tender.objects.get(pk=pk)
        try:
            tender_close(tender=tender)
        except DomainError as error:
            logger.info("tender #%s not closed: %s", tender.number, error.code)
            continue
        closed.append(tender.number)
    return {"opened": opened, "closed": closed}


@periodic(every_seconds=30)
@task()
def tenders_sweep_task() -> dict[str, list[int]]:
    """The scheduled form of tenders_sweep."""
    return tenders_sweep()
