"""`grading.report`: the writers, from a hand-built ClassReport (no grading run)."""

from __future__ import annotations

import csv

from coursekit.grading.model import ClassReport, Row, Status
from coursekit.grading.report import write_reports


def _report(tmp_path) -> ClassReport:
    rows = {
        "amy": Row("amy", Status.GRADED, 3, 3, {"task1": 2, "task2": 1}, {"t1": 2, "t2": 1}),
        "bob": Row("bob", Status.CELL_TIMEOUT, 2, 3, {"task1": 2, "task2": 0}, {"t1": 2, "t2": 0},
                   error="CellTimeoutError: a cell timed out"),
        "cat": Row("cat", Status.UNREADABLE, error="not JSON (JSONDecodeError: ...)"),
        "dan": Row("dan", Status.WRONG_ASSIGNMENT, flags=["looks like another assignment (0% of graded cells recognised)"]),
        "eve": Row("eve", Status.GRADED, 1, 3, {"task1": 0, "task2": 1}, {"t1": 0, "t2": 1},
                   repairs=["t1: edited by the student, restored from the release"]),
    }
    return ClassReport("01_x", tmp_path, rows, {"task1": 2.0, "task2": 1.0}, {"t1": 2.0, "t2": 1.0},
                       ["notes.pdf: not a notebook"], [], "bubblewrap: test")


def _section(md: str, title_start: str) -> str:
    part = md.split(f"## {title_start}", 1)[1]
    return part.split("\n## ", 1)[0]


def test_every_row_is_in_every_csv(tmp_path):
    logs: list[str] = []
    files = write_reports(_report(tmp_path), logs.append)
    grades = list(csv.DictReader(files["grades"].open()))
    assert [r["student_id"] for r in grades] == ["amy", "bob", "cat", "dan", "eve"]
    assert {r["student_id"]: r["status"] for r in grades}["bob"] == "cell_timeout"
    assert grades[0]["task1 (of 2)"] == "2" and grades[0]["max_score"] == "3"
    canvas = list(csv.reader(files["canvas"].open()))
    assert canvas[0][-1] == "01_x (3)" and canvas[1][-1] == "3" and len(canvas) == 2 + 5
    moodle = {r["ID number"]: r for r in csv.DictReader(files["moodle"].open())}
    assert moodle["amy"]["Feedback"] == "" and moodle["cat"]["Feedback"] == "unreadable"
    assert "5 rows: 1 cell_timeout, 2 graded, 1 unreadable, 1 wrong_assignment" in logs


def test_cell_timeout_rows_are_not_listed_under_zero_points(tmp_path):
    md = write_reports(_report(tmp_path), lambda s: None)["report"].read_text()
    zero = _section(md, "Timed out, crashed, unreadable or another assignment (0 points")
    assert "`cat`" in zero and "`dan`" in zero and "`bob`" not in zero and "`amy`" not in zero
    assert "`bob`" in _section(md, "A cell hit the time limit")
    assert "`eve`: t1: edited by the student" in _section(md, "Repairs made before grading")
    assert "notes.pdf: not a notebook" in _section(md, "Ignored files")
    failing = _section(md, "Failing tests")
    assert "| t1 | 2 | 1 |" in failing and "| t2 | 1 | 1 |" in failing  # eve fails t1, bob fails t2
    assert files_png_is_an_image(tmp_path / "report.png")


def files_png_is_an_image(path) -> bool:
    return path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
