"""`make bench`: time each chapter's execution and each solution's autograde on this machine.

Each chapter runs in a fresh subprocess (so its kernel's peak memory can be read from
`getrusage(RUSAGE_CHILDREN)`), twice: the faster run's seconds are reported, and the two runs' glued
values are compared (`coursekit.determinism`): any non-timing value that differs is reported. Results go
to `benchmarks/results.json` (read by the book build, which prints "runs in about N s" on every page)
and `benchmarks/results.md`.
A benchmark reports; only the test suite fails, and only past twice a budget.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
from datetime import date
from pathlib import Path

from .paths import chapters, exercises, named, repo_root, tool_env

GRADE_BUDGET_S = 60.0


def results_path(root: Path | None = None) -> Path:
    return (root or repo_root()) / "benchmarks" / "results.json"


def load_results(root: Path | None = None) -> dict:
    path = results_path(root)
    if not path.exists():
        return {"chapters": {}, "exercises": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def one_chapter(md: str) -> None:
    """Child process: execute one chapter, print a JSON line with seconds, peak kernel memory, error."""
    from .determinism import glued
    from .execute import execute

    nb, run = execute(Path(md))
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the kernel is our child
    print(
        json.dumps(
            {"seconds": round(run.seconds, 1), "peak_mb": round(peak_kb / 1024), "error": run.error, "glue": glued(nb)}
        )
    )


def one_grade(name: str) -> None:
    from .gradecheck import check_exercise

    ex = next(e for e in exercises() if e.name == name)
    r = check_exercise(ex, students=("solution",))
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    ok = abs(r.grades["solution"].score - r.max_points) < 1e-9
    print(
        json.dumps(
            {
                "autograde_seconds": round(r.autograde_seconds, 1),
                "peak_mb": round(peak_kb / 1024),
                "points": r.max_points,
                "full_marks": ok,
            }
        )
    )


def _child(*args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "coursekit", "bench", "--one", *args],
        capture_output=True,
        text=True,
        env=tool_env(),
        cwd=repo_root(),
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if proc.returncode != 0 or not lines:
        return {"error": (proc.stderr or proc.stdout)[-2000:]}
    return json.loads(lines[-1])


def _chapter_twice(md: Path) -> dict:
    """Two executions: the faster one's seconds and the larger peak, and the non-timing glue that differs."""
    from .determinism import differences

    runs = [_child("chapter", str(md)) for _ in range(2)]
    if any("seconds" not in r or r.get("error") for r in runs):
        return next(r for r in runs if "seconds" not in r or r.get("error"))
    first, second = (r.pop("glue", {}) for r in runs)
    return {
        "seconds": min(r["seconds"] for r in runs),
        "peak_mb": max(r["peak_mb"] for r in runs),
        "error": None,
        "runs_seconds": [r["seconds"] for r in runs],
        "glue_differences": differences(first, second),
    }


def machine() -> dict:
    return {"cpus": os.cpu_count(), "platform": platform.platform(terse=True), "python": platform.python_version()}


def run_bench(chapter_names: list[str] | None = None, skip_grading: bool = False, skip_chapters: bool = False) -> dict:
    from .execute import budget_seconds

    results = load_results()
    results["machine"] = machine()
    results["date"] = date.today().isoformat()
    for ch in [] if skip_chapters else named(chapters(), chapter_names):
        r = _chapter_twice(ch.source)
        r["budget_seconds"] = budget_seconds(ch.source)
        results["chapters"][ch.name] = r
        same = (
            "same glued values" if not r.get("glue_differences") else f"DIFFERENT glued values: {r['glue_differences']}"
        )
        print(
            f"chapter  {ch.name:24s} {r.get('seconds', '?'):>6} s (budget {r['budget_seconds']:.0f} s)  "
            f"peak {r.get('peak_mb', '?')} MB  {'ERROR' if r.get('error') else same}",
            flush=True,
        )
    if not skip_grading:
        for ex in named(exercises(), chapter_names):
            r = _child("grade", ex.name)
            r["budget_seconds"] = GRADE_BUDGET_S
            results["exercises"][ex.name] = r
            print(
                f"autograde {ex.name:23s} {r.get('autograde_seconds', '?'):>6} s (budget {GRADE_BUDGET_S:.0f} s)  "
                f"peak {r.get('peak_mb', '?')} MB  full marks: {r.get('full_marks')}",
                flush=True,
            )
    write_results(results)
    return results


def write_results(results: dict, root: Path | None = None) -> None:
    path = results_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    m = results.get("machine", {})
    lines = [
        "# Benchmark results",
        "",
        f"Measured by `make bench` on {results.get('date')} ({m.get('cpus')} CPUs, {m.get('platform')}, "
        f"Python {m.get('python')}). Generated file: do not edit.",
        "",
        "Execution is the faster of two runs; the determinism column compares their glued values",
        "(timing-named values excluded, see `coursekit/determinism.py`).",
        "",
        "| chapter | execution (s) | budget (s) | peak kernel memory (MB) | same glued values | solution autograde (s) | grading budget (s) |",
        "|---|---:|---:|---:|---|---:|---:|",
    ]
    for name, r in sorted(results.get("chapters", {}).items()):
        g = results.get("exercises", {}).get(name, {})
        diff = r.get("glue_differences")
        same = "" if diff is None else ("yes" if not diff else "NO: " + "; ".join(diff)[:300])
        lines.append(
            f"| {name} | {r.get('seconds', 'error')} | {r.get('budget_seconds', '')} | {r.get('peak_mb', '')} "
            f"| {same} | {g.get('autograde_seconds', '')} | {g.get('budget_seconds', '')} |"
        )
    path.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")
