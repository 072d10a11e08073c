"""Chapter 10's inference service, started for real: uvicorn on a free loopback port, real HTTP requests.

The service module is the `%%writefile .../mnist1d_service.py` cell of chapters/10_deployment.md (one source: the
chapter teaches it and these tests run it), started and stopped by the chapter's own `Service` class. The model
is a linear ONNX graph built here with `onnx.helper`, so the expected predictions are known exactly and no
TensorFlow is needed.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import jupytext
import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from prometheus_client.parser import text_string_to_metric_families

from .repo import ROOT

N_FEATURES, N_CLASSES, MAX_BATCH = 40, 10, 8


def chapter_cell(is_it, what: str) -> str:
    """The one code cell of chapters/10_deployment.md for which `is_it(source)` holds."""
    nb = jupytext.read(ROOT / "chapters" / "10_deployment.md")
    cells = [c.source for c in nb.cells if c.cell_type == "code" and is_it(c.source)]
    assert len(cells) == 1, f"chapter 10 must {what} in exactly one cell, found {len(cells)}"
    return cells[0]


def service_source() -> str:
    """The service module: the chapter's `%%writefile .../mnist1d_service.py` cell, without its magic line."""
    cell = chapter_cell(lambda src: src.startswith("%%writefile") and "mnist1d_service.py" in src.splitlines()[0],
                        "write the service module with %%writefile")
    return cell.split("\n", 1)[1]


def service_manager_source() -> str:
    """The chapter's cell that defines `Service` (start on a free port, stop, die with the parent)."""
    return chapter_cell(lambda src: "class Service" in src, "define Service")


