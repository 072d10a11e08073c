"""Collecting a class never reads a huge notebook whole, caps the total, and accepts only safe student ids
(issue: an LMS zip with one 1 GiB entry must not drive the grader's memory up; `../x.ipynb` is no student)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

from coursekit.grading.inputs import MAX_NOTEBOOK_BYTES, STUDENT_ID, _Budget, collect

NB = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()
BOMB_BYTES = 1024**3
PEAK_BOUND_MB = 400  # the grader process's peak while collecting (Python + nbgrader imports are ~100 MB)

# The child's own peak resident memory: VmHWM belongs to its address space (getrusage's ru_maxrss would also
# carry the forking pytest process's peak across exec, which in a full run is over 1 GB).
MEASURE = r"""
import sys
from pathlib import Path
from coursekit.grading.inputs import collect
c = collect(Path(sys.argv[1]))
print(repr({s: sub.problem for s, sub in c.submissions.items()}))
hwm_kb = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print("PEAK_MB", hwm_kb / 1024)
"""


def test_a_zip_bomb_is_a_too_large_row_and_the_grader_memory_stays_bounded(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("alice/00_tiny.ipynb", NB)
        with zf.open("bomb/00_tiny.ipynb", "w", force_zip64=True) as f:
            chunk = b" " * (16 * 1024**2)
            for _ in range(BOMB_BYTES // len(chunk)):
                f.write(chunk)
    assert archive.stat().st_size < 10 * 1024**2
    proc = subprocess.run([sys.executable, "-c", MEASURE, str(archive)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    problems = eval(proc.stdout.splitlines()[0])  # noqa: S307 - our own repr
    assert problems["alice"] == ""
    assert problems["bomb"].startswith("too large"), problems
    peak = float(proc.stdout.split("PEAK_MB")[1])
    assert peak < PEAK_BOUND_MB, f"collecting the zip peaked at {peak:.0f} MB (bound {PEAK_BOUND_MB} MB)"


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
