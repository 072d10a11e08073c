"""Answers to exercise 9 that a learner plausibly writes (see tests/answers/__init__.py)."""

from pathlib import Path

from coursekit.gradecheck import Answer

_SOURCE = (Path(__file__).resolve().parents[2] / "solutions" / "09_compression.py").read_text()


def _after_solution(grade_id: str) -> str:
    """The rest of a solution cell after `### END SOLUTION` (the call and measurement the test cell reads)."""
    cell = _SOURCE.split(f'"grade_id": "{grade_id}"', 1)[1].split("\n# %%", 1)[0]
    return cell.split("### END SOLUTION", 1)[1].split("\n", 1)[1]


_T4_TAIL, _T5_TAIL = _after_solution("task4_solution"), _after_solution("task5_solution")

_PRUNE_ONE_SHOT = '''def prune_model(model, sparsity):
    names = [l.name for l in model.layers if isinstance(l, keras.layers.Dense)]

    class Fixed(keras.constraints.Constraint):
        def __init__(self, mask):
            self.mask = keras.Variable(mask, trainable=False)

        def __call__(self, w):
            return w * self.mask

    for name in names:
        kernel = model.get_layer(name).kernel
        w = kernel.numpy()
        mask = np.ones(w.size, "float32")
        mask[np.argsort(np.abs(w).ravel(), kind="stable")[: int(round(sparsity * w.size))]] = 0.0
        mask = mask.reshape(w.shape)
        kernel.assign(w * mask)
        kernel.constraint = Fixed(mask)
    keras.utils.set_random_seed(0)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=LOSS)
    model.fit(x_train, y_train, epochs=8, batch_size=128, verbose=0)
    return model
'''

