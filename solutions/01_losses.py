# %% [markdown]
# # Exercise 1: loss functions
#
# You will implement three losses from scratch in NumPy and configure Keras losses for three
# described problems. Everything is checked automatically (10 points):
#
# | Task | What you build | Points |
# |---|---|---|
# | 1 | `softmax_cross_entropy(logits, labels)`, numerically stable | 3 |
# | 2 | `huber_loss_and_grad(y_true, y_pred, delta)` | 3 |
# | 3 | `balanced_sample_weights(y)` | 2 |
# | 4 | `choose_losses()`: the right Keras loss for three problems | 2 |
#
# Each task has visible tests below your code: run them, read their messages, fix, repeat.
# When grading, more (hidden) tests of the same rules run. Read [Chapter 1](../chapters/01_losses.md) first.

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

# %% [markdown]
# ## Task 1 (3 points): softmax cross-entropy from logits
#
# Write `softmax_cross_entropy(logits, labels)`:
#
# * `logits`: float array of shape `(B, K)` (any float dtype), raw scores, **not** probabilities;
# * `labels`: integer array of shape `(B,)` with values in `0 … K-1`;
# * returns the **mean** over the batch of $-\log \operatorname{softmax}(z)_{y}$ as a Python `float`.
#
# It must be numerically stable: logits as large as ±10⁴ must give a finite, correct value, also when the rows of one
# batch sit at very different levels (e.g. `[[1000, 0], [-1000, -1001]]`)
# (the tests compare with `keras.losses.SparseCategoricalCrossentropy(from_logits=True)` to a relative tolerance of 1e-5
# on well-scaled inputs, and with the exact value on extreme ones). Use NumPy only.
#
# <details><summary>Hint</summary>
#
# $-\log \operatorname{softmax}(z)_y = -z_y + m + \log\sum_j e^{z_j - m}$ with $m = \max_j z_j$ per row.
# `z[np.arange(B), labels]` picks each row's true-class logit. Compute in float64 to be safe.
# </details>

# %% nbgrader={"grade_id": "task1_solution", "solution": true}
def softmax_cross_entropy(logits, labels):
    ### BEGIN SOLUTION
    z = np.asarray(logits, dtype=np.float64)
    labels = np.asarray(labels)
    m = z.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))
    return float(np.mean(lse - z[np.arange(len(z)), labels]))
    ### END SOLUTION


# %% nbgrader={"grade_id": "task1_tests", "grade": true, "points": 3}
_z = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]], dtype="float32")
_y = np.array([0, 1])
_expected = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(_y, _z))
_got = softmax_cross_entropy(_z, _y)
assert isinstance(_got, float), f"return a Python float, got {type(_got).__name__}"
assert np.isclose(_got, _expected, rtol=1e-5), f"small batch: expected {_expected:.6f}, got {_got:.6f}"
_got = softmax_cross_entropy(np.array([[1000.0, 0.0]]), np.array([1]))
assert np.isfinite(_got), f"logits [1000, 0], label 1: expected 1000.0, got {_got} (hint: subtract the row maximum)"
assert np.isclose(_got, 1000.0), f"logits [1000, 0], label 1: expected 1000.0, got {_got}"
_z = np.array([[1000.0, 0.0], [-1000.0, -1001.0]])
_expected = float(np.mean(np.logaddexp(_z[:, 0], _z[:, 1]) - _z[[0, 1], [1, 0]]))  # 1000 and log(1 + e^-1), averaged
_got = softmax_cross_entropy(_z, np.array([1, 0]))
assert np.isclose(_got, _expected, rtol=1e-9), (
    f"rows at different levels {_z.tolist()}, labels [1, 0]: expected {_expected:.6f}, got {_got} "
    "(hint: subtract each row's own maximum, not the batch's)"
)
print("Task 1: visible tests passed.")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(1)
for _B, _K in [(1, 2), (7, 5), (64, 10)]:
    _z = _rng.normal(scale=4.0, size=(_B, _K)).astype("float32")
    _y = _rng.integers(0, _K, size=_B)
    _expected = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(_y, _z))
    assert np.isclose(softmax_cross_entropy(_z, _y), _expected, rtol=1e-5), f"hidden: B={_B}, K={_K}"
