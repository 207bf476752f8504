"""API tests for /api/v1/demands…, /api/v1/categories and /api/v1/tags."""

from __future__ import annotations

from typing import Any

import pytest

from heyi.core.audit import audit_record
from heyi.core.models import AuditEvent
from heyi.demands.models import Comment, Demand, DemandPicture, Fan, StatusChange, Support
from heyi.demands.services import comment_post, demand_status_change, fan_add, support_add
from heyi.demands.tests.conftest import CALLERS
from heyi.demands.tests.factories import (
    category_make,
    demand_make,
    huge_upload,
    picture_upload,
    text_upload,
)

pytestmark = pytest.mark.django_db

NEW_DEMAND = {
    "title": "Fridge with a vegetable drawer",
    "description": "Greens wilt after three days.",
    "category": "kitchen",
    "tags": ["Cold", "kitchen storage"],
    "selection_mode": "vote",
}


def _client_for(api_as: Any, caller_of: Any, who: str) -> Any:
    return api_as(None if who == "anonymous" else caller_of(who))


def _written() -> dict[str, int]:
    return {
        "demands": Demand.objects.count(),
        "pictures": DemandPicture.objects.count(),
        "status_changes": StatusChange.objects.count(),
        "fans": Fan.objects.count(),
        "supports": Support.objects.count(),
        "comments": Comment.objects.count(),
        "audit": AuditEvent.objects.filter(type__startswith="demands.").count(),
    }


# --- list ----------------------------------------------------------------------------------


def _populate(owner: Any, rival: Any, count: int, start: int) -> None:
    for index in range(start, start + count):
        demand = demand_make(
            owner,
            title=f"Fridge number {index}",
            tags=[f"tag{index}", "cold"],
            pictures=[picture_upload(f"{index}.png")],
        )
        support_add(demand=demand, user=rival)


def test_list_is_public_and_costs_the_same_for_more_rows(
    api_as: Any, owner: Any, rival: Any, kitchen: Any, django_assert_num_queries: Any
) -> None:
    client = api_as(None)
    _populate(owner, rival, 3, 0)
    # count, page, tags, pictures
    with django_assert_num_queries(4):
        response = client.get("demands")
    assert response.status_code == 200
    assert response.json()["count"] == 3
    _populate(owner, rival, 5, 3)
    with django_assert_num_queries(4):
        response = client.get("demands", {"search": "fridge", "sort": "relevance"})
    assert response.json()["count"] == 8
    assert len(response.json()["items"]) == 8


def test_list_shape_filters_and_paging(api_as: Any, owner: Any, kitchen: Any) -> None:
    category_make(slug="laundry", name="Laundry")
    fridge = demand_make(owner, title="Fridge", tags=["cold", "Big"], pictures=[picture_upload()])
    demand_make(owner, title="Washer", category="laundry")
    demand_make(owner, title="Dryer", category="laundry")
    client = api_as(None)

    body = client.get("demands", {"category": "kitchen"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert {k: v for k, v in item.items() if k not in ("uid", "created_at", "cover_url")} == {
        "number": fridge.number,
        "title": "Fridge",
        "status": "open",
        "status_label": "Open",
        "category": {"slug": "kitchen", "name": "Kitchen"},
        "author": {"uid": str(owner.uid), "name": "Owner Olivia"},
        "tags": ["big", "cold"],
        "fan_count": 0,
        "support_count": 0,
        "comment_count": 0,
        "selection_mode": "author",
    }
    assert item["cover_url"] == fridge.pictures.get().image.url
    page = client.get("demands", {"limit": 1, "offset": 1}).json()
    assert (page["count"], [i["title"] for i in page["items"]]) == (3, ["Washer"])
    assert [i["title"] for i in client.get("demands", {"search": "wash"}).json()["items"]] == [
        "Washer"
    ]
    assert client.get("demands", {"tag": "cold"}).json()["count"] == 1
    assert client.get("demands", {"status": "declined"}).json()["count"] == 0


@pytest.mark.parametrize(
    "params",
    [{"sort": "loudest"}, {"status": "lost"}, {"limit": 0}, {"limit": 101}, {"offset": -1}],
)
def test_list_bad_parameters(api_as: Any, db: Any, params: dict[str, Any]) -> None:
    response = api_as(None).get("demands", params)
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


# --- create --------------------------------------------------------------------------------


def test_create(api_as: Any, owner: Any, kitchen: Any) -> None:
    response = api_as(owner).post("demands", NEW_DEMAND)

    assert response.status_code == 201
    body = response.json()
    assert body["number"] == 1
    assert body["tags"] == ["cold", "kitchen-storage"]
    assert body["selection_mode"] == "vote"
    assert body["status"] == "open"
    assert body["pictures"] == []
    assert body["viewer"] == {
        "is_fan": False,
        "is_supporter": False,
        "can_edit": True,
        "can_decline": True,
        "can_support": False,
    }
    assert Demand.objects.get().author == owner


def test_create_needs_a_signed_in_caller(api_as: Any, kitchen: Any) -> None:
    response = api_as(None).post("demands", NEW_DEMAND)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert Demand.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"title": ""}, 422, "blank"),
        ({"title": "x" * 161}, 422, "invalid"),
        ({"description": "x" * 10001}, 422, "invalid"),
        ({"category": "spaceships"}, 422, "category_unknown"),
        ({"tags": [f"t{i}" for i in range(11)]}, 422, "too_many_tags"),
        ({"selection_mode": "lottery"}, 422, "invalid"),
    ],
)
def test_create_bad_input(
    api_as: Any, owner: Any, kitchen: Any, changes: dict[str, Any], status: int, code: str
) -> None:
    before = _written()
    response = api_as(owner).post("demands", {**NEW_DEMAND, **changes})
    assert response.status_code == status
    assert response.json()["code"] == code
    assert _written() == before


