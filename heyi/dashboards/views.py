"""Pages of the dashboards: the public platform in numbers and the operators' dashboard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from heyi.accounts.selectors import operator_require
from heyi.core.errors import DomainError
from heyi.dashboards import selectors
from heyi.dashboards.charts import Series, bar_chart, hbar_chart, line_chart
from heyi.dashboards.selectors import Bucket, Numbers, Period, Phase
from heyi.demands.models import DemandStatus
from heyi.orders.models import OrderStage
from heyi.ventures.models import VentureStatus


def _number(value: float) -> str:
    """A count or an amount in the active language's format (grouped, 2 decimals if needed)."""
    places = 0 if value == int(value) else 2
    return formats.number_format(value, places, use_l10n=True, force_grouping=True)


def _percent(value: float) -> str:
    return f"{_number(value)} %"


def bucket_label(day: date, bucket: Bucket, *, short: bool = False) -> str:
    """The bucket's first day (its month for months) in the language's format; `short` for a
    chart's axis uses the month's abbreviation where the format writes its full name."""
    name = "YEAR_MONTH_FORMAT" if bucket == Bucket.MONTH else "MONTH_DAY_FORMAT"
    pattern = str(formats.get_format(name))
    return formats.date_format(day, pattern.replace("F", "M") if short else pattern)


def bucket_name(bucket: Bucket) -> str:
    return {
        Bucket.DAY: pgettext("bucket", "Day"),
        Bucket.WEEK: pgettext("bucket", "Week starting"),
        Bucket.MONTH: pgettext("bucket", "Month"),
    }[bucket]


def phase_names() -> dict[str, str]:
    return {
        Phase.WAITING: _("Placed or paid"),
        Phase.MAKING: _("Being made"),
        Phase.ON_THE_WAY: _("On the way"),
        Phase.DELIVERED: _("Delivered"),
        Phase.STOPPED: _("Cancelled or refunded"),
        Phase.EXCEPTION: _("Exception"),
    }


def _svg(text: str) -> SafeString:
    # The charts module escapes every piece of text it writes.
    return mark_safe(text)


def _charts(numbers: Numbers) -> list[dict[str, Any]]:
    """The charts of the page, in order; the operators' page has more."""
    bucket = numbers.period.bucket
    rows = numbers.buckets
    labels = [bucket_label(row.start, bucket, short=True) for row in rows]
    x_label = bucket_name(bucket)
    common: dict[str, Any] = {"labels": labels, "x_label": x_label, "number": _number}
    charts: list[tuple[str, str]] = []

    def add(chart_id: str, build: Callable[..., str], **kwargs: Any) -> None:
        charts.append((chart_id, build(chart_id=chart_id, **kwargs)))

    add(
        "chart-demands",
        bar_chart,
        title=_("Demands raised"),
        series=[Series(_("Demands raised"), [row.demands_raised for row in rows])],
        y_label=_("Demands"),
        empty_text=_("No demands were raised in this period."),
        **common,
    )
    if numbers.detailed:
        add(
            "chart-demand-status",
            hbar_chart,
            title=_("Demands by stage now"),
            labels=[str(label) for _value, label in DemandStatus.choices],
            values=[numbers.demands_by_status[value] for value, _label in DemandStatus.choices],
            x_label=_("Demands"),
            empty_text=_("There are no demands yet."),
            number=_number,
        )
        add(
            "chart-tenders",
            bar_chart,
            title=_("Tenders and awards"),
            series=[
                Series(_("Opened"), [row.tenders_opened for row in rows]),
                Series(_("Awarded"), [row.tenders_awarded for row in rows]),
                Series(_("Closed without award"), [row.tenders_no_award for row in rows]),
            ],
            y_label=_("Tenders"),
            empty_text=_("No tender opened or closed in this period."),
            **common,
        )
        names = phase_names()
        add(
            "chart-orders-phase",
            bar_chart,
            title=_("Orders placed, by their stage now"),
            series=[
                Series(names[phase], [row.orders_placed_by_phase.get(phase, 0) for row in rows])
                for phase in Phase
            ],
            y_label=_("Orders"),
            empty_text=_("No orders were placed in this period."),
            stacked=True,
            **common,
        )
    else:
        add(
            "chart-orders",
            bar_chart,
            title=_("Orders placed"),
            series=[Series(_("Orders placed"), [row.orders_placed for row in rows])],
            y_label=_("Orders"),
            empty_text=_("No orders were placed in this period."),
            **common,
        )
    add(
        "chart-order-stage",
        hbar_chart,
        title=_("Orders by stage now"),
        labels=[str(label) for _value, label in OrderStage.choices],
        values=[numbers.orders_by_stage[value] for value, _label in OrderStage.choices],
        x_label=_("Orders"),
        empty_text=_("There are no orders yet."),
        number=_number,
    )
    add(
        "chart-on-time",
        line_chart,
        title=_("On-time delivery rate"),
        series=[
            Series(
                _("Delivered by the promised time"),
                [row.on_time_rate * 100 if row.on_time_rate is not None else None for row in rows],
            )
        ],
        y_label=_("% of deliveries"),
        empty_text=_("No promised delivery was made in this period."),
        maximum=100,
        **{**common, "number": _percent},
    )
    if numbers.detailed:
        value_series = [
            Series(_("Ventures"), [row.value.ventures for row in rows]),
            Series(_("Royalties"), [row.value.royalties for row in rows]),
            Series(_("Members' pay"), [row.value.members_pay for row in rows]),
            Series(_("The platform"), [row.value.platform for row in rows]),
        ]
    else:
        value_series = [
            Series(_("Ventures"), [row.value.ventures for row in rows]),
            Series(_("People"), [row.value.people for row in rows]),
            Series(_("The platform"), [row.value.platform for row in rows]),
        ]
    add(
        "chart-value",
        bar_chart,
        title=_("Value shared by party"),
        series=[_no_negative(item) for item in value_series],
        y_label=_("CNY"),
        empty_text=_("No order was settled in this period."),
        stacked=True,
        **common,
    )
    add(
        "chart-devices",
        bar_chart,
        title=_("Active devices"),
        series=[Series(_("Devices with readings"), [row.active_devices for row in rows])],
        y_label=_("Devices"),
        empty_text=_("No device reported in this period."),
        **common,
    )
    return [{"id": chart_id, "svg": _svg(svg)} for chart_id, svg in charts]


