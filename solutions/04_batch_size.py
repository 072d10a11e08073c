# %% [markdown]
# # Exercise 4: batch size
#
# You will write the small tools that make batch-size decisions measurable, carry a schedule through Keras's
# gradient accumulation, and make two decisions whose consequences the tests measure: a batch size and rate for a
# fixed budget of optimizer steps, and the smallest batch that meets a gradient-noise target. Everything is checked
# automatically (14 points). The times are our estimates for a learner who has read the chapter.
#
# | Task | What you build or decide | Points | Time |
# |---|---|---|---|
# | 1 | `steps_per_epoch(n, batch, drop_remainder)` | 2 | 5 min |
# | 2 | `accumulation_boundaries(boundaries, k)`: a step decay that survives Keras's gradient accumulation | 3 | 15 min |
# | 3 | `predicted_variance(var_1, batch, n)` and `minibatch_gradient_variance(per_example_grads, batch, n_draws, seed)` | 3 | 20 min |
# | 4 | `accumulate_gradients(grad_list, sizes)`: micro-batch gradients → one large-batch gradient | 2 | 10 min |
# | 5 | *decision:* batch size and rate for a digits classifier, at most 60 SGD updates, ≥ 95 % validation accuracy | 2 | 15 min |
# | 6 | *decision:* the smallest batch whose gradient noise meets a 10 % target | 2 | 10 min |
#
# Each task has visible tests below your code: run them, read their messages, fix, repeat.
# When grading, more (hidden) tests of the same rules run. Read [Chapter 4](../chapters/04_batch_size.md) first.

# %%
# Setup: runs unchanged locally, in Colab and on a GPU (nothing to install: Colab ships these packages).
import os

# The oldest versions this notebook runs on (derived from what it uses; the course's tests check them).
REQUIRED = {"tensorflow": "2.16", "keras": "3.1"}
import re
from importlib.metadata import PackageNotFoundError, version


def _release(text):
    return tuple(int(x) for x in re.findall(r"\d+", text)[:3])


_too_old = []
for _pkg, _min in REQUIRED.items():
    try:
        _have = version(_pkg)
    except PackageNotFoundError:
        _have = "not installed"
    if _have == "not installed" or _release(_have) < _release(_min):
        _too_old.append(f"{_pkg} {_have} (needs {_min} or newer)")
if _too_old:
    _fix = "pip install -q " + " ".join(f'"{p}>={m}"' for p, m in REQUIRED.items())
    raise SystemExit(
        "This notebook needs newer packages: " + "; ".join(_too_old) + ".\n"
        f"Run  {_fix}  (in Colab, in a cell: !{_fix}), then restart the runtime "
        "(Colab: Runtime > Restart session) and run the notebook again."
    )

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import keras
import numpy as np
import tensorflow as tf
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

_ = tf.reduce_sum(tf.ones(2))  # start TensorFlow here, so its start-up messages appear in this cell
print(f"TensorFlow {tf.__version__} | Keras {keras.__version__} | NumPy {np.__version__}")

# %% [markdown]
# ## Task 1 (2 points): steps per epoch
#
# Write `steps_per_epoch(n, batch, drop_remainder=False)`: how many optimizer steps (batches) one pass over
# `n` examples takes with batch size `batch`, the way `tf.data.Dataset.batch(batch, drop_remainder=...)` cuts it.
#
# * `n` is an integer ≥ 0, `batch` an integer ≥ 1;
# * `drop_remainder=False`: the last, smaller batch counts as a step (`n = 10, batch = 4` → 3);
# * `drop_remainder=True`: it is dropped (`n = 10, batch = 4` → 2; `n = 3, batch = 4` → 0);
# * returns a Python `int` (not a NumPy integer, not a float).
#
# <details><summary>Hint</summary>
#
# Integer division `n // batch` counts the full batches; `-(-n // batch)` rounds up without floats.
# </details>

# %% nbgrader={"grade_id": "task1_solution", "solution": true}
def steps_per_epoch(n, batch, drop_remainder=False):
    ### BEGIN SOLUTION
    n, batch = int(n), int(batch)
    return n // batch if drop_remainder else -(-n // batch)
    ### END SOLUTION


