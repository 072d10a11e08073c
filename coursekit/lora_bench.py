"""Chapter 13's fine-tuning grid: `coursekit bench-lora` writes `benchmarks/lora_results.json`.

Starting from the shipped Shakespeare GPT (`assets/shakespeare_gpt.*`, `coursekit.lm`), each setting fine-tunes
on Python's documentation topics (`assets/pydoc_topics.json.gz`) for the same step budget and records what it
learned (loss on held-out documentation topics), what it forgot (loss on the held-out Shakespeare plays), the
loss on windows it trained on, its trainable parameters, optimizer-state bytes and seconds per step.
Settings: full fine-tuning at several rates, LoRA at ranks {1, 2, 4, 8, 16} and at several rates, head + biases
only, and int8-quantized base + LoRA (QLoRA-style), three seeds for the settings whose order the chapter asserts, one for the others. Chapter 13 re-implements `PROTOCOL` in
the notebook (which imports nothing from this package), re-runs one setting live and checks it matches.

To save tracing, one compiled model per (method, rank) is reused across rates and seeds: its weights are reset to
the base, its LoRA A matrices redrawn, its optimizer variables zeroed and its rate reassigned. That is the same
computation as a fresh model (the chapter's live run checks it).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

from . import lm  # noqa: E402
from .paths import repo_root  # noqa: E402

RESULTS = "benchmarks/lora_results.json"
PROTOCOL: dict[str, Any] = {
    "new_text": "assets/pydoc_topics.json.gz: the topics' texts in sorted-key order; topic i (0-based, sorted keys) "
    "is validation when i % 5 == 4, training otherwise; each side is its topics' texts concatenated",
    "out_of_vocabulary": "every character outside the Shakespeare vocabulary (78 characters) becomes a space",
    "old_text": "the Shakespeare validation plays (coursekit.lm.corpus_texts()['validation'])",
    "eval_windows": 128,
    "eval_rule": "window starts = arange(n) * ((len(ids) - T - 1) // n), inputs ids[s:s+T], targets ids[s+1:s+T+1], "
    "on the new validation text and on the old validation text",
    "train_sample": "the first eval_windows training windows of seed 0's stream (seen in the first steps)",
    "steps": 150,
    "batch_size": 8,
    "context": 128,
    "training_windows": "starts = numpy.random.default_rng(seed).integers(0, len(train_ids) - T - 1, steps * batch)",
    "optimizer": "keras.optimizers.Adam(rate, global_clipnorm=1.0), constant rate, no weight decay",
    "steps_per_execution": 25,
    "lora": "enable_lora(rank) (lora_alpha = rank, so the scale alpha/r is 1) on every Dense inside the blocks "
    "(qkv, out, fc, proj); their biases, the LayerNorms, the embeddings and the head frozen; each A drawn "
    "he_uniform with numpy.random.default_rng(1000 * seed + k) for the k-th adapted layer (model order)",
    "head_bias": "only the head (kernel and bias) and every Dense bias trainable",
    "qlora": "model.quantize('int8') first, then LoRA exactly as above",
    "loss": "mean next-character cross-entropy, nats per character",
}
SEEDS = (0, 1, 2)  # for the settings whose order the chapter asserts; the others run seed 0 only
SETTINGS: list[dict[str, Any]] = (
    [
        {"method": "full", "rank": 0, "lr": 1e-3, "seeds": SEEDS},
        {"method": "lora", "rank": 8, "lr": 3e-3, "seeds": SEEDS},
        {"method": "head_bias", "rank": 0, "lr": 3e-3, "seeds": SEEDS},
    ]
    + [{"method": "lora", "rank": r, "lr": 3e-3, "seeds": (0,)} for r in (1, 2, 4, 16)]
    + [{"method": "full", "rank": 0, "lr": lr, "seeds": (0,)} for lr in (3e-4, 2e-3)]
    + [{"method": "lora", "rank": 8, "lr": lr, "seeds": (0,)} for lr in (1e-3, 1e-2)]
    + [{"method": "qlora_int8", "rank": 8, "lr": 3e-3, "seeds": (0,)}]
)
ADAPTED = ("qkv", "out", "fc", "proj")


def new_text_split(vocabulary: str, root: Path | None = None) -> tuple[str, str, float]:
    """(training text, validation text, share of characters mapped to a space) of the documentation topics."""
    topics = json.loads(gzip.decompress(((root or repo_root()) / "assets" / "pydoc_topics.json.gz").read_bytes()))[
        "topics"
    ]
    keys = sorted(topics)
    known = set(vocabulary)
    raw = "".join(topics[k] for k in keys)
    share = sum(c not in known for c in raw) / len(raw)

    def clean(t: str) -> str:
        return "".join(c if c in known else " " for c in t)

    train = "".join(clean(topics[k]) for i, k in enumerate(keys) if i % 5 != 4)
    val = "".join(clean(topics[k]) for i, k in enumerate(keys) if i % 5 == 4)
    return train, val, share


def eval_windows(ids: np.ndarray, n: int, t: int) -> tuple[np.ndarray, np.ndarray]:
    return lm.windows(ids, np.arange(n) * ((len(ids) - t - 1) // n), t)


def prepare_data(root: Path | None = None) -> dict[str, Any]:
    record = lm.load_record(root)
    vocab = record["vocabulary"]
    t, n = PROTOCOL["context"], PROTOCOL["eval_windows"]
    train, val, share = new_text_split(vocab, root)
    train_ids, val_ids = lm.encode(train, list(vocab)), lm.encode(val, list(vocab))
    old_ids = lm.encode(lm.corpus_texts(root)["validation"], list(vocab))
    return {
        "vocabulary": vocab,
        "train_ids": train_ids,
        "oov_share": share,
        "new": eval_windows(val_ids, n, t),
        "old": eval_windows(old_ids, n, t),
        "train_characters": len(train),
        "validation_characters": len(val),
    }


def stream(train_ids: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    t, n = PROTOCOL["context"], PROTOCOL["steps"] * PROTOCOL["batch_size"]
    starts = np.random.default_rng(seed).integers(0, len(train_ids) - t - 1, size=n)
    return lm.windows(train_ids, starts, t)


def adapted_layers(model) -> list:
    return [
        layer for layer in model._flatten_layers() if isinstance(layer, keras.layers.Dense) and layer.name in ADAPTED
    ]


def draw_lora_a(model, seed: int) -> None:
    for k, layer in enumerate(adapted_layers(model)):
        d_in, r = layer.lora_kernel_a.shape
        limit = np.sqrt(6.0 / d_in)
        layer.lora_kernel_a.assign(
            np.random.default_rng(1000 * seed + k).uniform(-limit, limit, (d_in, r)).astype("float32")
        )
        layer.lora_kernel_b.assign(np.zeros(layer.lora_kernel_b.shape, "float32"))


def configure(model, method: str, rank: int) -> None:
    """Make `method`'s parameters the trainable ones (LoRA A drawn later by draw_lora_a)."""
    if method == "qlora_int8":
        model.quantize("int8")
    if method in ("lora", "qlora_int8"):
        for layer in model._flatten_layers():
            if isinstance(layer, (keras.layers.LayerNormalization, keras.layers.Embedding)) or layer.name == "head":
                layer.trainable = False
        for layer in adapted_layers(model):
            layer.enable_lora(rank)
            layer.bias.trainable = False
    elif method == "head_bias":
        for v in model.weights:
            v.trainable = v.path.startswith("head/") or v.path.endswith("/bias")


