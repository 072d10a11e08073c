# %% [markdown]
# # Exercise 2: optimizers
#
# [Chapter 2](../chapters/02_optimizers.md) derived gradient descent, momentum, RMSProp and Adam, checked each against
# `keras.optimizers`, and measured the 2/λ_max stability limit. Here you carry those ideas into forms the chapter does
# not print (a Jacobian, RMSProp's *centered* and momentum options, Adam's AMSGrad variant) and make two decisions the
# chapter taught you to make: a learning rate, then a rate and a momentum, chosen from a problem's curvature; the tests
# run your choice and measure what it achieves. Everything is checked automatically (12 points):
#
# | Task | What you do | Kind | Points | Time (about) |
# |---|---|---|---|---|
# | 1 | `numerical_jacobian(f, x, h)`: central differences for a vector-valued `f` | transfer | 2 | 15 min |
# | 2 | choose `task2_lr` for gradient descent on a quadratic | judgement | 2 | 15 min |
# | 3 | `rmsprop_step(...)` with `momentum` and `centered`, as Keras computes it | transfer | 3 | 25 min |
# | 4 | `amsgrad_step(...)`: Adam with `amsgrad=True`, as Keras computes it | transfer | 3 | 20 min |
# | 5 | choose `task5_lr` and `task5_momentum` for a badly conditioned quadratic | judgement | 2 | 20 min |
#
# (The times are estimates for a learner who has read the chapter: reading the spec, writing, one or two fixes.)
# Each task has visible tests below your code: run them, read their messages, fix, repeat. When grading, more (hidden)
# tests of the same rules run; the whole notebook grades in well under a minute. The setup cell runs the Keras
# optimizers once on fixed gradient sequences and stores their trajectories (`KERAS_REF`); the tests for tasks 3 and
# 4 compare your trajectories with those, using the chapter's normwise relative error
# $\lVert\Theta_\text{Keras}-\Theta_\text{yours}\rVert_F / \lVert\Theta_\text{yours}-\theta_0\rVert_F$, over 100 steps in
# float32. It also defines the two quadratics of tasks 2 and 5 and `heavy_ball_ratio`, the function their tests call.

# %%
# Setup: runs unchanged locally, in Colab and on a GPU (nothing to install: Colab ships these packages).
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
import math

import keras
import numpy as np
import tensorflow as tf

_ = tf.reduce_sum(tf.ones(2))  # start TensorFlow here, so its start-up messages appear in this cell
print(f"TensorFlow {tf.__version__} | Keras {keras.__version__} | NumPy {np.__version__}")


def keras_trajectory(optimizer, theta0, grads):
    """Feed a gradient sequence to a Keras optimizer; return the iterates θ_0 … θ_T, shape (T + 1, d)."""
    var = keras.Variable(theta0)
    out = [np.array(theta0)]
    for g in grads:
        optimizer.apply([tf.constant(g)], [var])
        out.append(var.numpy())
    return np.stack(out)


def trajectory_error(ours, reference):
    """Normwise relative error of a trajectory (rows θ_0 … θ_T) against a reference trajectory."""
    ours, reference = np.asarray(ours, dtype=np.float64), np.asarray(reference, dtype=np.float64)
    return float(np.linalg.norm(reference - ours) / np.linalg.norm(ours - ours[0]))


