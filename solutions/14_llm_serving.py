# %% [markdown]
# # Exercise 14: serving a language model
#
# You will write two pieces of a language-model server and make two serving decisions whose consequences the tests
# measure. None of it re-types a function of [Chapter 14](../chapters/14_llm_serving.md): Task 1 applies top-p to the
# candidate list a server returns, Task 2 writes a cached decoding step for *grouped-query* attention, and Tasks 3
# and 4 ask you to **decide**: a quantization plan that fits a memory budget within a loss bound, and decoding
# settings that meet a coverage and a size target. Everything is checked automatically (10 points):
#
# | Task | What you build | Points | Time |
# |---|---|---|---|
# | 1 | `nucleus(ids, probs, p)`: top-p over an unsorted candidate list | 3 | 20 min |
# | 2 | `gqa_decode_step(...)`: one KV-cached attention step with grouped-query heads | 3 | 25 min |
# | 3 | `QUANT_PLAN`: **decide** bits and block sizes per layer under a memory budget and a loss bound | 2 | 20 min |
# | 4 | `DECODING`: **decide** a temperature and top-p that meet a coverage and a size target | 2 | 15 min |
#
# The times are estimates for a learner who has read the chapter (about 80 minutes in all); the whole notebook runs
# in a few seconds. Each task has visible tests below your code: run them, read their messages, fix, repeat. When
# grading, more (hidden) tests of the same rules run.

# %%
# Setup: runs unchanged locally, in Colab and on a GPU (nothing to install: Colab ships these packages).
import math
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
import numpy as np

print(f"NumPy {np.__version__}")

# %% [markdown]
# ## Task 1 (3 points): top-p over a server's candidate list
#
# An inference server does not return the whole distribution over the vocabulary: it returns the `k` most likely
# candidates of one decoding step, in no particular order, as token ids and their probabilities (which sum to at most
# 1: the rest of the vocabulary is missing). Write `nucleus(ids, probs, p)` that applies top-p to such a list and
# returns `(kept_ids, kept_probs)`:
#
# * order the candidates by **decreasing probability, ties broken by the smaller token id**;
# * keep, in that order, every candidate whose probability is > 0 and for which the probability mass of the
#   candidates **before** it is `< p * total`, where `total` is the sum of all candidates' probabilities (the list's
#   mass, not 1). So the kept set is the shortest prefix whose mass reaches `p * total`; `p = 1` keeps every candidate
#   with probability > 0;
# * return `kept_ids` as an integer NumPy array in that order and `kept_probs` as a float64 array, renormalised to sum
#   to 1;
# * raise `ValueError` if `p <= 0` or `p > 1`, if `ids` and `probs` differ in length, or if no probability is > 0.
#
# Example: ids `[7, 3, 9]`, probs `[0.1, 0.5, 0.3]`, `p = 0.6`: total 0.9, sorted ids 3, 9, 7; mass before id 3 is 0,
# before id 9 is 0.5 < 0.54, before id 7 is 0.8 ≥ 0.54; so `([3, 9], [0.625, 0.375])`.
#
# <details><summary>Hint</summary>
#
# `np.lexsort((ids, -probs))` sorts by decreasing probability and then by id. "Mass before" is a cumulative sum minus
# the element itself. The chapter's §14.2 has the same rule for a full distribution.
# </details>

# %% nbgrader={"grade_id": "task1_solution", "solution": true}
def nucleus(ids, probs, p):
    ### BEGIN SOLUTION
    ids, probs = np.asarray(ids), np.asarray(probs, dtype=np.float64)
    if not 0 < p <= 1:
        raise ValueError(f"p must be in (0, 1], got {p}")
    if ids.shape != probs.shape or ids.ndim != 1:
        raise ValueError("ids and probs must be 1-D and of equal length")
    if not (probs > 0).any():
        raise ValueError("no candidate has a positive probability")
    order = np.lexsort((ids, -probs))
    ids, probs = ids[order], probs[order]
    before = np.cumsum(probs) - probs
    keep = probs > 0
    if p < 1:
        keep &= before < p * probs.sum()
    return ids[keep].astype(np.int64), probs[keep] / probs[keep].sum()
    ### END SOLUTION


