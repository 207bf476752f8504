"""Pages of value: an order's value split, a venture's pay rule and people–order–pay table, and
the platform's published share rates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from heyi.accounts.selectors import user_is_operator
from heyi.core.errors import DomainError
from heyi.ledger.models import ShareRuleScope
from heyi.ledger.services import share_rule_publish
from heyi.ledger.share import ShareTerms
from heyi.ledger.share_selectors import (
    share_rule_history,
    share_rule_in_force,
    share_terms_in_words,
)
from heyi.value import selectors, services
from heyi.value.charts import split_bar_svg
from heyi.value.forms import RATE_FIELDS, PayRuleForm, ShareRuleForm
from heyi.ventures.selectors import membership_is_active, venture_get


def _error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"message": error.message}, status=error.status)


@login_required
def order_value_split(request: HttpRequest, number: int) -> HttpResponse:
    """Every line of an order's split, the rule behind it, the posting and the members' pay."""
    try:
        split = selectors.value_split_for_viewer(number=number, user=request.user)
    except DomainError as error:
        return _error_page(request, error)
    return render(
        request,
        "value/order_value_split.html",
        {
            "split": split,
            "order": split.order,
            "chart": split_bar_svg(split.rows),
        },
    )


def _pay_page(
    request: HttpRequest, slug: str, *, form: PayRuleForm | None = None, status: int = 200
) -> HttpResponse:
    try:
        venture = venture_get(slug=slug)
        table = selectors.pay_table_for_viewer(
            venture=venture, user=request.user, page=request.GET.get("page", 1)
        )
    except DomainError as error:
        return _error_page(request, error)
    rules = selectors.pay_rule_list(venture=venture)
    if form is None:
        current = rules[0] if rules else None
        form = PayRuleForm(
            initial={
                "pool_percent": current.pool_percent if current else "",
                "basis": current.basis if current else "steps",
            }
        )
    return render(
        request,
        "value/venture_pay.html",
        {
            "venture": venture,
            "table": table,
            "rules": rules,
            "current_rule": rules[0] if rules else None,
            "form": form,
            "is_member": membership_is_active(venture=venture, user=request.user),
        },
        status=status,
    )


@login_required
def venture_pay(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the pay rule's versions and the people–order–pay table. POST: publish a new
    version of the pay rule (members and operators)."""
    if request.method != "POST":
        return _pay_page(request, slug)
    form = PayRuleForm(request.POST)
    if not form.is_valid():
        return _pay_page(request, slug, form=form, status=422)
    try:
        venture = venture_get(slug=slug)
        services.pay_rule_publish(
            venture=venture,
            actor=request.user,
            pool_percent=form.cleaned_data["pool_percent"],
            basis=form.cleaned_data["basis"],
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        if error.status in (403, 404):
            return _error_page(request, error)
        form.add_error(None, error.message)
        return _pay_page(request, slug, form=form, status=error.status)
    messages.success(request, _("The new pay rule is published: it applies from the next order."))
    return redirect("value:venture_pay", slug=slug)


def _share_rules_page(
    request: HttpRequest, *, form: ShareRuleForm | None = None, status: int = 200
) -> HttpResponse:
    is_operator = user_is_operator(request.user)
    current: list[dict[str, Any]] = []
    for scope in (ShareRuleScope.DEFAULT_PRODUCTION, ShareRuleScope.DEFAULT_STANDARD):
        rule = share_rule_in_force(scope=scope)
        current.append(
            {
                "scope": ShareRuleScope(scope).label,
                "rule": rule,
                "rates": share_terms_in_words(ShareTerms.from_json(rule.terms)),
            }
        )
    history = [
        {
            "rule": rule,
            "rates": share_terms_in_words(ShareTerms.from_json(rule.terms)),
        }
        for rule in share_rule_history()
    ]
    if form is None and is_operator:
        production = ShareTerms.from_json(current[0]["rule"].terms)
        form = ShareRuleForm(
            initial={
                "scope": ShareRuleScope.DEFAULT_PRODUCTION.value,
                **{name: getattr(production, name) for name, _label in RATE_FIELDS},
            }
        )
    return render(
        request,
        "value/share_rules.html",
        {"current": current, "history": history, "form": form, "is_operator": is_operator},
        status=status,
    )


def share_rules(request: HttpRequest) -> HttpResponse:
    """GET: the published default rates and their history. POST: an operator publishes new
    rates for production tenders or for standard products."""
    if request.method != "POST":
        return _share_rules_page(request)
    if not request.user.is_authenticated:
        return redirect(f"{_login_url()}?next={request.path}")
    if not user_is_operator(request.user):
        return render(
            request,
            "error.html",
            {"message": _("Only an operator may publish share rates.")},
            status=403,
        )
    form = ShareRuleForm(request.POST)
    if not form.is_valid():
        return _share_rules_page(request, form=form, status=422)
    try:
        share_rule_publish(
            scope=form.cleaned_data["scope"],
            terms=form.terms(),
            actor=request.user,
            note=form.cleaned_data["note"],
        )
    except DomainError as error:
        form.add_error(None, error.message)
        return _share_rules_page(request, form=form, status=error.status)
    messages.success(
        request, _("The new rates are published: tenders opened from now on carry them.")
    )
    return redirect("value:share_rules")


def _login_url() -> str:
    from django.conf import settings
    from django.shortcuts import resolve_url

    return str(resolve_url(settings.LOGIN_URL))