# %% nbgrader={"grade_id": "task1_tests", "grade": true, "points": 2}
for _args, _expected in [((10, 4, False), 3), ((10, 4, True), 2), ((4000, 32, False), 125)]:
    _got = steps_per_epoch(*_args)
    assert _got == _expected, f"steps_per_epoch{_args}: expected {_expected}, got {_got}"
    assert type(_got) is int, f"steps_per_epoch{_args}: return a Python int, got {type(_got).__name__}"
print("Task 1: visible tests passed.")
### BEGIN HIDDEN TESTS
for _n in (0, 1, 3, 4, 5, 63, 64, 65, 60_000):
    for _b in (1, 4, 64, 1000):
        assert steps_per_epoch(_n, _b, False) == (_n + _b - 1) // _b, f"hidden: n={_n}, batch={_b}, keep"
        assert steps_per_epoch(_n, _b, True) == _n // _b, f"hidden: n={_n}, batch={_b}, drop"
assert steps_per_epoch(3, 4, drop_remainder=True) == 0, "hidden: fewer examples than one batch, dropped"
assert steps_per_epoch(3, 4) == 1, "hidden: fewer examples than one batch, kept"
assert type(steps_per_epoch(np.int64(10), np.int64(3), True)) is int, "hidden: NumPy integer inputs → Python int"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 (3 points): a step decay through Keras's built-in accumulation
#
# You planned a step decay in **optimizer updates**, counted from 0:
# `plan = keras.optimizers.schedules.PiecewiseConstantDecay(boundaries, values)` gives update $j$ the rate
# `values[0]` while $j \le$ `boundaries[0]`, then `values[1]` while $j \le$ `boundaries[1]`, and so on (Keras's rule:
# a step equal to a boundary still gets the earlier value). Now the batch no longer fits, and you train with
# `keras.optimizers.SGD(schedule, gradient_accumulation_steps=k)`. Chapter 4 (§4.5, "Keras's built-in accumulation
# and schedules") showed that Keras evaluates the schedule at its **micro-batch** counter: the update that ends
# micro-batch group $j$ reads the schedule at micro-batch $k\,j + k - 1$ (micro-batches counted from 0).
#
# Write `accumulation_boundaries(boundaries, k)`:
#
# * `boundaries`: a list of strictly increasing integers $\ge 0$ (the plan, in updates; it may be empty);
#   `k`: an integer $\ge 2$ (Keras refuses `gradient_accumulation_steps=1`);
# * returns a `list` of Python `int`s, the boundaries to give `PiecewiseConstantDecay` (with the same `values`) so
#   that, under `gradient_accumulation_steps=k`, **every** update $j$ uses exactly the rate the plan gives update $j$.
#
# The tests run a real `keras.optimizers.SGD` with `gradient_accumulation_steps=k` on one weight with gradient 1 and
# no momentum (each update then moves the weight by the rate it used, as in the chapter) and compare the applied
# rates of the first updates with the plan, for several plans and $k$ from 2 to 5.
#
# <details><summary>Hint</summary>
#
# Multiplying every step count by $k$ is right for a warmup's length, but check it on a boundary: which micro-batch
# does update $b$ (the last one at the earlier value) read, and which does update $b + 1$ read? Any boundary between
# those two micro-batch indices works.
# </details>

# %% nbgrader={"grade_id": "task2_solution", "solution": true}
def accumulation_boundaries(boundaries, k):
    ### BEGIN SOLUTION
    return [int(k) * int(b) + int(k) - 1 for b in boundaries]
    ### END SOLUTION


# %% nbgrader={"grade_id": "task2_tests", "grade": true, "points": 3}
def _applied_rates(boundaries, values, k, n_updates):
    """The rate each update applied under gradient_accumulation_steps=k (gradient 1, SGD without momentum)."""
    lr = keras.optimizers.schedules.PiecewiseConstantDecay(boundaries, values) if len(boundaries) else values[0]
    opt = keras.optimizers.SGD(lr, gradient_accumulation_steps=k)
    w = keras.Variable(np.zeros(1, "float32"))
    rates = []
    for micro_batch in range(k * n_updates):
        before = float(w.numpy()[0])
        opt.apply([tf.ones(1)], [w])
        if (micro_batch + 1) % k == 0:
            rates.append(before - float(w.numpy()[0]))
    return np.array(rates)


def _planned_rates(boundaries, values, n_updates):
    return np.array([values[sum(j > b for b in boundaries)] for j in range(n_updates)])


