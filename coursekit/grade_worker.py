"""Grade one submission with nbgrader, in its own temporary course directory.

This function runs in a worker process (a local process pool, or a Dask worker). It
copies the master course's skeleton (the gradebook and the assignment's source files)
into a private temporary folder, places the submission there, and runs nbgrader's
own ``autograde`` (through ``NbGraderAPI``, in-process, so nbgrader's imports are paid
once per worker and not once per notebook). The kernel runs in the sandbox from
:mod:`coursekit.grade_sandbox`. The worker never writes to the master course: the parent
merges the returned autograded notebook into the one gradebook.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import threading
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil
from nbgrader.preprocessors import NbGraderPreprocessor

from .grade_sandbox import DISK_ERRORS, Limits, bwrap_problem, write_kernelspec

STATUS_GRADED = "graded"
STATUS_CELL_TIMEOUT = "cell_timeout"  # graded; at least one cell hit the per-cell limit
STATUS_TIMED_OUT = "timed_out"  # the whole notebook hit its wall-time limit: 0 points
STATUS_KERNEL_DIED = "kernel_died"  # the kernel exited (os._exit, memory, crash): 0 points
STATUS_ERROR = "error"  # nbgrader failed for another reason: 0 points


@dataclass(frozen=True)
class GradeJob:
    assignment: str
    student: str
    notebook_json: str  # the (repaired) submission
    course_root: str  # master course: read here, never written
    timestamp: str | None
    limits: Limits
    ignore_pattern: str
    late_penalty: str = "none"
    isolate: bool = True


@dataclass
class GradeResult:
    student: str
    status: str
    seconds: float
    autograded_json: str | None = None
    scores: dict[str, float] = field(default_factory=dict)  # grade_id -> points, from the private gradebook
    error: str = ""
    worker: str = ""
    notes: list[str] = field(default_factory=list)  # for the row's flags: stderr kept, a disk limit reached
    stages: dict[str, float] = field(default_factory=dict)  # seconds per stage of this worker's job (make bench-grade)


STDERR_MARK = "[stderr, shown for you; it costs no points] "


class StderrShown(NbGraderPreprocessor):
    """After nbgrader's IgnorePattern: turn what is left on stderr into stdout, marked.

    nbgrader scores a test cell 0 when it wrote anything to stderr, so a correct answer whose own code
    emits a warning (a RuntimeWarning it handles, a DeprecationWarning) would lose every point. The rule
    here is the course's: a test fails by raising. The text stays visible in the feedback, marked, and the
    report counts the cells.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code":
            for out in cell.get("outputs", []):
                if out.get("output_type") == "stream" and out.get("name") == "stderr":
                    out["name"] = "stdout"
                    out["text"] = STDERR_MARK + out.get("text", "")
        return cell, resources


def notes_from(autograded: nbformat.NotebookNode, limits: Limits) -> list[str]:
    """What the row should say about an autograded notebook: stderr cells kept, disk limits reached."""
    stderr_cells = disk = 0
    for cell in autograded.cells:
        outs = cell.get("outputs", [])
        stderr_cells += any(o.get("output_type") == "stream" and o.get("text", "").startswith(STDERR_MARK) for o in outs)
        text = "".join(o.get("evalue", "") + "".join(o.get("traceback", [])) + o.get("text", "") for o in outs)
        disk += any(e in text for e in DISK_ERRORS)
    notes = []
    if stderr_cells:
        notes.append(f"wrote to stderr in {stderr_cells} cell(s): shown in the feedback, no points lost")
    if disk:
        notes.append(f"reached a disk limit in {disk} cell(s) (own folder {limits.folder_bytes // 1024**2} MiB, "
                     f"/tmp {limits.tmp_bytes // 1024**2} MiB, files {limits.file_bytes // 1024**2} MiB each)")
    return notes


@contextmanager
def _environ(**values: str):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _kill_children() -> None:
    for child in psutil.Process().children(recursive=True):
        try:
            child.kill()
        except psutil.Error:
            pass


def _config(root: Path, job: GradeJob, ipc_dir: Path):
    from nbgrader.converters.autograde import Autograde
    from nbgrader.preprocessors import IgnorePattern
    from traitlets.config import Config

    c = Config()
    c.CourseDirectory.root = str(root)
    c.Execute.timeout = job.limits.cell_timeout_s
    c.Execute.execute_retries = 0
    # once the last cell has run, every output is in the notebook: kill the kernel instead of asking it to exit.
    # A graceful exit runs TensorFlow's teardown, about 1 s per submission on two cores (make bench-grade)
    c.Execute.shutdown_kernel = "immediate"
    c.IgnorePattern.enabled = True
    c.IgnorePattern.pattern = job.ignore_pattern
    c.LateSubmissionPlugin.penalty_method = job.late_penalty
    steps = list(Autograde.class_traits()["autograde_preprocessors"].default())
    c.Autograde.autograde_preprocessors = steps[: steps.index(IgnorePattern) + 1] + [StderrShown] + steps[steps.index(IgnorePattern) + 1:]
    # the kernel has no network (its own namespace): it talks to nbgrader over Unix sockets in ipc_dir
    c.KernelManager.transport = "ipc"
    c.KernelManager.ip = str(ipc_dir / "k")
    return c


