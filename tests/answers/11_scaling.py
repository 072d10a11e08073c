"""Answers to exercise 11 that a learner plausibly writes (see tests/answers/__init__.py)."""

from coursekit.gradecheck import Answer

ANSWERS = [
    # ---- Task 1: training memory
    Answer(
        cell="task1_solution",
        name="no_accumulator_bytes",
        kind="wrong",
        why="forgets the gradient accumulator (review M3, pitfall 2): Adam in float32 stays at 16 B/param, not 20",
        code='''def training_memory_bytes(n_params, optimizer, param_dtype="float32", activation_elements=0, compute_dtype="float32",
                          gradient_accumulation=False):
    size_of = {"float64": 8, "float32": 4, "float16": 2, "bfloat16": 2}
    optimizer_slots = {"sgd": 0, "momentum": 1, "adam": 2}
    if optimizer not in optimizer_slots:
        raise ValueError(f"unknown optimizer {optimizer!r}")
    if param_dtype not in size_of or compute_dtype not in size_of:
        raise ValueError("unknown dtype")
    model_states = (2 + optimizer_slots[optimizer]) * int(n_params) * size_of[param_dtype]
    return int(model_states + int(activation_elements) * size_of[compute_dtype])
''',
    ),
    Answer(
        cell="task1_solution",
        name="accumulator_in_compute_dtype",
        kind="wrong",
        why="counts the accumulator in the compute dtype; Keras creates it like the variable (review M3, pitfall 2)",
        code='''def training_memory_bytes(n_params, optimizer, param_dtype="float32", activation_elements=0, compute_dtype="float32",
                          gradient_accumulation=False):
    size_of = {"float64": 8, "float32": 4, "float16": 2, "bfloat16": 2}
    optimizer_slots = {"sgd": 0, "momentum": 1, "adam": 2}
    if optimizer not in optimizer_slots:
        raise ValueError(f"unknown optimizer {optimizer!r}")
    if param_dtype not in size_of or compute_dtype not in size_of:
        raise ValueError("unknown dtype")
    n = int(n_params)
    total = (2 + optimizer_slots[optimizer]) * n * size_of[param_dtype]
    if gradient_accumulation:
        total += n * size_of[compute_dtype]
    return int(total + int(activation_elements) * size_of[compute_dtype])
''',
    ),
    Answer(
        cell="task1_solution",
        name="keyerror_for_unknown_names",
        kind="wrong",
        why="looks names up with [] so an unknown optimizer raises KeyError, not the specified ValueError",
        code='''def training_memory_bytes(n_params, optimizer, param_dtype="float32", activation_elements=0, compute_dtype="float32",
                          gradient_accumulation=False):
    size_of = {"float64": 8, "float32": 4, "float16": 2, "bfloat16": 2}
    slots = {"sgd": 0, "momentum": 1, "adam": 2}[optimizer]
    tensors = 2 + slots + int(bool(gradient_accumulation))
    return int(tensors * int(n_params) * size_of[param_dtype] + int(activation_elements) * size_of[compute_dtype])
''',
    ),
    Answer(
        cell="task1_solution",
        name="components_summed",
        kind="valid",
        why="adds the components one by one and converts a KeyError into ValueError",
        code='''def training_memory_bytes(n_params, optimizer, param_dtype="float32", activation_elements=0, compute_dtype="float32",
                          gradient_accumulation=False):
    try:
        b_param = {"float64": 8, "float32": 4, "float16": 2, "bfloat16": 2}[param_dtype]
        b_act = {"float64": 8, "float32": 4, "float16": 2, "bfloat16": 2}[compute_dtype]
        slots = {"sgd": 0, "momentum": 1, "adam": 2}[optimizer]
    except KeyError as exc:
        raise ValueError(f"unknown name {exc}") from None
    n = int(n_params)
    parts = [n * b_param, n * b_param, slots * n * b_param]
    if gradient_accumulation:
        parts.append(n * b_param)
    parts.append(int(activation_elements) * b_act)
    return int(sum(parts))
''',
    ),
    # ---- Task 2: dynamic loss scaling
    Answer(
        cell="task2_solution",
        name="unscale_with_new_scale",
        kind="wrong",
        why="doubles the scale first and unscales with the doubled one, so the growth step's gradients are halved",
        code='''def loss_scale_step(scaled_grads, scale, good_steps, growth_steps=2000):
    if not all(np.all(np.isfinite(np.asarray(g))) for g in scaled_grads):
        return None, float(scale) / 2.0, 0
    good = int(good_steps) + 1
    if good == growth_steps:
        scale, good = float(scale) * 2.0, 0
    return [np.asarray(g) / scale for g in scaled_grads], float(scale), good
''',
    ),
    Answer(
        cell="task2_solution",
        name="no_counter_reset_on_overflow",
        kind="wrong",
        why="halves the scale on inf/nan but keeps counting good steps, unlike LossScaleOptimizer",
        code='''def loss_scale_step(scaled_grads, scale, good_steps, growth_steps=2000):
    if not all(np.all(np.isfinite(np.asarray(g))) for g in scaled_grads):
        return None, float(scale) / 2.0, int(good_steps)
    good = int(good_steps) + 1
    if good == growth_steps:
        return [np.asarray(g) / scale for g in scaled_grads], float(scale) * 2.0, 0
    return [np.asarray(g) / scale for g in scaled_grads], float(scale), good
''',
    ),
    Answer(
        cell="task2_solution",
        name="concatenate_then_check",
        kind="valid",
        why="checks finiteness on one concatenated vector and unscales in a comprehension",
        code='''def loss_scale_step(scaled_grads, scale, good_steps, growth_steps=2000):
    arrays = [np.asarray(g, dtype=float) for g in scaled_grads]
    flat = np.concatenate([a.ravel() for a in arrays]) if arrays else np.zeros(0)
    if not np.isfinite(flat).all():
        return None, scale / 2.0 * 1.0, 0
    grads = [a / scale for a in arrays]
    good = good_steps + 1
    if good >= growth_steps:
        return grads, float(2 * scale), 0
    return grads, float(scale), int(good)
''',
    ),
    # ---- Task 3: global batch and learning-rate scaling
    Answer(
        cell="task3_solution",
        name="linear_rule_for_adam",
        kind="wrong",
        why="applies SGD's linear scaling rule to Adam too (review L4: the square-root rule is the usual start for Adam)",
        code='''def global_batch(per_replica, replicas, accumulation=1):
    if min(per_replica, replicas, accumulation) < 1:
        raise ValueError("all arguments must be at least 1")
    return int(per_replica) * int(replicas) * int(accumulation)


def scaled_learning_rate(base_lr, base_batch, batch, optimizer="sgd"):
    if optimizer not in ("sgd", "momentum", "adam"):
        raise ValueError(f"unknown optimizer {optimizer!r}")
    return float(base_lr) * float(batch) / float(base_batch)
''',
    ),
    Answer(
        cell="task3_solution",
        name="accumulation_not_in_global_batch",
        kind="wrong",
        why="forgets that accumulated micro-steps add to the batch behind one update (review M3: count real updates)",
        code='''def global_batch(per_replica, replicas, accumulation=1):
    if min(per_replica, replicas, accumulation) < 1:
        raise ValueError("all arguments must be at least 1")
    return int(per_replica) * int(replicas)


def scaled_learning_rate(base_lr, base_batch, batch, optimizer="sgd"):
    ratio = float(batch) / float(base_batch)
    if optimizer in ("sgd", "momentum"):
        return float(base_lr) * ratio
    if optimizer == "adam":
        return float(base_lr) * ratio**0.5
    raise ValueError(f"unknown optimizer {optimizer!r}")
''',
    ),
    Answer(
        cell="task3_solution",
        name="math_sqrt_and_exponent",
        kind="valid",
        why="one formula with an exponent of 1 or 1/2, math.prod for the batch",
        code='''import math


def global_batch(per_replica, replicas, accumulation=1):
    factors = (per_replica, replicas, accumulation)
    if any(f < 1 for f in factors):
        raise ValueError(f"each factor must be >= 1, got {factors}")
    return int(math.prod(int(f) for f in factors))


def scaled_learning_rate(base_lr, base_batch, batch, optimizer="sgd"):
    exponent = {"sgd": 1.0, "momentum": 1.0, "adam": 0.5}.get(optimizer)
    if exponent is None:
        raise ValueError(f"no scaling rule for {optimizer!r}")
    return float(base_lr * (batch / base_batch) ** exponent)
''',
    ),
    # ---- Task 4: training inside a strategy
    Answer(
        cell="task4_solution",
        name="optimizer_outside_scope",
        kind="wrong",
        why="builds the model in the scope but creates the optimizer outside it (section 3, E11-T4: compile in the scope)",
        code='''def train_in_strategy(strategy, x_train, y_train):
    keras.utils.set_random_seed(0)
    optimizer = keras.optimizers.Adam(1e-2)
    with strategy.scope():
        model = keras.Sequential([keras.Input((x_train.shape[1],)), keras.layers.Dense(64, activation="relu"),
                                  keras.layers.Dense(10)])
    model.compile(optimizer=optimizer, loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x_train, y_train, batch_size=128, epochs=8, verbose=0)
    return model
''',
    ),
    Answer(
        cell="task4_solution",
        name="model_outside_scope",
        kind="wrong",
        why="never enters strategy.scope(): a single-device model that trains fine but is not mirrored",
        code='''def train_in_strategy(strategy, x_train, y_train):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((x_train.shape[1],)), keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(10)])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x_train, y_train, batch_size=128, epochs=8, verbose=0)
    return model
''',
    ),
    Answer(
        cell="task4_solution",
        name="runaway_small_batches",
        kind="wrong",
        why="trains with tiny global batches for too many updates: what the banned 45 s wall-clock limit stood for",
        code='''def train_in_strategy(strategy, x_train, y_train):
    keras.utils.set_random_seed(0)
    with strategy.scope():
        model = keras.Sequential([keras.Input((x_train.shape[1],)), keras.layers.Dense(64, activation="relu"),
                                  keras.layers.Dense(10)])
        model.compile(optimizer=keras.optimizers.Adam(1e-3),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(x_train, y_train, batch_size=8, epochs=4, verbose=0)
    return model
''',
    ),
    Answer(
        cell="task4_solution",
        name="softmax_output_fit_in_scope",
        kind="valid",
        why="probabilities with a softmax output and the matching loss, fit called inside the scope as well",
        code='''def train_in_strategy(strategy, x_train, y_train):
    keras.utils.set_random_seed(1)
    with strategy.scope():
        model = keras.Sequential([
            keras.Input((64,)),
            keras.layers.Dense(96, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ])
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        model.fit(x_train, y_train, batch_size=64, epochs=10, verbose=0)
    return model
''',
    ),
]
