"""Answers to exercise 5 that a learner plausibly writes (see tests/answers/__init__.py)."""

from coursekit.gradecheck import Answer

_AUGMENTED = '''keras.utils.set_random_seed(42)
task4_model = keras.Sequential([
    keras.Input((64,)),
    keras.layers.Reshape((8, 8, 1)),
    keras.layers.RandomTranslation(0.125, 0.125, fill_mode="constant", seed=42),
    keras.layers.Flatten(),
    keras.layers.GaussianNoise(0.2, seed=42),
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dropout(0.3, seed=42),
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dropout(0.3, seed=42),
    keras.layers.Dense(10),
])
fit_full_batch(task4_model, steps=400)
'''

ANSWERS = [
    Answer(
        cell="task1_solution",
        name="missing_factor_two",
        kind="wrong",
        why="differentiates λ2·θ² as λ2·θ (the ½-convention of textbooks, not Keras's L1L2)",
        code='''def l1_l2_gradient(weights, l1=0.0, l2=0.0):
    return [(l1 * np.sign(w) + l2 * np.asarray(w)).astype(np.asarray(w).dtype) for w in weights]
''',
    ),
    Answer(
        cell="task1_solution",
        name="sign_one_at_zero",
        kind="wrong",
        why="takes the L1 slope as +1 at θ = 0 (np.where(w >= 0, 1, -1)); TensorFlow uses 0 there",
        code='''def l1_l2_gradient(weights, l1=0.0, l2=0.0):
    return [(l1 * np.where(np.asarray(w) >= 0, 1.0, -1.0) + 2 * l2 * np.asarray(w)).astype(np.asarray(w).dtype) for w in weights]
''',
    ),
    Answer(
        cell="task1_solution",
        name="l1_without_sign",
        kind="wrong",
        why="differentiates |θ| as θ: the L1 part then shrinks like a second L2 term",
        code='''def l1_l2_gradient(weights, l1=0.0, l2=0.0):
    return [(l1 * np.asarray(w) + 2 * l2 * np.asarray(w)).astype(np.asarray(w).dtype) for w in weights]
''',
    ),
    Answer(
        cell="task1_solution",
        name="returns_penalty",
        kind="wrong",
        why="returns the penalty's value per array (the chapter's function) instead of its gradient",
        code='''def l1_l2_gradient(weights, l1=0.0, l2=0.0):
    return [np.full(np.shape(w), l1 * np.abs(w).sum() + l2 * np.square(w).sum(), dtype=np.asarray(w).dtype) for w in weights]
''',
    ),
    Answer(
        cell="task1_solution",
        name="autodiff",
        kind="valid",
        why="lets tf.GradientTape differentiate Keras's own regularizer, zeros where it is constant",
        code='''def l1_l2_gradient(weights, l1=0.0, l2=0.0):
    out = []
    for w in weights:
        w = np.asarray(w)
        v = tf.Variable(w)
        with tf.GradientTape() as tape:
            penalty = keras.regularizers.L1L2(l1=l1, l2=l2)(v)
        g = tape.gradient(penalty, v)
        out.append(np.zeros_like(w) if g is None else g.numpy().astype(w.dtype))
    return out
''',
    ),
    Answer(
        cell="task2_solution",
        name="ignores_noise_shape",
        kind="wrong",
        why="draws an independent mask for every entry (plain dropout): the mask is not shared along the 1-axes",
        code='''def dropout_noise_shape(x, rate, noise_shape, rng):
    if not 0.0 <= rate < 1.0:
        raise ValueError(rate)
    x = np.asarray(x)
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x / (1.0 - rate), 0.0).astype(x.dtype)
''',
    ),
    Answer(
        cell="task2_solution",
        name="none_as_one",
        kind="wrong",
        why="treats None as 1: one mask shared by the whole batch instead of one per sequence",
        code='''def dropout_noise_shape(x, rate, noise_shape, rng):
    if not 0.0 <= rate < 1.0:
        raise ValueError(rate)
    x = np.asarray(x)
    shape = x.shape if noise_shape is None else tuple(1 if d is None else d for d in noise_shape)
    keep = rng.random(shape) >= rate
    return np.where(keep, x / (1.0 - rate), 0.0).astype(x.dtype)
''',
    ),
    Answer(
        cell="task2_solution",
        name="no_rescale",
        kind="wrong",
        why="zeroes the dropped entries but does not divide the survivors by 1 − rate",
        code='''def dropout_noise_shape(x, rate, noise_shape, rng):
    if not 0.0 <= rate < 1.0:
        raise ValueError(rate)
    x = np.asarray(x)
    shape = x.shape if noise_shape is None else tuple(x.shape[i] if d is None else d for i, d in enumerate(noise_shape))
    keep = rng.random(shape) >= rate
    return np.where(keep, x, 0.0).astype(x.dtype)
''',
    ),
    Answer(
        cell="task2_solution",
        name="broadcast_multiply",
        kind="valid",
        why="resolves the shape with np.where on a list, multiplies by a broadcast float mask",
        code='''def dropout_noise_shape(x, rate, noise_shape, rng):
    if not 0.0 <= rate < 1.0:
        raise ValueError(rate)
    x = np.asarray(x)
    shape = list(x.shape) if noise_shape is None else [s if d is None else d for s, d in zip(x.shape, noise_shape)]
    mask = (rng.random(tuple(shape)) >= rate).astype(x.dtype)
    return (x * np.broadcast_to(mask, x.shape) / x.dtype.type(1.0 - rate)).astype(x.dtype)
''',
    ),
    Answer(
        cell="task3_solution",
        name="statistics_as_constants",
        kind="wrong",
        why="treats the batch mean and variance as constants: dx = γ·dy/√(σ² + ε), the inference-mode gradient",
        code='''def batchnorm_backward(dy, x, gamma, eps=1e-3):
    x, dy, gamma = np.asarray(x, float), np.asarray(dy, float), np.asarray(gamma, float)
    B = len(x)
    inv = 1 / np.sqrt(x.var(axis=0) + eps)
    xh = (x - x.mean(axis=0)) * inv
    return gamma * inv * dy, (dy * xh).sum(axis=0), dy.sum(axis=0)
''',
    ),
    Answer(
        cell="task3_solution",
        name="mean_path_only",
        kind="wrong",
        why="follows the gradient through the mean but forgets the path through the variance",
        code='''def batchnorm_backward(dy, x, gamma, eps=1e-3):
    x, dy, gamma = np.asarray(x, float), np.asarray(dy, float), np.asarray(gamma, float)
    B = len(x)
    inv = 1 / np.sqrt(x.var(axis=0) + eps)
    xh = (x - x.mean(axis=0)) * inv
    return gamma * inv * (dy - dy.mean(axis=0)), (dy * xh).sum(axis=0), dy.sum(axis=0)
''',
    ),
    Answer(
        cell="task3_solution",
        name="unbiased_variance",
        kind="wrong",
        why="normalises with the unbiased variance (ddof=1), which BatchNormalization does not use",
        code='''def batchnorm_backward(dy, x, gamma, eps=1e-3):
    x, dy, gamma = np.asarray(x, float), np.asarray(dy, float), np.asarray(gamma, float)
    B = len(x)
    inv = 1 / np.sqrt(x.var(axis=0, ddof=1) + eps)
    xh = (x - x.mean(axis=0)) * inv
    db, dg = dy.sum(axis=0), (dy * xh).sum(axis=0)
    return gamma * inv / B * (B * dy - db - xh * dg), dg, db
''',
    ),
    Answer(
        cell="task3_solution",
        name="dgamma_unweighted",
        kind="wrong",
        why="sums dy for dgamma as for dbeta, forgetting that γ multiplies the normalised input",
        code='''def batchnorm_backward(dy, x, gamma, eps=1e-3):
    x, dy, gamma = np.asarray(x, float), np.asarray(dy, float), np.asarray(gamma, float)
    B = len(x)
    inv = 1 / np.sqrt(x.var(axis=0) + eps)
    xh = (x - x.mean(axis=0)) * inv
    db, dg = dy.sum(axis=0), (dy * xh).sum(axis=0)
    return gamma * inv / B * (B * dy - db - xh * dg), db.copy(), db
''',
    ),
    Answer(
        cell="task3_solution",
        name="staged_backprop",
        kind="valid",
        why="back-propagates step by step through the graph x → x − μ → σ² → 1/√ → x̂ → y, as in cs231n",
        code='''def batchnorm_backward(dy, x, gamma, eps=1e-3):
    x, dy, gamma = np.asarray(x, float), np.asarray(dy, float), np.asarray(gamma, float)
    B = len(x)
    mu = x.mean(axis=0)
    xc = x - mu
    var = (xc**2).mean(axis=0)
    std = np.sqrt(var + eps)
    xh = xc / std
    dxh = dy * gamma
    dvar = np.sum(dxh * xc, axis=0) * -0.5 * std**-3
    dmu = -np.sum(dxh / std, axis=0) + dvar * np.mean(-2 * xc, axis=0)
    dx = dxh / std + dvar * 2 * xc / B + dmu / B
    return dx, np.sum(dy * xh, axis=0), np.sum(dy, axis=0)
''',
    ),
    Answer(
        cell="task4_solution",
        name="no_regularization",
        kind="wrong",
        why="trains the given overfitting network longer instead of regularizing it",
        code='''task4_model = fit_full_batch(build_overfitting_model(), steps=400)
task4_val_accuracy = val_accuracy(task4_model)
''',
    ),
    Answer(
        cell="task4_solution",
        name="dropout_only",
        kind="wrong",
        why="dropout alone, as the hint warns, stays below the threshold on 100 images",
        code='''keras.utils.set_random_seed(42)
task4_model = keras.Sequential([
    keras.Input((64,)),
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dropout(0.5, seed=42),
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dropout(0.5, seed=42),
    keras.layers.Dense(10),
])
fit_full_batch(task4_model, steps=400)
task4_val_accuracy = val_accuracy(task4_model)
''',
    ),
    Answer(
        cell="task4_solution",
        name="accuracy_in_training_mode",
        kind="wrong",
        why="measures the reported accuracy with training=True (chapter 5, A10/CM2): dropout on, not the deployed model",
        code=_AUGMENTED
        + '''task4_val_accuracy = float(np.mean(np.argmax(task4_model(X_val4, training=True), axis=1) == y_val4))
''',
    ),
    Answer(
        cell="task4_solution",
        name="augmentation_only",
        kind="valid",
        why="pixel shifts and noise without dropout already generalise (about 0.94 validation, 0.95 test)",
        code='''keras.utils.set_random_seed(42)
task4_model = keras.Sequential([
    keras.Input((64,)),
    keras.layers.Reshape((8, 8, 1)),
    keras.layers.RandomTranslation(0.125, 0.125, fill_mode="constant", seed=42),
    keras.layers.Flatten(),
    keras.layers.GaussianNoise(0.2, seed=42),
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dense(512, activation="relu"),
    keras.layers.Dense(10),
])
fit_full_batch(task4_model, steps=400)
task4_val_accuracy = val_accuracy(task4_model)
''',
    ),
    Answer(
        cell="task5_solution",
        name="no_penalty",
        kind="wrong",
        why="a tiny penalty (1e-4, almost the unregularized fit): with 285 features and 80 examples it interpolates the noise",
        code='''task5_l2 = 1e-4
''',
    ),
    Answer(
        cell="task5_solution",
        name="chosen_on_training_error",
        kind="wrong",
        why="picks the l2 with the lowest training MSE, which is always the smallest one tried",
        code='''_g = np.logspace(-4, 3, 71)
task5_l2 = float(_g[int(np.argmin([mse(fit_ridge(l), X_train5, y_train5) for l in _g]))])
''',
    ),
    Answer(
        cell="task5_solution",
        name="coarse_grid",
        kind="wrong",
        why="scans only 1e-3, 1e-2, 0.1, 1 on validation: the range stops below the useful penalties",
        code='''_g = [1e-3, 1e-2, 0.1, 1.0]
task5_l2 = float(_g[int(np.argmin([mse(fit_ridge(l), X_val5, y_val5) for l in _g]))])
''',
    ),
    Answer(
        cell="task5_solution",
        name="more_is_safer",
        kind="wrong",
        why="a very strong penalty (100) 'to be safe': underfits, the weights are shrunk towards zero",
        code='''task5_l2 = 100.0
''',
    ),
    Answer(
        cell="task5_solution",
        name="golden_section_on_validation",
        kind="valid",
        why="minimises the validation MSE over log10(l2) with scipy's bounded scalar minimiser",
        code='''from scipy.optimize import minimize_scalar

_r = minimize_scalar(lambda e: mse(fit_ridge(10.0**e), X_val5, y_val5), bounds=(-4, 3), method="bounded")
task5_l2 = float(10.0 ** _r.x)
''',
    ),
]