# %% nbgrader={"grade_id": "task1_tests", "grade": true, "points": 3}
def _check1(ids, probs, p, want_ids, hint):
    got_ids, got_probs = nucleus(np.array(ids), np.array(probs), p)
    want_probs = np.array([probs[list(ids).index(i)] for i in want_ids], dtype=np.float64)
    want_probs = want_probs / want_probs.sum()
    got_list = [int(i) for i in np.asarray(got_ids)]
    assert got_list == [int(i) for i in want_ids], (
        f"nucleus({ids}, {probs}, p={p}): expected ids {[int(i) for i in want_ids]}, got {got_list} (hint: {hint})")
    assert np.allclose(got_probs, want_probs), (
        f"nucleus({ids}, {probs}, p={p}): expected probs {np.round(want_probs, 4)}, got {np.round(got_probs, 4)} "
        f"(hint: renormalise the kept probabilities to sum to 1)")


_check1([7, 3, 9], [0.1, 0.5, 0.3], 0.6, [3, 9], "the example in the text")
_check1([7, 3, 9], [0.1, 0.5, 0.3], 0.5, [3], "p * total = 0.45: id 3 alone reaches it, so the mass before id 9 (0.5) is not < 0.45")
_check1([1, 2, 3, 4], [0.25, 0.25, 0.25, 0.25], 0.3, [1, 2], "ties: smaller id first; 0.25 before id 2 is < 0.3")
_check1([5, 6], [0.2, 0.2], 1.0, [5, 6], "p = 1 keeps every candidate with probability > 0")
print("Task 1: visible tests passed.")
### BEGIN HIDDEN TESTS
_check1([4, 2, 8, 1], [0.3, 0.3, 0.3, 0.1], 0.5, [2, 4], "hidden: a tie at the boundary goes to the smaller id")
_check1([10, 11, 12], [0.98, 0.01, 0.01], 0.9, [10], "hidden: one dominant token")
_check1([10, 11, 12], [0.98, 0.01, 0.0], 1.0, [10, 11], "hidden: p = 1 drops zero-probability candidates")
_check1([3, 1, 2], [0.1, 0.2, 0.3], 0.999999, [2, 1, 3], "hidden: p close to 1")
_check1([30, 20, 10], [0.05, 0.1, 0.15], 0.6, [10, 20], "hidden: total is the list's mass (0.3), not 1")
_check1([9], [0.4], 0.1, [9], "hidden: a single candidate")
_rng = np.random.default_rng(1)
for _ in range(20):
    _n = int(_rng.integers(2, 30))
    _ids = _rng.permutation(1000)[:_n]
    _pr = _rng.dirichlet(np.ones(_n)) * _rng.uniform(0.5, 1)
    _p = float(_rng.uniform(0.05, 0.99))
    _o = np.lexsort((_ids, -_pr))
    _before = np.cumsum(_pr[_o]) - _pr[_o]
    _check1(list(_ids), list(_pr), _p, list(_ids[_o][_before < _p * _pr.sum()]), "hidden: random candidate lists")
_ids_out, _ = nucleus(np.array([3, 1]), np.array([0.5, 0.5]), 0.9)
assert np.issubdtype(np.asarray(_ids_out).dtype, np.integer), "hidden: kept_ids must be an integer array"
for _bad in [(np.array([1, 2]), np.array([0.5, 0.5]), 0.0), (np.array([1, 2]), np.array([0.5, 0.5]), 1.2),
             (np.array([1, 2]), np.array([0.5]), 0.5), (np.array([1, 2]), np.array([0.0, 0.0]), 0.5)]:
    try:
        nucleus(*_bad)
    except ValueError:
        pass
    else:
        raise AssertionError(f"hidden: nucleus{tuple(x.tolist() if hasattr(x, 'tolist') else x for x in _bad)} must raise ValueError")