_rng = np.random.default_rng(2)
THETA0 = _rng.normal(size=6).astype("float32")
GRADS = (_rng.normal(size=(100, 6)) * np.logspace(-2, 1, 6) + 0.3).astype("float32")  # 100 steps, 6 parameters
TINY_GRADS = (GRADS * 1e-6).astype("float32")  # the same sequence, a million times smaller
FADING_GRADS = (GRADS * np.geomspace(10.0, 0.1, 100)[:, None]).astype("float32")  # shrinking by 100x over the run
KERAS_REF = {
    "rmsprop": keras_trajectory(keras.optimizers.RMSprop(0.01), THETA0, GRADS),
    "rmsprop_centered": keras_trajectory(keras.optimizers.RMSprop(0.003, rho=0.8, momentum=0.9, centered=True), THETA0, GRADS),
    "rmsprop_tiny": keras_trajectory(keras.optimizers.RMSprop(0.001, momentum=0.5), THETA0, TINY_GRADS),
    "amsgrad": keras_trajectory(keras.optimizers.Adam(0.01, amsgrad=True), THETA0, GRADS),
    "amsgrad_fading": keras_trajectory(keras.optimizers.Adam(0.01, amsgrad=True), THETA0, FADING_GRADS),
    "amsgrad_tiny": keras_trajectory(keras.optimizers.Adam(0.01, amsgrad=True), THETA0, TINY_GRADS),
    "amsgrad_custom": keras_trajectory(
        keras.optimizers.Adam(0.003, beta_1=0.8, beta_2=0.99, epsilon=1e-3, amsgrad=True), THETA0, FADING_GRADS
    ),
}
print("Keras reference trajectories:", ", ".join(f"{k} {v.shape}" for k, v in KERAS_REF.items()))


def quadratic(lam_min, lam_max, seed, d=10):
    """J(θ) = ½ (θ − θ*)ᵀ H (θ − θ*): a rotated H with eigenvalues from lam_min to lam_max; returns (H, θ*, θ_0)."""
    r = np.random.default_rng(seed)
    q, _ = np.linalg.qr(r.normal(size=(d, d)))
    return (q * np.geomspace(lam_min, lam_max, d)) @ q.T, r.normal(size=d), np.zeros(d)


def heavy_ball_ratio(H, theta_star, theta0, lr, momentum, steps=100):
    """J(θ_steps) / J(θ_0) after `steps` steps of Keras-form momentum (v ← μv − αg, θ ← θ + v); momentum=0 is plain GD."""
    e, v = theta0 - theta_star, np.zeros_like(theta0)
    j0 = 0.5 * e @ H @ e
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            v = momentum * v - lr * (H @ e)
            e = e + v
        ratio = 0.5 * e @ H @ e / j0
    return float(ratio) if np.isfinite(ratio) else float("inf")


H_EASY, STAR_EASY, START_EASY = quadratic(0.5, 15.0, seed=2)  # condition number 30 (Task 2)
H_HARD, STAR_HARD, START_HARD = quadratic(0.1, 10.0, seed=5)  # condition number 100 (Task 5)

# %% [markdown]
# ## Task 1 (2 points): a finite-difference Jacobian
#
# The chapter checked a *scalar* loss's gradient by finite differences. Backpropagation through a layer needs the
# derivative of a *vector* output. Write `numerical_jacobian(f, x, h=1e-5)`:
#
# * `x` is a 1-D NumPy array of shape `(n,)`, any float dtype; `f` takes an array shaped like `x` and returns a 1-D
#   array of shape `(m,)` (`m` may differ from `n`);
# * return a **float64** array `J` of shape `(m, n)` with `J[i, j]` $= \partial f_i / \partial x_j$, by **central**
#   differences $\big(f(x + h e_j) - f(x - h e_j)\big) / 2h$ (row = output, column = input);
# * compute in float64 even when `x` is float32 (a test passes float32 `x` with the default `h` and requires an absolute
#   error below 1e-6); one-sided differences fail a test that uses `h=1e-3` on a cubic (error limit 1e-5);
# * do not change the caller's `x`.
#
# <details><summary>Hint</summary>
#
# Column `j` of the Jacobian is the central difference of the whole output along $e_j$. `np.eye(n) * h` gives all the
# perturbations; stack the columns with `np.stack(..., axis=1)`.
# </details>

# %% nbgrader={"grade_id": "task1_solution", "solution": true}
def numerical_jacobian(f, x, h=1e-5):
    ### BEGIN SOLUTION
    x64 = np.array(x, dtype=np.float64)
    columns = []
    for e in np.eye(x64.size) * h:
        up = np.asarray(f(x64 + e), dtype=np.float64)
        down = np.asarray(f(x64 - e), dtype=np.float64)
        columns.append((up - down) / (2 * h))
    return np.stack(columns, axis=1)
    ### END SOLUTION


