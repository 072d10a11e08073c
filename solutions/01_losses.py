# %% [markdown]
# # Exercise 1: loss functions
#
# [Chapter 1](../chapters/01_losses.md) wrote MSE, MAE, Huber and the softmax cross-entropy from scratch, checked them
# against Keras, and showed what the choice of loss does to a fit. Here you write two losses the chapter only names
# (cross-entropy with label smoothing; the pinball loss for a quantile), a per-example form of the class weights, and
# make two decisions the tests check by their consequences: which Keras loss suits three problems, and how to set
# Huber's threshold from a baseline's residuals. Everything is checked automatically (12 points):
#
# | Task | What you do | Kind | Points | Time (about) |
# |---|---|---|---|---|
# | 1 | `smoothed_cross_entropy(logits, labels, eps)`, numerically stable | transfer | 3 | 20 min |
# | 2 | `pinball_loss_and_grad(y_true, y_pred, tau)`: the quantile loss and its gradient | transfer | 3 | 15 min |
# | 3 | `balanced_sample_weights(y)`: class weights, one per example | transfer | 2 | 10 min |
# | 4 | `choose_losses()`: the right configured Keras loss for three problems | judgement | 2 | 10 min |
# | 5 | `task5_delta`: Huber's threshold, chosen from a baseline's residuals | judgement | 2 | 10 min |
#
# (The times are estimates for a learner who has read the chapter: reading the spec, writing, one or two fixes.)
# Each task has visible tests below your code: run them, read their messages, fix, repeat. When grading, more (hidden)
# tests of the same rules run; the whole notebook grades in well under a minute.

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


def huber_location(x, delta, iters=50):
    """The constant c minimising the Huber loss with threshold delta over the last axis of x (iteratively reweighted)."""
    c = np.median(x, axis=-1, keepdims=True)
    for _ in range(iters):
        r = x - c
        inside = np.abs(r) <= delta
        c = c + np.clip(r, -delta, delta).sum(axis=-1, keepdims=True) / np.maximum(inside.sum(axis=-1, keepdims=True), 1)
    return c[..., 0]


_r = np.random.default_rng(7).normal(size=400)
BASELINE_RESIDUALS = 7.0 * (_r - _r.mean()) / _r.std()  # Task 5: a clean baseline's residuals (spread 7)

# %% [markdown]
# ## Task 1 (3 points): cross-entropy with label smoothing, from logits
#
# Label smoothing trains against softened targets: the true class gets $1 - \varepsilon + \varepsilon/K$ and every
# other class $\varepsilon/K$. Write `smoothed_cross_entropy(logits, labels, eps=0.1)`:
#
# * `logits`: float array `(B, K)` (any float dtype), raw scores; `labels`: integer array `(B,)` with values
#   `0 … K-1`; `eps`: a float in $[0, 1)$;
# * returns, as a Python `float`, the batch **mean** of $-\sum_j q_j \log\operatorname{softmax}(z)_j$ with
#   $q_j = (1-\varepsilon)\,[j = y] + \varepsilon/K$ (with `eps=0` this is the plain cross-entropy);
# * numerically stable: logits as large as ±10⁴ give a finite, correct value, also when the rows of one batch sit at
#   very different levels (e.g. `[[1000, 0], [-1000, -1001]]`);
# * the tests compare with `keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=eps)` on one-hot
#   labels (relative tolerance 1e-5) and with the exact value on extreme inputs (relative 1e-9). Use NumPy only.
#
# <details><summary>Hint</summary>
#
# $-\log\operatorname{softmax}(z)_j = \operatorname{LSE}(z) - z_j$, where $\operatorname{LSE}$ is the row's
# log-sum-exp (shift by the row's own maximum). Since $\sum_j q_j = 1$, the loss of a row is
# $\operatorname{LSE}(z) - \sum_j q_j z_j$.
# </details>

# %% nbgrader={"grade_id": "task1_solution", "solution": true}
def smoothed_cross_entropy(logits, labels, eps=0.1):
    ### BEGIN SOLUTION
    z = np.asarray(logits, dtype=np.float64)
    n_rows, n_classes = z.shape
    top = z.max(axis=1)
    lse = top + np.log(np.sum(np.exp(z - top[:, None]), axis=1))
    targets = np.full((n_rows, n_classes), eps / n_classes)
    targets[np.arange(n_rows), np.asarray(labels)] += 1.0 - eps
    return float(np.mean(lse - np.sum(targets * z, axis=1)))
    ### END SOLUTION


