"""The one writer of the ledger: accounts, postings, payments and refunds (ADR 10).

`posting_record` is the only function that writes postings and moves balances. It checks the
posting with the pure rules (`posting.py`), claims its idempotency key by inserting the posting
row, moves every account's balance with one conditional UPDATE per account, in the order of the
accounts' ids (so two postings over the same accounts never deadlock), and refuses, rolling
everything back, when an account that may not go below zero would. A retry with the same key
returns the first posting when the lines are the same and is refused when they differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from heyi.core.errors import InvalidInput
from heyi.ledger import payments
from heyi.ledger.errors import LedgerError, LedgerErrorCode
from heyi.ledger.models import (
    Account,
    Payment,
    PaymentKind,
    PaymentStatus,
    Posting,
    PostingKind,
    PostingLine,
    ShareRule,
    ShareRuleScope,
)
from heyi.ledger.posting import (
    NEVER_NEGATIVE,
    AccountKind,
    Line,
    PostingError,
    PostingErrorCode,
    posting_check,
)
from heyi.ledger.share import ShareTerms

PLATFORM_FEES = "platform:fees"


@dataclass(frozen=True, slots=True)
class Entry:
    """One line to post: the account, what it adds (negative: takes), the rule term behind it."""

    account: Account
    amount: Decimal
    term: str = ""


# --- accounts ----------------------------------------------------------------------------------


def account_get(
    *,
    key: str,
    kind: AccountKind,
    name: str,
    currency: str = "CNY",
    user: Any = None,
    venture: Any = None,
) -> Account:
    """The account with this key and currency, opened on first use (race-safe)."""
    account = Account.objects.filter(key=key, currency=currency).first()
    if account is not None:
        if account.kind != kind:
            raise LedgerError(
                LedgerErrorCode.ACCOUNT_KIND_MISMATCH,
                _("Account %(key)s is a %(kind)s account, not %(expected)s.")
                % {"key": key, "kind": account.kind, "expected": kind},
            )
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(
                key=key,
                kind=kind,
                name=name[:200],
                currency=currency,
                user=user,
                venture=venture,
            )
    except IntegrityError:
        return Account.objects.get(key=key, currency=currency)


def wallet_account(*, user: Any, currency: str = "CNY") -> Account:
    return account_get(
        key=f"wallet:{user.uid}",
        kind=AccountKind.USER_WALLET,
        name=_("Wallet of %(name)s") % {"name": user.display_name or user.email},
        currency=currency,
        user=user,
    )


def investor_account(*, user: Any, currency: str = "CNY") -> Account:
    return account_get(
        key=f"investor:{user.uid}",
        kind=AccountKind.INVESTOR,
        name=_("Investments of %(name)s") % {"name": user.display_name or user.email},
        currency=currency,
        user=user,
    )


def venture_account(*, venture: Any, currency: str = "CNY") -> Account:
    """A venture's account; a supplier venture's is a supplier account (its payables)."""
    from heyi.ventures.models import VentureKind

    kind = AccountKind.SUPPLIER if venture.kind == VentureKind.SUPPLIER else AccountKind.VENTURE
    return account_get(
        key=f"venture:{venture.uid}",
        kind=kind,
        name=venture.name,
        currency=currency,
        venture=venture,
    )


def escrow_account(*, subject_type: str, subject_uid: UUID, label: str, currency: str) -> Account:
    """The escrow holding one subject's money (a pre-order, an order, a round, a bet)."""
    return account_get(
        key=f"escrow:{subject_type}:{subject_uid}",
        kind=AccountKind.ESCROW,
        name=_("Escrow of %(label)s") % {"label": label},
        currency=currency,
    )


def platform_account(*, currency: str = "CNY") -> Account:
    return account_get(
        key=PLATFORM_FEES, kind=AccountKind.PLATFORM, name=_("The platform"), currency=currency
    )


def external_account(*, provider: str, currency: str = "CNY") -> Account:
    return account_get(
        key=f"external:{provider}",
        kind=AccountKind.EXTERNAL,
        name=_("Payment provider %(name)s") % {"name": provider},
        currency=currency,
    )


def escrow_balances(*, subject_type: str, subject_uids: Iterable[UUID]) -> dict[UUID, Decimal]:
    """What the escrows of these subjects hold now (one query; a subject never paid holds 0).

    A read for the pages that show money held; it opens no account."""
    uids = list(subject_uids)
    keys = {f"escrow:{subject_type}:{uid}": uid for uid in uids}
    held = dict.fromkeys(uids, Decimal(0))
    for key, balance in Account.objects.filter(key__in=list(keys)).values_list("key", "balance"):
        held[keys[key]] += balance
    return held


