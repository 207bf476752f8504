"""Co-design services: claims, rounds, proposals and versions, votes, comments and the selection."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction

from heyi.core.audit import trace_list
from heyi.core.errors import DomainError
from heyi.core.models import AuditEvent
from heyi.demands.models import Demand
from heyi.demands.services import demand_decline
from heyi.designs import selectors, services
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
from heyi.designs.services import ModuleSpec, OptionSpec
from heyi.designs.tests.factories import (
    claimed_demand,
    demand_make,
    fan_make,
    member_add,
    picture_upload,
    proposal_make,
    text_upload,
    venture_make,
)

pytestmark = pytest.mark.django_db

D = Decimal


def types(demand: Demand) -> list[str]:
    return [e.type for e in trace_list(demand_uid=demand.uid)]


def counts() -> dict[str, int]:
    return {
        "claims": Claim.objects.count(),
        "rounds": Round.objects.count(),
        "open_rounds": Round.objects.filter(status="open").count(),
        "proposals": Proposal.objects.count(),
        "versions": ProposalVersion.objects.count(),
        "modules": Module.objects.count(),
        "options": Option.objects.count(),
        "pictures": VersionPicture.objects.count(),
        "votes": Vote.objects.count(),
        "comments": ProposalComment.objects.count(),
        "selections": Selection.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def stored_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- claims ------------------------------------------------------------------------------------


def test_first_claim_moves_demand_to_co_design_and_opens_round_one(
    owner: Any, designer: Any
) -> None:
    demand = demand_make(owner)
    claim = services.claim_make(demand=demand, user=designer, note="I design fridges.")
    demand.refresh_from_db()
    assert demand.status == "co_design"
    assert claim.status == "active"
    assert claim.note == "I design fridges."
    assert list(Round.objects.filter(demand=demand).values_list("number", "status")) == [
        (1, "open")
    ]
    assert types(demand) == [
        "demands.demand.raised",
        "designs.claim.made",
        "demands.demand.status_changed",
        "designs.round.opened",
    ]


def test_second_claim_changes_no_status_and_opens_no_round(
    owner: Any, designer: Any, second_designer: Any
) -> None:
    demand = claimed_demand(owner, designer)
    services.claim_make(demand=demand, user=second_designer)
    demand.refresh_from_db()
    assert demand.status == "co_design"
    assert Round.objects.filter(demand=demand).count() == 1
    assert [c.claimant for c in selectors.claim_list(demand=demand)] == [designer, second_designer]
    assert types(demand)[-1] == "designs.claim.made"


def test_claiming_twice_is_refused(owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    before = counts()
    with pytest.raises(DomainError) as error:
        services.claim_make(demand=demand, user=designer)
    assert (error.value.code, error.value.status) == ("already_claimed", 409)
    assert counts() == before


def test_claim_for_a_venture_by_a_member(owner: Any, designer: Any, second_designer: Any) -> None:
    venture = venture_make(designer)
    member_add(venture, second_designer)
    demand = demand_make(owner)
    claim = services.claim_make(demand=demand, user=second_designer, venture=venture)
    assert (claim.venture, claim.claimant) == (venture, second_designer)
    # The person may still claim for themselves besides the venture.
    services.claim_make(demand=demand, user=second_designer)
    assert Claim.objects.filter(demand=demand, status="active").count() == 2
    with pytest.raises(DomainError) as error:
        services.claim_make(demand=demand, user=designer, venture=venture)
    assert error.value.code == "already_claimed"


def test_claim_for_a_venture_by_a_non_member_writes_nothing(
    owner: Any, designer: Any, rival: Any
) -> None:
    venture = venture_make(designer)
    demand = demand_make(owner)
    before = counts()
    with pytest.raises(DomainError) as error:
        services.claim_make(demand=demand, user=rival, venture=venture)
    assert (error.value.code, error.value.status) == ("not_venture_member", 403)
    assert counts() == before
    demand.refresh_from_db()
    assert demand.status == "open"


def test_anonymous_cannot_claim(owner: Any) -> None:
    demand = demand_make(owner)
    with pytest.raises(DomainError) as error:
        services.claim_make(demand=demand, user=AnonymousUser())
    assert (error.value.code, error.value.status) == ("not_authenticated", 401)
    assert Claim.objects.count() == 0


def test_no_claim_on_a_declined_demand(owner: Any, designer: Any) -> None:
    demand = demand_make(owner)
    demand_decline(demand=demand, actor=owner, reason="Already on sale elsewhere.")
    demand.refresh_from_db()
    with pytest.raises(DomainError) as error:
        services.claim_make(demand=demand, user=designer)
    assert (error.value.code, error.value.status) == ("claim_not_allowed", 409)
    assert Claim.objects.count() == 0


def test_no_claim_after_the_selection(owner: Any, designer: Any, rival: Any) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    services.selection_make(demand=demand, user=owner, proposal=proposal)
    demand.refresh_from_db()
    with pytest.raises(DomainError) as error:
        services.claim_make(demand=demand, user=rival)
    assert error.value.code == "claim_not_allowed"
    assert Claim.objects.count() == 1


def test_withdraw_a_claim(owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    claim = Claim.objects.get()
    services.claim_withdraw(claim=claim, user=designer)
    claim.refresh_from_db()
    assert claim.status == "withdrawn"
    assert list(selectors.claim_list(demand=demand)) == []
    assert types(demand)[-1] == "designs.claim.withdrawn"
    with pytest.raises(DomainError) as error:
        services.claim_withdraw(claim=claim, user=designer)
    assert error.value.code == "claim_withdrawn"
    # Withdrawn, a person may claim again.
    services.claim_make(demand=demand, user=designer)
    assert Claim.objects.filter(status="active").count() == 1


def test_only_the_claimant_withdraws(owner: Any, designer: Any, rival: Any) -> None:
    claimed_demand(owner, designer)
    claim = Claim.objects.get()
    before = counts()
    for who in (rival, owner):
        with pytest.raises(DomainError) as error:
            services.claim_withdraw(claim=claim, user=who)
        assert (error.value.code, error.value.status) == ("not_claimant", 403)
    assert counts() == before


def test_a_member_withdraws_the_venture_claim(
    owner: Any, designer: Any, second_designer: Any
) -> None:
    venture = venture_make(designer)
    member_add(venture, second_designer)
    demand = demand_make(owner)
    claim = services.claim_make(demand=demand, user=designer, venture=venture)
    services.claim_withdraw(claim=claim, user=second_designer)
    claim.refresh_from_db()
    assert claim.status == "withdrawn"


# --- rounds ------------------------------------------------------------------------------------


def test_open_next_round_closes_the_current_one(owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    round_two = services.round_open_next(demand=demand, user=owner)
    assert round_two.number == 2
    assert list(Round.objects.filter(demand=demand).values_list("number", "status")) == [
        (1, "closed"),
        (2, "open"),
    ]
    assert Round.objects.get(number=1).closed_at is not None
    assert types(demand)[-2:] == ["designs.round.closed", "designs.round.opened"]


def test_close_the_last_round_then_open_another(owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    round_one = Round.objects.get()
    services.round_close(round=round_one, user=owner)
    round_one.refresh_from_db()
    assert round_one.status == "closed"
    assert selectors.round_open_find(demand=demand) is None
    with pytest.raises(DomainError) as error:
        services.round_close(round=round_one, user=owner)
    assert (error.value.code, error.value.status) == ("round_not_open", 409)
    assert services.round_open_next(demand=demand, user=owner).number == 2
    assert types(demand)[-2:] == ["designs.round.closed", "designs.round.opened"]


def test_only_one_open_round_is_allowed_by_the_database(owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Round.objects.create(demand=demand, number=2, status="open")


@pytest.mark.parametrize(
    ("who", "code", "status"),
    [
        ("anonymous", "not_authenticated", 401),
        ("author", None, None),
        ("rival", "not_demand_author", 403),
        ("operator", "not_demand_author", 403),
    ],
)
def test_who_may_close_a_round(
    who: str,
    code: str | None,
    status: int | None,
    owner: Any,
    designer: Any,
    rival: Any,
    operator: Any,
) -> None:
    actor = {"anonymous": AnonymousUser(), "author": owner, "rival": rival, "operator": operator}[
        who
    ]
    claimed_demand(owner, designer)
    round_one = Round.objects.get()
    before = counts()
    if code is None:
        services.round_close(round=round_one, user=actor)
        assert Round.objects.get().status == "closed"
        return
    with pytest.raises(DomainError) as error:
        services.round_close(round=round_one, user=actor)
    assert (error.value.code, error.value.status) == (code, status)
    assert counts() == before
    assert Round.objects.get().status == "open"


@pytest.mark.parametrize(
    ("who", "code", "status"),
    [
        ("anonymous", "not_authenticated", 401),
        ("author", None, None),
        ("rival", "not_demand_author", 403),
        ("operator", "not_demand_author", 403),
    ],
)
def test_who_may_open_the_next_round(
    who: str,
    code: str | None,
    status: int | None,
    owner: Any,
    designer: Any,
    rival: Any,
    operator: Any,
) -> None:
    actor = {"anonymous": AnonymousUser(), "author": owner, "rival": rival, "operator": operator}[
        who
    ]
    demand = claimed_demand(owner, designer)
    before = counts()
    if code is None:
        assert services.round_open_next(demand=demand, user=actor).number == 2
        return
    with pytest.raises(DomainError) as error:
        services.round_open_next(demand=demand, user=actor)
    assert (error.value.code, error.value.status) == (code, status)
    assert counts() == before


def test_no_round_opens_on_an_open_demand(owner: Any) -> None:
    demand = demand_make(owner)
    with pytest.raises(DomainError) as error:
        services.round_open_next(demand=demand, user=owner)
    assert error.value.code == "demand_not_in_co_design"
    assert Round.objects.count() == 0


# --- proposals and versions --------------------------------------------------------------------


def test_post_a_proposal(owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    assert proposal.title == "Two-drawer fresh keeper"
    assert proposal.round.number == 1
    assert proposal.current_version_number == 1
    assert (proposal.vote_count, proposal.comment_count) == (0, 0)
    version = selectors.version_get(proposal=proposal)
    assert version.number == 1
    assert version.base_price == D("3999.00")
    assert version.currency == "CNY"
    assert [(m.name, m.quantity, m.description) for m in version.modules.all()] == [
        ("Humidity drawer", 2, "sealed, 12 L"),
        ("Inverter compressor", 1, ""),
    ]
    assert [(o.group, o.value, o.price_delta, o.is_default) for o in version.options.all()] == [
        ("Colour", "Graphite", D("0.00"), True),
        ("Colour", "Red", D("120.00"), False),
        ("Capacity", "450 L", D("0.00"), True),
        ("Capacity", "350 L", D("-300.00"), False),
    ]
    assert types(demand)[-1] == "designs.proposal.posted"
    event = AuditEvent.objects.get(type="designs.proposal.posted")
    assert (event.demand_uid, event.subject_uid, event.actor) == (
        demand.uid,
        proposal.uid,
        designer,
    )


def test_post_a_proposal_for_a_venture(owner: Any, designer: Any, second_designer: Any) -> None:
    venture = venture_make(designer)
    member_add(venture, second_designer)
    demand = demand_make(owner)
    services.claim_make(demand=demand, user=designer, venture=venture)
    demand.refresh_from_db()
    proposal = proposal_make(demand, second_designer, venture=venture)
    assert (proposal.venture, proposal.author, proposal.claim.venture) == (
        venture,
        second_designer,
        venture,
    )
    # The member has no claim of their own.
    with pytest.raises(DomainError) as error:
        proposal_make(demand, second_designer)
    assert (error.value.code, error.value.status) == ("no_active_claim", 403)


def test_proposal_without_a_claim_is_refused(owner: Any, designer: Any, rival: Any) -> None:
    demand = claimed_demand(owner, designer)
    before = counts()
    with pytest.raises(DomainError) as error:
        proposal_make(demand, rival)
    assert (error.value.code, error.value.status) == ("no_active_claim", 403)
    assert counts() == before


def test_proposal_when_no_round_is_open_is_refused(owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    services.round_close(round=Round.objects.get(), user=owner)
    before = counts()
    with pytest.raises(DomainError) as error:
        proposal_make(demand, designer)
    assert (error.value.code, error.value.status) == ("no_open_round", 409)
    assert counts() == before


def test_withdrawn_claimant_posts_no_proposal(owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    services.claim_withdraw(claim=Claim.objects.get(), user=designer)
    with pytest.raises(DomainError) as error:
        proposal_make(demand, designer)
    assert error.value.code == "no_active_claim"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"title": ""}, "blank"),
        ({"title": "   "}, "blank"),
        ({"title": "x" * 161}, "too_long"),
        ({"base_price": D("0")}, "price_invalid"),
        ({"base_price": D("-5")}, "price_invalid"),
        ({"base_price": D("10000000000")}, "price_invalid"),
        ({"base_price": D("12.345")}, "price_invalid"),
        ({"base_price": "cheap"}, "price_invalid"),
        ({"modules": [ModuleSpec(name="Drawer", quantity=0)]}, "module_invalid"),
        ({"modules": [ModuleSpec(name="", quantity=1)]}, "module_invalid"),
        ({"modules": [ModuleSpec(name="Screw", quantity=1)] * 101}, "too_many_modules"),
        (
            {"options": [OptionSpec("Colour", "Red", D("1")), OptionSpec("Colour", "Red", D("2"))]},
            "option_duplicate",
        ),
        (
            {
                "options": [
                    OptionSpec("Colour", "Red", D("0"), True),
                    OptionSpec("Colour", "Blue", D("0"), True),
                ]
            },
            "option_default_duplicate",
        ),
        (
            {"base_price": D("100"), "options": [OptionSpec("Size", "Small", D("-100"))]},
            "configuration_not_positive",
        ),
        ({"options": [OptionSpec("Colour", "Red", D("99999999999"))]}, "option_invalid"),
        ({"pictures": [picture_upload(f"p{i}.png") for i in range(9)]}, "too_many_pictures"),
    ],
)
def test_bad_proposal_input_writes_nothing(
    overrides: dict[str, Any], code: str, owner: Any, designer: Any, settings: Any
) -> None:
    demand = claimed_demand(owner, designer)
    before = counts()
    with pytest.raises(DomainError) as error:
        proposal_make(demand, designer, **overrides)
    assert (error.value.code, error.value.status) == (code, 422)
    assert counts() == before
    assert stored_files(settings) == []


def test_unsupported_currency(owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    with pytest.raises(DomainError) as error:
        services.proposal_post(
            demand=demand,
            user=designer,
            title="Dollar drawer",
            description="Priced in dollars.",
            base_price=D("500"),
            currency="USD",
        )
    assert (error.value.code, error.value.status) == ("currency_unsupported", 422)
    assert Proposal.objects.count() == 0


def test_proposal_with_pictures(owner: Any, designer: Any, settings: Any) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(
        demand, designer, pictures=[picture_upload("front.png"), picture_upload("side.png", "red")]
    )
    pictures = list(selectors.version_get(proposal=proposal).pictures.all())
    assert [p.position for p in pictures] == [0, 1]
    assert len(stored_files(settings)) == 2


def test_a_non_image_picture_writes_nothing(owner: Any, designer: Any, settings: Any) -> None:
    demand = claimed_demand(owner, designer)
    before = counts()
    with pytest.raises(DomainError) as error:
        proposal_make(demand, designer, pictures=[picture_upload("ok.png"), text_upload()])
    assert (error.value.code, error.value.status) == ("picture_invalid", 422)
    assert counts() == before
    assert stored_files(settings) == []


def test_a_too_large_picture_writes_nothing(owner: Any, designer: Any, settings: Any) -> None:
    demand = claimed_demand(owner, designer)
    settings.HEYI_MAX_PICTURE_BYTES = 50
    with pytest.raises(DomainError) as error:
        proposal_make(demand, designer, pictures=[picture_upload()])
    assert (error.value.code, error.value.status) == ("picture_too_large", 422)
    assert Proposal.objects.count() == 0
    assert stored_files(settings) == []


def test_new_versions_keep_the_old_ones(owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer, pictures=[picture_upload()])
    version_two = services.version_post(
        proposal=proposal,
        user=designer,
        description="Now with three drawers.",
        base_price=D("4299.50"),
        modules=[ModuleSpec(name="Humidity drawer", quantity=3)],
        options=[OptionSpec("Colour", "Graphite", D("0"), True)],
    )
    version_three = services.version_post(
        proposal=proposal,
        user=designer,
        description="Three drawers, new pictures.",
        base_price=D("4199"),
        pictures=[picture_upload("new.png")],
    )
    proposal.refresh_from_db()
    assert (version_two.number, version_three.number) == (2, 3)
    assert proposal.current_version_number == 3
    assert [(v.number, v.base_price) for v in selectors.version_list(proposal=proposal)] == [
        (1, D("3999.00")),
        (2, D("4299.50")),
        (3, D("4199.00")),
    ]
    first = selectors.version_get(proposal=proposal, number=1)
    assert first.modules.count() == 2
    assert first.options.count() == 4
    assert selectors.version_get(proposal=proposal, number=2).modules.get().quantity == 3
    # Version 2 carried version 1's picture; version 3 has only its new one.
    assert version_two.pictures.get().image.name == first.pictures.get().image.name
    assert version_three.pictures.get().image.name.endswith(".png")
    assert version_three.pictures.get().image.name != first.pictures.get().image.name
    assert types(demand)[-2:] == ["designs.version.posted", "designs.version.posted"]


def test_version_without_keeping_pictures(owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer, pictures=[picture_upload()])
    version = services.version_post(
        proposal=proposal,
        user=designer,
        description="A clean slate.",
        base_price=D("10"),
        keep_pictures=False,
    )
    assert version.pictures.count() == 0


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("author", None),
        ("venture_member", None),
        ("rival", "not_proposal_author"),
        ("demand_author", "not_proposal_author"),
        ("anonymous", "not_authenticated"),
    ],
)
def test_who_may_post_a_new_version(
    who: str, code: str | None, owner: Any, designer: Any, second_designer: Any, rival: Any
) -> None:
    venture = venture_make(designer)
    member_add(venture, second_designer)
    demand = demand_make(owner)
    services.claim_make(demand=demand, user=designer, venture=venture)
    demand.refresh_from_db()
    proposal = proposal_make(demand, designer, venture=venture)
    actor = {
        "author": designer,
        "venture_member": second_designer,
        "rival": rival,
        "demand_author": owner,
        "anonymous": AnonymousUser(),
    }[who]
    before = counts()
    call = {"proposal": proposal, "user": actor, "description": "v2", "base_price": D("10")}
    if code is None:
        assert services.version_post(**call).number == 2
        return
    with pytest.raises(DomainError) as error:
        services.version_post(**call)
    assert error.value.code == code
    assert counts() == before
    proposal.refresh_from_db()
    assert proposal.current_version_number == 1


def test_no_new_version_once_the_round_is_closed(owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    services.round_open_next(demand=demand, user=owner)
    before = counts()
    with pytest.raises(DomainError) as error:
        services.version_post(proposal=proposal, user=designer, description="late", base_price=1)
    assert (error.value.code, error.value.status) == ("round_not_open", 409)
    assert counts() == before


def test_add_pictures_to_the_current_version_only(owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    first = selectors.version_get(proposal=proposal)
    added = services.version_picture_add(
        version=first, user=designer, picture=picture_upload(), caption="Front"
    )
    assert (added.caption, added.position) == ("Front", 0)
    assert types(demand)[-1] == "designs.picture.added"
    services.version_post(proposal=proposal, user=designer, description="v2", base_price=5)
    with pytest.raises(DomainError) as error:
        services.version_picture_add(version=first, user=designer, picture=picture_upload())
    assert error.value.code == "version_not_current"
    assert VersionPicture.objects.filter(version=first).count() == 1


# --- votes -------------------------------------------------------------------------------------


def test_a_fan_votes_once_per_round(
    owner: Any, designer: Any, second_designer: Any, fans: list[Any]
) -> None:
    demand = claimed_demand(owner, designer)
    services.claim_make(demand=demand, user=second_designer)
    first = proposal_make(demand, designer)
    second = proposal_make(demand, second_designer, title="Vacuum drawer")
    fan = fans[0]
    fan_make(demand, fan)
    services.vote_cast(proposal=first, user=fan)
    first.refresh_from_db()
    assert first.vote_count == 1
    before = counts()
    for proposal in (first, second):
        with pytest.raises(DomainError) as error:
            services.vote_cast(proposal=proposal, user=fan)
        assert (error.value.code, error.value.status) == ("already_voted", 409)
    assert counts() == before
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.vote_count, second.vote_count) == (1, 0)
    assert types(demand)[-1] == "designs.vote.cast"


def test_the_database_refuses_a_second_vote_in_a_round(
    owner: Any, designer: Any, fans: list[Any]
) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    round_one = Round.objects.get()
    Vote.objects.create(round=round_one, proposal=proposal, voter=fans[0])
    with pytest.raises(IntegrityError), transaction.atomic():
        Vote.objects.create(round=round_one, proposal=proposal, voter=fans[0])
    assert Vote.objects.count() == 1


def test_the_author_votes_and_votes_again_next_round(owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    services.vote_cast(proposal=proposal, user=owner)
    services.round_open_next(demand=demand, user=owner)
    again = proposal_make(demand, designer, title="Round two drawer")
    services.vote_cast(proposal=again, user=owner)
    assert Vote.objects.filter(voter=owner).count() == 2
    assert Round.objects.get(number=2).proposals.get().vote_count == 1


@pytest.mark.parametrize("who", ["rival", "anonymous"])
def test_only_fans_and_the_author_vote(who: str, owner: Any, designer: Any, rival: Any) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    actor = rival if who == "rival" else AnonymousUser()
    with pytest.raises(DomainError) as error:
        services.vote_cast(proposal=proposal, user=actor)
    assert error.value.code == ("not_allowed_to_vote" if who == "rival" else "not_authenticated")
    assert Vote.objects.count() == 0


def test_no_vote_for_ones_own_proposal(owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    fan_make(demand, designer)
    with pytest.raises(DomainError) as error:
        services.vote_cast(proposal=proposal, user=designer)
    assert (error.value.code, error.value.status) == ("own_proposal", 403)
    assert Vote.objects.count() == 0


def test_no_vote_in_a_closed_round(owner: Any, designer: Any, fans: list[Any]) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    fan_make(demand, fans[0])
    services.round_close(round=Round.objects.get(), user=owner)
    with pytest.raises(DomainError) as error:
        services.vote_cast(proposal=proposal, user=fans[0])
    assert (error.value.code, error.value.status) == ("round_not_open", 409)
    assert Vote.objects.count() == 0
    proposal.refresh_from_db()
    assert proposal.vote_count == 0


# --- comments ----------------------------------------------------------------------------------


def test_comments_and_threads(owner: Any, designer: Any, rival: Any) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    first = services.comment_post(proposal=proposal, user=rival, body="  Is it quiet?  ")
    reply = services.comment_post(
        proposal=proposal, user=designer, body="Yes, 32 dB.", parent=first
    )
    deeper = services.comment_post(proposal=proposal, user=rival, body="Great.", parent=reply)
    assert first.body == "Is it quiet?"
    assert (reply.parent, deeper.parent) == (first, first)
    proposal.refresh_from_db()
    assert proposal.comment_count == 3
    threads = list(selectors.comment_list(proposal=proposal))
    assert [[r.body for r in t.replies.all()] for t in threads] == [["Yes, 32 dB.", "Great."]]
    assert types(demand)[-3:] == ["designs.comment.posted"] * 3


@pytest.mark.parametrize(
    ("body", "code"), [("", "blank"), ("   ", "blank"), ("x" * 5001, "too_long")]
)
def test_bad_comments_write_nothing(
    body: str, code: str, owner: Any, designer: Any, rival: Any
) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    before = counts()
    with pytest.raises(DomainError) as error:
        services.comment_post(proposal=proposal, user=rival, body=body)
    assert (error.value.code, error.value.status) == (code, 422)
    assert counts() == before


def test_a_reply_must_stay_on_its_proposal(
    owner: Any, designer: Any, second_designer: Any, rival: Any
) -> None:
    demand = claimed_demand(owner, designer)
    services.claim_make(demand=demand, user=second_designer)
    first = proposal_make(demand, designer)
    other = proposal_make(demand, second_designer, title="Other")
    comment = services.comment_post(proposal=first, user=rival, body="Hello")
    with pytest.raises(DomainError) as error:
        services.comment_post(proposal=other, user=rival, body="Hi", parent=comment)
    assert error.value.code == "comment_parent_invalid"
    assert ProposalComment.objects.count() == 1


def test_a_comment_needs_a_signed_in_person(owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    with pytest.raises(DomainError) as error:
        services.comment_post(proposal=proposal, user=AnonymousUser(), body="Hi")
    assert error.value.status == 401
    assert ProposalComment.objects.count() == 0


# --- selection ---------------------------------------------------------------------------------


def test_the_author_picks_the_design(owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    services.version_post(proposal=proposal, user=designer, description="v2", base_price=D("4100"))
    proposal.refresh_from_db()
    selection = services.selection_make(demand=demand, user=owner, proposal=proposal)
    demand.refresh_from_db()
    assert demand.status == "pre_order"
    assert (
        selection.proposal,
        selection.version.number,
        selection.method,
        selection.selected_by,
    ) == (
        proposal,
        2,
        "author",
        owner,
    )
    assert Round.objects.get().status == "closed"
    assert types(demand)[-3:] == [
        "designs.round.closed",
        "designs.design.selected",
        "demands.demand.status_changed",
    ]
    assert selectors.selection_get(demand=demand) == selection
    with pytest.raises(DomainError) as error:
        services.selection_make(demand=demand, user=owner, proposal=proposal)
    assert (error.value.code, error.value.status) == ("selection_exists", 409)
    assert Selection.objects.count() == 1


def test_after_selection_no_more_versions_or_votes(
    owner: Any, designer: Any, fans: list[Any]
) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    fan_make(demand, fans[0])
    services.selection_make(demand=demand, user=owner, proposal=proposal)
    with pytest.raises(DomainError) as error:
        services.vote_cast(proposal=proposal, user=fans[0])
    assert error.value.code == "round_not_open"
    with pytest.raises(DomainError) as error:
        services.version_post(proposal=proposal, user=designer, description="late", base_price=1)
    assert error.value.code == "round_not_open"
    with pytest.raises(DomainError) as error:
        services.claim_withdraw(claim=Claim.objects.get(), user=designer)
    assert error.value.code == "selection_exists"


@pytest.mark.parametrize(
    ("who", "code", "status"),
    [
        ("anonymous", "not_authenticated", 401),
        ("author", None, None),
        ("rival", "not_allowed_to_select", 403),
        ("operator", "not_allowed_to_select", 403),
    ],
)
def test_who_may_pick_the_design(
    who: str,
    code: str | None,
    status: int | None,
    owner: Any,
    designer: Any,
    rival: Any,
    operator: Any,
) -> None:
    actor = {"anonymous": AnonymousUser(), "author": owner, "rival": rival, "operator": operator}[
        who
    ]
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    before = counts()
    if code is None:
        services.selection_make(demand=demand, user=actor, proposal=proposal)
        assert Selection.objects.count() == 1
        return
    with pytest.raises(DomainError) as error:
        services.selection_make(demand=demand, user=actor, proposal=proposal)
    assert (error.value.code, error.value.status) == (code, status)
    assert counts() == before
    demand.refresh_from_db()
    assert demand.status == "co_design"


def test_a_proposal_of_another_demand_cannot_be_picked(owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    other = claimed_demand(owner, designer)
    foreign = proposal_make(other, designer)
    with pytest.raises(DomainError) as error:
        services.selection_make(demand=demand, user=owner, proposal=foreign)
    assert (error.value.code, error.value.status) == ("proposal_not_found", 404)
    assert Selection.objects.count() == 0


def test_the_modes_do_not_mix(owner: Any, designer: Any) -> None:
    by_author = claimed_demand(owner, designer)
    by_vote = claimed_demand(owner, designer, selection_mode="vote")
    proposal = proposal_make(by_vote, designer)
    proposal_make(by_author, designer)
    with pytest.raises(DomainError) as error:
        services.selection_make(demand=by_vote, user=owner, proposal=proposal)
    assert error.value.code == "selection_mode_mismatch"
    with pytest.raises(DomainError) as error:
        services.selection_by_vote(demand=by_author, user=owner)
    assert error.value.code == "selection_mode_mismatch"
    assert Selection.objects.count() == 0


def _vote(proposal: Proposal, voter: Any) -> None:
    services.vote_cast(proposal=proposal, user=voter)


def _vote_demand(
    owner: Any, designer: Any, second_designer: Any, fans: list[Any]
) -> tuple[Demand, Proposal, Proposal]:
    demand = claimed_demand(owner, designer, selection_mode="vote")
    services.claim_make(demand=demand, user=second_designer)
    first = proposal_make(demand, designer, title="First posted")
    second = proposal_make(demand, second_designer, title="Second posted")
    for fan in fans:
        fan_make(demand, fan)
    return demand, first, second


def test_the_vote_picks_the_most_voted(
    owner: Any, designer: Any, second_designer: Any, fans: list[Any]
) -> None:
    demand, first, second = _vote_demand(owner, designer, second_designer, fans)
    _vote(first, fans[0])
    _vote(second, fans[1])
    _vote(second, fans[2])
    selection = services.selection_by_vote(demand=demand, user=owner)
    assert (selection.proposal, selection.method, selection.version.number) == (second, "vote", 1)
    demand.refresh_from_db()
    assert demand.status == "pre_order"
    event = AuditEvent.objects.get(type="designs.design.selected")
    assert (event.data["votes"], event.data["round"]) == ("2", "1")
    assert [row.votes for row in selectors.vote_tally(round=Round.objects.get())] == [2, 1]


def test_a_tie_goes_to_the_proposal_that_reached_its_count_first(
    owner: Any, designer: Any, second_designer: Any, fans: list[Any]
) -> None:
    demand, first, second = _vote_demand(owner, designer, second_designer, fans)
    # Second reaches 2 votes before first does; first was posted earlier.
    _vote(second, fans[0])
    _vote(first, fans[1])
    _vote(second, fans[2])
    _vote(first, fans[3])
    tally = selectors.vote_tally(round=Round.objects.get())
    assert [(row.place, row.proposal, row.votes) for row in tally] == [
        (1, second, 2),
        (2, first, 2),
    ]
    assert services.selection_by_vote(demand=demand, user=owner).proposal == second


def test_the_latest_round_decides(
    owner: Any, designer: Any, second_designer: Any, fans: list[Any]
) -> None:
    demand, first, _second = _vote_demand(owner, designer, second_designer, fans)
    _vote(first, fans[0])
    _vote(first, fans[1])
    services.round_open_next(demand=demand, user=owner)
    late = proposal_make(demand, second_designer, title="Round two")
    _vote(late, fans[0])
    assert services.selection_by_vote(demand=demand, user=owner).proposal == late


def test_no_votes_no_winner(
    owner: Any, designer: Any, second_designer: Any, fans: list[Any]
) -> None:
    demand, _first, _second = _vote_demand(owner, designer, second_designer, fans)
    before = counts()
    with pytest.raises(DomainError) as error:
        services.selection_by_vote(demand=demand, user=owner)
    assert (error.value.code, error.value.status) == ("no_votes", 409)
    assert counts() == before
    assert Round.objects.get().status == "open"


@pytest.mark.parametrize(
    ("who", "code", "status"),
    [
        ("anonymous", "not_authenticated", 401),
        ("author", None, None),
        ("rival", "not_allowed_to_select", 403),
        ("operator", None, None),
    ],
)
def test_who_may_close_the_vote(
    who: str,
    code: str | None,
    status: int | None,
    owner: Any,
    designer: Any,
    second_designer: Any,
    rival: Any,
    operator: Any,
    fans: list[Any],
) -> None:
    demand, first, _second = _vote_demand(owner, designer, second_designer, fans)
    _vote(first, fans[0])
    actor = {"anonymous": AnonymousUser(), "author": owner, "rival": rival, "operator": operator}[
        who
    ]
    before = counts()
    if code is None:
        selection = services.selection_by_vote(demand=demand, user=actor)
        assert (selection.proposal, selection.selected_by) == (first, actor)
        return
    with pytest.raises(DomainError) as error:
        services.selection_by_vote(demand=demand, user=actor)
    assert (error.value.code, error.value.status) == (code, status)
    assert counts() == before


# --- configurator ------------------------------------------------------------------------------


def test_configurator_of_the_chosen_design(owner: Any, designer: Any) -> None:
    demand = claimed_demand(owner, designer)
    proposal = proposal_make(demand, designer)
    with pytest.raises(DomainError) as error:
        selectors.configurator_get(demand=demand)
    assert (error.value.code, error.value.status) == ("selection_not_found", 404)
    services.selection_make(demand=demand, user=owner, proposal=proposal)
    configurator = selectors.configurator_get(demand=demand)
    assert configurator.base_price == D("3999.00")
    assert configurator.currency == "CNY"
    assert [(g.name, [o.value for o in g.options]) for g in configurator.groups] == [
        ("Colour", ["Graphite", "Red"]),
        ("Capacity", ["450 L", "350 L"]),
    ]
    assert [g.default.value for g in configurator.groups if g.default] == ["Graphite", "450 L"]
    assert (configurator.lowest_price, configurator.highest_price, configurator.default_price) == (
        D("3699.00"),
        D("4119.00"),
        D("3999.00"),
    )
    assert configurator.price({"Colour": "Red", "Capacity": "350 L"}) == D("3819.00")
