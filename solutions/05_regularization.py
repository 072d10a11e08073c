# %% [markdown]
# # Exercise 5: regularization
#
# You will write an L1/L2 penalty, inverted dropout and the batch-normalisation forward pass from scratch,
# check them against Keras, and then regularize an overfitting network until it generalises.
# Everything is checked automatically (10 points):
#
# | Task | What you build | Points |
# |---|---|---|
# | 1 | `l1_l2_penalty(weights, l1, l2)`, equal to `keras.regularizers.L1L2` | 2 |
# | 2 | `inverted_dropout(x, rate, rng)` | 2 |
# | 3 | `batchnorm_forward(x, gamma, beta, eps)`, equal to `BatchNormalization` in training mode | 3 |
# | 4 | a regularized version of a given overfitting network, trained in your cell | 3 |
#
# Each task has visible tests below your code: run them, read their messages, fix, repeat.
# When grading, more (hidden) tests of the same rules run. Read [Chapter 5](../chapters/05_regularization.md) first.

# %%
# Setup: runs unchanged locally, in Colab and on a GPU (nothing to install: Colab ships these packages).
import os
import time

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
# ## Task 1 (2 points): L1 + L2 penalty
#
# Write `l1_l2_penalty(weights, l1=0.0, l2=0.0)`:
#
# * `weights`: a list (or tuple) of NumPy arrays of any shapes and float dtypes, e.g. the kernels of several layers;
#   it may be empty;
# * returns $\lambda_1 \sum |\theta| + \lambda_2 \sum \theta^2$ summed over **all** entries of **all** arrays, as a Python `float`
#   (no factor ½: this is exactly what `keras.regularizers.L1L2(l1=..., l2=...)` adds to the loss for each tensor);
# * an empty list, or `l1 = l2 = 0`, gives `0.0`.
#
# The tests compare with the sum of `keras.regularizers.L1L2(l1, l2)(w)` over the arrays (relative tolerance 1e-5).
#
# <details><summary>Hint</summary>
#
# Loop over the arrays: `np.abs(w).sum()` and `np.square(w).sum()`. Sum in float64 and convert the total with `float(...)`.
# </details>

# %% nbgrader={"grade_id": "task1_solution", "solution": true}
def l1_l2_penalty(weights, l1=0.0, l2=0.0):
    ### BEGIN SOLUTION
    total = 0.0
    for w in weights:
        w = np.asarray(w, dtype=np.float64)
        total += l1 * np.abs(w).sum() + l2 * np.square(w).sum()
    return float(total)
    ### END SOLUTION


# %% nbgrader={"grade_id": "task1_tests", "grade": true, "points": 2}
def _keras_penalty(weights, l1, l2):
    reg = keras.regularizers.L1L2(l1=l1, l2=l2)
    return float(sum(float(reg(np.asarray(w, dtype="float32"))) for w in weights))


_ws = [np.array([[1.0, -2.0], [0.5, 0.0]], dtype="float32"), np.array([3.0, -1.0], dtype="float32")]
_got = l1_l2_penalty(_ws, l1=0.01, l2=0.1)
_expected = _keras_penalty(_ws, 0.01, 0.1)
assert isinstance(_got, float), f"return a Python float, got {type(_got).__name__}"
assert np.isclose(_got, _expected, rtol=1e-5), (
    f"two arrays, l1=0.01, l2=0.1: expected {_expected:.6f}, got {_got:.6f} (hint: sum over every array; no factor 1/2)"
)
_got = l1_l2_penalty(_ws, l1=0.01)
assert np.isclose(_got, _keras_penalty(_ws, 0.01, 0.0), rtol=1e-5), f"L1 only: expected 0.075, got {_got}"
assert l1_l2_penalty([], l1=1.0, l2=1.0) == 0.0, f"empty list: expected 0.0, got {l1_l2_penalty([], 1.0, 1.0)}"
print("Task 1: visible tests passed.")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(11)
for _l1, _l2 in [(0.0, 1e-3), (1e-3, 0.0), (3e-4, 2e-2), (0.0, 0.0)]:
    _ws = [_rng.normal(size=_s).astype("float32") for _s in [(64, 32), (32,), (3, 3, 4, 8)]]
    _expected = _keras_penalty(_ws, _l1, _l2)
    assert np.isclose(l1_l2_penalty(_ws, l1=_l1, l2=_l2), _expected, rtol=1e-5, atol=1e-8), f"hidden: l1={_l1}, l2={_l2}"
