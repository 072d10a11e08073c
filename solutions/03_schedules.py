# %% [markdown]
# # Exercise 3: learning-rate schedules
#
# You will write three schedules as plain functions of the optimizer step, the rule that picks a rate from a
# learning-rate range test, and then train a small model with a schedule of your choice. Everything is checked
# automatically (12 points):
#
# | Task | What you build | Points |
# |---|---|---|
# | 1 | `cosine_with_warmup(step, base_lr, warmup_steps, total_steps, final_lr)` | 3 |
# | 2 | `step_decay(step, base_lr, drop, every)` | 2 |
# | 3 | `one_cycle(step, max_lr, total_steps, ...)` | 2 |
# | 4 | `pick_lr(lrs, losses, beta)`: the range-test rule | 2 |
# | 5 | train an MLP on digits with your schedule to ≥ 96.5 % validation accuracy | 3 |
#
# Each task has visible tests below your code: run them, read their messages, fix, repeat.
# When grading, more (hidden) tests of the same rules run. Read [Chapter 3](../chapters/03_schedules.md) first.
#
# Throughout, `step` is the optimizer step $t = 0, 1, 2, \dots$ (Keras calls a schedule with
# `optimizer.iterations`, which is 0 for the first update). Tasks 1–4 take a Python `int` step (or a NumPy integer)
# and return a Python `float`; use `math` or NumPy, not TensorFlow.

# %%
# Setup: runs unchanged locally, in Colab and on a GPU (nothing to install: Colab ships these packages).
import math
import os

# The oldest versions this notebook runs on (derived from what it uses; the course's tests check them).
REQUIRED = {"tensorflow": "2.16", "keras": "3.0"}
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
# ## Task 1 (3 points): linear warmup + cosine decay
#
# Write `cosine_with_warmup(step, base_lr, warmup_steps, total_steps, final_lr=0.0)` returning the rate at `step`
# as a Python `float`. With $t$ = `step`, $T_w$ = `warmup_steps`, $T$ = `total_steps`, $\alpha_\text{peak}$ = `base_lr`,
# $\alpha_\text{min}$ = `final_lr`:
#
# * **warmup**, $t < T_w$: $\alpha_\text{peak}\, t / T_w$ (linear from 0), so the value at step 0 is exactly `0.0`;
# * **decay**, $T_w \le t \le T$: $\alpha_\text{min} + (\alpha_\text{peak} - \alpha_\text{min})\,\tfrac12\bigl(1 + \cos(\pi\,(t - T_w)/(T - T_w))\bigr)$,
#   so the value at $t = T_w$ is exactly `base_lr` and at $t = T$ exactly `final_lr`;
# * **after the end**, $t > T$: `final_lr`.
#
# `warmup_steps` may be 0 (no warmup: step 0 gives `base_lr`); you may assume $0 \le T_w < T$ and
# $0 \le \alpha_\text{min} \le \alpha_\text{peak}$. This is exactly
# `keras.optimizers.schedules.CosineDecay(0.0, decay_steps=T - T_w, alpha=final_lr / base_lr, warmup_target=base_lr, warmup_steps=T_w)`;
# the tests compare with it (relative tolerance 1e-5) and check the boundary values exactly (to 1e-12).
#
# <details><summary>Hint</summary>
#
# Three `if` branches: `step < warmup_steps`, `step >= total_steps`, and the cosine in between.
# Convert to `float` before returning.
# </details>

# %% nbgrader={"grade_id": "task1_solution", "solution": true}
def cosine_with_warmup(step, base_lr, warmup_steps, total_steps, final_lr=0.0):
    ### BEGIN SOLUTION
    if step < warmup_steps:
        return float(base_lr * step / warmup_steps)
    if step >= total_steps:
        return float(final_lr)
    frac = (step - warmup_steps) / (total_steps - warmup_steps)
    return float(final_lr + (base_lr - final_lr) * 0.5 * (1 + math.cos(math.pi * frac)))
    ### END SOLUTION


