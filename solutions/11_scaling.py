# %% [markdown]
# # Exercise 11: training at scale
#
# You will write the arithmetic that decides whether and how a large training run works, then train a model
# data-parallel on two devices. Everything is checked automatically (11 points):
#
# | Task | What you build | Points |
# |---|---|---|
# | 1 | `training_memory_bytes(...)`: parameters, gradients, optimizer state, gradient accumulator and activations in bytes | 3 |
# | 2 | `loss_scale_step(...)`: one step of dynamic loss scaling | 3 |
# | 3 | `global_batch(...)` and `scaled_learning_rate(...)` (linear rule for SGD, square-root rule for Adam) | 2 |
# | 4 | `train_in_strategy(...)`: build, compile and train a classifier inside a `tf.distribute` strategy | 3 |
#
# Each task has visible tests below your code: run them, read their messages, fix, repeat.
# When grading, more (hidden) tests of the same rules run. Read [Chapter 11](../chapters/11_scaling.md) first.
#
# The setup cell splits the CPU into two logical devices for Task 4. TensorFlow accepts that only before it starts,
# so run the setup cell first; if it says TensorFlow was already initialised, restart the kernel and run it again.

# %%
# Setup: runs unchanged locally, in Colab and on a GPU (nothing to install: Colab ships these packages).
import os
import time

# The oldest versions this notebook runs on (derived from what it uses; the course's tests check them).
REQUIRED = {"tensorflow": "2.16", "keras": "3.1"}
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

try:  # two logical CPU devices for MirroredStrategy (Task 4): only possible before TensorFlow initialises
    tf.config.set_logical_device_configuration(
        tf.config.list_physical_devices("CPU")[0],
        [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()],
    )
except RuntimeError:
    print("TensorFlow was already initialised: restart the kernel and run this cell first.")
tf.get_logger().setLevel("WARNING")  # MirroredStrategy logs every device placement at INFO
_ = tf.reduce_sum(tf.ones(2))  # start TensorFlow here, so its start-up messages appear in this cell
print(f"TensorFlow {tf.__version__} | Keras {keras.__version__} | NumPy {np.__version__}")
print("logical CPU devices:", [d.name for d in tf.config.list_logical_devices("CPU")])

# %% [markdown]
# ## Task 1 (3 points): training memory in bytes
#
# Write `training_memory_bytes(n_params, optimizer, param_dtype="float32", activation_elements=0, compute_dtype="float32",
# gradient_accumulation=False)` returning the bytes a training step keeps alive, as a Python `int`, with exactly these
# accounting rules (Keras's, as in the chapter):
#
# * bytes per number: `"float64"` 8, `"float32"` 4, `"float16"` 2, `"bfloat16"` 2;
# * **parameters**: `n_params` numbers in `param_dtype`;
# * **gradients**: one per parameter, also in `param_dtype`;
# * **optimizer state**: `"sgd"` keeps 0 slots, `"momentum"` 1 slot, `"adam"` 2 slots; each slot holds `n_params`
#   numbers in `param_dtype` (ignore the optimizer's scalar step counter and learning rate);
# * **gradient accumulator**: only if `gradient_accumulation` is true (Keras's `gradient_accumulation_steps`), one more
#   `n_params` numbers in `param_dtype`, the running sum of the micro-batch gradients;
# * **activations**: `activation_elements` numbers in `compute_dtype`;
# * the result is the sum of these. An unknown `optimizer` or dtype name (names are lower case, exactly as above)
#   raises `ValueError`.
#
# Example: 1,000 parameters, Adam, float32, no activations: $1000 \times 4 \times (1 + 1 + 2) = 16000$ bytes; with
# gradient accumulation, $1000 \times 4 \times (1 + 1 + 2 + 1) = 20000$ bytes. The hidden tests also compare your count
# with the variables a real Keras optimizer creates.
#
# <details><summary>Hint</summary>
#
# Two small dicts (bytes per dtype, slots per optimizer) and one sum. Look names up with `in` first so that
# unknown names raise `ValueError` rather than `KeyError`.
# </details>