assert np.isclose(softmax_cross_entropy(np.array([[-1e4, 0.0, 1e4]]), np.array([0])), 2e4), "hidden: ±1e4 logits"
_z = np.array([[1e4, 0.0, -1e4], [-1e4, -1e4 + 1.0, -1e4 - 2.0], [5.0, 5.0, 5.0]])
_expected = float(np.mean([np.logaddexp.reduce(_r) for _r in _z] - _z[[0, 1, 2], [0, 2, 1]]))
_got = softmax_cross_entropy(_z, np.array([0, 2, 1]))
assert np.isclose(_got, _expected, rtol=1e-9), f"hidden: rows at ±1e4 in one batch, expected {_expected:.6f}, got {_got}"
assert np.isclose(softmax_cross_entropy(np.zeros((3, 4)), np.array([0, 1, 3])), np.log(4)), "hidden: uniform logits"
assert isinstance(softmax_cross_entropy(np.ones((2, 3), dtype="float16"), np.array([2, 1])), float), "hidden: float16 input"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 (3 points): Huber loss and its gradient
#
# Write `huber_loss_and_grad(y_true, y_pred, delta=1.0)` for 1-D float arrays of equal length $B$:
#
# * returns `(loss, grad)`: `loss` is the **mean** Huber loss as a Python `float`;
#   `grad` is a NumPy array of shape `(B,)` with $\partial\,\text{loss} / \partial\,\hat y_i$ (note the $1/B$ from the mean);
# * with $r = \hat y - y$: $\tfrac12 r^2$ where $|r| \le \delta$, else $\delta(|r| - \tfrac12\delta)$ (at $|r| = \delta$ both
#   branches give the same value, $\tfrac12\delta^2$, and the same gradient, so `<` and `<=` are equally correct);
# * `delta` is a positive float; the tests use several values and compare with `keras.losses.Huber(delta)` and its
#   `tf.GradientTape` gradient (relative tolerance 1e-5).
#
# <details><summary>Hint</summary>
#
# The gradient of the per-example loss is $r$ inside the quadratic zone and $\delta\,\operatorname{sign}(r)$ outside:
# that is `np.clip(r, -delta, delta)`. Divide by $B$ for the mean.
# </details>

# %% nbgrader={"grade_id": "task2_solution", "solution": true}
def huber_loss_and_grad(y_true, y_pred, delta=1.0):
    ### BEGIN SOLUTION
    r = np.asarray(y_pred, dtype=np.float64) - np.asarray(y_true, dtype=np.float64)
    abs_r = np.abs(r)
    per_example = np.where(abs_r <= delta, 0.5 * r**2, delta * (abs_r - 0.5 * delta))
    return float(per_example.mean()), np.clip(r, -delta, delta) / r.size
    ### END SOLUTION


# %% nbgrader={"grade_id": "task2_tests", "grade": true, "points": 3}
def _keras_huber(y, p, delta):
    p = tf.Variable(np.asarray(p, dtype="float32"))
    with tf.GradientTape() as tape:
        value = keras.losses.Huber(delta=delta)(np.asarray(y, dtype="float32"), p)
    return float(value), tape.gradient(value, p).numpy()


