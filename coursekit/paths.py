"""Where things live in the repository, and how sources map to generated files."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, Sequence, TypeVar

if TYPE_CHECKING:
    from .sources import ExerciseSource


def repo_root() -> Path:
    """The course repository: $COURSE_ROOT if set, else the checkout this package lives in."""
    env = os.environ.get("COURSE_ROOT")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parent.parent


def venv_bin() -> Path:
    """The bin directory of the running interpreter (nbgrader needs `alembic` on PATH)."""
    return Path(sys.executable).parent


def tool_env() -> dict[str, str]:
    """Environment for subprocesses: the venv's bin first on PATH, quiet TensorFlow."""
    env = dict(os.environ)
    env["PATH"] = f"{venv_bin()}{os.pathsep}{env.get('PATH', '')}"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("PYTHONHASHSEED", "0")
    return env


@dataclass(frozen=True)
class Exercise:
    """One graded exercise: `solutions/<name>.py` is the source of `exercises/<name>.ipynb`."""

    name: str
    source: Path
    student: Path

    def load(self) -> ExerciseSource:
        """The validated source: notebook, tasks, points, shipped assets."""
        from .sources import ExerciseSource

        return ExerciseSource.load(self.source)


@dataclass(frozen=True)
class Chapter:
    """One chapter: `chapters/<name>.md` is the source of the launchable `chapters/<name>.ipynb`."""

    name: str
    source: Path
    notebook: Path


def exercises(root: Path | None = None) -> list[Exercise]:
    root = root or repo_root()
    return [
        Exercise(p.stem, p, root / "exercises" / f"{p.stem}.ipynb")
        for p in sorted((root / "solutions").glob("[0-9][0-9]_*.py"))
    ]


def chapters(root: Path | None = None) -> list[Chapter]:
    root = root or repo_root()
    return [Chapter(p.stem, p, p.with_suffix(".ipynb")) for p in sorted((root / "chapters").glob("[0-9][0-9]_*.md"))]


class _HasName(Protocol):
    @property
    def name(self) -> str: ...


_Named = TypeVar("_Named", bound=_HasName)


class UnknownName(ValueError):
    """A chapter or exercise name (or number) that matches nothing."""


def named(items: Sequence[_Named], names: Sequence[str] | None) -> list[_Named]:
    """The items whose name or two-digit number is in `names` (all of them when `names` is empty)."""
    return [i for i in items if not names or i.name in names or i.name[:2] in names]


def select(items: Sequence[_Named], names: Sequence[str] | None) -> list[_Named]:
    """`named`, but every name must match an item: raises UnknownName listing the known names.

    The one matcher of every subcommand that takes names (``coursekit bench 99`` fails instead of measuring
    nothing)."""
    chosen = named(items, names)
    missing = set(names or ()) - {i.name for i in chosen} - {i.name[:2] for i in chosen}
    if missing:
        raise UnknownName(f"unknown name(s): {sorted(missing)}; known: {sorted({i.name for i in items})}")
    return chosen
