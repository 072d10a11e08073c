# %% [markdown]
# # Exercise 11: training at scale
#
# You will write the arithmetic that decides whether and how a large training run fits and scales, and make a
# learning-rate schedule survive gradient accumulation. None of it re-types a function of
# [Chapter 11](../chapters/11_scaling.md): each task takes one of its ideas a step further, and two of them (Tasks 3
# and 5) ask you to make a decision whose consequence the tests measure. Everything is checked automatically
# (14 points):
#
# | Task | What you build | Points | Time |
# |---|---|---|---|
# | 1 | `per_device_bytes(...)`: model-state memory on one device under ZeRO stages 0–3, accumulator included | 3 | 20 min |
# | 2 | `loss_scale_step(...)`: one step of dynamic loss scaling, checked against Keras | 3 | 15 min |
# | 3 | `smallest_efficient_batch(...)`: **decide** the smallest per-replica batch that keeps 90 % scaling efficiency | 3 | 20 min |
# | 4 | `accumulating_sgd(...)`: a warmup-cosine schedule that still holds under `gradient_accumulation_steps` | 3 | 20 min |
# | 5 | `choose_zero_stage(...)`: **decide** the cheapest sharding stage that fits a device | 2 | 10 min |
#
# The times are estimates for a learner who has read the chapter (about 85 minutes in all); the whole notebook
# runs in well under a minute. Each task has visible tests below your code: run them, read their messages, fix,
# repeat. When grading, more (hidden) tests of the same rules run.

# %%
# Setup: runs unchanged locally, in Colab and on a GPU (nothing to install: Colab ships these packages).
import math
import os

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

_ = tf.reduce_sum(tf.ones(2))  # start TensorFlow here, so its start-up messages appear in this cell
print(f"TensorFlow {tf.__version__} | Keras {keras.__version__} | NumPy {np.__version__}")

# %% [markdown]
# ## Task 1 (3 points): model-state memory per device under ZeRO
#
# The chapter's calculator counts the bytes one data-parallel replica holds. Sharded optimizers (ZeRO stages 1–3, FSDP)
# split some of those tensors over the `replicas` devices. Write
# `per_device_bytes(n_params, optimizer, replicas=1, zero_stage=0, param_dtype="float32", gradient_accumulation=False)`
# returning the model-state bytes **one** device holds, as a Python `int`, with exactly these rules:
#
# * bytes per number: `"float64"` 8, `"float32"` 4, `"float16"` 2, `"bfloat16"` 2; every tensor below is in
#   `param_dtype` and holds `n_params` numbers;
# * the tensors: **parameters** (1), **gradients** (1), **optimizer state** (`"sgd"` 0 slots, `"momentum"` 1,
#   `"adam"` 2) and, only if `gradient_accumulation` is true, the **gradient accumulator** (1, Keras's running sum of
#   the micro-batch gradients);
# * which of them are *sharded* (split over the replicas) rather than *replicated* (a full copy on every device):
#   stage 0 (plain data parallelism) shards nothing; stage 1 shards the optimizer state; stage 2 also the gradients
#   **and the accumulator** (it is a gradient); stage 3 (FSDP) shards everything, parameters too;
# * the result is `replicated_bytes + ceil(sharded_bytes / replicas)` (sum the sharded tensors' bytes first, then
#   divide once, rounding up);
# * raise `ValueError` for an unknown `optimizer` or dtype name (lower case, exactly as above), a `zero_stage` not in
#   0–3, or `replicas < 1`.
#
# Example: 1,000 parameters, Adam, float32 on 8 devices: stage 0 keeps 16,000 bytes per device, stage 1
# $8000 + \lceil 8000/8 \rceil = 9000$, stage 3 $\lceil 16000/8 \rceil = 2000$. The hidden tests also compare your stage-0
# count with the variables a real Keras optimizer creates, with and without `gradient_accumulation_steps`.
#
# <details><summary>Hint</summary>
#
# Count the bytes of each of the four kinds of tensor, decide per stage which kinds go into the sharded sum, and use
# `-(-a // b)` (or `math.ceil`) for the rounding up. Data parallelism alone (stage 0) never divides anything by the
# number of devices: every replica holds the whole model.
# </details>