ANSWERS = [
    # Task 1: the magnitude mask
    Answer(
        cell="task1_solution",
        name="unstable_argsort",
        kind="wrong",
        why="np.argsort's default sort is not stable (E9 T1): among equal |w| it does not prune the earlier entry first",
        code='''def magnitude_mask(w, sparsity):
    flat = np.abs(np.asarray(w)).ravel()
    mask = np.ones(flat.size, dtype="float32")
    mask[np.argsort(flat)[: int(round(sparsity * flat.size))]] = 0.0
    return mask.reshape(np.shape(w))
''',
    ),
    Answer(
        cell="task1_solution",
        name="threshold_prunes_all_ties",
        kind="wrong",
        why="a threshold at the k-th smallest |w| prunes every tie at the threshold, more than k entries (E9 T1)",
        code='''def magnitude_mask(w, sparsity):
    a = np.abs(np.asarray(w))
    k = int(round(sparsity * a.size))
    if k == 0:
        return np.ones(a.shape, "float32")
    return (a > np.sort(a.ravel())[k - 1]).astype("float32")
''',
    ),
    Answer(
        cell="task1_solution",
        name="truncates_instead_of_round",
        kind="wrong",
        why="int(sparsity * n) truncates: 3.5 zeros become 3, the spec says round() (4)",
        code='''def magnitude_mask(w, sparsity):
    flat = np.abs(np.asarray(w)).ravel()
    mask = np.ones(flat.size, dtype="float32")
    mask[np.argsort(flat, kind="stable")[: int(sparsity * flat.size)]] = 0.0
    return mask.reshape(np.shape(w))
''',
    ),
    Answer(
        cell="task1_solution",
        name="lexsort_by_value_then_index",
        kind="valid",
        why="np.lexsort with the flat index as the tie-breaker is the same rule as a stable argsort",
        code='''def magnitude_mask(w, sparsity):
    a = np.abs(np.asarray(w, dtype="float64")).ravel()
    order = np.lexsort((np.arange(a.size), a))
    mask = np.ones(a.size, "float32")
    mask[order[: round(sparsity * a.size)]] = 0
    return mask.reshape(np.shape(w))
''',
    ),
    # Task 2: k-means
    Answer(
        cell="task2_solution",
        name="empty_cluster_becomes_nan",
        kind="wrong",
        why="the mean of an empty cluster is NaN: the spec says an empty centroid stays where it is",
        code='''def kmeans_weights(w, k):
    w = np.asarray(w)
    v = w.astype("float64").ravel()
    c = np.linspace(v.min(), v.max(), k)
    for _ in range(100):
        labels = np.abs(v[:, None] - c[None, :]).argmin(axis=1)
        new = np.array([v[labels == j].mean() for j in range(k)])
        if np.array_equal(new, c):
            break
        c = new
    labels = np.abs(v[:, None] - c[None, :]).argmin(axis=1)
    return c, c[labels].reshape(w.shape).astype(w.dtype)
''',
    ),
    Answer(
        cell="task2_solution",
        name="quantile_start",
        kind="wrong",
        why="starts from quantiles instead of np.linspace(min, max, k): Lloyd's algorithm ends elsewhere than sklearn's from the spec's start",
        code='''def kmeans_weights(w, k):
    w = np.asarray(w)
    v = w.astype("float64").ravel()
    c = np.quantile(v, (np.arange(k) + 0.5) / k)
    for _ in range(100):
        labels = np.abs(v[:, None] - c[None, :]).argmin(axis=1)
        new = np.array([v[labels == j].mean() if np.any(labels == j) else c[j] for j in range(k)])
        if np.array_equal(new, c):
            break
        c = new
    labels = np.abs(v[:, None] - c[None, :]).argmin(axis=1)
    return c, c[labels].reshape(w.shape).astype(w.dtype)
''',
    ),
    Answer(
        cell="task2_solution",
        name="midpoints_and_bincount",
        kind="valid",
        why="the chapter's kmeans_1d: in 1-D the nearest centroid is found by searchsorted on the midpoints, means by bincount",
        code='''def kmeans_weights(w, k):
    w = np.asarray(w)
    v = w.astype("float64").ravel()
    c = np.linspace(v.min(), v.max(), k)
    for _ in range(100):
        labels = np.searchsorted((c[1:] + c[:-1]) / 2, v)
        counts = np.bincount(labels, minlength=k)
        sums = np.bincount(labels, weights=v, minlength=k)
        new = np.where(counts > 0, sums / np.maximum(counts, 1), c)
        if np.array_equal(new, c):
            break
        c = new
    labels = np.searchsorted((c[1:] + c[:-1]) / 2, v)
    return c, c[labels].reshape(w.shape).astype(w.dtype)
''',
    ),
    # Task 3: the distillation loss
    Answer(
        cell="task3_solution",
        name="kl_without_t_squared",
        kind="wrong",
        why="forgets the T² factor on the KL term (E9 T3)",
        code='''def distillation_loss(teacher_logits, student_logits, labels, temperature, alpha):
    def log_softmax(z):
        z = np.asarray(z, "float64")
        z = z - z.max(axis=1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True))

    labels = np.asarray(labels)
    ce = -np.mean(log_softmax(student_logits)[np.arange(len(labels)), labels])
    lp, lq = log_softmax(np.asarray(teacher_logits) / temperature), log_softmax(np.asarray(student_logits) / temperature)
    kl = np.mean(np.sum(np.exp(lp) * (lp - lq), axis=1))
    return float(alpha * ce + (1 - alpha) * kl)
''',
    ),
    Answer(
        cell="task3_solution",
        name="cross_entropy_at_temperature",
        kind="wrong",
        why="computes the label cross-entropy on the student's logits divided by T (E9 T3): only the KL term uses T",
        code='''def distillation_loss(teacher_logits, student_logits, labels, temperature, alpha):
    def log_softmax(z):
        z = np.asarray(z, "float64")
        z = z - z.max(axis=1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True))

    labels = np.asarray(labels)
    lp, lq = log_softmax(np.asarray(teacher_logits) / temperature), log_softmax(np.asarray(student_logits) / temperature)
    ce = -np.mean(lq[np.arange(len(labels)), labels])
    kl = np.mean(np.sum(np.exp(lp) * (lp - lq), axis=1))
    return float(alpha * ce + (1 - alpha) * temperature**2 * kl)
''',
    ),
    Answer(
        cell="task3_solution",
        name="naive_softmax_overflows",
        kind="wrong",
        why="exp without the max shift overflows at logits of ±1000 (E9 T3): the loss becomes nan",
        code='''def distillation_loss(teacher_logits, student_logits, labels, temperature, alpha):
    def softmax(z):
        e = np.exp(np.asarray(z, "float64"))
        return e / e.sum(axis=1, keepdims=True)

    labels = np.asarray(labels)
    with np.errstate(all="ignore"):  # (a learner's silenced warnings; the value is still nan)
        q1 = softmax(student_logits)
        ce = -np.mean(np.log(q1[np.arange(len(labels)), labels]))
        p, q = softmax(np.asarray(teacher_logits) / temperature), softmax(np.asarray(student_logits) / temperature)
        kl = np.mean(np.sum(p * (np.log(p) - np.log(q)), axis=1))
    return float(alpha * ce + (1 - alpha) * temperature**2 * kl)
''',
    ),
    Answer(
        cell="task3_solution",
        name="scipy_log_softmax",
        kind="valid",
        why="scipy.special.log_softmax is stable, and kl written as sum p (log p - log q) with p = exp(log p)",
        code='''def distillation_loss(teacher_logits, student_logits, labels, temperature, alpha):
    from scipy.special import log_softmax

    t = np.asarray(teacher_logits, "float64")
    s = np.asarray(student_logits, "float64")
    y = np.asarray(labels)
    ce = -log_softmax(s, axis=1)[np.arange(len(y)), y].mean()
    lp, lq = log_softmax(t / temperature, axis=1), log_softmax(s / temperature, axis=1)
    kl = (np.exp(lp) * (lp - lq)).sum(axis=1).mean()
    return float(alpha * ce + (1 - alpha) * temperature**2 * kl)
''',
    ),
    # Task 4: prune and fine-tune
    Answer(
        cell="task4_solution",
        name="fine_tune_without_mask",
        kind="wrong",
        why="prunes once and fine-tunes without re-applying the mask: the zeros grow back (chapter, Common mistake 3)",
        code='''def prune_model(model, sparsity):
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            w = layer.kernel.numpy()
            layer.kernel.assign(np.where(np.abs(w) <= np.quantile(np.abs(w), sparsity), 0.0, w))
    keras.utils.set_random_seed(0)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=LOSS)
    model.fit(x_train, y_train, epochs=4, batch_size=128, verbose=0)
    return model
''' + _T4_TAIL,
    ),
    Answer(
        cell="task4_solution",
        name="one_shot_then_masked_fine_tune",
        kind="valid",
        why="prunes to 80 % at once and fine-tunes 8 epochs with the mask as a constraint (E9 T4: must pass the margin)",
        code=_PRUNE_ONE_SHOT + _T4_TAIL,
    ),
    Answer(
        cell="task4_solution",
        name="iterative_pruning",
        kind="valid",
        why="four rounds of pruning a bit more and fine-tuning two epochs, masks kept by a constraint (E9 T4)",
        code='''def prune_model(model, sparsity):
    names = [l.name for l in model.layers if isinstance(l, keras.layers.Dense)]

    class Fixed(keras.constraints.Constraint):
        def __init__(self, shape):
            self.mask = keras.Variable(np.ones(shape, "float32"), trainable=False)

        def __call__(self, w):
            return w * self.mask

    for name in names:
        kernel = model.get_layer(name).kernel
        kernel.constraint = Fixed(kernel.shape)
    keras.utils.set_random_seed(0)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=LOSS)
    for s in np.linspace(sparsity / 4, sparsity, 4):
        for name in names:
            kernel = model.get_layer(name).kernel
            w = kernel.numpy()
            mask = np.ones(w.size, "float32")
            mask[np.argsort(np.abs(w).ravel(), kind="stable")[: int(round(s * w.size))]] = 0.0
            mask = mask.reshape(w.shape)
            kernel.constraint.mask.assign(mask)
            kernel.assign(w * mask)
        model.fit(x_train, y_train, epochs=2, batch_size=128, verbose=0)
    return model
''' + _T4_TAIL,
    ),
    # Task 5: compress
    Answer(
        cell="task5_solution",
        name="small_student_float32",
        kind="wrong",
        why="distils into a small student but converts it in float32: four bytes a weight, over the gzip budget",
        code='''def compress(model):
    keras.utils.set_random_seed(0)
    student = build_mlp((64,), name="student")
    student.compile(optimizer=keras.optimizers.Adam(3e-3), loss=LOSS)
    student.fit(x_train, y_train, epochs=30, batch_size=128, verbose=0)
    with tempfile.TemporaryDirectory() as folder:
        student.export(folder, verbose=False)
        return tf.lite.TFLiteConverter.from_saved_model(folder).convert()
''' + _T5_TAIL,
    ),
    Answer(
        cell="task5_solution",
        name="remove_units_fine_tune_int8",
        kind="valid",
        why="structured pruning of the given model (48 units per hidden layer by incoming L1 norm), fine-tuned, then int8",
        code='''def compress(model):
    keep = 48
    (k1, b1), (k2, b2), (k3, b3) = (model.get_layer(n).get_weights() for n in ("hidden1", "hidden2", "logits"))
    keep1 = np.sort(np.argsort(-np.abs(k1).sum(axis=0), kind="stable")[:keep])
    k2 = k2[keep1]
    keep2 = np.sort(np.argsort(-np.abs(k2).sum(axis=0), kind="stable")[:keep])
    small = build_mlp((keep, keep), name="small")
    small.get_layer("hidden1").set_weights([k1[:, keep1], b1[keep1]])
    small.get_layer("hidden2").set_weights([k2[:, keep2], b2[keep2]])
    small.get_layer("logits").set_weights([k3[keep2], b3])
    keras.utils.set_random_seed(0)
    small.compile(optimizer=keras.optimizers.Adam(1e-3), loss=LOSS)
    small.fit(x_train, y_train, epochs=15, batch_size=128, verbose=0)
    with tempfile.TemporaryDirectory() as folder:
        small.export(folder, verbose=False)
        converter = tf.lite.TFLiteConverter.from_saved_model(folder)
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: ([row[None]] for row in x_train[:200])
        return converter.convert()
''' + _T5_TAIL,
    ),
]
