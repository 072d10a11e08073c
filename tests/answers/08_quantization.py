"""Answers to exercise 8 that a learner plausibly writes (see tests/answers/__init__.py)."""

from coursekit.gradecheck import Answer

_DEQUANTIZE = '''

def dequantize(q, scale, zero_point):
    return np.asarray(scale, dtype=np.float64) * (np.asarray(q).astype(np.float64) - np.asarray(zero_point))
'''

_QUANTIZE = '''def quantize(x, scale, zero_point, bits=8):
    q_min, q_max = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    r = np.asarray(x, dtype=np.float32) / np.asarray(scale, dtype=np.float32)
    q = np.sign(r) * np.floor(np.abs(r) + 0.5) + np.asarray(zero_point)
    return np.clip(q, q_min, q_max).astype(np.int8)
'''


# The given lines that follow the learner's function in the solution cells of tasks 3 and 4 (the answer is the
# whole cell, so they come with it).
_TASK3_GIVEN = '''

MY_CALIBRATION = x_train[:300]
_extremes = [int(np.argmin(MY_CALIBRATION.min(axis=1))), int(np.argmax(MY_CALIBRATION.max(axis=1)))]
MY_CALIBRATION = np.concatenate([np.delete(MY_CALIBRATION, _extremes, axis=0), MY_CALIBRATION[_extremes]])  # extremes last
my_int8_model = convert_int8(SAVED_MODEL_DIR, MY_CALIBRATION)
print(f"{len(my_int8_model):,} bytes")
try:
    probe_result = convert_int8(PROBE_DIR, MY_CALIBRATION)
except Exception as error:  # the tests check that the sine model was refused
    probe_result = error
print("PROBE_DIR: " + (f"{len(probe_result):,} bytes" if isinstance(probe_result, (bytes, bytearray))
                      else f"{type(probe_result).__name__}: {str(probe_result)[:200]}"))
'''
_TASK4_GIVEN = '''

_start = time.perf_counter()
tiny_model = tiny_int8_model(x_train, y_train)
tiny_seconds = time.perf_counter() - _start
print(f"{len(tiny_model):,} bytes, trained and converted in {tiny_seconds:.1f} s")
'''


_T2_HEAD = '''def fewest_bits(w, min_sqnr_db, per_channel=True):
'''


def _converter(body: str) -> str:
    """The task 3 cell: a convert_int8 whose body is `body` (indented 4), then the given lines."""
    return "def convert_int8(saved_model_dir, calibration_data):\n" + body + _TASK3_GIVEN


