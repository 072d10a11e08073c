# %% [markdown]
# # Exercise 13: LoRA
#
# You will count and merge LoRA adapters of any shape, freeze a model for a LoRA variant the chapter did not build,
# and make two decisions whose consequences the tests measure. None of it re-types a function of
# [Chapter 13](../chapters/13_finetuning.md): the chapter works with 2-D `Dense` kernels and adapts every block
# layer; here the kernels have any number of axes (Keras's `EinsumDense` rule), only the attention is adapted, and
# you choose a rank, a rate and a method. Everything is checked automatically (13 points):
#
# | Task | What you build | Points | Time |
# |---|---|---|---|
# | 1 | `lora_param_count(kernel_shape, rank)`: Keras's LoRA count for a kernel of any shape | 2 | 10 min |
# | 2 | `merge_lora(kernel, a, b, alpha, rank)`: merge an adapter of any shape, checked against Keras | 3 | 15 min |
# | 3 | `prepare_attention_lora(model, rank)`: LoRA on the attention only, the final LayerNorm trainable | 3 | 20 min |
# | 4 | `CHOICE`: **decide** a rank and a rate under a parameter budget that reach a target | 3 | 15 min |
# | 5 | `choose_method(...)`: **decide** full fine-tuning, LoRA or QLoRA for a device | 2 | 10 min |
#
# The times are estimates for a learner who has read the chapter (about 70 minutes in all); the whole notebook runs
# in well under a minute. Each task has visible tests below your code: run them, read their messages, fix, repeat.
# When grading, more (hidden) tests of the same rules run.

# %%
# Setup: runs unchanged locally, in Colab and on a GPU (nothing to install: Colab ships these packages).
import os

# The oldest versions this notebook runs on (derived from what it uses; the course's tests check them).
REQUIRED = {"tensorflow": "2.16", "keras": "3.10"}
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
from keras import layers

_ = tf.reduce_sum(tf.ones(2))  # start TensorFlow here, so its start-up messages appear in this cell
keras.utils.set_random_seed(0)
print(f"TensorFlow {tf.__version__} | Keras {keras.__version__} | NumPy {np.__version__}")

# %% [markdown]
# ## Task 1 (2 points): LoRA parameters of a kernel of any shape
#
# Keras's `enable_lora(rank)` factorises a kernel's **last axis only**: for a kernel of shape
# `(n_1, ..., n_k, d_out)` it adds `A` of shape `(n_1, ..., n_k, rank)` and `B` of shape `(rank, d_out)`. For a 2-D
# `Dense` kernel `(d_in, d_out)` that is the textbook `rank * (d_in + d_out)`; for an `EinsumDense` kernel
# `(d, heads, head_dim)` it is not. Write `lora_param_count(kernel_shape, rank)` returning the number of LoRA
# parameters (`A` and `B` together; no bias) as a Python `int`. `kernel_shape` is a tuple of at least 2 positive
# ints. Raise `ValueError` if `rank < 1` or the shape has fewer than 2 axes.
#
# <details><summary>Hint</summary>
#
# Multiply all axes but the last together for `A`'s leading part. `math.prod` or `np.prod` (convert to `int`).
# </details>

# %% nbgrader={"grade_id": "task1_solution", "solution": true}
def lora_param_count(kernel_shape, rank):
    ### BEGIN SOLUTION
    shape = tuple(int(n) for n in kernel_shape)
    if int(rank) < 1 or len(shape) < 2:
        raise ValueError("rank must be at least 1 and the kernel must have at least 2 axes")
    leading = 1
    for n in shape[:-1]:
        leading *= n
    return int(leading * rank + rank * shape[-1])
    ### END SOLUTION


# %% nbgrader={"grade_id": "task1_tests", "grade": true, "points": 2}
def _keras_lora_count(layer, rank):
    layer.enable_lora(rank)
    return sum(int(np.prod(v.shape)) for v in layer.trainable_weights if "lora" in v.name)


def _expect1(shape, rank, hint):
    got = lora_param_count(shape, rank)
    assert isinstance(got, int), f"lora_param_count({shape}, {rank}): return a Python int, got {type(got).__name__}"
    layer = layers.Dense(shape[1]) if len(shape) == 2 else layers.EinsumDense(
        "btd,dhk->bthk", output_shape=(None, shape[1], shape[2]))
    layer.build((None, shape[0]) if len(shape) == 2 else (None, None, shape[0]))
    want = _keras_lora_count(layer, rank)
    assert got == want, f"lora_param_count({shape}, {rank}): expected {want:,} (Keras's count), got {got:,} (hint: {hint})"


