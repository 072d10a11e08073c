"""`coursekit release NN --to DIR`: a ready nbgrader course folder for one exercise, for plain nbgrader.

The folder holds the course's `nbgrader_config.py` (cell timeout, the stderr ignore pattern, the stubs), the
instructor notebook in `source/<name>/` with every course asset the exercise names (`# course-asset:` lines),
and the student release that `nbgrader generate_assignment` made from it. `nbgrader autograde` copies the
source folder's other files beside each submission, so a student who hands in only the notebook is graded
with the assets present.
"""

from __future__ import annotations

from pathlib import Path

from .nbgrader_adapter import Course, course_path
from .paths import Exercise
from .sources import ExerciseSource

STEPS = """\
Ready: {root}
  source/{name}/{name}.ipynb: the instructor notebook (solutions, hidden tests, points){asset_lines}
  release/{name}/: the student version (what nbgrader generate_assignment made)
  nbgrader_config.py: the course's settings (cell timeout, stderr ignore pattern)
Next, from that folder:
  1. hand out release/{name}/ (the notebook{and_assets})
  2. put each submission at submitted/<student_id>/{name}/{name}.ipynb (or nbgrader zip_collect)
  3. nbgrader autograde {name} && nbgrader generate_feedback {name} && nbgrader export
"""


def release(ex: Exercise, to: Path) -> Course:
    """Write the course folder for `ex` at `to` (refuses a folder that already has a source for it)."""
    to = Path(to)
    existing = course_path(to, "source", ".", ex.name)
    if existing.exists():
        raise FileExistsError(f"{existing} exists: choose an empty folder or remove it")
    course = Course(to, portable=True)
    source = ExerciseSource.load(ex.source)
    course.add_source(ex.name, source.notebook, source.assets)
    course.generate(ex.name)
    return course


def describe(ex: Exercise, course: Course) -> str:
    shipped = ExerciseSource.load(ex.source).assets
    asset_lines = "".join(
        f"\n  source/{ex.name}/{n}: a course asset, copied beside every submission when grading" for n in shipped
    )
    return STEPS.format(
        root=course.root,
        name=ex.name,
        asset_lines=asset_lines,
        and_assets=" and " + ", ".join(shipped) if shipped else "",
    )
