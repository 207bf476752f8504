"""Translations: every catalogue is up to date with the code, fully translated and compiled; no
user-facing string goes unmarked; pages, money and API errors follow the visitor's language.

Translators grow TRANSLATED_APPS app by app (docs/i18n.md); "heyi" is the project level
(heyi/templates and heyi/*.py).
"""

from __future__ import annotations

import os
import shutil
import uuid
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from conftest import make_user
from heyi.core.i18n import (
    PoEntry,
    catalogue_extract,
    entry_problems,
    mo_catalogue,
    placeholders,
    po_catalogue,
    po_read,
    python_unmarked,
    template_unmarked,
    translatable_units,
)
from heyi.designs.templatetags.designs_money import cny, price_change

TRANSLATED_APPS = [
    "heyi",
    "core",
    "accounts",
    "notifications",
    "products",
    "ventures",
    "demands",
    "designs",
    "ledger",
    "value",
    "investment",
    "rules",
    "developers",
]
# A translator checks an app before adding it above: HEYI_I18N_CHECK=orders uv run pytest …
TRANSLATED_APPS += [u for u in os.environ.get("HEYI_I18N_CHECK", "").split(",") if u]

CHINESE = "zh-CN,zh;q=0.9"


def _catalogue(unit: str) -> Path:
    return translatable_units()[unit]


# ---------------------------------------------------------------------------------------------
# The catalogues


@pytest.mark.parametrize("unit", TRANSLATED_APPS)
def test_catalogue_is_up_to_date_with_the_code(unit: str) -> None:
    if shutil.which("xgettext") is None:
        # Extraction is GNU gettext's; CI installs it and requires this test to run.
        if os.environ.get("HEYI_REQUIRE_GETTEXT"):
            pytest.fail("GNU gettext's xgettext is required but not installed")
        pytest.skip("no xgettext: apt-get install gettext to check catalogues against the code")
    committed = po_read(_catalogue(unit))
    extracted = catalogue_extract(unit)
    missing = sorted(repr(key[1]) for key in extracted.keys() - committed.keys())
    stale = sorted(repr(key[1]) for key in committed.keys() - extracted.keys())
    assert (missing, stale) == ([], []), (
        f"{_catalogue(unit)} is out of date: run `uv run heyi messages {unit}` and translate.\n"
        f"not in the catalogue: {missing}\nno longer in the code: {stale}"
    )


@pytest.mark.parametrize("unit", TRANSLATED_APPS)
def test_catalogue_is_fully_translated(unit: str) -> None:
    path = _catalogue(unit)
    problems = [
        f"{path}:{entry.line}: {problem}"
        for entry in po_read(path).values()
        for problem in entry_problems(entry)
    ]
    assert problems == [], "\n".join(problems)


def test_every_compiled_catalogue_matches_its_po() -> None:
    """The .mo files are committed (ADR 12): each must be compiled from its .po as it is now."""
    catalogues = [path for path in translatable_units().values() if path.exists()]
    assert {p.parent.parent.parent.parent.name for p in catalogues} >= {
        "heyi",
        "core",
        "accounts",
        "notifications",
    }
    stale = [
        str(po)
        for po in catalogues
        if not po.with_suffix(".mo").exists()
        or mo_catalogue(po.with_suffix(".mo")) != po_catalogue(po_read(po))
    ]
    assert stale == [], f"recompile with `uv run heyi messages --compile-only`: {stale}"


@pytest.mark.parametrize("unit", TRANSLATED_APPS)
def test_no_user_facing_string_is_left_unmarked(unit: str) -> None:
    from heyi.core.i18n import unit_unmarked

    found = [str(item) for item in unit_unmarked(unit)]
    assert found == [], "not marked for translation:\n" + "\n".join(found)


# ---------------------------------------------------------------------------------------------
# The checkers catch what they must