# %% nbgrader={"grade_id": "task1_tests", "grade": true, "points": 3}
for _step, _expected in [(0, 0.0), (50, 0.05), (100, 0.1), (1000, 0.001), (5000, 0.001)]:
    _got = cosine_with_warmup(_step, 0.1, 100, 1000, 0.001)
    assert isinstance(_got, float), f"return a Python float, got {type(_got).__name__}"
    assert abs(_got - _expected) < 1e-12, (
        f"cosine_with_warmup({_step}, 0.1, 100, 1000, 0.001): expected {_expected}, got {_got}"
        " (hint: warmup ends exactly at base_lr, the cosine ends exactly at final_lr)"
    )
_keras = keras.optimizers.schedules.CosineDecay(0.0, 900, alpha=0.01, warmup_target=0.1, warmup_steps=100)
for _step in (1, 99, 101, 550, 999):
    _expected, _got = float(_keras(_step)), cosine_with_warmup(_step, 0.1, 100, 1000, 0.001)
    assert np.isclose(_got, _expected, rtol=1e-5), f"step {_step}: expected {_expected:.6g} (Keras CosineDecay), got {_got:.6g}"
print("Task 1: visible tests passed.")
### BEGIN HIDDEN TESTS
def _ref_cwu(t, a0, tw, tt, af):
    if t < tw:
        return a0 * t / tw
    if t >= tt:
        return af
    return af + (a0 - af) * 0.5 * (1 + math.cos(math.pi * (t - tw) / (tt - tw)))


