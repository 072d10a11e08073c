"""The course's small GPT (coursekit/lm.py) and its shipped weights (assets/shakespeare_gpt.*): the attention is
the textbook one, the model is causal, its parameters follow the closed form, the shipped weights reproduce the
recorded validation loss, and the recipe's first steps reproduce the recorded loss."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from coursekit import lm

from .repo import ROOT

WEIGHTS, RECORD = lm.asset_paths(ROOT)
TINY = {"vocab_size": 11, "context": 16, "d_model": 32, "n_layers": 2, "n_heads": 4}


@pytest.fixture(scope="module")
def record() -> dict:
    return json.loads(RECORD.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def data() -> dict:
    return lm.prepare()


def test_attention_matches_keras_dot_product_attention():
    import keras

    rng = np.random.default_rng(0)
    q, k, v = (rng.normal(size=(2, 4, 9, 8)).astype("float32") for _ in range(3))  # (batch, heads, T, head_dim)
    ours = keras.ops.convert_to_numpy(lm.causal_attention(q, k, v))
    bthd = [np.transpose(a, (0, 2, 1, 3)) for a in (q, k, v)]  # Keras wants (batch, T, heads, head_dim)
    theirs = np.transpose(keras.ops.convert_to_numpy(keras.ops.dot_product_attention(*bthd, is_causal=True)), (0, 2, 1, 3))
    np.testing.assert_allclose(ours, theirs, atol=1e-5, rtol=1e-5)
    np.testing.assert_allclose(ours[:, :, 0], v[:, :, 0], atol=1e-6)  # the first position sees only itself


def test_changing_a_future_token_never_changes_earlier_logits():
    import keras

    keras.utils.set_random_seed(1)
    model = lm.build_gpt(**TINY)
    ids = np.random.default_rng(1).integers(0, TINY["vocab_size"], size=(3, TINY["context"])).astype("int32")
    base = keras.ops.convert_to_numpy(model(ids))
    for j in (0, 5, TINY["context"] - 1):
        changed = ids.copy()
        changed[:, j] = (changed[:, j] + 1) % TINY["vocab_size"]
        out = keras.ops.convert_to_numpy(model(changed))
        np.testing.assert_array_equal(out[:, :j], base[:, :j], err_msg=f"token {j} leaked into earlier positions")
        assert np.abs(out[:, j] - base[:, j]).max() > 1e-6, f"position {j} should depend on its own token"
    assert model(ids[:, :5]).shape == (3, 5, TINY["vocab_size"]), "shorter inputs than the context must work"


@pytest.mark.parametrize("config", [TINY, {**TINY, "n_layers": 1, "d_model": 16, "n_heads": 2}, lm.CONFIG])
def test_parameter_count_has_a_closed_form(config):
    assert lm.build_gpt(**config).count_params() == lm.count_params(**config)


def test_weight_decay_applies_to_dense_kernels_only():
    model = lm.new_model()
    opt = model.optimizer
    decayed = {v.path for v in model.trainable_variables if opt._use_weight_decay(v)}
    kernels = {v.path for v in model.trainable_variables if v.path.endswith("/kernel")}
    assert decayed == kernels and len(kernels) == 4 * lm.CONFIG["n_layers"] + 1


def test_initial_loss_is_close_to_ln_vocab(data, record):
    model = lm.new_model()
    n = lm.RECIPE["check_sample_windows"]
    loss = lm.mean_loss(model, data["val_x"][:n], data["val_y"][:n])
    assert abs(loss - math.log(lm.CONFIG["vocab_size"])) < 0.1, f"initial loss {loss:.4f} vs ln V {math.log(78):.4f}"
    assert abs(loss - record["init_loss"]) < 1e-3


def test_record_describes_the_shipped_weights(record, data):
    import keras

    assert record["file"] == WEIGHTS.name
    assert record["size_bytes"] == WEIGHTS.stat().st_size <= 5_000_000, "the shipped weights must stay under 5 MB"
    assert record["recipe"] == json.loads(json.dumps(lm.RECIPE)), "the recipe changed: re-run make pretrained-lm"
    assert record["config"] == lm.CONFIG
    assert record["parameters"] == lm.count_params(**lm.CONFIG)
    assert record["vocabulary"] == "".join(data["vocabulary"]) and len(record["vocabulary"]) == lm.CONFIG["vocab_size"]
    assert record["split"]["validation_plays"] == data["validation_plays"]
    assert record["versions"]["keras"] == keras.__version__, "the weights were written by another Keras: regenerate"
    text = data["validation"][:500]
    assert lm.decode(lm.encode(text, list(record["vocabulary"])), list(record["vocabulary"])) == text
    bigram_floor = 2.495  # add-one bigram cross-entropy on the validation plays (research report, section 2b)
    assert record["val_loss"] < bigram_floor - 0.5 and record["train_loss"] < bigram_floor - 0.5


def test_shipped_weights_reproduce_the_recorded_validation_loss(record, data):
    model, rec = lm.load_pretrained(ROOT)
    loss = lm.mean_loss(model, data["val_x"], data["val_y"])
    assert loss == pytest.approx(rec["val_loss"], rel=1e-4), f"shipped weights give {loss:.6f}, the record says {rec['val_loss']:.6f}"


@pytest.mark.slow
def test_recipe_first_steps_reproduce_the_recorded_loss(record, data):
    """The recipe's first check_step steps from the seeded model (about 15 s idle) land where the real run did."""
    _, _, loss = lm.check_run(data=data)
    tol = record["check_tolerance"]
    assert abs(loss - record["check_loss"]) <= tol, (
        f"after {lm.RECIPE['check_step']} steps: {loss:.6f} vs recorded {record['check_loss']:.6f} (± {tol})")
    assert record["check_loss"] < record["init_loss"] - 0.3, "the recorded check step should show learning"


