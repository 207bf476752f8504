"""Writes about ventures: founding, describing, status, members, invitations and join requests."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from heyi.accounts.models import User
from heyi.accounts.selectors import user_get, user_get_by_email, user_is_operator
from heyi.core.audit import audit_record
from heyi.core.errors import InvalidInput, NotFound, PermissionDenied
from heyi.core.models import Category
from heyi.core.text import text_clean
from heyi.ventures import lifecycle
from heyi.ventures.errors import VenturesError, VenturesErrorCode
from heyi.ventures.models import (
    DecisionStatus,
    Invitation,
    JoinRequest,
    MemberRole,
    Membership,
    Venture,
    VentureKind,
    VentureStatus,
)
from heyi.ventures.selectors import membership_is_active

NAME_MAX_LENGTH = 120
MISSION_MAX_LENGTH = 4000
CITY_MAX_LENGTH = 80
MESSAGE_MAX_LENGTH = 2000
# Generous for the largest plants, small enough that a typo of extra zeros is caught.
CAPACITY_MAX = 1_000_000
# Slugs that would shadow the pages and API paths that sit beside /ventures/<slug>/.
RESERVED_SLUGS = frozenset({"new", "invitations", "join-requests", "mine"})
# A dissolved venture is closed for good; a venture that is incubating or active must keep
# somebody answerable for it, so its last member cannot just walk away.
OPEN_STATUSES = frozenset(
    {VentureStatus.INCUBATING, VentureStatus.ACCELERATING, VentureStatus.RAISING}
)


# --- ventures -----------------------------------------------------------------------------


@transaction.atomic
def venture_create(
    *,
    actor: User,
    name: str,
    kind: str,
    mission: str,
    city: str = "",
    categories: Iterable[str] = (),
    capacity_per_day: int = 0,
) -> Venture:
    """Found a venture: the founder becomes its first member and it starts incubating."""
    _require_person(actor)
    name = text_clean(value=name, field=_("Name"), max_length=NAME_MAX_LENGTH)
    kind = _clean_kind(kind)
    mission = text_clean(value=mission, field=_("Mission"), max_length=MISSION_MAX_LENGTH)
    city = text_clean(value=city, field=_("City"), max_length=CITY_MAX_LENGTH, required=False)
    capacity_per_day = _clean_capacity(capacity_per_day)
    category_rows = _categories_from_slugs(categories)
    if Venture.objects.filter(name__iexact=name).exists():
        raise _name_taken(name)
    try:
        # A savepoint, so that a lost race on the unique name or slug leaves the outer
        # transaction usable for the error path on PostgreSQL.
        with transaction.atomic():
            venture = Venture.objects.create(
                name=name,
                slug=_slug_for(name),
                kind=kind,
                mission=mission,
                city=city,
                capacity_per_day=capacity_per_day,
                status=VentureStatus.INCUBATING,
                founded_by=actor,
                member_count=0,
            )
    except IntegrityError as error:
        raise _name_taken(name) from error
    venture.categories.set(category_rows)
    audit_record(
        type="ventures.venture.created",
        summary=f"{actor.name} founded {venture.name}",
        actor=actor,
        subject=venture,
        data={
            "slug": venture.slug,
            "kind": venture.kind,
            "categories": sorted(c.slug for c in category_rows),
            "capacity_per_day": venture.capacity_per_day,
        },
    )
    _membership_add(venture=venture, user=actor, role=MemberRole.FOUNDER, actor=actor)
    return venture


@transaction.atomic
def venture_update(
    *,
    venture: Venture,
    actor: User,
    mission: str | None = None,
    city: str | None = None,
    categories: Iterable[str] | None = None,
    capacity_per_day: int | None = None,
) -> Venture:
    """Change a venture's description; a field left as None stays as it is. Members only."""
    venture = _lock(venture)
    _require_member(venture=venture, actor=actor)
    _require_not_dissolved(venture)
    changes: dict[str, Any] = {}
    if mission is not None:
        mission = text_clean(value=mission, field=_("Mission"), max_length=MISSION_MAX_LENGTH)
        if mission != venture.mission:
            changes["mission"] = {"from": venture.mission, "to": mission}
            venture.mission = mission
    if city is not None:
        city = text_clean(value=city, field=_("City"), max_length=CITY_MAX_LENGTH, required=False)
        if city != venture.city:
            changes["city"] = {"from": venture.city, "to": city}
            venture.city = city
    if capacity_per_day is not None:
        capacity_per_day = _clean_capacity(capacity_per_day)
        if capacity_per_day != venture.capacity_per_day:
            changes["capacity_per_day"] = {
                "from": venture.capacity_per_day,
                "to": capacity_per_day,
            }
            venture.capacity_per_day = capacity_per_day
    category_rows = None
    if categories is not None:
        category_rows = _categories_from_slugs(categories)
        before = sorted(venture.categories.values_list("slug", flat=True))
        after = sorted(c.slug for c in category_rows)
        if before != after:
            changes["categories"] = {"from": before, "to": after}
        else:
            category_rows = None
    if not changes:
        return venture
    venture.save(update_fields=["mission", "city", "capacity_per_day", "updated_at"])
    if category_rows is not None:
        venture.categories.set(category_rows)
    audit_record(
        type="ventures.venture.updated",
        summary=f"{actor.name} changed {', '.join(sorted(changes))} of {venture.name}",
        actor=actor,
        subject=venture,
        data=changes,
    )
    return venture


