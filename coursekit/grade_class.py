"""Grade a class: collect, repair, autograde in parallel (isolated), merge into one gradebook.

The parent owns the one nbgrader course directory (``<out>/course``: source, release,
gradebook, submitted, autograded, feedback). Each submission is graded by
:func:`coursekit.grade_worker.grade_submission` in a worker (a local process pool, or a
Dask cluster through the same ``concurrent.futures.Executor`` interface) in a private
copy of the course; the parent merges each result as it arrives with nbgrader's own
preprocessors (``SaveAutoGrades``, ``AssignLatePenalties``), and records it in
``<out>/state.json``, so an interrupted run loses nothing already graded and a re-run
skips unchanged submissions.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import time
import warnings
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Callable

import nbformat

from .grade_inputs import collect, utc
from .grade_integrity import flags, test_defined_names
from .grade_repair import UnreadableNotebook, read_notebook, repair
from .grade_sandbox import Limits, bwrap_problem
from .grade_worker import (STATUS_CELL_TIMEOUT, STATUS_GRADED, GradeJob, GradeResult, grade_submission, warm_up)
from .nbgrader_course import Course
from .paths import repo_root
from .sources import assets, read_source, tasks
from .stderr import NBGRADER_IGNORE_PATTERN

STATUS_UNREADABLE = "unreadable"  # not a notebook: 0 points, nothing run
STATUS_WRONG_ASSIGNMENT = "wrong_assignment"  # graded, but it looks like another assignment's notebook
STATUS_NOT_GRADED = "not_graded"  # interrupted or its worker died: graded on the next run
FINAL = {STATUS_GRADED, STATUS_CELL_TIMEOUT, STATUS_UNREADABLE, STATUS_WRONG_ASSIGNMENT,
         "timed_out", "kernel_died", "error"}


@dataclass
class GradeOptions:
    assignment: str
    submissions: Path
    out: Path
    source: Path | None = None  # instructor source; default solutions/<assignment>.py
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    scheduler: str | None = None  # Dask scheduler address
    executor: Executor | None = None  # any concurrent.futures executor (tests, Dask clients)
    limits: Limits = field(default_factory=Limits)
    pattern: str | None = None
    due: str | None = None  # due date; late submissions get nbgrader's late penalty
    late_penalty: str = "none"  # nbgrader LateSubmissionPlugin.penalty_method: none | zero
    force: bool = False
    students: list[str] | None = None  # regrade only these students
    feedback: bool = True
    isolate: bool = True
    progress: bool = True


@dataclass
class Row:
    student: str
    status: str = STATUS_NOT_GRADED
    score: float = 0.0
    max_score: float = 0.0
    tasks: dict[str, float] = field(default_factory=dict)
    tests: dict[str, float] = field(default_factory=dict)  # test grade_id -> points
    late_penalty: float = 0.0
    timestamp: str = ""
    seconds: float = 0.0
    origin: str = ""
    sha256: str = ""
    repairs: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    error: str = ""


@dataclass
class ClassReport:
    assignment: str
    out: Path
    rows: dict[str, Row]
    task_points: dict[str, float]
    test_points: dict[str, float]
    ignored: list[str]
    replaced: list[str]
    isolation: str
    wall_seconds: float = 0.0
    graded_now: int = 0
    graded_students: list[str] = field(default_factory=list)
    skipped: int = 0
    interrupted: bool = False
    stages: dict[str, float] = field(default_factory=dict)  # seconds summed over submissions, per stage

    def add_stage(self, name: str, seconds: float) -> None:
        self.stages[name] = self.stages.get(name, 0.0) + seconds

    @property
    def max_points(self) -> float:
        return sum(self.task_points.values())


def kernel_limits(opts: GradeOptions) -> Limits:
    """The limits each kernel gets: a local pool shares the cores out (cores // jobs threads per kernel)."""
    if opts.limits.threads or opts.executor is not None or opts.scheduler:
        return opts.limits
    return replace(opts.limits, threads=max(1, (os.cpu_count() or 1) // max(1, opts.jobs)))


def defaults_text(opts: GradeOptions) -> str:
    return (f"coursekit grade {opts.assignment}: {opts.jobs} job(s) on "
            f"{'Dask scheduler ' + opts.scheduler if opts.scheduler else 'a local process pool'}; "
            f"{kernel_limits(opts).describe()}; late penalty {opts.late_penalty}"
            f"{' after ' + opts.due if opts.due else ' (no due date)'}; output {opts.out}")


def isolation_text(opts: GradeOptions) -> str:
    if not opts.isolate:
        return "DEGRADED: sandbox turned off (--no-sandbox): student code can read, change or delete the course files, gradebook included"
    problem = bwrap_problem()
    if problem:
        return f"DEGRADED: {problem} (in force: resource limits, cleared environment; NOT in force: file isolation, no network, disk limits)"
    return ("bubblewrap: each kernel sees only its own folder, has no network and a cleared environment; its folder, "
            "/tmp and /dev/shm are size-limited; no cgroup limits (memory is bounded by the address-space limit plus the tmpfs sizes)")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_json(path: Path, data) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True, default=str))
    os.replace(tmp, path)  # atomic: a killed run leaves the previous state, never half a file


class ClassGrader:
    """One assignment's course directory under `out`, and its grading state."""

    def __init__(self, opts: GradeOptions, log: Callable[[str], None] = print):
        self.opts = opts
        self.log = log
        self.a = opts.assignment
        self.out = Path(opts.out).resolve()
        self.root = self.out / "course"
        self.db_url = f"sqlite:///{self.root / 'gradebook.db'}"
        source_path = Path(opts.source) if opts.source else repo_root() / "solutions" / f"{self.a}.py"
        self.source = read_source(source_path)
        self.shipped = assets(source_path)  # files the exercise ships (e.g. a pretrained model)
        self.tasks = tasks(self.source)
        self.state_path = self.out / "state.json"
        self.state = json.loads(self.state_path.read_text()) if self.state_path.exists() else {}
        self.source_sha = _sha(nbformat.writes(self.source).encode())

    # --- course directory -------------------------------------------------------------
    def setup(self) -> None:
        """Create the course directory and release once; re-runs reuse them (same source only)."""
        if self.state.get("source_sha") not in (None, self.source_sha):
            raise SystemExit(f"{self.out}: graded with a different version of {self.a}'s source; "
                             "use a new --out folder (grades from different tests must not mix)")
        course = self._course()
        if not (self.root / "release" / self.a / f"{self.a}.ipynb").exists():
            course.add_source(self.a, self.source, self.shipped)
            course.generate(self.a)
        from nbgrader.api import Gradebook

        with Gradebook(self.db_url) as gb:
            gb.update_or_create_assignment(self.a, duedate=utc(self.opts.due).replace(tzinfo=None) if self.opts.due else None)
        self.release = nbformat.read(self.root / "release" / self.a / f"{self.a}.ipynb", as_version=4)
        self.state["source_sha"] = self.source_sha
        self.state.setdefault("rows", {})
        self._save()

    def _course(self) -> Course:
        """The master course, its nbgrader_config.py (re)written: the CLI tools read it."""
        course = Course(self.root, cell_timeout=self.opts.limits.cell_timeout_s)
        with (self.root / "nbgrader_config.py").open("a") as f:
            f.write(f"c.LateSubmissionPlugin.penalty_method = {self.opts.late_penalty!r}\n")
        return course

    def _save(self) -> None:
        _write_json(self.state_path, self.state)

    # --- merging (parent only) --------------------------------------------------------
    def _submission_dirs(self, sid: str) -> tuple[Path, Path]:
        return self.root / "submitted" / sid / self.a, self.root / "autograded" / sid / self.a

    def merge(self, row: Row, submitted_json: str | None, result: GradeResult | None) -> Row:
        """Write one result into the master gradebook with nbgrader's own preprocessors."""
        from nbgrader.api import Gradebook
        from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades
        from traitlets.config import Config

        warnings.filterwarnings("ignore", module="nbgrader")  # SQLAlchemy warnings from nbgrader's gradebook code
        sid = row.student
        sub_dir, auto_dir = self._submission_dirs(sid)
        shutil.rmtree(auto_dir, ignore_errors=True)
        sub_dir.mkdir(parents=True, exist_ok=True)
        if submitted_json is not None:
            (sub_dir / f"{self.a}.ipynb").write_text(submitted_json, encoding="utf-8")
        if row.timestamp:
            (sub_dir / "timestamp.txt").write_text(row.timestamp)
        ts = utc(row.timestamp).replace(tzinfo=None) if row.timestamp else None
        with Gradebook(self.db_url) as gb:
            gb.update_or_create_student(sid)
            gb.update_or_create_submission(self.a, sid, **({"timestamp": ts} if ts else {}))
        if result is not None and result.autograded_json is not None:
            auto_dir.mkdir(parents=True)
            (auto_dir / f"{self.a}.ipynb").write_text(result.autograded_json, encoding="utf-8")
            nb = nbformat.reads(result.autograded_json, as_version=4)
            resources = {"nbgrader": {"db_url": self.db_url, "assignment": self.a, "notebook": self.a, "student": sid}}
            cfg = Config()
            cfg.LateSubmissionPlugin.penalty_method = self.opts.late_penalty
            SaveAutoGrades(config=cfg).preprocess(nb, resources)
            AssignLatePenalties(config=cfg).preprocess(nb, resources)
        else:  # nothing ran to the end: every test scores 0, as nbgrader does for a missing notebook
            with Gradebook(self.db_url) as gb:
                for nb in gb.find_submission(self.a, sid).notebooks:
                    nb.late_submission_penalty = None
                    for g in nb.grades:
                        g.auto_score = 0
                        g.needs_manual_grade = False
                gb.db.commit()
        with Gradebook(self.db_url) as gb:
            sub = gb.find_submission(self.a, sid)
            row.tests = {g.name: float(g.score) for nb in sub.notebooks for g in nb.grades}
            row.late_penalty = float(sub.late_submission_penalty or 0)
            row.score = float(sub.score) - row.late_penalty
            row.max_score = float(sub.max_score)
        row.tasks = {f"task{k}": sum(row.tests.get(t, 0.0) for t in task["tests"])
                     for k, task in enumerate(self.tasks, start=1)}
        self.state["rows"][sid] = asdict(row)
        self._save()
        return row

    # --- the run ------------------------------------------------------------------------
    def _executor(self) -> tuple[Executor, Callable[[], None]]:
        if self.opts.executor is not None:
            return self.opts.executor, lambda: None
        if self.opts.scheduler:
            from distributed import Client

            client = Client(self.opts.scheduler)
            return client.get_executor(pure=False), client.close
        pool = ProcessPoolExecutor(max_workers=self.opts.jobs, mp_context=multiprocessing.get_context("spawn"))
        # start every worker now and let it import nbgrader while the parent releases and repairs
        for _ in range(self.opts.jobs):
            pool.submit(warm_up)
        return pool, lambda: pool.shutdown(wait=True, cancel_futures=True)

    def _may_grade(self, shas: dict[str, str]) -> bool:
        """Whether this run can have anything to grade (then the workers start before the release)."""
        if self.opts.force or self.opts.students is not None:
            return bool(shas)
        rows = self.state.get("rows", {})
        return any(rows.get(sid, {}).get("status") not in FINAL or rows[sid].get("sha256") != sha
                   for sid, sha in shas.items())

    def run(self) -> ClassReport:
        t0 = time.perf_counter()
        collected = collect(Path(self.opts.submissions), self.opts.pattern)
        shas = {sid: _sha(sub.data) for sid, sub in collected.submissions.items()}
        self._pool = self._executor() if self._may_grade(shas) else None
        try:
            return self._run(collected, shas, t0)
        finally:
            if self._pool is not None:
                self._pool[1]()  # idempotent: _grade has usually shut it down already

    def _run(self, collected, shas: dict[str, str], t0: float) -> ClassReport:
        t_setup = time.perf_counter()
        self.setup()
        t_setup = time.perf_counter() - t_setup
        report = ClassReport(self.a, self.out, {}, {f"task{k}": float(t["points"]) for k, t in enumerate(self.tasks, 1)},
                             {}, collected.ignored, collected.replaced, isolation_text(self.opts))
        report.add_stage("parent: course setup (release, gradebook)", t_setup)
        t_prepare = time.perf_counter()
        for t in self.tasks:
            for gid in t["tests"]:
                report.test_points[gid] = float(next(c.metadata["nbgrader"]["points"] for c in self.source.cells
                                                     if c.metadata.get("nbgrader", {}).get("grade_id") == gid))
        old_rows = self.state.get("rows", {})
        helpers = test_defined_names(self.release)
        limits = kernel_limits(self.opts)
        jobs: list[tuple[Row, str, GradeJob]] = []
        for sid, sub in sorted(collected.submissions.items()):
            sha = shas[sid]
            prev = old_rows.get(sid)
            wanted = self.opts.students is None or sid in self.opts.students
            if prev and prev.get("status") in FINAL and (not wanted or (prev.get("sha256") == sha and not self.opts.force
                                                                       and self.opts.students is None)):
                report.rows[sid] = Row(**prev)
                report.skipped += 1
                continue
            if not wanted:
                continue
            row = Row(sid, timestamp=f"{sub.timestamp:%Y-%m-%d %H:%M:%S.%f} UTC", origin=sub.origin, sha256=sha)
            report.rows[sid] = row
            try:
                if sub.problem:
                    raise UnreadableNotebook(sub.problem)
                nb = read_notebook(sub.data)
            except UnreadableNotebook as exc:
                row.status, row.error = STATUS_UNREADABLE, str(exc)
                self.merge(row, None, None)
                report.graded_now += 1
                report.graded_students.append(sid)
                continue
            fixed = repair(nb, self.release)
            row.repairs = fixed.repairs
            row.flags = flags(nb, helpers)
            if fixed.wrong_assignment:
                row.flags.insert(0, f"looks like another assignment ({fixed.matched_fraction:.0%} of graded cells recognised)")
            text = nbformat.writes(fixed.notebook)
            jobs.append((row, text, GradeJob(self.a, sid, text, str(self.root), row.timestamp, limits,
                                             NBGRADER_IGNORE_PATTERN, self.opts.late_penalty, self.opts.isolate)))
        # rows of students from earlier runs that are not in this input stay in the report
        for sid, prev in old_rows.items():
            report.rows.setdefault(sid, Row(**prev))
        report.add_stage("parent: collect, read, repair", time.perf_counter() - t_prepare)
        self.log(f"{len(collected.submissions)} submission(s): {len(jobs)} to grade, {report.skipped} unchanged "
                 f"(skipped; --force regrades), {len(collected.ignored)} ignored file(s), "
                 f"{len(collected.replaced)} older duplicate(s) replaced")
        if jobs:
            self._grade(jobs, report)
        report.wall_seconds = time.perf_counter() - t0
        return report

    def _grade(self, jobs: list[tuple[Row, str, GradeJob]], report: ClassReport) -> None:
        from tqdm import tqdm

        executor, close = self._pool or self._executor()
        futures: dict[Future, tuple[Row, str]] = {}
        bar = tqdm(total=len(jobs), unit="nb", desc=f"grading {self.a}", disable=not self.opts.progress, file=sys.stderr)
        try:
            for row, text, job in jobs:
                futures[executor.submit(grade_submission, job)] = (row, text)
            for fut in as_completed(futures):
                row, text = futures[fut]
                try:
                    result: GradeResult = fut.result()
                except Exception as exc:  # noqa: BLE001 - a dead worker: this row is retried next run
                    row.status, row.error = STATUS_NOT_GRADED, f"worker failed: {type(exc).__name__}: {exc}"
                    report.rows[row.student] = row
                    bar.update()
                    continue
                row.status, row.seconds, row.error = result.status, result.seconds, result.error
                row.flags += result.notes
                for name, secs in result.stages.items():
                    report.add_stage(name, secs)
                t_merge = time.perf_counter()
                self.merge(row, text, result)
                report.add_stage("parent: merge into the gradebook", time.perf_counter() - t_merge)
                if row.flags and row.flags[0].startswith("looks like another assignment") and row.score == 0:
                    row.status = STATUS_WRONG_ASSIGNMENT
                    self.state["rows"][row.student] = asdict(row)
                    self._save()
                report.graded_now += 1
                report.graded_students.append(row.student)
                bar.update()
        except KeyboardInterrupt:
            report.interrupted = True
            self.log("interrupted: results merged so far are kept; run the same command again to finish")
            for fut in futures:
                fut.cancel()
        finally:
            bar.close()
            close()

    # --- nbgrader outputs ---------------------------------------------------------------
    def feedback(self, students: list[str]) -> dict[str, Path]:
        """nbgrader generate_feedback (in this process) for the students with an autograded notebook; copies to <out>/feedback."""
        course = self._course()
        graded = [s for s in students if (self.root / "autograded" / s / self.a / f"{self.a}.ipynb").exists()]
        out: dict[str, Path] = {}
        if not graded:
            return out
        if self.opts.students is not None:
            for s in graded:
                course.run_api("generate_feedback", self.a, student_id=s, force=True)
        else:
            course.run_api("generate_feedback", self.a, force=True)
        dest = self.out / "feedback"
        dest.mkdir(exist_ok=True)
        for s in graded:
            html = self.root / "feedback" / s / self.a / f"{self.a}.html"
            if html.exists():
                out[s] = dest / f"{s}.html"
                shutil.copy2(html, out[s])
        return out

    def export(self) -> Path:
        """nbgrader export (nbgrader's own CSV plugin on the gradebook, in this process)."""
        return self._course().export_csv(self.out / "nbgrader_export.csv")


def grade_class(opts: GradeOptions, log: Callable[[str], None] = print) -> ClassReport:
    """Grade `opts.submissions`, then write every output; returns the report (see grade_report)."""
    from .grade_report import write_outputs

    log(defaults_text(opts))
    log(f"isolation: {isolation_text(opts)}")
    grader = ClassGrader(opts, log)
    report = grader.run()
    write_outputs(grader, report, log)
    return report