BACKEND_SCRIPT = textwrap.dedent("""
    import json, sys
    import numpy as np
    from coursekit import lm
    model, rec = lm.load_pretrained()
    d = np.load(sys.argv[1])
    before = lm.mean_loss(model, d["x"], d["y"])
    # the recipe's optimizer with a 1-step warmup: its rate at step 0 is 0, so the second step is the one that moves
    lm.compile_gpt(model, steps=lm.RECIPE["steps"], **{**lm.RECIPE["optimizer"], "warmup_steps": 1})
    for _ in range(2):
        model.train_on_batch(d["x"], d["y"])
    print(json.dumps({"before": before, "after": lm.mean_loss(model, d["x"], d["y"])}))
""")


@pytest.mark.slow
def test_same_code_on_jax_matches_tensorflow(tmp_path, data):
    """Forward pass and two training steps under KERAS_BACKEND=jax vs tensorflow, same weights and batch."""
    if importlib.util.find_spec("jax") is None:
        pytest.skip("jax is not installed (not in the pinned requirements; `pip install jax` to run this check)")
    batch = tmp_path / "batch.npz"
    np.savez(batch, x=data["val_x"][:16], y=data["val_y"][:16])
    out = {}
    for backend in ("tensorflow", "jax"):
        proc = subprocess.run([sys.executable, "-c", BACKEND_SCRIPT, str(batch)], cwd=ROOT, capture_output=True, text=True,
                              timeout=300, env={**os.environ, "KERAS_BACKEND": backend, "COURSE_ROOT": str(ROOT)})
        assert proc.returncode == 0, proc.stderr[-2000:]
        out[backend] = json.loads(proc.stdout.strip().splitlines()[-1])
    for key in ("before", "after"):
        assert out["jax"][key] == pytest.approx(out["tensorflow"][key], abs=1e-4), out
    assert out["tensorflow"]["after"] < out["tensorflow"]["before"] - 1e-3, "the training steps should lower the loss"
