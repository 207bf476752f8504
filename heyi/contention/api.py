"""API of the contention engine: tenders, sealed bids, close, award notice and verification."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from heyi.api_auth import OPTIONAL_AUTH
from heyi.contention.daily_selectors import (
    daily_run_get,
    daily_run_table,
    standing_bid_list_for_venture,
)
from heyi.contention.daily_services import standing_bid_pause, standing_bid_set
from heyi.contention.errors import ContentionDomainError, ContentionErrorCode
from heyi.contention.models import Bid, Tender
from heyi.contention.schemas import (
    AwardOut,
    BidIn,
    BidListOut,
    BidOut,
    BidSubmitIn,
    CancelIn,
    DailyRunDetailOut,
    StandingBidIn,
    StandingBidOut,
    SubjectTypeValue,
    TenderIn,
    TenderListOut,
    TenderOut,
    TenderStatusValue,
    VerificationOut,
)
from heyi.contention.selectors import (
    bid_get_for_viewer,
    bid_history_for_viewer,
    bid_list_for_tender,
    bid_list_for_user,
    tender_award_ventures,
    tender_get,
    tender_list,
)
from heyi.contention.services import (
    bid_revise,
    bid_submit,
    bid_withdraw,
    tender_cancel,
    tender_close,
    tender_create,
    tender_publish,
    tender_verify,
)
from heyi.products.selectors import product_get
from heyi.ventures.selectors import venture_get

router = Router(tags=["contention"])


@router.get("/tenders", response=TenderListOut, auth=OPTIONAL_AUTH)
def tender_list_endpoint(
    request: HttpRequest,
    status: TenderStatusValue | None = None,
    subject_type: SubjectTypeValue | None = None,
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    """Tenders, newest first. Sealed tenders show how many bids they have, never their content."""
    tenders = tender_list(status=status, subject_type=subject_type)
    return {"count": tenders.count(), "items": list(tenders[offset : offset + limit])}


@router.post("/tenders", response={201: TenderOut})
def tender_create_endpoint(request: HttpRequest, payload: TenderIn) -> Status:
    """An operator creates a tender (a draft unless `publish` is true) on any subject."""
    tender = tender_create(
        subject_type=payload.subject_type,
        subject_uid=payload.subject_uid,
        demand_uid=payload.demand_uid,
        title=payload.title,
        requirements=payload.requirements,
        quantity=payload.quantity,
        opens_at=payload.opens_at,
        closes_at=payload.closes_at,
        categories=payload.categories,
        minimum_rating=payload.minimum_rating,
        venture_statuses=payload.venture_statuses,
        venture_kinds=payload.venture_kinds,
        rule=payload.rule.to_rule(),
        created_by=request.user,
    )
    if payload.publish:
        tender = tender_publish(tender=tender, actor=request.user)
    return Status(201, tender)


@router.get("/tenders/{number}", response=TenderOut, auth=OPTIONAL_AUTH)
def tender_detail(request: HttpRequest, number: int) -> Tender:
    return tender_get(number=number)


@router.post("/tenders/{number}/publish", response=TenderOut)
def tender_publish_endpoint(request: HttpRequest, number: int) -> Tender:
    """Publish the rule; from now on it cannot change. Opens at once when the time has come."""
    return tender_publish(tender=tender_get(number=number), actor=request.user)


@router.post("/tenders/{number}/close", response=TenderOut)
def tender_close_endpoint(request: HttpRequest, number: int) -> Tender:
    """An operator closes an open tender now; it is scored and awarded in the same step."""
    return tender_close(tender=tender_get(number=number), actor=request.user)


@router.post("/tenders/{number}/cancel", response=TenderOut)
def tender_cancel_endpoint(request: HttpRequest, number: int, payload: CancelIn) -> Tender:
    return tender_cancel(
        tender=tender_get(number=number), actor=request.user, reason=payload.reason
    )


@router.get("/tenders/{number}/award", response=AwardOut, auth=OPTIONAL_AUTH)
def tender_award_endpoint(request: HttpRequest, number: int) -> dict[str, Any]:
    """The public award notice with the full score table, once the tender is decided."""
    tender = tender_get(number=number)
    if tender.award is None:
        raise ContentionDomainError(
            ContentionErrorCode.TENDER_NOT_AWARDED, _("This tender has not been decided yet.")
        )
    ventures = tender_award_ventures(tender=tender)
    return {
        "tender": tender.number,
        "status": tender.status,
        "award": tender.award,
        "award_fingerprint": tender.award_fingerprint,
        "ventures": {uid: venture.slug for uid, venture in ventures.items()},
    }


@router.get("/tenders/{number}/verify", response=VerificationOut, auth=OPTIONAL_AUTH)
def tender_verify_endpoint(request: HttpRequest, number: int) -> dict[str, Any]:
    """Recompute the award from the published rule and the recorded bids, and compare."""
    tender = tender_get(number=number)
    verification = tender_verify(tender=tender)
    return {
        "tender": tender.number,
        "matches": verification.matches,
        "differences": verification.differences,
        "award_fingerprint": tender.award_fingerprint,
        "rule_fingerprint": tender.rule_fingerprint,
    }


@router.get("/tenders/{number}/bids", response=BidListOut, auth=OPTIONAL_AUTH)
def tender_bid_list(request: HttpRequest, number: int) -> dict[str, Any]:
    """While sealed: only your own ventures' bids (count is on the tender). After award: all."""
    bids = bid_list_for_tender(tender=tender_get(number=number), viewer=request.user)
    return {"count": len(bids), "items": bids}


