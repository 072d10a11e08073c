# %% [markdown]
# # Exercise 7: transfer learning
#
# You will reuse the course's two small pretrained models from [Chapter 7](../chapters/07_transfer.md): the CNN
# pretrained on the 8×8 digits 0–4 (`digits04_base.keras`, task 1) and the 1-D CNN pretrained on MNIST-1D
# classes 0–4 (`mnist1d04_base.keras`, tasks 2, 4 and 5). Everything is checked automatically (14 points):
#
# | Task | What you build or decide | Points | Time (about) |
# |---|---|---|---|
# | 1 | `freeze_base(model, n_trainable)`: freeze all but the top layers | 3 | 15 min |
# | 2 | `build_cut_model(base, cut, n_classes)`: a frozen base cut at any depth + a new head | 3 | 20 min |
# | 3 | `finetune_lr(step, ...)`: the learning-rate schedule of head training then fine-tuning | 2 | 10 min |
# | 4 | *decide* how to reach ≥ 0.75 test accuracy from **2** labels per class (transfer or not, and how) | 3 | 30 min |
# | 5 | *decide* at which depth a frozen, shared base should be read, on validation: ≥ 0.945 test accuracy | 3 | 25 min |
#
# Tasks 4 and 5 are decisions: any method is allowed, and the tests grade what your choice achieves on the
# held-out test signals, against thresholds stated in each task.
#
# The times are estimates for a learner who has read the chapter (writing, running the visible tests, one fix).
# Each task has visible tests below your code: run them, read their messages, fix, repeat.
# When grading, more (hidden) tests of the same rules run.

# %%
# Setup: runs unchanged locally, in Colab and on a GPU. Installs only in Colab, and never TensorFlow/Keras there.
# course-asset: assets/digits04_base.keras
# course-asset: assets/mnist1d04_base.keras
import os
import sys
import time

COLAB_PACKAGES = ["mnist1d==0.0.2.post1"]  # pinned extras Colab does not ship
if "google.colab" in sys.modules:
    import subprocess

    subprocess.run([sys.executable, "-m", "pip", "install", "-q", *COLAB_PACKAGES], check=True)

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
tf.get_logger().setLevel("ERROR")  # fresh models each trace their own training step: TF's "retracing" notice is expected
print(f"TensorFlow {tf.__version__} | Keras {keras.__version__} | NumPy {np.__version__}")

# %%
# The pretrained model: this folder (where the grader puts it), then ../assets/ (the repository), then,
# only in Colab, a download from the repository.
import tempfile
import urllib.request
from pathlib import Path


BASE_FILE = "digits04_base.keras"
ASSETS_URL = "https://raw.githubusercontent.com/loss-to-launch/loss-to-launch/main/assets/"


def find_pretrained(name=BASE_FILE):
    url = ASSETS_URL + name
    for candidate in (Path(name), Path("..") / "assets" / name):
        if candidate.is_file():
            return candidate
    if "google.colab" in sys.modules:
        target = Path(tempfile.mkdtemp()) / name
        try:
            urllib.request.urlretrieve(url, target)
        except OSError as exc:
            raise RuntimeError(f"Could not download the course's pretrained model from {url} ({exc}). "
                               f"Download it in a browser and upload it beside this notebook.") from exc
        return target
    raise FileNotFoundError(f"{name} is neither in this folder nor in ../assets/. Run the notebook from the "
                            f"repository's exercises/ folder, or put the file from {url} beside it.")


BASE_PATH = find_pretrained()


def pretrained():
    """A fresh copy of the pretrained model: layers block1_conv, block1_bn, ..., features (Flatten, 512), source_head."""
    return keras.saving.load_model(BASE_PATH)


print(f"pretrained digits model: {BASE_PATH}")

# Task 4's target task: MNIST-1D classes 5-9 (relabelled 0-4), generated here as in chapter 7 (no download);
# 1,000 test signals and 2 labelled training signals per class.
from mnist1d.data import get_dataset_args, get_templates, make_dataset

