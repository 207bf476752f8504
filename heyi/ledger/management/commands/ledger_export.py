"""Write the whole ledger as beancount text (`heyi ledger-export`), for `bean-check` and friends."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from heyi.ledger.export import ledger_export


class Command(BaseCommand):
    help = "Export the whole ledger as beancount text (to a file, or to standard output)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output", "-o", help="the file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        output = options.get("output")
        if not output or output == "-":
            try:
                ledger_export(self.stdout)  # type: ignore[arg-type]
            except BrokenPipeError:
                # Piped into `head`, say: the reader has all it wanted.
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115
            return
        with open(output, "w", encoding="utf-8") as out:
            lines = ledger_export(out)
        self.stderr.write(f"Wrote {lines} lines to {output}.")
