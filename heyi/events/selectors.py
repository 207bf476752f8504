"""Reads of events: the public site, registrations, tickets and the live feed of platform news."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from heyi.accounts.selectors import user_is_operator
from heyi.contention.models import Tender
from heyi.core.errors import NotFound
from heyi.core.models import AuditEvent
from heyi.demands.models import Demand
from heyi.events.errors import EventsErrorCode
from heyi.events.models import (
    Event,
    Partner,
    PartnerTier,
    Registration,
    RegistrationStatus,
    Session,
    Speaker,
)
from heyi.ventures.models import Venture


def event_list_published() -> QuerySet[Event]:
    """Published events, the next or latest first, with their confirmed counts."""
    return Event.objects.filter(is_published=True).annotate(
        confirmed_count=Count(
            "registrations", filter=Q(registrations__status=RegistrationStatus.CONFIRMED)
        )
    )


def event_get(*, slug: str, user: Any = None) -> Event:
    """One event with its programme, speakers and partners; unpublished ones only for operators."""
    event = (
        Event.objects.prefetch_related(
            Prefetch(
                "sessions",
                queryset=Session.objects.prefetch_related(
                    Prefetch("speakers", queryset=Speaker.objects.order_by("position", "id"))
                ),
            ),
            Prefetch("speakers", queryset=Speaker.objects.select_related("user")),
            Prefetch("partners", queryset=Partner.objects.all()),
        )
        .filter(slug=slug)
        .first()
    )
    if event is None or (not event.is_published and not user_is_operator(user)):
        raise NotFound(_("There is no such event."), code=EventsErrorCode.EVENT_NOT_FOUND)
    return event


def event_get_published_or_none(*, slug: str) -> Event | None:
    return Event.objects.filter(slug=slug, is_published=True).first()


def event_confirmed_count(*, event: Event) -> int:
    return Registration.objects.filter(event=event, status=RegistrationStatus.CONFIRMED).count()


def partners_by_tier(*, event: Event) -> list[tuple[str, list[Partner]]]:
    """The event's partners grouped by tier, in tier order; empty tiers left out."""
    partners = list(event.partners.all())
    return [
        (str(tier.label), [p for p in partners if p.tier == tier.value])
        for tier in PartnerTier
        if any(p.tier == tier.value for p in partners)
    ]


def event_staff_is(*, event: Event, user: Any) -> bool:
    """Operators and the people the event lists as its door staff may check tickets in."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user_is_operator(user):
        return True
    return event.staff.filter(pk=user.pk).exists()


def registration_get_for_user(*, event: Event, user: Any) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Registration.objects.filter(event=event, user=user).first()


def registration_list_for_user(*, user: Any) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(user=user)
        .select_related("event")
        .order_by("-event__starts_at", "id")
    )


def ticket_get(*, token: str) -> Registration:
    registration = (
        Registration.objects.select_related("event", "user", "checked_in_by")
        .filter(token=token)
        .first()
    )
    if registration is None:
        raise NotFound(_("There is no such ticket."), code=EventsErrorCode.TICKET_NOT_FOUND)
    return registration


def waitlist_position(*, registration: Registration) -> int | None:
    """1 for the first in line; None unless waitlisted."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id, status=RegistrationStatus.WAITLISTED
    ).filter(
        Q(registered_at__lt=registration.registered_at)
        | Q(registered_at=registration.registered_at, id__lt=registration.id)
    )
    return ahead.count() + 1


# --- the live feed ---------------------------------------------------------------------------

FEED_TYPES = (
    "demands.demand.raised",
    "contention.tender.awarded",
    "orders.order.stage_advanced",
    "ventures.venture.created",
)


@dataclass(frozen=True)
class FeedItem:
    uid: str
    type: str
    occurred_at: datetime
    text: str
    url: str


