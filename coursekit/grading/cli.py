"""`coursekit grade` and `coursekit bench-grade`: the command lines over :func:`coursekit.grading.grade_class`."""

from __future__ import annotations

import os
from pathlib import Path

from .model import GiB, Limits, MiB, Status

DEFAULTS = Limits()


def add_parser(sub) -> None:
    p = sub.add_parser(
        "grade",
        help="autograde a class's submissions with nbgrader: parallel, sandboxed, resumable",
        description="Grade every submission of ASSIGNMENT in SUBMISSIONS (a folder of <student>/<assignment>.ipynb "
        "or <student>.ipynb, or an LMS zip) with nbgrader; writes grades.csv, canvas.csv, moodle.csv, "
        "feedback/, report.md and report.png into --out.",
    )
    p.add_argument("assignment", help="exercise name, e.g. 01_losses (its source is solutions/<name>.py)")
    p.add_argument("submissions", type=Path, help="folder or .zip of submitted notebooks")
    p.add_argument("--out", type=Path, help="output folder (default: grading/<assignment>); re-runs resume it")
    p.add_argument("--source", type=Path, help="instructor source (default: solutions/<assignment>.py)")
    p.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="parallel submissions (default: cores, %(default)s)"
    )
    p.add_argument("--scheduler", help="Dask scheduler address (tcp://host:8786); workers need --nthreads 1")
    p.add_argument(
        "--cell-timeout", type=int, default=DEFAULTS.cell_timeout_s, help="seconds per cell (default %(default)s)"
    )
    p.add_argument(
        "--notebook-timeout",
        type=int,
        default=DEFAULTS.notebook_timeout_s,
        help="seconds per submission (default %(default)s)",
    )
    p.add_argument(
        "--memory-gb",
        type=float,
        default=DEFAULTS.memory_bytes / GiB,
        help="kernel address-space limit in GiB (default %(default)g)",
    )
    p.add_argument(
        "--folder-mb",
        type=int,
        default=DEFAULTS.folder_bytes // MiB,
        help="size of each kernel's own folder and largest file, MiB (default %(default)s)",
    )
    p.add_argument(
        "--tmp-mb",
        type=int,
        default=DEFAULTS.tmp_bytes // MiB,
        help="size of each kernel's /tmp, MiB (default %(default)s)",
    )
    p.add_argument("--pattern", help="regex with (?P<student_id>...) and optional (?P<timestamp>...) for file names")
    p.add_argument("--due", help="due date, e.g. '2026-12-01 23:59:00 UTC' (nbgrader late submissions)")
    p.add_argument(
        "--late-penalty",
        choices=("none", "zero"),
        default="none",
        help="nbgrader's penalty for late submissions (default %(default)s)",
    )
    p.add_argument("--force", action="store_true", help="regrade unchanged submissions too")
    p.add_argument("--student", action="append", dest="students", help="regrade only this student (repeatable)")
    p.add_argument("--no-feedback", action="store_true", help="skip nbgrader generate_feedback")
    p.add_argument("--no-sandbox", action="store_true", help="run kernels without bubblewrap (isolation degraded)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_grade)
    b = sub.add_parser(
        "bench-grade",
        help="serial nbgrader autograde vs coursekit grade on a synthetic class",
        description="Grade N synthetic submissions of ASSIGNMENT with serial `nbgrader autograde` and "
        "with `coursekit grade`; same scores required; writes benchmarks/grade_bench.{json,md}.",
    )
    b.add_argument("--assignment", default="01_losses")
    b.add_argument("-n", type=int, default=24)
    b.add_argument("--jobs", type=int)
    b.add_argument("--out-dir", type=Path, help="where the results go (default: benchmarks/)")
    b.set_defaults(func=cmd_bench_grade)


def cmd_grade(args) -> int:
    if not args.submissions.exists():
        raise FileNotFoundError(f"{args.submissions}: no such folder or zip of submissions")
    from .model import GradeOptions
    from .pipeline import grade_class

    limits = Limits(
        args.cell_timeout,
        args.notebook_timeout,
        int(args.memory_gb * GiB),
        folder_bytes=args.folder_mb * MiB,
        tmp_bytes=args.tmp_mb * MiB,
        file_bytes=args.folder_mb * MiB,
    )
    opts = GradeOptions(
        assignment=args.assignment,
        submissions=args.submissions,
        out=args.out or Path("grading") / args.assignment,
        source=args.source,
        jobs=args.jobs,
        scheduler=args.scheduler,
        limits=limits,
        pattern=args.pattern,
        due=args.due,
        late_penalty=args.late_penalty,
        force=args.force,
        students=args.students,
        feedback=not args.no_feedback,
        isolate=not args.no_sandbox,
        progress=not args.no_progress,
    )
    report = grade_class(opts)
    if report.interrupted:
        return 130
    return 1 if any(r.status is Status.NOT_GRADED for r in report.rows.values()) else 0


def cmd_bench_grade(args) -> int:
    from .bench import run

    return 0 if run(args.assignment, args.n, args.jobs, args.out_dir)["same_scores"] else 1