### END HIDDEN TESTS

# %% [markdown]
# ## Task 2 (3 points): a cached decoding step with grouped-query attention
#
# In grouped-query attention (GQA) a layer has `h` query heads but only `h_kv` key/value heads (`h_kv` divides `h`):
# query heads `i` with the same `i // (h // h_kv)` share key/value head `i // (h // h_kv)`. So queries 0 and 1 use
# KV head 0 when `h = 4, h_kv = 2`. The cache stores only the `h_kv` heads, which is what makes it smaller (chapter
# §14.4). Write `gqa_decode_step(q, k_cache, v_cache, k_new, v_new)` for **one new token**:
#
# * `q`: the new token's queries, shape `(h, d_h)`; `k_new`, `v_new`: its key and value, shape `(h_kv, d_h)`;
# * `k_cache`, `v_cache`: the keys and values of the `t` earlier tokens, shape `(h_kv, t, d_h)` (`t` may be 0);
# * append the new key and value **at the end** of the caches (position `t`), then let each query head attend to all
#   `t + 1` positions of its KV head: weights `softmax(q_i · k_j / sqrt(d_h))` over `j`, output `Σ_j weight_j v_j`;
# * return `(out, k_cache_new, v_cache_new)` with `out` of shape `(h, d_h)` and the caches of shape
#   `(h_kv, t + 1, d_h)`; do not modify the input arrays.
#
# The tests run your step token by token over a sequence and compare each output with causal attention recomputed
# over the whole sequence.
#
# <details><summary>Hint</summary>
#
# `np.concatenate([k_cache, k_new[:, None]], axis=1)` appends. `np.repeat(k, h // h_kv, axis=0)` gives each query head
# its KV head (0, 0, 1, 1, ...; `np.tile` would give 0, 1, 0, 1, ...). Subtract the row maximum before `exp`.
# </details>

# %% nbgrader={"grade_id": "task2_solution", "solution": true}
def gqa_decode_step(q, k_cache, v_cache, k_new, v_new):
    ### BEGIN SOLUTION
    q = np.asarray(q, dtype=np.float64)
    k = np.concatenate([np.asarray(k_cache, dtype=np.float64), np.asarray(k_new, dtype=np.float64)[:, None]], axis=1)
    v = np.concatenate([np.asarray(v_cache, dtype=np.float64), np.asarray(v_new, dtype=np.float64)[:, None]], axis=1)
    group = q.shape[0] // k.shape[0]
    kq, vq = np.repeat(k, group, axis=0), np.repeat(v, group, axis=0)  # (h, t + 1, d_h)
    scores = np.einsum("hd,htd->ht", q, kq) / math.sqrt(q.shape[-1])
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    return np.einsum("ht,htd->hd", weights, vq), k, v
    ### END SOLUTION


