"""`coursekit grade` runs: LMS zip with a file-name pattern and late penalties, resuming and
skipping, regrading one student, a worker that dies, a Dask cluster, the CLI and the Makefile."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from coursekit.grading import GradeOptions, grade_class
from coursekit.grading.model import GiB, Limits
from coursekit.paths import tool_env
from coursekit.sources import grade_id

from .builders import CANVAS_PATTERN, TINY, A, notebooks, solved, w, with_cell_after, write_class, zip_class
from .repo import ROOT

LIMITS = Limits(cell_timeout_s=10, notebook_timeout_s=60, memory_bytes=int(1.5 * GiB))


@pytest.fixture(scope="module")
def release(tiny_release):
    return tiny_release


def _opts(tmp_path, submissions, **kw) -> GradeOptions:
    return GradeOptions(A, submissions, tmp_path / "out", source=TINY, jobs=2, limits=LIMITS, progress=False,
                        feedback=False, **kw)


def test_zip_late_penalty_resume_regrade_and_worker_death(tmp_path, release):
    _, _, ans = notebooks(release)
    good, partial = solved(release, ans), solved(release, ans, ("task1_solution",))
    z = zip_class(tmp_path / "lms.zip", {
        "amy_11_1_20261201T100000_00_tiny.ipynb": w(good),  # on time
        "bob_12_1_20261203T100000_00_tiny.ipynb": w(good),  # late: nbgrader's 'zero' penalty
        "cat_13_1_20261201T100000_00_tiny.ipynb": w(partial),
    })
    due = "2026-12-02 00:00:00 UTC"
    r1 = grade_class(_opts(tmp_path, z, pattern=CANVAS_PATTERN, due=due, late_penalty="zero"), lambda s: None)
    assert {s: (r.score, r.late_penalty, r.status) for s, r in r1.rows.items()} == {
        "amy": (3, 0, "graded"), "bob": (0, 3, "graded"), "cat": (1, 0, "graded")}
    with (tmp_path / "out" / "nbgrader_export.csv").open() as f:
        export = {r["student_id"]: (float(r["raw_score"]), float(r["late_submission_penalty"])) for r in csv.DictReader(f)}
    assert export == {"amy": (3, 0), "bob": (3, 3), "cat": (1, 0)}

    # unchanged: nothing is graded again
    r2 = grade_class(_opts(tmp_path, z, pattern=CANVAS_PATTERN, due=due, late_penalty="zero"), lambda s: None)
    assert (r2.graded_now, r2.skipped) == (0, 3)
    assert {s: r.score for s, r in r2.rows.items()} == {"amy": 3, "bob": 0, "cat": 1}

    # a new, better notebook from cat, and a worker that dies grading it: nothing already graded is lost
    z2 = zip_class(tmp_path / "lms2.zip", {
        "amy_11_1_20261201T100000_00_tiny.ipynb": w(good),
        "bob_12_1_20261203T100000_00_tiny.ipynb": w(good),
        "cat_13_2_20261201T110000_00_tiny.ipynb": w(good),
        "dan_14_1_20261201T100000_00_tiny.ipynb": w(good),
    })

    class DyingExecutor(ThreadPoolExecutor):
        def submit(self, fn, job):
            if job.student == "cat":
                f: Future = Future()
                f.set_exception(RuntimeError("worker killed"))
                return f
            return super().submit(fn, job)

    with DyingExecutor(1) as ex:  # one thread: a worker sets process-wide environment
        r3 = grade_class(_opts(tmp_path, z2, pattern=CANVAS_PATTERN, due=due, late_penalty="zero", executor=ex), lambda s: None)
    assert r3.rows["cat"].status == "not_graded" and r3.rows["dan"].score == 3
    assert (r3.rows["amy"].score, r3.rows["bob"].score) == (3, 0)
    r4 = grade_class(_opts(tmp_path, z2, pattern=CANVAS_PATTERN, due=due, late_penalty="zero"), lambda s: None)
    assert (r4.graded_now, r4.rows["cat"].score, r4.rows["cat"].status) == (1, 3, "graded")

    # regrade one student on request
    r5 = grade_class(_opts(tmp_path, z2, pattern=CANVAS_PATTERN, due=due, late_penalty="zero", students=["amy"]), lambda s: None)
    assert r5.graded_students == ["amy"] and r5.rows["amy"].score == 3 and len(r5.rows) == 4
    with (tmp_path / "out" / "grades.csv").open() as f:
        assert sorted(r["student_id"] for r in csv.DictReader(f)) == ["amy", "bob", "cat", "dan"]


def test_dask_local_cluster_of_worker_processes(tmp_path, release):
    distributed = pytest.importorskip("distributed")
    _, _, ans = notebooks(release)
    folder = write_class(tmp_path / "class", {"s1": solved(release, ans), "s2": release,
                                              "s3": solved(release, ans, ("task1_solution",))})
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        report = grade_class(_opts(tmp_path, folder, scheduler=cluster.scheduler_address), lambda s: None)
    assert {s: (r.score, r.status) for s, r in report.rows.items()} == {
        "s1": (3, "graded"), "s2": (0, "graded"), "s3": (1, "graded")}


def test_the_cli_grades_a_class_with_the_limits_it_announces(tmp_path, release):
    _, _, ans = notebooks(release)
    folder = write_class(tmp_path / "class", {"zoe": solved(release, ans)})
    proc = subprocess.run([sys.executable, "-m", "coursekit", "grade", A, str(folder), "--source", str(TINY),
                           "--out", str(tmp_path / "out"), "--jobs", "1", "--cell-timeout", "10",
                           "--no-progress"], cwd=ROOT, env=tool_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # --cell-timeout reaches the limits, which the run announces (whatever Limits.describe's wording)
    assert Limits(cell_timeout_s=10).describe() in proc.stdout, proc.stdout  # the pool adds threads per kernel after
    state = json.loads((tmp_path / "out" / "state.json").read_text())
    assert {s: r["status"] for s, r in state["rows"].items()} == {"zoe": "graded"}
    with (tmp_path / "out" / "grades.csv").open() as f:
        assert [(r["student_id"], r["score"]) for r in csv.DictReader(f)] == [("zoe", "3")]
    assert (tmp_path / "out" / "feedback" / "zoe.html").exists()
    # `make help` listing `make grade` / `make bench-grade` is checked once, in test_make.test_help_lists_the_targets


def test_shipped_files_sit_beside_each_submission(tmp_path, release):
    """A `# course-asset:` file of the exercise is in the kernel's folder; the student's copy is replaced."""
    (tmp_path / "solutions").mkdir()
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "factor.txt").write_text("2\n")
    text = TINY.read_text().replace("    return 2 * x\n", "    return int(open('factor.txt').read()) * x\n")
    source = tmp_path / "solutions" / f"{A}.py"
    source.write_text("# course-asset: assets/factor.txt\n" + text)
    _, _, ans = notebooks(release)
    nb = solved(release, ans, ("task2_solution",))
    for c in nb.cells:
        if grade_id(c) == "task1_solution":
            c.source = "def double(x):\n    return int(open('factor.txt').read()) * x"
    folder = write_class(tmp_path / "class", {"amy": nb})
    (folder / "amy" / "factor.txt").write_text("5\n")  # a student's own copy does not count
    opts = GradeOptions(A, folder, tmp_path / "out", source=source, jobs=1, limits=LIMITS, progress=False, feedback=False)
    report = grade_class(opts, lambda s: None)
    assert (report.rows["amy"].score, report.rows["amy"].status) == (3, "graded")


def test_ctrl_c_keeps_what_is_graded_and_the_next_run_finishes(tmp_path, release):
    """SIGINT to the whole process group (a terminal's Ctrl-C) mid-run; then the same command again."""
    import os
    import signal
    import time

    _, _, ans = notebooks(release)
    slow = with_cell_after(solved(release, ans), "task1_tests", "import time\ntime.sleep(3)")
    write_class(tmp_path / "class", {f"s{i}": slow for i in range(8)})
    cmd = [sys.executable, "-m", "coursekit", "grade", A, str(tmp_path / "class"), "--source", str(TINY),
           "--out", str(tmp_path / "out"), "--jobs", "2", "--no-progress", "--no-feedback"]
    state = tmp_path / "out" / "state.json"
    proc = subprocess.Popen(cmd, cwd=ROOT, env=tool_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and proc.poll() is None:
        if state.exists() and len(json.loads(state.read_text()).get("rows", {})) >= 2:
            break
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("coursekit grade did not stop after Ctrl-C")
    rows = json.loads(state.read_text())["rows"]
    graded = {s for s, r in rows.items() if r["status"] == "graded"}
    assert proc.returncode == 130 and 2 <= len(graded) < 8, out[-2000:]
    assert all(rows[s]["score"] == 3 for s in graded)
    again = subprocess.run(cmd, cwd=ROOT, env=tool_env(), capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    final = json.loads(state.read_text())["rows"]
    assert {s: (r["status"], r["score"]) for s, r in final.items()} == {f"s{i}": ("graded", 3) for i in range(8)}
    # the rows graded before Ctrl-C were kept, not graded again (a regrade would write a new row: new seconds)
    assert {s: final[s] for s in graded} == {s: rows[s] for s in graded}, again.stdout[-2000:]


# real nbgrader runs of whole classes (minutes): `make test` runs them, `make test-fast` does not
pytestmark = pytest.mark.slow
