"""Each exercise's committed wrong answers lose points and its valid alternatives keep them (real nbgrader)."""

from __future__ import annotations

import pytest

from coursekit.gradecheck import check_answers

from .answers import corpus
from .conftest import EXERCISES

pytestmark = pytest.mark.slow
CORPUS = corpus()


def test_every_answer_module_names_an_exercise():
    assert set(CORPUS) <= {e.name for e in EXERCISES}, sorted(set(CORPUS) - {e.name for e in EXERCISES})


@pytest.mark.parametrize("exercise", [e for e in EXERCISES if e.name in CORPUS], ids=lambda e: e.name)
def test_answers_score_as_they_should(exercise, tmp_path):
    results = check_answers(exercise, CORPUS[exercise.name], workdir=tmp_path)
    problems = []
    for r in results:
        a = r.answer
        if a.kind == "wrong" and not r.task_score < r.task_points:
            problems.append(f"wrong answer {a.name} ({a.why}) scored full marks {r.task_score:g}/{r.task_points:g}")
        if a.kind == "valid" and r.task_score != r.task_points:
            problems.append(f"valid alternative {a.name} ({a.why}) scored {r.task_score:g}/{r.task_points:g}")
        if r.other_lost:
            problems.append(f"{a.name} cost {r.other_lost:g} points in the earlier tasks")
        if problems and problems[-1].startswith((f"wrong answer {a.name}", f"valid alternative {a.name}", a.name)):
            problems[-1] += f"  [{r.detail}]"
    assert not problems, "\n".join(problems)
