# %% [markdown]
# # Exercise 2: optimizers from scratch
#
# You will write the building blocks of [Chapter 2](../chapters/02_optimizers.md) in NumPy: a finite-difference
# gradient, an epoch of minibatch SGD, and the momentum and Adam updates exactly as `keras.optimizers` computes them.
# Everything is checked automatically (12 points):
#
# | Task | What you build | Points |
# |---|---|---|
# | 1 | `numerical_gradient(f, x, h)`: central finite differences | 2 |
# | 2 | `sgd_minibatch_epoch(theta, X, y, lr, batch_size, rng)` for linear regression | 3 |
# | 3 | `momentum_step(theta, grad, velocity, lr, momentum)`, Keras's form | 3 |
# | 4 | `adam_step(params, grads, state, lr, beta1, beta2, eps)`, Keras's form | 4 |
#
# Each task has visible tests below your code: run them, read their messages, fix, repeat. When grading, more (hidden)
# tests of the same rules run. The setup cell runs the Keras optimizers once on fixed gradient sequences and stores
# their trajectories (`KERAS_REF`); the tests for tasks 3 and 4 compare your trajectories with those, using the
# normwise relative error of the chapter, $\lVert\Theta_\text{Keras}-\Theta_\text{yours}\rVert_F /
# \lVert\Theta_\text{yours}-\theta_0\rVert_F$, over 100 steps in float32.

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
KERAS_REF = {
    "momentum": keras_trajectory(keras.optimizers.SGD(0.01, momentum=0.9), THETA0, GRADS),
    "momentum_0.5": keras_trajectory(keras.optimizers.SGD(0.05, momentum=0.5), THETA0, GRADS),
    "adam": keras_trajectory(keras.optimizers.Adam(0.01), THETA0, GRADS),
    "adam_custom": keras_trajectory(keras.optimizers.Adam(0.003, beta_1=0.8, beta_2=0.99, epsilon=1e-3), THETA0, GRADS),
    "adam_tiny": keras_trajectory(keras.optimizers.Adam(0.01), THETA0, TINY_GRADS),
}
print("Keras reference trajectories:", ", ".join(f"{k} {v.shape}" for k, v in KERAS_REF.items()))

# %% [markdown]
# ## Task 1 (2 points): finite-difference gradient
#
# Write `numerical_gradient(f, x, h=1e-5)`:
#
# * `f` is a function taking a NumPy array shaped like `x` and returning a scalar (a Python or NumPy float);
# * `x` is a NumPy array of any shape (the tests use 1-D and 2-D arrays) and any float dtype;
# * return a **float64** array of the same shape as `x` whose entry $j$ is the **central** difference
#   $\big(f(x + h e_j) - f(x - h e_j)\big) / 2h$;
# * compute in float64 even when `x` is float32 (the tests pass float32 arrays and require an absolute error below 1e-6
#   for $f = \sum \sin x$ with the default `h`);
# * use central, not one-sided, differences (a test uses `h=1e-3` on a cubic and requires an absolute error below 1e-5;
#   the one-sided difference is off by about 3e-3 there);
# * do not change the caller's `x` (the tests check it afterwards).
#
# <details><summary>Hint</summary>
#
# Make a float64 copy with `np.array(x, dtype=np.float64)`, loop over `np.ndindex(x.shape)`, and restore each entry after
# perturbing it.
# </details>

# %% nbgrader={"grade_id": "task1_solution", "solution": true}
def numerical_gradient(f, x, h=1e-5):
    ### BEGIN SOLUTION
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for j in np.ndindex(x.shape):
        original = x[j]
        x[j] = original + h
        f_plus = f(x)
        x[j] = original - h
        f_minus = f(x)
        x[j] = original
        grad[j] = (f_plus - f_minus) / (2 * h)
    return grad
    ### END SOLUTION