def linear_onnx(path: Path, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(N_FEATURES, N_CLASSES)).astype(np.float32)
    b = rng.normal(size=N_CLASSES).astype(np.float32)
    graph = helper.make_graph(
        [helper.make_node("Gemm", ["signal", "w", "b"], ["logits"])], "linear",
        [helper.make_tensor_value_info("signal", TensorProto.FLOAT, ["batch", N_FEATURES])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", N_CLASSES])],
        initializer=[numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path.write_bytes(model.SerializeToString())
    return w, b


def chapter_service_class():
    """The chapter's own `Service` (free loopback port, wait for /health, stop, die with the parent)."""
    namespace = {"os": os, "sys": sys, "time": time, "Path": Path}
    exec(service_manager_source(), namespace)
    return namespace["Service"]


class Running:
    def __init__(self, tmp: Path, extra_env: dict[str, str] | None = None):
        (tmp / "mnist1d_service.py").write_text(service_source())
        self.model_path = tmp / "model.onnx"
        self.w, self.b = linear_onnx(self.model_path)
        env = {"MODEL_PATH": str(self.model_path), "MODEL_VERSION": "test-1", "MAX_BATCH": str(MAX_BATCH),
               "MAX_BODY_BYTES": "100000", **(extra_env or {})}
        self.service = chapter_service_class()(tmp, "mnist1d_service", env)
        self.process = self.service.process
        self.client = httpx.Client(base_url=self.service.url, timeout=10)
        self.predict_sent = 0
        self.accepted_rows = 0

    def predict(self, **kwargs) -> httpx.Response:
        self.predict_sent += 1
        reply = self.client.post("/predict", **kwargs)
        if reply.status_code == 200:
            self.accepted_rows += len(reply.json()["predictions"])
        return reply

    def stop(self) -> int:
        self.client.close()
        return self.service.stop()


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    running = Running(tmp_path_factory.mktemp("service"))
    yield running
    running.stop()
    assert running.process.poll() is not None, "the service process outlived the tests"


@pytest.fixture(scope="module")
def batching_service(tmp_path_factory):
    running = Running(tmp_path_factory.mktemp("batching"), {"MAX_WAIT_MS": "20"})
    yield running
    running.stop()


def test_micro_batching_answers_each_request_with_its_own_rows(batching_service):
    """With MAX_WAIT_MS, concurrent requests share model calls; each still gets exactly its rows' answers."""
    service = batching_service
    rng = np.random.default_rng(11)
    xs = [rng.normal(size=(1 + i % 3, N_FEATURES)).astype(np.float32) for i in range(40)]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda x: service.predict(json={"instances": x.tolist()}), xs))
    for x, reply in zip(xs, replies):
        assert reply.status_code == 200, reply.text
        assert reply.json()["predictions"] == (x @ service.w + service.b).argmax(1).tolist()
    assert service.predict(json={"instances": [[1e39] + ROW[1:]]}).status_code == 422  # validated before the queue
    overflow = service.predict(json={"instances": [[float(np.finfo(np.float32).max)] * N_FEATURES]})
    assert overflow.status_code == 422, overflow.text
    families = {f.name: f for f in text_string_to_metric_families(service.client.get("/metrics").text)}
    calls = {s.name: s.value for s in families["model_call_rows"].samples if not s.labels}
    rows_sent = sum(len(x) for x in xs) + 1  # the overflow request's row reached the model too
    assert calls["model_call_rows_sum"] == rows_sent, (calls, rows_sent)
    assert 1 <= calls["model_call_rows_count"] <= len(xs) + 1, calls


def test_the_service_calls_the_model_directly_never_predict():
    source = service_source()
    assert "session.run(" in source and ".predict(" not in source


def test_health_reports_version_and_the_model_files_hash(service):
    health = service.client.get("/health").json()
    assert health["status"] == "ok" and health["model_version"] == "test-1"
    assert health["model_sha256"] == hashlib.sha256(service.model_path.read_bytes()).hexdigest()
    assert health["n_features"] == N_FEATURES and health["max_batch"] == MAX_BATCH


@pytest.mark.parametrize("rows", [1, 3, MAX_BATCH])
def test_valid_requests_get_the_models_answers(service, rows):
    x = np.random.default_rng(rows).normal(size=(rows, N_FEATURES)).astype(np.float32)
    reply = service.predict(json={"instances": x.tolist()})
    assert reply.status_code == 200, reply.text
    body = reply.json()
    logits = x @ service.w + service.b
    assert body["predictions"] == logits.argmax(1).tolist()
    probabilities = np.array(body["probabilities"])
    assert probabilities.shape == (rows, N_CLASSES) and np.allclose(probabilities.sum(1), 1, atol=1e-4)
    expected = np.exp(logits - logits.max(1, keepdims=True))
    assert np.allclose(probabilities, expected / expected.sum(1, keepdims=True), atol=1e-5)
    assert body["model_version"] == "test-1"


def test_integers_are_numbers_too(service):
    reply = service.predict(json={"instances": [[1] * N_FEATURES]})
    assert reply.status_code == 200, reply.text


ROW = [0.5] * N_FEATURES
BAD = {
    "not JSON": (400, dict(content=b"{instances: [1, 2]", headers={"content-type": "application/json"})),
    "not UTF-8": (400, dict(content=b"\xff\xfe\x00")),
    "empty body": (400, dict(content=b"")),
    "a JSON list": (422, dict(json=[ROW])),
    "a JSON string": (422, dict(json="instances")),
    "JSON null": (422, dict(content=b"null")),
    "no instances field": (422, dict(json={"inputs": [ROW]})),
    "instances is null": (422, dict(json={"instances": None})),
    "empty batch": (422, dict(json={"instances": []})),
    "flat row": (422, dict(json={"instances": ROW})),
    "short row": (422, dict(json={"instances": [ROW[:-1]]})),
    "long row": (422, dict(json={"instances": [ROW + [0.5]]})),
    "ragged batch": (422, dict(json={"instances": [ROW, ROW[:5]]})),
    "string value": (422, dict(json={"instances": [["0.5"] * N_FEATURES]})),
    "boolean value": (422, dict(json={"instances": [[True] + ROW[1:]]})),
    "null value": (422, dict(json={"instances": [[None] + ROW[1:]]})),
    "nested value": (422, dict(json={"instances": [[[0.5]] + ROW[1:]]})),
    # Python's json module reads the non-standard NaN / Infinity literals by default (json.loads("[NaN]") gives
    # [nan]): that is why the service checks every value is finite instead of trusting the parser.
    "NaN": (422, dict(content=b'{"instances": [[NaN' + b", 0.5" * (N_FEATURES - 1) + b"]]}")),
    "Infinity": (422, dict(content=b'{"instances": [[-Infinity' + b", 0.5" * (N_FEATURES - 1) + b"]]}")),
    "oversized batch": (413, dict(json={"instances": [ROW] * (MAX_BATCH + 1)})),
    "oversized body": (413, dict(content=b" " * 200_000)),
    # review H3: finite for Python, not for the model's float32, or a crash in parsing (each used to pass or be a 500)
    "float32 overflow 1e39": (422, dict(content=b'{"instances": [[1e39' + b", 0.5" * (N_FEATURES - 1) + b"]]}")),
    "largest float64 1e308": (422, dict(content=b'{"instances": [[0.5, -1e308' + b", 0.5" * (N_FEATURES - 2) + b"]]}")),
    "integer 10**400": (422, dict(content=b'{"instances": [[1' + b"0" * 400 + b", 0.5" * (N_FEATURES - 1) + b"]]}")),
    "integer literal of 5,000 digits": (400, dict(content=b'{"instances": [[' + b"7" * 5000 + b"]]}")),
    "nesting 20,000 deep": (400, dict(content=b'{"instances": ' + b"[" * 20_000 + b"]" * 20_000 + b"}")),
}


def test_the_validator_accepts_exactly_what_float32_holds(service, monkeypatch):
    """validate_request on its own: the float32 edge passes, one step beyond it does not, and it never raises."""
    monkeypatch.setenv("MODEL_PATH", str(service.model_path))
    namespace: dict = {}
    exec(compile(service_source(), "mnist1d_service.py", "exec"), namespace)
    validate = namespace["validate_request"]
    big = float(np.finfo(np.float32).max)
    for value in (big, -big, 10**38, -(10**38), 5e-324, 0):
        assert validate({"instances": [[value] + ROW[1:]]}) is None, value
    for value in (1e39, -1e39, 3.5e38, 1e308, 10**39, 10**400, -(10**5000), float("nan"), float("inf")):
        problem = validate({"instances": [ROW, ROW[:-1] + [value]]})
        assert problem is not None and problem[0] == 422 and "instances[1][39]" in problem[1], (value, problem)
    assert np.isfinite(np.asarray([[big, -big, 10**38]], np.float32)).all()  # what passes stays finite in float32


def test_a_value_that_overflows_inside_the_model_gets_a_422_not_a_500(service):
    """float32's largest value passes validation, but times the weights the logits are infinite: no NaN answer."""
    big = float(np.finfo(np.float32).max)
    with np.errstate(over="ignore"):
        assert not np.isfinite(np.float32(big) * np.float32(np.abs(service.w).max()) * np.float32(N_FEATURES))
    reply = service.predict(json={"instances": [ROW, [big] * N_FEATURES]})
    assert reply.status_code == 422 and "instances [1]" in reply.json()["error"], reply.text
    assert service.predict(json={"instances": [[1e30] + ROW[1:]]}).status_code == 200


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_input_gets_a_4xx_with_a_message_and_the_service_keeps_serving(service, kind):
    status, kwargs = BAD[kind]
    reply = service.predict(**kwargs)
    assert reply.status_code == status, f"{kind}: expected {status}, got {reply.status_code}: {reply.text}"
    message = reply.json().get("error", "")
    assert isinstance(message, str) and len(message) > 10, f"{kind}: no clear message: {reply.text}"
    assert service.client.get("/health").status_code == 200, f"the service stopped answering after: {kind}"
    ok = service.predict(json={"instances": [ROW]})
    assert ok.status_code == 200, f"a valid request failed after: {kind}"


def _peak_rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM line")


def _chunks(total: int, size: int = 1 << 16):
    for _ in range(total // size):
        yield b" " * size


@pytest.mark.skipif(sys.platform != "linux", reason="reads the peak resident memory from /proc")
@pytest.mark.parametrize("how", ["with Content-Length", "chunked, no Content-Length"])
def test_an_oversize_body_is_refused_before_it_is_read(service, how):
    """Review M7: a 64 MiB POST gets its 413 without the service ever holding the body in memory."""
    total = 64 << 20
    Path(f"/proc/{service.process.pid}/clear_refs").write_text("5")  # reset the peak (VmHWM) to the current RSS
    before = _peak_rss_bytes(service.process.pid)
    content = b" " * total if how == "with Content-Length" else _chunks(total)
    reply = service.predict(content=content, headers={"content-type": "application/json"})
    assert reply.status_code == 413, f"{how}: expected 413, got {reply.status_code}: {reply.text[:200]}"
    assert ("Content-Length" in reply.json()["error"]) == (how == "with Content-Length"), reply.text
    grew = _peak_rss_bytes(service.process.pid) - before
    assert grew < 16 << 20, f"{how}: the service's peak memory grew by {grew / 2**20:.0f} MiB for a {total >> 20} MiB body"
    assert service.predict(json={"instances": [ROW]}).status_code == 200, f"a valid request failed after: {how}"


def test_concurrent_requests_are_all_answered(service):
    x = np.random.default_rng(5).normal(size=(64, N_FEATURES)).astype(np.float32)
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda i: service.predict(json={"instances": x[i:i + 1].tolist()}), range(len(x))))
    assert [r.status_code for r in replies] == [200] * len(x)
    assert [r.json()["predictions"][0] for r in replies] == (x @ service.w + service.b).argmax(1).tolist()


