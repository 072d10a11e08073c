"""Prepare a submission before grading: read it, repair its nbgrader cell metadata, flag it for review.

**Reading** (`read_notebook`): bytes that are not a notebook raise `UnreadableNotebook` with a short reason.

**Repair** (`repair`): students lose nbgrader's cell metadata by retyping or pasting cells (Colab does this

often); nbgrader then cannot find their answers or its own tests. Each graded or locked
release cell is matched to a submission cell:

1. by nbgrader ``grade_id`` in the cell metadata, then by notebook cell id;
2. test and locked cells by content similarity (difflib) in order;
3. solution cells by the names the release stub defines (``def double`` is answered by
   any later cell defining ``double``; the last one wins, as it would when run), else by
   similarity, only between the neighbouring matched cells (order).

The repaired notebook follows the release order: locked and test cells always come from
the release (edited ones restored, deleted ones re-inserted, so editing or deleting a
test cannot raise a score), solution cells carry the student's code with the release's
metadata, and the student's other cells are kept, each before the next matched cell
that followed it. Every change is recorded. The steps are `_match` (release cell -> submission cell),
`_rebuild` (the notebook in release order) and `_evidence` (how many graded cells were really recognised:
too few, and it looks like another assignment's notebook).

nbgrader's own ``OverwriteCells.add_missing_cells`` (0.9.6) re-inserts a deleted test cell after the previous
grade cell, matching by ``grade_id`` only; it is not used, because the release-order rebuild here also handles
reordered notebooks and stripped metadata. ``_is_solution`` / ``_is_locked`` are ``nbgrader.utils.is_solution`` /
``is_locked`` that tolerate a student file whose ``nbgrader`` metadata is not a dict (nbgrader's raise).

**Integrity flags** (`integrity_flags`): tests run in the student's own kernel, so a determined student can
always defeat them (for example by replacing ``AssertionError`` or hooking IPython's input transformers).
The flags do not change a score; they list cells an instructor should read. The patterns are plain text
searches over the student's cells (not the release's locked cells), so they can be evaded too: they catch the
obvious, not the determined.
"""

from __future__ import annotations

import ast
import copy
import difflib
import json
import re
from dataclasses import dataclass, field

import nbformat

from ..sources import grade_id
from ..sources import nbgrader_meta as _meta  # tolerates a student file whose nbgrader metadata is not a dict

SIMILAR = 0.6  # difflib ratio above which a cell counts as a copy of a release cell
WRONG_ASSIGNMENT = 0.34  # fewer graded cells recognised than this fraction: another assignment?


class UnreadableNotebook(ValueError):
    """Not a notebook at all (invalid JSON, empty, not nbformat 4)."""


@dataclass
class RepairedNotebook:
    """`repair`'s result: the notebook to grade, what was changed, and how much of the release was recognised."""

    notebook: nbformat.NotebookNode
    repairs: list[str] = field(default_factory=list)
    matched_fraction: float = 1.0

    @property
    def wrong_assignment(self) -> bool:
        return self.matched_fraction < WRONG_ASSIGNMENT


