"""Page tests: list and search, raise, detail, edit, fan/support/comment/decline, trace."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from heyi.core.models import AuditEvent
from heyi.demands.models import Comment, Demand, DemandPicture, Fan, StatusChange, Support
from heyi.demands.services import comment_post, support_add
from heyi.demands.tests.conftest import CALLERS
from heyi.demands.tests.factories import (
    category_make,
    demand_make,
    huge_upload,
    picture_upload,
    text_upload,
)

pytestmark = pytest.mark.django_db


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


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


def _cards(html: str) -> list[str]:
    return re.findall(r'<h2 class="h6 mb-1"><a href="/demands/\d+/">(#\d+ [^<]*)</a>', html)


# --- list ----------------------------------------------------------------------------------


def test_list_page_costs_the_same_for_more_rows(
    owner: Any, rival: Any, kitchen: Any, django_assert_num_queries: Any
) -> None:
    def populate(start: int, count: int) -> None:
        for index in range(start, start + count):
            demand = demand_make(
                owner,
                title=f"Fridge {index}",
                tags=["cold", f"t{index}"],
                pictures=[picture_upload()],
            )
            support_add(demand=demand, user=rival)

    client = _client()
    populate(0, 2)
    # categories for the filter, count, page, tags, pictures
    with django_assert_num_queries(5):
        response = client.get("/demands/")
    assert len(_cards(response.content.decode())) == 2
    populate(2, 6)
    with django_assert_num_queries(5):
        response = client.get("/demands/", {"q": "fridge", "category": "kitchen"})
    assert len(_cards(response.content.decode())) == 8


def test_list_page_cards_search_and_paging(owner: Any, kitchen: Any) -> None:
    for index in range(21):
        demand_make(owner, title=f"Kettle {index}", description="Boils fast.")
    demand_make(owner, title="Fridge with a vegetable drawer", tags=["cold"])
    client = _client()

    first = client.get("/demands/").content.decode()
    assert len(_cards(first)) == 20
    assert _cards(first)[0] == "#22 Fridge with a vegetable drawer"
    assert 'class="badge status-open"' in first
    assert "22 demands" in first
    assert "Page 1 of 2" in first
    second = client.get("/demands/", {"page": 2}).content.decode()
    assert _cards(second) == ["#2 Kettle 1", "#1 Kettle 0"]
    assert _cards(client.get("/demands/", {"q": "fridge"}).content.decode()) == [
        "#22 Fridge with a vegetable drawer"
    ]
    assert _cards(client.get("/demands/", {"tag": "cold"}).content.decode()) == [
        "#22 Fridge with a vegetable drawer"
    ]
    # Unknown filter values are ignored rather than failing the page.
    assert client.get("/demands/", {"status": "lost", "sort": "loudest"}).status_code == 200


def test_list_page_empty_states(db: Any) -> None:
    client = _client()
    assert "No demands yet. Be the first to raise one." in client.get("/demands/").content.decode()
    assert "No demands match." in client.get("/demands/", {"q": "fridge"}).content.decode()


def test_home_page_lists_the_most_supported(owner: Any, rival: Any, kitchen: Any) -> None:
    demand_make(owner, title="Quiet one")
    loud = demand_make(owner, title="Loud one")
    support_add(demand=loud, user=rival)
    html = _client().get("/").content.decode()
    assert html.index("Loud one") < html.index("Quiet one")


# --- raise ---------------------------------------------------------------------------------


def test_create_page_needs_sign_in(db: Any) -> None:
    response = _client().get("/demands/new/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_create_page_form(owner: Any, kitchen: Any) -> None:
    html = _client(owner).get("/demands/new/").content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert re.search(r'<input type="file" name="pictures"[^>]* multiple', html)
    assert '<option value="kitchen">Kitchen</option>' in html


def test_create_with_pictures(owner: Any, kitchen: Any) -> None:
    response = _client(owner).post(
        "/demands/new/",
        {
            "title": "Fridge with a vegetable drawer",
            "description": "Greens wilt.",
            "category": "kitchen",
            "tags": "Cold, kitchen storage，night",
            "selection_mode": "vote",
            "pictures": [picture_upload("a.png"), picture_upload("b.png")],
        },
    )
    demand = Demand.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/demands/{demand.number}/"
    assert sorted(demand.tags.values_list("name", flat=True)) == [
        "cold",
        "kitchen-storage",
        "night",
    ]
    assert demand.pictures.count() == 2
    assert demand.selection_mode == "vote"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"pictures": lambda: [picture_upload(), picture_upload(), text_upload()]},
            "not a picture we can read",
        ),
        ({"pictures": lambda: [huge_upload()]}, "The picture is too large"),
        ({"tags": ",".join(f"t{i}" for i in range(11))}, "at most 10 tags"),
        ({"category": "spaceships"}, "Select a valid choice"),
        ({"title": ""}, "This field is required"),
        ({"title": "x" * 161}, "at most 160 characters"),
    ],
)
def test_create_bad_input_shows_the_error_and_writes_nothing(
    owner: Any, kitchen: Any, changes: dict[str, Any], message: str
) -> None:
    before = _written()
    data = {
        "title": "Fridge",
        "description": "Greens wilt.",
        "category": "kitchen",
        "tags": "",
        "selection_mode": "author",
        **{key: value() if callable(value) else value for key, value in changes.items()},
    }
    response = _client(owner).post("/demands/new/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert _written() == before


# --- detail --------------------------------------------------------------------------------


def test_detail_page(owner: Any, rival: Any, kitchen: Any) -> None:
    demand = demand_make(owner, title="Fridge", tags=["cold"], pictures=[picture_upload()])
    root = comment_post(demand=demand, author=rival, body="How big?")
    comment_post(demand=demand, author=owner, body="Forty litres.", parent_uid=root.uid)

    html = _client().get(f"/demands/{demand.number}/").content.decode()

    assert '<h1 class="h3">Fridge</h1>' in html
    assert 'alt="Picture 1 of “Fridge”"' in html
    assert "#cold" in html
    assert "raised by Owner Olivia" in html
    assert 'class="badge status-open"' in html
    assert "Status history" in html
    assert html.index("How big?") < html.index("Forty litres.")
    assert f'id="comment-{root.uid}"' in html
    assert "Sign in to follow or support this demand." in html
    assert "Decline this demand" not in html
    assert f'href="/demands/{demand.number}/trace/"' in html
    try:
        codesign = reverse("designs:demand", args=[demand.number])
    except NoReverseMatch:
        assert ">Co-design</a>" not in html
    else:
        assert f'href="{codesign}">Co-design</a>' in html


def test_detail_page_for_the_author_and_for_others(
    owner: Any, rival: Any, operator: Any, kitchen: Any
) -> None:
    demand = demand_make(owner)
    url = f"/demands/{demand.number}/"
    mine = _client(owner).get(url).content.decode()
    assert "Decline this demand" in mine
    assert f'href="/demands/{demand.number}/edit/"' in mine
    assert "This is your demand" in mine
    theirs = _client(rival).get(url).content.decode()
    assert "Decline this demand" not in theirs
    assert "/edit/" not in theirs
    assert "Follow (become a fan)" in theirs
    assert "Decline this demand" in _client(operator).get(url).content.decode()


def test_detail_page_unknown_number(db: Any) -> None:
    response = _client().get("/demands/404/")
    assert response.status_code == 404
    assert "No demand #404." in response.content.decode()


def test_detail_page_query_count_does_not_grow_with_comments(
    owner: Any, rival: Any, kitchen: Any, django_assert_num_queries: Any
) -> None:
    demand = demand_make(owner, tags=["a", "b"], pictures=[picture_upload()])
    root = comment_post(demand=demand, author=rival, body="Root")
    client = _client()
    # demand, viewer-free anonymous context: tags, pictures, comments, status changes
    with django_assert_num_queries(5):
        client.get(f"/demands/{demand.number}/")
    for index in range(4):
        comment_post(demand=demand, author=owner, body=f"Reply {index}", parent_uid=root.uid)
    with django_assert_num_queries(5):
        client.get(f"/demands/{demand.number}/")


# --- fan, support, comment -----------------------------------------------------------------


def test_fan_and_support_buttons(owner: Any, rival: Any, kitchen: Any) -> None:
    demand = demand_make(owner)
    client = _client(rival)
    base = f"/demands/{demand.number}/"

    response = client.post(base + "fan/", {"action": "add"})
    assert response.status_code == 302
    assert response["Location"] == base + "#engagement"
    assert Demand.objects.get().fan_count == 1
    partial = client.post(
        base + "support/", {"action": "add", "note": "Yes!"}, headers={"X-Requested-With": "fetch"}
    )
    html = partial.content.decode()
    assert html.lstrip().startswith('<section id="engagement"')
    assert "You support this demand. “Yes!”" in html
    assert "<html" not in html
    again = client.post(base + "fan/", {"action": "add"}, follow=True)
    assert "You already follow this demand." in again.content.decode()
    refused = client.post(
        base + "support/", {"action": "add"}, headers={"X-Requested-With": "fetch"}
    )
    assert refused.status_code == 409
    assert refused.content.decode().lstrip().startswith('<section id="engagement"')
    assert "You already support this demand." in refused.content.decode()
    too_long = client.post(base + "support/", {"action": "add", "note": "x" * 501}, follow=True)
    assert "The note is at most 500 characters." in too_long.content.decode()
    client.post(base + "support/", {"action": "remove"})
    client.post(base + "fan/", {"action": "remove"})
    assert (Demand.objects.get().fan_count, Demand.objects.get().support_count) == (0, 0)


def test_actions_need_sign_in_and_post(owner: Any, kitchen: Any) -> None:
    demand = demand_make(owner)
    base = f"/demands/{demand.number}/"
    assert _client().post(base + "fan/", {"action": "add"}).status_code == 302
    assert _client(owner).get(base + "fan/").status_code == 405
    assert Fan.objects.count() == 0


def test_comment_and_reply(owner: Any, rival: Any, kitchen: Any) -> None:
    demand = demand_make(owner)
    client = _client(rival)
    response = client.post(f"/demands/{demand.number}/comments/", {"body": "How big?"})
    comment = Comment.objects.get()
    assert response["Location"] == f"/demands/{demand.number}/#comment-{comment.uid}"
    _client(owner).post(
        f"/demands/{demand.number}/comments/", {"body": "Big.", "parent": str(comment.uid)}
    )
    assert Comment.objects.get(body="Big.").parent == comment


def test_reply_to_another_demands_comment_shows_the_error(
    owner: Any, rival: Any, kitchen: Any
) -> None:
    demand = demand_make(owner)
    other = demand_make(owner, title="Other")
    elsewhere = comment_post(demand=other, author=owner, body="Elsewhere")
    before = _written()
    response = _client(rival).post(
        f"/demands/{demand.number}/comments/", {"body": "Hm", "parent": str(elsewhere.uid)}
    )
    assert response.status_code == 422
    assert "A reply must answer a comment on the same demand." in response.content.decode()
    assert _written() == before


# --- decline and edit ----------------------------------------------------------------------


@pytest.mark.parametrize("who", CALLERS)
def test_decline_page(owner: Any, kitchen: Any, caller_of: Any, who: str) -> None:
    demand = demand_make(owner)
    before = _written()
    client = _client(None if who == "anonymous" else caller_of(who))

    response = client.post(f"/demands/{demand.number}/decline/", {"reason": "Shops sell it."})

    if who in ("author", "operator"):
        assert response.status_code == 302
        html = client.get(response["Location"]).content.decode()
        assert "Declined." in html
        assert "Shops sell it." in html
        assert Demand.objects.get().status == "declined"
        return
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403
        assert "Only the author of the demand or an operator may decline it." in (
            response.content.decode()
        )
    assert _written() == before


def test_decline_page_without_reason(owner: Any, kitchen: Any) -> None:
    demand = demand_make(owner)
    response = _client(owner).post(f"/demands/{demand.number}/decline/", {"reason": ""})
    assert response.status_code == 422
    assert Demand.objects.get().status == "open"


@pytest.mark.parametrize("who", CALLERS)
def test_edit_page_permissions(owner: Any, kitchen: Any, caller_of: Any, who: str) -> None:
    demand = demand_make(owner, title="Fridge")
    client = _client(None if who == "anonymous" else caller_of(who))
    url = f"/demands/{demand.number}/edit/"
    before = _written()

    shown = client.get(url)
    posted = client.post(
        url, {"title": "Changed", "description": "New.", "category": "kitchen", "tags": ""}
    )

    if who == "author":
        assert shown.status_code == 200
        assert posted.status_code == 302
        assert Demand.objects.get().title == "Changed"
        return
    if who == "anonymous":
        assert shown["Location"].startswith("/accounts/login/")
        assert posted["Location"].startswith("/accounts/login/")
    else:
        assert shown.status_code == 403
        assert posted.status_code == 403
        assert "Only the author of a demand may edit it." in posted.content.decode()
    assert _written() == before
    assert Demand.objects.get().title == "Fridge"


def test_edit_page_changes_pictures(owner: Any, kitchen: Any) -> None:
    category_make(slug="laundry", name="Laundry")
    demand = demand_make(owner, tags=["cold"], pictures=[picture_upload(), picture_upload()])
    first, second = demand.pictures.order_by("position")
    client = _client(owner)
    form = client.get(f"/demands/{demand.number}/edit/").content.decode()
    assert 'value="cold"' in form
    assert f'value="{first.uid}"' in form

    response = client.post(
        f"/demands/{demand.number}/edit/",
        {
            "title": "Fridge and freezer",
            "description": "Both.",
            "category": "laundry",
            "tags": "cold, ice",
            "remove_pictures": [str(first.uid)],
            "pictures": [picture_upload("new.png")],
        },
    )

    assert response.status_code == 302
    demand.refresh_from_db()
    assert (demand.title, demand.category.slug) == ("Fridge and freezer", "laundry")
    assert sorted(demand.tags.values_list("name", flat=True)) == ["cold", "ice"]
    assert demand.pictures.order_by("position")[0].uid == second.uid
    assert demand.pictures.count() == 2


# --- trace ---------------------------------------------------------------------------------


def test_trace_page(owner: Any, rival: Any, kitchen: Any) -> None:
    demand = demand_make(owner, title="Fridge")
    support_add(demand=demand, user=rival)
    comment_post(demand=demand, author=rival, body="Nice")

    html = _client().get(f"/demands/{demand.number}/trace/").content.decode()

    labels = re.findall(r"<strong>([^<]+)</strong> — ([^<]+)</div>", html)
    assert labels == [
        ("Demand raised", "Owner Olivia raised #1: Fridge"),
        ("Supported", "Rival Ren supported #1"),
        ("Comment", "Rival Ren commented on #1"),
    ]
    assert "<code>demands.demand.raised</code>" in html
    assert _client().get("/demands/77/trace/").status_code == 404