def test_metrics_are_prometheus_text_and_count_every_predict_request(service):
    # make sure some traffic exists even when this test runs alone
    service.predict(json={"instances": [ROW, ROW]})
    service.predict(content=b"nope")
    reply = service.client.get("/metrics")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(reply.text)}
    counts = {}
    for s in families["http_requests"].samples:
        if s.name == "http_requests_total" and s.labels["path"] == "/predict":
            counts[s.labels["status"]] = counts.get(s.labels["status"], 0) + s.value
    assert sum(counts.values()) == service.predict_sent, (counts, service.predict_sent)
    assert counts.get("400", 0) >= 1 and counts.get("200", 0) >= 1
    predicted = sum(s.value for s in families["predictions"].samples if s.name == "predictions_total")
    assert predicted == service.accepted_rows
    latency = {s.name: s.value for s in families["predict_latency_seconds"].samples}
    assert latency["predict_latency_seconds_count"] == counts["200"] and latency["predict_latency_seconds_sum"] > 0
    buckets = [s for s in families["predict_latency_seconds"].samples if s.name.endswith("_bucket")]
    assert buckets[-1].labels["le"] == "+Inf" and buckets[-1].value == counts["200"]


def test_a_missing_model_file_stops_the_service_with_a_clear_error(tmp_path):
    (tmp_path / "mnist1d_service.py").write_text(service_source())
    proc = subprocess.run([sys.executable, "-c", "import mnist1d_service"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, env={**os.environ, "MODEL_PATH": str(tmp_path / "absent.onnx")})
    assert proc.returncode != 0 and "absent.onnx" in proc.stderr


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie has exited: only its parent's wait() is missing
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux-only")
@pytest.mark.parametrize("ending", ["a cell raises, the kernel exits", "the kernel is killed"])
def test_the_chapters_service_leaves_no_orphan(tmp_path, ending):
    (tmp_path / "mnist1d_service.py").write_text(service_source())
    linear_onnx(tmp_path / "model.onnx")
    script = "\n".join([
        "import os, sys, time", "from pathlib import Path", service_manager_source(),
        f"service = Service(Path({str(tmp_path)!r}), 'mnist1d_service', {{'MODEL_PATH': {str(tmp_path / 'model.onnx')!r}}})",
        "print(service.process.pid, flush=True)",
        "raise RuntimeError('a failing cell')" if ending.startswith("a cell") else "time.sleep(120)",
    ])
    kernel = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        child = int(kernel.stdout.readline() or 0)
        assert child, f"the service did not start: {kernel.stderr.read()[-2000:]}"
        assert _alive(child)
        if ending == "the kernel is killed":
            kernel.kill()  # SIGKILL: no atexit, no finally; only the parent-death signal is left
        kernel.wait(timeout=30)
        deadline = time.monotonic() + 15
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(child), f"{ending}: the service (pid {child}) outlived its parent"
    finally:
        if kernel.poll() is None:
            kernel.kill()
