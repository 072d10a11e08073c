# %% [markdown]
# # Exercise 3: learning-rate schedules
#
# [Chapter 3](../chapters/03_schedules.md) wrote step, cosine, warmup and one-cycle schedules, matched them to Keras,
# and picked a rate with a range test. Here you write the schedules the chapter names but does not print (cosine with
# warm restarts, the Transformer's inverse-square-root warmup, one-cycle's momentum cycle), then make two decisions
# whose consequence the tests measure: a rate read off a real range test, and a schedule for a fixed budget. Everything
# is checked automatically (12 points):
#
# | Task | What you do | Kind | Points | Time (about) |
# |---|---|---|---|---|
# | 1 | `cosine_restarts(step, base_lr, first_period, t_mul, m_mul, alpha)` (SGDR) | transfer | 3 | 25 min |
# | 2 | `inverse_sqrt(step, peak_lr, warmup_steps)`, warmup counted from 1 | transfer | 2 | 10 min |
# | 3 | `one_cycle_momentum(step, total_steps, ...)`: the momentum half of one-cycle | transfer | 2 | 15 min |
# | 4 | choose `task4_lr` from a range test; a 300-step run checks it | judgement | 2 | 10 min |
# | 5 | choose a schedule with a fixed peak; reach ≥ 96.5 % validation accuracy | judgement | 3 | 20 min |
#
# (The times are estimates for a learner who has read the chapter; tasks 4 and 5 each train for a few seconds.)
# Each task has visible tests below your code: run them, read their messages, fix, repeat. When grading, more (hidden)
# tests of the same rules run; the whole notebook grades in well under a minute.
#
# **Steps and the warmup convention.** Throughout, `step` is the optimizer step $t = 0, 1, 2, \dots$: Keras calls a
# schedule with `optimizer.iterations`, which is 0 for the first update. Chapter 3 follows Keras's own warmup
# (`CosineDecay(warmup_steps=T_w)`): the rate is $\alpha_\text{peak}\,t/T_w$, so the **first update gets rate 0** and is
# wasted. Chapter 4 (and Exercise 4) count warmup from 1 instead, $\alpha_\text{peak}\,(t+1)/T_w$, so the first update
# already moves and the peak is reached at $t = T_w - 1$. Both are in use (Keras's built-in schedules do the former;
# many hand-written ones, including the original Transformer's, the latter); the difference is one step, which matters
# only for short warmups. Task 2 uses the counted-from-1 convention and says so; whenever you read or write a warmup,
# check which one it is.
#
# Tasks 1–3 take a Python `int` step (or a NumPy integer) and return a Python `float`; use `math` or NumPy, not
# TensorFlow.

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
# ## Task 1 (3 points): cosine decay with warm restarts (SGDR)
#
# Write `cosine_restarts(step, base_lr, first_period, t_mul=2.0, m_mul=1.0, alpha=0.0)` returning a Python `float`,
# the schedule of Loshchilov and Hutter's SGDR as `keras.optimizers.schedules.CosineDecayRestarts(base_lr,
# first_decay_steps=first_period, t_mul=t_mul, m_mul=m_mul, alpha=alpha)` computes it:
#
# * the steps are cut into periods: period $i = 0, 1, 2, \dots$ lasts $T_0\, t_\text{mul}^{\,i}$ steps
#   ($T_0$ = `first_period`, a positive int; `t_mul` $\ge 1$ is a float, so a period may last a fractional number of
#   steps: periods start wherever $t$ reaches $T_0(1 + t_\text{mul} + \dots + t_\text{mul}^{\,i-1})$);
# * within period $i$, with $f \in [0, 1)$ the fraction of that period already done at $t$:
#   $\alpha(t) = \alpha_\text{base}\,\bigl((1-a)\cdot\tfrac12\, m_\text{mul}^{\,i}\,(1 + \cos\pi f) + a\bigr)$,
#   with $a$ = `alpha` (a fraction of `base_lr`; note that the floor $a$ is **not** scaled by $m_\text{mul}^i$);
# * so at $t = 0$ the rate is `base_lr`, and at the first step of every period it jumps back to
#   $\alpha_\text{base}((1-a)\, m_\text{mul}^{\,i} + a)$.
#
# The tests compare with Keras (relative tolerance 1e-5, away from period boundaries, where Keras computes $i$ in
# float32) and check the first step of several periods to 1e-9.
#
# <details><summary>Hint</summary>
#
# Walk through the periods: keep `start` (where the current period begins) and `length`; while
# `step >= start + length`, move on (`start += length; length *= t_mul; i += 1`). Then $f$ = `(step - start) / length`.
# </details>