@router.post("/tenders/{number}/bids", response={201: BidOut})
def tender_bid_submit(request: HttpRequest, number: int, payload: BidSubmitIn) -> Status:
    """A member of an eligible venture submits the venture's sealed bid."""
    bid = bid_submit(
        tender=tender_get(number=number),
        venture=venture_get(slug=payload.venture),
        actor=request.user,
        unit_price=payload.unit_price,
        lead_time_days=payload.lead_time_days,
        capacity=payload.capacity,
        plan=payload.plan,
        bet_target=payload.bet_target,
    )
    return Status(201, bid)


@router.get("/tenders/{number}/bids/{venture}", response=BidOut, auth=OPTIONAL_AUTH)
def tender_bid_detail(request: HttpRequest, number: int, venture: str) -> Bid:
    """One venture's current bid: its members only while sealed; anyone after award."""
    return bid_get_for_viewer(
        tender=tender_get(number=number), venture_slug=venture, viewer=request.user
    )


@router.get("/tenders/{number}/bids/{venture}/revisions", response=BidListOut, auth=OPTIONAL_AUTH)
def tender_bid_revisions(request: HttpRequest, number: int, venture: str) -> dict[str, Any]:
    bids = bid_history_for_viewer(
        tender=tender_get(number=number), venture_slug=venture, viewer=request.user
    )
    return {"count": len(bids), "items": bids}


@router.put("/tenders/{number}/bids/{venture}", response=BidOut)
def tender_bid_revise(request: HttpRequest, number: int, venture: str, payload: BidIn) -> Bid:
    """Revise the venture's bid; the earlier revision is kept as history."""
    return bid_revise(
        tender=tender_get(number=number),
        venture=venture_get(slug=venture),
        actor=request.user,
        unit_price=payload.unit_price,
        lead_time_days=payload.lead_time_days,
        capacity=payload.capacity,
        plan=payload.plan,
        bet_target=payload.bet_target,
    )


@router.delete("/tenders/{number}/bids/{venture}", response=BidOut)
def tender_bid_withdraw(request: HttpRequest, number: int, venture: str) -> Bid:
    return bid_withdraw(
        tender=tender_get(number=number), venture=venture_get(slug=venture), actor=request.user
    )


@router.get("/bids", response=BidListOut)
def my_bid_list(
    request: HttpRequest,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    """The current bids of every venture you act for."""
    bids = bid_list_for_user(user=request.user)
    return {"count": bids.count(), "items": list(bids[offset : offset + limit])}


# --- daily order contention ---------------------------------------------------------------


@router.get("/ventures/{slug}/standing-bids", response=list[StandingBidOut], tags=["daily"])
def standing_bid_list(request: HttpRequest, slug: str) -> Any:
    """A venture's standing bids on standard products (its members and operators)."""
    venture = venture_get(slug=slug)
    return list(standing_bid_list_for_venture(venture=venture, viewer=request.user))


@router.put("/ventures/{slug}/standing-bids/{product}", response=StandingBidOut, tags=["daily"])
def standing_bid_put(request: HttpRequest, slug: str, product: str, payload: StandingBidIn) -> Any:
    """Place or revise the venture's standing bid on a product (its members); it counts from
    the next daily run. The venture's daily capacity is its capacity per day."""
    return standing_bid_set(
        venture=venture_get(slug=slug),
        product=product_get(slug=product),
        actor=request.user,
        unit_price=payload.unit_price,
        lead_time_days=payload.lead_time_days,
    )


@router.post(
    "/ventures/{slug}/standing-bids/{product}/pause", response=StandingBidOut, tags=["daily"]
)
def standing_bid_pause_endpoint(request: HttpRequest, slug: str, product: str) -> Any:
    """Take the standing bid out of the coming runs; a PUT brings it back."""
    return standing_bid_pause(
        venture=venture_get(slug=slug), product=product_get(slug=product), actor=request.user
    )


@router.get("/daily-runs/{number}", response=DailyRunDetailOut, auth=OPTIONAL_AUTH, tags=["daily"])
def daily_run_get_endpoint(request: HttpRequest, number: int) -> Any:
    """One run and its public table: per venture and product, the orders, units and price."""
    run = daily_run_get(number=number)
    run.table = daily_run_table(run=run)  # type: ignore[attr-defined]
    return run
