"""The course's small GPT (chapters 12-14): a character-level language model on the vendored Shakespeare.

The model code (the part between the two `# ---` rules) is written with `keras.ops` and Keras layers only, so it
runs unchanged on Keras's TensorFlow, JAX and PyTorch backends; chapters 12-14 show it as it stands. The rest is
the recipe: `coursekit pretrained-lm` (`make pretrained-lm`) trains it on the training plays and writes
`assets/shakespeare_gpt.weights.h5` (float32 weights, no optimizer state) and `assets/shakespeare_gpt.json`
(config, vocabulary, recipe, split, validation sample, seed, versions, losses, wall time). To use it:

    config = json.load(open("assets/shakespeare_gpt.json"))["config"]
    model = build_gpt(**config); model.load_weights("assets/shakespeare_gpt.weights.h5")

`tests/test_lm.py` checks the shipped weights reproduce the recorded validation loss and the recipe's first steps
reproduce the recorded loss, plus the attention, causality and parameter-count properties.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
from keras import layers, ops  # noqa: E402

from .paths import repo_root  # noqa: E402

# ---------------------------------------------------------------------------------------------- the model
register = keras.saving.register_keras_serializable(package="loss_to_launch")


def normal():
    """GPT-2's init N(0, 0.02), so the initial loss is ~ln V. A new one per layer: one shared instance repeats its draws."""
    return keras.initializers.RandomNormal(stddev=0.02)


def causal_attention(q, k, v):
    """Scaled dot-product attention where position i sees only positions <= i. q, k, v: (batch, heads, T, head_dim)."""
    t = ops.shape(q)[2]
    scores = ops.matmul(q, ops.swapaxes(k, -1, -2)) / math.sqrt(q.shape[-1])  # (batch, heads, T, T)
    future = ops.arange(t)[None, :] > ops.arange(t)[:, None]  # True above the diagonal
    scores = ops.where(future, float("-inf"), scores)  # exp(-inf) = 0; the diagonal is never masked
    return ops.matmul(ops.softmax(scores, axis=-1), v)


