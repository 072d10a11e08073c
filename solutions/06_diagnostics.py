# %% [markdown]
# # Exercise 6: fitting diagnostics
#
# You will turn the diagnostics of [Chapter 6](../chapters/06_diagnostics.md) into small, tested functions:
# a learning-curve diagnosis, the classification metrics that replace accuracy on imbalanced data, ROC-AUC from
# scratch, and per-layer gradient norms. Everything is checked automatically (10 points):
#
# | Task | What you build | Points |
# |---|---|---|
# | 1 | `diagnose(history)`: `"underfit"`, `"overfit"` or `"good"` by exact rules | 3 |
# | 2 | `precision_recall_f1(y_true, y_pred)` with defined zero-division values | 3 |
# | 3 | `roc_auc(y_true, scores)` from scratch, ties included | 2 |
# | 4 | `layer_gradient_norms(model, x, y)`: one gradient norm per Dense kernel | 2 |
#
# Each task has visible tests below your code: run them, read their messages, fix, repeat.
# When grading, more (hidden) tests of the same rules run. The tasks are independent: solve them in any order.

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
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score

_ = tf.reduce_sum(tf.ones(2))  # start TensorFlow here, so its start-up messages appear in this cell
print(f"TensorFlow {tf.__version__} | Keras {keras.__version__} | NumPy {np.__version__}")

# %% [markdown]
# ## Task 1 (3 points): diagnose a learning curve
#
# Write `diagnose(history)` that returns exactly one of the strings `"underfit"`, `"overfit"` or `"good"`.
#
# * `history` is a dict like `model.fit(...).history`, with at least the keys `"loss"` and `"val_loss"`: sequences
#   (lists or 1-D NumPy arrays) of finite floats, one per epoch, of equal length $T \ge 1$. Ignore any other keys.
#   A Keras `History` object may also be passed: then use its `.history` dict.
# * With $J_1$ = `loss[0]` (first epoch), $J_T$ = `loss[-1]`, $V_T$ = `val_loss[-1]` and $V^\ast$ = `min(val_loss)`,
#   apply the rules **in this order**:
#   1. `"underfit"` if $J_T > 0.25\,J_1$ (the training loss did not fall below a quarter of its first value);
#   2. otherwise `"overfit"` if $V_T > 1.1\,V^\ast$ (the validation loss ended more than 10 % above its best)
#      **or** $V_T - J_T > 0.25\,J_1$ (a wide generalisation gap);
#   3. otherwise `"good"`.
# * All comparisons are strict: a value exactly on a threshold does not trigger the rule.
# * These thresholds are the chapter's **heuristics** (a quick screen for when no baseline is known), not laws: in
#   practice, compare the losses with a baseline too (a trivial predictor's loss, or a known error floor). The tests
#   grade exactly the three rules above.
#
# <details><summary>Hint</summary>
#
# `h = getattr(history, "history", history)` handles both inputs. Compute the four numbers, then three `if`s.
# Underfitting is checked first: a model that has not learned its training set is not diagnosed as overfitting.
# </details>

# %% nbgrader={"grade_id": "task1_solution", "solution": true}
def diagnose(history):
    ### BEGIN SOLUTION
    h = getattr(history, "history", history)
    loss = [float(v) for v in h["loss"]]
    val = [float(v) for v in h["val_loss"]]
    if loss[-1] > 0.25 * loss[0]:
        return "underfit"
    if val[-1] > 1.1 * min(val) or val[-1] - loss[-1] > 0.25 * loss[0]:
        return "overfit"
    return "good"
    ### END SOLUTION


# %% nbgrader={"grade_id": "task1_tests", "grade": true, "points": 3}
_cases = [
    ("both losses stay high", {"loss": [2.3, 2.0, 1.8, 1.7], "val_loss": [2.3, 2.1, 1.9, 1.8]}, "underfit"),
    ("validation loss turns up", {"loss": [2.0, 0.5, 0.1, 0.02], "val_loss": [1.5, 0.4, 0.3, 0.45]}, "overfit"),
    ("both fall, small gap", {"loss": [2.0, 0.6, 0.3, 0.2], "val_loss": [1.6, 0.6, 0.4, 0.35]}, "good"),
]
for _name, _h, _expected in _cases:
    _got = diagnose(_h)
    assert _got == _expected, f"{_name}: expected {_expected!r}, got {_got!r} for {_h}"
