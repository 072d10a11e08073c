"""Check an exercise's grading end to end with real nbgrader.

Three submissions per exercise, autograded in one temporary course directory:

* ``solution`` - the instructor source itself: must score full marks;
* ``blank``    - the student release as generated: must score 0;
* ``partial``  - the release with only the first task's solution cells filled in:
                 must score exactly that task's points.

`check_answers` grades a committed corpus of answers (`tests/answers/NN_slug.py`): each is the full
solution with one solution cell replaced, so the points it loses belong to that cell's task alone. A
plausible *wrong* answer must score less than its task's points, a *valid alternative* all of them.
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


@dataclass(frozen=True)
class Answer:
    """One answer to one solution cell: `kind` is "wrong" (must lose points) or "valid" (must keep them)."""

    cell: str  # the solution cell's grade_id
    name: str  # short, unique within the exercise: [a-z0-9_]
    kind: str
    why: str  # the mistake (or the alternative) in one line, with the review finding it comes from
    code: str  # the whole cell source the learner would have written

    def __post_init__(self):
        if self.kind not in ("wrong", "valid"):
            raise ValueError(f"{self.name}: kind must be 'wrong' or 'valid', not {self.kind!r}")
        if not self.name.replace("_", "").isalnum() or self.name.lower() != self.name:
            raise ValueError(f"{self.name!r}: answer names are lower-case letters, digits and _")


@dataclass
class AnswerGrade:
    answer: Answer
    task_points: float
    task_score: float  # what the answer's task scored (the other tasks hold the instructor's solution)
    other_lost: float  # points lost outside the answer's task (must be 0: the corpus isolates one task)
    detail: str


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


def check_answers(ex: Exercise, answers: list[Answer], workdir: Path | None = None) -> list[AnswerGrade]:
    """Autograde, with real nbgrader in one course directory, the solution with each answer swapped in."""
    source = read_source(ex.source)
    task_of = {}
    for t in tasks(source):
        for gid in t["solutions"]:
            task_of[gid] = t
    unknown = sorted({a.cell for a in answers} - set(task_of))
    if unknown:
        raise ValueError(f"{ex.name}: no solution cell named {unknown}; known: {sorted(task_of)}")
    solutions = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells if "nbgrader" in c.metadata}
    with tempfile.TemporaryDirectory(prefix=f"coursekit-answers-{ex.name}-", dir=workdir) as tmp:
        course = Course(Path(tmp))
        shipped = assets(ex.source)
        course.add_source(ex.name, source, shipped)
        course.generate(ex.name)
        for a in answers:
            sub = with_answers(source, {**solutions, a.cell: a.code}, {a.cell})
            course.submit(ex.name, f"ans-{a.name.replace('_', '-')}", sub, shipped)
        course.autograde(ex.name)
        grades = course.grades(ex.name)
    out = []
    for a in answers:
        g = grades[f"ans-{a.name.replace('_', '-')}"]
        task = task_of[a.cell]
        in_task = [t for t in g.tests if t.grade_id in task["tests"]]
        lost_elsewhere = sum(t.max_score - t.score for t in g.tests if t.grade_id not in task["tests"])
        detail = ", ".join(f"{t.grade_id}={t.score:g}/{t.max_score:g}" for t in g.tests)
        out.append(AnswerGrade(a, float(task["points"]), sum(t.score for t in in_task), lost_elsewhere, detail))
    return out
