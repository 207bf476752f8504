"""Translation tooling: where the catalogues live, extracting and compiling them, reading .po and
.mo files, and the scanners that find user-facing strings not marked for translation.

Used by `manage.py messages` and by tests/test_i18n.py; nothing here runs while serving pages.
See docs/i18n.md and docs/adr/0012-translations.md.
"""

from __future__ import annotations

import ast
import contextlib
import gettext
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

LOCALE = "zh_Hans"
PROJECT = "heyi"  # the project-level unit: heyi/templates and heyi/*.py
HEYI_DIR = Path(__file__).resolve().parent.parent

# ---------------------------------------------------------------------------------------------
# Units and their catalogues


def translatable_units() -> dict[str, Path]:
    """Every unit (the project and each heyi app) and the path of its zh_Hans catalogue."""
    from django.apps import apps

    units = {PROJECT: _po_path(HEYI_DIR)}
    for config in apps.get_app_configs():
        if config.name.startswith("heyi."):
            units[config.name.removeprefix("heyi.")] = _po_path(Path(config.path))
    return units


def unit_dir(unit: str) -> Path:
    return HEYI_DIR if unit == PROJECT else HEYI_DIR / unit


def _po_path(base: Path) -> Path:
    return base / "locale" / LOCALE / "LC_MESSAGES" / "django.po"


def _project_ignores() -> list[str]:
    """At the project level every app folder is left out: each app has its own catalogue."""
    return [p.name for p in HEYI_DIR.iterdir() if p.is_dir() and p.name != "templates"]


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def catalogue_make(unit: str, *, base: Path | None = None) -> Path:
    """Run makemessages for one unit in `base` (default: its own folder); return the .po path."""
    from django.core.management import call_command

    if shutil.which("xgettext") is None:
        raise RuntimeError("makemessages needs GNU gettext's xgettext: apt-get install gettext")
    base = base or unit_dir(unit)
    (base / "locale").mkdir(exist_ok=True)
    ignore = _project_ignores() if unit == PROJECT else ["tests", "migrations"]
    with _cwd(base):
        call_command(
            "makemessages",
            locale=[LOCALE],
            ignore_patterns=ignore,
            add_location="file",
            no_obsolete=True,
            verbosity=0,
        )
    return _po_path(base)


def catalogue_compile(unit: str) -> Path:
    """Compile the unit's .po into the .mo next to it (GNU msgfmt, through compilemessages)."""
    from django.core.management import call_command

    po = translatable_units()[unit]
    # compilemessages compiles the `locale` folders below the working directory (and
    # LOCALE_PATHS): from the app's folder, that is the app's catalogue.
    with _cwd(unit_dir(unit)):
        call_command("compilemessages", locale=[LOCALE], verbosity=0)
    return po.with_suffix(".mo")


def catalogue_extract(unit: str) -> dict[MessageKey, PoEntry]:
    """The messages the unit's code marks today: makemessages run over a temporary copy."""
    source = unit_dir(unit)
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / unit
        if unit == PROJECT:
            base.mkdir()
            for path in source.glob("*.py"):
                shutil.copy2(path, base / path.name)
            shutil.copytree(source / "templates", base / "templates")
        else:
            shutil.copytree(
                source, base, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc")
            )
        po = catalogue_make(unit, base=base)
        return po_read(po) if po.exists() else {}


# ---------------------------------------------------------------------------------------------
# Reading .po and .mo files

MessageKey = tuple[str, str, str]  # (msgctxt, msgid, msgid_plural)


@dataclass
class PoEntry:
    msgctxt: str = ""
    msgid: str = ""
    msgid_plural: str = ""
    msgstr: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False
    line: int = 0

    @property
    def key(self) -> MessageKey:
        return (self.msgctxt, self.msgid, self.msgid_plural)


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


def _unquote(text: str) -> str:
    text = text.strip()
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted string: {text}")
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