SIGNAL_BASE_PATH = find_pretrained("mnist1d04_base.keras")


def pretrained_signal_base():
    """A fresh copy of the MNIST-1D base: block1_conv, block1_bn, ..., block3_bn, features (64), source_head."""
    return keras.saving.load_model(SIGNAL_BASE_PATH)


_args = get_dataset_args()
_args.num_samples, _args.seed, _args.train_split = 3000, 1, 1.0
_templates = get_templates()
_data = make_dataset(_args, template={"x": _templates["x"][5:], "t": _templates["t"], "y": _templates["y"][5:]})
_signals, _labels = _data["x"].astype("float32")[..., None], (_data["y"] - 5).astype("int64")
s_test, t_test = _signals[:1000], _labels[:1000]
_rng = np.random.default_rng(0)
_few = np.concatenate([_rng.choice(np.flatnonzero(_labels[1500:] == c), size=2, replace=False) for c in range(5)])
s_few, t_few = _signals[1500:][_few], _labels[1500:][_few]
print(f"task 4: {len(t_few)} labelled signals, {len(t_test)} test signals")

# Task 5: 50 labelled signals per class from the same pool, and 500 validation signals for your choice
s_val, t_val = _signals[1000:1500], _labels[1000:1500]
_rng = np.random.default_rng(0)
_fifty = np.concatenate([_rng.choice(np.flatnonzero(_labels[1500:] == c), size=50, replace=False) for c in range(5)])
s_50, t_50 = _signals[1500:][_fifty], _labels[1500:][_fifty]
CUTS = ("block1_pool", "block2_pool", "features")  # the depths task 5 chooses from
print(f"task 5: {len(t_50)} labelled signals, {len(t_val)} validation signals")

# %% [markdown]
# ## Task 1 (3 points): freeze all but the top layers
#
# Write `freeze_base(model, n_trainable)` for a Keras model such as `pretrained()`:
#
# * the **weighted layers** are the entries of `model.layers` that have weights and are **not**
#   `keras.layers.BatchNormalization`; in the pretrained model they are `block1_conv`, `block2_conv`, `source_head`;
# * the last `n_trainable` weighted layers get `trainable = True`; every other layer, **every BatchNormalization layer
#   included**, gets `trainable = False` (in Keras 3 a frozen BatchNormalization runs in inference mode, which is what
#   fine-tuning needs);
# * `n_trainable = 0` freezes everything; an `n_trainable` larger than the number of weighted layers makes them all trainable;
# * modify the model in place and return it. The tests check every layer's flag and the trainable parameter counts
#   (for the pretrained model: 0, 2,565, 7,173 and 7,317 for `n_trainable` = 0, 1, 2, 3), also on other models.
#
# <details><summary>Hint</summary>
#
# Set `model.trainable = True` first (a frozen model freezes all its layers whatever their own flags say), then
# `layer.trainable = False` for all layers, then `True` for the last `n_trainable` of
# `[l for l in model.layers if l.weights and not isinstance(l, keras.layers.BatchNormalization)]`.
# Beware: `some_list[-0:]` is the whole list.
# </details>

# %% nbgrader={"grade_id": "task1_solution", "solution": true}
def freeze_base(model, n_trainable):
    ### BEGIN SOLUTION
    model.trainable = True
    weighted = [l for l in model.layers if l.weights and not isinstance(l, keras.layers.BatchNormalization)]
    for layer in model.layers:
        layer.trainable = False
    for layer in weighted[len(weighted) - min(n_trainable, len(weighted)):]:
        layer.trainable = True
    return model
    ### END SOLUTION


# %% nbgrader={"grade_id": "task1_tests", "grade": true, "points": 3}
def _n_trainable_params(m):
    return int(sum(np.prod(v.shape) for v in m.trainable_weights))