def test_template_scanner_finds_unmarked_text_and_attributes(tmp_path: Path) -> None:
    sample = tmp_path / "sample.html"
    source = (
        '{% load i18n %}<h1>{% translate "Orders" %}</h1>\n'
        "<p>Pay now</p>\n"
        '<input type="search" placeholder="Search demands" aria-label="{% translate "Search" %}">\n'
        '<img src="x.png" alt="A lamp">\n'
        '<button type="submit" value="go">{% translate "Send" %}</button>\n'
        '<input type="submit" value="Send it">\n'
        '<input type="hidden" name="next" value="next page">\n'
        "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}\n"
        "{% comment %}Not shown{% endcomment %}{# nor this #}\n"
        "<script>const label = 'Script text';</script><code>GET /api/v1/</code>\n"
        "<footer>heyi · 合一 &copy; 2026 {{ user.name }}</footer>\n"
        '<a href="/x" title="Go to\n the list">→</a>\n'
    )
    found = [(item.line, item.text) for item in template_unmarked(sample, source)]
    assert found == [
        (2, "Pay now"),
        (3, "Search demands"),
        (4, "A lamp"),
        (6, "Send it"),
        (12, "Go to\n the list"),
    ]


def test_python_scanner_finds_bare_error_messages(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    source = (
        "from django.utils.translation import gettext as _\n"
        "raise NotFound('No such thing.')\n"
        "raise NotFound(_('No such thing.'))\n"
        "raise LedgerError(Code.X, f'Overdrawn by {n}.', status=409)\n"
        "raise LedgerError(Code.X, _('Overdrawn by %(n)s.') % {'n': n})\n"
        "raise ValidationError(_('Bad.'), code='bad')\n"
        "raise ValidationError('Too long.')\n"
        "raise PermissionDenied(message='Not yours.')\n"
        "raise ValueError('for programmers')\n"
        "raise InvalidInput(str(error))\n"
        "return error_response(request, detail='Gone.')\n"
        "raise DomainError('code', 'Refused: %s' % why)\n"
    )
    found = [(item.line, item.text) for item in python_unmarked(sample, source)]
    assert found == [
        (2, "'No such thing.'"),
        (4, "f'Overdrawn by {n}.'"),
        (7, "'Too long.'"),
        (8, "'Not yours.'"),
        (11, "'Gone.'"),
        (12, "'Refused: %s' % why"),
    ]


def test_po_reader_and_the_translation_checks(tmp_path: Path) -> None:
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: zh_Hans\\n"\n\n'
        '#: a.py\nmsgid "Hello %(name)s"\nmsgstr "%(name)s，你好"\n\n'
        '#, fuzzy\nmsgid "Old"\nmsgstr "旧"\n\n'
        'msgctxt "verb"\nmsgid ""\n"Order "\n"now"\nmsgstr "下单"\n\n'
        'msgid "%(n)d item"\nmsgid_plural "%(n)d items"\nmsgstr[0] "%(n)d 件"\n\n'
        'msgid "Pay {amount}"\nmsgstr "付款"\n\n'
        'msgid "Untouched"\nmsgstr ""\n\n'
        '#~ msgid "Gone"\n#~ msgstr "没了"\n',
        encoding="utf-8",
    )
    entries = po_read(po)
    assert list(entries) == [
        ("", "Hello %(name)s", ""),
        ("", "Old", ""),
        ("verb", "Order now", ""),
        ("", "%(n)d item", "%(n)d items"),
        ("", "Pay {amount}", ""),
        ("", "Untouched", ""),
    ]
    problems = [p for entry in entries.values() for p in entry_problems(entry)]
    assert problems == [
        "fuzzy: 'Old'",
        "placeholders differ: 'Pay {amount}' -> '付款'",
        "not translated: 'Untouched'",
    ]
    assert po_catalogue(entries) == {
        "Hello %(name)s": "%(name)s，你好",
        "verb\x04Order now": "下单",
        ("%(n)d item", 0): "%(n)d 件",
        "Pay {amount}": "付款",
    }
    assert placeholders("%(a)s of %d, 100%% {b}") == {"%(a)s": 1, "%d": 1, "{b}": 1}
    assert entry_problems(PoEntry(msgid="%(a)s and %(a)s", msgstr={0: "%(a)s"})) == [
        "placeholders differ: '%(a)s and %(a)s' -> '%(a)s'"
    ]


# ---------------------------------------------------------------------------------------------
# Formats


