"""Execute a chapter notebook the way the book does, outside the repository."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import jupytext
import nbformat
import yaml
from nbclient import NotebookClient

from .nbgrader_adapter.tf_stderr import unexplained_lines

DEFAULT_BUDGET_S = 60


def front_matter(md: Path) -> dict:
    text = Path(md).read_text(encoding="utf-8")
    if not text.startswith("---"):
        return {}
    end = text.index("\n---", 3)
    return yaml.safe_load(text[3:end]) or {}


def budget_seconds(md: Path) -> float:
    """The chapter's declared execution budget (`course: budget_seconds:` in its front matter)."""
    return float((front_matter(md).get("course") or {}).get("budget_seconds", DEFAULT_BUDGET_S))


@dataclass
class Execution:
    seconds: float
    error: str | None
    stderr_unexplained: list[str] = field(default_factory=list)
    slowest_cells: list[tuple[float, int, str]] = field(default_factory=list)  # (seconds, cell number, first line)


def cell_seconds(nb: nbformat.NotebookNode) -> list[tuple[float, int, str]]:
    """Per-cell wall time from nbclient's timing metadata, slowest first."""
    from datetime import datetime

    out = []
    for i, cell in enumerate(nb.cells):
        t = cell.get("metadata", {}).get("execution", {})
        start, end = t.get("iopub.execute_input"), t.get("shell.execute_reply")
        if start and end:
            seconds = (
                datetime.fromisoformat(end.replace("Z", "+00:00"))
                - datetime.fromisoformat(start.replace("Z", "+00:00"))
            ).total_seconds()
            first = next((line for line in cell.source.splitlines() if line.strip() and not line.startswith("---")), "")
            out.append((seconds, i + 1, first[:60]))
    return sorted(out, reverse=True)


def stderr_problems(nb: nbformat.NotebookNode) -> list[str]:
    problems = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                problems += [f"cell {i + 1}: {line}" for line in unexplained_lines(out.get("text", ""))]
    return problems


def execute(md: Path, timeout: int = 600) -> tuple[nbformat.NotebookNode, Execution]:
    """Run a chapter top to bottom in a fresh kernel, in its own folder, as the book build and a learner do."""
    nb = jupytext.read(md)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(Path(md).parent)}}
    )
    t0 = time.perf_counter()
    error = None
    try:
        client.execute()
    except Exception as exc:  # noqa: BLE001 - CellExecutionError and timeouts: report, do not hide
        error = f"{type(exc).__name__}: {exc}"[-3000:]
    seconds = time.perf_counter() - t0
    return nb, Execution(seconds, error, stderr_problems(nb), cell_seconds(nb)[:5])