@transaction.atomic
def venture_status_change(
    *, venture: Venture, actor: User | None, status: str, system: bool = False
) -> Venture:
    """Move a venture along its lifecycle (`heyi/ventures/lifecycle.py`).

    Its members decide (an operator may also act): incubating to accelerating, and dissolving.
    The moves into and out of `raising` belong to funding rounds: the investment app makes them
    with `system=True` (the actor is then whoever caused it, or None for a sweep). Dissolved is
    final. Dissolving withdraws every pending invitation and join request, since nobody can join
    a venture that no longer exists.
    """
    venture = _lock(venture)
    if system:
        party = lifecycle.Party.SYSTEM
    elif membership_is_active(venture=venture, user=actor):
        party = lifecycle.Party.MEMBER
    elif user_is_operator(actor):
        party = lifecycle.Party.OPERATOR
    else:
        raise PermissionDenied(
            _("Only the venture's members decide its status."),
            code=VenturesErrorCode.NOT_MEMBER,
        )
    if status not in VentureStatus.values:
        raise InvalidInput(
            _("Unknown status: %(status)s.") % {"status": status},
            code=VenturesErrorCode.STATUS_UNKNOWN,
        )
    from_status = venture.status
    try:
        lifecycle.move_check(from_status, status, party=party)
    except lifecycle.LifecycleError as error:
        raise VenturesError(
            VenturesErrorCode.TRANSITION_NOT_ALLOWED, _lifecycle_refusal(error, from_status, status)
        ) from error
    venture.status = status
    venture.save(update_fields=["status", "updated_at"])
    data: dict[str, Any] = {"from": from_status, "to": status}
    if status == VentureStatus.DISSOLVED:
        now = timezone.now()
        data["invitations_withdrawn"] = Invitation.objects.filter(
            venture=venture, status=DecisionStatus.PENDING
        ).update(status=DecisionStatus.WITHDRAWN, decided_at=now, updated_at=now)
        data["join_requests_withdrawn"] = JoinRequest.objects.filter(
            venture=venture, status=DecisionStatus.PENDING
        ).update(status=DecisionStatus.WITHDRAWN, decided_at=now, updated_at=now)
    audit_record(
        type="ventures.venture.status_changed",
        summary=f"{venture.name} moved from {from_status} to {status}",
        actor=actor,
        subject=venture,
        data=data,
    )
    return venture


@transaction.atomic
def venture_investor_publishing_set(*, venture: Venture, actor: User, publishes: bool) -> Venture:
    """A member shows the venture's statements to investors, or stops showing them."""
    venture = _lock(venture)
    _require_member(venture=venture, actor=actor)
    _require_not_dissolved(venture)
    if venture.publishes_to_investors == publishes:
        return venture
    venture.publishes_to_investors = publishes
    venture.save(update_fields=["publishes_to_investors", "updated_at"])
    audit_record(
        type="ventures.venture.investor_publishing_changed",
        summary=f"{actor.name} {'published' if publishes else 'stopped publishing'} the "
        f"statements of {venture.name} to investors",
        actor=actor,
        subject=venture,
        data={"publishes_to_investors": publishes},
    )
    return venture


