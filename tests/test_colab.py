"""Every notebook's setup cell installs pinned extras only in Colab, and nothing locally.

The setup cell runs in a child Python twice: as it is here (it must call no installer), then with a
stand-in `google.colab` module (its pip command is recorded, must pin every package to requirements.txt,
must not touch TensorFlow/Keras, and is resolved for real with `pip install --dry-run`).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import jupytext
import nbformat
import pytest

from coursekit.doctor import pins as requirement_pins

from .repo import CHAPTERS, EXERCISES, ROOT

pytestmark = pytest.mark.slow

RUNNER = r'''
import json, subprocess, sys, types
calls = []
real_run, real_check_call = subprocess.run, subprocess.check_call
def recorder(real):
    def record(args, *a, **k):
        if isinstance(args, (list, tuple)) and "pip" in [str(x) for x in args]:
            calls.append([str(x) for x in args])  # record installs instead of running them
            return subprocess.CompletedProcess(args, 0)
        return real(args, *a, **k)
    return record
subprocess.run, subprocess.check_call = recorder(real_run), recorder(real_check_call)
source = open(sys.argv[1]).read()
exec(compile(source, "setup-cell", "exec"), {"__name__": "__main__"})
local = list(calls)
calls.clear()
sys.modules["google.colab"] = types.ModuleType("google.colab")
exec(compile(source, "setup-cell", "exec"), {"__name__": "__main__"})
print("CALLS" + json.dumps({"local": local, "colab": calls}))
'''


def _setup_cells():
    out = [(c.name, next(x.source for x in jupytext.read(c.source).cells if x.cell_type == "code")) for c in CHAPTERS]
    out += [(f"exercise-{e.name}", next(x.source for x in nbformat.read(e.student, as_version=4).cells if x.cell_type == "code"))
            for e in EXERCISES]
    return out


@pytest.mark.parametrize("name,source", _setup_cells(), ids=[n for n, _ in _setup_cells()])
def test_setup_cell_installs_pinned_extras_only_in_colab(name, source, tmp_path):
    cell = tmp_path / "setup.py"
    cell.write_text(source)
    proc = subprocess.run([sys.executable, "-c", RUNNER, str(cell)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    calls = json.loads(proc.stdout.split("CALLS", 1)[1])
    assert calls["local"] == [], f"{name}: the setup cell must not install anything outside Colab: {calls['local']}"
    pins = {k.lower().replace("_", "-"): v for k, v in requirement_pins(ROOT).items()}  # the one pin reader
    for call in calls["colab"]:
        assert call[1:4] == ["-m", "pip", "install"], f"{name}: unexpected command {call}"
        specs = [a for a in call[4:] if not a.startswith("-")]
        for spec in specs:
            m = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)$", spec)
            assert m, f"{name}: {spec} is not pinned with =="
            assert m.group(1).lower() not in {"tensorflow", "keras", "tf-keras"}, f"{name}: never reinstall TF/Keras in Colab"
            assert pins.get(m.group(1).lower().replace("_", "-")) == m.group(2), f"{name}: {spec} differs from requirements.txt"
        dry = subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--no-deps",
                              "--quiet", "--report", "-", *specs], capture_output=True, text=True, timeout=300)
        assert dry.returncode == 0, f"{name}: pip could not resolve {specs}: {dry.stderr[-1500:]}"
        resolved = {i["metadata"]["name"].lower(): i["metadata"]["version"] for i in json.loads(dry.stdout)["install"]}
        for spec in specs:
            pkg, ver = spec.split("==")
            assert resolved.get(pkg.lower()) == ver, f"{name}: {spec} resolved to {resolved}"