# %% nbgrader={"grade_id": "task1_tests", "grade": true, "points": 2}
_x = np.array([1.0, -2.0, 0.5])
_got = numerical_gradient(lambda v: np.sum(v**2), _x)
assert np.shape(_got) == (3,), f"shape: expected (3,), got {np.shape(_got)}"
assert np.allclose(_got, 2 * _x, atol=1e-6), f"f = sum(x²) at {_x}: expected {2 * _x}, got {_got}"
_got = numerical_gradient(lambda v: np.sum(v**3), np.array([1.0]), h=1e-3)
assert abs(_got[0] - 3.0) < 1e-5, (
    f"f = x³ at x = 1 with h = 1e-3: expected 3.000001 (central), got {_got[0]:.7f} (hint: one-sided differences give 3.003)"
)
print("Task 1: visible tests passed.")
### BEGIN HIDDEN TESTS
_x32 = np.array([[0.3, -1.2], [2.0, 0.7]], dtype="float32")
_x_before = _x32.copy()
_got = numerical_gradient(lambda v: float(np.sum(np.sin(v))), _x32)
assert np.shape(_got) == (2, 2), "hidden: 2-D input keeps its shape"
assert np.asarray(_got).dtype == np.float64, "hidden: float64 result"
assert np.max(np.abs(_got - np.cos(_x32.astype(np.float64)))) < 1e-6, "hidden: float32 input, f = sum(sin x)"
assert np.array_equal(_x32, _x_before), "hidden: x must not be modified"
_A = np.array([[2.0, 1.0], [1.0, 3.0]])
_v = np.array([0.5, -1.0])
assert np.allclose(numerical_gradient(lambda v: 0.5 * v @ _A @ v, _v), _A @ _v, atol=1e-6), "hidden: quadratic form"
assert np.allclose(numerical_gradient(lambda v: np.sum(v**3), np.array([2.0, -1.0]), h=1e-3), [12.0, 3.0], atol=1e-5), "hidden: cubic"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 (3 points): one epoch of minibatch SGD
#
# Write `sgd_minibatch_epoch(theta, X, y, lr, batch_size, rng)` for a linear model $\hat y = X\theta$ with the mean squared
# error $J = \frac1B\sum_{i\in\text{batch}}(x_i^\top\theta - y_i)^2$:
#
# * `theta`: float array `(d,)`; `X`: float array `(n, d)`; `y`: float array `(n,)`; `lr`: float; `batch_size`: int ≥ 1;
#   `rng`: a `np.random.Generator`;
# * shuffle **once**, at the start, with `order = rng.permutation(n)` (call nothing else on `rng`: the tests check its
#   state afterwards), then take the batches `order[0:batch_size]`, `order[batch_size:2*batch_size]`, …;
#   the last batch holds whatever is left and may be smaller;
# * for each batch $b$, in order: $\theta \leftarrow \theta - \alpha \cdot \frac{2}{|b|} X_b^\top (X_b\theta - y_b)$, where
#   $|b|$ is the size of *that* batch;
# * return the new `theta` as a float array `(d,)`; do not modify the `theta` passed in
#   (tolerance of the tests: 1e-8 relative to a float64 reference).
#
# <details><summary>Hint</summary>
#
# `for start in range(0, n, batch_size): idx = order[start:start + batch_size]`. Write `theta = theta - ...`, not
# `theta -= ...`, so the caller's array is left alone.
# </details>

# %% nbgrader={"grade_id": "task2_solution", "solution": true}
def sgd_minibatch_epoch(theta, X, y, lr, batch_size, rng):
    ### BEGIN SOLUTION
    order = rng.permutation(len(X))
    theta = np.asarray(theta, dtype=np.float64)
    for start in range(0, len(X), batch_size):
        idx = order[start : start + batch_size]
        theta = theta - lr * 2 * X[idx].T @ (X[idx] @ theta - y[idx]) / len(idx)
    return theta
    ### END SOLUTION


