"""`coursekit grade` on a class of bad submissions of the tiny assignment: one real, parallel,
sandboxed nbgrader run; every row present with its expected score and status."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import nbformat
import pytest

from coursekit.grade_class import GradeOptions, grade_class
from coursekit.grade_sandbox import GiB, Limits, bwrap_problem
from coursekit.nbgrader_course import Course
from coursekit.sources import read_source
from tests.grader_cases import A, TINY, Case, bad_input_class, with_cell_after, solved, notebooks, w, write_class

LIMITS = Limits(cell_timeout_s=5, notebook_timeout_s=15, memory_bytes=int(1.5 * GiB))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    if bwrap_problem():
        pytest.skip(f"needs the bubblewrap sandbox: {bwrap_problem()} (make system-deps installs it as root)")
    tmp = tmp_path_factory.mktemp("grade-bad")
    # the release, generated exactly as the grader does, to build submissions from
    course = Course(tmp / "scratch")
    course.add_source(A, read_source(TINY))
    release = course.generate(A)
    out = tmp / "out"
    secret = tmp / "instructor-secret.txt"
    secret.write_text("hidden")
    forbidden = {"gradebook": out / "course" / "gradebook.db", "secret": secret,
                 "other_student": tmp / "class" / "ok" / f"{A}.ipynb",
                 "solutions": Path(__file__).resolve().parent.parent / "solutions"}
    cases = bad_input_class(release, forbidden)
    _, _, ans = notebooks(release)
    good = solved(release, ans)
    # per-notebook wall-time limit: every cell within the cell limit, the whole notebook over it
    slow = good
    for _ in range(6):
        slow = with_cell_after(slow, "task1_tests", "import time\ntime.sleep(3)")
    cases["slow"] = Case(w(slow), 0, "timed_out")
    # duplicates: an older blank notebook at the top level, a newer solved one in a folder
    cases["dup_old"] = Case(w(release), 0, "replaced", path="dup.ipynb")
    cases["dup"] = Case(w(good), 3, "graded")
    folder = tmp / "class"
    write_class(folder, cases)
    import os
    os.utime(folder / "dup.ipynb", (1_700_000_000, 1_700_000_000))
    (folder / "__MACOSX").mkdir()
    (folder / "__MACOSX" / "._ok.ipynb").write_bytes(b"\x00\x05")
    (folder / ".DS_Store").write_bytes(b"\x00")
    (folder / "zed").mkdir()
    (folder / "zed" / "notes.pdf").write_bytes(b"%PDF-1.4")
    logs: list[str] = []
    report = grade_class(GradeOptions(A, folder, out, source=TINY, jobs=2, limits=LIMITS, progress=False), logs.append)
    del cases["dup_old"]
    return cases, report, out, forbidden, logs



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


def test_repairs_are_recorded(graded):
    _, report, _, _, _ = graded
    r = report.rows
    assert any("task1_tests: missing, re-inserted" in x for x in r["deleted_tests"].repairs)
    assert any("task1_tests: edited by the student, restored" in x for x in r["edited_tests"].repairs)
    assert any("out of order" in x for x in r["reordered"].repairs)
    assert any("task1_solution: metadata restored (matched by defines double)" in x for x in r["retyped"].repairs)
    assert sum("metadata restored" in x for x in r["stripped"].repairs) == 4
    assert r["ok"].repairs == [] and r["blank"].repairs == []


def test_sandbox_hides_the_course_and_other_students(graded):
    cases, report, out, forbidden, _ = graded
    for path in forbidden.values():
        assert path.exists(), f"{path} was deleted by student code"
    nb = nbformat.read(out / "course" / "autograded" / "snoop" / A / f"{A}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "SNOOP []" in printed, printed[-500:]
    assert any("outside its folder" in f for f in report.rows["snoop"].flags)


def test_integrity_flags_and_listings(graded):
    _, report, out, _, logs = graded
    assert any("exits the kernel" in f for f in report.rows["exit"].flags)
    assert report.rows["ok"].flags == []
    assert any("another assignment" in f for f in report.rows["other_assignment"].flags)
    assert any(x.startswith("dup: dup.ipynb") for x in report.replaced)
    ignored = "\n".join(report.ignored)
    for name in ("__MACOSX/._ok.ipynb", ".DS_Store", "zed/notes.pdf"):
        assert name in ignored
    text = (out / "report.md").read_text()
    for needle in ("## Failing tests", "`exit`: kernel_died", "`slow`: timed_out", "bubblewrap"):
        assert needle in text
    assert (out / "report.png").stat().st_size > 5000
    assert "cell timeout 5 s" in logs[0]


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