def _check_task2(plan, values, k, n_updates, label):
    got_b = accumulation_boundaries(list(plan), k)
    assert isinstance(got_b, list) and all(type(b) is int for b in got_b), (
        f"{label}: return a list of Python ints, got {got_b!r}"
    )
    assert len(got_b) == len(plan), f"{label}: expected {len(plan)} boundaries (one per planned boundary), got {got_b}"
    got = _applied_rates(got_b, values, k, n_updates)
    meant = _planned_rates(plan, values, n_updates)
    assert np.allclose(got, meant, rtol=1e-5), (
        f"{label}: plan {plan} in updates, k = {k}: with your boundaries {got_b} the updates 0…{n_updates - 1} used\n"
        f"  got      {np.round(got, 3)}\n  expected {np.round(meant, 3)}\n"
        "(hint: work out which micro-batch index the last update before a boundary reads, and the first after it)"
    )


_check_task2([3, 7], [0.4, 0.1, 0.01], 4, 10, "visible")
print("Task 2: visible tests passed.")
### BEGIN HIDDEN TESTS
_check_task2([0], [0.5, 0.05], 2, 4, "hidden: boundary at update 0")
_check_task2([2, 3, 5], [0.3, 0.2, 0.1, 0.05], 3, 8, "hidden: three boundaries, k = 3")
_check_task2([1, 4], [1.0, 0.5, 0.25], 5, 7, "hidden: k = 5")
_check_task2([6], [0.2, 0.02], 2, 9, "hidden: k = 2")
assert accumulation_boundaries([], 4) == [], "hidden: no boundaries → []"
assert all(type(b) is int for b in accumulation_boundaries(np.array([2, 9]), np.int64(3))), "hidden: NumPy inputs → ints"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 (3 points): gradient noise and the $1/B$ law
#
# `per_example_grads` is a float array of shape `(n, p)`: row $i$ is the gradient $g_i$ of example $i$'s loss with
# respect to all $p$ parameters. The full gradient is $\bar g$, the mean of the rows, and the per-example variance is
# $\sigma^2 = \frac1n\sum_i\|g_i-\bar g\|^2$ (a scalar: the squared deviations are summed over parameters).
#
# * `predicted_variance(var_1, batch, n=None)` returns $\mathbb E\|\hat g_B-\bar g\|^2$ as a Python `float`:
#   `var_1 / batch` when `n is None` (sampling from an infinite data set), and
#   `var_1 / batch * (n - batch) / (n - 1)` for minibatches of distinct examples from a data set of `n`
#   (so it is 0 when `batch == n`). `var_1` is $\sigma^2$.
# * `minibatch_gradient_variance(per_example_grads, batch, n_draws=1000, seed=0)` **measures** the same quantity:
#   with `rng = np.random.default_rng(seed)`, draw `n_draws` minibatches, each of `batch` **distinct** rows chosen
#   uniformly at random (without replacement), and return the mean over draws of $\|\hat g_B-\bar g\|^2$ as a Python
#   `float`, where $\hat g_B$ is the mean of the drawn rows. Same seed → same result. Use exactly `n_draws` draws:
#   with `n_draws=1` the result is the squared distance of that one minibatch.
#
# The tests compare your measurement with the prediction on random data (agreement within 10 % with 4,000 draws),
# including batches that are half the data set, where sampling with replacement would be off by a factor of 2, and
# check that a single draw (`n_draws=1`) gives the squared distance of one possible minibatch.
#
# <details><summary>Hint</summary>
#
# `rng.choice(n, size=batch, replace=False)` draws the row indices. `np.sum((g_hat - g_bar) ** 2)` is the squared
# distance. Compute $\bar g$ once, outside the loop.
# </details>

# %% nbgrader={"grade_id": "task3_solution", "solution": true}
def predicted_variance(var_1, batch, n=None):
    ### BEGIN SOLUTION
    value = float(var_1) / batch
    if n is not None:
        value *= (n - batch) / (n - 1)
    return float(value)
    ### END SOLUTION


def minibatch_gradient_variance(per_example_grads, batch, n_draws=1000, seed=0):
    ### BEGIN SOLUTION
    G = np.asarray(per_example_grads, dtype=np.float64)
    g_bar = G.mean(axis=0)
    rng = np.random.default_rng(seed)
    total = 0.0
    for _ in range(n_draws):
        idx = rng.choice(len(G), size=batch, replace=False)
        total += float(np.sum((G[idx].mean(axis=0) - g_bar) ** 2))
    return total / n_draws
    ### END SOLUTION


