"""`coursekit doctor` / `make doctor`: is this environment able to run the course? One line per check, a fix for each problem."""

from __future__ import annotations

import importlib.metadata as md
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .paths import repo_root, venv_bin


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True


def pins(root: Path | None = None) -> dict[str, str]:
    out = {}
    for line in ((root or repo_root()) / "requirements.txt").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)$", line.strip())
        if m:
            out[m.group(1)] = m.group(2)
    return out


def supported_pythons(root: Path | None = None) -> tuple[tuple[int, int], tuple[int, int]]:
    """(lowest, highest) supported minor version, from pyproject.toml's ``requires-python`` (">=3.11,<3.13")."""
    import tomllib

    spec = tomllib.loads(((root or repo_root()) / "pyproject.toml").read_text())["project"]["requires-python"]
    lo = re.search(r">=\s*(\d+)\.(\d+)", spec)
    hi = re.search(r"<\s*(\d+)\.(\d+)", spec)
    if not (lo and hi):
        raise ValueError(f"pyproject.toml: requires-python {spec!r} needs a >=X.Y and a <X.Y bound")
    return (int(lo[1]), int(lo[2])), (int(hi[1]), int(hi[2]) - 1)


def check_python() -> Check:
    v = sys.version_info
    lo, hi = supported_pythons()
    ok = lo <= v[:2] <= hi
    names = f"Python {lo[0]}.{lo[1]} to {hi[0]}.{hi[1]}"
    return Check(
        "Python",
        ok,
        f"{v.major}.{v.minor}.{v.micro} at {sys.executable}",
        f"use {names}: make clean-venv && make PYTHON=python{lo[0]}.{lo[1]} venv",
    )


def check_pins(root: Path | None = None) -> Check:
    wrong = []
    for name, want in pins(root).items():
        try:
            have = md.version(name)
        except md.PackageNotFoundError:
            wrong.append(f"{name} missing (want {want})")
            continue
        if have != want:
            wrong.append(f"{name} {have} (want {want})")
    detail = (
        "all pinned packages at their pinned versions"
        if not wrong
        else "; ".join(wrong[:8]) + (" …" if len(wrong) > 8 else "")
    )
    return Check("Packages", not wrong, detail, "make clean-venv && make venv   (or: pip install -r requirements.txt)")


def check_tensorflow() -> Check:
    code = (
        "import os; os.environ['TF_CPP_MIN_LOG_LEVEL']='3'; import tensorflow as tf, keras; "
        "g = tf.config.list_physical_devices('GPU'); "
        "print(tf.__version__, keras.__version__, ('GPU: ' + ', '.join(d.name for d in g)) if g else 'CPU only')"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        return Check(
            "TensorFlow",
            False,
            proc.stderr.strip().splitlines()[-1] if proc.stderr else "import failed",
            "reinstall: make clean-venv && make venv; on Apple Silicon use Python 3.11/3.12 arm64 (see the Setup page)",
        )
    tf_v, keras_v, device = proc.stdout.strip().split(" ", 2)
    return Check("TensorFlow", True, f"TensorFlow {tf_v}, Keras {keras_v}, {device}")


def check_kernel() -> Check:
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec("python3")
    except NoSuchKernel:
        return Check(
            "Jupyter kernel", False, "no 'python3' kernel", f"{sys.executable} -m ipykernel install --sys-prefix"
        )
    exe = spec.argv[0]
    ok = exe in ("python", "python3", sys.executable) or Path(exe).resolve() == Path(sys.executable).resolve()
    return Check(
        "Jupyter kernel",
        ok,
        f"python3 → {exe}",
        f"{sys.executable} -m ipykernel install --sys-prefix   (the kernel must run this environment's Python)",
    )


def check_tools() -> Check:
    missing = [
        t for t in ("jupyter-book", "nbgrader", "alembic") if not (venv_bin() / t).exists() and not shutil.which(t)
    ]
    return Check(
        "Command-line tools",
        not missing,
        "jupyter-book, nbgrader, alembic found" if not missing else f"missing: {missing}",
        "make venv (nbgrader needs alembic on PATH: run through make, or add .venv/bin to PATH)",
    )


def check_book(root: Path | None = None) -> Check:
    root = root or repo_root()
    ok = (root / "_config.yml").exists() and (root / "_toc.yml").exists()
    return Check(
        "Book sources",
        ok,
        "_config.yml and _toc.yml present" if ok else "not in the course repository",
        "run from the repository root",
    )


def check_chromium() -> Check:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    return Check(
        "Chromium (browser tests only)",
        bool(path),
        path or "not installed",
        "Debian/Ubuntu: sudo apt-get install chromium   (make test installs it when run as root)",
        required=False,
    )


def run_checks(root: Path | None = None) -> list[Check]:
    return [
        check_python(),
        check_pins(root),
        check_tensorflow(),
        check_kernel(),
        check_tools(),
        check_book(root),
        check_chromium(),
    ]


def report(checks: list[Check]) -> tuple[str, int]:
    lines, status = [], 0
    for c in checks:
        mark = "ok  " if c.ok else ("FAIL" if c.required else "warn")
        lines.append(f"[{mark}] {c.name}: {c.detail}")
        if not c.ok:
            lines.append(f"       fix: {c.fix}")
            status |= c.required
    lines.append(
        "The book can be built: run `make book`." if not status else "Fix the FAIL lines, then run `make doctor` again."
    )
    return "\n".join(lines), status
