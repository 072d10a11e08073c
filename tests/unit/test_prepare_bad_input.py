"""The bad-input catalogue (`tests/builders.bad_input_class`) through the grading pipeline's first two stages,
plan (collect the class folder) and prepare (read, repair, flag), with no kernel, no sandbox, no nbgrader run
beyond the shared in-process release. tests/test_grader_bad_input.py grades the same catalogue for real."""

from __future__ import annotations

import nbformat
import pytest

from coursekit.grading import GradeOptions
from coursekit.grading.model import Status
from coursekit.grading.pipeline import ClassGrader
from coursekit.grading.prepare import names_tests_define

from ..builders import JUNK, TINY, A, bad_input_class, duplicates, notebooks, solved, write_class_with_junk

UNREADABLE = {"bad_json", "empty", "not_notebook"}


def _gid(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _graded_cells(nb) -> list[tuple[str, str]]:
    return [(_gid(c), c.source) for c in nb.cells if _gid(c)]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory, tiny_release):
    tmp = tmp_path_factory.mktemp("prepare-bad")
    forbidden = {"gradebook": tmp / "out" / "course" / "gradebook.db", "secret": tmp / "instructor-secret.txt"}
    cases = bad_input_class(tiny_release, forbidden)
    _, _, ans = notebooks(tiny_release)
    cases.update(duplicates(tiny_release, solved(tiny_release, ans)))
    folder = write_class_with_junk(tmp / "class", cases)
    grader = ClassGrader(GradeOptions(A, folder, tmp / "out", source=TINY, jobs=1, progress=False))
    grader.release = tiny_release  # what ClassGrader.setup reads after nbgrader generate_assignment
    plan = grader.plan()
    helpers = names_tests_define(tiny_release)
    rows = {sid: grader.prepare(sid, plan, helpers) for sid in plan.to_grade}
    return cases, plan, rows


def _notebook(prepared, student) -> nbformat.NotebookNode:
    text = prepared[2][student].notebook_json
    assert text is not None, f"{student}: expected a notebook to run, got an unreadable row"
    return nbformat.reads(text, as_version=4)


def test_collection_keeps_one_notebook_per_student_and_lists_the_rest(prepared):
    cases, plan, _ = prepared
    assert sorted(plan.to_grade) == sorted(s for s in cases if s != "dup_old") and plan.kept == []
    assert plan.collected.submissions["dup"].origin == f"dup/{A}.ipynb", "the newer duplicate is graded"
    assert len(plan.collected.replaced) == 1 and "dup.ipynb" in plan.collected.replaced[0], plan.collected.replaced
    assert sorted(x.split(": ")[0] for x in plan.collected.ignored) == sorted(JUNK), plan.collected.ignored


def test_what_is_not_a_notebook_is_a_final_unreadable_row_and_nothing_runs(prepared):
    _, _, rows = prepared
    for student in UNREADABLE:
        assert (rows[student].row.status, rows[student].notebook_json) == (Status.UNREADABLE, None), student
        assert rows[student].row.error, f"{student}: an unreadable row must say why"
    readable = {s: p.row.status for s, p in rows.items() if s not in UNREADABLE}
    assert set(readable.values()) == {Status.NOT_GRADED}, readable  # prepared, waiting for a worker


def test_untouched_submissions_need_no_repair_and_raise_no_flag(prepared):
    _, _, rows = prepared
    for student in ("ok", "blank", "dup"):
        assert (rows[student].row.repairs, rows[student].row.flags) == ([], []), (student, rows[student].row)
        assert not rows[student].row.wrong_assignment


def test_deleted_and_edited_tests_are_the_releases_again(prepared, tiny_release):
    release_tests = dict(_graded_cells(tiny_release))
    for student in ("deleted_tests", "edited_tests"):
        got = dict(_graded_cells(_notebook(prepared, student)))
        assert got["task1_tests"] == release_tests["task1_tests"], (student, got["task1_tests"])
        assert [r.split(":")[0] for r in prepared[2][student].row.repairs] == ["task1_tests"], prepared[2][student].row
    assert dict(_graded_cells(_notebook(prepared, "edited_tests")))["task1_solution"].endswith("return 0")


def test_reordered_retyped_and_stripped_notebooks_come_back_in_release_order_with_the_answers(prepared, tiny_release):
    order = [gid for gid, _ in _graded_cells(tiny_release)]
    for student in ("reordered", "retyped", "stripped"):
        nb = _notebook(prepared, student)
        assert [gid for gid, _ in _graded_cells(nb)] == order, student
        assert prepared[2][student].row.repairs and prepared[2][student].row.matched_fraction == 1.0, student
    retyped = dict(_graded_cells(_notebook(prepared, "retyped")))
    assert "retyped in Colab" in retyped["task1_solution"], "the retyped answer is the one graded"
    stripped = dict(_graded_cells(_notebook(prepared, "stripped")))
    assert "return sum(xs) / len(xs)" in stripped["task2_solution"], stripped["task2_solution"]
    named = {r.split(":")[0] for r in prepared[2]["stripped"].row.repairs}
    assert named == set(order), prepared[2]["stripped"].row.repairs  # every graded cell's metadata came back


def test_another_assignments_notebook_is_marked_as_such(prepared):
    row = prepared[2]["other_assignment"].row
    assert row.wrong_assignment and row.matched_fraction < 0.5, row
    assert row.flags and "another assignment" in row.flags[0], row.flags


@pytest.mark.parametrize("student, label", [
    ("exit", "exits the kernel"), ("snoop", "outside its folder"), ("patches_helpers", "assertion helpers")])
def test_integrity_flags_name_what_the_student_code_reaches_for(prepared, student, label):
    flags = prepared[2][student].row.flags
    assert any(label in f for f in flags), (student, flags)