def _feed_events(limit: int) -> list[AuditEvent]:
    # Only public trace rows; of order moves only deliveries. The actor is never read.
    return list(
        AuditEvent.objects.filter(is_public=True)
        .filter(
            Q(type__in=["demands.demand.raised", "contention.tender.awarded"])
            | Q(type="ventures.venture.created")
            | Q(type="orders.order.stage_advanced", data__to_stage="delivered")
        )
        .only("uid", "type", "occurred_at", "subject_uid", "demand_uid", "data")
        .order_by("-occurred_at", "-id")[:limit]
    )


def feed_list(*, limit: int = 30) -> list[FeedItem]:
    """Platform news from the public trace, newest first: new demands, awards, deliveries and
    new ventures, each a short sentence with a link. Four queries whatever the number of rows."""
    rows = _feed_events(limit)
    demand_uids = [r.subject_uid for r in rows if r.type == "demands.demand.raised"] + [
        r.demand_uid for r in rows if r.type == "orders.order.stage_advanced" and r.demand_uid
    ]
    tender_uids = [r.subject_uid for r in rows if r.type == "contention.tender.awarded"]
    slugs: set[str] = set()
    for row in rows:
        data = row.data or {}
        if row.type == "ventures.venture.created" or row.type == "orders.order.stage_advanced":
            if data.get("venture") or data.get("slug"):
                slugs.add(str(data.get("venture") or data.get("slug")))
        elif row.type == "contention.tender.awarded":
            slugs.update(str(line.get("venture", "")) for line in data.get("lines", []))
    demands: dict[Any, Any] = (
        {
            d["uid"]: d
            for d in Demand.objects.filter(uid__in=demand_uids).values("uid", "number", "title")
        }
        if demand_uids
        else {}
    )
    tenders: dict[Any, Any] = (
        {
            t["uid"]: t
            for t in Tender.objects.filter(uid__in=tender_uids).values("uid", "number", "title")
        }
        if tender_uids
        else {}
    )
    ventures = (
        dict(Venture.objects.filter(slug__in=slugs).values_list("slug", "name")) if slugs else {}
    )
    items: list[FeedItem] = []
    for row in rows:
        data = row.data or {}
        text, url = "", ""
        if row.type == "demands.demand.raised":
            demand = demands.get(row.subject_uid)
            if demand is None:
                continue
            text = _("New demand #%(number)s: %(title)s") % demand
            url = reverse("demands:detail", args=[demand["number"]])
        elif row.type == "contention.tender.awarded":
            tender = tenders.get(row.subject_uid)
            if tender is None:
                continue
            names = [ventures.get(str(line.get("venture")), "") for line in data.get("lines", [])]
            text = _("Tender #%(number)s (%(title)s) awarded to %(winners)s") % {
                "number": tender["number"],
                "title": tender["title"],
                "winners": ", ".join(n for n in names if n) or _("its winners"),
            }
            url = reverse("contention:tender_detail", args=[tender["number"]])
        elif row.type == "orders.order.stage_advanced":
            slug = str(data.get("venture") or "")
            name = ventures.get(slug)
            of = demands.get(row.demand_uid) if row.demand_uid else None
            if name and of:
                text = _("%(venture)s delivered an order of #%(number)s: %(title)s") % {
                    "venture": name,
                    **of,
                }
                url = reverse("demands:detail", args=[of["number"]])
            elif name:
                text = _("%(venture)s delivered an order") % {"venture": name}
                url = reverse("ventures:detail", args=[slug])
            elif of:
                text = _("An order of #%(number)s was delivered: %(title)s") % of
                url = reverse("demands:detail", args=[of["number"]])
            else:
                text = _("An order was delivered from stock")
                url = reverse("orders:product_list")
        elif row.type == "ventures.venture.created":
            slug = str(data.get("slug") or "")
            name = ventures.get(slug)
            if name is None:
                continue
            text = _("New venture: %(name)s") % {"name": name}
            url = reverse("ventures:detail", args=[slug])
        items.append(
            FeedItem(
                uid=str(row.uid), type=row.type, occurred_at=row.occurred_at, text=text, url=url
            )
        )
    return items
