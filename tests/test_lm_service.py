"""Chapter 14's streaming endpoint, started for real: uvicorn on a free loopback port, real HTTP requests.

One source: the service module is the chapter's `SERVICE_SOURCE`, its NumPy GPT and decoding rule are the
chapter's own functions (`layer_norm` ... `sample`), and the server is started and stopped by the chapter's
`Service` class; all are read from chapters/14_llm_serving.md, not copied here. The weights are those of a tiny
GPT built with the course's model code (`coursekit.lm.build_gpt`) and random initial weights, so the test needs
no shipped asset and the expected tokens come from an independent reference: the Keras model's own greedy
decoding, recomputing the whole context at every step (no cache).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from prometheus_client.parser import text_string_to_metric_families

from .repo import ROOT

CHAPTER = ROOT / "chapters" / "14_llm_serving.md"
CONFIG = {"context": 32, "d_model": 16, "n_layers": 1, "n_heads": 2}
NUMPY_FUNCTIONS = ("layer_norm", "dense", "gelu", "split_heads", "forward", "empty_cache", "next_token_probs", "sample")
MAX_PROMPT, MAX_NEW = 24, 8  # prompt + new tokens stay within the context: no window rule involved
pytestmark = pytest.mark.skipif(not CHAPTER.exists(), reason="chapter 14 is not written")


def chapter_code() -> list[ast.AST]:
    """Top-level statements of every code cell of chapter 14 (cell options and magics dropped)."""
    import jupytext

    nodes = []
    for cell in jupytext.read(CHAPTER).cells:
        if cell.cell_type == "code":
            src = "\n".join(l for l in cell.source.splitlines() if not l.lstrip().startswith(("%", "!")))
            nodes += [(n, src) for n in ast.parse(src).body]
    return nodes


def definitions() -> dict[str, str]:
    """Source of the chapter's top-level functions and classes, and of its SERVICE_SOURCE string."""
    out = {}
    for node, src in chapter_code():
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            out[node.name] = ast.get_source_segment(src, node)
        elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "SERVICE_SOURCE" for t in node.targets):
            out["SERVICE_SOURCE"] = ast.literal_eval(node.value)
    return out


class Running:
    """The chapter's service on a tiny random GPT, in a temporary folder."""

    def __init__(self, tmp: Path):
        import keras

        from coursekit.lm import build_gpt, load_record

        defs = definitions()
        missing = [n for n in (*NUMPY_FUNCTIONS, "weights_of", "free_port", "_die_with_parent", "Service",
                               "SERVICE_SOURCE") if n not in defs]
        assert not missing, f"chapter 14 no longer defines {missing}"
        self.vocab = load_record()["vocabulary"]
        keras.utils.set_random_seed(0)
        self.model = build_gpt(vocab_size=len(self.vocab), **CONFIG)
        ns = {"ops": keras.ops}
        exec(defs["weights_of"], ns)
        w0 = ns["weights_of"](self.model)
        np.savez(tmp / "weights.npz", **{k.replace("/", "|"): v for k, v in w0.items()})
        (tmp / "vocab.json").write_text(json.dumps(self.vocab), encoding="utf-8")
        d, h = CONFIG["d_model"], CONFIG["n_heads"]
        # the module the chapter writes next to the service: constants, weights, then its functions' source
        (tmp / "gpt_numpy.py").write_text(
            "import math\nimport os\n\nimport numpy as np\nfrom scipy.special import erf\n\n"
            f"L, H, D, HD, T = {CONFIG['n_layers']}, {h}, {d}, {d // h}, {CONFIG['context']}\n"
            'W0 = {k.replace("|", "/"): v for k, v in np.load(os.environ["WEIGHTS"]).items()}\n\n\n'
            + "\n\n\n".join(defs[n] for n in NUMPY_FUNCTIONS) + "\n", encoding="utf-8")
        (tmp / "lm_service.py").write_text(defs["SERVICE_SOURCE"], encoding="utf-8")
        import atexit
        import ctypes
        import signal
        import socket

        ns = {"atexit": atexit, "ctypes": ctypes, "signal": signal, "socket": socket, "subprocess": subprocess,
              "httpx": httpx, "os": os, "sys": sys, "time": time, "Path": Path}
        for name in ("free_port", "_die_with_parent", "Service"):
            exec(defs[name], ns)
        self.service = ns["Service"](tmp, "lm_service", {
            "WEIGHTS": str(tmp / "weights.npz"), "VOCAB": str(tmp / "vocab.json"),
            "MAX_PROMPT_CHARS": str(MAX_PROMPT), "MAX_NEW_TOKENS": str(MAX_NEW), "OPENBLAS_NUM_THREADS": "1"})
        self.client = httpx.Client(base_url=self.service.url, timeout=30)

    def greedy_reference(self, prompt: str, n: int) -> str:
        """The Keras model's greedy continuation, the whole context recomputed at each step."""
        ids = [self.vocab.index(c) for c in prompt]
        for _ in range(n):
            logits = np.asarray(self.model(np.array([ids]), training=False))[0, -1]
            ids.append(int(np.argmax(logits)))
        return "".join(self.vocab[i] for i in ids[len(prompt):])

    def stream(self, body: dict) -> tuple[int, str, list[tuple[str, dict]]]:
        """POST /generate: (status, content type, [(event, data), ...])."""
        events, event = [], "message"
        with self.client.stream("POST", "/generate", json=body) as reply:
            if reply.status_code != 200:
                return reply.status_code, reply.headers.get("content-type", ""), [("error", json.loads(reply.read()))]
            for line in reply.iter_lines():
                if line.startswith("event: "):
                    event = line[7:]
                elif line.startswith("data: "):
                    events.append((event, json.loads(line[6:])))
                    event = "message"
            return 200, reply.headers["content-type"], events

    def metric(self, name: str, **labels) -> float:
        for family in text_string_to_metric_families(self.client.get("/metrics").text):
            for s in family.samples:
                if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                    return s.value
        raise AssertionError(f"metric {name} {labels} not exported")

    def stop(self):
        self.client.close()
        return self.service.stop()


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    r = Running(tmp_path_factory.mktemp("lm-service"))
    yield r
    r.stop()
    assert r.service.process.poll() is not None, "the service outlived its test"


