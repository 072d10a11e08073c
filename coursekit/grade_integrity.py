"""Flag student code that reaches into the grading machinery, for manual review.

Tests run in the student's own kernel, so a determined student can always defeat them
(for example by replacing ``AssertionError`` or hooking IPython's input transformers).
These flags do not change a score; they list cells an instructor should read. The
patterns are plain text searches over the student's cells (not the release's locked
cells), so they can be evaded too: they catch the obvious, not the determined.
"""

from __future__ import annotations

import re

import nbformat

from .grade_repair import defined_names

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("IPython input transformers or hooks", re.compile(
        r"input_transformers|ast_transformers|events\.register|register_magic|set_custom_exc|"
        r"run_cell\s*=|showtraceback\s*=|\.user_ns\b")),
    ("redefines builtins or assertion machinery", re.compile(
        r"\bbuiltins\b|__builtins__|\bAssertionError\s*=|sys\.excepthook|def\s+AssertionError|"
        r"class\s+AssertionError|__assert|sys\.settrace|sys\.setprofile")),
    ("replaces the tests' assertion helpers (numpy.testing, isclose, allclose)", re.compile(
        r"\b(?:np|numpy)\.testing\.\w+\s*=(?!=)|\b(?:np|numpy)\.(?:isclose|allclose|array_equal|testing)\s*=(?!=)|"
        r"\bmath\.isclose\s*=(?!=)|setattr\(\s*(?:np|numpy)(?:\.testing)?\s*,")),
    ("silences stderr or exits the kernel", re.compile(
        r"sys\.stderr\s*=|os\.dup2|os\._exit|sys\.exit|os\.kill|signal\.")),
    ("reads or changes files outside its folder", re.compile(
        r"""(open|Path|listdir|scandir|walk|glob|remove|unlink|rmtree|rename|chmod|sqlite3\.connect)\s*\(\s*[rbf]?["'](/|\.\./|~)""")),
    ("runs shell commands or subprocesses", re.compile(r"\bsubprocess\b|os\.system|os\.popen|^\s*!", re.M)),
    ("reads the grading database", re.compile(r"gradebook|nbgrader", re.I)),
]


def flags(nb: nbformat.NotebookNode, test_names: set[str] | None = None) -> list[str]:
    """Reasons for manual review, one per (cell, pattern); `test_names`: helpers the tests define."""
    out: list[str] = []
    for n, cell in enumerate(nb.cells, start=1):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or (meta.get("grade_id") and not meta.get("solution")):
            continue  # locked cells come from the release
        for label, pattern in PATTERNS:
            if pattern.search(cell.source):
                out.append(f"cell {n}: {label}")
        clash = sorted(defined_names(cell.source) & (test_names or set()))
        if clash:
            out.append(f"cell {n}: redefines names the tests define ({', '.join(clash)})")
    return out


def test_defined_names(release: nbformat.NotebookNode) -> set[str]:
    """Names the release's test cells define (helpers a student could shadow)."""
    names: set[str] = set()
    for cell in release.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            names |= defined_names(cell.source)
    return names