# %% nbgrader={"grade_id": "task1_tests", "grade": true, "points": 3}
def _keras_smoothed(z, y, eps):
    onehot = np.eye(np.shape(z)[1], dtype="float32")[y]
    return float(keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=eps)(onehot, z))


def _exact_smoothed(z, y, eps):
    z = np.asarray(z, dtype=np.float64)
    lse = np.logaddexp.reduce(z, axis=1)
    q = np.full(z.shape, eps / z.shape[1])
    q[np.arange(len(z)), y] += 1 - eps
    return float(np.mean(lse - np.sum(q * z, axis=1)))


_z = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]], dtype="float32")
_y = np.array([0, 1])
for _eps in (0.0, 0.2):
    _expected, _got = _keras_smoothed(_z, _y, _eps), smoothed_cross_entropy(_z, _y, _eps)
    assert isinstance(_got, float), f"return a Python float, got {type(_got).__name__}"
    assert np.isclose(_got, _expected, rtol=1e-5), (
        f"small batch, eps={_eps}: expected {_expected:.6f} (Keras), got {_got:.6f} "
        "(hint: every class, the true one too, gets eps/K; the true class another 1 - eps)"
    )
_z = np.array([[1000.0, 0.0], [-1000.0, -1001.0]])
_expected, _got = _exact_smoothed(_z, [1, 0], 0.1), smoothed_cross_entropy(_z, np.array([1, 0]), 0.1)
assert np.isfinite(_got) and np.isclose(_got, _expected, rtol=1e-9), (
    f"rows at different levels {_z.tolist()}, labels [1, 0], eps=0.1: expected {_expected:.6f}, got {_got} "
    "(hint: subtract each row's own maximum, not the batch's)"
)
print("Task 1: visible tests passed.")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(1)
for _B, _K, _eps in [(1, 2, 0.1), (7, 5, 0.3), (64, 10, 0.05)]:
    _z = _rng.normal(scale=4.0, size=(_B, _K)).astype("float32")
    _y = _rng.integers(0, _K, size=_B)
    assert np.isclose(smoothed_cross_entropy(_z, _y, _eps), _keras_smoothed(_z, _y, _eps), rtol=1e-5), f"hidden: B={_B}, K={_K}, eps={_eps}"
_z = np.array([[1e4, 0.0, -1e4], [-1e4, -1e4 + 1.0, -1e4 - 2.0], [5.0, 5.0, 5.0]])
_got = smoothed_cross_entropy(_z, np.array([0, 2, 1]), 0.2)
assert np.isclose(_got, _exact_smoothed(_z, [0, 2, 1], 0.2), rtol=1e-9), f"hidden: rows at ±1e4 in one batch, got {_got}"
assert np.isclose(smoothed_cross_entropy(np.zeros((3, 4)), np.array([0, 1, 3]), 0.3), np.log(4)), "hidden: uniform logits"
assert np.isclose(smoothed_cross_entropy(np.array([[0.0, 50.0]]), np.array([1]), 0.0), np.log1p(np.exp(-50.0)), rtol=1e-9), "hidden: eps=0"
assert isinstance(smoothed_cross_entropy(np.ones((2, 3), dtype="float16"), np.array([2, 1])), float), "hidden: float16 input"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 (3 points): the pinball loss, for a quantile
#
# Chapter 1 showed that MSE's best constant is the mean and MAE's the median. The **pinball** (quantile) loss with
# level $\tau \in (0, 1)$ makes the best constant the $\tau$-quantile: with $r = y - \hat y$ it charges $\tau\,r$ when
# the prediction is too low ($r > 0$) and $(\tau - 1)\,r$ when it is too high. Write
# `pinball_loss_and_grad(y_true, y_pred, tau)` for 1-D float arrays of equal length $B$:
#
# * returns `(loss, grad)`: `loss` is the **mean** pinball loss as a Python `float`; `grad` a float NumPy array of
#   shape `(B,)` with $\partial\,\text{loss}/\partial\hat y_i$ (note the $1/B$ from the mean, and the sign: the
#   derivative is with respect to the **prediction**);
# * the tests never put a prediction exactly on its target (there the loss has a kink);
# * the tests compare the loss with scikit-learn's `mean_pinball_loss(y_true, y_pred, alpha=tau)` (relative 1e-9) and
#   the gradient with a finite difference and exact values.
#
# <details><summary>Hint</summary>
#
# `np.maximum(tau * r, (tau - 1) * r)`. A prediction below its target is pushed up with slope $\tau$: the derivative
# of the loss with respect to $\hat y_i$ there is $-\tau/B$.
# </details>

