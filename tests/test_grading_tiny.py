"""The grading pipeline on a tiny non-TensorFlow assignment: real nbgrader, fast."""

from __future__ import annotations

from coursekit.gradecheck import check_exercise
from coursekit.paths import Exercise

from .builders import TINY


def test_solution_full_blank_zero_partial_first_task(tmp_path):
    r = check_exercise(Exercise("00_tiny", TINY, tmp_path / "unused.ipynb"), workdir=tmp_path)
    assert (r.max_points, r.first_task_points) == (3, 1)
    scores = {s: g.score for s, g in r.grades.items()}
    assert scores == {"solution": 3.0, "blank": 0.0, "partial": 1.0}
    assert [(t.grade_id, t.score) for t in r.grades["partial"].tests] == [("task1_tests", 1.0), ("task2_tests", 0.0)]


def test_only_tensorflow_stderr_is_ignored(tmp_path):
    """nbgrader gives 0 to a test cell with stderr output; the course config drops only TF's start-up lines."""
    text = TINY.read_text()
    tf_line = "I0000 00:00:1795334064.784772   16020 port.cc:153] oneDNN custom operations are on."
    text = text.replace('print("Task 1: visible tests passed.")',
                        f'import sys; print({tf_line!r}, file=sys.stderr, flush=True)\nprint("Task 1: visible tests passed.")')
    text = text.replace('print("Task 2: visible tests passed.")',
                        'import sys; print("DeprecationWarning: something else", file=sys.stderr, flush=True)\nprint("Task 2: visible tests passed.")')
    source = tmp_path / "00_tiny.py"
    source.write_text(text)
    r = check_exercise(Exercise("00_tiny", source, tmp_path / "unused.ipynb"), workdir=tmp_path, students=("solution",))
    assert [(t.grade_id, t.score) for t in r.grades["solution"].tests] == [("task1_tests", 1.0), ("task2_tests", 0.0)]
