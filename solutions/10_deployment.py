# %% [markdown]
# # Exercise 10: deployment
#
# You will take a small MNIST-1D classifier from Keras to the pieces a deployed model needs, as in
# [Chapter 10](../chapters/10_deployment.md). Everything is checked automatically (12 points):
#
# | Task | What you build | Points |
# |---|---|---|
# | 1 | `export_and_check(model, export_dir, x)`: a SavedModel with an explicit serving signature, checked after reloading | 2 |
# | 2 | `convert_tflite(saved_model_dir, quantize)`: LiteRT files, float32 and dynamic-range int8 | 3 |
# | 3 | `validate_request(payload, n_features, max_batch)`: what an inference service must reject | 3 |
# | 4 | `psi(expected, actual, bins, eps)`: the population stability index for drift monitoring | 2 |
# | 5 | `latency_summary(seconds)`: p50/p95/p99 from a load test | 2 |
#
# Export and conversion run in your cells; the test cells only load and check what you produced.
# Each task has visible tests below your code: run them, read their messages, fix, repeat.
# When grading, more (hidden) tests of the same rules run.

# %%
# Setup: runs unchanged locally, in Colab and on a GPU. Installs only in Colab, and never TensorFlow/Keras there.
import os
import sys

COLAB_PACKAGES = ["ai-edge-litert==2.3.0", "mnist1d==0.0.2.post1"]  # pinned extras Colab does not ship
if "google.colab" in sys.modules:
    import subprocess

    subprocess.run([sys.executable, "-m", "pip", "install", "-q", *COLAB_PACKAGES], check=True)

import math
import tempfile
from pathlib import Path

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
tf.get_logger().setLevel("ERROR")  # SavedModel export logs "Assets written to ..." through this logger
print(f"TensorFlow {tf.__version__} | Keras {keras.__version__} | NumPy {np.__version__}")

# %%
# A small classifier to deploy: MNIST-1D signals (40 values, 10 classes), generated offline.
from mnist1d.data import get_dataset_args, make_dataset

_data = make_dataset(get_dataset_args())
x_train, y_train = _data["x"].astype("float32"), _data["y"].astype("int64")
x_test, y_test = _data["x_test"].astype("float32"), _data["y_test"].astype("int64")
N_FEATURES = x_train.shape[1]

keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input((N_FEATURES,)), keras.layers.Dense(128, activation="relu"),
                          keras.layers.Dense(128, activation="relu"), keras.layers.Dense(10)], name="mlp")