_y, _p = np.array([0.0, 0.0, 0.0, 0.0]), np.array([0.5, -0.5, 3.0, -2.0])
_loss, _grad = huber_loss_and_grad(_y, _p, 1.0)
_kl, _kg = _keras_huber(_y, _p, 1.0)
assert np.isclose(_loss, _kl, rtol=1e-5), f"loss, delta=1: expected {_kl:.6f}, got {_loss:.6f}"
assert np.shape(_grad) == (4,), f"grad shape: expected (4,), got {np.shape(_grad)}"
assert np.allclose(_grad, _kg, rtol=1e-5), f"grad, delta=1: expected {_kg}, got {_grad} (hint: mean → divide by B)"
print("Task 2: visible tests passed.")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(2)
for _delta in (0.1, 1.0, 5.0):
    _y = _rng.normal(size=50)
    _p = _y + _rng.normal(scale=3.0, size=50)
    _loss, _grad = huber_loss_and_grad(_y, _p, _delta)
    _kl, _kg = _keras_huber(_y, _p, _delta)
    assert np.isclose(_loss, _kl, rtol=1e-5), f"hidden: loss with delta={_delta}"
    assert np.allclose(_grad, _kg, rtol=1e-5, atol=1e-8), f"hidden: grad with delta={_delta}"
_loss, _grad = huber_loss_and_grad(np.array([0.0, 0.0]), np.array([2.0, -2.0]), 2.0)  # at the boundary: δ²/2, ±δ/B
assert np.isclose(_loss, 2.0) and np.allclose(_grad, [1.0, -1.0]), f"hidden: |r| == delta, expected 2.0 and [1, -1], got {_loss}, {_grad}"
_loss, _grad = huber_loss_and_grad(np.zeros(4), np.array([10.0, -10.0, 0.2, -0.2]), 0.5)  # far outside: slope ±δ
assert np.isclose(_loss, np.mean([0.5 * 9.75, 0.5 * 9.75, 0.02, 0.02])), f"hidden: linear branch δ(|r| − δ/2), got {_loss}"
assert np.allclose(_grad, [0.125, -0.125, 0.05, -0.05]), f"hidden: gradient clip(r, ±δ)/B, got {_grad}"
assert isinstance(huber_loss_and_grad(np.zeros(3), np.ones(3))[0], float), "hidden: loss is a float"
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
# * `"price"`: a model predicts a house price (one number) from features; about 2 % of the training prices are
#   data-entry errors off by a factor of 100. Typical prediction errors are around 20,000; choose a robust loss and set
#   its threshold parameter to 20,000.
# * `"digits"`: the model ends in `Dense(10)` **without** an activation; labels are integers 0–9.
# * `"tags"`: multi-label tagging, 5 independent yes/no tags per example (Chapter 1, §1.7); the model ends in
#   `Dense(5, activation="sigmoid")`; labels are 0/1 arrays of shape `(B, 5)`.
#
# The tests check the loss class, its `from_logits` setting (`get_config()`), and Huber's threshold through the
# loss value on known residuals (Keras's `Huber.get_config()` does not report `delta`).
#
# <details><summary>Hint</summary>
#
# Robust with a threshold: `keras.losses.Huber(delta=...)`. Integer labels and raw scores: the *sparse* categorical loss
# with `from_logits=True`. Sigmoid outputs are probabilities.
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
assert isinstance(_losses["digits"], keras.losses.SparseCategoricalCrossentropy), (
    f"digits: expected SparseCategoricalCrossentropy (integer labels), got {type(_losses['digits']).__name__}"
)
assert _losses["digits"].get_config()["from_logits"] is True, "digits: the model outputs logits → from_logits=True"
print("Task 4: visible tests passed.")
### BEGIN HIDDEN TESTS
assert isinstance(_losses["price"], keras.losses.Huber), "hidden: price needs a robust loss with a threshold (Huber)"
_huber_at = lambda r: float(_losses["price"](np.array([[0.0]]), np.array([[r]])))
assert np.isclose(_huber_at(10_000.0), 0.5 * 10_000.0**2, rtol=1e-4), "hidden: quadratic below delta = 20,000"
assert np.isclose(_huber_at(30_000.0), 20_000.0 * (30_000.0 - 10_000.0), rtol=1e-4), "hidden: linear above delta = 20,000"
assert isinstance(_losses["tags"], keras.losses.BinaryCrossentropy), "hidden: tags are independent yes/no → binary"
assert _losses["tags"].get_config()["from_logits"] is False, "hidden: sigmoid outputs are probabilities"
### END HIDDEN TESTS
