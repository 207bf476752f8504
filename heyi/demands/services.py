"""Writes about demands: raising and editing them, fans, supports, comments and the lifecycle."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from heyi.accounts.selectors import user_is_operator
from heyi.core.audit import audit_record
from heyi.core.errors import InvalidInput, NotFound, PermissionDenied
from heyi.core.numbering import number_next, numbered_create
from heyi.core.pictures import picture_validate
from heyi.core.text import text_clean
from heyi.demands.errors import DemandsError, DemandsErrorCode
from heyi.demands.lifecycle import (
    ALLOWED_TRANSITIONS,
    EDITABLE_STATUSES,
    SUPPORTABLE_STATUSES,
)
from heyi.demands.models import (
    Comment,
    Demand,
    DemandPicture,
    DemandStatus,
    Fan,
    SelectionMode,
    StatusChange,
    Support,
    Tag,
)
from heyi.demands.selectors import category_get, demand_is_author

TITLE_MAX = 160
DESCRIPTION_MAX = 10000
COMMENT_MAX = 5000
SUPPORT_NOTE_MAX = 500
REASON_MAX = 2000
TAG_MAX_LENGTH = 40
MAX_TAGS = 10
MAX_PICTURES = 8
# Each lost attempt means another demand was committed meanwhile, so the bound is only reached
# when fifty demands are raised during one raise.
NUMBER_ATTEMPTS = 50

# --- checks shared by the services ---------------------------------------------------------


def _actor_required(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("Sign in first."), code=DemandsErrorCode.NOT_AUTHENTICATED)


def _tags_clean(tags: Iterable[str]) -> list[str]:
    """Lower-case slugs, in the order given, without repeats; at most MAX_TAGS of them."""
    names: list[str] = []
    for raw in tags:
        raw = str(raw).strip().lstrip("#")
        if not raw:
            continue
        name = slugify(raw, allow_unicode=True)
        if not name or len(name) > TAG_MAX_LENGTH:
            raise InvalidInput(
                _("“%(tag)s” is not a tag: use a word or two, at most %(max)d characters.")
                % {"tag": raw[:60], "max": TAG_MAX_LENGTH},
                code=DemandsErrorCode.TAG_INVALID,
            )
        if name not in names:
            names.append(name)
    if len(names) > MAX_TAGS:
        raise InvalidInput(
            _("A demand has at most %(max)d tags.") % {"max": MAX_TAGS},
            code=DemandsErrorCode.TOO_MANY_TAGS,
        )
    return names


def _pictures_check(pictures: Sequence[UploadedFile], *, already: int = 0) -> None:
    if already + len(pictures) > MAX_PICTURES:
        raise InvalidInput(
            _("A demand has at most %(max)d pictures.") % {"max": MAX_PICTURES},
            code=DemandsErrorCode.TOO_MANY_PICTURES,
        )
    for picture in pictures:
        picture_validate(picture=picture)


def _search_fields_set(demand: Demand, tag_names: list[str]) -> None:
    """Keep the denormalised search columns in step with the title, description and tags."""
    demand.search_tags = " ".join(tag_names)
    demand.search_text = "\n".join([demand.title, demand.description, demand.search_tags]).lower()


def _tags_get_or_create(names: list[str]) -> list[Tag]:
    # ignore_conflicts makes a tag created at the same moment by someone else harmless.
    Tag.objects.bulk_create([Tag(name=name) for name in names], ignore_conflicts=True)
    by_name = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    return [by_name[name] for name in names]


def _pictures_store(
    demand: Demand, pictures: Sequence[UploadedFile], *, stored: list[str], start: int
) -> list[DemandPicture]:
    """Save checked pictures; `stored` collects the file names so a failure can remove them."""
    rows = []
    for offset, picture in enumerate(pictures):
        row = DemandPicture(demand=demand, position=start + offset)
        suffix = PurePath(picture.name or "").suffix.lower()[:6]
        row.image.save(f"{row.uid.hex}{suffix}", picture, save=False)
        stored.append(row.image.name)
        row.save()
        rows.append(row)
    return rows


def _files_delete(names: list[str]) -> None:
    storage = DemandPicture._meta.get_field("image").storage  # type: ignore[union-attr]
    for name in names:
        storage.delete(name)


def _demand_number_next() -> int:
    return number_next(Demand)


def _demand_insert(**fields: Any) -> Demand:
    """Insert a demand with the next free number.

    Two people raising at the same moment may both read the same highest number; the unique
    constraint lets only one of them have it, and the other reads again inside a savepoint.
    """
    created = numbered_create(
        Demand, attempts=NUMBER_ATTEMPTS, next_number=lambda: _demand_number_next(), **fields
    )
    if created is not None:
        return created
    raise DemandsError(
        DemandsErrorCode.NUMBER_ALLOCATION_FAILED,
        _("Many demands are being raised right now; please try again."),
        status=409,
    )


# --- raising and editing -------------------------------------------------------------------


@transaction.atomic
def demand_raise(
    *,
    author: Any,
    title: str,
    description: str,
    category: str,
    tags: Iterable[str] = (),
    pictures: Sequence[UploadedFile] = (),
    selection_mode: str = SelectionMode.AUTHOR,
) -> Demand:
    """Raise a demand: every input is checked before anything is written, pictures included.

    `category` is a category slug. Tags are normalised to lower-case slugs and created as
    needed. The demand gets the next readable number and opens with a public status change.
    """
    _actor_required(author)
    title = text_clean(value=title, field=_("Title"), max_length=TITLE_MAX)
    description = text_clean(value=description, field=_("Description"), max_length=DESCRIPTION_MAX)
    category_row = category_get(slug=category)
    tag_names = _tags_clean(tags)
    if selection_mode not in SelectionMode.values:
        raise InvalidInput(
            _("Choose how the design is picked: by the author or by the vote."),
            code=DemandsErrorCode.SELECTION_MODE_UNKNOWN,
        )
    pictures = list(pictures)
    _pictures_check(pictures)

    stored: list[str] = []
    try:
        now = timezone.now()
        searchable = Demand(title=title, description=description)
        _search_fields_set(searchable, tag_names)
        demand = _demand_insert(
            title=title,
            description=description,
            category=category_row,
            author=author,
            selection_mode=selection_mode,
            status=DemandStatus.OPEN,
            status_changed_at=now,
            search_tags=searchable.search_tags,
            search_text=searchable.search_text,
        )
        if tag_names:
            demand.tags.set(_tags_get_or_create(tag_names))
        _pictures_store(demand, pictures, stored=stored, start=0)
        StatusChange.objects.create(
            demand=demand,
            from_status="",
            to_status=DemandStatus.OPEN,
            actor=author,
            changed_at=now,
        )
        audit_record(
            type="demands.demand.raised",
            summary=f"{author.name} raised #{demand.number}: {title}",
            actor=author,
            subject=demand,
            demand_uid=demand.uid,
            data={"number": demand.number, "category": category_row.slug, "tags": tag_names},
        )
    except BaseException:
        _files_delete(stored)
        raise
    return demand


@transaction.atomic
def demand_update(
    *,
    demand: Demand,
    actor: Any,
    title: str | None = None,
    description: str | None = None,
    category: str | None = None,
    tags: Iterable[str] | None = None,
    pictures_add: Sequence[UploadedFile] = (),
    pictures_remove: Iterable[uuid.UUID] = (),
) -> Demand:
    """The author rewords a demand while it is open or in co-design. None leaves a field as is.

    `pictures_remove` are uids of the demand's pictures; `pictures_add` are new uploads.
    """
    _actor_required(actor)
    demand = (
        Demand.objects.select_for_update(of=("self",)).select_related("category").get(pk=demand.pk)
    )
    if not demand_is_author(demand=demand, user=actor):
        raise PermissionDenied(
            _("Only the author of a demand may edit it."), code=DemandsErrorCode.NOT_AUTHOR
        )
    if demand.status not in EDITABLE_STATUSES:
        raise DemandsError(
            DemandsErrorCode.DEMAND_NOT_EDITABLE,
            _("A demand can be edited only while it is open or in co-design."),
        )
    changed: list[str] = []
    if title is not None:
        title = text_clean(value=title, field=_("Title"), max_length=TITLE_MAX)
        if title != demand.title:
            demand.title = title
            changed.append("title")
    if description is not None:
        description = text_clean(
            value=description, field=_("Description"), max_length=DESCRIPTION_MAX
        )
        if description != demand.description:
            demand.description = description
            changed.append("description")
    if category is not None:
        category_row = category_get(slug=category)
        if category_row.pk != demand.category_id:
            demand.category = category_row
            changed.append("category")
    current_tags = list(demand.tags.order_by("name").values_list("name", flat=True))
    tag_names = current_tags
    if tags is not None:
        tag_names = _tags_clean(tags)
        if sorted(tag_names) != current_tags:
            changed.append("tags")
    remove_uids = set(pictures_remove)
    removed = list(DemandPicture.objects.filter(demand=demand, uid__in=remove_uids))
    if len(removed) != len(remove_uids):
        raise NotFound(
            _("That picture is not one of this demand's."),
            code=DemandsErrorCode.PICTURE_NOT_FOUND,
        )
    pictures_add = list(pictures_add)
    kept = DemandPicture.objects.filter(demand=demand).count() - len(removed)
    _pictures_check(pictures_add, already=kept)
    if removed:
        changed.append("pictures_removed")
    if pictures_add:
        changed.append("pictures_added")
    if not changed:
        return demand

    stored: list[str] = []
    try:
        if "tags" in changed:
            demand.tags.set(_tags_get_or_create(tag_names))
        _search_fields_set(demand, tag_names)
        demand.save(
            update_fields=[
                "title",
                "description",
                "category",
                "search_tags",
                "search_text",
                "updated_at",
            ]
        )
        if removed:
            names = [row.image.name for row in removed]
            DemandPicture.objects.filter(pk__in=[row.pk for row in removed]).delete()
            # Files go only once the rows are surely gone.
            transaction.on_commit(lambda: _files_delete(names))
        last = DemandPicture.objects.filter(demand=demand).aggregate(p=Max("position"))["p"]
        _pictures_store(demand, pictures_add, stored=stored, start=0 if last is None else last + 1)
        audit_record(
            type="demands.demand.updated",
            summary=f"{actor.name} edited #{demand.number}: {', '.join(changed)}",
            actor=actor,
            subject=demand,
            demand_uid=demand.uid,
            data={"fields": changed},
        )
    except BaseException:
        _files_delete(stored)
        raise
    return demand


# --- fans, supports and comments -----------------------------------------------------------


@transaction.atomic
def fan_add(*, demand: Demand, user: Any) -> Fan:
    """Follow a demand. Following twice is refused with `already_fan` (409), nothing changed."""
    _actor_required(user)
    try:
        with transaction.atomic():
            fan = Fan.objects.create(demand=demand, user=user)
    except IntegrityError as error:
        raise DemandsError(
            DemandsErrorCode.ALREADY_FAN, _("You already follow this demand.")
        ) from error
    Demand.objects.filter(pk=demand.pk).update(fan_count=F("fan_count") + 1)
    demand.refresh_from_db(fields=["fan_count"])
    audit_record(
        type="demands.demand.fan_added",
        summary=f"{user.name} became a fan of #{demand.number}",
        actor=user,
        subject=demand,
        demand_uid=demand.uid,
    )
    return fan


@transaction.atomic
def fan_remove(*, demand: Demand, user: Any) -> None:
    """Stop following. Someone who does not follow gets `not_fan` (409), nothing changed."""
    _actor_required(user)
    deleted, _rows = Fan.objects.filter(demand=demand, user=user).delete()
    if not deleted:
        raise DemandsError(DemandsErrorCode.NOT_FAN, _("You do not follow this demand."))
    Demand.objects.filter(pk=demand.pk).update(fan_count=F("fan_count") - 1)
    demand.refresh_from_db(fields=["fan_count"])
    audit_record(
        type="demands.demand.fan_removed",
        summary=f"{user.name} stopped following #{demand.number}",
        actor=user,
        subject=demand,
        demand_uid=demand.uid,
    )


@transaction.atomic
def support_add(*, demand: Demand, user: Any, note: str = "") -> Support:
    """Say "I want this too", once per person, never on one's own or a finished demand."""
    _actor_required(user)
    note = text_clean(value=note, field=_("Note"), max_length=SUPPORT_NOTE_MAX, required=False)
    if demand_is_author(demand=demand, user=user):
        raise DemandsError(
            DemandsErrorCode.OWN_DEMAND, _("The author of a demand cannot support it.")
        )
    status = Demand.objects.values_list("status", flat=True).get(pk=demand.pk)
    if status not in SUPPORTABLE_STATUSES:
        raise DemandsError(
            DemandsErrorCode.DEMAND_NOT_ACTIVE,
            _("This demand is %(status)s: it takes no more support.")
            % {"status": DemandStatus(status).label},
        )
    try:
        with transaction.atomic():
            support = Support.objects.create(demand=demand, user=user, note=note)
    except IntegrityError as error:
        raise DemandsError(
            DemandsErrorCode.ALREADY_SUPPORTER, _("You already support this demand.")
        ) from error
    Demand.objects.filter(pk=demand.pk).update(support_count=F("support_count") + 1)
    demand.refresh_from_db(fields=["support_count"])
    audit_record(
        type="demands.demand.supported",
        summary=f"{user.name} supported #{demand.number}" + (f": {note}" if note else ""),
        actor=user,
        subject=demand,
        demand_uid=demand.uid,
        data={"note": note},
    )
    return support