# %% nbgrader={"grade_id": "task1_solution", "solution": true}
def training_memory_bytes(n_params, optimizer, param_dtype="float32", activation_elements=0, compute_dtype="float32",
                          gradient_accumulation=False):
    ### BEGIN SOLUTION
    size_of = {"float64": 8, "float32": 4, "float16": 2, "bfloat16": 2}
    optimizer_slots = {"sgd": 0, "momentum": 1, "adam": 2}
    if optimizer not in optimizer_slots:
        raise ValueError(f"unknown optimizer {optimizer!r}")
    if param_dtype not in size_of or compute_dtype not in size_of:
        raise ValueError(f"unknown dtype {param_dtype!r} or {compute_dtype!r}")
    tensors = 2 + optimizer_slots[optimizer] + (1 if gradient_accumulation else 0)
    model_states = tensors * int(n_params) * size_of[param_dtype]
    return int(model_states + int(activation_elements) * size_of[compute_dtype])
    ### END SOLUTION


# %% nbgrader={"grade_id": "task1_tests", "grade": true, "points": 3}
_got = training_memory_bytes(1000, "adam")
assert isinstance(_got, int), f"return a Python int, got {type(_got).__name__}"
assert _got == 16000, f"1000 params, adam, float32: expected 16000 bytes, got {_got} (hint: params + grads + 2 slots)"
_got = training_memory_bytes(1000, "sgd")
assert _got == 8000, f"1000 params, sgd, float32: expected 8000 bytes, got {_got} (plain SGD keeps no state)"
_got = training_memory_bytes(10, "momentum", activation_elements=100, compute_dtype="bfloat16")
assert _got == 10 * 4 * 3 + 100 * 2, f"10 params, momentum, 100 bfloat16 activations: expected 320, got {_got}"
_got = training_memory_bytes(1000, "adam", gradient_accumulation=True)
assert _got == 20000, f"1000 params, adam, float32, accumulation: expected 20000 bytes, got {_got} (hint: + one accumulator)"
print("Task 1: visible tests passed.")
### BEGIN HIDDEN TESTS
assert training_memory_bytes(109_482_240, "adam", activation_elements=6_000_000_000, compute_dtype="bfloat16") == (
    16 * 109_482_240 + 12_000_000_000
), "hidden: BERT-base-sized configuration"
assert training_memory_bytes(1_557_611_200, "momentum", param_dtype="float16") == 1_557_611_200 * 2 * 3, "hidden: float16 params"
assert training_memory_bytes(1_557_611_200, "sgd", gradient_accumulation=True) == 1_557_611_200 * 4 * 3, "hidden: sgd + accumulator"
assert training_memory_bytes(5, "momentum", param_dtype="bfloat16", gradient_accumulation=True) == 5 * 2 * 4, (
    "hidden: the accumulator is in the parameter dtype"
)
assert training_memory_bytes(5, "adam", gradient_accumulation=False) == 5 * 16, "hidden: gradient_accumulation=False"
_layer = keras.layers.Dense(7)
_layer.build((None, 3))
for _name, _make in [("sgd", lambda **kw: keras.optimizers.SGD(0.1, **kw)),
                     ("momentum", lambda **kw: keras.optimizers.SGD(0.1, momentum=0.9, **kw)),
                     ("adam", lambda **kw: keras.optimizers.Adam(1e-3, **kw))]:
    for _acc in (False, True):
        _opt = _make(gradient_accumulation_steps=2) if _acc else _make()
        _opt.build(_layer.trainable_variables)
        _keras = sum(int(np.prod(v.shape)) * np.dtype(v.dtype).itemsize for v in _opt.variables) - 8 - 4  # minus 2 scalars
        _n = _layer.count_params()
        _ours = training_memory_bytes(_n, _name, gradient_accumulation=_acc) - 2 * 4 * _n  # minus parameters and gradients
        assert _ours == _keras, (
            f"hidden: {_name}, accumulation={_acc}: Keras's optimizer variables hold {_keras} bytes besides its 2 scalars, "
            f"your count of optimizer state + accumulator is {_ours}"
        )
