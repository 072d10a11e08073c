# %% [markdown]
# # Exercise 6: fitting diagnostics
#
# You will carry the diagnostics of [Chapter 6](../chapters/06_diagnostics.md) into forms the chapter does not print,
# and make two decisions whose consequences the tests measure: a learning-curve diagnosis judged against a
# baseline, the macro-averaged F1 of a multi-class classifier, a decision threshold chosen for unequal error costs,
# and a repair of a deep network whose gradients vanish. Everything is checked automatically (10 points). The times
# are our estimates for a learner who has read the chapter.
#
# | Task | What you build or decide | Points | Time |
# |---|---|---|---|
# | 1 | `diagnose_against_baseline(history, baseline_loss, floor_loss)`: `"broken"`, `"underfit"`, `"overfit"` or `"good"` | 3 | 15 min |
# | 2 | `macro_f1(y_true, y_pred, n_classes)`: F1 per class, averaged | 3 | 15 min |
# | 3 | *decision:* a threshold for a screening model whose misses cost 10 times its false alarms | 2 | 15 min |
# | 4 | *decision:* repair a 10-layer network whose first layers get no gradient | 2 | 10 min |
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
from sklearn.datasets import load_digits
from sklearn.metrics import f1_score

_ = tf.reduce_sum(tf.ones(2))  # start TensorFlow here, so its start-up messages appear in this cell
print(f"TensorFlow {tf.__version__} | Keras {keras.__version__} | NumPy {np.__version__}")

# %% [markdown]
# ## Task 1 (3 points): diagnose a learning curve against a baseline
#
# The chapter's rules measure the final training loss against the *first epoch's* loss $J_1$. That number depends on
# how long epoch 1 is, and a model that has reached the best loss the data allow (label noise, overlapping classes)
# still reads as "underfit". Measure against two reference losses instead:
#
# * `baseline_loss` $J_0$: the loss of a trivial predictor (for cross-entropy, predicting the class frequencies:
#   $\ln 10 \approx 2.303$ for 10 balanced classes);
# * `floor_loss` $J_\ast$ (default `0.0`): the lowest loss you expect any model to reach on these data (an estimate of
#   the irreducible error; 0 if unknown). Always $J_\ast < J_0$. The room to learn is $R = J_0 - J_\ast$.
#
# Write `diagnose_against_baseline(history, baseline_loss, floor_loss=0.0)` returning exactly one of the strings
# `"broken"`, `"underfit"`, `"overfit"`, `"good"`.
#
# * `history` is a dict like `model.fit(...).history` with at least the keys `"loss"` and `"val_loss"` (lists or 1-D
#   NumPy arrays of finite floats, one per epoch, equal length $T \ge 1$; ignore other keys), or a Keras `History`
#   object (use its `.history`).
# * With $J_T$ = `loss[-1]`, $V_T$ = `val_loss[-1]` and $V^\ast$ = `min(val_loss)`, apply the rules **in this order**:
#   1. `"broken"` if $J_T \ge J_0$ (no better than the trivial predictor on its own training data: look for a bug
#      before touching capacity);
#   2. `"underfit"` if $J_T - J_\ast > 0.25\,R$ (more than a quarter of the room is still unused);
#   3. `"overfit"` if $V_T > 1.1\,V^\ast$ (the validation loss ended more than 10 % above its best) **or**
#      $V_T - J_T > 0.25\,R$ (a generalisation gap of more than a quarter of the room);
#   4. otherwise `"good"`.
# * Rule 1 uses $\ge$; rules 2 and 3 are strict: a value exactly on their threshold does not trigger them.
#
# <details><summary>Hint</summary>
#
# `h = getattr(history, "history", history)`, then the numbers $J_T, V_T, V^\ast, R$, then four branches in the order
# given. The first visible case is one the chapter's $J_1$ rule calls "underfit".
# </details>

# %% nbgrader={"grade_id": "task1_solution", "solution": true}
def diagnose_against_baseline(history, baseline_loss, floor_loss=0.0):
    ### BEGIN SOLUTION
    h = getattr(history, "history", history)
    j_end, v_end = float(h["loss"][-1]), float(h["val_loss"][-1])
    v_best = float(np.min(h["val_loss"]))
    room = float(baseline_loss) - float(floor_loss)
    if j_end >= baseline_loss:
        return "broken"
    if j_end - floor_loss > 0.25 * room:
        return "underfit"
    if v_end > 1.1 * v_best or v_end - j_end > 0.25 * room:
        return "overfit"
    return "good"
    ### END SOLUTION