def po_read(path: Path) -> dict[MessageKey, PoEntry]:
    """The entries of a .po file (header and obsolete `#~` entries left out)."""
    entries: dict[MessageKey, PoEntry] = {}
    entry = PoEntry()
    target: tuple[str, int] = ("", 0)

    def finish() -> None:
        nonlocal entry
        if entry.msgid:  # the header's msgid is ""
            entries[entry.key] = entry
        entry = PoEntry()

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if entry.msgstr:
                finish()
            if line.startswith("#,") and "fuzzy" in line:
                entry.fuzzy = True
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            name, index = target
            value = _unquote(line)
        else:
            value = _unquote(rest)
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if keyword in ("msgctxt", "msgid") and entry.msgstr:
                finish()
            if keyword in ("msgctxt", "msgid") and not entry.line:
                entry.line = number
            name, index = ("msgstr", int(match.group(1))) if match else (keyword, 0)
            target = (name, index)
            if name == "msgstr":
                entry.msgstr[index] = ""
        if name == "msgstr":
            entry.msgstr[index] += value
        elif name in ("msgctxt", "msgid", "msgid_plural"):
            setattr(entry, name, getattr(entry, name) + value)
        else:
            raise ValueError(f"{path}:{number}: unexpected {keyword}")
    finish()
    return entries


def mo_catalogue(path: Path) -> dict[object, str]:
    """The messages a compiled .mo holds, as Python's gettext reads them (header left out)."""
    with path.open("rb") as handle:
        catalogue = dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]
    catalogue.pop("", None)
    return catalogue


def po_catalogue(entries: dict[MessageKey, PoEntry]) -> dict[object, str]:
    """What the .mo compiled from these entries must hold (msgfmt leaves out fuzzy and empty)."""
    catalogue: dict[object, str] = {}
    for entry in entries.values():
        if entry.fuzzy or not all(entry.msgstr.values()):
            continue
        msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            for index, text in entry.msgstr.items():
                catalogue[(msgid, index)] = text
        else:
            catalogue[msgid] = entry.msgstr[0]
    return catalogue


_PLACEHOLDER = re.compile(
    r"%\([^)]+\)[-#0 +]*\d*(?:\.\d+)?[sdifrxX]|%[-#0 +]*\d*(?:\.\d+)?[sdifrxX]|\{[^{}]*\}"
)


def placeholders(text: str) -> Counter[str]:
    """The substitution places of a message: `%(name)s`, `%d`, `{name}` (`%%` is not one)."""
    return Counter(_PLACEHOLDER.findall(text.replace("%%", "")))


def entry_problems(entry: PoEntry) -> list[str]:
    """What is wrong with one translated entry: missing, fuzzy, or other placeholders."""
    label = repr(entry.msgid)
    if entry.fuzzy:
        return [f"fuzzy: {label}"]
    if not entry.msgstr or not all(entry.msgstr.values()):
        return [f"not translated: {label}"]
    expected = placeholders(entry.msgid_plural or entry.msgid)
    return [
        f"placeholders differ: {label} -> {text!r}"
        for text in entry.msgstr.values()
        if placeholders(text) != expected
    ]


# ---------------------------------------------------------------------------------------------
# Finding strings not marked for translation

# Brand names and symbols that are the same in every language.
ALLOWED_WORDS = frozenset({"heyi", "合一", "API", "QR", "OK"})
_WORD = re.compile(r"[^\W\d_]+")
_LETTER = re.compile(r"[^\W\d_]")
_TRANSLATED_TAGS = re.compile(
    r"\{%\s*comment\b.*?%\}.*?\{%\s*endcomment\s*%\}"
    r"|\{%\s*(blocktranslate|blocktrans)\b.*?%\}.*?\{%\s*end(blocktranslate|blocktrans)\s*%\}"
    r"|\{#.*?#\}",
    re.DOTALL,
)
_CODE_ELEMENTS = re.compile(
    r"<(script|style|code|kbd|samp|pre)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE
)
_TEMPLATE_TAGS = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
_TEXT_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


@dataclass(frozen=True)
class Unmarked:
    path: Path
    line: int
    text: str

    def __str__(self) -> str:
        try:
            where = self.path.relative_to(HEYI_DIR.parent)
        except ValueError:
            where = self.path
        return f"{where}:{self.line}: {self.text!r}"


def _blank(match: re.Match[str]) -> str:
    """Remove a piece of a template but keep its line breaks, so line numbers stay right."""
    return "\n" * match.group(0).count("\n")


def _is_visible_text(text: str) -> bool:
    """Has a word other than the brand names and symbols (`heyi · 合一` is not text to translate)."""
    return any(word not in ALLOWED_WORDS for word in _WORD.findall(text))


