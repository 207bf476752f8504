"""Tests of the OR-Library GAP reader: one stream of integers, the sense, and broken files."""

from __future__ import annotations

import pytest

from heyi.contention.allocation import Sense
from heyi.contention.gap_format import (
    GapFormatError,
    gap_file_read,
    gap_problems_parse,
    gap_sense_for,
)

# Two problems, with the numbers wrapping across lines as they do in the OR-Library files:
# 1) 2 agents × 3 jobs: costs [4 2 5] [3 6 1], uses [2 2 2] [3 1 2], capacities 4 3;
# 2) 1 agent × 2 jobs: costs [7 8], uses [5 9], capacity 20.
TWO_PROBLEMS = """ 2
 2 3
 4 2 5 3
 6 1
 2 2 2 3 1
 2 4 3
 1 2 7
 8 5 9 20
"""


def test_parse_reads_every_problem_from_one_stream_of_integers():
    first, second = gap_problems_parse(TWO_PROBLEMS, sense=Sense.MIN, source="dir/tiny.txt")

    assert first.name == "tiny-1"
    assert (first.agent_count, first.job_count) == (2, 3)
    assert first.capacities.tolist() == [4, 3]
    # Options as (job, agent, cost, use), ordered by job then agent.
    assert list(first.options()) == [
        (0, 0, 4, 2),
        (0, 1, 3, 3),
        (1, 0, 2, 2),
        (1, 1, 6, 1),
        (2, 0, 5, 2),
        (2, 1, 1, 2),
    ]
    assert first.sense is Sense.MIN
    assert first.unassigned_cost is None
    assert second.name == "tiny-2"
    assert (second.agent_count, second.job_count) == (1, 2)
    assert list(second.options()) == [(0, 0, 7, 5), (1, 0, 8, 9)]
    assert second.capacities.tolist() == [20]


def test_parse_takes_the_sense_it_is_given():
    problems = gap_problems_parse(TWO_PROBLEMS, sense="max")

    assert [problem.sense for problem in problems] == [Sense.MAX, Sense.MAX]


def test_a_truncated_file_is_refused_and_says_what_is_missing():
    truncated = TWO_PROBLEMS.rstrip().removesuffix("20")

    with pytest.raises(GapFormatError) as raised:
        gap_problems_parse(truncated, source="cut.txt")

    assert str(raised.value) == (
        "cut.txt: the file ends early: expected capacity b[1] of problem 2 after 23 numbers "
        "(is it truncated?)"
    )


def test_a_file_cut_inside_the_matrices_is_refused():
    with pytest.raises(GapFormatError) as raised:
        gap_problems_parse(" 1\n 2 3\n 4 2 5\n", source="cut.txt")

    assert "expected cost c[2][1] of problem 1 after 6 numbers" in str(raised.value)


def test_a_word_in_place_of_a_number_is_refused_with_its_line():
    with pytest.raises(GapFormatError) as raised:
        gap_problems_parse(TWO_PROBLEMS.replace("6 1", "6 x"), source="bad.txt")

    assert str(raised.value) == "bad.txt, line 4: 'x' is not an integer (cost c[2][3] of problem 1)"


def test_numbers_after_the_last_problem_are_refused():
    with pytest.raises(GapFormatError) as raised:
        gap_problems_parse(TWO_PROBLEMS + " 99\n", source="long.txt")

    assert "1 numbers follow the last of 2 problems (starting with '99')" in str(raised.value)


def test_an_empty_problem_is_refused():
    with pytest.raises(GapFormatError) as raised:
        gap_problems_parse(" 1\n 0 3\n", source="empty.txt")

    assert "problem 1 has 0 agents and 3 jobs" in str(raised.value)


def test_sense_follows_the_or_library_file_names():
    assert gap_sense_for("gap1.txt") is Sense.MAX
    assert gap_sense_for("/x/GAP12.txt") is Sense.MAX
    assert gap_sense_for("gapa.txt") is Sense.MIN
    assert gap_sense_for("gapd.txt") is Sense.MIN
    assert gap_sense_for("mine.txt") is Sense.MIN


def test_file_read_uses_the_sense_of_the_file_name(tmp_path):
    path = tmp_path / "gap7.txt"
    path.write_text(TWO_PROBLEMS)

    problems = gap_file_read(path)

    assert [problem.name for problem in problems] == ["gap7-1", "gap7-2"]
    assert [problem.sense for problem in problems] == [Sense.MAX, Sense.MAX]