# %% nbgrader={"grade_id": "task3_tests", "grade": true, "points": 3}
assert np.isclose(predicted_variance(8.0, 4), 2.0), f"predicted_variance(8.0, 4): expected 2.0, got {predicted_variance(8.0, 4)}"
_got = predicted_variance(8.0, 4, n=9)
assert np.isclose(_got, 1.25), f"predicted_variance(8.0, 4, n=9): expected 8/4 · 5/8 = 1.25, got {_got}"
_G = np.random.default_rng(3).normal(size=(200, 6)) + np.arange(6)
_var_1 = float(np.mean(np.sum((_G - _G.mean(axis=0)) ** 2, axis=1)))
for _B in (10, 100):
    _expected = predicted_variance(_var_1, _B, n=200)
    _got = minibatch_gradient_variance(_G, _B, n_draws=4000, seed=0)
    assert isinstance(_got, float), f"return a Python float, got {type(_got).__name__}"
    assert abs(_got / _expected - 1) < 0.1, (
        f"batch {_B} of 200: expected about {_expected:.4f} (±10 %), got {_got:.4f}"
        + (" (hint: draw rows without replacement)" if _B == 100 else "")
    )
_G5 = np.array([[0.0, 0.0], [3.0, 0.0], [0.0, 1.0], [1.0, 5.0], [2.0, 2.0]])  # 5 examples: 10 possible batches of 2
_pairs = [(_i, _j) for _i in range(5) for _j in range(_i + 1, 5)]
_possible = sorted({round(float(np.sum((_G5[[_i, _j]].mean(axis=0) - _G5.mean(axis=0)) ** 2)), 9) for _i, _j in _pairs})
_got = minibatch_gradient_variance(_G5, 2, n_draws=1, seed=0)
assert any(np.isclose(_got, _v) for _v in _possible), (
    f"n_draws=1 on 5 examples, batch 2: expected one of the possible single-batch values {_possible}, got {_got:.6g} "
    "(hint: draw exactly n_draws minibatches)"
)
print("Task 3: visible tests passed.")
### BEGIN HIDDEN TESTS
_singles = [minibatch_gradient_variance(_G5, 2, n_draws=1, seed=_s) for _s in range(12)]
assert all(any(np.isclose(_v, _p) for _p in _possible) for _v in _singles), f"hidden: n_draws=1 → one batch's value, got {_singles}"
assert len({round(_v, 9) for _v in _singles}) > 1, "hidden: n_draws=1 with different seeds draws different batches"
_two = minibatch_gradient_variance(_G5, 2, n_draws=2, seed=3)
assert any(np.isclose(2 * _two, _a + _b) for _a in _possible for _b in _possible), f"hidden: n_draws=2 → mean of two values, got {_two}"
assert np.isclose(predicted_variance(3.0, 7, n=7), 0.0), "hidden: the whole data set has no noise"
assert np.isclose(predicted_variance(3.0, 1, n=50), 3.0), "hidden: batch 1 without replacement = var_1"
assert isinstance(predicted_variance(1, 2), float), "hidden: predicted_variance returns a float"
_G = np.random.default_rng(4).standard_t(df=5, size=(500, 20))
_var_1 = float(np.mean(np.sum((_G - _G.mean(axis=0)) ** 2, axis=1)))
for _B in (1, 32, 250, 400):
    _p = predicted_variance(_var_1, _B, n=500)
    _m = minibatch_gradient_variance(_G, _B, n_draws=3000, seed=1)
    assert abs(_m / _p - 1) < 0.1, f"hidden: batch {_B} of 500: expected ≈ {_p:.4g}, got {_m:.4g}"
