"""Answers to exercise 8 that a learner plausibly writes (see tests/answers/__init__.py)."""

from coursekit.gradecheck import Answer

_DEQUANTIZE = '''

def dequantize(q, scale, zero_point):
    return np.asarray(scale, dtype=np.float64) * (np.asarray(q).astype(np.float64) - np.asarray(zero_point))
'''

_QUANTIZE = '''def quantize(x, scale, zero_point, bits=8):
    q_min, q_max = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    q = np.round(np.asarray(x, dtype=np.float64) / np.asarray(scale, dtype=np.float64)) + np.asarray(zero_point)
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
    q = np.round(np.asarray(x, dtype=np.float64) / scale) + zero_point
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
    q = np.clip(np.round(np.asarray(x, dtype=np.float64) / scale), q_min, q_max) + zero_point
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
        name="rint_with_bit_shifts",
        kind="valid",
        why="np.rint (same half-to-even rounding as np.round) and 1 << (bits - 1) for the range; float32 dequantize",
        code='''def quantize(x, scale, zero_point, bits=8):
    half = 1 << (bits - 1)
    codes = np.rint(np.asarray(x, dtype=np.float64) / scale) + zero_point
    return np.clip(codes, -half, half - 1).astype(np.int8)


def dequantize(q, scale, zero_point):
    q = np.asarray(q, dtype=np.float32)
    return (q - np.float32(zero_point)) * np.asarray(scale, dtype=np.float32)
''',
    ),
    # ---- task 2: choose_qparams
    Answer(
        cell="task2_solution",
        name="asymmetric_range_without_zero",
        kind="wrong",
        why="asymmetric range from min and max only, not widened to include 0: an all-positive range cannot code 0",
        code='''def choose_qparams(x, symmetric, per_channel, bits=8):
    x = np.asarray(x, dtype=np.float64)
    axes = tuple(range(1, x.ndim)) if per_channel else None
    q_min, q_max = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    if symmetric:
        scale = np.max(np.abs(x), axis=axes) / q_max
        scale = np.where(scale > 0, scale, 1.0)
        return scale, np.zeros(scale.shape, dtype=np.int64)
    lo, hi = np.min(x, axis=axes), np.max(x, axis=axes)
    scale = np.where(hi > lo, (hi - lo) / (2 ** bits - 1), 1.0)
    return scale, np.clip(np.round(q_min - lo / scale), q_min, q_max).astype(np.int64)
''',
    ),
    Answer(
        cell="task2_solution",
        name="symmetric_divides_by_2_to_b_minus_1",
        kind="wrong",
        why="symmetric scale max|x| / 2^(b-1) (128) instead of / (2^(b-1) - 1) (127): every TFLite scale is off",
        code='''def choose_qparams(x, symmetric, per_channel, bits=8):
    x = np.asarray(x, dtype=np.float64)
    axes = tuple(range(1, x.ndim)) if per_channel else None
    q_min, q_max = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    if symmetric:
        scale = np.max(np.abs(x), axis=axes) / 2 ** (bits - 1)
        scale = np.where(scale > 0, scale, 1.0)
        return scale, np.zeros(scale.shape, dtype=np.int64)
    lo, hi = np.minimum(np.min(x, axis=axes), 0.0), np.maximum(np.max(x, axis=axes), 0.0)
    scale = np.where(hi > lo, (hi - lo) / (2 ** bits - 1), 1.0)
    return scale, np.clip(np.round(q_min - lo / scale), q_min, q_max).astype(np.int64)
''',
    ),
    Answer(
        cell="task2_solution",
        name="flatten_rows_per_channel",
        kind="valid",
        why="per-channel statistics by reshaping to (channels, -1) instead of reducing over a tuple of axes",
        code='''def choose_qparams(x, symmetric, per_channel, bits=8):
    x = np.asarray(x, dtype=np.float64)
    rows = x.reshape(x.shape[0], -1) if per_channel and x.ndim > 0 else x.reshape(1, -1)
    lo = np.minimum(rows.min(axis=1), 0.0)
    hi = np.maximum(rows.max(axis=1), 0.0)
    q_min, q_max = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    if symmetric:
        scale = np.maximum(-lo, hi) / q_max
        zero_point = np.zeros(len(rows), dtype=np.int32)
    else:
        scale = (hi - lo) / (q_max - q_min)
    scale = np.where(scale > 0, scale, 1.0)
    if not symmetric:
        zero_point = np.clip(np.round(q_min - lo / scale), q_min, q_max).astype(np.int32)
    if not per_channel:
        return scale[0], zero_point[0]
    return scale, zero_point
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