# %% nbgrader={"grade_id": "task1_tests", "grade": true, "points": 2}
_A = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
_got = numerical_jacobian(lambda v: _A @ v, np.array([0.3, -0.2, 1.0]))
assert np.shape(_got) == (2, 3), (
    f"f(x) = A @ x with A of shape (2, 3): expected a Jacobian of shape (2, 3), got {np.shape(_got)} "
    "(hint: one row per output, one column per input)"
)
assert np.allclose(_got, _A, atol=1e-6), f"f(x) = A @ x: expected A = {_A.tolist()}, got {np.round(_got, 6).tolist()}"
_got = numerical_jacobian(lambda v: v**3, np.array([1.0, 2.0]), h=1e-3)
_want = np.diag([3.0, 12.0])
assert np.max(np.abs(_got - _want)) < 1e-5, (
    f"f(x) = x³ at [1, 2] with h = 1e-3: expected {_want.tolist()} (to 1e-5), got {np.round(_got, 7).tolist()} "
    "(hint: one-sided differences are off by about 3h·x here)"
)
print("Task 1: visible tests passed.")
### BEGIN HIDDEN TESTS
_x32 = np.array([0.3, -1.2, 2.0, 0.7], dtype="float32")
_before = _x32.copy()
_got = numerical_jacobian(lambda v: np.array([np.sum(np.sin(v)), v[0] * v[1], np.exp(v[3])]), _x32)
_x64 = _x32.astype(np.float64)
_want = np.array([np.cos(_x64), [_x64[1], _x64[0], 0, 0], [0, 0, 0, np.exp(_x64[3])]])
assert np.asarray(_got).dtype == np.float64, "hidden: float64 result"
assert np.shape(_got) == (3, 4), "hidden: (m, n) = (3, 4)"
assert np.max(np.abs(_got - _want)) < 1e-6, "hidden: float32 input, mixed functions"
assert np.array_equal(_x32, _before), "hidden: x must not be modified"
_W = np.random.default_rng(0).normal(size=(5, 2))
assert np.allclose(numerical_jacobian(lambda v: np.tanh(_W @ v), np.array([0.1, -0.4])),
                   (1 - np.tanh(_W @ [0.1, -0.4]) ** 2)[:, None] * _W, atol=1e-6), "hidden: tanh layer, m > n"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 (2 points): choose a learning rate from the curvature
#
# The setup cell defines `H_EASY`, `STAR_EASY` and `START_EASY`: the quadratic
# $J(\theta) = \tfrac12(\theta-\theta^*)^\top H(\theta-\theta^*)$ in 10 dimensions, with $H$ = `H_EASY` (symmetric,
# positive definite, not diagonal), $\theta^*$ = `STAR_EASY`, and the start $\theta_0$ = `START_EASY`.
# Gradient descent takes steps $\theta \leftarrow \theta - \alpha H (\theta - \theta^*)$.
#
# Set `task2_lr` (a positive Python `float`) so that **100 steps of gradient descent reduce $J$ by a factor of at least
# $10^6$**: the test computes `heavy_ball_ratio(H_EASY, STAR_EASY, START_EASY, task2_lr, 0.0)` (momentum 0 is plain
# gradient descent) and requires a value $\le 10^{-6}$. Decide from what you can compute about `H_EASY`
# (Chapter 2, §2.2), or by experiment; the test measures only the outcome.
#
# <details><summary>Hint</summary>
#
# `np.linalg.eigvalsh(H_EASY)` gives the curvatures. Each eigen-direction shrinks by $|1 - \alpha\lambda_i|$ per step.
# The stability limit $2/\lambda_\max$ is not the best rate: the slowest direction decides.
# </details>

# %% nbgrader={"grade_id": "task2_solution", "solution": true}
### BEGIN SOLUTION
_lams = np.linalg.eigvalsh(H_EASY)
task2_lr = float(2.0 / (_lams.min() + _lams.max()))  # equalises the slowest and the fastest direction
### END SOLUTION
print(f"task2_lr = {task2_lr:.4g}: J falls to {heavy_ball_ratio(H_EASY, STAR_EASY, START_EASY, task2_lr, 0.0):.2e} of its start")

