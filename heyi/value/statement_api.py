"""The JSON API of the win-win value-added statements (and their CSV with `format=csv`)."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from heyi.accounts.selectors import operator_require
from heyi.value import statements

router = Router(tags=["statements"])


class FiguresOut(Schema):
    users_served: int
    repeat_users: int
    fans: int
    orders_delivered: int
    on_time_rate: Decimal | None
    orders_completed: int
    revenue: Decimal
    costs: Decimal
    marginal_income: Decimal
    shared_with_members: Decimal
    shared_with_partners: Decimal
    profit_retained: Decimal


class PlatformFiguresOut(Schema):
    fees: Decimal
    margin: Decimal
    delivery: Decimal
    compensation_paid: Decimal
    compensation_recovered: Decimal
    compensation_borne: Decimal
    income: Decimal


class StatementRowOut(Schema):
    label: str
    first_day: date
    last_day: date
    figures: FiguresOut
    platform: PlatformFiguresOut | None = None


class VentureLineOut(Schema):
    venture: str  # the slug
    name: str
    figures: FiguresOut


class StatementOut(Schema):
    venture: str | None  # the slug; none for the platform's statement
    period: str
    first_day: date
    last_day: date
    currency: str
    rows: list[StatementRowOut]
    totals: FiguresOut
    platform_totals: PlatformFiguresOut | None = None
    ventures: list[VentureLineOut] = []


def _out(statement: statements.Statement) -> dict[str, Any]:
    return {
        "venture": statement.venture.slug if statement.venture else None,
        "period": statement.period.value,
        "first_day": statement.start,
        "last_day": statement.end,
        "currency": "CNY",
        "rows": [
            {
                "label": row.label,
                "first_day": row.start,
                "last_day": row.end,
                "figures": row.figures,
                "platform": row.platform,
            }
            for row in statement.rows
        ],
        "totals": statement.totals,
        "platform_totals": statement.platform_totals,
        "ventures": [
            {"venture": line.venture.slug, "name": line.venture.name, "figures": line.figures}
            for line in statement.ventures
        ],
    }


def _csv(statement: statements.Statement, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    csv.writer(response, lineterminator="\n").writerows(statements.statement_csv_rows(statement))
    return response


class WindowQuery(Schema):
    period: str | None = Field(None, description="day, month (the default) or quarter")
    first: str | None = Field(None, alias="from", description="the first day, YYYY-MM-DD")
    last: str | None = Field(None, alias="to", description="the last day, YYYY-MM-DD")
    format: Literal["json", "csv"] = "json"


def _window(query: WindowQuery) -> tuple[statements.Period, date, date]:
    """Checked by the statements module: a bad period or date is 422 `period_invalid`."""
    period = statements.period_parse(query.period)
    first, last = statements.window_parse(
        period=period, start_text=query.first or None, end_text=query.last or None
    )
    return period, first, last


@router.get("/ventures/{slug}/statements", response=StatementOut)
def venture_statement_get(request: HttpRequest, slug: str, query: Query[WindowQuery]) -> Any:
    """A venture's win-win value-added statement per period: `period` (day, month, quarter),
    `from` and `to` (YYYY-MM-DD, inclusive). Its members, operators, and investors when the
    venture publishes to them; anyone else gets 404. `format=csv` answers CSV."""
    venture = statements.venture_get_for_statement(slug=slug, user=request.user)
    period, first, last = _window(query)
    statement = statements.venture_statement(venture=venture, period=period, first=first, last=last)
    if query.format == "csv":
        return _csv(statement, f"statement-{venture.slug}-{period.value}-{first}-{last}.csv")
    return _out(statement)


@router.get("/statements", response=StatementOut)
def platform_statement_get(request: HttpRequest, query: Query[WindowQuery]) -> Any:
    """The platform's statement: the sum over all ventures, its own line and each venture's
    totals. Operators only."""
    operator_require(request.user)
    period, first, last = _window(query)
    statement = statements.platform_statement(period=period, first=first, last=last)
    if query.format == "csv":
        return _csv(statement, f"statement-platform-{period.value}-{first}-{last}.csv")
    return _out(statement)
