"""Answers to exercise 12 that a learner plausibly writes (see tests/answers/__init__.py)."""

from coursekit.gradecheck import Answer

_T2_HELPERS = '''

def _kv_width(d, n_heads, n_kv_heads):
    if n_heads < 1 or d % n_heads:
        raise ValueError("n_heads does not divide d_model")
    n_kv = n_heads if n_kv_heads is None else n_kv_heads
    if n_kv < 1 or n_heads % n_kv:
        raise ValueError("n_kv_heads does not divide n_heads")
    return n_kv * (d // n_heads)


def _ff_width(d, mlp, d_ff):
    if mlp not in ("gelu", "swiglu"):
        raise ValueError(mlp)
    return 4 * d if d_ff is None else int(d_ff)
'''

_T2_PARAMS = '''def gpt_params(vocab_size, context, d_model, n_layers, n_heads, n_kv_heads=None, tied_head=False, bias=True,
               mlp="gelu", d_ff=None):
    d, b = int(d_model), bool(bias)
    kv, ff = _kv_width(d, n_heads, n_kv_heads), _ff_width(d, mlp, d_ff)
    norm = d + (d if b else 0)
    attn = d * d + 2 * d * kv + d * d + ((d + 2 * kv + d) if b else 0)
    mlp_params = 2 * d * ff + ((ff + d) if b else 0) if mlp == "gelu" else 3 * d * ff + ((2 * ff + d) if b else 0)
    head = 0 if tied_head else d * vocab_size + (vocab_size if b else 0)
    return int(vocab_size * d + context * d + n_layers * (2 * norm + attn + mlp_params) + norm + head)
'''

_T2_FLOPS = '''def train_flops_per_token(vocab_size, context, d_model, n_layers, n_heads, n_kv_heads=None, tied_head=False,
                          bias=True, mlp="gelu", d_ff=None):
    d = int(d_model)
    kv, ff = _kv_width(d, n_heads, n_kv_heads), _ff_width(d, mlp, d_ff)
    per_block = 2 * d * d + 2 * d * kv + (2 if mlp == "gelu" else 3) * d * ff
    return int(6 * (n_layers * per_block + d * vocab_size) + 12 * n_layers * context * d)
'''

_T3_BATCH = '''def lm_batch(sequences, width, pad_id):
    x = np.full((len(sequences), width), pad_id, dtype=np.int32)
    y = np.full((len(sequences), width), pad_id, dtype=np.int32)
    w = np.zeros((len(sequences), width), dtype=np.float32)
    for r, s in enumerate(sequences):
        s = np.asarray(s)
        n = len(s) - 1
        x[r, :n], y[r, :n], w[r, :n] = s[:-1], s[1:], 1.0
    return x, y, w
'''

_T3_LOSS = '''def masked_lm_loss(logits, y, w):
    z = np.asarray(logits, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    if w.sum() == 0:
        return 0.0
    m = z.max(axis=-1, keepdims=True)
    log_norm = m[..., 0] + np.log(np.exp(z - m).sum(axis=-1))
    nll = log_norm - np.take_along_axis(z, np.asarray(y)[..., None], axis=-1)[..., 0]
    return float((w * nll).sum() / w.sum())
'''

_T4_HEAD = '''def diagnose(run):
    train = np.asarray(run["train"], dtype=np.float64)
    val = np.asarray(run["val"], dtype=np.float64)
'''


def _attention(body: str) -> str:
    return "def attention(q, k, v, key_padding=None, window=None):\n" + body


_T1_SAFE_TAIL = '''    row_max = scores.max(axis=-1, keepdims=True)
    row_max = np.where(np.isfinite(row_max), row_max, 0.0)
    weights = np.where(visible, np.exp(scores - row_max), 0.0)
    total = weights.sum(axis=-1, keepdims=True)
    weights = np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)
    return weights @ v
'''

