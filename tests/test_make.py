"""`make` with a missing or old Python, or a broken venv, says what is wrong and how to fix it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from .repo import ROOT


def _project_copy(tmp_path: Path) -> Path:
    for name in ("Makefile", "requirements.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / ".ci").mkdir()
    shutil.copy(ROOT / ".ci" / "check-python", tmp_path / ".ci" / "check-python")
    return tmp_path


def _make(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_missing_python(tmp_path):
    proc = _make(_project_copy(tmp_path), "venv", "PYTHON=/nonexistent/python3")
    assert proc.returncode != 0
    assert "was not found" in proc.stdout and "Python 3.11" in proc.stdout


def _fake_python(tmp_path: Path, version: str) -> Path:
    """A `python` that fails the range check (.ci/check-python's `sys.version_info[:2] < ...`) and reports `version`."""
    fake = tmp_path / f"python{version}"
    fake.write_text(f'#!/bin/sh\ncase "$2" in *"sys.version_info[:2] <"*) exit 1;; *) echo {version};; esac\n')
    fake.chmod(0o755)
    return fake


def test_old_python(tmp_path):
    proc = _make(_project_copy(tmp_path), "venv", f"PYTHON={_fake_python(tmp_path, '3.8.10')}")
    assert proc.returncode != 0
    assert "is Python 3.8.10" in proc.stdout and "needs Python 3.11 to 3.12" in proc.stdout


def test_too_new_python_is_refused_by_make_as_by_doctor(tmp_path):
    """The supported range is stated once (pyproject.toml requires-python) and read by both checks."""
    from coursekit.doctor import supported_pythons

    assert supported_pythons() == ((3, 11), (3, 12))
    proc = _make(_project_copy(tmp_path), "venv", f"PYTHON={_fake_python(tmp_path, '3.13.1')}")
    assert proc.returncode != 0 and "is Python 3.13.1" in proc.stdout and "needs Python 3.11 to 3.12" in proc.stdout


def test_broken_venv(tmp_path):
    root = _project_copy(tmp_path)
    (root / ".venv" / "bin").mkdir(parents=True)
    (root / ".venv" / "bin" / "python").symlink_to("/nonexistent/python3.11")
    proc = _make(root, "venv")
    assert proc.returncode != 0
    assert "does not run" in proc.stdout and "make clean-venv" in proc.stdout


def test_help_lists_the_targets():
    out = _make(ROOT, "help").stdout
    for target in ("book", "test", "exercises", "bench", "clean", "grade", "bench-grade"):
        assert f"make {target}" in out