assert training_memory_bytes(7, "adam", param_dtype="float64", activation_elements=3, compute_dtype="float16") == 7 * 8 * 4 + 6, (
    "hidden: float64 parameters, float16 activations"
)
assert training_memory_bytes(0, "sgd") == 0, "hidden: empty model"
assert isinstance(training_memory_bytes(np.int64(5), "adam", activation_elements=np.int64(2)), int), "hidden: NumPy ints in"
for _bad in [dict(optimizer="rmsprop"), dict(optimizer="adam", param_dtype="int8"), dict(optimizer="adam", compute_dtype="fp8")]:
    try:
        training_memory_bytes(10, **_bad)
    except ValueError:
        pass
    else:
        raise AssertionError(f"hidden: {_bad} must raise ValueError")
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 (3 points): one step of dynamic loss scaling
#
# Write `loss_scale_step(scaled_grads, scale, good_steps, growth_steps=2000)`. `scaled_grads` is a list of NumPy arrays:
# the gradients of the loss multiplied by the current loss scale `scale` (a positive float); `good_steps` counts the
# consecutive finite steps since the scale last changed. Return a tuple `(grads, new_scale, new_good_steps)`:
#
# * if **any** entry of **any** array is not finite (`inf`, `-inf` or `nan`): skip the step, so `grads` is `None`,
#   `new_scale = scale / 2` and `new_good_steps = 0`;
# * otherwise `grads` is a list of the unscaled gradients, `g / scale` for each array (same shapes, in the same order),
#   and `good_steps + 1` finite steps have now been seen: if that equals `growth_steps`, `new_scale = 2 * scale` and
#   `new_good_steps = 0`; else the scale is unchanged and `new_good_steps = good_steps + 1`.
#
# `new_scale` is a Python `float`, `new_good_steps` an `int`. This is the rule of `keras.optimizers.LossScaleOptimizer`
# (with `dynamic_growth_steps=growth_steps`); the tests compare a sequence of your steps with it.
#
# <details><summary>Hint</summary>
#
# `all(np.all(np.isfinite(g)) for g in scaled_grads)` decides the branch. Count first, then compare with `growth_steps`.
# </details>

# %% nbgrader={"grade_id": "task2_solution", "solution": true}
def loss_scale_step(scaled_grads, scale, good_steps, growth_steps=2000):
    ### BEGIN SOLUTION
    if not all(np.all(np.isfinite(np.asarray(g))) for g in scaled_grads):
        return None, float(scale) / 2.0, 0
    unscaled = [np.asarray(g) / scale for g in scaled_grads]
    finite_in_a_row = int(good_steps) + 1
    if finite_in_a_row == growth_steps:
        return unscaled, float(scale) * 2.0, 0
    return unscaled, float(scale), finite_in_a_row
    ### END SOLUTION


# %% nbgrader={"grade_id": "task2_tests", "grade": true, "points": 3}
_grads, _scale, _good = loss_scale_step([np.array([8.0, 16.0])], 8.0, 0, growth_steps=3)
assert _grads is not None and np.allclose(_grads[0], [1.0, 2.0]), f"finite step: expected grads [1, 2], got {_grads}"
assert (_scale, _good) == (8.0, 1), f"finite step: expected scale 8.0 and 1 good step, got {(_scale, _good)}"
_grads, _scale, _good = loss_scale_step([np.array([1.0]), np.array([np.inf])], 8.0, 2, growth_steps=3)
assert _grads is None, "an inf anywhere: skip the step (grads None)"
assert (_scale, _good) == (4.0, 0), f"inf: expected scale 4.0 and counter 0, got {(_scale, _good)} (hint: halve, reset)"
_grads, _scale, _good = loss_scale_step([np.array([2.0])], 8.0, 2, growth_steps=3)
assert (_scale, _good) == (16.0, 0), f"third finite step with growth_steps=3: expected (16.0, 0), got {(_scale, _good)}"
assert np.allclose(_grads[0], [0.25]), f"unscale with the scale used for this step (8): expected [0.25], got {_grads}"
print("Task 2: visible tests passed.")
### BEGIN HIDDEN TESTS
_stream = [[4.0, 8.0], [np.inf, 1.0], [4.0, 8.0], [2.0, 2.0], [6.0, 2.0], [np.nan, 0.0], [8.0, 8.0], [1.0, -1.0]]
_opt = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(1.0), initial_scale=8.0, dynamic_growth_steps=3)
_var = keras.Variable(np.zeros(2, "float32"))
_opt.build([_var])
_scale, _good, _theta = 8.0, 0, np.zeros(2)
for _g in _stream:
    _opt.apply([tf.constant(_g, dtype="float32")], [_var])
    _grads, _scale, _good = loss_scale_step([np.array(_g)], _scale, _good, growth_steps=3)
    if _grads is not None:
        _theta = _theta - _grads[0]
    assert np.isclose(_scale, float(_opt.dynamic_scale.numpy())), f"hidden: scale differs from Keras after {_g}"
    assert _good == int(_opt.step_counter.numpy()), f"hidden: counter differs from Keras after {_g}"