@transaction.atomic
def support_withdraw(*, demand: Demand, user: Any) -> None:
    """Take one's support back. Without a support: `not_supporter` (409), nothing changed."""
    _actor_required(user)
    deleted, _rows = Support.objects.filter(demand=demand, user=user).delete()
    if not deleted:
        raise DemandsError(DemandsErrorCode.NOT_SUPPORTER, _("You do not support this demand."))
    Demand.objects.filter(pk=demand.pk).update(support_count=F("support_count") - 1)
    demand.refresh_from_db(fields=["support_count"])
    audit_record(
        type="demands.demand.support_withdrawn",
        summary=f"{user.name} withdrew support from #{demand.number}",
        actor=user,
        subject=demand,
        demand_uid=demand.uid,
    )


@transaction.atomic
def comment_post(
    *, demand: Demand, author: Any, body: str, parent_uid: uuid.UUID | None = None
) -> Comment:
    """Post a comment, or a reply to a comment (identified by its uid) of the same demand."""
    _actor_required(author)
    body = text_clean(value=body, field=_("Comment"), max_length=COMMENT_MAX)
    parent = None
    if parent_uid is not None:
        parent = Comment.objects.filter(uid=parent_uid).only("id", "demand_id").first()
        if parent is None:
            raise NotFound(
                _("The comment you reply to does not exist."),
                code=DemandsErrorCode.COMMENT_NOT_FOUND,
            )
        if parent.demand_id != demand.pk:
            raise InvalidInput(
                _("A reply must answer a comment on the same demand."),
                code=DemandsErrorCode.COMMENT_OTHER_DEMAND,
            )
    comment = Comment.objects.create(demand=demand, author=author, parent=parent, body=body)
    Demand.objects.filter(pk=demand.pk).update(comment_count=F("comment_count") + 1)
    demand.refresh_from_db(fields=["comment_count"])
    audit_record(
        type="demands.comment.posted",
        summary=(
            f"{author.name} replied on #{demand.number}"
            if parent is not None
            else f"{author.name} commented on #{demand.number}"
        ),
        actor=author,
        subject=comment,
        demand_uid=demand.uid,
        data={"parent": str(parent_uid) if parent_uid else None},
    )
    return comment


