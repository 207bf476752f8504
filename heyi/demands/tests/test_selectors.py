"""Selector tests: full-text search on whichever database runs, filters, sorts, threads, trace."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from heyi.core.audit import audit_record
from heyi.core.errors import DomainError
from heyi.demands.selectors import (
    comment_thread_list,
    demand_list,
    demand_list_for_author,
    demand_list_for_fan,
    demand_trace_list,
    demand_viewer_get,
    search_terms,
    tag_list,
)
from heyi.demands.services import (
    comment_post,
    demand_status_change,
    demand_update,
    fan_add,
    support_add,
)
from heyi.demands.tests.factories import category_make, demand_make
from heyi.demands.trace import trace_label

pytestmark = pytest.mark.django_db


def _numbers(**filters: Any) -> list[int]:
    return [demand.number for demand in demand_list(**filters)]


@pytest.fixture
def catalogue(owner: Any, kitchen: Any) -> dict[str, int]:
    """Four demands whose words overlap in the ways the search tests need."""
    category_make(slug="laundry", name="Laundry")
    fridge = demand_make(
        owner,
        title="Fridge with a vegetable drawer",
        description="Greens wilt after three days.",
        tags=["Kitchen Storage"],
    )
    washer = demand_make(
        owner,
        title="Washing machine for small flats",
        description="It must be quiet enough to run at night.",
        category="laundry",
        tags=["night"],
    )
    line = demand_make(
        owner,
        title="Drying rack",
        description="A quiet fan would help, but no washing inside.",
        category="laundry",
    )
    magnet = demand_make(
        owner,
        title="Kettle that boils in a minute",
        description="Small enough to sit beside the fridge.",
    )
    return {
        "fridge": fridge.number,
        "washer": washer.number,
        "line": line.number,
        "magnet": magnet.number,
    }


# --- search --------------------------------------------------------------------------------


def test_search_finds_an_exact_word_in_the_title(catalogue: dict[str, int]) -> None:
    assert _numbers(search="fridge", sort="relevance") == [catalogue["fridge"], catalogue["magnet"]]


def test_search_ranks_title_above_description_whatever_the_age(
    catalogue: dict[str, int], owner: Any
) -> None:
    newest = demand_make(owner, title="Toaster", description="Goes next to a fridge.")
    assert _numbers(search="Fridge", sort="relevance") == [
        catalogue["fridge"],
        newest.number,
        catalogue["magnet"],
    ]
    # Any other order still applies to the matches only.
    assert _numbers(search="fridge") == [newest.number, catalogue["magnet"], catalogue["fridge"]]


def test_search_needs_every_word(catalogue: dict[str, int]) -> None:
    # The washer has "washing" in its title and "quiet" in its description; the drying rack has
    # both in its description; the others have neither or only one.
    assert sorted(_numbers(search="quiet wash")) == [catalogue["washer"], catalogue["line"]]
    assert _numbers(search="quiet fridge") == []


def test_search_matches_the_start_of_a_word(catalogue: dict[str, int]) -> None:
    assert _numbers(search="fri") == [catalogue["magnet"], catalogue["fridge"]]
    assert _numbers(search="veg") == [catalogue["fridge"]]


def test_search_stems_words(catalogue: dict[str, int]) -> None:
    assert _numbers(search="fridges", sort="relevance") == [
        catalogue["fridge"],
        catalogue["magnet"],
    ]
    assert _numbers(search="boiling") == [catalogue["magnet"]]


def test_search_covers_tags(catalogue: dict[str, int]) -> None:
    assert _numbers(search="storage") == [catalogue["fridge"]]
    assert _numbers(search="night") == [catalogue["washer"]]


def test_search_with_filters(catalogue: dict[str, int]) -> None:
    assert sorted(_numbers(search="quiet", category="laundry")) == [
        catalogue["washer"],
        catalogue["line"],
    ]
    assert _numbers(search="quiet", tag="night") == [catalogue["washer"]]
    assert _numbers(search="fridge", category="laundry") == []


def test_search_is_case_and_punctuation_blind(catalogue: dict[str, int]) -> None:
    assert _numbers(search="  FRIDGE!!  ") == _numbers(search="fridge")
    assert _numbers(search="'\"*:()&|") == []
    assert _numbers(search="") == _numbers()


def test_search_follows_edits(catalogue: dict[str, int], owner: Any) -> None:
    demand = demand_list().get(number=catalogue["fridge"])
    demand_update(demand=demand, actor=owner, title="Freezer with drawers", tags=["ice"])
    assert _numbers(search="freezer") == [catalogue["fridge"]]
    assert _numbers(search="storage") == []
    assert _numbers(search="ice") == [catalogue["fridge"]]
    assert _numbers(search="fridge") == [catalogue["magnet"]]


def test_search_in_chinese_matches_substrings(owner: Any, kitchen: Any) -> None:
    fridge = demand_make(
        owner, title="智能冰箱保鲜抽屉", description="蔬菜三天就蔫了。", tags=["静音"]
    )
    demand_make(owner, title="静音洗衣机", description="晚上洗衣服不吵醒孩子。")
    assert _numbers(search="冰箱") == [fridge.number]
    assert _numbers(search="冰箱 静音") == [fridge.number]
    assert _numbers(search="冰箱 洗衣") == []


def test_search_terms() -> None:
    assert search_terms("Quiet, quiet WASH-ing_machine!") == ["quiet", "wash", "ing", "machine"]
    assert len(search_terms(" ".join(f"w{i}" for i in range(20)))) == 12


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index exists on PostgreSQL")
def test_postgresql_search_uses_the_gin_index(catalogue: dict[str, int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = demand_list(search="fridge", sort="relevance").explain()
    assert "demands_demand_search_gin" in plan


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 triggers exist on SQLite")
def test_sqlite_search_triggers_exist(db: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name FROM sqlite_master WHERE name LIKE 'demands_demand_fts%%' "
            "AND type IN ('table', 'trigger') ORDER BY type, name"
        )
        rows = cursor.fetchall()
    assert ("table", "demands_demand_fts") in rows
    assert [name for kind, name in rows if kind == "trigger"] == [
        "demands_demand_fts_delete",
        "demands_demand_fts_insert",
        "demands_demand_fts_update",
    ]


def test_deleted_demands_leave_the_search(catalogue: dict[str, int]) -> None:
    demand_list().filter(number=catalogue["fridge"]).delete()
    assert _numbers(search="fridge") == [catalogue["magnet"]]


# --- filters and sorts ---------------------------------------------------------------------


def test_filters(catalogue: dict[str, int], operator: Any) -> None:
    washer = demand_list().get(number=catalogue["washer"])
    demand_status_change(demand=washer, to_status="co_design", actor=operator)
    assert _numbers(category="laundry") == [catalogue["line"], catalogue["washer"]]
    assert _numbers(status="co_design") == [catalogue["washer"]]
    assert _numbers(status="open", category="laundry") == [catalogue["line"]]
    assert _numbers(tag="Kitchen-Storage") == [catalogue["fridge"]]
    assert _numbers(category="nowhere") == []


def test_sorts(catalogue: dict[str, int], owner: Any, rival: Any, operator: Any) -> None:
    by_number = {demand.number: demand for demand in demand_list()}
    support_add(demand=by_number[catalogue["line"]], user=rival)
    support_add(demand=by_number[catalogue["line"]], user=operator)
    support_add(demand=by_number[catalogue["fridge"]], user=rival)
    fan_add(demand=by_number[catalogue["washer"]], user=rival)

    assert _numbers() == [4, 3, 2, 1]
    assert _numbers(sort="most_supported") == [catalogue["line"], catalogue["fridge"], 4, 2]
    assert _numbers(sort="most_fans") == [catalogue["washer"], 4, 3, 1]
    # Without a search, relevance falls back to the newest first.
    assert _numbers(sort="relevance") == [4, 3, 2, 1]


@pytest.mark.parametrize(
    ("filters", "code"),
    [({"sort": "loudest"}, "sort_unknown"), ({"status": "lost"}, "status_unknown")],
)
def test_unknown_sort_or_status(db: Any, filters: dict[str, str], code: str) -> None:
    with pytest.raises(DomainError) as raised:
        demand_list(**filters)
    assert raised.value.code == code


def test_lists_for_author_and_fan(catalogue: dict[str, int], owner: Any, rival: Any) -> None:
    mine = demand_make(rival, title="Rival's own")
    by_number = {demand.number: demand for demand in demand_list()}
    fan_add(demand=by_number[catalogue["washer"]], user=rival)
    fan_add(demand=by_number[catalogue["fridge"]], user=rival)
    assert [d.number for d in demand_list_for_author(user=rival)] == [mine.number]
    assert [d.number for d in demand_list_for_fan(user=rival)] == [
        catalogue["fridge"],
        catalogue["washer"],
    ]


def test_tag_list(owner: Any, kitchen: Any) -> None:
    demand_make(owner, tags=["cold", "quiet"])
    demand_make(owner, tags=["quiet"])
    demand_make(owner, tags=["quilt"])
    counts = {tag.name: tag.demand_count for tag in tag_list()}  # type: ignore[attr-defined]
    assert [tag.name for tag in tag_list()] == ["quiet", "cold", "quilt"]
    assert counts == {"quiet": 2, "cold": 1, "quilt": 1}
    assert [(tag.name, counts[tag.name]) for tag in tag_list()] == [
        ("quiet", 2),
        ("cold", 1),
        ("quilt", 1),
    ]
    assert [t.name for t in tag_list(search="Qui")] == ["quiet", "quilt"]


# --- threads, viewer and trace -------------------------------------------------------------


def test_comment_threads(owner: Any, rival: Any, operator: Any, kitchen: Any) -> None:
    demand = demand_make(owner)
    first = comment_post(demand=demand, author=rival, body="First")
    second = comment_post(demand=demand, author=operator, body="Second")
    reply = comment_post(demand=demand, author=owner, body="Reply", parent_uid=first.uid)
    deeper = comment_post(demand=demand, author=rival, body="Deeper", parent_uid=reply.uid)

    threads = comment_thread_list(demand=demand)

    assert [t.comment.uid for t in threads] == [first.uid, second.uid]
    assert [t.comment.uid for t in threads[0].replies] == [reply.uid]
    assert [t.comment.uid for t in threads[0].replies[0].replies] == [deeper.uid]
    assert threads[1].replies == []


def test_viewer(owner: Any, rival: Any, operator: Any, kitchen: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    demand = demand_make(owner)
    support_add(demand=demand, user=rival, note="Yes")
    assert demand_viewer_get(demand=demand, user=AnonymousUser()).is_authenticated is False
    author = demand_viewer_get(demand=demand, user=owner)
    assert (author.can_edit, author.can_decline, author.can_support) == (True, True, False)
    other = demand_viewer_get(demand=demand, user=rival)
    assert (other.is_supporter, other.support_note, other.can_edit, other.can_decline) == (
        True,
        "Yes",
        False,
        False,
    )
    staff = demand_viewer_get(demand=demand, user=operator)
    assert (staff.can_edit, staff.can_decline, staff.can_support) == (False, True, True)


def test_trace_lists_every_public_step_in_order(
    owner: Any, rival: Any, operator: Any, kitchen: Any
) -> None:
    demand = demand_make(owner, title="Fridge")
    other = demand_make(rival, title="Other")
    support_add(demand=demand, user=rival, note="Me too")
    fan_add(demand=demand, user=rival)
    fan_add(demand=other, user=owner)
    comment_post(demand=demand, author=operator, body="Nice")
    demand_status_change(demand=demand, to_status="co_design", actor=operator)
    audit_record(
        type="designs.claim.made",
        summary="Rival Ren claimed #1",
        actor=rival,
        demand_uid=demand.uid,
    )
    audit_record(
        type="contention.bid.submitted",
        summary="a sealed bid",
        actor=rival,
        demand_uid=demand.uid,
        is_public=False,
    )
    audit_record(type="robots.arm.waved", summary="A robot waved", demand_uid=demand.uid)

    entries = demand_trace_list(demand=demand)

    assert [(e.type, e.label, e.stage, e.actor_name, e.summary) for e in entries] == [
        (
            "demands.demand.raised",
            "Demand raised",
            "demand",
            "Owner Olivia",
            "Owner Olivia raised #1: Fridge",
        ),
        (
            "demands.demand.supported",
            "Supported",
            "demand",
            "Rival Ren",
            "Rival Ren supported #1: Me too",
        ),
        (
            "demands.demand.fan_added",
            "New fan",
            "demand",
            "Rival Ren",
            "Rival Ren became a fan of #1",
        ),
        (
            "demands.comment.posted",
            "Comment",
            "demand",
            "Operator Ming",
            "Operator Ming commented on #1",
        ),
        (
            "demands.demand.status_changed",
            "Status changed",
            "demand",
            "Operator Ming",
            "#1 moved from Open to Co-design",
        ),
        (
            "designs.claim.made",
            "Co-design: demand claimed",
            "co_design",
            "Rival Ren",
            "Rival Ren claimed #1",
        ),
        ("robots.arm.waved", "Event", "other", "", "A robot waved"),
    ]
    assert entries[0].actor_uid == owner.uid


@pytest.mark.parametrize(
    ("event_type", "label", "stage"),
    [
        ("demands.demand.declined_by_robot", "Demand", "demand"),
        ("designs.proposal.posted", "Co-design: proposal", "co_design"),
        ("designs.claim.extended", "Co-design: claim", "co_design"),
        ("designs.design.selected", "Co-design: design chosen", "co_design"),
        ("designs.round.opened", "Co-design: round opened", "co_design"),
        ("designs.something.new", "Co-design", "co_design"),
        ("orders.order.stage_advanced", "Order moved on", "order"),
        ("orders.order.something_new", "Order", "order"),
        ("contention.bid.submitted", "Sealed bid received", "contention"),
        ("unknown", "Event", "other"),
    ],
)
def test_trace_labels(event_type: str, label: str, stage: str) -> None:
    assert trace_label(event_type) == (label, stage)
