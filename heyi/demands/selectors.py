"""Reads about demands: lookups, the searchable list, threads, status history and the trace."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import Count, F, Prefetch, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.fields import FloatField
from django.utils.translation import gettext as _

from heyi.accounts.selectors import user_is_operator
from heyi.core.audit import trace_list
from heyi.core.errors import InvalidInput, NotFound
from heyi.core.models import Category
from heyi.demands.errors import DemandsErrorCode
from heyi.demands.lifecycle import EDITABLE_STATUSES, SUPPORTABLE_STATUSES, transition_allowed
from heyi.demands.models import (
    Comment,
    Demand,
    DemandPicture,
    DemandStatus,
    Fan,
    StatusChange,
    Support,
    Tag,
)
from heyi.demands.trace import TraceEntry, trace_entry_from_event

# "relevance" only differs from "newest" when there is something searched for.
DEMAND_SORTS: dict[str, tuple[str, ...]] = {
    "newest": ("-created_at", "-id"),
    "most_supported": ("-support_count", "-created_at", "-id"),
    "most_fans": ("-fan_count", "-created_at", "-id"),
    "relevance": ("-search_rank", "-created_at", "-id"),
}

# Must match the GIN index built by migration 0003_full_text_search, field for field.
SEARCH_CONFIG = "english"
SEARCH_WEIGHTS = (("title", "A"), ("search_tags", "B"), ("description", "C"))
# FTS5 bm25 weights for the columns title, search_tags, description.
SQLITE_BM25 = "bm25(demands_demand_fts, 10.0, 5.0, 1.0)"
MAX_SEARCH_TERMS = 12
MAX_TERM_LENGTH = 60

# Scripts written without spaces between words: a word-based index cannot split them, so
# searches in them match substrings of `search_text` instead.
_UNSPACED_SCRIPT = re.compile(
    "[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f]"
)
_WORD = re.compile(r"[^\W_]+")


def demand_get(*, number: int) -> Demand:
    try:
        return Demand.objects.select_related("author", "category").get(number=number)
    except Demand.DoesNotExist as error:
        raise NotFound(
            _("No demand #%(number)s.") % {"number": number},
            code=DemandsErrorCode.DEMAND_NOT_FOUND,
        ) from error


def search_terms(text: str) -> list[str]:
    """The words of a search, lower-cased, in order, without repeats."""
    terms: list[str] = []
    for word in _WORD.findall(text.lower()):
        word = word[:MAX_TERM_LENGTH]
        if word not in terms:
            terms.append(word)
    return terms[:MAX_SEARCH_TERMS]


def _search_vector() -> Any:
    from django.contrib.postgres.search import SearchVector

    vector: Any = None
    for column, weight in SEARCH_WEIGHTS:
        part = SearchVector(column, weight=weight, config=SEARCH_CONFIG)
        vector = part if vector is None else vector + part
    return vector


def _demand_search(demands: QuerySet[Demand], text: str) -> QuerySet[Demand]:
    """Keep the demands matching every word (as a word or a word's beginning), with a rank."""
    if _UNSPACED_SCRIPT.search(text):
        for term in text.lower().split()[:MAX_SEARCH_TERMS]:
            demands = demands.filter(search_text__contains=term)
        return demands.annotate(search_rank=Value(0.0, output_field=FloatField()))
    terms = search_terms(text)
    if not terms:
        return demands.none()
    vendor = connections[demands.db].vendor
    if vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        vector = _search_vector()
        # Each word is a prefix ("fri:*" finds "fridge"); the English config stems it first.
        query = SearchQuery(
            " & ".join(f"{term}:*" for term in terms), search_type="raw", config=SEARCH_CONFIG
        )
        return (
            demands.alias(search_document=vector)
            .filter(search_document=query)
            .annotate(search_rank=SearchRank(vector, query))
        )
    if vendor == "sqlite":
        match = " ".join(f'"{term}"*' for term in terms)
        matching = RawSQL(
            "SELECT rowid FROM demands_demand_fts WHERE demands_demand_fts MATCH %s", (match,)
        )
        # bm25 is smaller for better matches: negate it so that higher ranks first everywhere.
        rank = RawSQL(
            f"SELECT -{SQLITE_BM25} FROM demands_demand_fts "
            "WHERE demands_demand_fts MATCH %s AND rowid = demands_demand.id",
            (match,),
            output_field=FloatField(),
        )
        return demands.filter(id__in=matching).annotate(search_rank=rank)
    # Any other database: every word must appear in the lower-cased text.
    for term in terms:
        demands = demands.filter(search_text__contains=term)
    return demands.annotate(search_rank=Value(0.0, output_field=FloatField()))


def demand_list(
    *,
    search: str | None = None,
    category: str | None = None,
    status: str | None = None,
    tag: str | None = None,
    sort: str = "newest",
) -> QuerySet[Demand]:
    """Demands for lists and cards: author, category, tags and pictures come in fixed queries.

    `search` is full text over title (weighted most), tags and description; `category` is a
    category slug, `status` a DemandStatus value, `tag` a tag name; `sort` is one of
    DEMAND_SORTS ("relevance" orders by the search rank).
    """
    if sort not in DEMAND_SORTS:
        raise InvalidInput(
            _("Unknown order: %(sort)s.") % {"sort": sort}, code=DemandsErrorCode.SORT_UNKNOWN
        )
    if status and status not in DemandStatus.values:
        raise InvalidInput(
            _("Unknown status: %(status)s.") % {"status": status},
            code=DemandsErrorCode.STATUS_UNKNOWN,
        )
    demands = (
        Demand.objects.select_related("category", "author")
        .prefetch_related(
            "tags", Prefetch("pictures", queryset=DemandPicture.objects.order_by("position", "id"))
        )
        # The search column repeats the whole description; lists never show it.
        .defer("search_text")
    )
    if category:
        demands = demands.filter(category__slug=category)
    if status:
        demands = demands.filter(status=status)
    if tag:
        demands = demands.filter(tags__name=tag.strip().lower())
    text = (search or "").strip()
    if text:
        demands = _demand_search(demands, text)
    elif sort == "relevance":
        sort = "newest"
    return demands.order_by(*DEMAND_SORTS[sort])


def category_list() -> QuerySet[Category]:
    return Category.objects.order_by("position", "name")


def category_get(*, slug: str) -> Category:
    try:
        return Category.objects.get(slug=slug)
    except Category.DoesNotExist as error:
        raise InvalidInput(
            _("Unknown category: %(slug)s.") % {"slug": slug},
            code=DemandsErrorCode.CATEGORY_UNKNOWN,
        ) from error


def tag_list(*, search: str | None = None) -> QuerySet[Tag]:
    """Tags in use, most used first, each with `demand_count`; `search` matches the start."""
    tags = Tag.objects.annotate(demand_count=Count("demands")).filter(demand_count__gt=0)
    if search and search.strip():
        tags = tags.filter(name__startswith=search.strip().lower())
    return tags.order_by("-demand_count", "name")


def demand_picture_list(*, demand: Demand) -> QuerySet[DemandPicture]:
    return DemandPicture.objects.filter(demand=demand).order_by("position", "id")


def comment_list_for_demand(*, demand: Demand) -> QuerySet[Comment]:
    """Every comment of a demand, oldest first, each with its author and `parent_uid`."""
    return (
        Comment.objects.filter(demand=demand)
        .select_related("author")
        .annotate(parent_uid=F("parent__uid"))
        .order_by("created_at", "id")
    )


@dataclass
class CommentThread:
    """A comment with the replies that answer it, each a thread of its own."""

    comment: Comment
    replies: list[CommentThread] = field(default_factory=list)


def comment_thread_list(*, demand: Demand) -> list[CommentThread]:
    """The comments as threads: top-level comments, oldest first, with their replies nested."""
    threads = [CommentThread(comment) for comment in comment_list_for_demand(demand=demand)]
    by_id = {thread.comment.pk: thread for thread in threads}
    roots: list[CommentThread] = []
    for thread in threads:
        parent = by_id.get(thread.comment.parent_id) if thread.comment.parent_id else None
        if parent is None:
            roots.append(thread)
        else:
            parent.replies.append(thread)
    return roots


def status_change_list(*, demand: Demand) -> QuerySet[StatusChange]:
    return (
        StatusChange.objects.filter(demand=demand)
        .select_related("actor")
        .order_by("changed_at", "id")
    )


def demand_trace_list(*, demand: Demand) -> list[TraceEntry]:
    """Every public step of the demand's history, from any app, oldest first."""
    return [trace_entry_from_event(event) for event in trace_list(demand_uid=demand.uid)]


def demand_is_author(*, demand: Demand, user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.pk == demand.author_id)


def demand_can_edit(*, demand: Demand, user: Any) -> bool:
    return demand_is_author(demand=demand, user=user) and demand.status in EDITABLE_STATUSES


def demand_can_decline(*, demand: Demand, user: Any) -> bool:
    allowed = demand_is_author(demand=demand, user=user) or user_is_operator(user)
    return allowed and transition_allowed(
        from_status=demand.status, to_status=DemandStatus.DECLINED
    )


@dataclass(frozen=True)
class DemandViewer:
    """What one person has done on a demand and may do there."""

    is_authenticated: bool
    is_author: bool
    is_fan: bool
    is_supporter: bool
    support_note: str
    can_edit: bool
    can_decline: bool
    can_support: bool


def demand_viewer_get(*, demand: Demand, user: Any) -> DemandViewer:
    if not getattr(user, "is_authenticated", False):
        return DemandViewer(False, False, False, False, "", False, False, False)
    is_author = demand_is_author(demand=demand, user=user)
    support = Support.objects.filter(demand=demand, user=user).only("note").first()
    return DemandViewer(
        is_authenticated=True,
        is_author=is_author,
        is_fan=Fan.objects.filter(demand=demand, user=user).exists(),
        is_supporter=support is not None,
        support_note=support.note if support is not None else "",
        can_edit=demand_can_edit(demand=demand, user=user),
        can_decline=demand_can_decline(demand=demand, user=user),
        can_support=not is_author and demand.status in SUPPORTABLE_STATUSES,
    )


def demand_list_for_author(*, user: Any) -> QuerySet[Demand]:
    """The demands a person raised, newest first."""
    return demand_list().filter(author=user)


def demand_list_for_fan(*, user: Any) -> QuerySet[Demand]:
    """The demands a person follows, most recently followed first."""
    return demand_list().filter(fans__user=user).order_by("-fans__created_at", "-id")