# %% nbgrader={"grade_id": "task2_tests", "grade": true, "points": 2}
assert isinstance(task2_lr, float) and task2_lr > 0, f"task2_lr: expected a positive float, got {task2_lr!r}"
_ratio = heavy_ball_ratio(H_EASY, STAR_EASY, START_EASY, task2_lr, 0.0)
_lam_max = float(np.linalg.eigvalsh(H_EASY).max())
assert _ratio <= 1e-6, (
    f"100 steps of gradient descent at {task2_lr:.4g}: expected J / J_0 ≤ 1e-6, got {_ratio:.2e} "
    + ("(hint: above 2/λ_max the iterates diverge)" if task2_lr >= 2 / _lam_max else
       "(hint: which direction of H shrinks slowest at this rate?)")
)
print("Task 2: visible tests passed.")
### BEGIN HIDDEN TESTS
assert task2_lr < 2 / _lam_max, "hidden: a stable rate (below 2/λ_max)"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 (3 points): RMSProp with momentum and centering, as Keras computes it
#
# The chapter's RMSProp had neither of `keras.optimizers.RMSprop`'s two options. Write
# `rmsprop_step(theta, grad, state, lr, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False)` returning
# `(new_theta, new_state)` and following Keras **exactly**. With $v$ the average of $g^2$, $\bar g$ the average of $g$
# and $b$ the momentum buffer (all start at 0, see `rmsprop_init` below):
#
# $$
# v \leftarrow \rho v + (1-\rho) g^2, \qquad
# d = \begin{cases} v - \bar g^{\,2} + \epsilon & \text{centered, after } \bar g \leftarrow \rho \bar g + (1-\rho) g\\
#                   v + \epsilon & \text{otherwise}\end{cases}, \qquad
# u = \frac{\alpha\, g}{\sqrt{d}},
# $$
# $$
# \text{momentum} > 0:\ b \leftarrow \mu b + u,\ \theta \leftarrow \theta - b; \qquad \text{momentum} = 0:\ \theta \leftarrow \theta - u .
# $$
#
# * `theta`, `grad`: float arrays of the same shape (the tests use float32 `(6,)`); `state` is a dict with keys
#   `"v"`, `"g_avg"`, `"buf"`; return a **new** dict with the same keys (keep `"g_avg"` and `"buf"` at zero when their
#   option is off); do not modify the arrays passed in;
# * note where $\epsilon$ sits: *inside* the square root (the chapter's "Keras form");
# * the tests run 100 steps from `THETA0` and require a trajectory error ≤ 1e-5 against Keras:
#   `KERAS_REF["rmsprop"]` (`RMSprop(0.01)`, on `GRADS`) and `KERAS_REF["rmsprop_centered"]`
#   (`RMSprop(0.003, rho=0.8, momentum=0.9, centered=True)`, on `GRADS`); hidden:
#   `KERAS_REF["rmsprop_tiny"]` (`RMSprop(0.001, momentum=0.5)` on `TINY_GRADS`, where the place of $\epsilon$ decides).
#
# <details><summary>Hint</summary>
#
# Build the new arrays with expressions (`v = rho * state["v"] + ...`), never `+=` on the state's arrays.
# In the centered form, update $\bar g$ *before* you use it. Keras's buffer $b$ already contains the learning rate.
# </details>

# %%
def rmsprop_init(theta):
    """RMSProp's initial state for parameters shaped like `theta`."""
    return {"v": np.zeros_like(theta), "g_avg": np.zeros_like(theta), "buf": np.zeros_like(theta)}