def test_health_states_the_bounds(running):
    got = running.client.get("/health").json()
    assert got == {"status": "ok", "vocabulary": len(running.vocab), "context": CONFIG["context"],
                   "max_prompt_chars": MAX_PROMPT, "max_new_tokens": MAX_NEW}, got


def test_a_greedy_stream_sends_one_event_per_token_and_matches_keras(running):
    prompt = "ROMEO:\nBut soft"
    status, kind, events = running.stream({"prompt": prompt, "max_new_tokens": MAX_NEW, "temperature": 0})
    assert status == 200 and kind.startswith("text/event-stream"), (status, kind)
    tokens = [d["token"] for e, d in events if e == "message"]
    assert len(tokens) == MAX_NEW and all(len(t) == 1 for t in tokens), tokens
    assert events[-1][0] == "done" and events[-1][1]["tokens"] == MAX_NEW, events[-1]
    assert "".join(tokens) == running.greedy_reference(prompt, MAX_NEW)


def test_sampling_is_seeded(running):
    body = {"prompt": "KING:", "max_new_tokens": MAX_NEW, "temperature": 1.0, "top_p": 0.9, "seed": 3}
    first, second, other = (running.stream(b)[2] for b in (body, body, {**body, "seed": 4}))
    tokens = [[d["token"] for e, d in run if e == "message"] for run in (first, second, other)]
    assert tokens[0] == tokens[1] and len(tokens[0]) == MAX_NEW, tokens


BAD = {
    "prompt too long": {"prompt": "a" * (MAX_PROMPT + 1)},
    "too many new tokens": {"prompt": "ROMEO:", "max_new_tokens": MAX_NEW + 1},
    "zero new tokens": {"prompt": "ROMEO:", "max_new_tokens": 0},
    "negative temperature": {"prompt": "ROMEO:", "temperature": -1},
    "top_p of 0": {"prompt": "ROMEO:", "top_p": 0},
    "top_p above 1": {"prompt": "ROMEO:", "top_p": 1.5},
    "empty prompt": {"prompt": ""},
    "prompt not a string": {"prompt": 42},
    "character outside the vocabulary": {"prompt": "ROMEO: \u4f60\u597d"},
    "no prompt at all": {"max_new_tokens": 5},
    "negative seed": {"prompt": "ROMEO:", "seed": -1},
}


@pytest.mark.parametrize("name", BAD)
def test_a_bad_request_gets_a_4xx_with_a_message_and_the_service_keeps_serving(running, name):
    reply = running.client.post("/generate", json=BAD[name])
    assert 400 <= reply.status_code < 500, (name, reply.status_code, reply.text)
    assert reply.json().get("detail"), reply.text
    assert running.client.get("/health").status_code == 200


def test_malformed_json_is_a_4xx(running):
    reply = running.client.post("/generate", content=b"{not json", headers={"content-type": "application/json"})
    assert reply.status_code == 422, reply.status_code


def test_metrics_count_what_was_streamed(running):
    before_tokens = running.metric("lm_tokens_generated_total")
    before_first = running.metric("lm_time_to_first_token_seconds_count")
    before_rejected = running.metric("lm_requests_total", outcome="rejected")
    for n in (1, 3, MAX_NEW):
        assert running.stream({"prompt": "ROMEO:", "max_new_tokens": n, "temperature": 0})[0] == 200
    assert running.client.post("/generate", json=BAD["character outside the vocabulary"]).status_code == 422
    assert running.metric("lm_tokens_generated_total") - before_tokens == 1 + 3 + MAX_NEW
    assert running.metric("lm_time_to_first_token_seconds_count") - before_first == 3
    assert running.metric("lm_requests_total", outcome="rejected") - before_rejected == 1
    assert running.metric("lm_tokens_per_second_count") >= 3