def test_create_malformed_json(api_as: Any, owner: Any, kitchen: Any) -> None:
    response = api_as(owner).post("demands", '{"title": "Fridge",')
    assert response.status_code in (400, 422)
    assert response.json()["code"] == "invalid"
    assert Demand.objects.count() == 0


def test_create_is_idempotent_with_a_key(api_as: Any, owner: Any, kitchen: Any) -> None:
    client = api_as(owner)
    first = client.post("demands", NEW_DEMAND, **{"Idempotency-Key": "raise-1"})
    second = client.post("demands", NEW_DEMAND, **{"Idempotency-Key": "raise-1"})
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Demand.objects.count() == 1


# --- read, edit, pictures ------------------------------------------------------------------


def test_unknown_number(api_as: Any, db: Any) -> None:
    for path in ("demands/999", "demands/999/trace", "demands/999/comments"):
        response = api_as(None).get(path)
        assert response.status_code == 404
        assert response.json() == {"code": "demand_not_found", "detail": "No demand #999."}


def test_detail(api_as: Any, owner: Any, rival: Any, kitchen: Any) -> None:
    demand = demand_make(owner, pictures=[picture_upload()])
    fan_add(demand=demand, user=rival)
    body = api_as(rival).get(f"demands/{demand.number}").json()
    assert body["description"] == demand.description
    assert body["fan_count"] == 1
    assert body["viewer"]["is_fan"] is True
    assert [p["url"] for p in body["pictures"]] == [demand.pictures.get().image.url]
    assert api_as(None).get(f"demands/{demand.number}").json()["viewer"] is None


@pytest.mark.parametrize("who", CALLERS)
def test_patch_permissions(api_as: Any, caller_of: Any, owner: Any, kitchen: Any, who: str) -> None:
    demand = demand_make(owner, title="Fridge")
    before = _written()

    response = _client_for(api_as, caller_of, who).patch(
        f"demands/{demand.number}", {"title": "Changed", "tags": ["new"]}
    )

    if who == "author":
        assert response.status_code == 200
        assert (response.json()["title"], response.json()["tags"]) == ("Changed", ["new"])
        return
    expected = {"anonymous": (401, "not_authenticated"), "rival": (403, "not_author")}
    assert (response.status_code, response.json()["code"]) == expected.get(who, (403, "not_author"))
    assert _written() == before
    assert Demand.objects.get().title == "Fridge"


def test_patch_leaves_out_fields_alone(api_as: Any, owner: Any, kitchen: Any) -> None:
    demand = demand_make(owner, title="Fridge", tags=["cold"])
    response = api_as(owner).patch(f"demands/{demand.number}", {"description": "Bigger."})
    assert response.status_code == 200
    assert (response.json()["title"], response.json()["tags"]) == ("Fridge", ["cold"])
    assert response.json()["description"] == "Bigger."


def test_pictures_upload(api_as: Any, owner: Any, kitchen: Any) -> None:
    demand = demand_make(owner)
    client = api_as(owner)
    response = client.client.post(
        f"/api/v1/demands/{demand.number}/pictures",
        {"pictures": [picture_upload("a.png"), picture_upload("b.gif", image_format="GIF")]},
        headers=client.headers,
    )
    assert response.status_code == 201
    assert len(response.json()["pictures"]) == 2
    first = response.json()["pictures"][0]["uid"]
    response = client.patch(f"demands/{demand.number}", {"remove_pictures": [first]})
    assert [p["position"] for p in response.json()["pictures"]] == [1]