# %% nbgrader={"grade_id": "task3_solution", "solution": true}
def rmsprop_step(theta, grad, state, lr, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    ### BEGIN SOLUTION
    v = rho * state["v"] + (1 - rho) * np.square(grad)
    g_avg = rho * state["g_avg"] + (1 - rho) * grad if centered else state["g_avg"].copy()
    denominator = v - np.square(g_avg) + epsilon if centered else v + epsilon
    increment = lr * grad / np.sqrt(denominator)
    if momentum > 0:
        buf = momentum * state["buf"] + increment
        return theta - buf, {"v": v, "g_avg": g_avg, "buf": buf}
    return theta - increment, {"v": v, "g_avg": g_avg, "buf": state["buf"].copy()}
    ### END SOLUTION


# %% nbgrader={"grade_id": "task3_tests", "grade": true, "points": 3}
def _rmsprop_trajectory(grads=GRADS, **kwargs):
    theta, state, out = THETA0.copy(), rmsprop_init(THETA0), [THETA0.copy()]
    for g in grads:
        theta, state = rmsprop_step(theta, g, state, **kwargs)
        out.append(np.array(theta))
    return np.stack(out)


_th, _s = rmsprop_step(np.array([1.0]), np.array([2.0]), rmsprop_init(np.array([1.0])), 0.1)
assert set(_s) == {"v", "g_avg", "buf"}, f"state keys: expected v, g_avg, buf; got {sorted(_s)}"
_want = 1.0 - 0.1 * 2.0 / np.sqrt(0.1 * 4.0 + 1e-7)
assert np.allclose(_s["v"], [0.4]) and np.allclose(_th, [_want], rtol=1e-9), (
    f"one step, g = 2, lr = 0.1: expected v = [0.4], theta = [{_want:.7f}]; got v = {_s['v']}, theta = {_th}"
)
_err = trajectory_error(_rmsprop_trajectory(lr=0.01), KERAS_REF["rmsprop"])
assert _err <= 1e-5, f"100 steps vs keras.optimizers.RMSprop(0.01): expected error ≤ 1e-5, got {_err:.2e}"
_err = trajectory_error(_rmsprop_trajectory(lr=0.003, rho=0.8, momentum=0.9, centered=True), KERAS_REF["rmsprop_centered"])
assert _err <= 1e-5, (
    f"100 steps vs RMSprop(0.003, rho=0.8, momentum=0.9, centered=True): expected error ≤ 1e-5, got {_err:.2e} "
    "(hint: centered subtracts the squared average gradient, updated first; the buffer holds lr·g/√d)"
)
print("Task 3: visible tests passed.")
### BEGIN HIDDEN TESTS
_err = trajectory_error(_rmsprop_trajectory(TINY_GRADS, lr=0.001, momentum=0.5), KERAS_REF["rmsprop_tiny"])
assert _err <= 1e-5, f"hidden: RMSprop(0.001, momentum=0.5) on TINY_GRADS: error {_err:.2e} (eps inside the square root)"
_st = rmsprop_init(np.ones(3))
_t3 = np.ones(3)
_, _s1 = rmsprop_step(_t3, np.full(3, 2.0), _st, 0.1, momentum=0.9, centered=True)
assert all(np.array_equal(_st[_k], np.zeros(3)) for _k in _st), "hidden: the state passed in must not be modified"
assert np.array_equal(_t3, np.ones(3)), "hidden: theta must not be modified"
assert set(_s1) == {"v", "g_avg", "buf"}, "hidden: state keys"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 (3 points): AMSGrad, as Keras computes it
#
# `keras.optimizers.Adam(amsgrad=True)` keeps one more average: the running **maximum** $\hat v$ of $v$, and divides by
# it instead of $v$, so that the effective step never grows when gradients shrink. The state (made by `amsgrad_init`,
# given below) has keys `"m"`, `"v"`, `"v_max"` and `"t"` (steps taken so far, starting at 0).
#
# Write `amsgrad_step(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7)` returning
# `(new_params, new_state)`, following Keras **exactly**:
#
# $$
# t \leftarrow t+1,\ \ m \leftarrow \beta_1 m + (1-\beta_1) g,\ \ v \leftarrow \beta_2 v + (1-\beta_2) g^2,\ \
# \hat v \leftarrow \max(\hat v, v),\ \ \alpha_t = \alpha\frac{\sqrt{1-\beta_2^{\,t}}}{1-\beta_1^{\,t}},\ \
# \theta \leftarrow \theta - \alpha_t \frac{m}{\sqrt{\hat v} + \epsilon}.
# $$
#
# * `new_state` is a **new** dict with the four keys (`"t"` a Python int); do not modify the arguments;
# * the tests run 100 steps from `THETA0` (trajectory error ≤ 1e-4) against `KERAS_REF["amsgrad"]` (`lr=0.01`, on
#   `GRADS`) and `KERAS_REF["amsgrad_fading"]` (`lr=0.01`, on `FADING_GRADS`, gradients that shrink a hundredfold
#   during the run, where plain Adam is far off); hidden: `KERAS_REF["amsgrad_tiny"]` (`TINY_GRADS`, where the place
#   of $\epsilon$ matters) and `KERAS_REF["amsgrad_custom"]` (`lr=0.003, beta1=0.8, beta2=0.99, eps=1e-3`, on
#   `FADING_GRADS`).
#
# <details><summary>Hint</summary>
#
# The maximum is taken over the *uncorrected* $v$, elementwise (`np.maximum`); $\epsilon$ is added to $\sqrt{\hat v}$.
# </details>

# %%
def amsgrad_init(params):
    """AMSGrad's initial state for parameters shaped like `params`."""
    return {"m": np.zeros_like(params), "v": np.zeros_like(params), "v_max": np.zeros_like(params), "t": 0}


# %% nbgrader={"grade_id": "task4_solution", "solution": true}
def amsgrad_step(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    ### BEGIN SOLUTION
    t = state["t"] + 1
    m = state["m"] + (grads - state["m"]) * (1 - beta1)
    v = state["v"] + (np.square(grads) - state["v"]) * (1 - beta2)
    v_max = np.maximum(state["v_max"], v)
    step_size = lr * math.sqrt(1 - beta2**t) / (1 - beta1**t)
    new_params = params - step_size * m / (np.sqrt(v_max) + eps)
    return new_params, {"m": m, "v": v, "v_max": v_max, "t": t}
    ### END SOLUTION


# %% nbgrader={"grade_id": "task4_tests", "grade": true, "points": 3}
def _amsgrad_trajectory(grads=GRADS, **kwargs):
    params, state, out = THETA0.copy(), amsgrad_init(THETA0), [THETA0.copy()]
    for g in grads:
        params, state = amsgrad_step(params, g, state, **kwargs)
        out.append(np.array(params))
    return np.stack(out)


_p, _s = amsgrad_step(np.array([1.0]), np.array([0.5]), amsgrad_init(np.array([1.0])), lr=0.1)
assert set(_s) == {"m", "v", "v_max", "t"}, f"state keys: expected m, v, v_max, t; got {sorted(_s)}"
assert _s["t"] == 1 and np.allclose(_s["v_max"], [0.00025]), (
    f"one step with g = 0.5: expected t = 1, v_max = [0.00025]; got t = {_s['t']}, v_max = {_s['v_max']}"
)
_err = trajectory_error(_amsgrad_trajectory(lr=0.01), KERAS_REF["amsgrad"])
assert _err <= 1e-4, f"100 steps vs Adam(0.01, amsgrad=True) on GRADS: expected error ≤ 1e-4, got {_err:.2e}"
_err = trajectory_error(_amsgrad_trajectory(FADING_GRADS, lr=0.01), KERAS_REF["amsgrad_fading"])
assert _err <= 1e-4, (
    f"100 steps vs Adam(0.01, amsgrad=True) on FADING_GRADS: expected error ≤ 1e-4, got {_err:.2e} "
    "(hint: divide by the running maximum of v, not by v)"
)
print("Task 4: visible tests passed.")
### BEGIN HIDDEN TESTS
_err = trajectory_error(_amsgrad_trajectory(TINY_GRADS, lr=0.01), KERAS_REF["amsgrad_tiny"])
assert _err <= 1e-4, f"hidden: TINY_GRADS: error {_err:.2e} (eps is added to sqrt(v_max), uncorrected)"
_err = trajectory_error(_amsgrad_trajectory(FADING_GRADS, lr=0.003, beta1=0.8, beta2=0.99, eps=1e-3), KERAS_REF["amsgrad_custom"])
assert _err <= 1e-4, f"hidden: lr=0.003, beta1=0.8, beta2=0.99, eps=1e-3: error {_err:.2e} (use every argument)"
_state0 = amsgrad_init(np.ones(3))
_p3 = np.ones(3)
_, _s1 = amsgrad_step(_p3, np.full(3, 2.0), _state0)
assert _state0["t"] == 0 and not np.any(_state0["v_max"]), "hidden: the state passed in must not be modified"
assert np.array_equal(_p3, np.ones(3)), "hidden: params must not be modified"
assert type(_s1["t"]) is int and _s1["t"] == 1, "hidden: t is a Python int"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 5 (2 points): a rate and a momentum for a badly conditioned problem
#
# `H_HARD`, `STAR_HARD`, `START_HARD` define a second quadratic, with a condition number
# $\kappa = \lambda_\max/\lambda_\min = 100$. Even at its best rate, plain gradient descent reduces $J$ here only by a
# factor of a few hundred in 100 steps. Momentum (Keras's form, $v \leftarrow \mu v - \alpha g$,
# $\theta \leftarrow \theta + v$) can do far better, *if* $\alpha$ and $\mu$ suit the curvature.
#
# Set `task5_lr` and `task5_momentum` (Python floats, $\alpha > 0$, $0 \le \mu < 1$) so that
# `heavy_ball_ratio(H_HARD, STAR_HARD, START_HARD, task5_lr, task5_momentum)` (100 steps) is **$\le 10^{-10}$**.
# Keras's default-looking choice, $\mu = 0.9$ with $\alpha = 1/\lambda_\max$, gives only about $10^{-5}$.
#
# <details><summary>Hint</summary>
#
# For a quadratic, the heavy ball converges fastest with $\mu = \big((\sqrt\kappa - 1)/(\sqrt\kappa + 1)\big)^2$ and
# $\alpha = 4/(\sqrt{\lambda_\max} + \sqrt{\lambda_\min})^2$ (Polyak). Or search a small grid of $(\alpha, \mu)$ with
# `heavy_ball_ratio` yourself: it is cheap.
# </details>

# %% nbgrader={"grade_id": "task5_solution", "solution": true}
### BEGIN SOLUTION
_lam = np.linalg.eigvalsh(H_HARD)
_root_kappa = math.sqrt(_lam.max() / _lam.min())
task5_momentum = float(((_root_kappa - 1) / (_root_kappa + 1)) ** 2)
task5_lr = float(4 / (math.sqrt(_lam.max()) + math.sqrt(_lam.min())) ** 2)
### END SOLUTION
print(f"lr {task5_lr:.4g}, momentum {task5_momentum:.4g}: J falls to "
      f"{heavy_ball_ratio(H_HARD, STAR_HARD, START_HARD, task5_lr, task5_momentum):.2e} of its start")

# %% nbgrader={"grade_id": "task5_tests", "grade": true, "points": 2}
assert isinstance(task5_lr, float) and task5_lr > 0, f"task5_lr: expected a positive float, got {task5_lr!r}"
assert isinstance(task5_momentum, float) and 0 <= task5_momentum < 1, (
    f"task5_momentum: expected a float in [0, 1), got {task5_momentum!r}"
)
_ratio = heavy_ball_ratio(H_HARD, STAR_HARD, START_HARD, task5_lr, task5_momentum)
assert _ratio <= 1e-10, (
    f"100 steps at lr {task5_lr:.4g}, momentum {task5_momentum:.4g}: expected J / J_0 ≤ 1e-10, got {_ratio:.2e} "
    "(hint: too much momentum oscillates for long, too little leaves the flat directions slow; the rate and the "
    "momentum must suit both λ_min and λ_max)"
)
print("Task 5: visible tests passed.")
### BEGIN HIDDEN TESTS
_best_gd = min(heavy_ball_ratio(H_HARD, STAR_HARD, START_HARD, _a, 0.0) for _a in np.geomspace(0.01, 0.2, 60))
assert _ratio < 1e-4 * _best_gd, "hidden: momentum beats the best plain gradient descent by a factor of 10⁴ or more"
### END HIDDEN TESTS
