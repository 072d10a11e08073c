# %% [markdown]
# # Exercise 5: regularization
#
# You will carry three regularizers of [Chapter 5](../chapters/05_regularization.md) into forms the chapter does
# not print (the gradient of a weight penalty, dropout that shares its mask along an axis, and the backward pass of
# batch normalization), check each against Keras, and make two decisions whose consequences the tests measure:
# how to regularize an overfitting network, and how strong an L2 penalty to use. Everything is checked
# automatically (12 points). The times are our estimates for a learner who has read the chapter.
#
# | Task | What you build or decide | Points | Time |
# |---|---|---|---|
# | 1 | `l1_l2_gradient(weights, l1, l2)`: the gradient of `keras.regularizers.L1L2` | 2 | 10 min |
# | 2 | `dropout_noise_shape(x, rate, noise_shape, rng)`: dropout with a shared mask, as `Dropout(noise_shape=...)` | 2 | 15 min |
# | 3 | `batchnorm_backward(dy, x, gamma, eps)`: the gradients of `BatchNormalization` in training mode | 3 | 25 min |
# | 4 | *decision:* a regularized version of a given overfitting network, trained in your cell | 3 | 20 min |
# | 5 | *decision:* the L2 strength for a ridge model with more features than examples | 2 | 10 min |
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
from sklearn.datasets import load_diabetes, load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

_ = tf.reduce_sum(tf.ones(2))  # start TensorFlow here, so its start-up messages appear in this cell
print(f"TensorFlow {tf.__version__} | Keras {keras.__version__} | NumPy {np.__version__}")

# %% [markdown]
# ## Task 1 (2 points): the gradient of an L1 + L2 penalty
#
# Chapter 5 computes the penalty $\lambda_1 \sum |\theta| + \lambda_2 \sum \theta^2$ that `keras.regularizers.L1L2`
# adds to the loss. What the optimizer sees is its **gradient**. Write `l1_l2_gradient(weights, l1=0.0, l2=0.0)`:
#
# * `weights`: a list (or tuple) of NumPy float arrays of any shapes (it may be empty);
# * returns a `list` of NumPy arrays, one per input array, same shape **and dtype**: the gradient of
#   `keras.regularizers.L1L2(l1=l1, l2=l2)(w)` with respect to `w`, entry by entry;
# * at $\theta = 0$, where $|\theta|$ has no derivative, use what TensorFlow's automatic differentiation uses there:
#   the L1 part of the gradient is 0.
#
# The tests compare with `tf.GradientTape` through `keras.regularizers.L1L2` (relative tolerance 1e-5), including
# weights that are exactly 0.
#
# <details><summary>Hint</summary>
#
# Differentiate each sum term by term: $\frac{d}{d\theta}\theta^2$ and $\frac{d}{d\theta}|\theta|$. `np.sign(0.0)` is `0.0`.
# </details>

# %% nbgrader={"grade_id": "task1_solution", "solution": true}
def l1_l2_gradient(weights, l1=0.0, l2=0.0):
    ### BEGIN SOLUTION
    grads = []
    for w in weights:
        w = np.asarray(w)
        grads.append((l1 * np.sign(w) + 2.0 * l2 * w).astype(w.dtype))
    return grads
    ### END SOLUTION


# %% nbgrader={"grade_id": "task1_tests", "grade": true, "points": 2}
def _keras_penalty_grad(w, l1, l2):
    v = tf.Variable(np.asarray(w, dtype="float32"))
    with tf.GradientTape() as tape:
        penalty = keras.regularizers.L1L2(l1=l1, l2=l2)(v)
    grad = tape.gradient(penalty, v)  # None when l1 = l2 = 0: the penalty is a constant 0
    return np.zeros_like(v.numpy()) if grad is None else grad.numpy()


