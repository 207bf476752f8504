"""Co-design pages: the demand's co-design page, the proposal page and the proposal forms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from heyi.designs import services
from heyi.designs.models import (
    Claim,
    Module,
    Option,
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


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(number: int) -> str:
    return reverse("designs:demand", args=[number])


def rows() -> tuple[int, ...]:
    return (
        Claim.objects.count(),
        Proposal.objects.count(),
        ProposalVersion.objects.count(),
        Module.objects.count(),
        Option.objects.count(),
        VersionPicture.objects.count(),
        Vote.objects.count(),
        ProposalComment.objects.count(),
        Selection.objects.count(),
    )


FORM = {
    "venture": "",
    "title": "Two-drawer fresh keeper",
    "description": "Two humidity-controlled drawers.",
    "base_price": "3999.00",
    "modules": "Humidity drawer | 2 | sealed, 12 L\n\nInverter compressor",
    "options": "Colour | Graphite | 0 | default\nColour | Red | +120\nCapacity | 350 L | -300.50",
}


def test_empty_co_design_page(client: Client, owner: Any) -> None:
    demand = demand_make(owner)
    response = client.get(page(demand.number))
    assert response.status_code == 200
    content = response.content.decode()
    assert "No one has claimed this demand yet." in content
    assert "No rounds yet." in content
    assert "Sign in to claim this demand" in content


def test_unknown_demand_page(client: Client) -> None:
    response = client.get(page(424242))
    assert response.status_code == 404


def test_claim_from_the_page(owner: Any, designer: Any) -> None:
    demand = demand_make(owner)
    venture = venture_make(designer)
    client = signed_in(designer)
    form_page = client.get(page(demand.number)).content.decode()
    assert f'<option value="{venture.slug}">Crisp Studio</option>' in form_page
    response = client.post(
        reverse("designs:claim_make", args=[demand.number]), {"venture": "", "note": "Hi"}
    )
    assert response.status_code == 302
    assert response["Location"] == page(demand.number)
    content = client.get(page(demand.number)).content.decode()
    assert "Designer Dai" in content
    assert "Withdraw this claim" in content
    assert "Post a proposal in round 1" in content
    assert "No proposals in this round yet." in content
    again = client.post(reverse("designs:claim_make", args=[demand.number]), {"venture": ""})
    assert again.status_code == 422
    assert "You already hold a claim on this demand." in again.content.decode()
    assert Claim.objects.count() == 1


def test_anonymous_posts_go_to_sign_in(client: Client, owner: Any) -> None:
    demand = demand_make(owner)
    response = client.post(reverse("designs:claim_make", args=[demand.number]), {})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert Claim.objects.count() == 0


def test_post_a_proposal_through_the_form(owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    client = signed_in(designer)
    url = reverse("designs:proposal_new", args=[demand.number])
    form_page = client.get(url).content.decode()
    assert "group | value | price change | default" in form_page
    response = client.post(
        url, {**FORM, "pictures": [picture_upload("a.png"), picture_upload("b.png")]}
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert response["Location"] == reverse("designs:proposal", args=[proposal.uid])
    version = proposal.versions.get()
    assert version.base_price == Decimal("3999.00")
    assert [(m.name, m.quantity, m.description) for m in version.modules.all()] == [
        ("Humidity drawer", 2, "sealed, 12 L"),
        ("Inverter compressor", 1, ""),
    ]
    assert [
        (o.group, o.value, o.price_delta, o.is_default)
        for o in version.options.order_by("position")
    ] == [
        ("Colour", "Graphite", Decimal("0.00"), True),
        ("Colour", "Red", Decimal("120.00"), False),
        ("Capacity", "350 L", Decimal("-300.50"), False),
    ]
    assert version.pictures.count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"options": "Colour Red 120"}, "Line 1: write group | value | price change | default."),
        ({"options": "Colour | Red | lots"}, "Line 1: the price change must be a number"),
        ({"options": "Colour | Red | 1 | maybe"}, "the fourth part is either"),
        ({"modules": "Drawer | two"}, "Line 1: the quantity must be a whole number."),
        ({"modules": "Drawer | 0"}, "Line 1: the quantity must be at least 1."),
        ({"base_price": "0"}, "The estimated base price must be an amount of money more than zero"),
        ({"title": ""}, "This field is required."),
        (
            {"options": "Colour | Red | 0 | default\nColour | Blue | 0 | default"},
            "has more than one default",
        ),
        ({"pictures": [text_upload()]}, "The file is not a picture we can read"),
    ],
)
def test_form_errors_show_and_write_nothing(
    change: dict[str, Any], message: str, owner: Any, designer: Any
) -> None:
    demand = claimed_demand(owner, designer)
    client = signed_in(designer)
    before = rows()
    response = client.post(
        reverse("designs:proposal_new", args=[demand.number]), {**FORM, **change}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert rows() == before


def test_proposal_form_without_a_claim(owner: Any, rival: Any) -> None:
    demand = claimed_demand(owner, owner)
    response = signed_in(rival).get(reverse("designs:proposal_new", args=[demand.number]))
    assert response.status_code == 200
    assert "Only designers who claimed this demand post proposals." in response.content.decode()


def test_proposal_page_with_versions_and_comments(owner: Any, designer: Any, rival: Any) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer, pictures=[picture_upload()])
    services.version_post(
        proposal=proposal, user=designer, description="Now in steel.", base_price=Decimal("4100")
    )
    services.comment_post(proposal=proposal, user=rival, body="Does it hum?")
    url = reverse("designs:proposal", args=[proposal.uid])
    current = Client().get(url).content.decode()
    assert "Now in steel." in current
    assert "¥4,100.00" in current
    assert "Version 1" in current and "Version 2" in current
    assert "Does it hum?" in current
    assert "No modules listed in this version." in current
    assert 'alt="Picture 1 of Two-drawer fresh keeper, version 2"' in current
    old = Client().get(url, {"version": 1}).content.decode()
    assert "Two humidity-controlled drawers under the main shelf." in old
    assert "You are looking at version 1" in old
    assert "Humidity drawer" in old
    assert "−¥300.00" in old
    assert "no change" in old
    assert Client().get(url, {"version": 7}).status_code == 200


def test_vote_and_comment_from_the_pages(owner: Any, designer: Any, fans: list[Any]) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    fan = fans[0]
    fan_make(demand, fan)
    client = signed_in(fan)
    assert (
        "Vote for this proposal"
        in client.get(reverse("designs:proposal", args=[proposal.uid])).content.decode()
    )
    voted = client.post(reverse("designs:vote", args=[proposal.uid]), {"next": "demand"})
    assert voted["Location"] == page(demand.number)
    again = client.post(reverse("designs:vote", args=[proposal.uid]), follow=True)
    assert "You have already voted in round 1." in again.content.decode()
    proposal.refresh_from_db()
    assert proposal.vote_count == 1
    assert "You voted for this proposal in this round." in again.content.decode()
    empty = client.post(reverse("designs:comment_post", args=[proposal.uid]), {"body": ""})
    assert empty.status_code == 422
    posted = client.post(reverse("designs:comment_post", args=[proposal.uid]), {"body": "Love it"})
    assert posted.status_code == 302
    assert ProposalComment.objects.get().body == "Love it"


def test_author_closes_rounds_and_picks_from_the_page(
    owner: Any, designer: Any, rival: Any
) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    author = signed_in(owner)
    content = author.get(page(demand.number)).content.decode()
    assert "Close round 1 and open round 2" in content
    assert "Choose this design" in content
    refused = signed_in(rival).post(
        reverse("designs:round_open_next", args=[demand.number]), follow=True
    )
    assert "Only the demand&#x27;s author may do this." in refused.content.decode()
    author.post(reverse("designs:round_open_next", args=[demand.number]))
    assert list(Round.objects.values_list("number", "status")) == [(1, "closed"), (2, "open")]
    round_two = Round.objects.get(number=2)
    author.post(reverse("designs:round_close", args=[demand.number, round_two.uid]))
    round_two.refresh_from_db()
    assert round_two.status == "closed"
    picked = author.post(
        reverse("designs:selection_make", args=[demand.number]),
        {"proposal": str(proposal.uid)},
        follow=True,
    )
    assert "is the chosen design" in picked.content.decode()
    assert "The chosen design" in picked.content.decode()
    assert Selection.objects.get().proposal == proposal


def test_new_version_form(owner: Any, designer: Any, rival: Any) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    url = reverse("designs:version_new", args=[proposal.uid])
    assert signed_in(rival).get(url).status_code == 403
    client = signed_in(designer)
    form_page = client.get(url).content.decode()
    assert "Colour | Red | +120.00" in form_page
    assert "Humidity drawer | 2 | sealed, 12 L" in form_page
    response = client.post(
        url,
        {
            "description": "Three drawers.",
            "base_price": "4299.50",
            "modules": "Drawer | 3",
            "options": "",
            "keep_pictures": "on",
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.current_version_number == 2
    assert proposal.versions.get(number=2).modules.get().quantity == 3


def test_co_design_page_query_budget(
    owner: Any, designer: Any, second_designer: Any, fans: list[Any], django_assert_num_queries: Any
) -> None:
    demand = claimed_demand(owner, designer, selection_mode="vote")
    services.claim_make(demand=demand, user=second_designer)
    proposal_make(demand, designer)
    fan = fans[0]
    fan_make(demand, fan)
    client = signed_in(fan)
    url = page(demand.number)
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as first:
        assert client.get(url).status_code == 200
    baseline = len(first.captured_queries)
    assert baseline == 12
    services.round_open_next(demand=demand, user=owner)
    for i in range(3):
        proposal_make(demand, second_designer, title=f"More {i}")
    services.vote_cast(proposal=Proposal.objects.order_by("id").reverse()[0], user=fan)
    with django_assert_num_queries(baseline):
        response = client.get(url)
    content = response.content.decode()
    assert content.count('class="card h-100') == 4
    assert "How the vote decides" in content
