"""Answers to exercise 7 that a learner plausibly writes (see tests/answers/__init__.py)."""

from coursekit.gradecheck import Answer

# task 4's solution cell also runs the learner's function once and times it; every answer keeps those lines
T4_RUN = """

_start = time.perf_counter()
few_shot_model = train_few_shot(pretrained_signal_base(), s_few, t_few)
few_shot_seconds = time.perf_counter() - _start
print(f"trained in {few_shot_seconds:.1f} s")
"""

# task 5's solution cell also runs the learner's function once; every answer keeps that line
T5_RUN = """

probe_model = probe_frozen(pretrained_signal_base(), s_50, t_50, s_val, t_val)
"""


def _probe(choose: str) -> str:
    """A task-5 answer that fits scikit-learn heads at each depth in CUTS and keeps one: `choose` is the rule."""
    return '''def probe_frozen(base, x, y, x_val, y_val):
    from sklearn.linear_model import LogisticRegression

    fits = []
    for cut in CUTS:
        h = base.get_layer(cut).output
        if len(h.shape) == 3:
            h = keras.layers.GlobalMaxPooling1D()(h)
        reader = keras.Model(base.input, h)
        reader.trainable = False
        clf = LogisticRegression(max_iter=5000).fit(np.asarray(reader(x, training=False)), y)
        fits.append((cut, reader, clf))
''' + choose + '''
    signals = keras.Input((40, 1))
    head = keras.layers.Dense(5, name="head")
    model = keras.Model(signals, head(reader(signals, training=False)))
    head.set_weights([clf.coef_.T.astype("float32"), clf.intercept_.astype("float32")])
    return model
''' + T5_RUN