_ws = [np.array([[1.0, -2.0], [0.5, 0.0]], dtype="float32"), np.array([3.0, -1.0], dtype="float32")]
_got = l1_l2_gradient(_ws, l1=0.01, l2=0.1)
assert isinstance(_got, list) and len(_got) == 2, f"expected a list with one gradient per array (2), got {type(_got).__name__}"
for _w, _g in zip(_ws, _got):
    _expected = _keras_penalty_grad(_w, 0.01, 0.1)
    assert np.shape(_g) == _w.shape, f"shape: expected {_w.shape}, got {np.shape(_g)}"
    assert np.allclose(_g, _expected, rtol=1e-5, atol=1e-8), (
        f"weights {_w.tolist()}, l1=0.01, l2=0.1: expected {np.round(_expected, 6).tolist()}, got {np.round(np.asarray(_g, dtype=float), 6).tolist()} "
        "(hint: differentiate λ2·θ² carefully, and look at the entry that is 0)"
    )
print("Task 1: visible tests passed.")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(11)
for _l1, _l2 in [(0.0, 1e-3), (1e-3, 0.0), (3e-4, 2e-2), (0.0, 0.0)]:
    _ws = [_rng.normal(size=_s).astype("float32") for _s in [(64, 32), (32,), (3, 3, 4, 8)]]
    _ws[1][:5] = 0.0
    for _w, _g in zip(_ws, l1_l2_gradient(_ws, l1=_l1, l2=_l2)):
        assert np.allclose(_g, _keras_penalty_grad(_w, _l1, _l2), rtol=1e-5, atol=1e-9), f"hidden: l1={_l1}, l2={_l2}"
assert l1_l2_gradient([], 0.1, 0.1) == [], "hidden: empty list → []"
assert l1_l2_gradient([np.ones(3, dtype="float64")], 0.1, 0.1)[0].dtype == np.float64, "hidden: float64 kept"
assert l1_l2_gradient((np.ones((2, 2), dtype="float32"),), 0.1, 0.1)[0].dtype == np.float32, "hidden: tuple, float32 kept"
assert np.allclose(l1_l2_gradient([np.array([0.0, 0.0])], l1=5.0)[0], 0.0), "hidden: L1 gradient at 0 is 0"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 (2 points): dropout with a shared mask (`noise_shape`)
#
# `keras.layers.Dropout(rate, noise_shape=...)` draws a mask of shape `noise_shape` and broadcasts it over the input.
# For a batch of sequences of shape `(batch, time, features)`, `noise_shape=(None, 1, features)` drops the **same**
# features at every time step of a sequence (a different choice for each sequence): `None` stands for the input's
# size on that axis, a 1 shares the mask along that axis.
#
# Write `dropout_noise_shape(x, rate, noise_shape, rng)`, inverted dropout in training mode:
#
# * `x`: a NumPy float array of any shape; `rate` ($p$): a float with `0 <= rate < 1`; `rng`: a `np.random.Generator`;
# * `noise_shape`: `None` (an independent mask entry for every entry of `x`) or a tuple with one entry per axis of `x`,
#   each either `None` (replace it with `x.shape[axis]`), `1`, or `x.shape[axis]`;
# * resolve the mask's shape, then draw the mask with **exactly one call** `keep = rng.random(mask_shape) >= rate`
#   (the tests reproduce your mask from the same seed, so draw nothing else from `rng`);
# * return an array of the shape and dtype of `x`: `x / (1 - rate)` where the broadcast `keep` is true, `0` elsewhere;
# * raise `ValueError` if `rate` is outside `[0, 1)` (before drawing anything).
#
# <details><summary>Hint</summary>
#
# `tuple(x.shape[i] if d is None else d for i, d in enumerate(noise_shape))` resolves the shape; NumPy broadcasting
# in `np.where(keep, ..., 0.0)` does the sharing.
# </details>

# %% nbgrader={"grade_id": "task2_solution", "solution": true}
def dropout_noise_shape(x, rate, noise_shape, rng):
    ### BEGIN SOLUTION
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"rate must be in [0, 1), got {rate}")
    x = np.asarray(x)
    if noise_shape is None:
        mask_shape = x.shape
    else:
        mask_shape = tuple(x.shape[axis] if d is None else int(d) for axis, d in enumerate(noise_shape))
    keep = rng.random(mask_shape) >= rate
    return np.where(keep, x / (1.0 - rate), 0.0).astype(x.dtype)
    ### END SOLUTION


# %% nbgrader={"grade_id": "task2_tests", "grade": true, "points": 2}
def _reference_dropout(x, rate, mask_shape, seed):
    keep = np.random.default_rng(seed).random(mask_shape) >= rate
    return np.where(keep, x / (1 - rate), 0.0).astype(x.dtype)


