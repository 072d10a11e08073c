"""The course's own small pretrained models (chapter 7, exercise 7).

No machine that builds or tests the course can download pretrained weights, so the course ships its
own: `coursekit pretrained` re-trains them with fixed recipes and seeds and writes

- `assets/mnist1d04_base.keras` + `.json`: a 1-D CNN with global max pooling trained on many MNIST-1D
  signals of classes 0–4 (generated offline by `mnist1d.data.make_dataset`, never downloaded); the base
  that transfers (chapter 7's first case, exercise 7 task 4);
- `assets/digits04_base.keras` + `.json`: a small CNN trained on sklearn digits 0–4; the base that does
  not need transferring (chapter 7's "when not to transfer" case, exercise 7 tasks 1–2).

Each JSON holds the recipe, data split, seed, library versions, size and source-task accuracy.
`tests/test_pretrained.py` re-runs the recipes and checks that the results reproduce and that the committed
files load and score what their JSON says.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

from .paths import repo_root

NAME = "digits04_base"
# Accuracy on the source test split may move this much when the recipe is re-run on another machine or
# library build (float reductions differ); on one machine with the pinned libraries it repeats exactly.
REPRODUCE_TOLERANCE = 0.02

RECIPE: dict[str, Any] = {
    "data": "sklearn.datasets.load_digits (8x8 greyscale, values 0-16, scaled to [0, 1])",
    "source_classes": [0, 1, 2, 3, 4],
    "split": "sklearn.model_selection.train_test_split(stratify=labels)",
    "test_size": 0.25,
    "split_seed": 0,
    "seed": 0,
    "architecture": "Conv2D(16,3)-BN(momentum 0.9)-ReLU-MaxPool(2) -> Conv2D(32,3)-BN(momentum 0.9)-ReLU -> Flatten (512 features) -> Dense(5) logits",
    "optimizer": "Adam",
    "learning_rate": 3e-3,
    "batch_size": 64,
    "epochs": 30,
    "loss": "SparseCategoricalCrossentropy(from_logits=True)",
}


def asset_paths(root: Path | None = None) -> tuple[Path, Path]:
    folder = (root or repo_root()) / "assets"
    return folder / f"{NAME}.keras", folder / f"{NAME}.json"


def source_split(recipe: dict[str, Any] = RECIPE) -> dict[str, np.ndarray]:
    """The source task's train/test split: images (N, 8, 8, 1) float32 in [0, 1], labels 0–4, indices into load_digits."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    idx = np.flatnonzero(np.isin(digits.target, recipe["source_classes"]))
    train_idx, test_idx = train_test_split(
        idx, test_size=recipe["test_size"], stratify=digits.target[idx], random_state=recipe["split_seed"]
    )
    train_idx, test_idx = np.sort(train_idx), np.sort(test_idx)
    images = (digits.images / 16.0).astype("float32")[..., None]
    return {
        "x_train": images[train_idx],
        "y_train": digits.target[train_idx],
        "train_idx": train_idx,
        "x_test": images[test_idx],
        "y_test": digits.target[test_idx],
        "test_idx": test_idx,
    }


def build_model(n_classes: int = 5):
    """The architecture; layer names are what chapter 7 and exercise 7 refer to."""
    import keras
    from keras import layers

    inputs = keras.Input((8, 8, 1), name="image")
    x = layers.Conv2D(16, 3, padding="same", use_bias=False, name="block1_conv")(inputs)
    x = layers.BatchNormalization(momentum=0.9, name="block1_bn")(x)
    x = layers.ReLU(name="block1_relu")(x)
    x = layers.MaxPooling2D(2, name="block1_pool")(x)
    x = layers.Conv2D(32, 3, padding="same", use_bias=False, name="block2_conv")(x)
    x = layers.BatchNormalization(momentum=0.9, name="block2_bn")(x)
    x = layers.ReLU(name="block2_relu")(x)
    x = layers.Flatten(name="features")(x)
    outputs = layers.Dense(n_classes, name="source_head")(x)
    return keras.Model(inputs, outputs, name=NAME)


def count_correct(model, data: dict[str, np.ndarray]) -> int:
    """How many source test images the model classifies correctly (inference mode)."""
    import keras

    logits = keras.ops.convert_to_numpy(model(data["x_test"], training=False))
    return int((logits.argmax(axis=1) == data["y_test"]).sum())


