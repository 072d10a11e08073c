"""`coursekit release NN --to DIR` writes a course folder that plain nbgrader grades correctly, assets included."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from coursekit.nbgrader_adapter import read_grades
from coursekit.paths import tool_env
from coursekit.release import describe, release
from coursekit.sources import assets

from .repo import EXERCISES

pytestmark = pytest.mark.slow
WITH_ASSETS = [e for e in EXERCISES if assets(e.source)]


def test_some_exercise_ships_an_asset():
    assert WITH_ASSETS, "no exercise names a course asset: this test would check nothing"


@pytest.mark.parametrize("exercise", WITH_ASSETS, ids=lambda e: e.name)
def test_plain_nbgrader_grades_the_solution_full_marks_in_a_released_folder(exercise, tmp_path):
    course = release(exercise, tmp_path / "made")
    text = describe(exercise, course)
    for name in assets(exercise.source):
        assert (course.root / "source" / exercise.name / name).is_file()
        assert (course.root / "release" / exercise.name / name).is_file(), "students need the asset too"
        assert name in text, "the printed steps name every asset"
    moved = tmp_path / "elsewhere"  # the folder is portable: its config names no absolute path
    shutil.move(course.root, moved)
    sub = moved / "submitted" / "student1" / exercise.name
    sub.mkdir(parents=True)
    shutil.copy(moved / "source" / exercise.name / f"{exercise.name}.ipynb", sub)  # the notebook alone
    proc = subprocess.run(["nbgrader", "autograde", exercise.name], cwd=moved, env=tool_env(),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and "[ERROR]" not in proc.stdout + proc.stderr, (proc.stdout + proc.stderr)[-3000:]
    g = read_grades(moved, exercise.name)["student1"]
    assert g.score == g.max_score > 0, [(t.grade_id, t.score, t.max_score) for t in g.tests]


def test_release_refuses_a_folder_that_already_has_the_exercise(tmp_path):
    ex = EXERCISES[0]
    (tmp_path / "source" / ex.name).mkdir(parents=True)
    with pytest.raises(FileExistsError):
        release(ex, tmp_path)


def test_the_in_process_gradebook_revision_is_the_one_nbgrader_asks_alembic_for():
    """coursekit creates gradebooks with nbgrader's Gradebook but reads the schema revision in-process
    (nbgrader_adapter.course.alembic_head) instead of nbgrader's `alembic heads` subprocess: both must agree, or plain
    nbgrader would see a gradebook of another schema version."""
    import sys

    from coursekit.nbgrader_adapter.course import alembic_head

    nbgrader_s_own = subprocess.run(
        [sys.executable, "-c", "import nbgrader.api as a; print(a.get_alembic_version())"],
        env=tool_env(), capture_output=True, text=True, check=True).stdout.strip()
    assert nbgrader_s_own and alembic_head() == nbgrader_s_own
