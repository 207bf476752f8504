"""The JSON API of value: value splits, pay rules and pay, share rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from heyi.api_auth import OPTIONAL_AUTH
from heyi.contention.selectors import tender_get
from heyi.ledger.models import ShareRule, ShareRuleScope
from heyi.ledger.services import share_rule_publish
from heyi.ledger.share import ShareTerms
from heyi.ledger.share_selectors import (
    share_rule_for_tender_view,
    share_rule_history,
    share_rule_in_force,
    share_terms_in_words,
)
from heyi.value import selectors, services
from heyi.value.models import PayRule
from heyi.value.schemas import (
    PayRuleIn,
    PayRuleOut,
    PayRulesOut,
    PayTableOut,
    ShareRuleIn,
    ShareRuleOut,
    ShareRulesOut,
    TenderShareRuleOut,
    ValueSplitOut,
    money,
)
from heyi.ventures.selectors import venture_get

router = Router(tags=["value"])


def share_rule_out(rule: ShareRule) -> dict[str, Any]:
    terms = ShareTerms.from_json(rule.terms)
    return {
        "uid": rule.uid if rule.pk else None,
        "scope": rule.scope,
        "tender_uid": rule.tender_uid,
        "terms": terms.as_json(),
        "rates": [
            {"name": r.name, "label": r.label, "value": str(r.value), "words": r.words}
            for r in share_terms_in_words(terms, currency=rule.currency)
        ],
        "fingerprint": rule.fingerprint,
        "currency": rule.currency,
        "published_at": rule.published_at,
        "note": rule.note,
    }


def _party(row: selectors.SplitRow) -> dict[str, Any]:
    if row.user is not None:
        return {"kind": "user", "uid": row.user.uid, "name": row.user.name}
    if row.venture is not None:
        return {
            "kind": "venture",
            "uid": row.venture.uid,
            "slug": row.venture.slug,
            "name": row.venture.name,
        }
    return {"kind": "platform", "name": row.name}


def value_split_out(split: selectors.ValueSplit) -> dict[str, Any]:
    posting = split.posting
    return {
        "order": split.order.number,
        "settled": split.settled,
        "total": money(split.total),
        "currency": split.order.currency,
        "settled_at": split.settlement.settled_at if split.settlement else None,
        "share_rule": share_rule_out(split.rule),
        "lines": [
            {
                "party": _party(row),
                "term": row.term,
                "term_label": row.term_label,
                "basis": row.basis,
                "amount": money(row.amount),
            }
            for row in split.rows
        ],
        "posting": None
        if posting is None
        else {
            "uid": posting.uid,
            "idempotency_key": posting.idempotency_key,
            "kind": posting.kind,
            "posted_at": posting.posted_at,
            "lines": [
                {
                    "account": line.account.key,
                    "amount": money(line.amount),
                    "currency": line.currency,
                    "term": line.term,
                }
                for line in split.posting_lines
            ],
        },
        "members_pay": [
            {
                "user_uid": line.user.uid,
                "name": line.user.name,
                "steps": line.steps,
                "amount": money(line.amount),
            }
            for line in split.pay_lines
        ],
    }


def pay_rule_out(rule: PayRule) -> dict[str, Any]:
    return {
        "uid": rule.uid,
        "pool_percent": f"{Decimal(rule.pool_percent):.2f}",
        "basis": rule.basis,
        "published_at": rule.published_at,
        "published_by": rule.published_by.name,
        "note": rule.note,
    }


@router.get("/orders/{number}/value-split", response=ValueSplitOut)
def order_value_split(request: HttpRequest, number: int) -> Any:
    """Every line of the order's split by its share rule (a preview before completion), the
    posting and the members' pay. Its buyer, the parties that received a line and operators
    only (404 for anyone else)."""
    return value_split_out(selectors.value_split_for_viewer(number=number, user=request.user))


@router.get("/ventures/{slug}/pay-rule", response=PayRulesOut)
def pay_rule_get(request: HttpRequest, slug: str) -> Any:
    """The venture's pay rule and its earlier versions (its members and operators)."""
    rules = selectors.pay_rule_list_for_viewer(venture=venture_get(slug=slug), user=request.user)
    return {
        "current": pay_rule_out(rules[0]) if rules else None,
        "versions": [pay_rule_out(rule) for rule in rules],
    }