assert np.isclose(l1_l2_penalty((np.array([-2.0]),), 0.5, 0.25), 2.0), "hidden: tuple input, float64"
assert isinstance(l1_l2_penalty([np.ones(3, dtype="float16")], 0.1, 0.1), float), "hidden: float16 input returns a float"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 (2 points): inverted dropout
#
# Write `inverted_dropout(x, rate, rng)`, the training-mode dropout of Keras's `Dropout` layer:
#
# * `x`: a NumPy float array of any shape; `rate` ($p$): a float with `0 <= rate < 1`; `rng`: a `np.random.Generator`;
# * draw the mask with **exactly one call** `keep = rng.random(x.shape) >= rate` (the tests reproduce your mask from the
#   same seed, so draw nothing else from `rng`);
# * return an array of the same shape **and dtype** as `x`: `x / (1 - rate)` where `keep` is true, `0` elsewhere;
# * raise `ValueError` if `rate` is outside `[0, 1)` (before drawing anything);
# * `rate = 0` returns values equal to `x`.
#
# <details><summary>Hint</summary>
#
# `np.where(keep, x / (1 - rate), 0)` and then `.astype(x.dtype)`. Dividing by $1-p$ keeps the expected value of each
# entry equal to `x`, so nothing needs to change at inference.
# </details>

# %% nbgrader={"grade_id": "task2_solution", "solution": true}
def inverted_dropout(x, rate, rng):
    ### BEGIN SOLUTION
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"rate must be in [0, 1), got {rate}")
    x = np.asarray(x)
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1.0 - rate), 0.0).astype(x.dtype)
    ### END SOLUTION


# %% nbgrader={"grade_id": "task2_tests", "grade": true, "points": 2}
_x = np.arange(1.0, 13.0, dtype="float32").reshape(3, 4)
_got = inverted_dropout(_x, 0.5, np.random.default_rng(0))
_keep = np.random.default_rng(0).random(_x.shape) >= 0.5
_expected = np.where(_keep, _x / 0.5, 0.0).astype("float32")
assert np.shape(_got) == _x.shape, f"shape: expected {_x.shape}, got {np.shape(_got)}"
assert _got.dtype == np.float32, f"dtype: expected float32 (same as x), got {_got.dtype}"
assert np.allclose(_got, _expected), (
    f"rate=0.5, seed 0: expected\n{_expected}\ngot\n{_got}\n(hint: keep = rng.random(x.shape) >= rate, scale by 1/(1-rate))"
)
try:
    inverted_dropout(_x, 1.0, np.random.default_rng(0))
    raise AssertionError("rate=1.0: expected a ValueError, none was raised")
except ValueError:
    pass
print("Task 2: visible tests passed.")
### BEGIN HIDDEN TESTS
_x = np.random.default_rng(5).uniform(0.5, 1.5, size=(400, 250))
for _rate in (0.1, 0.3, 0.8):
    _got = inverted_dropout(_x, _rate, np.random.default_rng(7))
    _keep = np.random.default_rng(7).random(_x.shape) >= _rate
    assert np.allclose(_got, np.where(_keep, _x / (1 - _rate), 0.0)), f"hidden: exact values, rate={_rate}"
    assert abs(_got.mean() - _x.mean()) < 0.02, f"hidden: mean preserved, rate={_rate}"
    # the same rule as Keras: every surviving entry is x / (1 - rate)
    _k = keras.layers.Dropout(_rate, seed=1)(_x.astype("float32"), training=True).numpy()
    assert np.allclose(_k[_k != 0], (_x.astype("float32") / (1 - _rate))[_k != 0], rtol=1e-6), "hidden: Keras rule"
assert np.allclose(inverted_dropout(_x[:3], 0.0, np.random.default_rng(1)), _x[:3]), "hidden: rate=0 is the identity"
assert inverted_dropout(_x[:2].astype("float64"), 0.2, np.random.default_rng(1)).dtype == np.float64, "hidden: float64 kept"
assert inverted_dropout(np.ones(5, dtype="float32"), 0.2, np.random.default_rng(1)).shape == (5,), "hidden: 1-D input"
for _bad in (-0.1, 1.0, 1.5):
    try:
        inverted_dropout(_x[:2], _bad, np.random.default_rng(0))
        raise AssertionError(f"hidden: rate={_bad} must raise ValueError")
    except ValueError:
        pass
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 (3 points): batch normalization, training mode
#
# Write `batchnorm_forward(x, gamma, beta, eps=1e-3)`, the forward pass of `keras.layers.BatchNormalization` when called
# with `training=True` on a 2-D input:
#
# * `x`: float array of shape `(B, D)` (a batch of $B$ examples with $D$ features), $B \ge 1$;
#   `gamma`, `beta`: float arrays of shape `(D,)`; `eps`: positive float (Keras's `epsilon`, default `1e-3`);
# * per feature, use the **batch** mean $\mu_B$ and the **biased** batch variance $\sigma_B^2$ (divide by $B$, not $B-1$):
#   $y = \gamma\,(x-\mu_B)/\sqrt{\sigma_B^2+\epsilon} + \beta$;
# * return a NumPy array of shape `(B, D)`. A constant feature (variance 0) gives `beta` for that feature, and so does $B = 1$.
#
# The tests compare with Keras's layer (with your `gamma`, `beta` and `eps` set) to an absolute tolerance of 1e-5.
#
# <details><summary>Hint</summary>
#
# `x.mean(axis=0)` and `x.var(axis=0)` (NumPy's `var` divides by $B$ by default). Broadcasting does the rest.
# </details>

