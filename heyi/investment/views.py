"""Pages of investment: ventures raising, a venture's investment page, rounds, bets, mine."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from heyi.accounts.selectors import user_get_by_email, user_is_operator
from heyi.core.errors import DomainError
from heyi.investment import selectors, services
from heyi.investment.forms import BetProposeForm, CommitmentForm, RoundOpenForm
from heyi.investment.models import BetStatus, RoundStatus
from heyi.ventures import lifecycle
from heyi.ventures.models import Venture, VentureStatus
from heyi.ventures.selectors import membership_is_active, venture_get

# How many raising ventures one page of /investment/ shows (each reads its own record).
PER_PAGE = 10


def _error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"message": error.message}, status=error.status)


def _form_errors(form: Any) -> str:
    return " ".join(
        f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errors)}".strip(": ")
        for name, errors in form.errors.items()
    )


def _act(request: HttpRequest, back: str, call: Callable[[], Any], done: str) -> HttpResponse:
    """Run one service call for a form post; show its refusal or `done`, then go back."""
    try:
        call()
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(back)
    messages.success(request, done)
    return redirect(back)


def _lifecycle_steps(venture: Venture) -> list[dict[str, Any]]:
    main = [
        VentureStatus.INCUBATING,
        VentureStatus.ACCELERATING,
        VentureStatus.RAISING,
        VentureStatus.SPUN_OFF,
    ]
    reached = main.index(VentureStatus(venture.status)) if venture.status in main else -1
    return [
        {"value": s.value, "label": s.label, "done": i < reached, "current": i == reached}
        for i, s in enumerate(main)
    ]


@login_required
def investment_home(request: HttpRequest) -> HttpResponse:
    """Ventures raising now, with their traction; then those accelerating towards a round."""
    rounds = Paginator(selectors.round_list_raising(), PER_PAGE).get_page(request.GET.get("page"))
    raising = [
        {"round": r, "traction": selectors.traction(venture=r.venture, viewer=request.user)}
        for r in rounds
    ]
    accelerating = selectors.venture_list_investable().filter(status=VentureStatus.ACCELERATING)[
        :20
    ]
    return render(
        request,
        "investment/home.html",
        {
            "raising": raising,
            "page": rounds,
            "accelerating": accelerating,
            "is_investor": selectors.user_is_investor(request.user),
        },
    )


@login_required
def venture_investment(request: HttpRequest, slug: str) -> HttpResponse:
    """A venture's lifecycle, rounds, cap table, traction and bet contracts."""
    try:
        venture = venture_get(slug=slug)
    except DomainError as error:
        return _error_page(request, error)
    user = request.user
    is_member = membership_is_active(venture=venture, user=user)
    is_investor = selectors.user_is_investor(user)
    open_round = selectors.round_open_for_venture(venture=venture)
    mine = (
        selectors.commitment_live_for(funding_round=open_round, investor=user)
        if open_round
        else None
    )
    bets = list(selectors.bet_list_for_venture(venture=venture))
    return render(
        request,
        "investment/venture.html",
        {
            "venture": venture,
            "is_member": is_member,
            "is_investor": is_investor,
            "is_operator": user_is_operator(user),
            "steps": _lifecycle_steps(venture),
            "member_moves": lifecycle.moves_for(venture.status, party=lifecycle.Party.MEMBER),
            "open_round": open_round,
            "open_committed": (
                selectors.round_committed(funding_round=open_round) if open_round else None
            ),
            "my_commitment": mine,
            "rounds": selectors.round_list_for_venture(venture=venture),
            "cap_table": selectors.cap_table(venture=venture),
            "traction": selectors.traction(venture=venture, viewer=user),
            "bets": [
                {"bet": bet, "progress": selectors.bet_progress(bet=bet)}
                for bet in bets
                if bet.status in (BetStatus.ACTIVE, BetStatus.PROPOSED)
            ],
            "past_bets": [
                bet for bet in bets if bet.status not in (BetStatus.ACTIVE, BetStatus.PROPOSED)
            ],
            "round_form": RoundOpenForm(),
            "commit_form": CommitmentForm(initial={"amount": mine.amount if mine else None}),
            "bet_form": BetProposeForm(),
            "award_bet_days": services.bet_award_days(),
            "award_bet_percent": (services.bet_award_reward_rate() * 100).normalize(),
        },
    )


def _venture_page(slug: str) -> str:
    return reverse("investment:venture", args=[slug])


@login_required
@require_POST
def round_open(request: HttpRequest, slug: str) -> HttpResponse:
    back = _venture_page(slug)
    form = RoundOpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(back)
    try:
        venture = venture_get(slug=slug)
    except DomainError as error:
        return _error_page(request, error)
    return _act(
        request,
        back,
        lambda: services.round_open(venture=venture, actor=request.user, **form.cleaned_data),  # type: ignore[arg-type]
        _("The round is open: %(venture)s is raising.") % {"venture": venture.name},
    )


