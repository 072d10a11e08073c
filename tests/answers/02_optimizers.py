"""Answers to exercise 2 that a learner plausibly writes (see tests/answers/__init__.py)."""

from coursekit.gradecheck import Answer

ANSWERS = [
    Answer(
        cell="task1_solution",
        name="vectorized_central_difference",
        kind="valid",
        why="central differences for all coordinates at once, through a float64 identity matrix",
        code='''def numerical_gradient(f, x, h=1e-5):
    x = np.asarray(x, dtype=np.float64)
    basis = np.eye(x.size).reshape((x.size,) + x.shape) * h
    return np.array([(f(x + e) - f(x - e)) / (2 * h) for e in basis]).reshape(x.shape)
''',
    ),
    Answer(
        cell="task3_solution",
        name="pytorch_style_buffer",
        kind="wrong",
        why="PyTorch's buffer b = mu*b + g, theta -= lr*b stored as Keras's velocity: the returned velocity has the wrong sign and scale",
        code='''def momentum_step(theta, grad, velocity, lr, momentum):
    velocity = momentum * velocity + grad
    return theta - lr * velocity, velocity
''',
    ),
    Answer(
        cell="task3_solution",
        name="velocity_terms_reordered",
        kind="valid",
        why="the same update written as theta - (lr*g - mu*v)",
        code='''def momentum_step(theta, grad, velocity, lr, momentum):
    step = lr * np.asarray(grad) - momentum * np.asarray(velocity)
    return theta - step, -step
''',
    ),
    Answer(
        cell="task4_solution",
        name="paper_form",
        kind="wrong",
        why="the paper's m_hat/(sqrt(v_hat)+eps): indistinguishable on GRADS, about 50 % off on TINY_GRADS (review B5, now a visible test)",
        code='''def adam_step(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    t = state["t"] + 1
    m = beta1 * state["m"] + (1 - beta1) * grads
    v = beta2 * state["v"] + (1 - beta2) * grads * grads
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return params - lr * m_hat / (np.sqrt(v_hat) + eps), {"m": m, "v": v, "t": t}
''',
    ),
    Answer(
        cell="task4_solution",
        name="hard_coded_eps",
        kind="wrong",
        why="ignores the eps argument (always 1e-7): the old eps=1e-5 test passed it at 7.3e-5 (review B5); eps=1e-3 gives 7e-3",
        code='''def adam_step(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    t = state["t"] + 1
    m = beta1 * state["m"] + (1 - beta1) * grads
    v = beta2 * state["v"] + (1 - beta2) * grads * grads
    alpha_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    return params - alpha_t * m / (np.sqrt(v) + 1e-7), {"m": m, "v": v, "t": t}
''',
    ),
    Answer(
        cell="task4_solution",
        name="eps_inside_sqrt",
        kind="wrong",
        why="RMSProp's Keras habit carried over: sqrt(v + eps) instead of sqrt(v) + eps",
        code='''def adam_step(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    t = state["t"] + 1
    m = beta1 * state["m"] + (1 - beta1) * grads
    v = beta2 * state["v"] + (1 - beta2) * grads * grads
    alpha_t = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    return params - alpha_t * m / np.sqrt(v + eps), {"m": m, "v": v, "t": t}
''',
    ),
    Answer(
        cell="task4_solution",
        name="corrected_moments_scaled_eps",
        kind="valid",
        why="chapter 2's rewriting of Keras's form: m_hat/(sqrt(v_hat) + eps/sqrt(1-beta2^t)), the same update",
        code='''def adam_step(params, grads, state, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-7):
    t = state["t"] + 1
    m = state["m"] + (grads - state["m"]) * (1 - beta1)
    v = state["v"] + (grads * grads - state["v"]) * (1 - beta2)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    new = params - lr * m_hat / (np.sqrt(v_hat) + eps / np.sqrt(1 - beta2**t))
    return new, {"m": m, "v": v, "t": int(t)}
''',
    ),
]