def test_money_follows_the_active_language() -> None:
    with translation.override("en"):
        assert cny(Decimal("1899")) == "¥1,899.00"
        assert cny(Decimal("1234567.455")) == "¥1,234,567.46"
        assert cny(Decimal("-12.5")) == "-¥12.50"
        assert cny(None) == ""
        assert price_change(Decimal("-300.5")) == "−¥300.50"
        assert price_change(Decimal("0")) == "no change"
    with translation.override("zh-hans"):
        assert cny(Decimal("1899")) == "¥1,899.00"
        assert cny("18990000") == "¥18,990,000.00"
        assert price_change(Decimal("120")) == "+¥120.00"


def test_number_formats_of_mainland_china_are_installed() -> None:
    """Django's zh_Hans groups by ten thousand without a separator; the project's formats
    (heyi/core/formats) put China's comma-by-thousands in its place."""
    assert settings.FORMAT_MODULE_PATH == ["heyi.core.formats"]


def test_dates_follow_the_active_language() -> None:
    from datetime import date

    from django.template.defaultfilters import date as date_filter

    day = date(2015, 1, 8)
    with translation.override("en"):
        assert date_filter(day, "DATE_FORMAT") == "Jan. 8, 2015"
        assert date_filter(day, "YEAR_MONTH_FORMAT") == "January 2015"
    with translation.override("zh-hans"):
        assert date_filter(day, "DATE_FORMAT") == "2015年1月8日"
        assert date_filter(day, "YEAR_MONTH_FORMAT") == "2015年1月"


# ---------------------------------------------------------------------------------------------
# Pages and the API in the visitor's language


class _Text(HTMLParser):
    """The visible text nodes of a page (scripts and styles left out)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self._skip += tag in {"script", "style"}

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in {"script", "style"}

    def handle_data(self, data: str) -> None:
        if data.strip() and not self._skip:
            self.texts.append(" ".join(data.split()))


def _texts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.texts


NAV_LABELS = ["Demands", "Products", "Ventures", "Tenders", "Catalogue", "Invest", "Sign in"]


@pytest.mark.django_db
def test_the_browsers_language_is_honoured() -> None:
    client = Client()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get("/", HTTP_ACCEPT_LANGUAGE=CHINESE)
    assert '<html lang="en">' in english.text
    assert "Say what you want. Design it together. Get it made." in _texts(english.text)
    assert '<html lang="zh-hans">' in chinese.text
    texts = _texts(chinese.text)
    assert "说出你想要的，一起设计，把它造出来。" in texts
    assert "<title>一起按需定制 · heyi</title>" in chinese.text
    assert {"需求", "产品", "小微", "招标", "目录", "投资", "登录", "注册", "切换"} <= set(texts)
    assert [label for label in NAV_LABELS if label in texts] == []


@pytest.mark.django_db
def test_the_language_switch_wins_over_the_browser() -> None:
    client = Client()
    answer = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert answer.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/", HTTP_ACCEPT_LANGUAGE=CHINESE)
    assert '<html lang="en">' in page.text
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert "说出你想要的，一起设计，把它造出来。" in _texts(page.text)


@pytest.mark.django_db
def test_my_profile_page_in_chinese() -> None:
    person = make_user("mei@example.com", name="Mei")
    client = Client()
    client.force_login(person)
    page = client.get("/me/", HTTP_ACCEPT_LANGUAGE=CHINESE)
    assert page.status_code == 200
    texts = _texts(page.text)
    assert {"你的资料", "查看你的公开主页", "保存", "退出", "通知", "我的订单"} <= set(texts)
    assert "已用 mei@example.com 登录。" in texts
    english = [*NAV_LABELS[:-1], "Sign out", "Notifications", "My orders", "Your profile", "Save"]
    assert [label for label in english if label in texts] == []


@pytest.mark.django_db
def test_api_errors_follow_accept_language() -> None:
    client = Client()
    path = f"/api/v1/people/{uuid.uuid4()}"
    english = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    chinese = client.get(path, HTTP_ACCEPT_LANGUAGE=CHINESE)
    assert (english.status_code, english.json()) == (
        404,
        {"code": "user_not_found", "detail": "No such person."},
    )
    assert (chinese.status_code, chinese.json()) == (
        404,
        {"code": "user_not_found", "detail": "没有这个人。"},
    )