for _args in [(3e-4, 0, 50, 0.0), (1.0, 10, 11, 0.5), (0.02, 37, 600, 2e-5), (5.0, 1, 2, 0.0)]:
    _a0, _tw, _tt, _af = _args
    for _step in sorted({0, 1, _tw - 1, _tw, _tw + 1, (_tw + _tt) // 2, _tt - 1, _tt, _tt + 1, 10 * _tt} - {-1}):
        _got = cosine_with_warmup(_step, _a0, _tw, _tt, _af)
        assert isinstance(_got, float), "hidden: returns a Python float"
        assert np.isclose(_got, _ref_cwu(_step, _a0, _tw, _tt, _af), rtol=1e-9, atol=1e-15), f"hidden: step {_step}, args {_args}"
assert cosine_with_warmup(0, 0.3, 0, 10) == 0.3, "hidden: no warmup, step 0 gives base_lr"
assert cosine_with_warmup(np.int64(5), 0.1, 10, 20) == 0.05, "hidden: NumPy integer step"
_keras = keras.optimizers.schedules.CosineDecay(0.0, 450, alpha=0.1, warmup_target=0.01, warmup_steps=150)
for _step in (0, 75, 150, 300, 599, 600, 700):
    assert np.isclose(cosine_with_warmup(_step, 0.01, 150, 600, 0.001), float(_keras(_step)), rtol=1e-5, atol=1e-9), f"hidden: Keras step {_step}"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 (2 points): step decay
#
# Write `step_decay(step, base_lr, drop, every)` returning $\alpha_\text{peak} \cdot \text{drop}^{\lfloor t / \text{every} \rfloor}$
# as a Python `float`: the rate is multiplied by `drop` (e.g. 0.5) **at** every multiple of `every` steps, so
# `step_decay(every, ...)` already equals `base_lr * drop`, and `step_decay(every - 1, ...)` is still `base_lr`.
# `every` is a positive integer, `step` a non-negative integer; there is no lower limit on the rate.
# This is `keras.optimizers.schedules.ExponentialDecay(base_lr, decay_steps=every, decay_rate=drop, staircase=True)`
# (the tests compare with it, relative tolerance 1e-5). Note that `PiecewiseConstantDecay` switches one step later.
#
# <details><summary>Hint</summary>
#
# Integer division `step // every` counts how many drops have happened.
# </details>

# %% nbgrader={"grade_id": "task2_solution", "solution": true}
def step_decay(step, base_lr, drop, every):
    ### BEGIN SOLUTION
    return float(base_lr * drop ** (int(step) // int(every)))
    ### END SOLUTION


# %% nbgrader={"grade_id": "task2_tests", "grade": true, "points": 2}
for _step, _expected in [(0, 0.1), (9, 0.1), (10, 0.05), (25, 0.025)]:
    _got = step_decay(_step, 0.1, 0.5, 10)
    assert isinstance(_got, float), f"return a Python float, got {type(_got).__name__}"
    assert np.isclose(_got, _expected, rtol=1e-12), (
        f"step_decay({_step}, 0.1, 0.5, 10): expected {_expected}, got {_got} (hint: the drop happens AT multiples of every)"
    )
print("Task 2: visible tests passed.")
### BEGIN HIDDEN TESTS
for _a0, _drop, _every in [(0.01, 0.1, 300), (1.0, 0.9, 1), (3e-4, 0.5, 7)]:
    _keras = keras.optimizers.schedules.ExponentialDecay(_a0, decay_steps=_every, decay_rate=_drop, staircase=True)
    for _step in (0, 1, _every - 1, _every, _every + 1, 3 * _every, 5 * _every + 2):
        assert np.isclose(step_decay(_step, _a0, _drop, _every), float(_keras(_step)), rtol=1e-5), f"hidden: Keras, every={_every}, step={_step}"
assert step_decay(np.int64(20), 2.0, 0.5, 10) == 0.5, "hidden: NumPy integer step"
assert isinstance(step_decay(3, 1, 1, 2), float), "hidden: integer arguments still give a float"
assert np.isclose(step_decay(100, 1.0, 0.5, 1), 0.5**100, rtol=1e-12), "hidden: many drops, no floor"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 (2 points): one-cycle
#
# Write `one_cycle(step, max_lr, total_steps, pct_start=0.3, div_factor=25.0, final_div_factor=1e4)` returning a
# Python `float`. Let $\alpha_\text{start}$ = `max_lr / div_factor`, $\alpha_\text{end}$ = $\alpha_\text{start}$ `/ final_div_factor`
# and $t_p$ = `pct_start * total_steps` (a float, not rounded). Then, with $t$ = `step`:
#
# * $t \le t_p$: $\alpha_\text{start} + (\alpha_\text{max} - \alpha_\text{start})\,\tfrac12\bigl(1 - \cos(\pi t / t_p)\bigr)$ (half-cosine **up**; step 0 gives $\alpha_\text{start}$, $t_p$ gives `max_lr`);
# * $t_p < t < T$: $\alpha_\text{end} + (\alpha_\text{max} - \alpha_\text{end})\,\tfrac12\bigl(1 + \cos(\pi (t - t_p)/(T - t_p))\bigr)$ (half-cosine **down**);
# * $t \ge T$: $\alpha_\text{end}$ exactly.
#
# You may assume $0 < $ `pct_start` $< 1$. The tests check values to a relative tolerance of 1e-9, including steps
# where $t_p$ is not an integer.
#
# <details><summary>Hint</summary>
#
# Compute `start`, `end` and `t_peak` first; then three branches, like Task 1. At $t = t_p$ both formulas give `max_lr`.
# </details>

# %% nbgrader={"grade_id": "task3_solution", "solution": true}
def one_cycle(step, max_lr, total_steps, pct_start=0.3, div_factor=25.0, final_div_factor=1e4):
    ### BEGIN SOLUTION
    start = max_lr / div_factor
    end = start / final_div_factor
    t_peak = pct_start * total_steps
    if step <= t_peak:
        return float(start + (max_lr - start) * 0.5 * (1 - math.cos(math.pi * step / t_peak)))
    if step >= total_steps:
        return float(end)
    frac = (step - t_peak) / (total_steps - t_peak)
    return float(end + (max_lr - end) * 0.5 * (1 + math.cos(math.pi * frac)))
    ### END SOLUTION


# %% nbgrader={"grade_id": "task3_tests", "grade": true, "points": 2}
for _step, _expected in [(0, 0.004), (15, 0.052), (30, 0.1), (65, 0.0500002), (100, 4e-7), (150, 4e-7)]:
    _got = one_cycle(_step, 0.1, 100)
    assert isinstance(_got, float), f"return a Python float, got {type(_got).__name__}"
    assert np.isclose(_got, _expected, rtol=1e-9), f"one_cycle({_step}, 0.1, 100): expected {_expected:.8g}, got {_got:.8g}"
print("Task 3: visible tests passed.")
### BEGIN HIDDEN TESTS
def _ref_oc(t, mx, tt, ps=0.3, d=25.0, fd=1e4):
    s = mx / d
    e = s / fd
    tp = ps * tt
    if t <= tp:
        return s + (mx - s) * 0.5 * (1 - math.cos(math.pi * t / tp))
    if t >= tt:
        return e
    return e + (mx - e) * 0.5 * (1 + math.cos(math.pi * (t - tp) / (tt - tp)))


for _args in [(0.01, 600, 0.3, 25.0, 1e4), (1.0, 7, 0.25, 10.0, 100.0), (3e-3, 1000, 0.45, 5.0, 1e3)]:
    _mx, _tt, _ps, _d, _fd = _args
    _tp = _ps * _tt
    for _step in sorted({0, 1, int(_tp), int(_tp) + 1, (_tt + int(_tp)) // 2, _tt - 1, _tt, 2 * _tt}):
        _got = one_cycle(_step, _mx, _tt, pct_start=_ps, div_factor=_d, final_div_factor=_fd)
        assert isinstance(_got, float), "hidden: returns a Python float"
        assert np.isclose(_got, _ref_oc(_step, *_args), rtol=1e-9), f"hidden: step {_step}, args {_args}"
assert np.isclose(one_cycle(10**6, 0.5, 10), 2e-6, rtol=1e-12), "hidden: long after the end"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 (2 points): pick a rate from a range test
#
# A learning-rate range test gives, for each step $i$, the rate `lrs[i]` (increasing) and that batch's loss
# `losses[i]`; the last losses may be `inf` or `nan` where training blew up. Write `pick_lr(lrs, losses, beta=0.9)`
# that applies **this exact rule** and returns a Python `float`:
#
# 1. smooth the losses with a bias-corrected exponential moving average: $a_{-1} = 0$,
#    $a_i = \beta\,a_{i-1} + (1-\beta)\,L_i$, $s_i = a_i / (1 - \beta^{\,i+1})$ for $i = 0, 1, \dots$
#    (with `beta=0`, $s_i = L_i$: no smoothing);
# 2. ignore every $i$ where $s_i$ is not finite (`inf` or `nan`);
# 3. among the rest, take the index $i^*$ of the **smallest** $s_i$; on ties, the **first** (smallest $i$);
# 4. return `lrs[i*] / 10`.
#
# Inputs are 1-D lists or arrays of equal length ≥ 1, with at least one finite smoothed value.
#
# <details><summary>Hint</summary>
#
# Build the smoothed list in a loop. `np.argmin` returns the first minimum; give the non-finite entries the value
# `np.inf` before calling it.
# </details>

# %% nbgrader={"grade_id": "task4_solution", "solution": true}
def pick_lr(lrs, losses, beta=0.9):
    ### BEGIN SOLUTION
    smoothed, avg = [], 0.0
    for i, value in enumerate(np.asarray(losses, dtype=float)):
        avg = beta * avg + (1 - beta) * value
        smoothed.append(avg / (1 - beta ** (i + 1)))
    smoothed = np.array(smoothed)
    smoothed[~np.isfinite(smoothed)] = np.inf
    return float(np.asarray(lrs, dtype=float)[int(np.argmin(smoothed))] / 10)
    ### END SOLUTION


# %% nbgrader={"grade_id": "task4_tests", "grade": true, "points": 2}
_lrs = [1e-4, 1e-3, 1e-2, 1e-1, 1.0]
_got = pick_lr(_lrs, [2.3, 2.0, 1.0, 1.5, float("inf")], beta=0.0)
assert isinstance(_got, float), f"return a Python float, got {type(_got).__name__}"
assert np.isclose(_got, 1e-3), f"no smoothing, minimum at 1e-2: expected 0.001, got {_got}"
_got = pick_lr(_lrs, [2.0, 1.0, 1.0, 3.0, 4.0], beta=0.0)
assert np.isclose(_got, 1e-4), f"tie between 1e-3 and 1e-2: expected the first, 0.0001, got {_got}"
_got = pick_lr(_lrs, [2.0, 1.0, 1.2, 1.0, 9.0], beta=0.5)
assert np.isclose(_got, 1e-2), (
    f"beta=0.5: smoothed losses are about [2.0, 1.333, 1.257, 1.12, 5.187], minimum at 0.1: expected 0.01, got {_got}"
    " (hint: divide the average by 1 - beta**(i+1))"
)
print("Task 4: visible tests passed.")
### BEGIN HIDDEN TESTS
def _ref_pick(lrs, losses, beta):
    s, a = [], 0.0
    for i, v in enumerate(losses):
        a = beta * a + (1 - beta) * v
        s.append(a / (1 - beta ** (i + 1)))
    s = np.array(s)
    s[~np.isfinite(s)] = np.inf
    return float(np.asarray(lrs)[int(np.argmin(s))] / 10)


_rng = np.random.default_rng(4)
_lrs = np.geomspace(1e-6, 1.0, 120)
_clean = 2.3 - 1.5 * np.exp(-((np.log10(_lrs) + 2.5) ** 2)) + np.where(_lrs > 0.05, 20 * (_lrs - 0.05), 0.0)
for _beta in (0.0, 0.8, 0.9, 0.98):
    _noisy = _clean + _rng.normal(scale=0.15, size=_lrs.size)
    assert np.isclose(pick_lr(_lrs, _noisy, _beta), _ref_pick(_lrs, _noisy, _beta), rtol=1e-12), f"hidden: noisy curve, beta={_beta}"
    assert np.isclose(pick_lr(list(_lrs), list(_noisy), _beta), _ref_pick(_lrs, _noisy, _beta), rtol=1e-12), "hidden: lists"
_with_nan = _clean.copy()
_with_nan[100:] = np.nan
assert np.isclose(pick_lr(_lrs, _with_nan), _ref_pick(_lrs, _with_nan, 0.9)), "hidden: nan at the end"
assert np.isclose(pick_lr([0.5], [1.0]), 0.05), "hidden: a single point"
assert np.isclose(pick_lr([1e-3, 1e-2, 1e-1], [3.0, 3.0, 3.0], beta=0.0), 1e-4), "hidden: all equal → first"
assert isinstance(pick_lr(np.array([1e-3, 1e-2]), np.array([1.0, 0.5], dtype="float32")), float), "hidden: float from float32"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 5 (3 points): train with your schedule
#
# The cell below (run it, do not change it) loads scikit-learn's digits (8×8 images, 1,347 training and 450
# validation examples), defines `make_model()` (a seeded two-layer MLP that outputs logits) and `train_batches()`
# (shuffled batches of 64, **exactly 300 batches** in one pass).
#
# In the solution cell, define
#
# * `task5_schedule`: a `keras.optimizers.schedules.LearningRateSchedule` whose **largest value over steps
#   0…299 is 0.05** (within ±1 %); the peak is fixed, the shape is yours;
# * `task5_model`: a model from `make_model()`, compiled with `keras.optimizers.Adam(learning_rate=task5_schedule)` and
#   `keras.losses.SparseCategoricalCrossentropy(from_logits=True)`, and trained with one call
#   `task5_model.fit(train_batches(), epochs=1, shuffle=False, verbose=0)` (300 optimizer steps, a few seconds on a CPU;
#   stay under 20 s; `shuffle=False` because the batches are already shuffled).
#
# The tests do not train: they check the types, that the optimizer took exactly 300 steps with your schedule (the
# optimizer's schedule must be `task5_schedule` itself, or give the same rates at steps 0…299),
# the peak, the architecture, and that `task5_model` classifies **at least 96.5 %** of `x_val` correctly.
# (A constant rate of 0.05 reaches only about 93 %.)
#
# <details><summary>Hint</summary>
#
# Chapter 3, section 3.4: a schedule that decays to a small rate by the end of the budget, with a short warmup,
# e.g. `keras.optimizers.schedules.CosineDecay(0.0, decay_steps=..., warmup_target=0.05, warmup_steps=...)`.
# Remember that `decay_steps` counts steps after the warmup.
# </details>

# %%
# Provided: data, model and batches for Task 5 (do not change).
TASK5_STEPS, TASK5_BATCH, TASK5_PEAK = 300, 64, 0.05
_x, _y = load_digits(return_X_y=True)
x_train, x_val, y_train, y_val = train_test_split(
    (_x / 16.0).astype("float32"), _y.astype("int32"), test_size=0.25, stratify=_y, random_state=0
)


def make_model():
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [keras.Input((64,)), keras.layers.Dense(128, activation="relu"), keras.layers.Dense(128, activation="relu"), keras.layers.Dense(10)]
    )


def train_batches():
    data = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(len(x_train), seed=0)
    return data.repeat().batch(TASK5_BATCH).take(TASK5_STEPS)


print(f"{len(x_train)} training and {len(x_val)} validation digits; {TASK5_STEPS} batches of {TASK5_BATCH}")

# %% nbgrader={"grade_id": "task5_solution", "solution": true}
### BEGIN SOLUTION
task5_schedule = keras.optimizers.schedules.CosineDecay(0.0, decay_steps=TASK5_STEPS - 30, warmup_target=TASK5_PEAK, warmup_steps=30)
task5_model = make_model()
task5_model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=task5_schedule),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    steps_per_execution=50,
)
task5_model.fit(train_batches(), epochs=1, shuffle=False, verbose=0)
### END SOLUTION
print(f"validation accuracy: {np.mean(np.argmax(task5_model(x_val, training=False).numpy(), axis=1) == y_val):.3f}")

# %% nbgrader={"grade_id": "task5_tests", "grade": true, "points": 3}
assert isinstance(task5_schedule, keras.optimizers.schedules.LearningRateSchedule), (
    f"task5_schedule: expected a keras LearningRateSchedule, got {type(task5_schedule).__name__}"
)
assert int(task5_model.optimizer.iterations) == TASK5_STEPS, (
    f"optimizer steps: expected {TASK5_STEPS}, got {int(task5_model.optimizer.iterations)} (hint: one fit call, epochs=1)"
)
_used = getattr(task5_model.optimizer, "_learning_rate", None)  # what Adam(learning_rate=...) received
_check_steps = [0, 1, 10, 30, 60, 100, 150, 200, 250, 299]
if _used is not task5_schedule:
    assert callable(_used), f"the optimizer's learning rate: expected task5_schedule, got a constant {float(_used):.4g}"
    _want = [float(task5_schedule(_t)) for _t in _check_steps]
    _got = [float(_used(_t)) for _t in _check_steps]
    assert np.allclose(_got, _want, rtol=1e-5, atol=1e-9), (
        f"the optimizer's schedule at steps {_check_steps}: expected task5_schedule's {np.round(_want, 5)}, got "
        f"{np.round(_got, 5)} (hint: compile with keras.optimizers.Adam(learning_rate=task5_schedule))"
    )
_acc = float(np.mean(np.argmax(task5_model(x_val, training=False).numpy(), axis=1) == y_val))
assert _acc >= 0.965, f"validation accuracy: expected at least 0.965, got {_acc:.3f} (hint: decay the rate by the end)"
print("Task 5: visible tests passed.")
### BEGIN HIDDEN TESTS
_rates = np.array([float(task5_schedule(_t)) for _t in range(TASK5_STEPS)])
assert np.all(np.isfinite(_rates)) and np.all(_rates >= 0), "hidden: rates are finite and non-negative"
assert abs(_rates.max() - TASK5_PEAK) <= 0.01 * TASK5_PEAK, f"hidden: peak rate must be 0.05 ± 1 %, got {_rates.max():.4g}"
assert isinstance(task5_model.optimizer, keras.optimizers.Adam), "hidden: the optimizer is Adam"
assert task5_model.count_params() == make_model().count_params(), "hidden: the model comes from make_model()"
### END HIDDEN TESTS