# %% nbgrader={"grade_id": "task1_tests", "grade": true, "points": 3}
_cases = [
    ("at the floor (the J_1 rule says underfit)", {"loss": [1.2, 0.95, 0.9], "val_loss": [1.2, 1.0, 0.95]}, 2.303, 0.85, "good"),
    ("no better than the baseline", {"loss": [2.35, 2.31, 2.31], "val_loss": [2.33, 2.31, 2.31]}, 2.303, 0.0, "broken"),
    ("far above the floor", {"loss": [2.2, 1.6, 1.2], "val_loss": [2.2, 1.7, 1.3]}, 2.303, 0.0, "underfit"),
    ("validation loss turns up", {"loss": [2.0, 0.5, 0.1, 0.02], "val_loss": [1.5, 0.4, 0.3, 0.45]}, 2.303, 0.0, "overfit"),
]
for _name, _h, _j0, _jstar, _expected in _cases:
    _got = diagnose_against_baseline(_h, _j0, _jstar)
    assert _got == _expected, (
        f"{_name}: expected {_expected!r}, got {_got!r} for {_h}, baseline {_j0}, floor {_jstar} "
        "(hint: apply the four rules in order, with R = baseline - floor)"
    )
print("Task 1: visible tests passed.")
### BEGIN HIDDEN TESTS
_hidden = [  # powers of two keep the boundary cases exact in floating point
    ("J_T == baseline is broken", {"loss": [3.0, 2.0], "val_loss": [2.0, 2.0]}, 2.0, 0.0, "broken"),
    ("broken has priority over overfit", {"loss": [2.5, 2.5], "val_loss": [1.0, 4.0]}, 2.0, 0.0, "broken"),
    ("J_T - floor == R/4 is not underfit", {"loss": [2.0, 0.5], "val_loss": [0.5, 0.5]}, 2.0, 0.0, "good"),
    ("just above R/4 is underfit", {"loss": [2.0, 0.5625], "val_loss": [0.5625, 0.5625]}, 2.0, 0.0, "underfit"),
    ("the floor moves the underfit line", {"loss": [2.0, 1.25], "val_loss": [1.25, 1.25]}, 2.0, 1.0, "good"),
    ("underfit has priority over overfit", {"loss": [2.0, 1.5], "val_loss": [1.0, 3.0]}, 2.0, 0.0, "underfit"),
    ("gap == R/4 is not overfit", {"loss": [2.0, 0.25], "val_loss": [0.75, 0.75]}, 2.0, 0.0, "good"),
    ("gap just above R/4 is overfit", {"loss": [2.0, 0.25], "val_loss": [0.8125, 0.8125]}, 2.0, 0.0, "overfit"),
    ("the gap is measured against R, not J_1", {"loss": [8.0, 0.25], "val_loss": [1.0, 1.0]}, 2.0, 0.0, "overfit"),
    ("V_T == 1.1 V* is not overfit", {"loss": [3.0, 0.75], "val_loss": [1.0, 1.1]}, 4.0, 0.0, "good"),
    ("rise rule only", {"loss": [1.0, 0.25, 0.25], "val_loss": [0.5, 0.3, 0.34]}, 2.0, 0.0, "overfit"),
    ("one epoch", {"loss": [0.25], "val_loss": [0.25]}, 2.0, 0.0, "good"),
    ("extra keys ignored", {"loss": [2.0, 0.3], "val_loss": [1.0, 0.4], "accuracy": [0.5, 0.9]}, 2.303, 0.0, "good"),
    ("NumPy arrays", {"loss": np.array([2.0, 0.2]), "val_loss": np.array([0.3, 0.9])}, 2.303, 0.0, "overfit"),
]
for _name, _h, _j0, _jstar, _expected in _hidden:
    _got = diagnose_against_baseline(_h, _j0, _jstar)
    assert _got == _expected, f"hidden: {_name}: expected {_expected!r}, got {_got!r}"