# --- postings ----------------------------------------------------------------------------------


def _same_lines(posting: Posting, entries: Sequence[Entry]) -> bool:
    stored = sorted((line.account_id, line.amount) for line in posting.lines.all())
    wanted = sorted((entry.account.pk, entry.amount) for entry in entries)
    return stored == wanted


@transaction.atomic
def posting_record(
    *,
    idempotency_key: str,
    kind: str,
    memo: str,
    entries: Iterable[Entry],
    actor: Any = None,
    order_uid: UUID | None = None,
    subject_type: str = "",
    subject_uid: UUID | None = None,
    posted_at: datetime | None = None,
    reverses: Posting | None = None,
) -> Posting:
    """Post these entries as one balanced posting, once per idempotency key.

    Raises PostingError (a LedgerError-compatible code) when a rule is broken; nothing is
    written then.
    """
    entries = [entry for entry in entries if not entry.amount.is_zero()]
    checked = posting_check(
        Line(
            account=entry.account.key,
            kind=AccountKind(entry.account.kind),
            currency=entry.account.currency,
            amount=entry.amount,
        )
        for entry in entries
    )
    del checked
    if not idempotency_key or len(idempotency_key) > 200:
        raise ValueError("A posting needs an idempotency key of at most 200 characters.")
    existing = Posting.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _replay(existing, entries)
    try:
        with transaction.atomic():
            posting = Posting.objects.create(
                idempotency_key=idempotency_key,
                kind=kind,
                memo=memo[:300],
                posted_at=posted_at or timezone.now(),
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                order_uid=order_uid,
                subject_type=subject_type,
                subject_uid=subject_uid,
                reverses=reverses,
            )
    except IntegrityError:
        # Another transaction posted the same key first (it committed while we waited).
        existing = Posting.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _replay(existing, entries)
    for entry in sorted(entries, key=lambda e: e.account.pk):
        _balance_move(entry)
    PostingLine.objects.bulk_create(
        PostingLine(
            posting=posting,
            account=entry.account,
            amount=entry.amount,
            currency=entry.account.currency,
            term=entry.term[:60],
        )
        for entry in entries
    )
    return posting


def _replay(existing: Posting, entries: Sequence[Entry]) -> Posting:
    if _same_lines(existing, entries):
        return existing
    raise LedgerError(
        LedgerErrorCode.IDEMPOTENCY_CONFLICT,
        _("Posting key %(key)s was already used for different lines.")
        % {"key": existing.idempotency_key},
    )


def _balance_move(entry: Entry) -> None:
    account = entry.account
    rows = Account.objects.filter(pk=account.pk)
    if account.kind in NEVER_NEGATIVE and entry.amount < 0:
        # The condition is re-checked on the row as it is when the lock is ours.
        rows = rows.filter(balance__gte=-entry.amount)
    if rows.update(balance=F("balance") + entry.amount, updated_at=timezone.now()) != 1:
        raise PostingError(
            PostingErrorCode.OVERDRAWN,
            _("%(account)s holds less than %(amount)s %(currency)s.")
            % {"account": account.key, "amount": -entry.amount, "currency": account.currency},
        )


@transaction.atomic
def posting_reverse(*, posting: Posting, memo: str, actor: Any = None) -> Posting:
    """Undo a posting with its mirror image (the only way to correct the record)."""
    lines = list(posting.lines.select_related("account"))
    return posting_record(
        idempotency_key=f"reverse:{posting.idempotency_key}"[:200],
        kind=PostingKind.REVERSAL,
        memo=memo,
        entries=[Entry(line.account, -line.amount, line.term) for line in lines],
        actor=actor,
        order_uid=posting.order_uid,
        subject_type=posting.subject_type,
        subject_uid=posting.subject_uid,
        reverses=posting,
    )


# --- payments ----------------------------------------------------------------------------------


def _payment_failed(result: payments.ProviderResult) -> LedgerError:
    if result.failure_code == "card_declined":
        return LedgerError(
            LedgerErrorCode.PAYMENT_DECLINED,
            _("The payment was declined: %(reason)s") % {"reason": result.failure_message},
            status=402,
        )
    if result.failure_code == "method_unknown":
        return LedgerError(
            LedgerErrorCode.PAYMENT_METHOD_UNKNOWN,
            _("That payment method is not known."),
            status=422,
        )
    return LedgerError(
        LedgerErrorCode.PAYMENT_FAILED,
        _("The payment could not be made: %(reason)s") % {"reason": result.failure_message},
        status=502,
    )