_m = freeze_base(pretrained(), 1)
assert _m is not None, "return the model"
_flags = {l.name: l.trainable for l in _m.layers if l.weights}
_want = {"block1_conv": False, "block1_bn": False, "block2_conv": False, "block2_bn": False, "source_head": True}
assert _flags == _want, f"n_trainable=1: expected trainable flags {_want}, got {_flags}"
assert _n_trainable_params(_m) == 2565, f"n_trainable=1: expected 2565 trainable parameters, got {_n_trainable_params(_m)}"
_m = freeze_base(pretrained(), 2)
assert _n_trainable_params(_m) == 7173, f"n_trainable=2: expected 7173 (block2_conv + head), got {_n_trainable_params(_m)}"
assert not _m.get_layer("block2_bn").trainable, "BatchNormalization layers stay frozen"
print("Task 1: visible tests passed.")
### BEGIN HIDDEN TESTS
assert _n_trainable_params(freeze_base(pretrained(), 0)) == 0, "hidden: n_trainable=0 freezes everything"
_m = freeze_base(pretrained(), 3)
assert _n_trainable_params(_m) == 7317, "hidden: n_trainable=3"
assert _n_trainable_params(freeze_base(_m, 10)) == 7317, "hidden: n_trainable larger than the number of weighted layers"
_m = pretrained()
_m.trainable = False
assert _n_trainable_params(freeze_base(_m, 1)) == 2565, "hidden: works on a model that was frozen as a whole"
assert _n_trainable_params(freeze_base(_m, 0)) == 0, "hidden: re-freezing a model"
_seq = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.BatchNormalization(),
                         keras.layers.Dropout(0.1), keras.layers.Dense(2)])
freeze_base(_seq, 1)
assert [l.trainable for l in _seq.layers] == [False, False, False, True], "hidden: a Sequential model with BN and Dropout"
freeze_base(_seq, 2)
assert [l.trainable for l in _seq.layers] == [True, False, False, True], "hidden: BN never trainable"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 (3 points): cut the base at another depth
#
# Chapter 7 always reads the base's features at the layer called `features`, the top of the network. That is a
# choice, not a law: lower layers hold more generic features (Yosinski et al., 2014), and task 5 asks you to make
# the choice. Here you build the tool. Write `build_cut_model(base, cut, n_classes)` for the MNIST-1D base, a
# model such as `pretrained_signal_base()` (its layers: `block1_conv`, `block1_bn`, `block1_relu`, `block1_pool`,
# `block2_conv`, ..., `block3_relu`, `features`, `source_head`):
#
# * use the base's layers from its input **up to and including** the layer named `cut`, and none above it;
# * if that layer's output has a position axis, `(None, L, C)`, add `keras.layers.GlobalMaxPooling1D(name="pool")`:
#   the largest response of each of the `C` channels, wherever it occurs (what the base's own `features` layer does
#   to `block3_relu`); if it is already flat, `(None, C)` (for `cut="features"`), add no pooling;
# * every layer taken from the base is frozen, BatchNormalization included (chapter 7, Common mistake 1);
# * on top, one new `keras.layers.Dense(n_classes, name="head")` without activation (logits);
# * returns a `keras.Model` from `(N, 40, 1)` signals to `(N, n_classes)` logits.
#
# The tests check, for several cuts: the output shape; that the only trainable parameters are the head's
# ($C \times$ `n_classes` $+$ `n_classes`, e.g. 325 for `cut="block2_pool"` with 5 classes); that the frozen part
# holds exactly the base's parameters up to `cut` (10,784 for `"block2_pool"`, BatchNormalization statistics
# included); that the output equals the cut layer's activations, maxed over positions, times the head's kernel plus
# its bias; and that calling the model with `training=True` (what `fit` does) gives the same output as
# `training=False`, which fails when a BatchNormalization layer is left trainable.
#
# <details><summary>Hint</summary>
#
# `base.get_layer(cut).output` is a symbolic tensor of the base's graph: `keras.Model(base.input, ...)` of it is the
# truncated base. `len(tensor.shape)` tells you whether to pool. Freeze the truncated model as a whole.
# </details>