_expect1((128, 384), 8, "a 2-D kernel: rank * (d_in + d_out)")
_expect1((128, 4, 32), 4, "A keeps every axis but the last")
print("Task 1: visible tests passed.")
### BEGIN HIDDEN TESTS
_expect1((768, 12, 64), 4, "hidden: GPT-2's query kernel")
_expect1((16, 1), 1, "hidden: one output")
_expect1((64, 8, 16), 2, "hidden: another EinsumDense")
assert lora_param_count((768, 12, 64), 4) * 2 * 12 + 12 * 2 * 768 == 909_312, "hidden: GPT-2 q and v at r=4, 12 layers"
assert lora_param_count((2, 3, 4, 5), 2) == 2 * 3 * 4 * 2 + 2 * 5, "hidden: four axes"
assert isinstance(lora_param_count(np.array([8, 8]), np.int64(2)), int), "hidden: NumPy ints in"
for _bad in [((8, 8), 0), ((8,), 2), ((8, 8), -1)]:
    try:
        lora_param_count(*_bad)
    except ValueError:
        pass
    else:
        raise AssertionError(f"hidden: lora_param_count{_bad} must raise ValueError")
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 (3 points): merging an adapter of any shape
#
# After training, an adapter is merged into its kernel, so inference pays nothing for it. With Keras's last-axis
# rule (Task 1), write `merge_lora(kernel, a, b, alpha, rank)` returning the merged kernel
# `kernel + (alpha / rank) * (A B)`, where `A B` contracts `A`'s last axis with `B`'s first, so the product has the
# kernel's shape. Inputs are NumPy arrays (`kernel` of shape `(..., d_out)`, `a` of shape `(..., rank)` with the
# kernel's leading axes, `b` of shape `(rank, d_out)`); return a `float32` NumPy array of the kernel's shape, and
# leave the inputs unchanged. The tests put your merged kernel into a plain Keras layer and compare its output with
# the same layer running `enable_lora(rank, lora_alpha=alpha)`.
#
# <details><summary>Hint</summary>
#
# `np.tensordot(a, b, axes=1)` contracts the last axis of `a` with the first of `b`. Mind the scale: `alpha / rank`.
# </details>

# %% nbgrader={"grade_id": "task2_solution", "solution": true}
def merge_lora(kernel, a, b, alpha, rank):
    ### BEGIN SOLUTION
    delta = np.tensordot(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64), axes=1)
    return (np.asarray(kernel, dtype=np.float64) + (alpha / rank) * delta).astype(np.float32)
    ### END SOLUTION


# %% nbgrader={"grade_id": "task2_tests", "grade": true, "points": 3}
def _check_merge(equation, output_shape, input_shape, rank, alpha, seed, hint):
    rng = np.random.default_rng(seed)
    lora_layer = layers.EinsumDense(equation, output_shape=output_shape)
    lora_layer.build(input_shape)
    lora_layer.enable_lora(rank, lora_alpha=alpha)
    lora_layer.lora_kernel_b.assign(rng.normal(scale=0.1, size=lora_layer.lora_kernel_b.shape).astype("float32"))
    kernel, a, b = (np.array(v.numpy()) for v in (lora_layer._kernel, lora_layer.lora_kernel_a, lora_layer.lora_kernel_b))
    before = [kernel.copy(), a.copy(), b.copy()]
    merged = merge_lora(kernel, a, b, alpha, rank)
    assert all(np.array_equal(x, y) for x, y in zip(before, (kernel, a, b))), "merge_lora changed its inputs"
    assert isinstance(merged, np.ndarray) and merged.shape == kernel.shape and merged.dtype == np.float32, (
        f"expected a float32 array of shape {kernel.shape}, got {getattr(merged, 'dtype', type(merged))} "
        f"{getattr(merged, 'shape', '')}")
    plain = layers.EinsumDense(equation, output_shape=output_shape)
    plain.build(input_shape)
    plain.set_weights([merged])
    x = rng.normal(size=(2,) + tuple(input_shape[1:-1] if input_shape[1] is not None else (5,)) + (input_shape[-1],))
    x = x.astype("float32")
    diff = float(np.abs(np.asarray(plain(x)) - np.asarray(lora_layer(x))).max())
    assert diff < 1e-4, f"{equation}, rank {rank}, alpha {alpha}: merged layer differs from the LoRA layer by {diff:.2e} (hint: {hint})"


