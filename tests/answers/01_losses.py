"""Answers to exercise 1 that a learner plausibly writes (see tests/answers/__init__.py)."""

from coursekit.gradecheck import Answer

ANSWERS = [
    # Task 1: softmax cross-entropy
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
        name="sum_not_mean",
        kind="wrong",
        why="sums the per-example losses instead of averaging them over the batch",
        code='''def softmax_cross_entropy(logits, labels):
    z = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels)
    m = z.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))
    return float(np.sum(lse - z[np.arange(len(z)), labels]))
''',
    ),
    Answer(
        cell="task1_solution",
        name="per_row_losses",
        kind="wrong",
        why="returns the per-example losses (an array) instead of the batch mean as a float",
        code='''def softmax_cross_entropy(logits, labels):
    z = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels)
    m = z.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))
    return lse - z[np.arange(len(z)), labels]
''',
    ),
    Answer(
        cell="task1_solution",
        name="naive_softmax_then_log",
        kind="wrong",
        why="computes softmax probabilities first and then their log: overflows for large logits (chapter §1.5)",
        code='''def softmax_cross_entropy(logits, labels):
    z = np.asarray(logits, dtype=np.float64)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return float(np.mean(-np.log(p[np.arange(len(z)), np.asarray(labels)])))
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
    Answer(
        cell="task1_solution",
        name="log_softmax_take_along_axis",
        kind="valid",
        why="row-wise log-softmax, then the true class picked with np.take_along_axis",
        code='''def softmax_cross_entropy(logits, labels):
    z = np.asarray(logits, dtype=np.float64)
    shifted = z - z.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_p, np.asarray(labels)[:, None], axis=-1)
    return -float(picked.mean())
''',
    ),
    # Task 2: Huber
    Answer(
        cell="task2_solution",
        name="grad_without_mean",
        kind="wrong",
        why="returns the per-example gradient clip(r, ±δ), forgetting the 1/B of the mean",
        code='''def huber_loss_and_grad(y_true, y_pred, delta=1.0):
    r = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    abs_r = np.abs(r)
    per_example = np.where(abs_r <= delta, 0.5 * r**2, delta * (abs_r - 0.5 * delta))
    return float(per_example.mean()), np.clip(r, -delta, delta)
''',
    ),
    Answer(
        cell="task2_solution",
        name="linear_branch_without_offset",
        kind="wrong",
        why="uses δ|r| outside the quadratic zone instead of δ(|r| − δ/2): the loss jumps at |r| = δ",
        code='''def huber_loss_and_grad(y_true, y_pred, delta=1.0):
    r = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    abs_r = np.abs(r)
    per_example = np.where(abs_r <= delta, 0.5 * r**2, delta * abs_r)
    return float(per_example.mean()), np.clip(r, -delta, delta) / r.size
''',
    ),
    Answer(
        cell="task2_solution",
        name="mse_gradient_inside",
        kind="wrong",
        why="uses MSE's gradient 2r inside the zone (Huber is ½r² there, review D 01:96-97)",
        code='''def huber_loss_and_grad(y_true, y_pred, delta=1.0):
    r = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    abs_r = np.abs(r)
    per_example = np.where(abs_r <= delta, 0.5 * r**2, delta * (abs_r - 0.5 * delta))
    grad = np.where(abs_r <= delta, 2 * r, delta * np.sign(r))
    return float(per_example.mean()), grad / r.size
''',
    ),
    Answer(
        cell="task2_solution",
        name="strict_boundary",
        kind="valid",
        why="`<` instead of `<=` at |r| = δ: both branches agree there in value and gradient (review B3)",
        code='''def huber_loss_and_grad(y_true, y_pred, delta=1.0):
    r = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    abs_r = np.abs(r)
    inside = abs_r < delta
    per_example = np.where(inside, 0.5 * r**2, delta * (abs_r - 0.5 * delta))
    grad = np.where(inside, r, delta * np.sign(r))
    return float(per_example.mean()), grad / len(r)
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
    # Task 4: choose the Keras losses
    Answer(
        cell="task4_solution",
        name="tags_categorical",
        kind="wrong",
        why="multi-label tags scored with CategoricalCrossentropy (softmax competition) instead of one BCE per tag (review C3)",
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
        name="tags_from_logits",
        kind="wrong",
        why="from_logits=True on sigmoid outputs: only Keras-on-TensorFlow's _keras_logits rescue makes it work (review A1)",
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
        name="huber_default_delta",
        kind="wrong",
        why="Huber left at Keras's default δ = 1 on prices in the hundreds of thousands: MAE in disguise (chapter mistake 5)",
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
        name="defaults_spelled_differently",
        kind="valid",
        why="the same losses with positional delta and BinaryCrossentropy's default from_logits=False",
        code='''def choose_losses():
    return {
        "tags": keras.losses.BinaryCrossentropy(),
        "digits": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        "price": keras.losses.Huber(20000),
    }
''',
    ),
]