@transaction.atomic
def payment_collect(
    *,
    user: Any,
    amount: Decimal,
    currency: str,
    into: Account,
    memo: str,
    idempotency_key: str,
    method: str = "",
    use_wallet: bool = True,
    order_uid: UUID | None = None,
    subject_type: str = "",
    subject_uid: UUID | None = None,
) -> Posting:
    """Take `amount` from the person into an account (an escrow): first from their wallet when
    `use_wallet`, the rest charged to the payment method. A declined charge raises and writes
    nothing; a retry with the same key charges once."""
    provider = payments.provider_get()
    wallet = wallet_account(user=user, currency=currency)
    done = Posting.objects.filter(idempotency_key=f"{idempotency_key}:into").first()
    if done is not None:
        return done
    from_wallet = min(wallet.balance, amount) if use_wallet else Decimal(0)
    to_charge = amount - from_wallet
    if to_charge > 0:
        result = provider.charge(
            amount=to_charge,
            currency=currency,
            method=method or provider.default_method,
            reference=memo,
            idempotency_key=idempotency_key,
        )
        if not result.ok:
            # The failure is raised, so the caller's transaction (and this row) roll back: the
            # provider's own log keeps the declined attempt.
            raise _payment_failed(result)
        charged = posting_record(
            idempotency_key=f"{idempotency_key}:charge",
            kind=PostingKind.PAYMENT,
            memo=_("Paid in by %(provider)s: %(memo)s") % {"provider": provider.name, "memo": memo},
            entries=[
                Entry(external_account(provider=provider.name, currency=currency), -to_charge),
                Entry(wallet, to_charge),
            ],
            actor=user,
            order_uid=order_uid,
            subject_type=subject_type,
            subject_uid=subject_uid,
        )
        Payment.objects.create(
            provider=provider.name,
            kind=PaymentKind.CHARGE,
            user=user,
            amount=to_charge,
            currency=currency,
            status=PaymentStatus.SUCCEEDED,
            idempotency_key=idempotency_key,
            provider_ref=result.provider_ref,
            subject_type=subject_type,
            subject_uid=subject_uid,
            posting=charged,
        )
        wallet.refresh_from_db(fields=["balance"])
    return posting_record(
        idempotency_key=f"{idempotency_key}:into",
        kind=PostingKind.ESCROW,
        memo=memo,
        entries=[Entry(wallet, -amount), Entry(into, amount)],
        actor=user,
        order_uid=order_uid,
        subject_type=subject_type,
        subject_uid=subject_uid,
    )


@transaction.atomic
def refund_to_payer(
    *,
    user: Any,
    source: Account,
    memo: str,
    idempotency_key: str,
    amount: Decimal | None = None,
    charges_of: Sequence[tuple[str, UUID]] = (),
    actor: Any = None,
    order_uid: UUID | None = None,
    subject_type: str = "",
    subject_uid: UUID | None = None,
) -> Posting | None:
    """Give money back: from `source` (an escrow; all of it unless `amount`) into the person's
    wallet, then back to the card for the part the subjects in `charges_of` ((type, uid) pairs:
    a pre-order and the order it became) had charged and not yet refunded. None when there is nothing to give back."""
    source = Account.objects.get(pk=source.pk)
    amount = source.balance if amount is None else amount
    if amount <= 0:
        return None
    wallet = wallet_account(user=user, currency=source.currency)
    posting = posting_record(
        idempotency_key=f"{idempotency_key}:back",
        kind=PostingKind.REFUND,
        memo=memo,
        entries=[Entry(source, -amount), Entry(wallet, amount)],
        actor=actor,
        order_uid=order_uid,
        subject_type=subject_type,
        subject_uid=subject_uid,
    )
    if charges_of:
        _refund_to_card(
            user=user,
            wallet=wallet,
            amount=amount,
            memo=memo,
            idempotency_key=idempotency_key,
            charges_of=charges_of,
            order_uid=order_uid,
            subject_type=subject_type,
            subject_uid=subject_uid,
        )
    return posting


