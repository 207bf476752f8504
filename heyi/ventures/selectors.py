"""Reads about ventures, their members, invitations and join requests."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from heyi.core.errors import NotFound, PermissionDenied
from heyi.core.models import Category
from heyi.ventures.errors import VenturesErrorCode
from heyi.ventures.models import (
    DecisionStatus,
    Invitation,
    JoinRequest,
    Membership,
    Venture,
)


def venture_get(*, slug: str) -> Venture:
    """One venture by its slug, with its founder and categories loaded."""
    try:
        return (
            Venture.objects.select_related("founded_by")
            .prefetch_related("categories")
            .get(slug=slug)
        )
    except Venture.DoesNotExist as error:
        raise NotFound(
            _("No venture called “%(slug)s”.") % {"slug": slug},
            code=VenturesErrorCode.VENTURE_NOT_FOUND,
        ) from error


def venture_list(
    *,
    kind: str = "",
    status: str = "",
    category: str = "",
    search: str = "",
) -> QuerySet[Venture]:
    """Ventures filtered by kind, status, category slug and free text, in a constant query count.

    Empty filters are ignored; a filter value nobody uses simply finds nothing.
    """
    ventures = Venture.objects.select_related("founded_by").prefetch_related("categories")
    if kind:
        ventures = ventures.filter(kind=kind)
    if status:
        ventures = ventures.filter(status=status)
    if category:
        # Category slugs are unique, so this join cannot repeat a venture.
        ventures = ventures.filter(categories__slug=category)
    search = (search or "").strip()
    if search:
        ventures = ventures.filter(
            Q(name__icontains=search) | Q(mission__icontains=search) | Q(city__icontains=search)
        )
    return ventures.order_by("name", "id")


def venture_list_for_user(*, user: Any) -> QuerySet[Venture]:
    """The ventures a person is an active member of."""
    if not getattr(user, "is_authenticated", False):
        return Venture.objects.none()
    return (
        Venture.objects.filter(memberships__user=user, memberships__left_at__isnull=True)
        .select_related("founded_by")
        .prefetch_related("categories")
        .order_by("name", "id")
    )


def membership_is_active(*, venture: Venture, user: Any) -> bool:
    """Whether a person currently acts for the venture (other apps check this before acting)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(venture=venture, user=user, left_at__isnull=True).exists()


def member_list(*, venture: Venture) -> QuerySet[Membership]:
    """The venture's current members in the order they joined, so the founder comes first."""
    return (
        Membership.objects.filter(venture=venture, left_at__isnull=True)
        .select_related("user")
        .order_by("joined_at", "id")
    )


def invitation_get(*, uid: uuid.UUID) -> Invitation:
    try:
        return Invitation.objects.select_related("venture", "invitee", "invited_by").get(uid=uid)
    except Invitation.DoesNotExist as error:
        raise NotFound(
            _("No such invitation."), code=VenturesErrorCode.INVITATION_NOT_FOUND
        ) from error


def invitation_list_for_user(
    *, user: Any, status: str | None = DecisionStatus.PENDING
) -> QuerySet[Invitation]:
    """Invitations addressed to a person, newest first; pending ones unless told otherwise."""
    if not getattr(user, "is_authenticated", False):
        return Invitation.objects.none()
    invitations = Invitation.objects.filter(invitee=user)
    if status:
        invitations = invitations.filter(status=status)
    return invitations.select_related("venture", "invitee", "invited_by").order_by(
        "-created_at", "-id"
    )


def invitation_list_for_venture(
    *, venture: Venture, actor: Any, status: str | None = DecisionStatus.PENDING
) -> QuerySet[Invitation]:
    """Invitations a venture has sent; only its members may see them."""
    _require_member(venture=venture, actor=actor)
    invitations = Invitation.objects.filter(venture=venture)
    if status:
        invitations = invitations.filter(status=status)
    return invitations.select_related("venture", "invitee", "invited_by").order_by(
        "-created_at", "-id"
    )


def join_request_get(*, uid: uuid.UUID) -> JoinRequest:
    try:
        return JoinRequest.objects.select_related("venture", "user", "decided_by").get(uid=uid)
    except JoinRequest.DoesNotExist as error:
        raise NotFound(
            _("No such join request."), code=VenturesErrorCode.JOIN_REQUEST_NOT_FOUND
        ) from error


def join_request_list_for_venture(
    *, venture: Venture, actor: Any, status: str | None = DecisionStatus.PENDING
) -> QuerySet[JoinRequest]:
    """Requests to join a venture, oldest first so the longest waiting is decided first.

    Only the venture's members may read them: the messages are addressed to the team.
    """
    _require_member(venture=venture, actor=actor)
    requests = JoinRequest.objects.filter(venture=venture)
    if status:
        requests = requests.filter(status=status)
    return requests.select_related("venture", "user", "decided_by").order_by("created_at", "id")


def join_request_list_for_user(
    *, user: Any, status: str | None = DecisionStatus.PENDING
) -> QuerySet[JoinRequest]:
    """The requests to join that a person has sent, newest first."""
    if not getattr(user, "is_authenticated", False):
        return JoinRequest.objects.none()
    requests = JoinRequest.objects.filter(user=user)
    if status:
        requests = requests.filter(status=status)
    return requests.select_related("venture", "user", "decided_by").order_by("-created_at", "-id")


def join_request_pending_for(*, venture: Venture, user: Any) -> JoinRequest | None:
    """The person's pending request to join this venture, if there is one."""
    if not getattr(user, "is_authenticated", False):
        return None
    return JoinRequest.objects.filter(
        venture=venture, user=user, status=DecisionStatus.PENDING
    ).first()


def invitation_pending_for(*, venture: Venture, user: Any) -> Invitation | None:
    """The person's pending invitation to this venture, if there is one."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Invitation.objects.filter(
        venture=venture, invitee=user, status=DecisionStatus.PENDING
    ).first()


def _require_member(*, venture: Venture, actor: Any) -> None:
    if not membership_is_active(venture=venture, user=actor):
        raise PermissionDenied(
            _("Only the venture's members may do this."), code=VenturesErrorCode.NOT_MEMBER
        )


def category_list() -> QuerySet[Category]:
    """The categories a venture may work in, in the platform's order."""
    return Category.objects.order_by("position", "name")