# %% nbgrader={"grade_id": "task2_solution", "solution": true}
def build_cut_model(base, cut, n_classes):
    ### BEGIN SOLUTION
    truncated = keras.Model(base.input, base.get_layer(cut).output, name=f"base_to_{cut}")
    truncated.trainable = False
    signals = keras.Input((40, 1))
    h = truncated(signals, training=False)
    if len(h.shape) == 3:  # (None, positions, channels): keep each channel's largest response
        h = keras.layers.GlobalMaxPooling1D(name="pool")(h)
    return keras.Model(signals, keras.layers.Dense(n_classes, name="head")(h))
    ### END SOLUTION


# %% nbgrader={"grade_id": "task2_tests", "grade": true, "points": 3}
def _frozen_params(m):
    return int(sum(np.prod(v.shape) for v in m.non_trainable_weights))


def _cut_reference(cut, x):
    """The cut layer's activations of a fresh base, maxed over positions when they have a position axis."""
    b = pretrained_signal_base()
    a = np.asarray(keras.Model(b.input, b.get_layer(cut).output)(x, training=False))
    return a.max(axis=1) if a.ndim == 3 else a


_m = build_cut_model(pretrained_signal_base(), "block2_pool", 5)
assert isinstance(_m, keras.Model), f"return a keras.Model, got {type(_m).__name__}"
_out = np.asarray(_m(s_test[:8], training=False))
assert _out.shape == (8, 5), f"cut='block2_pool': output shape for 8 signals: expected (8, 5), got {_out.shape}"
_tr = _n_trainable_params(_m)
assert _tr == 64 * 5 + 5, (f"cut='block2_pool': trainable parameters: expected only the head's 325 (64 channels x 5 + 5), "
                           f"got {_tr} (hint: pool over positions, and freeze every layer taken from the base)")
_fz = _frozen_params(_m)
assert _fz == 10784, (f"cut='block2_pool': frozen parameters: expected 10784 (block1 and block2, BatchNormalization "
                      f"statistics included), got {_fz} (hint: the layers up to and including `cut`, none above)")
assert np.allclose(np.asarray(_m(s_test[:8], training=True)), _out, atol=1e-5), \
    "cut='block2_pool': training=True changed the output: a BatchNormalization layer is still trainable"
print("Task 2: visible tests passed.")
### BEGIN HIDDEN TESTS
_head = _m.get_layer("head")
assert isinstance(_head, keras.layers.Dense) and _head.get_config()["activation"] == "linear", "hidden: Dense head, logits"
_expect = _cut_reference("block2_pool", s_test[:16]) @ np.asarray(_head.kernel) + np.asarray(_head.bias)
assert np.allclose(np.asarray(_m(s_test[:16], training=False)), _expect, atol=1e-4), "hidden: output = head(max-pooled cut)"
for _cut, _c, _frozen in (("block1_pool", 32, 288), ("block2_bn", 64, 10784), ("block3_relu", 64, 23328),
                          ("features", 64, 23328)):
    _m3 = build_cut_model(pretrained_signal_base(), _cut, 3)
    _o3 = np.asarray(_m3(s_test[:32], training=False))
    assert _o3.shape == (32, 3), f"hidden: cut={_cut!r}, n_classes=3: output shape"
    assert _n_trainable_params(_m3) == _c * 3 + 3, f"hidden: cut={_cut!r}: trainable parameters"
    assert _frozen_params(_m3) == _frozen, f"hidden: cut={_cut!r}: frozen parameters"
    _h3 = _m3.get_layer("head")
    assert np.allclose(_o3, _cut_reference(_cut, s_test[:32]) @ np.asarray(_h3.kernel) + np.asarray(_h3.bias),
                       atol=1e-4), f"hidden: cut={_cut!r}: output = head(max-pooled cut)"
    assert np.allclose(np.asarray(_m3(s_test[:32], training=True)), _o3, atol=1e-5), f"hidden: cut={_cut!r}: inference mode"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 (2 points): a fine-tuning learning-rate schedule