assert np.allclose(_theta, _var.numpy()), "hidden: applying your unscaled grads with SGD(1.0) should match Keras"
_grads, _scale, _good = loss_scale_step([np.ones((2, 3)), np.full(4, 2.0)], 2.0, 0)
assert [g.shape for g in _grads] == [(2, 3), (4,)], "hidden: shapes and order preserved"
assert (_scale, _good) == (2.0, 1) and type(_scale) is float and type(_good) is int, "hidden: default growth_steps=2000"
assert loss_scale_step([np.array([-np.inf])], 1024.0, 1999)[1:] == (512.0, 0), "hidden: -inf is not finite"
assert loss_scale_step([np.array([1.0])], 1024.0, 1999)[1:] == (2048.0, 0), "hidden: growth at the 2000th finite step"
assert loss_scale_step([np.array([1.0])], 4.0, 0, growth_steps=1)[1:] == (8.0, 0), "hidden: growth_steps=1 doubles every step"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 (2 points): global batch and the scaled learning rate
#
# Write two functions:
#
# * `global_batch(per_replica, replicas, accumulation=1)`: the number of examples behind one optimizer update when each
#   of `replicas` devices processes `per_replica` examples per micro-step and gradients are accumulated over
#   `accumulation` micro-steps. Returns an `int`. Any argument below 1 raises `ValueError`.
# * `scaled_learning_rate(base_lr, base_batch, batch, optimizer="sgd")`: the starting learning rate for `batch` given that
#   `base_lr` was tuned at `base_batch`. For `"sgd"` and `"momentum"` use the **linear** scaling rule
#   (Goyal et al. 2017: $\alpha \propto B$); for `"adam"` the **square-root** rule (Malladi et al. 2022:
#   $\alpha \propto \sqrt{B}$), because linear scaling often diverges with Adam. Returns a `float`; any other `optimizer`
#   raises `ValueError`.
#
# Example: 32 per replica on 4 replicas with 2 accumulation steps is a global batch of 256; a learning rate of 0.1 tuned
# at batch 32 becomes 0.8 at 256 for SGD, and an Adam rate of 1e-3 becomes $10^{-3}\sqrt{8} \approx 2.83\cdot10^{-3}$.
#
# <details><summary>Hint</summary>
#
# The global batch is a product. The linear rule keeps $\alpha / B$ constant, the square-root rule $\alpha / \sqrt{B}$.
# </details>

# %% nbgrader={"grade_id": "task3_solution", "solution": true}
def global_batch(per_replica, replicas, accumulation=1):
    ### BEGIN SOLUTION
    if min(per_replica, replicas, accumulation) < 1:
        raise ValueError("per_replica, replicas and accumulation must all be at least 1")
    return int(per_replica) * int(replicas) * int(accumulation)
    ### END SOLUTION