@pytest.mark.parametrize(
    ("upload", "code"), [(huge_upload, "picture_too_large"), (text_upload, "picture_invalid")]
)
def test_pictures_upload_refuses_bad_files(
    api_as: Any, owner: Any, kitchen: Any, upload: Any, code: str
) -> None:
    demand = demand_make(owner)
    client = api_as(owner)
    before = _written()
    response = client.client.post(
        f"/api/v1/demands/{demand.number}/pictures",
        {"pictures": [picture_upload(), upload()]},
        headers=client.headers,
    )
    assert response.status_code == 422
    assert response.json()["code"] == code
    assert _written() == before


def test_pictures_upload_by_a_rival(api_as: Any, owner: Any, rival: Any, kitchen: Any) -> None:
    demand = demand_make(owner)
    client = api_as(rival)
    response = client.client.post(
        f"/api/v1/demands/{demand.number}/pictures",
        {"pictures": [picture_upload()]},
        headers=client.headers,
    )
    assert (response.status_code, response.json()["code"]) == (403, "not_author")
    assert DemandPicture.objects.count() == 0


# --- fans, supports, comments --------------------------------------------------------------


def test_fan_and_support(api_as: Any, owner: Any, rival: Any, kitchen: Any) -> None:
    demand = demand_make(owner)
    client = api_as(rival)

    response = client.post(f"demands/{demand.number}/fan")
    assert response.status_code == 201
    assert response.json() == {
        "number": 1,
        "fan_count": 1,
        "support_count": 0,
        "comment_count": 0,
        "is_fan": True,
        "is_supporter": False,
    }
    again = client.post(f"demands/{demand.number}/fan")
    assert (again.status_code, again.json()["code"]) == (409, "already_fan")
    supported = client.post(f"demands/{demand.number}/support", {"note": "Please"})
    assert supported.status_code == 201
    assert (supported.json()["support_count"], supported.json()["is_supporter"]) == (1, True)
    assert Support.objects.get().note == "Please"
    assert client.delete(f"demands/{demand.number}/support").json()["support_count"] == 0
    removed = client.delete(f"demands/{demand.number}/fan")
    assert (removed.status_code, removed.json()["fan_count"], removed.json()["is_fan"]) == (
        200,
        0,
        False,
    )
    missing = client.delete(f"demands/{demand.number}/fan")
    assert (missing.status_code, missing.json()["code"]) == (409, "not_fan")


def test_support_without_a_body(api_as: Any, owner: Any, rival: Any, kitchen: Any) -> None:
    demand = demand_make(owner)
    client = api_as(rival)
    response = client.client.post(
        f"/api/v1/demands/{demand.number}/support",
        data=b"",
        content_type="application/json",
        headers=client.headers,
    )
    assert response.status_code == 201
    assert Support.objects.get().note == ""
    own = api_as(owner).post(f"demands/{demand.number}/support")
    assert (own.status_code, own.json()["code"]) == (409, "own_demand")


def test_fan_needs_a_signed_in_caller(api_as: Any, owner: Any, kitchen: Any) -> None:
    demand = demand_make(owner)
    response = api_as(None).post(f"demands/{demand.number}/fan")
    assert response.status_code == 401
    assert Fan.objects.count() == 0


def test_comments(api_as: Any, owner: Any, rival: Any, kitchen: Any) -> None:
    demand = demand_make(owner)
    other = demand_make(owner, title="Other")
    elsewhere = comment_post(demand=other, author=owner, body="Elsewhere")
    client = api_as(rival)

    posted = client.post(f"demands/{demand.number}/comments", {"body": "How big?"})
    assert posted.status_code == 201
    assert posted.json()["parent"] is None
    reply = api_as(owner).post(
        f"demands/{demand.number}/comments", {"body": "Big.", "parent": posted.json()["uid"]}
    )
    assert reply.json()["parent"] == posted.json()["uid"]
    wrong = client.post(
        f"demands/{demand.number}/comments", {"body": "Hm", "parent": str(elsewhere.uid)}
    )
    assert (wrong.status_code, wrong.json()["code"]) == (422, "comment_other_demand")
    empty = client.post(f"demands/{demand.number}/comments", {"body": " "})
    assert (empty.status_code, empty.json()["code"]) == (422, "blank")

    listed = api_as(None).get(f"demands/{demand.number}/comments").json()
    assert listed["count"] == 2
    assert [(c["body"], c["author"]["name"]) for c in listed["items"]] == [
        ("How big?", "Rival Ren"),
        ("Big.", "Owner Olivia"),
    ]


