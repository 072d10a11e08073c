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
    Answer(
        cell="task1_solution",
        name="numpy_cos_int_step",
        kind="valid",
        why="np.cos and an explicit int(step), with the boundary t = T_w returned exactly",
        code='''def cosine_with_warmup(step, base_lr, warmup_steps, total_steps, final_lr=0.0):
    step = int(step)
    if step < warmup_steps:
        return float(base_lr * step / warmup_steps)
    if step >= total_steps:
        return float(final_lr)
    if step == warmup_steps:
        return float(base_lr)
    return float(np.float64(final_lr) + (base_lr - final_lr) * (1 + np.cos(np.pi * (step - warmup_steps) / (total_steps - warmup_steps))) / 2)
''',
    ),
    Answer(
        cell="task2_solution",
        name="float_floor_division",
        kind="valid",
        why="math.floor of the true quotient instead of integer division",
        code='''def step_decay(step, base_lr, drop, every):
    return float(base_lr) * float(drop) ** math.floor(step / every)
''',
    ),
    Answer(
        cell="task5_solution",
        name="optimizer_gets_other_peak",
        kind="wrong",
        why="task5_schedule has the required peak, but the optimizer is compiled with another schedule of peak 0.01 (review B6: the old test compared only step 300)",
        code='''task5_schedule = keras.optimizers.schedules.CosineDecay(0.0, decay_steps=TASK5_STEPS - 30, warmup_target=TASK5_PEAK, warmup_steps=30)
OPTIMIZER_SCHEDULE = keras.optimizers.schedules.CosineDecay(0.0, decay_steps=TASK5_STEPS - 30, warmup_target=0.01, warmup_steps=30)
''' + _TASK5_TAIL,
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