#
# Chapter 7 trains the head first, then fine-tunes at a lower rate. Write `finetune_lr(step, head_steps, head_lr,
# fine_lr, warmup_steps)` that returns the learning rate (a Python `float`) at integer `step` $t \ge 0$:
#
# * $t <$ `head_steps` (head training): `head_lr`;
# * `head_steps` $\le t <$ `head_steps + warmup_steps` (warm-up after unfreezing): rising linearly,
#   `fine_lr * (t - head_steps + 1) / warmup_steps`, so the first fine-tuning step uses `fine_lr / warmup_steps`
#   and the last warm-up step exactly `fine_lr`;
# * from `head_steps + warmup_steps` on: `fine_lr`;
# * `warmup_steps = 0` means no warm-up (`fine_lr` from `head_steps` on); `head_steps = 0` means no head phase.
#
# <details><summary>Hint</summary>
#
# Three `if` branches in this order: head phase, warm-up phase (only reachable when `warmup_steps > 0`), the rest.
# Return `float(...)`.
# </details>

# %% nbgrader={"grade_id": "task3_solution", "solution": true}
def finetune_lr(step, head_steps, head_lr, fine_lr, warmup_steps):
    ### BEGIN SOLUTION
    if step < head_steps:
        return float(head_lr)
    if step < head_steps + warmup_steps:
        return float(fine_lr * (step - head_steps + 1) / warmup_steps)
    return float(fine_lr)
    ### END SOLUTION


# %% nbgrader={"grade_id": "task3_tests", "grade": true, "points": 2}
_got = [finetune_lr(t, 3, 1e-2, 1e-3, 4) for t in range(9)]
_want = [1e-2, 1e-2, 1e-2, 2.5e-4, 5e-4, 7.5e-4, 1e-3, 1e-3, 1e-3]
assert np.allclose(_got, _want), f"head_steps=3, warmup_steps=4: expected {_want}, got {_got}"
assert isinstance(finetune_lr(0, 3, 1e-2, 1e-3, 4), float), "return a Python float"
print("Task 3: visible tests passed.")
### BEGIN HIDDEN TESTS
assert np.isclose(finetune_lr(5, 5, 0.1, 0.01, 0), 0.01), "hidden: warmup_steps=0"
assert np.isclose(finetune_lr(0, 0, 0.1, 0.01, 2), 0.005), "hidden: head_steps=0 starts in warm-up"
assert np.isclose(finetune_lr(10_000, 100, 0.1, 3e-4, 50), 3e-4), "hidden: long after warm-up"
assert np.isclose(finetune_lr(99, 100, 0.1, 3e-4, 50), 0.1), "hidden: last head step"
assert np.isclose(finetune_lr(149, 100, 0.1, 3e-4, 50), 3e-4), "hidden: last warm-up step reaches fine_lr"
assert isinstance(finetune_lr(200, 100, 1, 1, 50), float), "hidden: float for integer rates"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 (3 points): two labels per class: transfer or not, and how?
#
# Write `train_few_shot(base, x, y)` that trains and returns a Keras model mapping `(N, 40, 1)` signals to
# `(N, 5)` logits, using only the 10 labelled MNIST-1D signals `s_few`, `t_few` (2 per class of the classes 5–9,
# labels 0–4) and `base`, a fresh `pretrained_signal_base()`. Any method is allowed; the cell below your function
# runs it once and prints how long it took (the time is not graded).
#
# * Target: **test accuracy ≥ 0.75** on `s_test`, `t_test` (1,000 signals; the test computes it with
#   `model(s_test, training=False)` and `argmax`). The same architecture trained from scratch on these 10 signals
#   (Adam, its better rate of 3e-3 and 1e-2, 200 steps) stays below the target: you need the pretrained base.
# * Seed what you train (`keras.utils.set_random_seed(0)`), so the result repeats; `verbose=0`; keep it to a few
#   hundred steps.
# * This task must not use your functions from tasks 1–3 (each task is graded on its own); copy code if you want it.
#
# <details><summary>Hint</summary>
#
# Chapter 7's figure: with 2 labels per class, feature extraction alone is close to the target and fine-tuning is
# above it. Train a `Dense(5)` head on the frozen base first, then unfreeze the convolutions (not the
# BatchNormalization layers), recompile at a rate about 10× lower and train on.
# </details>

