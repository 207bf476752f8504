"""API for ventures: browse and found them, describe them, members, invitations, join requests."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.http import HttpRequest
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from heyi.accounts.models import User
from heyi.api_auth import OPTIONAL_AUTH
from heyi.ventures import selectors, services
from heyi.ventures.schemas import (
    InvitationIn,
    InvitationOut,
    JoinRequestIn,
    JoinRequestOut,
    MembershipOut,
    VentureIn,
    VentureOut,
    VentureStatusIn,
    VentureUpdateIn,
)

router = Router(tags=["ventures"])

# Lists are paginated; nobody gets more than this many rows in one answer.
MAX_LIMIT = 100


def _user(request: HttpRequest) -> User:
    # Mutations and personal reads run behind REQUIRED_AUTH, so this is a signed-in person.
    return cast(User, request.user)


# Literal paths come before /ventures/{slug} so that they are matched first; the slugs they
# use are also reserved by venture_create.


@router.get("/ventures", response=list[VentureOut], auth=OPTIONAL_AUTH)
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def venture_list(
    request: HttpRequest, kind: str = "", status: str = "", category: str = "", search: str = ""
) -> Any:
    """Ventures, by name; filter by kind, status, category slug, and free text."""
    return selectors.venture_list(kind=kind, status=status, category=category, search=search)


@router.post("/ventures", response={201: VentureOut})
def venture_create(request: HttpRequest, payload: VentureIn) -> Any:
    """Found a venture; the caller becomes its founder member."""
    venture = services.venture_create(actor=_user(request), **payload.dict())
    return Status(201, selectors.venture_get(slug=venture.slug))


@router.get("/ventures/mine", response=list[VentureOut])
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def venture_list_mine(request: HttpRequest) -> Any:
    """The ventures the caller is a member of."""
    return selectors.venture_list_for_user(user=_user(request))


@router.get("/ventures/invitations", response=list[InvitationOut])
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def invitation_list_mine(request: HttpRequest) -> Any:
    """Pending invitations addressed to the caller."""
    return selectors.invitation_list_for_user(user=_user(request))


@router.post("/ventures/invitations/{uid}/accept", response=MembershipOut)
def invitation_accept(request: HttpRequest, uid: uuid.UUID) -> Any:
    invitation = selectors.invitation_get(uid=uid)
    return services.invitation_accept(invitation=invitation, actor=_user(request))


@router.post("/ventures/invitations/{uid}/decline", response=InvitationOut)
def invitation_decline(request: HttpRequest, uid: uuid.UUID) -> Any:
    invitation = selectors.invitation_get(uid=uid)
    return services.invitation_decline(invitation=invitation, actor=_user(request))


@router.post("/ventures/invitations/{uid}/withdraw", response=InvitationOut)
def invitation_withdraw(request: HttpRequest, uid: uuid.UUID) -> Any:
    invitation = selectors.invitation_get(uid=uid)
    return services.invitation_withdraw(invitation=invitation, actor=_user(request))


@router.get("/ventures/join-requests", response=list[JoinRequestOut])
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def join_request_list_mine(request: HttpRequest) -> Any:
    """The caller's own pending requests to join ventures."""
    return selectors.join_request_list_for_user(user=_user(request))


@router.post("/ventures/join-requests/{uid}/approve", response=MembershipOut)
def join_request_approve(request: HttpRequest, uid: uuid.UUID) -> Any:
    """A member of the venture lets the person in (operators cannot decide for a venture)."""
    join_request = selectors.join_request_get(uid=uid)
    return services.join_request_approve(join_request=join_request, actor=_user(request))


@router.post("/ventures/join-requests/{uid}/reject", response=JoinRequestOut)
def join_request_reject(request: HttpRequest, uid: uuid.UUID) -> Any:
    join_request = selectors.join_request_get(uid=uid)
    return services.join_request_reject(join_request=join_request, actor=_user(request))


@router.post("/ventures/join-requests/{uid}/withdraw", response=JoinRequestOut)
def join_request_withdraw(request: HttpRequest, uid: uuid.UUID) -> Any:
    join_request = selectors.join_request_get(uid=uid)
    return services.join_request_withdraw(join_request=join_request, actor=_user(request))


@router.get("/ventures/{slug}", response=VentureOut, auth=OPTIONAL_AUTH)
def venture_get(request: HttpRequest, slug: str) -> Any:
    return selectors.venture_get(slug=slug)


@router.patch("/ventures/{slug}", response=VentureOut)
def venture_update(request: HttpRequest, slug: str, payload: VentureUpdateIn) -> Any:
    """Change the description; members only. Fields left out stay as they are."""
    venture = services.venture_update(
        venture=selectors.venture_get(slug=slug),
        actor=_user(request),
        **payload.dict(exclude_unset=True),
    )
    return selectors.venture_get(slug=venture.slug)


@router.post("/ventures/{slug}/status", response=VentureOut)
def venture_status_change(request: HttpRequest, slug: str, payload: VentureStatusIn) -> Any:
    """Members decide the status; an operator may also set it. Dissolved is final."""
    venture = services.venture_status_change(
        venture=selectors.venture_get(slug=slug), actor=_user(request), status=payload.status
    )
    return selectors.venture_get(slug=venture.slug)


@router.get("/ventures/{slug}/members", response=list[MembershipOut], auth=OPTIONAL_AUTH)
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def member_list(request: HttpRequest, slug: str) -> Any:
    return selectors.member_list(venture=selectors.venture_get(slug=slug))


@router.post("/ventures/{slug}/leave", response=MembershipOut)
def membership_leave(request: HttpRequest, slug: str) -> Any:
    """Leave the venture. The last member of an open venture must dissolve it first."""
    return services.membership_leave(venture=selectors.venture_get(slug=slug), actor=_user(request))


@router.get("/ventures/{slug}/invitations", response=list[InvitationOut])
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def invitation_list_for_venture(request: HttpRequest, slug: str) -> Any:
    """The venture's pending invitations; members only."""
    return selectors.invitation_list_for_venture(
        venture=selectors.venture_get(slug=slug), actor=_user(request)
    )


@router.post("/ventures/{slug}/invitations", response={201: InvitationOut})
def invitation_send(request: HttpRequest, slug: str, payload: InvitationIn) -> Any:
    """Invite a person by e-mail address or user id; members only."""
    invitation = services.invitation_send(
        venture=selectors.venture_get(slug=slug),
        actor=_user(request),
        invitee_email=payload.email,
        invitee_uid=payload.user_uid,
        message=payload.message,
    )
    return Status(201, invitation)


@router.get("/ventures/{slug}/join-requests", response=list[JoinRequestOut])
@paginate(LimitOffsetPagination, max_limit=MAX_LIMIT)
def join_request_list_for_venture(request: HttpRequest, slug: str) -> Any:
    """Pending requests to join, oldest first; members only."""
    return selectors.join_request_list_for_venture(
        venture=selectors.venture_get(slug=slug), actor=_user(request)
    )


@router.post("/ventures/{slug}/join-requests", response={201: JoinRequestOut})
def join_request_send(request: HttpRequest, slug: str, payload: JoinRequestIn) -> Any:
    """Ask to join, with a message to the members."""
    join_request = services.join_request_send(
        venture=selectors.venture_get(slug=slug), actor=_user(request), message=payload.message
    )
    return Status(201, join_request)
