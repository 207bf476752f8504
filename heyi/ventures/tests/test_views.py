"""Tests of the venture pages: status codes, key text, who sees what, and what gets written."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import make_user
from heyi.core.models import AuditEvent
from heyi.ventures.models import DecisionStatus, Invitation, JoinRequest, Membership, Venture
from heyi.ventures.services import (
    invitation_send,
    join_request_send,
    venture_status_change,
)
from heyi.ventures.tests.factories import CategoryFactory, venture_found

pytestmark = pytest.mark.django_db


def written() -> tuple[int, int, int, int, int]:
    return (
        Venture.objects.count(),
        Membership.objects.count(),
        Invitation.objects.count(),
        JoinRequest.objects.count(),
        AuditEvent.objects.count(),
    )


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def page_client(request: pytest.FixtureRequest) -> Any:
    def make(who: str) -> Client:
        return Client() if who == "anonymous" else signed_in(request.getfixturevalue(who))

    return make


# --- list ---------------------------------------------------------------------------------------


def test_list_page_empty_state(db: Any, client: Client) -> None:
    response = client.get(reverse("ventures:list"))

    assert response.status_code == 200
    assert "No ventures yet." in response.content.decode()


def test_list_page_shows_ventures_and_filters(owner: Any, client: Client) -> None:
    CategoryFactory(slug="fridges", name="Fridges")
    venture_found(founder=owner, categories=["fridges"])
    venture_found(founder=owner, name="Last Mile Vans", kind="delivery", mission="Vans.")

    everything = client.get(reverse("ventures:list")).content.decode()
    by_kind = client.get(reverse("ventures:list"), {"kind": "delivery"}).content.decode()
    by_category = client.get(reverse("ventures:list"), {"category": "fridges"}).content.decode()
    searched = client.get(reverse("ventures:list"), {"search": "nothing like this"})

    assert "Cold Chain Makers" in everything and "Last Mile Vans" in everything
    assert "Last Mile Vans" in by_kind and "Cold Chain Makers" not in by_kind
    assert "Cold Chain Makers" in by_category and "Last Mile Vans" not in by_category
    assert "No ventures match these filters." in searched.content.decode()


def test_list_page_query_count_does_not_grow(
    owner: Any, client: Client, django_assert_num_queries: Any
) -> None:
    CategoryFactory(slug="fridges")
    for number in range(3):
        venture_found(founder=owner, name=f"Venture {number}", categories=["fridges"])

    # Categories for the filter, the count, the ventures with founders, their categories.
    with django_assert_num_queries(4):
        assert client.get(reverse("ventures:list")).status_code == 200
    for number in range(3, 15):
        venture_found(founder=owner, name=f"Venture {number}", categories=["fridges"])
    with django_assert_num_queries(4):
        assert client.get(reverse("ventures:list")).status_code == 200


# --- detail -------------------------------------------------------------------------------------


def test_detail_page(owner: Any, client: Client) -> None:
    CategoryFactory(slug="fridges", name="Fridges")
    venture_found(founder=owner, categories=["fridges"])

    response = client.get(reverse("ventures:detail", args=["cold-chain-makers"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Cold Chain Makers" in html
    assert "We build made-to-order refrigerators for small restaurants." in html
    assert "Fridges" in html
    assert "Incubating" in html
    assert reverse("accounts:person", args=[owner.uid]) in html
    assert "Sign in to ask to join" in html


def test_detail_page_for_a_chinese_slug(owner: Any, client: Client) -> None:
    venture_found(founder=owner, name="海尔冰箱小微")

    url = reverse("ventures:detail", args=["海尔冰箱小微"])
    response = client.get(url)

    assert response.status_code == 200
    assert "海尔冰箱小微" in response.content.decode()


def test_detail_page_unknown_slug(db: Any, client: Client) -> None:
    response = client.get(reverse("ventures:detail", args=["no-such-venture"]))

    assert response.status_code == 404


def test_detail_page_shows_members_their_tools(owner: Any, rival: Any) -> None:
    venture_found(founder=owner)
    url = reverse("ventures:detail", args=["cold-chain-makers"])

    as_member = signed_in(owner).get(url).content.decode()
    as_rival = signed_in(rival).get(url).content.decode()

    assert "Edit description" in as_member and "Invite someone" in as_member
    assert "Edit description" not in as_rival and "Ask to join" in as_rival


# --- create and edit ----------------------------------------------------------------------------


def test_create_page_needs_sign_in(db: Any, client: Client) -> None:
    response = client.get(reverse("ventures:create"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_create_page_founds_a_venture(owner: Any) -> None:
    CategoryFactory(slug="fridges", name="Fridges")
    client = signed_in(owner)
    assert client.get(reverse("ventures:create")).status_code == 200

    response = client.post(
        reverse("ventures:create"),
        {
            "name": "Cold Chain Makers",
            "kind": "maker",
            "mission": "Refrigerators.",
            "city": "Qingdao",
            "categories": ["fridges"],
            "capacity_per_day": "40",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("ventures:detail", args=["cold-chain-makers"])
    venture = Venture.objects.get()
    assert (venture.member_count, venture.capacity_per_day) == (1, 40)


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"name": ""}, "This field is required."),
        ({"name": "x" * 5000}, "Ensure this value has at most 120 characters"),
        ({"capacity_per_day": "-1"}, "Ensure this value is greater than or equal to 0."),
    ],
)
def test_create_page_shows_bad_input(owner: Any, fields: dict[str, str], text: str) -> None:
    data = {"name": "A", "kind": "maker", "mission": "m", "capacity_per_day": "0", **fields}

    response = signed_in(owner).post(reverse("ventures:create"), data)

    assert response.status_code == 200
    assert text in response.content.decode()
    assert Venture.objects.count() == 0


def test_create_page_shows_a_rule_refusal(owner: Any) -> None:
    venture_found(founder=owner)
    before = written()

    response = signed_in(owner).post(
        reverse("ventures:create"),
        {"name": "cold chain makers", "kind": "maker", "mission": "m", "capacity_per_day": "0"},
    )

    assert response.status_code == 200
    assert "exists already" in response.content.decode()
    assert written() == before


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("owner", 302), ("rival", 403), ("operator", 403)]
)
def test_edit_page_permissions(owner: Any, page_client: Any, who: str, status: int) -> None:
    venture_found(founder=owner)
    url = reverse("ventures:edit", args=["cold-chain-makers"])
    client = page_client(who)
    before = written()

    response = client.post(
        url, {"mission": "New mission.", "city": "Yantai", "capacity_per_day": "10"}
    )

    assert response.status_code == status
    venture = Venture.objects.get()
    if who == "owner":
        assert (venture.mission, venture.city, venture.capacity_per_day) == (
            "New mission.",
            "Yantai",
            10,
        )
    else:
        assert venture.city == "Qingdao"
        assert written() == before


# --- status -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "owner", "rival", "operator"])
def test_status_form_permissions(owner: Any, page_client: Any, who: str) -> None:
    venture_found(founder=owner)
    client = page_client(who)
    before = written()

    response = client.post(
        reverse("ventures:status", args=["cold-chain-makers"]), {"status": "accelerating"}
    )

    assert response.status_code == 302
    if who in {"owner", "operator"}:
        assert Venture.objects.get().status == "accelerating"
    else:
        assert Venture.objects.get().status == "incubating"
        assert written() == before


def test_the_status_form_offers_only_the_members_moves(owner: Any) -> None:
    venture = venture_found(founder=owner)
    client = signed_in(owner)
    url = reverse("ventures:detail", args=[venture.slug])

    page = client.get(url).content.decode()
    assert '<option value="accelerating">Accelerating</option>' in page
    assert '<option value="dissolved">Dissolved</option>' in page
    assert 'value="raising"' not in page
    assert reverse("investment:venture", args=[venture.slug]) in page

    venture_status_change(venture=venture, actor=owner, status="accelerating")
    page = client.get(url).content.decode()
    assert 'value="accelerating"' not in page
    assert '<option value="dissolved">Dissolved</option>' in page


def test_a_move_only_a_round_makes_is_refused_on_the_page(owner: Any) -> None:
    venture = venture_found(founder=owner)
    venture_status_change(venture=venture, actor=owner, status="accelerating")
    client = signed_in(owner)
    before = written()

    response = client.post(reverse("ventures:status", args=[venture.slug]), {"status": "raising"})

    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert "A venture starts raising only by opening a funding round." in follow
    assert Venture.objects.get().status == "accelerating"
    assert written() == before


# --- invitations --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("owner", 302), ("rival", 403), ("operator", 403)]
)
def test_invite_page_permissions(owner: Any, page_client: Any, who: str, status: int) -> None:
    venture_found(founder=owner)
    make_user("invitee@example.com")
    client = page_client(who)
    before = written()

    response = client.post(
        reverse("ventures:invite", args=["cold-chain-makers"]),
        {"person": "invitee@example.com", "message": "Join us"},
    )

    assert response.status_code == status
    if who == "owner":
        assert Invitation.objects.get().invitee.email == "invitee@example.com"
    else:
        assert written() == before


def test_invite_page_shows_refusals(owner: Any) -> None:
    venture_found(founder=owner)
    client = signed_in(owner)
    url = reverse("ventures:invite", args=["cold-chain-makers"])

    page = client.get(url)
    nobody = client.post(url, {"person": "nobody@example.com"})
    member = client.post(url, {"person": "owner@example.com"})
    garbage = client.post(url, {"person": "just words"})

    assert "No invitations waiting." in page.content.decode()
    assert "Nobody on heyi has that e-mail address or user ID." in nobody.content.decode()
    assert "is already a member" in member.content.decode()
    assert "Enter an e-mail address or a user ID." in garbage.content.decode()
    assert Invitation.objects.count() == 0


def test_inbox_and_accepting_an_invitation(owner: Any, rival: Any) -> None:
    venture = venture_found(founder=owner)
    client = signed_in(rival)
    assert (
        "No invitations for you right now."
        in client.get(reverse("ventures:inbox")).content.decode()
    )
    invitation = invitation_send(venture=venture, actor=owner, invitee=rival, message="Weld!")

    inbox = client.get(reverse("ventures:inbox")).content.decode()
    response = client.post(reverse("ventures:invitation_accept", args=[invitation.uid]))

    assert "Cold Chain Makers" in inbox and "Weld!" in inbox
    assert response.status_code == 302
    assert response["Location"] == reverse("ventures:detail", args=["cold-chain-makers"])
    assert Venture.objects.get().member_count == 2


def test_decline_and_withdraw_invitation_pages(owner: Any, rival: Any) -> None:
    venture = venture_found(founder=owner)
    first = invitation_send(venture=venture, actor=owner, invitee=rival)
    signed_in(rival).post(reverse("ventures:invitation_decline", args=[first.uid]))
    second = invitation_send(venture=venture, actor=owner, invitee=rival)

    refused = signed_in(rival).post(reverse("ventures:invitation_withdraw", args=[second.uid]))
    done = signed_in(owner).post(reverse("ventures:invitation_withdraw", args=[second.uid]))

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == DecisionStatus.DECLINED
    assert (refused.status_code, done.status_code) == (302, 302)
    assert second.status == DecisionStatus.WITHDRAWN


# --- join requests ------------------------------------------------------------------------------


def test_join_page_sends_a_request(owner: Any, rival: Any) -> None:
    venture_found(founder=owner)
    client = signed_in(rival)
    url = reverse("ventures:join", args=["cold-chain-makers"])

    assert client.get(url).status_code == 200
    empty = client.post(url, {"message": ""})
    sent = client.post(url, {"message": "I weld."})

    assert empty.status_code == 200
    assert "This field is required." in empty.content.decode()
    assert sent.status_code == 302
    assert JoinRequest.objects.get().message == "I weld."
    detail = client.get(reverse("ventures:detail", args=["cold-chain-makers"])).content.decode()
    assert "Withdraw my request" in detail


@pytest.mark.parametrize(
    ("who", "status"), [("anonymous", 302), ("owner", 200), ("rival", 403), ("operator", 403)]
)
def test_requests_page_is_for_members_only(
    owner: Any, page_client: Any, who: str, status: int
) -> None:
    venture = venture_found(founder=owner)
    join_request_send(venture=venture, actor=make_user("a@example.com"), message="Let me weld.")

    response = page_client(who).get(reverse("ventures:requests", args=["cold-chain-makers"]))

    assert response.status_code == status
    if who == "owner":
        assert "Let me weld." in response.content.decode()
    else:
        assert b"Let me weld." not in response.content


def test_requests_page_empty_state(owner: Any) -> None:
    venture_found(founder=owner)

    response = signed_in(owner).get(reverse("ventures:requests", args=["cold-chain-makers"]))

    assert "No requests to join right now." in response.content.decode()


@pytest.mark.parametrize("who", ["anonymous", "owner", "rival", "operator"])
def test_deciding_a_request_from_the_page(owner: Any, page_client: Any, who: str) -> None:
    venture = venture_found(founder=owner)
    join_request = join_request_send(
        venture=venture, actor=make_user("a@example.com"), message="Let me weld."
    )
    client = page_client(who)
    before = written()

    response = client.post(reverse("ventures:join_request_approve", args=[join_request.uid]))

    assert response.status_code == 302
    join_request.refresh_from_db()
    if who == "owner":
        assert join_request.status == DecisionStatus.ACCEPTED
        assert Venture.objects.get().member_count == 2
    else:
        assert join_request.status == DecisionStatus.PENDING
        assert written() == before


def test_rejecting_and_withdrawing_from_the_pages(owner: Any, rival: Any) -> None:
    venture = venture_found(founder=owner)
    first = join_request_send(venture=venture, actor=rival, message="Hi")
    signed_in(owner).post(reverse("ventures:join_request_reject", args=[first.uid]))
    second = join_request_send(venture=venture, actor=rival, message="Hi again")

    response = signed_in(rival).post(reverse("ventures:join_request_withdraw", args=[second.uid]))

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == DecisionStatus.DECLINED
    assert response.status_code == 302
    assert second.status == DecisionStatus.WITHDRAWN


# --- leaving ------------------------------------------------------------------------------------


def test_leave_page_refuses_the_last_member(owner: Any) -> None:
    venture_found(founder=owner)
    client = signed_in(owner)
    url = reverse("ventures:leave", args=["cold-chain-makers"])
    assert "Leave the venture" in client.get(url).content.decode()
    before = written()

    response = client.post(url)

    assert response.status_code == 409
    assert "Dissolve the venture first" in response.content.decode()
    assert written() == before


def test_leave_page_after_dissolving(owner: Any) -> None:
    venture = venture_found(founder=owner)
    venture_status_change(venture=venture, actor=owner, status="dissolved")

    response = signed_in(owner).post(reverse("ventures:leave", args=["cold-chain-makers"]))

    assert response.status_code == 302
    assert Venture.objects.get().member_count == 0
