"""Collecting a class never reads a huge notebook whole (issue: an LMS zip with one 1 GiB entry must not drive
the grader's memory up). A child process is measured here; the caps and the safe student ids, which need no
child, are tests/unit/test_inputs.py."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

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
