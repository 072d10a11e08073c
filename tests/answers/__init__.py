"""The committed corpus of answers a learner plausibly writes, graded through real nbgrader.

One module per exercise, named like its source (`01_losses.py` for `solutions/01_losses.py`), holding
`ANSWERS = [Answer(...), ...]` (`coursekit.gradecheck.Answer`): each fills one solution cell, with the
instructor's solution in the earlier tasks and the later ones left as released. `tests/test_answers.py`
grades them all: a "wrong" answer must score less than its task's points, a "valid" alternative all of
them, and neither may cost an earlier task a point.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from coursekit.gradecheck import Answer

HERE = Path(__file__).resolve().parent


def corpus() -> dict[str, list[Answer]]:
    """Exercise name -> its answers, from every module in this folder."""
    out = {}
    for path in sorted(HERE.glob("[0-9][0-9]_*.py")):
        spec = importlib.util.spec_from_file_location(f"answers_{path.stem}", path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        names = [a.name for a in mod.ANSWERS]
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise ValueError(f"{path.name}: answer names used twice: {dup}")
        out[path.stem] = list(mod.ANSWERS)
    return out
