"""Each exercise's committed wrong answers lose points and its valid alternatives keep them (real nbgrader)."""

from __future__ import annotations

import pytest

from coursekit.gradecheck import answer_problems, check_answers, corpus_summary
from coursekit.sources import ExerciseSource

from .answers import corpus
from .repo import EXERCISES

pytestmark = pytest.mark.slow
CORPUS = corpus()


def test_every_answer_module_names_an_exercise():
    assert set(CORPUS) <= {e.name for e in EXERCISES}, sorted(set(CORPUS) - {e.name for e in EXERCISES})


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_every_task_has_three_wrong_answers_and_a_valid_alternative(exercise):
    """Issue 18's floor, counted without grading: >= 3 plausible wrong answers and >= 1 valid one per graded task."""
    answers = CORPUS.get(exercise.name, [])
    short = []
    for k, task in enumerate(ExerciseSource.load(exercise.source).tasks, start=1):
        mine = [a for a in answers if a.cell in task.solutions]
        wrong, valid = sum(a.kind == "wrong" for a in mine), sum(a.kind == "valid" for a in mine)
        if wrong < 3 or valid < 1:
            short.append(f"task {k}: {wrong} wrong, {valid} valid")
    assert not short, f"{exercise.name}'s corpus (tests/answers/{exercise.name}.py) is short: " + "; ".join(short)


@pytest.mark.parametrize("exercise", [e for e in EXERCISES if e.name in CORPUS], ids=lambda e: e.name)
def test_answers_score_as_they_should(exercise, tmp_path):
    results = check_answers(exercise, CORPUS[exercise.name], workdir=tmp_path)
    problems = answer_problems(results)
    print(f"{exercise.name}: {corpus_summary(results)}")
    assert not problems, "\n".join(problems)
