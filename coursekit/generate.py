"""Generate the learner notebooks that are committed next to their sources.

* ``solutions/NN_slug.py`` -> real ``nbgrader generate_assignment`` -> ``exercises/NN_slug.ipynb``
* ``chapters/NN_slug.md``  -> jupytext, no outputs              -> ``chapters/NN_slug.ipynb``
  (so the book's Colab/Binder launch buttons have a notebook to open)

All files are produced in memory first; nothing is written unless every source is valid.
Freshness is compared on cell types, sources and nbgrader metadata, never on bytes.
"""

from __future__ import annotations

import copy
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat

from .nbgrader_adapter import Course
from .paths import Chapter, Exercise, chapters, exercises, named, repo_root
from .sources import notebook_metadata, read_source


def _clean(nb: nbformat.NotebookNode, keep_nbgrader: bool) -> nbformat.NotebookNode:
    nb = copy.deepcopy(nb)
    nb.metadata = nbformat.from_dict(notebook_metadata())
    for i, cell in enumerate(nb.cells):
        meta: dict[str, object] = {}
        if keep_nbgrader and "nbgrader" in cell.metadata:
            meta["nbgrader"] = cell.metadata["nbgrader"]
        if "tags" in cell.metadata:
            meta["tags"] = cell.metadata["tags"]
        cell.metadata = nbformat.from_dict(meta)
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        if not cell.get("id"):
            cell.id = f"cell-{i}"
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def student_notebooks(items: list[Exercise]) -> dict[Path, nbformat.NotebookNode]:
    """Release every exercise through real nbgrader in one temporary course directory."""
    sources = {ex.name: read_source(ex.source) for ex in items}  # validate all before any nbgrader run
    out: dict[Path, nbformat.NotebookNode] = {}
    with tempfile.TemporaryDirectory(prefix="coursekit-release-") as tmp:
        course = Course(Path(tmp))
        for ex in items:
            course.add_source(ex.name, sources[ex.name])
            release = course.generate(ex.name)
            out[ex.student] = _clean(release, keep_nbgrader=True)
    return out


def chapter_notebook(ch: Chapter) -> nbformat.NotebookNode:
    nb = jupytext.read(ch.source)
    for i, cell in enumerate(nb.cells):
        cell.id = f"cell-{i}"  # jupytext draws random ids; stable ones keep regeneration byte-identical
    return _clean(nb, keep_nbgrader=False)


def expected_files(root: Path | None = None, names: list[str] | None = None) -> dict[Path, nbformat.NotebookNode]:
    files = student_notebooks(named(exercises(root), names))
    for ch in named(chapters(root), names):
        files[ch.notebook] = chapter_notebook(ch)
    return files


def signature(nb: nbformat.NotebookNode) -> list[tuple[str, str, str]]:
    """What freshness is judged on: cell types, sources and nbgrader metadata."""
    return [(c.cell_type, c.source, json.dumps(c.metadata.get("nbgrader"), sort_keys=True)) for c in nb.cells]


@dataclass
class WriteReport:
    written: list[Path]
    unchanged: list[Path]


def write_all(root: Path | None = None, names: list[str] | None = None) -> WriteReport:
    """Write the generated notebooks (only those of `names`, e.g. ["08"], when given)."""
    files = expected_files(root, names)  # raises before anything is written
    report = WriteReport([], [])
    for path, nb in sorted(files.items()):
        text = nbformat.writes(nb) + "\n"
        if path.exists() and path.read_text(encoding="utf-8") == text:
            report.unchanged.append(path)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".ipynb.tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        report.written.append(path)
    return report


def stale_files(root: Path | None = None) -> list[str]:
    """Generated files that are missing or differ from what their sources produce now."""
    problems = []
    for path, nb in sorted(expected_files(root).items()):
        if not path.exists():
            problems.append(f"{path}: missing (run `make exercises`)")
            continue
        current = nbformat.read(path, as_version=4)
        if signature(current) != signature(nb):
            problems.append(f"{path}: stale relative to its source (run `make exercises`)")
    root = root or repo_root()
    sources = {ex.name for ex in exercises(root)}
    for orphan in sorted((root / "exercises").glob("*.ipynb")):
        if orphan.stem not in sources:
            problems.append(f"{orphan}: no solutions/{orphan.stem}.py generates it (delete it)")
    for orphan in sorted((root / "chapters").glob("*.ipynb")):
        if not orphan.with_suffix(".md").exists():
            problems.append(f"{orphan}: no chapters/{orphan.stem}.md generates it (delete it)")
    return problems