assert minibatch_gradient_variance(_G, 500, n_draws=5) < 1e-10 * _var_1, "hidden: the whole data set → 0"
assert minibatch_gradient_variance(_G, 8, 50, seed=5) == minibatch_gradient_variance(_G, 8, 50, seed=5), "hidden: seeded"
assert minibatch_gradient_variance(_G, 8, 50, seed=5) != minibatch_gradient_variance(_G, 8, 50, seed=6), "hidden: seed used"
assert isinstance(minibatch_gradient_variance(_G.astype("float32"), 4, 10), float), "hidden: float32 input → float"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 (2 points): gradient accumulation
#
# Write `accumulate_gradients(grad_list, sizes=None)`.
#
# * `grad_list` is a list of $k \ge 1$ micro-batch gradients; each is a **list of NumPy arrays**, one per model
#   variable (the shapes match across micro-batches), and each is the *mean* gradient over its micro-batch.
# * Return a list of NumPy arrays with the same shapes: the gradient of the loss averaged over **all** examples of the
#   $k$ micro-batches, i.e. what one large batch would give.
# * `sizes=None`: the micro-batches are equally large, so the result is the plain average of the $k$ gradients.
#   Otherwise `sizes` lists the number of examples in each micro-batch (e.g. the last one is smaller), and each
#   gradient is weighted by its size.
# * Do not modify the input arrays.
#
# The tests compare with the gradient of one large batch for a least-squares model, in NumPy.
#
# <details><summary>Hint</summary>
#
# For variable $v$: $\sum_j s_j\, g_{j,v} / \sum_j s_j$. `zip(*grad_list)` groups the $k$ gradients of each variable.
# </details>

# %% nbgrader={"grade_id": "task4_solution", "solution": true}
def accumulate_gradients(grad_list, sizes=None):
    ### BEGIN SOLUTION
    k = len(grad_list)
    weights = np.ones(k) if sizes is None else np.asarray(sizes, dtype=np.float64)
    weights = weights / weights.sum()
    return [sum(w * np.asarray(g) for w, g in zip(weights, per_var)) for per_var in zip(*grad_list)]
    ### END SOLUTION


# %% nbgrader={"grade_id": "task4_tests", "grade": true, "points": 2}
def _lsq_grads(W, b, X, y):
    """Mean-squared-error gradients of a linear model X @ W + b, as a list [dW, db]."""
    r = X @ W + b - y
    return [2 * X.T @ r / len(X), 2 * r.mean(axis=0)]


_rng = np.random.default_rng(7)
_X, _y, _W, _b = _rng.normal(size=(64, 3)), _rng.normal(size=(64, 2)), _rng.normal(size=(3, 2)), _rng.normal(size=2)
_micro = [_lsq_grads(_W, _b, _X[j : j + 16], _y[j : j + 16]) for j in range(0, 64, 16)]
_expected = _lsq_grads(_W, _b, _X, _y)
_got = accumulate_gradients(_micro)
assert len(_got) == 2, f"one array per variable: expected 2, got {len(_got)}"
for _name, _e, _g in zip(["dW", "db"], _expected, _got):
    assert np.shape(_g) == _e.shape, f"{_name} shape: expected {_e.shape}, got {np.shape(_g)}"
    assert np.allclose(_g, _e), f"{_name}: expected {np.round(_e.ravel(), 4)}, got {np.round(np.ravel(_g), 4)} (hint: average, not sum)"
print("Task 4: visible tests passed.")
### BEGIN HIDDEN TESTS
_bounds = [0, 10, 30, 31, 64]  # unequal micro-batches: 10, 20, 1, 33 examples
_micro = [_lsq_grads(_W, _b, _X[a:c], _y[a:c]) for a, c in zip(_bounds[:-1], _bounds[1:])]
_sizes = np.diff(_bounds).tolist()
for _e, _g in zip(_expected, accumulate_gradients(_micro, sizes=_sizes)):
    assert np.allclose(_g, _e), "hidden: unequal micro-batches weighted by size"
