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
        name="half_l2",
        kind="wrong",
        why="the textbook ½λ‖θ‖², but Keras's L1L2 adds λ‖θ‖² with no factor ½",
        code='''def l1_l2_penalty(weights, l1=0.0, l2=0.0):
    total = 0.0
    for w in weights:
        w = np.asarray(w, dtype=np.float64)
        total += l1 * np.abs(w).sum() + 0.5 * l2 * np.square(w).sum()
    return float(total)
''',
    ),
    Answer(
        cell="task1_solution",
        name="norm_not_squared",
        kind="wrong",
        why="λ2 times the Euclidean norm instead of the sum of squares",
        code='''def l1_l2_penalty(weights, l1=0.0, l2=0.0):
    total = 0.0
    for w in weights:
        w = np.asarray(w, dtype=np.float64)
        total += l1 * np.abs(w).sum() + l2 * np.linalg.norm(w.ravel())
    return float(total)
''',
    ),
    Answer(
        cell="task1_solution",
        name="generator_sum",
        kind="valid",
        why="one generator expression over the arrays, in float64",
        code='''def l1_l2_penalty(weights, l1=0.0, l2=0.0):
    return float(sum(l1 * np.sum(np.abs(np.float64(w))) + l2 * np.sum(np.float64(w) ** 2) for w in weights))
''',
    ),
    Answer(
        cell="task2_solution",
        name="no_rescale",
        kind="wrong",
        why="classic dropout: zeroes entries but does not divide the survivors by 1 - rate",
        code='''def inverted_dropout(x, rate, rng):
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"rate must be in [0, 1), got {rate}")
    x = np.asarray(x)
    keep = rng.random(x.shape) >= rate
    return np.where(keep, x, 0.0).astype(x.dtype)
''',
    ),
    Answer(
        cell="task2_solution",
        name="mask_inverted",
        kind="wrong",
        why="keeps where rng.random < rate: drops with probability 1 - rate",
        code='''def inverted_dropout(x, rate, rng):
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"rate must be in [0, 1), got {rate}")
    x = np.asarray(x)
    keep = rng.random(x.shape) < rate
    return np.where(keep, x / (1.0 - rate), 0.0).astype(x.dtype)
''',
    ),
    Answer(
        cell="task2_solution",
        name="multiply_mask",
        kind="valid",
        why="multiplies by the boolean mask instead of np.where",
        code='''def inverted_dropout(x, rate, rng):
    if rate < 0 or rate >= 1:
        raise ValueError("rate must be in [0, 1)")
    x = np.asarray(x)
    keep = rng.random(x.shape) >= rate
    return (x * keep / (1 - rate)).astype(x.dtype)
''',
    ),
    Answer(
        cell="task3_solution",
        name="unbiased_variance",
        kind="wrong",
        why="divides by B - 1 (ddof=1); BatchNormalization normalises with the biased batch variance",
        code='''def batchnorm_forward(x, gamma, beta, eps=1e-3):
    x = np.asarray(x, dtype=np.float64)
    mu = x.mean(axis=0)
    var = x.var(axis=0, ddof=1) if len(x) > 1 else np.zeros(x.shape[1])
    return np.asarray(gamma) * (x - mu) / np.sqrt(var + eps) + np.asarray(beta)
''',
    ),
    Answer(
        cell="task3_solution",
        name="eps_outside_sqrt",
        kind="wrong",
        why="adds eps to the standard deviation instead of to the variance",
        code='''def batchnorm_forward(x, gamma, beta, eps=1e-3):
    x = np.asarray(x, dtype=np.float64)
    mu, sd = x.mean(axis=0), x.std(axis=0)
    return np.asarray(gamma) * (x - mu) / (sd + eps) + np.asarray(beta)
''',
    ),
    Answer(
        cell="task3_solution",
        name="rsqrt_form",
        kind="valid",
        why="multiplies by (var + eps) ** -0.5, the form Keras's kernel uses",
        code='''def batchnorm_forward(x, gamma, beta, eps=1e-3):
    x = np.asarray(x, dtype=np.float64)
    centred = x - x.mean(axis=0, keepdims=True)
    inv = (np.mean(centred**2, axis=0) + eps) ** -0.5
    return centred * inv * gamma + beta
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
]