def _lifecycle_refusal(error: lifecycle.LifecycleError, from_status: str, to_status: str) -> str:
    """The refusal in the reader's language."""
    labels = {"from": VentureStatus(from_status).label, "to": VentureStatus(to_status).label}
    if error.refusal == lifecycle.Refusal.FINAL:
        return _("A dissolved venture is closed for good; it cannot become %(to)s.") % labels
    if error.refusal == lifecycle.Refusal.NOT_YOURS:
        if to_status == VentureStatus.RAISING:
            return _("A venture starts raising only by opening a funding round.")
        if to_status == VentureStatus.SPUN_OFF:
            return _("A venture is spun off only by a funding round that raised what it sought.")
        return _(
            "A raising venture goes back to accelerating only when its funding round closes "
            "or is cancelled."
        )
    return _("A venture that is %(from)s cannot become %(to)s.") % labels


# --- members ------------------------------------------------------------------------------


@transaction.atomic
def membership_leave(*, venture: Venture, actor: User) -> Membership:
    """A member leaves. The last member of an incubating or active venture must dissolve it first."""
    venture = _lock(venture)
    membership = (
        Membership.objects.select_for_update()
        .filter(venture=venture, user=actor, left_at__isnull=True)
        .first()
        if getattr(actor, "is_authenticated", False)
        else None
    )
    if membership is None:
        raise PermissionDenied(
            _("You are not a member of this venture."), code=VenturesErrorCode.NOT_MEMBER
        )
    others = (
        Membership.objects.filter(venture=venture, left_at__isnull=True)
        .exclude(pk=membership.pk)
        .count()
    )
    if others == 0 and venture.status in OPEN_STATUSES:
        raise VenturesError(
            VenturesErrorCode.LAST_MEMBER,
            _(
                "You are the last member of %(venture)s. Dissolve the venture first, "
                "then you can leave it."
            )
            % {"venture": venture.name},
        )
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at", "updated_at"])
    Venture.objects.filter(pk=venture.pk).update(member_count=F("member_count") - 1)
    venture.refresh_from_db(fields=["member_count"])
    audit_record(
        type="ventures.member.left",
        summary=f"{actor.name} left {venture.name}",
        actor=actor,
        subject=venture,
        data={"membership": str(membership.uid), "role": membership.role},
    )
    return membership


# --- invitations --------------------------------------------------------------------------


@transaction.atomic
def invitation_send(
    *,
    venture: Venture,
    actor: User,
    invitee: User | None = None,
    invitee_email: str = "",
    invitee_uid: uuid.UUID | None = None,
    message: str = "",
) -> Invitation:
    """A member invites a person, named by the user, their e-mail address or their user id."""
    venture = _lock(venture)
    # Membership is checked before the invitee is looked up, so that outsiders cannot use
    # this to find out which e-mail addresses have an account.
    _require_member(venture=venture, actor=actor)
    _require_not_dissolved(venture)
    person = _invitee_resolve(invitee=invitee, email=invitee_email, uid=invitee_uid)
    message = text_clean(
        value=message, field=_("Message"), max_length=MESSAGE_MAX_LENGTH, required=False
    )
    if membership_is_active(venture=venture, user=person):
        raise VenturesError(
            VenturesErrorCode.ALREADY_MEMBER,
            _("%(person)s is already a member of %(venture)s.")
            % {"person": person.name, "venture": venture.name},
        )
    if JoinRequest.objects.filter(
        venture=venture, user=person, status=DecisionStatus.PENDING
    ).exists():
        raise VenturesError(
            VenturesErrorCode.JOIN_REQUEST_PENDING,
            _("%(person)s has already asked to join: decide their request instead.")
            % {"person": person.name},
        )
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                venture=venture, invitee=person, invited_by=actor, message=message
            )
    except IntegrityError as error:
        raise VenturesError(
            VenturesErrorCode.INVITATION_PENDING,
            _("%(person)s already has a pending invitation to %(venture)s.")
            % {"person": person.name, "venture": venture.name},
        ) from error
    audit_record(
        type="ventures.invitation.sent",
        summary=f"{actor.name} invited {person.name} to {venture.name}",
        actor=actor,
        subject=invitation,
        data={"venture": venture.slug, "invitee": str(person.uid)},
        is_public=False,
    )
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, actor: User) -> Membership:
    """The invitee accepts and becomes a member."""
    # The venture is locked before the invitation, in the same order as dissolving does.
    venture = _lock(invitation.venture)
    invitation = _lock_invitation(invitation)
    _require_invitee(invitation=invitation, actor=actor)
    _require_pending(invitation.status)
    _require_not_dissolved(venture)
    _decide(invitation, DecisionStatus.ACCEPTED)
    audit_record(
        type="ventures.invitation.accepted",
        summary=f"{actor.name} accepted the invitation to {venture.name}",
        actor=actor,
        subject=invitation,
        data={"venture": venture.slug},
        is_public=False,
    )
    return _membership_add(venture=venture, user=actor, role=MemberRole.MEMBER, actor=actor)


