"""Answers to exercise 1 that a learner plausibly writes (see tests/answers/__init__.py)."""

from coursekit.gradecheck import Answer

ANSWERS = [
    # Task 1: label-smoothed cross-entropy from logits
    Answer(
        cell="task1_solution",
        name="global_max_shift",
        kind="wrong",
        why="subtracts the batch's global maximum instead of each row's (review B4): rows far below it underflow to log 0",
        code='''def smoothed_cross_entropy(logits, labels, eps=0.1):
    z = np.asarray(logits, dtype=np.float64)
    B, K = z.shape
    m = z.max()
    lse = m + np.log(np.exp(z - m).sum(axis=1))
    q = np.full((B, K), eps / K)
    q[np.arange(B), np.asarray(labels)] += 1 - eps
    return float(np.mean(lse - (q * z).sum(axis=1)))
''',
    ),
    Answer(
        cell="task1_solution",
        name="smoothing_over_other_classes",
        kind="wrong",
        why="the other convention: 1 - eps on the true class and eps/(K-1) on the others (Keras spreads eps/K over all)",
        code='''def smoothed_cross_entropy(logits, labels, eps=0.1):
    z = np.asarray(logits, dtype=np.float64)
    B, K = z.shape
    m = z.max(axis=1, keepdims=True)
    log_p = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
    q = np.full((B, K), eps / (K - 1))
    q[np.arange(B), np.asarray(labels)] = 1 - eps
    return float(np.mean(-(q * log_p).sum(axis=1)))
''',
    ),
    Answer(
        cell="task1_solution",
        name="naive_softmax_then_log",
        kind="wrong",
        why="softmax probabilities first, then their log: overflow and log 0 for large logits (chapter 1.5)",
        code='''def smoothed_cross_entropy(logits, labels, eps=0.1):
    z = np.asarray(logits, dtype=np.float64)
    B, K = z.shape
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    q = np.full((B, K), eps / K)
    q[np.arange(B), np.asarray(labels)] += 1 - eps
    return float(np.mean(-(q * np.log(p)).sum(axis=1)))
''',
    ),
    Answer(
        cell="task1_solution",
        name="smoothing_ignored",
        kind="wrong",
        why="the plain stable cross-entropy: eps accepted but never used",
        code='''def smoothed_cross_entropy(logits, labels, eps=0.1):
    z = np.asarray(logits, dtype=np.float64)
    m = z.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))
    return float(np.mean(lse - z[np.arange(len(z)), np.asarray(labels)]))
''',
    ),
    Answer(
        cell="task1_solution",
        name="scipy_log_softmax",
        kind="valid",
        why="scipy.special.log_softmax does the row-wise shift; targets built from np.eye",
        code='''def smoothed_cross_entropy(logits, labels, eps=0.1):
    from scipy.special import log_softmax
    z = np.asarray(logits, dtype=np.float64)
    K = z.shape[1]
    q = (1 - eps) * np.eye(K)[np.asarray(labels)] + eps / K
    return float(-(q * log_softmax(z, axis=1)).sum(axis=1).mean())
''',
    ),
    Answer(
        cell="task1_solution",
        name="mixture_of_two_losses",
        kind="valid",
        why="(1 - eps) CE + eps (mean over classes of -log p): the same loss split into its two parts",
        code='''def smoothed_cross_entropy(logits, labels, eps=0.1):
    z = np.asarray(logits, dtype=np.float64)
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    ce = -np.take_along_axis(log_p, np.asarray(labels)[:, None], axis=1)[:, 0]
    uniform = -log_p.mean(axis=1)
    return float(np.mean((1 - eps) * ce + eps * uniform))
''',
    ),
    # Task 2: pinball loss
    Answer(
        cell="task2_solution",
        name="residual_sign_flipped",
        kind="wrong",
        why="r = y_pred - y_true: the loss of the (1 - tau)-quantile",
        code='''def pinball_loss_and_grad(y_true, y_pred, tau):
    r = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    loss = np.maximum(tau * r, (tau - 1) * r).mean()
    return float(loss), np.where(r > 0, tau, tau - 1) / r.size
''',
    ),
    Answer(
        cell="task2_solution",
        name="gradient_wrt_target",
        kind="wrong",
        why="differentiates with respect to r = y - y_pred (i.e. y), not y_pred: every gradient has the wrong sign",
        code='''def pinball_loss_and_grad(y_true, y_pred, tau):
    r = np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64)
    loss = np.maximum(tau * r, (tau - 1) * r).mean()
    return float(loss), np.where(r > 0, tau, tau - 1) / r.size
''',
    ),
    Answer(
        cell="task2_solution",
        name="gradient_without_mean",
        kind="wrong",
        why="the per-example slope, forgetting the 1/B of the mean",
        code='''def pinball_loss_and_grad(y_true, y_pred, tau):
    r = np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64)
    loss = np.maximum(tau * r, (tau - 1) * r).mean()
    return float(loss), np.where(r > 0, -tau, 1 - tau)
''',
    ),
    Answer(
        cell="task2_solution",
        name="half_mae",
        kind="wrong",
        why="ignores tau: half the absolute error, the median's loss",
        code='''def pinball_loss_and_grad(y_true, y_pred, tau):
    r = np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64)
    return float(0.5 * np.abs(r).mean()), -0.5 * np.sign(r) / r.size
''',
    ),
    Answer(
        cell="task2_solution",
        name="indicator_form",
        kind="valid",
        why="the indicator form: loss (tau - [r < 0]) r, gradient ([r < 0] - tau)/B",
        code='''def pinball_loss_and_grad(y_true, y_pred, tau):
    r = np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64)
    below = (r < 0).astype(np.float64)
    return float(np.mean((tau - below) * r)), (below - tau) / len(r)
''',
    ),
    # Task 3: balanced sample weights
    Answer(
        cell="task3_solution",
        name="k_from_max_label",
        kind="wrong",
        why="counts classes with np.bincount, so K includes labels that never occur (K = max label + 1)",
        code='''def balanced_sample_weights(y):
    y = np.asarray(y)
    counts = np.bincount(y)
    return len(y) / (len(counts) * counts[y].astype(np.float64))
''',
    ),
    Answer(
        cell="task3_solution",
        name="inverse_count_unnormalised",
        kind="wrong",
        why="weights 1/n_c without the N/K factor: the right ratios, but they do not average 1",
        code='''def balanced_sample_weights(y):
    _, inverse, counts = np.unique(np.asarray(y), return_inverse=True, return_counts=True)
    return 1.0 / counts[inverse].astype(np.float64)
''',
    ),
    Answer(
        cell="task3_solution",
        name="sklearn_compute_sample_weight",
        kind="valid",
        why="scikit-learn's own balanced rule",
        code='''def balanced_sample_weights(y):
    from sklearn.utils.class_weight import compute_sample_weight
    return compute_sample_weight("balanced", np.asarray(y)).astype(np.float64)
''',
    ),
    Answer(
        cell="task3_solution",
        name="normalised_to_sum_one",
        kind="wrong",
        why="balanced ratios normalised to sum 1 (a probability vector) instead of averaging 1",
        code='''def balanced_sample_weights(y):
    _, inverse, counts = np.unique(np.asarray(y), return_inverse=True, return_counts=True)
    w = 1.0 / counts[inverse].astype(np.float64)
    return w / w.sum()
''',
    ),
    # Task 4: choose the Keras losses (checked by their consequences)
    Answer(
        cell="task4_solution",
        name="price_mse",
        kind="wrong",
        why="MSE for prices with gross errors: quadratic everywhere, the best constant is dragged by the 10 %",
        code='''def choose_losses():
    return {
        "price": keras.losses.MeanSquaredError(),
        "digits": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        "tags": keras.losses.BinaryCrossentropy(),
    }
''',
    ),
    Answer(
        cell="task4_solution",
        name="huber_default_delta",
        kind="wrong",
        why="Huber left at Keras's default delta = 1 on prices: honest errors fall in the linear zone (MAE in disguise)",
        code='''def choose_losses():
    return {
        "price": keras.losses.Huber(),
        "digits": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        "tags": keras.losses.BinaryCrossentropy(),
    }
''',
    ),
    Answer(
        cell="task4_solution",
        name="digits_from_probabilities",
        kind="wrong",
        why="digits: SparseCategoricalCrossentropy left at from_logits=False on a Dense(10) without activation",
        code='''def choose_losses():
    return {
        "price": keras.losses.Huber(delta=20_000.0),
        "digits": keras.losses.SparseCategoricalCrossentropy(),
        "tags": keras.losses.BinaryCrossentropy(),
    }
''',
    ),
    Answer(
        cell="task4_solution",
        name="tags_from_logits",
        kind="wrong",
        why="from_logits=True on sigmoid outputs: the probabilities are squashed a second time (review A1)",
        code='''def choose_losses():
    return {
        "price": keras.losses.Huber(delta=20_000.0),
        "digits": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        "tags": keras.losses.BinaryCrossentropy(from_logits=True),
    }
''',
    ),
    Answer(
        cell="task4_solution",
        name="tags_categorical",
        kind="wrong",
        why="multi-label tags scored with CategoricalCrossentropy (one softmax competition) instead of one BCE per tag",
        code='''def choose_losses():
    return {
        "price": keras.losses.Huber(delta=20_000.0),
        "digits": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        "tags": keras.losses.CategoricalCrossentropy(),
    }
''',
    ),
    Answer(
        cell="task4_solution",
        name="wider_huber_and_defaults",
        kind="valid",
        why="a wider threshold (delta = 40,000 keeps honest errors quadratic and gross ones linear), positional delta",
        code='''def choose_losses():
    return {
        "tags": keras.losses.BinaryCrossentropy(),
        "digits": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        "price": keras.losses.Huber(40000),
    }
''',
    ),
    # Task 5: Huber's threshold from a baseline's residuals
    Answer(
        cell="task5_solution",
        name="keras_default_delta",
        kind="wrong",
        why="Keras's default delta = 1 at a residual spread of 7: nearly the median, about 1.5x the mean's squared error",
        code='''task5_delta = 1.0
''',
    ),
    Answer(
        cell="task5_solution",
        name="three_sigma",
        kind="wrong",
        why="a '3-sigma' threshold: too permissive, each gross error pulls the estimate by 3 sigma",
        code='''task5_delta = float(3 * np.std(BASELINE_RESIDUALS))
''',
    ),
    Answer(
        cell="task5_solution",
        name="variance_not_std",
        kind="wrong",
        why="the residuals' variance (49) used as the threshold: units of error squared",
        code='''task5_delta = float(np.var(BASELINE_RESIDUALS))
''',
    ),
    Answer(
        cell="task5_solution",
        name="largest_residual",
        kind="wrong",
        why="the largest clean residual, 'so that no honest error is clipped': far too wide for the gross errors",
        code='''task5_delta = float(np.max(np.abs(BASELINE_RESIDUALS)))
''',
    ),
    Answer(
        cell="task5_solution",
        name="robust_mad_scale",
        kind="valid",
        why="1.345 times the MAD-based spread 1.4826 median|r - median r|, robust if the baseline had outliers too",
        code='''_r = BASELINE_RESIDUALS
task5_delta = float(1.345 * 1.4826 * np.median(np.abs(_r - np.median(_r))))
''',
    ),
    Answer(
        cell="task5_solution",
        name="two_sigma",
        kind="valid",
        why="two standard deviations: more efficient, less robust, still inside both limits",
        code='''task5_delta = float(2 * np.std(BASELINE_RESIDUALS))
''',
    ),
]
