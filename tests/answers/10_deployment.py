"""Answers to exercise 10 that a learner plausibly writes (see tests/answers/__init__.py)."""

from coursekit.gradecheck import Answer

_T3_HEAD = '''def row_problems(payload, n_features, max_batch):
    FLOAT32_MAX = float(np.finfo(np.float32).max)
    if not isinstance(payload, dict) or "instances" not in payload:
        return 'the body must be a JSON object with an "instances" field'
    rows = payload["instances"]
    if not isinstance(rows, list) or not rows or len(rows) > max_batch:
        return f'"instances" must be a list of 1 to {max_batch} rows'

    def problem(row):
        if not isinstance(row, list) or len(row) != n_features:
            return f"must be a list of {n_features} numbers"
'''

_T1_HEAD = '''def export_and_check(model, mean, std, export_dir, x_raw):
'''

_T2_HEAD = '''def convert_tflite(saved_model_dir, precision="float32"):
'''

_T4_HEAD = '''def quiet_threshold(reference, window, false_alarm=0.01, bins=10, seed=0):
'''

_T5_HEAD = '''def canary_decision(baseline, canary):
'''

ANSWERS = [
    # ---- task 1: export_and_check (raw signals in, preprocessing inside the signature)
    Answer(
        cell="task1_solution",
        name="returns_zero_without_reloading",
        kind="wrong",
        why="writes the archive but never reloads it and returns 0.0 (review §3 E10 T1: the old test could not fail)",
        code=_T1_HEAD + '''    shift, scale = tf.constant(np.asarray(mean, np.float32)), tf.constant(np.asarray(std, np.float32))
    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint(name="serve", fn=lambda signal: model((signal - shift) / scale, training=False),
                         input_signature=[tf.TensorSpec((None, model.input_shape[-1]), tf.float32, name="signal")])
    archive.write_out(str(export_dir), verbose=False)
    return 0.0
''',
    ),
    Answer(
        cell="task1_solution",
        name="compares_the_model_with_itself",
        kind="wrong",
        why="reloads the folder but compares the model's call with itself, so it measures nothing (review §3 E10 T1)",
        code=_T1_HEAD + '''    shift, scale = tf.constant(np.asarray(mean, np.float32)), tf.constant(np.asarray(std, np.float32))
    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint(name="serve", fn=lambda signal: model((signal - shift) / scale, training=False),
                         input_signature=[tf.TensorSpec((None, model.input_shape[-1]), tf.float32, name="signal")])
    archive.write_out(str(export_dir), verbose=False)
    reloaded = tf.saved_model.load(str(export_dir))
    want = np.asarray(model((x_raw - mean) / std, training=False))
    got = np.asarray(model((x_raw - mean) / std, training=False))
    return float(np.max(np.abs(got - want)))
''',
    ),
    Answer(
        cell="task1_solution",
        name="preprocessing_left_to_the_service",
        kind="wrong",
        why="exports the bare model and standardises before calling serve: the file expects scaled input (training-serving skew)",
        code=_T1_HEAD + '''    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint(name="serve", fn=lambda signal: model(signal, training=False),
                         input_signature=[tf.TensorSpec((None, model.input_shape[-1]), tf.float32, name="signal")])
    archive.write_out(str(export_dir), verbose=False)
    scaled = ((x_raw - mean) / std).astype("float32")
    reloaded = tf.saved_model.load(str(export_dir))
    got = np.asarray(reloaded.serve(tf.constant(scaled)))
    return float(np.max(np.abs(got - np.asarray(model(scaled, training=False)))))
''',
    ),
    Answer(
        cell="task1_solution",
        name="fixed_batch_of_one",
        kind="wrong",
        why="declares the input as shape (1, n_features), as for a single request: the service cannot batch",
        code=_T1_HEAD + '''    shift, scale = tf.constant(np.asarray(mean, np.float32)), tf.constant(np.asarray(std, np.float32))
    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint(name="serve", fn=lambda signal: model((signal - shift) / scale, training=False),
                         input_signature=[tf.TensorSpec((1, model.input_shape[-1]), tf.float32, name="signal")])
    archive.write_out(str(export_dir), verbose=False)
    reloaded = tf.saved_model.load(str(export_dir))
    got = np.concatenate([np.asarray(reloaded.serve(tf.constant(x_raw[i : i + 1]))) for i in range(len(x_raw))])
    return float(np.max(np.abs(got - np.asarray(model((x_raw - mean) / std, training=False)))))
''',
    ),
    Answer(
        cell="task1_solution",
        name="normalization_layer_in_front",
        kind="valid",
        why="puts a keras.layers.Normalization(mean, variance=std**2) in front of the model and exports that Sequential",
        code=_T1_HEAD + '''    n = model.input_shape[-1]
    served_model = keras.Sequential([keras.Input((n,)), keras.layers.Normalization(mean=mean, variance=np.square(std)), model])
    archive = keras.export.ExportArchive()
    archive.track(served_model)
    archive.add_endpoint(name="serve", fn=lambda signal: served_model(signal, training=False),
                         input_signature=[tf.TensorSpec(shape=(None, n), dtype=tf.float32, name="signal")])
    archive.write_out(str(export_dir), verbose=False)
    reloaded = tf.saved_model.load(str(export_dir))
    outputs = reloaded.signatures["serve"](signal=tf.constant(x_raw, tf.float32))
    (got,) = outputs.values()
    want = keras.ops.convert_to_numpy(model((x_raw - mean) / std, training=False))
    return float(abs(got.numpy() - want).max())
''',
    ),
    # ---- task 2: convert_tflite in three precisions
    Answer(
        cell="task2_solution",
        name="float16_without_optimizations",
        kind="wrong",
        why="sets target_spec.supported_types = [tf.float16] but no optimizations flag: the converter ignores it (float32 file)",
        code=_T2_HEAD + '''    converter = tf.lite.TFLiteConverter.from_saved_model(str(saved_model_dir), signature_keys=["serve"])
    if precision == "int8":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    elif precision == "float16":
        converter.target_spec.supported_types = [tf.float16]
    elif precision != "float32":
        raise ValueError(precision)
    return converter.convert()
''',
    ),
    Answer(
        cell="task2_solution",
        name="float16_as_optimize_default",
        kind="wrong",
        why="treats Optimize.DEFAULT as 'float16': without supported_types it quantizes the weights to int8 instead",
        code=_T2_HEAD + '''    if precision not in ("float32", "float16", "int8"):
        raise ValueError(precision)
    converter = tf.lite.TFLiteConverter.from_saved_model(str(saved_model_dir), signature_keys=["serve"])
    if precision != "float32":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    return converter.convert()
''',
    ),
    Answer(
        cell="task2_solution",
        name="unknown_precision_falls_back",
        kind="wrong",
        why="an unknown precision silently converts to float32: a typo in a deployment config ships the wrong file",
        code=_T2_HEAD + '''    converter = tf.lite.TFLiteConverter.from_saved_model(str(saved_model_dir), signature_keys=["serve"])
    if precision in ("int8", "float16"):
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if precision == "float16":
        converter.target_spec.supported_types = [tf.float16]
    return converter.convert()
''',
    ),
    Answer(
        cell="task2_solution",
        name="int8_with_float_calibration_io",
        kind="wrong",
        why="'int8' with a representative dataset and int8 input/output (full-integer, chapter 8): float requests break",
        code=_T2_HEAD + '''    if precision not in ("float32", "float16", "int8"):
        raise ValueError(precision)
    converter = tf.lite.TFLiteConverter.from_saved_model(str(saved_model_dir), signature_keys=["serve"])
    if precision == "float16":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.target_spec.supported_types = [tf.float16]
    if precision == "int8":
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: ([x_train[i : i + 1]] for i in range(100))
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.int8
        converter.inference_output_type = tf.int8
    return converter.convert()
''',
    ),
    Answer(
        cell="task2_solution",
        name="match_statement",
        kind="valid",
        why="a match statement per precision, and the converter built after the check (so nothing converts on a typo)",
        code=_T2_HEAD + '''    match precision:
        case "float32":
            optimizations, types = [], None
        case "float16":
            optimizations, types = [tf.lite.Optimize.DEFAULT], [tf.float16]
        case "int8":
            optimizations, types = [tf.lite.Optimize.DEFAULT], None
        case _:
            raise ValueError(f"unknown precision {precision!r}")
    converter = tf.lite.TFLiteConverter.from_saved_model(str(saved_model_dir), signature_keys=["serve"])
    converter.optimizations = optimizations
    if types is not None:
        converter.target_spec.supported_types = types
    return converter.convert()
''',
    ),
    # ---- task 3: row_problems
    Answer(
        cell="task3_solution",
        name="math_isfinite_float64",
        kind="wrong",
        why="math.isfinite checks float64: 1e39 passes and reaches the float32 model as inf; raises on 10**400 (review H3)",
        code=_T3_HEAD + '''        for value in row:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return "not a number"
            if not math.isfinite(value):
                return "not finite"
        return None

    return {i: m for i, m in ((i, problem(r)) for i, r in enumerate(rows)) if m}
''',
    ),
    Answer(
        cell="task3_solution",
        name="float32_cast_raises_on_huge_int",
        kind="wrong",
        why="checks np.isfinite(np.float32(v)), right for floats, but np.float32(10**400) raises OverflowError (review H3)",
        code=_T3_HEAD + '''        for value in row:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return "not a number"
            with np.errstate(over="ignore"):
                if not np.isfinite(np.float32(value)):
                    return "not finite in float32"
        return None

    return {i: m for i, m in ((i, problem(r)) for i, r in enumerate(rows)) if m}
''',
    ),
    Answer(
        cell="task3_solution",
        name="message_formats_a_huge_int",
        kind="wrong",
        why="the range check is right, but the message formats the value and str(10**5000) raises ValueError (review H3)",
        code=_T3_HEAD + '''        for value in row:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return f"{type(value).__name__} is not a number"
            if not -FLOAT32_MAX <= value <= FLOAT32_MAX:
                return f"{value} is not a finite float32"
        return None

    return {i: m for i, m in ((i, problem(r)) for i, r in enumerate(rows)) if m}
''',
    ),
    Answer(
        cell="task3_solution",
        name="stops_at_first_bad_row",
        kind="wrong",
        why="keeps the chapter's first-error-wins loop: reports only the first bad row, so later bad rows get answered",
        code=_T3_HEAD + '''        for value in row:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return "not a number"
            if not -FLOAT32_MAX <= value <= FLOAT32_MAX:
                return "NaN, infinite or beyond float32"
        return None

    for i, row in enumerate(rows):
        message = problem(row)
        if message:
            return {i: message}
    return {}
''',
    ),
    Answer(
        cell="task3_solution",
        name="bool_accepted_as_int",
        kind="wrong",
        why="checks isinstance(v, (int, float)) without excluding bool: True is an int, so [True, 0.2, 0.3] passes",
        code=_T3_HEAD + '''        for value in row:
            if not isinstance(value, (int, float)):
                return "not a number"
            if not -FLOAT32_MAX <= value <= FLOAT32_MAX:
                return "NaN, infinite or beyond float32"
        return None

    return {i: m for i, m in ((i, problem(r)) for i, r in enumerate(rows)) if m}
''',
    ),
    Answer(
        cell="task3_solution",
        name="float32_cast_with_overflow_caught",
        kind="valid",
        why="casts each value to np.float32 (overflow silenced), catches OverflowError for huge ints, then np.isfinite",
        code=_T3_HEAD + '''        for value in row:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return "not a number"
            try:
                with np.errstate(over="ignore"):
                    as_float32 = np.float32(value)
            except OverflowError:
                return "an integer too large for float32"
            if not np.isfinite(as_float32):
                return "not finite in float32"
        return None

    return {i: m for i, m in ((i, problem(r)) for i, r in enumerate(rows)) if m}
''',
    ),
    Answer(
        cell="task3_solution",
        name="vectorised_row_check",
        kind="valid",
        why="type-checks each value, then one float64 array per row and an explicit |v| <= float32 max test",
        code=_T3_HEAD + '''        if any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in row):
            return "holds something that is not a number"
        try:
            values = np.array(row, dtype=np.float64)
        except OverflowError:
            return "holds an integer beyond float64"
        if not np.all(np.abs(values) <= np.finfo(np.float32).max):
            return "holds NaN, an infinity or a value beyond float32"
        return None

    bad = {}
    for i, row in enumerate(rows):
        message = problem(row)
        if message is not None:
            bad[i] = message
    return bad
''',
    ),
    # ---- task 4: a PSI threshold for at most 1 % false alarms
    Answer(
        cell="task4_solution",
        name="rule_of_thumb",
        kind="wrong",
        why="returns the credit-scoring rule of thumb 0.25: for windows of 50 it fires on about 28 % of quiet windows",
        code=_T4_HEAD + '''    return 0.25
''',
    ),
    Answer(
        cell="task4_solution",
        name="quantile_at_false_alarm",
        kind="wrong",
        why="takes the false_alarm quantile (the 1st percentile) of the quiet PSI instead of the 99th: alarms all the time",
        code=_T4_HEAD + '''    rng = np.random.default_rng(seed)
    null = [psi(reference, rng.choice(reference, window), bins=bins) for _ in range(2000)]
    return float(np.quantile(null, false_alarm))
''',
    ),
    Answer(
        cell="task4_solution",
        name="max_of_a_few_windows",
        kind="wrong",
        why="takes the largest PSI of 20 simulated quiet windows: that is about the 95th percentile, 5 % false alarms",
        code=_T4_HEAD + '''    rng = np.random.default_rng(seed)
    return float(max(psi(reference, rng.choice(reference, window), bins=bins) for _ in range(20)))
''',
    ),
    Answer(
        cell="task4_solution",
        name="chi_square_approximation",
        kind="wrong",
        why="the asymptotic null (1/n + 1/m) chi2(k-1) quantile: small windows leave bins empty and eps makes PSI heavy-tailed",
        code=_T4_HEAD + '''    from scipy import stats

    return float((1 / window + 1 / len(reference)) * stats.chi2.ppf(1 - false_alarm, bins - 1))
''',
    ),
    Answer(
        cell="task4_solution",
        name="mean_plus_three_sd",
        kind="wrong",
        why="mean + 3 standard deviations of the simulated PSI, as if it were normal: its right tail is much longer",
        code=_T4_HEAD + '''    rng = np.random.default_rng(seed)
    null = np.array([psi(reference, rng.choice(reference, window), bins=bins) for _ in range(2000)])
    return float(null.mean() + 3 * null.std())
''',
    ),
    Answer(
        cell="task4_solution",
        name="sorted_order_statistic",
        kind="valid",
        why="5,000 simulated windows, sorted, and the order statistic with a share false_alarm above it",
        code=_T4_HEAD + '''    reference = np.asarray(reference, float)
    rng = np.random.default_rng(seed)
    n_sim = 5000
    null = np.sort([psi(reference, reference[rng.integers(0, reference.size, window)], bins=bins) for _ in range(n_sim)])
    return float(null[int(np.ceil((1 - false_alarm) * n_sim)) - 1])
''',
    ),
    # ---- task 5: the canary rule
    Answer(
        cell="task5_solution",
        name="any_worse_rolls_back",
        kind="wrong",
        why="rolls back whenever the canary is worse at all: an identical version loses that coin flip most of the time",
        code=_T5_HEAD + '''    worse_errors = canary["errors"] / canary["requests"] > baseline["errors"] / baseline["requests"]
    if worse_errors or len(canary["latencies_s"]) == 0:
        return "rollback"
    worse_p99 = np.percentile(canary["latencies_s"], 99) > np.percentile(baseline["latencies_s"], 99)
    return "rollback" if worse_p99 else "promote"
''',
    ),
    Answer(
        cell="task5_solution",
        name="error_counts_not_rates",
        kind="wrong",
        why="compares error counts: the canary sees a tenth of the traffic, so 3 times its error rate still looks small",
        code=_T5_HEAD + '''    if canary["errors"] > 2 * baseline["errors"] or len(canary["latencies_s"]) == 0:
        return "rollback"
    if np.percentile(canary["latencies_s"], 99) > 1.25 * np.percentile(baseline["latencies_s"], 99):
        return "rollback"
    return "promote"
''',
    ),
    Answer(
        cell="task5_solution",
        name="mean_latency_not_p99",
        kind="wrong",
        why="watches the mean latency with a margin: a slow tail (p99 x1.6) moves the mean by about 13 %",
        code=_T5_HEAD + '''    if canary["errors"] / canary["requests"] > 2 * baseline["errors"] / baseline["requests"]:
        return "rollback"
    if len(canary["latencies_s"]) == 0:
        return "rollback"
    if np.mean(canary["latencies_s"]) > 1.25 * np.mean(baseline["latencies_s"]):
        return "rollback"
    return "promote"
''',
    ),
    Answer(
        cell="task5_solution",
        name="latency_only",
        kind="wrong",
        why="judges the canary by its latency alone: a version that fails three times as often is promoted",
        code=_T5_HEAD + '''    if len(canary["latencies_s"]) == 0:
        return "rollback"
    if np.percentile(canary["latencies_s"], 99) > 1.25 * np.percentile(baseline["latencies_s"], 99):
        return "rollback"
    return "promote"
''',
    ),
    Answer(
        cell="task5_solution",
        name="binomial_test_and_p99_margin",
        kind="valid",
        why="a one-sided binomial test on the canary's errors (p < 0.001) and p99 over 1.3 times the baseline's",
        code=_T5_HEAD + '''    from scipy import stats

    base_rate = baseline["errors"] / baseline["requests"]
    test = stats.binomtest(canary["errors"], canary["requests"], min(max(base_rate, 1e-6), 1 - 1e-6), alternative="greater")
    if test.pvalue < 1e-3 or len(canary["latencies_s"]) == 0:
        return "rollback"
    ratio = np.percentile(canary["latencies_s"], 99) / np.percentile(baseline["latencies_s"], 99)
    return "rollback" if ratio > 1.3 else "promote"
''',
    ),
]