# --- lifecycle -----------------------------------------------------------------------------


@transaction.atomic
def demand_status_change(
    *, demand: Demand, to_status: str, actor: Any = None, reason: str = ""
) -> Demand:
    """Move a demand along its lifecycle; the change is public and a decline needs a reason.

    Callers check who may do it; this checks only that the lifecycle allows the move.
    """
    if to_status not in DemandStatus.values:
        raise InvalidInput(
            _("Unknown status: %(status)s.") % {"status": to_status},
            code=DemandsErrorCode.STATUS_UNKNOWN,
        )
    demand = Demand.objects.select_for_update().get(pk=demand.pk)
    from_status = demand.status
    if to_status not in ALLOWED_TRANSITIONS.get(from_status, set()):
        raise DemandsError(
            DemandsErrorCode.TRANSITION_NOT_ALLOWED,
            _("A demand cannot move from %(from)s to %(to)s.")
            % {"from": DemandStatus(from_status).label, "to": DemandStatus(to_status).label},
        )
    reason = text_clean(value=reason, field=_("Reason"), max_length=REASON_MAX, required=False)
    if to_status == DemandStatus.DECLINED and not reason:
        raise DemandsError(
            DemandsErrorCode.REASON_REQUIRED, _("A decline must say why."), status=422
        )
    now = timezone.now()
    demand.status = to_status
    demand.status_reason = reason
    demand.status_changed_at = now
    demand.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])
    StatusChange.objects.create(
        demand=demand,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        changed_at=now,
    )
    audit_record(
        type="demands.demand.status_changed",
        summary=(
            f"#{demand.number} moved from {DemandStatus(from_status).label} "
            f"to {DemandStatus(to_status).label}"
        ),
        actor=actor,
        subject=demand,
        demand_uid=demand.uid,
        data={"from": from_status, "to": to_status, "reason": reason},
    )
    return demand


@transaction.atomic
def demand_decline(*, demand: Demand, actor: Any, reason: str) -> Demand:
    """The author or an operator declines a demand, always with a public reason."""
    _actor_required(actor)
    if not (demand_is_author(demand=demand, user=actor) or user_is_operator(actor)):
        raise PermissionDenied(
            _("Only the author of the demand or an operator may decline it."),
            code=DemandsErrorCode.NOT_AUTHOR_OR_OPERATOR,
        )
    return demand_status_change(
        demand=demand, to_status=DemandStatus.DECLINED, actor=actor, reason=reason
    )