@login_required
@require_POST
def publishing_set(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        venture = venture_get(slug=slug)
    except DomainError as error:
        return _error_page(request, error)
    publishes = request.POST.get("publishes") == "1"
    return _act(
        request,
        _venture_page(slug),
        lambda: services.investor_publishing_set(
            venture=venture,
            actor=request.user,  # type: ignore[arg-type]
            publishes=publishes,
        ),
        _("Investors now see the statements.")
        if publishes
        else _("Investors no longer see the statements."),
    )


def _round_or_page(request: HttpRequest, uid: uuid.UUID) -> Any:
    try:
        return selectors.round_get(uid=uid)
    except DomainError as error:
        return _error_page(request, error)


@login_required
def round_detail(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    funding_round = _round_or_page(request, uid)
    if isinstance(funding_round, HttpResponse):
        return funding_round
    user = request.user
    committed, count = selectors.round_committed(funding_round=funding_round)
    mine = selectors.commitment_live_for(funding_round=funding_round, investor=user)
    return render(
        request,
        "investment/round.html",
        {
            "round": funding_round,
            "venture": funding_round.venture,
            "committed": committed,
            "commitment_count": count,
            "commitments": selectors.commitment_list_for_round(
                funding_round=funding_round, viewer=user
            ),
            "my_commitment": mine,
            "is_member": membership_is_active(venture=funding_round.venture, user=user),
            "is_investor": selectors.user_is_investor(user),
            "is_open": funding_round.status == RoundStatus.OPEN,
            "commit_form": CommitmentForm(initial={"amount": mine.amount if mine else None}),
            "entries": funding_round.cap_table_entries.select_related("holder").order_by("pk"),
        },
    )


@login_required
@require_POST
def commitment_set(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    funding_round = _round_or_page(request, uid)
    if isinstance(funding_round, HttpResponse):
        return funding_round
    if request.POST.get("back") == "venture":
        back = _venture_page(funding_round.venture.slug)
    else:
        back = reverse("investment:round", args=[uid])
    form = CommitmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(back)
    return _act(
        request,
        back,
        lambda: services.commitment_set(
            funding_round=funding_round,
            actor=request.user,  # type: ignore[arg-type]
            amount=form.cleaned_data["amount"],
        ),
        _("Your commitment is recorded; nothing is charged until the round closes."),
    )


@login_required
@require_POST
def commitment_withdraw(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    funding_round = _round_or_page(request, uid)
    if isinstance(funding_round, HttpResponse):
        return funding_round
    return _act(
        request,
        reverse("investment:round", args=[uid]),
        lambda: services.commitment_withdraw(funding_round=funding_round, actor=request.user),  # type: ignore[arg-type]
        _("Your commitment is withdrawn."),
    )


@login_required
@require_POST
def round_close(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    funding_round = _round_or_page(request, uid)
    if isinstance(funding_round, HttpResponse):
        return funding_round
    return _act(
        request,
        reverse("investment:round", args=[uid]),
        lambda: services.round_close(funding_round=funding_round, actor=request.user),  # type: ignore[arg-type]
        _("The round is closed."),
    )


@login_required
@require_POST
def round_cancel(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    funding_round = _round_or_page(request, uid)
    if isinstance(funding_round, HttpResponse):
        return funding_round
    return _act(
        request,
        reverse("investment:round", args=[uid]),
        lambda: services.round_cancel(funding_round=funding_round, actor=request.user),  # type: ignore[arg-type]
        _("The round is cancelled; every commitment is released."),
    )


@login_required
@require_POST
def bet_propose(request: HttpRequest, slug: str) -> HttpResponse:
    back = _venture_page(slug)
    form = BetProposeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(back)
    try:
        venture = venture_get(slug=slug)
        data = dict(form.cleaned_data)
        email = data.pop("sponsor_email")
        sponsor = user_get_by_email(email=email) if email else None
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(back)
    return _act(
        request,
        back,
        lambda: services.bet_propose(venture=venture, actor=request.user, sponsor=sponsor, **data),  # type: ignore[arg-type]
        _("The bet is proposed; the other side signs it."),
    )


def _bet_or_page(request: HttpRequest, uid: uuid.UUID) -> Any:
    try:
        return selectors.bet_get(uid=uid)
    except DomainError as error:
        return _error_page(request, error)


@login_required
def bet_detail(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    bet = _bet_or_page(request, uid)
    if isinstance(bet, HttpResponse):
        return bet
    user = request.user
    is_member = membership_is_active(venture=bet.venture, user=user)
    is_sponsor = user_is_operator(user) if bet.sponsor_id is None else bet.sponsor_id == user.pk
    return render(
        request,
        "investment/bet.html",
        {
            "bet": bet,
            "venture": bet.venture,
            "progress": selectors.bet_progress(bet=bet),
            "can_sign": bet.status == BetStatus.PROPOSED
            and (
                (is_member and bet.venture_accepted_by_id is None)
                or (is_sponsor and bet.sponsor_accepted_by_id is None)
            ),
            "can_cancel": bet.status == BetStatus.PROPOSED and (is_member or is_sponsor),
        },
    )


@login_required
@require_POST
def bet_sign(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    bet = _bet_or_page(request, uid)
    if isinstance(bet, HttpResponse):
        return bet
    return _act(
        request,
        reverse("investment:bet", args=[uid]),
        lambda: services.bet_sign(bet=bet, actor=request.user),  # type: ignore[arg-type]
        _("You accepted the bet."),
    )


@login_required
@require_POST
def bet_cancel(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    bet = _bet_or_page(request, uid)
    if isinstance(bet, HttpResponse):
        return bet
    return _act(
        request,
        reverse("investment:bet", args=[uid]),
        lambda: services.bet_cancel(bet=bet, actor=request.user),  # type: ignore[arg-type]
        _("The bet is cancelled."),
    )


@login_required
def my_investments(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "investment/mine.html",
        {
            "commitments": selectors.commitment_list_for_investor(investor=user),
            "holdings": selectors.holding_list_for_investor(investor=user),
            "bets": selectors.bet_list_for_sponsor(user=user),
            "is_investor": selectors.user_is_investor(user),
        },
    )
