"""`make bench-grade` (`coursekit bench-grade`): serial ``nbgrader autograde`` against ``coursekit grade`` on a synthetic class.

The class: N submissions of one TensorFlow exercise (default 24 of 01_losses): solved,
blank, partly solved, and broken (a syntax error, wrong answers). Both graders must give
every student the same score; the wall-time ratio and seconds per submission are written
to ``benchmarks/grade_bench.{json,md}`` (``grade_bench_<assignment>.*`` for another exercise), with the machine's load average (the reference
machine is shared, so timings vary).
"""

from __future__ import annotations

import copy
import json
import os
import platform
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import nbformat

from ..nbgrader_adapter import Course
from ..paths import repo_root
from ..sources import ExerciseSource, grade_id
from .model import GradeOptions
from .pipeline import grade_class


def synthetic_class(
    exercise: ExerciseSource, release: nbformat.NotebookNode, n: int
) -> dict[str, nbformat.NotebookNode]:
    everything = exercise.solution_ids
    first, last = set(exercise.tasks[0].solutions), set(exercise.tasks[-1].solutions)
    kinds = []
    for i in range(n):
        k = i % 6
        if k in (0, 1):
            nb = exercise.filled(release, everything)
        elif k == 2:
            nb = copy.deepcopy(release)
        elif k == 3:
            nb = exercise.filled(release, first)
        elif k == 4:
            nb = exercise.filled(release, everything - last)
        else:  # broken: a syntax error in the first answer, the rest solved
            nb = exercise.filled(release, everything)
            for c in nb.cells:
                if grade_id(c) in first:
                    c.source += "\n    return (\n"
        kinds.append(nb)
    return {f"s{i:03d}": nb for i, nb in enumerate(kinds)}


def results_stem(assignment: str) -> str:
    """``grade_bench`` for the default class (exercise 1), ``grade_bench_<assignment>`` for any other."""
    return "grade_bench" if assignment == "01_losses" else f"grade_bench_{assignment}"


def run(assignment: str = "01_losses", n: int = 24, jobs: int | None = None, out_dir: Path | None = None) -> dict:
    jobs = jobs or os.cpu_count() or 1
    source_path = repo_root() / "solutions" / f"{assignment}.py"
    exercise = ExerciseSource.load(source_path)
    out_dir = out_dir or repo_root() / "benchmarks"
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="coursekit-bench-grade-") as scratch:
        tmp = Path(scratch)
        serial = Course(tmp / "serial")
        serial.add_source(assignment, exercise.notebook)
        release = serial.generate(assignment)
        subs = synthetic_class(exercise, release, n)
        folder = tmp / "class"
        for sid, nb in subs.items():
            serial.submit(assignment, sid, nb)
            (folder / sid).mkdir(parents=True)
            nbformat.write(nb, folder / sid / f"{assignment}.ipynb")
        print(f"serial: nbgrader autograde of {n} submissions ...", flush=True)
        serial_s = serial.autograde(assignment)
        serial_scores = {s: g.score for s, g in serial.grades(assignment).items()}
        print(f"serial: {serial_s:.1f} s; coursekit grade --jobs {jobs} ...", flush=True)
        t0 = time.perf_counter()
        report = grade_class(
            GradeOptions(assignment, folder, tmp / "out", source=source_path, jobs=jobs, feedback=False)
        )
        ours_s = time.perf_counter() - t0
        ours_scores = {s: r.score for s, r in report.rows.items()}
    load_after = os.getloadavg()
    same = serial_scores == ours_scores
    result = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"{os.cpu_count()} CPUs, {platform.platform()}",
        "assignment": assignment,
        "submissions": n,
        "jobs": jobs,
        "serial_nbgrader_s": round(serial_s, 1),
        "coursekit_grade_s": round(ours_s, 1),
        "ratio": round(serial_s / ours_s, 2),
        "serial_s_per_submission": round(serial_s / n, 2),
        "coursekit_s_per_submission": round(ours_s / n, 2),
        "submissions_per_core_hour": round(n * 3600 / (ours_s * jobs)),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in load_after],
        "same_scores": same,
        "isolation": report.isolation,
        "stages_s": {k: round(x, 1) for k, x in report.stages.items()},
        "scores": {"serial": serial_scores, "coursekit": ours_scores},
    }
    out_dir.mkdir(exist_ok=True)
    stem = results_stem(assignment)
    (out_dir / f"{stem}.json").write_text(json.dumps(result, indent=1) + "\n")
    (out_dir / f"{stem}.md").write_text(markdown(result))
    print(markdown(result))
    if not same:
        print(f"scores differ: serial {serial_scores} vs coursekit {ours_scores}")
    return result


def markdown(r: dict) -> str:
    return (
        "# Grading benchmark\n\n"
        f"Measured by `make bench-grade` on {r['date']} ({r['machine']}). Generated file: do not edit.\n\n"
        f"{r['submissions']} synthetic submissions of {r['assignment']} (solved, blank, partly solved, broken); "
        f"both graders gave every student the same score: {'yes' if r['same_scores'] else 'NO'}.\n\n"
        "| grader | wall (s) | s per submission |\n|---|---:|---:|\n"
        f"| `nbgrader autograde` (serial) | {r['serial_nbgrader_s']} | {r['serial_s_per_submission']} |\n"
        f"| `coursekit grade --jobs {r['jobs']}` (sandboxed; includes release and export) | {r['coursekit_grade_s']} | "
        f"{r['coursekit_s_per_submission']} |\n\n"
        f"Speed-up: **{r['ratio']}x**. Throughput: {r['submissions_per_core_hour']} submissions per core per hour.\n"
        f"Load average (1, 5, 15 min) before {r['load_average_before']}, after {r['load_average_after']} "
        "(the machine is shared with other work).\n" + stage_table(r.get("stages_s", {}), r["submissions"])
    )


def stage_table(stages: dict[str, float], n: int) -> str:
    """Where `coursekit grade`'s time goes: worker stages are summed over submissions (they overlap across jobs)."""
    if not stages:
        return ""
    rows = "".join(f"| {k} | {v:.1f} | {v / n:.2f} |\n" for k, v in stages.items())
    return (
        "\n## Where the time goes\n\nSeconds summed over the submissions (worker stages run in parallel, so they "
        "add up to more than the wall time).\n\n| stage | total (s) | per submission (s) |\n|---|---:|---:|\n" + rows
    )
