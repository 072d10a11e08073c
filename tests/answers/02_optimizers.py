"""Answers to exercise 2 that a learner plausibly writes (see tests/answers/__init__.py)."""

from coursekit.gradecheck import Answer

ANSWERS = [
    # Task 1: finite-difference Jacobian
    Answer(
        cell="task1_solution",
        name="jacobian_transposed",
        kind="wrong",
        why="stacks the difference vectors as rows: the (n, m) transpose of the Jacobian",
        code='''def numerical_jacobian(f, x, h=1e-5):
    x64 = np.array(x, dtype=np.float64)
    rows = [(np.asarray(f(x64 + e), dtype=np.float64) - np.asarray(f(x64 - e), dtype=np.float64)) / (2 * h)
            for e in np.eye(x64.size) * h]
    return np.array(rows)
''',
    ),
    Answer(
        cell="task1_solution",
        name="forward_difference",
        kind="wrong",
        why="one-sided differences (f(x + h e_j) - f(x)) / h: error O(h), 3e-3 on the cubic at h = 1e-3",
        code='''def numerical_jacobian(f, x, h=1e-5):
    x64 = np.array(x, dtype=np.float64)
    f0 = np.asarray(f(x64), dtype=np.float64)
    return np.stack([(np.asarray(f(x64 + e), dtype=np.float64) - f0) / h for e in np.eye(x64.size) * h], axis=1)
''',
    ),
    Answer(
        cell="task1_solution",
        name="float32_perturbation",
        kind="wrong",
        why="perturbs x in its own dtype: float32 cannot hold x + 1e-5 accurately, the error is about 1e-3",
        code='''def numerical_jacobian(f, x, h=1e-5):
    x = np.array(x)
    cols = []
    for j in range(x.size):
        e = np.zeros_like(x)
        e[j] = h
        cols.append((np.asarray(f(x + e), dtype=np.float64) - np.asarray(f(x - e), dtype=np.float64)) / (2 * h))
    return np.stack(cols, axis=1)
''',
    ),
    Answer(
        cell="task1_solution",
        name="perturbs_callers_array",
        kind="wrong",
        why="perturbs the caller's array in place and restores it with x[j] += h: float rounding changes x",
        code='''def numerical_jacobian(f, x, h=1e-5):
    cols = []
    for j in range(x.size):
        x[j] += h
        up = np.asarray(f(x), dtype=np.float64)
        x[j] -= 2 * h
        down = np.asarray(f(x), dtype=np.float64)
        x[j] += h
        cols.append((up - down) / (2 * h))
    return np.stack(cols, axis=1)
''',
    ),
    Answer(
        cell="task1_solution",
        name="loop_over_copy",
        kind="valid",
        why="a float64 copy perturbed and restored coordinate by coordinate, columns written into a preallocated array",
        code='''def numerical_jacobian(f, x, h=1e-5):
    work = np.array(x, dtype=np.float64)
    out = None
    for j in range(work.size):
        keep = work[j]
        work[j] = keep + h
        up = np.asarray(f(work), dtype=np.float64)
        work[j] = keep - h
        down = np.asarray(f(work), dtype=np.float64)
        work[j] = keep
        if out is None:
            out = np.zeros((up.size, work.size))
        out[:, j] = (up - down) / (2 * h)
    return out
''',
    ),
    # Task 2: a rate from the curvature
    Answer(
        cell="task2_solution",
        name="stability_limit",
        kind="wrong",
        why="the largest stable rate 2/λ_max: the stiffest direction then oscillates without shrinking",
        code='''task2_lr = float(2.0 / np.linalg.eigvalsh(H_EASY).max())
''',
    ),
    Answer(
        cell="task2_solution",
        name="keras_default_rate",
        kind="wrong",
        why="SGD's default rate 0.01, not chosen from the problem: the flat directions barely move in 100 steps",
        code='''task2_lr = 0.01
''',
    ),
    Answer(
        cell="task2_solution",
        name="half_of_one_over_l",
        kind="wrong",
        why="a cautious 0.5/λ_max: stable but too slow along λ_min",
        code='''task2_lr = float(0.5 / np.linalg.eigvalsh(H_EASY).max())
''',
    ),
    Answer(
        cell="task2_solution",
        name="one_over_lambda_min",
        kind="wrong",
        why="1/λ_min, sized for the flattest direction: diverges along the stiffest",
        code='''task2_lr = float(1.0 / np.linalg.eigvalsh(H_EASY).min())
''',
    ),
    Answer(
        cell="task2_solution",
        name="grid_search",
        kind="valid",
        why="an experiment instead of the formula: the best rate of a grid, measured with heavy_ball_ratio",
        code='''_grid = np.linspace(0.01, 0.2, 200)
task2_lr = float(min(_grid, key=lambda a: heavy_ball_ratio(H_EASY, STAR_EASY, START_EASY, a, 0.0)))
''',
    ),
    Answer(
        cell="task2_solution",
        name="safe_one_over_l",
        kind="valid",
        why="the textbook-safe 1/L with L = λ_max (slower than the best, but within the budget)",
        code='''task2_lr = float(1.0 / np.linalg.eigvalsh(H_EASY).max())
''',
    ),
    # Task 3: RMSProp with momentum and centering
    Answer(
        cell="task3_solution",
        name="eps_outside_sqrt",
        kind="wrong",
        why="the paper form g/(√v + ε): on TINY_GRADS ε dominates differently (chapter §2.8)",
        code='''def rmsprop_step(theta, grad, state, lr, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    v = rho * state["v"] + (1 - rho) * grad**2
    g_avg = rho * state["g_avg"] + (1 - rho) * grad if centered else state["g_avg"].copy()
    spread = v - g_avg**2 if centered else v
    increment = lr * grad / (np.sqrt(spread) + epsilon)
    buf = momentum * state["buf"] + increment if momentum > 0 else state["buf"].copy()
    return theta - (buf if momentum > 0 else increment), {"v": v, "g_avg": g_avg, "buf": buf}
''',
    ),
    Answer(
        cell="task3_solution",
        name="centered_with_old_average",
        kind="wrong",
        why="subtracts the square of the previous step's average gradient (updated after use instead of before)",
        code='''def rmsprop_step(theta, grad, state, lr, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    v = rho * state["v"] + (1 - rho) * grad**2
    denom = v - state["g_avg"] ** 2 + epsilon if centered else v + epsilon
    g_avg = rho * state["g_avg"] + (1 - rho) * grad if centered else state["g_avg"].copy()
    increment = lr * grad / np.sqrt(denom)
    buf = momentum * state["buf"] + increment if momentum > 0 else state["buf"].copy()
    return theta - (buf if momentum > 0 else increment), {"v": v, "g_avg": g_avg, "buf": buf}
''',
    ),
    Answer(
        cell="task3_solution",
        name="momentum_on_raw_gradient",
        kind="wrong",
        why="accumulates momentum on the raw gradient and scales afterwards (Adam-like), not on the scaled step",
        code='''def rmsprop_step(theta, grad, state, lr, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    v = rho * state["v"] + (1 - rho) * grad**2
    g_avg = rho * state["g_avg"] + (1 - rho) * grad if centered else state["g_avg"].copy()
    denom = v - g_avg**2 + epsilon if centered else v + epsilon
    buf = momentum * state["buf"] + grad if momentum > 0 else state["buf"].copy()
    direction = buf if momentum > 0 else grad
    return theta - lr * direction / np.sqrt(denom), {"v": v, "g_avg": g_avg, "buf": buf}
''',
    ),
    Answer(
        cell="task3_solution",
        name="centered_ignored",
        kind="wrong",
        why="accepts centered but never subtracts the squared mean gradient",
        code='''def rmsprop_step(theta, grad, state, lr, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    v = rho * state["v"] + (1 - rho) * grad**2
    increment = lr * grad / np.sqrt(v + epsilon)
    buf = momentum * state["buf"] + increment if momentum > 0 else state["buf"].copy()
    return theta - (buf if momentum > 0 else increment), {"v": v, "g_avg": state["g_avg"].copy(), "buf": buf}
''',
    ),
    Answer(
        cell="task3_solution",
        name="pytorch_buffer_then_lr",
        kind="valid",
        why="PyTorch's buffer b ← μb + g/√d with θ ← θ − αb: the same iterates for a constant α",
        code='''def rmsprop_step(theta, grad, state, lr, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    new = {k: np.array(a, copy=True) for k, a in state.items()}
    new["v"] = rho * state["v"] + (1 - rho) * grad * grad
    spread = new["v"]
    if centered:  # in float32 the order matters: v - ḡ² nearly cancels, so subtract before adding ε
        new["g_avg"] = rho * state["g_avg"] + (1 - rho) * grad
        spread = spread - new["g_avg"] * new["g_avg"]
    denom = spread + epsilon
    scaled = grad / np.sqrt(denom)
    if momentum > 0:
        new["buf"] = momentum * state["buf"] + lr * scaled
        return theta - new["buf"], new
    return theta - lr * scaled, new
''',
    ),
    # Task 4: AMSGrad
    Answer(
        cell="task4_solution",
        name="plain_adam",
        kind="wrong",
        why="plain Adam: divides by the current v, keeps v_max only for show (wrong on FADING_GRADS)",
        code='''def amsgrad_step(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    t = state["t"] + 1
    m = beta1 * state["m"] + (1 - beta1) * grads
    v = beta2 * state["v"] + (1 - beta2) * grads**2
    v_max = np.maximum(state["v_max"], v)
    alpha_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    return params - alpha_t * m / (np.sqrt(v) + eps), {"m": m, "v": v, "v_max": v_max, "t": t}
''',
    ),
    Answer(
        cell="task4_solution",
        name="max_of_squared_gradient",
        kind="wrong",
        why="keeps the running maximum of g² instead of the maximum of the average v",
        code='''def amsgrad_step(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    t = state["t"] + 1
    m = beta1 * state["m"] + (1 - beta1) * grads
    v = beta2 * state["v"] + (1 - beta2) * grads**2
    v_max = np.maximum(state["v_max"], grads**2)
    alpha_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    return params - alpha_t * m / (np.sqrt(v_max) + eps), {"m": m, "v": v, "v_max": v_max, "t": t}
''',
    ),
    Answer(
        cell="task4_solution",
        name="paper_form_bias_corrected",
        kind="wrong",
        why="bias-corrects m and v_max and adds ε to the corrected root: the paper's placement, off on TINY_GRADS",
        code='''def amsgrad_step(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    t = state["t"] + 1
    m = beta1 * state["m"] + (1 - beta1) * grads
    v = beta2 * state["v"] + (1 - beta2) * grads**2
    v_max = np.maximum(state["v_max"], v)
    m_hat, v_hat = m / (1 - beta1**t), v_max / (1 - beta2**t)
    return params - lr * m_hat / (np.sqrt(v_hat) + eps), {"m": m, "v": v, "v_max": v_max, "t": t}
''',
    ),
    Answer(
        cell="task4_solution",
        name="max_of_corrected_v",
        kind="wrong",
        why="takes the maximum over the bias-corrected v/(1-β₂ᵗ), which is large early on and then never released",
        code='''def amsgrad_step(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    t = state["t"] + 1
    m = beta1 * state["m"] + (1 - beta1) * grads
    v = beta2 * state["v"] + (1 - beta2) * grads**2
    v_max = np.maximum(state["v_max"], v / (1 - beta2**t))
    return params - lr / (1 - beta1**t) * m / (np.sqrt(v_max) + eps), {"m": m, "v": v, "v_max": v_max, "t": t}
''',
    ),
    Answer(
        cell="task4_solution",
        name="pytorch_scaled_eps",
        kind="valid",
        why="PyTorch's AMSGrad: max over the uncorrected v, corrections applied separately, ε scaled to match Keras",
        code='''def amsgrad_step(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    t = state["t"] + 1
    m = beta1 * state["m"] + (1 - beta1) * grads
    v = beta2 * state["v"] + (1 - beta2) * np.square(grads)
    v_max = np.maximum(state["v_max"], v)
    bc1, bc2 = 1 - beta1**t, 1 - beta2**t
    denom = np.sqrt(v_max) / np.sqrt(bc2) + eps / np.sqrt(bc2)
    return params - lr * (m / bc1) / denom, {"m": m, "v": v, "v_max": v_max, "t": t}
''',
    ),
    # Task 5: a rate and a momentum
    Answer(
        cell="task5_solution",
        name="default_momentum",
        kind="wrong",
        why="momentum 0.9 with the safe rate 1/λ_max: too much momentum for κ = 100, J falls only to about 1e-5",
        code='''task5_momentum = 0.9
task5_lr = float(1.0 / np.linalg.eigvalsh(H_HARD).max())
''',
    ),
    Answer(
        cell="task5_solution",
        name="best_plain_gd",
        kind="wrong",
        why="no momentum, the best plain rate 2/(λ_min + λ_max): limited by κ, J falls to about 4e-3",
        code='''_lam = np.linalg.eigvalsh(H_HARD)
task5_lr, task5_momentum = float(2 / (_lam.min() + _lam.max())), 0.0
''',
    ),
    Answer(
        cell="task5_solution",
        name="heavy_momentum",
        kind="wrong",
        why="momentum 0.99 'to go faster': the iterates keep oscillating for hundreds of steps",
        code='''task5_lr, task5_momentum = 0.05, 0.99
''',
    ),
    Answer(
        cell="task5_solution",
        name="optimal_momentum_too_large_rate",
        kind="wrong",
        why="Polyak's momentum with the plain-GD limit 2/λ_max·(1 + μ) as the rate: unstable",
        code='''_lam = np.linalg.eigvalsh(H_HARD)
_rk = np.sqrt(_lam.max() / _lam.min())
task5_momentum = float(((_rk - 1) / (_rk + 1)) ** 2)
task5_lr = float(2 * (1 + task5_momentum) / _lam.max())
''',
    ),
    Answer(
        cell="task5_solution",
        name="grid_search_pair",
        kind="valid",
        why="a small grid of (α, μ) searched with heavy_ball_ratio instead of Polyak's formulas",
        code='''_pairs = [(a, m) for a in np.linspace(0.05, 0.35, 31) for m in np.linspace(0.0, 0.95, 20)]
task5_lr, task5_momentum = map(float, min(_pairs, key=lambda p: heavy_ball_ratio(H_HARD, STAR_HARD, START_HARD, *p)))
''',
    ),
    Answer(
        cell="task5_solution",
        name="rounded_pair",
        kind="valid",
        why="a round pair near the optimum read off a grid (α = 0.25, μ = 0.7)",
        code='''task5_lr, task5_momentum = 0.25, 0.7
''',
    ),
]
