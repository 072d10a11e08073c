"""Check an exercise's grading end to end with real nbgrader.

Three submissions per exercise, autograded in one temporary course directory:

* ``solution`` - the instructor source itself: must score full marks;
* ``blank``    - the student release as generated: must score 0;
* ``partial``  - the release with only the first task's solution cells filled in:
                 must score exactly that task's points.

`check_answers` grades a committed corpus of answers (`tests/answers/NN_slug.py`): each fills one solution cell,
with the instructor's solution in the earlier tasks (so the points it loses belong to that cell's task alone)
and the later tasks left as released. A plausible *wrong* answer must score less than its task's points, a
*valid alternative* all of them, and neither may cost an earlier task a point.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from .nbgrader_adapter import Course, Grade
from .paths import Exercise
from .sources import ExerciseSource, with_answers


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
    other_lost: float  # points lost in the earlier tasks (must be 0: the corpus isolates one task)
    detail: str


@dataclass
class GradeCheck:
    exercise: str
    max_points: float
    first_task_points: float
    grades: dict[str, Grade]
    autograde_seconds: float


def solution_sources(source: nbformat.NotebookNode) -> dict[str, str]:
    """grade_id -> the instructor's cell source, for every nbgrader cell of the source notebook."""
    return ExerciseSource.from_notebook(source).answers()


def check_exercise(
    ex: Exercise, workdir: Path | None = None, students: tuple[str, ...] = ("solution", "blank", "partial")
) -> GradeCheck:
    exercise = ExerciseSource.load(ex.source)
    first = exercise.tasks[0]
    with tempfile.TemporaryDirectory(prefix=f"coursekit-grade-{ex.name}-", dir=workdir) as tmp:
        course = Course(Path(tmp))
        course.add_source(ex.name, exercise.notebook, exercise.assets)
        release = course.generate(ex.name)
        subs = {
            "solution": exercise.notebook,
            "blank": release,
            "partial": exercise.filled(release, first.solutions),
        }
        for student in students:
            course.submit(ex.name, student, subs[student], exercise.assets)
        seconds = course.autograde(ex.name)
        grades = course.grades(ex.name)
    return GradeCheck(ex.name, exercise.max_points, first.points, grades, seconds)


def check_answers(ex: Exercise, answers: list[Answer], workdir: Path | None = None, jobs: int = 2) -> list[AnswerGrade]:
    """Autograde, with real nbgrader, each answer in a notebook whose earlier tasks hold the instructor's solution
    and whose later tasks are left as released (they fail fast instead of training: the run costs about half).

    The submissions are spread over `jobs` course directories graded at the same time (nbgrader itself is serial).
    """
    from concurrent.futures import ThreadPoolExecutor

    exercise = ExerciseSource.load(ex.source)
    task_list = exercise.tasks
    index_of = {gid: k for k, t in enumerate(task_list) for gid in t.solutions}
    unknown = sorted({a.cell for a in answers} - set(index_of))
    if unknown:
        raise ValueError(f"{ex.name}: no solution cell named {unknown}; known: {sorted(index_of)}")
    solutions = exercise.answers()
    student = {a.name: f"ans-{a.name.replace('_', '-')}" for a in answers}
    shipped = exercise.assets
    with tempfile.TemporaryDirectory(prefix=f"coursekit-answers-{ex.name}-", dir=workdir) as tmp:
        groups = [answers[i::jobs] for i in range(jobs) if answers[i::jobs]]
        courses = []
        for i, group in enumerate(groups):
            course = Course(Path(tmp) / f"course{i}")
            course.add_source(ex.name, exercise.notebook, shipped)
            release = course.generate(ex.name)
            for a in group:
                k = index_of[a.cell]
                solved = {gid for t in task_list[: k + 1] for gid in t.solutions}
                sub = with_answers(release, {**solutions, a.cell: a.code}, solved)
                course.submit(ex.name, student[a.name], sub, shipped)
            courses.append(course)
        with ThreadPoolExecutor(len(courses)) as pool:
            list(pool.map(lambda c: c.autograde(ex.name), courses))
        grades = {sid: g for c in courses for sid, g in c.grades(ex.name).items()}
    out = []
    for a in answers:
        g = grades[student[a.name]]
        k = index_of[a.cell]
        task = task_list[k]
        earlier = {gid for t in task_list[:k] for gid in t.tests}
        in_task = [t for t in g.tests if t.grade_id in task.tests]
        lost_elsewhere = sum(t.max_score - t.score for t in g.tests if t.grade_id in earlier)
        detail = ", ".join(f"{t.grade_id}={t.score:g}/{t.max_score:g}" for t in g.tests)
        out.append(AnswerGrade(a, float(task.points), sum(t.score for t in in_task), lost_elsewhere, detail))
    return out


def answers_in(path: Path) -> list[Answer]:
    """The `ANSWERS` list of one corpus module; its names must be unique (they become student ids)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"answers_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ValueError(f"{path}: not an importable Python file")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    names = [a.name for a in mod.ANSWERS]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ValueError(f"{path.name}: answer names used twice: {dup}")
    return list(mod.ANSWERS)


def load_answers(ex: Exercise) -> list[Answer]:
    """The committed corpus of `ex` (`tests/answers/<name>.py`); [] when it has none."""
    from .paths import repo_root

    path = repo_root() / "tests" / "answers" / f"{ex.name}.py"
    return answers_in(path) if path.exists() else []


def answer_problems(results: list[AnswerGrade]) -> list[str]:
    """What is wrong with a graded corpus: a wrong answer at full marks, a valid one short, a cost elsewhere."""
    problems = []
    for r in results:
        a = r.answer
        if a.kind == "wrong" and not r.task_score < r.task_points:
            problems.append(
                f"wrong answer {a.name} ({a.why}) scored full marks {r.task_score:g}/{r.task_points:g}  [{r.detail}]"
            )
        if a.kind == "valid" and r.task_score != r.task_points:
            problems.append(
                f"valid alternative {a.name} ({a.why}) scored {r.task_score:g}/{r.task_points:g}  [{r.detail}]"
            )
        if r.other_lost:
            problems.append(f"{a.name} cost {r.other_lost:g} points in the earlier tasks  [{r.detail}]")
    return problems


def corpus_summary(results: list[AnswerGrade]) -> str:
    """'wrong answers rejected 17/17, alternatives accepted 5/5' (what grade-check --answers prints)."""
    wrong = [r for r in results if r.answer.kind == "wrong"]
    valid = [r for r in results if r.answer.kind == "valid"]
    rejected = sum(r.task_score < r.task_points and not r.other_lost for r in wrong)
    accepted = sum(r.task_score == r.task_points and not r.other_lost for r in valid)
    return f"wrong answers rejected {rejected}/{len(wrong)}, alternatives accepted {accepted}/{len(valid)}"