_x = np.random.default_rng(1).uniform(0.5, 1.5, size=(3, 4, 5)).astype("float32")
_got = dropout_noise_shape(_x, 0.5, (None, 1, None), np.random.default_rng(0))
_expected = _reference_dropout(_x, 0.5, (3, 1, 5), 0)
assert np.shape(_got) == _x.shape and _got.dtype == np.float32, (
    f"shape and dtype: expected {_x.shape} float32, got {np.shape(_got)} {getattr(_got, 'dtype', None)}"
)
_zeros = np.asarray(_got) == 0
assert np.all(_zeros == _zeros[:, :1, :]), (
    "noise_shape=(None, 1, None): expected the same features dropped at every time step of a sequence, "
    "got a zero pattern that changes along axis 1 (hint: draw the mask with the 1 in its shape and broadcast it)"
)
assert np.allclose(_got, _expected), (
    f"noise_shape=(None, 1, None), rate 0.5, seed 0: expected\n{_expected[0]}\n(first sequence), got\n{np.asarray(_got)[0]}\n"
    "(hint: resolve None to the input's size on that axis, then one call rng.random(mask_shape) >= rate)"
)
print("Task 2: visible tests passed.")
### BEGIN HIDDEN TESTS
_x = np.random.default_rng(5).uniform(0.5, 1.5, size=(64, 10, 50))
for _rate, _ns, _resolved in [(0.1, (None, 1, None), (64, 1, 50)), (0.3, (1, None, 50), (1, 10, 50)),
                              (0.8, (None, 10, 1), (64, 10, 1)), (0.4, None, (64, 10, 50))]:
    _got = dropout_noise_shape(_x, _rate, _ns, np.random.default_rng(7))
    assert np.allclose(_got, _reference_dropout(_x, _rate, _resolved, 7)), f"hidden: noise_shape {_ns}, rate {_rate}"
# the same sharing as Keras: with (None, 1, D), Keras's zeros are constant along time too
_k = keras.layers.Dropout(0.3, noise_shape=(None, 1, 50), seed=1)(_x.astype("float32"), training=True).numpy()
_kz, _oz = _k == 0, dropout_noise_shape(_x, 0.3, (None, 1, 50), np.random.default_rng(2)) == 0
assert np.all(_kz == _kz[:, :1]) and np.all(_oz == _oz[:, :1]), "hidden: mask shared along time, like Keras"
assert abs(_oz.mean() - _kz.mean()) < 0.05, "hidden: same dropped fraction as Keras"
assert np.allclose(dropout_noise_shape(_x[:2], 0.0, (None, 1, None), np.random.default_rng(1)), _x[:2]), "hidden: rate 0"
assert dropout_noise_shape(_x.astype("float32")[:2], 0.2, (None, 1, None), np.random.default_rng(1)).dtype == np.float32, "hidden: dtype"
for _bad in (-0.1, 1.0):
    try:
        dropout_noise_shape(_x[:2], _bad, None, np.random.default_rng(0))
        raise AssertionError(f"hidden: rate={_bad} must raise ValueError")
    except ValueError:
        pass
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 (3 points): the backward pass of batch normalization
#
# Chapter 5 computes batch normalization's forward pass in training mode, per feature:
# $\hat x = (x-\mu_B)/\sqrt{\sigma_B^2+\epsilon}$ and $y = \gamma\,\hat x + \beta$, with the batch mean $\mu_B$ and the
# **biased** batch variance $\sigma_B^2$. Both statistics depend on every $x_i$ of the batch, so the gradient with
# respect to one input flows through them as well.
#
# Write `batchnorm_backward(dy, x, gamma, eps=1e-3)`:
#
# * `x`: float array of shape `(B, D)`, $B \ge 2$; `dy` $= \partial J/\partial y$, same shape; `gamma`: shape `(D,)`;
# * returns a tuple `(dx, dgamma, dbeta)` of NumPy arrays with shapes `(B, D)`, `(D,)`, `(D,)`: the gradients of $J$
#   with respect to `x`, $\gamma$ and $\beta$.
#
# The tests compare with `tf.GradientTape` through `keras.layers.BatchNormalization(epsilon=eps)` called with
# `training=True` (absolute tolerance 1e-4 on `dx` scaled by its largest entry, 1e-4 relative on `dgamma`, `dbeta`).
#
# <details><summary>Hint</summary>
#
# `dbeta` and `dgamma` sum over the batch axis. For `dx`, differentiate $\hat x_i$ with respect to every $x_j$:
# besides $1/\sqrt{\sigma_B^2+\epsilon}$ on the diagonal there is a term through $\mu_B$ (each $x_j$ moves the mean by
# $1/B$) and one through $\sigma_B^2$. Collected, $\partial J/\partial x = \frac{\gamma}{B\sqrt{\sigma_B^2+\epsilon}}
# \big(B\,dy - \sum_i dy_i - \hat x \sum_i dy_i\,\hat x_i\big)$. Check a 2-example batch by hand if in doubt.
# </details>

