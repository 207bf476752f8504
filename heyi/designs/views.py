"""Co-design pages: a demand's claims, rounds and proposals; a proposal with its versions and threads."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from heyi.core.errors import DomainError
from heyi.demands.models import Demand, DemandStatus, SelectionMode
from heyi.demands.selectors import demand_get
from heyi.designs import pricing, selectors, services
from heyi.designs.forms import (
    ClaimForm,
    CommentForm,
    ProposalForm,
    SelectionForm,
    VersionForm,
    modules_to_text,
    options_to_text,
)
from heyi.designs.models import RoundStatus
from heyi.ventures.selectors import venture_get


def _error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"message": error.message}, status=error.status)


def _demand_or_error(request: HttpRequest, number: int) -> Demand | HttpResponse:
    try:
        return demand_get(number=number)
    except DomainError as error:
        return _error_page(request, error)


def _back_to_demand(number: int) -> HttpResponse:
    return redirect("designs:demand", number)


# --- The co-design page ----------------------------------------------------------------------


def demand_co_design(request: HttpRequest, number: int) -> HttpResponse:
    demand = _demand_or_error(request, number)
    if isinstance(demand, HttpResponse):
        return demand
    return render(request, "designs/demand.html", _demand_context(request, demand))


def _demand_context(request: HttpRequest, demand: Demand, **extra: Any) -> dict[str, Any]:
    user = request.user
    signed_in = selectors.user_is_signed_in(user)
    rounds = selectors.round_list(demand=demand)
    open_round = next((r for r in rounds if r.status == RoundStatus.OPEN), None)
    latest_round = rounds[-1] if rounds else None
    selection = selectors.selection_find(demand=demand)
    claims = list(selectors.claim_list(demand=demand))
    ventures = list(selectors.claimable_venture_list(user=user)) if signed_in else []
    venture_ids = {v.pk for v in ventures}
    my_claims = [
        c
        for c in claims
        if signed_in
        and ((c.venture_id is None and c.claimant_id == user.pk) or c.venture_id in venture_ids)
    ]
    is_author = selectors.user_is_demand_author(demand=demand, user=user)
    can_vote = bool(open_round) and (is_author or selectors.user_is_fan(demand=demand, user=user))
    my_vote = selectors.vote_get_for_user(round=open_round, user=user) if open_round else None
    my_proposal_ids = set()
    if signed_in:
        for round in rounds:
            for proposal in round.proposals.all():
                if proposal.author_id == user.pk or proposal.venture_id in venture_ids:
                    my_proposal_ids.add(proposal.pk)
    claimable = demand.status in services.CLAIMABLE_STATUSES and selection is None
    in_co_design = demand.status == DemandStatus.CO_DESIGN and selection is None
    context = {
        "demand": demand,
        "rounds": list(reversed(rounds)),
        "open_round": open_round,
        "latest_round": latest_round,
        "selection": selection,
        "configurator": selectors.configurator_get(demand=demand) if selection else None,
        "claims": claims,
        "my_claims": my_claims,
        "is_author": is_author,
        "can_vote": can_vote,
        "my_vote": my_vote,
        "my_proposal_ids": my_proposal_ids,
        "claimable": claimable,
        "in_co_design": in_co_design,
        "author_picks": demand.selection_mode == SelectionMode.AUTHOR,
        "can_close_vote": in_co_design
        and demand.selection_mode == SelectionMode.VOTE
        and selectors.user_can_close_vote(demand=demand, user=user),
        "claim_form": extra.pop("claim_form", None)
        or ClaimForm(
            ventures=[v for v in ventures if not any(c.venture_id == v.pk for c in claims)],
            include_self=not any(c.venture_id is None for c in my_claims),
        ),
    }
    context.update(extra)
    return context


@login_required
@require_POST
def claim_make(request: HttpRequest, number: int) -> HttpResponse:
    demand = _demand_or_error(request, number)
    if isinstance(demand, HttpResponse):
        return demand
    ventures = list(selectors.claimable_venture_list(user=request.user))
    form = ClaimForm(request.POST, ventures=ventures)
    if form.is_valid():
        try:
            slug = form.cleaned_data["venture"]
            services.claim_make(
                demand=demand,
                user=request.user,
                venture=venture_get(slug=slug) if slug else None,
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your claim is in. You can now post proposals."))
            return _back_to_demand(number)
    context = _demand_context(request, demand, claim_form=form)
    return render(request, "designs/demand.html", context, status=422)


@login_required
@require_POST
def claim_withdraw(request: HttpRequest, number: int, uid: uuid.UUID) -> HttpResponse:
    try:
        services.claim_withdraw(claim=selectors.claim_get(uid=uid), user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The claim is withdrawn."))
    return _back_to_demand(number)


@login_required
@require_POST
def round_open_next(request: HttpRequest, number: int) -> HttpResponse:
    demand = _demand_or_error(request, number)
    if isinstance(demand, HttpResponse):
        return demand
    try:
        round = services.round_open_next(demand=demand, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Round %(number)d is open.") % {"number": round.number})
    return _back_to_demand(number)


@login_required
@require_POST
def round_close(request: HttpRequest, number: int, uid: uuid.UUID) -> HttpResponse:
    try:
        round = services.round_close(round=selectors.round_get(uid=uid), user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Round %(number)d is closed.") % {"number": round.number})
    return _back_to_demand(number)


@login_required
@require_POST
def selection_make(request: HttpRequest, number: int) -> HttpResponse:
    demand = _demand_or_error(request, number)
    if isinstance(demand, HttpResponse):
        return demand
    form = SelectionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a proposal."))
        return _back_to_demand(number)
    try:
        proposal = selectors.proposal_get(uid=form.cleaned_data["proposal"])
        services.selection_make(demand=demand, user=request.user, proposal=proposal)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("“%(title)s” is the chosen design. The demand moves on to pre-order.")
            % {"title": proposal.title},
        )
    return _back_to_demand(number)


@login_required
@require_POST
def selection_by_vote(request: HttpRequest, number: int) -> HttpResponse:
    demand = _demand_or_error(request, number)
    if isinstance(demand, HttpResponse):
        return demand
    try:
        selection = services.selection_by_vote(demand=demand, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The vote is closed: “%(title)s” is the chosen design.")
            % {"title": selection.proposal.title},
        )
    return _back_to_demand(number)


# --- Proposal forms --------------------------------------------------------------------------


@login_required
def proposal_new(request: HttpRequest, number: int) -> HttpResponse:
    demand = _demand_or_error(request, number)
    if isinstance(demand, HttpResponse):
        return demand
    claims = selectors.claim_list_for_user(demand=demand, user=request.user)
    open_round = selectors.round_open_find(demand=demand)
    form = ProposalForm(request.POST or None, request.FILES or None, claims=claims)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                proposal = services.proposal_post(
                    demand=demand,
                    user=request.user,
                    venture=venture_get(slug=data["venture"]) if data["venture"] else None,
                    title=data["title"],
                    description=data["description"],
                    base_price=data["base_price"],
                    modules=data["modules"],
                    options=data["options"],
                    pictures=data["pictures"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your proposal is posted."))
                return redirect("designs:proposal", proposal.uid)
        status = 422
    return render(
        request,
        "designs/proposal_form.html",
        {
            "demand": demand,
            "form": form,
            "can_post": bool(claims),
            "open_round": open_round,
            "is_new": True,
            "action": reverse("designs:proposal_new", args=[number]),
        },
        status=status,
    )


@login_required
def version_new(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    try:
        proposal = selectors.proposal_get(uid=uid)
        current = selectors.version_get(proposal=proposal)
    except DomainError as error:
        return _error_page(request, error)
    if not selectors.user_acts_for_proposal(proposal=proposal, user=request.user):
        return render(
            request,
            "error.html",
            {"message": _("Only the proposal's author or its venture's members may change it.")},
            status=403,
        )
    initial = {
        "description": current.summary,
        "base_price": current.base_price,
        "modules": modules_to_text(current.modules.all()),
        "options": options_to_text(current.options.all()),
        "keep_pictures": True,
    }
    form = VersionForm(request.POST or None, request.FILES or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                version = services.version_post(
                    proposal=proposal,
                    user=request.user,
                    description=data["description"],
                    base_price=data["base_price"],
                    modules=data["modules"],
                    options=data["options"],
                    pictures=data["pictures"],
                    keep_pictures=data["keep_pictures"],
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, _("Version %(number)d is posted.") % {"number": version.number}
                )
                return redirect("designs:proposal", proposal.uid)
        status = 422
    return render(
        request,
        "designs/proposal_form.html",
        {
            "demand": proposal.demand,
            "proposal": proposal,
            "current": current,
            "form": form,
            "open_round": proposal.round if proposal.round.status == RoundStatus.OPEN else None,
            "can_post": True,
            "is_new": False,
            "action": reverse("designs:version_new", args=[proposal.uid]),
        },
        status=status,
    )


# --- The proposal page -----------------------------------------------------------------------


def proposal_detail(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    try:
        proposal = selectors.proposal_get(uid=uid)
    except DomainError as error:
        return _error_page(request, error)
    return render(request, "designs/proposal.html", _proposal_context(request, proposal))


def _proposal_context(request: HttpRequest, proposal: Any, **extra: Any) -> dict[str, Any]:
    user = request.user
    demand = proposal.demand
    wanted = request.GET.get("version", "")
    number = int(wanted) if wanted.isdigit() else None
    try:
        version = selectors.version_get(proposal=proposal, number=number)
    except DomainError:
        version = selectors.version_get(proposal=proposal)
        messages.warning(request, _("There is no such version; here is the current one."))
    round_open = proposal.round.status == RoundStatus.OPEN
    selection = selectors.selection_find(demand=demand)
    acts_for = selectors.user_acts_for_proposal(proposal=proposal, user=user)
    can_vote = (
        round_open
        and selection is None
        and not acts_for
        and selectors.user_can_vote(demand=demand, user=user)
    )
    my_vote = selectors.vote_get_for_user(round=proposal.round, user=user)
    options = list(version.options.all())
    context = {
        "demand": demand,
        "proposal": proposal,
        "version": version,
        "versions": list(selectors.version_list(proposal=proposal)),
        "modules": list(version.modules.all()),
        "option_groups": pricing.option_groups(options),
        "pictures": list(version.pictures.all()),
        "lowest_price": pricing.lowest_price(version.base_price, options),
        "highest_price": pricing.highest_price(version.base_price, options),
        "has_options": bool(options),
        "threads": list(selectors.comment_list(proposal=proposal)),
        "comment_form": extra.pop("comment_form", None) or CommentForm(),
        "round_open": round_open,
        "selection": selection,
        "is_selected": selection is not None and selection.proposal_id == proposal.pk,
        "can_revise": acts_for and round_open and selection is None,
        "can_vote": can_vote,
        "my_vote": my_vote,
        "is_current": version.number == proposal.current_version_number,
    }
    context.update(extra)
    return context


@login_required
@require_POST
def vote_cast(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    try:
        proposal = selectors.proposal_get(uid=uid)
    except DomainError as error:
        return _error_page(request, error)
    try:
        services.vote_cast(proposal=proposal, user=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your vote is counted."))
    if request.POST.get("next") == "demand":
        return _back_to_demand(proposal.demand.number)
    return redirect("designs:proposal", uid)


@login_required
@require_POST
def comment_post(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    try:
        proposal = selectors.proposal_get(uid=uid)
    except DomainError as error:
        return _error_page(request, error)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            parent_uid = form.cleaned_data["parent"]
            services.comment_post(
                proposal=proposal,
                user=request.user,
                body=form.cleaned_data["body"],
                parent=selectors.comment_get(uid=parent_uid) if parent_uid else None,
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your comment is posted."))
            return redirect(reverse("designs:proposal", args=[uid]) + "#comments")
    context = _proposal_context(request, proposal, comment_form=form)
    return render(request, "designs/proposal.html", context, status=422)