def _refund_to_card(
    *,
    user: Any,
    wallet: Account,
    amount: Decimal,
    memo: str,
    idempotency_key: str,
    charges_of: Sequence[tuple[str, UUID]],
    order_uid: UUID | None,
    subject_type: str,
    subject_uid: UUID | None,
) -> None:
    provider = payments.provider_get()
    subjects = Q()
    for charge_type, charge_uid in charges_of:
        subjects |= Q(subject_type=charge_type, subject_uid=charge_uid)
    charges = Payment.objects.filter(
        subjects, kind=PaymentKind.CHARGE, status=PaymentStatus.SUCCEEDED, user=user
    ).order_by("id")
    left = amount
    for index, charge in enumerate(charges):
        refunded = charge.refunds.filter(status=PaymentStatus.SUCCEEDED).aggregate(
            total=Sum("amount")
        )["total"] or Decimal(0)
        room = min(charge.amount - refunded, left)
        if room <= 0:
            continue
        key = f"{idempotency_key}:card:{index}"
        if Payment.objects.filter(idempotency_key=key).exists():
            left -= room
            continue
        result = provider.refund(
            charge_ref=charge.provider_ref,
            amount=room,
            currency=charge.currency,
            idempotency_key=key,
        )
        if not result.ok:
            # The money stays in the wallet, where the person can withdraw it later.
            Payment.objects.create(
                provider=provider.name,
                kind=PaymentKind.REFUND,
                user=user,
                amount=room,
                currency=charge.currency,
                status=PaymentStatus.FAILED,
                idempotency_key=key,
                charge=charge,
                failure_code=result.failure_code[:60],
                failure_message=result.failure_message[:300],
                subject_type=charge.subject_type,
                subject_uid=charge.subject_uid,
            )
            return
        payout = posting_record(
            idempotency_key=f"{key}:out",
            kind=PostingKind.PAYOUT,
            memo=_("Refunded to the card: %(memo)s") % {"memo": memo},
            entries=[
                Entry(wallet, -room),
                Entry(external_account(provider=provider.name, currency=charge.currency), room),
            ],
            order_uid=order_uid,
            subject_type=subject_type,
            subject_uid=subject_uid,
        )
        Payment.objects.create(
            provider=provider.name,
            kind=PaymentKind.REFUND,
            user=user,
            amount=room,
            currency=charge.currency,
            status=PaymentStatus.SUCCEEDED,
            idempotency_key=key,
            provider_ref=result.provider_ref,
            charge=charge,
            subject_type=charge.subject_type,
            subject_uid=charge.subject_uid,
            posting=payout,
        )
        left -= room
        if left <= 0:
            return


# --- share rules -------------------------------------------------------------------------------


def share_rule_current(*, scope: str, currency: str = "CNY") -> ShareRule:
    """The rates in force for `scope` (a default scope); the initial rates on first use."""
    rule = (
        ShareRule.objects.filter(scope=scope, currency=currency)
        .order_by("-published_at", "-id")
        .first()
    )
    if rule is not None:
        return rule
    terms = ShareTerms()
    return ShareRule.objects.create(
        scope=scope,
        terms=terms.as_json(),
        fingerprint=terms.fingerprint(),
        currency=currency,
        published_at=timezone.now(),
        note=_("The platform's initial rates."),
    )


@transaction.atomic
def share_rule_publish(
    *, scope: str, terms: ShareTerms, actor: Any, note: str = "", currency: str = "CNY"
) -> ShareRule:
    """An operator publishes new default rates; tenders already published keep theirs."""
    from heyi.accounts.selectors import operator_require

    operator_require(actor)
    problems = terms.problems()
    if scope not in (ShareRuleScope.DEFAULT_PRODUCTION, ShareRuleScope.DEFAULT_STANDARD):
        problems.append("scope must be a default scope")
    if problems:
        raise InvalidInput("; ".join(problems), code=LedgerErrorCode.SHARE_RULE_INVALID)
    return ShareRule.objects.create(
        scope=scope,
        terms=terms.as_json(),
        fingerprint=terms.fingerprint(),
        currency=currency,
        published_at=timezone.now(),
        published_by=actor,
        note=note[:300],
    )


def share_rule_for_tender(*, tender_uid: UUID, currency: str = "CNY") -> ShareRule:
    """Freeze the production rates in force as the tender's published share rule (once)."""
    existing = ShareRule.objects.filter(tender_uid=tender_uid).first()
    if existing is not None:
        return existing
    current = share_rule_current(scope=ShareRuleScope.DEFAULT_PRODUCTION, currency=currency)
    try:
        with transaction.atomic():
            return ShareRule.objects.create(
                scope=ShareRuleScope.TENDER,
                tender_uid=tender_uid,
                terms=current.terms,
                fingerprint=current.fingerprint,
                currency=currency,
                published_at=timezone.now(),
                note=_("Published with the tender."),
            )
    except IntegrityError:
        return ShareRule.objects.get(tender_uid=tender_uid)
