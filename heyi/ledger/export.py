"""The whole ledger as beancount text, so anyone can audit the books with outside tools.

The books are kept from the platform's point of view: the money held at the payment provider
is the platform's asset; what it holds for people and ventures (wallets, escrow, ventures' and
suppliers' accounts, investors' money) is what it owes them, a liability; its own account is its
income. Our accounts record each party's balance, so every amount changes sign on the way out:
a wallet credited ¥10 is a liability growing by ¥10, written −10 in beancount, and a payment
of ¥10 collected through the provider (our external account −10) is an asset growing by +10.
Negating every line keeps each transaction summing to zero.

Account names follow beancount's rules (five roots; each component starts with a capital
letter or a digit and holds letters, digits and dashes), built from the account's stable key:

    external:<provider>              Assets:Provider:<Provider>
    wallet:<user uid>                Liabilities:Wallets:U-<uid>
    investor:<user uid>              Liabilities:Investors:I-<uid>
    venture:<venture uid>            Liabilities:Ventures:V-<uid>   (a supplier: Suppliers:S-<uid>)
    escrow:<subject type>:<uid>      Liabilities:Escrow:<SubjectType>:E-<uid>
    platform:<name>                  Income:Platform:<Name>

The human name of each account travels as metadata on its `open` directive; each posting
becomes one transaction carrying its idempotency key, uid, kind, order and the rule term of
each line.
"""

from __future__ import annotations

import hashlib
import re
import zoneinfo
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import TextIO

from django.conf import settings
from django.db.models import Min

from heyi.ledger.models import Account, Posting

ROOT_OF_KIND = {
    "external": "Assets:Provider",
    "user_wallet": "Liabilities:Wallets",
    "investor": "Liabilities:Investors",
    "venture": "Liabilities:Ventures",
    "supplier": "Liabilities:Suppliers",
    "escrow": "Liabilities:Escrow",
    "platform": "Income:Platform",
}
PREFIX_OF_KIND = {
    "user_wallet": "U-",
    "investor": "I-",
    "venture": "V-",
    "supplier": "S-",
    "escrow": "E-",
}


def _component(text: str) -> str:
    """One valid account component: words joined in CamelCase, anything else a dash."""
    words = [word for word in re.split(r"[^A-Za-z0-9]+", text) if word]
    joined = "".join(word[:1].upper() + word[1:] for word in words) or "X"
    return joined if joined[0].isupper() or joined[0].isdigit() else f"X{joined}"


def account_name(account: Account) -> str:
    """The beancount name of one of our accounts (see the module's table)."""
    kind = account.kind
    root = ROOT_OF_KIND[kind]
    parts = account.key.split(":")
    if kind == "external" or kind == "platform":
        return f"{root}:{_component(':'.join(parts[1:]) or kind)}"
    if kind == "escrow":
        # escrow:<subject type>:<uid>
        subject_type, uid = (parts[1], parts[2]) if len(parts) >= 3 else ("other", parts[-1])
        return f"{root}:{_component(subject_type)}:{PREFIX_OF_KIND[kind]}{_id(uid)}"
    return f"{root}:{PREFIX_OF_KIND[kind]}{_id(parts[-1])}"


def _id(text: str) -> str:
    """A stable identifier as letters, digits and dashes."""
    return re.sub(r"[^A-Za-z0-9-]", "-", text) or "0"


def quoted(text: str) -> str:
    """A beancount string: backslashes and quotes escaped, one line."""
    one_line = " ".join(str(text).split())
    return '"' + one_line.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _local_date(moment: datetime) -> date:
    return moment.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).date()


def _amount(value: Decimal) -> str:
    # From the platform's point of view (see the module's docstring).
    return f"{-value:.2f}"


def ledger_export_lines() -> Iterator[str]:
    """The export, line by line: three queries plus one per 500 postings."""
    accounts = list(Account.objects.order_by("kind", "key", "currency"))
    firsts = dict(
        Account.objects.annotate(first=Min("lines__posting__posted_at"))
        .values_list("pk", "first")
        .order_by()
    )
    names: dict[int, str] = {}
    key_of_name: dict[str, str] = {}
    for account in accounts:
        name = account_name(account)
        if key_of_name.setdefault(name, account.key) != account.key:
            # Two keys that read alike (say, providers `test-card` and `test_card`) stay apart.
            name = f"{name}-{hashlib.sha256(account.key.encode()).hexdigest()[:8].upper()}"
            key_of_name[name] = account.key
        names[account.pk] = name
    opened: dict[str, tuple[date, Account]] = {}
    for account in accounts:
        when = _local_date(firsts.get(account.pk) or account.created_at)
        name = names[account.pk]
        if name not in opened or when < opened[name][0]:
            opened[name] = (when, account)
    currencies = sorted({account.currency for account in accounts} | {"CNY"})
    start = min((when for when, _account in opened.values()), default=date(2000, 1, 1))

    yield "; The heyi ledger, exported from the platform's point of view (heyi/ledger/export.py)."
    yield 'option "title" "heyi ledger"'
    yield 'option "operating_currency" "CNY"'
    yield ""
    for currency in currencies:
        yield f"{start.isoformat()} commodity {currency}"
    yield ""
    for name, (when, account) in sorted(opened.items(), key=lambda item: (item[1][0], item[0])):
        yield f"{when.isoformat()} open {name}"
        yield f"  name: {quoted(account.name)}"
        yield f"  key: {quoted(account.key)}"
        yield f"  kind: {quoted(account.kind)}"
    yield ""
    postings = (
        Posting.objects.select_related("reverses")
        .prefetch_related("lines")
        .order_by("posted_at", "id")
    )
    for posting in postings.iterator(chunk_size=500):
        yield f"{_local_date(posting.posted_at).isoformat()} * {quoted(posting.memo)}"
        yield f"  idempotency_key: {quoted(posting.idempotency_key)}"
        yield f"  posting_uid: {quoted(str(posting.uid))}"
        yield f"  kind: {quoted(posting.kind)}"
        if posting.order_uid:
            yield f"  order_uid: {quoted(str(posting.order_uid))}"
        if posting.subject_type:
            yield f"  subject: {quoted(f'{posting.subject_type}:{posting.subject_uid}')}"
        if posting.reverses is not None:
            yield f"  reverses: {quoted(str(posting.reverses.uid))}"
        for line in sorted(posting.lines.all(), key=lambda line: line.pk):
            yield f"  {names[line.account_id]}  {_amount(line.amount)} {line.currency}"
            if line.term:
                yield f"    term: {quoted(line.term)}"
        yield ""


def ledger_export(out: TextIO) -> int:
    """Write the export to `out`; how many lines were written."""
    count = 0
    for line in ledger_export_lines():
        out.write(line + "\n")
        count += 1
    return count


def ledger_export_text() -> str:
    return "".join(line + "\n" for line in ledger_export_lines())
