"""Real submissions of the tiny assignment (tests/fixtures/00_tiny.py) for the grader tests.

Each case is a notebook (or raw bytes) and the score and status the grader must give it.
"""

from __future__ import annotations

import copy
import json
import os
from dataclasses import dataclass
from pathlib import Path

import nbformat

from coursekit.gradecheck import solution_sources, with_answers
from coursekit.sources import read_source

TINY = Path(__file__).parent / "fixtures" / "00_tiny.py"
A = "00_tiny"


@dataclass
class Case:
    data: bytes
    score: float
    status: str
    path: str = ""  # relative path in the class folder; default <student>/00_tiny.ipynb


def _nb(cells) -> bytes:
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    return nbformat.writes(nb).encode()


def notebooks(release: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, nbformat.NotebookNode, dict[str, str]]:
    source = read_source(TINY)
    return source, release, solution_sources(source)


def solved(release, answers, grade_ids=("task1_solution", "task2_solution")) -> nbformat.NotebookNode:
    return with_answers(release, answers, grade_ids)


def with_cell_after(nb, grade_id: str, source: str) -> nbformat.NotebookNode:
    """`nb` with a new student cell (no metadata) right after the cell `grade_id`."""
    nb = copy.deepcopy(nb)
    i = next(k for k, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    nb.cells.insert(i + 1, nbformat.v4.new_code_cell(source))
    return nb


def w(nb) -> bytes:
    return nbformat.writes(nb).encode()


def bad_input_class(release: nbformat.NotebookNode, forbidden: dict[str, Path]) -> dict[str, Case]:
    """Student id -> case. `forbidden`: paths outside the submission a snooping student tries."""
    _, _, ans = notebooks(release)
    good = solved(release, ans)
    cases: dict[str, Case] = {
        "ok": Case(w(good), 3, "graded"),
        "blank": Case(w(release), 0, "graded"),
        "loop": Case(w(with_cell_after(good, "task1_tests", "while True:\n    pass")), 3, "cell_timeout"),
        "stubborn_loop": Case(w(with_cell_after(good, "task1_tests",
                                                "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                                "while True:\n    pass")), 0, "timed_out"),
        "exit": Case(w(with_cell_after(good, "task1_tests", "import os\nos._exit(1)")), 0, "kernel_died"),
        "membomb": Case(w(with_cell_after(good, "task1_tests",
                                          "blocks = []\nwhile True:\n    blocks.append(bytearray(100 * 1024**2))")),
                        3, "graded"),
        "flood": Case(w(with_cell_after(good, "task1_tests",
                                        "import sys\nfor i in range(15000):\n    print('out', i)\n"
                                        "    print('err', i, file=sys.stderr)")), 3, "graded"),
        "warns": Case(w(with_cell_after(good, "task1_solution",
                                        "import sys, warnings\nwarnings.warn('my own warning')\n"
                                        "print('note to self', file=sys.stderr)")), 3, "graded"),
    }
    # deleted test cells: task 1 wrong and its tests deleted -> tests re-inserted, only task 2 scores
    nb = solved(release, ans, ("task2_solution",))
    nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "task1_tests"]
    cases["deleted_tests"] = Case(w(nb), 2, "graded")
    # edited test cells: a wrong task 1 with its test replaced by `pass`
    nb = solved(release, ans)
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id")
        if gid == "task1_solution":
            c.source = "def double(x):\n    return 0"
        if gid == "task1_tests":
            c.source = "pass  # tests removed"
    cases["edited_tests"] = Case(w(nb), 2, "graded")
    # reordered: task 2's cells first
    nb = copy.deepcopy(good)
    idx = {c.metadata.get("nbgrader", {}).get("grade_id"): k for k, c in enumerate(nb.cells)}
    t2 = [nb.cells[idx["task2_solution"]], nb.cells[idx["task2_tests"]]]
    rest = [c for k, c in enumerate(nb.cells) if k not in (idx["task2_solution"], idx["task2_tests"])]
    nb.cells = [rest[0], *t2, *rest[1:]]
    cases["reordered"] = Case(w(nb), 3, "graded")
    # a solution retyped in a new cell without metadata (the original cell deleted)
    nb = copy.deepcopy(release)
    k = next(k for k, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "task1_solution")
    nb.cells[k] = nbformat.v4.new_code_cell("def double(x):\n    # retyped in Colab\n    return x + x")
    nb = solved(nb, ans, ("task2_solution",))
    cases["retyped"] = Case(w(nb), 3, "graded")
    # metadata stripped from every cell, cell ids lost (copy-pasted into a fresh notebook)
    cells = []
    for c in good.cells:
        new = nbformat.v4.new_code_cell(c.source) if c.cell_type == "code" else nbformat.v4.new_markdown_cell(c.source)
        cells.append(new)
    cases["stripped"] = Case(_nb(cells), 3, "graded")
    # a notebook from another assignment (same grade_ids, other functions and tests)
    other = [nbformat.v4.new_markdown_cell("# Another exercise"),
             nbformat.v4.new_code_cell("def triple(x):\n    return 3 * x", metadata={"nbgrader": {
                 "grade_id": "task1_solution", "solution": True, "grade": False, "locked": False, "schema_version": 3}}),
             nbformat.v4.new_code_cell("assert triple(1) == 3\nassert triple(0) == 0", metadata={"nbgrader": {
                 "grade_id": "task1_tests", "grade": True, "solution": False, "locked": True, "points": 5,
                 "schema_version": 3}})]
    cases["other_assignment"] = Case(_nb(other), 0, "wrong_assignment")
    cases["bad_json"] = Case(b'{"cells": [{"cell_type": "code", "source": "def double(x', 0, "unreadable")
    cases["empty"] = Case(b"", 0, "unreadable")
    cases["not_notebook"] = Case(b"\x89PNG\r\n\x1a\n" + os.urandom(64), 0, "unreadable")
    # tries to read the gradebook and the instructor's files, and to delete another student's notebook
    probe = (
        "import os\nfound = {}\n"
        + "".join(f"found[{name!r}] = os.path.exists({str(p)!r})\n" for name, p in forbidden.items())
        + "".join(f"try:\n    os.remove({str(p)!r})\nexcept OSError:\n    pass\n" for p in forbidden.values())
        + "print('SNOOP', sorted(k for k, v in found.items() if v))"
    )
    cases["snoop"] = Case(w(with_cell_after(good, "task1_solution", probe)), 3, "graded")
    return cases


def write_class(folder: Path, cases: dict[str, Case]) -> None:
    for student, case in cases.items():
        path = folder / (case.path or f"{student}/{A}.ipynb")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(case.data)


def dump(nb_json: str) -> str:
    return json.dumps(json.loads(nb_json), indent=1)