print("Task 1: visible tests passed.")
### BEGIN HIDDEN TESTS
_hidden = [
    ("gap rule only", {"loss": [2.0, 0.1, 0.01], "val_loss": [1.0, 0.7, 0.7]}, "overfit"),
    ("rise rule only", {"loss": [1.0, 0.2, 0.2], "val_loss": [0.5, 0.3, 0.34]}, "overfit"),
    ("underfit has priority", {"loss": [1.0, 0.9, 0.8], "val_loss": [1.0, 0.5, 2.0]}, "underfit"),
    ("J_T == 0.25 J_1 is not underfit", {"loss": [1.0, 0.25], "val_loss": [0.5, 0.5]}, "good"),
    ("V_T == 1.1 V* is not overfit", {"loss": [4.0, 0.5], "val_loss": [1.0, 1.1]}, "good"),
    ("gap == 0.25 J_1 is not overfit", {"loss": [2.0, 0.25], "val_loss": [0.75, 0.75]}, "good"),
    ("one epoch", {"loss": [0.7], "val_loss": [0.7]}, "underfit"),
    ("extra keys ignored", {"loss": [2.0, 0.3], "val_loss": [1.0, 0.4], "accuracy": [0.5, 0.9], "val_accuracy": [0.5, 0.1]}, "good"),
    ("NumPy arrays", {"loss": np.array([2.0, 0.2]), "val_loss": np.array([0.3, 0.6])}, "overfit"),
]
for _name, _h, _expected in _hidden:
    assert diagnose(_h) == _expected, f"hidden: {_name}: expected {_expected!r}, got {diagnose(_h)!r}"
_hist = keras.callbacks.History()
_hist.history = {"loss": [2.0, 0.5, 0.1, 0.02], "val_loss": [1.5, 0.4, 0.3, 0.45]}
assert diagnose(_hist) == "overfit", "hidden: a keras History object"
assert type(diagnose({"loss": [1.0, 0.1], "val_loss": [0.2, 0.2]})) is str, "hidden: returns a str"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 (3 points): precision, recall and F1
#
# Write `precision_recall_f1(y_true, y_pred)` for binary labels:
#
# * `y_true`, `y_pred`: 1-D sequences (lists or NumPy arrays of ints, floats or bools) of equal length $\ge 1$,
#   with values 0/1 (`False`/`True`); class 1 is the positive class;
# * returns a tuple `(precision, recall, f1)` of three Python `float`s:
#   precision $= TP/(TP+FP)$, recall $= TP/(TP+FN)$, $F_1 = 2PR/(P+R)$;
# * **zero division:** precision is `0.0` when there are no positive predictions ($TP+FP=0$), recall is `0.0` when
#   there are no positive labels ($TP+FN=0$), and $F_1$ is `0.0` when $P+R=0$. This is scikit-learn's
#   `zero_division=0`, which the tests compare with (absolute tolerance 1e-12).
# * Use NumPy only (no scikit-learn in your function).
#
# <details><summary>Hint</summary>
#
# Convert both inputs with `np.asarray(...).astype(bool)`; then `tp = np.sum(y_true & y_pred)`,
# `fp = np.sum(~y_true & y_pred)`, `fn = np.sum(y_true & ~y_pred)`. Wrap results in `float(...)`.
# </details>

# %% nbgrader={"grade_id": "task2_solution", "solution": true}
def precision_recall_f1(y_true, y_pred):
    ### BEGIN SOLUTION
    t = np.asarray(y_true).astype(bool)
    p = np.asarray(y_pred).astype(bool)
    tp, fp, fn = int(np.sum(t & p)), int(np.sum(~t & p)), int(np.sum(t & ~p))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return float(precision), float(recall), float(f1)
    ### END SOLUTION


