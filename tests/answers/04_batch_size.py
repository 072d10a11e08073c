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
        name="ignores_drop_remainder",
        kind="wrong",
        why="always floors: the last, smaller batch is never counted, whatever drop_remainder says",
        code='''def steps_per_epoch(n, batch, drop_remainder=False):
    return int(n) // int(batch)
''',
    ),
    Answer(
        cell="task1_solution",
        name="numpy_ceil_float",
        kind="wrong",
        why="np.ceil returns a NumPy float (125.0), not the Python int the spec asks for",
        code='''def steps_per_epoch(n, batch, drop_remainder=False):
    return np.floor(n / batch) if drop_remainder else np.ceil(n / batch)
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
        name="times_k",
        kind="wrong",
        why="every step count times k, right for a warmup's length but one update early at each boundary",
        code='''def accumulation_boundaries(boundaries, k):
    return [int(k) * int(b) for b in boundaries]
''',
    ),
    Answer(
        cell="task2_solution",
        name="unchanged",
        kind="wrong",
        why="keeps the boundaries in updates: the schedule runs k times too fast (chapter 4, §4.5)",
        code='''def accumulation_boundaries(boundaries, k):
    return [int(b) for b in boundaries]
''',
    ),
    Answer(
        cell="task2_solution",
        name="one_group_late",
        kind="wrong",
        why="k·(b + 2) − 1: the micro-batch read by update b + 1, so the decay starts one update late",
        code='''def accumulation_boundaries(boundaries, k):
    return [int(k) * (int(b) + 2) - 1 for b in boundaries]
''',
    ),
    Answer(
        cell="task2_solution",
        name="divided_by_k",
        kind="wrong",
        why="divides by k instead of multiplying: the accumulation direction confused",
        code='''def accumulation_boundaries(boundaries, k):
    return [int(b) // int(k) for b in boundaries]
''',
    ),
    Answer(
        cell="task2_solution",
        name="first_micro_batch_of_next_group",
        kind="valid",
        why="k·(b + 1): the first micro-batch of group b + 1, which lies in the valid range [kb + k − 1, kb + 2k − 2] for k ≥ 2",
        code='''def accumulation_boundaries(boundaries, k):
    k = int(k)
    return [k * (int(b) + 1) for b in boundaries]
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
        name="sizes_not_normalised",
        kind="wrong",
        why="weights each gradient by its size but divides by the number of micro-batches, not the number of examples",
        code='''def accumulate_gradients(grad_list, sizes=None):
    sizes = [1] * len(grad_list) if sizes is None else sizes
    return [sum(s * np.asarray(g) for s, g in zip(sizes, per_var)) / len(grad_list) for per_var in zip(*grad_list)]
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
        name="big_batch_unscaled_rate",
        kind="wrong",
        why="batch 256 but the base rate 0.05 kept: the linear scaling rule forgotten, so 60 updates go too short a way",
        code='''task5_model = make_model()
task5_model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
ds = tf.data.Dataset.from_tensor_slices((X_tr, y_tr)).shuffle(len(X_tr), seed=0).batch(256).repeat().take(STEP_BUDGET)
task5_model.fit(ds, epochs=1, verbose=0)
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
    Answer(
        cell="task6_solution",
        name="plain_one_over_b",
        kind="wrong",
        why="the plain 1/B law: ignores sampling without replacement, so the batch is about 45 % larger than needed",
        code='''_n6 = len(G6)
_g_bar6 = G6.mean(axis=0)
_sigma2_6 = float(np.mean(np.sum((G6 - _g_bar6) ** 2, axis=1)))
_signal6 = float(np.sum(_g_bar6**2))
task6_batch = next(b for b in range(1, _n6 + 1) if _sigma2_6 / b / _signal6 <= 0.1)
''',
    ),
    Answer(
        cell="task6_solution",
        name="absolute_noise",
        kind="wrong",
        why="requires the noise itself, not the noise relative to the squared gradient, to be at most 0.1",
        code='''_n6 = len(G6)
_g_bar6 = G6.mean(axis=0)
_sigma2_6 = float(np.mean(np.sum((G6 - _g_bar6) ** 2, axis=1)))
_signal6 = float(np.sum(_g_bar6**2))
task6_batch = next(b for b in range(1, _n6 + 1) if _sigma2_6 / b * (_n6 - b) / (_n6 - 1) <= 0.1)
''',
    ),
    Answer(
        cell="task6_solution",
        name="target_on_std",
        kind="wrong",
        why="reads 10 % as a bound on the ratio of standard deviations, so it asks for r ≤ 0.01",
        code='''_n6 = len(G6)
_g_bar6 = G6.mean(axis=0)
_sigma2_6 = float(np.mean(np.sum((G6 - _g_bar6) ** 2, axis=1)))
_signal6 = float(np.sum(_g_bar6**2))
task6_batch = next(b for b in range(1, _n6 + 1) if _sigma2_6 / b * (_n6 - b) / (_n6 - 1) / _signal6 <= 0.1**2)
''',
    ),
    Answer(
        cell="task6_solution",
        name="power_of_two",
        kind="wrong",
        why="rounds the batch up to the next power of two (512): meets the target but wastes compute",
        code='''_n6 = len(G6)
_g_bar6 = G6.mean(axis=0)
_sigma2_6 = float(np.mean(np.sum((G6 - _g_bar6) ** 2, axis=1)))
_signal6 = float(np.sum(_g_bar6**2))
_b = next(b for b in range(1, _n6 + 1) if _sigma2_6 / b * (_n6 - b) / (_n6 - 1) / _signal6 <= 0.1)
task6_batch = int(2 ** np.ceil(np.log2(_b)))
''',
    ),
    Answer(
        cell="task6_solution",
        name="closed_form",
        kind="valid",
        why="solves σ²(n − B) ≤ 0.1‖ḡ‖²B(n − 1) for B in closed form and rounds up",
        code='''import math

g_bar = G6.mean(axis=0)
sigma2 = np.sum((G6 - g_bar) ** 2) / len(G6)
signal = g_bar @ g_bar
n = len(G6)
task6_batch = math.ceil(sigma2 * n / (0.1 * signal * (n - 1) + sigma2))
''',
    ),
    Answer(
        cell="task6_solution",
        name="with_task3_function",
        kind="valid",
        why="scans B with Task 3's predicted_variance (the learner's own, here the instructor's)",
        code='''_g = G6.mean(axis=0)
_v1 = float(np.mean(np.sum((G6 - _g) ** 2, axis=1)))
task6_batch = 1
while predicted_variance(_v1, task6_batch, n=len(G6)) > 0.1 * float(_g @ _g):
    task6_batch += 1
''',
    ),
]