# %% nbgrader={"grade_id": "task3_solution", "solution": true}
def batchnorm_forward(x, gamma, beta, eps=1e-3):
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    mu, var = x.mean(axis=0), x.var(axis=0)
    return np.asarray(gamma) * (x - mu) / np.sqrt(var + eps) + np.asarray(beta)
    ### END SOLUTION


# %% nbgrader={"grade_id": "task3_tests", "grade": true, "points": 3}
def _keras_bn(x, gamma, beta, eps):
    layer = keras.layers.BatchNormalization(epsilon=eps)
    layer.build(x.shape)
    layer.gamma.assign(np.asarray(gamma, dtype="float32"))
    layer.beta.assign(np.asarray(beta, dtype="float32"))
    return layer(np.asarray(x, dtype="float32"), training=True).numpy()


_x = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 60.0], [6.0, 30.0]], dtype="float32")
_g, _b = np.array([1.0, 2.0], dtype="float32"), np.array([0.0, -1.0], dtype="float32")
_got = batchnorm_forward(_x, _g, _b)
_expected = _keras_bn(_x, _g, _b, 1e-3)
assert np.shape(_got) == (4, 2), f"shape: expected (4, 2), got {np.shape(_got)}"
assert np.allclose(_got, _expected, atol=1e-5), (
    f"4×2 batch, eps=1e-3: expected\n{_expected}\ngot\n{np.asarray(_got)}\n"
    "(hint: batch mean and biased variance per column, i.e. axis=0)"
)
print("Task 3: visible tests passed.")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(3)
for _B, _D, _eps in [(2, 3, 1e-3), (32, 5, 1e-5), (7, 1, 0.1), (64, 16, 1e-3)]:
    _x = _rng.normal(loc=_rng.uniform(-5, 5, _D), scale=_rng.uniform(0.1, 3, _D), size=(_B, _D)).astype("float32")
    _g = _rng.uniform(0.5, 2.0, _D).astype("float32")
    _b = _rng.normal(size=_D).astype("float32")
    _expected = _keras_bn(_x, _g, _b, _eps)
    assert np.allclose(batchnorm_forward(_x, _g, _b, _eps), _expected, atol=1e-5), f"hidden: B={_B}, D={_D}, eps={_eps}"
_x = np.array([[4.0, 1.0], [4.0, 3.0]], dtype="float32")  # first feature constant
assert np.allclose(batchnorm_forward(_x, np.ones(2), np.array([0.7, 0.0]))[:, 0], 0.7), "hidden: constant feature → beta"
assert np.allclose(batchnorm_forward(np.array([[5.0, -2.0]]), np.ones(2), np.array([0.3, 0.4])), [[0.3, 0.4]]), (
    "hidden: B = 1 → beta"
)
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 (3 points): regularize an overfitting network
#
# The cell below (run it, do not change it) loads the digits with only **100 training images**, a validation set of
# 600 and a test set, and defines `build_overfitting_model()`: an MLP with two hidden `Dense(512, relu)` layers
# that memorises the training images. Trained with `fit_full_batch` (full-batch Adam, learning rate 3e-3) for 200 or
# 400 steps without regularization, its validation accuracy stays below the threshold.
#
# In your cell, build a **regularized** version of this network and train it, so that:
#
# * it still has (at least) two hidden `Dense` layers with 512 units each (you may add any regularization: weight
#   penalties, dropout, batch normalization, augmentation layers, constraints, early stopping, ...);
# * it is trained on `X_train4, y_train4` only (never on the validation or test images), seeded, in at most 20 s;
# * it outputs 10 logits per image;
# * `task4_model` holds the trained model and `task4_val_accuracy` its validation accuracy (a Python `float`), measured
#   in inference mode: `val_accuracy(task4_model)`;
# * `task4_val_accuracy >= 0.93`.
#
# The tests recompute the accuracy from `task4_model` (they do not train), check the architecture rule, and, hidden, check
# that the test-set accuracy is at least 0.90 (a model tuned on the validation set by luck would miss it).
#
# <details><summary>Hint</summary>
#
# With 100 images, the strongest regularizer is more data: a digit shifted by one pixel is still the same digit.
# Put `keras.layers.RandomTranslation` (on the images reshaped to 8×8×1) and `keras.layers.GaussianNoise` at the
# start of the model; they are active only in training. Weight penalties and dropout alone help little here.
# </details>

