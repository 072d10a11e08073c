# %% [markdown]
# # Exercise 8: quantization
#
# You will write the affine quantizer of [Chapter 8](../chapters/08_quantization.md) the way TFLite's kernels round,
# and check it against the numbers inside a real TensorFlow Lite int8 model, decide how few bits a layer can take,
# write the int8 converter yourself, and then build a model that meets a size and an accuracy target. Everything is checked automatically (14 points):
#
# | Task | What you build | Points | Time |
# |---|---|---|---|
# | 1 | `quantize(x, scale, zero_point, bits)` with TFLite's rounding, and `dequantize(q, scale, zero_point)` | 3 | 20 min |
# | 2 | `fewest_bits(w, min_sqnr_db, per_channel)`: **decide** the smallest bit width that keeps a target SQNR | 3 | 20 min |
# | 3 | `convert_int8(saved_model_dir, calibration_data)`: a full-integer `.tflite` model, as bytes | 4 | 25 min |
# | 4 | `tiny_int8_model(x, y)`: **design** a `.tflite` file ≤ 25,000 bytes with ≥ 0.80 test accuracy, trained in seconds | 4 | 30 min |
#
# The times are estimates for a learner who has read the chapter (about 95 minutes in all). Tasks 2 and 4 are
# decisions: their tests measure the consequence (the SQNR reached; the file's size and accuracy), not one literal answer.
# Each task has visible tests below your code: run them, read their messages, fix, repeat.
# When grading, more (hidden) tests of the same rules run.

# %%
# Setup: runs unchanged locally, in Colab and on a GPU. Installs only in Colab, and never TensorFlow/Keras there.
import os
import sys

COLAB_PACKAGES: list[str] = ["mnist1d==0.0.2.post1", "ai-edge-litert==2.3.0"]  # pinned extras Colab does not ship
if "google.colab" in sys.modules and COLAB_PACKAGES:
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
import tempfile
import time
import warnings
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter
from mnist1d.data import get_dataset_args, make_dataset

tf.get_logger().setLevel("ERROR")  # fresh models each trace their own training step: TF's "retracing" notice is expected
print(f"TensorFlow {tf.__version__} | Keras {keras.__version__} | NumPy {np.__version__}")

# MNIST-1D, generated locally: 4,000 training and 1,000 test signals of 40 samples, 10 classes.
data = make_dataset(get_dataset_args())
x_train, y_train = data["x"].astype("float32"), data["y"].astype("int64")
x_test, y_test = data["x_test"].astype("float32"), data["y_test"].astype("int64")
print(f"{len(x_train)} training and {len(x_test)} test signals")

# %% [markdown]
# The next cell trains a small CNN (a few seconds), exports it as a SavedModel to `SAVED_MODEL_DIR`, converts it to a
# full-integer int8 TFLite model (float input and output, calibrated on `CALIBRATION` = the first 200 training
# signals), and stores what the interpreter says about it in `ref`:
#
# * `ref["weights"][layer]` for `layer` in `conv1`, `conv2`, `dense1`, `logits`: `"float"` the layer's float kernel in
#   **TFLite's layout, output channel first** (`(out, 5, 1, in)` for the convolutions, `(out, in)` for the dense
#   layers), `"q"` the int8 weights the interpreter holds, `"scales"` and `"zero_points"` their per-channel parameters;
# * `ref["input_scale"]`, `ref["input_zero_point"]`: the input tensor's parameters; `ref["x_probe"]` 50 test signals and
#   `ref["input_q"]` the int8 codes the interpreter's own QUANTIZE op made of them;
# * `ref["output_q"]`, `ref["output_scale"]`, `ref["output_zero_point"]`, `ref["output_float"]`: the int8 logits of
#   those 50 signals, their parameters, and the floats the interpreter's DEQUANTIZE op made of them.
#
# It also exports `PROBE_DIR`, an untrained model with a `sin` layer between two Dense layers: TFLite has no int8
# sine, so a full-integer conversion of it is impossible (Task 3 uses it).

# %%
keras.utils.set_random_seed(0)
model = keras.Sequential([
    keras.Input((40,)), keras.layers.Reshape((40, 1, 1)),
    keras.layers.Conv2D(16, (5, 1), padding="same", activation="relu", name="conv1"),
    keras.layers.Conv2D(32, (5, 1), padding="same", activation="relu", name="conv2"),
    keras.layers.MaxPooling2D((2, 1)), keras.layers.Flatten(),
    keras.layers.Dense(64, activation="relu", name="dense1"), keras.layers.Dense(10, name="logits")])