# %% nbgrader={"grade_id": "task2_solution", "solution": true}
def pinball_loss_and_grad(y_true, y_pred, tau):
    ### BEGIN SOLUTION
    r = np.asarray(y_true, dtype=np.float64) - np.asarray(y_pred, dtype=np.float64)
    loss = np.where(r > 0, tau * r, (tau - 1) * r).mean()
    grad = np.where(r > 0, -tau, 1 - tau) / r.size
    return float(loss), grad
    ### END SOLUTION


# %% nbgrader={"grade_id": "task2_tests", "grade": true, "points": 3}
from sklearn.metrics import mean_pinball_loss

_y, _p = np.array([1.0, 2.0, 3.0, 4.0]), np.array([1.5, 1.0, 3.5, 2.0])
_loss, _grad = pinball_loss_and_grad(_y, _p, 0.9)
_expected = mean_pinball_loss(_y, _p, alpha=0.9)
assert isinstance(_loss, float), f"loss: return a Python float, got {type(_loss).__name__}"
assert np.isclose(_loss, _expected, rtol=1e-9), (
    f"tau=0.9: expected loss {_expected:.6f} (sklearn mean_pinball_loss), got {_loss:.6f} "
    "(hint: r = y_true - y_pred; a too-low prediction costs tau * r)"
)
assert np.shape(_grad) == (4,), f"grad shape: expected (4,), got {np.shape(_grad)}"
_want = np.array([0.1, -0.9, 0.1, -0.9]) / 4
assert np.allclose(_grad, _want), (
    f"tau=0.9: expected grad {_want.tolist()}, got {np.round(_grad, 6).tolist()} "
    "(hint: the derivative with respect to y_pred, divided by B)"
)
print("Task 2: visible tests passed.")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(2)
for _tau in (0.05, 0.5, 0.75):
    _y = _rng.normal(size=40)
    _p = _y + _rng.normal(scale=2.0, size=40)
    _loss, _grad = pinball_loss_and_grad(_y, _p, _tau)
    assert np.isclose(_loss, mean_pinball_loss(_y, _p, alpha=_tau), rtol=1e-9), f"hidden: loss, tau={_tau}"
    _h = 1e-6
    _fd = np.array([(pinball_loss_and_grad(_y, _p + _h * _e, _tau)[0] - pinball_loss_and_grad(_y, _p - _h * _e, _tau)[0]) / (2 * _h)
                    for _e in np.eye(40)])
    assert np.allclose(_grad, _fd, atol=1e-7), f"hidden: gradient vs finite differences, tau={_tau}"
_c = np.linspace(-3, 3, 601)  # the best constant under the pinball loss is the tau-quantile
_sample = _rng.normal(size=999)
_best = _c[np.argmin([pinball_loss_and_grad(_sample, np.full(999, _ci), 0.9)[0] for _ci in _c])]
assert abs(_best - np.quantile(_sample, 0.9)) < 0.02, f"hidden: best constant {_best:.3f} is the 0.9-quantile"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 (2 points): balanced per-example weights
#
# Chapter 1 weighted *classes* (`fit(class_weight=...)`). Some APIs want one weight per *example* instead
# (`fit(sample_weight=...)`, or a custom training loop). Write `balanced_sample_weights(y)` for a 1-D array of
# integer class labels:
#
# * returns a float64 NumPy array of the same length as `y`, where example $i$ gets $w_i = N / (K \, N_{y_i})$:
#   $N$ is the number of labels, $K$ the number of distinct classes **that occur in `y`**, $N_c$ the count of class $c$;
# * consequences the tests check: every class's weights sum to $N/K$, and the weights average exactly 1;
# * the tests compare with scikit-learn's `compute_sample_weight("balanced", y)` (relative tolerance 1e-12).
#
# <details><summary>Hint</summary>
#
# `np.unique(y, return_inverse=True, return_counts=True)` gives each example's class index and every class's count;
# index the counts with the inverse to get $N_{y_i}$ for every example at once.
# </details>

# %% nbgrader={"grade_id": "task3_solution", "solution": true}
def balanced_sample_weights(y):
    ### BEGIN SOLUTION
    _, inverse, counts = np.unique(np.asarray(y), return_inverse=True, return_counts=True)
    return len(inverse) / (len(counts) * counts[inverse].astype(np.float64))
    ### END SOLUTION


