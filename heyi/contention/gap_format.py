"""Read generalized assignment problems in the OR-Library text format (Beasley's gap files)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from heyi.contention.allocation import AllocationProblem, Sense

_INTEGER = re.compile(r"[+-]?\d+")
_TOKEN = re.compile(r"\S+")


class GapFormatError(ValueError):
    """The text is not a well-formed OR-Library GAP file (the message says where)."""


class _Numbers:
    """The file as one stream of integers: the format lets numbers wrap across lines."""

    def __init__(self, text: str, source: str) -> None:
        self._source = source
        self._tokens: Iterator[re.Match[str]] = _TOKEN.finditer(text)
        self._text = text
        self.count = 0

    def take(self, what: str) -> int:
        token = next(self._tokens, None)
        if token is None:
            raise GapFormatError(
                f"{self._source}: the file ends early: expected {what} "
                f"after {self.count} numbers (is it truncated?)"
            )
        if not _INTEGER.fullmatch(token.group()):
            line = self._text.count("\n", 0, token.start()) + 1
            raise GapFormatError(
                f"{self._source}, line {line}: {token.group()!r} is not an integer ({what})"
            )
        self.count += 1
        return int(token.group())

    def rest(self) -> list[str]:
        return [token.group() for token in self._tokens]


def gap_problems_parse(
    text: str, *, sense: Sense | str = Sense.MIN, source: str = "<text>"
) -> list[AllocationProblem]:
    """Parse every problem of an OR-Library GAP file.

    The format gives no sense, so the caller says whether the costs are to be minimised or
    (as for gap1–gap12) maximised. Problems are named `<source stem>-<1-based position>`.
    """
    numbers = _Numbers(text, source)
    problem_count = numbers.take("the number of problems")
    if problem_count < 0:
        raise GapFormatError(f"{source}: the number of problems is negative ({problem_count})")
    stem = Path(source).stem
    problems = []
    for position in range(1, problem_count + 1):
        where = f"problem {position}"
        agent_count = numbers.take(f"the number of agents of {where}")
        job_count = numbers.take(f"the number of jobs of {where}")
        if agent_count <= 0 or job_count <= 0:
            raise GapFormatError(
                f"{source}: {where} has {agent_count} agents and {job_count} jobs; "
                "both must be positive"
            )
        cost = [
            [numbers.take(f"cost c[{i + 1}][{j + 1}] of {where}") for j in range(job_count)]
            for i in range(agent_count)
        ]
        use = [
            [numbers.take(f"resource use a[{i + 1}][{j + 1}] of {where}") for j in range(job_count)]
            for i in range(agent_count)
        ]
        capacities = [numbers.take(f"capacity b[{i + 1}] of {where}") for i in range(agent_count)]
        try:
            problem = AllocationProblem.dense(
                cost=cost, use=use, capacities=capacities, sense=sense, name=f"{stem}-{position}"
            )
        except ValueError as error:
            raise GapFormatError(f"{source}: {where}: {error}") from error
        problems.append(problem)
    leftover = numbers.rest()
    if leftover:
        raise GapFormatError(
            f"{source}: {len(leftover)} numbers follow the last of {problem_count} problems "
            f"(starting with {leftover[0]!r}): is the problem count right?"
        )
    return problems


def gap_file_read(path: str | Path, *, sense: Sense | str | None = None) -> list[AllocationProblem]:
    """Read a GAP file. Without `sense`, OR-Library's convention decides by the file name:
    gap1–gap12 are maximisation problems, gapa–gapd (and any other file) minimisation."""
    path = Path(path)
    if sense is None:
        sense = gap_sense_for(path)
    return gap_problems_parse(path.read_text(), sense=sense, source=str(path))


def gap_sense_for(path: str | Path) -> Sense:
    """OR-Library's sense for a file name: `gapN` (a number) maximises, the rest minimise."""
    return Sense.MAX if re.fullmatch(r"gap\d+", Path(path).stem.lower()) else Sense.MIN
