"""The probe: one insert per call, behind the API's authentication and idempotency."""

from __future__ import annotations

from typing import Any

import pytest

from heyi.api import api
from heyi.core.errors import InvalidInput
from heyi.probe.models import ProbeWrite
from heyi.probe.services import probe_write_create

PATH = "/api/v1/probe/writes"


def test_probe_write_create_is_exactly_one_insert(
    owner: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(1) as captured:
        write = probe_write_create(author=owner, note="  hello  ", quantity=3)

    assert captured.captured_queries[0]["sql"].startswith("INSERT INTO")
    assert (write.author, write.note, write.quantity) == (owner, "hello", 3)
    assert list(ProbeWrite.objects.values_list("uid", flat=True)) == [write.uid]


@pytest.mark.parametrize(
    ("note", "quantity", "message"),
    [
        ("", 0, "The quantity must be from 1 to 100."),
        ("", 101, "The quantity must be from 1 to 100."),
        ("x" * 201, 1, "The note is longer than 200 characters."),
    ],
)
def test_probe_write_create_refuses_bad_input(
    owner: Any, note: str, quantity: int, message: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        probe_write_create(author=owner, note=note, quantity=quantity)

    assert caught.value.message == message
    assert ProbeWrite.objects.count() == 0


def test_probe_is_not_in_the_public_api() -> None:
    assert [p for p in api.get_openapi_schema()["paths"] if "probe" in p] == []


@pytest.mark.urls("heyi.probe.tests.urls")
@pytest.mark.parametrize("who", ["owner", "rival", "operator"])
def test_probe_endpoint_writes_one_row_for_any_signed_in_person(
    request: Any, api_as: Any, who: str
) -> None:
    person = request.getfixturevalue(who)

    response = api_as(person).post(PATH, {"note": "load", "quantity": 2})

    assert response.status_code == 201
    write = ProbeWrite.objects.get()
    assert response.json() == {
        "uid": str(write.uid),
        "note": "load",
        "quantity": 2,
        "created_at": response.json()["created_at"],
    }
    assert (write.author, write.note, write.quantity) == (person, "load", 2)


@pytest.mark.urls("heyi.probe.tests.urls")
def test_probe_endpoint_refuses_anonymous_and_writes_nothing(db: Any, api_as: Any) -> None:
    response = api_as(None).post(PATH, {"note": "load", "quantity": 1})

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert ProbeWrite.objects.count() == 0


@pytest.mark.urls("heyi.probe.tests.urls")
def test_probe_endpoint_bad_quantity_is_422_and_writes_nothing(owner: Any, api_as: Any) -> None:
    response = api_as(owner).post(PATH, {"quantity": 0})

    assert response.status_code == 422
    assert response.json() == {
        "code": "invalid",
        "detail": "The quantity must be from 1 to 100.",
    }
    assert ProbeWrite.objects.count() == 0


@pytest.mark.urls("heyi.probe.tests.urls")
def test_probe_endpoint_retry_with_the_same_key_replays_the_first_answer(
    owner: Any, api_as: Any
) -> None:
    client = api_as(owner)
    body = {"note": "once", "quantity": 1}

    first = client.post(PATH, body, **{"Idempotency-Key": "probe-1"})
    retry = client.post(PATH, body, **{"Idempotency-Key": "probe-1"})
    other = client.post(PATH, body, **{"Idempotency-Key": "probe-2"})

    assert (first.status_code, retry.status_code, other.status_code) == (201, 201, 201)
    assert retry.json() == first.json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert other.json()["uid"] != first.json()["uid"]
    assert ProbeWrite.objects.count() == 2