# %% nbgrader={"grade_id": "task1_solution", "solution": true}
def cosine_restarts(step, base_lr, first_period, t_mul=2.0, m_mul=1.0, alpha=0.0):
    ### BEGIN SOLUTION
    start, length, i = 0.0, float(first_period), 0
    while step >= start + length:
        start += length
        length *= t_mul
        i += 1
    f = (step - start) / length
    return float(base_lr * ((1 - alpha) * 0.5 * m_mul**i * (1 + math.cos(math.pi * f)) + alpha))
    ### END SOLUTION


# %% nbgrader={"grade_id": "task1_tests", "grade": true, "points": 3}
for _step, _expected in [(0, 0.1), (50, 0.05), (100, 0.1), (200, 0.05), (300, 0.1)]:
    _got = cosine_restarts(_step, 0.1, 100, t_mul=2.0)
    assert isinstance(_got, float), f"return a Python float, got {type(_got).__name__}"
    assert abs(_got - _expected) < 1e-9, (
        f"cosine_restarts({_step}, 0.1, 100, t_mul=2): expected {_expected}, got {_got} "
        "(hint: periods of 100, 200, 400 steps start at 0, 100, 300)"
    )
_keras = keras.optimizers.schedules.CosineDecayRestarts(0.1, 100, t_mul=2.0, m_mul=0.5, alpha=0.01)
for _step in (1, 37, 99, 101, 250, 299, 301, 650):
    _expected, _got = float(_keras(_step)), cosine_restarts(_step, 0.1, 100, t_mul=2.0, m_mul=0.5, alpha=0.01)
    assert np.isclose(_got, _expected, rtol=1e-5), (
        f"step {_step} (t_mul=2, m_mul=0.5, alpha=0.01): expected {_expected:.6g} (Keras), got {_got:.6g} "
        "(hint: the peak of period i is scaled by m_mul**i, the floor alpha is not)"
    )