def scaled_learning_rate(base_lr, base_batch, batch, optimizer="sgd"):
    ### BEGIN SOLUTION
    ratio = float(batch) / float(base_batch)
    if optimizer in ("sgd", "momentum"):
        return float(base_lr) * ratio
    if optimizer == "adam":
        return float(base_lr) * ratio**0.5
    raise ValueError(f"unknown optimizer {optimizer!r}")
    ### END SOLUTION


# %% nbgrader={"grade_id": "task3_tests", "grade": true, "points": 2}
_got = global_batch(32, 4, 2)
assert _got == 256 and isinstance(_got, int), f"global_batch(32, 4, 2): expected 256 (int), got {_got!r}"
assert global_batch(64, 8) == 512, f"global_batch(64, 8): expected 512 (accumulation defaults to 1), got {global_batch(64, 8)}"
_got = scaled_learning_rate(0.1, 32, 256)
assert isinstance(_got, float) and np.isclose(_got, 0.8), f"scaled_learning_rate(0.1, 32, 256): expected 0.8, got {_got!r}"
_got = scaled_learning_rate(1e-3, 32, 256, optimizer="adam")
assert isinstance(_got, float) and np.isclose(_got, 1e-3 * 8**0.5), (
    f"scaled_learning_rate(1e-3, 32, 256, 'adam'): expected {1e-3 * 8**0.5:.3g} (square-root rule), got {_got!r}"
)
print("Task 3: visible tests passed.")
### BEGIN HIDDEN TESTS
assert global_batch(1, 1) == 1, "hidden: smallest case"
assert global_batch(16, 2, 8) == 256, "hidden: accumulation"
for _bad in [(0, 4), (32, 0), (32, 4, 0)]:
    try:
        global_batch(*_bad)
    except ValueError:
        pass
    else:
        raise AssertionError(f"hidden: global_batch{_bad} must raise ValueError")
assert np.isclose(scaled_learning_rate(1e-3, 256, 64), 2.5e-4), "hidden: smaller batch, smaller rate"
assert np.isclose(scaled_learning_rate(0.5, 128, 128), 0.5), "hidden: same batch, same rate"
assert np.isclose(scaled_learning_rate(0.1, 256, global_batch(32, 8, 4)), 0.4), "hidden: combined"
assert np.isclose(scaled_learning_rate(0.1, 256, 1024, optimizer="momentum"), 0.4), "hidden: momentum SGD is linear"
assert np.isclose(scaled_learning_rate(4e-4, 256, 64, optimizer="adam"), 2e-4), "hidden: Adam, smaller batch: sqrt rule"
assert np.isclose(scaled_learning_rate(1e-3, 64, 64, optimizer="adam"), 1e-3), "hidden: Adam, same batch, same rate"
assert isinstance(scaled_learning_rate(1, 2, 8, optimizer="adam"), float), "hidden: return a float"
try:
    scaled_learning_rate(1e-3, 64, 512, optimizer="rmsprop")
except ValueError:
    pass
else:
    raise AssertionError("hidden: an unknown optimizer must raise ValueError")
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 (3 points): train inside a `tf.distribute` strategy
#
# Write `train_in_strategy(strategy, x_train, y_train)` that, for the digits data below (64 features scaled to
# $[0, 1]$, labels 0–9),
#
# * creates a Keras classifier **and compiles it inside `strategy.scope()`** (so that its variables are mirrored over
#   the strategy's devices), with 10 outputs per example (logits or probabilities, your choice, with the matching loss);
# * trains it with `fit(..., verbose=0)` on `x_train, y_train` (remember: under a strategy `batch_size` is the
#   **global** batch);
# * returns the trained model.
#
# The cell below your function calls it with a `MirroredStrategy` over the two logical CPUs. The tests check: training
# did not raise, every weight of the model **and every variable of its optimizer** was created in the strategy's scope
# (`strategy.extended.variable_created_in_scope`), the model is compiled and bound to that strategy
# (`model.distribute_strategy`), calling it on the test set gives shape `(n_test, 10)`, its test accuracy (arg-max of the
# outputs) is **at least 0.92**, and it took **at most 500 optimizer updates** (`model.optimizer.iterations`; the
# reference solution needs under 100, and a runaway training loop is what this limit catches). The tests only read the
# stored model; they never train.
#
# <details><summary>Hint</summary>
#
# A `Dense(64, activation="relu")` hidden layer and a `Dense(10)` output, Adam with learning rate `1e-2`,
# `SparseCategoricalCrossentropy(from_logits=True)`, global batch 128, about 8 epochs is plenty.
# Build *and* compile under `with strategy.scope():` (the optimizer too: Keras refuses to train a mirrored model with an
# optimizer created outside the scope); `fit` may be called outside it.
# </details>

