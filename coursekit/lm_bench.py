"""Chapter 12's recipe experiments at toy scale: `coursekit bench-lm` (`make bench-lm`).

Writes `benchmarks/lm_results.json`: every run's settings, seed, validation loss, tokens and approximate FLOPs,
plus the library versions and the machine, so the chapter can plot them and re-run one point live. Three groups:

- `chapter_run`: the chapter's live training run (seed 0); the chapter repeats it and asserts its validation loss
  matches this file within `TOLERANCE` nats per character;
- `ablations`: the recipe's parts, 3 seeds each (warmup at a high rate, clipping, AdamW vs Muon, batch size vs
  steps at equal tokens), 300 steps of a 2-layer d=64 model;
- `frontier`: four model sizes at several compute budgets (one seed), for a small compute-optimal frontier.

Every run uses `coursekit.lm`'s model (`build_gpt`, the code chapter 12 shows) on the course's Shakespeare with
context 64, its training windows drawn with `numpy.random.default_rng(seed)` and its validation loss measured on a
fixed sample of evenly spaced validation-play windows. This is a demonstration of the method at about 1e-10 of
Chinchilla's compute, not a scaling law. Takes about 25 minutes on a busy 2-core CPU (run it with `nice`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402

from . import lm  # noqa: E402
from .paths import repo_root  # noqa: E402

OUT = Path("benchmarks") / "lm_results.json"
CONTEXT = 64
N_HEADS = 4
VAL_WINDOWS = 256
STEPS_PER_EXECUTION = 20
SEEDS = (0, 1, 2)
# Same seeds on the same machine repeat a run's loss to ~1e-6; another CPU, thread count or library build reorders
# float sums, and after hundreds of steps those differences grow: this tolerance (nats per character) absorbs them.
TOLERANCE = 0.02

BASE: dict[str, Any] = {
    "d_model": 64,
    "n_layers": 2,
    "batch_size": 8,
    "steps": 300,
    "optimizer": "adamw",
    "peak_lr": 3e-3,
    "warmup_steps": 30,
    "global_clipnorm": 1.0,
    "weight_decay": 0.1,
}
CHAPTER_RUN: dict[str, Any] = {**BASE, "steps": 900, "warmup_steps": 50, "seed": 0}
ABLATIONS: dict[str, dict[str, Any]] = {
    "baseline": {},
    "high_lr_no_warmup": {"peak_lr": 3e-2, "warmup_steps": 0},
    "high_lr_warmup": {"peak_lr": 3e-2},
    "high_lr_warmup_no_clip": {"peak_lr": 3e-2, "global_clipnorm": None},
    "muon": {"optimizer": "muon", "peak_lr": 2e-2},
    "batch32_equal_tokens": {"batch_size": 32, "steps": 75, "warmup_steps": 8, "peak_lr": 6e-3},
}
FRONTIER_SIZES = (16, 32, 64, 128)
FRONTIER_BUDGETS = (3e10, 1e11, 3e11, 1e12)
FRONTIER_BATCH = 16
FRONTIER_LR = {16: 3e-3, 32: 3e-3, 64: 3e-3, 128: 2e-3}
FRONTIER_STEPS = (20, 5000)  # a (size, budget) pair whose step count falls outside this range is skipped


def flops_per_token(vocab_size: int, d_model: int, n_layers: int, context: int = CONTEXT) -> int:
    """Training FLOPs per token: 6N (forward 2N, backward 4N) plus attention's 6 * L * T * d (scores and mix)."""
    n = lm.count_params(vocab_size, context, d_model, n_layers)
    return 6 * n + 6 * n_layers * context * d_model


def data(root: Path | None = None) -> dict[str, Any]:
    texts = lm.corpus_texts(root)
    vocab = texts["vocabulary"]
    train_ids, val_ids = lm.encode(texts["train"], vocab), lm.encode(texts["validation"], vocab)
    vx, vy = lm.validation_sample(val_ids, CONTEXT, VAL_WINDOWS)
    return {"vocabulary": vocab, "train_ids": train_ids, "val_x": vx, "val_y": vy}


def optimizer(point: dict[str, Any]) -> keras.optimizers.Optimizer:
    schedule = keras.optimizers.schedules.CosineDecay(
        0.0,
        point["steps"] - point["warmup_steps"],
        alpha=0.1,
        warmup_target=point["peak_lr"],
        warmup_steps=point["warmup_steps"],
    )
    if point["optimizer"] == "muon":  # Muon on the 2-D kernels, Adam on embeddings and vectors (Keras's defaults)
        return keras.optimizers.Muon(schedule, global_clipnorm=point["global_clipnorm"])
    opt = keras.optimizers.AdamW(
        schedule, weight_decay=point["weight_decay"], beta_2=0.99, global_clipnorm=point["global_clipnorm"]
    )
    opt.exclude_from_weight_decay(var_names=["bias", "gamma", "beta", "embeddings"])
    return opt