_check_merge("ab,bc->ac", (6,), (None, 10), 2, 2.0, 0, "a 2-D kernel, scale 1")
_check_merge("btd,dhk->bthk", (None, 4, 8), (None, None, 16), 4, 8.0, 1, "3-D kernel, scale alpha / rank = 2")
print("Task 2: visible tests passed.")
### BEGIN HIDDEN TESTS
_check_merge("ab,bc->ac", (3,), (None, 7), 3, 12.0, 2, "hidden: scale 4")
_check_merge("btd,dhk->bthk", (None, 2, 5), (None, None, 6), 1, 0.5, 3, "hidden: rank 1, scale 0.5")
_check_merge("abc,cde->abde", (None, 3, 4), (None, 2, 6), 2, 5.0, 4, "hidden: another equation")
_k = np.zeros((2, 3), "float32")
assert np.allclose(merge_lora(_k, np.ones((2, 1)), np.ones((1, 3)), 4.0, 1), 4.0), "hidden: alpha 4, rank 1 scales by 4"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 (3 points): LoRA on the attention only
#
# Many LoRA recipes adapt only the attention projections (Hu et al. adapted the query and value matrices). The model
# below is a stand-in with the usual layer kinds. Write `prepare_attention_lora(model, rank)` that changes `model` in
# place and returns it, so that exactly these weights are trainable:
#
# * the LoRA factors `A` and `B` of every `Dense` layer whose name starts with `"attn_"` (call `enable_lora(rank)` on
#   each; keep Keras's default `lora_alpha`);
# * the final LayerNorm's `gamma` and `beta` (the layer named `"ln_f"`), which this recipe also tunes;
#
# and nothing else: not the kernels or biases of the adapted layers, not the embedding, not the other `Dense` layers
# (including the head), not the other LayerNorms. The model's output must not change (LoRA's `B` starts at zero).
#
# <details><summary>Hint</summary>
#
# `model.layers` lists the layers. A weight has a `trainable` attribute you can set, and a layer's `trainable = False`
# freezes all its weights. `enable_lora` freezes the kernel but not the bias.
# </details>

# %%
def stand_in_model(seed=0):
    """A small stand-in with an embedding, two attention projections, an MLP, two LayerNorms and a head."""
    keras.utils.set_random_seed(seed)
    ids = keras.Input((None,), dtype="int32")
    x = layers.Embedding(50, 16, name="embed")(ids)
    h = layers.LayerNormalization(name="ln_1")(x)
    x = x + layers.Dense(16, name="attn_out")(layers.Dense(16, name="attn_qkv")(h))
    x = x + layers.Dense(16, name="mlp_down")(layers.Dense(64, activation="gelu", name="mlp_up")(x))
    x = layers.LayerNormalization(name="ln_f")(x)
    return keras.Model(ids, layers.Dense(50, name="head")(x))


# %% nbgrader={"grade_id": "task3_solution", "solution": true}
def prepare_attention_lora(model, rank):
    ### BEGIN SOLUTION
    for layer in model.layers:
        if isinstance(layer, layers.Dense) and layer.name.startswith("attn_"):
            layer.enable_lora(rank)
            layer.bias.trainable = False
        elif layer.name != "ln_f":
            layer.trainable = False
    return model
    ### END SOLUTION


# %% nbgrader={"grade_id": "task3_tests", "grade": true, "points": 3}
def _check_attention_lora(rank, seed):
    model = stand_in_model(seed)
    x = np.random.default_rng(seed).integers(0, 50, size=(2, 7)).astype("int32")
    before = np.asarray(model(x))
    got_model = prepare_attention_lora(model, rank)
    assert got_model is model, "return the model you were given (changed in place)"
    want = {"attn_qkv/lora_kernel_a", "attn_qkv/lora_kernel_b", "attn_out/lora_kernel_a", "attn_out/lora_kernel_b",
            "ln_f/gamma", "ln_f/beta"}
    got = {v.path for v in model.trainable_weights}
    assert got == want, (f"rank {rank}: expected trainable {sorted(want)}, got {sorted(got)} "
                         f"(extra: {sorted(got - want)}, missing: {sorted(want - got)}; hint: biases and other layers)")
    n = sum(int(np.prod(v.shape)) for v in model.trainable_weights)
    assert n == 2 * rank * (16 + 16) + 2 * 16, f"rank {rank}: expected {2 * rank * 32 + 32} trainable numbers, got {n}"
    after = np.asarray(model(x))
    assert np.array_equal(before, after), "the output changed: LoRA must start at zero (keep Keras's B initializer)"


