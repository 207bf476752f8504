"""The share-rules page and API (operators publish, everyone reads) and the share rule shown
with a tender."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from heyi.contention.models import SubjectType
from heyi.contention.tests.factories import tender_make
from heyi.core.models import AuditEvent
from heyi.ledger.models import ShareRule
from heyi.ledger.services import share_rule_for_tender, share_rule_publish
from heyi.ledger.share import ShareTerms

RATES = {
    "platform_fee_percent": "6",
    "author_royalty_percent": "1.5",
    "designer_royalty_percent": "3",
    "delivery_fee_per_order": "18",
    "delivery_fee_per_unit": "4",
    "maker_surplus_percent": "60",
}


def _state() -> tuple[int, int]:
    return ShareRule.objects.count(), AuditEvent.objects.count()


def test_the_page_shows_the_rates_in_force_to_anyone(db: Any) -> None:
    response = Client().get("/value/share-rules/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Default for production tenders" in page and "Default for standard products" in page
    assert "5% of the order total goes to the platform." in page
    assert "20 CNY per order goes to the venture that delivers it." in page
    assert "The platform's initial rates have not been changed." in page
    assert "Publish new rates" not in page
    assert ShareRule.objects.count() == 0


def test_an_operator_publishes_new_rates(operator: Any) -> None:
    client = Client()
    client.force_login(operator)
    assert "Publish new rates" in client.get("/value/share-rules/").content.decode()
    response = client.post(
        "/value/share-rules/", {"scope": "default_production", **RATES, "note": "More to makers"}
    )
    assert response.status_code == 302
    rule = ShareRule.objects.get()
    assert (rule.scope, rule.published_by, rule.note) == (
        "default_production",
        operator,
        "More to makers",
    )
    terms = ShareTerms.from_json(rule.terms)
    assert (terms.platform_fee_percent, terms.maker_surplus_percent) == (
        Decimal("6.00"),
        Decimal("60.00"),
    )
    assert rule.fingerprint == terms.fingerprint()
    page = client.get("/value/share-rules/").content.decode()
    assert "6% of the order total goes to the platform." in page
    assert 'id="share-rule-history"' in page


def test_rates_that_do_not_add_up_are_refused_with_the_reason(operator: Any) -> None:
    client = Client()
    client.force_login(operator)
    before = _state()
    response = client.post(
        "/value/share-rules/",
        {
            "scope": "default_standard",
            **RATES,
            "platform_fee_percent": "60",
            "author_royalty_percent": "50",
            "maker_surplus_percent": "120",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "the fee and the royalties together may not exceed 100 %" in page
    assert "maker_surplus_percent may not exceed 100" in page
    assert _state() == before


@pytest.mark.parametrize("who", ["owner", "anonymous"])
def test_only_operators_publish_rates_on_the_page(owner: Any, who: str) -> None:
    client = Client()
    if who == "owner":
        client.force_login(owner)
    before = _state()
    response = client.post("/value/share-rules/", {"scope": "default_production", **RATES})
    assert response.status_code == (403 if who == "owner" else 302)
    assert _state() == before


@pytest.mark.parametrize(("who", "status"), [("anonymous", 401), ("owner", 403), ("operator", 201)])
def test_share_rules_api(api_as: Any, owner: Any, operator: Any, who: str, status: int) -> None:
    caller = {"anonymous": None, "owner": owner, "operator": operator}[who]
    api = api_as(caller)
    listed = api.get("share-rules")
    assert listed.status_code == 200
    assert listed.json()["production"]["terms"]["platform_fee_percent"] == "5"
    assert listed.json()["production"]["published_at"] is None
    before = _state()
    response = api.post("share-rules", {"scope": "default_standard", **RATES})
    assert response.status_code == status
    if status != 201:
        assert _state() == before
        return
    assert response.json()["scope"] == "default_standard"
    listed = api.get("share-rules").json()
    assert listed["standard"]["terms"]["delivery_fee_per_order"] == "18"
    assert listed["production"]["terms"]["delivery_fee_per_order"] == "20"
    assert [rule["scope"] for rule in listed["history"]] == ["default_standard"]


def test_invalid_rates_over_the_api(api_as: Any, operator: Any) -> None:
    api = api_as(operator)
    before = _state()
    response = api.post(
        "share-rules", {"scope": "tender", **RATES, "designer_royalty_percent": "-1"}
    )
    assert (response.status_code, response.json()["code"]) == (422, "share_rule_invalid")
    assert "designer_royalty_percent must be a number of at least 0" in response.json()["detail"]
    assert "scope must be a default scope" in response.json()["detail"]
    assert _state() == before


def test_a_tender_shows_the_rule_published_with_it(operator: Any, api_as: Any) -> None:
    tender = tender_make(subject_type=SubjectType.DEMAND_PRODUCTION)
    body = api_as(None).get(f"tenders/{tender.number}/share-rule").json()
    assert (body["tender"], body["frozen"]) == (tender.number, False)
    page = Client().get(f"/tenders/{tender.number}/").content.decode()
    assert 'id="share-rule"' in page
    assert "Not published with this tender yet" in page

    frozen = share_rule_for_tender(tender_uid=tender.uid)
    share_rule_publish(
        scope="default_production",
        terms=ShareTerms(platform_fee_percent=Decimal("9")),
        actor=operator,
    )
    body = api_as(None).get(f"tenders/{tender.number}/share-rule").json()
    assert body["frozen"] is True
    assert body["share_rule"]["uid"] == str(frozen.uid)
    assert body["share_rule"]["terms"]["platform_fee_percent"] == "5"
    assert body["share_rule"]["rates"][0]["words"] == (
        "5% of the order total goes to the platform."
    )
    page = Client().get(f"/tenders/{tender.number}/").content.decode()
    assert "published with this tender and fixed for its orders" in page
    assert "5% of the order total goes to the platform." in page
    assert frozen.fingerprint[:10] in page


def test_other_tenders_show_no_share_rule(db: Any) -> None:
    tender = tender_make(subject_type=SubjectType.SERVICE_TICKET)
    page = Client().get(f"/tenders/{tender.number}/").content.decode()
    assert 'id="share-rule"' not in page


def test_an_unknown_tender_has_no_share_rule(api_as: Any, db: Any) -> None:
    assert api_as(None).get("tenders/999/share-rule").status_code == 404
