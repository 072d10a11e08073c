"""The kernel sandbox for grading: bubblewrap shows student code only its own folder, and no network.

nbgrader itself must read the gradebook while it grades, so the separation is put
around the *kernel*: each grading run writes a private kernelspec (``python3``) whose
argv wraps ``python -m ipykernel_launcher`` in ``prlimit`` (address-space and CPU-time
limits), ``bwrap`` and ``env -i``:

* a new mount namespace with the system, Python and the venv read-only; the gradebook, the course's
  sources and other students' files are not mounted at all;
* a new network namespace (``--unshare-net``): no other host and no service on the grading machine's
  loopback is reachable. The kernel talks to nbgrader over ZeroMQ IPC sockets (``transport = "ipc"``) in a
  short private folder, the only host folder it can write;
* bounded writable space: ``/tmp``, ``/dev/shm`` and the submission's own folder are size-limited tmpfs
  mounts (RAM, so the limits also bound that memory); the folder starts as a copy of what nbgrader put there
  (the notebook's shipped files), so relative paths work; ``/dev`` is read-only; no file may exceed the
  per-file limit (``RLIMIT_FSIZE``), which also bounds what is written to the IPC folder;
* a cleared environment: only ``KERNEL_ENV`` (set here) and the names in ``PASSED_ENV`` (copied when the
  grader has them: locale, thread counts, the machine's BLAS settings) reach student code; an instructor's
  tokens and credentials do not.

Where ``bwrap`` is missing or cannot run (no user namespaces), grading still runs with the resource limits
and the cleared environment only, and every report says that isolation is degraded. cgroup limits are not
used (this grader runs on machines with cgroup v1): memory is bounded by the address-space limit plus the
tmpfs sizes, and processes by the kernel's own limits.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .model import Limits

# Set for every kernel; HOME and the caches point into the sandbox's /tmp.
KERNEL_ENV = {
    "HOME": "/tmp",
    "IPYTHONDIR": "/tmp/.ipython",
    "MPLCONFIGDIR": "/tmp/.matplotlib",
    "MPLBACKEND": "Agg",
    "PYTHONDONTWRITEBYTECODE": "1",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "LANG": "C.UTF-8",
}
# Copied from the grader's environment when set: how the course's code runs, never secrets.
PASSED_ENV = (
    "LC_ALL",
    "TZ",
    "PYTHONHASHSEED",
    "KERAS_BACKEND",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
    "OPENBLAS_CORETYPE",
    "OPENBLAS_L2_SIZE",
)
DISK_ERRORS = ("No space left on device", "File too large")  # what a kernel sees at a disk limit (ENOSPC, EFBIG)


# intra-op only: collective ops (MirroredStrategy in exercise 11) wait on each other in the inter-op pool
THREAD_ENV = ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS")


def kernel_env(threads: int = 0) -> dict[str, str]:
    """The whole environment a grading kernel starts with."""
    env = {k: os.environ[k] for k in PASSED_ENV if k in os.environ}
    if threads:
        for k in THREAD_ENV:
            env.setdefault(k, str(threads))
    env.update(KERNEL_ENV)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), "/usr/local/bin", "/usr/bin", "/bin"])
    return env


@functools.cache
def bwrap_problem() -> str | None:
    """None when bubblewrap works here; otherwise why not (printed, and shown in reports)."""
    exe = shutil.which("bwrap")
    if exe is None:
        return "bwrap (Debian package bubblewrap) is not installed: kernels are NOT isolated from the course files"
    try:
        proc = subprocess.run(
            [exe, "--ro-bind", "/", "/", "--unshare-pid", "--die-with-parent", "true"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bwrap cannot run here ({exc}): kernels are NOT isolated from the course files"
    if proc.returncode != 0:
        return f"bwrap cannot run here ({proc.stderr.strip()[:200]}): kernels are NOT isolated from the course files"
    return None


def _readonly_roots() -> list[str]:
    """System and Python paths the kernel needs, read-only."""
    roots = ["/usr", "/etc", "/opt"]
    for p in {
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        sys.base_exec_prefix,
        str(Path(sys.executable).resolve().parent.parent),
    }:
        if not any(p == r or p.startswith(r + "/") for r in roots):
            roots.append(p)
    return [r for r in roots if Path(r).exists()]


SEED = "/submission-files"  # where the sandbox shows, read-only, what nbgrader put in the submission's folder


def sandbox_prefix(
    workdir: Path, runtime_dir: Path, limits: Limits, isolate: bool, ipc_dir: Path | None = None
) -> list[str]:
    """The command that wraps the kernel: resource limits, then (when `isolate`) bubblewrap."""
    cmd = [
        shutil.which("prlimit") or "prlimit",
        f"--as={limits.memory_bytes}",
        f"--cpu={limits.notebook_timeout_s}",
        f"--fsize={limits.file_bytes}",
        "--",
    ]
    if not isolate:
        return cmd
    cmd += [
        shutil.which("bwrap") or "bwrap",
        "--die-with-parent",
        "--unshare-pid",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-net",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--size",
        str(limits.shm_bytes),
        "--tmpfs",
        "/dev/shm",
        "--remount-ro",
        "/dev",
        "--size",
        str(limits.tmp_bytes),
        "--tmpfs",
        "/tmp",
    ]
    for root in _readonly_roots():
        cmd += ["--ro-bind", root, root]
    for link, target in (("/bin", "usr/bin"), ("/lib", "usr/lib"), ("/lib64", "usr/lib64"), ("/sbin", "usr/sbin")):
        if Path(link).is_symlink():
            cmd += ["--symlink", target, link]
        elif Path(link).exists():
            cmd += ["--ro-bind", link, link]
    cmd += ["--ro-bind", str(runtime_dir), str(runtime_dir)]
    if ipc_dir is not None:
        cmd += ["--bind", str(ipc_dir), str(ipc_dir)]
    cmd += [
        "--ro-bind",
        str(workdir),
        SEED,
        "--size",
        str(limits.folder_bytes),
        "--tmpfs",
        str(workdir),
        "--chdir",
        str(workdir),
    ]
    return cmd


def write_kernelspec(
    kernels_dir: Path, workdir: Path, runtime_dir: Path, limits: Limits, isolate: bool, ipc_dir: Path | None = None
) -> Path:
    """A private ``python3`` kernelspec that runs the kernel inside the sandbox; returns its folder."""
    spec_dir = kernels_dir / "python3"
    spec_dir.mkdir(parents=True, exist_ok=True)
    # only these variables reach student code (ipykernel's JPY_PARENT_PID is dropped too: inside the pid
    # namespace the parent pid always differs, and bwrap's --die-with-parent ends the kernel instead)
    clean_env = ["/usr/bin/env", "-i", *(f"{k}={v}" for k, v in sorted(kernel_env(limits.threads).items()))]
    # in the sandbox the folder is a fresh tmpfs: fill it with what nbgrader put there (shipped files)
    seed = f"cp -a {SEED}/. ./ && " if isolate else ""
    # the kernel process's own stdout/stderr (start-up notices) are not cell outputs: drop them
    quiet = ["/bin/sh", "-c", seed + 'exec "$@" >/dev/null 2>&1', "kernel"]
    argv = (
        sandbox_prefix(workdir, runtime_dir, limits, isolate, ipc_dir)
        + clean_env
        + quiet
        + [
            # no input-history database: the kernel's HOME is a fresh tmpfs, so IPython would create one per submission
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            "{connection_file}",
            "--HistoryManager.enabled=False",
        ]
    )
    spec = {
        "argv": argv,
        "display_name": "Python 3 (grading sandbox)",
        "language": "python",
        # interrupts (cell timeouts) travel as messages: signals would stop at bwrap's pid namespace
        "interrupt_mode": "message",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))
    return spec_dir
