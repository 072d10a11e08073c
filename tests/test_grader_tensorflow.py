"""Smoke test: `coursekit grade` on the TensorFlow exercise 01_losses, sandboxed, with its default limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from coursekit.grading import GradeOptions, grade_class
from coursekit.grading.sandbox import bwrap_problem
from coursekit.sources import ExerciseSource

from .builders import release_in_scratch_course, write_class

A = "01_losses"


@pytest.mark.slow
def test_tensorflow_exercise_solution_blank_partial(tmp_path, root):
    if bwrap_problem():
        pytest.skip(f"needs the bubblewrap sandbox: {bwrap_problem()}")
    source_path = root / "solutions" / f"{A}.py"
    ex = ExerciseSource.load(source_path)
    release = release_in_scratch_course(tmp_path / "scratch", ex.notebook, A)
    first = ex.tasks[0]
    subs = {
        "solution": ex.filled(release, ex.solution_ids),
        "blank": release,
        "partial": ex.filled(release, first.solutions),
    }
    folder = write_class(tmp_path / "class", subs, A)
    report = grade_class(
        GradeOptions(A, folder, tmp_path / "out", source=source_path, jobs=2, progress=False), lambda s: None
    )
    assert {s: (r.score, r.status) for s, r in report.rows.items()} == {
        "solution": (ex.max_points, "graded"),
        "blank": (0, "graded"),
        "partial": (first.points, "graded"),
    }
    assert Path(tmp_path / "out" / "feedback" / "solution.html").exists()
