"""The grading data model: statuses, per-submission rows, the class report, the options and limits.

Everything else in :mod:`coursekit.grading` imports from here, and this module imports nothing else from the
package, so the pipeline (``pipeline``) and the writers (``report``) never need each other.
"""

from __future__ import annotations

import enum
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

GiB = 1024**3
MiB = 1024**2


class Status(enum.StrEnum):
    """What happened to one submission. A ``str``, so ``state.json`` and the CSVs hold the plain word."""

    GRADED = "graded"
    CELL_TIMEOUT = "cell_timeout"  # graded; at least one cell hit the per-cell limit (its tests scored 0)
    TIMED_OUT = "timed_out"  # the whole notebook hit its wall-time limit: 0 points
    KERNEL_DIED = "kernel_died"  # the kernel exited (os._exit, memory, crash): 0 points
    ERROR = "error"  # nbgrader failed for another reason: 0 points
    UNREADABLE = "unreadable"  # not a notebook (or too large): 0 points, nothing run
    WRONG_ASSIGNMENT = "wrong_assignment"  # graded, but it looks like another assignment's notebook
    NOT_GRADED = "not_graded"  # interrupted or its worker died: graded on the next run

    @property
    def final(self) -> bool:
        """A re-run keeps this row when the submission is unchanged (``not_graded`` is retried)."""
        return self is not Status.NOT_GRADED

    @property
    def needs_review(self) -> bool:
        """An instructor should look at this row by hand (listed in report.md)."""
        return self is not Status.GRADED

    @property
    def zero_points(self) -> bool:
        """The row has 0 points because of what happened, not what was answered: nothing ran to the end, or it is
        another assignment's notebook (``cell_timeout`` rows keep what their other cells earned)."""
        return self in (
            Status.TIMED_OUT,
            Status.KERNEL_DIED,
            Status.ERROR,
            Status.UNREADABLE,
            Status.NOT_GRADED,
            Status.WRONG_ASSIGNMENT,
        )


@dataclass(frozen=True)
class Limits:
    """Per-submission limits; the defaults are documented on the instructors' page."""

    cell_timeout_s: int = 120  # nbgrader's Execute.timeout, per cell (nbgrader's default of 30 s is too short)
    notebook_timeout_s: int = 900  # wall time for one submission, all cells
    memory_bytes: int = 4 * GiB  # address-space limit of the kernel (TensorFlow needs about 2 GiB)
    folder_bytes: int = 256 * MiB  # the submission's own folder (tmpfs; the course's models are a few MB)
    tmp_bytes: int = 256 * MiB  # /tmp (tmpfs)
    shm_bytes: int = 64 * MiB  # /dev/shm (tmpfs; multiprocessing's semaphores and queues)
    file_bytes: int = 256 * MiB  # any one file (RLIMIT_FSIZE)
    # intra-op threads per kernel for TensorFlow and OpenMP (0: their default, every core). The local pool sets
    # cores // jobs, so parallel kernels do not oversubscribe the cores; the instructor's own
    # OMP_NUM_THREADS / TF_NUM_INTRAOP_THREADS, when set, win.
    threads: int = 0

    def describe(self) -> str:
        return (
            f"cell timeout {self.cell_timeout_s} s, notebook timeout {self.notebook_timeout_s} s, "
            f"kernel address space {self.memory_bytes / GiB:g} GiB, own folder {self.folder_bytes / MiB:g} MiB, "
            f"/tmp {self.tmp_bytes / MiB:g} MiB, /dev/shm {self.shm_bytes / MiB:g} MiB, "
            f"files {self.file_bytes / MiB:g} MiB each, no network"
            + (f", {self.threads} thread(s) per kernel" if self.threads else "")
        )


@dataclass
class GradeOptions:
    assignment: str
    submissions: Path
    out: Path
    source: Path | None = None  # instructor source; default solutions/<assignment>.py
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    scheduler: str | None = None  # Dask scheduler address
    executor: Any = None  # any concurrent.futures.Executor (tests, Dask clients)
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
    """One submission's line in grades.csv (and in state.json)."""

    student: str
    status: Status = Status.NOT_GRADED
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
    matched_fraction: float = 1.0  # share of the release's graded cells recognised in the submission
    wrong_assignment: bool = False  # too few recognised: it looks like another assignment's notebook

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Row:
        """A row from state.json (unknown keys from older versions are dropped)."""
        known = {f.name for f in fields(cls)}
        row = cls(**{k: v for k, v in data.items() if k in known})
        row.status = Status(row.status)
        return row


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
    feedback: bool = True
    wall_seconds: float = 0.0
    graded_now: int = 0
    graded_students: list[str] = field(default_factory=list)
    skipped: int = 0
    interrupted: bool = False
    stages: dict[str, float] = field(default_factory=dict)  # seconds summed over submissions, per stage
    files: dict[str, Path] = field(default_factory=dict)  # what the run wrote, by kind

    def add_stage(self, name: str, seconds: float) -> None:
        self.stages[name] = self.stages.get(name, 0.0) + seconds

    @property
    def max_points(self) -> float:
        return sum(self.task_points.values())
