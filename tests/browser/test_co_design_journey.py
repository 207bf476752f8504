"""A person signs up, raises a demand; another proposes a design; the author votes and selects it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from heyi.accounts.services import user_create
from heyi.core.services import category_ensure
from heyi.demands.models import Demand
from heyi.designs.models import Selection, Vote
from tests.browser.conftest import sign_out

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long and sturdy pass phrase"


def shot(page: Any, directory: str, name: str) -> None:
    if directory:
        page.screenshot(path=f"{directory}/{name}.png", full_page=True)


def sign_in(page: Any, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.wait_for_url(re.compile(r"/$"))


def test_sign_up_raise_propose_vote_select(page: Any, screenshots_dir: str) -> None:
    category_ensure(slug="washing-machines", name="Washing machines and dryers")
    user_create(
        email="anna@example.com",
        password=PASSWORD,
        display_name="Anna Berg",
        roles=["maker"],
        email_verified=True,
    )

    # 1. Li Na signs up and confirms her e-mail address through the link she receives.
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill("li.na@example.com")
    page.get_by_label("Your name").fill("Li Na")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    shot(page, screenshots_dir, "01-signup")
    page.locator("main").get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+/", str(mail.outbox[0].body))
    assert link is not None
    page.goto(link.group(0))
    page.locator("main").get_by_role("button", name="Confirm").click()
    if "/accounts/login/" in page.url:
        sign_in(page, "li.na@example.com")
    page.get_by_role("button", name="Li Na").wait_for()

    # 2. She raises a demand, which the vote will decide.
    page.goto("/demands/new/")
    page.get_by_label("Title").fill("Quiet wash cycle for night-time electricity")
    page.get_by_label("Description").fill(
        "Electricity is cheaper after 23:00 but the spin wakes the neighbours."
    )
    page.get_by_label("Category").select_option("washing-machines")
    page.get_by_label("Tags").fill("quiet, night")
    page.get_by_label("The vote picks the design").check()
    shot(page, screenshots_dir, "02-raise")
    page.locator("main form").get_by_role("button", name=re.compile("Raise")).click()
    page.get_by_role("heading", name="Quiet wash cycle for night-time electricity").wait_for()
    demand = Demand.objects.get()
    assert demand.status == "open"
    assert page.locator("main").get_by_text("Open", exact=True).first.is_visible()
    shot(page, screenshots_dir, "03-demand")
    sign_out(page)

    # 3. Anna claims it and proposes a design with modules and options.
    sign_in(page, "anna@example.com")
    page.goto(f"/demands/{demand.number}/co-design/")
    page.get_by_role("button", name="Claim").click()
    page.get_by_role("link", name=re.compile("Post a proposal|New proposal|Propose")).first.click()
    page.get_by_label("Title").fill("Direct-drive drum with a slow-spin night mode")
    page.get_by_label("Description").fill("A brushless direct-drive motor, spin capped at 800 rpm.")
    page.get_by_label(re.compile("base price", re.I)).fill("2999.00")
    page.get_by_label("Module list").fill("Direct-drive motor | 1 | brushless")
    page.get_by_label("Options", exact=True).fill(
        "Capacity | 8 kg | 0 | default\nCapacity | 10 kg | +400"
    )
    page.locator("main form").get_by_role("button", name=re.compile("Post")).click()
    page.get_by_role("heading", name=re.compile("Direct-drive drum")).wait_for()
    body = page.locator("main").inner_text()
    assert "2,999.00" in body
    assert "10 kg" in body
    shot(page, screenshots_dir, "04-proposal")
    sign_out(page)

    # 4. Li Na votes for it and selects it: the demand moves on to pre-order.
    sign_in(page, "li.na@example.com")
    page.goto(f"/demands/{demand.number}/co-design/")
    page.get_by_role("button", name="Vote").first.click()
    page.get_by_text("1 vote").first.wait_for()
    assert Vote.objects.count() == 1
    page.get_by_role("button", name=re.compile("Close the vote")).first.click()
    page.get_by_text(re.compile("Pre-order")).first.wait_for()
    shot(page, screenshots_dir, "05-selected")
    assert Selection.objects.get().proposal.title == "Direct-drive drum with a slow-spin night mode"
    demand.refresh_from_db()
    assert demand.status == "pre_order"

    # 5. The trace tells the whole story in order.
    page.goto(f"/demands/{demand.number}/trace/")
    trace = page.locator("main").inner_text()
    shot(page, screenshots_dir, "06-trace")
    positions = [
        trace.index(step)
        for step in (
            "Li Na raised #",
            "Anna Berg claimed #",
            "Anna Berg posted",
            "Li Na voted for",
            "chosen for #",
            "from Co-design to Pre-order",
        )
    ]
    assert positions == sorted(positions)
