"""`manage.py messages` (also `heyi messages`): extract and compile the translation catalogues.

Each translated app keeps its own catalogue in `heyi/<app>/locale/zh_Hans/LC_MESSAGES/django.po`;
the project's templates and top-level modules (`heyi/templates`, `heyi/*.py`) keep theirs in
`heyi/locale/`. See docs/i18n.md.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from heyi.core.i18n import (
    LOCALE,
    PROJECT,
    catalogue_compile,
    catalogue_make,
    translatable_units,
)


class Command(BaseCommand):
    help = "Update the .po catalogues from the code (makemessages) and compile them (.mo)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "units",
            nargs="*",
            help=f"apps to update (e.g. accounts), or '{PROJECT}' for heyi/templates and "
            "heyi/*.py; default: every unit that already has a catalogue",
        )
        parser.add_argument(
            "--compile-only", action="store_true", help="only compile the .po files into .mo"
        )
        parser.add_argument(
            "--new", action="store_true", help="create catalogues for the named units"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        known = translatable_units()
        units = options["units"] or [unit for unit, path in known.items() if path.exists()]
        for unit in units:
            if unit not in known:
                raise CommandError(f"unknown unit {unit!r}; known: {', '.join(sorted(known))}")
            if not known[unit].exists() and not options["new"]:
                raise CommandError(f"{unit} has no catalogue yet; pass --new to create one")
        for unit in units:
            if not options["compile_only"]:
                po = catalogue_make(unit)
                self.stdout.write(f"{unit}: {po}")
            catalogue_compile(unit)
        self.stdout.write(f"compiled {len(units)} catalogue(s) for {LOCALE}")
