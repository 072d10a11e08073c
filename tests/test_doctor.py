"""`make doctor` finds real problems and names a fix for each."""

from __future__ import annotations

from coursekit.doctor import check_pins, report, run_checks

from .repo import ROOT


def test_this_environment_passes():
    text, status = report(run_checks(ROOT))
    assert status == 0, text


def test_a_wrong_pin_is_reported_with_a_fix(tmp_path):
    (tmp_path / "requirements.txt").write_text("numpy==0.0.1\nno-such-package-xyz==1.0\n")
    c = check_pins(tmp_path)
    assert not c.ok and "numpy" in c.detail and "(want 0.0.1)" in c.detail and "no-such-package-xyz missing" in c.detail
    text, status = report([c])
    assert status == 1 and "fix: make clean-venv && make venv" in text
