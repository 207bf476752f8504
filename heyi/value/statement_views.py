"""Pages of the win-win value-added statements: a venture's and the platform's, with CSV."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from heyi.accounts.selectors import operator_require
from heyi.core.errors import DomainError
from heyi.value import statements
from heyi.value.statement_charts import Series, bar_chart


def _error_page(request: HttpRequest, error: DomainError) -> HttpResponse:
    return render(request, "error.html", {"message": error.message}, status=error.status)


def _window(request: HttpRequest) -> tuple[statements.Period, Any, Any]:
    period = statements.period_parse(request.GET.get("period"))
    first, last = statements.window_parse(
        period=period,
        start_text=request.GET.get("from") or None,
        end_text=request.GET.get("to") or None,
    )
    return period, first, last


def _charts(statement: statements.Statement) -> list[dict[str, Any]]:
    labels = [row.label for row in statement.rows]
    money = bar_chart(
        title=_("Revenue, costs and marginal income"),
        labels=labels,
        series=[
            Series(_("Revenue"), [row.figures.revenue for row in statement.rows]),
            Series(_("Costs"), [row.figures.costs for row in statement.rows]),
            Series(_("Marginal income"), [row.figures.marginal_income for row in statement.rows]),
        ],
        empty_text=_("No settled orders in this period yet."),
    )
    users = bar_chart(
        title=_("Users served"),
        labels=labels,
        series=[
            Series(_("Users served"), [row.figures.users_served for row in statement.rows]),
            Series(_("Repeat users"), [row.figures.repeat_users for row in statement.rows]),
        ],
        empty_text=_("No deliveries in this period yet."),
    )
    # The SVG is built from escaped text only (statement_charts escapes every label).
    return [
        {"name": _("Money"), "svg": mark_safe(money)},
        {"name": _("Users"), "svg": mark_safe(users)},
    ]


def _csv(statement: statements.Statement, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    csv.writer(response, lineterminator="\n").writerows(statements.statement_csv_rows(statement))
    return response


def _page(
    request: HttpRequest,
    *,
    title: str,
    csv_url: str,
    here: str,
    build: Any,
    extra: dict[str, Any],
) -> HttpResponse:
    context: dict[str, Any] = {
        "title": title,
        "here": here,
        "periods": [period.value for period in statements.Period],
        "period": request.GET.get("period") or statements.Period.MONTH.value,
        "first": request.GET.get("from", ""),
        "last": request.GET.get("to", ""),
        **extra,
    }
    try:
        period, first, last = _window(request)
    except DomainError as error:
        context["error"] = error.message
        return render(request, "value/statement.html", context, status=error.status)
    statement = build(period, first, last)
    query = f"period={period.value}&from={first.isoformat()}&to={last.isoformat()}"
    context.update(
        statement=statement,
        period=period.value,
        first=first.isoformat(),
        last=last.isoformat(),
        charts=_charts(statement),
        csv_url=f"{csv_url}?{query}",
    )
    return render(request, "value/statement.html", context)


@login_required
def venture_statements(request: HttpRequest, slug: str) -> HttpResponse:
    """The venture's win-win value-added statement (members, operators, investors if published)."""
    try:
        venture = statements.venture_get_for_statement(slug=slug, user=request.user)
    except DomainError as error:
        return _error_page(request, error)
    return _page(
        request,
        title=_("Win-win value-added statement of %(name)s") % {"name": venture.name},
        csv_url=reverse("value:venture_statements_csv", args=[venture.slug]),
        here=reverse("value:venture_statements", args=[venture.slug]),
        build=lambda period, first, last: statements.venture_statement(
            venture=venture, period=period, first=first, last=last
        ),
        extra={"venture": venture},
    )


@login_required
def venture_statements_csv(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        venture = statements.venture_get_for_statement(slug=slug, user=request.user)
        period, first, last = _window(request)
    except DomainError as error:
        return _error_page(request, error)
    statement = statements.venture_statement(venture=venture, period=period, first=first, last=last)
    return _csv(statement, f"statement-{venture.slug}-{period.value}-{first}-{last}.csv")


@login_required
def platform_statements(request: HttpRequest) -> HttpResponse:
    """The sum over all ventures, the platform's own line and each venture's totals."""
    try:
        operator_require(request.user, _("Only operators may see the platform's statement."))
    except DomainError as error:
        return _error_page(request, error)
    return _page(
        request,
        title=_("Win-win value-added statement of the platform"),
        csv_url=reverse("value:platform_statements_csv"),
        here=reverse("value:platform_statements"),
        build=lambda period, first, last: statements.platform_statement(
            period=period, first=first, last=last
        ),
        extra={},
    )


@login_required
def platform_statements_csv(request: HttpRequest) -> HttpResponse:
    try:
        operator_require(request.user, _("Only operators may see the platform's statement."))
        period, first, last = _window(request)
    except DomainError as error:
        return _error_page(request, error)
    statement = statements.platform_statement(period=period, first=first, last=last)
    return _csv(statement, f"statement-platform-{period.value}-{first}-{last}.csv")
