"""Co-design API: claims, rounds, proposals with versions and pictures, votes, comments, selection."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from heyi.core.models import AuditEvent
from heyi.designs.models import (
    Claim,
    Proposal,
    ProposalComment,
    ProposalVersion,
    Round,
    Selection,
    VersionPicture,
    Vote,
)
from heyi.designs.tests.factories import (
    claimed_demand,
    demand_make,
    fan_make,
    picture_upload,
    proposal_make,
    text_upload,
    venture_make,
)

pytestmark = pytest.mark.django_db

PROPOSAL = {
    "title": "Two-drawer fresh keeper",
    "description": "Two humidity-controlled drawers under the main shelf.",
    "base_price": "3999.00",
    "modules": [
        {"name": "Humidity drawer", "quantity": 2, "description": "sealed, 12 L"},
        {"name": "Inverter compressor"},
    ],
    "options": [
        {"group": "Colour", "value": "Graphite", "price_delta": "0", "is_default": True},
        {"group": "Colour", "value": "Red", "price_delta": "120"},
        {"group": "Capacity", "value": "350 L", "price_delta": "-300.50"},
    ],
}


def rows() -> tuple[int, ...]:
    return (
        Claim.objects.count(),
        Round.objects.count(),
        Proposal.objects.count(),
        ProposalVersion.objects.count(),
        VersionPicture.objects.count(),
        Vote.objects.count(),
        ProposalComment.objects.count(),
        Selection.objects.count(),
        AuditEvent.objects.count(),
    )


def test_claim_and_withdraw(api_as: Any, owner: Any, designer: Any) -> None:
    demand = demand_make(owner)
    client = api_as(designer)
    response = client.post(f"demands/{demand.number}/claims", {"note": "Fridges are my thing."})
    assert response.status_code == 201
    body = response.json()
    assert body["demand_number"] == demand.number
    assert body["claimant"] == {"uid": str(designer.uid), "name": "Designer Dai"}
    assert (body["venture"], body["note"], body["status"]) == (
        None,
        "Fridges are my thing.",
        "active",
    )
    listed = api_as(None).get(f"demands/{demand.number}/claims").json()
    assert [c["uid"] for c in listed] == [body["uid"]]
    rounds = api_as(None).get(f"demands/{demand.number}/rounds").json()
    assert [(r["number"], r["status"], r["proposals"]) for r in rounds] == [(1, "open", [])]
    again = client.post(f"demands/{demand.number}/claims", {})
    assert (again.status_code, again.json()["code"]) == (409, "already_claimed")
    withdrawn = client.delete(f"claims/{body['uid']}")
    assert (withdrawn.status_code, withdrawn.json()["status"]) == (200, "withdrawn")


def test_claim_for_a_venture(api_as: Any, owner: Any, designer: Any, rival: Any) -> None:
    venture = venture_make(designer)
    demand = demand_make(owner)
    refused = api_as(rival).post(f"demands/{demand.number}/claims", {"venture": venture.slug})
    assert (refused.status_code, refused.json()["code"]) == (403, "not_venture_member")
    response = api_as(designer).post(f"demands/{demand.number}/claims", {"venture": venture.slug})
    assert response.status_code == 201
    assert response.json()["venture"] == {"slug": venture.slug, "name": "Crisp Studio"}
    unknown = api_as(designer).post(f"demands/{demand.number}/claims", {"venture": "nobody"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "venture_not_found")


def test_claims_need_authentication_and_a_demand(api_as: Any, owner: Any) -> None:
    demand = demand_make(owner)
    response = api_as(None).post(f"demands/{demand.number}/claims", {})
    assert (response.status_code, response.json()["code"]) == (401, "not_authenticated")
    missing = api_as(owner).post("demands/999999/claims", {})
    assert (missing.status_code, missing.json()["code"]) == (404, "demand_not_found")
    assert Claim.objects.count() == 0


def test_withdraw_someone_elses_claim_is_refused(
    api_as: Any, owner: Any, designer: Any, rival: Any
) -> None:
    claimed_demand(owner, designer)
    claim = Claim.objects.get()
    response = api_as(rival).delete(f"claims/{claim.uid}")
    assert (response.status_code, response.json()["code"]) == (403, "not_claimant")
    unknown = api_as(rival).delete(f"claims/{uuid.uuid4()}")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "claim_not_found")


def test_rounds_open_and_close(api_as: Any, owner: Any, designer: Any, rival: Any) -> None:
    demand = claimed_demand(owner, designer)
    opened = api_as(owner).post(f"demands/{demand.number}/rounds")
    assert opened.status_code == 201
    assert (opened.json()["number"], opened.json()["status"]) == (2, "open")
    refused = api_as(rival).post(f"rounds/{opened.json()['uid']}/close")
    assert (refused.status_code, refused.json()["code"]) == (403, "not_demand_author")
    closed = api_as(owner).post(f"rounds/{opened.json()['uid']}/close")
    assert (closed.status_code, closed.json()["status"]) == (200, "closed")
    assert closed.json()["closed_at"] is not None
    rounds = api_as(None).get(f"demands/{demand.number}/rounds").json()
    assert [(r["number"], r["status"]) for r in rounds] == [(1, "closed"), (2, "closed")]
    again = api_as(owner).post(f"rounds/{opened.json()['uid']}/close")
    assert (again.status_code, again.json()["code"]) == (409, "round_not_open")


def test_post_a_proposal_and_read_it(api_as: Any, owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    response = api_as(designer).post(f"demands/{demand.number}/proposals", PROPOSAL)
    assert response.status_code == 201
    body = response.json()
    assert body["title"] == "Two-drawer fresh keeper"
    assert (body["round_number"], body["current_version_number"]) == (1, 1)
    assert (body["current_price"], body["currency"]) == ("3999.00", "CNY")
    assert (body["vote_count"], body["comment_count"]) == (0, 0)
    assert body["author"] == {"uid": str(designer.uid), "name": "Designer Dai"}
    assert [v["number"] for v in body["versions"]] == [1]
    version = body["version"]
    assert (version["number"], version["base_price"], version["description"]) == (
        1,
        "3999.00",
        "Two humidity-controlled drawers under the main shelf.",
    )
    assert version["modules"] == [
        {"name": "Humidity drawer", "quantity": 2, "description": "sealed, 12 L"},
        {"name": "Inverter compressor", "quantity": 1, "description": ""},
    ]
    assert version["options"] == [
        {"group": "Colour", "value": "Graphite", "price_delta": "0.00", "is_default": True},
        {"group": "Colour", "value": "Red", "price_delta": "120.00", "is_default": False},
        {"group": "Capacity", "value": "350 L", "price_delta": "-300.50", "is_default": False},
    ]
    assert version["pictures"] == []
    read = api_as(None).get(f"proposals/{body['uid']}")
    assert read.status_code == 200
    assert read.json() == body


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"title": ""}, "blank"),
        ({"base_price": "0"}, "price_invalid"),
        ({"base_price": "-10"}, "price_invalid"),
        ({"base_price": "123456789012345"}, "price_invalid"),
        ({"base_price": "1.005"}, "price_invalid"),
        ({"currency": "USD"}, "currency_unsupported"),
        ({"modules": [{"name": "Drawer", "quantity": 0}]}, "module_invalid"),
        (
            {"options": [{"group": "Size", "value": "S", "price_delta": "-5000"}]},
            "configuration_not_positive",
        ),
    ],
)
def test_bad_proposals_are_refused(
    change: dict[str, Any], code: str, api_as: Any, owner: Any, designer: Any
) -> None:
    demand = claimed_demand(owner, designer)
    client = api_as(designer)
    before = rows()
    response = client.post(f"demands/{demand.number}/proposals", {**PROPOSAL, **change})
    assert (response.status_code, response.json()["code"]) == (422, code)
    assert rows() == before


def test_malformed_json_writes_nothing(api_as: Any, owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    client = api_as(designer)
    before = rows()
    response = client.post(f"demands/{demand.number}/proposals", '{"title": "Half')
    assert response.status_code in (400, 422)
    assert response.json()["code"] == "invalid"
    missing = client.post(f"demands/{demand.number}/proposals", {"title": "No price"})
    assert (missing.status_code, missing.json()["code"]) == (422, "invalid")
    assert rows() == before


def test_unknown_proposal(api_as: Any, owner: Any) -> None:
    unknown = uuid.uuid4()
    for response in (
        api_as(None).get(f"proposals/{unknown}"),
        api_as(owner).post(f"proposals/{unknown}/vote"),
        api_as(owner).post(
            f"proposals/{unknown}/versions", {"description": "x", "base_price": "1"}
        ),
    ):
        assert (response.status_code, response.json()["code"]) == (404, "proposal_not_found")
    demand = demand_make(owner)
    bad_pick = api_as(owner).post(f"demands/{demand.number}/selection", {"proposal": str(unknown)})
    assert (bad_pick.status_code, bad_pick.json()["code"]) == (404, "proposal_not_found")


def test_versions_and_pictures(api_as: Any, owner: Any, designer: Any, rival: Any) -> None:
    demand = claimed_demand(owner, designer)
    uid = api_as(designer).post(f"demands/{demand.number}/proposals", PROPOSAL).json()["uid"]
    client = api_as(designer)
    uploaded = client.client.post(
        f"/api/v1/proposals/{uid}/versions/1/pictures",
        {"picture": picture_upload(), "caption": "Front view"},
        headers=client.headers,
    )
    assert uploaded.status_code == 201
    assert uploaded.json()["caption"] == "Front view"
    assert uploaded.json()["url"].startswith("/media/designs/")
    bad = client.client.post(
        f"/api/v1/proposals/{uid}/versions/1/pictures",
        {"picture": text_upload()},
        headers=client.headers,
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "picture_invalid")
    assert VersionPicture.objects.count() == 1
    refused = api_as(rival).post(
        f"proposals/{uid}/versions", {"description": "Mine", "base_price": "1"}
    )
    assert (refused.status_code, refused.json()["code"]) == (403, "not_proposal_author")
    second = client.post(
        f"proposals/{uid}/versions",
        {
            "description": "Three drawers.",
            "base_price": "4299.50",
            "modules": [{"name": "Drawer", "quantity": 3}],
        },
    )
    assert second.status_code == 201
    body = second.json()
    assert (body["current_version_number"], body["current_price"]) == (2, "4299.50")
    assert [v["number"] for v in body["versions"]] == [1, 2]
    assert body["version"]["modules"] == [{"name": "Drawer", "quantity": 3, "description": ""}]
    assert len(body["version"]["pictures"]) == 1
    old = api_as(None).get(f"proposals/{uid}", {"version": 1}).json()["version"]
    assert (old["number"], old["base_price"], len(old["modules"])) == (1, "3999.00", 2)
    assert api_as(None).get(f"proposals/{uid}/versions/1").json()["number"] == 1
    missing = api_as(None).get(f"proposals/{uid}/versions/9")
    assert (missing.status_code, missing.json()["code"]) == (404, "version_not_found")
    stale = client.client.post(
        f"/api/v1/proposals/{uid}/versions/1/pictures",
        {"picture": picture_upload()},
        headers=client.headers,
    )
    assert (stale.status_code, stale.json()["code"]) == (409, "version_not_current")


def test_vote_once_per_round(api_as: Any, owner: Any, designer: Any, fans: list[Any]) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    fan_make(demand, fans[0])
    client = api_as(fans[0])
    first = client.post(f"proposals/{proposal.uid}/vote")
    assert first.status_code == 201
    assert first.json() == {"proposal": str(proposal.uid), "round_number": 1, "vote_count": 1}
    second = client.post(f"proposals/{proposal.uid}/vote")
    assert (second.status_code, second.json()["code"]) == (409, "already_voted")
    proposal.refresh_from_db()
    assert proposal.vote_count == 1
    assert Vote.objects.count() == 1
    outsider = api_as(fans[1]).post(f"proposals/{proposal.uid}/vote")
    assert (outsider.status_code, outsider.json()["code"]) == (403, "not_allowed_to_vote")


def test_vote_in_a_closed_round(api_as: Any, owner: Any, designer: Any, fans: list[Any]) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    fan_make(demand, fans[0])
    api_as(owner).post(f"rounds/{proposal.round.uid}/close")
    response = api_as(fans[0]).post(f"proposals/{proposal.uid}/vote")
    assert (response.status_code, response.json()["code"]) == (409, "round_not_open")
    assert Vote.objects.count() == 0


def test_comments(api_as: Any, owner: Any, designer: Any, rival: Any) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    posted = api_as(rival).post(f"proposals/{proposal.uid}/comments", {"body": "How loud is it?"})
    assert posted.status_code == 201
    assert (posted.json()["body"], posted.json()["parent"]) == ("How loud is it?", None)
    reply = api_as(designer).post(
        f"proposals/{proposal.uid}/comments", {"body": "32 dB.", "parent": posted.json()["uid"]}
    )
    assert (reply.status_code, reply.json()["parent"]) == (201, posted.json()["uid"])
    empty = api_as(rival).post(f"proposals/{proposal.uid}/comments", {"body": " "})
    assert (empty.status_code, empty.json()["code"]) == (422, "blank")
    huge = api_as(rival).post(f"proposals/{proposal.uid}/comments", {"body": "x" * 5001})
    assert (huge.status_code, huge.json()["code"]) == (422, "too_long")
    anonymous = api_as(None).post(f"proposals/{proposal.uid}/comments", {"body": "hi"})
    assert anonymous.status_code == 401
    threads = api_as(None).get(f"proposals/{proposal.uid}/comments").json()
    assert [(t["body"], [r["body"] for r in t["replies"]]) for t in threads] == [
        ("How loud is it?", ["32 dB."])
    ]
    proposal.refresh_from_db()
    assert proposal.comment_count == 2


def test_author_selection_and_configurator(
    api_as: Any, owner: Any, designer: Any, rival: Any
) -> None:
    demand = claimed_demand(owner, designer)
    uid = api_as(designer).post(f"demands/{demand.number}/proposals", PROPOSAL).json()["uid"]
    none_yet = api_as(None).get(f"demands/{demand.number}/selection")
    assert (none_yet.status_code, none_yet.json()["code"]) == (404, "selection_not_found")
    assert api_as(None).get(f"demands/{demand.number}/configurator").status_code == 404
    refused = api_as(rival).post(f"demands/{demand.number}/selection", {"proposal": uid})
    assert (refused.status_code, refused.json()["code"]) == (403, "not_allowed_to_select")
    by_vote = api_as(owner).post(f"demands/{demand.number}/selection/by-vote")
    assert (by_vote.status_code, by_vote.json()["code"]) == (409, "selection_mode_mismatch")
    picked = api_as(owner).post(f"demands/{demand.number}/selection", {"proposal": uid})
    assert picked.status_code == 201
    body = picked.json()
    assert (body["proposal"], body["version_number"], body["method"]) == (uid, 1, "author")
    assert body["selected_by"]["uid"] == str(owner.uid)
    assert api_as(None).get(f"demands/{demand.number}/selection").json() == body
    configurator = api_as(None).get(f"demands/{demand.number}/configurator").json()
    assert configurator == {
        "demand_number": demand.number,
        "proposal": uid,
        "title": "Two-drawer fresh keeper",
        "version_number": 1,
        "base_price": "3999.00",
        "currency": "CNY",
        "lowest_price": "3698.50",
        "highest_price": "3818.50",
        "default_price": None,
        "groups": [
            {
                "name": "Colour",
                "options": [
                    {"value": "Graphite", "price_delta": "0.00", "is_default": True},
                    {"value": "Red", "price_delta": "120.00", "is_default": False},
                ],
            },
            {
                "name": "Capacity",
                "options": [{"value": "350 L", "price_delta": "-300.50", "is_default": False}],
            },
        ],
    }
    again = api_as(owner).post(f"demands/{demand.number}/selection", {"proposal": uid})
    assert (again.status_code, again.json()["code"]) == (409, "selection_exists")


@pytest.mark.parametrize(
    ("who", "status"), [("author", 201), ("operator", 201), ("rival", 403), ("anonymous", 401)]
)
def test_close_the_vote(
    who: str,
    status: int,
    api_as: Any,
    owner: Any,
    designer: Any,
    rival: Any,
    operator: Any,
    fans: list[Any],
) -> None:
    demand = claimed_demand(owner, designer, selection_mode="vote")
    proposal = proposal_make(demand, designer)
    fan_make(demand, fans[0])
    api_as(fans[0]).post(f"proposals/{proposal.uid}/vote")
    actor = {"author": owner, "operator": operator, "rival": rival, "anonymous": None}[who]
    response = api_as(actor).post(f"demands/{demand.number}/selection/by-vote")
    assert response.status_code == status
    if status == 201:
        assert (response.json()["proposal"], response.json()["method"]) == (
            str(proposal.uid),
            "vote",
        )
        assert Selection.objects.count() == 1
    else:
        assert Selection.objects.count() == 0


def test_proposal_list_query_budget(
    api_as: Any, owner: Any, designer: Any, second_designer: Any, django_assert_num_queries: Any
) -> None:
    demand = claimed_demand(owner, designer)
    services_claim = api_as(second_designer).post(f"demands/{demand.number}/claims", {})
    assert services_claim.status_code == 201
    for i in range(2):
        proposal_make(demand, designer, title=f"Designer {i}")
    client = api_as(None)

    def fetch() -> list[Any]:
        response = client.get(f"demands/{demand.number}/proposals")
        assert response.status_code == 200
        return response.json()  # type: ignore[no-any-return]

    with django_assert_num_queries(2) as first:
        assert len(fetch()) == 2
    for i in range(4):
        proposal_make(demand, second_designer, title=f"Second {i}")
    with django_assert_num_queries(len(first.captured_queries)):
        listed = fetch()
    assert len(listed) == 6
    assert [p["title"] for p in listed][:2] == ["Designer 0", "Designer 1"]
    round_one = client.get(f"demands/{demand.number}/proposals", {"round": 1}).json()
    assert len(round_one) == 6
    assert client.get(f"demands/{demand.number}/proposals", {"round": 5}).status_code == 404


def test_rounds_list_query_budget(
    api_as: Any, owner: Any, designer: Any, django_assert_num_queries: Any
) -> None:
    demand = claimed_demand(owner, designer)
    proposal_make(demand, designer)
    client = api_as(None)
    with django_assert_num_queries(3):
        assert client.get(f"demands/{demand.number}/rounds").status_code == 200
    api_as(owner).post(f"demands/{demand.number}/rounds")
    for i in range(3):
        proposal_make(demand, designer, title=f"Round two {i}")
    with django_assert_num_queries(3):
        rounds = client.get(f"demands/{demand.number}/rounds").json()
    assert [len(r["proposals"]) for r in rounds] == [1, 3]
