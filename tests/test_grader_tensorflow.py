"""Smoke test: `coursekit grade` on the TensorFlow exercise 01_losses, sandboxed, with its default limits."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from coursekit.grading import GradeOptions, grade_class
from coursekit.grading.sandbox import bwrap_problem
from coursekit.gradecheck import with_tasks_solved
from coursekit.nbgrader_adapter import Course
from coursekit.sources import read_source, tasks

A = "01_losses"


@pytest.mark.slow
def test_tensorflow_exercise_solution_blank_partial(tmp_path, root):
    if bwrap_problem():
        pytest.skip(f"needs the bubblewrap sandbox: {bwrap_problem()}")
    source_path = root / "solutions" / f"{A}.py"
    source = read_source(source_path)
    course = Course(tmp_path / "scratch")
    course.add_source(A, source)
    release = course.generate(A)
    first = tasks(source)[0]
    subs = {"solution": with_tasks_solved(release, source, {c.metadata["nbgrader"]["grade_id"] for c in source.cells
                                                              if c.metadata.get("nbgrader", {}).get("solution")}),
            "blank": release, "partial": with_tasks_solved(release, source, set(first["solutions"]))}
    folder = tmp_path / "class"
    for sid, nb in subs.items():
        (folder / sid).mkdir(parents=True)
        nbformat.write(nb, folder / sid / f"{A}.ipynb")
    report = grade_class(GradeOptions(A, folder, tmp_path / "out", source=source_path, jobs=2, progress=False),
                         lambda s: None)
    total = sum(t["points"] for t in tasks(source))
    assert {s: (r.score, r.status) for s, r in report.rows.items()} == {
        "solution": (total, "graded"), "blank": (0, "graded"), "partial": (first["points"], "graded")}
    assert Path(tmp_path / "out" / "feedback" / "solution.html").exists()
