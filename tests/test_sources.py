"""Exercise sources: malformed nbgrader metadata fails clearly, names the file and cell, and writes nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from coursekit import generate
from coursekit.paths import tool_env
from coursekit.sources import KERNELSPEC, ExerciseSource, SourceError, Task, find_cell, grade_id, read_source

from .builders import TINY



def tiny_root(tmp_path: Path, source_text: str | None = None) -> Path:
    """A minimal course tree with the tiny assignment as its only exercise."""
    (tmp_path / "solutions").mkdir()
    (tmp_path / "exercises").mkdir()
    (tmp_path / "chapters").mkdir()
    (tmp_path / "solutions" / "00_tiny.py").write_text(source_text or TINY.read_text())
    return tmp_path


def test_tiny_source_reads_with_defaults():
    nb = read_source(TINY)
    metas = [c.metadata["nbgrader"] for c in nb.cells if "nbgrader" in c.metadata]
    assert [m["grade_id"] for m in metas] == ["task1_solution", "task1_tests", "task2_solution", "task2_tests"]
    assert metas[1] == {
        "schema_version": 3,
        "grade_id": "task1_tests",
        "grade": True,
        "solution": False,
        "locked": True,
        "task": False,
        "points": 1,
    }
    assert metas[0]["locked"] is False and metas[0]["solution"] is True
    assert [c.id for c in nb.cells][:3] == ["cell-0", "task1_solution", "task1_tests"]
    ex = ExerciseSource.load(TINY)
    assert ex.tasks == (Task(("task1_solution",), ("task1_tests",), 1), Task(("task2_solution",), ("task2_tests",), 2))
    assert (ex.max_points, ex.test_points, ex.task_points) == (
        3,
        {"task1_tests": 1, "task2_tests": 2},
        {"task1": 1, "task2": 2},
    )
    assert ex.solution_ids == {"task1_solution", "task2_solution"} and ex.summary() == "2 tasks, 3 points"
    assert ex.answers()["task1_solution"] == nb.cells[find_cell(nb, "task1_solution")].source
    assert nb.metadata["kernelspec"] == KERNELSPEC and ex.assets == {}


def test_grade_id_tolerates_malformed_metadata():
    assert [
        grade_id(c)
        for c in (
            {"metadata": {"nbgrader": {"grade_id": "t1"}}},
            {"metadata": {}},
            {},
            {"metadata": {"nbgrader": "x"}},
            {"metadata": {"nbgrader": {"grade_id": 5}}},
            {"metadata": "x"},
        )
    ] == ["t1", None, None, None, None, None]
    with pytest.raises(KeyError, match="nope"):
        find_cell(read_source(TINY), "nope")


def test_filled_puts_the_instructor_answer_in_the_named_cells_only():
    ex = ExerciseSource.load(TINY)
    blank = ex.notebook.copy()
    blank.cells = [c.copy() for c in ex.notebook.cells]
    for c in blank.cells:
        if grade_id(c) in ex.solution_ids:
            c.source = "pass"
    filled = ex.filled(blank, ex.tasks[0].solutions)
    got = {gid: filled.cells[find_cell(filled, gid)].source for gid in sorted(ex.solution_ids)}
    assert got == {"task1_solution": ex.answers()["task1_solution"], "task2_solution": "pass"}, got
    assert blank.cells[find_cell(blank, "task1_solution")].source == "pass", "filled must not change its input"


BROKEN = {
    "invalid JSON": (
        '{"grade_id": "task1_tests", "grade": true, "points": 1}',
        '{"grade_id": "task1_tests", grade: true}',
        "not valid JSON",
    ),
    "unknown key": (
        '{"grade_id": "task1_tests", "grade": true, "points": 1}',
        '{"grade_id": "task1_tests", "grade": true, "points": 1, "pionts": 2}',
        "unknown nbgrader key",
    ),
    "no points": (
        '{"grade_id": "task1_tests", "grade": true, "points": 1}',
        '{"grade_id": "task1_tests", "grade": true}',
        "positive numeric points",
    ),
    "bad grade_id": (
        '{"grade_id": "task1_tests", "grade": true, "points": 1}',
        '{"grade_id": "task 1", "grade": true, "points": 1}',
        "grade_id",
    ),
    "duplicate grade_id": (
        '{"grade_id": "task2_tests", "grade": true, "points": 2}',
        '{"grade_id": "task1_tests", "grade": true, "points": 2}',
        "already used",
    ),
    "solution without markers": (
        "    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
        "    return 2 * x",
        "without ### BEGIN SOLUTION",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_malformed_metadata_names_file_line_and_cell(tmp_path, case):
    old, new, message = BROKEN[case]
    text = TINY.read_text()
    assert old in text
    path = tmp_path / "bad.py"
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(SourceError) as err:
        read_source(path)
    assert str(path) in str(err.value) and "(cell " in str(err.value) and message in str(err.value)


def test_generate_writes_nothing_when_any_source_is_bad(tmp_path):
    root = tiny_root(tmp_path)
    good = (root / "solutions" / "00_tiny.py").read_text()
    (root / "solutions" / "01_bad.py").write_text(good.replace('"points": 2', '"points": "two"'))
    env = {**tool_env(), "COURSE_ROOT": str(root)}
    proc = subprocess.run([sys.executable, "-m", "coursekit", "generate"], env=env, capture_output=True, text=True)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "01_bad.py:" in proc.stderr and "(cell " in proc.stderr and "Nothing was written" in proc.stderr
    assert list((root / "exercises").iterdir()) == []


def test_generate_then_fresh_then_stale(tmp_path):
    root = tiny_root(tmp_path)
    report = generate.write_all(root)
    student = root / "exercises" / "00_tiny.ipynb"
    assert report.written == [student]
    text = student.read_text()
    assert "raise NotImplementedError()" in text and "return 2 * x" not in text and "hidden: negative" not in text
    assert generate.stale_files(root) == []
    assert generate.write_all(root).unchanged == [student]  # deterministic: a second run writes nothing
    source = root / "solutions" / "00_tiny.py"
    source.write_text(source.read_text().replace("Return 2 * x.", "Return twice x."))
    assert [p for p in generate.stale_files(root) if "stale" in p] == [
        f"{student}: stale relative to its source (run `make exercises`)"
    ]
    source.unlink()
    assert any("no solutions/00_tiny.py generates it" in p for p in generate.stale_files(root))


def test_course_assets_are_declared_and_must_exist(tmp_path):
    from coursekit.sources import assets

    root = tiny_root(tmp_path)
    (root / "assets").mkdir()
    (root / "assets" / "base.keras").write_bytes(b"x")
    src = root / "solutions" / "00_tiny.py"
    src.write_text("# course-asset: assets/base.keras\n" + src.read_text())
    assert assets(src) == {"base.keras": root / "assets" / "base.keras"}
    src.write_text("# course-asset: assets/missing.keras\n" + src.read_text())
    with pytest.raises(SourceError, match="missing.keras does not exist"):
        assets(src)