# %% nbgrader={"grade_id": "task4_solution", "solution": true}
def train_few_shot(base, x, y):
    ### BEGIN SOLUTION
    keras.utils.set_random_seed(0)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    extractor = keras.Model(base.input, base.get_layer("features").output)
    inputs = keras.Input((40, 1))
    model = keras.Model(inputs, keras.layers.Dense(5)(extractor(inputs, training=False)))
    extractor.trainable = False  # 1. the head alone
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss=loss)
    model.fit(x, y, batch_size=len(x), epochs=100, verbose=0)
    extractor.trainable = True  # 2. fine-tune the convolutions, BatchNormalization stays frozen
    for layer in extractor.layers:
        layer.trainable = not isinstance(layer, keras.layers.BatchNormalization)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=loss)
    model.fit(x, y, batch_size=len(x), epochs=100, verbose=0)
    return model
    ### END SOLUTION


_start = time.perf_counter()
few_shot_model = train_few_shot(pretrained_signal_base(), s_few, t_few)
few_shot_seconds = time.perf_counter() - _start
print(f"trained in {few_shot_seconds:.1f} s")

# %% nbgrader={"grade_id": "task4_tests", "grade": true, "points": 3}
_logits = np.asarray(few_shot_model(s_test, training=False))
assert _logits.shape == (len(s_test), 5), f"output shape: expected ({len(s_test)}, 5), got {_logits.shape}"
_acc = float(np.mean(_logits.argmax(axis=1) == t_test))
assert _acc >= 0.75, (f"test accuracy: expected ≥ 0.75, got {_acc:.3f} (hint: start from the pretrained base, "
                      "train the head first, then fine-tune the convolutions at a lower rate)")
print(f"Task 4: visible tests passed (test accuracy {_acc:.3f}).")
### BEGIN HIDDEN TESTS
assert np.all(np.isfinite(_logits)), "hidden: finite logits"
assert len(np.unique(_logits.argmax(axis=1))) == 5, "hidden: the model predicts all five classes"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 5 (3 points): at which depth should a frozen base be read?
#
# A base shared by several tasks stays **frozen** (one forward pass serves all their heads; nobody may change its
# weights), so fine-tuning is off the table and the one decision left is *where* to read its features. With
# `s_50`, `t_50` (50 labelled signals per class of the classes 5–9) and `s_val`, `t_val` (500 validation signals),
# write `probe_frozen(base, x, y, x_val, y_val)`: decide which of the depths in `CUTS` (`"block1_pool"`,
# `"block2_pool"`, `"features"`, read as in task 2: max-pooled over positions where there is a position axis) to
# read, with a linear head on top, and return a Keras model from `(N, 40, 1)` signals to `(N, 5)` logits.
#
# * Decide on the **validation** signals, as chapter 7 does for every choice; `s_test` is for the grade only.
# * The base stays frozen: every weight of the returned model except the head's kernel and bias must be equal to a
#   weight of the pretrained base, unchanged, and `model(x, training=True)` must give the same logits as
#   `training=False` (a frozen BatchNormalization runs in inference mode).
# * Target: **test accuracy ≥ 0.945** on `s_test`, `t_test` (the test uses `model(s_test, training=False)` and
#   `argmax`). Chapter 7's choice, `"features"`, stays below it, and so does every other depth but one.
# * Any way of training the linear head is allowed (Keras `fit`, or scikit-learn's `LogisticRegression` as in
#   chapter 7's feature extraction, its weights then set into a `Dense` layer); train it to convergence, seeded.
#   The cell below your function runs it once. This task must not use your functions from tasks 1–4 (copy code).
#
# <details><summary>Hint</summary>
#
# Chapter 7.4's linear probe answers exactly this question: for each depth, compute the frozen features of `x`
# and `x_val` once, fit a linear classifier on the first, score it on the second, and keep the depth that scores
# best. A `LogisticRegression(max_iter=5000)` fit on 250 × 64 numbers takes a fraction of a second. Then build
# the model as in task 2 and copy the classifier in: `head.set_weights([clf.coef_.T, clf.intercept_])` (float32).
# </details>