# %%
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

X4, y4 = load_digits(return_X_y=True)
X4_train, X4_test, y4_train, y4_test = train_test_split(
    (X4 / 16.0).astype("float32"), y4.astype("int32"), test_size=0.25, stratify=y4, random_state=0
)
print(f"{len(X4_train)} training and {len(X4_test)} test digits")

# %% nbgrader={"grade_id": "task4_solution", "solution": true}
def train_in_strategy(strategy, x_train, y_train):
    ### BEGIN SOLUTION
    keras.utils.set_random_seed(0)
    with strategy.scope():
        classifier = keras.Sequential(
            [keras.Input((x_train.shape[1],)), keras.layers.Dense(64, activation="relu"), keras.layers.Dense(10)]
        )
        xent_logits = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        classifier.compile(optimizer=keras.optimizers.Adam(1e-2), loss=xent_logits)
    classifier.fit(x_train, y_train, batch_size=128, epochs=8, verbose=0)
    return classifier
    ### END SOLUTION


# %%
# Train with your function on two mirrored logical CPUs; the tests below read `model4` and `train_error4`.
strategy4 = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
_t0 = time.perf_counter()
model4, train_error4 = None, None
try:
    model4 = train_in_strategy(strategy4, X4_train, y4_train)
except Exception as _exc:  # shown here and reported by the tests below
    train_error4 = f"{type(_exc).__name__}: {_exc}"
    print("training raised", train_error4[:500])
print(f"trained on {strategy4.num_replicas_in_sync} replicas in {time.perf_counter() - _t0:.1f} s")

# %% nbgrader={"grade_id": "task4_tests", "grade": true, "points": 3}
assert train_error4 is None, (
    f"train_in_strategy raised {train_error4[:300]} (hint: create the model, the optimizer and compile inside the scope)"
)
assert model4 is not None, "train_in_strategy returned None: return the trained model"
_weights = model4.weights
assert len(_weights) > 0, "the model has no weights: build it with an Input layer inside the scope"
_outside = [w.path for w in _weights if not strategy4.extended.variable_created_in_scope(w.value)]
assert not _outside, f"weights created outside strategy.scope(): {_outside} (hint: build inside `with strategy.scope():`)"
assert model4.compiled, "the model is not compiled (hint: call compile inside the scope)"
print("Task 4: visible tests passed.")
### BEGIN HIDDEN TESTS
_out = np.asarray(model4(X4_test, training=False))
assert _out.shape == (len(X4_test), 10), f"hidden: output shape {_out.shape}, expected ({len(X4_test)}, 10)"
_acc = float(np.mean(_out.argmax(axis=1) == y4_test))
assert _acc >= 0.92, f"hidden: test accuracy {_acc:.3f} < 0.92"
assert model4.distribute_strategy is strategy4, "hidden: the model is not bound to the strategy (build it inside the scope)"
_opt_vars = model4.optimizer.variables
assert len(_opt_vars) > 2, f"hidden: the optimizer has {len(_opt_vars)} variables: was the model trained?"
_outside = [v.path for v in _opt_vars if not strategy4.extended.variable_created_in_scope(v.value)]
assert not _outside, f"hidden: optimizer variables created outside strategy.scope(): {_outside[:3]}"
_updates = int(model4.optimizer.iterations.numpy())
assert 1 <= _updates <= 500, f"hidden: {_updates} optimizer updates, expected between 1 and 500 (keep training small)"
### END HIDDEN TESTS