@register
class CausalSelfAttention(layers.Layer):
    def __init__(self, d_model: int, n_heads: int, **kwargs):
        super().__init__(**kwargs)
        self.d_model, self.n_heads = d_model, n_heads
        self.qkv = layers.Dense(
            3 * d_model, name="qkv", kernel_initializer=normal()
        )  # queries, keys, values in one matmul
        self.out = layers.Dense(d_model, name="out", kernel_initializer=normal())

    def call(self, x):
        b, t = ops.shape(x)[0], ops.shape(x)[1]
        qkv = ops.reshape(self.qkv(x), (b, t, 3, self.n_heads, self.d_model // self.n_heads))
        q, k, v = (ops.transpose(qkv[:, :, i], (0, 2, 1, 3)) for i in range(3))  # (batch, heads, T, head_dim)
        y = ops.transpose(causal_attention(q, k, v), (0, 2, 1, 3))  # heads back next to each other
        return self.out(ops.reshape(y, (b, t, self.d_model)))

    def get_config(self):
        return {**super().get_config(), "d_model": self.d_model, "n_heads": self.n_heads}


@register
class Block(layers.Layer):
    """Pre-LayerNorm Transformer block: x + attention(LN(x)), then x + MLP(LN(x)) with a 4x GELU MLP."""

    def __init__(self, d_model: int, n_heads: int, **kwargs):
        super().__init__(**kwargs)
        self.d_model, self.n_heads = d_model, n_heads
        self.ln1 = layers.LayerNormalization(epsilon=1e-5, name="ln1")
        self.attn = CausalSelfAttention(d_model, n_heads, name="attn")
        self.ln2 = layers.LayerNormalization(epsilon=1e-5, name="ln2")
        self.fc = layers.Dense(4 * d_model, activation="gelu", name="fc", kernel_initializer=normal())
        self.proj = layers.Dense(d_model, name="proj", kernel_initializer=normal())

    def call(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.proj(self.fc(self.ln2(x)))

    def get_config(self):
        return {**super().get_config(), "d_model": self.d_model, "n_heads": self.n_heads}


@register
class TokenAndPositionEmbedding(layers.Layer):
    """Token embedding + learned position embedding (positions made inside the layer, so they train)."""

    def __init__(self, vocab_size: int, context: int, d_model: int, **kwargs):
        super().__init__(**kwargs)
        self.vocab_size, self.context, self.d_model = vocab_size, context, d_model
        self.token = layers.Embedding(vocab_size, d_model, embeddings_initializer=normal(), name="token")
        self.position = layers.Embedding(context, d_model, embeddings_initializer=normal(), name="position")

    def call(self, ids):
        return self.token(ids) + self.position(ops.arange(ops.shape(ids)[1]))[None]

    def get_config(self):
        return {**super().get_config(), "vocab_size": self.vocab_size, "context": self.context, "d_model": self.d_model}


def build_gpt(vocab_size: int, context: int, d_model: int, n_layers: int, n_heads: int) -> keras.Model:
    """Token ids (batch, T <= context) -> next-character logits (batch, T, vocab_size). Untied head."""
    ids = keras.Input((None,), dtype="int32", name="ids")
    x = TokenAndPositionEmbedding(vocab_size, context, d_model, name="embed")(ids)
    for i in range(n_layers):
        x = Block(d_model, n_heads, name=f"block{i}")(x)
    x = layers.LayerNormalization(epsilon=1e-5, name="ln_f")(x)
    logits = layers.Dense(vocab_size, name="head", kernel_initializer=normal())(x)
    return keras.Model(ids, logits, name="shakespeare_gpt")


def count_params(vocab_size: int, context: int, d_model: int, n_layers: int, n_heads: int = 0) -> int:
    """Closed form of build_gpt's parameters: embeddings + L blocks + final LayerNorm + untied head."""
    d = d_model
    block = (3 * d * d + 3 * d) + (d * d + d) + 2 * (2 * d) + (4 * d * d + 4 * d) + (4 * d * d + d)  # = 12d^2 + 13d
    return vocab_size * d + context * d + n_layers * block + 2 * d + (d * vocab_size + vocab_size)


def make_optimizer(
    peak_lr: float,
    steps: int,
    warmup_steps: int,
    weight_decay: float,
    final_lr_fraction: float,
    beta_2: float,
    global_clipnorm: float,
) -> keras.optimizers.Optimizer:
    """AdamW with linear warmup then cosine decay; weight decay on the Dense kernels only."""
    schedule = keras.optimizers.schedules.CosineDecay(
        0.0, steps - warmup_steps, alpha=final_lr_fraction, warmup_target=peak_lr, warmup_steps=warmup_steps
    )
    opt = keras.optimizers.AdamW(schedule, weight_decay=weight_decay, beta_2=beta_2, global_clipnorm=global_clipnorm)
    opt.exclude_from_weight_decay(var_names=["bias", "gamma", "beta", "embeddings"])  # LN, biases, embeddings
    return opt


def compile_gpt(model: keras.Model, steps_per_execution: int = 1, **optimizer_args) -> keras.Model:
    model.compile(
        optimizer=make_optimizer(**optimizer_args),
        steps_per_execution=steps_per_execution,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


# ---------------------------------------------------------------------------------------------- the recipe


NAME = "shakespeare_gpt"
CONFIG: dict[str, int] = {"vocab_size": 78, "context": 128, "d_model": 128, "n_layers": 4, "n_heads": 4}
RECIPE: dict[str, Any] = {
    "data": "assets/shakespeare.json.gz (coursekit.corpus.load_shakespeare); training text = the training plays' "
    "texts concatenated in the file's (slug) order",
    "vocabulary": "sorted set of the characters of the whole corpus (all plays); ids index this list",
    "windows": "each training example is text[s : s + T] -> text[s + 1 : s + T + 1], s uniform over the training "
    "text, drawn once up front with numpy.random.default_rng(seed) (steps * batch_size starts)",
    "seed": 0,
    "batch_size": 16,
    "steps": 4000,
    "optimizer": {
        "peak_lr": 2e-3,
        "warmup_steps": 100,
        "final_lr_fraction": 0.1,
        "weight_decay": 0.1,
        "beta_2": 0.99,
        "global_clipnorm": 1.0,
    },
    "optimizer_notes": "keras.optimizers.AdamW; schedule CosineDecay(0, steps - warmup, alpha=final_lr_fraction, "
    "warmup_target=peak_lr, warmup_steps=warmup): linear warmup then cosine to 0.1x peak; "
    "weight decay excluded from variables named bias/gamma/beta/embeddings (decays Dense kernels "
    "only); clipping by the global gradient norm (Keras's clipnorm would clip each variable alone)",
    "loss": "keras.losses.SparseCategoricalCrossentropy(from_logits=True), nats per character",
    "steps_per_execution": 20,
    "check_step": 20,
    "validation_sample": {
        "windows": 512,
        "rule": "validation text = the validation plays concatenated in the file's "
        "(slug) order; window starts = arange(windows) * ((len(text) - T - 1) // windows): "
        "evenly spaced over all four plays, inputs text[s:s+T], targets text[s+1:s+T+1]",
    },
    "check_sample_windows": 64,
}
# The recorded loss after the first `check_step` steps repeats to ~1e-6 on one machine; another CPU or library
# build reorders float sums, which this tolerance (nats per character) absorbs.
CHECK_TOLERANCE = 2e-3


def asset_paths(root: Path | None = None) -> tuple[Path, Path]:
    folder = (root or repo_root()) / "assets"
    return folder / f"{NAME}.weights.h5", folder / f"{NAME}.json"


def corpus_texts(root: Path | None = None) -> dict[str, Any]:
    """{"vocabulary": sorted chars, "train": str, "validation": str, "train_plays": [...], "validation_plays": [...]}."""
    from .corpus import load_shakespeare

    data = load_shakespeare(root)
    val = set(data["validation_plays"])
    plays = data["plays"]
    return {
        "vocabulary": sorted(set("".join(p["text"] for p in plays))),
        "train": "".join(p["text"] for p in plays if p["slug"] not in val),
        "validation": "".join(p["text"] for p in plays if p["slug"] in val),
        "train_plays": [p["slug"] for p in plays if p["slug"] not in val],
        "validation_plays": [p["slug"] for p in plays if p["slug"] in val],
    }


def encode(text: str, vocabulary: list[str]) -> np.ndarray:
    """Characters -> int32 ids (positions in the sorted vocabulary)."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    table = np.array([ord(c) for c in vocabulary], dtype=np.uint32)
    ids = np.searchsorted(table, codes)
    if not np.array_equal(table[np.minimum(ids, len(table) - 1)], codes):
        raise ValueError("text has characters outside the vocabulary")
    return ids.astype(np.int32)


def decode(ids, vocabulary: list[str]) -> str:
    return "".join(vocabulary[int(i)] for i in np.asarray(ids).ravel())


def windows(ids: np.ndarray, starts: np.ndarray, context: int) -> tuple[np.ndarray, np.ndarray]:
    idx = starts[:, None] + np.arange(context)[None, :]
    return ids[idx], ids[idx + 1]


def validation_sample(val_ids: np.ndarray, context: int, n_windows: int) -> tuple[np.ndarray, np.ndarray]:
    """The recipe's fixed validation sample (RECIPE["validation_sample"]["rule"])."""
    return windows(val_ids, np.arange(n_windows) * ((len(val_ids) - context - 1) // n_windows), context)


def training_windows(train_ids: np.ndarray, context: int, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    starts = np.random.default_rng(seed).integers(0, len(train_ids) - context - 1, size=n)
    return windows(train_ids, starts, context)


def mean_loss(model, x: np.ndarray, y: np.ndarray, batch_size: int = 64) -> float:
    """Mean next-character cross-entropy (nats per character) of `model` on windows x -> y, summed in float64."""
    total = 0.0
    for i in range(0, len(x), batch_size):
        logits = model(x[i : i + batch_size], training=False)
        nll = keras.losses.sparse_categorical_crossentropy(y[i : i + batch_size], logits, from_logits=True)
        total += float(np.sum(ops.convert_to_numpy(nll), dtype=np.float64))
    return total / y.size


def versions() -> dict[str, str]:
    import tensorflow as tf

    return {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "keras_backend": keras.backend.backend(),
        "numpy": np.__version__,
    }


def prepare(
    recipe: dict[str, Any] = RECIPE, config: dict[str, int] = CONFIG, root: Path | None = None
) -> dict[str, Any]:
    """Everything the recipe trains and evaluates on, as numpy arrays."""
    texts = corpus_texts(root)
    if len(texts["vocabulary"]) != config["vocab_size"]:
        raise ValueError(
            f"corpus vocabulary has {len(texts['vocabulary'])} characters, config says {config['vocab_size']}"
        )
    train_ids, val_ids = encode(texts["train"], texts["vocabulary"]), encode(texts["validation"], texts["vocabulary"])
    x, y = training_windows(train_ids, config["context"], recipe["steps"] * recipe["batch_size"], recipe["seed"])
    vx, vy = validation_sample(val_ids, config["context"], recipe["validation_sample"]["windows"])
    return {**texts, "train_ids": train_ids, "val_ids": val_ids, "x": x, "y": y, "val_x": vx, "val_y": vy}


def new_model(recipe: dict[str, Any] = RECIPE, config: dict[str, int] = CONFIG) -> keras.Model:
    keras.utils.set_random_seed(recipe["seed"])
    return compile_gpt(build_gpt(**config), recipe["steps_per_execution"], steps=recipe["steps"], **recipe["optimizer"])


def train_steps(model, data: dict[str, Any], first: int, last: int, recipe: dict[str, Any] = RECIPE) -> None:
    """Train on the recipe's steps first..last-1 (the data order is fixed, so runs can stop and resume)."""
    b = recipe["batch_size"]
    model.fit(
        data["x"][first * b : last * b],
        data["y"][first * b : last * b],
        batch_size=b,
        epochs=1,
        shuffle=False,
        verbose=0,
    )


def check_run(recipe: dict[str, Any] = RECIPE, config: dict[str, int] = CONFIG, data: dict[str, Any] | None = None):
    """The recipe's first check_step steps from a fresh seeded model; returns (model, data, loss on the check sample)."""
    data = data or prepare(recipe, config)
    model = new_model(recipe, config)
    train_steps(model, data, 0, recipe["check_step"], recipe)
    n = recipe["check_sample_windows"]
    return model, data, mean_loss(model, data["val_x"][:n], data["val_y"][:n])


def write(
    out_dir: Path | None = None, recipe: dict[str, Any] = RECIPE, config: dict[str, int] = CONFIG, log=print
) -> dict[str, Any]:
    """Train with the recipe and write the weights and the record (default: the repository's assets/)."""
    weights_path, json_path = asset_paths()
    if out_dir is not None:
        weights_path, json_path = Path(out_dir) / weights_path.name, Path(out_dir) / json_path.name
    weights_path.parent.mkdir(parents=True, exist_ok=True)
    data = prepare(recipe, config)
    n = recipe["check_sample_windows"]
    start = time.perf_counter()
    model = new_model(recipe, config)
    init_loss = mean_loss(model, data["val_x"][:n], data["val_y"][:n])
    train_steps(model, data, 0, recipe["check_step"], recipe)
    check_loss = mean_loss(model, data["val_x"][:n], data["val_y"][:n])
    log(
        f"step {recipe['check_step']}: check-sample loss {check_loss:.4f} (initial {init_loss:.4f}, ln V {math.log(config['vocab_size']):.4f})"
    )
    curve = [{"step": recipe["check_step"], "check_sample_loss": round(check_loss, 4)}]
    step, chunk = recipe["check_step"], 500
    while step < recipe["steps"]:
        nxt = min(recipe["steps"], (step // chunk + 1) * chunk)
        train_steps(model, data, step, nxt, recipe)
        step = nxt
        curve.append(
            {
                "step": step,
                "check_sample_loss": round(mean_loss(model, data["val_x"][:n], data["val_y"][:n]), 4),
                "seconds": round(time.perf_counter() - start, 1),
            }
        )
        log(f"step {step}: check-sample loss {curve[-1]['check_sample_loss']:.4f} after {curve[-1]['seconds']} s")
    seconds = time.perf_counter() - start
    shipped = build_gpt(**config)  # an uncompiled copy: a compiled model's save_weights also writes AdamW's moments
    shipped.set_weights(model.get_weights())
    shipped.save_weights(weights_path)
    val_loss = mean_loss(model, data["val_x"], data["val_y"])
    # a training sample the same size as the validation sample, drawn like the training windows with seed + 1
    tx, ty = training_windows(data["train_ids"], config["context"], len(data["val_x"]), recipe["seed"] + 1)
    train_loss = mean_loss(model, tx, ty)
    record = {
        "file": weights_path.name,
        "description": "Character-level GPT pretrained on the course's Shakespeare training plays (chapters 12-14). "
        "Rebuild with coursekit.lm.build_gpt(**config) (the code chapter 12 shows) and load_weights.",
        "generated_by": "make pretrained-lm (coursekit pretrained-lm)",
        "config": config,
        "architecture": "token + learned position embeddings; n_layers pre-LayerNorm blocks (causal multi-head "
        "self-attention, 4x GELU MLP, residuals); final LayerNorm; untied Dense head; init N(0, 0.02)",
        "vocabulary": "".join(data["vocabulary"]),
        "recipe": recipe,
        "split": {
            "train_plays": data["train_plays"],
            "validation_plays": data["validation_plays"],
            "train_characters": len(data["train"]),
            "validation_characters": len(data["validation"]),
        },
        "versions": versions(),
        "parameters": int(model.count_params()),
        "size_bytes": weights_path.stat().st_size,
        "train_seconds": round(seconds, 1),
        "tokens_seen": recipe["steps"] * recipe["batch_size"] * config["context"],
        "ln_vocab": round(math.log(config["vocab_size"]), 6),
        "init_loss": round(init_loss, 6),
        "check_loss": check_loss,
        "check_tolerance": CHECK_TOLERANCE,
        "curve": curve,
        "train_loss": round(train_loss, 6),
        "train_loss_sample": "windows drawn like the training ones with seed + 1, as many as the validation sample",
        "val_loss": val_loss,
        "val_bits_per_char": round(val_loss / math.log(2), 6),
    }
    json_path.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return {**record, "weights_path": str(weights_path), "json_path": str(json_path)}


def load_record(root: Path | None = None) -> dict[str, Any]:
    return json.loads(asset_paths(root)[1].read_text(encoding="utf-8"))


def load_pretrained(root: Path | None = None) -> tuple[keras.Model, dict[str, Any]]:
    """The shipped model, rebuilt from its recorded config, and its record."""
    weights, _ = asset_paths(root)
    record = load_record(root)
    model = build_gpt(**record["config"])
    model.load_weights(weights)
    return model, record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="coursekit pretrained-lm", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="folder to write to (default: the repository's assets/)")
    parser.add_argument("--steps", type=int, default=None, help="override the recipe's steps (a shorter run)")
    args = parser.parse_args(argv)
    recipe = RECIPE if args.steps is None else {**RECIPE, "steps": args.steps}
    rec = write(out_dir=args.out, recipe=recipe, log=lambda s: print(s, flush=True))
    print(
        f"wrote {rec['weights_path']} ({rec['size_bytes'] / 1e6:.2f} MB, {rec['parameters']:,} parameters) and {rec['json_path']}"
    )
    print(
        f"{recipe['steps']} steps in {rec['train_seconds']} s: train {rec['train_loss']:.4f}, validation {rec['val_loss']:.4f} nats/char"
    )
    return 0