# %% nbgrader={"grade_id": "task3_solution", "solution": true}
def batchnorm_backward(dy, x, gamma, eps=1e-3):
    ### BEGIN SOLUTION
    x, dy, gamma = (np.asarray(a, dtype=np.float64) for a in (x, dy, gamma))
    B = x.shape[0]
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    x_hat = (x - x.mean(axis=0)) * inv_std
    dbeta = dy.sum(axis=0)
    dgamma = (dy * x_hat).sum(axis=0)
    dx = gamma * inv_std / B * (B * dy - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta
    ### END SOLUTION


# %% nbgrader={"grade_id": "task3_tests", "grade": true, "points": 3}
def _keras_bn_grads(dy, x, gamma, eps):
    layer = keras.layers.BatchNormalization(epsilon=eps)
    layer.build(x.shape)
    layer.gamma.assign(np.asarray(gamma, dtype="float32"))
    xv = tf.Variable(np.asarray(x, dtype="float32"))
    with tf.GradientTape() as tape:
        J = tf.reduce_sum(layer(xv, training=True) * np.asarray(dy, dtype="float32"))
    dx, dgamma, dbeta = tape.gradient(J, [xv, layer.gamma, layer.beta])
    return dx.numpy(), dgamma.numpy(), dbeta.numpy()


def _check_bn(dy, x, gamma, eps, label):
    got = batchnorm_backward(dy, x, gamma, eps)
    assert isinstance(got, tuple) and len(got) == 3, f"{label}: return a tuple (dx, dgamma, dbeta), got {type(got).__name__}"
    for name, g, e in zip(["dx", "dgamma", "dbeta"], got, _keras_bn_grads(dy, x, gamma, eps)):
        assert np.shape(g) == e.shape, f"{label}: {name} shape: expected {e.shape}, got {np.shape(g)}"
        tol = 1e-4 * max(1.0, float(np.abs(e).max())) if name == "dx" else 1e-4 * float(np.abs(e).max()) + 1e-6
        assert np.allclose(g, e, rtol=0, atol=tol), (
            f"{label}: {name}: expected\n{np.round(e, 5)}\ngot\n{np.round(np.asarray(g), 5)}\n"
            + ("(hint: the mean and the variance depend on x too)" if name == "dx" else "(hint: sum over the batch axis)")
        )


_x = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 60.0], [6.0, 30.0]])
_dy = np.array([[0.5, -1.0], [1.0, 0.0], [-2.0, 0.5], [0.3, 2.0]])
_check_bn(_dy, _x, np.array([1.0, 2.0]), 1e-3, "4×2 batch")
print("Task 3: visible tests passed.")
### BEGIN HIDDEN TESTS
_rng = np.random.default_rng(3)
for _B, _D, _eps in [(2, 3, 1e-3), (32, 5, 1e-5), (7, 1, 0.1), (64, 16, 1e-3)]:
    _x = _rng.normal(loc=_rng.uniform(-5, 5, _D), scale=_rng.uniform(0.1, 3, _D), size=(_B, _D))
    _check_bn(_rng.normal(size=(_B, _D)), _x, _rng.uniform(0.5, 2.0, _D), _eps, f"hidden: B={_B}, D={_D}, eps={_eps}")
