"""Answers to exercise 14 that a learner plausibly writes (see tests/answers/__init__.py)."""

from coursekit.gradecheck import Answer

_NUCLEUS_HEAD = '''def nucleus(ids, probs, p):
    ids, probs = np.asarray(ids), np.asarray(probs, dtype=np.float64)
    if not 0 < p <= 1:
        raise ValueError("p must be in (0, 1]")
    if ids.shape != probs.shape or ids.ndim != 1:
        raise ValueError("ids and probs must be 1-D and of equal length")
    if not (probs > 0).any():
        raise ValueError("no positive probability")
'''

_GQA_HEAD = '''def gqa_decode_step(q, k_cache, v_cache, k_new, v_new):
    q = np.asarray(q, dtype=np.float64)
    k = np.concatenate([np.asarray(k_cache, dtype=np.float64), np.asarray(k_new, dtype=np.float64)[:, None]], axis=1)
    v = np.concatenate([np.asarray(v_cache, dtype=np.float64), np.asarray(v_new, dtype=np.float64)[:, None]], axis=1)
    group = q.shape[0] // k.shape[0]
'''

ANSWERS = [
    # Task 1: top-p over a candidate list
    Answer(cell="task1_solution", name="unsorted_cumsum", kind="wrong",
           why="accumulates the mass in the list's order instead of by decreasing probability (chapter mistake 3)",
           code=_NUCLEUS_HEAD + '''    before = np.cumsum(probs) - probs
    keep = (probs > 0) & ((before < p * probs.sum()) | (p >= 1))
    order = np.lexsort((ids[keep], -probs[keep]))
    kept_ids, kept = ids[keep][order], probs[keep][order]
    return kept_ids.astype(np.int64), kept / kept.sum()
'''),
    Answer(cell="task1_solution", name="cumsum_including_itself", kind="wrong",
           why="keeps a token only while the mass *including* it stays below p: drops the token that crosses p",
           code=_NUCLEUS_HEAD + '''    order = np.lexsort((ids, -probs))
    ids, probs = ids[order], probs[order]
    keep = (probs > 0) & ((np.cumsum(probs) < p * probs.sum()) | (p >= 1))
    if not keep.any():
        keep[0] = True
    return ids[keep].astype(np.int64), probs[keep] / probs[keep].sum()
'''),
    Answer(cell="task1_solution", name="mass_relative_to_one", kind="wrong",
           why="compares with p instead of p times the candidates' total mass (the list is not the whole vocabulary)",
           code=_NUCLEUS_HEAD + '''    order = np.lexsort((ids, -probs))
    ids, probs = ids[order], probs[order]
    before = np.cumsum(probs) - probs
    keep = (probs > 0) & ((before < p) | (p >= 1))
    return ids[keep].astype(np.int64), probs[keep] / probs[keep].sum()
'''),
    Answer(cell="task1_solution", name="ties_to_larger_id", kind="wrong",
           why="sorts with a reversed argsort, so equal probabilities come out larger id first",
           code=_NUCLEUS_HEAD + '''    order = np.argsort(probs, kind="stable")[::-1]
    ids, probs = ids[order], probs[order]
    before = np.cumsum(probs) - probs
    keep = (probs > 0) & ((before < p * probs.sum()) | (p >= 1))
    return ids[keep].astype(np.int64), probs[keep] / probs[keep].sum()
'''),
    Answer(cell="task1_solution", name="not_renormalised", kind="wrong",
           why="returns the kept probabilities as they were, not renormalised to sum to 1",
           code=_NUCLEUS_HEAD + '''    order = np.lexsort((ids, -probs))
    ids, probs = ids[order], probs[order]
    before = np.cumsum(probs) - probs
    keep = (probs > 0) & ((before < p * probs.sum()) | (p >= 1))
    return ids[keep].astype(np.int64), probs[keep]
'''),
    Answer(cell="task1_solution", name="loop_over_sorted_pairs", kind="valid",
           why="a plain loop over (probability, id) pairs sorted by (-p, id), stopping once the mass reaches p * total",
           code='''def nucleus(ids, probs, p):
    ids, probs = list(np.asarray(ids).tolist()), [float(x) for x in np.asarray(probs).tolist()]
    if not 0 < p <= 1 or len(ids) != len(probs) or not any(x > 0 for x in probs):
        raise ValueError("bad arguments")
    total = sum(probs)
    kept, mass = [], 0.0
    for prob, token in sorted(zip(probs, ids), key=lambda pair: (-pair[0], pair[1])):
        if prob <= 0 or (p < 1 and mass >= p * total):
            break
        kept.append((token, prob))
        mass += prob
    norm = sum(prob for _, prob in kept)
    return np.array([t for t, _ in kept], dtype=np.int64), np.array([prob / norm for _, prob in kept])
'''),
    # Task 2: GQA decode step
    Answer(cell="task2_solution", name="tile_heads", kind="wrong",
           why="np.tile maps query head i to KV head i % h_kv instead of i // (h // h_kv)",
           code=_GQA_HEAD + '''    kq, vq = np.tile(k, (group, 1, 1)), np.tile(v, (group, 1, 1))
    s = np.einsum("hd,htd->ht", q, kq) / math.sqrt(q.shape[-1])
    w = np.exp(s - s.max(-1, keepdims=True))
    w /= w.sum(-1, keepdims=True)
    return np.einsum("ht,htd->hd", w, vq), k, v
'''),
    Answer(cell="task2_solution", name="attends_before_append", kind="wrong",
           why="attends over the old cache only and appends afterwards: the new token never sees itself",
           code='''def gqa_decode_step(q, k_cache, v_cache, k_new, v_new):
    q = np.asarray(q, dtype=np.float64)
    k_old, v_old = np.asarray(k_cache, dtype=np.float64), np.asarray(v_cache, dtype=np.float64)
    k = np.concatenate([k_old, np.asarray(k_new, dtype=np.float64)[:, None]], axis=1)
    v = np.concatenate([v_old, np.asarray(v_new, dtype=np.float64)[:, None]], axis=1)
    src_k, src_v = (k_old, v_old) if k_old.shape[1] else (k, v)
    group = q.shape[0] // k.shape[0]
    kq, vq = np.repeat(src_k, group, axis=0), np.repeat(src_v, group, axis=0)
    s = np.einsum("hd,htd->ht", q, kq) / math.sqrt(q.shape[-1])
    w = np.exp(s - s.max(-1, keepdims=True))
    w /= w.sum(-1, keepdims=True)
    return np.einsum("ht,htd->hd", w, vq), k, v
'''),
    Answer(cell="task2_solution", name="scale_by_d", kind="wrong",
           why="divides the scores by d_h instead of sqrt(d_h)",
           code=_GQA_HEAD + '''    kq, vq = np.repeat(k, group, axis=0), np.repeat(v, group, axis=0)
    s = np.einsum("hd,htd->ht", q, kq) / q.shape[-1]
    w = np.exp(s - s.max(-1, keepdims=True))
    w /= w.sum(-1, keepdims=True)
    return np.einsum("ht,htd->hd", w, vq), k, v
'''),
    Answer(cell="task2_solution", name="no_max_shift", kind="wrong",
           why="exponentiates the raw scores: large scores overflow to inf and the output becomes nan",
           code=_GQA_HEAD + '''    kq, vq = np.repeat(k, group, axis=0), np.repeat(v, group, axis=0)
    s = np.einsum("hd,htd->ht", q, kq) / math.sqrt(q.shape[-1])
    with np.errstate(over="ignore", invalid="ignore"):
        w = np.exp(s)
        w /= w.sum(-1, keepdims=True)
    return np.einsum("ht,htd->hd", w, vq), k, v
'''),
    Answer(cell="task2_solution", name="loop_over_heads", kind="valid",
           why="a loop over query heads, each picking its KV head by integer division, with a softmax per head",
           code='''def gqa_decode_step(q, k_cache, v_cache, k_new, v_new):
    k = np.concatenate([k_cache, np.asarray(k_new)[:, None, :]], axis=1)
    v = np.concatenate([v_cache, np.asarray(v_new)[:, None, :]], axis=1)
    h, d = np.shape(q)
    per_kv = h // k.shape[0]
    out = np.empty((h, d))
    for i in range(h):
        scores = k[i // per_kv] @ q[i] / np.sqrt(d)
        weights = np.exp(scores - scores.max())
        out[i] = (weights / weights.sum()) @ v[i // per_kv]
    return out, k, v
'''),
    # Task 3: quantization plan
    Answer(cell="task3_solution", name="all_int4_per_channel", kind="wrong",
           why="everything in int4 with one scale per output channel: the outlier row sets every hidden channel's scale",
           code='QUANT_PLAN = {"embed": (4, None), "hidden": (4, None), "out": (4, None)}\n'),
    Answer(cell="task3_solution", name="all_int4_block128", kind="wrong",
           why="Keras's int4 default block of 128 everywhere: the outlier still shares a block with half the inputs",
           code='QUANT_PLAN = {"embed": (4, 128), "hidden": (4, 128), "out": (4, None)}\n'),
    Answer(cell="task3_solution", name="outlier_layer_int8", kind="wrong",
           why="keeps the outlier layer at int8, which protects the loss but breaks the memory budget",
           code='QUANT_PLAN = {"embed": (4, None), "hidden": (8, None), "out": (4, None)}\n'),
    Answer(cell="task3_solution", name="all_int8", kind="wrong",
           why="int8 everywhere: accurate, but about 105 kB, far over the 64 KiB budget",
           code='QUANT_PLAN = {"embed": (8, None), "hidden": (8, None), "out": (8, None)}\n'),
    Answer(cell="task3_solution", name="all_blocks_of_32", kind="valid",
           why="blocks of 32 everywhere: still within the budget and the loss bound",
           code='QUANT_PLAN = {"embed": (4, 32), "hidden": (4, 32), "out": (4, 32)}\n'),
    # Task 4: decoding settings
    Answer(cell="task4_solution", name="model_distribution", kind="wrong",
           why="temperature 1 and no truncation: covers everything but keeps all 40 tokens",
           code="DECODING = (1.0, 1.0)\n"),
    Answer(cell="task4_solution", name="usual_top_p", kind="wrong",
           why="the common default top-p 0.9 at temperature 1: the overconfident model's nucleus misses real text",
           code="DECODING = (1.0, 0.9)\n"),
    Answer(cell="task4_solution", name="top_p_only", kind="wrong",
           why="raises top-p alone at temperature 1.2: coverage is met but the nucleus is too wide",
           code="DECODING = (1.2, 0.98)\n"),
    Answer(cell="task4_solution", name="sharpen", kind="wrong",
           why="lowers the temperature, which makes an overconfident model's nucleus even narrower",
           code="DECODING = (0.7, 0.95)\n"),
    Answer(cell="task4_solution", name="flatter_smaller_nucleus", kind="valid",
           why="a slightly higher temperature with a slightly smaller nucleus meets both targets",
           code="DECODING = (1.5, 0.95)\n"),
]
