"""API of the demands app: raise, browse and search, fans, supports, comments, decline, trace."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Query, Router, Status, UploadedFile

from heyi.api_auth import OPTIONAL_AUTH
from heyi.demands.models import Demand
from heyi.demands.schemas import (
    CategoryOut,
    CommentIn,
    CommentListOut,
    CommentOut,
    DeclineIn,
    DemandIn,
    DemandListOut,
    DemandOut,
    DemandPatchIn,
    DemandSort,
    DemandStatusValue,
    EngagementOut,
    StatusChangeOut,
    SupportIn,
    TagOut,
    TraceEntryOut,
)
from heyi.demands.selectors import (
    category_list,
    comment_list_for_demand,
    demand_get,
    demand_list,
    demand_trace_list,
    demand_viewer_get,
    status_change_list,
    tag_list,
)
from heyi.demands.services import (
    comment_post,
    demand_decline,
    demand_raise,
    demand_update,
    fan_add,
    fan_remove,
    support_add,
    support_withdraw,
)

router = Router(tags=["demands"])


def _detail(request: HttpRequest, demand: Demand) -> Demand:
    """The demand as DemandOut reads it, with where the caller stands when signed in."""
    if getattr(request.user, "is_authenticated", False):
        demand.viewer = demand_viewer_get(demand=demand, user=request.user)  # type: ignore[attr-defined]
    else:
        demand.viewer = None  # type: ignore[attr-defined]
    return demand


def _engagement(request: HttpRequest, demand: Demand) -> EngagementOut:
    viewer = demand_viewer_get(demand=demand, user=request.user)
    return EngagementOut(
        number=demand.number,
        fan_count=demand.fan_count,
        support_count=demand.support_count,
        comment_count=demand.comment_count,
        is_fan=viewer.is_fan,
        is_supporter=viewer.is_supporter,
    )


@router.get("/demands", response=DemandListOut, auth=OPTIONAL_AUTH)
def demand_list_endpoint(
    request: HttpRequest,
    search: str | None = Query(None, max_length=200, description="Full-text search."),
    category: str | None = Query(None, max_length=60, description="A category slug."),
    status: DemandStatusValue | None = None,
    tag: str | None = Query(None, max_length=40),
    sort: DemandSort = "newest",
    limit: int = Query(20, ge=1, le=100),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    """Demands, newest first unless `sort` says otherwise; `relevance` ranks search results."""
    demands = demand_list(search=search, category=category, status=status, tag=tag, sort=sort)
    return {"count": demands.count(), "items": list(demands[offset : offset + limit])}


@router.post("/demands", response={201: DemandOut})
def demand_create(request: HttpRequest, payload: DemandIn) -> Status:
    """Raise a demand. Pictures are added afterwards with POST /demands/{number}/pictures."""
    demand = demand_raise(
        author=request.user,
        title=payload.title,
        description=payload.description,
        category=payload.category,
        tags=payload.tags,
        selection_mode=payload.selection_mode,
    )
    return Status(201, _detail(request, demand))


@router.get("/demands/{number}", response=DemandOut, auth=OPTIONAL_AUTH)
def demand_detail(request: HttpRequest, number: int) -> Demand:
    return _detail(request, demand_get(number=number))


@router.patch("/demands/{number}", response=DemandOut)
def demand_patch(request: HttpRequest, number: int, payload: DemandPatchIn) -> Demand:
    """The author edits; fields left out stay as they are."""
    changes = payload.dict(exclude_unset=True)
    demand = demand_update(
        demand=demand_get(number=number),
        actor=request.user,
        title=changes.get("title"),
        description=changes.get("description"),
        category=changes.get("category"),
        tags=changes.get("tags"),
        pictures_remove=changes.get("remove_pictures") or [],
    )
    return _detail(request, demand)


@router.post("/demands/{number}/pictures", response={201: DemandOut})
def demand_pictures_add(
    request: HttpRequest, number: int, pictures: File[list[UploadedFile]]
) -> Status:
    """The author adds pictures (multipart field `pictures`, JPEG/PNG/WebP/GIF, at most 8)."""
    demand = demand_update(
        demand=demand_get(number=number), actor=request.user, pictures_add=pictures
    )
    return Status(201, _detail(request, demand))


@router.post("/demands/{number}/fan", response={201: EngagementOut})
def demand_fan_add(request: HttpRequest, number: int) -> Status:
    """Follow the demand. Following twice answers 409 `already_fan` and changes nothing."""
    demand = demand_get(number=number)
    fan_add(demand=demand, user=request.user)
    return Status(201, _engagement(request, demand))


@router.delete("/demands/{number}/fan", response=EngagementOut)
def demand_fan_remove(request: HttpRequest, number: int) -> EngagementOut:
    """Stop following. Answers 409 `not_fan` for someone who does not follow."""
    demand = demand_get(number=number)
    fan_remove(demand=demand, user=request.user)
    return _engagement(request, demand)


@router.post("/demands/{number}/support", response={201: EngagementOut})
def demand_support_add(
    request: HttpRequest, number: int, payload: SupportIn | None = None
) -> Status:
    """Support the demand, with an optional note (the body may be left out).

    Supporting twice answers 409 `already_supporter`; the author gets 409 `own_demand`.
    """
    demand = demand_get(number=number)
    support_add(demand=demand, user=request.user, note=payload.note if payload else "")
    return Status(201, _engagement(request, demand))


@router.delete("/demands/{number}/support", response=EngagementOut)
def demand_support_withdraw(request: HttpRequest, number: int) -> EngagementOut:
    demand = demand_get(number=number)
    support_withdraw(demand=demand, user=request.user)
    return _engagement(request, demand)


@router.get("/demands/{number}/comments", response=CommentListOut, auth=OPTIONAL_AUTH)
def demand_comment_list(
    request: HttpRequest,
    number: int,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> dict[str, Any]:
    """Comments oldest first; `parent` names the comment a reply answers."""
    comments = comment_list_for_demand(demand=demand_get(number=number))
    return {"count": comments.count(), "items": list(comments[offset : offset + limit])}


@router.post("/demands/{number}/comments", response={201: CommentOut})
def demand_comment_post(request: HttpRequest, number: int, payload: CommentIn) -> Status:
    comment = comment_post(
        demand=demand_get(number=number),
        author=request.user,
        body=payload.body,
        parent_uid=payload.parent,
    )
    return Status(201, comment)


@router.post("/demands/{number}/decline", response=DemandOut)
def demand_decline_endpoint(request: HttpRequest, number: int, payload: DeclineIn) -> Demand:
    """The author or an operator declines the demand with a public reason."""
    demand = demand_decline(
        demand=demand_get(number=number), actor=request.user, reason=payload.reason
    )
    return _detail(request, demand)


@router.get("/demands/{number}/status-history", response=list[StatusChangeOut], auth=OPTIONAL_AUTH)
def demand_status_history(request: HttpRequest, number: int) -> list[Any]:
    return list(status_change_list(demand=demand_get(number=number)))


@router.get("/demands/{number}/trace", response=list[TraceEntryOut], auth=OPTIONAL_AUTH)
def demand_trace(request: HttpRequest, number: int) -> list[Any]:
    """Every public step of the demand, from every app, oldest first."""
    return list(demand_trace_list(demand=demand_get(number=number)))


@router.get("/categories", response=list[CategoryOut], auth=OPTIONAL_AUTH)
def category_list_endpoint(request: HttpRequest) -> list[Any]:
    return list(category_list())


@router.get("/tags", response=list[TagOut], auth=OPTIONAL_AUTH)
def tag_list_endpoint(
    request: HttpRequest,
    search: str | None = Query(None, max_length=40, description="The start of a tag."),
    limit: int = Query(50, ge=1, le=200),
) -> list[Any]:
    """Tags in use, most used first."""
    return list(tag_list(search=search)[:limit])