ANSWERS = [
    # Task 1: freeze all but the top n_trainable weighted layers
    Answer(
        cell="task1_solution",
        name="counts_batchnorm_as_weighted",
        kind="wrong",
        why="BatchNormalization counted among the weighted layers, so n_trainable=2 unfreezes block2_bn, not block2_conv",
        code='''def freeze_base(model, n_trainable):
    model.trainable = True
    weighted = [l for l in model.layers if l.weights]
    for layer in model.layers:
        layer.trainable = False
    for layer in weighted[len(weighted) - min(n_trainable, len(weighted)):]:
        layer.trainable = True
    return model
''',
    ),
    Answer(
        cell="task1_solution",
        name="minus_zero_slice",
        kind="wrong",
        why="weighted[-n_trainable:] with n_trainable=0 is the whole list: 'freeze everything' unfreezes everything",
        code='''def freeze_base(model, n_trainable):
    model.trainable = True
    weighted = [l for l in model.layers if l.weights and not isinstance(l, keras.layers.BatchNormalization)]
    for layer in model.layers:
        layer.trainable = False
    for layer in weighted[-n_trainable:]:
        layer.trainable = True
    return model
''',
    ),
    Answer(
        cell="task1_solution",
        name="model_left_frozen",
        kind="wrong",
        why="never sets model.trainable = True: on a model frozen as a whole every layer stays frozen",
        code='''def freeze_base(model, n_trainable):
    weighted = [l for l in model.layers if l.weights and not isinstance(l, keras.layers.BatchNormalization)]
    for layer in model.layers:
        layer.trainable = False
    for layer in weighted[len(weighted) - min(n_trainable, len(weighted)):]:
        layer.trainable = True
    return model
''',
    ),
    Answer(
        cell="task1_solution",
        name="batchnorm_left_trainable",
        kind="wrong",
        why="only the weighted layers' flags are set: BatchNormalization layers keep trainable=True",
        code='''def freeze_base(model, n_trainable):
    model.trainable = True
    weighted = [l for l in model.layers if l.weights and not isinstance(l, keras.layers.BatchNormalization)]
    for i, layer in enumerate(weighted):
        layer.trainable = i >= len(weighted) - n_trainable
    return model
''',
    ),
    Answer(
        cell="task1_solution",
        name="count_from_the_top",
        kind="valid",
        why="walks the layers from the top, counting weighted layers down",
        code='''def freeze_base(model, n_trainable):
    model.trainable = True
    left = n_trainable
    for layer in reversed(model.layers):
        is_weighted = bool(layer.weights) and not isinstance(layer, keras.layers.BatchNormalization)
        layer.trainable = is_weighted and left > 0
        left -= int(is_weighted)
    return model
''',
    ),
    # Task 2: the frozen base cut at the layer named `cut`, max-pooled where it has positions, a new head
    Answer(
        cell="task2_solution",
        name="always_features",
        kind="wrong",
        why="the chapter's habit: reads the base at 'features' whatever `cut` says (frozen part too large)",
        code='''def build_cut_model(base, cut, n_classes):
    truncated = keras.Model(base.input, base.get_layer("features").output)
    truncated.trainable = False
    signals = keras.Input((40, 1))
    return keras.Model(signals, keras.layers.Dense(n_classes, name="head")(truncated(signals, training=False)))
''',
    ),
    Answer(
        cell="task2_solution",
        name="flatten_not_pool",
        kind="wrong",
        why="Flatten instead of a max over positions: the head gets L x C inputs and its parameters grow with L",
        code='''def build_cut_model(base, cut, n_classes):
    truncated = keras.Model(base.input, base.get_layer(cut).output)
    truncated.trainable = False
    signals = keras.Input((40, 1))
    h = truncated(signals, training=False)
    if len(h.shape) == 3:
        h = keras.layers.Flatten(name="pool")(h)
    return keras.Model(signals, keras.layers.Dense(n_classes, name="head")(h))
''',
    ),
    Answer(
        cell="task2_solution",
        name="training_false_but_not_frozen",
        kind="wrong",
        why="trusts training=False to protect the base: nothing is frozen, every base weight trains (common mistake 1)",
        code='''def build_cut_model(base, cut, n_classes):
    truncated = keras.Model(base.input, base.get_layer(cut).output)
    signals = keras.Input((40, 1))
    h = truncated(signals, training=False)
    if len(h.shape) == 3:
        h = keras.layers.GlobalMaxPooling1D(name="pool")(h)
    return keras.Model(signals, keras.layers.Dense(n_classes, name="head")(h))
''',
    ),
    Answer(
        cell="task2_solution",
        name="convs_frozen_bn_trainable",
        kind="wrong",
        why="freezes the convolutions only; BatchNormalization stays trainable and uses batch statistics under fit",
        code='''def build_cut_model(base, cut, n_classes):
    truncated = keras.Model(base.input, base.get_layer(cut).output)
    for layer in truncated.layers:
        layer.trainable = isinstance(layer, keras.layers.BatchNormalization)
    signals = keras.Input((40, 1))
    h = truncated(signals, training=False)
    if len(h.shape) == 3:
        h = keras.layers.GlobalMaxPooling1D(name="pool")(h)
    return keras.Model(signals, keras.layers.Dense(n_classes, name="head")(h))
''',
    ),
    Answer(
        cell="task2_solution",
        name="stops_below_the_cut",
        kind="wrong",
        why="base.layers[1:index(cut)]: the cut layer itself is left out (invisible after a pooling or ReLU cut, not at block2_bn)",
        code='''def build_cut_model(base, cut, n_classes):
    names = [layer.name for layer in base.layers]
    taken = base.layers[1:names.index(cut)]
    for layer in taken:
        layer.trainable = False
    model = keras.Sequential([keras.Input((40, 1)), *taken])
    if len(taken[-1].output.shape) == 3:
        model.add(keras.layers.GlobalMaxPooling1D(name="pool"))
    model.add(keras.layers.Dense(n_classes, name="head"))
    return model
''',
    ),
    Answer(
        cell="task2_solution",
        name="pools_a_flat_output",
        kind="wrong",
        why="always adds GlobalMaxPooling1D: at cut='features' the output is already (None, C) and the layer fails",
        code='''def build_cut_model(base, cut, n_classes):
    truncated = keras.Model(base.input, base.get_layer(cut).output)
    truncated.trainable = False
    signals = keras.Input((40, 1))
    h = keras.layers.GlobalMaxPooling1D(name="pool")(truncated(signals, training=False))
    return keras.Model(signals, keras.layers.Dense(n_classes, name="head")(h))
''',
    ),
    Answer(
        cell="task2_solution",
        name="average_pool",
        kind="wrong",
        why="GlobalAveragePooling1D (chapter 7.6's MobileNetV2 pooling='avg'): the mean response, not the largest",
        code='''def build_cut_model(base, cut, n_classes):
    truncated = keras.Model(base.input, base.get_layer(cut).output)
    truncated.trainable = False
    signals = keras.Input((40, 1))
    h = truncated(signals, training=False)
    if len(h.shape) == 3:
        h = keras.layers.GlobalAveragePooling1D(name="pool")(h)
    return keras.Model(signals, keras.layers.Dense(n_classes, name="head")(h))
''',
    ),
    Answer(
        cell="task2_solution",
        name="sequential_of_base_layers",
        kind="valid",
        why="a Sequential model that reuses the base's layer objects up to and including `cut`, each frozen",
        code='''def build_cut_model(base, cut, n_classes):
    names = [layer.name for layer in base.layers]
    taken = base.layers[1:names.index(cut) + 1]
    for layer in taken:
        layer.trainable = False
    model = keras.Sequential([keras.Input((40, 1)), *taken])
    if len(taken[-1].output.shape) == 3:
        model.add(keras.layers.GlobalMaxPooling1D(name="pool"))
    model.add(keras.layers.Dense(n_classes, name="head"))
    return model
''',
    ),
    Answer(
        cell="task2_solution",
        name="max_with_ops",
        kind="valid",
        why="no nested model: the max over positions with keras.ops.max on the base's own graph, layers frozen one by one",
        code='''def build_cut_model(base, cut, n_classes):
    for layer in base.layers:
        layer.trainable = False
    h = base.get_layer(cut).output
    if len(h.shape) == 3:
        h = keras.ops.max(h, axis=1)
    return keras.Model(base.input, keras.layers.Dense(n_classes, name="head")(h))
''',
    ),
    # Task 3: head phase, linear warm-up, fine-tuning rate
    Answer(
        cell="task3_solution",
        name="warmup_starts_at_zero",
        kind="wrong",
        why="(t - head_steps) / warmup_steps: the first fine-tuning step has rate 0 and the last warm-up step misses fine_lr",
        code='''def finetune_lr(step, head_steps, head_lr, fine_lr, warmup_steps):
    if step < head_steps:
        return float(head_lr)
    if step < head_steps + warmup_steps:
        return float(fine_lr * (step - head_steps) / warmup_steps)
    return float(fine_lr)
''',
    ),
    Answer(
        cell="task3_solution",
        name="min_without_guard",
        kind="wrong",
        why="min(1, (t - h + 1) / w) divides by zero when warmup_steps = 0",
        code='''def finetune_lr(step, head_steps, head_lr, fine_lr, warmup_steps):
    if step < head_steps:
        return float(head_lr)
    return float(fine_lr * min(1.0, (step - head_steps + 1) / warmup_steps))
''',
    ),
    Answer(
        cell="task3_solution",
        name="head_boundary_inclusive",
        kind="wrong",
        why="step <= head_steps: the first fine-tuning step still uses the head's rate",
        code='''def finetune_lr(step, head_steps, head_lr, fine_lr, warmup_steps):
    if step <= head_steps and head_steps > 0:
        return float(head_lr)
    if step < head_steps + warmup_steps:
        return float(fine_lr * (step - head_steps + 1) / warmup_steps)
    return float(fine_lr)
''',
    ),
    Answer(
        cell="task3_solution",
        name="guarded_min",
        kind="valid",
        why="one expression with min() and an explicit warmup_steps = 0 guard",
        code='''def finetune_lr(step, head_steps, head_lr, fine_lr, warmup_steps):
    if step < head_steps:
        return float(head_lr)
    ramp = 1.0 if warmup_steps == 0 else min(1.0, (step - head_steps + 1) / warmup_steps)
    return float(fine_lr * ramp)
''',
    ),
    # Task 4: two labels per class; the target needs transfer
    Answer(
        cell="task4_solution",
        name="from_scratch_reference",
        kind="wrong",
        why="the from-scratch reference the task states: same architecture, random weights, Adam 3e-3, 200 steps",
        code='''def train_few_shot(base, x, y):
    keras.utils.set_random_seed(0)
    model = keras.models.clone_model(base)
    model.compile(optimizer=keras.optimizers.Adam(3e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=len(x), epochs=200, verbose=0)
    return model
''' + T4_RUN,
    ),
    Answer(
        cell="task4_solution",
        name="from_scratch_fast_rate",
        kind="wrong",
        why="from scratch at the reference's other rate, 1e-2",
        code='''def train_few_shot(base, x, y):
    keras.utils.set_random_seed(0)
    model = keras.models.clone_model(base)
    model.compile(optimizer=keras.optimizers.Adam(1e-2),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=len(x), epochs=200, verbose=0)
    return model
''' + T4_RUN,
    ),
    Answer(
        cell="task4_solution",
        name="linear_on_raw_signals",
        kind="wrong",
        why="a linear classifier on the raw signal: no base at all (chapter 7.4: raw MNIST-1D is not linearly separable)",
        code='''def train_few_shot(base, x, y):
    keras.utils.set_random_seed(0)
    inputs = keras.Input((40, 1))
    model = keras.Model(inputs, keras.layers.Dense(5)(keras.layers.Flatten()(inputs)))
    model.compile(optimizer=keras.optimizers.Adam(1e-2),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=len(x), epochs=200, verbose=0)
    return model
''' + T4_RUN,
    ),
    Answer(
        cell="task4_solution",
        name="source_head_logits",
        kind="wrong",
        why="returns the pretrained model untouched: its logits name the source classes 0-4, not the targets",
        code='''def train_few_shot(base, x, y):
    return base
''' + T4_RUN,
    ),
    Answer(
        cell="task4_solution",
        name="flat_model_layer_flags",
        kind="valid",
        why="no nested base model: a Dense head on the base's 'features' output, freezing and unfreezing layer by layer",
        code='''def train_few_shot(base, x, y):
    keras.utils.set_random_seed(0)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model = keras.Model(base.input, keras.layers.Dense(5)(base.get_layer("features").output))
    for layer in model.layers[:-1]:
        layer.trainable = False
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss=loss)
    model.fit(x, y, batch_size=len(x), epochs=100, verbose=0)
    for layer in model.layers[:-1]:
        layer.trainable = not isinstance(layer, keras.layers.BatchNormalization)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=loss)
    model.fit(x, y, batch_size=len(x), epochs=100, verbose=0)
    return model
''' + T4_RUN,
    ),
    # Task 5: a frozen, shared base: decide on validation at which depth to read it (test accuracy >= 0.945)
    Answer(
        cell="task5_solution",
        name="reads_features",
        kind="wrong",
        why="no decision: reads the base where chapter 7 does, at 'features' (the top depth is the most source-specific)",
        code=_probe("    cut, reader, clf = fits[-1]\n"),
    ),
    Answer(
        cell="task5_solution",
        name="reads_lowest",
        kind="wrong",
        why="'low layers are generic, so the lowest is best': block1_pool, without measuring",
        code=_probe("    cut, reader, clf = fits[0]\n"),
    ),
    Answer(
        cell="task5_solution",
        name="chooses_on_training_accuracy",
        kind="wrong",
        why="scores each depth on its own training signals: two depths fit them perfectly, the tie goes to the last",
        code=_probe('''    best = -1.0
    for cut_, reader_, clf_ in fits:
        score = clf_.score(np.asarray(reader_(x, training=False)), y)
        if score >= best:
            best, cut, reader, clf = score, cut_, reader_, clf_
'''),
    ),
    Answer(
        cell="task5_solution",
        name="probe_on_raw_signals",
        kind="wrong",
        why="skips the base: a linear classifier on the raw signal (chapter 7.4: raw MNIST-1D is not linearly separable)",
        code='''def probe_frozen(base, x, y, x_val, y_val):
    keras.utils.set_random_seed(0)
    signals = keras.Input((40, 1))
    model = keras.Model(signals, keras.layers.Dense(5, name="head")(keras.layers.Flatten()(signals)))
    model.compile(optimizer=keras.optimizers.Adam(1e-2),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x, y, batch_size=len(x), epochs=300, verbose=0)
    return model
''' + T5_RUN,
    ),
    Answer(
        cell="task5_solution",
        name="fine_tunes_the_shared_base",
        kind="wrong",
        why="fine-tunes the base after the head (accurate, but the shared base was to stay frozen: its weights changed)",
        code='''def probe_frozen(base, x, y, x_val, y_val):
    keras.utils.set_random_seed(0)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    reader = keras.Model(base.input, base.get_layer("features").output)
    signals = keras.Input((40, 1))
    model = keras.Model(signals, keras.layers.Dense(5, name="head")(reader(signals, training=False)))
    reader.trainable = False
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss=loss)
    model.fit(x, y, batch_size=len(x), epochs=100, verbose=0)
    reader.trainable = True
    for layer in reader.layers:
        layer.trainable = not isinstance(layer, keras.layers.BatchNormalization)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=loss)
    model.fit(x, y, batch_size=len(x), epochs=100, verbose=0)
    return model
''' + T5_RUN,
    ),
    Answer(
        cell="task5_solution",
        name="keras_heads_on_features",
        kind="valid",
        why="Keras heads instead of scikit-learn: one Dense per depth trained on the frozen features, chosen on validation",
        code='''def probe_frozen(base, x, y, x_val, y_val):
    best = None
    for cut in CUTS:
        h = base.get_layer(cut).output
        if len(h.shape) == 3:
            h = keras.layers.GlobalMaxPooling1D()(h)
        reader = keras.Model(base.input, h)
        reader.trainable = False
        f, f_val = np.asarray(reader(x, training=False)), np.asarray(reader(x_val, training=False))
        keras.utils.set_random_seed(0)
        head = keras.layers.Dense(5, name="head")
        probe = keras.Sequential([keras.Input((f.shape[1],)), head])
        probe.compile(optimizer=keras.optimizers.Adam(1e-2),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        probe.fit(f, y, batch_size=len(f), epochs=500, verbose=0)
        score = float(np.mean(np.asarray(probe(f_val)).argmax(axis=1) == y_val))
        if best is None or score > best[0]:
            best = (score, reader, head)
    _, reader, head = best
    signals = keras.Input((40, 1))
    return keras.Model(signals, head(reader(signals, training=False)))
''' + T5_RUN,
    ),
    Answer(
        cell="task5_solution",
        name="all_depths_at_once",
        kind="valid",
        why="no single depth: one linear head on the three depths' pooled features side by side (still a frozen base)",
        code='''def probe_frozen(base, x, y, x_val, y_val):
    from sklearn.linear_model import LogisticRegression

    outs = []
    for cut in CUTS:
        h = base.get_layer(cut).output
        outs.append(keras.layers.GlobalMaxPooling1D()(h) if len(h.shape) == 3 else h)
    reader = keras.Model(base.input, keras.layers.Concatenate()(outs))
    reader.trainable = False
    clf = LogisticRegression(max_iter=5000).fit(np.asarray(reader(x, training=False)), y)
    signals = keras.Input((40, 1))
    head = keras.layers.Dense(5, name="head")
    model = keras.Model(signals, head(reader(signals, training=False)))
    head.set_weights([clf.coef_.T.astype("float32"), clf.intercept_.astype("float32")])
    return model
''' + T5_RUN,
    ),
]
