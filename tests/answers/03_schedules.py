"""Answers to exercise 3 that a learner plausibly writes (see tests/answers/__init__.py)."""

from coursekit.gradecheck import Answer

_TASK5_TAIL = '''task5_model = make_model()
task5_model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=OPTIMIZER_SCHEDULE),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    steps_per_execution=50,
)
task5_model.fit(train_batches(), epochs=1, shuffle=False, verbose=0)
'''

ANSWERS = [
    # Task 1: cosine with warm restarts
    Answer(
        cell="task1_solution",
        name="periods_never_grow",
        kind="wrong",
        why="restarts every first_period steps whatever t_mul says (t_mul ignored)",
        code='''def cosine_restarts(step, base_lr, first_period, t_mul=2.0, m_mul=1.0, alpha=0.0):
    i, rest = divmod(step, first_period)
    f = rest / first_period
    return float(base_lr * ((1 - alpha) * 0.5 * m_mul**i * (1 + math.cos(math.pi * f)) + alpha))
''',
    ),
    Answer(
        cell="task1_solution",
        name="floor_scaled_too",
        kind="wrong",
        why="scales the whole rate, floor included, by m_mul**i (Keras leaves the floor alpha unscaled)",
        code='''def cosine_restarts(step, base_lr, first_period, t_mul=2.0, m_mul=1.0, alpha=0.0):
    start, length, i = 0.0, float(first_period), 0
    while step >= start + length:
        start, length, i = start + length, length * t_mul, i + 1
    f = (step - start) / length
    return float(base_lr * m_mul**i * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * f)) + alpha))
''',
    ),
    Answer(
        cell="task1_solution",
        name="restart_one_step_late",
        kind="wrong",
        why="moves to the next period only when step > start + length: the first step of each period still gets the floor",
        code='''def cosine_restarts(step, base_lr, first_period, t_mul=2.0, m_mul=1.0, alpha=0.0):
    start, length, i = 0.0, float(first_period), 0
    while step > start + length:
        start, length, i = start + length, length * t_mul, i + 1
    f = (step - start) / length
    return float(base_lr * ((1 - alpha) * 0.5 * m_mul**i * (1 + math.cos(math.pi * f)) + alpha))
''',
    ),
    Answer(
        cell="task1_solution",
        name="fraction_of_first_period",
        kind="wrong",
        why="measures the fraction within a period in units of the first period, not of the current one",
        code='''def cosine_restarts(step, base_lr, first_period, t_mul=2.0, m_mul=1.0, alpha=0.0):
    start, length, i = 0.0, float(first_period), 0
    while step >= start + length:
        start, length, i = start + length, length * t_mul, i + 1
    f = min((step - start) / first_period, 1.0)
    return float(base_lr * ((1 - alpha) * 0.5 * m_mul**i * (1 + math.cos(math.pi * f)) + alpha))
''',
    ),
    Answer(
        cell="task1_solution",
        name="closed_form_float64",
        kind="valid",
        why="Keras's own closed form (period index from a logarithm), in float64 and with the t_mul = 1 case apart",
        code='''def cosine_restarts(step, base_lr, first_period, t_mul=2.0, m_mul=1.0, alpha=0.0):
    done = step / first_period
    if t_mul == 1.0:
        i = math.floor(done)
        f = done - i
    else:
        i = math.floor(math.log(1 - done * (1 - t_mul)) / math.log(t_mul) + 1e-12)
        f = (done - (1 - t_mul**i) / (1 - t_mul)) / t_mul**i
    return float(base_lr * ((1 - alpha) * 0.5 * m_mul**i * (1 + np.cos(np.pi * f)) + alpha))
''',
    ),
    # Task 2: inverse square root with warmup counted from 1
    Answer(
        cell="task2_solution",
        name="keras_convention",
        kind="wrong",
        why="counts warmup from 0 (Keras's convention, n = step): step 0 gets rate 0 and the peak comes one step late",
        code='''def inverse_sqrt(step, peak_lr, warmup_steps):
    n = max(int(step), 1e-12)
    return float(peak_lr * min(n / warmup_steps, (warmup_steps / n) ** 0.5))
''',
    ),
    Answer(
        cell="task2_solution",
        name="inverse_not_square_root",
        kind="wrong",
        why="decays like 1/n instead of 1/sqrt(n)",
        code='''def inverse_sqrt(step, peak_lr, warmup_steps):
    n = step + 1
    return float(peak_lr * min(n / warmup_steps, warmup_steps / n))
''',
    ),
    Answer(
        cell="task2_solution",
        name="mixed_conventions",
        kind="wrong",
        why="warmup counted from 0 but the decay from 1: the two branches disagree at the switch",
        code='''def inverse_sqrt(step, peak_lr, warmup_steps):
    if step < warmup_steps:
        return float(peak_lr * step / warmup_steps)
    return float(peak_lr * math.sqrt(warmup_steps / (step + 1)))
''',
    ),
    Answer(
        cell="task2_solution",
        name="branches_with_sqrt",
        kind="valid",
        why="two explicit branches split at n = T_w, math.sqrt for the decay",
        code='''def inverse_sqrt(step, peak_lr, warmup_steps):
    n = step + 1
    if n <= warmup_steps:
        return float(peak_lr * n / warmup_steps)
    return float(peak_lr / math.sqrt(n / warmup_steps))
''',
    ),
    # Task 3: one-cycle momentum
    Answer(
        cell="task3_solution",
        name="momentum_follows_rate",
        kind="wrong",
        why="momentum rises with the rate and falls with it (the cycle the wrong way round)",
        code='''def one_cycle_momentum(step, total_steps, pct_start=0.3, base_momentum=0.85, max_momentum=0.95):
    t_p = pct_start * total_steps
    span = max_momentum - base_momentum
    if step >= total_steps:
        return float(base_momentum)
    if step <= t_p:
        return float(base_momentum + span * 0.5 * (1 - math.cos(math.pi * step / t_p)))
    return float(max_momentum - span * 0.5 * (1 - math.cos(math.pi * (step - t_p) / (total_steps - t_p))))
''',
    ),
    Answer(
        cell="task3_solution",
        name="linear_ramps",
        kind="wrong",
        why="linear ramps instead of half-cosines (the 'triangular' cyclical policy)",
        code='''def one_cycle_momentum(step, total_steps, pct_start=0.3, base_momentum=0.85, max_momentum=0.95):
    t_p = pct_start * total_steps
    span = max_momentum - base_momentum
    if step >= total_steps:
        return float(max_momentum)
    if step <= t_p:
        return float(max_momentum - span * step / t_p)
    return float(base_momentum + span * (step - t_p) / (total_steps - t_p))
''',
    ),
    Answer(
        cell="task3_solution",
        name="rounded_turning_point",
        kind="wrong",
        why="rounds t_p to an integer step: wrong wherever pct_start * total_steps is fractional",
        code='''def one_cycle_momentum(step, total_steps, pct_start=0.3, base_momentum=0.85, max_momentum=0.95):
    t_p = int(pct_start * total_steps)
    span = max_momentum - base_momentum
    if step >= total_steps:
        return float(max_momentum)
    if step <= t_p:
        return float(max_momentum - span * 0.5 * (1 - math.cos(math.pi * step / t_p)))
    return float(base_momentum + span * 0.5 * (1 - math.cos(math.pi * (step - t_p) / (total_steps - t_p))))
''',
    ),
    Answer(
        cell="task3_solution",
        name="mirror_of_rate",
        kind="valid",
        why="computes the one-cycle rate shape in [0, 1] first and mirrors it: mu = hi - (hi - lo) * shape",
        code='''def one_cycle_momentum(step, total_steps, pct_start=0.3, base_momentum=0.85, max_momentum=0.95):
    t_p = pct_start * total_steps
    if step <= t_p:
        shape = 0.5 * (1 - np.cos(np.pi * step / t_p))
    elif step < total_steps:
        shape = 0.5 * (1 + np.cos(np.pi * (step - t_p) / (total_steps - t_p)))
    else:
        shape = 0.0
    return float(max_momentum - (max_momentum - base_momentum) * shape)
''',
    ),
    # Task 4: a rate from the range test (checked by a 300-step run)
    Answer(
        cell="task4_solution",
        name="rate_at_the_minimum",
        kind="wrong",
        why="trains at the rate where the smoothed loss is lowest: the edge of instability (chapter 3.3)",
        code='''_avg, _smoothed = 0.0, []
for _i, _loss in enumerate(RANGE_LOSSES):
    _avg = 0.9 * _avg + 0.1 * _loss
    _smoothed.append(_avg / (1 - 0.9 ** (_i + 1)))
task4_lr = float(RANGE_LRS[int(np.nanargmin(np.where(np.isfinite(_smoothed), _smoothed, np.nan)))])
task4_model = train_constant(task4_lr)
''',
    ),
    Answer(
        cell="task4_solution",
        name="smallest_tested_rate",
        kind="wrong",
        why="'safe' means small: the first rate of the test, 1e-5, has barely moved after 300 steps",
        code='''task4_lr = float(RANGE_LRS[0])
task4_model = train_constant(task4_lr)
''',
    ),
    Answer(
        cell="task4_solution",
        name="rate_where_it_blew_up",
        kind="wrong",
        why="the largest rate of the test, read as 'the fastest rate the model took'",
        code='''task4_lr = float(RANGE_LRS[-1])
task4_model = train_constant(task4_lr)
''',
    ),
    Answer(
        cell="task4_solution",
        name="cautious_small_rate",
        kind="wrong",
        why="a timid 1e-4 without reading the curve: stable but unfinished after 300 steps",
        code='''task4_lr = 1e-4
task4_model = train_constant(task4_lr)
''',
    ),
    Answer(
        cell="task4_solution",
        name="steepest_descent_rule",
        kind="valid",
        why="the chapter's alternative rule: the rate where the smoothed loss falls fastest per unit of log rate, before its minimum",
        code='''_avg, _smoothed = 0.0, []
for _i, _loss in enumerate(RANGE_LOSSES):
    _avg = 0.9 * _avg + 0.1 * _loss
    _smoothed.append(_avg / (1 - 0.9 ** (_i + 1)))
_smoothed = np.where(np.isfinite(_smoothed), _smoothed, np.inf)
_slope = np.gradient(np.log(_smoothed), np.log(RANGE_LRS))
_slope[:10] = np.inf  # while the average settles
_slope[int(np.argmin(_smoothed)):] = np.inf  # past the minimum the loss is blowing up, not falling
_slope[~np.isfinite(_slope)] = np.inf
task4_lr = float(RANGE_LRS[int(np.argmin(_slope))])
task4_model = train_constant(task4_lr)
''',
    ),
    Answer(
        cell="task4_solution",
        name="read_off_the_plot",
        kind="valid",
        why="a round rate read off the plot, well below the minimum and well above the flat start",
        code='''task4_lr = 3e-3
task4_model = train_constant(task4_lr)
''',
    ),
    # Task 5: a schedule with a fixed peak
    Answer(
        cell="task5_solution",
        name="optimizer_gets_other_peak",
        kind="wrong",
        why="task5_schedule has the required peak, but the optimizer is compiled with another schedule of peak 0.01 (review B6)",
        code='''task5_schedule = keras.optimizers.schedules.CosineDecay(0.0, decay_steps=TASK5_STEPS - 30, warmup_target=TASK5_PEAK, warmup_steps=30)
OPTIMIZER_SCHEDULE = keras.optimizers.schedules.CosineDecay(0.0, decay_steps=TASK5_STEPS - 30, warmup_target=0.01, warmup_steps=30)
''' + _TASK5_TAIL,
    ),
    Answer(
        cell="task5_solution",
        name="no_decay",
        kind="wrong",
        why="a 'schedule' that stays at the peak (decay over a million steps): about 93 %, below the 96.5 % needed",
        code='''task5_schedule = keras.optimizers.schedules.CosineDecay(TASK5_PEAK, decay_steps=10**6)
OPTIMIZER_SCHEDULE = task5_schedule
''' + _TASK5_TAIL,
    ),
    Answer(
        cell="task5_solution",
        name="peak_doubled",
        kind="wrong",
        why="a higher peak (0.1) 'because it decays anyway': breaks the fixed-peak rule",
        code='''task5_schedule = keras.optimizers.schedules.CosineDecay(0.0, decay_steps=TASK5_STEPS - 30, warmup_target=2 * TASK5_PEAK, warmup_steps=30)
OPTIMIZER_SCHEDULE = task5_schedule
''' + _TASK5_TAIL,
    ),
    Answer(
        cell="task5_solution",
        name="two_fit_calls",
        kind="wrong",
        why="fits twice to 'train longer': 600 optimizer steps instead of the 300 of the budget",
        code='''task5_schedule = keras.optimizers.schedules.CosineDecay(0.0, decay_steps=TASK5_STEPS - 30, warmup_target=TASK5_PEAK, warmup_steps=30)
OPTIMIZER_SCHEDULE = task5_schedule
''' + _TASK5_TAIL + '''task5_model.fit(train_batches(), epochs=1, shuffle=False, verbose=0)
''',
    ),
    Answer(
        cell="task5_solution",
        name="schedule_rebuilt_equal",
        kind="valid",
        why="the optimizer gets a second, identical schedule object: not the same object, but the same rates at every step",
        code='''task5_schedule = keras.optimizers.schedules.CosineDecay(0.0, decay_steps=TASK5_STEPS - 30, warmup_target=TASK5_PEAK, warmup_steps=30)
OPTIMIZER_SCHEDULE = keras.optimizers.schedules.CosineDecay(0.0, decay_steps=TASK5_STEPS - 30, warmup_target=TASK5_PEAK, warmup_steps=30)
''' + _TASK5_TAIL,
    ),
    Answer(
        cell="task5_solution",
        name="linear_warmup_linear_decay_subclass",
        kind="valid",
        why="a hand-written LearningRateSchedule: linear warmup to 0.05 over 20 steps, then linear decay to 0",
        code='''class WarmupLinear(keras.optimizers.schedules.LearningRateSchedule):
    def __init__(self, peak, warmup, total):
        self.peak, self.warmup, self.total = peak, warmup, total

    def __call__(self, step):
        t = keras.ops.cast(step, "float32")
        up = self.peak * t / self.warmup
        down = self.peak * keras.ops.maximum(0.0, (self.total - t) / (self.total - self.warmup))
        return keras.ops.where(t < self.warmup, up, down)


task5_schedule = WarmupLinear(TASK5_PEAK, 20, TASK5_STEPS)
OPTIMIZER_SCHEDULE = task5_schedule
''' + _TASK5_TAIL,
    ),
]
