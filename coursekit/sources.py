"""Read and validate an exercise source (`solutions/NN_slug.py`, jupytext py:percent).

Each cell marker may carry nbgrader metadata as JSON::

    # %% nbgrader={"grade_id": "task1_solution", "solution": true}
    # %% nbgrader={"grade_id": "task1_tests", "grade": true, "points": 3}

Missing keys get nbgrader's defaults (test cells are locked). Every problem is
reported as ``file:line (cell N): message`` so that an author can fix it at once.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jupytext
import nbformat

CELL_MARKER = re.compile(r"^# %%(?P<rest>.*)$")
ASSET = re.compile(r"^# course-asset: (?P<path>\S+)\s*$", re.M)
GRADE_ID = re.compile(r"^[A-Za-z0-9_-]{1,60}$")
ALLOWED_KEYS = {"grade", "grade_id", "locked", "solution", "points", "schema_version", "task"}
BOOL_KEYS = {"grade", "locked", "solution", "task"}


class SourceError(ValueError):
    """A malformed exercise source; the message names the file, line and cell."""


@dataclass(frozen=True)
class CellMarker:
    line: int  # 1-based line of the `# %%` marker
    index: int  # 0-based cell index in the notebook
    nbgrader: dict[str, Any] | None


def _markers(path: Path, text: str) -> list[CellMarker]:
    markers: list[CellMarker] = []
    lines = text.splitlines()
    # jupytext makes a first cell of anything before the first marker that is not blank
    index = 0 if any(line.strip() for line in _before_first_marker(lines)) else -1
    for lineno, line in enumerate(lines, start=1):
        m = CELL_MARKER.match(line)
        if not m:
            continue
        index += 1
        rest = m.group("rest")
        meta = None
        pos = rest.find("nbgrader=")
        if pos >= 0:
            raw = rest[pos + len("nbgrader=") :].lstrip()
            try:
                meta, end = json.JSONDecoder().raw_decode(raw)
            except json.JSONDecodeError as exc:
                raise SourceError(
                    f"{path}:{lineno} (cell {index + 1}): nbgrader metadata is not valid JSON: {exc.msg} "
                    f"at column {exc.colno} in {raw!r}"
                ) from None
            if raw[end:].strip():
                raise SourceError(
                    f"{path}:{lineno} (cell {index + 1}): unexpected text after the nbgrader JSON: {raw[end:].strip()!r}"
                )
            if not isinstance(meta, dict):
                raise SourceError(f"{path}:{lineno} (cell {index + 1}): nbgrader metadata must be a JSON object")
        markers.append(CellMarker(lineno, index, meta))
    return markers


def _before_first_marker(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if CELL_MARKER.match(line):
            break
        out.append(line)
    return out


def _normalise(where: str, meta: dict[str, Any], cell_type: str) -> dict[str, Any]:
    unknown = set(meta) - ALLOWED_KEYS
    if unknown:
        raise SourceError(f"{where}: unknown nbgrader key(s) {sorted(unknown)}; allowed: {sorted(ALLOWED_KEYS)}")
    for key in BOOL_KEYS & set(meta):
        if not isinstance(meta[key], bool):
            raise SourceError(f"{where}: nbgrader key {key!r} must be true or false, got {meta[key]!r}")
    gid = meta.get("grade_id")
    if not isinstance(gid, str) or not GRADE_ID.match(gid):
        raise SourceError(f"{where}: nbgrader metadata needs a grade_id of letters, digits, '_' or '-' (got {gid!r})")
    grade = meta.get("grade", False)
    solution = meta.get("solution", False)
    out = {
        "schema_version": meta.get("schema_version", 3),
        "grade_id": gid,
        "grade": grade,
        "solution": solution,
        "locked": meta.get("locked", not solution),
        "task": meta.get("task", False),
    }
    if out["schema_version"] != 3:
        raise SourceError(f"{where}: schema_version must be 3 (nbgrader 0.9)")
    if grade or out["task"]:
        points = meta.get("points")
        if isinstance(points, bool) or not isinstance(points, (int, float)) or points <= 0:
            raise SourceError(f"{where}: a graded cell needs positive numeric points (got {points!r})")
        out["points"] = points
    elif "points" in meta:
        raise SourceError(f'{where}: points given on a cell that is not graded (add "grade": true)')
    if solution and cell_type == "markdown" and not grade:
        raise SourceError(f"{where}: a markdown solution cell must also be graded (manually graded answer)")
    if grade and solution and cell_type == "code":
        raise SourceError(f"{where}: a code cell cannot be both a solution and an autograded test")
    if out["locked"] and solution:
        raise SourceError(f"{where}: a solution cell cannot be locked")
    return out


def _check_markers(where: str, source: str, meta: dict[str, Any] | None, cell_type: str) -> None:
    begin = source.count("### BEGIN SOLUTION")
    end = source.count("### END SOLUTION")
    hbegin = source.count("### BEGIN HIDDEN TESTS")
    hend = source.count("### END HIDDEN TESTS")
    if begin != end:
        raise SourceError(f"{where}: {begin} BEGIN SOLUTION but {end} END SOLUTION markers")
    if hbegin != hend:
        raise SourceError(f"{where}: {hbegin} BEGIN HIDDEN TESTS but {hend} END HIDDEN TESTS markers")
    is_solution = bool(meta and meta["solution"])
    is_test = bool(meta and meta["grade"] and not meta["solution"])
    if begin and not is_solution:
        raise SourceError(f'{where}: solution markers in a cell that is not a solution cell (add "solution": true)')
    if is_solution and cell_type == "code" and not begin:
        raise SourceError(f"{where}: solution cell without ### BEGIN SOLUTION / ### END SOLUTION")
    if hbegin and not is_test:
        raise SourceError(f"{where}: hidden tests in a cell that is not a graded test cell")
    if (
        is_test
        and cell_type == "code"
        and not re.search(r"^\s*assert\b|raise\s+AssertionError|\bassert_", source, re.M)
    ):
        raise SourceError(f"{where}: a test cell must fail by raising (it has no assert)")


def read_source(path: Path) -> nbformat.NotebookNode:
    """Parse and validate `path`; return the instructor notebook with normalised nbgrader metadata.

    Cell ids are made stable (grade_id, or ``cell-N``) so regeneration does not churn files.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    markers = _markers(path, text)
    nb = jupytext.reads(text, fmt="py:percent")
    offset = len(nb.cells) - len(markers)
    if offset not in (0, 1):
        raise SourceError(f"{path}: could not match {len(markers)} cell markers to {len(nb.cells)} cells")
    seen: dict[str, str] = {}
    total_points = 0.0
    for i, cell in enumerate(nb.cells):
        marker = markers[i - offset] if i >= offset else None
        where = f"{path}:{marker.line if marker else 1} (cell {i + 1})"
        meta = None
        cell.metadata.pop("lines_to_next_cell", None)
        if marker and marker.nbgrader is not None:
            meta = _normalise(where, marker.nbgrader, cell.cell_type)
            if meta["grade_id"] in seen:
                raise SourceError(f"{where}: grade_id {meta['grade_id']!r} already used at {seen[meta['grade_id']]}")
            seen[meta["grade_id"]] = where
            cell.metadata["nbgrader"] = meta
            total_points += meta.get("points", 0)
        else:
            cell.metadata.pop("nbgrader", None)
        _check_markers(where, cell.source, meta, cell.cell_type)
        cell.id = meta["grade_id"] if meta else f"cell-{i}"
    if total_points <= 0:
        raise SourceError(f'{path}: no graded cells (no cell has "grade": true with points)')
    nb.metadata = notebook_metadata()
    return nb


