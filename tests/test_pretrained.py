"""The course's own pretrained models (assets/digits04_base.*, assets/mnist1d04_base.*): recorded, loadable,
reproducible, and fetched only from raw URLs that derive from the one repository setting in _config.yml."""

from __future__ import annotations

import json
import re

import jupytext
import nbformat
import numpy as np
import pytest
import yaml

from coursekit import pretrained

from .repo import CHAPTERS, EXERCISES, ROOT

MODEL, RECORD = pretrained.asset_paths(ROOT)
SIGNAL_MODEL, SIGNAL_RECORD = pretrained.mnist1d_asset_paths(ROOT)


def _raw_url(name: str = "") -> str:
    repo = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
    org_repo = repo["url"].rstrip("/").split("github.com/")[1]
    return f"https://raw.githubusercontent.com/{org_repo}/{repo['branch']}/assets/{name}"


def _notebook_texts():
    out = [(c.name, "\n".join(cell.source for cell in jupytext.read(c.source).cells)) for c in CHAPTERS]
    out += [(f"{c.name}.ipynb", "\n".join(cell.source for cell in nbformat.read(c.notebook, as_version=4).cells))
            for c in CHAPTERS if c.notebook.exists()]
    out += [(f"exercise {e.name}", "\n".join(cell.source for cell in nbformat.read(e.student, as_version=4).cells))
            for e in EXERCISES]
    return out


def test_raw_urls_derive_from_the_one_repository_setting():
    expected = _raw_url()
    assert expected == "https://raw.githubusercontent.com/loss-to-launch/loss-to-launch/main/assets/"
    root = expected.removesuffix("assets/").rstrip("/")
    users = []
    for name, text in _notebook_texts():
        for url in re.findall(r"https?://raw\.githubusercontent\.com/[^\s\"'()<>]*", text):
            assert url == root or url.startswith(root + "/"), (
                f"{name}: raw URL {url} does not derive from _config.yml's repository (expected it under {root})")
            if url == expected:
                users.append(name)
    assert any("07_transfer" in n for n in users), "chapter/exercise 7 should fetch the model (Colab only) from the raw URL"


def test_notebooks_that_load_the_model_try_local_paths_first_and_download_only_in_colab():
    for name, text in _notebook_texts():
        if "digits04_base.keras" not in text and "mnist1d04_base.keras" not in text:
            continue
        local = text.index('Path("..") / "assets"')
        colab = text.index('"google.colab" in sys.modules:\n        target')
        download = text.index("urlretrieve(")
        assert local < colab < download, f"{name}: look in this folder and ../assets/ before any download, Colab only"


def test_exercise_ships_the_model_to_the_grader():
    from coursekit.sources import assets

    ex = next(e for e in EXERCISES if e.name == "07_transfer")
    assert assets(ex.source) == {MODEL.name: MODEL, SIGNAL_MODEL.name: SIGNAL_MODEL}


def test_record_describes_the_committed_file():
    rec = json.loads(RECORD.read_text())
    assert rec["file"] == MODEL.name
    assert rec["size_bytes"] == MODEL.stat().st_size < 1_000_000, "the shipped model must stay well under 1 MB"
    assert rec["recipe"] == json.loads(json.dumps(pretrained.RECIPE)), "the recipe changed: re-run make pretrained (coursekit pretrained)"
    for key in ("python", "tensorflow", "keras", "numpy", "scikit-learn"):
        assert rec["versions"][key]
    data = pretrained.source_split()
    assert rec["split"]["test_indices"] == data["test_idx"].tolist()
    assert rec["split"]["train_indices"] == data["train_idx"].tolist()
    assert 0.9 <= rec["source_test_accuracy"] <= 1.0