# %% nbgrader={"grade_id": "task2_tests", "grade": true, "points": 3}
def _sk_prf(t, p):
    return (precision_score(t, p, zero_division=0), recall_score(t, p, zero_division=0), f1_score(t, p, zero_division=0))


_t, _p = np.array([1, 1, 1, 0, 0, 0, 0, 1]), np.array([1, 0, 1, 1, 0, 0, 0, 0])
_got, _expected = precision_recall_f1(_t, _p), _sk_prf(_t, _p)
assert isinstance(_got, tuple) and len(_got) == 3, f"return a tuple of 3 floats, got {_got!r}"
assert np.allclose(_got, _expected, atol=1e-12), f"y_true={_t}, y_pred={_p}: expected {_expected}, got {_got}"
_got = precision_recall_f1([1, 0, 1], [0, 0, 0])
assert _got == (0.0, 0.0, 0.0), f"no positive predictions: expected (0.0, 0.0, 0.0), got {_got} (hint: define x/0 as 0.0)"
print("Task 2: visible tests passed.")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(2)
for _n, _rate in [(10, 0.5), (100, 0.1), (1000, 0.03)]:
    _t = (_rng.random(_n) < _rate).astype(int)
    _p = (_rng.random(_n) < 2 * _rate).astype(int)
    assert np.allclose(precision_recall_f1(_t, _p), _sk_prf(_t, _p), atol=1e-12), f"hidden: random n={_n}"
assert precision_recall_f1([0, 0, 0], [0, 1, 0]) == (0.0, 0.0, 0.0), "hidden: no positive labels"
assert precision_recall_f1([0, 0], [0, 0]) == (0.0, 0.0, 0.0), "hidden: nothing positive at all"
assert precision_recall_f1([1, 1], [1, 1]) == (1.0, 1.0, 1.0), "hidden: perfect"
assert np.allclose(precision_recall_f1([True, False, True], [True, True, False]), (0.5, 0.5, 0.5)), "hidden: bools"
assert np.allclose(precision_recall_f1([1.0, 0.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]), (0.75, 1.0, 6 / 7)), "hidden: floats"
assert all(type(v) is float for v in precision_recall_f1(np.array([1, 0]), np.array([1, 1]))), "hidden: Python floats"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 (2 points): ROC-AUC from scratch
#
# Write `roc_auc(y_true, scores)`:
#
# * `y_true`: 1-D sequence of 0/1 labels (ints, floats or bools); `scores`: 1-D sequence of real scores of the same
#   length (higher means "more likely positive"; they need not be probabilities);
# * returns, as a Python `float`, the probability that a randomly chosen positive example scores **higher** than a
#   randomly chosen negative one, where a **tie counts one half**. This equals the area under the ROC curve and
#   scikit-learn's `roc_auc_score` (the tests compare with it, tolerance 1e-9, on continuous scores with one or two
#   exact ties as well as on coarse scores with many);
# * if `y_true` contains only one class, raise a `ValueError` (the AUC is undefined);
# * use NumPy only. Inputs up to a few thousand examples: an $O(n_+ n_-)$ pairwise comparison is acceptable,
#   the rank method is faster.
#
# <details><summary>Hint</summary>
#
# Pairwise: `s_pos[:, None] > s_neg[None, :]` gives a matrix of wins; add half the ties and take the mean.
# Rank method: with average ranks $R$ over tied scores (1-based), AUC $= (\sum_{i\,\in\,\text{pos}} R_i - n_+(n_++1)/2)/(n_+ n_-)$.
# Every member of a group of equal scores gets the mean of the group's ranks; test your tie handling on scores where
# only one pair is tied.
# </details>

