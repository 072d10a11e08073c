"""Shared fixtures: the repository, one nbgrader release of the tiny assignment, and one book build per session.

Fixtures only: constants and helpers live in plain modules the tests import (`tests/repo.py`: ROOT, CHAPTERS,
EXERCISES; `tests/builders.py`: the tiny assignment, submissions, class folders)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from coursekit.paths import tool_env

from .repo import ROOT


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def tiny_release(tmp_path_factory):
    """The tiny assignment's student release, generated once by nbgrader in a scratch course. Shared: build
    submissions with the copying helpers of `tests/builders.py` (solved, with_cell_after), never edit it in place."""
    from .builders import release_in_scratch_course  # imports nbgrader (~2 s): only for the tests that need it

    return release_in_scratch_course(tmp_path_factory.mktemp("tiny-release"))


_BOOK: dict[str, str] = {}


@pytest.fixture(scope="session")
def book(root) -> Path:
    """Build the executed book once per session, from the committed sources and student notebooks
    (jupyter-cache: unchanged chapters are not re-run; the tests read their execution records).
    A failed build is remembered, so the tests that need it fail at once instead of rebuilding."""
    if "error" not in _BOOK and "ok" not in _BOOK:
        proc = subprocess.run(
            [str(Path(sys.executable).parent / "jupyter-book"), "build", "--warningiserror", "--keep-going", "."],
            cwd=root, env=tool_env(), capture_output=True, text=True,
        )
        if proc.returncode == 0:
            _BOOK["ok"] = "built"
        else:
            log = "\n".join(line for line in (proc.stdout + proc.stderr).splitlines() if "WARNING" in line or "rror" in line)
            _BOOK["error"] = f"jupyter-book build failed:\n{log[-6000:]}\n--- tail ---\n{(proc.stdout + proc.stderr)[-3000:]}"
    if "error" in _BOOK:
        pytest.fail(_BOOK["error"])
    return root / "_build" / "html"


def pytest_collection_modifyitems(items):
    """Fast checks first, the book build and TensorFlow grading last (they share the session's book fixture)."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is not None)