# %% nbgrader={"grade_id": "task2_tests", "grade": true, "points": 3}
def _full_gqa(q, k, v):
    """Reference: causal GQA over a whole sequence. q (t, h, d), k and v (t, h_kv, d) -> (t, h, d)."""
    t, h, d = q.shape
    kq, vq = np.repeat(k, h // k.shape[1], axis=1), np.repeat(v, h // k.shape[1], axis=1)
    s = np.einsum("ihd,jhd->hij", q, kq) / math.sqrt(d)
    s = np.where(np.arange(t)[None, :] > np.arange(t)[:, None], -np.inf, s)
    w = np.exp(s - s.max(-1, keepdims=True))
    w /= w.sum(-1, keepdims=True)
    return np.einsum("hij,jhd->ihd", w, vq)


def _check2(t, h, h_kv, d, seed, label):
    rng = np.random.default_rng(seed)
    q, k, v = rng.normal(size=(t, h, d)), rng.normal(size=(t, h_kv, d)), rng.normal(size=(t, h_kv, d))
    want = _full_gqa(q, k, v)
    kc, vc = np.zeros((h_kv, 0, d)), np.zeros((h_kv, 0, d))
    for i in range(t):
        out, kc2, vc2 = gqa_decode_step(q[i], kc, vc, k[i], v[i])
        out, kc2, vc2 = np.asarray(out), np.asarray(kc2), np.asarray(vc2)
        assert out.shape == (h, d), f"{label}: step {i}: expected out shape {(h, d)}, got {out.shape}"
        assert kc2.shape == (h_kv, i + 1, d) and vc2.shape == (h_kv, i + 1, d), (
            f"{label}: step {i}: expected caches of shape {(h_kv, i + 1, d)}, got {kc2.shape} and {vc2.shape} "
            f"(hint: append the new key and value)")
        assert kc.shape[1] == i, f"{label}: the input cache was modified in place"
        err = float(np.abs(out - want[i]).max())
        assert err < 1e-8, (f"{label}: step {i}: output differs from full causal attention by {err:.3g} "
                            f"(hint: attend to the cache *and* the new token; query head i uses KV head i // (h // h_kv))")
        kc, vc = kc2, vc2


_check2(5, 2, 2, 4, 0, "h = h_kv = 2 (plain multi-head)")
_check2(6, 4, 2, 8, 1, "h = 4, h_kv = 2 (GQA)")
print("Task 2: visible tests passed.")
### BEGIN HIDDEN TESTS
_check2(7, 8, 1, 4, 2, "hidden: multi-query (h_kv = 1)")
_check2(9, 8, 2, 16, 3, "hidden: 4 query heads per KV head")
_check2(1, 6, 3, 5, 4, "hidden: the first token (empty cache)")
_rng = np.random.default_rng(5)
_out, _, _ = gqa_decode_step(_rng.normal(size=(2, 4)) * 1000, _rng.normal(size=(1, 3, 4)), _rng.normal(size=(1, 3, 4)),
                             _rng.normal(size=(1, 4)), _rng.normal(size=(1, 4)))
assert np.all(np.isfinite(_out)), "hidden: large scores overflow (hint: subtract the maximum score before exp)"
### END HIDDEN TESTS

# %% [markdown]
# ## Task 3 (2 points): decide a quantization plan
#
# The cell below builds a small network (three weight matrices, like the MLP and head of a transformer) and the
# tools to quantize it. Its `"hidden"` layer has an **outlier**: one input row of its weights is 40 times larger than
# the rest (chapter §14.6). You must ship it in at most **65,536 bytes** of weights (float32 would need 409,600) with a
# loss change of at most **0.025 nats** (the mean KL divergence from the float network's outputs, `plan_delta`).
#
# Set `QUANT_PLAN` to a dict with one entry per layer, `{"embed": (bits, block), "hidden": (bits, block),
# "out": (bits, block)}`, where `bits` is 4, 8 or 32 (32 = keep float32) and `block` is `None` (one scale per output
# channel), 32 or 128 (one scale per that many inputs of each output channel; `None` for float32). `plan_bytes(plan)`
# counts the bytes: `bits / 8` per weight plus 4 bytes per float32 scale. The tests check your plan with
# `plan_bytes` and with `plan_delta` on these inputs and on new ones from the same distribution. You may call the
# helpers as much as you like; the point is to understand *why* the plan that works is the one that works.
#
# <details><summary>Hint</summary>
#
# Try everything in int4 first and look at `plan_delta`; then find the layer responsible, and think about which
# scale granularity confines an outlier *row*. Compare the bytes of the options for that layer.
# </details>

# %%
_rng3 = np.random.default_rng(3)
SHAPES = {"embed": (128, 256), "hidden": (256, 256), "out": (256, 16)}
NET = {name: (_rng3.normal(0, 1, shape) / math.sqrt(shape[0])).astype(np.float32) for name, shape in SHAPES.items()}
NET["hidden"][5] *= 40  # the outlier row
X_EVAL = _rng3.normal(0, 1, (2048, 128)).astype(np.float32)


def net_forward(weights, x):
    h = np.maximum(x @ weights["embed"], 0)
    h = np.maximum(h @ weights["hidden"], 0)
    return h @ weights["out"]


def fake_quant(w, bits, block=None):
    """Symmetric absmax quantize-dequantize of a kernel (in, out): one scale per output channel, or per `block` inputs."""
    if bits == 32:
        return w
    qmax = 2 ** (bits - 1) - 1
    groups = w.reshape(-1, block, w.shape[1]) if block else w[None]
    scale = np.abs(groups).max(1, keepdims=True) / qmax
    scale = np.where(scale > 0, scale, 1)
    return (np.clip(np.round(groups / scale), -qmax, qmax) * scale).reshape(w.shape)


def plan_bytes(plan):
    total = 0
    for name, (bits, block) in plan.items():
        n_in, n_out = SHAPES[name]
        total += n_in * n_out * 4 if bits == 32 else n_in * n_out * bits // 8 + 4 * n_out * (n_in // block if block else 1)
    return total


def _log_softmax(z):
    z = z - z.max(1, keepdims=True)
    return z - np.log(np.exp(z).sum(1, keepdims=True))


def plan_delta(plan, x=X_EVAL):
    """Mean KL(float || quantized) of the network's output distributions on inputs x, in nats."""
    lp = _log_softmax(net_forward(NET, x).astype(np.float64))
    lq = _log_softmax(net_forward({n: fake_quant(NET[n], *plan[n]) for n in NET}, x).astype(np.float64))
    return float((np.exp(lp) * (lp - lq)).sum(1).mean())


print(f"float32: {plan_bytes({n: (32, None) for n in SHAPES}):,} bytes")

# %% nbgrader={"grade_id": "task3_solution", "solution": true}
### BEGIN SOLUTION
QUANT_PLAN = {"embed": (4, None), "hidden": (4, 32), "out": (8, None)}
### END SOLUTION

# %% nbgrader={"grade_id": "task3_tests", "grade": true, "points": 2}
BUDGET_BYTES, MAX_DELTA = 65_536, 0.025


def _check3(plan, x, label):
    assert isinstance(plan, dict) and set(plan) == set(SHAPES), f"{label}: QUANT_PLAN needs exactly the keys {sorted(SHAPES)}"
    for name, choice in plan.items():
        assert isinstance(choice, tuple) and len(choice) == 2, f"{label}: {name}: expected a (bits, block) tuple, got {choice!r}"
        bits, block = choice
        assert bits in (4, 8, 32), f"{label}: {name}: bits must be 4, 8 or 32, got {bits!r}"
        assert block in ((None,) if bits == 32 else (None, 32, 128)), f"{label}: {name}: block {block!r} not allowed with {bits} bits"
        assert block is None or SHAPES[name][0] % block == 0, f"{label}: {name}: {SHAPES[name][0]} inputs are not a multiple of {block}"
    size = plan_bytes(plan)
    assert size <= BUDGET_BYTES, f"{label}: expected at most {BUDGET_BYTES:,} bytes, got {size:,} (hint: fewer bits somewhere)"
    delta = plan_delta(plan, x)
    assert delta <= MAX_DELTA, (f"{label}: expected a loss change of at most {MAX_DELTA}, got {delta:.4f} "
                                f"(hint: which layer's outlier does your scale granularity spread over every channel?)")
    return size, delta


_size3, _delta3 = _check3(QUANT_PLAN, X_EVAL, "QUANT_PLAN")
print(f"Task 3: visible tests passed ({_size3:,} bytes, loss change {_delta3:.4f} nats).")
### BEGIN HIDDEN TESTS
_check3(QUANT_PLAN, np.random.default_rng(33).normal(0, 1, (2048, 128)).astype(np.float32), "hidden: new inputs")
### END HIDDEN TESTS

# %% [markdown]
# ## Task 4 (2 points): decide the decoding settings
#
# The cell below holds logits `Z_EVAL` (4,000 decoding steps over a 40-token vocabulary) of a model and the token
# `Y_EVAL` that real text continued with at each step. The model is **overconfident**: real text is more varied than
# its distribution. The product team wants a rule that
#
# * **covers** real text: at least **95 %** of the real next tokens get a nonzero probability under the rule
#   (truncation must not make real continuations impossible), and
# * stays **focused**: on average at most **22** tokens keep a nonzero probability per step (no long tail of junk).
#
# Set `DECODING = (temperature, top_p)` with `temperature > 0` and `0 < top_p <= 1`; the rule is the chapter's: divide
# the logits by the temperature, softmax, keep the top-p nucleus (ties to the smaller id; `top_p = 1` keeps all).
# `rule_stats(temperature, top_p)` measures both numbers on these steps; the tests also measure them on new steps
# from the same model and text.
#
# <details><summary>Hint</summary>
#
# At temperature 1 try a few top-p values: coverage and size move together. What does a temperature above 1 do to a
# distribution that is too sharp, and how does that change the top-p you need?
# </details>

# %%
def steps_from(seed, n=4000, vocab=40):
    """Logits of an overconfident model and real next tokens (drawn from a flatter distribution)."""
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 1, (n, vocab)) * rng.uniform(1.5, 3.5, (n, 1))
    real = np.exp(z / 1.4)
    real /= real.sum(1, keepdims=True)
    y = np.minimum((np.cumsum(real, 1) < rng.random((n, 1))).sum(1), vocab - 1)
    return z, y


