"""What a class's grading writes: CSVs (ours, Canvas, Moodle, nbgrader's), feedback, a summary.

Files in ``<out>/``:

* ``grades.csv``: one row per submission, always (score, max score, late penalty, points per
  task, status, repairs, flags);
* ``canvas.csv``: Canvas gradebook import layout (``Student, ID, SIS User ID, SIS Login ID,
  Section, <assignment>``); the student id goes in ``ID`` and ``SIS Login ID``;
* ``moodle.csv``: Moodle "Import grades from CSV" layout (``ID number, Grade, Feedback``):
  map ``ID number`` to the user field that holds the LMS file names' ids;
* ``report.md`` and ``report.png``: score histogram per task, failing tests, submissions that
  timed out or crashed, repairs, integrity flags, ignored files and replaced duplicates.

nbgrader's own ``nbgrader_export.csv`` and ``feedback/<student>.html`` are written before, by
``pipeline.ClassGrader.publish``. The writers here are pure: they read only the `ClassReport`.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Callable

from .model import ClassReport, Row, Status


def _rows(report: ClassReport) -> list[Row]:
    return [report.rows[s] for s in sorted(report.rows)]


def write_grades_csv(report: ClassReport, path: Path) -> Path:
    tasks = list(report.task_points)
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            [
                "student_id",
                "score",
                "max_score",
                "late_penalty",
                *[f"{t} (of {report.task_points[t]:g})" for t in tasks],
                "status",
                "submitted_at",
                "seconds",
                "repairs",
                "flags",
                "error",
            ]
        )
        for r in _rows(report):
            w.writerow(
                [
                    r.student,
                    f"{r.score:g}",
                    f"{report.max_points:g}",
                    f"{r.late_penalty:g}",
                    *[f"{r.tasks.get(t, 0.0):g}" for t in tasks],
                    r.status,
                    r.timestamp,
                    f"{r.seconds:.1f}",
                    " | ".join(r.repairs),
                    " | ".join(r.flags),
                    _last_line(r.error),
                ]
            )
    return path


def write_canvas_csv(report: ClassReport, path: Path) -> Path:
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(
            ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{report.assignment} ({report.max_points:g})"]
        )
        w.writerow(["    Points Possible", "", "", "", "", f"{report.max_points:g}"])
        for r in _rows(report):
            w.writerow([r.student, r.student, "", r.student, "", f"{r.score:g}"])
    return path


def write_moodle_csv(report: ClassReport, path: Path) -> Path:
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["ID number", "Grade", "Feedback"])
        for r in _rows(report):
            w.writerow([r.student, f"{r.score:g}", "" if r.status is Status.GRADED else str(r.status)])
    return path


def write_png(report: ClassReport, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tasks = list(report.task_points)
    rows = _rows(report)
    fig, axes = plt.subplots(1, len(tasks) + 1, figsize=(3.2 * (len(tasks) + 1), 3.2), squeeze=False)
    series = [("total", report.max_points, [r.score for r in rows])] + [
        (t, report.task_points[t], [r.tasks.get(t, 0.0) for r in rows]) for t in tasks
    ]
    for ax, (name, top, values) in zip(axes[0], series, strict=True):
        ax.hist(
            values,
            bins=[x - 0.25 for x in range(int(top) + 2)] if top <= 20 else 20,
            color="#0072B2",
            edgecolor="black",
            hatch="//",
        )
        ax.set_title(f"{name} (max {top:g})")
        ax.set_xlabel("points")
        ax.set_ylabel("submissions")
    fig.suptitle(f"{report.assignment}: scores of {len(rows)} submissions")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def write_markdown(report: ClassReport, path: Path, png: Path) -> Path:
    rows = _rows(report)
    statuses = Counter(r.status for r in rows)
    failing = Counter(gid for r in rows for gid, pts in r.tests.items() if pts < report.test_points.get(gid, 0))
    lines = [
        f"# Grading report: {report.assignment}",
        "",
        f"{len(rows)} submissions, max {report.max_points:g} points; graded in this run: {report.graded_now}, "
        f"unchanged and skipped: {report.skipped}; wall time {report.wall_seconds:.1f} s.",
        "",
        f"Isolation: {report.isolation}.",
        "",
    ]
    if report.interrupted:
        lines += ["**Interrupted**: rows with status `not_graded` are graded by the next run.", ""]
    scores = sorted(r.score for r in rows)
    if scores:
        lines += [f"Mean score {sum(scores) / len(scores):.2f}, median {scores[len(scores) // 2]:g}.", ""]
    lines += [
        f"![Score histograms: total and per task]({png.name})",
        "",
        "## Status",
        "",
        "| status | submissions |",
        "|---|---:|",
    ]
    lines += [f"| {s} | {n} |" for s, n in sorted(statuses.items())]
    lines += ["", "## Failing tests", "", "| test | points | submissions failing |", "|---|---:|---:|"]
    lines += [f"| {gid} | {report.test_points[gid]:g} | {failing.get(gid, 0)} |" for gid in report.test_points]
    sections = [
        (
            "Timed out, crashed, unreadable or another assignment (0 points; review by hand)",
            [f"`{r.student}`: {r.status}: {_last_line(r.error)}" for r in rows if r.status.zero_points],
        ),
        (
            "A cell hit the time limit (that cell's tests scored 0, the others kept their points; review by hand)",
            [
                f"`{r.student}`: {r.status}: {_last_line(r.error)}"
                for r in rows
                if r.status.needs_review and not r.status.zero_points
            ],
        ),
        ("Repairs made before grading", [f"`{r.student}`: {x}" for r in rows for x in r.repairs]),
        ("Integrity flags (manual review; scores unchanged)", [f"`{r.student}`: {x}" for r in rows for x in r.flags]),
        ("Ignored files", report.ignored),
        ("Replaced duplicates (latest submission wins)", report.replaced),
    ]
    for title, items in sections:
        lines += ["", f"## {title}", ""] + ([f"- {x}" for x in items] or ["None."])
    path.write_text("\n".join(lines) + "\n")
    return path


def _last_line(text: str) -> str:
    return text.strip().splitlines()[-1][:200] if text.strip() else ""


def write_reports(report: ClassReport, log: Callable[[str], None] = print) -> dict[str, Path]:
    """Every file of ours in `report.out`, from the report alone; returns them by kind."""
    import time

    out = report.out
    t0 = time.perf_counter()
    files = {
        "grades": write_grades_csv(report, out / "grades.csv"),
        "canvas": write_canvas_csv(report, out / "canvas.csv"),
        "moodle": write_moodle_csv(report, out / "moodle.csv"),
    }
    files["png"] = write_png(report, out / "report.png")
    files["report"] = write_markdown(report, out / "report.md", files["png"])
    report.add_stage("parent: CSV, PNG and Markdown reports", time.perf_counter() - t0)
    statuses = Counter(str(r.status) for r in report.rows.values())
    log(f"{len(report.rows)} rows: " + ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())))
    written = {**report.files, **files}
    log(f"wrote {', '.join(str(p.relative_to(out)) for p in written.values())} in {out}")
    return files
