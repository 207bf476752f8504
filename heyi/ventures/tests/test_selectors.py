"""Tests of the venture selectors: filters, membership checks, who may read what, query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from conftest import make_user
from heyi.core.errors import DomainError
from heyi.ventures.models import VentureKind
from heyi.ventures.selectors import (
    invitation_list_for_user,
    invitation_list_for_venture,
    join_request_list_for_user,
    join_request_list_for_venture,
    member_list,
    membership_is_active,
    venture_get,
    venture_list,
    venture_list_for_user,
)
from heyi.ventures.services import (
    invitation_accept,
    invitation_decline,
    invitation_send,
    join_request_send,
    membership_leave,
    venture_status_change,
)
from heyi.ventures.tests.factories import CategoryFactory, venture_found

pytestmark = pytest.mark.django_db


@pytest.fixture
def ventures(owner: Any, rival: Any) -> dict[str, Any]:
    CategoryFactory(slug="fridges", name="Fridges")
    CategoryFactory(slug="washers", name="Washers")
    cold = venture_found(founder=owner, name="Cold Chain Makers", categories=["fridges"])
    vans = venture_found(
        founder=rival,
        name="Last Mile Vans",
        kind=VentureKind.DELIVERY,
        mission="Same-day delivery around Jiaozhou Bay.",
        city="Qingdao",
        categories=[],
    )
    studio = venture_found(
        founder=owner,
        name="洗衣机设计工作室",
        kind=VentureKind.DESIGN,
        mission="为小户型设计洗衣机。",
        city="上海",
        categories=["washers", "fridges"],
    )
    venture_status_change(venture=vans, actor=rival, status="accelerating")
    return {"cold": cold, "vans": vans, "studio": studio}


def names(queryset: Any) -> list[str]:
    return [v.name for v in queryset]


def test_venture_get_by_slug(ventures: dict[str, Any]) -> None:
    assert venture_get(slug="洗衣机设计工作室") == ventures["studio"]


def test_venture_get_unknown_slug(db: Any) -> None:
    with pytest.raises(DomainError) as caught:
        venture_get(slug="no-such-venture")

    assert (caught.value.code, caught.value.status) == ("venture_not_found", 404)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ["Cold Chain Makers", "Last Mile Vans", "洗衣机设计工作室"]),
        ({"kind": "delivery"}, ["Last Mile Vans"]),
        ({"status": "accelerating"}, ["Last Mile Vans"]),
        ({"status": "incubating"}, ["Cold Chain Makers", "洗衣机设计工作室"]),
        ({"category": "fridges"}, ["Cold Chain Makers", "洗衣机设计工作室"]),
        ({"category": "washers"}, ["洗衣机设计工作室"]),
        ({"category": "no-such-category"}, []),
        ({"search": "jiaozhou"}, ["Last Mile Vans"]),
        ({"search": "洗衣机"}, ["洗衣机设计工作室"]),
        ({"search": "qingdao"}, ["Cold Chain Makers", "Last Mile Vans"]),
        ({"search": "qingdao", "kind": "maker"}, ["Cold Chain Makers"]),
    ],
)
def test_venture_list_filters(
    ventures: dict[str, Any], filters: dict[str, str], expected: list[str]
) -> None:
    assert names(venture_list(**filters)) == expected


def test_venture_list_query_count_does_not_grow(owner: Any, django_assert_num_queries: Any) -> None:
    CategoryFactory(slug="fridges")
    for number in range(3):
        venture_found(founder=owner, name=f"Venture {number}", categories=["fridges"])

    def read() -> None:
        for venture in venture_list():
            list(venture.categories.all())
            assert venture.founded_by.name == "Owner Olivia"

    # One query for the ventures with their founders, one for all their categories.
    with django_assert_num_queries(2):
        read()
    for number in range(3, 10):
        venture_found(founder=owner, name=f"Venture {number}", categories=["fridges"])
    with django_assert_num_queries(2):
        read()


def test_membership_and_lists_for_a_person(
    ventures: dict[str, Any], owner: Any, rival: Any
) -> None:
    cold = ventures["cold"]
    invitation_accept(
        invitation=invitation_send(venture=cold, actor=owner, invitee=rival), actor=rival
    )

    assert membership_is_active(venture=cold, user=rival) is True
    assert membership_is_active(venture=cold, user=AnonymousUser()) is False
    assert names(venture_list_for_user(user=rival)) == ["Cold Chain Makers", "Last Mile Vans"]
    assert [m.user for m in member_list(venture=cold)] == [owner, rival]

    membership_leave(venture=cold, actor=rival)

    assert membership_is_active(venture=cold, user=rival) is False
    assert names(venture_list_for_user(user=rival)) == ["Last Mile Vans"]
    assert [m.user for m in member_list(venture=cold)] == [owner]
    assert list(venture_list_for_user(user=AnonymousUser())) == []


def test_invitation_list_for_user_shows_pending_ones(
    ventures: dict[str, Any], owner: Any, rival: Any
) -> None:
    newcomer = make_user("newcomer@example.com")
    first = invitation_send(venture=ventures["cold"], actor=owner, invitee=newcomer)
    second = invitation_send(venture=ventures["vans"], actor=rival, invitee=newcomer)
    invitation_decline(invitation=first, actor=newcomer)

    assert list(invitation_list_for_user(user=newcomer)) == [second]
    assert list(invitation_list_for_user(user=newcomer, status=None)) == [second, first]
    assert list(invitation_list_for_user(user=AnonymousUser())) == []


def test_invitation_list_for_venture_is_for_members_only(
    ventures: dict[str, Any], owner: Any, rival: Any
) -> None:
    newcomer = make_user("newcomer@example.com")
    invitation = invitation_send(venture=ventures["cold"], actor=owner, invitee=newcomer)

    assert list(invitation_list_for_venture(venture=ventures["cold"], actor=owner)) == [invitation]
    with pytest.raises(DomainError) as caught:
        invitation_list_for_venture(venture=ventures["cold"], actor=rival)
    assert caught.value.code == "not_member"


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("anonymous", False), ("owner", True), ("rival", False), ("operator", False)],
)
def test_join_request_list_for_venture_is_for_members_only(
    ventures: dict[str, Any], request: pytest.FixtureRequest, who: str, allowed: bool
) -> None:
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    first = join_request_send(
        venture=ventures["cold"], actor=make_user("a@example.com"), message="First"
    )
    second = join_request_send(
        venture=ventures["cold"], actor=make_user("b@example.com"), message="Second"
    )

    if allowed:
        # Oldest first, so the longest waiting is decided first.
        assert list(join_request_list_for_venture(venture=ventures["cold"], actor=actor)) == [
            first,
            second,
        ]
    else:
        with pytest.raises(DomainError) as caught:
            join_request_list_for_venture(venture=ventures["cold"], actor=actor)
        assert (caught.value.code, caught.value.status) == ("not_member", 403)


def test_join_request_list_for_user(ventures: dict[str, Any], owner: Any) -> None:
    applicant = make_user("applicant@example.com")
    join_request = join_request_send(venture=ventures["vans"], actor=applicant, message="Hi")

    assert list(join_request_list_for_user(user=applicant)) == [join_request]
    assert list(join_request_list_for_user(user=owner)) == []
