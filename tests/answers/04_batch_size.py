"""Answers to exercise 4 that a learner plausibly writes (see tests/answers/__init__.py)."""

from coursekit.gradecheck import Answer

ANSWERS = [
    Answer(
        cell="task1_solution",
        name="plus_one_for_remainder",
        kind="wrong",
        why="adds one step for the last batch even when n divides evenly (n // batch + 1)",
        code='''def steps_per_epoch(n, batch, drop_remainder=False):
    n, batch = int(n), int(batch)
    return n // batch if drop_remainder else n // batch + 1
''',
    ),
    Answer(
        cell="task1_solution",
        name="math_ceil",
        kind="valid",
        why="math.ceil of the true division returns a Python int too",
        code='''import math


def steps_per_epoch(n, batch, drop_remainder=False):
    return int(n) // int(batch) if drop_remainder else math.ceil(int(n) / int(batch))
''',
    ),
    Answer(
        cell="task2_solution",
        name="warmup_from_zero",
        kind="wrong",
        why="Exercise 3's convention (review C2): step 0 at rate 0, so the whole ramp is one step late",
        code='''def scaled_lr(base_lr, base_batch, batch):
    return float(base_lr) * float(batch) / float(base_batch)


def warmup_lr(step, peak_lr, warmup_steps):
    if warmup_steps <= 0:
        return float(peak_lr)
    return float(peak_lr) * min(1.0, step / warmup_steps)
''',
    ),
    Answer(
        cell="task2_solution",
        name="sqrt_scaling",
        kind="wrong",
        why="square-root scaling of the rate instead of the linear scaling rule",
        code='''def scaled_lr(base_lr, base_batch, batch):
    return float(base_lr) * (float(batch) / float(base_batch)) ** 0.5


def warmup_lr(step, peak_lr, warmup_steps):
    if warmup_steps <= 0:
        return float(peak_lr)
    return float(peak_lr) * min(1.0, (step + 1) / warmup_steps)
''',
    ),
    Answer(
        cell="task2_solution",
        name="chapter_max_form",
        kind="valid",
        why="the chapter's form: min(1, (t + 1) / max(T_w, 1)) handles T_w = 0 without a branch",
        code='''def scaled_lr(base_lr, base_batch, batch):
    return base_lr * batch / base_batch * 1.0


def warmup_lr(step, peak_lr, warmup_steps):
    return float(peak_lr * min(1.0, (step + 1) / max(warmup_steps, 1)))
''',
    ),
    Answer(
        cell="task3_solution",
        name="ignores_n_draws",
        kind="wrong",
        why="always averages 1,000 draws whatever n_draws says (review B7): passed the old ±10 % tests",
        code='''def predicted_variance(var_1, batch, n=None):
    value = float(var_1) / batch
    if n is not None:
        value *= (n - batch) / (n - 1)
    return float(value)


def minibatch_gradient_variance(per_example_grads, batch, n_draws=1000, seed=0):
    G = np.asarray(per_example_grads, dtype=np.float64)
    g_bar = G.mean(axis=0)
    rng = np.random.default_rng(seed)
    total = 0.0
    for _ in range(1000):
        idx = rng.choice(len(G), size=batch, replace=False)
        total += float(np.sum((G[idx].mean(axis=0) - g_bar) ** 2))
    return total / 1000
''',
    ),
    Answer(
        cell="task3_solution",
        name="with_replacement",
        kind="wrong",
        why="draws rows with replacement, so a batch of half the data set is twice as noisy as predicted",
        code='''def predicted_variance(var_1, batch, n=None):
    value = float(var_1) / batch
    if n is not None:
        value *= (n - batch) / (n - 1)
    return float(value)


def minibatch_gradient_variance(per_example_grads, batch, n_draws=1000, seed=0):
    G = np.asarray(per_example_grads, dtype=np.float64)
    g_bar = G.mean(axis=0)
    rng = np.random.default_rng(seed)
    draws = [np.sum((G[rng.integers(0, len(G), size=batch)].mean(axis=0) - g_bar) ** 2) for _ in range(n_draws)]
    return float(np.mean(draws))
''',
    ),
    Answer(
        cell="task3_solution",
        name="no_finite_population_factor",
        kind="wrong",
        why="predicted_variance ignores n: the plain 1/B law without the (n - B)/(n - 1) correction",
        code='''def predicted_variance(var_1, batch, n=None):
    return float(var_1) / batch


def minibatch_gradient_variance(per_example_grads, batch, n_draws=1000, seed=0):
    G = np.asarray(per_example_grads, dtype=np.float64)
    g_bar = G.mean(axis=0)
    rng = np.random.default_rng(seed)
    total = 0.0
    for _ in range(n_draws):
        idx = rng.choice(len(G), size=batch, replace=False)
        total += float(np.sum((G[idx].mean(axis=0) - g_bar) ** 2))
    return total / n_draws
''',
    ),
    Answer(
        cell="task3_solution",
        name="permutation_draws",
        kind="valid",
        why="each draw takes the first `batch` rows of a fresh permutation: also uniform without replacement",
        code='''def predicted_variance(var_1, batch, n=None):
    fpc = 1.0 if n is None else (n - batch) / (n - 1)
    return float(var_1 / batch * fpc)


def minibatch_gradient_variance(per_example_grads, batch, n_draws=1000, seed=0):
    G = np.asarray(per_example_grads, dtype=np.float64)
    rng = np.random.default_rng(seed)
    dev = [G[rng.permutation(len(G))[:batch]].mean(axis=0) - G.mean(axis=0) for _ in range(n_draws)]
    return float(np.mean(np.sum(np.square(dev), axis=1)))
''',
    ),
    Answer(
        cell="task4_solution",
        name="sum_not_average",
        kind="wrong",
        why="sums the micro-batch gradients (chapter 4, Common mistake 3): k times the large-batch gradient",
        code='''def accumulate_gradients(grad_list, sizes=None):
    return [sum(np.asarray(g) for g in per_var) for per_var in zip(*grad_list)]
''',
    ),
    Answer(
        cell="task4_solution",
        name="ignores_sizes",
        kind="wrong",
        why="plain average even when the micro-batches differ in size",
        code='''def accumulate_gradients(grad_list, sizes=None):
    return [np.mean([np.asarray(g) for g in per_var], axis=0) for per_var in zip(*grad_list)]
''',
    ),
    Answer(
        cell="task4_solution",
        name="np_average_weights",
        kind="valid",
        why="np.average with weights=sizes over a stacked axis",
        code='''def accumulate_gradients(grad_list, sizes=None):
    out = []
    for per_var in zip(*grad_list):
        out.append(np.average(np.stack([np.asarray(g) for g in per_var]), axis=0, weights=sizes))
    return out
''',
    ),
    Answer(
        cell="task5_solution",
        name="small_batch_default_rate",
        kind="wrong",
        why="batches of 32 at the base rate 0.05: 60 updates see too little data (about 0.91)",
        code='''task5_model = make_model()
task5_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
ds = tf.data.Dataset.from_tensor_slices((X_tr, y_tr)).shuffle(len(X_tr), seed=0).batch(32).repeat().take(STEP_BUDGET)
task5_model.fit(ds, epochs=1, verbose=0)
''',
    ),
    Answer(
        cell="task5_solution",
        name="over_budget_epochs",
        kind="wrong",
        why="two epochs at batch 32 reach the accuracy but take 90 updates, over the budget of 60",
        code='''task5_model = make_model()
task5_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
                    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
task5_model.fit(X_tr, y_tr, batch_size=32, epochs=2, shuffle=True, verbose=0)
''',
    ),
    Answer(
        cell="task5_solution",
        name="scaled_rate_no_warmup",
        kind="valid",
        why="batch 256 with the linearly scaled rate 0.4 and no warmup (about 0.96)",
        code='''task5_model = make_model()
task5_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.4, momentum=0.9),
                    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
ds = tf.data.Dataset.from_tensor_slices((X_tr, y_tr)).shuffle(len(X_tr), seed=0).batch(256).repeat().take(STEP_BUDGET)
task5_model.fit(ds, epochs=1, verbose=0)
''',
    ),
    Answer(
        cell="task5_solution",
        name="full_batch_warmup",
        kind="valid",
        why="full-batch steps with a warmed-up rate of 1.0 (about 0.96)",
        code='''task5_model = make_model()
_sched = keras.optimizers.schedules.PolynomialDecay(1.0 / 10, 9, 1.0, power=1.0)
task5_model.compile(optimizer=keras.optimizers.SGD(_sched, momentum=0.9),
                    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
ds = tf.data.Dataset.from_tensor_slices((X_tr, y_tr)).shuffle(len(X_tr), seed=0).batch(len(X_tr)).repeat().take(STEP_BUDGET)
task5_model.fit(ds, epochs=1, verbose=0)
''',
    ),
]