ANSWERS = [
    # Task 1: attention with padding and a window
    Answer(
        cell="task1_solution", name="no_max_shift", kind="wrong",
        why="exponentiates the raw scores (no row maximum subtracted): scores of 1e4 overflow to inf/inf = nan",
        code=_attention('''    q, k, v = (np.asarray(a, dtype=np.float64) for a in (q, k, v))
    b, _, t, d_head = q.shape
    i, j = np.arange(t)[:, None], np.arange(t)[None, :]
    visible = np.broadcast_to(j <= i, (b, 1, t, t))
    if window is not None:
        visible = visible & (j > i - window)
    if key_padding is not None:
        visible = visible & np.asarray(key_padding, dtype=bool)[:, None, None, :]
    weights = np.where(visible, np.exp(q @ np.swapaxes(k, -1, -2) / np.sqrt(d_head)), 0.0)
    total = weights.sum(axis=-1, keepdims=True)
    weights = np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)
    return weights @ v
'''),
    ),
    Answer(
        cell="task1_solution", name="minus_1e9_mask", kind="wrong",
        why="masks with -1e9 instead of -inf and never checks for empty rows: a query that sees only padding averages "
            "the padded values instead of returning zeros",
        code=_attention('''    q, k, v = (np.asarray(a, dtype=np.float64) for a in (q, k, v))
    b, _, t, d_head = q.shape
    i, j = np.arange(t)[:, None], np.arange(t)[None, :]
    visible = np.broadcast_to(j <= i, (b, 1, t, t))
    if window is not None:
        visible = visible & (j > i - window)
    if key_padding is not None:
        visible = visible & np.asarray(key_padding, dtype=bool)[:, None, None, :]
    scores = np.where(visible, q @ np.swapaxes(k, -1, -2) / np.sqrt(d_head), -1e9)
    scores = scores - scores.max(axis=-1, keepdims=True)
    weights = np.exp(scores)
    return (weights / weights.sum(axis=-1, keepdims=True)) @ v
'''),
    ),
    Answer(
        cell="task1_solution", name="window_off_by_one", kind="wrong",
        why="keeps j >= i - window: every query sees window + 1 positions (window=1 sees the previous token too)",
        code=_attention('''    q, k, v = (np.asarray(a, dtype=np.float64) for a in (q, k, v))
    b, _, t, d_head = q.shape
    i, j = np.arange(t)[:, None], np.arange(t)[None, :]
    visible = np.broadcast_to(j <= i, (b, 1, t, t))
    if window is not None:
        visible = visible & (j >= i - window)
    if key_padding is not None:
        visible = visible & np.asarray(key_padding, dtype=bool)[:, None, None, :]
    scores = np.where(visible, q @ np.swapaxes(k, -1, -2) / np.sqrt(d_head), -np.inf)
''' + _T1_SAFE_TAIL),
    ),
    Answer(
        cell="task1_solution", name="padding_on_queries", kind="wrong",
        why="applies the padding mask to the query rows instead of the key columns: real queries still see padded keys",
        code=_attention('''    q, k, v = (np.asarray(a, dtype=np.float64) for a in (q, k, v))
    b, _, t, d_head = q.shape
    i, j = np.arange(t)[:, None], np.arange(t)[None, :]
    visible = np.broadcast_to(j <= i, (b, 1, t, t))
    if window is not None:
        visible = visible & (j > i - window)
    if key_padding is not None:
        visible = visible & np.asarray(key_padding, dtype=bool)[:, None, :, None]
    scores = np.where(visible, q @ np.swapaxes(k, -1, -2) / np.sqrt(d_head), -np.inf)
''' + _T1_SAFE_TAIL),
    ),
    Answer(
        cell="task1_solution", name="no_scaling", kind="wrong",
        why="forgets the 1/sqrt(d_head) scale: the softmax is too peaked and differs from Keras",
        code=_attention('''    q, k, v = (np.asarray(a, dtype=np.float64) for a in (q, k, v))
    b, _, t, d_head = q.shape
    i, j = np.arange(t)[:, None], np.arange(t)[None, :]
    visible = np.broadcast_to(j <= i, (b, 1, t, t))
    if window is not None:
        visible = visible & (j > i - window)
    if key_padding is not None:
        visible = visible & np.asarray(key_padding, dtype=bool)[:, None, None, :]
    scores = np.where(visible, q @ np.swapaxes(k, -1, -2), -np.inf)
''' + _T1_SAFE_TAIL),
    ),
    Answer(
        cell="task1_solution", name="mask_after_softmax", kind="wrong",
        why="takes the softmax over all keys and zeroes the invisible weights afterwards, without renormalising",
        code=_attention('''    q, k, v = (np.asarray(a, dtype=np.float64) for a in (q, k, v))
    b, _, t, d_head = q.shape
    i, j = np.arange(t)[:, None], np.arange(t)[None, :]
    visible = np.broadcast_to(j <= i, (b, 1, t, t))
    if window is not None:
        visible = visible & (j > i - window)
    if key_padding is not None:
        visible = visible & np.asarray(key_padding, dtype=bool)[:, None, None, :]
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(d_head)
    p = np.exp(scores - scores.max(axis=-1, keepdims=True))
    p = p / p.sum(axis=-1, keepdims=True)
    return np.where(visible, p, 0.0) @ v
'''),
    ),
    Answer(
        cell="task1_solution", name="loop_per_query", kind="valid",
        why="a loop over batch, head and query with the visible key indices listed explicitly",
        code=_attention('''    q, k, v = (np.asarray(a, dtype=np.float64) for a in (q, k, v))
    b, h, t, d_head = q.shape
    out = np.zeros_like(q)
    real = np.ones((b, t), bool) if key_padding is None else np.asarray(key_padding, dtype=bool)
    for n in range(b):
        for i in range(t):
            lo = 0 if window is None else max(0, i - window + 1)
            keys = [j for j in range(lo, i + 1) if real[n, j]]
            if not keys:
                continue
            for head in range(h):
                s = k[n, head, keys] @ q[n, head, i] / np.sqrt(d_head)
                p = np.exp(s - s.max())
                out[n, head, i] = (p / p.sum()) @ v[n, head, keys]
    return out
'''),
    ),
    Answer(
        cell="task1_solution", name="scipy_softmax_nan_to_zero", kind="valid",
        why="scipy.special.softmax over -inf-masked scores (stable by itself), empty rows' nan set to 0",
        code=_attention('''    from scipy.special import softmax
    q, k, v = (np.asarray(a, dtype=np.float64) for a in (q, k, v))
    t = q.shape[2]
    pos = np.arange(t)
    visible = pos[None, :] <= pos[:, None]
    if window is not None:
        visible = visible & (pos[:, None] - pos[None, :] < window)
    visible = visible[None, None]
    if key_padding is not None:
        visible = visible & np.asarray(key_padding, dtype=bool)[:, None, None, :]
    scores = np.where(visible, np.einsum("bhid,bhjd->bhij", q, k) / np.sqrt(q.shape[-1]), -np.inf)
    with np.errstate(invalid="ignore"):
        p = softmax(scores, axis=-1)
    return np.einsum("bhij,bhjd->bhid", np.nan_to_num(p, nan=0.0), v)
'''),
    ),
    # Task 2: parameters and FLOPs of other designs
    Answer(
        cell="task2_solution", name="tied_head_still_counted", kind="wrong",
        why="ignores tied_head: counts a d x V head matrix that a tied model does not have (GPT-2 small: 163 M, not 124 M)",
        code=_T2_PARAMS.replace("head = 0 if tied_head else d * vocab_size", "head = d * vocab_size") + "\n\n"
        + _T2_FLOPS + _T2_HELPERS,
    ),
    Answer(
        cell="task2_solution", name="gqa_ignored", kind="wrong",
        why="sizes the key and value matrices d x d whatever n_kv_heads says (counts grouped-query models as multi-head)",
        code=_T2_PARAMS.replace("kv, ff = _kv_width(d, n_heads, n_kv_heads)", "kv, ff = _kv_width(d, n_heads, n_kv_heads) * 0 + d")
        + "\n\n" + _T2_FLOPS + _T2_HELPERS,
    ),
    Answer(
        cell="task2_solution", name="swiglu_two_matrices", kind="wrong",
        why="counts a SwiGLU MLP like a GELU one (two matrices): forgets the gate",
        code=_T2_PARAMS.replace("else 3 * d * ff + ((2 * ff + d) if b else 0)", "else 2 * d * ff + ((ff + d) if b else 0)")
        + "\n\n" + _T2_FLOPS.replace("(2 if mlp == \"gelu\" else 3)", "2") + _T2_HELPERS,
    ),
    Answer(
        cell="task2_solution", name="flops_six_n_all_params", kind="wrong",
        why="uses 6 x all parameters (embeddings, biases, norms included) for M",
        code=_T2_PARAMS + "\n\n" + '''def train_flops_per_token(vocab_size, context, d_model, n_layers, n_heads, n_kv_heads=None, tied_head=False,
                          bias=True, mlp="gelu", d_ff=None):
    n = gpt_params(vocab_size, context, d_model, n_layers, n_heads, n_kv_heads, tied_head, bias, mlp, d_ff)
    return int(6 * n + 12 * n_layers * context * d_model)
''' + _T2_HELPERS,
    ),
    Answer(
        cell="task2_solution", name="flops_without_attention", kind="wrong",
        why="6M only: drops attention's 12 L T d (large at long context)",
        code=_T2_PARAMS + "\n\n" + _T2_FLOPS.replace(" + 12 * n_layers * context * d)", ")") + _T2_HELPERS,
    ),
    Answer(
        cell="task2_solution", name="flops_tied_head_free", kind="wrong",
        why="drops the head's d x V multiply when the head is tied (sharing weights does not share the computation)",
        code=_T2_PARAMS + "\n\n" + _T2_FLOPS.replace("+ d * vocab_size)", "+ (0 if tied_head else d * vocab_size))")
        + _T2_HELPERS,
    ),
    Answer(
        cell="task2_solution", name="per_component_table", kind="valid",
        why="a table of named components summed, written without helper functions",
        code='''def _shape(d_model, n_heads, n_kv_heads, mlp, d_ff):
    if n_heads < 1 or d_model % n_heads or mlp not in ("gelu", "swiglu"):
        raise ValueError("bad configuration")
    n_kv = n_heads if n_kv_heads is None else n_kv_heads
    if n_kv < 1 or n_heads % n_kv:
        raise ValueError("bad n_kv_heads")
    return n_kv * d_model // n_heads, 4 * d_model if d_ff is None else d_ff


def _matrices(d_model, n_heads, n_kv_heads, mlp, d_ff):
    kv, ff = _shape(d_model, n_heads, n_kv_heads, mlp, d_ff)
    mats = {"q": (d_model, d_model), "k": (d_model, kv), "v": (d_model, kv), "o": (d_model, d_model),
            "up": (d_model, ff), "down": (ff, d_model)}
    if mlp == "swiglu":
        mats["gate"] = (d_model, ff)
    return mats


def gpt_params(vocab_size, context, d_model, n_layers, n_heads, n_kv_heads=None, tied_head=False, bias=True,
               mlp="gelu", d_ff=None):
    mats = _matrices(d_model, n_heads, n_kv_heads, mlp, d_ff)
    block = sum(a * b + (b if bias else 0) for a, b in mats.values()) + 2 * d_model * (2 if bias else 1)
    total = (vocab_size + context) * d_model + n_layers * block + d_model * (2 if bias else 1)
    if not tied_head:
        total += d_model * vocab_size + (vocab_size if bias else 0)
    return int(total)


def train_flops_per_token(vocab_size, context, d_model, n_layers, n_heads, n_kv_heads=None, tied_head=False,
                          bias=True, mlp="gelu", d_ff=None):
    mats = _matrices(d_model, n_heads, n_kv_heads, mlp, d_ff)
    m = n_layers * sum(a * b for a, b in mats.values()) + d_model * vocab_size
    return int(6 * m + 12 * n_layers * context * d_model)
''',
    ),
    # Task 3: causal shift and masked loss
    Answer(
        cell="task3_solution", name="no_causal_shift", kind="wrong",
        why="targets equal the inputs (no shift): the model learns to copy its input, loss near 0 (chapter's mistake)",
        code=_T3_BATCH.replace("s[:-1], s[1:], 1.0", "s[:-1], s[:-1], 1.0") + "\n\n" + _T3_LOSS,
    ),
    Answer(
        cell="task3_solution", name="mean_over_all_positions", kind="wrong",
        why="divides the weighted sum by every position (Keras's sum_over_batch_size), not by the sum of the weights",
        code=_T3_BATCH + "\n\n" + _T3_LOSS.replace("(w * nll).sum() / w.sum()", "(w * nll).sum() / w.size"),
    ),
    Answer(
        cell="task3_solution", name="weight_on_last_token", kind="wrong",
        why="weights n positions instead of n - 1: the last real token gets a padding target with weight 1",
        code='''def lm_batch(sequences, width, pad_id):
    x = np.full((len(sequences), width), pad_id, dtype=np.int32)
    y = np.full((len(sequences), width), pad_id, dtype=np.int32)
    w = np.zeros((len(sequences), width), dtype=np.float32)
    for r, s in enumerate(sequences):
        s = np.asarray(s)
        n = len(s) - 1
        x[r, :n], y[r, :n] = s[:-1], s[1:]
        w[r, :min(len(s), width)] = 1.0
    return x, y, w
''' + "\n\n" + _T3_LOSS,
    ),
    Answer(
        cell="task3_solution", name="log_of_softmax", kind="wrong",
        why="computes softmax probabilities first, then their log: logits of 1e4 overflow (nan or inf)",
        code=_T3_BATCH + "\n\n" + '''def masked_lm_loss(logits, y, w):
    z = np.asarray(logits, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    if w.sum() == 0:
        return 0.0
    p = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    nll = -np.log(np.take_along_axis(p, np.asarray(y)[..., None], axis=-1)[..., 0])
    return float((w * nll).sum() / w.sum())
''',
    ),
    Answer(
        cell="task3_solution", name="pads_with_zero", kind="wrong",
        why="fills with 0 instead of pad_id (fine only when the pad id happens to be 0)",
        code=_T3_BATCH.replace("np.full((len(sequences), width), pad_id, dtype=np.int32)",
                               "np.zeros((len(sequences), width), dtype=np.int32)") + "\n\n" + _T3_LOSS,
    ),
    Answer(
        cell="task3_solution", name="keras_sum_reduction_loop_batch", kind="valid",
        why="builds rows with list padding and sums Keras's per-position cross-entropy, divided by sum(w)",
        code='''def lm_batch(sequences, width, pad_id):
    rows_x, rows_y, rows_w = [], [], []
    for s in sequences:
        s = [int(a) for a in s]
        n = len(s) - 1
        rows_x.append(s[:-1] + [pad_id] * (width - n))
        rows_y.append(s[1:] + [pad_id] * (width - n))
        rows_w.append([1.0] * n + [0.0] * (width - n))
    return (np.array(rows_x, dtype=np.int32).reshape(-1, width), np.array(rows_y, dtype=np.int32).reshape(-1, width),
            np.array(rows_w, dtype=np.float32).reshape(-1, width))


def masked_lm_loss(logits, y, w):
    w = np.asarray(w, dtype=np.float64)
    if w.sum() == 0:
        return 0.0
    nll = keras.losses.sparse_categorical_crossentropy(np.asarray(y), np.asarray(logits, dtype=np.float64), from_logits=True)
    return float(np.sum(np.asarray(nll, dtype=np.float64) * w) / w.sum())
''',
    ),
    # Task 4: diagnose a run
    Answer(
        cell="task4_solution", name="nan_blind", kind="wrong",
        why="never checks for non-finite values: comparisons with nan are False, so a run that blew up to nan looks healthy",
        code=_T4_HEAD + '''    if train[-1] > np.nanmin(train) + 0.5:
        return "diverged"
    if np.nanmin(val) < 1.2:
        return "future_leak"
    if train[-1] > 3.3:
        return "lr_too_low"
    if val[-1] > np.nanmin(val) + 0.2:
        return "overfitting"
    return "healthy"
''',
    ),
    Answer(
        cell="task4_solution", name="lr_too_low_from_val", kind="wrong",
        why="reads lr_too_low off the validation loss: a hard-overfitting run whose validation loss climbed above 3.3 is "
            "not an untrained one",
        code=_T4_HEAD + '''    if not np.all(np.isfinite(train)) or train[-1] > train.min() + 0.5:
        return "diverged"
    if val.min() < 1.2:
        return "future_leak"
    if val[-1] > 3.3:
        return "lr_too_low"
    if val[-1] > val.min() + 0.2:
        return "overfitting"
    return "healthy"
''',
    ),
    Answer(
        cell="task4_solution", name="leak_below_bigram", kind="wrong",
        why="calls any validation loss below the bigram floor a leak: beating the bigram floor is what a model should do",
        code=_T4_HEAD + '''    if not np.all(np.isfinite(train)) or train[-1] > train.min() + 0.5:
        return "diverged"
    if val.min() < 2.5:
        return "future_leak"
    if train[-1] > 3.3:
        return "lr_too_low"
    if val[-1] > val.min() + 0.2:
        return "overfitting"
    return "healthy"
''',
    ),
    Answer(
        cell="task4_solution", name="leak_from_train", kind="wrong",
        why="reads the leak off the training loss: a model that memorises its training text also gets there",
        code=_T4_HEAD + '''    if not np.all(np.isfinite(train)) or train[-1] > train.min() + 0.5:
        return "diverged"
    if train.min() < 1.2:
        return "future_leak"
    if train[-1] > 3.3:
        return "lr_too_low"
    if val[-1] > val.min() + 0.2:
        return "overfitting"
    return "healthy"
''',
    ),
    Answer(
        cell="task4_solution", name="hair_trigger_divergence", kind="wrong",
        why="calls any rise of 0.08 between two evaluations divergence: one noisy evaluation is not a blow-up",
        code=_T4_HEAD + '''    if not np.all(np.isfinite(train)) or np.max(np.diff(train)) > 0.08:
        return "diverged"
    if val.min() < 1.2:
        return "future_leak"
    if train[-1] > 3.3:
        return "lr_too_low"
    if val[-1] > val.min() + 0.2:
        return "overfitting"
    return "healthy"
''',
    ),
    Answer(
        cell="task4_solution", name="overfitting_from_gap", kind="wrong",
        why="calls a train/validation gap overfitting: a steady gap with a falling validation loss is healthy",
        code=_T4_HEAD + '''    if not np.all(np.isfinite(train)) or train[-1] > train.min() + 0.5:
        return "diverged"
    if val.min() < 1.2:
        return "future_leak"
    if train[-1] > 3.3:
        return "lr_too_low"
    if val[-1] - train[-1] > 0.2:
        return "overfitting"
    return "healthy"
''',
    ),
    Answer(
        cell="task4_solution", name="relative_rules", kind="valid",
        why="other thresholds: progress measured from ln V, overfitting as validation rising while training falls",
        code=_T4_HEAD + '''    ln_v = np.log(78)
    if not (np.isfinite(train).all() and np.isfinite(val).all()) or train[-1] - train.min() > 0.3:
        return "diverged"
    if np.percentile(val, 10) < 1.0:
        return "future_leak"
    if ln_v - train[-1] < 0.25 * (ln_v - 2.5):  # less than a quarter of the way to the bigram floor
        return "lr_too_low"
    best = int(np.argmin(val))
    if val[-1] - val[best] > 0.15 and train[-1] < train[best] - 0.1:
        return "overfitting"
    return "healthy"
''',
    ),
    # Task 5: train to a target within the budget
    Answer(
        cell="task5_solution", name="cautious_learning_rate", kind="wrong",
        why="peak_lr=1e-4: safe but far too slow for 200 steps (ends near 3.5, above the unigram floor)",
        code="model5 = train_gpt(d_model=64, n_layers=2, n_heads=4, peak_lr=1e-4, warmup_steps=20)\n",
    ),
    Answer(
        cell="task5_solution", name="large_model_rate", kind="wrong",
        why="the chapter's large-model habit of 1e-3 without warmup: too slow for a small model in 200 steps",
        code="model5 = train_gpt(d_model=64, n_layers=2, n_heads=4, peak_lr=1e-3)\n",
    ),
    Answer(
        cell="task5_solution", name="high_rate_no_warmup", kind="wrong",
        why="peak_lr=1e-2 from step 0: the first steps at full rate undo what warmup protects (2.645 measured, vs 2.418 "
            "with 20 warmup steps)",
        code="model5 = train_gpt(d_model=64, n_layers=2, n_heads=4, peak_lr=1e-2)\n",
    ),
    Answer(
        cell="task5_solution", name="oversized_model", kind="wrong",
        why="a model wider than the parameter budget allows (train_gpt refuses it: no model is stored)",
        code="model5 = train_gpt(d_model=128, n_layers=2, n_heads=4, peak_lr=3e-3, warmup_steps=20)\n",
    ),
    Answer(
        cell="task5_solution", name="second_epoch", kind="wrong",
        why="trains a second pass over the windows to get a lower loss: 400 steps, twice the budget",
        code="model5 = train_gpt(d_model=64, n_layers=2, n_heads=4, peak_lr=3e-3, warmup_steps=20)\n"
             "model5.fit(*TRAIN5, batch_size=BATCH5, epochs=1, shuffle=False, verbose=0)\n",
    ),
    Answer(
        cell="task5_solution", name="high_rate_with_warmup", kind="valid",
        why="a higher peak (1e-2) made safe by 20 warmup steps and clipping",
        code="model5 = train_gpt(d_model=64, n_layers=2, n_heads=4, peak_lr=1e-2, warmup_steps=20)\n",
    ),
]