# %% nbgrader={"grade_id": "task5_solution", "solution": true}
def probe_frozen(base, x, y, x_val, y_val):
    ### BEGIN SOLUTION
    from sklearn.linear_model import LogisticRegression

    scores = {}
    for cut in CUTS:
        h = base.get_layer(cut).output
        if len(h.shape) == 3:
            h = keras.layers.GlobalMaxPooling1D()(h)
        reader = keras.Model(base.input, h)
        reader.trainable = False
        train_features = np.asarray(reader(x, training=False))
        clf = LogisticRegression(max_iter=5000).fit(train_features, y)
        scores[cut] = (clf.score(np.asarray(reader(x_val, training=False)), y_val), reader, clf)
    best = max(scores, key=lambda cut: scores[cut][0])
    print("validation accuracy per depth:", {cut: round(v[0], 3) for cut, v in scores.items()}, "-> read", best)
    _, reader, clf = scores[best]
    signals = keras.Input((40, 1))
    head = keras.layers.Dense(5, name="head")
    model = keras.Model(signals, head(reader(signals, training=False)))
    head.set_weights([clf.coef_.T.astype("float32"), clf.intercept_.astype("float32")])
    return model
    ### END SOLUTION


probe_model = probe_frozen(pretrained_signal_base(), s_50, t_50, s_val, t_val)

# %% nbgrader={"grade_id": "task5_tests", "grade": true, "points": 3}
_logits = np.asarray(probe_model(s_test, training=False))
assert _logits.shape == (len(s_test), 5), f"output shape: expected ({len(s_test)}, 5), got {_logits.shape}"
_pretrained = [np.asarray(w) for w in pretrained_signal_base().weights]
_changed = [w.path for w in probe_model.weights
            if not any(p.shape == tuple(w.shape) and np.array_equal(p, np.asarray(w)) for p in _pretrained)]
assert len(_changed) <= 2, (f"the base must stay frozen: expected only the head's kernel and bias to differ from the "
                            f"pretrained weights, got {len(_changed)} changed weights: {_changed[:6]}")
_acc = float(np.mean(_logits.argmax(axis=1) == t_test))
assert _acc >= 0.945, (f"test accuracy: expected ≥ 0.945, got {_acc:.3f} (hint: is the depth you read the one that "
                       "scores best on the validation signals? Is the head trained to convergence?)")
print(f"Task 5: visible tests passed (test accuracy {_acc:.3f}).")
### BEGIN HIDDEN TESTS
assert np.all(np.isfinite(_logits)), "hidden: finite logits"
assert np.allclose(np.asarray(probe_model(s_test[:64], training=True)), _logits[:64], atol=1e-4), \
    "hidden: training=True changed the logits: the base is not frozen (BatchNormalization in training mode)"
assert len(np.unique(_logits.argmax(axis=1))) == 5, "hidden: the model predicts all five classes"
### END HIDDEN TESTS