KERNELSPEC: dict[str, str] = {"display_name": "Python 3", "language": "python", "name": "python3"}
"""The one Python 3 kernelspec every generated, released and book notebook carries."""


def notebook_metadata() -> dict[str, dict[str, str]]:
    """Fresh notebook-level metadata: `KERNELSPEC` and the language (a new dict each call: callers mutate it)."""
    return {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}


def nbgrader_meta(cell: Any) -> dict[str, Any]:
    """A cell's nbgrader metadata, ``{}`` when absent or malformed (a student file may hold anything there)."""
    meta = cell.get("metadata") if isinstance(cell, dict) else None
    found = meta.get("nbgrader") if isinstance(meta, dict) else None
    return found if isinstance(found, dict) else {}


def grade_id(cell: Any) -> str | None:
    """The one safe metadata accessor: a cell's nbgrader grade_id, or None (no metadata, or not a string)."""
    gid = nbgrader_meta(cell).get("grade_id")
    return gid if isinstance(gid, str) and gid else None


def find_cell(nb: nbformat.NotebookNode, gid: str) -> int:
    """Index of the cell whose grade_id is `gid`; KeyError naming it when there is none."""
    for i, cell in enumerate(nb.cells):
        if grade_id(cell) == gid:
            return i
    raise KeyError(f"no cell with grade_id {gid!r}")