@transaction.atomic
def invitation_decline(*, invitation: Invitation, actor: User) -> Invitation:
    """The invitee says no."""
    invitation = _lock_invitation(invitation)
    _require_invitee(invitation=invitation, actor=actor)
    _require_pending(invitation.status)
    _decide(invitation, DecisionStatus.DECLINED)
    audit_record(
        type="ventures.invitation.declined",
        summary=f"{actor.name} declined the invitation to {invitation.venture.name}",
        actor=actor,
        subject=invitation,
        data={"venture": invitation.venture.slug},
        is_public=False,
    )
    return invitation


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, actor: User) -> Invitation:
    """The inviter, or any member of the venture, takes a pending invitation back."""
    invitation = _lock_invitation(invitation)
    is_inviter = getattr(actor, "is_authenticated", False) and invitation.invited_by_id == actor.pk
    if not (is_inviter or membership_is_active(venture=invitation.venture, user=actor)):
        raise PermissionDenied(
            _("Only the venture's members may withdraw its invitations."),
            code=VenturesErrorCode.NOT_MEMBER,
        )
    _require_pending(invitation.status)
    _decide(invitation, DecisionStatus.WITHDRAWN)
    audit_record(
        type="ventures.invitation.withdrawn",
        summary=f"{actor.name} withdrew the invitation of {invitation.invitee.name} "
        f"to {invitation.venture.name}",
        actor=actor,
        subject=invitation,
        data={"venture": invitation.venture.slug, "invitee": str(invitation.invitee.uid)},
        is_public=False,
    )
    return invitation


# --- join requests ------------------------------------------------------------------------


@transaction.atomic
def join_request_send(*, venture: Venture, actor: User, message: str) -> JoinRequest:
    """A person asks to join, saying why; the venture's members decide."""
    _require_person(actor)
    venture = _lock(venture)
    _require_not_dissolved(venture)
    message = text_clean(value=message, field=_("Message"), max_length=MESSAGE_MAX_LENGTH)
    if membership_is_active(venture=venture, user=actor):
        raise VenturesError(
            VenturesErrorCode.ALREADY_MEMBER,
            _("You are already a member of %(venture)s.") % {"venture": venture.name},
        )
    if Invitation.objects.filter(
        venture=venture, invitee=actor, status=DecisionStatus.PENDING
    ).exists():
        raise VenturesError(
            VenturesErrorCode.INVITATION_PENDING,
            _("You are already invited to %(venture)s: accept the invitation instead.")
            % {"venture": venture.name},
        )
    try:
        with transaction.atomic():
            join_request = JoinRequest.objects.create(venture=venture, user=actor, message=message)
    except IntegrityError as error:
        raise VenturesError(
            VenturesErrorCode.JOIN_REQUEST_PENDING,
            _("You have already asked to join %(venture)s; the members have not decided yet.")
            % {"venture": venture.name},
        ) from error
    audit_record(
        type="ventures.join_request.sent",
        summary=f"{actor.name} asked to join {venture.name}",
        actor=actor,
        subject=join_request,
        data={"venture": venture.slug},
        is_public=False,
    )
    return join_request


