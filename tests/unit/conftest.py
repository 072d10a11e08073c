"""The unit layer's contract, enforced: no child process of any kind while its tests (and their module
fixtures) run, so no kernel, no nbgrader command line, no bubblewrap sandbox. Kernels, `nbgrader ...` and
`bwrap` are all started through subprocess.Popen (asyncio's subprocesses too), so one guard covers them.

The shared session fixture `tiny_release` (tests/conftest.py) runs nbgrader's generate_assignment in this
process before the guard is up; a test that needs a real run belongs in the integration layer (tests/)."""

from __future__ import annotations

import subprocess

import pytest


@pytest.fixture(autouse=True, scope="module")
def _no_child_processes():
    def refuse(self, args, *a, **k):
        raise AssertionError(f"the unit layer starts no process (got {args!r}): move this test to tests/")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(subprocess.Popen, "__init__", refuse)
        yield
