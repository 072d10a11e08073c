"""`grading.inputs.collect`: what a class folder or LMS zip yields (submissions, ignored files, replaced
duplicates), the size caps and the safe student ids, on small in-memory inputs (no nbgrader, no kernel).
The memory bound for a 1 GiB zip entry is measured in a child process in tests/test_grader_inputs_limits.py."""

from __future__ import annotations

import io
import json
import zipfile

import nbformat

from coursekit.grading.inputs import MAX_NOTEBOOK_BYTES, STUDENT_ID, _Budget, collect

from ..builders import CANVAS_PATTERN, zip_class
from .builders import release, solved

NB = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


def test_collect_zip_pattern_duplicates_and_junk(tmp_path):
    z = zip_class(tmp_path / "lms.zip", {
        "amy_11_1_20261201T100000_00_tiny.ipynb": nbformat.writes(release()).encode(),
        "amy_11_2_20261201T120000_00_tiny-1.ipynb": nbformat.writes(solved()).encode(),
        "__MACOSX/._amy_11_1_20261201T100000_00_tiny.ipynb": b"\x00",
        ".DS_Store": b"\x00",
        "bob_12_3_20261201T090000_essay.docx": b"PK",
        "readme.ipynb": b"{}",
    })
    got = collect(z, CANVAS_PATTERN)
    assert sorted(got.submissions) == ["amy"]
    assert got.submissions["amy"].origin.startswith("amy_11_2_")
    assert len(got.replaced) == 1 and "replaced by amy_11_2_" in got.replaced[0]
    assert len(got.ignored) == 4, got.ignored


def test_a_declared_size_that_lies_is_still_capped():
    budget = _Budget(per_file=1000, total=10_000)
    data, problem = budget.read(10, lambda: io.BytesIO(b"x" * 5000))
    assert data == b"" and problem.startswith("too large") and budget.used == 0


def test_the_total_is_capped_and_the_rest_are_rows_that_say_so(tmp_path):
    for s in ("a1", "a2", "a3"):
        (tmp_path / s).mkdir()
        (tmp_path / s / "x.ipynb").write_bytes(NB)
    c = collect(tmp_path, max_total_bytes=2 * len(NB))
    assert [c.submissions[s].problem for s in ("a1", "a2")] == ["", ""]
    assert "total limit" in c.submissions["a3"].problem and c.submissions["a3"].data == b""


def test_oversized_file_in_a_folder_is_not_read(tmp_path):
    (tmp_path / "big").mkdir()
    (tmp_path / "big" / "x.ipynb").write_bytes(b" " * (MAX_NOTEBOOK_BYTES + 1))
    c = collect(tmp_path)
    assert c.submissions["big"].problem.startswith("too large") and c.submissions["big"].data == b""


def test_unsafe_student_ids_are_ignored_with_the_reason(tmp_path):
    archive = tmp_path / "lms.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ("../00_tiny.ipynb", ".hidden/00_tiny.ipynb", "-rf/00_tiny.ipynb",
                     "bob/00_tiny.ipynb", "a b/00_tiny.ipynb"):
            zf.writestr(name, NB)
    c = collect(archive)
    assert set(c.submissions) == {"bob"}
    reasons = "\n".join(c.ignored)
    for bad in ("'..'", "'.hidden'", "'-rf'", "'a b'"):
        assert bad in reasons and "not a safe name" in reasons, (bad, reasons)
    assert STUDENT_ID.fullmatch("jane.doe+1@uni-x_2") and not STUDENT_ID.fullmatch("..")