# %% nbgrader={"grade_id": "task2_tests", "grade": true, "points": 3}
_X = np.array([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0], [2.0, -1.0]])
_y = np.array([1.0, 2.0, 0.0, 1.0])
_theta = np.array([0.5, -0.5])
_expected = _theta - 0.1 * 2 * _X.T @ (_X @ _theta - _y) / 4  # batch_size = n: one full-batch gradient step
_got = sgd_minibatch_epoch(_theta, _X, _y, 0.1, 4, np.random.default_rng(0))
assert np.shape(_got) == (2,), f"shape: expected (2,), got {np.shape(_got)}"
assert np.allclose(_got, _expected, rtol=1e-8), f"batch_size = n (one GD step): expected {_expected}, got {_got}"
_expected = np.array([0.43, 0.16])  # default_rng(0).permutation(4) is [2, 0, 1, 3]: batches [2, 0], then [1, 3]
_got = sgd_minibatch_epoch(_theta, _X, _y, 0.1, 2, np.random.default_rng(0))
assert np.allclose(_got, _expected, rtol=1e-8), (
    f"batch_size = 2, rng = default_rng(0): expected {_expected}, got {_got} "
    "(hint: one rng.permutation(n) at the start, batches in that order, divide by the batch's own size)"
)
assert np.array_equal(_theta, [0.5, -0.5]), "the theta passed in must not be modified"
print("Task 2: visible tests passed.")
### BEGIN HIDDEN TESTS
def _reference_epoch(theta, X, y, lr, batch_size, rng):
    order = rng.permutation(len(X))
    theta = np.asarray(theta, dtype=np.float64)
    for start in range(0, len(X), batch_size):
        idx = order[start : start + batch_size]
        theta = theta - lr * 2 * X[idx].T @ (X[idx] @ theta - y[idx]) / len(idx)
    return theta


_r = np.random.default_rng(7)
for _n, _d, _bs in [(10, 3, 3), (17, 4, 5), (8, 2, 1), (9, 3, 20)]:
    _Xh, _yh, _th = _r.normal(size=(_n, _d)), _r.normal(size=_n), _r.normal(size=_d)
    _rng_a, _rng_b = np.random.default_rng(_n), np.random.default_rng(_n)
    _got = sgd_minibatch_epoch(_th.copy(), _Xh, _yh, 0.05, _bs, _rng_a)
    _want = _reference_epoch(_th, _Xh, _yh, 0.05, _bs, _rng_b)
    assert np.allclose(_got, _want, rtol=1e-8, atol=1e-12), f"hidden: n={_n}, d={_d}, batch_size={_bs}"
    assert _rng_a.integers(1 << 30) == _rng_b.integers(1 << 30), "hidden: rng must be used for exactly one permutation"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 (3 points): momentum, as Keras computes it
#
# Write `momentum_step(theta, grad, velocity, lr, momentum)` returning `(new_theta, new_velocity)`, following
# `keras.optimizers.SGD(learning_rate=lr, momentum=momentum)` (not Nesterov):
#
# $$v \leftarrow \mu\, v - \alpha\, g, \qquad \theta \leftarrow \theta + v .$$
#
# * `theta`, `grad`, `velocity`: float arrays of the same shape (the tests use float32 `(6,)`); `lr`, `momentum`: floats;
#   the first call receives `velocity = np.zeros_like(theta)`;
# * return new arrays; do not modify the arrays passed in;
# * the tests run 100 steps on `GRADS` from `THETA0` and require a relative trajectory error ≤ 1e-5 against
#   `KERAS_REF["momentum"]` (`lr=0.01, momentum=0.9`); hidden tests also use `lr=0.05, momentum=0.5`
#   (`KERAS_REF["momentum_0.5"]`) and `momentum=0` (plain SGD).
#
# <details><summary>Hint</summary>
#
# Two lines. Keras's velocity already contains the minus sign and the learning rate, so $\theta$ is updated with a plus.
# </details>

# %% nbgrader={"grade_id": "task3_solution", "solution": true}
def momentum_step(theta, grad, velocity, lr, momentum):
    ### BEGIN SOLUTION
    velocity = momentum * velocity - lr * grad
    return theta + velocity, velocity
    ### END SOLUTION