def test_comment_list_costs_the_same_for_more_rows(
    api_as: Any, owner: Any, rival: Any, kitchen: Any, django_assert_num_queries: Any
) -> None:
    demand = demand_make(owner)
    root = comment_post(demand=demand, author=rival, body="Root")
    comment_post(demand=demand, author=owner, body="Reply", parent_uid=root.uid)
    client = api_as(None)
    # demand, count, page
    with django_assert_num_queries(3):
        client.get(f"demands/{demand.number}/comments")
    for index in range(5):
        comment_post(demand=demand, author=rival, body=f"More {index}", parent_uid=root.uid)
    with django_assert_num_queries(3):
        assert client.get(f"demands/{demand.number}/comments").json()["count"] == 7


# --- decline, history, trace ---------------------------------------------------------------


@pytest.mark.parametrize("who", CALLERS)
def test_decline_permissions(
    api_as: Any, caller_of: Any, owner: Any, kitchen: Any, who: str
) -> None:
    demand = demand_make(owner)
    before = _written()

    response = _client_for(api_as, caller_of, who).post(
        f"demands/{demand.number}/decline", {"reason": "Shops sell it."}
    )

    if who in ("author", "operator"):
        assert response.status_code == 200
        assert (response.json()["status"], response.json()["status_reason"]) == (
            "declined",
            "Shops sell it.",
        )
        return
    expected = {"anonymous": (401, "not_authenticated"), "rival": (403, "not_author_or_operator")}
    assert (response.status_code, response.json()["code"]) == expected[who]
    assert _written() == before
    assert Demand.objects.get().status == "open"


def test_decline_without_reason(api_as: Any, owner: Any, kitchen: Any) -> None:
    demand = demand_make(owner)
    response = api_as(owner).post(f"demands/{demand.number}/decline", {"reason": "  "})
    assert (response.status_code, response.json()["code"]) == (422, "reason_required")
    assert Demand.objects.get().status == "open"


def test_status_history(api_as: Any, owner: Any, operator: Any, kitchen: Any) -> None:
    demand = demand_make(owner)
    demand_status_change(demand=demand, to_status="co_design", actor=operator)
    api_as(operator).post(f"demands/{demand.number}/decline", {"reason": "Nobody designs it."})

    history = api_as(None).get(f"demands/{demand.number}/status-history").json()

    assert [
        (h["from_status"], h["to_status"], h["reason"], h["actor"]["name"]) for h in history
    ] == [
        ("", "open", "", "Owner Olivia"),
        ("open", "co_design", "", "Operator Ming"),
        ("co_design", "declined", "Nobody designs it.", "Operator Ming"),
    ]


def test_trace(api_as: Any, owner: Any, rival: Any, kitchen: Any) -> None:
    demand = demand_make(owner, title="Fridge")
    api_as(rival).post(f"demands/{demand.number}/support", {"note": ""})
    audit_record(
        type="designs.proposal.posted",
        summary="Rival Ren posted a proposal",
        actor=rival,
        demand_uid=demand.uid,
    )

    trace = api_as(None).get(f"demands/{demand.number}/trace").json()

    assert [(t["type"], t["label"], t["actor"]["name"], t["summary"]) for t in trace] == [
        (
            "demands.demand.raised",
            "Demand raised",
            "Owner Olivia",
            "Owner Olivia raised #1: Fridge",
        ),
        ("demands.demand.supported", "Supported", "Rival Ren", "Rival Ren supported #1"),
        (
            "designs.proposal.posted",
            "Co-design: proposal",
            "Rival Ren",
            "Rival Ren posted a proposal",
        ),
    ]
    assert trace[0]["subject_uid"] == str(demand.uid)
    assert trace[0]["subject_type"] == "demands.demand"


# --- categories and tags -------------------------------------------------------------------


def test_categories_and_tags(api_as: Any, owner: Any, kitchen: Any) -> None:
    category_make(slug="laundry", name="Laundry", position=1)
    demand_make(owner, tags=["cold", "quiet"])
    demand_make(owner, tags=["quiet"])
    client = api_as(None)
    assert client.get("categories").json() == [
        {"slug": "kitchen", "name": "Kitchen"},
        {"slug": "laundry", "name": "Laundry"},
    ]
    assert client.get("tags").json() == [
        {"name": "quiet", "demand_count": 2},
        {"name": "cold", "demand_count": 1},
    ]
    assert client.get("tags", {"search": "co"}).json() == [{"name": "cold", "demand_count": 1}]
