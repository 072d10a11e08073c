"""`grading.prepare`: reading, metadata repair and integrity flags on in-memory notebooks (no nbgrader run)."""

from __future__ import annotations

import copy
import json

import nbformat
import pytest

from coursekit.grading.prepare import (UnreadableNotebook, integrity_flags, names_tests_define, read_notebook,
                                       repair)

from .builders import release, solved, stripped


def _gid(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _by_gid(nb) -> dict[str, str]:
    return {_gid(c): c.source for c in nb.cells if _gid(c)}


@pytest.mark.parametrize("data, reason", [
    (b"", "empty file"), (b"   \n", "empty file"), (b"{not json", "not JSON"), (b"\x89PNG\r\n\x1a\n", "not JSON"),
    (b'{"a": 1}', "no cells"), (b"[1, 2]", "no cells"),
    (json.dumps({"cells": [{"cell_type": "code", "source": 3}], "metadata": {}, "nbformat": 4,
                 "nbformat_minor": 5}).encode(), "not a readable notebook"),
    (json.dumps({"cells": [{"cell_type": "widget", "source": "", "metadata": {}}], "metadata": {}, "nbformat": 4,
                 "nbformat_minor": 4}).encode(), "malformed cells|not a readable notebook"),
])
def test_what_is_not_a_notebook_is_unreadable_with_a_reason(data, reason):
    with pytest.raises(UnreadableNotebook, match=reason):
        read_notebook(data)


def test_a_solved_notebook_needs_no_repair():
    fixed = repair(solved(), release())
    assert fixed.repairs == [] and fixed.matched_fraction == 1.0 and not fixed.wrong_assignment
    assert _by_gid(fixed.notebook)["task1_solution"] == "def double(x):\n    return 2 * x"


def test_stripped_metadata_is_restored_by_the_names_a_stub_defines_and_by_content():
    fixed = repair(stripped(solved()), release())
    answers = _by_gid(fixed.notebook)
    assert answers["task1_solution"].endswith("return 2 * x") and answers["task2_solution"].endswith("return x / 2")
    assert answers["task1_tests"] == _by_gid(release())["task1_tests"]
    kinds = sorted(r.split(": ", 1)[1].split(" (")[0] for r in fixed.repairs)
    assert kinds == ["metadata restored"] * 4, fixed.repairs
    assert fixed.matched_fraction == 1.0


def test_an_edited_test_is_restored_and_a_deleted_one_reinserted():
    nb = solved()
    nb.cells[2].source = "assert True  # tests weakened"
    del nb.cells[5]
    fixed = repair(nb, release())
    tests = _by_gid(fixed.notebook)
    assert tests["task1_tests"] == _by_gid(release())["task1_tests"]
    assert tests["task2_tests"] == _by_gid(release())["task2_tests"]
    assert "task1_tests: edited by the student, restored from the release" in fixed.repairs
    assert "task2_tests: missing, re-inserted from the release" in fixed.repairs


def test_reordered_cells_go_back_to_release_order_and_the_students_own_cells_stay():
    nb = solved()
    nb.cells.insert(2, nbformat.v4.new_code_cell("scratch = 1"))
    nb.cells = [nb.cells[0], *nb.cells[4:], *nb.cells[1:4]]
    fixed = repair(nb, release())
    order = [_gid(c) for c in fixed.notebook.cells if _gid(c)]
    assert order == ["task1_solution", "task1_tests", "task2_solution", "task2_tests"]
    assert any(c.source == "scratch = 1" and not _gid(c) for c in fixed.notebook.cells)
    assert any("out of order" in r for r in fixed.repairs)


def test_a_missing_answer_grades_the_release_stub_and_says_so():
    nb = solved()
    del nb.cells[4]
    fixed = repair(nb, release())
    assert "raise NotImplementedError" in _by_gid(fixed.notebook)["task2_solution"]
    assert "task2_solution: no answer found, the release's empty cell graded" in fixed.repairs


def test_another_assignments_notebook_is_recognised_as_such():
    other = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import pandas as pd\ndf = pd.read_csv('x')"),
                                            nbformat.v4.new_markdown_cell("# Lab 3: regression")])
    fixed = repair(other, release())
    assert fixed.wrong_assignment and fixed.matched_fraction < 0.34


def test_cell_ids_stay_unique_after_repair():
    nb = solved()
    for c in nb.cells:
        c.id = "same"
    fixed = repair(nb, release())
    ids = [c.id for c in fixed.notebook.cells]
    assert len(ids) == len(set(ids))
    nbformat.validate(fixed.notebook)


@pytest.mark.parametrize("code, label", [
    ("import numpy as np\nnp.testing.assert_allclose = lambda *a, **k: None", "assertion helpers"),
    ("import builtins\nbuiltins.print = None", "builtins"),
    ("import os\nos._exit(0)", "exits the kernel"),
    ("open('/etc/passwd').read()", "outside its folder"),
    ("import subprocess", "shell commands"),
    ("import sqlite3\nsqlite3.connect('../gradebook.db')", "grading database"),
])
def test_integrity_flags_name_what_a_cell_reaches_for(code, label):
    nb = solved()
    nb.cells[1].source += "\n" + code
    assert any(label in f for f in integrity_flags(nb)), integrity_flags(nb)


def test_integrity_flags_ignore_locked_cells_and_report_shadowed_test_helpers():
    rel = release()
    rel.cells[2].source = "def check(v):\n    assert v\ncheck(double(2) == 4)"
    helpers = names_tests_define(rel)
    assert helpers == {"check"}
    nb = copy.deepcopy(rel)
    nb.cells[2].source += "\nimport subprocess"  # a locked cell: comes from the release, not flagged
    nb.cells[1].source = "def double(x):\n    return 2 * x\ndef check(v):\n    pass"
    flags = integrity_flags(nb, helpers)
    assert flags == ["cell 2: redefines names the tests define (check)"], flags
