"""Every setup cell states the oldest TensorFlow/Keras its notebook needs, derived from what the notebook uses,
no newer than the pins, and stops at once with the one line to run when the runtime is older."""

from __future__ import annotations

import importlib.metadata

import jupytext
import nbformat
import pytest

from coursekit.versions import derived_minimums, guard, release, stated_minimums

from .repo import CHAPTERS, EXERCISES
from .test_repository import _requirements


def _notebooks():
    out = [(c.name, jupytext.read(c.source)) for c in CHAPTERS]
    out += [(f"exercise-{e.name}", jupytext.read(e.source)) for e in EXERCISES]
    out += [(f"student-{e.name}", nbformat.read(e.student, as_version=4)) for e in EXERCISES]
    return out


@pytest.mark.parametrize("name,nb", _notebooks(), ids=[n for n, _ in _notebooks()])
def test_setup_cell_states_derived_minimums_within_the_pins(name, nb):
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    stated = stated_minimums(code[0])
    assert stated is not None, f"{name}: the setup cell (first code cell) has no REQUIRED = {{...}} line"
    assert guard(stated) in code[0], f"{name}: the setup cell's version check is not the course's (coursekit.versions.guard)"
    pins = _requirements()
    need = derived_minimums("\n".join(code))
    for pkg, minimum in need.items():
        assert pkg in stated and release(stated[pkg]) >= release(minimum), (
            f"{name}: uses what needs {pkg} >= {minimum} (coursekit.versions.FEATURES), the setup cell states {stated.get(pkg)}")
    for pkg, minimum in stated.items():
        assert pkg in pins, f"{name}: {pkg} is required but not pinned in requirements.txt"
        assert release(minimum) <= release(pins[pkg]), f"{name}: needs {pkg} >= {minimum}, but the pin is {pins[pkg]}"


def _run_guard(monkeypatch, versions):
    def fake(pkg):
        if versions.get(pkg) is None:
            raise importlib.metadata.PackageNotFoundError(pkg)
        return versions[pkg]

    monkeypatch.setattr(importlib.metadata, "version", fake)
    exec(compile(guard({"tensorflow": "2.16", "keras": "3.12"}), "setup-cell", "exec"), {})


def test_guard_passes_on_the_pinned_versions(monkeypatch):
    pins = _requirements()
    _run_guard(monkeypatch, {"tensorflow": pins["tensorflow"], "keras": pins["keras"]})


@pytest.mark.parametrize("versions", [{"tensorflow": "2.15.1", "keras": "2.15.0"}, {"tensorflow": "2.19.0", "keras": "3.8.0"},
                                      {"tensorflow": "2.21.0", "keras": None}])
def test_guard_stops_an_older_runtime_with_one_clear_message(monkeypatch, versions):
    with pytest.raises(SystemExit) as stop:
        _run_guard(monkeypatch, versions)
    text = str(stop.value)
    assert 'pip install -q "tensorflow>=2.16" "keras>=3.12"' in text and "restart the runtime" in text, text
    assert "keras" in text.split(".\n")[0], f"the message names the package that is too old: {text}"


def test_release_numbers_compare_numerically():
    assert release("3.12") > release("3.9.2") and release("2.21.0rc1") == (2, 21, 0)