@transaction.atomic
def join_request_approve(*, join_request: JoinRequest, actor: User) -> Membership:
    """A member of the venture lets the person in. The platform never decides for a venture."""
    # The venture is locked before the request, in the same order as dissolving does.
    venture = _lock(join_request.venture)
    join_request = _lock_join_request(join_request)
    _require_member(venture=venture, actor=actor)
    _require_pending(join_request.status)
    _require_not_dissolved(venture)
    _decide(join_request, DecisionStatus.ACCEPTED, by=actor)
    audit_record(
        type="ventures.join_request.approved",
        summary=f"{actor.name} let {join_request.user.name} into {venture.name}",
        actor=actor,
        subject=join_request,
        data={"venture": venture.slug, "user": str(join_request.user.uid)},
        is_public=False,
    )
    return _membership_add(
        venture=venture, user=join_request.user, role=MemberRole.MEMBER, actor=actor
    )


@transaction.atomic
def join_request_reject(*, join_request: JoinRequest, actor: User) -> JoinRequest:
    """A member of the venture turns the request down."""
    join_request = _lock_join_request(join_request)
    _require_member(venture=join_request.venture, actor=actor)
    _require_pending(join_request.status)
    _decide(join_request, DecisionStatus.DECLINED, by=actor)
    audit_record(
        type="ventures.join_request.rejected",
        summary=f"{actor.name} turned down {join_request.user.name} "
        f"for {join_request.venture.name}",
        actor=actor,
        subject=join_request,
        data={"venture": join_request.venture.slug, "user": str(join_request.user.uid)},
        is_public=False,
    )
    return join_request


@transaction.atomic
def join_request_withdraw(*, join_request: JoinRequest, actor: User) -> JoinRequest:
    """The person who asked takes the request back."""
    join_request = _lock_join_request(join_request)
    if not (getattr(actor, "is_authenticated", False) and join_request.user_id == actor.pk):
        raise PermissionDenied(
            _("Only the person who asked may withdraw this request."),
            code=VenturesErrorCode.NOT_REQUESTER,
        )
    _require_pending(join_request.status)
    _decide(join_request, DecisionStatus.WITHDRAWN)
    audit_record(
        type="ventures.join_request.withdrawn",
        summary=f"{actor.name} withdrew the request to join {join_request.venture.name}",
        actor=actor,
        subject=join_request,
        data={"venture": join_request.venture.slug},
        is_public=False,
    )
    return join_request


# --- helpers ------------------------------------------------------------------------------


def _membership_add(*, venture: Venture, user: User, role: str, actor: User) -> Membership:
    """Add an active membership and count it; the caller holds the venture's row lock."""
    now = timezone.now()
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                venture=venture, user=user, role=role, joined_at=now
            )
    except IntegrityError as error:
        raise VenturesError(
            VenturesErrorCode.ALREADY_MEMBER,
            _("%(person)s is already a member of %(venture)s.")
            % {"person": user.name, "venture": venture.name},
        ) from error
    Venture.objects.filter(pk=venture.pk).update(member_count=F("member_count") + 1)
    venture.refresh_from_db(fields=["member_count"])
    # Whichever way the person came in, any other open invitation or request is now answered.
    Invitation.objects.filter(venture=venture, invitee=user, status=DecisionStatus.PENDING).update(
        status=DecisionStatus.ACCEPTED, decided_at=now, updated_at=now
    )
    JoinRequest.objects.filter(venture=venture, user=user, status=DecisionStatus.PENDING).update(
        status=DecisionStatus.ACCEPTED, decided_at=now, updated_at=now
    )
    audit_record(
        type="ventures.member.joined",
        summary=f"{user.name} joined {venture.name} as {role}",
        actor=actor,
        subject=venture,
        data={"membership": str(membership.uid), "user": str(user.uid), "role": role},
    )
    return membership


def _decide(item: Invitation | JoinRequest, status: str, *, by: User | None = None) -> None:
    item.status = status
    item.decided_at = timezone.now()
    fields = ["status", "decided_at", "updated_at"]
    if isinstance(item, JoinRequest) and by is not None:
        item.decided_by = by
        fields.append("decided_by")
    item.save(update_fields=fields)


def _lock(venture: Venture) -> Venture:
    """The venture's row, locked: membership changes on one venture happen one at a time."""
    return Venture.objects.select_for_update().get(pk=venture.pk)