Z_EVAL, Y_EVAL = steps_from(14)


def kept_mask(z, temperature, top_p):
    """Which tokens keep a nonzero probability under temperature + top-p (the chapter's rule)."""
    q = np.exp(z / temperature - (z / temperature).max(1, keepdims=True))
    q /= q.sum(1, keepdims=True)
    order = np.argsort(-q, axis=1, kind="stable")
    sorted_q = np.take_along_axis(q, order, 1)
    keep_sorted = (np.cumsum(sorted_q, 1) - sorted_q < top_p) if top_p < 1 else sorted_q > 0
    keep = np.zeros_like(keep_sorted)
    np.put_along_axis(keep, order, keep_sorted, 1)
    return keep


def rule_stats(temperature, top_p, z=Z_EVAL, y=Y_EVAL):
    keep = kept_mask(z, temperature, top_p)
    return float(keep[np.arange(len(y)), y].mean()), float(keep.sum(1).mean())


print("temperature 1, top-p 0.9: coverage %.3f, mean tokens kept %.1f" % rule_stats(1.0, 0.9))

# %% nbgrader={"grade_id": "task4_solution", "solution": true}
### BEGIN SOLUTION
DECODING = (1.4, 0.96)
### END SOLUTION

# %% nbgrader={"grade_id": "task4_tests", "grade": true, "points": 2}
MIN_COVERAGE, MAX_KEPT = 0.95, 22.0


def _check4(z, y, label):
    assert isinstance(DECODING, tuple) and len(DECODING) == 2, f"{label}: DECODING must be a (temperature, top_p) tuple"
    temperature, top_p = (float(v) for v in DECODING)
    assert temperature > 0 and 0 < top_p <= 1, f"{label}: need temperature > 0 and 0 < top_p <= 1, got {DECODING}"
    coverage, kept = rule_stats(temperature, top_p, z, y)
    assert coverage >= MIN_COVERAGE, (f"{label}: expected coverage >= {MIN_COVERAGE}, got {coverage:.3f} "
                                      f"(hint: the rule cuts off too many real continuations)")
    assert kept <= MAX_KEPT, f"{label}: expected at most {MAX_KEPT} tokens kept on average, got {kept:.1f} (hint: too wide)"
    return coverage, kept


_cov4, _kept4 = _check4(Z_EVAL, Y_EVAL, "DECODING")
print(f"Task 4: visible tests passed (coverage {_cov4:.3f}, {_kept4:.1f} tokens kept on average).")
### BEGIN HIDDEN TESTS
_check4(*steps_from(15), "hidden: new steps")
_check4(*steps_from(16), "hidden: more new steps")
### END HIDDEN TESTS
