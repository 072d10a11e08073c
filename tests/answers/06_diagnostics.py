"""Answers to exercise 6 that a learner plausibly writes (see tests/answers/__init__.py)."""

from coursekit.gradecheck import Answer

ANSWERS = [
    # Task 1: diagnose
    Answer(
        cell="task1_solution",
        name="overfit_checked_first",
        kind="wrong",
        why="tests the overfitting rules before underfitting: a run that never learned its training set reads as overfit",
        code='''def diagnose(history):
    h = getattr(history, "history", history)
    loss, val = list(h["loss"]), list(h["val_loss"])
    if val[-1] > 1.1 * min(val) or val[-1] - loss[-1] > 0.25 * loss[0]:
        return "overfit"
    if loss[-1] > 0.25 * loss[0]:
        return "underfit"
    return "good"
''',
    ),
    Answer(
        cell="task1_solution",
        name="non_strict_thresholds",
        kind="wrong",
        why="uses >= where the spec says strict >: a value exactly on a threshold triggers the rule",
        code='''def diagnose(history):
    h = getattr(history, "history", history)
    loss, val = list(h["loss"]), list(h["val_loss"])
    if loss[-1] >= 0.25 * loss[0]:
        return "underfit"
    if val[-1] >= 1.1 * min(val) or val[-1] - loss[-1] >= 0.25 * loss[0]:
        return "overfit"
    return "good"
''',
    ),
    Answer(
        cell="task1_solution",
        name="numpy_ratios",
        kind="valid",
        why="the same rules written with NumPy arrays and named ratios",
        code='''def diagnose(history):
    h = history.history if hasattr(history, "history") else history
    loss = np.asarray(h["loss"], dtype=float)
    val = np.asarray(h["val_loss"], dtype=float)
    j1, jt, vt, vbest = loss[0], loss[-1], val[-1], val.min()
    if jt > 0.25 * j1:
        return "underfit"
    overfit = bool(vt > 1.1 * vbest) or bool(vt - jt > 0.25 * j1)
    return "overfit" if overfit else "good"
''',
    ),
    # Task 2: precision, recall, F1
    Answer(
        cell="task2_solution",
        name="f1_from_counts",
        kind="valid",
        why="F1 as 2TP / (2TP + FP + FN), equal to the harmonic mean, 0 when TP = 0",
        code='''def precision_recall_f1(y_true, y_pred):
    t = np.asarray(y_true).astype(bool)
    p = np.asarray(y_pred).astype(bool)
    tp, fp, fn = int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum())
    precision = tp / (tp + fp) if tp + fp > 0 else 0.0
    recall = tp / (tp + fn) if tp + fn > 0 else 0.0
    f1 = 2 * tp / (2 * tp + fp + fn) if tp > 0 else 0.0
    return float(precision), float(recall), float(f1)
''',
    ),
    Answer(
        cell="task2_solution",
        name="precision_recall_swapped",
        kind="wrong",
        why="divides TP by the number of positive labels for precision and by the positive predictions for recall",
        code='''def precision_recall_f1(y_true, y_pred):
    t = np.asarray(y_true).astype(bool)
    p = np.asarray(y_pred).astype(bool)
    tp, fp, fn = int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum())
    precision = tp / (tp + fn) if tp + fn else 0.0
    recall = tp / (tp + fp) if tp + fp else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float(precision), float(recall), float(f1)
''',
    ),
    # Task 3: ROC-AUC (review A3/B2: the chapter's own tie bug must lose the points)
    Answer(
        cell="task3_solution",
        name="chapter_tie_bug",
        kind="wrong",
        why="chapter 6 at 3457c0d (review A3/B2): the tie mask is built in sorted order and applied to the unsorted scores",
        code='''def roc_auc(y_true, scores):
    y_true, scores = np.asarray(y_true), np.asarray(scores, dtype=np.float64)
    if y_true.min() == y_true.max():
        raise ValueError("ROC-AUC is undefined when y_true contains only one class")
    order = np.argsort(scores, kind="stable")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    for value in np.unique(scores[np.r_[np.diff(scores[order]) == 0, False]]):  # average ranks over ties
        ranks[scores == value] = ranks[scores == value].mean()
    n_pos, n_neg = int(y_true.sum()), int(len(y_true) - y_true.sum())
    return float((ranks[y_true == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
''',
    ),
    Answer(
        cell="task3_solution",
        name="ties_count_zero",
        kind="wrong",
        why="counts only strict wins: a tie between a positive and a negative counts 0 instead of 1/2",
        code='''def roc_auc(y_true, scores):
    t = np.asarray(y_true).astype(bool)
    s = np.asarray(scores, dtype=np.float64)
    pos, neg = s[t], s[~t]
    if len(pos) == 0 or len(neg) == 0:
        raise ValueError("ROC-AUC is undefined when y_true contains only one class")
    return float((pos[:, None] > neg[None, :]).mean())
''',
    ),
    Answer(
        cell="task3_solution",
        name="ties_count_one",
        kind="wrong",
        why="counts a tie between a positive and a negative as a full win (>=)",
        code='''def roc_auc(y_true, scores):
    t = np.asarray(y_true).astype(bool)
    s = np.asarray(scores, dtype=np.float64)
    pos, neg = s[t], s[~t]
    if len(pos) == 0 or len(neg) == 0:
        raise ValueError("ROC-AUC is undefined when y_true contains only one class")
    return float((pos[:, None] >= neg[None, :]).mean())
''',
    ),
    Answer(
        cell="task3_solution",
        name="ordinal_ranks",
        kind="wrong",
        why="rank method with argsort ranks and no averaging over tied scores",
        code='''def roc_auc(y_true, scores):
    t = np.asarray(y_true).astype(bool)
    s = np.asarray(scores, dtype=np.float64)
    n_pos, n_neg = int(t.sum()), int((~t).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError("ROC-AUC is undefined when y_true contains only one class")
    ranks = np.empty(len(s))
    ranks[np.argsort(s, kind="stable")] = np.arange(1, len(s) + 1)
    return float((ranks[t].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
''',
    ),
    Answer(
        cell="task3_solution",
        name="average_ranks_unique",
        kind="valid",
        why="the rank method done right (the chapter's fixed version): tied scores share the mean of their ranks",
        code='''def roc_auc(y_true, scores):
    t = np.asarray(y_true).astype(bool)
    s = np.asarray(scores, dtype=np.float64)
    n_pos, n_neg = int(t.sum()), int((~t).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError("ROC-AUC is undefined when y_true contains only one class")
    _, group, counts = np.unique(s, return_inverse=True, return_counts=True)
    last = np.cumsum(counts)
    ranks = (last - (counts - 1) / 2)[group]
    return float((ranks[t].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
''',
    ),
    Answer(
        cell="task3_solution",
        name="trapezoid_roc_curve",
        kind="valid",
        why="builds the ROC curve over distinct thresholds and integrates it with the trapezoid rule (ties give diagonal steps)",
        code='''def roc_auc(y_true, scores):
    t = np.asarray(y_true).astype(bool)
    s = np.asarray(scores, dtype=np.float64)
    n_pos, n_neg = int(t.sum()), int((~t).sum())
    if n_pos == 0 or n_neg == 0:
        raise ValueError("ROC-AUC is undefined when y_true contains only one class")
    order = np.argsort(-s, kind="stable")
    s_sorted, t_sorted = s[order], t[order]
    last = np.r_[np.diff(s_sorted) != 0, True]
    tpr = np.r_[0, np.cumsum(t_sorted)[last]] / n_pos
    fpr = np.r_[0, np.cumsum(~t_sorted)[last]] / n_neg
    return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))
''',
    ),
    # Task 4: per-layer gradient norms
    Answer(
        cell="task4_solution",
        name="kernels_and_biases",
        kind="wrong",
        why="returns a norm for every trainable variable, biases included, instead of one per Dense kernel",
        code='''def layer_gradient_norms(model, x, y, loss_fn=None):
    if loss_fn is None:
        loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    variables = model.trainable_variables
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    return [float(tf.norm(g)) for g in tape.gradient(loss, variables)]
''',
    ),
    Answer(
        cell="task4_solution",
        name="numpy_norm_of_gradients",
        kind="valid",
        why="the same gradients, with the Frobenius norm taken in NumPy",
        code='''def layer_gradient_norms(model, x, y, loss_fn=None):
    loss_fn = loss_fn or keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, [layer.kernel for layer in dense])
    return [float(np.linalg.norm(g.numpy())) for g in grads]
''',
    ),
]
