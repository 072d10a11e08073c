"""Smoke test: `coursekit grade` on the TensorFlow exercise 01_losses, sandboxed, with its default limits."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from coursekit.grading import GradeOptions, grade_class
from coursekit.grading.sandbox import bwrap_problem
from coursekit.nbgrader_adapter import Course
from coursekit.sources import ExerciseSource

A = "01_losses"


@pytest.mark.slow
def test_tensorflow_exercise_solution_blank_partial(tmp_path, root):
    if bwrap_problem():
        pytest.skip(f"needs the bubblewrap sandbox: {bwrap_problem()}")
    source_path = root / "solutions" / f"{A}.py"
    ex = ExerciseSource.load(source_path)
    course = Course(tmp_path / "scratch")
    course.add_source(A, ex.notebook)
    release = course.generate(A)
    first = ex.tasks[0]
    subs = {
        "solution": ex.filled(release, ex.solution_ids),
        "blank": release,
        "partial": ex.filled(release, first.solutions),
    }
    folder = tmp_path / "class"
    for sid, nb in subs.items():
        (folder / sid).mkdir(parents=True)
        nbformat.write(nb, folder / sid / f"{A}.ipynb")
    report = grade_class(
        GradeOptions(A, folder, tmp_path / "out", source=source_path, jobs=2, progress=False), lambda s: None
    )
    assert {s: (r.score, r.status) for s, r in report.rows.items()} == {
        "solution": (ex.max_points, "graded"),
        "blank": (0, "graded"),
        "partial": (first.points, "graded"),
    }
    assert Path(tmp_path / "out" / "feedback" / "solution.html").exists()