_x = _rng.normal(size=(16, 4))
_dx = batchnorm_backward(np.ones((16, 4)), _x, np.ones(4))[0]
assert np.allclose(_dx, 0.0, atol=1e-9), "hidden: a constant upstream gradient cannot change a normalised output: dx = 0"
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

# %% [markdown]
# ## Task 5 (2 points): how strong an L2 penalty?
#
# The cell below takes scikit-learn's diabetes data (442 patients, a disease-progression score to predict), expands
# its 10 features into all 285 products of up to three of them, standardises them, and keeps only **80** training
# patients: more features than examples, so an unregularized linear model fits the training set exactly.
# `fit_ridge(l2)` returns the weights $w$ that minimise the mean squared error on the 80 training patients plus
# $\lambda_2 \sum_j w_j^2$ (an L2 penalty on the weights, as in §5.1; no penalty on the intercept), in closed form;
# `mse(w, X, y)` measures a fit.
#
# Set `task5_l2` (a Python `float` > 0) using the training and validation patients only (150 validation patients).
#
# The test measures the consequence on the 212 **test** patients: the test MSE of `fit_ridge(task5_l2)` must be at most
# **1.1 times** the lowest test MSE of any $\lambda_2$ on the grid `np.logspace(-4, 3, 71)`.
#
# <details><summary>Hint</summary>
#
# The training error only falls as $\lambda_2$ shrinks, so it cannot choose. Scan a wide, logarithmic range
# (the penalty's useful values span orders of magnitude) on the validation set.
# </details>

# %%
X5, y5 = load_diabetes(return_X_y=True)
X5 = PolynomialFeatures(3, include_bias=False).fit_transform(X5)
X_train5, X_rest5, y_train5, y_rest5 = train_test_split(X5, y5, train_size=80, random_state=5)
X_val5, X_test5, y_val5, y_test5 = train_test_split(X_rest5, y_rest5, train_size=150, random_state=5)
_scaler5 = StandardScaler().fit(X_train5)  # training statistics only
X_train5, X_val5, X_test5 = (_scaler5.transform(a) for a in (X_train5, X_val5, X_test5))
_intercept5 = float(y_train5.mean())


def fit_ridge(l2):
    """argmin_w mean((X_train5 w + intercept - y_train5)²) + l2 Σ w² (closed form)."""
    n, p = X_train5.shape
    return np.linalg.solve(X_train5.T @ X_train5 / n + l2 * np.eye(p), X_train5.T @ (y_train5 - _intercept5) / n)


def mse(w, X, y):
    return float(np.mean((X @ w + _intercept5 - y) ** 2))


print(f"{X_train5.shape[0]} training patients, {X_train5.shape[1]} features; "
      f"training MSE with l2 = 1e-4: {mse(fit_ridge(1e-4), X_train5, y_train5):.1f}, "
      f"validation MSE: {mse(fit_ridge(1e-4), X_val5, y_val5):.0f}")

# %% nbgrader={"grade_id": "task5_solution", "solution": true}
### BEGIN SOLUTION
_grid5 = np.logspace(-4, 3, 141)
_val5 = [mse(fit_ridge(l2), X_val5, y_val5) for l2 in _grid5]
task5_l2 = float(_grid5[int(np.argmin(_val5))])
print(f"l2 = {task5_l2:.3g}: validation MSE {min(_val5):.0f}")
### END SOLUTION

# %% nbgrader={"grade_id": "task5_tests", "grade": true, "points": 2}
assert isinstance(task5_l2, (float, np.floating)) and task5_l2 > 0, f"task5_l2: expected a float > 0, got {task5_l2!r}"
_best5 = min(mse(fit_ridge(l2), X_test5, y_test5) for l2 in np.logspace(-4, 3, 71))
_got5 = mse(fit_ridge(float(task5_l2)), X_test5, y_test5)
assert _got5 <= 1.1 * _best5, (
    f"l2 = {float(task5_l2):.3g}: test MSE {_got5:.0f}, expected at most 1.1 × {_best5:.0f} = {1.1 * _best5:.0f} "
    "(hint: choose on the validation set, over several orders of magnitude)"
)
print(f"Task 5: visible tests passed (test MSE {_got5:.0f}; best on the grid {_best5:.0f}).")
