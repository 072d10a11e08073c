"""Grade one submission with nbgrader, in its own temporary course directory.

This function runs in a worker process (a local process pool, or a Dask worker). It
copies the master course's skeleton (the gradebook and the assignment's source files)
into a private temporary folder, places the submission there, and runs nbgrader's
own ``autograde`` (through ``NbGraderAPI``, in-process, so nbgrader's imports are paid
once per worker and not once per notebook). The kernel runs in the sandbox from
:mod:`coursekit.grading.sandbox`. The worker never writes to the master course: the parent
merges the returned autograded notebook into the one gradebook.
"""

from __future__ import annotations

import os
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

from ..nbgrader_adapter.config import GRADEBOOK, course_config, course_path
from ..nbgrader_adapter.course import failure_kind, failure_reason, hit_cell_timeout, nbgrader_api
from .model import Limits, Status
from .sandbox import DISK_ERRORS, bwrap_problem, write_kernelspec


@dataclass(frozen=True)
class GradeJob:
    assignment: str
    student: str
    notebook_json: str  # the (repaired) submission
    course_root: str  # master course: read here, never written
    timestamp: str | None
    limits: Limits
    late_penalty: str = "none"
    isolate: bool = True


@dataclass
class GradeResult:
    student: str
    status: Status
    seconds: float
    autograded_json: str | None = None
    error: str = ""
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
        stderr_cells += any(
            o.get("output_type") == "stream" and o.get("text", "").startswith(STDERR_MARK) for o in outs
        )
        text = "".join(o.get("evalue", "") + "".join(o.get("traceback", [])) + o.get("text", "") for o in outs)
        disk += any(e in text for e in DISK_ERRORS)
    notes = []
    if stderr_cells:
        notes.append(f"wrote to stderr in {stderr_cells} cell(s): shown in the feedback, no points lost")
    if disk:
        notes.append(
            f"reached a disk limit in {disk} cell(s) (own folder {limits.folder_bytes // 1024**2} MiB, "
            f"/tmp {limits.tmp_bytes // 1024**2} MiB, files {limits.file_bytes // 1024**2} MiB each)"
        )
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
    """The course's nbgrader configuration for the private course, plus what grading in a sandbox needs."""
    from nbgrader.converters.autograde import Autograde
    from nbgrader.preprocessors import IgnorePattern

    c = course_config(root, cell_timeout=job.limits.cell_timeout_s, late_penalty=job.late_penalty)
    # once the last cell has run, every output is in the notebook: kill the kernel instead of asking it to exit.
    # A graceful exit runs TensorFlow's teardown, about 1 s per submission on two cores (make bench-grade)
    c.Execute.shutdown_kernel = "immediate"
    steps = list(Autograde.class_traits()["autograde_preprocessors"].default())
    c.Autograde.autograde_preprocessors = (
        steps[: steps.index(IgnorePattern) + 1] + [StderrShown] + steps[steps.index(IgnorePattern) + 1 :]
    )
    # the kernel has no network (its own namespace): it talks to nbgrader over Unix sockets in ipc_dir
    c.KernelManager.transport = "ipc"
    c.KernelManager.ip = str(ipc_dir / "k")
    return c


def warm_up() -> int:
    """Run once per worker before its first submission: pays nbgrader's imports (seconds) while the
    parent is still releasing the assignment and repairing notebooks, instead of on the first job."""
    warnings.filterwarnings("ignore", module="nbgrader")
    from nbgrader.apps.api import NbGraderAPI  # noqa: F401
    from nbgrader.converters.autograde import Autograde  # noqa: F401
    from nbgrader.preprocessors import IgnorePattern  # noqa: F401

    return os.getpid()


def _private_course(job: GradeJob, tmp: Path) -> tuple[Path, Path]:
    """A course folder in `tmp` with the master's source and gradebook and this one submission; returns
    (course root, the folder the kernel runs in)."""
    a, sid = job.assignment, job.student
    root = tmp / "course"
    shutil.copytree(course_path(job.course_root, "source", ".", a), course_path(root, "source", ".", a))
    shutil.copy2(Path(job.course_root) / GRADEBOOK, root / GRADEBOOK)
    submitted = course_path(root, "submitted", sid, a)
    submitted.mkdir(parents=True)
    (submitted / f"{a}.ipynb").write_text(job.notebook_json, encoding="utf-8")
    if job.timestamp:
        (submitted / "timestamp.txt").write_text(job.timestamp)
    workdir = course_path(root, "autograded", sid, a)
    workdir.mkdir(parents=True)  # exists before the kernel starts: the sandbox binds it
    return root, workdir


def _autograde(job: GradeJob, cfg, tmp: Path, runtime: Path) -> tuple[dict, bool]:
    """nbgrader's autograde of the one submission, under the notebook watchdog; returns (nbgrader's result,
    whether the watchdog stopped it)."""
    api = nbgrader_api(cfg)
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
            out = api.autograde(job.assignment, job.student, force=True, create=True)
        finally:
            tempfile.tempdir = saved_tempdir
            watchdog.cancel()
            _kill_children()
    return out, timed_out.is_set()


def grade_submission(job: GradeJob) -> GradeResult:
    """Autograde one submission; never raises (failures come back as a status)."""
    t0 = time.perf_counter()
    warnings.filterwarnings("ignore", module="nbgrader")  # SQLAlchemy warnings from nbgrader's own gradebook code
    sid = job.student
    tmp = Path(tempfile.mkdtemp(prefix=f"coursekit-grade-{sid}-"))
    ipc_dir = Path(tempfile.mkdtemp(prefix="ck-"))  # Unix socket paths have 107 bytes at most: short, not under tmp
    try:
        root, workdir = _private_course(job, tmp)
        runtime = tmp / "runtime"
        runtime.mkdir()
        write_kernelspec(
            tmp / "kernels", workdir, runtime, job.limits, job.isolate and bwrap_problem() is None, ipc_dir
        )
        stages = {"worker: private course copy": time.perf_counter() - t0}
        t1 = time.perf_counter()
        out, timed_out = _autograde(job, _config(root, job, ipc_dir), tmp, runtime)
        stages["worker: nbgrader autograde (kernel start, cells, private gradebook)"] = time.perf_counter() - t1
        seconds = time.perf_counter() - t0
        nb_path = workdir / f"{job.assignment}.ipynb"
        if timed_out:
            return GradeResult(
                sid,
                Status.TIMED_OUT,
                seconds,
                error=f"stopped after the notebook limit of {job.limits.notebook_timeout_s} s",
            )
        if not out["success"] or not nb_path.exists():
            log = (out.get("log") or "") + (out.get("error") or "")
            return GradeResult(sid, Status(failure_kind(log)), seconds, error=failure_reason(log))
        text = nb_path.read_text(encoding="utf-8")
        return GradeResult(
            sid,
            Status.CELL_TIMEOUT if hit_cell_timeout(text) else Status.GRADED,
            seconds,
            autograded_json=text,
            notes=notes_from(nbformat.reads(text, as_version=4), job.limits),
            stages=stages,
        )
    except Exception as exc:  # noqa: BLE001 - one submission's failure must never stop a class
        return GradeResult(sid, Status.ERROR, time.perf_counter() - t0, error=f"{type(exc).__name__}: {exc}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(ipc_dir, ignore_errors=True)
