"""The repository under test: its root, chapters and exercises, and the PATH every test's subprocesses need.

A plain module (not conftest) so tests import these constants explicitly; conftest only holds fixtures."""

from __future__ import annotations

import os
from pathlib import Path

from coursekit.paths import chapters, exercises, tool_env

ROOT = Path(__file__).resolve().parent.parent

# nbgrader runs `alembic`, and kernels must come from this venv: its bin goes first on PATH.
os.environ["PATH"] = tool_env()["PATH"]

CHAPTERS = chapters(ROOT)
EXERCISES = exercises(ROOT)
