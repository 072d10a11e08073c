"""Answers to exercise 7 that a learner plausibly writes (see tests/answers/__init__.py)."""

from coursekit.gradecheck import Answer

# task 4's solution cell also runs the learner's function once and times it; every answer keeps those lines
T4_RUN = """

_start = time.perf_counter()
few_shot_model = train_few_shot(pretrained_signal_base(), s_few, t_few)
few_shot_seconds = time.perf_counter() - _start
print(f"trained in {few_shot_seconds:.1f} s")
"""

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
    # Task 2: frozen base + new head
    Answer(
        cell="task2_solution",
        name="keeps_source_head",
        kind="wrong",
        why="stacks the new head on the source head's 5 logits instead of the 512 features",
        code='''def build_transfer_model(base, n_classes):
    base.trainable = False
    inputs = keras.Input((8, 8, 1))
    return keras.Model(inputs, keras.layers.Dense(n_classes, name="head")(base(inputs, training=False)))
''',
    ),
    Answer(
        cell="task2_solution",
        name="training_false_but_not_frozen",
        kind="wrong",
        why="trusts training=False to protect the base: nothing is frozen, every base weight trains (common mistake 1)",
        code='''def build_transfer_model(base, n_classes):
    extractor = keras.Model(base.input, base.get_layer("features").output)
    inputs = keras.Input((8, 8, 1))
    return keras.Model(inputs, keras.layers.Dense(n_classes, name="head")(extractor(inputs, training=False)))
''',
    ),
    Answer(
        cell="task2_solution",
        name="convs_frozen_bn_trainable",
        kind="wrong",
        why="freezes the convolutions only; BatchNormalization stays trainable and uses batch statistics under fit",
        code='''def build_transfer_model(base, n_classes):
    extractor = keras.Model(base.input, base.get_layer("features").output)
    for layer in extractor.layers:
        layer.trainable = isinstance(layer, keras.layers.BatchNormalization)
    inputs = keras.Input((8, 8, 1))
    return keras.Model(inputs, keras.layers.Dense(n_classes, name="head")(extractor(inputs, training=False)))
''',
    ),
    Answer(
        cell="task2_solution",
        name="softmax_head",
        kind="wrong",
        why="a softmax head: the spec asks for logits (the chapter's losses take from_logits=True)",
        code='''def build_transfer_model(base, n_classes):
    extractor = keras.Model(base.input, base.get_layer("features").output)
    extractor.trainable = False
    inputs = keras.Input((8, 8, 1))
    return keras.Model(inputs, keras.layers.Dense(n_classes, activation="softmax", name="head")(extractor(inputs, training=False)))
''',
    ),
    Answer(
        cell="task2_solution",
        name="no_training_flag",
        kind="valid",
        why="frozen base called without training=False: a frozen BatchNormalization runs in inference mode anyway",
        code='''def build_transfer_model(base, n_classes):
    extractor = keras.Model(base.input, base.get_layer("features").output)
    for layer in extractor.layers:
        layer.trainable = False
    inputs = keras.Input((8, 8, 1))
    return keras.Model(inputs, keras.layers.Dense(n_classes, name="head")(extractor(inputs)))
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
]