_check_attention_lora(4, 0)
print("Task 3: visible tests passed.")
### BEGIN HIDDEN TESTS
_check_attention_lora(1, 1)
_check_attention_lora(8, 2)
_m = prepare_attention_lora(stand_in_model(3), 2)
_m.compile(optimizer=keras.optimizers.SGD(0.1), loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
assert len(_m.non_trainable_weights) == len(_m.weights) - 6, "hidden: every other weight is non-trainable"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 (3 points): choose a rank and a rate
#
# A stand-in you can run in milliseconds: a pretrained linear map $W_0$ (32 × 32) is adapted to a new task whose
# targets come from $W_0 + \Delta$, a change of rank 6 with falling singular values, by LoRA on $W_0$ trained with
# Adam for a fixed 200 steps. `fine_tune(rank, lr)` (below, given) returns the mean squared error on held-out
# inputs of the **new** task (what it learned), on held-out inputs of the **old** task (targets from $W_0$: what
# it forgot), and the number of LoRA parameters.
#
# **Decide** `CHOICE = {"rank": ..., "lr": ...}` so that, with at most **320** LoRA parameters, the new-task error
# is at most **0.01** and the old-task error at most **0.275**. Explore with `fine_tune` first; then store your
# choice. The tests replay `fine_tune(**CHOICE)` (NumPy, a few milliseconds) and check the three conditions.
#
# <details><summary>Hint</summary>
#
# Print a small grid: ranks 1–8 against rates 0.003–0.1. A rank too small cannot represent enough of $\Delta$; too
# large a rank breaks the budget; the rate decides whether 200 steps are enough, and whether the adapter overshoots
# into the old task.
# </details>

# %%
D = 32
_rng = np.random.default_rng(13)
W0 = _rng.normal(0, 1 / np.sqrt(D), (D, D))
_u, _ = np.linalg.qr(_rng.normal(size=(D, D)))
_v, _ = np.linalg.qr(_rng.normal(size=(D, D)))
DELTA = (_u[:, :6] * np.array([2.0, 1.6, 1.2, 0.9, 0.35, 0.3])) @ _v[:, :6].T  # the change the new task needs
X_TRAIN = _rng.normal(size=(512, D))
Y_TRAIN = X_TRAIN @ (W0 + DELTA) + 0.05 * _rng.normal(size=(512, D))
X_NEW, X_OLD = _rng.normal(size=(512, D)), _rng.normal(size=(512, D))


def fine_tune(rank, lr, steps=200, seed=0):
    """LoRA (scale 1) on W0, Adam on the mean squared error; returns held-out errors and the LoRA parameter count."""
    rng = np.random.default_rng(seed)
    a = rng.uniform(-np.sqrt(6 / D), np.sqrt(6 / D), (D, int(rank)))
    b = np.zeros((int(rank), D))
    m, v = [np.zeros_like(a), np.zeros_like(b)], [np.zeros_like(a), np.zeros_like(b)]
    for t in range(1, steps + 1):
        err = X_TRAIN @ (W0 + a @ b) - Y_TRAIN
        g = 2 * X_TRAIN.T @ err / err.size
        for i, (p, grad) in enumerate(zip((a, b), (g @ b.T, a.T @ g))):
            m[i] = 0.9 * m[i] + 0.1 * grad
            v[i] = 0.999 * v[i] + 0.001 * grad**2
            p -= lr * (m[i] / (1 - 0.9**t)) / (np.sqrt(v[i] / (1 - 0.999**t)) + 1e-8)
    w = W0 + a @ b
    return {"new_error": float(np.mean((X_NEW @ (w - W0 - DELTA)) ** 2)),
            "old_error": float(np.mean((X_OLD @ (w - W0)) ** 2)), "lora_params": int(rank) * 2 * D}


print("no fine-tuning:", {"new_error": round(float(np.mean((X_NEW @ DELTA) ** 2)), 4), "old_error": 0.0})

# %% nbgrader={"grade_id": "task4_solution", "solution": true}
### BEGIN SOLUTION
for _r in (3, 4, 5, 6):
    print(_r, [(lr, {k: round(val, 4) for k, val in fine_tune(_r, lr).items()}) for lr in (0.003, 0.01, 0.03)])
CHOICE = {"rank": 4, "lr": 0.01}
### END SOLUTION

# %% nbgrader={"grade_id": "task4_tests", "grade": true, "points": 3}
assert isinstance(CHOICE, dict) and set(CHOICE) == {"rank", "lr"}, f"CHOICE must be a dict with keys rank and lr, got {CHOICE!r}"
_res = fine_tune(**CHOICE)
assert _res["lora_params"] <= 320, f"{CHOICE}: {_res['lora_params']} LoRA parameters, the budget is 320 (hint: a smaller rank)"
assert _res["new_error"] <= 0.01, (f"{CHOICE}: new-task error {_res['new_error']:.4f}, the target is 0.01 "
                                   f"(hint: a larger rank, or a rate that gets there in 200 steps)")
print("Task 4: visible tests passed.")
### BEGIN HIDDEN TESTS
assert _res["old_error"] <= 0.275, (f"hidden: {CHOICE}: old-task error {_res['old_error']:.4f}, the bound is 0.275 "
                                    f"(hint: a lower rate overshoots less)")
assert float(CHOICE["lr"]) > 0 and int(CHOICE["rank"]) == CHOICE["rank"] >= 1, "hidden: a positive rate and an integer rank"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 5 (2 points): full fine-tuning, LoRA or QLoRA?
#
# A team has one device of `device_gb` gigabytes (1 GB = $10^9$ bytes) and a model of `n_params` parameters; a LoRA
# adapter for it has `lora_params` parameters. Full fine-tuning learns most, so prefer it; then LoRA; then QLoRA.
# Write `choose_method(n_params, lora_params, device_gb)` returning the **first** of `"full"`, `"lora"`, `"qlora"`
# whose model states fit (bytes ≤ the device's), or `None` if none fits, with the chapter's arithmetic (activations
# ignored; Adam in float32 for every trainable parameter: weight, gradient and two moments, 16 bytes):
#
# * `"full"`: `16 * n_params` bytes;
# * `"lora"`: a bfloat16 frozen base, `2 * n_params + 16 * lora_params`;
# * `"qlora"`: a 4-bit frozen base with a float32 scale per block of 128, `(0.5 + 4 / 128) * n_params + 16 * lora_params`.
#
# <details><summary>Hint</summary>
#
# Compute the three byte counts, walk them in order of preference, return the first that fits.
# </details>

# %% nbgrader={"grade_id": "task5_solution", "solution": true}
def choose_method(n_params, lora_params, device_gb):
    ### BEGIN SOLUTION
    needs = {"full": 16 * n_params, "lora": 2 * n_params + 16 * lora_params,
             "qlora": (0.5 + 4 / 128) * n_params + 16 * lora_params}
    for method in ("full", "lora", "qlora"):
        if needs[method] <= device_gb * 1e9:
            return method
    return None
    ### END SOLUTION


# %% nbgrader={"grade_id": "task5_tests", "grade": true, "points": 2}
def _expect5(want, args, hint):
    got = choose_method(*args)
    assert got == want, f"choose_method{args}: expected {want!r}, got {got!r} (hint: {hint})"


_expect5("full", (1e9, 1e7, 80), "16 GB of model states fit in 80 GB: full fine-tuning learns most")
_expect5("lora", (7e9, 2e7, 80), "112 GB for full does not fit, 14.3 GB for LoRA does")
print("Task 5: visible tests passed.")
### BEGIN HIDDEN TESTS
_expect5("qlora", (7e9, 2e7, 8), "hidden: only the 4-bit base fits 8 GB")
_expect5(None, (70e9, 1e8, 24), "hidden: nothing fits 24 GB")
_expect5("qlora", (70e9, 1e8, 40), "hidden: 70 B in QLoRA on 40 GB")
_expect5("full", (1e9, 1e7, 16), "hidden: exactly 16 GB fits 16 GB")
_expect5("lora", (1e9, 1e7, 2.16), "hidden: LoRA at exactly the device's size fits")
_expect5("qlora", (1e9, 1e7, 2.1), "hidden: 1 GB is 10**9 bytes, and the adapter's 16 bytes per parameter count")
_expect5(None, (7e9, 2e7, 3.9), "hidden: the 4-bit base's block scales count (4 bytes per 128 weights)")
### END HIDDEN TESTS