class _TextFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        names = set(_TEXT_ATTRIBUTES)
        # A submit input shows its value as its label; a <button>'s value is never shown (it is
        # the code the form sends: its label is its content, which the text check covers).
        if tag == "input" and (values.get("type") or "").lower() in {"submit", "button", "reset"}:
            names.add("value")
        for name, value in attrs:
            if name in names and value and _is_visible_text(value):
                self.found.append((self.getpos()[0], value.strip()))

    def handle_data(self, data: str) -> None:
        if _is_visible_text(data):
            line = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
            self.found.append((line, " ".join(data.split())))


def template_unmarked(path: Path, source: str | None = None) -> list[Unmarked]:
    """Visible text in a template that is not inside a translation tag."""
    text = path.read_text(encoding="utf-8") if source is None else source
    text = _TRANSLATED_TAGS.sub(_blank, text)
    text = _CODE_ELEMENTS.sub(_blank, text)
    text = _TEMPLATE_TAGS.sub(_blank, text)
    finder = _TextFinder()
    finder.feed(text)
    finder.close()
    return [Unmarked(path, line, found) for line, found in finder.found]


# The errors whose message people read, and which argument holds it.
_MESSAGE_FIRST = {"InvalidInput", "PermissionDenied", "NotFound", "ValidationError"}
_GETTEXT = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "format_lazy",
}


def _call_name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_bare_text(node: ast.expr) -> bool:
    """A literal the reader sees as is: a string, an f-string, or a format of one."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and bool(_LETTER.search(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(
            isinstance(part, ast.Constant) and _LETTER.search(str(part.value))
            for part in node.values
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return _is_bare_text(node.left) or (
            isinstance(node.op, ast.Add) and _is_bare_text(node.right)
        )
    if isinstance(node, ast.Call):
        if _call_name(node.func) in _GETTEXT:
            return False
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            return _is_bare_text(node.func.value)
    return False


# Exceptions for programmers and logs, not for the people using the site.
_NOT_MESSAGES = frozenset(
    {
        "ValueError",
        "TypeError",
        "KeyError",
        "RuntimeError",
        "LookupError",
        "AttributeError",
        "AssertionError",
        "NotImplementedError",
        "CommandError",
        "ImproperlyConfigured",
        "OSError",
        # The pure rule modules' errors (no Django there): the services that catch them answer
        # people with their own translated wording.
        "LifecycleError",
        "StageError",
        "PostingError",
    }
)


def python_unmarked(path: Path, source: str | None = None) -> list[Unmarked]:
    """Error messages given as bare string literals (DomainError and its kin, ValidationError)."""
    text = path.read_text(encoding="utf-8") if source is None else source
    found: list[Unmarked] = []
    for node in ast.walk(ast.parse(text, filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node.func)
        details = [kw.value for kw in node.keywords if kw.arg == "detail"]
        for candidate in details:  # error_response(..., detail="…") and the like
            if _is_bare_text(candidate):
                found.append(Unmarked(path, candidate.lineno, ast.unparse(candidate)))
        if not name.endswith(("Error", "Denied", "Input", "NotFound")) or name in _NOT_MESSAGES:
            continue
        position = 0 if name in _MESSAGE_FIRST else 1
        candidates = [kw.value for kw in node.keywords if kw.arg == "message"]
        if len(node.args) > position:
            candidates.append(node.args[position])
        elif name not in _MESSAGE_FIRST and len(node.args) == 1 and not candidates:
            candidates.append(node.args[0])  # an app error given only its message
        for candidate in candidates:
            if _is_bare_text(candidate):
                found.append(Unmarked(path, candidate.lineno, ast.unparse(candidate)))
    return found


def unit_templates(unit: str) -> list[Path]:
    folder = unit_dir(unit) / "templates"
    return sorted(p for p in folder.rglob("*") if p.suffix in {".html", ".txt"})


def unit_python_files(unit: str) -> list[Path]:
    if unit == PROJECT:
        return sorted(HEYI_DIR.glob("*.py"))
    return sorted(
        p
        for p in unit_dir(unit).rglob("*.py")
        if not {"tests", "migrations"} & set(p.relative_to(unit_dir(unit)).parts)
    )


def unit_unmarked(unit: str) -> list[Unmarked]:
    found: list[Unmarked] = []
    for path in unit_templates(unit):
        found += template_unmarked(path)
    for path in unit_python_files(unit):
        found += python_unmarked(path)
    return found