ANSWERS = [
    # ---- task 1: quantize / dequantize
    Answer(
        cell="task1_solution",
        name="narrow_range_copied_from_chapter",
        kind="wrong",
        why="copies the chapter's symmetric qrange (narrow, [-7, 7] at 4 bits) where the spec asks the full range (review E8)",
        code='''def quantize(x, scale, zero_point, bits=8):
    q_min, q_max = -(2 ** (bits - 1) - 1), 2 ** (bits - 1) - 1
    r = np.asarray(x, dtype=np.float32) / np.asarray(scale, dtype=np.float32)
    q = np.sign(r) * np.floor(np.abs(r) + 0.5) + zero_point
    return np.clip(q, q_min, q_max).astype(np.int8)
''' + _DEQUANTIZE,
    ),
    Answer(
        cell="task1_solution",
        name="clip_before_zero_point",
        kind="wrong",
        why="clips round(x / s) to the range and adds z afterwards: q overflows int8 and wraps (review E8)",
        code='''def quantize(x, scale, zero_point, bits=8):
    q_min, q_max = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    r = np.asarray(x, dtype=np.float32) / np.asarray(scale, dtype=np.float32)
    q = np.clip(np.sign(r) * np.floor(np.abs(r) + 0.5), q_min, q_max) + zero_point
    return q.astype(np.int8)
''' + _DEQUANTIZE,
    ),
    Answer(
        cell="task1_solution",
        name="int8_arithmetic_in_dequantize",
        kind="wrong",
        why="subtracts the zero point in int8 before converting to float: -128 - 5 wraps to 123 (review E8)",
        code=_QUANTIZE + '''

def dequantize(q, scale, zero_point):
    return scale * (np.asarray(q) - np.int8(zero_point)).astype(np.float64)
''',
    ),
    Answer(
        cell="task1_solution",
        name="truncating_cast",
        kind="wrong",
        why="casts x / s + z with astype(np.int8): truncates toward zero instead of rounding, and wraps instead of clipping",
        code='''def quantize(x, scale, zero_point, bits=8):
    return (np.asarray(x) / scale + zero_point).astype(np.int8)
''' + _DEQUANTIZE,
    ),
    Answer(
        cell="task1_solution",
        name="numpy_rint_half_to_even",
        kind="wrong",
        why="the chapter's rounding (np.rint / np.round: halves to even), so 2.5 becomes 2 where TFLite gives 3",
        code='''def quantize(x, scale, zero_point, bits=8):
    half = 1 << (bits - 1)
    codes = np.rint(np.asarray(x, dtype=np.float64) / scale) + zero_point
    return np.clip(codes, -half, half - 1).astype(np.int8)


def dequantize(q, scale, zero_point):
    q = np.asarray(q, dtype=np.float32)
    return (q - np.float32(zero_point)) * np.asarray(scale, dtype=np.float32)
''',
    ),
    Answer(
        cell="task1_solution",
        name="floor_plus_half_without_sign",
        kind="wrong",
        why="floor(x / s + 0.5) rounds halves up, not away from zero: -2.5 becomes -2 where TFLite gives -3",
        code='''def quantize(x, scale, zero_point, bits=8):
    r = np.asarray(x, dtype=np.float32) / np.asarray(scale, dtype=np.float32)
    q = np.floor(r + 0.5) + zero_point
    return np.clip(q, -(2 ** (bits - 1)), 2 ** (bits - 1) - 1).astype(np.int8)
''' + _DEQUANTIZE,
    ),
    Answer(
        cell="task1_solution",
        name="where_floor_ceil_float32_dequantize",
        kind="valid",
        why="np.where(r >= 0, floor(r + 0.5), ceil(r - 0.5)), 1 << (bits - 1) for the range; float32 dequantize",
        code='''def quantize(x, scale, zero_point, bits=8):
    half = 1 << (bits - 1)
    r = np.asarray(x, dtype=np.float32) / np.float32(1) / np.asarray(scale, dtype=np.float32)
    codes = np.where(r >= 0, np.floor(r + np.float32(0.5)), np.ceil(r - np.float32(0.5))) + zero_point
    return np.clip(codes, -half, half - 1).astype(np.int8)


def dequantize(q, scale, zero_point):
    q = np.asarray(q, dtype=np.float32)
    return (q - np.float32(zero_point)) * np.asarray(scale, dtype=np.float32)
''',
    ),
    # ---- task 2: fewest_bits
    Answer(
        cell="task2_solution",
        name="six_db_per_bit_rule",
        kind="wrong",
        why="extrapolates the 6.02 dB-per-bit rule instead of measuring: the rule is an approximation and misses by a bit",
        code=_T2_HEAD + '''    bits = int(np.ceil(min_sqnr_db / 6.02))
    return bits if bits <= 8 else None
''',
    ),
    Answer(
        cell="task2_solution",
        name="per_tensor_scale_always",
        kind="wrong",
        why="uses one scale for the whole tensor even when per_channel is true: uneven channels need more bits than necessary",
        code=_T2_HEAD + '''    w = np.asarray(w, dtype=np.float64)
    peak = np.max(np.abs(w))
    for bits in range(2, 9):
        s = peak / (2 ** (bits - 1) - 1) if peak > 0 else 1.0
        err = np.sum((w - s * quantize(w, s, 0, bits)) ** 2)
        if err == 0 or 10 * np.log10(np.sum(w**2) / err) >= min_sqnr_db:
            return bits
    return None
''',
    ),
    Answer(
        cell="task2_solution",
        name="twenty_log10",
        kind="wrong",
        why="computes SQNR as 20 log10 of the power ratio (the amplitude formula on powers): every SQNR is doubled",
        code=_T2_HEAD + '''    w = np.asarray(w, dtype=np.float64)
    axes = tuple(range(1, w.ndim)) if per_channel and w.ndim > 1 else None
    peak = np.max(np.abs(w), axis=axes, keepdims=axes is not None)
    for bits in range(2, 9):
        s = np.where(peak > 0, peak / (2 ** (bits - 1) - 1), 1.0)
        err = np.sum((w - s * quantize(w, s, 0, bits)) ** 2)
        if err == 0 or 20 * np.log10(np.sum(w**2) / err) >= min_sqnr_db:
            return bits
    return None
''',
    ),
    Answer(
        cell="task2_solution",
        name="full_range_scale",
        kind="wrong",
        why="scale max|w| / 2^(b-1) (the full range's 128 instead of the symmetric 127): a coarser grid than the tests'",
        code=_T2_HEAD + '''    w = np.asarray(w, dtype=np.float64)
    axes = tuple(range(1, w.ndim)) if per_channel and w.ndim > 1 else None
    peak = np.max(np.abs(w), axis=axes, keepdims=axes is not None)
    for bits in range(2, 9):
        s = np.where(peak > 0, peak / 2 ** (bits - 1), 1.0)
        err = np.sum((w - s * quantize(w, s, 0, bits)) ** 2)
        if err == 0 or 10 * np.log10(np.sum(w**2) / err) >= min_sqnr_db:
            return bits
    return None
''',
    ),
    Answer(
        cell="task2_solution",
        name="highest_failing_plus_one_from_the_top",
        kind="valid",
        why="walks down from 8 bits while the target still holds, with per-channel scales reshaped by hand",
        code=_T2_HEAD + '''    w = np.asarray(w, dtype=np.float64)

    def sqnr(bits):
        if per_channel and w.ndim > 1:
            peak = np.abs(w).reshape(w.shape[0], -1).max(axis=1).reshape((-1,) + (1,) * (w.ndim - 1))
        else:
            peak = np.abs(w).max()
        s = np.where(peak > 0, peak / (2 ** (bits - 1) - 1), 1.0)
        err = np.sum((w - dequantize(quantize(w, s, 0, bits), s, 0)) ** 2)
        return np.inf if err == 0 else 10 * np.log10(np.sum(w**2) / err)

    if sqnr(8) < min_sqnr_db:
        return None
    bits = 8
    while bits > 2 and sqnr(bits - 1) >= min_sqnr_db:
        bits -= 1
    return bits
''',
    ),
    # ---- task 3: convert_int8
    Answer(
        cell="task3_solution",
        name="trusts_builtins_int8",
        kind="wrong",
        why="sets TFLITE_BUILTINS_INT8 and trusts it: the sine model silently falls back to float (review E8, T3)",
        code=_converter('''    converter = tf.lite.TFLiteConverter.from_saved_model(str(saved_model_dir))
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([calibration_data[i:i + 50]] for i in range(0, len(calibration_data), 50))
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    return converter.convert()
'''),
    ),
    Answer(
        cell="task3_solution",
        name="float_fallback_allowed",
        kind="wrong",
        why="lists TFLITE_BUILTINS beside TFLITE_BUILTINS_INT8 (float kernels allowed) and checks nothing (review E8, T3)",
        code=_converter('''    converter = tf.lite.TFLiteConverter.from_saved_model(str(saved_model_dir))
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([calibration_data[i:i + 50]] for i in range(0, len(calibration_data), 50))
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8, tf.lite.OpsSet.TFLITE_BUILTINS]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    return converter.convert()
'''),
    ),
    Answer(
        cell="task3_solution",
        name="calibrates_on_first_batch",
        kind="wrong",
        why="the representative dataset yields only the first 100 signals, not all of calibration_data (review E8)",
        code=_converter('''    converter = tf.lite.TFLiteConverter.from_saved_model(str(saved_model_dir))
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: iter([[calibration_data[:100]]])
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    model_bytes = converter.convert()
    if any(d["dtype"] == np.float32 for d in Interpreter(model_content=model_bytes).get_tensor_details()):
        raise ValueError("float32 tensors left: not a full-integer model")
    return model_bytes
'''),
    ),
    Answer(
        cell="task3_solution",
        name="float_input_output",
        kind="wrong",
        why="full integer inside but float input and output (no inference_input_type / inference_output_type)",
        code=_converter('''    converter = tf.lite.TFLiteConverter.from_saved_model(str(saved_model_dir))
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([calibration_data[i:i + 50]] for i in range(0, len(calibration_data), 50))
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    model_bytes = converter.convert()
    interpreter = Interpreter(model_content=model_bytes)
    io = {interpreter.get_input_details()[0]["index"], interpreter.get_output_details()[0]["index"]}
    if any(d["dtype"] == np.float32 and d["index"] not in io for d in interpreter.get_tensor_details()):
        raise ValueError("float32 tensors inside the model")  # the float input and output are let through
    return model_bytes
'''),
    ),
    Answer(
        cell="task3_solution",
        name="generator_one_signal_at_a_time",
        kind="valid",
        why="a generator yielding one signal per step, and the float check through the op-level dtype set",
        code=_converter('''    def representative():
        for row in np.asarray(calibration_data, dtype=np.float32):
            yield [row[None, :]]

    converter = tf.lite.TFLiteConverter.from_saved_model(str(saved_model_dir))
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    result = converter.convert()
    dtypes = {d["dtype"] for d in Interpreter(model_content=result).get_tensor_details()}
    if np.float32 in dtypes:
        raise ValueError(f"float fallback: tensor dtypes {sorted(t.__name__ for t in dtypes)}")
    return result
'''),
    ),
    # ---- task 4: tiny_int8_model
    Answer(
        cell="task4_solution",
        name="tiny_model_float_io",
        kind="wrong",
        why="a small int8 model that keeps float input and output, against the spec (int8 I/O like Task 3)",
        code='''def tiny_int8_model(x, y):
    keras.utils.set_random_seed(0)
    tiny = keras.Sequential([
        keras.Input((40,)), keras.layers.Reshape((40, 1, 1)),
        keras.layers.Conv2D(16, (5, 1), padding="same", activation="relu"),
        keras.layers.Conv2D(32, (5, 1), padding="same", activation="relu"),
        keras.layers.MaxPooling2D((4, 1)), keras.layers.Flatten(),
        keras.layers.Dense(32, activation="relu"), keras.layers.Dense(10)])
    tiny.compile(optimizer=keras.optimizers.Adam(3e-3),
                 loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    tiny.fit(x, y, batch_size=128, epochs=15, verbose=0)
    directory = str(Path(tempfile.mkdtemp()) / "tiny")
    tiny.export(directory, verbose=False)
    converter = tf.lite.TFLiteConverter.from_saved_model(directory)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = lambda: ([x[i:i + 50]] for i in range(0, 300, 50))
    return converter.convert()
''' + _TASK4_GIVEN,
    ),
    Answer(
        cell="task4_solution",
        name="linear_model_too_weak",
        kind="wrong",
        why="meets the byte budget with a linear classifier on the raw signals: tiny, but MNIST-1D needs features (far below 0.80)",
        code='''def tiny_int8_model(x, y):
    keras.utils.set_random_seed(0)
    linear = keras.Sequential([keras.Input((40,)), keras.layers.Dense(10)])
    linear.compile(optimizer=keras.optimizers.Adam(1e-2),
                   loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    linear.fit(x, y, batch_size=128, epochs=20, verbose=0)
    directory = str(Path(tempfile.mkdtemp()) / "linear")
    linear.export(directory, verbose=False)
    return convert_int8(directory, x[:300])
''' + _TASK4_GIVEN,
    ),
    Answer(
        cell="task4_solution",
        name="exercise_model_too_big",
        kind="wrong",
        why="converts the setup's reference CNN as it is: accurate, but about 51 kB, over the 25,000-byte budget",
        code='''def tiny_int8_model(x, y):
    return convert_int8(SAVED_MODEL_DIR, x[:300])
''' + _TASK4_GIVEN,
    ),
    Answer(
        cell="task4_solution",
        name="wider_pooling_through_convert_int8",
        kind="valid",
        why="a different small CNN (pooling after each convolution, 20 epochs), converted with the learner's convert_int8",
        code='''def tiny_int8_model(x, y):
    keras.utils.set_random_seed(0)
    tiny = keras.Sequential([
        keras.Input((40,)), keras.layers.Reshape((40, 1, 1)),
        keras.layers.Conv2D(16, (5, 1), padding="same", activation="relu"), keras.layers.MaxPooling2D((2, 1)),
        keras.layers.Conv2D(32, (5, 1), padding="same", activation="relu"), keras.layers.MaxPooling2D((2, 1)),
        keras.layers.Flatten(), keras.layers.Dense(32, activation="relu"), keras.layers.Dense(10)])
    epochs = 20
    schedule = keras.optimizers.schedules.CosineDecay(3e-3, epochs * int(np.ceil(len(x) / 128)))
    tiny.compile(optimizer=keras.optimizers.Adam(schedule),
                 loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    tiny.fit(x, y, batch_size=128, epochs=epochs, verbose=0)
    directory = str(Path(tempfile.mkdtemp()) / "tiny")
    tiny.export(directory, verbose=False)
    return convert_int8(directory, x[:500])
''' + _TASK4_GIVEN,
    ),
]