def _lock_invitation(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("venture", "invitee", "invited_by")
        .get(pk=invitation.pk)
    )


def _lock_join_request(join_request: JoinRequest) -> JoinRequest:
    return (
        JoinRequest.objects.select_for_update(of=("self",))
        .select_related("venture", "user")
        .get(pk=join_request.pk)
    )


def _require_person(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in first."), code=VenturesErrorCode.NOT_MEMBER)


def _require_member(*, venture: Venture, actor: Any) -> None:
    if not membership_is_active(venture=venture, user=actor):
        raise PermissionDenied(
            _("Only the venture's members may do this."), code=VenturesErrorCode.NOT_MEMBER
        )


def _require_invitee(*, invitation: Invitation, actor: Any) -> None:
    if not (getattr(actor, "is_authenticated", False) and invitation.invitee_id == actor.pk):
        raise PermissionDenied(
            _("This invitation is addressed to someone else."),
            code=VenturesErrorCode.NOT_INVITEE,
        )


def _require_pending(status: str) -> None:
    if status != DecisionStatus.PENDING:
        raise VenturesError(
            VenturesErrorCode.ALREADY_DECIDED,
            _("This has already been answered: %(status)s.")
            % {"status": DecisionStatus(status).label},
        )


def _require_not_dissolved(venture: Venture) -> None:
    if venture.status == VentureStatus.DISSOLVED:
        raise VenturesError(
            VenturesErrorCode.VENTURE_DISSOLVED,
            _("%(venture)s is dissolved; nothing about it can change any more.")
            % {"venture": venture.name},
        )


def _invitee_resolve(*, invitee: User | None, email: str, uid: uuid.UUID | None) -> User:
    if invitee is not None:
        return invitee
    email = (email or "").strip()
    if not email and uid is None:
        raise InvalidInput(
            _("Say whom to invite: an e-mail address or a user ID."),
            code=VenturesErrorCode.INVITEE_REQUIRED,
        )
    try:
        return user_get(uid=uid) if uid is not None else user_get_by_email(email=email)
    except NotFound as error:
        raise NotFound(
            _("Nobody on heyi has that e-mail address or user ID."),
            code=VenturesErrorCode.INVITEE_NOT_FOUND,
        ) from error


def _clean_kind(kind: str) -> str:
    if kind not in VentureKind.values:
        raise InvalidInput(
            _("Unknown kind of venture: %(kind)s.") % {"kind": kind},
            code=VenturesErrorCode.KIND_UNKNOWN,
        )
    return kind


def _clean_capacity(capacity_per_day: int) -> int:
    if (
        isinstance(capacity_per_day, bool)
        or not isinstance(capacity_per_day, int)
        or not 0 <= capacity_per_day <= CAPACITY_MAX
    ):
        raise InvalidInput(
            _("Capacity per day must be a whole number from 0 to %(max)d.") % {"max": CAPACITY_MAX},
            code=VenturesErrorCode.CAPACITY_INVALID,
        )
    return capacity_per_day


def _categories_from_slugs(slugs: Iterable[str]) -> list[Category]:
    wanted = sorted({str(s).strip() for s in slugs if str(s).strip()})
    found = list(Category.objects.filter(slug__in=wanted).order_by("position", "name"))
    unknown = sorted(set(wanted) - {c.slug for c in found})
    if unknown:
        raise InvalidInput(
            _("Unknown categories: %(slugs)s.") % {"slugs": ", ".join(unknown)},
            code=VenturesErrorCode.CATEGORY_UNKNOWN,
        )
    return found


def _slug_for(name: str) -> str:
    """A unique slug from the name, keeping Chinese characters; `-2`, `-3`… on a clash."""
    base = slugify(name, allow_unicode=True)[:NAME_MAX_LENGTH].strip("-") or "venture"
    candidate = base
    number = 2
    while candidate in RESERVED_SLUGS or Venture.objects.filter(slug=candidate).exists():
        candidate = f"{base}-{number}"
        number += 1
    return candidate


def _name_taken(name: str) -> VenturesError:
    return VenturesError(
        VenturesErrorCode.NAME_TAKEN,
        _("A venture called “%(name)s” exists already; choose another name.") % {"name": name},
    )
