"""Answers to exercise 1 that a learner plausibly writes (see tests/answers/__init__.py)."""

from coursekit.gradecheck import Answer

ANSWERS = [
    Answer(
        cell="task1_solution",
        name="global_max_shift",
        kind="wrong",
        why="subtracts the batch's global maximum instead of each row's (review B4): rows far below it underflow",
        code='''def softmax_cross_entropy(logits, labels):
    z = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels)
    m = z.max()
    lse = m + np.log(np.exp(z - m).sum(axis=1))
    return float(np.mean(lse - z[np.arange(len(z)), labels]))
''',
    ),
    Answer(
        cell="task1_solution",
        name="scipy_logsumexp",
        kind="valid",
        why="scipy.special.logsumexp does the row-wise shift itself",
        code='''def softmax_cross_entropy(logits, labels):
    from scipy.special import logsumexp
    z = np.asarray(logits, dtype=np.float64)
    y = np.asarray(labels)
    return float(np.mean(logsumexp(z, axis=1) - z[np.arange(len(z)), y]))
''',
    ),
]