def compile_model(model, lr: float) -> None:
    model.compile(
        optimizer=keras.optimizers.Adam(lr, global_clipnorm=1.0),
        steps_per_execution=PROTOCOL["steps_per_execution"],
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )


class StepClock(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.marks: list[float] = []

    def on_train_batch_end(self, batch, logs=None):
        self.marks.append(time.perf_counter())


def fit(model, x, y) -> float:
    """Train on the stream; seconds per step after the first execution (which includes tracing)."""
    clock = StepClock()
    model.fit(x, y, batch_size=PROTOCOL["batch_size"], epochs=1, shuffle=False, verbose=0, callbacks=[clock])
    spe = PROTOCOL["steps_per_execution"]
    return (clock.marks[-1] - clock.marks[0]) / (spe * (len(clock.marks) - 1))


def optimizer_state_bytes(model) -> int:
    return int(
        sum(np.prod(v.shape) * np.dtype(v.dtype).itemsize for v in model.optimizer.variables if len(v.shape) > 0)
    )


def run_group(method: str, rank: int, settings: list[dict], data: dict, log=print) -> list[dict]:
    model, _ = lm.load_pretrained()
    configure(model, method, rank)
    base = {v.path: np.array(v.numpy()) for v in model.weights if "lora_kernel" not in v.path}
    train_x, train_y = stream(data["train_ids"], 0)
    n = PROTOCOL["eval_windows"]
    out, compiled = [], False
    for s in settings:
        for seed in s["seeds"]:
            for v in model.weights:
                if v.path in base:
                    v.assign(base[v.path])
            if method in ("lora", "qlora_int8"):
                draw_lora_a(model, seed)
            if not compiled:
                compile_model(model, s["lr"])
                compiled = True
            else:
                for v in model.optimizer.variables:
                    v.assign(np.zeros(v.shape, v.dtype))
                model.optimizer.learning_rate.assign(s["lr"])
            x, y = stream(data["train_ids"], seed)
            start = time.perf_counter()
            step_s = fit(model, x, y)
            wall = time.perf_counter() - start
            row = {
                **{k: v for k, v in s.items() if k != "seeds"},
                "seed": seed,
                "trainable": int(sum(np.prod(v.shape) for v in model.trainable_weights)),
                "parameters": int(sum(np.prod(v.shape) for v in model.weights)),
                "optimizer_state_bytes": optimizer_state_bytes(model),
                "seconds_per_step": round(step_s, 5),
                "fit_seconds": round(wall, 2),
                "new_loss": round(lm.mean_loss(model, *data["new"]), 6),
                "old_loss": round(lm.mean_loss(model, *data["old"]), 6),
                "train_sample_loss": round(lm.mean_loss(model, train_x[:n], train_y[:n]), 6),
            }
            log(json.dumps(row))
            out.append(row)
    return out


def write(path: Path | None = None, settings: list[dict] = SETTINGS, log=print) -> dict[str, Any]:
    path = path or repo_root() / RESULTS
    data = prepare_data()
    model, record = lm.load_pretrained()
    result: dict[str, Any] = {
        "generated_by": "coursekit bench-lora (make bench-lora)",
        "protocol": PROTOCOL,
        "seeds": list(SEEDS),
        "versions": lm.versions(),
        "base": {
            "new_loss": round(lm.mean_loss(model, *data["new"]), 6),
            "old_loss": round(lm.mean_loss(model, *data["old"]), 6),
            "parameters": int(model.count_params()),
            "oov_share": round(data["oov_share"], 6),
            "train_characters": data["train_characters"],
            "validation_characters": data["validation_characters"],
        },
        "runs": [],
    }
    del model
    groups: dict[tuple, list] = {}
    for s in settings:
        groups.setdefault((s["method"], s["rank"]), []).append(s)
    start = time.perf_counter()
    for (method, rank), group in groups.items():
        result["runs"] += run_group(method, rank, group, data, log)
        result["total_seconds"] = round(time.perf_counter() - start, 1)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="coursekit bench-lora", description=__doc__.splitlines()[0])
    p.add_argument("--out", type=Path, default=None)
    args = p.parse_args(argv)
    res = write(args.out, log=lambda s: print(s, flush=True))
    print(f"{len(res['runs'])} runs in {res['total_seconds']} s")
    return 0
