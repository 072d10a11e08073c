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
    # Task 1: the 2:4 mask
    Answer(
        cell="task1_solution",
        name="groups_along_outputs",
        kind="wrong",
        why="groups m consecutive weights of a row (along the outputs) instead of along the inputs the product sums over",
        code='''def nm_mask(w, n=2, m=4):
    w = np.asarray(w)
    if w.ndim != 2 or w.shape[0] % m != 0 or not 0 <= n <= m:
        raise ValueError("bad kernel or n, m")
    inputs, outputs = w.shape
    if outputs % m:
        raise ValueError("outputs")
    grouped = np.abs(w).reshape(inputs, outputs // m, m)
    order = np.argsort(grouped, axis=2, kind="stable")
    keep = np.ones(grouped.shape, np.float32)
    np.put_along_axis(keep, order[:, :, : m - n], 0.0, axis=2)
    return keep.reshape(inputs, outputs)
''',
    ),
    Answer(
        cell="task1_solution",
        name="strided_groups",
        kind="wrong",
        why="reshape(m, inputs // m, outputs) groups rows g, g + inputs/m, ... (strided), not m consecutive rows",
        code='''def nm_mask(w, n=2, m=4):
    w = np.asarray(w)
    if w.ndim != 2 or w.shape[0] % m != 0 or not 0 <= n <= m:
        raise ValueError("bad kernel or n, m")
    inputs, outputs = w.shape
    grouped = np.abs(w).reshape(m, inputs // m, outputs)
    order = np.argsort(grouped, axis=0, kind="stable")
    keep = np.ones(grouped.shape, np.float32)
    np.put_along_axis(keep, order[: m - n], 0.0, axis=0)
    return keep.reshape(inputs, outputs)
''',
    ),
    Answer(
        cell="task1_solution",
        name="global_magnitude_at_half",
        kind="wrong",
        why="the chapter's unstructured magnitude mask at sparsity (m - n) / m: the right count overall, not per group",
        code='''def nm_mask(w, n=2, m=4):
    w = np.asarray(w)
    if w.ndim != 2 or w.shape[0] % m != 0 or not 0 <= n <= m:
        raise ValueError("bad kernel or n, m")
    flat = np.abs(w).ravel()
    keep = np.ones(flat.size, np.float32)
    keep[np.argsort(flat, kind="stable")[: round((m - n) / m * flat.size)]] = 0.0
    return keep.reshape(w.shape)
''',
    ),
    Answer(
        cell="task1_solution",
        name="keeps_largest_first_on_ties",
        kind="wrong",
        why="keeps the n largest with a stable sort of -|w|: among ties it keeps the smaller row and prunes the larger one",
        code='''def nm_mask(w, n=2, m=4):
    w = np.asarray(w)
    if w.ndim != 2 or w.shape[0] % m != 0 or not 0 <= n <= m:
        raise ValueError("bad kernel or n, m")
    inputs, outputs = w.shape
    grouped = -np.abs(w).reshape(inputs // m, m, outputs)
    order = np.argsort(grouped, axis=1, kind="stable")
    keep = np.zeros(grouped.shape, np.float32)
    np.put_along_axis(keep, order[:, :n, :], 1.0, axis=1)
    return keep.reshape(inputs, outputs)
''',
    ),
    Answer(
        cell="task1_solution",
        name="no_shape_checks",
        kind="wrong",
        why="right mask, but a kernel whose rows do not split into groups of m gets a reshape error, not ValueError",
        code='''def nm_mask(w, n=2, m=4):
    w = np.asarray(w)
    inputs, outputs = w.shape
    grouped = np.abs(w).reshape(inputs // m, m, outputs)
    order = np.argsort(grouped, axis=1, kind="stable")
    keep = np.ones(grouped.shape, np.float32)
    np.put_along_axis(keep, order[:, : m - n, :], 0.0, axis=1)
    return keep.reshape(inputs, outputs)
''',
    ),
    Answer(
        cell="task1_solution",
        name="python_loops_sorted_key",
        kind="valid",
        why="plain loops over columns and groups, sorting each group's rows by (|w|, row)",
        code='''def nm_mask(w, n=2, m=4):
    w = np.asarray(w)
    if w.ndim != 2 or w.shape[0] % m != 0 or not 0 <= n <= m:
        raise ValueError("bad kernel or n, m")
    keep = np.ones(w.shape, dtype=np.float32)
    for col in range(w.shape[1]):
        for start in range(0, w.shape[0], m):
            rows = sorted(range(start, start + m), key=lambda r: (abs(float(w[r, col])), r))
            for r in rows[: m - n]:
                keep[r, col] = 0.0
    return keep
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
        name="one_round_only",
        kind="wrong",
        why="assigns and moves the centroids once and stops: Lloyd's algorithm repeats until no centroid moves",
        code='''def kmeans_weights(w, k):
    w = np.asarray(w)
    v = w.astype("float64").ravel()
    c = np.linspace(v.min(), v.max(), k)
    labels = np.abs(v[:, None] - c[None, :]).argmin(axis=1)
    c = np.array([v[labels == j].mean() if np.any(labels == j) else c[j] for j in range(k)])
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
    Answer(
        cell="task4_solution",
        name="one_shot_without_fine_tuning",
        kind="wrong",
        why="prunes 80 % of every kernel at once and returns it untrained: the accuracy the fine-tuning would recover is lost",
        code='''def prune_model(model, sparsity):
    for layer in model.layers:
        if isinstance(layer, keras.layers.Dense):
            w = layer.kernel.numpy()
            cut = np.quantile(np.abs(w), sparsity, method="higher")
            layer.kernel.assign(np.where(np.abs(w) > cut, w, 0.0).astype("float32"))
    return model
''' + _T4_TAIL,
    ),
    Answer(
        cell="task4_solution",
        name="global_threshold_across_layers",
        kind="wrong",
        why="one magnitude threshold over all kernels (global pruning): 80 % overall, but the layers with large weights keep more",
        code='''def prune_model(model, sparsity):
    dense = [l for l in model.layers if isinstance(l, keras.layers.Dense)]
    cut = np.quantile(np.concatenate([np.abs(l.kernel.numpy()).ravel() for l in dense]), sparsity, method="higher")
    keeps = [(l.kernel, (np.abs(l.kernel.numpy()) > cut).astype("float32")) for l in dense]

    class Reapply(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            for kernel, keep in keeps:
                kernel.assign(kernel.numpy() * keep)

    for kernel, keep in keeps:
        kernel.assign(kernel.numpy() * keep)
    keras.utils.set_random_seed(0)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=LOSS)
    model.fit(x_train, y_train, epochs=8, batch_size=128, verbose=0, callbacks=[Reapply()])
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
    Answer(
        cell="task5_solution",
        name="baseline_dynamic_range",
        kind="wrong",
        why="int8-converts the given 256-256 baseline as it is: about 78,000 weights are 78 kB, far over the gzip budget",
        code='''def compress(model):
    with tempfile.TemporaryDirectory() as folder:
        model.export(folder, verbose=False)
        converter = tf.lite.TFLiteConverter.from_saved_model(folder)
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        return converter.convert()
''' + _T5_TAIL,
    ),
    Answer(
        cell="task5_solution",
        name="student_far_too_small",
        kind="wrong",
        why="meets the byte budget with 4 hidden units: tiny, but it cannot reach 0.55 (a budget is a ceiling, not a target)",
        code='''def compress(model):
    keras.utils.set_random_seed(0)
    student = build_mlp((4,), name="student")
    student.compile(optimizer=keras.optimizers.Adam(3e-3), loss=LOSS)
    student.fit(x_train, y_train, epochs=10, batch_size=128, verbose=0)
    with tempfile.TemporaryDirectory() as folder:
        student.export(folder, verbose=False)
        converter = tf.lite.TFLiteConverter.from_saved_model(folder)
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: ([row[None]] for row in x_train[:200])
        return converter.convert()
''' + _T5_TAIL,
    ),
    Answer(
        cell="task5_solution",
        name="distilled_student_int8",
        kind="valid",
        why="distils the baseline into a 64-unit student (T = 2, alpha = 0.5, the chapter's loss), then int8",
        code='''def compress(model):
    keras.utils.set_random_seed(0)
    teacher_train = np.asarray(model(x_train, training=False))
    student = build_mlp((64,), name="student")
    temperature, alpha = 2.0, 0.5

    def kd(target, logits):
        t, y = target[:, :10], tf.cast(target[:, 10], "int32")
        ce = keras.losses.sparse_categorical_crossentropy(y, logits, from_logits=True)
        p = tf.nn.softmax(t / temperature)
        kl = tf.reduce_sum(p * (tf.math.log(p + 1e-12) - tf.nn.log_softmax(logits / temperature)), axis=1)
        return alpha * ce + (1 - alpha) * temperature**2 * kl

    student.compile(optimizer=keras.optimizers.Adam(3e-3), loss=kd)
    student.fit(x_train, np.c_[teacher_train, y_train].astype("float32"), epochs=40, batch_size=128, verbose=0)
    with tempfile.TemporaryDirectory() as folder:
        student.export(folder, verbose=False)
        converter = tf.lite.TFLiteConverter.from_saved_model(folder)
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: ([row[None]] for row in x_train[:200])
        return converter.convert()
''' + _T5_TAIL,
    ),
]
