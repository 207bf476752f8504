"""Reads of published share rules, and their rates and terms in words (no writes).

`share_rule_current` and `share_rule_for_tender` (services) open a rule on first use; the pages
read with these instead, so that looking at a rule never publishes one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from heyi.ledger.models import ShareRule, ShareRuleScope
from heyi.ledger.share import ShareTerms, Term

# The rule terms in words, for the value split page and the statements.
TERM_LABELS: dict[str, Any] = {
    Term.PLATFORM_FEE: gettext_lazy("Platform fee"),
    Term.AUTHOR_ROYALTY: gettext_lazy("Demand author's royalty"),
    Term.DESIGNER_ROYALTY: gettext_lazy("Designers' royalty"),
    Term.DELIVERY_FEE: gettext_lazy("Delivery fee"),
    Term.SUPPLIER_COST: gettext_lazy("Supplier's cost"),
    Term.MAKER_PRICE: gettext_lazy("Maker's awarded price"),
    Term.MAKER_SUPPLIES: gettext_lazy("Supplies paid from the maker's price"),
    Term.COMPENSATION: gettext_lazy("Compensation charged to the unit at fault"),
    Term.COMPENSATION_RECOVERED: gettext_lazy("Compensation recovered by the platform"),
    Term.MAKER_SURPLUS: gettext_lazy("Maker's share of the surplus"),
    Term.PLATFORM_MARGIN: gettext_lazy("Platform's margin (the rest)"),
}


def term_label(term: str) -> str:
    return str(TERM_LABELS.get(term, term))


@dataclass(frozen=True, slots=True)
class Rate:
    name: str  # the field of ShareTerms
    label: str
    value: Decimal
    words: str


def share_terms_in_words(terms: ShareTerms, *, currency: str = "CNY") -> list[Rate]:
    """Each published rate with a sentence saying what it does."""
    values = {
        "platform_fee_percent": (
            _("Platform fee"),
            _("%(rate)s%% of the order total goes to the platform."),
        ),
        "author_royalty_percent": (
            _("Author's royalty"),
            _("%(rate)s%% of the order total goes to the person who raised the demand."),
        ),
        "designer_royalty_percent": (
            _("Designers' royalty"),
            _(
                "%(rate)s%% of the order total goes to the authors of the chosen design, "
                "in equal parts."
            ),
        ),
        "delivery_fee_per_order": (
            _("Delivery fee per order"),
            _("%(rate)s %(currency)s per order goes to the venture that delivers it."),
        ),
        "delivery_fee_per_unit": (
            _("Delivery fee per unit"),
            _("plus %(rate)s %(currency)s per unit delivered."),
        ),
        "maker_surplus_percent": (
            _("Maker's share of the surplus"),
            _(
                "The maker is paid its awarded price (its suppliers are paid from it); of what "
                "the order total leaves after every term, %(rate)s%% goes to the maker and the "
                "rest to the platform."
            ),
        ),
    }
    rates = []
    for name, (label, sentence) in values.items():
        value = getattr(terms, name)
        rates.append(
            Rate(
                name=name,
                label=label,
                value=value,
                words=sentence % {"rate": value, "currency": currency},
            )
        )
    return rates


def share_rule_terms(rule: ShareRule) -> ShareTerms:
    return ShareTerms.from_json(rule.terms)


def share_rule_of_tender(*, tender_uid: UUID) -> ShareRule | None:
    """The rule frozen with a tender, if one was published with it."""
    return ShareRule.objects.filter(tender_uid=tender_uid).first()


def share_rule_latest(*, scope: str, currency: str = "CNY") -> ShareRule | None:
    """The default rates in force for `scope`, or None while none was ever published."""
    return (
        ShareRule.objects.filter(scope=scope, currency=currency)
        .select_related("published_by")
        .order_by("-published_at", "-id")
        .first()
    )


def share_rule_in_force(*, scope: str, currency: str = "CNY") -> ShareRule:
    """The default rates in force; the platform's initial rates (unsaved) while none was
    published, which is what `share_rule_current` would publish on first use."""
    rule = share_rule_latest(scope=scope, currency=currency)
    if rule is not None:
        return rule
    terms = ShareTerms()
    fields: dict[str, Any] = {
        "scope": scope,
        "terms": terms.as_json(),
        "fingerprint": terms.fingerprint(),
        "currency": currency,
        "published_at": None,  # never published: the page says so
        "note": _("The platform's initial rates."),
    }
    return ShareRule(**fields)


def share_rule_history(*, currency: str = "CNY") -> QuerySet[ShareRule]:
    """Every version of the default rates, newest first."""
    return (
        ShareRule.objects.filter(
            scope__in=[ShareRuleScope.DEFAULT_PRODUCTION, ShareRuleScope.DEFAULT_STANDARD],
            currency=currency,
        )
        .select_related("published_by")
        .order_by("-published_at", "-id")
    )


@dataclass(frozen=True, slots=True)
class TenderShareRule:
    rule: ShareRule
    rates: list[Rate]
    frozen: bool  # published with the tender; otherwise the production rates in force


def share_rule_for_tender_view(*, tender_uid: UUID, currency: str = "CNY") -> TenderShareRule:
    """The share rule published with a tender, or (not published with it yet) the production
    rates in force, which it takes when it is."""
    rule = share_rule_of_tender(tender_uid=tender_uid)
    frozen = rule is not None
    if rule is None:
        rule = share_rule_in_force(scope=ShareRuleScope.DEFAULT_PRODUCTION, currency=currency)
    return TenderShareRule(
        rule=rule,
        rates=share_terms_in_words(share_rule_terms(rule), currency=rule.currency),
        frozen=frozen,
    )