assert diagnose_against_baseline({"loss": [0.5, 0.3], "val_loss": [0.3, 0.3]}, 2.0) == "good", "hidden: floor defaults to 0"
_hist = keras.callbacks.History()
_hist.history = {"loss": [2.0, 0.5, 0.1, 0.02], "val_loss": [1.5, 0.4, 0.3, 0.45]}
assert diagnose_against_baseline(_hist, 2.303) == "overfit", "hidden: a keras History object"
assert type(diagnose_against_baseline({"loss": [1.0, 0.1], "val_loss": [0.2, 0.2]}, 2.0)) is str, "hidden: returns a str"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 (3 points): macro-averaged F1 for several classes
#
# Chapter 6 computes precision, recall and F1 for one positive class. With $K$ classes, each class $c$ gets its own
# F1 (class $c$ against all the others), and the **macro average** weights every class equally, so a rare class that
# the model ignores pulls the score down even when accuracy is high.
#
# Write `macro_f1(y_true, y_pred, n_classes)`:
#
# * `y_true`, `y_pred`: 1-D sequences (lists or NumPy arrays) of integer labels in `0 … n_classes - 1`, equal length
#   $\ge 1$; `n_classes` $\ge 2$;
# * for **every** class $c$ in `range(n_classes)`, also one that never occurs: $TP_c, FP_c, FN_c$, and
#   $F_{1,c} = 2\,TP_c / (2\,TP_c + FP_c + FN_c)$, which is $2PR/(P+R)$ for that class, and `0.0` when the
#   denominator is 0;
# * return the plain mean of the `n_classes` values as a Python `float`. This is scikit-learn's
#   `f1_score(y_true, y_pred, labels=range(n_classes), average="macro", zero_division=0)`; the tests compare with it
#   (absolute tolerance 1e-12). Use NumPy only in your function.
#
# <details><summary>Hint</summary>
#
# For class `c`: `t, p = (y_true == c), (y_pred == c)`, then `tp = np.sum(t & p)` and so on. Average the per-class
# F1 values, not the per-class precisions and recalls.
# </details>

# %% nbgrader={"grade_id": "task2_solution", "solution": true}
def macro_f1(y_true, y_pred, n_classes):
    ### BEGIN SOLUTION
    t = np.asarray(y_true).astype(int)
    p = np.asarray(y_pred).astype(int)
    scores = []
    for c in range(n_classes):
        tp = int(np.sum((t == c) & (p == c)))
        fp = int(np.sum((t != c) & (p == c)))
        fn = int(np.sum((t == c) & (p != c)))
        denominator = 2 * tp + fp + fn
        scores.append(2 * tp / denominator if denominator else 0.0)
    return float(np.mean(scores))
    ### END SOLUTION


# %% nbgrader={"grade_id": "task2_tests", "grade": true, "points": 3}
def _sk_macro(t, p, k):
    return float(f1_score(t, p, labels=list(range(k)), average="macro", zero_division=0))


_t = np.array([0, 0, 0, 0, 0, 0, 1, 1, 2, 2])
_p = np.array([0, 0, 0, 0, 0, 0, 0, 1, 0, 2])
_got, _expected = macro_f1(_t, _p, 3), _sk_macro(_t, _p, 3)
assert isinstance(_got, float), f"return a Python float, got {type(_got).__name__}"
assert abs(_got - _expected) < 1e-12, (
    f"y_true={_t.tolist()}, y_pred={_p.tolist()}: expected {_expected:.6f}, got {_got:.6f} "
    f"(accuracy is {np.mean(_t == _p):.2f}; hint: one F1 per class, then their plain mean)"
)
_got, _expected = macro_f1([0, 1, 1], [0, 1, 1], 3), _sk_macro([0, 1, 1], [0, 1, 1], 3)
assert abs(_got - _expected) < 1e-12, (
    f"class 2 never occurs (n_classes=3): expected {_expected:.6f}, got {_got:.6f} (hint: it counts, with F1 = 0)"
)
print("Task 2: visible tests passed.")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(2)
for _n, _k in [(10, 2), (200, 5), (3000, 10)]:
    _t = _rng.integers(0, _k, size=_n)
    _p = np.where(_rng.random(_n) < 0.6, _t, _rng.integers(0, _k, size=_n))
    assert abs(macro_f1(_t, _p, _k) - _sk_macro(_t, _p, _k)) < 1e-12, f"hidden: random n={_n}, K={_k}"
