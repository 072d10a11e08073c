"""A real nbgrader course directory: release assignments, autograde submissions, read the gradebook.

With `config` (the one configuration builder) and `tf_stderr`, this is the one adapter between coursekit and
nbgrader: every nbgrader run, every gradebook read and every match on nbgrader's log wording is here.
Everything drives nbgrader's own apps, so what the tests check is what an instructor runs:
``nbgrader(...)`` runs its command line in a subprocess (configured by the folder's ``nbgrader_config.py``);
``generate``, ``export_csv`` and ``run_api`` run the same apps through nbgrader's Python API
(``NbGraderAPI``) in this process with the same ``Config``, so nbgrader's start-up (seconds per command on
two cores) is paid once per process instead of once per command.
"""

from __future__ import annotations

import functools
import re
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from ..paths import tool_env
from .config import CELL_TIMEOUT_S, course_config, course_path, gradebook_url, write_config

NBGRADER_TIMEOUT_S = 3600  # one nbgrader command line (a whole class's serial autograde fits in it)


class NbgraderError(RuntimeError):
    """An nbgrader command failed; the message carries its output."""


@functools.cache
def alembic_head() -> str:
    """The gradebook schema's alembic revision, read with alembic's own API in this process.

    nbgrader's ``Gradebook`` gets the same string, when it creates a database, by running the ``alembic heads``
    command (``nbgrader.api.get_alembic_version``): a new Python process that imports alembic and SQLAlchemy,
    about 2 s on two cores, paid by every ``generate_assignment`` into a new course and so by every grading run.
    ``use_in_process_alembic`` points nbgrader at this function instead; tests/test_release.py checks that both
    give the same revision.
    """
    import nbgrader
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(Path(nbgrader.__file__).parent / "alembic")).get_current_head()
    if head is None:
        raise NbgraderError("nbgrader's alembic scripts name no head revision")
    return head


def use_in_process_alembic() -> None:
    """Make nbgrader's Gradebook read the schema revision in this process (see `alembic_head`)."""
    import nbgrader.api

    nbgrader.api.get_alembic_version = alembic_head


@dataclass
class TestResult:
    grade_id: str
    score: float
    max_score: float


@dataclass
class Grade:
    student: str
    score: float
    max_score: float
    tests: list[TestResult] = field(default_factory=list)


class Course:
    """An nbgrader course directory at `root` (created if missing)."""

    def __init__(
        self, root: Path, cell_timeout: int = CELL_TIMEOUT_S, portable: bool = False, late_penalty: str = "none"
    ):
        """`portable`: the config names its own folder as the course root (so the folder can be moved or
        handed to an instructor), instead of this absolute path."""
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.config = course_config(self.root, cell_timeout=cell_timeout, late_penalty=late_penalty)
        write_config(self.config, self.root, portable=portable)

    def nbgrader(self, *args: str, timeout: float | None = NBGRADER_TIMEOUT_S) -> str:
        """Run nbgrader's command line in this course folder (at most `timeout` seconds: a hung nbgrader fails)."""
        cmd = ["nbgrader", *args]
        proc = subprocess.run(cmd, cwd=self.root, env=tool_env(), capture_output=True, text=True, timeout=timeout)
        out = proc.stdout + proc.stderr
        if proc.returncode != 0 or log_failed(out):
            raise NbgraderError(f"`{' '.join(cmd)}` failed (exit {proc.returncode}):\n{out[-4000:]}")
        return out

    @property
    def db_url(self) -> str:
        return gradebook_url(self.root)

    def path(self, step: str, student: str, assignment: str, *parts: str) -> Path:
        """A path in this course, laid out by nbgrader (`config.course_path`)."""
        return course_path(self.root, step, student, assignment, *parts)

    def api(self):
        """nbgrader's own Python API on this course, with the course's Config (what its nbgrader_config.py says)."""
        return nbgrader_api(self.config)

    def run_api(self, method: str, *args, **kwargs) -> str:
        """Run one NbGraderAPI method (`generate_assignment`, `generate_feedback`, ...) in this process;
        raises NbgraderError with nbgrader's log when it fails, as `nbgrader()` does for the command line."""
        out = getattr(self.api(), method)(*args, **kwargs)
        log = (out.get("log") or "") + (out.get("error") or "")
        if not out.get("success") or log_failed(log):
            raise NbgraderError(f"nbgrader {method}{args} failed:\n{log[-4000:]}")
        return log

    def export_csv(self, dest: Path) -> Path:
        """What `nbgrader export --to dest` writes (its CsvExportPlugin on this gradebook), in this process."""
        from nbgrader.api import Gradebook
        from nbgrader.plugins import CsvExportPlugin

        plugin = CsvExportPlugin()
        plugin.to = str(dest)
        use_in_process_alembic()
        with Gradebook(self.db_url) as gb:
            plugin.export(gb)
        return Path(dest)

    def _place(
        self, step: str, student: str, assignment: str, nb: nbformat.NotebookNode, extra_files: dict[str, Path] | None
    ) -> Path:
        folder = self.path(step, student, assignment)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{assignment}.ipynb"
        nbformat.write(nb, path)
        for name, src in (extra_files or {}).items():
            (folder / name).write_bytes(Path(src).read_bytes())
        return path

    def add_source(
        self, assignment: str, nb: nbformat.NotebookNode, extra_files: dict[str, Path] | None = None
    ) -> Path:
        """The instructor source notebook, and the files the assignment ships (name -> path)."""
        return self._place("source", ".", assignment, nb, extra_files)

    def generate(self, assignment: str) -> nbformat.NotebookNode:
        """`nbgrader generate_assignment` (in this process): returns the student release notebook."""
        self.run_api("generate_assignment", assignment, force=True)
        return nbformat.read(self.path("release", ".", assignment, f"{assignment}.ipynb"), as_version=4)

    def submit(
        self, assignment: str, student: str, nb: nbformat.NotebookNode, extra_files: dict[str, Path] | None = None
    ) -> Path:
        """Place a submission; `extra_files` (name -> path) are the files the assignment ships, copied beside it."""
        return self._place("submitted", student, assignment, nb, extra_files)

    def autograde(self, assignment: str, student: str = "*", timeout: float | None = NBGRADER_TIMEOUT_S) -> float:
        """Autograde submitted notebooks (all by default, or one student); returns wall seconds."""
        args = ["autograde", assignment, "--force", "--create", f"--student={student}"]
        t0 = time.perf_counter()
        self.nbgrader(*args, timeout=timeout)
        return time.perf_counter() - t0

    def grades(self, assignment: str) -> dict[str, Grade]:
        return read_grades(self.root, assignment)