print("Task 1: visible tests passed.")
### BEGIN HIDDEN TESTS
for _args in [(0.02, 50, 1.0, 1.0, 0.0), (1.0, 7, 1.5, 0.9, 0.1), (3e-4, 30, 3.0, 0.7, 0.05)]:
    _a0, _t0, _tm, _mm, _al = _args
    _keras = keras.optimizers.schedules.CosineDecayRestarts(_a0, _t0, t_mul=_tm, m_mul=_mm, alpha=_al)
    _bounds, _s, _len = [], 0.0, float(_t0)
    while _s < 20 * _t0:
        _bounds.append(_s)
        _s, _len = _s + _len, _len * _tm
    for _step in range(0, 20 * _t0, max(1, _t0 // 7)):
        if min(abs(_step - _b) for _b in _bounds) < 1e-3 * _t0 or abs(_step - _s) < 1e-3 * _t0:
            continue  # Keras's float32 period index is unreliable exactly at a boundary
        _got = cosine_restarts(_step, _a0, _t0, t_mul=_tm, m_mul=_mm, alpha=_al)
        assert isinstance(_got, float), "hidden: returns a Python float"
        assert np.isclose(_got, float(_keras(_step)), rtol=1e-5, atol=1e-7 * _a0), f"hidden: step {_step}, args {_args}"
for _i, _b in enumerate([0, 10, 30, 70, 150]):  # first steps of periods with T0 = 10, t_mul = 2, m_mul = 0.5, alpha = 0.2
    _got = cosine_restarts(_b, 2.0, 10, t_mul=2.0, m_mul=0.5, alpha=0.2)
    assert np.isclose(_got, 2.0 * (0.8 * 0.5**_i + 0.2), rtol=1e-9), f"hidden: restart {_i} at step {_b}, got {_got}"
assert cosine_restarts(np.int64(5), 0.1, 10, t_mul=1.0) == 0.05, "hidden: NumPy integer step, t_mul = 1"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 (2 points): inverse-square-root decay with warmup counted from 1
#
# The original Transformer's schedule warms up linearly, then decays like $1/\sqrt t$. Write
# `inverse_sqrt(step, peak_lr, warmup_steps)` returning a Python `float`, in the **counted-from-1** convention (see the
# introduction): with $n = t + 1$ (the number of the update) and $T_w$ = `warmup_steps` (a positive int),
#
# $$\alpha(t) = \alpha_\text{peak}\,\min\!\Bigl(\frac{n}{T_w},\ \sqrt{\frac{T_w}{n}}\Bigr).$$
#
# * so step 0 gives $\alpha_\text{peak}/T_w$ (not 0: the first update moves), step $T_w - 1$ gives exactly `peak_lr`,
#   and from there the rate falls like $1/\sqrt n$: step $4T_w - 1$ gives `peak_lr / 2`;
# * `warmup_steps = 1` means no warmup: step 0 gives `peak_lr`.
#
# The tests check these values exactly (to 1e-12) and many others to a relative 1e-12.
#
# <details><summary>Hint</summary>
#
# One line with `min`. The off-by-one is the whole point: write `n = step + 1` first.
# </details>

# %% nbgrader={"grade_id": "task2_solution", "solution": true}
def inverse_sqrt(step, peak_lr, warmup_steps):
    ### BEGIN SOLUTION
    n = int(step) + 1
    return float(peak_lr * min(n / warmup_steps, (warmup_steps / n) ** 0.5))
    ### END SOLUTION


# %% nbgrader={"grade_id": "task2_tests", "grade": true, "points": 2}
for _step, _expected in [(0, 0.01), (4, 0.05), (9, 0.1), (39, 0.05), (999, 0.01)]:
    _got = inverse_sqrt(_step, 0.1, 10)
    assert isinstance(_got, float), f"return a Python float, got {type(_got).__name__}"
    assert abs(_got - _expected) < 1e-12, (
        f"inverse_sqrt({_step}, 0.1, 10): expected {_expected}, got {_got} "
        "(hint: count updates from 1, n = step + 1; the peak is at step warmup_steps - 1)"
    )
print("Task 2: visible tests passed.")
### BEGIN HIDDEN TESTS
for _a0, _tw in [(1e-3, 4000), (0.5, 1), (2.0, 3)]:
    for _step in (0, 1, _tw - 2, _tw - 1, _tw, 2 * _tw, 4 * _tw - 1, 100 * _tw + 7):
        if _step < 0:
            continue
        _n = _step + 1
        _want = _a0 * min(_n / _tw, math.sqrt(_tw / _n))
        assert np.isclose(inverse_sqrt(_step, _a0, _tw), _want, rtol=1e-12), f"hidden: step {_step}, peak {_a0}, warmup {_tw}"
assert inverse_sqrt(0, 0.3, 1) == 0.3, "hidden: warmup_steps = 1 starts at the peak"
assert isinstance(inverse_sqrt(np.int64(5), 1, 2), float), "hidden: NumPy integer step, integer peak"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 (2 points): one-cycle's momentum cycle
#
# Smith's one-cycle policy (and PyTorch's `OneCycleLR`) moves the momentum **against** the rate: while the rate climbs,
# momentum falls from `max_momentum` to `base_momentum`; while the rate decays, momentum climbs back. Chapter 3 wrote
# only the rate half. Write `one_cycle_momentum(step, total_steps, pct_start=0.3, base_momentum=0.85,
# max_momentum=0.95)` returning a Python `float`. With $t_p$ = `pct_start * total_steps` (a float, not rounded),
# $\mu_\text{lo}$ = `base_momentum`, $\mu_\text{hi}$ = `max_momentum` and $T$ = `total_steps`:
#
# * $t \le t_p$: $\mu_\text{hi} - (\mu_\text{hi} - \mu_\text{lo})\,\tfrac12\bigl(1 - \cos(\pi t / t_p)\bigr)$
#   (half-cosine **down**: step 0 gives $\mu_\text{hi}$, $t_p$ gives $\mu_\text{lo}$);
# * $t_p < t < T$: $\mu_\text{lo} + (\mu_\text{hi} - \mu_\text{lo})\,\tfrac12\bigl(1 - \cos(\pi (t - t_p)/(T - t_p))\bigr)$
#   (half-cosine **up**);
# * $t \ge T$: $\mu_\text{hi}$ exactly.
#
# A consequence the tests check: at every step, $(\mu - \mu_\text{lo})/(\mu_\text{hi} - \mu_\text{lo})$ plus the
# chapter's one-cycle rate rescaled to $[0, 1]$ equals 1 (the two curves mirror each other). You may assume
# $0 <$ `pct_start` $< 1$; values are checked to a relative 1e-9, also where $t_p$ is not an integer.
#
# <details><summary>Hint</summary>
#
# Same three branches as the rate; only the direction of each half-cosine changes.
# </details>

# %% nbgrader={"grade_id": "task3_solution", "solution": true}
def one_cycle_momentum(step, total_steps, pct_start=0.3, base_momentum=0.85, max_momentum=0.95):
    ### BEGIN SOLUTION
    t_p = pct_start * total_steps
    span = max_momentum - base_momentum
    if step >= total_steps:
        return float(max_momentum)
    if step <= t_p:
        return float(max_momentum - span * 0.5 * (1 - math.cos(math.pi * step / t_p)))
    return float(base_momentum + span * 0.5 * (1 - math.cos(math.pi * (step - t_p) / (total_steps - t_p))))
    ### END SOLUTION


# %% nbgrader={"grade_id": "task3_tests", "grade": true, "points": 2}
for _step, _expected in [(0, 0.95), (15, 0.90), (30, 0.85), (65, 0.90), (100, 0.95), (150, 0.95)]:
    _got = one_cycle_momentum(_step, 100)
    assert isinstance(_got, float), f"return a Python float, got {type(_got).__name__}"
    assert np.isclose(_got, _expected, rtol=1e-9), (
        f"one_cycle_momentum({_step}, 100): expected {_expected}, got {_got:.8g} "
        "(hint: momentum falls while the rate climbs, until pct_start * total_steps)"
    )
print("Task 3: visible tests passed.")
### BEGIN HIDDEN TESTS
def _oc_rate01(t, tt, ps):  # the chapter's one-cycle rate, rescaled to [0, 1] (start = 0, peak = 1, end = 0)
    tp = ps * tt
    if t <= tp:
        return 0.5 * (1 - math.cos(math.pi * t / tp))
    if t >= tt:
        return 0.0
    return 0.5 * (1 + math.cos(math.pi * (t - tp) / (tt - tp)))


for _tt, _ps, _lo, _hi in [(600, 0.3, 0.85, 0.95), (7, 0.25, 0.8, 0.99), (1000, 0.45, 0.5, 0.9)]:
    _tp = _ps * _tt
    for _step in sorted({0, 1, int(_tp), int(_tp) + 1, (_tt + int(_tp)) // 2, _tt - 1, _tt, 2 * _tt}):
        _got = one_cycle_momentum(_step, _tt, pct_start=_ps, base_momentum=_lo, max_momentum=_hi)
        assert isinstance(_got, float), "hidden: returns a Python float"
        assert np.isclose((_got - _lo) / (_hi - _lo) + _oc_rate01(_step, _tt, _ps), 1.0, rtol=1e-9, atol=1e-9), (
            f"hidden: momentum and rate mirror each other, step {_step}, total {_tt}, pct_start {_ps}"
        )
assert one_cycle_momentum(10**6, 10) == 0.95, "hidden: long after the end"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 (2 points): read a rate off a range test
#
# The cell below (run it, do not change it) loads scikit-learn's digits (8×8 images, 1,347 training and 450
# validation examples), defines `make_model()` (a seeded two-layer MLP that outputs logits) and `train_batches()`
# (shuffled batches of 64, **exactly 300 batches** in one pass), and runs the chapter's learning-rate range test once:
# 100 steps of Adam with the rate growing geometrically from 1e-5 to 1, recording each batch's loss in `RANGE_LRS`
# and `RANGE_LOSSES` (a few seconds). It also defines `train_constant(lr)`, which trains a fresh `make_model()` for
# 300 steps with `keras.optimizers.Adam(lr)` and returns the model.
#
# In the solution cell, set `task4_lr` (a Python `float`) to the constant rate you choose from the range test (plot it
# or compute with it; Chapter 3 §3.3 gives a rule), and `task4_model = train_constant(task4_lr)`. The test checks the
# consequence: `task4_model` must classify **at least 94 %** of `x_val` correctly, and its optimizer must have taken 300
# steps at `task4_lr`. (For scale: the rate where the smoothed range-test loss is lowest reaches below 90 %, and
# 1e-4 about 89 %.)
#
# <details><summary>Hint</summary>
#
# At the minimum of the smoothed loss the rate is already at the edge of instability; back off by about a factor of 10.
# </details>

# %%
# Provided: data, model, batches, the range test and train_constant (do not change).
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


def train_batches(n=TASK5_STEPS):
    data = tf.data.Dataset.from_tensor_slices((x_train, y_train)).shuffle(len(x_train), seed=0)
    return data.repeat().batch(TASK5_BATCH).take(n)


def _range_test(lo=1e-5, hi=1.0, n_steps=100):
    model = make_model()
    schedule = keras.optimizers.schedules.ExponentialDecay(lo, decay_steps=n_steps, decay_rate=hi / lo)
    optimizer = keras.optimizers.Adam(learning_rate=schedule)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        optimizer.apply(tape.gradient(loss, model.trainable_variables), model.trainable_variables)
        return loss

    losses = [float(step(x, y)) for x, y in train_batches(n_steps)]
    return np.array([float(schedule(t)) for t in range(n_steps)]), np.array(losses)


def train_constant(lr):
    model = make_model()
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), steps_per_execution=50)
    model.fit(train_batches(), epochs=1, shuffle=False, verbose=0)
    return model


def val_accuracy(model):
    return float(np.mean(np.argmax(model(x_val, training=False).numpy(), axis=1) == y_val))


RANGE_LRS, RANGE_LOSSES = _range_test()
print(f"{len(x_train)} training and {len(x_val)} validation digits; {TASK5_STEPS} batches of {TASK5_BATCH}; "
      f"range test: {len(RANGE_LRS)} steps from {RANGE_LRS[0]:.0e} to {RANGE_LRS[-1]:.2g}")

# %% nbgrader={"grade_id": "task4_solution", "solution": true}
### BEGIN SOLUTION
_avg, _smoothed = 0.0, []
for _i, _loss in enumerate(RANGE_LOSSES):
    _avg = 0.9 * _avg + 0.1 * _loss
    _smoothed.append(_avg / (1 - 0.9 ** (_i + 1)))
_smoothed = np.where(np.isfinite(_smoothed), _smoothed, np.inf)
task4_lr = float(RANGE_LRS[int(np.argmin(_smoothed))] / 10)
task4_model = train_constant(task4_lr)
### END SOLUTION
print(f"task4_lr = {task4_lr:.4g}: validation accuracy {val_accuracy(task4_model):.3f}")

# %% nbgrader={"grade_id": "task4_tests", "grade": true, "points": 2}
assert isinstance(task4_lr, float) and task4_lr > 0, f"task4_lr: expected a positive float, got {task4_lr!r}"
assert int(task4_model.optimizer.iterations) == TASK5_STEPS, (
    f"optimizer steps: expected {TASK5_STEPS}, got {int(task4_model.optimizer.iterations)} "
    "(hint: task4_model = train_constant(task4_lr), once)"
)
_used = float(task4_model.optimizer.learning_rate)
assert np.isclose(_used, task4_lr, rtol=1e-6), f"the model was trained at {_used:.4g}, not at task4_lr = {task4_lr:.4g}"
_acc = val_accuracy(task4_model)
assert _acc >= 0.94, (
    f"validation accuracy after 300 steps at {task4_lr:.4g}: expected at least 0.94, got {_acc:.3f} "
    + ("(hint: the loss minimum of the range test is the edge of instability, not a rate to train with)"
       if task4_lr > 0.03 else "(hint: a rate this small has not finished learning in 300 steps)")
)
print("Task 4: visible tests passed.")
### BEGIN HIDDEN TESTS
assert RANGE_LRS[0] <= task4_lr <= RANGE_LRS[-1], "hidden: a rate inside the tested range"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 5 (3 points): train with your schedule (judgement)
#
# Use the data, `make_model()` and `train_batches()` of the cell before Task 4 (300 shuffled batches of 64 in one pass).
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
