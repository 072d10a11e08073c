# %% [markdown]
# # Exercise 10: deployment
#
# You will take a small MNIST-1D classifier from Keras to the pieces a deployed model needs, as in
# [Chapter 10](../chapters/10_deployment.md), in forms the chapter does not print: preprocessing inside the
# exported signature, a float16 LiteRT file, row-by-row validation of a batch, a drift threshold you choose yourself
# and a canary rule you design. Tasks 4 and 5 are decisions: their tests measure the consequence of your choice
# (false alarms, wrong rollouts), not one literal answer. Everything is checked
# automatically (14 points):
#
# | Task | What you build | Points | Time |
# |---|---|---|---|
# | 1 | `export_and_check(model, mean, std, export_dir, x_raw)`: a SavedModel that takes raw signals (preprocessing inside), checked after reloading | 2 | 20 min |
# | 2 | `convert_tflite(saved_model_dir, precision)`: LiteRT files in float32, float16 and dynamic-range int8 | 3 | 15 min |
# | 3 | `row_problems(payload, n_features, max_batch)`: which rows of a batch a service must refuse, and why | 3 | 25 min |
# | 4 | `quiet_threshold(reference, window, ...)`: **choose** a PSI alert threshold for at most 1 % false alarms | 3 | 20 min |
# | 5 | `canary_decision(baseline, canary)`: **design** the rule that promotes or rolls back a new version | 3 | 25 min |
#
# The times are estimates for a learner who has read the chapter (about 105 minutes in all); running the whole
# notebook takes about half a minute on a laptop CPU.
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

# The sensor delivers raw values in its own units (here 40 x + 100); the model learned from standardised signals:
# each position shifted by the training mean and divided by the training standard deviation. A service receives
# raw signals, so that step has to happen somewhere.
x_train_raw, x_test_raw = 40 * x_train + 100, 40 * x_test + 100
MEAN, STD = x_train_raw.mean(axis=0), x_train_raw.std(axis=0)
keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input((N_FEATURES,)), keras.layers.Dense(128, activation="relu"),
                          keras.layers.Dense(128, activation="relu"), keras.layers.Dense(10)], name="mlp")
