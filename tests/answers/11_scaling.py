"""Answers to exercise 11 that a learner plausibly writes (see tests/answers/__init__.py)."""

from coursekit.gradecheck import Answer

_T1_HEAD = '''def per_device_bytes(n_params, optimizer, replicas=1, zero_stage=0, param_dtype="float32", gradient_accumulation=False):
    size_of = {"float64": 8, "float32": 4, "float16": 2, "bfloat16": 2}
    optimizer_slots = {"sgd": 0, "momentum": 1, "adam": 2}
    if optimizer not in optimizer_slots or param_dtype not in size_of:
        raise ValueError("unknown optimizer or dtype")
    if zero_stage not in (0, 1, 2, 3) or replicas < 1:
        raise ValueError("bad stage or replicas")
    one = int(n_params) * size_of[param_dtype]
    p, g, o, a = one, one, optimizer_slots[optimizer] * one, (one if gradient_accumulation else 0)
'''

_T3_HEAD = '''def smallest_efficient_batch(n_params, tokens_per_example, replicas, link_gbit_s, flops_per_s, target=0.9,
                             grad_bytes=4, latency_s=5e-6, max_batch=65536):
'''

_T4_HEAD = '''def accumulating_sgd(peak_lr, warmup_updates, total_updates, k):
'''

_T5_HEAD = '''def choose_zero_stage(n_params, replicas, device_bytes, activation_bytes, optimizer="adam", param_dtype="float32",
                      gradient_accumulation=False):
'''