model.compile(optimizer=keras.optimizers.Adam(3e-3), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
model.fit(x_train, y_train, batch_size=128, epochs=6, verbose=0)
float_accuracy = float(np.mean(np.argmax(model(x_test, training=False), axis=1) == y_test))

SAVED_MODEL_DIR = str(Path(tempfile.mkdtemp()) / "cnn")
model.export(SAVED_MODEL_DIR, verbose=False)
CALIBRATION = x_train[:200]
converter = tf.lite.TFLiteConverter.from_saved_model(SAVED_MODEL_DIR)
float_tflite_bytes = len(converter.convert())
converter.optimizations = [tf.lite.Optimize.DEFAULT]
converter.representative_dataset = lambda: ([CALIBRATION[i:i + 20]] for i in range(0, len(CALIBRATION), 20))
reference_model = converter.convert()  # full integer inside, float input and output
# (the converter notes "fully_quantize: ..." and absl lines on stderr: progress messages, harmless)

with warnings.catch_warnings():  # LiteRT warns that keeping every intermediate tensor is for debugging: it is, here
    warnings.filterwarnings("ignore", message=".*experimental_preserve_all_tensors")
    interpreter = Interpreter(model_content=reference_model, experimental_preserve_all_tensors=True)
interpreter.resize_tensor_input(interpreter.get_input_details()[0]["index"], (50, 40))
interpreter.allocate_tensors()
ref = {"x_probe": x_test[:50], "weights": {}}
interpreter.set_tensor(interpreter.get_input_details()[0]["index"], ref["x_probe"])
interpreter.invoke()
by_shape = {(tuple(d["shape"]), d["dtype"]): d for d in interpreter.get_tensor_details()}
for layer in ("conv1", "conv2", "dense1", "logits"):
    kernel = np.asarray(model.get_layer(layer).kernel)
    kernel = np.transpose(kernel, (3, 0, 1, 2)) if kernel.ndim == 4 else kernel.T  # output channel first
    d = by_shape[kernel.shape, np.int8]
    ref["weights"][layer] = {"float": kernel, "q": interpreter.get_tensor(d["index"]),
                             "scales": d["quantization_parameters"]["scales"],
                             "zero_points": d["quantization_parameters"]["zero_points"]}
d_in, d_out = by_shape[(50, 40), np.int8], by_shape[(50, 10), np.int8]
ref.update(input_scale=d_in["quantization"][0], input_zero_point=d_in["quantization"][1],
           input_q=interpreter.get_tensor(d_in["index"]),
           output_scale=d_out["quantization"][0], output_zero_point=d_out["quantization"][1],
           output_q=interpreter.get_tensor(d_out["index"]),
           output_float=interpreter.get_tensor(interpreter.get_output_details()[0]["index"]))


keras.utils.set_random_seed(0)
PROBE_DIR = str(Path(tempfile.mkdtemp()) / "probe")
keras.Sequential([keras.Input((40,)), keras.layers.Dense(8), keras.layers.Lambda(keras.ops.sin),
                  keras.layers.Dense(10)]).export(PROBE_DIR, verbose=False)


def codes_differing(x, scale, zero_point, got, expected):
    """How many int8 codes differ by more than a rounding tie: TFLite rounds x / s computed in float32, half away from
    zero, so where x / s lies within float32 precision of a half-integer either neighbour is accepted."""
    ratio = np.asarray(x, dtype=np.float64) / np.asarray(scale, dtype=np.float64)
    at_tie = np.abs(np.abs(ratio) % 1 - 0.5) < 1e-4
    diff = np.abs(np.asarray(got, dtype=np.int64) - np.asarray(expected, dtype=np.int64))
    return int(np.sum((diff > 1) | ((diff == 1) & ~at_tie)))


print(f"float model: test accuracy {float_accuracy:.3f}, TFLite float32 file {float_tflite_bytes:,} bytes; "
      f"reference int8 model {len(reference_model):,} bytes; input scale {ref['input_scale']:.5f}, "
      f"zero point {ref['input_zero_point']}")

# %% [markdown]
# ## Task 1 (3 points): quantize and dequantize
#
# Chapter 8's quantizer rounds with NumPy (`np.round`: halves to the nearest **even** integer, in float64) and
# explains that TFLite does it differently. Write the quantizer **as TFLite's kernels compute it**, and its inverse:
#
# * `quantize(x, scale, zero_point, bits=8)` returns $q = \operatorname{clamp}(\operatorname{round}(x / s) + z,\ -2^{b-1},\ 2^{b-1}-1)$
#   as an `np.int8` array (every `bits` from 2 to 8 fits in int8), where $x / s$ is computed in **float32** and
#   `round` rounds halves **away from zero** (TFLite's rule: 0.5 → 1, 1.5 → 2, 2.5 → 3, −0.5 → −1, −2.5 → −3;
#   `np.round` and `np.rint` give 0, 2, 2, −0, −2 for the same values).
# * `dequantize(q, scale, zero_point)` returns $\hat x = s\,(q - z)$ as a float array (`np.float32` or `np.float64`).
#   Convert `q` to float **before** subtracting: int8 arithmetic overflows (`np.int8(-128) - np.int8(5)` wraps).
# * `x` and `q` are arrays of any shape; `scale` and `zero_point` are scalars or arrays that broadcast against them
#   (per-channel parameters come shaped for broadcasting, e.g. `(out, 1, 1, 1)` for a convolution kernel).
# * The range is the **full** range $[-2^{b-1}, 2^{b-1}-1]$ for every `bits`: with `bits=4` the codes lie in
#   $[-8, 7]$. Out-of-range values are clipped, never wrapped. Note that this is **not** Chapter 8's
#   `qrange(bits, symmetric=True)`, which drops the lowest code for symmetric weights (narrow range, $[-7, 7]$ at
#   4 bits, $[-127, 127]$ at 8): here one function serves weights and activations alike, as TFLite's QUANTIZE op
#   does, so copying the chapter's narrow range fails the tests.
#
# The tests compare your codes with the int8 weights inside the reference model (`ref["weights"]`), with the codes the
# interpreter's QUANTIZE op made of `ref["x_probe"]`, and your dequantized logits with its DEQUANTIZE op's output.
# Against the real file, where $x/s$ is a half-integer to float32 precision, the tests accept either neighbour
# (`codes_differing` in the setup cell: the converter's own arithmetic may differ in the last bit); on exact halves
# such as 2.5 they require your rounding to be TFLite's.
#
# <details><summary>Hint</summary>
#
# Rounding half away from zero is "add a half to the magnitude, floor it, put the sign back". Divide float32 by
# float32. Then add the zero point, clip to $[-2^{b-1}, 2^{b-1}-1]$ and cast. For `dequantize`, `.astype(np.float64)`
# first.
# </details>

# %% nbgrader={"grade_id": "task1_solution", "solution": true}
def quantize(x, scale, zero_point, bits=8):
    ### BEGIN SOLUTION
    ratio = np.asarray(x, dtype=np.float32) / np.asarray(scale, dtype=np.float32)
    away_from_zero = np.sign(ratio) * np.floor(np.abs(ratio) + np.float32(0.5))
    lowest, highest = -(1 << (bits - 1)), (1 << (bits - 1)) - 1
    return np.clip(away_from_zero.astype(np.int64) + np.asarray(zero_point, dtype=np.int64), lowest, highest).astype(np.int8)
    ### END SOLUTION


def dequantize(q, scale, zero_point):
    ### BEGIN SOLUTION
    codes = np.array(q, dtype=np.float64)  # leave int8 before subtracting: int8 arithmetic wraps
    return (codes - zero_point) * np.array(scale, dtype=np.float64)
    ### END SOLUTION


# %% nbgrader={"grade_id": "task1_tests", "grade": true, "points": 3}
_got = quantize(np.array([-1.0, 0.0, 0.26, 1.0, 100.0, -100.0]), 0.5, 0)
_want = np.array([-2, 0, 1, 2, 127, -128])
assert isinstance(_got, np.ndarray) and _got.dtype == np.int8, f"quantize must return an np.int8 array, got {type(_got).__name__} {getattr(_got, 'dtype', '')}"
assert np.array_equal(_got, _want), f"quantize(x, 0.5, 0): expected {_want}, got {_got} (round, add z, clip to [-128, 127])"
_got = quantize(np.array([0.0, 0.3]), 0.1, -5)
assert np.array_equal(_got, [-5, -2]), f"quantize([0, 0.3], 0.1, zero_point=-5): expected [-5 -2], got {_got}"
_ties = np.array([0.5, 1.5, 2.5, -0.5, -2.5])
_got = quantize(_ties, 1.0, 0)
assert np.array_equal(_got, [1, 2, 3, -1, -3]), (
    f"quantize({_ties.tolist()}, 1.0, 0): expected [1 2 3 -1 -3] (halves away from zero, as TFLite), got {_got} "
    "(hint: np.round rounds halves to even)")
_dq = dequantize(np.array([-5, -2, 127], dtype=np.int8), 0.1, -5)
assert np.allclose(_dq, [0.0, 0.3, 13.2]), f"dequantize([-5, -2, 127], 0.1, -5): expected [0. 0.3 13.2], got {_dq}"
_w = ref["weights"]["dense1"]
_q = quantize(_w["float"], _w["scales"][:, None], 0)
assert _q.shape == _w["q"].shape, f"dense1: expected shape {_w['q'].shape}, got {_q.shape}"
_bad = codes_differing(_w["float"], _w["scales"][:, None], 0, _q, _w["q"])
assert _bad == 0, f"dense1: {_bad} of {_q.size} codes differ from the interpreter's int8 weights (first row: got {_q[0, :5]}, expected {_w['q'][0, :5]}; scales broadcast per row)"
_qin = quantize(ref["x_probe"], ref["input_scale"], ref["input_zero_point"])
_bad = codes_differing(ref["x_probe"], ref["input_scale"], ref["input_zero_point"], _qin, ref["input_q"])
assert _qin.shape == ref["input_q"].shape and _bad == 0, \
    f"input: {_bad} codes differ from the interpreter's QUANTIZE op (first got {_qin[0, :5]}, expected {ref['input_q'][0, :5]})"
print("Task 1: visible tests passed.")
### BEGIN HIDDEN TESTS
for _name in ("conv1", "conv2", "logits"):
    _w = ref["weights"][_name]
    _shape = (-1,) + (1,) * (_w["float"].ndim - 1)
    _q = quantize(_w["float"], _w["scales"].reshape(_shape), 0)
    assert codes_differing(_w["float"], _w["scales"].reshape(_shape), 0, _q, _w["q"]) == 0, f"hidden: {_name} int8 weights"
_dq = dequantize(ref["output_q"], ref["output_scale"], ref["output_zero_point"])
assert np.allclose(_dq, ref["output_float"], rtol=1e-5, atol=1e-6), "hidden: dequantized logits == interpreter's DEQUANTIZE op"
assert np.array_equal(quantize(np.array([-9.0, -8.0, 7.0, 8.0, 0.4]), 1.0, 0, bits=4), [-8, -8, 7, 7, 0]), "hidden: 4-bit range [-8, 7]"
assert np.array_equal(quantize(np.array([3.0]), 1.0, 126), [127]), "hidden: clip after adding the zero point"
assert np.array_equal(quantize(np.array([-1.0]), 1.0, -128), [-128]), "hidden: clip at the bottom"
_dq = dequantize(np.array([-128], dtype=np.int8), 2.0, 5)
assert np.allclose(_dq, [-266.0]), f"hidden: no int8 overflow in dequantize (expected -266, got {_dq})"
_x = np.random.default_rng(1).normal(size=(3, 7))
_q = quantize(_x, 0.05, 3)
assert np.abs(dequantize(_q, 0.05, 3) - _x).max() <= 0.025 + 1e-9, "hidden: in-range error at most s/2"
assert _q.shape == (3, 7), "hidden: shape kept"
assert np.array_equal(quantize(np.array([0.75, -0.25, 1.25]), 0.5, 2), [4, 1, 5]), "hidden: ties after dividing by 0.5"
assert np.array_equal(quantize(np.array([3.5, -4.5]), 1.0, 0, bits=4), [4, -5]), "hidden: 4-bit ties away from zero"
assert np.array_equal(quantize(np.float32(0.3) * np.array([1, 3, 5], dtype=np.float32), np.float32(0.3) * 2, 0), [1, 2, 3]), \
    "hidden: exact halves of float32 inputs (0.3, 0.9, 1.5 over 0.6)"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 (3 points): decide how few bits a layer can take
#
# Chapter 8 measures that each extra bit adds about 6 dB of signal-to-quantization-noise ratio (SQNR). Turn that into
# a decision: how many bits does a given weight tensor need to keep a target SQNR? Write
# `fewest_bits(w, min_sqnr_db, per_channel=True)` returning the **smallest** `bits` in 2…8 (an `int`) for which
# symmetric quantization of `w` reaches `min_sqnr_db`, or `None` if not even 8 bits do. The quantization the tests
# use to judge your answer:
#
# * symmetric, narrow range: $s = \max|w| / (2^{b-1} - 1)$, $z = 0$; **per channel** (one scale per index of axis 0,
#   the output channel in TFLite's layout, the maximum taken over all other axes) when `per_channel` is true,
#   otherwise one scale for the whole tensor; a channel (or tensor) that is all zero gets $s = 1$;
# * codes $q = \operatorname{round}(w/s)$ with TFLite's rounding (your Task 1 `quantize` does exactly this; the
#   narrow range never clips here), $\hat w = s\,q$;
# * $\mathrm{SQNR} = 10 \log_{10}\big(\sum w^2 / \sum (w - \hat w)^2\big)$ dB (`np.inf` if the error is 0).
#
# The tests check the consequence of your decision: at your `bits` the SQNR is at least `min_sqnr_db`, and at
# `bits - 1` it is below (or `bits` is 2). They use the kernels inside the reference int8 model and tensors whose
# channels have very different ranges (where per-tensor scales need more bits than per-channel ones).
#
# <details><summary>Hint</summary>
#
# Try the widths in increasing order. The "6 dB per bit" rule is an approximation: measure, do not extrapolate.
# For per-channel maxima, `np.max(np.abs(w), axis=tuple(range(1, w.ndim)), keepdims=True)` broadcasts back.
# </details>

# %% nbgrader={"grade_id": "task2_solution", "solution": true}
def fewest_bits(w, min_sqnr_db, per_channel=True):
    ### BEGIN SOLUTION
    w = np.asarray(w, dtype=np.float64)
    over = tuple(range(1, w.ndim)) if per_channel and w.ndim > 1 else None
    peak = np.max(np.abs(w), axis=over, keepdims=over is not None)
    signal = float(np.sum(w**2))
    for bits in range(2, 9):
        step = np.where(peak > 0, peak / (2 ** (bits - 1) - 1), 1.0)
        noise = float(np.sum((w - step * quantize(w, step, 0, bits)) ** 2))
        if noise == 0 or 10 * np.log10(signal / noise) >= min_sqnr_db:
            return bits
    return None
    ### END SOLUTION


# %% nbgrader={"grade_id": "task2_tests", "grade": true, "points": 3}
def _sqnr2(w, bits, per_channel):
    w = np.asarray(w, dtype=np.float64)
    axes = tuple(range(1, w.ndim)) if per_channel and w.ndim > 1 else None
    peak = np.max(np.abs(w), axis=axes, keepdims=axes is not None)
    s = np.where(peak > 0, peak / (2 ** (bits - 1) - 1), 1.0)
    r = (w / s).astype(np.float32)
    err = np.sum((w - s * np.sign(r) * np.floor(np.abs(r) + 0.5)) ** 2)
    return np.inf if err == 0 else float(10 * np.log10(np.sum(w**2) / err))


def _check2(w, target, per_channel, label):
    got = fewest_bits(w, target, per_channel=per_channel)
    sqnrs = {b: round(_sqnr2(w, b, per_channel), 2) for b in range(2, 9)}
    if sqnrs[8] < target:
        assert got is None, f"{label}: not even 8 bits reach {target} dB (SQNR by bits {sqnrs}), expected None, got {got!r}"
        return
    assert isinstance(got, int) and 2 <= got <= 8, f"{label}: expected an int in 2..8, got {got!r}"
    assert sqnrs[got] >= target, (f"{label}: at {got} bits the SQNR is {sqnrs[got]} dB, below {target} dB "
                                  "(hint: per channel means one scale per output channel, axis 0)")
    assert got == 2 or sqnrs[got - 1] < target, (
        f"{label}: {got - 1} bits already give {sqnrs[got - 1]} dB ≥ {target} dB, so {got} is not the fewest "
        "(hint: measure each width instead of extrapolating 6 dB per bit)")


_k = ref["weights"]["dense1"]["float"]
_check2(_k, 30.0, True, "dense1 kernel, 30 dB, per channel")
_uneven = np.random.default_rng(4).normal(size=(6, 50)) * np.array([[0.01], [0.03], [0.1], [0.3], [1.0], [3.0]])
_check2(_uneven, 25.0, True, "channels spanning 300× in range, 25 dB, per channel")
_check2(_uneven, 25.0, False, "the same tensor, 25 dB, per tensor")
print("Task 2: visible tests passed.")
### BEGIN HIDDEN TESTS
for _name in ("conv1", "conv2", "logits"):
    for _target in (15.0, 28.0, 40.0):
        _check2(ref["weights"][_name]["float"], _target, True, f"hidden: {_name}, {_target} dB")
_check2(ref["weights"]["conv2"]["float"], 33.0, False, "hidden: conv2 per tensor")
_check2(_uneven, 45.0, True, "hidden: 45 dB")
_check2(_uneven, 60.0, False, "hidden: 60 dB per tensor: more than 8 bits")
_check2(np.concatenate([_uneven, np.zeros((1, 50))]), 20.0, True, "hidden: an all-zero channel")
_check2(np.linspace(-1, 1, 101), 20.0, True, "hidden: a 1-D tensor")
assert fewest_bits(np.zeros((3, 4)), 30.0) == 2, "hidden: an all-zero tensor is exact at 2 bits"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 (4 points): your own int8 converter
#
# Write `convert_int8(saved_model_dir, calibration_data)` that returns the bytes of a **full-integer** TFLite model:
#
# * converted from the SavedModel at `saved_model_dir` with `tf.lite.TFLiteConverter.from_saved_model`;
# * every operation in int8 (`tf.lite.OpsSet.TFLITE_BUILTINS_INT8`), **int8 input and int8 output**;
# * calibrated on **all** of `calibration_data`, a float32 array of shape `(N, 40)` (yield it in batches; the model
#   accepts any batch size);
# * **full integer or an error.** `TFLITE_BUILTINS_INT8` asks for int8 kernels, but the TensorFlow 2.21 converter
#   still keeps an operation that has no int8 kernel in float (with a QUANTIZE/DEQUANTIZE pair around it) and says
#   nothing. So check what you converted: load the bytes into an `Interpreter` and, if any of its tensors
#   (`get_tensor_details()`) is `np.float32`, raise a `ValueError` that names them. With int8 input and output, a
#   full-integer model has no float32 tensor at all.
#
# The cell below your function converts the model trained above with the first 300 training signals (the two with
# the most extreme values moved to the end) and stores the bytes, then converts `PROBE_DIR` (the model with a `sin` layer) and stores the exception it raised. The tests load
# the bytes into an interpreter and check: int8 input and output; no float32 tensor; int8 weights; the file at most
# 30 % of the float32 TFLite file (`float_tflite_bytes`); test accuracy (inputs quantized with the input tensor's own
# scale and zero point) at most 2 points below the float model's `float_accuracy`; an input scale and zero point
# that match the range of the whole calibration set; and a `ValueError` for `PROBE_DIR`.
#
# <details><summary>Hint</summary>
#
# Chapter 8's `convert` function with `mode="int8", int8_io=True`: `optimizations`, `representative_dataset` (a
# function returning an iterator of one-element lists), `target_spec.supported_ops`, `inference_input_type` and
# `inference_output_type`. Then
# `[d["name"] for d in Interpreter(model_content=model_bytes).get_tensor_details() if d["dtype"] == np.float32]`.
# </details>

# %% nbgrader={"grade_id": "task3_solution", "solution": true}
def convert_int8(saved_model_dir, calibration_data):
    ### BEGIN SOLUTION
    converter = tf.lite.TFLiteConverter.from_saved_model(str(saved_model_dir))
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    batches = [calibration_data[i:i + 50] for i in range(0, len(calibration_data), 50)]
    converter.representative_dataset = lambda: ([b] for b in batches)
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    model_bytes = converter.convert()
    floats = [d["name"] for d in Interpreter(model_content=model_bytes).get_tensor_details() if d["dtype"] == np.float32]
    if floats:
        raise ValueError(f"not a full-integer model: {len(floats)} float32 tensors, e.g. {floats[:3]}")
    return model_bytes
    ### END SOLUTION


MY_CALIBRATION = x_train[:300]
_extremes = [int(np.argmin(MY_CALIBRATION.min(axis=1))), int(np.argmax(MY_CALIBRATION.max(axis=1)))]
MY_CALIBRATION = np.concatenate([np.delete(MY_CALIBRATION, _extremes, axis=0), MY_CALIBRATION[_extremes]])  # extremes last
my_int8_model = convert_int8(SAVED_MODEL_DIR, MY_CALIBRATION)
print(f"{len(my_int8_model):,} bytes")
try:
    probe_result = convert_int8(PROBE_DIR, MY_CALIBRATION)
except Exception as error:  # the tests check that the sine model was refused
    probe_result = error
print("PROBE_DIR: " + (f"{len(probe_result):,} bytes" if isinstance(probe_result, (bytes, bytearray))
                      else f"{type(probe_result).__name__}: {str(probe_result)[:200]}"))

# %% nbgrader={"grade_id": "task3_tests", "grade": true, "points": 4}
assert isinstance(my_int8_model, (bytes, bytearray)), f"return the model's bytes, got {type(my_int8_model).__name__}"
_it = Interpreter(model_content=bytes(my_int8_model))
_in, _out = _it.get_input_details()[0], _it.get_output_details()[0]
assert _in["dtype"] == np.int8 and _out["dtype"] == np.int8, \
    f"input/output types: expected int8/int8, got {_in['dtype'].__name__}/{_out['dtype'].__name__} (inference_input_type, inference_output_type)"
_floats = [d["name"] for d in _it.get_tensor_details() if d["dtype"] == np.float32]
assert not _floats, f"full integer: expected no float32 tensor, got {len(_floats)}, e.g. {_floats[:3]} (int8 input and output?)"
assert isinstance(probe_result, ValueError), (
    f"PROBE_DIR (a sine layer, no int8 kernel): expected convert_int8 to raise ValueError, got "
    + (f"{len(probe_result):,} bytes of a model that falls back to float" if isinstance(probe_result, (bytes, bytearray))
       else f"{type(probe_result).__name__}: {str(probe_result)[:120]}")
    + " (TFLITE_BUILTINS_INT8 alone does not stop the fallback: check the interpreter's tensor dtypes)")
_limit = 0.3 * float_tflite_bytes
assert len(my_int8_model) <= _limit, f"size: expected ≤ {_limit:,.0f} bytes (30 % of float32), got {len(my_int8_model):,}"
_it.resize_tensor_input(_in["index"], x_test.shape)
_it.allocate_tensors()
_s_in, _z_in = _in["quantization"]
_it.set_tensor(_in["index"], np.clip(np.round(x_test / _s_in) + _z_in, -128, 127).astype(np.int8))
_it.invoke()
_acc = float(np.mean(np.argmax(_it.get_tensor(_out["index"]), axis=1) == y_test))
assert _acc >= float_accuracy - 0.02, \
    f"test accuracy: expected ≥ {float_accuracy - 0.02:.3f} (float {float_accuracy:.3f} − 2 points), got {_acc:.3f} (check the calibration data)"
print(f"Task 3: visible tests passed ({len(my_int8_model):,} bytes, test accuracy {_acc:.3f}, float {float_accuracy:.3f}).")
### BEGIN HIDDEN TESTS
_types = {d["name"]: d["dtype"] for d in _it.get_tensor_details() if len(d["shape"]) >= 2 and d["shape"][0] in (16, 32, 64, 10)}
assert all(t == np.int8 for t in _types.values()), f"hidden: all weight tensors int8, got {set(t.__name__ for t in _types.values())}"
_lo, _hi = min(float(MY_CALIBRATION.min()), 0.0), max(float(MY_CALIBRATION.max()), 0.0)
assert np.isclose(_s_in, (_hi - _lo) / 255, rtol=1e-5), \
    f"hidden: input scale {_s_in:.6f} does not match the calibration range (expected {(_hi - _lo) / 255:.6f}): calibrate on all of calibration_data"
assert _z_in == int(np.round(-128 - _lo / ((_hi - _lo) / 255))), "hidden: input zero point from the calibration range"
assert np.all(np.isfinite(_it.get_tensor(_out["index"]).astype(float))), "hidden: finite outputs"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 (4 points): small, accurate, and quick
#
# Write `tiny_int8_model(x, y)` that trains a Keras model on `x` (shape `(N, 40)`, float32) and `y` (labels 0–9) and
# returns the bytes of an int8 TFLite model with **int8 input and output** (like Task 3), such that:
#
# * the file is **≤ 25,000 bytes**,
# * its **test accuracy ≥ 0.80** on `x_test`, `y_test` (1,000 signals; inputs quantized with the input's own scale and
#   zero point, prediction = argmax of the int8 output),
# * the training is small: the cell below the function (training + conversion) should take well under a minute on a
#   laptop CPU (the reference takes about 10 s). The time is printed, not graded: on a busy machine a time says
#   little.
#
# Any architecture. Seed what you train (`keras.utils.set_random_seed(0)`), so the result repeats; `verbose=0`. You may
# call your `convert_int8` (export the model with `model.export(directory, verbose=False)` first), or convert here.
#
# <details><summary>Hint</summary>
#
# Budget the bytes: int8 stores one byte per weight plus about 7 kB of graph and quantization parameters, so keep
# the model near 13,000 parameters. The reference model above with 16 and 32 filters, `MaxPooling2D((4, 1))`, a
# `Dense(32)` layer, and about 15 epochs of Adam (learning rate 3e-3 with a cosine decay) does it.
# </details>

# %% nbgrader={"grade_id": "task4_solution", "solution": true}
def tiny_int8_model(x, y):
    ### BEGIN SOLUTION
    keras.utils.set_random_seed(0)
    tiny = keras.Sequential([
        keras.Input((40,)), keras.layers.Reshape((40, 1, 1)),
        keras.layers.Conv2D(16, (5, 1), padding="same", activation="relu"),
        keras.layers.Conv2D(32, (5, 1), padding="same", activation="relu"),
        keras.layers.MaxPooling2D((4, 1)), keras.layers.Flatten(),
        keras.layers.Dense(32, activation="relu"), keras.layers.Dense(10)])
    epochs = 15
    schedule = keras.optimizers.schedules.CosineDecay(3e-3, epochs * int(np.ceil(len(x) / 128)))
    tiny.compile(optimizer=keras.optimizers.Adam(schedule),
                 loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    tiny.fit(x, y, batch_size=128, epochs=epochs, verbose=0)
    directory = str(Path(tempfile.mkdtemp()) / "tiny")
    tiny.export(directory, verbose=False)
    converter = tf.lite.TFLiteConverter.from_saved_model(directory)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([x[i:i + 50]] for i in range(0, 300, 50))
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    return converter.convert()
    ### END SOLUTION


_start = time.perf_counter()
tiny_model = tiny_int8_model(x_train, y_train)
tiny_seconds = time.perf_counter() - _start
print(f"{len(tiny_model):,} bytes, trained and converted in {tiny_seconds:.1f} s")

# %% nbgrader={"grade_id": "task4_tests", "grade": true, "points": 4}
assert isinstance(tiny_model, (bytes, bytearray)), f"return the model's bytes, got {type(tiny_model).__name__}"
assert len(tiny_model) <= 25_000, f"size: expected ≤ 25,000 bytes, got {len(tiny_model):,} (fewer parameters)"
_it = Interpreter(model_content=bytes(tiny_model))
_in, _out = _it.get_input_details()[0], _it.get_output_details()[0]
assert _in["dtype"] == np.int8 and _out["dtype"] == np.int8, \
    f"input/output types: expected int8/int8, got {_in['dtype'].__name__}/{_out['dtype'].__name__}"
_it.resize_tensor_input(_in["index"], x_test.shape)
_it.allocate_tensors()
_s_in, _z_in = _in["quantization"]
_it.set_tensor(_in["index"], np.clip(np.round(x_test / _s_in) + _z_in, -128, 127).astype(np.int8))
_it.invoke()
_pred = np.argmax(_it.get_tensor(_out["index"]), axis=1)
_acc = float(np.mean(_pred == y_test))
assert _acc >= 0.80, f"test accuracy: expected ≥ 0.80, got {_acc:.3f} (train longer, or a bigger model within the size)"
print(f"Task 4: visible tests passed ({len(tiny_model):,} bytes, test accuracy {_acc:.3f}, {tiny_seconds:.1f} s).")
### BEGIN HIDDEN TESTS
assert len(np.unique(_pred)) == 10, "hidden: the model predicts all ten classes"
assert _it.get_tensor(_out["index"]).shape == (len(x_test), 10), "hidden: ten outputs per signal"
### END HIDDEN TESTS