# %% nbgrader={"grade_id": "task3_tests", "grade": true, "points": 2}
_w = balanced_sample_weights(np.array([0, 0, 0, 1]))
assert isinstance(_w, np.ndarray) and _w.shape == (4,), f"return an array of shape (4,), got {type(_w).__name__} {np.shape(_w)}"
assert np.allclose(_w, [4 / 6, 4 / 6, 4 / 6, 2.0]), f"[0, 0, 0, 1]: expected [0.667, 0.667, 0.667, 2.0], got {np.round(_w, 3)}"
assert np.isclose(_w.mean(), 1.0), f"the weights must average 1, got {_w.mean():.4f}"
print("Task 3: visible tests passed.")
### BEGIN HIDDEN TESTS
from sklearn.utils.class_weight import compute_sample_weight

_rng = np.random.default_rng(3)
for _labels in (_rng.integers(0, 5, size=100), np.array([2, 2, 7]), np.array([4, 4, 4]), np.array([9, 0, 9, 9, 3])):
    _w = balanced_sample_weights(_labels)
    assert _w.dtype == np.float64, f"hidden: dtype float64, got {_w.dtype}"
    assert np.allclose(_w, compute_sample_weight("balanced", _labels), rtol=1e-12), f"hidden: weights for {_labels[:10]}"
    assert np.isclose(_w.mean(), 1.0), "hidden: weights average 1"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 (2 points): choose and configure the Keras loss
#
# Write `choose_losses()` returning a dict with three **configured Keras loss objects** (instances from `keras.losses`):
#
# * `"price"`: a model predicts a house price (one number); about 10 % of the training prices are data-entry errors
#   far off the rest. Typical honest prediction errors are up to about 20,000. The loss must (a) treat honest errors
#   quadratically, so their gradient is proportional to the error, and (b) grow only linearly for the gross errors;
# * `"digits"`: the model ends in `Dense(10)` **without** an activation; labels are integers 0–9, shape `(B,)`;
# * `"tags"`: multi-label tagging, 5 independent yes/no tags per example (Chapter 1, §1.7); the model ends in
#   `Dense(5, activation="sigmoid")`; labels are 0/1 arrays of shape `(B, 5)`.
#
# The tests check consequences, not class names: for `"price"`, that the loss quadruples when an error of 10,000
# doubles to 20,000 (±2 %), that it only doubles (±5 %) when an error of 10⁶ doubles, and that the constant price
# minimising it on a sample with 10 % gross errors lies within 2 % of the honest prices' median; for `"digits"`,
# that its value on raw scores equals the softmax cross-entropy (relative 1e-4); for `"tags"`, that its value on
# sigmoid outputs equals the mean of the independent binary log-losses (relative 1e-4).
#
# <details><summary>Hint</summary>
#
# Which Keras loss is quadratic below a threshold and linear above it, and where should the threshold sit? Integer
# labels and raw scores: which `from_logits`? Sigmoid outputs are probabilities.
# </details>

# %% nbgrader={"grade_id": "task4_solution", "solution": true}
def choose_losses():
    ### BEGIN SOLUTION
    return {
        "price": keras.losses.Huber(delta=20_000.0),
        "digits": keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        "tags": keras.losses.BinaryCrossentropy(from_logits=False),
    }
    ### END SOLUTION