# %% nbgrader={"grade_id": "task3_tests", "grade": true, "points": 3}
_th, _v = momentum_step(np.array([1.0, 2.0]), np.array([0.5, -1.0]), np.array([0.1, 0.0]), 0.1, 0.9)
assert np.allclose(_v, [0.04, 0.1]), f"one step: expected velocity [0.04, 0.1], got {_v}"
assert np.allclose(_th, [1.04, 2.1]), f"one step: expected theta [1.04, 2.1], got {_th}"


def _momentum_trajectory(lr, mu, grads=GRADS):
    theta, velocity, out = THETA0.copy(), np.zeros_like(THETA0), [THETA0.copy()]
    for g in grads:
        theta, velocity = momentum_step(theta, g, velocity, lr, mu)
        out.append(np.array(theta))
    return np.stack(out)


_err = trajectory_error(_momentum_trajectory(0.01, 0.9), KERAS_REF["momentum"])
assert _err <= 1e-5, f"100 steps vs keras.optimizers.SGD(0.01, momentum=0.9): expected error ≤ 1e-5, got {_err:.2e}"
print("Task 3: visible tests passed.")
### BEGIN HIDDEN TESTS
_err = trajectory_error(_momentum_trajectory(0.05, 0.5), KERAS_REF["momentum_0.5"])
assert _err <= 1e-5, f"hidden: lr=0.05, momentum=0.5: error {_err:.2e}"
_plain = _momentum_trajectory(0.02, 0.0)
_want = np.concatenate([THETA0[None], THETA0 - 0.02 * np.cumsum(GRADS, axis=0)])
assert trajectory_error(_plain, _want) <= 1e-5, "hidden: momentum=0 is plain SGD"
_t0, _g0, _v0 = np.ones(3), np.ones(3), np.full(3, 0.5)
momentum_step(_t0, _g0, _v0, 0.1, 0.9)
assert np.array_equal(_t0, np.ones(3)) and np.array_equal(_v0, np.full(3, 0.5)), "hidden: inputs must not be modified"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 (4 points): Adam, as Keras computes it
#
# The state of Adam is a dict made by `adam_init` (given below, not graded): the moving averages `"m"` and `"v"` (arrays
# shaped like the parameters) and `"t"`, the number of steps taken so far (starts at 0).
#
# Write `adam_step(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7)` returning `(new_params, new_state)`
# and following `keras.optimizers.Adam` **exactly**, which is not the paper's formula:
#
# $$
# t \leftarrow t+1,\quad m \leftarrow \beta_1 m + (1-\beta_1)\,g,\quad v \leftarrow \beta_2 v + (1-\beta_2)\,g^2,\quad
# \alpha_t = \alpha\,\frac{\sqrt{1-\beta_2^{\,t}}}{1-\beta_1^{\,t}},\quad
# \theta \leftarrow \theta - \alpha_t\,\frac{m}{\sqrt{v}+\epsilon}.
# $$
#
# * `params`, `grads`: float arrays of the same shape (the tests use float32 `(6,)`); `new_state` is a **new** dict with
#   keys `"m"`, `"v"`, `"t"` (`"t"` a Python int, one more than before); do not modify `params`, `grads`, `state` or
#   its arrays;
# * the tests run 100 steps from `THETA0` and require a relative trajectory error ≤ 1e-4 against Keras: on `GRADS`
#   (`KERAS_REF["adam"]`, `lr=0.01`, other arguments at their defaults), and on gradients a million times smaller
#   (`TINY_GRADS`, `KERAS_REF["adam_tiny"]`, `lr=0.01`). On the tiny gradients the paper's form,
#   $\hat m/(\sqrt{\hat v}+\epsilon)$ with $\hat m = m/(1-\beta_1^t)$, $\hat v = v/(1-\beta_2^t)$, is about 50 % off
#   and fails: the position of $\epsilon$ matters (on `GRADS` the two forms are indistinguishable);
# * hidden test: `lr=0.003, beta1=0.8, beta2=0.99, eps=1e-3` (`KERAS_REF["adam_custom"]`), an $\epsilon$ large enough
#   that ignoring the `eps` argument, or putting it in the wrong place, fails.
#
# <details><summary>Hint</summary>
#
# Copy nothing in place: `m = beta1 * state["m"] + (1 - beta1) * grads` makes a new array. The bias corrections go into
# the step size $\alpha_t$, and $\epsilon$ is added to $\sqrt{v}$, the *uncorrected* average.
# </details>

