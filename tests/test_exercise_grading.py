"""Every exercise through real nbgrader: solution = full marks, blank = 0, first task only = its points."""

from __future__ import annotations

import pytest

from coursekit.gradecheck import check_exercise

from .repo import EXERCISES

pytestmark = pytest.mark.slow
GRADE_BUDGET_S = 60


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_grading(exercise, tmp_path):
    r = check_exercise(exercise, workdir=tmp_path)
    assert r.max_points >= 10, f"{exercise.name}: an exercise is worth at least 10 points"
    got = {s: g.score for s, g in r.grades.items()}
    detail = {s: [(t.grade_id, t.score) for t in g.tests] for s, g in r.grades.items()}
    assert got["solution"] == r.max_points, f"solution must score full marks: {detail['solution']}"
    assert got["blank"] == 0, f"blank must score 0: {detail['blank']}"
    assert got["partial"] == r.first_task_points, f"first task only must score {r.first_task_points}: {detail['partial']}"
    # three submissions were graded in one run; the budget is per solution, and a test fails only past twice it
    assert r.autograde_seconds <= 3 * 2 * GRADE_BUDGET_S