# %%
X4, y4 = load_digits(return_X_y=True)
X4 = (X4 / 16.0).astype("float32")
X_train4, X_rest4, y_train4, y_rest4 = train_test_split(X4, y4, train_size=100, stratify=y4, random_state=1)
X_val4, X_test4, y_val4, y_test4 = train_test_split(X_rest4, y_rest4, train_size=600, stratify=y_rest4, random_state=1)
THRESHOLD = 0.93


def build_overfitting_model(seed=42):
    keras.utils.set_random_seed(seed)
    return keras.Sequential([
        keras.Input((64,)),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dense(10),  # logits
    ])


def fit_full_batch(model, steps=200, learning_rate=3e-3, loss=None):
    """Compile with Adam and train for `steps` full-batch steps on the 100 training images (one compiled call)."""
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=loss or keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        steps_per_execution=steps,
    )
    data = tf.data.Dataset.from_tensors((X_train4, y_train4)).repeat(steps)
    model.fit(data, epochs=1, shuffle=False, verbose=0)
    return model


def val_accuracy(model, x=None, y=None):
    x, y = (X_val4, y_val4) if x is None else (x, y)
    return float(np.mean(np.argmax(model(x, training=False), axis=1) == y))


print(f"train {X_train4.shape}, validation {X_val4.shape}, test {X_test4.shape}; threshold {THRESHOLD}")

# %% nbgrader={"grade_id": "task4_solution", "solution": true}
# Build a regularized model, train it (seeded, at most 20 s), then keep these two names:
#   task4_model = ...                               (the trained keras model)
#   task4_val_accuracy = val_accuracy(task4_model)  (a float, at least THRESHOLD)
### BEGIN SOLUTION
_t0 = time.perf_counter()
keras.utils.set_random_seed(42)
task4_model = keras.Sequential([
    keras.Input((64,)),
    keras.layers.Reshape((8, 8, 1)),
    keras.layers.RandomTranslation(0.125, 0.125, fill_mode="constant", seed=42),  # shift by up to one pixel
    keras.layers.Flatten(),
    keras.layers.GaussianNoise(0.2, seed=42),  # pixel noise on the 0..1 scale
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dropout(0.3, seed=42),
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dropout(0.3, seed=42),
    keras.layers.Dense(10),
])
fit_full_batch(task4_model, steps=400)  # augmented data keeps giving new examples, so train longer
task4_val_accuracy = val_accuracy(task4_model)
print(f"validation accuracy {task4_val_accuracy:.3f} (threshold {THRESHOLD}), trained in {time.perf_counter() - _t0:.1f} s")
### END SOLUTION

# %% nbgrader={"grade_id": "task4_tests", "grade": true, "points": 3}
assert isinstance(task4_model, keras.Model), f"task4_model: expected a keras.Model, got {type(task4_model).__name__}"
def _dense_widths(layer):
    """Units of every Dense layer, looking inside nested models."""
    if isinstance(layer, keras.layers.Dense):
        return [layer.units]
    return [w for sub in getattr(layer, "layers", []) for w in _dense_widths(sub)]


_widths = sorted(_dense_widths(task4_model), reverse=True)
assert len(_widths) >= 3 and _widths[1] >= 512, (
    f"architecture: expected at least two hidden Dense layers of 512 units plus the output layer, got Dense widths {_widths}"
)
_acc = val_accuracy(task4_model)
assert isinstance(task4_val_accuracy, float), f"task4_val_accuracy: expected a float, got {type(task4_val_accuracy).__name__}"
assert abs(_acc - task4_val_accuracy) < 1e-6, (
    f"task4_val_accuracy = {task4_val_accuracy:.4f}, but task4_model scores {_acc:.4f} on the validation set "
    "(hint: measure with val_accuracy(task4_model) after training)"
)
assert _acc >= THRESHOLD, f"validation accuracy: expected >= {THRESHOLD}, got {_acc:.3f} (hint: see the collapsed hint above)"
print("Task 4: visible tests passed.")
### BEGIN HIDDEN TESTS
assert task4_model(X_val4[:3], training=False).shape == (3, 10), "hidden: 10 outputs (logits) per image"
_test_acc = val_accuracy(task4_model, X_test4, y_test4)
assert _test_acc >= 0.90, f"hidden: test accuracy {_test_acc:.3f} < 0.90"
### END HIDDEN TESTS