_one = [_lsq_grads(_W, _b, _X, _y)]
assert all(np.allclose(g, e) for g, e in zip(accumulate_gradients(_one), _expected)), "hidden: k = 1"
_copy = [[a.copy() for a in grads] for grads in _micro]
accumulate_gradients(_micro, sizes=_sizes)
assert all(np.array_equal(a, c) for ga, gc in zip(_micro, _copy) for a, c in zip(ga, gc)), "hidden: inputs unchanged"
_three = [[np.full((2, 2), v), np.full(3, -v)] for v in (1.0, 2.0, 6.0)]
_got = accumulate_gradients(_three)
assert np.allclose(_got[0], 3.0) and np.allclose(_got[1], -3.0) and np.shape(_got[1]) == (3,), "hidden: plain average"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 5 (2 points): train under a step budget
#
# The cell below loads scikit-learn's digits (8×8 images, 10 classes), splits them into 1,437 training and 360
# validation images, and gives you `make_model()`, a 64 → 64 → 10 MLP that outputs logits (4,810 parameters).
# With `keras.optimizers.SGD(learning_rate=0.05, momentum=0.9)` and batches of 32 it reaches only about 91 %
# validation accuracy in 60 updates.
#
# In the solution cell, train `task5_model = make_model()` so that
#
# * its optimizer is `keras.optimizers.SGD` (any learning rate or schedule, any momentum),
# * it takes **at most 60 optimizer updates** in total (`task5_model.optimizer.iterations <= 60`), on `X_tr, y_tr` only,
# * it reaches **validation accuracy ≥ 0.95** on `X_val, y_val` (the test computes it with `task5_model(X_val)`).
#
# You choose the batch size and the learning rate (and a warmup, if you like). Keep it seeded (`make_model()` seeds)
# and short: it should train in a few seconds, and must stay under 20 s. The test does not train; it checks the
# model you leave in `task5_model`.
#
# <details><summary>Hint</summary>
#
# A fixed number of updates favours large batches (§4.4): each update sees more data. Scale the learning rate with the
# batch size (§4.3) and warm it up. A skeleton:
#
# ```python
# task5_model = make_model()
# task5_model.compile(optimizer=keras.optimizers.SGD(learning_rate=..., momentum=0.9),
#                     loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
# ds = tf.data.Dataset.from_tensor_slices((X_tr, y_tr)).shuffle(len(X_tr), seed=0).batch(...).repeat().take(STEP_BUDGET)
# task5_model.fit(ds, epochs=1, shuffle=False, verbose=0)  # the dataset is already shuffled
# ```
#
# For a warmup, pass a schedule as `learning_rate`, e.g.
# `keras.optimizers.schedules.PolynomialDecay(peak / w, w - 1, peak, power=1.0)` ramps linearly from `peak / w` to `peak`.
# </details>

# %%
X_digits, y_digits = load_digits(return_X_y=True)
X_digits, y_digits = (X_digits / 16.0).astype("float32"), y_digits.astype("int32")
X_tr, X_val, y_tr, y_val = train_test_split(X_digits, y_digits, test_size=0.2, stratify=y_digits, random_state=0)
STEP_BUDGET = 60
TARGET_ACCURACY = 0.95


def make_model(seed=0):
    """A fresh, seeded 64 → 64 → 10 MLP that outputs logits (not compiled)."""
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((64,)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10)])


print(f"{len(X_tr)} training and {len(X_val)} validation images; budget {STEP_BUDGET} updates, target {TARGET_ACCURACY}")

# %% nbgrader={"grade_id": "task5_solution", "solution": true}
### BEGIN SOLUTION
BATCH_SIZE = 256
PEAK_LR = 0.05 * BATCH_SIZE / 32  # the linear scaling rule from 0.05 at batch 32: 0.4
WARMUP = 10
task5_model = make_model()
task5_model.compile(
    optimizer=keras.optimizers.SGD(
        keras.optimizers.schedules.PolynomialDecay(PEAK_LR / WARMUP, WARMUP - 1, PEAK_LR, power=1.0), momentum=0.9
    ),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
)
_train = tf.data.Dataset.from_tensor_slices((X_tr, y_tr)).shuffle(len(X_tr), seed=0)
task5_model.fit(_train.batch(BATCH_SIZE).repeat().take(STEP_BUDGET), epochs=1, shuffle=False, verbose=0)
### END SOLUTION

