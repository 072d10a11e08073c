"""Grade a class: plan -> prepare -> execute -> merge, then publish nbgrader's own outputs.

The parent owns the one nbgrader course directory (``<out>/course``: source, release, gradebook, submitted,
autograded, feedback). The stages of `ClassGrader.run`:

1. **plan**: collect the submissions (`inputs.collect`), hash each once, and decide from ``state.json`` which
   are graded now (`state.GradingState.should_skip`); the worker pool starts here when anything will be graded,
   so its imports overlap the next stage;
2. **prepare**: release the assignment (once per output folder), read and repair each notebook and flag it for
   review (`prepare`);
3. **execute**: each submission is graded by `worker.grade_submission` in a worker (a local process pool, or a
   Dask cluster through the same ``concurrent.futures.Executor`` interface) in a private copy of the course;
4. **merge**: each result, as it arrives, goes into the master gradebook with nbgrader's own preprocessors
   (``SaveAutoGrades``, ``AssignLatePenalties``) and into ``state.json``, so an interrupted run loses nothing
   already graded and a re-run skips unchanged submissions.

`ClassGrader.publish` then runs nbgrader's export and feedback (the only other nbgrader side effects), and
`report.write_reports` writes our own files from the `ClassReport` alone.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import sys
import time
import warnings
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import nbformat

from ..nbgrader_adapter import Course, test_scores, zero_missing
from ..paths import repo_root
from ..sources import ExerciseSource
from .inputs import Collected, collect, utc
from .model import ClassReport, GradeOptions, Limits, Row, Status
from .prepare import UnreadableNotebook, integrity_flags, names_tests_define, read_notebook, repair
from .report import write_reports
from .sandbox import bwrap_problem
from .state import GradingState
from .worker import GradeJob, GradeResult, grade_submission, warm_up


def kernel_limits(opts: GradeOptions) -> Limits:
    """The limits each kernel gets: a local pool shares the cores out (cores // jobs threads per kernel)."""
    if opts.limits.threads or opts.executor is not None or opts.scheduler:
        return opts.limits
    return replace(opts.limits, threads=max(1, (os.cpu_count() or 1) // max(1, opts.jobs)))


def defaults_text(opts: GradeOptions) -> str:
    return (
        f"coursekit grade {opts.assignment}: {opts.jobs} job(s) on "
        f"{'Dask scheduler ' + opts.scheduler if opts.scheduler else 'a local process pool'}; "
        f"{kernel_limits(opts).describe()}; late penalty {opts.late_penalty}"
        f"{' after ' + opts.due if opts.due else ' (no due date)'}; output {opts.out}"
    )


def isolation_text(opts: GradeOptions) -> str:
    if not opts.isolate:
        return "DEGRADED: sandbox turned off (--no-sandbox): student code can read, change or delete the course files, gradebook included"
    problem = bwrap_problem()
    if problem:
        return f"DEGRADED: {problem} (in force: resource limits, cleared environment; NOT in force: file isolation, no network, disk limits)"
    return (
        "bubblewrap: each kernel sees only its own folder, has no network and a cleared environment; its folder, "
        "/tmp and /dev/shm are size-limited; no cgroup limits (memory is bounded by the address-space limit plus the tmpfs sizes)"
    )


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass
class Plan:
    """What this run will do: the collected input, each submission's hash, and who is graded now."""

    collected: Collected
    shas: dict[str, str]
    to_grade: list[str]
    kept: list[str]  # final rows from earlier runs, unchanged


@dataclass
class Prepared:
    """One submission ready for a worker (or already final: unreadable)."""

    row: Row
    notebook_json: str | None = None  # None: nothing to run


class ClassGrader:
    """One assignment's course directory under `opts.out`, and its grading state."""

    def __init__(self, opts: GradeOptions, log: Callable[[str], None] = print):
        self.opts = opts
        self.log = log
        self.assignment = opts.assignment
        self.out = Path(opts.out).resolve()
        self.root = self.out / "course"
        source_path = Path(opts.source) if opts.source else repo_root() / "solutions" / f"{self.assignment}.py"
        self.exercise = ExerciseSource.load(source_path)  # its assets: files it ships (e.g. a pretrained model)
        self.source = self.exercise.notebook
        self.state = GradingState(self.out / "state.json")
        self.source_sha = _sha(nbformat.writes(self.source).encode())
        self.course = Course(self.root, cell_timeout=opts.limits.cell_timeout_s, late_penalty=opts.late_penalty)
        self._pool: tuple[Executor, Callable[[], None]] | None = None

    # --- course directory -------------------------------------------------------------
    def setup(self) -> None:
        """Create the course directory and release once; re-runs reuse them (same source only)."""
        from nbgrader.api import Gradebook

        a = self.assignment
        self.state.check_source(self.source_sha, self.out, a)
        release = self.course.path("release", ".", a, f"{a}.ipynb")
        if not release.exists():
            self.course.add_source(a, self.source, self.exercise.assets)
            self.course.generate(a)
        with Gradebook(self.course.db_url) as gb:
            gb.update_or_create_assignment(
                a, duedate=utc(self.opts.due).replace(tzinfo=None) if self.opts.due else None
            )
        self.release = nbformat.read(release, as_version=4)
        self.state.save()

    # --- 1. plan ------------------------------------------------------------------------
    def plan(self) -> Plan:
        collected = collect(Path(self.opts.submissions), self.opts.pattern)
        shas = {sid: _sha(sub.data) for sid, sub in collected.submissions.items()}
        to_grade, kept = [], []
        for sid in sorted(collected.submissions):
            if self.state.should_skip(sid, shas[sid], force=self.opts.force, students=self.opts.students):
                kept.append(sid)
            elif self.opts.students is None or sid in self.opts.students:
                to_grade.append(sid)
        return Plan(collected, shas, to_grade, kept)

    # --- 2. prepare ---------------------------------------------------------------------
    def prepare(self, sid: str, plan: Plan, helpers: set[str]) -> Prepared:
        """Read, repair and flag one submission: a row, and the notebook to run (None when unreadable)."""
        sub = plan.collected.submissions[sid]
        row = Row(sid, timestamp=f"{sub.timestamp:%Y-%m-%d %H:%M:%S.%f} UTC", origin=sub.origin, sha256=plan.shas[sid])
        try:
            if sub.problem:
                raise UnreadableNotebook(sub.problem)
            nb = read_notebook(sub.data)
        except UnreadableNotebook as exc:
            row.status, row.error = Status.UNREADABLE, str(exc)
            return Prepared(row)
        fixed = repair(nb, self.release)
        row.repairs = fixed.repairs
        row.flags = integrity_flags(nb, helpers)
        row.matched_fraction, row.wrong_assignment = fixed.matched_fraction, fixed.wrong_assignment
        if fixed.wrong_assignment:
            row.flags.insert(
                0, f"looks like another assignment ({fixed.matched_fraction:.0%} of graded cells recognised)"
            )
        return Prepared(row, nbformat.writes(fixed.notebook))

    def _job(self, prepared: Prepared, limits: Limits) -> GradeJob:
        assert prepared.notebook_json is not None
        return GradeJob(
            self.assignment,
            prepared.row.student,
            prepared.notebook_json,
            str(self.root),
            prepared.row.timestamp,
            limits,
            self.opts.late_penalty,
            self.opts.isolate,
        )

    # --- 4. merge (parent only) ---------------------------------------------------------
    def merge(self, row: Row, submitted_json: str | None, result: GradeResult | None) -> Row:
        """Write one result into the master gradebook with nbgrader's own preprocessors, and into state.json."""
        from nbgrader.api import Gradebook
        from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades

        warnings.filterwarnings("ignore", module="nbgrader")  # SQLAlchemy warnings from nbgrader's gradebook code
        a, sid = self.assignment, row.student
        sub_dir, auto_dir = self.course.path("submitted", sid, a), self.course.path("autograded", sid, a)
        shutil.rmtree(auto_dir, ignore_errors=True)
        sub_dir.mkdir(parents=True, exist_ok=True)
        if submitted_json is not None:
            (sub_dir / f"{a}.ipynb").write_text(submitted_json, encoding="utf-8")
        if row.timestamp:
            (sub_dir / "timestamp.txt").write_text(row.timestamp)
        ts = utc(row.timestamp).replace(tzinfo=None) if row.timestamp else None
        with Gradebook(self.course.db_url) as gb:
            gb.update_or_create_student(sid)
            gb.update_or_create_submission(a, sid, **({"timestamp": ts} if ts else {}))
        if result is not None and result.autograded_json is not None:
            auto_dir.mkdir(parents=True)
            (auto_dir / f"{a}.ipynb").write_text(result.autograded_json, encoding="utf-8")
            nb = nbformat.reads(result.autograded_json, as_version=4)
            resources = {"nbgrader": {"db_url": self.course.db_url, "assignment": a, "notebook": a, "student": sid}}
            SaveAutoGrades(config=self.course.config).preprocess(nb, resources)
            AssignLatePenalties(config=self.course.config).preprocess(nb, resources)
        else:  # nothing ran to the end: every test scores 0, as nbgrader does for a missing notebook
            with Gradebook(self.course.db_url) as gb:
                zero_missing(gb, a, sid)
        with Gradebook(self.course.db_url) as gb:
            row.tests = test_scores(gb, a, sid)
            sub = gb.find_submission(a, sid)
            row.late_penalty = float(sub.late_submission_penalty or 0)
            row.score = float(sub.score) - row.late_penalty
            row.max_score = float(sub.max_score)
        row.tasks = {
            f"task{k}": sum(row.tests.get(t, 0.0) for t in task.tests)
            for k, task in enumerate(self.exercise.tasks, start=1)
        }
        if row.wrong_assignment and row.score == 0:
            row.status = Status.WRONG_ASSIGNMENT
        self.state.record(row)
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

    def run(self) -> ClassReport:
        """plan -> prepare -> execute -> merge; returns the report (nothing published yet)."""
        t0 = time.perf_counter()
        plan = self.plan()
        self._pool = self._executor() if plan.to_grade else None
        try:
            report = self._run(plan)
        finally:
            if self._pool is not None:
                self._pool[1]()  # idempotent: _execute has usually shut it down already
        report.wall_seconds = time.perf_counter() - t0
        return report

    def _run(self, plan: Plan) -> ClassReport:
        t_setup = time.perf_counter()
        self.setup()
        t_setup = time.perf_counter() - t_setup
        report = ClassReport(
            self.assignment,
            self.out,
            {},
            self.exercise.task_points,
            self.exercise.test_points,
            plan.collected.ignored,
            plan.collected.replaced,
            isolation_text(self.opts),
            feedback=self.opts.feedback,
        )
        report.add_stage("parent: course setup (release, gradebook)", t_setup)
        t_prepare = time.perf_counter()
        for sid in plan.kept:
            report.rows[sid] = replace(self.state.rows[sid])
        report.skipped = len(plan.kept)
        helpers = names_tests_define(self.release)
        limits = kernel_limits(self.opts)
        ready: list[Prepared] = []
        for sid in plan.to_grade:
            prepared = self.prepare(sid, plan, helpers)
            report.rows[sid] = prepared.row
            if prepared.notebook_json is None:  # unreadable: a final row, nothing to run
                self.merge(prepared.row, None, None)
                report.graded_now += 1
                report.graded_students.append(sid)
            else:
                ready.append(prepared)
        # rows of students from earlier runs that are not in this input stay in the report
        for sid, prev in self.state.rows.items():
            report.rows.setdefault(sid, replace(prev))
        report.add_stage("parent: collect, read, repair", time.perf_counter() - t_prepare)
        collected = plan.collected
        self.log(
            f"{len(collected.submissions)} submission(s): {len(ready)} to grade, {report.skipped} unchanged "
            f"(skipped; --force regrades), {len(collected.ignored)} ignored file(s), "
            f"{len(collected.replaced)} older duplicate(s) replaced"
        )
        if ready:
            self._execute(ready, limits, report)
        return report

    # --- 3. execute (and merge each result as it arrives) --------------------------------
    def _execute(self, ready: list[Prepared], limits: Limits, report: ClassReport) -> None:
        from tqdm import tqdm

        executor, close = self._pool or self._executor()
        futures: dict[Future, Prepared] = {}
        bar = tqdm(
            total=len(ready),
            unit="nb",
            desc=f"grading {self.assignment}",
            disable=not self.opts.progress,
            file=sys.stderr,
        )
        try:
            for prepared in ready:
                futures[executor.submit(grade_submission, self._job(prepared, limits))] = prepared
            for fut in as_completed(futures):
                row, text = futures[fut].row, futures[fut].notebook_json
                try:
                    result: GradeResult = fut.result()
                except Exception as exc:  # noqa: BLE001 - a dead worker: this row is retried next run
                    row.status, row.error = Status.NOT_GRADED, f"worker failed: {type(exc).__name__}: {exc}"
                    report.rows[row.student] = row
                    bar.update()
                    continue
                row.status, row.seconds, row.error = Status(result.status), result.seconds, result.error
                row.flags += result.notes
                for name, secs in result.stages.items():
                    report.add_stage(name, secs)
                t_merge = time.perf_counter()
                self.merge(row, text, result)
                report.add_stage("parent: merge into the gradebook", time.perf_counter() - t_merge)
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

    # --- publish: nbgrader's own outputs --------------------------------------------------
    def publish(self, report: ClassReport) -> dict[str, Path]:
        """nbgrader export (CSV) and, unless turned off, generate_feedback; a failure is logged, never fatal."""
        files: dict[str, Path] = {}
        t1 = time.perf_counter()
        try:
            files["nbgrader_export"] = self.export()
        except Exception as exc:  # noqa: BLE001 - our own CSVs are still written
            self.log(f"warning: nbgrader export failed: {exc}")
        report.add_stage("parent: nbgrader export", time.perf_counter() - t1)
        if self.opts.feedback and report.graded_students:
            t1 = time.perf_counter()
            try:
                fb = self.feedback(report.graded_students)
                self.log(f"feedback: {len(fb)} HTML file(s) in {self.out / 'feedback'}")
            except Exception as exc:  # noqa: BLE001 - our own CSVs are still written
                self.log(f"warning: nbgrader generate_feedback failed: {exc}")
            report.add_stage("parent: nbgrader generate_feedback", time.perf_counter() - t1)
        return files

    def feedback(self, students: list[str]) -> dict[str, Path]:
        """nbgrader generate_feedback (in this process) for the students with an autograded notebook; copies to <out>/feedback."""
        a = self.assignment
        graded = [s for s in students if self.course.path("autograded", s, a, f"{a}.ipynb").exists()]
        out: dict[str, Path] = {}
        if not graded:
            return out
        if self.opts.students is not None:
            for s in graded:
                self.course.run_api("generate_feedback", a, student_id=s, force=True)
        else:
            self.course.run_api("generate_feedback", a, force=True)
        dest = self.out / "feedback"
        dest.mkdir(exist_ok=True)
        for s in graded:
            html = self.course.path("feedback", s, a, f"{a}.html")
            if html.exists():
                out[s] = dest / f"{s}.html"
                shutil.copy2(html, out[s])
        return out

    def export(self) -> Path:
        """nbgrader export (nbgrader's own CSV plugin on the gradebook, in this process)."""
        return self.course.export_csv(self.out / "nbgrader_export.csv")


def grade_class(opts: GradeOptions, log: Callable[[str], None] = print) -> ClassReport:
    """Grade `opts.submissions`, publish nbgrader's outputs, write our reports; returns the report."""
    log(defaults_text(opts))
    log(f"isolation: {isolation_text(opts)}")
    grader = ClassGrader(opts, log)
    report = grader.run()
    report.files.update(grader.publish(report))
    report.files.update(write_reports(report, log))
    return report
