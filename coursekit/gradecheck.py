"""Check an exercise's grading end to end with real nbgrader.

Three submissions per exercise, autograded in one temporary course directory:

* ``solution`` - the instructor source itself: must score full marks;
* ``blank``    - the student release as generated: must score 0;
* ``partial``  - the release with only the first task's solution cells filled in:
                 must score exactly that task's points.
"""

from __future__ import annotations

import copy
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .nbgrader_course import Course, Grade
from .paths import Exercise
from .sources import assets, read_source, tasks


@dataclass
class GradeCheck:
    exercise: str
    max_points: float
    first_task_points: float
    grades: dict[str, Grade]
    autograde_seconds: float


def with_answers(release: nbformat.NotebookNode, answers: dict[str, str], grade_ids) -> nbformat.NotebookNode:
    """A copy of the release notebook whose cells named in `grade_ids` hold `answers[grade_id]`."""
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in grade_ids:
            cell.source = answers[gid]
    return nb


def with_tasks_solved(release: nbformat.NotebookNode, source: nbformat.NotebookNode, grade_ids: set[str]) -> nbformat.NotebookNode:
    """The release notebook with the named solution cells replaced by the instructor's source."""
    solutions = {
        c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells if "nbgrader" in c.metadata
    }
    return with_answers(release, solutions, grade_ids)


def check_exercise(ex: Exercise, workdir: Path | None = None, students: tuple[str, ...] = ("solution", "blank", "partial")) -> GradeCheck:
    source = read_source(ex.source)
    task_list = tasks(source)
    max_points = sum(t["points"] for t in task_list)
    first = task_list[0]
    with tempfile.TemporaryDirectory(prefix=f"coursekit-grade-{ex.name}-", dir=workdir) as tmp:
        course = Course(Path(tmp))
        shipped = assets(ex.source)
        course.add_source(ex.name, source, shipped)
        release = course.generate(ex.name)
        subs = {
            "solution": source,
            "blank": release,
            "partial": with_tasks_solved(release, source, set(first["solutions"])),
        }
        for student in students:
            course.submit(ex.name, student, subs[student], shipped)
        seconds = course.autograde(ex.name)
        grades = course.grades(ex.name)
    return GradeCheck(ex.name, max_points, first["points"], grades, seconds)
