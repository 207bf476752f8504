"""Reads about tenders and bids, with the sealed-bid rule applied to whoever is looking."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.contention import record_providers
from heyi.contention.errors import ContentionErrorCode
from heyi.contention.models import (
    AwardLine,
    Bid,
    BidStatus,
    SubjectType,
    Tender,
    TenderStatus,
)
from heyi.core.errors import NotFound
from heyi.ventures.models import Membership, Venture

# What a venture's record says before the orders app records deliveries, ratings and fans:
# no record is scored as zero. Under min–max normalisation a criterion on which every bidder
# has the same value gives every bid 1, so a rule naming these criteria stays neutral among
# newcomers; and a venture without ratings does not meet a positive minimum rating.
RECORD_DEFAULTS: dict[str, Decimal] = {
    "on_time_rate": Decimal("0"),
    "rating": Decimal("0"),
    "fans": Decimal("0"),
}


def tender_get(*, number: int) -> Tender:
    """One tender by its public number."""
    try:
        return (
            Tender.objects.select_related("created_by")
            .prefetch_related("categories")
            .get(number=number)
        )
    except Tender.DoesNotExist as error:
        raise NotFound(
            _("No tender number %(number)s.") % {"number": number},
            code=ContentionErrorCode.TENDER_NOT_FOUND,
        ) from error


def tender_get_by_uid(*, uid: Any) -> Tender:
    try:
        return Tender.objects.prefetch_related("categories").get(uid=uid)
    except (Tender.DoesNotExist, ValueError) as error:
        raise NotFound(_("No such tender."), code=ContentionErrorCode.TENDER_NOT_FOUND) from error


def tender_list(
    *, status: str | None = None, subject_type: str | None = None, demand_uid: Any = None
) -> QuerySet[Tender]:
    """Tenders, newest first, in a constant number of queries. Unknown filters find nothing."""
    tenders = Tender.objects.select_related("created_by").prefetch_related("categories")
    if status:
        tenders = tenders.filter(status=status)
    if subject_type:
        tenders = tenders.filter(subject_type=subject_type)
    if demand_uid:
        tenders = tenders.filter(demand_uid=demand_uid)
    return tenders.order_by("-number")


def tender_list_for_subject(*, subject_type: str, subject_uid: Any) -> QuerySet[Tender]:
    """The tenders run for one subject (a demand's production, one RFQ line, …)."""
    if subject_type not in SubjectType.values:
        return Tender.objects.none()
    return tender_list(subject_type=subject_type).filter(subject_uid=subject_uid)


def venture_ids_for_user(*, user: Any) -> set[int]:
    """The ventures a person currently acts for."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Membership.objects.filter(user=user, left_at__isnull=True).values_list(
            "venture_id", flat=True
        )
    )


def venture_record_values(*, ventures: Iterable[Venture]) -> dict[int, dict[str, Decimal]]:
    """The record criteria (on-time rate, rating, fans) of each venture, by venture id.

    The orders app provides them (see record_providers); a venture with no record gets
    RECORD_DEFAULTS. This is the one place scoring and eligibility read the record from.
    """
    return record_providers.collect([venture.pk for venture in ventures], RECORD_DEFAULTS)


def _bids_current(tender: Tender) -> QuerySet[Bid]:
    return Bid.objects.filter(tender=tender, is_current=True).select_related(
        "venture", "submitted_by"
    )


def bid_list_for_tender(*, tender: Tender, viewer: Any) -> list[Bid]:
    """The current bids the viewer may read.

    While the tender is sealed (draft, published, open) that is only the bids of the viewer's
    own ventures — operators included get nothing more; once decided, every current bid, best
    rank first, so the full score table is public.
    """
    bids = _bids_current(tender)
    if tender.is_sealed or tender.status == TenderStatus.CANCELLED:
        bids = bids.filter(venture_id__in=venture_ids_for_user(user=viewer))
    return list(bids.order_by("rank", "venture__name", "id"))


def bid_get_for_viewer(*, tender: Tender, venture_slug: str, viewer: Any) -> Bid:
    """The current bid of one venture, if the viewer may read it.

    A sealed bid the viewer may not read answers exactly as a bid that does not exist, so a
    refusal reveals nothing, not even whether the venture bid.
    """
    bid = _bids_current(tender).filter(venture__slug=venture_slug).first()
    readable = bid is not None and (
        not (tender.is_sealed or tender.status == TenderStatus.CANCELLED)
        or bid.venture_id in venture_ids_for_user(user=viewer)
    )
    if not readable:
        raise NotFound(_("No bid to show."), code=ContentionErrorCode.BID_NOT_FOUND)
    assert bid is not None
    return bid


def bid_history_for_viewer(*, tender: Tender, venture_slug: str, viewer: Any) -> list[Bid]:
    """Every revision of a venture's bid, under the same sealed rule as the current one."""
    current = bid_get_for_viewer(tender=tender, venture_slug=venture_slug, viewer=viewer)
    return list(
        Bid.objects.filter(tender=tender, venture_id=current.venture_id)
        .select_related("venture", "submitted_by")
        .order_by("revision")
    )


def bid_list_for_user(*, user: Any) -> QuerySet[Bid]:
    """The current bids of every venture the person acts for, newest tender first."""
    if not getattr(user, "is_authenticated", False):
        return Bid.objects.none()
    return (
        Bid.objects.filter(
            is_current=True,
            venture__memberships__user=user,
            venture__memberships__left_at__isnull=True,
        )
        .select_related("tender", "venture", "submitted_by")
        .order_by("-tender__number", "venture__name")
    )


def bid_list_recorded(*, tender: Tender) -> list[Bid]:
    """The active current bids that a close scores, in bid-identifier order."""
    return list(_bids_current(tender).filter(status=BidStatus.ACTIVE).order_by("uid"))


@dataclass(frozen=True)
class Eligibility:
    """Whether a venture may bid on a tender, and if not, every reason why."""

    is_eligible: bool
    reasons: list[str]


def venture_eligibility(*, tender: Tender, venture: Venture) -> Eligibility:
    """Check a venture against the tender's categories, minimum rating, status and kind."""
    reasons: list[str] = []
    if venture.status == "dissolved":
        reasons.append(_("The venture is dissolved."))
    elif tender.venture_statuses and venture.status not in tender.venture_statuses:
        reasons.append(
            _("Ventures that are %(status)s may not bid.")
            % {"status": venture.get_status_display()}
        )
    if tender.venture_kinds and venture.kind not in tender.venture_kinds:
        reasons.append(_("%(kind)s ventures may not bid.") % {"kind": venture.get_kind_display()})
    wanted = {category.pk for category in tender.categories.all()}
    if wanted and not wanted & {category.pk for category in venture.categories.all()}:
        reasons.append(_("The venture works in none of the tender's categories."))
    if tender.minimum_rating is not None:
        rating = venture_record_values(ventures=[venture])[venture.pk]["rating"]
        if rating < tender.minimum_rating:
            reasons.append(
                _("The venture's rating %(rating)s is below the minimum %(minimum)s.")
                % {"rating": rating, "minimum": tender.minimum_rating}
            )
    return Eligibility(is_eligible=not reasons, reasons=reasons)


def venture_list_eligible_for_user(*, tender: Tender, user: Any) -> list[Venture]:
    """The viewer's ventures that may bid on the tender (for the bid form)."""
    if not getattr(user, "is_authenticated", False):
        return []
    ventures = (
        Venture.objects.filter(memberships__user=user, memberships__left_at__isnull=True)
        .prefetch_related(Prefetch("categories"))
        .order_by("name")
    )
    return [v for v in ventures if venture_eligibility(tender=tender, venture=v).is_eligible]


def tender_list_due_to_close(*, now: datetime | None = None) -> list[int]:
    """Primary keys of open tenders whose closing time has passed (for the sweep)."""
    moment = now or timezone.now()
    return list(
        Tender.objects.filter(status=TenderStatus.OPEN, closes_at__lte=moment)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def tender_list_due_to_open(*, now: datetime | None = None) -> list[int]:
    """Primary keys of published tenders whose opening time has passed (for the sweep)."""
    moment = now or timezone.now()
    return list(
        Tender.objects.filter(status=TenderStatus.PUBLISHED, opens_at__lte=moment)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def tender_award_ventures(*, tender: Tender) -> dict[str, Venture]:
    """The ventures named in a decided tender's table, by their uid (the table's bidder_id)."""
    if tender.is_sealed or tender.status == TenderStatus.CANCELLED:
        return {}
    ventures = Venture.objects.filter(tender_bids__tender=tender).distinct()
    return {str(venture.uid): venture for venture in ventures}


@dataclass(frozen=True)
class AwardTableRow:
    """One line of a decided tender's public score table, with the venture it names."""

    rank: int
    venture: Venture | None
    unit_price: str
    lead_time_days: int
    capacity: int
    values: dict[str, str]
    normalised: dict[str, str]
    score: str
    awarded_quantity: int


def tender_award_table(*, tender: Tender) -> list[AwardTableRow]:
    """The published score table of a decided tender (empty while sealed), best rank first."""
    if tender.award is None or tender.is_sealed:
        return []
    ventures = tender_award_ventures(tender=tender)
    awarded = {line["bid_id"]: line["quantity"] for line in tender.award.get("lines", [])}
    return [
        AwardTableRow(
            rank=row["rank"],
            venture=ventures.get(row["bidder_id"]),
            unit_price=row["unit_price"],
            lead_time_days=row["lead_time_days"],
            capacity=row["capacity"],
            values=row["values"],
            normalised=row["normalised"],
            score=row["score"],
            awarded_quantity=awarded.get(row["bid_id"], 0),
        )
        for row in tender.award.get("table", [])
    ]


def award_winner_line(*, tender: Tender) -> AwardLine | None:
    """The first-ranked award line of an awarded single-winner tender (a route, a service
    visit), read afresh; None when the tender ended without an award."""
    if not Tender.objects.filter(pk=tender.pk, status=TenderStatus.AWARDED).exists():
        return None
    return (
        AwardLine.objects.filter(tender=tender).select_related("venture").order_by("rank").first()
    )