def with_answers(
    release: nbformat.NotebookNode, answers: Mapping[str, str], grade_ids: Iterable[str]
) -> nbformat.NotebookNode:
    """A copy of the release notebook whose cells named in `grade_ids` hold `answers[grade_id]`."""
    wanted = set(grade_ids)
    nb = copy.deepcopy(release)
    for cell in nb.cells:
        gid = grade_id(cell)
        if gid in wanted:
            cell.source = answers[gid]
    return nb


@dataclass(frozen=True)
class Task:
    """One task: its solution cells, the run of test cells after them, and those tests' points."""

    solutions: tuple[str, ...]
    tests: tuple[str, ...]
    points: float


def group_tasks(nb: nbformat.NotebookNode) -> tuple[Task, ...]:
    """Group a validated notebook's cells into tasks: the solution cells before a run of test cells."""
    groups: list[tuple[list[str], list[str], list[float]]] = []
    for cell in nb.cells:
        meta = nbgrader_meta(cell)
        if not meta:
            continue
        if meta["solution"] and not meta["grade"]:
            if not groups or groups[-1][1]:
                groups.append(([], [], []))
            groups[-1][0].append(meta["grade_id"])
        elif meta["grade"]:
            if not groups:
                groups.append(([], [], []))
            groups[-1][1].append(meta["grade_id"])
            groups[-1][2].append(meta["points"])
    # points stay as written (an int sum of int points), so JSON outputs keep printing "10", not "10.0"
    return tuple(Task(tuple(sols), tuple(tests), sum(points)) for sols, tests, points in groups)


@dataclass(frozen=True)
class ExerciseSource:
    """One exercise source, read and validated once: its notebook, tasks and shipped assets.

    Every point sum, per-test point table and instructor-answer lookup comes from here.
    """

    path: Path
    notebook: nbformat.NotebookNode  # validated, normalised (`read_source`)
    tasks: tuple[Task, ...]
    assets: dict[str, Path] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> ExerciseSource:
        """Read and validate `path` (raises SourceError); its assets must exist."""
        path = Path(path)
        nb = read_source(path)
        return cls(path, nb, group_tasks(nb), assets(path))

    @classmethod
    def from_notebook(cls, nb: nbformat.NotebookNode, path: Path | None = None) -> ExerciseSource:
        """The model of an already validated notebook (no assets)."""
        return cls(Path(path or "<notebook>"), nb, group_tasks(nb))

    @property
    def max_points(self) -> float:
        return sum(t.points for t in self.tasks)

    @property
    def task_points(self) -> dict[str, float]:
        """Task name (``task1``, ``task2``, ... the grade reports' columns) -> its points, in task order."""
        return {f"task{k}": float(t.points) for k, t in enumerate(self.tasks, start=1)}

    @property
    def test_points(self) -> dict[str, float]:
        """Test grade_id -> its points, task by task."""
        points = {m["grade_id"]: float(m["points"]) for m in map(nbgrader_meta, self.notebook.cells) if m.get("grade")}
        return {gid: points[gid] for t in self.tasks for gid in t.tests}

    @property
    def solution_ids(self) -> frozenset[str]:
        """Every solution cell's grade_id."""
        return frozenset(gid for t in self.tasks for gid in t.solutions)

    def answers(self) -> dict[str, str]:
        """grade_id -> the instructor's cell source, for every nbgrader cell."""
        return {gid: c.source for c in self.notebook.cells if (gid := grade_id(c)) is not None}

    def filled(self, release: nbformat.NotebookNode, grade_ids: Iterable[str]) -> nbformat.NotebookNode:
        """The release notebook with the named cells holding the instructor's source."""
        return with_answers(release, self.answers(), grade_ids)

    def summary(self) -> str:
        """The exercise's size as the book prints it (exercise pages, pacing table): ``4 tasks, 10 points``."""
        return f"{len(self.tasks)} tasks, {self.max_points:g} points"


def reads_for_book(text: str) -> nbformat.NotebookNode:
    """myst-nb reader for `solutions/*.py` pages in the solutions edition (py:percent with a Python kernel)."""
    nb = jupytext.reads(text, fmt="py:percent")
    nb.metadata.update(notebook_metadata())
    return nb


def assets(path: Path) -> dict[str, Path]:
    """Files an exercise ships (`# course-asset: assets/name.ext` lines in its source), by file name.

    The grader copies them beside every submission, so graded notebooks find them in their own folder
    and never reach for the network.
    """
    path = Path(path)
    root = path.resolve().parent.parent
    out: dict[str, Path] = {}
    for m in ASSET.finditer(path.read_text(encoding="utf-8")):
        asset = root / m.group("path")
        if not asset.is_file():
            raise SourceError(f"{path}: course-asset {m.group('path')} does not exist")
        out[asset.name] = asset
    return out