def run(point: dict[str, Any], d: dict[str, Any]) -> dict[str, Any]:
    """Train one point from a fresh seeded model; returns the point with its validation loss and costs."""
    v = len(d["vocabulary"])
    keras.utils.set_random_seed(point["seed"])
    model = lm.build_gpt(v, CONTEXT, point["d_model"], point["n_layers"], N_HEADS)
    model.compile(
        optimizer=optimizer(point),
        steps_per_execution=STEPS_PER_EXECUTION,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    b, steps = point["batch_size"], point["steps"]
    x, y = lm.training_windows(d["train_ids"], CONTEXT, steps * b, point["seed"])
    start = time.perf_counter()
    hist = model.fit(x, y, batch_size=b, epochs=1, shuffle=False, verbose=0)
    seconds = time.perf_counter() - start
    tokens = steps * b * CONTEXT
    return {
        **point,
        "val_loss": round(lm.mean_loss(model, d["val_x"], d["val_y"]), 6),
        "train_loss_mean": round(float(hist.history["loss"][-1]), 6),
        "parameters": int(model.count_params()),
        "tokens": tokens,
        "flops": tokens * flops_per_token(v, point["d_model"], point["n_layers"]),
        "fit_seconds": round(seconds, 1),
    }


def frontier_points(vocab_size: int) -> list[dict[str, Any]]:
    points = []
    for budget in FRONTIER_BUDGETS:
        for dm in FRONTIER_SIZES:
            steps = round(budget / (flops_per_token(vocab_size, dm, 2) * FRONTIER_BATCH * CONTEXT))
            if FRONTIER_STEPS[0] <= steps <= FRONTIER_STEPS[1]:
                points.append(
                    {
                        **BASE,
                        "d_model": dm,
                        "batch_size": FRONTIER_BATCH,
                        "steps": steps,
                        "warmup_steps": max(1, steps // 10),
                        "peak_lr": FRONTIER_LR[dm],
                        "seed": 0,
                        "budget_flops": budget,
                    }
                )
    return points


versions = lm.versions  # the same record of what ran, as the pretrained model's


def settings() -> dict[str, Any]:
    return {
        "context": CONTEXT,
        "n_heads": N_HEADS,
        "validation_windows": VAL_WINDOWS,
        "validation_rule": lm.RECIPE["validation_sample"]["rule"].replace("T", "T=64"),
        "training_windows": "lm.training_windows(train_ids, 64, steps * batch_size, seed): starts drawn once "
        "with numpy.random.default_rng(seed)",
        "seed_sets": "keras.utils.set_random_seed(seed) before building (initial weights) and the window seed",
        "schedule": "CosineDecay(0, steps - warmup, alpha=0.1, warmup_target=peak_lr, warmup_steps=warmup)",
        "adamw": "AdamW(beta_2=0.99, weight_decay=0.1 on Dense kernels only, global_clipnorm)",
        "muon": "keras.optimizers.Muon(schedule, global_clipnorm) with Keras 3.15's defaults (Adam on "
        "embeddings and vectors, adam_lr_ratio 1)",
        "steps_per_execution": STEPS_PER_EXECUTION,
        "flops_per_token": "6 N + 6 L T d (lm_bench.flops_per_token)",
        "tolerance_nats": TOLERANCE,
        "base": BASE,
        "ablations": ABLATIONS,
        "seeds": list(SEEDS),
        "frontier": {
            "sizes": list(FRONTIER_SIZES),
            "budgets": list(FRONTIER_BUDGETS),
            "batch_size": FRONTIER_BATCH,
            "peak_lr": {str(k): v for k, v in FRONTIER_LR.items()},
            "steps_range": list(FRONTIER_STEPS),
        },
        "scale": "toy: 1e4-4e5 parameters and 1e10-1e12 FLOPs, about 1e-10 of Chinchilla's largest budgets",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="coursekit bench-lm", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help=f"file to write (default: the repository's {OUT})")
    args = parser.parse_args(argv)
    out = args.out or repo_root() / OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    d = data()
    record: dict[str, Any] = {
        "generated_by": "make bench-lm (coursekit bench-lm)",
        "description": __doc__.split("\n\n")[1],
        "settings": settings(),
        "versions": versions(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "vocab_size": len(d["vocabulary"]),
        "chapter_run": None,
        "ablations": [],
        "frontier": [],
        "complete": False,
    }
    start = time.perf_counter()

    def save(what: str, r: dict[str, Any]) -> None:
        out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        print(
            f"[{time.perf_counter() - start:6.0f} s] {what}: d={r['d_model']} B={r['batch_size']} "
            f"steps={r['steps']} seed={r['seed']} val {r['val_loss']:.4f} ({r['fit_seconds']} s)",
            flush=True,
        )

    record["chapter_run"] = run(CHAPTER_RUN, d)
    save("chapter_run", record["chapter_run"])
    for seed in SEEDS:  # seed-major, so a stopped run still has every arm at the first seeds
        for name, change in ABLATIONS.items():
            r = {"arm": name, **run({**BASE, **change, "seed": seed}, d)}
            record["ablations"].append(r)
            save(name, r)
    for point in frontier_points(len(d["vocabulary"])):
        r = run(point, d)
        record["frontier"].append(r)
        save(f"frontier {point['budget_flops']:.0e}", r)
    record["complete"] = True
    record["total_seconds"] = round(time.perf_counter() - start, 1)
    out.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out} in {record['total_seconds']} s")
    return 0