model.compile(keras.optimizers.Adam(1e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
model.fit((x_train_raw - MEAN) / STD, y_train, epochs=5, batch_size=64, verbose=0)
keras_logits = np.asarray(model((x_test_raw - MEAN) / STD, training=False))  # what a raw test signal should get
print(f"{model.count_params():,} parameters; held-out accuracy {np.mean(keras_logits.argmax(1) == y_test):.3f}")
print(f"accuracy if raw signals reach the model unscaled: {np.mean(np.asarray(model(x_test_raw)).argmax(1) == y_test):.3f}")

# %% [markdown]
# ## Task 1 (2 points): export a SavedModel that takes raw signals
#
# The chapter exports a model that expects exactly the inputs it was trained on, and warns (§10.6, "Put preprocessing
# inside the exported signature") that re-implementing the preprocessing in the service is how *training–serving
# skew* starts. Do it the safe way. Write `export_and_check(model, mean, std, export_dir, x_raw)`:
#
# * write a SavedModel to `export_dir` with `keras.export.ExportArchive`: track the model and add **one endpoint named
#   `"serve"`** that takes a **raw** batch, standardises it with the given per-position `mean` and `std` (NumPy
#   arrays of shape `(n_features,)`: `(signal - mean) / std`) and returns `model(standardised, training=False)`; its
#   input signature is `[tf.TensorSpec(shape=(None, n_features), dtype=tf.float32, name="signal")]`, where
#   `n_features` is `model.input_shape[-1]` (the batch dimension is `None`, so any batch size is accepted);
# * reload the folder with `tf.saved_model.load` (plain TensorFlow, no Keras), call the reloaded `serve` on the raw
#   `x_raw`, and **return the largest absolute difference** from `model((x_raw - mean) / std, training=False)`, as a
#   Python `float`.
#
# The tests load your folder themselves, check the signature's name, input name and shape, and feed it **raw**
# signals: its logits must be the model's logits on the standardised signals. For a faithful export the difference
# you return is about 0, so a function that skips the reload and returns `0.0` would look right. Your cell therefore
# also exports `probe_model` (below, with mean 0 and std 1): its last layer adds 0.25 when it runs eagerly and
# nothing inside a traced graph, so its reloaded SavedModel differs from its eager call by exactly 0.25, which is
# what your function must return for it.
#
# <details><summary>Hint</summary>
#
# The endpoint's `fn` can be any function of the input tensor: subtract and divide first (convert `mean` and `std` to
# float32 tensors with `tf.constant`, so they are stored in the graph), then call the model. After
# `reloaded = tf.saved_model.load(str(export_dir))`, `reloaded.serve(tf.constant(x_raw))` returns the logits.
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
def export_and_check(model, mean, std, export_dir, x_raw):
    ### BEGIN SOLUTION
    shift = tf.constant(np.asarray(mean, np.float32))
    scale = tf.constant(np.asarray(std, np.float32))

    def raw_to_logits(signal):
        return model((signal - shift) / scale, training=False)

    spec = tf.TensorSpec(shape=(None, model.input_shape[-1]), dtype=tf.float32, name="signal")
    exporter = keras.export.ExportArchive()
    exporter.track(model)
    exporter.add_endpoint(name="serve", fn=raw_to_logits, input_signature=[spec])
    exporter.write_out(str(export_dir), verbose=False)
    reloaded = tf.saved_model.load(str(export_dir))  # keep a reference: its variables live as long as it does
    served = np.asarray(reloaded.serve(tf.constant(x_raw, tf.float32)))
    expected = np.asarray(model((np.asarray(x_raw, np.float32) - mean) / std, training=False))
    return float(np.abs(served - expected).max())
    ### END SOLUTION


# %%
# Your cell: export once (this writes files; the tests below only read them).
EXPORT_DIR = Path(tempfile.mkdtemp(prefix="ex10-")) / "saved_model"
export_diff = export_and_check(model, MEAN, STD, EXPORT_DIR, x_test_raw[:256])
print(f"exported to {EXPORT_DIR}; reloaded (raw in) vs Keras (standardised in): max |Δ| = {export_diff}")
_zeros, _ones = np.zeros(N_FEATURES, "float32"), np.ones(N_FEATURES, "float32")
probe_diff = export_and_check(probe_model, _zeros, _ones, EXPORT_DIR.parent / "probe", x_test_raw[:8])
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
_raw_diff = float(np.abs(np.asarray(_loaded.serve(tf.constant(x_test_raw[:64]))) - keras_logits[:64]).max())
assert _raw_diff < 1e-4, (
    f"raw signals through your 'serve' vs the model on standardised signals: expected max |Δlogit| < 1e-4, got "
    f"{_raw_diff:.3g} (hint: standardise inside the endpoint, (signal - mean) / std, not outside or twice)")
assert 0 <= export_diff < 1e-4, f"reloaded vs Keras: expected a max difference below 1e-4, got {export_diff}"
assert isinstance(probe_diff, float) and abs(probe_diff - PROBE_OFFSET) < 1e-5, (
    f"probe model: its reloaded SavedModel differs from its eager call by {PROBE_OFFSET}, your function returned "
    f"{probe_diff!r}; hint: reload the folder with tf.saved_model.load and compare with the model's own call")
print("Task 1: visible tests passed.")
### BEGIN HIDDEN TESTS
for _n in (1, 3, 300):
    _got = np.asarray(_loaded.serve(tf.constant(x_test_raw[:_n])))
    assert _got.shape == (_n, 10) and np.abs(_got - keras_logits[:_n]).max() < 1e-4, f"hidden: raw batch of {_n} through 'serve'"
_recomputed = float(np.abs(np.asarray(_loaded.serve(tf.constant(x_test_raw[:256]))) - keras_logits[:256]).max())
assert abs(export_diff - _recomputed) < 1e-5, f"hidden: returned {export_diff}, the difference is {_recomputed}"
assert _spec["signal"].dtype == tf.float32, "hidden: float32 input"
_probe = tf.saved_model.load(str(EXPORT_DIR.parent / "probe"))
_probe_got = np.asarray(_probe.serve(tf.constant(x_test_raw[:8])))
_probe_want = np.asarray(probe_model(x_test_raw[:8], training=False)) - PROBE_OFFSET
assert np.abs(_probe_got - _probe_want).max() < 1e-5, "hidden: the probe's folder holds the probe model's graph"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 (3 points): convert to LiteRT (TFLite) in three precisions
#
# The chapter converts to float32 and to dynamic-range int8. Phones with a GPU delegate prefer a third format:
# **float16** weights (half the file, GPU kernels compute in float16 anyway, and no integer rounding of the weights).
# Write `convert_tflite(saved_model_dir, precision)` that returns the converted model as `bytes`:
#
# * always convert from the SavedModel's `"serve"` signature (so the file keeps that signature name);
# * `precision="float32"`: no optimisation; `"int8"`: dynamic-range quantization (int8 weights, float activations,
#   **no** representative dataset); `"float16"`: weights stored as float16 (see the hint), inputs and outputs stay
#   float32;
# * any other `precision` raises `ValueError` before converting anything.
#
# The tests run your bytes with LiteRT's interpreter (the `run_tflite` helper below) and require: the float32 file
# agrees with Keras within 1e-4 on every logit; the float16 file within 0.05, has float32 input and output tensors, and
# is between 45 % and 60 % of the float32 file's size; the int8 file agrees with Keras on at least 95 % of the top-1
# predictions and is less than 40 % of the float32 file's size.
#
# <details><summary>Hint</summary>
#
# Float16 is "post-training float16 quantization" in the TensorFlow Lite documentation: it needs the same
# optimisation flag as int8, plus one more converter attribute that names the type the weights are stored in
# (`converter.target_spec...`). Check which of the two settings alone gives which file.
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
def convert_tflite(saved_model_dir, precision="float32"):
    ### BEGIN SOLUTION
    settings = {"float32": ([], []), "int8": ([tf.lite.Optimize.DEFAULT], []),
                "float16": ([tf.lite.Optimize.DEFAULT], [tf.float16])}
    if precision not in settings:
        raise ValueError(f"precision must be one of {sorted(settings)}, not {precision!r}")
    optimizations, weight_types = settings[precision]
    from_serve = tf.lite.TFLiteConverter.from_saved_model(str(saved_model_dir), signature_keys=["serve"])
    from_serve.optimizations = optimizations
    if weight_types:
        from_serve.target_spec.supported_types = weight_types
    return from_serve.convert()
    ### END SOLUTION


# %%
# Your cell: convert three times (the tests below only load and run the bytes).
tflite_files = {p: convert_tflite(EXPORT_DIR, p) for p in ("float32", "float16", "int8")}
for _name, _bytes in tflite_files.items():
    if isinstance(_bytes, bytes):
        _logits = run_tflite(_bytes, x_test_raw)
        print(f"{_name:8s} {len(_bytes):8,d} bytes | max |Δlogit| vs Keras {np.abs(_logits - keras_logits).max():.1e} "
              f"| top-1 agreement {np.mean(_logits.argmax(1) == keras_logits.argmax(1)):.3f}")
try:
    convert_tflite(EXPORT_DIR, "bfloat16")
    unknown_precision_error = None
except ValueError as _exc:
    unknown_precision_error = _exc

# %% nbgrader={"grade_id": "task2_tests", "grade": true, "points": 3}
for _name in ("float32", "float16", "int8"):
    _bytes = tflite_files[_name]
    assert isinstance(_bytes, bytes) and len(_bytes) > 0, f"{_name}: return the converter's bytes, got {type(_bytes).__name__}"
_f32, _f16, _i8 = (tflite_files[p] for p in ("float32", "float16", "int8"))
_diff = float(np.abs(run_tflite(_f32, x_test_raw[:200]) - keras_logits[:200]).max())
assert _diff < 1e-4, f"float32 file vs Keras: expected max |Δlogit| < 1e-4, got {_diff:.2e} (quantized by mistake?)"
_ratio16 = len(_f16) / len(_f32)
assert 0.45 <= _ratio16 <= 0.60, (
    f"float16 file: expected 45-60 % of the float32 size, got {_ratio16:.0%} ({len(_f16):,} of {len(_f32):,} bytes); "
    "hint: below 40 % means int8 weights, about 100 % means nothing was converted to float16")
_diff16 = float(np.abs(run_tflite(_f16, x_test_raw[:200]) - keras_logits[:200]).max())
assert _diff16 < 0.05, f"float16 file vs Keras: expected max |Δlogit| < 0.05, got {_diff16:.3f}"
_agree = float(np.mean(run_tflite(_i8, x_test_raw[:200]).argmax(1) == keras_logits[:200].argmax(1)))
assert _agree >= 0.95, f"int8 file: expected ≥ 95 % top-1 agreement with Keras, got {_agree:.1%}"
assert len(_i8) < 0.4 * len(_f32), f"int8 file: expected < 40 % of the float32 size ({len(_f32):,} bytes), got {len(_i8):,}"
print("Task 2: visible tests passed.")
### BEGIN HIDDEN TESTS
assert isinstance(unknown_precision_error, ValueError), "hidden: precision='bfloat16' must raise ValueError"
_n_params = model.count_params()
assert len(_f32) > 3.5 * _n_params, f"hidden: the float32 file must store 4 bytes per weight ({_n_params:,} weights)"
assert len(_i8) < 2 * _n_params, "hidden: the int8 file must store about 1 byte per weight"
for _name, _bytes in tflite_files.items():
    _interp = Interpreter(model_content=_bytes)
    assert "serve" in _interp.get_signature_list(), f"hidden: {_name} keeps the 'serve' signature"
    assert _interp.get_input_details()[0]["dtype"] == np.float32, f"hidden: {_name} takes float32 input"
    assert _interp.get_output_details()[0]["dtype"] == np.float32, f"hidden: {_name} returns float32 logits"
assert np.abs(run_tflite(_f32, x_test_raw) - keras_logits).max() < 1e-4, "hidden: float32 parity on the whole held-out set"
assert np.abs(run_tflite(_f16, x_test_raw) - keras_logits).max() < 0.05, "hidden: float16 parity on the whole held-out set"
assert np.mean(run_tflite(_f16, x_test_raw).argmax(1) == keras_logits.argmax(1)) >= 0.99, "hidden: float16 top-1 agreement"
assert np.mean(run_tflite(_i8, x_test_raw).argmax(1) == keras_logits.argmax(1)) >= 0.95, "hidden: int8 agreement, all"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 (3 points): validate a batch row by row
#
# The chapter's service rejects a whole request when one value is bad. A batch client (a nightly job sending 64
# signals at a time) would rather get answers for the good rows and a list of the bad ones. Write
# `row_problems(payload, n_features, max_batch)` for JSON like `{"instances": [[40 numbers], [40 numbers], ...]}`
# (`payload` is already parsed: dicts, lists, strings, numbers, booleans, `None`). It must never raise, and returns:
#
# * a **non-empty string** when the request as a whole is unusable: `payload` is not a `dict` with the key
#   `"instances"` (other keys are allowed and ignored), or `payload["instances"]` is not a `list` of at least 1 and at
#   most `max_batch` rows;
# * otherwise a **dict** `{row_index: message}` with one entry (a non-empty string) for **every** invalid row, and no
#   entry for a valid one: `{}` means every row can be answered.
#
# A row is valid when it is a `list` of exactly `n_features` values, every one an `int` or a `float` but **not** a
# `bool` (`True` is an `int` in Python!), and finite **as a float32, the model's dtype**: `-m <= v <= m` with
# `m = float(np.finfo(np.float32).max)` (about 3.4e38). So NaN and ±infinity are invalid (Python's `json` reads `NaN`
# and `Infinity`), and so are `1e39` and `1e308` (finite in float64, infinite once cast to float32) and integers such
# as `10**400`; tiny values such as `5e-324` are valid (float32 rounds them to 0). "Never raises" includes those
# integers (`math.isfinite(10**400)` raises `OverflowError`, and `str(10**5000)` raises `ValueError`, so do not put
# the value into your message) and deeply nested lists.
#
# The hidden tests try many malformed payloads and rows (every rule broken in several ways, several bad rows in one
# batch, the last row bad) and valid ones at the limits (one row, exactly `max_batch` rows, integers, the largest
# float32, extra keys).
#
# <details><summary>Hint</summary>
#
# Two levels: first the request's shape (return a string), then a loop over all rows that records a message per bad
# row instead of returning at the first. `isinstance(v, bool)` must come before `isinstance(v, (int, float))`.
# Comparing a Python int or float with a float is exact and never raises, and NaN fails every comparison.
# Tuples and NumPy arrays are not lists: JSON never produces them, and a service should not guess.
# </details>

# %% nbgrader={"grade_id": "task3_solution", "solution": true}
def row_problems(payload, n_features, max_batch):
    ### BEGIN SOLUTION
    limit = float(np.finfo(np.float32).max)
    rows = payload.get("instances") if isinstance(payload, dict) else None
    if type(rows) is not list or not 1 <= len(rows) <= max_batch:
        return f'expected {{"instances": [rows]}} with 1 to {max_batch} rows'

    def problem(row):
        if type(row) is not list:
            return "a row must be a list of numbers"
        if len(row) != n_features:
            return f"{len(row)} values instead of {n_features}"
        for j, v in enumerate(row):
            if type(v) not in (int, float):  # bool is a subclass of int, not int itself
                return f"value {j} is a {type(v).__name__}, not a number"
            if not (-limit <= v <= limit):  # NaN fails both
                return f"value {j} is NaN, infinite or beyond float32"
        return None

    found = {i: problem(r) for i, r in enumerate(rows)}
    return {i: msg for i, msg in found.items() if msg is not None}
    ### END SOLUTION


# %% nbgrader={"grade_id": "task3_tests", "grade": true, "points": 3}
def _call3(payload, why, n, b):
    try:
        return row_problems(payload, n, b)
    except Exception as exc:
        raise AssertionError(f"{why}: row_problems raised {type(exc).__name__}: {str(exc)[:100]}; return a message instead")


def _check_valid(payload, why="valid request", n=3, b=4):
    got = _call3(payload, why, n, b)
    assert got == {}, f"{why} {str(payload)[:60]} (n_features={n}, max_batch={b}): expected {{}}, got {str(got)[:120]}"


def _check_whole(payload, why, n=3, b=4):
    got = _call3(payload, why, n, b)
    assert isinstance(got, str) and got.strip(), (
        f"{why}: the request as a whole is unusable, expected a non-empty string, got {str(got)[:120]}")


def _check_rows(payload, bad, why, n=3, b=4):
    got = _call3(payload, why, n, b)
    assert isinstance(got, dict), f"{why}: expected a dict of bad rows, got {type(got).__name__}: {str(got)[:100]}"
    assert set(got) == set(bad), (f"{why}: expected bad rows {sorted(bad)}, got {sorted(got)} (hint: check every row, "
                                  "and only rows that break a rule)")
    assert all(isinstance(m, str) and m.strip() for m in got.values()), f"{why}: every bad row needs a non-empty message"


_check_valid({"instances": [[0.1, 0.2, 0.3]]})
_check_valid({"instances": [[1, 2, 3], [0.5, -1e3, 0.0]]})
_check_whole([[0.1, 0.2, 0.3]], "a list instead of an object")
_check_whole({"inputs": [[0.1, 0.2, 0.3]]}, 'no "instances" key')
_check_whole({"instances": []}, "an empty batch")
_check_whole({"instances": [[0.1, 0.2, 0.3]] * 5}, "5 rows with max_batch=4")
_check_rows({"instances": [[0.1, 0.2]]}, [0], "a row of 2 values instead of 3")
_check_rows({"instances": [[0.1, "0.2", 0.3]]}, [0], "a string value")
_check_rows({"instances": [[0.1, 1e39, 0.3], [0.1, 0.2, 0.3]]}, [0], "1e39 (finite in float64, infinity in float32)")
_check_rows({"instances": [[0.1, 0.2, 0.3], [0.1, float("nan"), 0.3], [1, 2, 3], [0.1, 0.2]]}, [1, 3],
            "NaN in row 1 and a short row 3")
print("Task 3: visible tests passed.")
### BEGIN HIDDEN TESTS
_check_valid({"instances": [[0.1, 0.2, 0.3]] * 4})
_check_valid({"instances": [[0, 0, 0]], "model": "v1"})
_check_valid({"instances": [[float(np.finfo(np.float32).max), -float(np.finfo(np.float32).max), 5e-324]]})
_check_valid({"instances": [[10**38, -(10**38), 3.4e38]]})
_check_valid({"instances": [[0.0] * 40] * 64}, n=40, b=64)
_deep = 0.5
for _ in range(100_000):  # a list nested 100,000 deep: repr() of it, or recursion over it, raises RecursionError
    _deep = [_deep]
for _p, _why in [(None, "null body"), ("instances", "a string body"), (42, "a number body"), ({}, "an empty object"),
                 ({"instances": None}, "instances is null"), ({"instances": "[[1,2,3]]"}, "instances is a string"),
                 ({"instances": {"0": [1, 2, 3]}}, "instances is an object"), ({"instances": [[0.1, 0.2, 0.3]] * 100}, "100 rows"),
                 ({"instances": (0.1, 0.2, 0.3)}, "instances is a tuple")]:
    _check_whole(_p, "hidden: " + _why)
_check_whole({"instances": [[0.0] * 40] * 65}, "hidden: 65 rows with max_batch=64", n=40, b=64)
for _p, _bad, _why in [
    ({"instances": [0.1, 0.2, 0.3]}, [0, 1, 2], "a flat row: three rows that are not lists"),
    ({"instances": [[0.1, 0.2, 0.3], [0.1, 0.2]]}, [1], "a short second row"), ({"instances": [[0.1, 0.2, 0.3, 0.4]]}, [0], "a long row"),
    ({"instances": [[]]}, [0], "an empty row"), ({"instances": [None]}, [0], "a null row"),
    ({"instances": [(0.1, 0.2, 0.3)]}, [0], "a tuple row"), ({"instances": [[0.1, None, 0.3]]}, [0], "a null value"),
    ({"instances": [[True, 0.2, 0.3]]}, [0], "a boolean value"), ({"instances": [[0.1, 0.2, False]]}, [0], "a False value"),
    ({"instances": [[0.1, [0.2], 0.3]]}, [0], "a nested list value"), ({"instances": [[0.1, {"v": 1}, 0.3]]}, [0], "an object value"),
    ({"instances": [[0.1, 0.2, float("inf")]]}, [0], "infinity"), ({"instances": [[float("-inf"), 0.2, 0.3]]}, [0], "minus infinity"),
    ({"instances": [[0.1, 0.2, 0.3]] * 3 + [[0.1, 0.2, float("nan")]]}, [3], "NaN in the last row"),
    ({"instances": [[1, 2, 3]] * 3 + [[1, 2, "x"]]}, [3], "a string in the last row"),
    ({"instances": [[1e308, 0.2, 0.3]]}, [0], "1e308 (float32 overflow)"), ({"instances": [[0.1, -1e39, 0.3]]}, [0], "-1e39"),
    ({"instances": [[0.1, 0.2, 3.5e38]]}, [0], "3.5e38, just past float32's largest value"),
    ({"instances": [[0.1, 0.2, 10**400]]}, [0], "the integer 10**400 (math.isfinite raises OverflowError on it)"),
    ({"instances": [[0.1, 0.2, 0.3], [-(10**5000), 0.2, 0.3]]}, [1], "an integer of 5,001 digits (str() of it raises)"),
    ({"instances": [[0.1, 10**39, 0.3]]}, [0], "the integer 10**39"),
    ({"instances": [[0.1, _deep, 0.3]]}, [0], "a value nested 100,000 lists deep"), ({"instances": [_deep]}, [0], "a row nested 100,000 deep"),
    ({"instances": _deep}, [0], "instances nested 100,000 deep"),
    ({"instances": [[1, 2, 3], None, [1, 2], [True, 1, 1]]}, [1, 2, 3], "three bad rows after a good one"),
]:
    _check_rows(_p, _bad, "hidden: " + _why)
_check_rows({"instances": [[0.0] * 40] * 63 + [[0.0] * 39]}, [63], "hidden: 39 values in row 63 of 64", n=40, b=64)
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 (3 points): choose a drift threshold with at most 1 % false alarms
#
# The chapter alerts when a window's PSI crosses the credit-scoring rule of thumb, 0.25. Whether that is a good
# threshold depends on the window: a small window of perfectly normal traffic has a noisy PSI (empty bins are clipped
# at `eps`, and the logarithm makes them count), so a fixed threshold can page someone every few hours for nothing.
# Choose the threshold from the data instead. Write
# `quiet_threshold(reference, window, false_alarm=0.01, bins=10, seed=0)` that returns a PSI threshold (a Python
# `float`) such that windows of `window` values **drawn from the same distribution as `reference`** have a PSI
# (computed with the `psi` function below, against `reference`, with `bins` bins) above it at most a share
# `false_alarm` of the time, and that is not higher than it needs to be (a threshold of 100 never false-alarms and
# never detects anything). Use `seed` for any randomness, so the result is reproducible.
#
# The monitored value is the per-signal mean, as in the chapter. The tests draw 4,000 fresh quiet windows from
# 8,000 **new** signals of the same distribution (data your function never sees) and 1,000 drifted windows (held-out signals plus an offset),
# and require, for `window=50` and `false_alarm=0.01`: **at most 2.5 %** of the quiet windows above your threshold
# (1 % plus room for the noise of any estimate), and **at least 80 %** of the windows with an offset of +0.3 above it.
# The hidden tests repeat this for another window size and false-alarm rate.
#
# <details><summary>Hint</summary>
#
# You know the reference sample, so you can simulate quiet windows yourself: draw `window` values from it (with
# replacement) a few thousand times, compute each window's PSI, and read off the right quantile. Which quantile
# leaves a share `false_alarm` above it? Is the rule of thumb 0.25 anywhere near it for a window of 50?
# </details>

# %%
# Given (the chapter's PSI, not graded): use it in your function.
def psi(expected, actual, bins=10, eps=1e-4):
    """Population stability index of `actual` against `expected`, with quantile bins of `expected`."""
    expected, actual = np.asarray(expected, float).ravel(), np.asarray(actual, float).ravel()
    inner = np.quantile(expected, np.linspace(0, 1, bins + 1)[1:-1])
    p = np.bincount(np.searchsorted(inner, expected, side="right"), minlength=bins) / expected.size
    q = np.bincount(np.searchsorted(inner, actual, side="right"), minlength=bins) / actual.size
    p, q = np.clip(p, eps, None), np.clip(q, eps, None)
    return float(np.sum((q - p) * np.log(q / p)))


reference_means = x_train.mean(axis=1)  # the per-signal mean of the training signals
print(f"reference: {reference_means.size} per-signal means, std {reference_means.std():.3f}")
# For the tests: 8,000 fresh signals of the same distribution (another seed), the "quiet traffic" to come.
_fresh_args = get_dataset_args()
_fresh_args.seed, _fresh_args.num_samples = 123, 8000
_fresh = make_dataset(_fresh_args)
quiet_means = np.concatenate([_fresh["x"], _fresh["x_test"]]).astype("float32").mean(axis=1)

# %% nbgrader={"grade_id": "task4_solution", "solution": true}
def quiet_threshold(reference, window, false_alarm=0.01, bins=10, seed=0):
    ### BEGIN SOLUTION
    reference = np.asarray(reference, float).ravel()
    rng = np.random.default_rng(seed)
    null_psi = [psi(reference, rng.choice(reference, size=window, replace=True), bins=bins) for _ in range(2000)]
    return float(np.quantile(null_psi, 1.0 - false_alarm))
    ### END SOLUTION


# %%
# Your cell: choose the threshold for windows of 50 requests (the tests below read `threshold_50`).
threshold_50 = quiet_threshold(reference_means, 50)
print(f"chosen PSI threshold for windows of 50: {threshold_50:.3f} (the rule of thumb is 0.25)")

# %% nbgrader={"grade_id": "task4_tests", "grade": true, "points": 3}
def _alarm_rates4(threshold, window, offset, bins=10, n_quiet=4000, n_drift=1000, seed=11):
    """Share of fresh quiet windows, and of drifted windows, whose PSI exceeds the threshold (vectorised psi)."""
    rng = np.random.default_rng(seed)
    held_out = quiet_means.astype(float)
    inner = np.quantile(reference_means.astype(float), np.linspace(0, 1, bins + 1)[1:-1])
    p = np.clip(np.bincount(np.searchsorted(inner, reference_means, side="right"), minlength=bins)
                / reference_means.size, 1e-4, None)

    def window_psi(values):  # one row per window
        idx = np.searchsorted(inner, values, side="right")
        q = np.clip((idx[..., None] == np.arange(bins)).sum(axis=1) / values.shape[1], 1e-4, None)
        return ((q - p) * np.log(q / p)).sum(axis=1)

    quiet = window_psi(rng.choice(held_out, size=(n_quiet, window)))
    drift = window_psi(rng.choice(held_out, size=(n_drift, window)) + offset)
    return float(np.mean(quiet > threshold)), float(np.mean(drift > threshold))


def _check4(threshold, window, false_alarm, max_quiet, offset, min_detect, label):
    assert isinstance(threshold, float) and np.isfinite(threshold), f"{label}: return a finite Python float, got {threshold!r}"
    quiet, detect = _alarm_rates4(threshold, window, offset)
    assert quiet <= max_quiet, (
        f"{label}: threshold {threshold:.3f} fires on {quiet:.1%} of fresh quiet windows, expected at most {max_quiet:.1%} "
        f"(hint: simulate quiet windows of {window} values and take the quantile that leaves {false_alarm:.0%} above it)")
    assert detect >= min_detect, (
        f"{label}: threshold {threshold:.3f} detects only {detect:.1%} of windows offset by +{offset}, expected at least "
        f"{min_detect:.0%}; false alarms {quiet:.1%} (hint: the threshold is higher than it needs to be)")


_check4(threshold_50, 50, 0.01, 0.025, 0.3, 0.80, "window 50, 1 % false alarms")
print("Task 4: visible tests passed.")
### BEGIN HIDDEN TESTS
_check4(quiet_threshold(reference_means, 50, seed=5), 50, 0.01, 0.025, 0.3, 0.80, "hidden: another seed")
_check4(quiet_threshold(reference_means, 200), 200, 0.01, 0.025, 0.1, 0.65, "hidden: window 200")
_check4(quiet_threshold(reference_means, 50, false_alarm=0.05), 50, 0.05, 0.08, 0.3, 0.95, "hidden: 5 % false alarms")
### END HIDDEN TESTS

# %% [markdown]
# ## Task 5 (3 points): design a canary rule
#
# A new model version answers a small share of the traffic (the *canary*) next to the current one (the *baseline*).
# After an hour you have, for each, a dict `{"requests": int, "errors": int, "latencies_s": 1-D array}` (the
# latencies of the successful requests, in seconds). Write `canary_decision(baseline, canary)` that returns
# `"promote"` or `"rollback"`. The canary is **bad** if its error rate is at least **3 times** the baseline's, or its
# p99 latency at least **1.5 times** the baseline's; it is **good** if it behaves like the baseline. Your rule only
# sees one hour of samples, so it has to tell a real regression from noise: the canary gets 2,000 requests, the
# baseline 20,000, and the baseline's error rate is between 1 % and 2 %.
#
# The tests simulate 200 such rollouts (seeded): 100 good canaries, 50 with 3 times the errors, 50 with a p99
# latency about 1.6 times the baseline's (same median). Your rule must **promote at least 95 %** of the good ones and
# **roll back at least 95 %** of each kind of bad one. They also check that a canary with no errors and the
# baseline's latencies is promoted, and one whose every request failed is rolled back.
#
# <details><summary>Hint</summary>
#
# Compare rates, not counts (the canary sees a tenth of the traffic), and p99, not the mean (a slow tail barely
# moves the mean). "Worse than the baseline" is true half the time for an identical version: put a margin between
# "no worse" (ratio 1) and "bad" (ratio 3 for errors, 1.5 for p99), or use a statistical test. A canary without any
# successful request has no latencies at all.
# </details>

# %% nbgrader={"grade_id": "task5_solution", "solution": true}
def canary_decision(baseline, canary):
    ### BEGIN SOLUTION
    def error_rate(version):
        return version["errors"] / max(version["requests"], 1)

    if error_rate(canary) > 2.0 * error_rate(baseline) + 1e-9:  # halfway (in ratio) between 1 and the bad 3
        return "rollback"
    if len(canary["latencies_s"]) == 0:
        return "rollback"
    p99_base, p99_canary = (float(np.percentile(v["latencies_s"], 99)) for v in (baseline, canary))
    if p99_canary > 1.25 * p99_base:  # between 1 and the bad 1.5
        return "rollback"
    return "promote"
    ### END SOLUTION


# %% nbgrader={"grade_id": "task5_tests", "grade": true, "points": 3}
def _version5(rng, n, error_rate, sigma, median_s=0.02):
    errors = int(rng.binomial(n, error_rate))
    return {"requests": n, "errors": errors, "latencies_s": median_s * rng.lognormal(0.0, sigma, size=n - errors)}


def _rollouts5(seed, n_good=100, n_bad=50):
    rng = np.random.default_rng(seed)
    kinds = ["good"] * n_good + ["errors x3"] * n_bad + ["p99 x1.6"] * n_bad
    out = []
    for kind in kinds:
        rate = rng.uniform(0.01, 0.02)
        base = _version5(rng, 20_000, rate, 0.5)
        canary = _version5(rng, 2_000, 3 * rate if kind == "errors x3" else rate, 0.7 if kind == "p99 x1.6" else 0.5)
        out.append((kind, base, canary))
    return out  # sigma 0.5 -> 0.7 at the same median: p99 x exp(2.326 * 0.2) = 1.59, mean x 1.13


def _check5(seed, label):
    decisions = {}
    for kind, base, canary in _rollouts5(seed):
        got = canary_decision(base, canary)
        assert got in ("promote", "rollback"), f"{label}: return 'promote' or 'rollback', got {got!r}"
        decisions.setdefault(kind, []).append(got)
    promoted = np.mean([d == "promote" for d in decisions["good"]])
    caught = {k: np.mean([d == "rollback" for d in v]) for k, v in decisions.items() if k != "good"}
    report = f"good promoted {promoted:.0%}, " + ", ".join(f"{k} rolled back {v:.0%}" for k, v in caught.items())
    assert promoted >= 0.95, f"{label}: {report}; expected ≥ 95 % of good canaries promoted (hint: noise is not a regression)"
    for kind, share in caught.items():
        assert share >= 0.95, f"{label}: {report}; expected ≥ 95 % of '{kind}' canaries rolled back"
    return report


print("visible simulation:", _check5(0, "200 simulated rollouts"))
print("Task 5: visible tests passed.")
### BEGIN HIDDEN TESTS
_check5(1, "hidden: another 200 rollouts")
_rng5 = np.random.default_rng(2)
_base = _version5(_rng5, 20_000, 0.015, 0.5)
_same_latency = {"requests": 2_000, "errors": 0, "latencies_s": _base["latencies_s"][:2_000].copy()}
assert canary_decision(_base, _same_latency) == "promote", "hidden: no errors and the baseline's own latencies: promote"
_all_failed = {"requests": 2_000, "errors": 2_000, "latencies_s": np.array([])}
assert canary_decision(_base, _all_failed) == "rollback", "hidden: every canary request failed: roll back (and do not raise)"
_slow = {"requests": 2_000, "errors": 20, "latencies_s": 3.0 * _base["latencies_s"][:1_980]}
assert canary_decision(_base, _slow) == "rollback", "hidden: three times slower everywhere: roll back"
### END HIDDEN TESTS
