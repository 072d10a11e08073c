"""The committed benchmark results cover every chapter and exercise, within twice their budgets."""

from __future__ import annotations

import pytest

from coursekit.bench import load_results, write_results
from coursekit.sphinxext import measurement_line

from .repo import CHAPTERS, EXERCISES, ROOT

RESULTS = load_results(ROOT)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.name)
def test_chapter_is_benchmarked_within_twice_its_budget(chapter):
    r = RESULTS["chapters"].get(chapter.name)
    assert r and not r.get("error"), f"{chapter.name}: run `make bench` (no result or an error recorded)"
    assert r["seconds"] <= 2 * r["budget_seconds"]


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_solution_autograde_is_benchmarked_within_twice_its_budget(exercise):
    r = RESULTS["exercises"].get(exercise.name)
    assert r and r.get("full_marks"), f"{exercise.name}: run `make bench` (no result, or not full marks)"
    assert r["autograde_seconds"] <= 2 * r["budget_seconds"]


def test_markdown_table_is_generated_from_the_json(tmp_path):
    (tmp_path / "benchmarks").mkdir()
    write_results(RESULTS, tmp_path)
    assert (tmp_path / "benchmarks" / "results.md").read_text() == (ROOT / "benchmarks" / "results.md").read_text()


def test_page_lines_quote_the_measurement():
    name = CHAPTERS[0].name
    assert f"about {RESULTS['chapters'][name]['seconds']:.0f} s" in measurement_line("chapters", name, RESULTS)
    assert f"about {RESULTS['exercises'][name]['autograde_seconds']:.0f} s" in measurement_line("exercises", name, RESULTS)