# %%
def adam_init(params):
    """Adam's initial state for parameters shaped like `params`."""
    return {"m": np.zeros_like(params), "v": np.zeros_like(params), "t": 0}


# %% nbgrader={"grade_id": "task4_solution", "solution": true}
def adam_step(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    ### BEGIN SOLUTION
    t = state["t"] + 1
    m = beta1 * state["m"] + (1 - beta1) * grads
    v = beta2 * state["v"] + (1 - beta2) * grads * grads
    alpha_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    return params - alpha_t * m / (np.sqrt(v) + eps), {"m": m, "v": v, "t": t}
    ### END SOLUTION


# %% nbgrader={"grade_id": "task4_tests", "grade": true, "points": 4}
_p, _s = adam_step(np.array([1.0]), np.array([0.5]), adam_init(np.array([1.0])), lr=0.1)
assert set(_s) == {"m", "v", "t"}, f"state keys: expected m, v, t; got {sorted(_s)}"
assert _s["t"] == 1, f"state['t'] after one step: expected 1, got {_s['t']}"
assert np.allclose(_s["m"], [0.05]) and np.allclose(_s["v"], [0.00025]), (
    f"one step with g = 0.5: expected m = [0.05], v = [0.00025]; got m = {_s['m']}, v = {_s['v']}"
)
_want = 1.0 - 0.1 * np.sqrt(0.001) / 0.1 * 0.05 / (np.sqrt(0.00025) + 1e-7)
assert np.allclose(_p, [_want], rtol=1e-6), f"one step with g = 0.5, lr = 0.1: expected params [{_want:.7f}], got {_p}"


def _adam_trajectory(grads=GRADS, **kwargs):
    params, state, out = THETA0.copy(), adam_init(THETA0), [THETA0.copy()]
    for g in grads:
        params, state = adam_step(params, g, state, **kwargs)
        out.append(np.array(params))
    return np.stack(out)


_err = trajectory_error(_adam_trajectory(lr=0.01), KERAS_REF["adam"])
assert _err <= 1e-4, f"100 steps vs keras.optimizers.Adam(0.01): expected error ≤ 1e-4, got {_err:.2e}"
_err = trajectory_error(_adam_trajectory(TINY_GRADS, lr=0.01), KERAS_REF["adam_tiny"])
assert _err <= 1e-4, (
    f"100 steps on TINY_GRADS vs keras.optimizers.Adam(0.01): expected error ≤ 1e-4, got {_err:.2e} "
    "(hint: Keras adds eps to sqrt(v), the uncorrected average, and puts both bias corrections into alpha_t)"
)
print("Task 4: visible tests passed.")
### BEGIN HIDDEN TESTS
_err = trajectory_error(_adam_trajectory(lr=0.003, beta1=0.8, beta2=0.99, eps=1e-3), KERAS_REF["adam_custom"])
assert _err <= 1e-4, f"hidden: lr=0.003, beta1=0.8, beta2=0.99, eps=1e-3: expected error ≤ 1e-4, got {_err:.2e} (use eps)"
_state0 = adam_init(np.ones(3))
_m_before = _state0["m"].copy()
_p3 = np.ones(3)
_, _s1 = adam_step(_p3, np.full(3, 2.0), _state0)
assert _state0["t"] == 0 and np.array_equal(_state0["m"], _m_before), "hidden: the state passed in must not be modified"
assert np.array_equal(_p3, np.ones(3)), "hidden: params must not be modified"
assert type(_s1["t"]) is int and _s1["t"] == 1, "hidden: t is a Python int"
### END HIDDEN TESTS