@router.post("/ventures/{slug}/pay-rule", response={201: PayRuleOut})
def pay_rule_publish(request: HttpRequest, slug: str, payload: PayRuleIn) -> Any:
    """Publish a new version of the venture's pay rule (any active member, or an operator):
    it applies to orders settled from now on."""
    rule = services.pay_rule_publish(
        venture=venture_get(slug=slug),
        actor=request.user,
        pool_percent=payload.pool_percent,
        basis=payload.basis,
        note=payload.note,
    )
    return Status(201, pay_rule_out(rule))


@router.get("/ventures/{slug}/pay", response=PayTableOut)
def pay_table_get(request: HttpRequest, slug: str, page: Query[int] = 1) -> Any:
    """The people–order–pay table: a row per member, a column per settled order (12 a page,
    most recent first), each cell the member's pay on the order (its members and operators)."""
    table = selectors.pay_table_for_viewer(
        venture=venture_get(slug=slug), user=request.user, page=page
    )
    return {
        "orders": [
            {
                "number": settlement.order.number,
                "settled_at": settlement.settled_at,
                "total": money(settlement.total),
                "pool": money(total),
            }
            for settlement, total in zip(table.settlements, table.column_totals, strict=True)
        ],
        "rows": [
            {
                "user_uid": row.user.uid,
                "name": row.user.name,
                "cells": [None if cell is None else money(cell) for cell in row.cells],
                "total": money(row.total),
                "all_orders": money(row.all_orders),
            }
            for row in table.rows
        ],
        "page": table.page.number,
        "pages": table.page.paginator.num_pages,
    }


@router.get("/share-rules", response=ShareRulesOut, auth=OPTIONAL_AUTH)
def share_rules_get(request: HttpRequest) -> Any:
    """The default rates in force, for production tenders and standard products, and every
    version published."""
    return {
        "production": share_rule_out(share_rule_in_force(scope=ShareRuleScope.DEFAULT_PRODUCTION)),
        "standard": share_rule_out(share_rule_in_force(scope=ShareRuleScope.DEFAULT_STANDARD)),
        "history": [share_rule_out(rule) for rule in share_rule_history()],
    }


@router.post("/share-rules", response={201: ShareRuleOut})
def share_rules_publish(request: HttpRequest, payload: ShareRuleIn) -> Any:
    """Publish new default rates (operators): 422 `share_rule_invalid` names every problem."""
    terms = ShareTerms(
        platform_fee_percent=payload.platform_fee_percent,
        author_royalty_percent=payload.author_royalty_percent,
        designer_royalty_percent=payload.designer_royalty_percent,
        delivery_fee_per_order=payload.delivery_fee_per_order,
        delivery_fee_per_unit=payload.delivery_fee_per_unit,
        maker_surplus_percent=payload.maker_surplus_percent,
    )
    rule = share_rule_publish(
        scope=payload.scope, terms=terms, actor=request.user, note=payload.note
    )
    return Status(201, share_rule_out(rule))


@router.get("/tenders/{number}/share-rule", response=TenderShareRuleOut, auth=OPTIONAL_AUTH)
def tender_share_rule(request: HttpRequest, number: int) -> Any:
    """The share rule published with a tender (or, not yet published with it, the production
    rates in force that it will carry)."""
    tender = tender_get(number=number)
    view = share_rule_for_tender_view(tender_uid=tender.uid)
    return {
        "tender": tender.number,
        "frozen": view.frozen,
        "share_rule": share_rule_out(view.rule),
    }