def train(recipe: dict[str, Any] = RECIPE):
    """Train the base with the recipe; returns (model, data, seconds)."""
    return _fit(build_model, source_split(recipe), recipe)


def _fit(build, data: dict[str, np.ndarray], recipe: dict[str, Any]):
    """Build a base for the recipe's source classes and train it with the recipe; returns (model, data, seconds)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    keras.utils.set_random_seed(recipe["seed"])
    model = build(len(recipe["source_classes"]))
    model.compile(
        optimizer=keras.optimizers.Adam(recipe["learning_rate"]),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    start = time.perf_counter()
    model.fit(
        data["x_train"],
        data["y_train"],
        batch_size=recipe["batch_size"],
        epochs=recipe["epochs"],
        shuffle=True,
        verbose=0,
    )
    return model, data, time.perf_counter() - start


MNIST1D_NAME = "mnist1d04_base"
MNIST1D_RECIPE: dict[str, Any] = {
    "data": "mnist1d.data.make_dataset(args) with get_dataset_args() defaults except num_samples, seed and "
    "train_split=1.0, on the templates of the source classes only (generated offline; get_dataset() would download)",
    "source_classes": [0, 1, 2, 3, 4],
    "num_samples": 10000,
    "data_seed": 0,
    "test_samples": 2000,
    "test_data_seed": 99,
    "seed": 0,
    "architecture": "Conv1D(32,5)-BN-ReLU-MaxPool(2) -> Conv1D(64,5)-BN-ReLU-MaxPool(2) -> Conv1D(64,3)-BN-ReLU "
    "-> GlobalMaxPooling1D (64 features) -> Dense(5) logits; convs 'same', no bias, BN momentum 0.9",
    "optimizer": "Adam",
    "learning_rate": 3e-3,
    "batch_size": 128,
    "epochs": 6,
    "loss": "SparseCategoricalCrossentropy(from_logits=True)",
}


def mnist1d_signals(classes, num_samples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """MNIST-1D signals of the given classes, generated offline: x (N, 40, 1) float32, y relabelled 0.. (int64).

    `make_dataset` draws `num_samples // len(classes)` signals per class and standardises the set it made."""
    from mnist1d.data import get_dataset_args, get_templates, make_dataset

    args = get_dataset_args()
    args.num_samples, args.seed, args.train_split = num_samples, seed, 1.0
    templates = get_templates()
    classes = list(classes)
    subset = {"x": templates["x"][classes], "t": templates["t"], "y": templates["y"][classes]}
    data = make_dataset(args, template=subset)
    return data["x"].astype("float32")[..., None], (data["y"] - classes[0]).astype("int64")


def mnist1d_source(recipe: dict[str, Any] = MNIST1D_RECIPE) -> dict[str, np.ndarray]:
    x, y = mnist1d_signals(recipe["source_classes"], recipe["num_samples"], recipe["data_seed"])
    x_test, y_test = mnist1d_signals(recipe["source_classes"], recipe["test_samples"], recipe["test_data_seed"])
    return {"x_train": x, "y_train": y, "x_test": x_test, "y_test": y_test}


def build_mnist1d_model(n_classes: int = 5):
    """The 1-D base; layer names are what chapter 7 and exercise 7 refer to."""
    import keras
    from keras import layers

    inputs = keras.Input((40, 1), name="signal")
    x = inputs
    for block, (filters, width) in enumerate([(32, 5), (64, 5), (64, 3)], start=1):
        x = layers.Conv1D(filters, width, padding="same", use_bias=False, name=f"block{block}_conv")(x)
        x = layers.BatchNormalization(momentum=0.9, name=f"block{block}_bn")(x)
        x = layers.ReLU(name=f"block{block}_relu")(x)
        if block < 3:
            x = layers.MaxPooling1D(2, name=f"block{block}_pool")(x)
    x = layers.GlobalMaxPooling1D(name="features")(x)
    outputs = layers.Dense(n_classes, name="source_head")(x)
    return keras.Model(inputs, outputs, name=MNIST1D_NAME)


def train_mnist1d(recipe: dict[str, Any] = MNIST1D_RECIPE):
    """Train the MNIST-1D base with the recipe; returns (model, data, seconds)."""
    return _fit(build_mnist1d_model, mnist1d_source(recipe), recipe)


def mnist1d_asset_paths(root: Path | None = None) -> tuple[Path, Path]:
    folder = (root or repo_root()) / "assets"
    return folder / f"{MNIST1D_NAME}.keras", folder / f"{MNIST1D_NAME}.json"


def write_mnist1d(root: Path | None = None, out_dir: Path | None = None) -> dict[str, Any]:
    """Train and write `<out_dir>/mnist1d04_base.keras` and `.json` (default: the repository's assets/)."""
    model, data, seconds = train_mnist1d()
    return _ship(
        mnist1d_asset_paths(root),
        out_dir,
        model,
        build_mnist1d_model,
        data,
        seconds,
        MNIST1D_RECIPE,
        "1-D CNN pretrained on MNIST-1D classes 0-4 (signals generated offline); the course's offline "
        "stand-in for downloaded pretrained weights (chapter 7). Feature extractor: the layer named 'features'.",
        {"n_train": int(len(data["y_train"])), "n_test": int(len(data["y_test"]))},
    )


def load_mnist1d_record(root: Path | None = None) -> dict[str, Any]:
    return json.loads(mnist1d_asset_paths(root)[1].read_text(encoding="utf-8"))


def versions() -> dict[str, str]:
    from importlib.metadata import version

    import keras
    import sklearn
    import tensorflow as tf

    return {
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "mnist1d": version("mnist1d"),
    }


def write(root: Path | None = None, out_dir: Path | None = None) -> dict[str, Any]:
    """Train and write `<out_dir>/digits04_base.keras` and `.json` (default: the repository's assets/)."""
    model, data, seconds = train()
    return _ship(
        asset_paths(root),
        out_dir,
        model,
        build_model,
        data,
        seconds,
        RECIPE,
        "Small CNN pretrained on sklearn digits 0-4; the course's offline stand-in for downloaded "
        "pretrained weights (chapter 7). Feature extractor: the layer named 'features'.",
        {
            "train_indices": data["train_idx"].tolist(),
            "test_indices": data["test_idx"].tolist(),
            "n_train": int(len(data["train_idx"])),
            "n_test": int(len(data["test_idx"])),
        },
    )


def _ship(
    paths: tuple[Path, Path],
    out_dir: Path | None,
    model,
    build,
    data: dict[str, np.ndarray],
    seconds: float,
    recipe: dict[str, Any],
    description: str,
    split: dict[str, Any],
) -> dict[str, Any]:
    """Save an uncompiled copy of `model` (no optimizer state: smaller; learners compile their own) and its record."""
    model_path, json_path = paths
    if out_dir is not None:
        model_path, json_path = Path(out_dir) / model_path.name, Path(out_dir) / json_path.name
    model_path.parent.mkdir(parents=True, exist_ok=True)
    shipped = build(len(recipe["source_classes"]))
    shipped.set_weights(model.get_weights())
    shipped.save(model_path)
    correct = count_correct(model, data)
    record = {
        "file": model_path.name,
        "description": description,
        "generated_by": "coursekit pretrained",
        "recipe": recipe,
        "split": split,
        "versions": versions(),
        "size_bytes": model_path.stat().st_size,
        "parameters": int(model.count_params()),
        "train_seconds": round(seconds, 1),
        "source_test_correct": correct,
        "source_test_accuracy": round(correct / len(data["y_test"]), 4),
        "reproduce_tolerance": REPRODUCE_TOLERANCE,
    }
    text = json.dumps(record, indent=1)
    for key in ("train_indices", "test_indices"):  # one line per index list, not one line per index
        if key in split:
            text = text.replace(json.dumps(split[key], indent=1).replace("\n", "\n  "), json.dumps(split[key]))
    json_path.write_text(text + "\n", encoding="utf-8")
    return {**record, "model_path": str(model_path), "json_path": str(json_path)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="coursekit pretrained", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=None, help="folder to write to (default: the repository's assets/)")
    parser.add_argument("--only", choices=["digits", "mnist1d"], default=None, help="re-train one of the two bases")
    args = parser.parse_args(argv)
    for name, writer in (("digits", write), ("mnist1d", write_mnist1d)):
        if args.only not in (None, name):
            continue
        rec = writer(out_dir=args.out)
        print(
            f"wrote {rec['model_path']} ({rec['size_bytes'] / 1024:.0f} KB, {rec['parameters']} parameters) and {rec['json_path']}"
        )
        print(
            f"source task ({name} 0-4) test accuracy {rec['source_test_accuracy']:.4f} "
            f"({rec['source_test_correct']}/{rec['split']['n_test']}), trained in {rec['train_seconds']} s"
        )
    return 0