# %% nbgrader={"grade_id": "task1_solution", "solution": true}
def per_device_bytes(n_params, optimizer, replicas=1, zero_stage=0, param_dtype="float32", gradient_accumulation=False):
    ### BEGIN SOLUTION
    size_of = {"float64": 8, "float32": 4, "float16": 2, "bfloat16": 2}
    optimizer_slots = {"sgd": 0, "momentum": 1, "adam": 2}
    if optimizer not in optimizer_slots or param_dtype not in size_of:
        raise ValueError(f"unknown optimizer {optimizer!r} or dtype {param_dtype!r}")
    if zero_stage not in (0, 1, 2, 3) or int(replicas) < 1:
        raise ValueError("zero_stage must be 0, 1, 2 or 3 and replicas at least 1")
    one = int(n_params) * size_of[param_dtype]
    kinds = {"parameters": one, "gradients": one, "optimizer": optimizer_slots[optimizer] * one,
             "accumulator": one if gradient_accumulation else 0}
    sharded_kinds = [set(), {"optimizer"}, {"optimizer", "gradients", "accumulator"}, set(kinds)][zero_stage]
    sharded = sum(b for kind, b in kinds.items() if kind in sharded_kinds)
    replicated = sum(b for kind, b in kinds.items() if kind not in sharded_kinds)
    return int(replicated + -(-sharded // int(replicas)))
    ### END SOLUTION


# %% nbgrader={"grade_id": "task1_tests", "grade": true, "points": 3}
def _expect1(want, hint, *args, **kwargs):
    got = per_device_bytes(*args, **kwargs)
    call = ", ".join([repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()])
    assert isinstance(got, int), f"per_device_bytes({call}): return a Python int, got {type(got).__name__}"
    assert got == want, f"per_device_bytes({call}): expected {want:,} bytes, got {got:,} (hint: {hint})"


_expect1(16000, "parameters + gradients + 2 Adam slots, 4 bytes each", 1000, "adam")
_expect1(16000, "stage 0 is plain data parallelism: every replica holds everything", 1000, "adam", replicas=8)
_expect1(9000, "stage 1 shards only the optimizer state", 1000, "adam", replicas=8, zero_stage=1)
_expect1(2000, "stage 3 shards every tensor", 1000, "adam", replicas=8, zero_stage=3)
_expect1(20000, "one more tensor for the accumulator", 1000, "adam", gradient_accumulation=True)
print("Task 1: visible tests passed.")
### BEGIN HIDDEN TESTS
_expect1(4000 + 4 * 4000 // 8, "hidden: stage 2 shards gradients, optimizer state and accumulator", 1000, "adam",
         replicas=8, zero_stage=2, gradient_accumulation=True)
_expect1(3 * 4000 + 8000 // 4, "hidden: stage 1 leaves the accumulator replicated", 1000, "adam", replicas=4,
         zero_stage=1, gradient_accumulation=True)
_expect1(10 + -(-20 // 3), "hidden: 20 sharded bytes over 3 devices round up to 7", 5, "momentum",
         replicas=3, zero_stage=2, param_dtype="float16")
_expect1(-(-16 * 7 // 3), "hidden: stage 3, rounding up once", 7, "adam", replicas=3, zero_stage=3)
_expect1(1_557_611_200 * 2 * 3, "hidden: float16, momentum", 1_557_611_200, "momentum", param_dtype="float16")
_expect1(8 * 10, "hidden: sgd has no state to shard", 10, "sgd", replicas=4, zero_stage=1)
_expect1(16 * 12, "hidden: one replica, any stage", 12, "adam", replicas=1, zero_stage=3)
_expect1(0, "hidden: empty model", 0, "sgd", replicas=2, zero_stage=3)
assert isinstance(per_device_bytes(np.int64(5), "adam", replicas=np.int64(2), zero_stage=1), int), "hidden: NumPy ints in"
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
        _ours = per_device_bytes(_n, _name, gradient_accumulation=_acc) - 2 * 4 * _n  # minus parameters and gradients
        assert _ours == _keras, (f"hidden: {_name}, accumulation={_acc}: Keras's optimizer variables hold {_keras} bytes "
                                 f"besides its 2 scalars, your optimizer state + accumulator is {_ours}")
for _bad in [dict(optimizer="rmsprop"), dict(optimizer="adam", param_dtype="int8"), dict(optimizer="adam", zero_stage=4),
             dict(optimizer="adam", zero_stage=-1), dict(optimizer="adam", replicas=0)]:
    try:
        per_device_bytes(10, **_bad)
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
# ## Task 3 (3 points): decide the smallest per-replica batch that keeps 90 % scaling efficiency
#
# Data parallelism pays an all-reduce of the gradients every step, whatever the batch; the computation grows with
# the batch. So below some per-replica batch the devices mostly wait for the network. Use the chapter's cost model
# (§11.6) to decide how large the batch must be. Write
# `smallest_efficient_batch(n_params, tokens_per_example, replicas, link_gbit_s, flops_per_s, target=0.9,
# grad_bytes=4, latency_s=5e-6, max_batch=65536)` returning the **smallest** per-replica batch `b` (an `int`,
# 1 ≤ b ≤ `max_batch`) whose scaling efficiency is at least `target`, or `None` if no batch up to `max_batch` reaches
# it. The model, with every quantity as the tests compute it:
#
# * computation per step on one replica: $T_\text{comp}(b) = 6\,N\,s\,b / F$ seconds ($N$ = `n_params`,
#   $s$ = `tokens_per_example`, $F$ = `flops_per_s`: forward $2N$ plus backward $4N$ FLOPs per token);
# * communication per step: a ring all-reduce of $M$ = `grad_bytes` × $N$ bytes over $R$ = `replicas` devices,
#   $T_\text{comm} = 2\frac{R-1}{R}\frac{M}{\beta} + 2(R-1)\lambda$, where $\lambda$ = `latency_s` and the link
#   bandwidth $\beta$ is given in **gigabits** per second (`link_gbit_s`; networks are sold in bits);
# * no overlap of communication with computation: efficiency $= T_\text{comp} / (T_\text{comp} + T_\text{comm})$.
#   With one replica there is nothing to communicate and the efficiency is 1.
#
# The tests check the decision's consequence with this model: the efficiency at your `b` is at least `target`, and
# at `b - 1` it is below `target` (a larger batch than needed wastes memory and changes the optimisation).
#
# <details><summary>Hint</summary>
#
# Efficiency ≥ target means $T_\text{comp} \ge \frac{\text{target}}{1-\text{target}}\,T_\text{comm}$, a bound on $b$;
# round it the right way, or simply search the integers. Convert gigabits to bytes before dividing.
# </details>

# %% nbgrader={"grade_id": "task3_solution", "solution": true}
def smallest_efficient_batch(n_params, tokens_per_example, replicas, link_gbit_s, flops_per_s, target=0.9,
                             grad_bytes=4, latency_s=5e-6, max_batch=65536):
    ### BEGIN SOLUTION
    bandwidth = link_gbit_s * 1e9 / 8  # bytes per second
    t_comm = 2 * (replicas - 1) / replicas * grad_bytes * n_params / bandwidth + 2 * (replicas - 1) * latency_s
    per_example = 6 * n_params * tokens_per_example / flops_per_s

    def efficiency(b):
        return b * per_example / (b * per_example + t_comm)

    lo, hi = 1, int(max_batch)
    if efficiency(hi) < target:
        return None
    while lo < hi:  # the smallest b with efficiency(b) >= target; efficiency grows with b
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if efficiency(mid) >= target else (mid + 1, hi)
    return lo
    ### END SOLUTION


# %% nbgrader={"grade_id": "task3_tests", "grade": true, "points": 3}
def _efficiency3(b, n, s, r, gbit, flops, grad_bytes=4, latency_s=5e-6):
    t_comp = 6 * n * s * b / flops
    t_comm = 2 * (r - 1) / r * grad_bytes * n / (gbit * 1e9 / 8) + 2 * (r - 1) * latency_s
    return t_comp / (t_comp + t_comm)


def _check3(case, target=0.9, **extra):
    got = smallest_efficient_batch(*case, target=target, **extra)
    where = f"smallest_efficient_batch{case}, target={target}"
    assert isinstance(got, int) and got >= 1, f"{where}: expected a positive int, got {got!r}"
    e_got = _efficiency3(got, *case, **extra)
    assert e_got >= target, (f"{where}: at your batch {got} the efficiency is {e_got:.4f}, below {target} "
                             "(hint: count 6 N FLOPs per token and convert gigabits to bytes)")
    if got > 1:
        e_less = _efficiency3(got - 1, *case, **extra)
        assert e_less < target, (f"{where}: batch {got - 1} already reaches {e_less:.4f} ≥ {target}, so {got} is not the "
                                 "smallest (hint: round the bound up, not further)")
    return got


_H100 = 0.4 * 989e12  # the chapter's assumption: 40 % of an H100's dense bfloat16 peak
_b = _check3((110e6, 512, 8, 100, _H100))  # BERT-base, 8 replicas, 100 Gb/s between nodes
print(f"BERT-base on 8 replicas over 100 Gb/s: {_b} sequences per replica for 90 % efficiency")
_check3((110e6, 512, 8, 3600, _H100))  # inside an NVLink node (450 GB/s = 3600 Gb/s)
print("Task 3: visible tests passed.")
### BEGIN HIDDEN TESTS
assert smallest_efficient_batch(110e6, 512, 1, 100, _H100) == 1, "hidden: one replica communicates nothing"
for _case in [(1.5e9, 1024, 16, 400, _H100), (25e6, 128, 4, 10, 1e14), (7e9, 2048, 64, 400, _H100), (1e6, 64, 2, 1, 1e12)]:
    _check3(_case)
    _check3(_case, target=0.5)
_check3((110e6, 512, 8, 100, _H100), grad_bytes=2)  # 16-bit gradients halve the bytes
_check3((350e6, 1024, 32, 200, _H100), latency_s=2e-5, target=0.8)
assert smallest_efficient_batch(110e6, 512, 8, 10, _H100, max_batch=64) is None, "hidden: 10 Gb/s needs more than 64"
assert smallest_efficient_batch(110e6, 512, 8, 10, _H100, target=0.95, max_batch=50_000) is not None, "hidden: max_batch"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 (3 points): a schedule that survives gradient accumulation
#
# You tuned a run without accumulation: plain SGD (no momentum), learning rate
# `keras.optimizers.schedules.CosineDecay(initial_learning_rate=0.0, decay_steps=total_updates - warmup_updates,
# warmup_target=peak_lr, warmup_steps=warmup_updates)`, evaluated at the update number $u = 0, 1, \dots$ (linear
# warmup, then cosine decay to 0). Call that rate $\alpha(u)$. Now the batch no longer fits, and you accumulate `k`
# micro-batches per update with Keras's `gradient_accumulation_steps=k`. Write
# `accumulating_sgd(peak_lr, warmup_updates, total_updates, k)` returning a tuple `(optimizer, micro_batches)`:
#
# * `optimizer`: a `keras.optimizers.SGD` without momentum, with `gradient_accumulation_steps=k`, whose learning rate at
#   real update $u$ (the $u$-th time the weights change, $u = 0 \dots$ `total_updates - 1`) is within **5 % of
#   `peak_lr`** of $\alpha(u)$;
# * `micro_batches`: how many batches `fit` must run (the `steps` you would give it) for the run to make exactly
#   `total_updates` updates, an `int`.
#
# The tests take your optimizer, feed it a gradient of 1 on a single weight once per micro-batch, `micro_batches`
# times, and read the learning rate of each update off the weight's change. They use `warmup_updates` ≥ 20, at least 30
# decay updates and 2 ≤ `k` ≤ 8 (so that more than one correct approach fits the 5 % tolerance).
#
# <details><summary>Hint</summary>
#
# Read Pitfall 1 of §11.4: which counter does Keras hand to the schedule when it accumulates? There is more than one
# fix; any schedule object (a built-in one or your own `LearningRateSchedule`) is fine.
# </details>

# %% nbgrader={"grade_id": "task4_solution", "solution": true}
def accumulating_sgd(peak_lr, warmup_updates, total_updates, k):
    ### BEGIN SOLUTION
    # Keras evaluates the schedule at its micro-batch counter: write every length in micro-batches
    in_micro_batches = keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=0.0, decay_steps=k * (total_updates - warmup_updates), warmup_target=peak_lr,
        warmup_steps=k * warmup_updates)
    return keras.optimizers.SGD(in_micro_batches, gradient_accumulation_steps=k), int(k * total_updates)
    ### END SOLUTION


# %% nbgrader={"grade_id": "task4_tests", "grade": true, "points": 3}
def _rates4(optimizer, micro_batches, k):
    """The learning rate of each real update (gradient 1 on one weight) and the micro-batches after which it changed."""
    weight = keras.Variable(np.zeros(1, "float32"))
    optimizer.build([weight])
    rates, changed_at, before = [], [], 0.0
    for i in range(micro_batches):
        optimizer.apply([np.ones(1, "float32")], [weight])
        now = float(weight.numpy()[0])
        if (i + 1) % k == 0:
            rates.append(before - now)
        if now != before:
            changed_at.append(i)
        before = now
    return np.array(rates), changed_at


def _check4(peak, warmup, total, k, label):
    got = accumulating_sgd(peak, warmup, total, k)
    assert isinstance(got, tuple) and len(got) == 2, f"{label}: return (optimizer, micro_batches), got {got!r}"
    opt, n_micro = got
    assert isinstance(opt, keras.optimizers.SGD), f"{label}: expected a keras.optimizers.SGD, got {type(opt).__name__}"
    assert opt.gradient_accumulation_steps == k, (
        f"{label}: gradient_accumulation_steps: expected {k}, got {opt.gradient_accumulation_steps}")
    assert float(opt.momentum) == 0.0, f"{label}: plain SGD, momentum 0 (got {opt.momentum})"
    assert isinstance(n_micro, int) and n_micro == k * total, (
        f"{label}: micro_batches: expected the number of batches that gives {total} updates, got {n_micro!r} "
        "(hint: each update consumes k batches)")
    rates, changed_at = _rates4(opt, n_micro, k)
    want = keras.optimizers.schedules.CosineDecay(0.0, total - warmup, warmup_target=peak, warmup_steps=warmup)
    want = np.array([float(want(u)) for u in range(total)])
    worst = int(np.argmax(np.abs(rates - want)))
    assert abs(rates[worst] - want[worst]) <= 0.05 * peak + 1e-7, (
        f"{label}: update {worst} used learning rate {rates[worst]:.4g}, the schedule in updates gives "
        f"{want[worst]:.4g} (more than 5 % of the peak apart; rates of updates 0-7: {np.round(rates[:8], 4).tolist()}); "
        "hint: which step counter does Keras pass to the schedule when it accumulates?")
    assert all((i + 1) % k == 0 for i in changed_at), f"{label}: the weight changed between updates (micro-batches {changed_at[:5]})"


_check4(0.5, 20, 80, 4, "peak 0.5, 20 warmup updates of 80, k=4")
print("Task 4: visible tests passed.")
### BEGIN HIDDEN TESTS
_check4(0.1, 25, 60, 8, "hidden: k=8")
_check4(1.0, 30, 60, 2, "hidden: k=2")
_check4(0.2, 20, 50, 3, "hidden: k=3")
### END HIDDEN TESTS

# %% [markdown]
# ## Task 5 (2 points): decide the cheapest ZeRO stage that fits
#
# Higher ZeRO stages save memory but cost more: stages 1 and 2 communicate as much as a plain all-reduce, stage 3
# gathers the parameters again in every forward and backward pass (about 1.5 times the traffic) and every stage adds
# moving parts. So take the **lowest** stage that fits. Write `choose_zero_stage(n_params, replicas, device_bytes,
# activation_bytes, optimizer="adam", param_dtype="float32", gradient_accumulation=False)` returning the smallest
# stage (an `int` 0–3) for which `per_device_bytes(...)` from Task 1 plus `activation_bytes` is **at most**
# `device_bytes`, or `None` when not even stage 3 fits (then you need tensor or pipeline parallelism, or
# recomputation).
#
# The tests check the consequence of your choice with their own memory count: the chosen stage fits, and the stage
# below it does not.
#
# <details><summary>Hint</summary>
#
# Four candidates, tried in order. Activations are not sharded by ZeRO: every replica keeps its own.
# </details>

# %% nbgrader={"grade_id": "task5_solution", "solution": true}
def choose_zero_stage(n_params, replicas, device_bytes, activation_bytes, optimizer="adam", param_dtype="float32",
                      gradient_accumulation=False):
    ### BEGIN SOLUTION
    for stage in range(4):
        states = per_device_bytes(n_params, optimizer, replicas, stage, param_dtype, gradient_accumulation)
        if states + activation_bytes <= device_bytes:
            return stage
    return None
    ### END SOLUTION


# %% nbgrader={"grade_id": "task5_tests", "grade": true, "points": 2}
def _states5(n, stage, r, optimizer="adam", nbytes=4, acc=False):
    one = int(n) * nbytes
    parts = {"p": one, "g": one, "o": {"sgd": 0, "momentum": 1, "adam": 2}[optimizer] * one, "a": one if acc else 0}
    shard = [set(), {"o"}, {"o", "g", "a"}, {"p", "g", "o", "a"}][stage]
    return sum(v for k, v in parts.items() if k not in shard) + -(-sum(v for k, v in parts.items() if k in shard) // r)


def _check5(n, r, device, act, label, optimizer="adam", param_dtype="float32", acc=False):
    nbytes = {"float32": 4, "bfloat16": 2, "float16": 2, "float64": 8}[param_dtype]
    fits = [s for s in range(4) if _states5(n, s, r, optimizer, nbytes, acc) + act <= device]
    want = fits[0] if fits else None
    got = choose_zero_stage(n, r, device, act, optimizer=optimizer, param_dtype=param_dtype, gradient_accumulation=acc)
    if want is None:
        assert got is None, f"{label}: not even stage 3 fits in {device:,} bytes, expected None, got {got!r}"
        return
    assert got in (0, 1, 2, 3) and isinstance(got, int), f"{label}: expected a stage 0-3, got {got!r}"
    need = _states5(n, got, r, optimizer, nbytes, acc) + act
    assert need <= device, f"{label}: stage {got} needs {need:,} bytes per device, more than {device:,} (activations count)"
    assert got == 0 or _states5(n, got - 1, r, optimizer, nbytes, acc) + act > device, (
        f"{label}: stage {got - 1} already fits ({_states5(n, got - 1, r, optimizer, nbytes, acc) + act:,} bytes ≤ "
        f"{device:,}); a higher stage only adds communication")


_GB = 10**9
_check5(1e9, 8, 80 * _GB, 20 * _GB, "1 B parameters, Adam, 8 × 80 GB, 20 GB of activations")
_check5(3e9, 8, 80 * _GB, 10 * _GB, "3 B parameters, Adam, 8 × 80 GB, 10 GB of activations")
_check5(1e9, 8, 40 * _GB, 30 * _GB, "1 B parameters, Adam, 8 × 40 GB, 30 GB of activations")
print("Task 5: visible tests passed.")
### BEGIN HIDDEN TESTS
_check5(1000, 8, 16000, 0, "hidden: an exact fit at stage 0 (at most, not below)")
_check5(1000, 8, 9000, 0, "hidden: an exact fit at stage 1")
_check5(1000, 8, 8999, 0, "hidden: one byte short of stage 1")
_check5(1000, 8, 2000, 1, "hidden: one byte of activations too many for stage 3")
_check5(2e9, 8, 80 * _GB, 10 * _GB, "hidden: 2 B, with accumulation", acc=True)
_check5(7e9, 64, 80 * _GB, 20 * _GB, "hidden: 7 B on 64 devices, bfloat16 states", param_dtype="bfloat16")
_check5(7e9, 1, 80 * _GB, 0, "hidden: one device cannot shard")
_check5(1e9, 4, 24 * _GB, 4 * _GB, "hidden: momentum", optimizer="momentum")
### END HIDDEN TESTS
