"""Answers to exercise 6 that a learner plausibly writes (see tests/answers/__init__.py)."""

from coursekit.gradecheck import Answer

_DIAG_HEAD = '''def diagnose_against_baseline(history, baseline_loss, floor_loss=0.0):
    h = getattr(history, "history", history)
    j_end, v_end = float(h["loss"][-1]), float(h["val_loss"][-1])
    v_best, j_first = float(min(h["val_loss"])), float(h["loss"][0])
    room = baseline_loss - floor_loss
'''

_THRESH_DATA = "_grid = np.round(np.arange(0.01, 1.0, 0.01), 2)\n"

_DENSE = "keras.layers.Dense(32, activation={act!r}, kernel_initializer={init})"


def _deep(act, init, depth=10, bn=False):
    if bn:
        layer = f"keras.layers.Dense(32, kernel_initializer={init}), keras.layers.BatchNormalization(), keras.layers.Activation({act!r})"
        stack = f"[l for _ in range({depth}) for l in ({layer})]"
    else:
        stack = f"[{_DENSE.format(act=act, init=init)} for _ in range({depth})]"
    return f"keras.utils.set_random_seed(0)\ntask4_model = keras.Sequential([keras.Input((64,))] + {stack} + [keras.layers.Dense(10)])\n"


ANSWERS = [
    # Task 1: diagnose against a baseline
    Answer(
        cell="task1_solution",
        name="chapter_first_epoch_rule",
        kind="wrong",
        why="the chapter's rule (review C4): measures against the first epoch's loss J_1 and ignores baseline and floor",
        code=_DIAG_HEAD + '''    if j_end >= baseline_loss:
        return "broken"
    if j_end > 0.25 * j_first:
        return "underfit"
    if v_end > 1.1 * v_best or v_end - j_end > 0.25 * j_first:
        return "overfit"
    return "good"
''',
    ),
    Answer(
        cell="task1_solution",
        name="ignores_floor",
        kind="wrong",
        why="measures the training loss against 0 and the room as the baseline: a model at the irreducible error reads as underfit",
        code=_DIAG_HEAD + '''    if j_end >= baseline_loss:
        return "broken"
    if j_end > 0.25 * baseline_loss:
        return "underfit"
    if v_end > 1.1 * v_best or v_end - j_end > 0.25 * baseline_loss:
        return "overfit"
    return "good"
''',
    ),
    Answer(
        cell="task1_solution",
        name="no_broken_rule",
        kind="wrong",
        why="never says broken: a run no better than predicting the class frequencies is sent to capacity tuning as underfit",
        code=_DIAG_HEAD + '''    if j_end - floor_loss > 0.25 * room:
        return "underfit"
    if v_end > 1.1 * v_best or v_end - j_end > 0.25 * room:
        return "overfit"
    return "good"
''',
    ),
    Answer(
        cell="task1_solution",
        name="overfit_checked_first",
        kind="wrong",
        why="tests the overfitting rules before underfitting: a run far from the floor with a validation bump reads as overfit",
        code=_DIAG_HEAD + '''    if j_end >= baseline_loss:
        return "broken"
    if v_end > 1.1 * v_best or v_end - j_end > 0.25 * room:
        return "overfit"
    if j_end - floor_loss > 0.25 * room:
        return "underfit"
    return "good"
''',
    ),
    Answer(
        cell="task1_solution",
        name="non_strict_thresholds",
        kind="wrong",
        why="uses >= in rules 2 and 3 where the spec says strict >: a value exactly on a threshold triggers the rule",
        code=_DIAG_HEAD + '''    if j_end >= baseline_loss:
        return "broken"
    if j_end - floor_loss >= 0.25 * room:
        return "underfit"
    if v_end >= 1.1 * v_best or v_end - j_end >= 0.25 * room:
        return "overfit"
    return "good"
''',
    ),
    Answer(
        cell="task1_solution",
        name="normalised_losses",
        kind="valid",
        why="rescales every loss to the room (0 at the floor, 1 at the baseline) and compares with 1/4, with a table of rules",
        code='''def diagnose_against_baseline(history, baseline_loss, floor_loss=0.0):
    h = history.history if hasattr(history, "history") else history
    loss, val = np.asarray(h["loss"], dtype=float), np.asarray(h["val_loss"], dtype=float)
    scale = lambda v: (v - floor_loss) / (baseline_loss - floor_loss)
    rules = [
        ("broken", loss[-1] >= baseline_loss),
        ("underfit", scale(loss[-1]) > 0.25),
        ("overfit", val[-1] / val.min() > 1.1 or scale(val[-1]) - scale(loss[-1]) > 0.25),
    ]
    return next((name for name, hit in rules if hit), "good")
''',
    ),
    # Task 2: macro F1
    Answer(
        cell="task2_solution",
        name="micro_average",
        kind="wrong",
        why="pools TP, FP and FN over the classes (micro average): for single-label data that is just the accuracy",
        code='''def macro_f1(y_true, y_pred, n_classes):
    t, p = np.asarray(y_true), np.asarray(y_pred)
    return float(np.mean(t == p))
''',
    ),
    Answer(
        cell="task2_solution",
        name="f1_of_macro_precision_recall",
        kind="wrong",
        why="averages precision and recall over the classes first, then takes one F1 of the two averages",
        code='''def macro_f1(y_true, y_pred, n_classes):
    t, p = np.asarray(y_true), np.asarray(y_pred)
    precisions, recalls = [], []
    for c in range(n_classes):
        tp = np.sum((t == c) & (p == c))
        precisions.append(tp / np.sum(p == c) if np.sum(p == c) else 0.0)
        recalls.append(tp / np.sum(t == c) if np.sum(t == c) else 0.0)
    P, R = np.mean(precisions), np.mean(recalls)
    return float(2 * P * R / (P + R)) if P + R else 0.0
''',
    ),
    Answer(
        cell="task2_solution",
        name="only_classes_present",
        kind="wrong",
        why="averages over the classes that occur (np.unique), not over all n_classes: an absent class no longer counts as 0",
        code='''def macro_f1(y_true, y_pred, n_classes):
    t, p = np.asarray(y_true), np.asarray(y_pred)
    scores = []
    for c in np.unique(np.concatenate([t, p])):
        tp, fp, fn = np.sum((t == c) & (p == c)), np.sum((t != c) & (p == c)), np.sum((t == c) & (p != c))
        scores.append(2 * tp / (2 * tp + fp + fn))
    return float(np.mean(scores))
''',
    ),
    Answer(
        cell="task2_solution",
        name="support_weighted",
        kind="wrong",
        why="weights each class's F1 by its number of true examples (scikit-learn's average='weighted'), so rare classes hardly count",
        code='''def macro_f1(y_true, y_pred, n_classes):
    t, p = np.asarray(y_true), np.asarray(y_pred)
    scores, support = [], []
    for c in range(n_classes):
        tp, fp, fn = np.sum((t == c) & (p == c)), np.sum((t != c) & (p == c)), np.sum((t == c) & (p != c))
        scores.append(2 * tp / (2 * tp + fp + fn) if 2 * tp + fp + fn else 0.0)
        support.append(np.sum(t == c))
    return float(np.average(scores, weights=support))
''',
    ),
    Answer(
        cell="task2_solution",
        name="confusion_matrix",
        kind="valid",
        why="builds the K×K confusion matrix with np.add.at and reads TP, FP, FN off its diagonal and margins",
        code='''def macro_f1(y_true, y_pred, n_classes):
    cm = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(cm, (np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)), 1)
    tp = np.diag(cm).astype(float)
    fp, fn = cm.sum(axis=0) - tp, cm.sum(axis=1) - tp
    den = 2 * tp + fp + fn
    return float(np.mean(np.divide(2 * tp, den, out=np.zeros_like(den), where=den > 0)))
''',
    ),
    # Task 3: a threshold for unequal costs
    Answer(
        cell="task3_solution",
        name="default_half",
        kind="wrong",
        why="keeps the default threshold 0.5, which treats a miss and a false alarm as equally costly",
        code="task3_threshold = 0.5\n",
    ),
    Answer(
        cell="task3_solution",
        name="best_f1_on_validation",
        kind="wrong",
        why="picks the threshold with the best validation F1, a metric that knows nothing of the 10:1 costs",
        code=_THRESH_DATA
        + '''def _f1(t):
    flagged = s_val3 > t
    tp = np.sum(flagged & (y_val3 == 1))
    return 2 * tp / (np.sum(flagged) + np.sum(y_val3 == 1))


task3_threshold = float(_grid[int(np.argmax([_f1(t) for t in _grid]))])
''',
    ),
    Answer(
        cell="task3_solution",
        name="best_accuracy_on_validation",
        kind="wrong",
        why="picks the threshold with the best validation accuracy: equal costs again, and a rare positive class",
        code=_THRESH_DATA + "task3_threshold = float(_grid[int(np.argmax([np.mean((s_val3 > t) == (y_val3 == 1)) for t in _grid]))])\n",
    ),
    Answer(
        cell="task3_solution",
        name="costs_swapped",
        kind="wrong",
        why="weights false alarms 10 and misses 1: the threshold moves up from 0.5 instead of down",
        code=_THRESH_DATA
        + '''_cost = [10 * np.sum((y_val3 == 0) & (s_val3 > t)) + np.sum((y_val3 == 1) & (s_val3 <= t)) for t in _grid]
task3_threshold = float(_grid[int(np.argmin(_cost))])
''',
    ),
    Answer(
        cell="task3_solution",
        name="bayes_rule",
        kind="valid",
        why="calibrated scores: flag when 10·s > 1·(1 − s), i.e. t = C_FP / (C_FP + C_FN) = 1/11, without any scan",
        code="task3_threshold = COST_FP / (COST_FP + COST_FN)\n",
    ),
    # Task 4: repair vanishing gradients
    Answer(
        cell="task4_solution",
        name="relu_default_init",
        kind="wrong",
        why="switches to ReLU but keeps Glorot initialisation: each layer halves the signal's variance, the norms fall below 0.05",
        code=_deep("relu", '"glorot_uniform"'),
    ),
    Answer(
        cell="task4_solution",
        name="sigmoid_he_init",
        kind="wrong",
        why="changes only the initialiser to He: the sigmoid's derivative (at most 1/4) still shrinks the gradient every layer",
        code=_deep("sigmoid", '"he_normal"'),
    ),
    Answer(
        cell="task4_solution",
        name="standard_normal_init",
        kind="wrong",
        why="ReLU with N(0, 1) weights: the gradients explode to about 1e6 instead of vanishing",
        code=_deep("relu", "keras.initializers.RandomNormal(stddev=1.0)"),
    ),
    Answer(
        cell="task4_solution",
        name="shallower_network",
        kind="wrong",
        why="removes layers until the gradient reaches the first one: healthy norms, but not the network asked for",
        code=_deep("sigmoid", '"glorot_uniform"', depth=3),
    ),
    Answer(
        cell="task4_solution",
        name="batchnorm_sigmoid",
        kind="valid",
        why="keeps the sigmoids and adds BatchNormalization before each (chapter 6's third network)",
        code=_deep("sigmoid", '"glorot_uniform"', bn=True),
    ),
    Answer(
        cell="task4_solution",
        name="tanh_glorot",
        kind="valid",
        why="tanh with Glorot: derivative 1 at 0 and an initialiser made for it",
        code=_deep("tanh", '"glorot_uniform"'),
    ),
]
