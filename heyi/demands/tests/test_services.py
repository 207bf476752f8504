"""Service tests: raising, editing, fans, supports, comments and the lifecycle of demands."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection

from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.demands import services
from heyi.demands.models import (
    Comment,
    Demand,
    DemandPicture,
    Fan,
    StatusChange,
    Support,
    Tag,
)
from heyi.demands.services import (
    comment_post,
    demand_decline,
    demand_raise,
    demand_status_change,
    demand_update,
    fan_add,
    fan_remove,
    support_add,
    support_withdraw,
)
from heyi.demands.tests.conftest import CALLERS
from heyi.demands.tests.factories import (
    category_make,
    demand_make,
    huge_upload,
    picture_upload,
    text_upload,
)

pytestmark = pytest.mark.django_db


def _stored_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _written() -> dict[str, int]:
    """Row counts of everything a demand service may write."""
    return {
        "demands": Demand.objects.count(),
        "pictures": DemandPicture.objects.count(),
        "tags": Tag.objects.count(),
        "status_changes": StatusChange.objects.count(),
        "fans": Fan.objects.count(),
        "supports": Support.objects.count(),
        "comments": Comment.objects.count(),
        "audit": AuditEvent.objects.filter(type__startswith="demands.").count(),
    }


# --- raising -------------------------------------------------------------------------------


def test_raise_gives_sequential_numbers_and_opens_publicly(owner: Any, kitchen: Any) -> None:
    first = demand_make(owner, title="Fridge with a vegetable drawer")
    second = demand_make(owner, title="Quiet washing machine", selection_mode="vote")

    assert (first.number, second.number) == (1, 2)
    assert second.status == "open"
    assert second.selection_mode == "vote"
    assert second.status_changed_at is not None
    change = StatusChange.objects.get(demand=second)
    assert (change.from_status, change.to_status, change.actor) == ("", "open", owner)
    event = AuditEvent.objects.get(type="demands.demand.raised", demand_uid=second.uid)
    assert event.actor == owner
    assert event.summary == "Owner Olivia raised #2: Quiet washing machine"
    assert event.data == {"number": 2, "category": "kitchen", "tags": []}


def test_raise_normalises_tags_and_fills_the_search_columns(owner: Any, kitchen: Any) -> None:
    demand = demand_make(
        owner,
        title="Fridge With Drawers",
        description="Keeps GREENS crisp.",
        tags=["Quiet", " quiet ", "Kitchen Storage", "#Night", "静音", ""],
    )

    assert sorted(demand.tags.values_list("name", flat=True)) == [
        "kitchen-storage",
        "night",
        "quiet",
        "静音",
    ]
    assert demand.search_tags == "quiet kitchen-storage night 静音"
    assert (
        demand.search_text
        == "fridge with drawers\nkeeps greens crisp.\nquiet kitchen-storage night 静音"
    )
    # A second demand reuses the existing tag rows.
    demand_make(owner, tags=["QUIET"])
    assert Tag.objects.count() == 4


def test_raise_stores_pictures_in_order(owner: Any, kitchen: Any) -> None:
    demand = demand_make(
        owner, pictures=[picture_upload("a.png"), picture_upload("b.jpg", image_format="JPEG")]
    )

    pictures = list(demand.pictures.order_by("position"))
    assert [p.position for p in pictures] == [0, 1]
    assert [Path(p.image.name).suffix for p in pictures] == [".png", ".jpg"]
    assert _stored_files() == sorted(p.image.name for p in pictures)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"title": ""}, "blank"),
        ({"title": "   "}, "blank"),
        ({"title": "x" * 161}, "too_long"),
        ({"description": ""}, "blank"),
        ({"description": "x" * 10001}, "too_long"),
        ({"category": "spaceships"}, "category_unknown"),
        ({"tags": [f"tag{i}" for i in range(11)]}, "too_many_tags"),
        ({"tags": ["x" * 41]}, "tag_invalid"),
        ({"tags": ["!!!"]}, "tag_invalid"),
        ({"selection_mode": "lottery"}, "selection_mode_unknown"),
    ],
)
def test_raise_refuses_bad_input_and_writes_nothing(
    owner: Any, kitchen: Any, changes: dict[str, Any], code: str
) -> None:
    fields: dict[str, Any] = {
        "author": owner,
        "title": "Fridge",
        "description": "Keeps greens crisp.",
        "category": "kitchen",
        "tags": ["fridge"],
        **changes,
    }
    before = _written()

    with pytest.raises(DomainError) as raised:
        demand_raise(**fields)

    assert raised.value.code == code
    assert raised.value.status == 422
    assert _written() == before


def test_raise_allows_ten_tags(owner: Any, kitchen: Any) -> None:
    demand = demand_make(owner, tags=[f"tag{i}" for i in range(10)])
    assert demand.tags.count() == 10


def test_raise_by_anonymous_is_refused(kitchen: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(DomainError) as raised:
        demand_raise(
            author=AnonymousUser(), title="Fridge", description="Crisp.", category="kitchen"
        )
    assert raised.value.code == "not_authenticated"
    assert Demand.objects.count() == 0


@pytest.mark.parametrize(
    ("bad", "code"),
    [(text_upload, "picture_invalid"), (huge_upload, "picture_too_large")],
)
def test_a_bad_third_picture_writes_no_demand(
    owner: Any, kitchen: Any, bad: Any, code: str
) -> None:
    before = _written()

    with pytest.raises(DomainError) as raised:
        demand_make(owner, pictures=[picture_upload("1.png"), picture_upload("2.png"), bad()])

    assert raised.value.code == code
    assert _written() == before
    assert _stored_files() == []


def test_nine_pictures_are_too_many(owner: Any, kitchen: Any) -> None:
    with pytest.raises(DomainError) as raised:
        demand_make(owner, pictures=[picture_upload(f"{i}.png") for i in range(9)])
    assert raised.value.code == "too_many_pictures"
    assert Demand.objects.count() == 0
    assert _stored_files() == []


def test_number_allocation_retries_when_the_number_was_just_taken(
    owner: Any, kitchen: Any, monkeypatch: Any
) -> None:
    demand_make(owner)
    real_next = services._demand_number_next
    offered: list[int] = []

    def stale_then_real() -> int:
        # The first read is what a concurrent raiser would see before the other one commits.
        number = 1 if not offered else real_next()
        offered.append(number)
        return number

    monkeypatch.setattr(services, "_demand_number_next", stale_then_real)
    demand = demand_make(owner, title="Second")

    assert offered == [1, 2]
    assert demand.number == 2
    assert sorted(Demand.objects.values_list("number", flat=True)) == [1, 2]
    assert StatusChange.objects.filter(demand=demand).count() == 1


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_raises_get_distinct_numbers(owner: Any, kitchen: Any) -> None:
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def raise_three(worker: int) -> None:
        try:
            start.wait()
            for index in range(3):
                demand_make(owner, title=f"Worker {worker} demand {index}")
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    workers = [threading.Thread(target=raise_three, args=(i,)) for i in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert sorted(Demand.objects.values_list("number", flat=True)) == list(range(1, 13))
    assert StatusChange.objects.count() == 12


# --- editing -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", CALLERS)
def test_only_the_author_edits(owner: Any, kitchen: Any, caller_of: Any, who: str) -> None:
    demand = demand_make(owner, title="Fridge", tags=["cold"])
    before = _written()

    if who == "author":
        updated = demand_update(demand=demand, actor=caller_of(who), title="Better fridge")
        assert updated.title == "Better fridge"
        assert _written() == {**before, "audit": before["audit"] + 1}
        return
    with pytest.raises(DomainError) as raised:
        demand_update(demand=demand, actor=caller_of(who), title="Hijacked", tags=["spam"])
    assert raised.value.status == 403
    assert raised.value.code == ("not_authenticated" if who == "anonymous" else "not_author")
    assert _written() == before
    demand.refresh_from_db()
    assert demand.title == "Fridge"
    assert list(demand.tags.values_list("name", flat=True)) == ["cold"]


def test_edit_changes_fields_tags_and_pictures(owner: Any, kitchen: Any) -> None:
    category_make(slug="laundry", name="Laundry")
    demand = demand_make(
        owner, tags=["cold"], pictures=[picture_upload("a.png"), picture_upload("b.png")]
    )
    first, second = demand.pictures.order_by("position")

    updated = demand_update(
        demand=demand,
        actor=owner,
        description="Now with a freezer too.",
        category="laundry",
        tags=["Cold", "Freezer"],
        pictures_remove=[first.uid],
        pictures_add=[picture_upload("c.png")],
    )

    assert updated.description == "Now with a freezer too."
    assert updated.category.slug == "laundry"
    assert sorted(updated.tags.values_list("name", flat=True)) == ["cold", "freezer"]
    assert updated.search_tags == "cold freezer"
    pictures = list(updated.pictures.order_by("position"))
    assert pictures[0].uid == second.uid
    assert [p.position for p in pictures] == [1, 2]
    event = AuditEvent.objects.get(type="demands.demand.updated")
    assert event.data == {
        "fields": ["description", "category", "tags", "pictures_removed", "pictures_added"]
    }
    assert event.demand_uid == demand.uid


def test_edit_without_changes_records_nothing(owner: Any, kitchen: Any) -> None:
    demand = demand_make(owner, title="Fridge", tags=["cold"])
    before = _written()
    demand_update(demand=demand, actor=owner, title=" Fridge ", tags=["COLD"])
    assert _written() == before


def test_edit_refuses_a_picture_of_another_demand(owner: Any, kitchen: Any) -> None:
    demand = demand_make(owner)
    other = demand_make(owner, pictures=[picture_upload()])
    with pytest.raises(DomainError) as raised:
        demand_update(
            demand=demand, actor=owner, pictures_remove=[other.pictures.get().uid], title="New"
        )
    assert raised.value.code == "picture_not_found"
    assert other.pictures.count() == 1
    assert Demand.objects.get(pk=demand.pk).title == demand.title


def test_edit_keeps_the_picture_limit_and_writes_nothing_on_a_bad_picture(
    owner: Any, kitchen: Any
) -> None:
    demand = demand_make(owner, pictures=[picture_upload(f"{i}.png") for i in range(7)])
    files = _stored_files()
    with pytest.raises(DomainError) as raised:
        demand_update(demand=demand, actor=owner, pictures_add=[picture_upload(), picture_upload()])
    assert raised.value.code == "too_many_pictures"
    with pytest.raises(DomainError) as raised:
        demand_update(demand=demand, actor=owner, title="New", pictures_add=[text_upload()])
    assert raised.value.code == "picture_invalid"
    assert demand.pictures.count() == 7
    assert _stored_files() == files
    assert Demand.objects.get(pk=demand.pk).title == demand.title


@pytest.mark.parametrize(
    ("status", "editable"),
    [("co_design", True), ("pre_order", False), ("declined", False)],
)
def test_edit_only_while_open_or_in_co_design(
    owner: Any, operator: Any, kitchen: Any, status: str, editable: bool
) -> None:
    demand = demand_make(owner, title="Fridge")
    path = {
        "co_design": ["co_design"],
        "pre_order": ["co_design", "pre_order"],
        "declined": ["declined"],
    }[status]
    for step in path:
        demand_status_change(demand=demand, to_status=step, actor=operator, reason="why not")
    if editable:
        assert demand_update(demand=demand, actor=owner, title="Fridge 2").title == "Fridge 2"
        return
    with pytest.raises(DomainError) as raised:
        demand_update(demand=demand, actor=owner, title="Fridge 2")
    assert raised.value.code == "demand_not_editable"
    assert raised.value.status == 409
    assert Demand.objects.get(pk=demand.pk).title == "Fridge"


# --- fans and supports ---------------------------------------------------------------------


def test_fan_once_per_person_with_counter_and_trace(owner: Any, rival: Any, kitchen: Any) -> None:
    demand = demand_make(owner)

    fan_add(demand=demand, user=rival)
    assert demand.fan_count == 1
    before = _written()
    # A second follow is a clear error (409 already_fan), not a silent success: nothing changes.
    with pytest.raises(DomainError) as raised:
        fan_add(demand=demand, user=rival)
    assert (raised.value.code, raised.value.status) == ("already_fan", 409)
    assert _written() == before
    assert Demand.objects.get(pk=demand.pk).fan_count == 1

    fan_add(demand=demand, user=owner)
    fan_remove(demand=demand, user=rival)
    assert Demand.objects.get(pk=demand.pk).fan_count == 1
    with pytest.raises(DomainError) as raised:
        fan_remove(demand=demand, user=rival)
    assert raised.value.code == "not_fan"
    assert list(
        AuditEvent.objects.filter(type__startswith="demands.demand.fan").values_list(
            "type", "actor__email"
        )
    ) == [
        ("demands.demand.fan_added", "rival@example.com"),
        ("demands.demand.fan_added", "owner@example.com"),
        ("demands.demand.fan_removed", "rival@example.com"),
    ]


def test_support_with_note_once_and_withdraw(owner: Any, rival: Any, kitchen: Any) -> None:
    demand = demand_make(owner)

    support = support_add(demand=demand, user=rival, note="  My fridge rots salad too. ")
    assert support.note == "My fridge rots salad too."
    assert demand.support_count == 1
    event = AuditEvent.objects.get(type="demands.demand.supported")
    assert event.summary == "Rival Ren supported #1: My fridge rots salad too."
    assert event.demand_uid == demand.uid

    with pytest.raises(DomainError) as raised:
        support_add(demand=demand, user=rival)
    assert raised.value.code == "already_supporter"

    support_withdraw(demand=demand, user=rival)
    assert Demand.objects.get(pk=demand.pk).support_count == 0
    assert AuditEvent.objects.filter(type="demands.demand.support_withdrawn").count() == 1
    with pytest.raises(DomainError) as raised:
        support_withdraw(demand=demand, user=rival)
    assert raised.value.code == "not_supporter"


def test_support_refused_to_the_author_and_on_a_declined_demand(
    owner: Any, rival: Any, kitchen: Any
) -> None:
    demand = demand_make(owner)
    with pytest.raises(DomainError) as raised:
        support_add(demand=demand, user=owner)
    assert raised.value.code == "own_demand"
    with pytest.raises(DomainError) as raised:
        support_add(demand=demand, user=rival, note="x" * 501)
    assert raised.value.code == "too_long"
    demand_decline(demand=demand, actor=owner, reason="A shop sells this already.")
    with pytest.raises(DomainError) as raised:
        support_add(demand=demand, user=rival)
    assert raised.value.code == "demand_not_active"
    assert Support.objects.count() == 0
    assert Demand.objects.get(pk=demand.pk).support_count == 0


# --- comments ------------------------------------------------------------------------------


def test_comments_and_replies(owner: Any, rival: Any, kitchen: Any) -> None:
    demand = demand_make(owner)

    question = comment_post(demand=demand, author=rival, body=" How big is the drawer? ")
    answer = comment_post(
        demand=demand, author=owner, body="Forty litres.", parent_uid=question.uid
    )

    assert question.body == "How big is the drawer?"
    assert answer.parent == question
    assert Demand.objects.get(pk=demand.pk).comment_count == 2
    assert list(
        AuditEvent.objects.filter(type="demands.comment.posted").values_list("summary", flat=True)
    ) == ["Rival Ren commented on #1", "Owner Olivia replied on #1"]


def test_a_reply_to_another_demands_comment_is_refused(
    owner: Any, rival: Any, kitchen: Any
) -> None:
    demand = demand_make(owner)
    other = demand_make(owner, title="Other")
    elsewhere = comment_post(demand=other, author=rival, body="Elsewhere")
    before = _written()

    with pytest.raises(DomainError) as raised:
        comment_post(demand=demand, author=rival, body="Reply", parent_uid=elsewhere.uid)
    assert (raised.value.code, raised.value.status) == ("comment_other_demand", 422)
    with pytest.raises(DomainError) as raised:
        comment_post(demand=demand, author=rival, body="Reply", parent_uid=uuid.uuid4())
    assert (raised.value.code, raised.value.status) == ("comment_not_found", 404)
    assert _written() == before
    assert Demand.objects.get(pk=demand.pk).comment_count == 0


@pytest.mark.parametrize(
    ("body", "code"), [("", "blank"), ("  \n", "blank"), ("x" * 5001, "too_long")]
)
def test_comment_body_length(owner: Any, kitchen: Any, body: str, code: str) -> None:
    demand = demand_make(owner)
    with pytest.raises(DomainError) as raised:
        comment_post(demand=demand, author=owner, body=body)
    assert raised.value.code == code
    assert Comment.objects.count() == 0


def test_comment_of_exactly_5000_characters(owner: Any, kitchen: Any) -> None:
    demand = demand_make(owner)
    assert len(comment_post(demand=demand, author=owner, body="x" * 5000).body) == 5000


# --- lifecycle -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", CALLERS)
def test_decline_by_author_or_operator_only(
    owner: Any, kitchen: Any, caller_of: Any, who: str
) -> None:
    demand = demand_make(owner)
    before = _written()
    actor = caller_of(who)

    if who in ("author", "operator"):
        declined = demand_decline(demand=demand, actor=actor, reason=" Already sold by shops. ")
        assert declined.status == "declined"
        assert declined.status_reason == "Already sold by shops."
        change = StatusChange.objects.filter(demand=demand).last()
        assert change is not None
        assert (change.from_status, change.to_status, change.reason, change.actor) == (
            "open",
            "declined",
            "Already sold by shops.",
            actor,
        )
        assert _written() == {
            **before,
            "status_changes": before["status_changes"] + 1,
            "audit": before["audit"] + 1,
        }
        return
    with pytest.raises(DomainError) as raised:
        demand_decline(demand=demand, actor=actor, reason="I do not like it.")
    assert raised.value.status == 403
    assert raised.value.code == (
        "not_authenticated" if who == "anonymous" else "not_author_or_operator"
    )
    assert _written() == before
    assert Demand.objects.get(pk=demand.pk).status == "open"


@pytest.mark.parametrize(("reason", "code"), [("", "reason_required"), ("x" * 2001, "too_long")])
def test_decline_needs_a_reasonable_reason(
    owner: Any, kitchen: Any, reason: str, code: str
) -> None:
    demand = demand_make(owner)
    before = _written()
    with pytest.raises(DomainError) as raised:
        demand_decline(demand=demand, actor=owner, reason=reason)
    assert raised.value.code == code
    assert _written() == before


def test_status_moves_follow_the_lifecycle(owner: Any, operator: Any, kitchen: Any) -> None:
    demand = demand_make(owner)

    moved = demand_status_change(demand=demand, to_status="co_design", actor=operator)
    assert moved.status == "co_design"
    with pytest.raises(DomainError) as raised:
        demand_status_change(demand=demand, to_status="delivered", actor=operator)
    assert raised.value.code == "transition_not_allowed"
    with pytest.raises(DomainError) as raised:
        demand_status_change(demand=demand, to_status="teleported", actor=operator)
    assert raised.value.code == "status_unknown"
    demand_decline(demand=demand, actor=owner, reason="No designer came.")
    with pytest.raises(DomainError) as raised:
        demand_decline(demand=demand, actor=owner, reason="Again.")
    assert raised.value.code == "transition_not_allowed"
    assert list(
        StatusChange.objects.filter(demand=demand).values_list("from_status", "to_status")
    ) == [("", "open"), ("open", "co_design"), ("co_design", "declined")]
