"""The committed corpus of answers a learner plausibly writes, graded through real nbgrader.

One module per exercise, named like its source (`01_losses.py` for `solutions/01_losses.py`), holding
`ANSWERS = [Answer(...), ...]` (`coursekit.gradecheck.Answer`): each fills one solution cell, with the
instructor's solution in the earlier tasks and the later ones left as released. `tests/test_answers.py`
grades them all: a "wrong" answer must score less than its task's points, a "valid" alternative all of
them, and neither may cost an earlier task a point.
"""

from __future__ import annotations

from pathlib import Path

from coursekit.gradecheck import Answer, answers_in

HERE = Path(__file__).resolve().parent


def corpus() -> dict[str, list[Answer]]:
    """Exercise name -> its answers, from every module in this folder."""
    return {path.stem: answers_in(path) for path in sorted(HERE.glob("[0-9][0-9]_*.py"))}