def test_committed_model_loads_with_the_pinned_keras_and_scores_its_record():
    import keras

    rec = json.loads(RECORD.read_text())
    assert rec["versions"]["keras"] == keras.__version__, "the file was written by another Keras: regenerate it"
    model = keras.saving.load_model(MODEL)
    assert [l.name for l in model.layers if l.weights] == ["block1_conv", "block1_bn", "block2_conv", "block2_bn", "source_head"]
    assert model.get_layer("features").output.shape == (None, 512)
    correct = pretrained.count_correct(model, pretrained.source_split())
    assert correct == rec["source_test_correct"], f"committed model scores {correct}, the record says {rec['source_test_correct']}"
    assert np.isclose(correct / rec["split"]["n_test"], rec["source_test_accuracy"], atol=5e-5)


@pytest.mark.slow
def test_recipe_reproduces(tmp_path):
    """Re-train with the recorded recipe (about 10 s) and compare with the committed record."""
    rec = json.loads(RECORD.read_text())
    new = pretrained.write(out_dir=tmp_path)
    assert new["size_bytes"] < 1_000_000
    tol = rec["reproduce_tolerance"]
    assert abs(new["source_test_accuracy"] - rec["source_test_accuracy"]) <= tol, (
        f"re-trained accuracy {new['source_test_accuracy']:.4f} vs recorded {rec['source_test_accuracy']:.4f} (± {tol})")
    import keras

    keras.saving.load_model(tmp_path / MODEL.name)  # what the script writes loads again


def test_mnist1d_record_describes_the_committed_file():
    rec = json.loads(SIGNAL_RECORD.read_text())
    assert rec["file"] == SIGNAL_MODEL.name
    assert rec["size_bytes"] == SIGNAL_MODEL.stat().st_size < 1_000_000, "the shipped model must stay well under 1 MB"
    assert rec["recipe"] == json.loads(json.dumps(pretrained.MNIST1D_RECIPE)), "the recipe changed: re-run make pretrained (coursekit pretrained)"
    for key in ("python", "tensorflow", "keras", "numpy", "scikit-learn", "mnist1d"):
        assert rec["versions"][key]
    assert rec["split"] == {"n_train": pretrained.MNIST1D_RECIPE["num_samples"], "n_test": pretrained.MNIST1D_RECIPE["test_samples"]}
    assert 0.95 <= rec["source_test_accuracy"] <= 1.0


def test_mnist1d_data_is_generated_offline_and_repeats(monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("mnist1d data must be generated, never downloaded")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    x1, y1 = pretrained.mnist1d_signals([5, 6, 7, 8, 9], 100, seed=1)
    x2, y2 = pretrained.mnist1d_signals([5, 6, 7, 8, 9], 100, seed=1)
    assert x1.shape == (100, 40, 1) and x1.dtype == np.float32 and sorted(set(y1.tolist())) == [0, 1, 2, 3, 4]
    assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    assert np.bincount(y1).tolist() == [20] * 5


def test_committed_mnist1d_model_loads_and_scores_its_record():
    import keras

    rec = json.loads(SIGNAL_RECORD.read_text())
    assert rec["versions"]["keras"] == keras.__version__, "the file was written by another Keras: regenerate it"
    model = keras.saving.load_model(SIGNAL_MODEL)
    assert [l.name for l in model.layers if l.weights] == [
        "block1_conv", "block1_bn", "block2_conv", "block2_bn", "block3_conv", "block3_bn", "source_head"]
    assert model.get_layer("features").output.shape == (None, 64)
    assert model.count_params() == rec["parameters"]
    correct = pretrained.count_correct(model, pretrained.mnist1d_source())
    assert correct == rec["source_test_correct"], f"committed model scores {correct}, the record says {rec['source_test_correct']}"


@pytest.mark.slow
def test_mnist1d_recipe_reproduces(tmp_path):
    """Re-train the MNIST-1D base with the recorded recipe (about 20 s idle) and compare with the committed record."""
    rec = json.loads(SIGNAL_RECORD.read_text())
    new = pretrained.write_mnist1d(out_dir=tmp_path)
    tol = rec["reproduce_tolerance"]
    assert abs(new["source_test_accuracy"] - rec["source_test_accuracy"]) <= tol, (
        f"re-trained accuracy {new['source_test_accuracy']:.4f} vs recorded {rec['source_test_accuracy']:.4f} (± {tol})")
