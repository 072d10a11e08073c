"""Answers to exercise 10 that a learner plausibly writes (see tests/answers/__init__.py)."""

from coursekit.gradecheck import Answer

_TASK3_SHAPE_CHECKS = '''    if not isinstance(payload, dict) or "instances" not in payload:
        return 'the body must be a JSON object with an "instances" field'
    rows = payload["instances"]
    if not isinstance(rows, list) or not rows:
        return '"instances" must be a non-empty list of rows'
    if len(rows) > max_batch:
        return f"{len(rows)} rows in one request; the limit is {max_batch}"
    for i, row in enumerate(rows):
        if not isinstance(row, list) or len(row) != n_features:
            return f"instances[{i}] must be a list of {n_features} numbers"
'''

ANSWERS = [
    # ---- task 1: export_and_check
    Answer(
        cell="task1_solution",
        name="returns_zero_without_reloading",
        kind="wrong",
        why="writes the archive but never reloads it and returns 0.0 (review §3 E10 T1: the old test could not fail)",
        code='''def export_and_check(model, export_dir, x):
    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint(
        name="serve",
        fn=lambda signal: model(signal, training=False),
        input_signature=[tf.TensorSpec(shape=(None, model.input_shape[-1]), dtype=tf.float32, name="signal")],
    )
    archive.write_out(str(export_dir), verbose=False)
    return 0.0
''',
    ),
    Answer(
        cell="task1_solution",
        name="compares_the_model_with_itself",
        kind="wrong",
        why="reloads the folder but compares model(x) with model(x), so it measures nothing (review §3 E10 T1)",
        code='''def export_and_check(model, export_dir, x):
    archive = keras.export.ExportArchive()
    archive.track(model)
    archive.add_endpoint(
        name="serve",
        fn=lambda signal: model(signal, training=False),
        input_signature=[tf.TensorSpec(shape=(None, model.input_shape[-1]), dtype=tf.float32, name="signal")],
    )
    archive.write_out(str(export_dir), verbose=False)
    reloaded = tf.saved_model.load(str(export_dir))
    want = np.asarray(model(x, training=False))
    got = np.asarray(model(x, training=False))
    return float(np.max(np.abs(got - want)))
''',
    ),
    Answer(
        cell="task1_solution",
        name="signature_dict_and_convert_to_numpy",
        kind="valid",
        why="calls the reloaded signature by keyword (it returns a dict) and converts with keras.ops",
        code='''def export_and_check(model, export_dir, x):
    archive = keras.export.ExportArchive()
    archive.track(model)
    spec = tf.TensorSpec(shape=(None, model.input_shape[-1]), dtype=tf.float32, name="signal")
    archive.add_endpoint(name="serve", fn=lambda signal: model(signal, training=False), input_signature=[spec])
    archive.write_out(str(export_dir), verbose=False)
    outputs = tf.saved_model.load(str(export_dir)).signatures["serve"](signal=tf.constant(x, tf.float32))
    (got,) = outputs.values()
    want = keras.ops.convert_to_numpy(model(x, training=False))
    return float(abs(got.numpy() - want).max())
''',
    ),
    # ---- task 3: validate_request
    Answer(
        cell="task3_solution",
        name="math_isfinite_float64",
        kind="wrong",
        why="math.isfinite checks float64: 1e39 passes and reaches the float32 model as inf; raises on 10**400 (review H3)",
        code='''def validate_request(payload, n_features, max_batch):
''' + _TASK3_SHAPE_CHECKS + '''        for j, value in enumerate(row):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return f"instances[{i}][{j}] must be a number, got {type(value).__name__}"
            if not math.isfinite(value):
                return f"instances[{i}][{j}] is {value}: only finite numbers are accepted"
    return None
''',
    ),
    Answer(
        cell="task3_solution",
        name="float32_cast_raises_on_huge_int",
        kind="wrong",
        why="checks np.isfinite(np.float32(v)), right for floats, but np.float32(10**400) raises OverflowError (review H3)",
        code='''def validate_request(payload, n_features, max_batch):
''' + _TASK3_SHAPE_CHECKS + '''        for j, value in enumerate(row):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return f"instances[{i}][{j}] must be a number, got {type(value).__name__}"
            with np.errstate(over="ignore"):
                if not np.isfinite(np.float32(value)):
                    return f"instances[{i}][{j}] is not finite in float32"
    return None
''',
    ),
    Answer(
        cell="task3_solution",
        name="message_formats_a_huge_int",
        kind="wrong",
        why="the range check is right, but the message formats the value and str(10**5000) raises ValueError (review H3)",
        code='''def validate_request(payload, n_features, max_batch):
    m = float(np.finfo(np.float32).max)
''' + _TASK3_SHAPE_CHECKS + '''        for j, value in enumerate(row):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return f"instances[{i}][{j}] must be a number, got {type(value).__name__}"
            if not -m <= value <= m:
                return f"instances[{i}][{j}] = {value} is not a finite float32"
    return None
''',
    ),
    Answer(
        cell="task3_solution",
        name="float32_cast_with_overflow_caught",
        kind="valid",
        why="casts each value to np.float32 (overflow silenced), catches OverflowError for huge ints, then np.isfinite",
        code='''def validate_request(payload, n_features, max_batch):
''' + _TASK3_SHAPE_CHECKS + '''        for j, value in enumerate(row):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return f"instances[{i}][{j}] must be a number, got {type(value).__name__}"
            try:
                with np.errstate(over="ignore"):
                    as_float32 = np.float32(value)
            except OverflowError:
                return f"instances[{i}][{j}] is an integer too large for float32"
            if not np.isfinite(as_float32):
                return f"instances[{i}][{j}] is not finite in float32"
    return None
''',
    ),
    Answer(
        cell="task3_solution",
        name="vectorised_row_check",
        kind="valid",
        why="type-checks each value, then one float64 array per row and an explicit |v| <= float32 max test",
        code='''def validate_request(payload, n_features, max_batch):
''' + _TASK3_SHAPE_CHECKS + '''        if any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in row):
            return f"instances[{i}] holds something that is not a number"
        try:
            values = np.array(row, dtype=np.float64)
        except OverflowError:
            return f"instances[{i}] holds an integer beyond float64"
        if not np.all(np.abs(values) <= np.finfo(np.float32).max):
            return f"instances[{i}] holds NaN, an infinity or a value beyond float32"
    return None
''',
    ),
]
