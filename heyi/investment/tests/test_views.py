"""The investment pages: who sees what, member and investor controls, posts that write."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from heyi.investment.models import BetContract, Commitment, FundingRound
from heyi.investment.services import bet_propose, commitment_set, round_open
from heyi.ventures.models import Venture
from heyi.ventures.services import venture_investor_publishing_set

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def opened(venture: Venture, owner: Any) -> FundingRound:
    return round_open(
        venture=venture,
        actor=owner,
        amount_sought="500000.00",
        minimum_to_close="300000.00",
        pre_money_valuation="5000000.00",
        terms="Ordinary shares; one observer seat.",
        closes_at=timezone.now() + timedelta(days=30),
    )


def test_pages_need_a_sign_in(venture: Venture, owner: Any) -> None:
    funding_round = opened(venture, owner)
    client = Client()
    for url in (
        reverse("investment:home"),
        reverse("investment:venture", args=[venture.slug]),
        reverse("investment:round", args=[funding_round.uid]),
        reverse("investment:mine"),
    ):
        response = client.get(url)
        assert (response.status_code, response["Location"].split("?")[0]) == (
            302,
            reverse("account_login"),
        )


def test_the_member_sees_the_round_controls_and_opens_a_round(venture: Venture, owner: Any) -> None:
    client = signed_in(owner)
    url = reverse("investment:venture", args=[venture.slug])
    page = client.get(url).content.decode()
    assert "Open a funding round" in page
    assert "Publish statements to investors" in page
    assert "over 90 days from the award" in page
    assert "pays 5% of the target" in page

    response = client.post(
        reverse("investment:round_open", args=[venture.slug]),
        {
            "amount_sought": "200000.00",
            "minimum_to_close": "100000.00",
            "pre_money_valuation": "2000000.00",
            "terms": "Ordinary shares.",
            "closes_at": (timezone.localtime() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
        },
    )

    assert (response.status_code, response["Location"]) == (302, url)
    funding_round = FundingRound.objects.get()
    assert (funding_round.amount_sought, funding_round.venture.status) == (200000, "raising")
    page = client.get(url).content.decode()
    assert "Close the round now" in page
    assert "Cancel the round" in page
    assert "1000000" in page  # the founding team's shares in the cap table


def test_an_investor_commits_from_the_page_and_sees_it_in_their_investments(
    venture: Venture, owner: Any, investor: Any
) -> None:
    funding_round = opened(venture, owner)
    client = signed_in(investor)
    round_url = reverse("investment:round", args=[funding_round.uid])
    assert "Commit" in client.get(round_url).content.decode()

    response = client.post(
        reverse("investment:commit", args=[funding_round.uid]), {"amount": "120000.00"}
    )

    assert (response.status_code, response["Location"]) == (302, round_url)
    assert Commitment.objects.get().amount == 120000
    page = client.get(round_url).content.decode()
    assert "You have committed 120000.00 CNY" in page
    mine = client.get(reverse("investment:mine")).content.decode()
    assert "Cold Chain Makers, round 1" in mine
    home = client.get(reverse("investment:home")).content.decode()
    assert "120000.00 committed" in home


def test_non_investors_get_no_commit_form_and_their_post_writes_nothing(
    venture: Venture, owner: Any, rival: Any
) -> None:
    funding_round = opened(venture, owner)
    client = signed_in(rival)
    page = client.get(reverse("investment:round", args=[funding_round.uid])).content.decode()
    assert "Only investors may commit." in page

    response = client.post(
        reverse("investment:commit", args=[funding_round.uid]), {"amount": "100.00"}
    )

    assert response.status_code == 302
    assert Commitment.objects.count() == 0
    follow = client.get(response["Location"]).content.decode()
    assert "Only investors may do this" in follow


def test_statements_show_to_investors_only_once_published(
    venture: Venture, owner: Any, investor: Any, rival: Any
) -> None:
    url = reverse("investment:venture", args=[venture.slug])
    assert 'data-testid="statements"' not in signed_in(investor).get(url).content.decode()
    venture_investor_publishing_set(venture=venture, actor=owner, publishes=True)
    assert 'data-testid="statements"' in signed_in(investor).get(url).content.decode()
    assert 'data-testid="statements"' not in signed_in(rival).get(url).content.decode()


def test_a_bet_page_shows_progress_and_lets_the_sponsor_sign(
    venture: Venture, owner: Any, operator: Any
) -> None:
    start = timezone.now()
    bet = bet_propose(
        venture=venture,
        actor=owner,
        metric="users_served",
        target="20",
        period_start=start,
        period_end=start + timedelta(days=45),
        reward="300.00",
    )
    url = reverse("investment:bet", args=[bet.uid])
    assert "Accept and sign" not in signed_in(owner).get(url).content.decode()
    operator_client = signed_in(operator)
    assert "Accept and sign" in operator_client.get(url).content.decode()

    response = operator_client.post(reverse("investment:bet_sign", args=[bet.uid]))

    assert (response.status_code, response["Location"]) == (302, url)
    assert BetContract.objects.get().status == "active"
    page = signed_in(owner).get(reverse("investment:venture", args=[venture.slug]))
    text = page.content.decode()
    assert 'aria-valuenow="0"' in text
    assert "45 days left" in text


def test_a_rival_cannot_open_a_round_from_the_page(venture: Venture, rival: Any) -> None:
    client = signed_in(rival)
    assert (
        "Open a funding round"
        not in client.get(reverse("investment:venture", args=[venture.slug])).content.decode()
    )

    client.post(
        reverse("investment:round_open", args=[venture.slug]),
        {
            "amount_sought": "200000.00",
            "minimum_to_close": "100000.00",
            "pre_money_valuation": "2000000.00",
            "terms": "Ordinary shares.",
            "closes_at": (timezone.localtime() + timedelta(days=20)).strftime("%Y-%m-%dT%H:%M"),
        },
    )

    assert FundingRound.objects.count() == 0
    venture.refresh_from_db()
    assert venture.status == "accelerating"


def test_commitment_set_keeps_one_live_row(venture: Venture, owner: Any, investor: Any) -> None:
    funding_round = opened(venture, owner)
    commitment_set(funding_round=funding_round, actor=investor, amount="10.00")
    commitment_set(funding_round=funding_round, actor=investor, amount="20.00")
    assert list(Commitment.objects.values_list("amount", "status")) == [(20, "live")]