def read_grades(root: Path, assignment: str) -> dict[str, Grade]:
    """Every student's grade for `assignment` from the gradebook of the course folder `root`."""
    from nbgrader.api import Gradebook

    out: dict[str, Grade] = {}
    with Gradebook(gradebook_url(root)) as gb:
        for sub in gb.assignment_submissions(assignment):
            grade = Grade(sub.student_id, float(sub.score), float(sub.max_score))
            for nb in sub.notebooks:
                for g in nb.grades:
                    grade.tests.append(TestResult(g.name, float(g.score), float(g.max_score)))
            out[sub.student_id] = grade
    return out


def test_scores(gb, assignment: str, student: str) -> dict[str, float]:
    """The one gradebook reader: test grade_id -> points of `student`'s submission of `assignment`."""
    sub = gb.find_submission(assignment, student)
    return {g.name: float(g.score) for nb in sub.notebooks for g in nb.grades}


def zero_missing(gb, assignment: str, student: str) -> None:
    """Every test of a submission that did not run to the end scores 0, as nbgrader's own
    ``Autograde.init_assignment`` does for a missing notebook (nbgrader/converters/autograde.py; not callable alone)."""
    for nb in gb.find_submission(assignment, student).notebooks:
        nb.late_submission_penalty = None
        for g in nb.grades:
            g.auto_score = 0
            g.needs_manual_grade = False
    gb.db.commit()


def nbgrader_api(cfg):
    """nbgrader's Python API (``NbGraderAPI``) configured with `cfg` (a `config.course_config`)."""
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    use_in_process_alembic()
    return NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)


# --- what nbgrader's logs say: every string match on its wording lives here (tests/unit/test_nbgrader_log.py) ---
_REASON = re.compile(r"\s*[\w.]+(Error|Exception|Interrupt):")


def log_failed(log: str) -> bool:
    """nbgrader reports a failed step as an ``[ERROR]`` line in the log its API captures
    (``nbgrader.utils.capture_log``), sometimes with success or exit status 0."""
    return "[ERROR]" in log


def failure_kind(log: str) -> str:
    """Why an autograde run did not produce a notebook: ``timed_out`` (a cell ignored the interrupt at its
    time limit), ``kernel_died`` or ``error`` (the grading statuses of the same names)."""
    if "CellTimeoutError" in log:
        return "timed_out"
    if "DeadKernelError" in log or "kernel died" in log.lower():
        return "kernel_died"
    return "error"


def hit_cell_timeout(autograded_json: str) -> bool:
    """An autograded notebook in which some cell was stopped at the per-cell limit (nbgrader's error output)."""
    return "CellTimeoutError" in autograded_json


def failure_reason(log: str) -> str:
    """The exception line that says why nbgrader failed (not its generic NbGraderException wrapper)."""
    lines = [line.strip() for line in log.splitlines() if _REASON.match(line) and "NbGraderException" not in line]
    return lines[-1][:500] if lines else log.strip()[-500:]