_t = (_rng.random(500) < 0.05).astype(int) * 3  # a rare class 3 among class 0, classes 1 and 2 absent
_p = np.zeros(500, dtype=int)
assert abs(macro_f1(_t, _p, 4) - _sk_macro(_t, _p, 4)) < 1e-12, "hidden: a rare class that is never predicted"
assert abs(macro_f1([2, 2, 1], [1, 1, 1], 3) - _sk_macro([2, 2, 1], [1, 1, 1], 3)) < 1e-12, "hidden: imbalanced errors"
assert macro_f1([0, 1, 2], [0, 1, 2], 3) == 1.0, "hidden: perfect"
assert macro_f1([0, 0], [1, 1], 2) == 0.0, "hidden: all wrong"
assert type(macro_f1(np.array([0, 1]), np.array([0, 0]), 2)) is float, "hidden: Python float"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 (2 points): a threshold for unequal error costs
#
# A screening model gives each case a score $s$, its predicted probability of being positive (the scores are well
# calibrated). A case is flagged when $s > t$. A missed positive (false negative) costs **10**, a false alarm (false
# positive) costs **1**, correct decisions cost 0. The cell below gives you validation scores and labels
# (`s_val3`, `y_val3`, 600 cases) and, for the final report only, test scores and labels (`s_test3`, `y_test3`,
# 2,000 cases), and the function `screening_cost(y, s, t)`.
#
# Set `task3_threshold` (a Python `float` strictly between 0 and 1), chosen **without** looking at the test set.
#
# The test measures the consequence: the total cost of your threshold on the **test** cases must be at most
# **1.1 times** the lowest test cost of any threshold on the grid $0.01, 0.02, \dots, 0.99$.
#
# <details><summary>Hint</summary>
#
# The default 0.5 treats both errors as equally costly. Either scan thresholds on the validation set and keep the
# cheapest, or use what calibration buys you: flag a case when the expected cost of not flagging it, $10\,s$, exceeds
# that of flagging it, $1\cdot(1-s)$.
# </details>

# %%
COST_FN, COST_FP = 10, 1


def _screening_data(n, seed, prior=0.15, shift=1.2):
    """Labels and calibrated scores: the exact posterior of two unit Gaussians at ±shift, positive share `prior`."""
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < prior).astype(int)
    z = rng.normal(size=n) + np.where(y == 1, shift, -shift)
    return y, 1 / (1 + np.exp(-(np.log(prior / (1 - prior)) + 2 * shift * z)))


def screening_cost(y, s, t):
    """Total cost of flagging the cases with score > t: COST_FN per missed positive, COST_FP per false alarm."""
    flagged = np.asarray(s) > t
    y = np.asarray(y)
    return int(COST_FN * np.sum((y == 1) & ~flagged) + COST_FP * np.sum((y == 0) & flagged))


y_val3, s_val3 = _screening_data(600, seed=1)
y_test3, s_test3 = _screening_data(2000, seed=2)
print(f"validation: {len(y_val3)} cases, {int(y_val3.sum())} positive; cost at t = 0.5: {screening_cost(y_val3, s_val3, 0.5)}")

# %% nbgrader={"grade_id": "task3_solution", "solution": true}
### BEGIN SOLUTION
_grid3 = np.round(np.arange(0.01, 1.0, 0.01), 2)
_val_costs3 = [screening_cost(y_val3, s_val3, t) for t in _grid3]
task3_threshold = float(_grid3[int(np.argmin(_val_costs3))])
print(f"threshold {task3_threshold:.2f}: validation cost {min(_val_costs3)} (at 0.5: {screening_cost(y_val3, s_val3, 0.5)})")
### END SOLUTION

# %% nbgrader={"grade_id": "task3_tests", "grade": true, "points": 2}
assert isinstance(task3_threshold, (float, np.floating)) and 0 < task3_threshold < 1, (
    f"task3_threshold: expected a float strictly between 0 and 1, got {task3_threshold!r}"
)
_best3 = min(screening_cost(y_test3, s_test3, t) for t in np.round(np.arange(0.01, 1.0, 0.01), 2))
_cost3 = screening_cost(y_test3, s_test3, float(task3_threshold))
assert _cost3 <= 1.1 * _best3, (
    f"threshold {float(task3_threshold):.3f}: test cost {_cost3}, expected at most 1.1 × {_best3} = {1.1 * _best3:.0f} "
    "(hint: a miss costs 10 times a false alarm; which way does that move the threshold from 0.5?)"
)
print(f"Task 3: visible tests passed (test cost {_cost3}; best threshold on the grid: {_best3}).")