model.compile(keras.optimizers.Adam(1e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
model.fit(x_train, y_train, epochs=5, batch_size=64, verbose=0)
keras_logits = np.asarray(model(x_test, training=False))
print(f"{model.count_params():,} parameters; held-out accuracy {np.mean(keras_logits.argmax(1) == y_test):.3f}")

# %% [markdown]
# ## Task 1 (2 points): export a SavedModel with an explicit serving signature
#
# Write `export_and_check(model, export_dir, x)`:
#
# * write a SavedModel to `export_dir` with `keras.export.ExportArchive`: track the model and add **one endpoint named
#   `"serve"`** whose function calls the model with `training=False` and whose input signature is
#   `[tf.TensorSpec(shape=(None, n_features), dtype=tf.float32, name="signal")]`, where `n_features` is the model's
#   input width (`model.input_shape[-1]`); the batch dimension is `None`, so any batch size is accepted;
# * reload the folder with `tf.saved_model.load` (plain TensorFlow, no Keras), call the reloaded `serve` on `x`, and
#   **return the largest absolute difference** from `model(x, training=False)`, as a Python `float`.
#
# The tests load your folder themselves and check the signature's name, input name and shape, and its outputs.
# For a faithful export the difference is about 0, so a function that skips the reload and returns `0.0` would look
# right. Your cell therefore also exports `probe_model` (below): its last layer adds 0.25 when it runs eagerly and
# nothing inside a traced graph, so its reloaded SavedModel differs from `probe_model(x, training=False)` by
# exactly 0.25, which is what your function must return for it.
#
# <details><summary>Hint</summary>
#
# `archive = keras.export.ExportArchive()`, `archive.track(model)`,
# `archive.add_endpoint(name="serve", fn=lambda signal: model(signal, training=False), input_signature=[...])`,
# `archive.write_out(str(export_dir), verbose=False)`. After `reloaded = tf.saved_model.load(str(export_dir))`,
# `reloaded.serve(tf.constant(x))` returns the logits.
# </details>

# %%
# The probe for task 1: a model whose SavedModel computes something else than its eager call, by a known 0.25.
class EagerOnlyOffset(keras.layers.Layer):
    """Adds 0.25 when called eagerly; traced into a graph (as export does) it passes its input through."""

    def call(self, x):
        return x + 0.25 if tf.executing_eagerly() else x


probe_model = keras.Sequential([keras.Input((N_FEATURES,)), keras.layers.Dense(3), EagerOnlyOffset()], name="probe")
PROBE_OFFSET = 0.25


# %% nbgrader={"grade_id": "task1_solution", "solution": true}
def export_and_check(model, export_dir, x):
    ### BEGIN SOLUTION
    n_features = model.input_shape[-1]
    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint(
        name="serve",
        fn=lambda signal: model(signal, training=False),
        input_signature=[tf.TensorSpec(shape=(None, n_features), dtype=tf.float32, name="signal")],
    )
    archive.write_out(str(export_dir), verbose=False)
    reloaded = tf.saved_model.load(str(export_dir))
    got = np.asarray(reloaded.serve(tf.constant(x)))
    return float(np.max(np.abs(got - np.asarray(model(x, training=False)))))
    ### END SOLUTION


# %%
# Your cell: export once (this writes files; the tests below only read them).
EXPORT_DIR = Path(tempfile.mkdtemp(prefix="ex10-")) / "saved_model"
export_diff = export_and_check(model, EXPORT_DIR, x_test[:256])
print(f"exported to {EXPORT_DIR}; reloaded vs Keras: max |Δ| = {export_diff}")
probe_diff = export_and_check(probe_model, EXPORT_DIR.parent / "probe", x_test[:8])
print(f"probe model: reloaded vs eager call: max |Δ| = {probe_diff} (expected {PROBE_OFFSET})")

# %% nbgrader={"grade_id": "task1_tests", "grade": true, "points": 2}
assert isinstance(export_diff, float), f"return a Python float, got {type(export_diff).__name__}"
assert (EXPORT_DIR / "saved_model.pb").is_file(), f"no saved_model.pb in {EXPORT_DIR}: did you write the archive there?"
_loaded = tf.saved_model.load(str(EXPORT_DIR))
assert "serve" in _loaded.signatures, f"expected a signature named 'serve', got {list(_loaded.signatures)}"
_spec = _loaded.signatures["serve"].structured_input_signature[1]
assert list(_spec) == ["signal"], f"the serving input must be named 'signal', got {list(_spec)}"
assert _spec["signal"].shape.as_list() == [None, N_FEATURES], \
    f"input shape: expected [None, {N_FEATURES}] (any batch size), got {_spec['signal'].shape.as_list()}"
assert 0 <= export_diff < 1e-5, f"reloaded vs Keras: expected a max difference below 1e-5, got {export_diff}"
assert isinstance(probe_diff, float) and abs(probe_diff - PROBE_OFFSET) < 1e-5, (
    f"probe model: its reloaded SavedModel differs from its eager call by {PROBE_OFFSET}, your function returned "
    f"{probe_diff!r}; hint: reload the folder with tf.saved_model.load and compare with model(x, training=False)")
print("Task 1: visible tests passed.")
### BEGIN HIDDEN TESTS
for _n in (1, 3, 300):
    _got = np.asarray(_loaded.serve(tf.constant(x_test[:_n])))
    _want = np.asarray(model(x_test[:_n], training=False))
    assert _got.shape == _want.shape and np.abs(_got - _want).max() < 1e-5, f"hidden: batch of {_n} through 'serve'"
_recomputed = float(np.abs(np.asarray(_loaded.serve(tf.constant(x_test[:256]))) - keras_logits[:256]).max())
assert abs(export_diff - _recomputed) < 1e-6, f"hidden: returned {export_diff}, the difference is {_recomputed}"
assert _spec["signal"].dtype == tf.float32, "hidden: float32 input"
_probe = tf.saved_model.load(str(EXPORT_DIR.parent / "probe"))
_probe_got = np.asarray(_probe.serve(tf.constant(x_test[:8])))
_probe_want = np.asarray(probe_model(x_test[:8], training=False)) - PROBE_OFFSET
assert np.abs(_probe_got - _probe_want).max() < 1e-5, "hidden: the probe's folder holds the probe model's graph"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 (3 points): convert to LiteRT (TFLite), float32 and dynamic-range int8
#
# Write `convert_tflite(saved_model_dir, quantize=False)` that returns the converted model as `bytes`:
#
# * convert with `tf.lite.TFLiteConverter.from_saved_model(str(saved_model_dir), signature_keys=["serve"])`, so the
#   file keeps the signature named `"serve"`;
# * with `quantize=True`, set `converter.optimizations = [tf.lite.Optimize.DEFAULT]` and give **no** representative
#   dataset: weights are stored as int8, activations stay float ("dynamic-range" quantization); with
#   `quantize=False`, change nothing (float32).
#
# The tests run your bytes with LiteRT's interpreter (the `run_tflite` helper below) and require: the float32 file
# agrees with Keras within 1e-4 on every logit, the int8 file agrees with Keras on at least 95 % of the top-1
# predictions and is less than 40 % of the float32 file's size.
#
# <details><summary>Hint</summary>
#
# `converter = tf.lite.TFLiteConverter.from_saved_model(...)`; `if quantize: converter.optimizations = [...]`;
# `return converter.convert()`.
# </details>

# %%
from ai_edge_litert.interpreter import Interpreter


def run_tflite(model_bytes, x):
    """Logits of a .tflite model (given as bytes) for the batch x (float32, shape (n, features))."""
    interpreter = Interpreter(model_content=model_bytes)
    index = interpreter.get_input_details()[0]["index"]
    interpreter.resize_tensor_input(index, list(x.shape))
    interpreter.allocate_tensors()
    interpreter.set_tensor(index, np.asarray(x, np.float32))
    interpreter.invoke()
    return interpreter.get_tensor(interpreter.get_output_details()[0]["index"])


# %% nbgrader={"grade_id": "task2_solution", "solution": true}
def convert_tflite(saved_model_dir, quantize=False):
    ### BEGIN SOLUTION
    converter = tf.lite.TFLiteConverter.from_saved_model(str(saved_model_dir), signature_keys=["serve"])
    if quantize:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    return converter.convert()
    ### END SOLUTION


# %%
# Your cell: convert twice (the tests below only load and run the bytes).
tflite_float = convert_tflite(EXPORT_DIR)
tflite_int8 = convert_tflite(EXPORT_DIR, quantize=True)
for _name, _bytes in (("float32", tflite_float), ("dynamic-range int8", tflite_int8)):
    if isinstance(_bytes, bytes):
        _logits = run_tflite(_bytes, x_test)
        print(f"{_name:20s} {len(_bytes):8,d} bytes | max |Δlogit| vs Keras {np.abs(_logits - keras_logits).max():.1e} "
              f"| top-1 agreement {np.mean(_logits.argmax(1) == keras_logits.argmax(1)):.3f}")

# %% nbgrader={"grade_id": "task2_tests", "grade": true, "points": 3}
for _name, _bytes in (("float32", tflite_float), ("int8", tflite_int8)):
    assert isinstance(_bytes, bytes) and len(_bytes) > 0, f"{_name}: return the converter's bytes, got {type(_bytes).__name__}"
_float_diff = float(np.abs(run_tflite(tflite_float, x_test[:200]) - keras_logits[:200]).max())
assert _float_diff < 1e-4, f"float32 file vs Keras: expected max |Δlogit| < 1e-4, got {_float_diff:.2e} (quantized by mistake?)"
_agree = float(np.mean(run_tflite(tflite_int8, x_test[:200]).argmax(1) == keras_logits[:200].argmax(1)))
assert _agree >= 0.95, f"int8 file: expected ≥ 95 % top-1 agreement with Keras, got {_agree:.1%}"
assert len(tflite_int8) < 0.4 * len(tflite_float), \
    f"int8 file: expected < 40 % of the float32 size ({len(tflite_float):,} bytes), got {len(tflite_int8):,} bytes"
print("Task 2: visible tests passed.")
### BEGIN HIDDEN TESTS
_n_params = model.count_params()
assert len(tflite_float) > 3.5 * _n_params, f"hidden: the float32 file must store 4 bytes per weight ({_n_params:,} weights)"
assert len(tflite_int8) < 2 * _n_params, "hidden: the int8 file must store about 1 byte per weight"
for _name, _bytes in (("float32", tflite_float), ("int8", tflite_int8)):
    assert "serve" in Interpreter(model_content=_bytes).get_signature_list(), f"hidden: {_name} keeps the 'serve' signature"
_all = run_tflite(tflite_float, x_test)
assert np.abs(_all - keras_logits).max() < 1e-4, "hidden: float32 parity on the whole held-out set"
assert np.mean(run_tflite(tflite_int8, x_test).argmax(1) == keras_logits.argmax(1)) >= 0.95, "hidden: int8 agreement, all"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 (3 points): validate a prediction request
#
# An inference service receives JSON like `{"instances": [[40 numbers], [40 numbers], ...]}`. Write
# `validate_request(payload, n_features, max_batch)` that returns `None` when `payload` (already parsed from JSON:
# dicts, lists, strings, numbers, booleans, `None`) is a valid request, and otherwise a **non-empty string** that
# says what is wrong. It must never raise. A request is valid when **all** of these hold:
#
# 1. `payload` is a `dict` with the key `"instances"` (other keys are allowed and ignored);
# 2. `payload["instances"]` is a `list` with at least 1 and at most `max_batch` rows;
# 3. every row is a `list` of exactly `n_features` values;
# 4. every value is an `int` or a `float` but **not** a `bool` (`True` is an `int` in Python!), and is finite **as a
#    float32, the model's dtype**: `-m <= v <= m` with `m = float(np.finfo(np.float32).max)` (about 3.4e38). So NaN
#    and ±infinity are invalid (Python's `json` reads `NaN` and `Infinity`), and so are `1e39` and `1e308` (finite in
#    float64, infinite once cast to float32) and integers such as `10**400`. Tiny values such as `5e-324` are valid
#    (float32 rounds them to 0).
#
# "Never raises" includes those integers (`math.isfinite(10**400)` raises `OverflowError`, and `str(10**5000)` raises
# `ValueError`, so do not put the value into your message) and deeply nested lists.
#
# The hidden tests try many malformed payloads (every rule broken in several ways, deep inside a batch too) and
# valid ones at the limits (one row, exactly `max_batch` rows, integers, the largest float32, extra keys).
#
# <details><summary>Hint</summary>
#
# Check the rules in order and return a message at the first one broken. `isinstance(v, bool)` must come before
# `isinstance(v, (int, float))`. Comparing a Python int or float with a float is exact and never raises, and NaN
# fails every comparison, so `not -m <= v <= m` catches NaN, infinities and everything float32 cannot hold.
# Tuples and NumPy arrays are not lists: JSON never produces them, and a service should not guess.
# </details>

# %% nbgrader={"grade_id": "task3_solution", "solution": true}
def validate_request(payload, n_features, max_batch):
    ### BEGIN SOLUTION
    float32_max = float(np.finfo(np.float32).max)
    if not isinstance(payload, dict) or "instances" not in payload:
        return 'the body must be a JSON object with an "instances" field'
    rows = payload["instances"]
    if not isinstance(rows, list) or not rows:
        return '"instances" must be a non-empty list of rows'
    if len(rows) > max_batch:
        return f"{len(rows)} rows in one request; the limit is {max_batch}"
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != n_features:
            return f"instances[{i}] must be a list of {n_features} numbers"
        for j, value in enumerate(row):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return f"instances[{i}][{j}] must be a number, got {type(value).__name__}"
            if not -float32_max <= value <= float32_max:  # NaN fails both comparisons
                return f"instances[{i}][{j}] is NaN, infinite or beyond float32's range (|v| <= {float32_max:.4g})"
    return None
    ### END SOLUTION


# %% nbgrader={"grade_id": "task3_tests", "grade": true, "points": 3}
def _check_valid(payload, n=3, b=4):
    got = validate_request(payload, n, b)
    assert got is None, f"valid request {str(payload)[:60]} (n_features={n}, max_batch={b}): expected None, got {got!r}"


def _check_invalid(payload, why, n=3, b=4):
    try:
        got = validate_request(payload, n, b)
    except Exception as exc:
        raise AssertionError(f"{why}: validate_request raised {type(exc).__name__}: {exc}; return a message instead")
    assert isinstance(got, str) and got.strip(), f"{why}: expected a non-empty message, got {got!r}"


_check_valid({"instances": [[0.1, 0.2, 0.3]]})
_check_valid({"instances": [[1, 2, 3], [0.5, -1e3, 0.0]]})
_check_invalid([[0.1, 0.2, 0.3]], "a list instead of an object")
_check_invalid({"inputs": [[0.1, 0.2, 0.3]]}, 'no "instances" key')
_check_invalid({"instances": []}, "an empty batch")
_check_invalid({"instances": [[0.1, 0.2]]}, "a row of 2 values instead of 3")
_check_invalid({"instances": [[0.1, "0.2", 0.3]]}, "a string value")
_check_invalid({"instances": [[0.1, float("nan"), 0.3]]}, "a NaN value")
_check_invalid({"instances": [[0.1, 1e39, 0.3]]}, "1e39 (finite in float64, infinity in the model's float32)")
_check_invalid({"instances": [[0.1, 0.2, 0.3]] * 5}, "5 rows with max_batch=4")
print("Task 3: visible tests passed.")
### BEGIN HIDDEN TESTS
_check_valid({"instances": [[0.1, 0.2, 0.3]] * 4})
_check_valid({"instances": [[0, 0, 0]], "model": "v1"})
_check_valid({"instances": [[float(np.finfo(np.float32).max), -float(np.finfo(np.float32).max), 5e-324]]})
_check_valid({"instances": [[10**38, -(10**38), 3.4e38]]})
_deep = 0.5
for _ in range(100_000):  # a list nested 100,000 deep: repr() of it, or recursion over it, raises RecursionError
    _deep = [_deep]
_check_valid({"instances": [[0.0] * 40] * 64}, n=40, b=64)
for _p, _why in [
    (None, "null body"), ("instances", "a string body"), (42, "a number body"), ({}, "an empty object"),
    ({"instances": None}, "instances is null"), ({"instances": "[[1,2,3]]"}, "instances is a string"),
    ({"instances": {"0": [1, 2, 3]}}, "instances is an object"), ({"instances": [0.1, 0.2, 0.3]}, "a flat row"),
    ({"instances": [[0.1, 0.2, 0.3], [0.1, 0.2]]}, "a short second row"), ({"instances": [[0.1, 0.2, 0.3, 0.4]]}, "a long row"),
    ({"instances": [[]]}, "an empty row"), ({"instances": [None]}, "a null row"), ({"instances": [(0.1, 0.2, 0.3)]}, "a tuple row"),
    ({"instances": [[0.1, None, 0.3]]}, "a null value"), ({"instances": [[True, 0.2, 0.3]]}, "a boolean value"),
    ({"instances": [[0.1, 0.2, False]]}, "a False value"), ({"instances": [[0.1, [0.2], 0.3]]}, "a nested list value"),
    ({"instances": [[0.1, {"v": 1}, 0.3]]}, "an object value"), ({"instances": [[0.1, 0.2, float("inf")]]}, "infinity"),
    ({"instances": [[float("-inf"), 0.2, 0.3]]}, "minus infinity"), ({"instances": [[0.1, 0.2, 0.3]] * 3 + [[0.1, 0.2, float("nan")]]}, "NaN in the last row"),
    ({"instances": [[0.1, 0.2, 0.3]] * 100}, "100 rows"), ({"instances": [[1, 2, 3]] * 3 + [[1, 2, "x"]]}, "a string in the last row"),
    ({"instances": [[1e308, 0.2, 0.3]]}, "1e308 (float32 overflow)"), ({"instances": [[0.1, -1e39, 0.3]]}, "-1e39"),
    ({"instances": [[0.1, 0.2, 3.5e38]]}, "3.5e38, just past float32's largest value"),
    ({"instances": [[0.1, 0.2, 10**400]]}, "the integer 10**400 (math.isfinite raises OverflowError on it)"),
    ({"instances": [[0.1, 0.2, 0.3], [-(10**5000), 0.2, 0.3]]}, "an integer of 5,001 digits (str() of it raises)"),
    ({"instances": [[0.1, 10**39, 0.3]]}, "the integer 10**39"),
    ({"instances": [[0.1, _deep, 0.3]]}, "a value nested 100,000 lists deep"), ({"instances": [_deep]}, "a row nested 100,000 deep"),
    ({"instances": _deep}, "instances nested 100,000 deep"),
]:
    _check_invalid(_p, "hidden: " + _why)
_check_invalid({"instances": [[0.0] * 40] * 65}, "hidden: 65 rows with max_batch=64", n=40, b=64)
_check_invalid({"instances": [[0.0] * 39]}, "hidden: 39 values with n_features=40", n=40, b=64)
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 (2 points): the population stability index
#
# Write `psi(expected, actual, bins=10, eps=1e-4)` for two 1-D samples of numbers (`expected`: the reference, e.g.
# training data; `actual`: a live window), exactly as follows:
#
# 1. inner edges: `np.quantile(expected, np.linspace(0, 1, bins + 1)[1:-1])` (the `bins - 1` inner quantiles);
# 2. a value `v` falls in bin `np.searchsorted(inner_edges, v, side="right")` (0 … `bins - 1`; a value equal to an
#    edge goes to the upper bin; values beyond the reference's range go to the first or last bin);
# 3. $p_i$ and $q_i$ are the shares of `expected` and `actual` in bin $i$ (counts divided by the sample size), each
#    clipped from below at `eps` (no renormalisation);
# 4. return $\mathrm{PSI} = \sum_i (q_i - p_i)\,\ln(q_i / p_i)$ as a Python `float`.
#
# Raise `ValueError` when either sample is empty or `bins < 2`.
#
# <details><summary>Hint</summary>
#
# `np.bincount(np.searchsorted(inner, x, side="right"), minlength=bins) / x.size` gives the shares;
# `np.clip(shares, eps, None)` clips them.
# </details>

# %% nbgrader={"grade_id": "task4_solution", "solution": true}
def psi(expected, actual, bins=10, eps=1e-4):
    ### BEGIN SOLUTION
    expected, actual = np.asarray(expected, float).ravel(), np.asarray(actual, float).ravel()
    if expected.size == 0 or actual.size == 0 or bins < 2:
        raise ValueError("psi needs two non-empty samples and bins >= 2")
    inner = np.quantile(expected, np.linspace(0, 1, bins + 1)[1:-1])
    p = np.bincount(np.searchsorted(inner, expected, side="right"), minlength=bins) / expected.size
    q = np.bincount(np.searchsorted(inner, actual, side="right"), minlength=bins) / actual.size
    p, q = np.clip(p, eps, None), np.clip(q, eps, None)
    return float(np.sum((q - p) * np.log(q / p)))
    ### END SOLUTION


# %% nbgrader={"grade_id": "task4_tests", "grade": true, "points": 2}
_ref = np.arange(1000.0)
_same = psi(_ref, _ref)
assert isinstance(_same, float) and abs(_same) < 1e-12, f"identical samples: expected PSI 0.0, got {_same!r}"
# all live values above the reference: every share lands in the last bin
_want = 9 * (1e-4 - 0.1) * np.log(1e-4 / 0.1) + (1.0 - 0.1) * np.log(1.0 / 0.1)
_got = psi(_ref, _ref + 5000)
assert abs(_got - _want) < 1e-9, f"all values in the last bin: expected {_want:.6f}, got {_got}"
_got = psi(_ref, np.arange(0.0, 500.0), bins=4)  # quartile edges 249.75, 499.5, 749.25: shares 0.5, 0.5, 0, 0
_want = 2 * (0.5 - 0.25) * np.log(2) + 2 * (1e-4 - 0.25) * np.log(1e-4 / 0.25)
assert abs(_got - _want) < 1e-9, f"bins=4, lower half only: expected {_want:.6f}, got {_got}"
print("Task 4: visible tests passed.")
### BEGIN HIDDEN TESTS
def _psi_reference(e, a, bins=10, eps=1e-4):
    e, a = np.asarray(e, float).ravel(), np.asarray(a, float).ravel()
    inner = np.quantile(e, np.linspace(0, 1, bins + 1)[1:-1])
    p = np.clip(np.bincount(np.searchsorted(inner, e, side="right"), minlength=bins) / e.size, eps, None)
    q = np.clip(np.bincount(np.searchsorted(inner, a, side="right"), minlength=bins) / a.size, eps, None)
    return float(np.sum((q - p) * np.log(q / p)))


_rng = np.random.default_rng(7)
for _bins in (2, 5, 10, 20):
    for _shift in (0.0, 0.3, 2.0):
        _e, _a = _rng.normal(size=700), _rng.normal(_shift, 1.0, size=333)
        assert abs(psi(_e, _a, bins=_bins) - _psi_reference(_e, _a, _bins)) < 1e-9, f"hidden: normal, bins={_bins}, shift={_shift}"
_e, _a = _rng.integers(0, 4, 500), _rng.integers(0, 6, 200)  # ties on the edges
assert abs(psi(_e, _a) - _psi_reference(_e, _a)) < 1e-9, "hidden: integer samples with ties (side='right')"
assert abs(psi(_e, _a, eps=1e-2) - _psi_reference(_e, _a, eps=1e-2)) < 1e-9, "hidden: eps is used"
assert abs(psi(list(_e), list(_a)) - _psi_reference(_e, _a)) < 1e-9, "hidden: accepts lists"
assert abs(psi(_e.reshape(50, 10), _a) - _psi_reference(_e, _a)) < 1e-9, "hidden: flattens 2-D input"
for _args in (([], [1.0]), ([1.0], []), ([1.0, 2.0], [1.0], 1)):
    try:
        psi(*_args)
    except ValueError:
        pass
    else:
        raise AssertionError(f"hidden: psi{_args} must raise ValueError")
### END HIDDEN TESTS

# %% [markdown]
# ## Task 5 (2 points): summarise load-test latencies
#
# Write `latency_summary(seconds)` for the per-request latencies of a load test, given in **seconds** (a list or
# 1-D array). Return a `dict` with these keys, times in **milliseconds** as Python floats:
#
# * `"n"`: the number of samples (an `int`);
# * `"p50_ms"`, `"p95_ms"`, `"p99_ms"`: `np.percentile` at 50, 95 and 99 with NumPy's default (linear) method;
# * `"mean_ms"` and `"max_ms"`.
#
# Raise `ValueError` when there are no samples, or any sample is negative, NaN or infinite (a broken measurement
# must not turn into a plausible report).
#
# <details><summary>Hint</summary>
#
# `ms = np.asarray(seconds, float) * 1e3`; check `ms.size` and `np.isfinite(ms).all()` and `(ms >= 0).all()`; then
# `p50, p95, p99 = np.percentile(ms, [50, 95, 99])`.
# </details>

# %% nbgrader={"grade_id": "task5_solution", "solution": true}
def latency_summary(seconds):
    ### BEGIN SOLUTION
    ms = np.asarray(seconds, float).ravel() * 1e3
    if ms.size == 0 or not np.isfinite(ms).all() or (ms < 0).any():
        raise ValueError("latency_summary needs at least one finite, non-negative sample")
    p50, p95, p99 = np.percentile(ms, [50, 95, 99])
    return {"n": int(ms.size), "p50_ms": float(p50), "p95_ms": float(p95), "p99_ms": float(p99),
            "mean_ms": float(ms.mean()), "max_ms": float(ms.max())}
    ### END SOLUTION


# %% nbgrader={"grade_id": "task5_tests", "grade": true, "points": 2}
_s = latency_summary([0.001 * (i + 1) for i in range(100)])  # 1 ms … 100 ms
assert isinstance(_s, dict), f"return a dict, got {type(_s).__name__}"
_keys = {"n", "p50_ms", "p95_ms", "p99_ms", "mean_ms", "max_ms"}
assert set(_s) == _keys, f"keys: expected {sorted(_keys)}, got {sorted(_s)}"
for _k, _v in {"n": 100, "p50_ms": 50.5, "p95_ms": 95.05, "p99_ms": 99.01, "mean_ms": 50.5, "max_ms": 100.0}.items():
    assert abs(_s[_k] - _v) < 1e-9, f"{_k}: expected {_v} for latencies of 1, 2, …, 100 ms, got {_s[_k]}"
try:
    latency_summary([])
except ValueError:
    pass
else:
    raise AssertionError("latency_summary([]) must raise ValueError")
print("Task 5: visible tests passed.")
### BEGIN HIDDEN TESTS
_x = np.random.default_rng(3).lognormal(-4, 0.7, size=2000)
_s = latency_summary(_x)
_want = dict(zip(("p50_ms", "p95_ms", "p99_ms"), np.percentile(_x * 1e3, [50, 95, 99])))
for _k, _v in _want.items():
    assert abs(_s[_k] - _v) < 1e-9, f"hidden: {_k} on 2,000 samples"
assert _s["n"] == 2000 and isinstance(_s["n"], int) and abs(_s["max_ms"] - _x.max() * 1e3) < 1e-9, "hidden: n and max"
assert all(isinstance(_s[k], float) for k in _keys - {"n"}), "hidden: times are Python floats"
assert latency_summary([0.25]) == {"n": 1, "p50_ms": 250.0, "p95_ms": 250.0, "p99_ms": 250.0, "mean_ms": 250.0, "max_ms": 250.0}
assert latency_summary((0.0, 0.0))["max_ms"] == 0.0, "hidden: zero latencies are valid"
for _bad in ([0.1, -0.001], [0.1, float("nan")], [float("inf")], np.array([])):
    try:
        latency_summary(_bad)
    except ValueError:
        pass
    else:
        raise AssertionError(f"hidden: latency_summary({list(_bad)}) must raise ValueError")
### END HIDDEN TESTS
