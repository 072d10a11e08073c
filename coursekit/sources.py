"""Read and validate an exercise source (`solutions/NN_slug.py`, jupytext py:percent).

Each cell marker may carry nbgrader metadata as JSON::

    # %% nbgrader={"grade_id": "task1_solution", "solution": true}
    # %% nbgrader={"grade_id": "task1_tests", "grade": true, "points": 3}

Missing keys get nbgrader's defaults (test cells are locked). Every problem is
reported as ``file:line (cell N): message`` so that an author can fix it at once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

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
    nbgrader: dict | None


def _markers(path: Path, text: str) -> list[CellMarker]:
    markers: list[CellMarker] = []
    lines = text.splitlines()
    # jupytext makes a first cell of anything before the first marker that is not blank
    index = 0 if any(l.strip() for l in _before_first_marker(lines)) else -1
    for lineno, line in enumerate(lines, start=1):
        m = CELL_MARKER.match(line)
        if not m:
            continue
        index += 1
        rest = m.group("rest")
        meta = None
        pos = rest.find("nbgrader=")
        if pos >= 0:
            raw = rest[pos + len("nbgrader="):].lstrip()
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
    out = []
    for line in lines:
        if CELL_MARKER.match(line):
            break
        out.append(line)
    return out


def _normalise(where: str, meta: dict, cell_type: str) -> dict:
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
        raise SourceError(f"{where}: points given on a cell that is not graded (add \"grade\": true)")
    if solution and cell_type == "markdown" and not grade:
        raise SourceError(f"{where}: a markdown solution cell must also be graded (manually graded answer)")
    if grade and solution and cell_type == "code":
        raise SourceError(f"{where}: a code cell cannot be both a solution and an autograded test")
    if out["locked"] and solution:
        raise SourceError(f"{where}: a solution cell cannot be locked")
    return out


def _check_markers(where: str, source: str, meta: dict | None, cell_type: str) -> None:
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
        raise SourceError(f"{where}: solution markers in a cell that is not a solution cell (add \"solution\": true)")
    if is_solution and cell_type == "code" and not begin:
        raise SourceError(f"{where}: solution cell without ### BEGIN SOLUTION / ### END SOLUTION")
    if hbegin and not is_test:
        raise SourceError(f"{where}: hidden tests in a cell that is not a graded test cell")
    if is_test and cell_type == "code" and not re.search(r"^\s*assert\b|raise\s+AssertionError|\bassert_", source, re.M):
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
        raise SourceError(f"{path}: no graded cells (no cell has \"grade\": true with points)")
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return nb


def tasks(nb: nbformat.NotebookNode) -> list[dict]:
    """Group cells into tasks: the solution cells before a run of test cells, and those tests' points."""
    out: list[dict] = []
    current: dict | None = None
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader")
        if not meta:
            continue
        if meta["solution"] and not meta["grade"]:
            if current is None or current["tests"]:
                current = {"solutions": [], "tests": [], "points": 0}
                out.append(current)
            current["solutions"].append(meta["grade_id"])
        elif meta["grade"]:
            if current is None:
                current = {"solutions": [], "tests": [], "points": 0}
                out.append(current)
            current["tests"].append(meta["grade_id"])
            current["points"] += meta["points"]
    return out


def reads_for_book(text: str) -> nbformat.NotebookNode:
    """myst-nb reader for `solutions/*.py` pages in the solutions edition (py:percent with a Python kernel)."""
    nb = jupytext.reads(text, fmt="py:percent")
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def assets(path: Path) -> dict[str, Path]:
    """Files an exercise ships (`# course-asset: assets/name.ext` lines in its source), by file name.

    The grader copies them beside every submission, so graded notebooks find them in their own folder
    and never reach for the network.
    """
    path = Path(path)
    root = path.resolve().parent.parent
    out = {}
    for m in ASSET.finditer(path.read_text(encoding="utf-8")):
        asset = root / m.group("path")
        if not asset.is_file():
            raise SourceError(f"{path}: course-asset {m.group('path')} does not exist")
        out[asset.name] = asset
    return out