ANSWERS = [
    # ---- Task 1: per-device model-state bytes under ZeRO
    Answer(
        cell="task1_solution",
        name="data_parallel_divides_by_replicas",
        kind="wrong",
        why="believes plain data parallelism splits the model over the devices (stage 0 divides everything by R)",
        code=_T1_HEAD + '''    total = p + g + o + a
    if zero_stage == 0:
        return int(-(-total // int(replicas)))
    sharded = [o, o + g + a, total][zero_stage - 1]
    return int(total - sharded + -(-sharded // int(replicas)))
''',
    ),
    Answer(
        cell="task1_solution",
        name="stage_one_shards_gradients",
        kind="wrong",
        why="shifts the stages by one: stage 1 already shards the gradients (ZeRO-1 shards only the optimizer state)",
        code=_T1_HEAD + '''    sharded = [0, o + g + a, o + g + a, p + g + o + a][zero_stage]
    return int(p + g + o + a - sharded + -(-sharded // int(replicas)))
''',
    ),
    Answer(
        cell="task1_solution",
        name="accumulator_never_sharded",
        kind="wrong",
        why="keeps the accumulator replicated at stages 2-3: it is a gradient and is sharded with them (review M3)",
        code=_T1_HEAD + '''    sharded = [0, o, o + g, p + g + o][zero_stage]
    return int(p + g + o + a - sharded + -(-sharded // int(replicas)))
''',
    ),
    Answer(
        cell="task1_solution",
        name="floor_division",
        kind="wrong",
        why="divides the sharded bytes with // (rounds down): a device must hold the largest shard, so round up",
        code=_T1_HEAD + '''    sharded = [0, o, o + g + a, p + g + o + a][zero_stage]
    return int(p + g + o + a - sharded + sharded // int(replicas))
''',
    ),
    Answer(
        cell="task1_solution",
        name="no_accumulator_bytes",
        kind="wrong",
        why="forgets the gradient accumulator (review M3, pitfall 2): Adam in float32 stays at 16 B/param, not 20",
        code=_T1_HEAD + '''    sharded = [0, o, o + g, p + g + o][zero_stage]
    return int(p + g + o - sharded + -(-sharded // int(replicas)))
''',
    ),
    Answer(
        cell="task1_solution",
        name="per_stage_formulas",
        kind="valid",
        why="one explicit formula per stage with math.ceil (the chapter's per_device_bytes, generalised)",
        code='''def per_device_bytes(n_params, optimizer, replicas=1, zero_stage=0, param_dtype="float32", gradient_accumulation=False):
    nbytes = {"float64": 8, "float32": 4, "float16": 2, "bfloat16": 2}.get(param_dtype)
    slots = {"sgd": 0, "momentum": 1, "adam": 2}.get(optimizer)
    if nbytes is None or slots is None or zero_stage not in range(4) or replicas < 1:
        raise ValueError("bad argument")
    n, r = int(n_params), int(replicas)
    acc = 1 if gradient_accumulation else 0
    if zero_stage == 0:
        return (2 + slots + acc) * n * nbytes
    if zero_stage == 1:
        return (2 + acc) * n * nbytes + math.ceil(slots * n * nbytes / r)
    if zero_stage == 2:
        return n * nbytes + math.ceil((1 + slots + acc) * n * nbytes / r)
    return math.ceil((2 + slots + acc) * n * nbytes / r)
''',
    ),
    # ---- Task 2: dynamic loss scaling
    Answer(
        cell="task2_solution",
        name="unscale_with_new_scale",
        kind="wrong",
        why="doubles the scale first and unscales with the doubled one, so the growth step's gradients are halved",
        code='''def loss_scale_step(scaled_grads, scale, good_steps, growth_steps=2000):
    if not all(np.all(np.isfinite(np.asarray(g))) for g in scaled_grads):
        return None, float(scale) / 2.0, 0
    good = int(good_steps) + 1
    if good == growth_steps:
        scale, good = float(scale) * 2.0, 0
    return [np.asarray(g) / scale for g in scaled_grads], float(scale), good
''',
    ),
    Answer(
        cell="task2_solution",
        name="no_counter_reset_on_overflow",
        kind="wrong",
        why="halves the scale on inf/nan but keeps counting good steps, unlike LossScaleOptimizer",
        code='''def loss_scale_step(scaled_grads, scale, good_steps, growth_steps=2000):
    if not all(np.all(np.isfinite(np.asarray(g))) for g in scaled_grads):
        return None, float(scale) / 2.0, int(good_steps)
    good = int(good_steps) + 1
    if good == growth_steps:
        return [np.asarray(g) / scale for g in scaled_grads], float(scale) * 2.0, 0
    return [np.asarray(g) / scale for g in scaled_grads], float(scale), good
''',
    ),
    Answer(
        cell="task2_solution",
        name="concatenate_then_check",
        kind="valid",
        why="checks finiteness on one concatenated vector and unscales in a comprehension",
        code='''def loss_scale_step(scaled_grads, scale, good_steps, growth_steps=2000):
    arrays = [np.asarray(g, dtype=float) for g in scaled_grads]
    flat = np.concatenate([a.ravel() for a in arrays]) if arrays else np.zeros(0)
    if not np.isfinite(flat).all():
        return None, scale / 2.0 * 1.0, 0
    grads = [a / scale for a in arrays]
    good = good_steps + 1
    if good >= growth_steps:
        return grads, float(2 * scale), 0
    return grads, float(scale), int(good)
''',
    ),
    Answer(
        cell="task2_solution",
        name="only_first_array_checked",
        kind="wrong",
        why="checks only the first gradient array for inf/nan; an overflow in a later layer slips through",
        code='''def loss_scale_step(scaled_grads, scale, good_steps, growth_steps=2000):
    if not np.all(np.isfinite(np.asarray(scaled_grads[0]))):
        return None, float(scale) / 2.0, 0
    unscaled = [np.asarray(g) / scale for g in scaled_grads]
    if good_steps + 1 == growth_steps:
        return unscaled, float(scale) * 2.0, 0
    return unscaled, float(scale), int(good_steps) + 1
''',
    ),
    # ---- Task 3: the smallest per-replica batch at 90 % efficiency
    Answer(
        cell="task3_solution",
        name="full_overlap_efficiency",
        kind="wrong",
        why="uses the full-overlap efficiency T_comp / max(T_comp, T_comm): the spec (and Keras fit) do not overlap",
        code=_T3_HEAD + '''    t_comm = 2 * (replicas - 1) / replicas * grad_bytes * n_params / (link_gbit_s * 1e9 / 8) + 2 * (replicas - 1) * latency_s
    per_example = 6 * n_params * tokens_per_example / flops_per_s
    for b in range(1, int(max_batch) + 1):
        if b * per_example / max(b * per_example, t_comm) >= target:
            return b
    return None
''',
    ),
    Answer(
        cell="task3_solution",
        name="gigabits_as_gigabytes",
        kind="wrong",
        why="divides by link_gbit_s * 1e9 as if it were bytes per second: the network looks 8 times faster",
        code=_T3_HEAD + '''    t_comm = 2 * (replicas - 1) / replicas * grad_bytes * n_params / (link_gbit_s * 1e9) + 2 * (replicas - 1) * latency_s
    per_example = 6 * n_params * tokens_per_example / flops_per_s
    for b in range(1, int(max_batch) + 1):
        if b * per_example / (b * per_example + t_comm) >= target:
            return b
    return None
''',
    ),
    Answer(
        cell="task3_solution",
        name="forward_flops_only",
        kind="wrong",
        why="counts 2N FLOPs per token (the forward pass only), so it asks for 3 times the batch needed",
        code=_T3_HEAD + '''    t_comm = 2 * (replicas - 1) / replicas * grad_bytes * n_params / (link_gbit_s * 1e9 / 8) + 2 * (replicas - 1) * latency_s
    per_example = 2 * n_params * tokens_per_example / flops_per_s
    for b in range(1, int(max_batch) + 1):
        if b * per_example / (b * per_example + t_comm) >= target:
            return b
    return None
''',
    ),
    Answer(
        cell="task3_solution",
        name="bound_truncated_with_int",
        kind="wrong",
        why="solves the bound b >= target/(1-target) * T_comm / T_comp(1) and truncates it with int() instead of rounding up",
        code=_T3_HEAD + '''    if replicas == 1:
        return 1
    t_comm = 2 * (replicas - 1) / replicas * grad_bytes * n_params / (link_gbit_s * 1e9 / 8) + 2 * (replicas - 1) * latency_s
    per_example = 6 * n_params * tokens_per_example / flops_per_s
    b = max(1, int(target / (1 - target) * t_comm / per_example))
    return b if b <= max_batch else None
''',
    ),
    Answer(
        cell="task3_solution",
        name="closed_form_ceil",
        kind="valid",
        why="the closed-form bound rounded up with math.ceil, then nudged by one against float round-off",
        code=_T3_HEAD + '''    t_comm = 2 * (replicas - 1) / replicas * grad_bytes * n_params / (link_gbit_s * 1e9 / 8) + 2 * (replicas - 1) * latency_s
    per_example = 6 * n_params * tokens_per_example / flops_per_s
    eff = lambda b: b * per_example / (b * per_example + t_comm)
    b = max(1, math.ceil(target / (1 - target) * t_comm / per_example))
    while b > 1 and eff(b - 1) >= target:
        b -= 1
    while eff(b) < target:
        b += 1
    return b if b <= max_batch else None
''',
    ),
    # ---- Task 4: the schedule under gradient accumulation
    Answer(
        cell="task4_solution",
        name="schedule_as_written",
        kind="wrong",
        why="keeps the schedule in updates (chapter pitfall 1): Keras evaluates it at the micro-batch counter, k times too fast",
        code=_T4_HEAD + '''    schedule = keras.optimizers.schedules.CosineDecay(0.0, total_updates - warmup_updates, warmup_target=peak_lr,
                                                      warmup_steps=warmup_updates)
    return keras.optimizers.SGD(schedule, gradient_accumulation_steps=k), k * total_updates
''',
    ),
    Answer(
        cell="task4_solution",
        name="lengths_divided_by_k",
        kind="wrong",
        why="corrects in the wrong direction: divides the schedule's lengths by k (an update is k micro-batches, not 1/k)",
        code=_T4_HEAD + '''    schedule = keras.optimizers.schedules.CosineDecay(0.0, (total_updates - warmup_updates) // k, warmup_target=peak_lr,
                                                      warmup_steps=warmup_updates // k)
    return keras.optimizers.SGD(schedule, gradient_accumulation_steps=k), k * total_updates
''',
    ),
    Answer(
        cell="task4_solution",
        name="micro_batches_equal_updates",
        kind="wrong",
        why="the schedule is right, but runs total_updates batches: with accumulation that is only total_updates / k updates",
        code=_T4_HEAD + '''    schedule = keras.optimizers.schedules.CosineDecay(0.0, k * (total_updates - warmup_updates), warmup_target=peak_lr,
                                                      warmup_steps=k * warmup_updates)
    return keras.optimizers.SGD(schedule, gradient_accumulation_steps=k), total_updates
''',
    ),
    Answer(
        cell="task4_solution",
        name="momentum_left_on",
        kind="wrong",
        why="adds momentum=0.9 out of habit: the spec's run is plain SGD, and momentum changes every update's step",
        code=_T4_HEAD + '''    schedule = keras.optimizers.schedules.CosineDecay(0.0, k * (total_updates - warmup_updates), warmup_target=peak_lr,
                                                      warmup_steps=k * warmup_updates)
    return keras.optimizers.SGD(schedule, momentum=0.9, gradient_accumulation_steps=k), k * total_updates
''',
    ),
    Answer(
        cell="task4_solution",
        name="schedule_at_step_floordiv_k",
        kind="valid",
        why="a LearningRateSchedule that evaluates the schedule in updates at step // k (exact at every update)",
        code=_T4_HEAD + '''    in_updates = keras.optimizers.schedules.CosineDecay(0.0, total_updates - warmup_updates, warmup_target=peak_lr,
                                                        warmup_steps=warmup_updates)

    class AtUpdate(keras.optimizers.schedules.LearningRateSchedule):
        def __call__(self, step):
            return in_updates(step // k)

    return keras.optimizers.SGD(AtUpdate(), gradient_accumulation_steps=k), k * total_updates
''',
    ),
    # ---- Task 5: the cheapest ZeRO stage that fits
    Answer(
        cell="task5_solution",
        name="always_stage_three",
        kind="wrong",
        why="takes the most memory-saving stage whenever it fits: it fits, but pays ZeRO-3's extra communication for nothing",
        code=_T5_HEAD + '''    if per_device_bytes(n_params, optimizer, replicas, 3, param_dtype, gradient_accumulation) + activation_bytes <= device_bytes:
        return 3
    return None
''',
    ),
    Answer(
        cell="task5_solution",
        name="activations_ignored",
        kind="wrong",
        why="compares only the model states with the device memory: activations come on top (chapter §11.7)",
        code=_T5_HEAD + '''    for stage in range(4):
        if per_device_bytes(n_params, optimizer, replicas, stage, param_dtype, gradient_accumulation) <= device_bytes:
            return stage
    return None
''',
    ),
    Answer(
        cell="task5_solution",
        name="strictly_below_memory",
        kind="wrong",
        why="requires states + activations < device_bytes: an exact fit is rejected and a higher stage chosen",
        code=_T5_HEAD + '''    for stage in range(4):
        if per_device_bytes(n_params, optimizer, replicas, stage, param_dtype, gradient_accumulation) + activation_bytes < device_bytes:
            return stage
    return None
''',
    ),
    Answer(
        cell="task5_solution",
        name="stage_three_when_nothing_fits",
        kind="wrong",
        why="falls back to stage 3 when nothing fits instead of None, so the run is planned and then runs out of memory",
        code=_T5_HEAD + '''    for stage in range(4):
        if per_device_bytes(n_params, optimizer, replicas, stage, param_dtype, gradient_accumulation) + activation_bytes <= device_bytes:
            return stage
    return 3
''',
    ),
    Answer(
        cell="task5_solution",
        name="free_memory_first",
        kind="valid",
        why="subtracts the activations from the device first and takes the first stage whose states fit what is left",
        code=_T5_HEAD + '''    free = device_bytes - activation_bytes
    fitting = [s for s in (0, 1, 2, 3)
               if per_device_bytes(n_params, optimizer, replicas=replicas, zero_stage=s, param_dtype=param_dtype,
                                   gradient_accumulation=gradient_accumulation) <= free]
    return min(fitting) if fitting else None
''',
    ),
]