# %% nbgrader={"grade_id": "task3_solution", "solution": true}
def roc_auc(y_true, scores):
    ### BEGIN SOLUTION
    t = np.asarray(y_true).astype(bool)
    s = np.asarray(scores, dtype=np.float64)
    pos, neg = s[t], s[~t]
    if len(pos) == 0 or len(neg) == 0:
        raise ValueError("ROC-AUC is undefined when y_true contains only one class")
    wins = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(wins / (len(pos) * len(neg)))
    ### END SOLUTION


# %% nbgrader={"grade_id": "task3_tests", "grade": true, "points": 2}
_t, _s = np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])
_got = roc_auc(_t, _s)
assert isinstance(_got, float), f"return a Python float, got {type(_got).__name__}"
assert np.isclose(_got, 0.75), f"y_true={_t}, scores={_s}: expected 0.75, got {_got}"
_got = roc_auc([0, 1, 0, 1], [0.5, 0.5, 0.2, 0.9])
assert np.isclose(_got, 0.875), f"one tie: expected 0.875 (a tie counts 1/2), got {_got}"
_t, _s = [0, 0, 0, 1, 1, 1], [0.3, 0.4, 0.8, 0.4, 0.5, 0.0]  # one positive and one negative tied at 0.4
_got = roc_auc(_t, _s)
assert np.isclose(_got, 3.5 / 9), (
    f"y_true={_t}, scores={_s}: expected 3.5/9 = {3.5 / 9:.4f}, got {_got:.4f} "
    "(hint: 3 wins + 1/2 tie out of 9 pairs; with ranks, both 0.4s get rank (3 + 4)/2 = 3.5)"
)
print("Task 3: visible tests passed.")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(3)
for _n in (5, 50, 2000):
    _t = _rng.integers(0, 2, size=_n)
    _t[:2] = [0, 1]
    _s = _rng.normal(size=_n) + _t
    assert np.isclose(roc_auc(_t, _s), roc_auc_score(_t, _s), atol=1e-9), f"hidden: random scores, n={_n}"
    _coarse = np.round(_s)  # many ties
    assert np.isclose(roc_auc(_t, _coarse), roc_auc_score(_t, _coarse), atol=1e-9), f"hidden: tied scores, n={_n}"
_rng = np.random.default_rng(33)
for _case in range(200):  # continuous scores with one or two injected ties (review B2)
    _n = int(_rng.integers(5, 60))
    _t = np.r_[0, 1, _rng.integers(0, 2, size=_n - 2)]
    _s = _rng.normal(size=_n) + _t
    for _ in range(int(_rng.integers(1, 3))):
        _i, _j = _rng.choice(_n, size=2, replace=False)
        _s[_i] = _s[_j]
    _got, _expected = roc_auc(_t, _s), roc_auc_score(_t, _s)
    assert np.isclose(_got, _expected, rtol=0, atol=1e-9), f"hidden: continuous scores with injected ties, n={_n}: expected {_expected}, got {_got}"
assert np.isclose(roc_auc([1, 0, 1, 0], [3, 3, 3, 3]), 0.5), "hidden: constant scores"
assert np.isclose(roc_auc([True, False], [-5.0, 7.0]), 0.0), "hidden: perfectly wrong, bool labels"
assert np.isclose(roc_auc([1.0, 0.0, 0.0], [2, 1, 0]), 1.0), "hidden: integer scores, float labels"
for _bad in ([1, 1, 1], [0, 0]):
    try:
        roc_auc(_bad, list(range(len(_bad))))
    except ValueError:
        pass
    else:
        raise AssertionError(f"hidden: y_true={_bad} has one class: expected ValueError")
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 (2 points): per-layer gradient norms
#
# Write `layer_gradient_norms(model, x, y, loss_fn=None)`:
#
# * `model`: a built Keras model; `x`, `y`: one batch of inputs and targets (NumPy arrays);
# * `loss_fn`: a Keras loss object; if `None`, use `keras.losses.SparseCategoricalCrossentropy(from_logits=True)`;
# * compute the loss $J$ = `loss_fn(y, model(x, training=True))` once inside a `tf.GradientTape` (training mode,
#   as in a training step: batch normalisation uses the batch's statistics);
# * return a Python `list` of Python `float`s: for every layer in `model.layers` (top level, in order) that is a
#   `keras.layers.Dense`, the Frobenius (L2) norm of $\partial J / \partial W$ for that layer's **kernel** $W$
#   (not its bias). Other layers (activations, batch normalisation, dropout…) get no entry;
# * do **not** change the model's weights (no optimizer step). The tests compare with their own `GradientTape`
#   computation, relative tolerance 1e-4.
#
# <details><summary>Hint</summary>
#
# Collect `kernels = [l.kernel for l in model.layers if isinstance(l, keras.layers.Dense)]`, compute the loss inside
# `with tf.GradientTape() as tape:`, then `tape.gradient(loss, kernels)` and `float(tf.norm(g))` for each.
# </details>