# %% nbgrader={"grade_id": "task4_tests", "grade": true, "points": 2}
_losses = choose_losses()
assert set(_losses) == {"price", "digits", "tags"}, f"keys: expected price, digits, tags; got {sorted(_losses)}"
_price_at = lambda r: float(_losses["price"](np.array([[0.0]], dtype="float32"), np.array([[r]], dtype="float32")))
_ratio = _price_at(20_000.0) / _price_at(10_000.0)
assert abs(_ratio / 4 - 1) <= 0.02, (
    f"price: doubling an honest error from 10,000 to 20,000 should quadruple the loss; it grew {_ratio:.3g}x "
    "(hint: honest errors belong to the quadratic zone)"
)
_z = np.array([[2.0, -1.0, 0.5, 0.0, 1.0, -2.0, 0.3, 0.0, 4.0, -0.5], [0.0] * 9 + [3.0]], dtype="float32")
_want = float(np.mean(np.logaddexp.reduce(_z.astype(np.float64), axis=1) - _z[[0, 1], [8, 2]]))
_got = float(_losses["digits"](np.array([8, 2]), _z))
assert np.isclose(_got, _want, rtol=1e-4), (
    f"digits: on raw scores with labels [8, 2], expected the softmax cross-entropy {_want:.5f}, got {_got:.5f} "
    "(hint: integer labels; does the loss know the model outputs logits?)"
)
print("Task 4: visible tests passed.")
### BEGIN HIDDEN TESTS
_ratio = _price_at(2e6) / _price_at(1e6)
assert abs(_ratio / 2 - 1) <= 0.05, f"hidden: price: a gross error twice as large should cost about twice as much, got {_ratio:.3g}x"
_rng = np.random.default_rng(4)
_prices = _rng.normal(300_000.0, 15_000.0, size=400)
_prices[:40] *= 100.0  # 10 % data-entry errors
_cands = np.linspace(250_000.0, 350_000.0, 201).astype("float32")
_vals = [float(_losses["price"](_prices[None, :].astype("float32"), np.full((1, 400), _c, "float32"))) for _c in _cands]
_best = float(_cands[int(np.argmin(_vals))])
_honest_median = float(np.median(_prices[40:]))
assert abs(_best - _honest_median) <= 0.02 * _honest_median, f"hidden: price: best constant {_best:.0f}, honest median {_honest_median:.0f}"
_p = np.array([[0.9, 0.2, 0.5, 0.01, 0.7], [0.1, 0.8, 0.5, 0.99, 0.3]], dtype="float32")
_t = np.array([[1, 0, 1, 0, 0], [0, 1, 0, 1, 1]], dtype="float32")
_p64 = _p.astype(np.float64)
_want = float(np.mean(-(_t * np.log(_p64) + (1 - _t) * np.log(1 - _p64))))
assert np.isclose(float(_losses["tags"](_t, _p)), _want, rtol=1e-4), "hidden: tags: mean of 5 independent binary log-losses on probabilities"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 5 (2 points): Huber's threshold, from a baseline's residuals
#
# Huber's threshold $\delta$ trades two things: errors below it are averaged like MSE (efficient on clean data),
# errors above it only like MAE (robust to gross errors). Chapter 1 set it from the typical size of the errors.
# `BASELINE_RESIDUALS` (in the setup cell) holds 400 residuals of a baseline model fitted on **clean** data.
#
# Set `task5_delta` (a positive Python `float`). The test measures the consequence with `huber_location(x, delta)`
# (setup cell), the constant that minimises the Huber loss on a sample, computed for 2,000 samples of 50 values with
# the residuals' spread:
#
# * on clean samples, its mean squared error may be at most **1.15 ×** that of the plain mean (efficiency);
# * on samples where 10 % of the values are gross errors (+50 standard deviations), its mean absolute error may be at
#   most **0.3** standard deviations (robustness; the plain mean is off by about 5).
#
# Keras's default $\delta = 1$ fails the first (it is nearly MAE at this scale); a threshold set at the gross errors'
# size fails the second.
#
# <details><summary>Hint</summary>
#
# Measure the residuals' spread (`np.std`, or a robust one from the median absolute deviation) and put $\delta$ at a
# small multiple of it. Huber's own recommendation was about 1.3 to 1.5 standard deviations.
# </details>

# %% nbgrader={"grade_id": "task5_solution", "solution": true}
### BEGIN SOLUTION
task5_delta = float(1.345 * np.std(BASELINE_RESIDUALS))
### END SOLUTION
print(f"task5_delta = {task5_delta:.3g} (residual standard deviation {np.std(BASELINE_RESIDUALS):.3g})")

# %% nbgrader={"grade_id": "task5_tests", "grade": true, "points": 2}
assert isinstance(task5_delta, float) and task5_delta > 0, f"task5_delta: expected a positive float, got {task5_delta!r}"
_sigma = 7.0  # the spread of BASELINE_RESIDUALS
_rng = np.random.default_rng(11)
_clean = _rng.normal(0.0, _sigma, size=(2000, 50))
_dirty = _rng.normal(0.0, _sigma, size=(2000, 50))
_dirty[_rng.random((2000, 50)) < 0.1] += 50 * _sigma
_efficiency = float(np.mean(huber_location(_clean, task5_delta) ** 2) / np.mean(_clean.mean(axis=1) ** 2))
_error = float(np.mean(np.abs(huber_location(_dirty, task5_delta))) / _sigma)
assert _efficiency <= 1.15, (
    f"delta = {task5_delta:.3g}: on clean data the Huber estimate's squared error is {_efficiency:.3f}x the mean's, "
    "expected at most 1.15x (hint: a threshold far below the residuals' spread throws away information)"
)
assert _error <= 0.3, (
    f"delta = {task5_delta:.3g}: with 10 % gross errors the estimate is off by {_error:.3f} standard deviations, "
    "expected at most 0.3 (hint: a threshold near the gross errors lets them pull the estimate)"
)
print("Task 5: visible tests passed.")