# %% [markdown]
# ## Task 4 (2 points): repair a network whose gradients vanish
#
# `broken_model()` below builds a 64 → 10 × 32 → 10 MLP with sigmoid activations and Keras's default (Glorot)
# initialisation. Trained, its loss hardly moves: at initialisation the gradient reaching its first layer is about a
# millionth of the last layer's (run the cell). `kernel_grad_norms(model)` measures $\lVert\partial J/\partial W\rVert$
# for every Dense kernel on the fixed batch `x4, y4` (256 digits), in training mode.
#
# Build `task4_model`, a repaired network that keeps the architecture's size:
#
# * input 64 features, output 10 logits; **at least 10 hidden `Dense` layers of 32 units** (looked for at the top
#   level of a `Sequential` or functional model);
# * you may change the activations and initialisers and add layers without weights of their own or
#   `BatchNormalization`; seed it (`keras.utils.set_random_seed`), and leave it **untrained**.
#
# The test measures the consequence at initialisation: **every** Dense kernel's gradient norm from
# `kernel_grad_norms(task4_model)` lies between **0.05 and 20** (no layer starved, none exploding).
#
# <details><summary>Hint</summary>
#
# Chapter 6, §6.5 compared four 10-layer networks. An activation whose derivative is 1 where it is active needs an
# initialiser scaled for it; normalising each layer's pre-activations works too.
# </details>

# %%
(x4, y4) = (lambda d: ((d[0][:256] / 16.0).astype("float32"), d[1][:256]))(load_digits(return_X_y=True))
GRAD_LOW, GRAD_HIGH = 0.05, 20.0


def broken_model(seed=0):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([keras.Input((64,))] + [keras.layers.Dense(32, activation="sigmoid") for _ in range(10)] + [keras.layers.Dense(10)])


def kernel_grad_norms(model, x=x4, y=y4):
    """Frobenius norm of dJ/dW for each Dense kernel, first layer first (one forward/backward pass, training mode)."""
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    kernels = [layer.kernel for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    return [float(tf.norm(g)) for g in tape.gradient(loss, kernels)]


_norms = kernel_grad_norms(broken_model())
print(f"broken model: first layer {_norms[0]:.1e}, last layer {_norms[-1]:.1e}, smallest {min(_norms):.1e}")

# %% nbgrader={"grade_id": "task4_solution", "solution": true}
### BEGIN SOLUTION
keras.utils.set_random_seed(0)
task4_model = keras.Sequential(
    [keras.Input((64,))]
    + [keras.layers.Dense(32, activation="relu", kernel_initializer="he_normal") for _ in range(10)]
    + [keras.layers.Dense(10)]
)
print(f"repaired: gradient norms from {min(kernel_grad_norms(task4_model)):.2f} to {max(kernel_grad_norms(task4_model)):.2f}")
### END SOLUTION

# %% nbgrader={"grade_id": "task4_tests", "grade": true, "points": 2}
assert isinstance(task4_model, keras.Model), f"task4_model: expected a keras.Model, got {type(task4_model).__name__}"
_dense4 = [l for l in task4_model.layers if isinstance(l, keras.layers.Dense)]
_hidden4 = [l.units for l in _dense4[:-1]]
assert _hidden4.count(32) >= 10, (
    f"architecture: expected at least 10 hidden Dense layers of 32 units, got hidden widths {_hidden4} "
    "(hint: repair the network, do not shrink it)"
)
assert tuple(task4_model.output_shape) == (None, 10), f"output: expected 10 logits, got shape {task4_model.output_shape}"
_norms4 = kernel_grad_norms(task4_model)
_bad4 = [(i + 1, round(v, 4)) for i, v in enumerate(_norms4) if not GRAD_LOW <= v <= GRAD_HIGH]
assert not _bad4, (
    f"gradient norms at initialisation: expected every Dense layer in [{GRAD_LOW}, {GRAD_HIGH}], "
    f"got (layer, norm) {_bad4} out of range (hint: Chapter 6, §6.5)"
)
print(f"Task 4: visible tests passed (norms from {min(_norms4):.3f} to {max(_norms4):.3f}).")
