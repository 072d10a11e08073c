"""Shared fixtures: the repository, the course's chapters and exercises, and one book build per session."""

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
            log = "\n".join(l for l in (proc.stdout + proc.stderr).splitlines() if "WARNING" in l or "ERROR" in l or "rror" in l)
            _BOOK["error"] = f"jupyter-book build failed:\n{log[-6000:]}\n--- tail ---\n{(proc.stdout + proc.stderr)[-3000:]}"
    if "error" in _BOOK:
        pytest.fail(_BOOK["error"])
    return root / "_build" / "html"


def pytest_collection_modifyitems(items):
    """Fast checks first, the book build and TensorFlow grading last (they share the session's book fixture)."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is not None)
