"""In-memory nbgrader notebooks for the unit layer (nbgrader's own tests build cells the same way:
``tests/preprocessors`` ``create_grade_cell``): no nbgrader run, no kernel."""

from __future__ import annotations

import copy

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

STUB = "    # YOUR CODE HERE\n    raise NotImplementedError()"


def solution_cell(grade_id: str, source: str) -> nbformat.NotebookNode:
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "solution": True, "grade": False, "locked": False,
                                 "schema_version": 3}
    return cell


def test_cell(grade_id: str, source: str, points: float) -> nbformat.NotebookNode:
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "solution": False, "grade": True, "locked": True,
                                 "points": points, "schema_version": 3}
    return cell


def release() -> nbformat.NotebookNode:
    """A two-task release: `double` (2 points) and `half` (1 point)."""
    nb = new_notebook(cells=[
        new_markdown_cell("# Exercise"),
        solution_cell("task1_solution", "def double(x):\n" + STUB),
        test_cell("task1_tests", "assert double(2) == 4, 'double(2) should be 4'", 2),
        new_markdown_cell("## Task 2"),
        solution_cell("task2_solution", "def half(x):\n" + STUB),
        test_cell("task2_tests", "assert half(4) == 2, 'half(4) should be 2'", 1),
    ])
    for n, c in enumerate(nb.cells):
        c.id = f"cell-{n}"
    return nb


def answered(nb: nbformat.NotebookNode, **answers: str) -> nbformat.NotebookNode:
    """A copy of `nb` whose solution cells `grade_id=source` are answered."""
    nb = copy.deepcopy(nb)
    for c in nb.cells:
        gid = c.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            c.source = answers[gid]
    return nb


def solved(nb: nbformat.NotebookNode | None = None) -> nbformat.NotebookNode:
    return answered(nb or release(), task1_solution="def double(x):\n    return 2 * x",
                    task2_solution="def half(x):\n    return x / 2")


def stripped(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """What retyping every cell in a fresh notebook does: no nbgrader metadata, new cell ids."""
    nb = copy.deepcopy(nb)
    for n, c in enumerate(nb.cells):
        c.metadata.pop("nbgrader", None)
        c.id = f"retyped-{n}"
    return nb