# %% nbgrader={"grade_id": "task5_tests", "grade": true, "points": 2}
assert "task5_model" in dir(), "define task5_model (a model trained in the cell above)"
assert isinstance(task5_model, keras.Model), f"task5_model: expected a keras.Model, got {type(task5_model).__name__}"
assert task5_model.count_params() == 4810, f"use make_model(): expected 4,810 parameters, got {task5_model.count_params():,}"
assert isinstance(task5_model.optimizer, keras.optimizers.SGD), (
    f"optimizer: expected keras.optimizers.SGD, got {type(task5_model.optimizer).__name__}"
)
_updates = int(task5_model.optimizer.iterations)
assert 0 < _updates <= STEP_BUDGET, f"optimizer updates: expected 1…{STEP_BUDGET}, got {_updates}"
_acc = float(np.mean(np.argmax(task5_model(X_val, training=False).numpy(), axis=1) == y_val))
assert _acc >= TARGET_ACCURACY, (
    f"validation accuracy: expected ≥ {TARGET_ACCURACY}, got {_acc:.3f} after {_updates} updates "
    "(hint: a larger batch with a scaled learning rate)"
)
print(f"Task 5: visible tests passed ({_updates} updates, validation accuracy {_acc:.3f}).")
### BEGIN HIDDEN TESTS
assert task5_model.output_shape[-1] == 10, "hidden: 10 logits"
_logits = task5_model(X_val[:5], training=False).numpy()
assert np.all(np.isfinite(_logits)), "hidden: finite outputs"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 6 (2 points): choose a batch size for a noise target
#
# The cell below builds `G6`, the per-example gradients of $n$ = 1,000 examples with respect to $p$ = 50 parameters
# (synthetic, seeded: the rows are what `per_example_grads` is in Task 3). You train on minibatches of distinct
# examples from these 1,000. Your team wants the minibatch gradient to be accurate to a **relative noise of at most
# 10 %**:
#
# $$r(B) \;=\; \frac{\mathbb E\,\|\hat g_B - \bar g\|^2}{\|\bar g\|^2} \;\le\; 0.1 ,$$
#
# and, since a larger batch costs more compute per step, as small a batch as meets that target.
#
# Set `task6_batch` (a Python `int`). The test computes $r$ **exactly** from `G6` (the finite-data formula of Task 3,
# with $\sigma^2$ and $\bar g$ of all 1,000 rows) and requires
#
# * $r(\texttt{task6\_batch}) \le 0.1$ (the target is met), and
# * `task6_batch` $\le 1.25\times$ the smallest batch that meets it (no more than 25 % of compute wasted per step).
#
# <details><summary>Hint</summary>
#
# $r(B)\,\|\bar g\|^2$ is what `predicted_variance` of Task 3 returns; the ratio $\sigma^2/\|\bar g\|^2$ is the noise scale
# of §4.1. Check whether sampling without replacement matters when $B$ is a sizeable share of $n$.
# </details>

# %%
_rng6 = np.random.default_rng(6)
G6 = 0.05 * (_rng6.normal(0.0, 1.0, size=(1000, 50)) * np.linspace(0.3, 1.5, 50) + _rng6.normal(0.0, 0.14, size=50))
print(f"G6: {G6.shape[0]} examples × {G6.shape[1]} parameters")

# %% nbgrader={"grade_id": "task6_solution", "solution": true}
### BEGIN SOLUTION
_n6 = len(G6)
_g_bar6 = G6.mean(axis=0)
_sigma2_6 = float(np.mean(np.sum((G6 - _g_bar6) ** 2, axis=1)))
_signal6 = float(np.sum(_g_bar6**2))
_noise6 = [_sigma2_6 / b * (_n6 - b) / (_n6 - 1) / _signal6 for b in range(1, _n6 + 1)]  # r(B) for every B
task6_batch = 1 + int(np.flatnonzero(np.array(_noise6) <= 0.1)[0])
print(f"noise scale σ²/‖ḡ‖² = {_sigma2_6 / _signal6:.0f}; smallest batch with r ≤ 0.1: {task6_batch}")
### END SOLUTION

# %% nbgrader={"grade_id": "task6_tests", "grade": true, "points": 2}
def _relative_noise(G, batch):
    """r(B) exactly: the finite-data variance of the minibatch mean over the squared full gradient."""
    n, g_bar = len(G), G.mean(axis=0)
    sigma2 = float(np.mean(np.sum((G - g_bar) ** 2, axis=1)))
    return sigma2 / batch * (n - batch) / (n - 1) / float(np.sum(g_bar**2))


_smallest6 = next(b for b in range(1, len(G6) + 1) if _relative_noise(G6, b) <= 0.1)
assert isinstance(task6_batch, (int, np.integer)) and 1 <= task6_batch <= len(G6), (
    f"task6_batch: expected an int from 1 to {len(G6)}, got {task6_batch!r}"
)
_r6 = _relative_noise(G6, int(task6_batch))
assert _r6 <= 0.1, (
    f"batch {task6_batch}: relative noise r = {_r6:.3f}, expected ≤ 0.1 (hint: r(B) = σ²/B · (n−B)/(n−1) / ‖ḡ‖²)"
)
assert task6_batch <= 1.25 * _smallest6, (
    f"batch {task6_batch} meets the target (r = {_r6:.3f}) but costs more than needed: expected at most 25 % above "
    "the smallest batch that meets it (hint: without replacement, the noise falls faster than 1/B)"
)
print(f"Task 6: visible tests passed (batch {task6_batch}, r = {_r6:.3f}).")
