"""Reads behind the device page: telemetry bucketed by the database, alarms, commands, shares."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from heyi.core.errors import DomainError
from heyi.designs.tests.factories import person_make
from heyi.devices import selectors
from heyi.devices.models import Device, DeviceAlarm, DeviceBindingCode, Reading
from heyi.devices.services import device_bind, device_share
from heyi.devices.tests.factories import device_make

pytestmark = pytest.mark.django_db

END = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def _bound(operator: Any, owner: Any) -> Device:
    device = device_make(operator, owner)
    return device_bind(code=DeviceBindingCode.objects.get(device=device).code, actor=owner)


def _store(device: Device, moments_and_values: list[tuple[datetime, dict[str, Any]]]) -> None:
    Reading.objects.bulk_create(
        Reading(device=device, message_id=f"m{index}", device_ts=at, received_at=at, values=values)
        for index, (at, values) in enumerate(moments_and_values)
    )


def test_series_are_averaged_per_time_bucket_by_the_database(operator: Any, owner: Any) -> None:
    device = _bound(operator, owner)
    start = END - timedelta(hours=1)
    _store(
        device,
        [(start + timedelta(minutes=m), {"temperature": float(m)}) for m in range(60)]
        + [(start - timedelta(minutes=5), {"temperature": 99.0}), (END, {"temperature": 99.0})],
    )

    series = selectors.telemetry_series(
        device=device, user=owner, fields=["temperature"], since=start, until=END, buckets=6
    )

    points = series["temperature"]
    assert [point.count for point in points] == [10] * 6
    assert [point.mean for point in points] == [4.5, 14.5, 24.5, 34.5, 44.5, 54.5]
    assert [(point.minimum, point.maximum) for point in points][:2] == [(0.0, 9.0), (10.0, 19.0)]
    # The bucket's time is the mean time of its readings (to the millisecond).
    assert abs((points[0].at - (start + timedelta(minutes=4.5))).total_seconds()) < 0.01


def test_a_month_every_two_minutes_comes_back_as_300_rows_in_one_query(
    operator: Any, owner: Any, django_assert_num_queries: Any
) -> None:
    device = _bound(operator, owner)
    start = END - timedelta(days=30)
    _store(
        device,
        [
            (start + timedelta(minutes=2 * i), {"temperature": 4 + (i % 3), "door_open": False})
            for i in range(30 * 720)
        ],
    )

    with django_assert_num_queries(2):  # who may see it (the owner: none) + the series
        series = selectors.telemetry_series(
            device=Device.objects.select_related("model").get(pk=device.pk),
            user=owner,
            fields=["temperature"],
            since=start,
            until=END,
        )

    points = series["temperature"]
    assert len(points) == 300
    assert sum(point.count for point in points) == 30 * 720
    assert points[0].mean == pytest.approx(5.0, abs=0.01)


def test_fields_missing_from_some_readings_and_odd_names(operator: Any, owner: Any) -> None:
    device = _bound(operator, owner)
    start = END - timedelta(hours=1)
    _store(
        device,
        [
            (start + timedelta(minutes=1), {"temperature": 3}),
            (start + timedelta(minutes=2), {"door_open": True}),
            (start + timedelta(minutes=50), {"temperature": 7.5}),
        ],
    )

    series = selectors.telemetry_series(
        device=device,
        user=owner,
        fields=["temperature", "humidity", "Robert'); DROP TABLE"],
        since=start,
        until=END,
        buckets=2,
    )

    assert [(point.mean, point.count) for point in series["temperature"]] == [(3.0, 1), (7.5, 1)]
    assert series["humidity"] == []
    assert set(series) == {"temperature", "humidity"}


def test_series_and_history_are_for_those_who_may_see(
    operator: Any, owner: Any, rival: Any
) -> None:
    device = _bound(operator, owner)

    with pytest.raises(DomainError):
        selectors.telemetry_series(
            device=device, user=rival, fields=["temperature"], since=END, until=END
        )
    with pytest.raises(DomainError):
        selectors.reading_history(device=device, user=rival)
    assert selectors.reading_history(device=device, user=operator).count() == 0


def test_alarms_active_first_and_counted_per_device(operator: Any, owner: Any) -> None:
    device = _bound(operator, owner)
    older_active = DeviceAlarm.objects.create(
        device=device, code="a", severity="info", raised_at=END - timedelta(hours=5), message_id="1"
    )
    cleared = DeviceAlarm.objects.create(
        device=device,
        code="b",
        severity="critical",
        raised_at=END,
        cleared_at=END + timedelta(minutes=1),
        message_id="2",
    )
    newer_active = DeviceAlarm.objects.create(
        device=device,
        code="c",
        severity="warning",
        raised_at=END - timedelta(hours=1),
        message_id="3",
    )

    listed = selectors.alarm_list(device=device, user=owner)

    assert listed == [newer_active, older_active, cleared]
    assert selectors.alarm_active_counts(device_ids=[device.pk]) == {device.pk: 2}


def test_shares_are_found_by_email_or_id_among_the_device_shares_only(
    operator: Any, owner: Any, rival: Any
) -> None:
    device = _bound(operator, owner)
    grandma = person_make("grandma@example.com", "Grandma")
    share = device_share(device=device, actor=owner, user=grandma, role="view")

    assert selectors.share_get(device=device, who="Grandma@Example.com") == share
    assert selectors.share_get(device=device, who=str(grandma.uid)) == share
    with pytest.raises(DomainError) as missing:
        selectors.share_get(device=device, who="rival@example.com")
    assert missing.value.code == "share_not_found"
    assert selectors.share_list(device=device, user=owner) == [share]
    assert selectors.share_list(device=device, user=grandma) == []
