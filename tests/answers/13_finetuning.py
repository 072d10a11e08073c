"""Answers to exercise 13 that a learner plausibly writes (see tests/answers/__init__.py)."""

from coursekit.gradecheck import Answer


def _a(cell, name, kind, why, code):
    return Answer(cell=cell, name=name, kind=kind, why=why, code=code)


ANSWERS = [
    # Task 1: LoRA parameter count, last-axis rule
    _a("task1_solution", "textbook_flattened", "wrong",
       "counts the kernel as a d_in x (everything else) matrix: r (d + h d_k), the textbook count, not Keras's last-axis one",
       '''def lora_param_count(kernel_shape, rank):
    shape = tuple(int(n) for n in kernel_shape)
    if rank < 1 or len(shape) < 2:
        raise ValueError("bad")
    rest = 1
    for n in shape[1:]:
        rest *= n
    return int(rank * (shape[0] + rest))
'''),
    _a("task1_solution", "sum_of_axes", "wrong",
       "rank times the sum of all axes: right for 2-D kernels only",
       '''def lora_param_count(kernel_shape, rank):
    shape = tuple(int(n) for n in kernel_shape)
    if rank < 1 or len(shape) < 2:
        raise ValueError("bad")
    return int(rank * sum(shape))
'''),
    _a("task1_solution", "a_only", "wrong",
       "counts A and forgets B",
       '''def lora_param_count(kernel_shape, rank):
    shape = tuple(int(n) for n in kernel_shape)
    if rank < 1 or len(shape) < 2:
        raise ValueError("bad")
    lead = 1
    for n in shape[:-1]:
        lead *= n
    return int(lead * rank)
'''),
    _a("task1_solution", "no_validation", "wrong",
       "right count but never raises ValueError for rank 0 or a 1-D shape",
       '''def lora_param_count(kernel_shape, rank):
    shape = tuple(int(n) for n in kernel_shape)
    lead = 1
    for n in shape[:-1]:
        lead *= n
    return int(lead * rank + rank * shape[-1])
'''),
    _a("task1_solution", "math_prod", "valid",
       "math.prod of the leading axes",
       '''import math


def lora_param_count(kernel_shape, rank):
    if rank < 1 or len(kernel_shape) < 2:
        raise ValueError("rank >= 1 and at least 2 axes")
    return int(rank) * (math.prod(int(n) for n in kernel_shape[:-1]) + int(kernel_shape[-1]))
'''),
    # Task 2: merging
    _a("task2_solution", "no_scale", "wrong",
       "adds A B without the alpha / rank scale",
       '''def merge_lora(kernel, a, b, alpha, rank):
    return (kernel + np.tensordot(a, b, axes=1)).astype(np.float32)
'''),
    _a("task2_solution", "inverted_scale", "wrong",
       "scales by rank / alpha instead of alpha / rank",
       '''def merge_lora(kernel, a, b, alpha, rank):
    return (kernel + (rank / alpha) * np.tensordot(a, b, axes=1)).astype(np.float32)
'''),
    _a("task2_solution", "einsum_2d_only", "wrong",
       "a 2-D einsum: fails on EinsumDense kernels with more axes",
       '''def merge_lora(kernel, a, b, alpha, rank):
    return (kernel + (alpha / rank) * np.einsum("ir,rj->ij", a, b)).astype(np.float32)
'''),
    _a("task2_solution", "in_place", "wrong",
       "adds into the caller's kernel array in place (the inputs must stay unchanged)",
       '''def merge_lora(kernel, a, b, alpha, rank):
    kernel += (alpha / rank) * np.tensordot(a, b, axes=1)
    return kernel.astype(np.float32)
'''),
    _a("task2_solution", "matmul_broadcast", "valid",
       "a @ b broadcasts over the leading axes, the same contraction",
       '''def merge_lora(kernel, a, b, alpha, rank):
    return np.asarray(kernel, np.float32) + np.float32(alpha / rank) * (np.asarray(a, np.float32) @ np.asarray(b, np.float32))
'''),
    # Task 3: attention-only LoRA
    _a("task3_solution", "enable_lora_only", "wrong",
       "calls enable_lora and freezes nothing else: biases, embedding, MLP, head and LayerNorms still train",
       '''def prepare_attention_lora(model, rank):
    for layer in model.layers:
        if isinstance(layer, layers.Dense) and layer.name.startswith("attn_"):
            layer.enable_lora(rank)
    return model
'''),
    _a("task3_solution", "bias_left_trainable", "wrong",
       "freezes the other layers but leaves the adapted layers' biases trainable",
       '''def prepare_attention_lora(model, rank):
    for layer in model.layers:
        if isinstance(layer, layers.Dense) and layer.name.startswith("attn_"):
            layer.enable_lora(rank)
        elif layer.name != "ln_f":
            layer.trainable = False
    return model
'''),
    _a("task3_solution", "model_frozen_first", "wrong",
       "model.trainable = False first: the whole model, LoRA factors and ln_f included, reports nothing trainable",
       '''def prepare_attention_lora(model, rank):
    model.trainable = False
    for layer in model.layers:
        if isinstance(layer, layers.Dense) and layer.name.startswith("attn_"):
            layer.enable_lora(rank)
    model.get_layer("ln_f").trainable = True
    return model
'''),
    _a("task3_solution", "every_dense", "wrong",
       "adapts every Dense (MLP and head too) instead of the attention only",
       '''def prepare_attention_lora(model, rank):
    for layer in model.layers:
        if isinstance(layer, layers.Dense):
            layer.enable_lora(rank)
            layer.bias.trainable = False
        elif layer.name != "ln_f":
            layer.trainable = False
    return model
'''),
    _a("task3_solution", "per_weight_flags", "valid",
       "enable_lora first, then one trainable flag per weight from its path",
       '''def prepare_attention_lora(model, rank):
    for layer in model.layers:
        if isinstance(layer, layers.Dense) and layer.name.startswith("attn_"):
            layer.enable_lora(rank)
    for v in model.weights:
        v.trainable = "lora_kernel" in v.path or v.path.startswith("ln_f/")
    return model
'''),
    # Task 4: rank and rate
    _a("task4_solution", "rank_too_small", "wrong",
       "rank 3 cannot represent enough of the rank-6 change: new-task error 0.035",
       'CHOICE = {"rank": 3, "lr": 0.01}\n'),
    _a("task4_solution", "over_budget", "wrong",
       "rank 6 reaches the target but needs 384 LoRA parameters, over the budget of 320",
       'CHOICE = {"rank": 6, "lr": 0.03}\n'),
    _a("task4_solution", "rate_too_low", "wrong",
       "rank 4 at rate 0.003 has not got there in 200 steps (new-task error 0.012)",
       'CHOICE = {"rank": 4, "lr": 0.003}\n'),
    _a("task4_solution", "rate_too_high", "wrong",
       "rank 5 at rate 0.1 reaches the target but forgets past the bound (old-task error 0.278)",
       'CHOICE = {"rank": 5, "lr": 0.1}\n'),
    _a("task4_solution", "rank5_slow", "valid",
       "rank 5 at a low rate: within budget, target reached, old error 0.269",
       'CHOICE = {"rank": 5, "lr": 0.003}\n'),
    _a("task4_solution", "rank4_fast", "valid",
       "rank 4 at rate 0.03",
       'CHOICE = {"rank": 4, "lr": 0.03}\n'),
    # Task 5: method for a device
    _a("task5_solution", "cheapest_first", "wrong",
       "prefers the method that needs least memory, not the one that learns most",
       '''def choose_method(n_params, lora_params, device_gb):
    needs = {"qlora": (0.5 + 4 / 128) * n_params + 16 * lora_params, "lora": 2 * n_params + 16 * lora_params,
             "full": 16 * n_params}
    for method, need in needs.items():
        if need <= device_gb * 1e9:
            return method
    return None
'''),
    _a("task5_solution", "gibibytes", "wrong",
       "takes 1 GB as 2**30 bytes",
       '''def choose_method(n_params, lora_params, device_gb):
    needs = {"full": 16 * n_params, "lora": 2 * n_params + 16 * lora_params,
             "qlora": (0.5 + 4 / 128) * n_params + 16 * lora_params}
    for method, need in needs.items():
        if need <= device_gb * 2**30:
            return method
    return None
'''),
    _a("task5_solution", "strict_less", "wrong",
       "uses < : a model that fills the device exactly is said not to fit",
       '''def choose_method(n_params, lora_params, device_gb):
    needs = {"full": 16 * n_params, "lora": 2 * n_params + 16 * lora_params,
             "qlora": (0.5 + 4 / 128) * n_params + 16 * lora_params}
    for method, need in needs.items():
        if need < device_gb * 1e9:
            return method
    return None
'''),
    _a("task5_solution", "no_scales", "wrong",
       "counts the 4-bit base as 0.5 bytes per weight, forgetting the block scales",
       '''def choose_method(n_params, lora_params, device_gb):
    needs = {"full": 16 * n_params, "lora": 2 * n_params + 16 * lora_params, "qlora": 0.5 * n_params + 16 * lora_params}
    for method, need in needs.items():
        if need <= device_gb * 1e9:
            return method
    return None
'''),
    _a("task5_solution", "if_chain", "valid",
       "an if chain on bytes",
       '''def choose_method(n_params, lora_params, device_gb):
    device = device_gb * 1e9
    adapter = 16 * lora_params
    if 16 * n_params <= device:
        return "full"
    if 2 * n_params + adapter <= device:
        return "lora"
    if n_params * (0.5 + 4 / 128) + adapter <= device:
        return "qlora"
    return None
'''),
]