def _no_negative(series: Series) -> Series:
    """A stacked bar cannot show a loss: the platform's deficit in a bucket is drawn as zero
    (the table beside the chart gives the signed amount)."""
    return Series(series.name, [max(Decimal(value or 0), Decimal(0)) for value in series.values])


def _page(request: HttpRequest, *, template: str, here: str, detailed: bool) -> HttpResponse:
    query = request.GET
    context: dict[str, Any] = {
        "here": here,
        "time_zone": settings.TIME_ZONE,
        "presets": selectors.PRESET_DAYS,
        "buckets": [(bucket.value, bucket_name(bucket)) for bucket in Bucket],
        "days": query.get("days", ""),
        "first": query.get("from", ""),
        "last": query.get("to", ""),
        "bucket": query.get("bucket", ""),
    }
    try:
        period: Period = selectors.period_parse(
            first_text=query.get("from") or None,
            last_text=query.get("to") or None,
            days_text=query.get("days") or None,
            bucket_text=query.get("bucket") or None,
        )
    except DomainError as error:
        context["error"] = error.message
        return render(request, template, context, status=error.status)
    numbers = selectors.numbers_get(period=period, detailed=detailed)
    if not (query.get("from") or query.get("to")):
        context["days"] = str(period.days)
    context.update(
        numbers=numbers,
        period=period,
        first=period.first.isoformat(),
        last=period.last.isoformat(),
        bucket_title=bucket_name(period.bucket),
        charts=_charts(numbers),
        rows=[
            {"label": bucket_label(row.start, period.bucket), "row": row} for row in numbers.buckets
        ],
        phases=phase_names(),
        venture_statuses=[
            (label, numbers.headline.ventures_by_status[value])
            for value, label in VentureStatus.choices
        ],
    )
    return render(request, template, context)


def numbers_page(request: HttpRequest) -> HttpResponse:
    """The platform in numbers: aggregated figures only, open to everyone."""
    return _page(
        request,
        template="dashboards/numbers.html",
        here=reverse("dashboards:numbers"),
        detailed=False,
    )


@login_required
def operations_dashboard(request: HttpRequest) -> HttpResponse:
    """The operators' dashboard: the figures in detail and what needs attention."""
    try:
        operator_require(request.user, _("Only operators may see the operations dashboard."))
    except DomainError as error:
        return render(request, "error.html", {"message": error.message}, status=error.status)
    return _page(
        request,
        template="dashboards/dashboard.html",
        here=reverse("dashboards:operations_dashboard"),
        detailed=True,
    )