def _reason(log: str) -> str:
    """The exception line that says why nbgrader failed (not its generic wrapper)."""
    lines = [l.strip() for l in log.splitlines()
             if re.match(r"\s*[\w.]+(Error|Exception|Interrupt):", l) and "NbGraderException" not in l]
    return lines[-1][:500] if lines else log.strip()[-500:]


def _private_scores(db: Path, assignment: str, student: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{db}") as gb:
        sub = gb.find_submission(assignment, student)
        return {g.name: float(g.score) for nb in sub.notebooks for g in nb.grades}


def warm_up() -> int:
    """Run once per worker before its first submission: pays nbgrader's imports (seconds) while the
    parent is still releasing the assignment and repairing notebooks, instead of on the first job."""
    warnings.filterwarnings("ignore", module="nbgrader")
    from nbgrader.apps.api import NbGraderAPI  # noqa: F401
    from nbgrader.converters.autograde import Autograde  # noqa: F401
    from nbgrader.preprocessors import IgnorePattern  # noqa: F401

    return os.getpid()


def grade_submission(job: GradeJob) -> GradeResult:
    """Autograde one submission; never raises (failures come back as a status)."""
    t0 = time.perf_counter()
    warnings.filterwarnings("ignore", module="nbgrader")  # SQLAlchemy warnings from nbgrader's own gradebook code
    a, sid = job.assignment, job.student
    tmp = Path(tempfile.mkdtemp(prefix=f"coursekit-grade-{sid}-"))
    ipc_dir = Path(tempfile.mkdtemp(prefix="ck-"))  # Unix socket paths have 107 bytes at most: short, not under tmp
    try:
        root = tmp / "course"
        src = Path(job.course_root)
        (root / "source").mkdir(parents=True)
        shutil.copytree(src / "source" / a, root / "source" / a)
        shutil.copy2(src / "gradebook.db", root / "gradebook.db")
        submitted = root / "submitted" / sid / a
        submitted.mkdir(parents=True)
        (submitted / f"{a}.ipynb").write_text(job.notebook_json, encoding="utf-8")
        if job.timestamp:
            (submitted / "timestamp.txt").write_text(job.timestamp)
        workdir = root / "autograded" / sid / a
        workdir.mkdir(parents=True)  # exists before the kernel starts: the sandbox binds it
        runtime = tmp / "runtime"
        runtime.mkdir()
        isolate = job.isolate and bwrap_problem() is None
        write_kernelspec(tmp / "kernels", workdir, runtime, job.limits, isolate, ipc_dir)

        from nbgrader.apps.api import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        stages = {"worker: private course copy": time.perf_counter() - t0}
        t1 = time.perf_counter()
        cfg = _config(root, job, ipc_dir)
        api = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)
        stages["worker: nbgrader API start"] = time.perf_counter() - t1
        t1 = time.perf_counter()
        timed_out = threading.Event()

        def stop() -> None:
            timed_out.set()
            _kill_children()

        watchdog = threading.Timer(job.limits.notebook_timeout_s, stop)
        watchdog.daemon = True
        # jupyter_client writes the kernel's connection file with tempfile.mkstemp: point it at the
        # folder the sandbox shows the kernel (read-only), not at the real /tmp it cannot see
        saved_tempdir = tempfile.tempdir
        with _environ(JUPYTER_PATH=str(tmp), JUPYTER_RUNTIME_DIR=str(runtime)):
            tempfile.tempdir = str(runtime)
            watchdog.start()
            try:
                out = api.autograde(a, sid, force=True, create=True)
            finally:
                tempfile.tempdir = saved_tempdir
                watchdog.cancel()
                _kill_children()
        stages["worker: nbgrader autograde (kernel start, cells, private gradebook)"] = time.perf_counter() - t1
        seconds = time.perf_counter() - t0
        nb_path = workdir / f"{a}.ipynb"
        log = (out.get("log") or "") + (out.get("error") or "")
        if timed_out.is_set():
            return GradeResult(sid, STATUS_TIMED_OUT, seconds,
                               error=f"stopped after the notebook limit of {job.limits.notebook_timeout_s} s")
        if not out["success"] or not nb_path.exists():
            if "CellTimeoutError" in log:  # a cell ignored the interrupt at its time limit
                status = STATUS_TIMED_OUT
            elif "DeadKernelError" in log or "kernel died" in log.lower():
                status = STATUS_KERNEL_DIED
            else:
                status = STATUS_ERROR
            return GradeResult(sid, status, seconds, error=_reason(log))
        text = nb_path.read_text(encoding="utf-8")
        status = STATUS_CELL_TIMEOUT if "CellTimeoutError" in text else STATUS_GRADED
        return GradeResult(sid, status, seconds, autograded_json=text,
                           scores=_private_scores(root / "gradebook.db", a, sid),
                           worker=f"{os.uname().nodename}:{os.getpid()}",
                           notes=notes_from(nbformat.reads(text, as_version=4), job.limits), stages=stages)
    except Exception as exc:  # noqa: BLE001 - one submission's failure must never stop a class
        return GradeResult(sid, STATUS_ERROR, time.perf_counter() - t0, error=f"{type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(ipc_dir, ignore_errors=True)