def read_notebook(data: bytes) -> nbformat.NotebookNode:
    """Parse a submitted file; raise UnreadableNotebook with a short reason."""
    if not data.strip():
        raise UnreadableNotebook("empty file")
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UnreadableNotebook(f"not JSON ({exc.__class__.__name__}: {str(exc)[:80]})") from None
    if not isinstance(raw, dict) or "cells" not in raw or not isinstance(raw["cells"], list):
        raise UnreadableNotebook("JSON but not a Jupyter notebook (no cells)")
    try:
        nb = nbformat.reads(json.dumps(raw), as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds
        raise UnreadableNotebook(f"not a readable notebook ({exc.__class__.__name__})") from None
    for cell in nb.cells:
        if not isinstance(cell.get("source", ""), str) or cell.get("cell_type") not in ("code", "markdown", "raw"):
            raise UnreadableNotebook("notebook with malformed cells")
    return nb


def _is_solution(cell: nbformat.NotebookNode) -> bool:
    return bool(_meta(cell).get("solution"))


def _is_locked(cell: nbformat.NotebookNode) -> bool:
    return grade_id(cell) is not None and not _meta(cell).get("solution")


def defined_names(source: str) -> set[str]:
    """Top-level functions, classes and assigned names a cell defines."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def repair(submission: nbformat.NotebookNode, release: nbformat.NotebookNode) -> RepairedNotebook:
    """The submission with nbgrader metadata restored from `release` (see the module doc)."""
    graded = [i for i, c in enumerate(release.cells) if grade_id(c)]
    match, how = _match(release.cells, submission.cells, graded)
    nb, repairs = _rebuild(release, submission.cells, graded, match, how)
    evident = [i for i in graded if _evidence(release.cells[i], submission.cells, match.get(i))]
    return RepairedNotebook(nb, repairs, len(evident) / len(graded) if graded else 1.0)


def _match(rel: list, sub: list, graded: list[int]) -> tuple[dict[int, int], dict[int, str]]:
    """Release index -> submission index for every graded release cell found, and how each was found."""
    match: dict[int, int] = {}
    used: set[int] = set()
    how: dict[int, str] = {}

    by_gid: dict[str, int] = {}
    for j, c in enumerate(sub):
        gid = grade_id(c)
        if gid and gid not in by_gid:
            by_gid[gid] = j
    by_id: dict[str, int] = {c.get("id"): j for j, c in enumerate(sub) if c.get("id")}
    for i in graded:
        for table, key, label in ((by_gid, grade_id(rel[i]), "grade_id"), (by_id, rel[i].get("id"), "cell id")):
            found = table.get(key) if key else None
            if found is not None and found not in used and sub[found].cell_type == rel[i].cell_type:
                match[i], how[i] = found, label
                used.add(found)
                break

    def window(i: int) -> range:  # submission cells between the neighbouring matched cells
        before = [match[k] for k in graded if k < i and k in match]
        after = [match[k] for k in graded if k > i and k in match]
        lo = max(before) + 1 if before else 0
        hi = min(after) if after else len(sub)
        return range(lo, max(lo, hi))

    # locked and test cells: nearly verbatim copies, matched by similarity in order
    for i in graded:
        if i in match or not _is_locked(rel[i]):
            continue
        best = max(
            (
                (_ratio(rel[i].source, sub[j].source), j)
                for j in window(i)
                if j not in used and sub[j].cell_type == rel[i].cell_type
            ),
            default=(0.0, -1),
        )
        if best[0] >= SIMILAR:
            match[i], how[i] = best[1], f"content ({best[0]:.0%} similar)"
            used.add(best[1])
    # solution cells: by the names the stub defines, else by similarity
    for i in graded:
        if i in match or not _is_solution(rel[i]):
            continue
        names = defined_names(rel[i].source)
        cands = [j for j in window(i) if j not in used and sub[j].cell_type == rel[i].cell_type]
        by_name = [j for j in cands if names and names <= defined_names(sub[j].source)]
        if by_name:
            match[i], how[i] = by_name[-1], f"defines {', '.join(sorted(names))}"
        else:
            best = max(((_ratio(rel[i].source, sub[j].source), j) for j in cands), default=(0.0, -1))
            if best[0] < SIMILAR:
                continue
            match[i], how[i] = best[1], f"content ({best[0]:.0%} similar)"
        used.add(match[i])
    return match, how


def _rebuild(
    release: nbformat.NotebookNode, sub: list, graded: list[int], match: dict[int, int], how: dict[int, str]
) -> tuple[nbformat.NotebookNode, list[str]]:
    """The notebook in release order (locked cells from the release, answers from the student), and the changes."""
    rel = release.cells
    used = set(match.values())
    repairs: list[str] = []
    cells = []
    emitted: set[int] = set()
    order = [match[i] for i in graded if i in match]
    if order != sorted(order):
        repairs.append("cells were out of order: graded cells put back in the release order")
    for i in graded:
        cell = rel[i]
        gid = grade_id(cell)
        j = match.get(i)
        if j is not None:
            # the student's other cells that came before this one stay before it
            for k in range(len(sub)):
                if k < j and k not in used and k not in emitted:
                    cells.append(_strip(sub[k]))
                    emitted.add(k)
            emitted.add(j)
        if _is_locked(cell):
            if j is None:
                repairs.append(f"{gid}: missing, re-inserted from the release")
            else:
                if how[i] != "grade_id":
                    repairs.append(f"{gid}: metadata restored (matched by {how[i]})")
                if sub[j].source != cell.source:
                    repairs.append(f"{gid}: edited by the student, restored from the release")
            cells.append(copy.deepcopy(cell))
        else:
            new = copy.deepcopy(cell)
            if j is None:
                repairs.append(f"{gid}: no answer found, the release's empty cell graded")
            else:
                new.source = sub[j].source
                if how[i] != "grade_id":
                    repairs.append(f"{gid}: metadata restored (matched by {how[i]})")
            cells.append(new)
    cells += [_strip(sub[k]) for k in range(len(sub)) if k not in used and k not in emitted]
    nb = copy.deepcopy(release)
    nb.cells = cells
    for c in nb.cells:
        if c.cell_type == "code":
            c.update(outputs=[], execution_count=None)
        else:
            c.pop("outputs", None)
    ids: set[str] = set()
    for n, c in enumerate(nb.cells):  # nbformat needs unique cell ids
        if not c.get("id") or c.id in ids:
            c.id = f"student-{n}"
        ids.add(c.id)
    return nb, repairs


def _evidence(rel_cell, sub: list, j: int | None) -> bool:
    """The matched submission cell really is this release cell, or answers it."""
    if j is None:
        return False
    names = defined_names(rel_cell.source) if _is_solution(rel_cell) else set()
    return bool(names and names <= defined_names(sub[j].source)) or _ratio(rel_cell.source, sub[j].source) >= SIMILAR


def _strip(cell) -> nbformat.NotebookNode:
    """A student's own cell, as an ordinary cell (nbgrader metadata it should not carry removed)."""
    c = copy.deepcopy(cell)
    c.get("metadata", {}).pop("nbgrader", None)
    return c


# --- integrity flags ------------------------------------------------------------------------
PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "IPython input transformers or hooks",
        re.compile(
            r"input_transformers|ast_transformers|events\.register|register_magic|set_custom_exc|"
            r"run_cell\s*=|showtraceback\s*=|\.user_ns\b"
        ),
    ),
    (
        "redefines builtins or assertion machinery",
        re.compile(
            r"\bbuiltins\b|__builtins__|\bAssertionError\s*=|sys\.excepthook|def\s+AssertionError|"
            r"class\s+AssertionError|__assert|sys\.settrace|sys\.setprofile"
        ),
    ),
    (
        "replaces the tests' assertion helpers (numpy.testing, isclose, allclose)",
        re.compile(
            r"\b(?:np|numpy)\.testing\.\w+\s*=(?!=)|\b(?:np|numpy)\.(?:isclose|allclose|array_equal|testing)\s*=(?!=)|"
            r"\bmath\.isclose\s*=(?!=)|setattr\(\s*(?:np|numpy)(?:\.testing)?\s*,"
        ),
    ),
    (
        "silences stderr or exits the kernel",
        re.compile(r"sys\.stderr\s*=|os\.dup2|os\._exit|sys\.exit|os\.kill|signal\."),
    ),
    (
        "reads or changes files outside its folder",
        re.compile(
            r"""(open|Path|listdir|scandir|walk|glob|remove|unlink|rmtree|rename|chmod|sqlite3\.connect)\s*\(\s*[rbf]?["'](/|\.\./|~)"""
        ),
    ),
    ("runs shell commands or subprocesses", re.compile(r"\bsubprocess\b|os\.system|os\.popen|^\s*!", re.M)),
    ("reads the grading database", re.compile(r"gradebook|nbgrader", re.I)),
]


def integrity_flags(nb: nbformat.NotebookNode, test_names: set[str] | None = None) -> list[str]:
    """Reasons for manual review, one per (cell, pattern); `test_names`: helpers the tests define."""
    out: list[str] = []
    for n, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code" or _is_locked(cell):
            continue  # locked cells come from the release
        for label, pattern in PATTERNS:
            if pattern.search(cell.source):
                out.append(f"cell {n}: {label}")
        clash = sorted(defined_names(cell.source) & (test_names or set()))
        if clash:
            out.append(f"cell {n}: redefines names the tests define ({', '.join(clash)})")
    return out


def names_tests_define(release: nbformat.NotebookNode) -> set[str]:
    """Names the release's test cells define (helpers a student could shadow)."""
    names: set[str] = set()
    for cell in release.cells:
        meta = _meta(cell)
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            names |= defined_names(cell.source)
    return names