# %% nbgrader={"grade_id": "task4_solution", "solution": true}
def layer_gradient_norms(model, x, y, loss_fn=None):
    ### BEGIN SOLUTION
    if loss_fn is None:
        loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    kernels = [layer.kernel for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    return [float(tf.norm(g)) for g in tape.gradient(loss, kernels)]
    ### END SOLUTION


# %% nbgrader={"grade_id": "task4_tests", "grade": true, "points": 2}
def _reference_norms(model, x, y, loss_fn):
    kernels = [l.kernel for l in model.layers if isinstance(l, keras.layers.Dense)]
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    return [float(tf.norm(g)) for g in tape.gradient(loss, kernels)]


keras.utils.set_random_seed(4)
_model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(5, activation="tanh"), keras.layers.Dense(3)])
_x = np.random.default_rng(4).normal(size=(8, 4)).astype("float32")
_y = np.array([0, 1, 2, 0, 1, 2, 0, 1])
_before = [w.numpy().copy() for w in _model.weights]
_got = layer_gradient_norms(_model, _x, _y)
_expected = _reference_norms(_model, _x, _y, keras.losses.SparseCategoricalCrossentropy(from_logits=True))
assert isinstance(_got, list) and len(_got) == 2, f"expected a list with one norm per Dense layer (2), got {_got!r}"
assert np.allclose(_got, _expected, rtol=1e-4), f"expected {np.round(_expected, 6)}, got {np.round(_got, 6)}"
assert all(np.array_equal(a, w.numpy()) for a, w in zip(_before, _model.weights)), "the weights changed: no optimizer step"
print("Task 4: visible tests passed.")
### BEGIN HIDDEN TESTS
assert all(type(v) is float for v in _got), "hidden: Python floats"
keras.utils.set_random_seed(5)
_deep = keras.Sequential(
    [keras.Input((6,))]
    + [l for _ in range(4) for l in (keras.layers.Dense(8), keras.layers.BatchNormalization(), keras.layers.Activation("sigmoid"))]
    + [keras.layers.Dense(4)]
)
_x = np.random.default_rng(5).normal(size=(16, 6)).astype("float32")
_y = np.random.default_rng(6).integers(0, 4, size=16)
_got = layer_gradient_norms(_deep, _x, _y)
_expected = _reference_norms(_deep, _x, _y, keras.losses.SparseCategoricalCrossentropy(from_logits=True))
assert len(_got) == 5, f"hidden: 5 Dense layers among BatchNormalization/Activation layers, got {len(_got)} norms"
assert np.allclose(_got, _expected, rtol=1e-4), "hidden: Dense + BatchNormalization (training mode)"
_reg = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
_xr = np.random.default_rng(7).normal(size=(10, 3)).astype("float32")
_yr = np.random.default_rng(8).normal(size=(10, 1)).astype("float32")
_got = layer_gradient_norms(_reg, _xr, _yr, loss_fn=keras.losses.MeanSquaredError())
assert np.allclose(_got, _reference_norms(_reg, _xr, _yr, keras.losses.MeanSquaredError()), rtol=1e-4), "hidden: custom loss_fn"
### END HIDDEN TESTS
