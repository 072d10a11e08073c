"""The kernel sandbox for grading: bubblewrap shows student code only its own folder.

nbgrader itself must read the gradebook while it grades, so the separation is put
around the *kernel*: each grading run writes a private kernelspec (``python3``) whose
argv wraps ``python -m ipykernel_launcher`` in ``prlimit`` (address-space and CPU-time
limits) and ``bwrap`` (a new mount namespace with the system, Python and the venv
read-only, an empty ``/tmp``, and one writable folder: the submission's own).
The gradebook, the course's sources and other students' files are not mounted at all.

Where ``bwrap`` is missing or cannot run (no user namespaces), grading still runs with
the resource limits only, and every report says that isolation is degraded.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

GiB = 1024**3


@dataclass(frozen=True)
class Limits:
    """Per-submission limits; the defaults are documented on the instructors' page."""

    cell_timeout_s: int = 120  # nbgrader's Execute.timeout, per cell
    notebook_timeout_s: int = 900  # wall time for one submission, all cells
    memory_bytes: int = 4 * GiB  # address-space limit of the kernel (TensorFlow needs about 2 GiB)

    def describe(self) -> str:
        return (f"cell timeout {self.cell_timeout_s} s, notebook timeout {self.notebook_timeout_s} s, "
                f"kernel address space {self.memory_bytes / GiB:g} GiB")


@functools.cache
def bwrap_problem() -> str | None:
    """None when bubblewrap works here; otherwise why not (printed, and shown in reports)."""
    exe = shutil.which("bwrap")
    if exe is None:
        return "bwrap (Debian package bubblewrap) is not installed: kernels are NOT isolated from the course files"
    try:
        proc = subprocess.run([exe, "--ro-bind", "/", "/", "--unshare-pid", "--die-with-parent", "true"],
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bwrap cannot run here ({exc}): kernels are NOT isolated from the course files"
    if proc.returncode != 0:
        return f"bwrap cannot run here ({proc.stderr.strip()[:200]}): kernels are NOT isolated from the course files"
    return None


def _readonly_roots() -> list[str]:
    """System and Python paths the kernel needs, read-only."""
    roots = ["/usr", "/etc", "/opt"]
    for p in {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix,
              str(Path(sys.executable).resolve().parent.parent)}:
        if not any(p == r or p.startswith(r + "/") for r in roots):
            roots.append(p)
    return [r for r in roots if Path(r).exists()]


def sandbox_prefix(workdir: Path, runtime_dir: Path, limits: Limits, isolate: bool) -> list[str]:
    """The command that wraps the kernel: resource limits, then (when `isolate`) bubblewrap."""
    cmd = [shutil.which("prlimit") or "prlimit", f"--as={limits.memory_bytes}",
           f"--cpu={limits.notebook_timeout_s}", "--"]
    if not isolate:
        return cmd
    cmd += [shutil.which("bwrap") or "bwrap", "--die-with-parent", "--unshare-pid", "--unshare-ipc",
            "--unshare-uts", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for root in _readonly_roots():
        cmd += ["--ro-bind", root, root]
    for link, target in (("/bin", "usr/bin"), ("/lib", "usr/lib"), ("/lib64", "usr/lib64"), ("/sbin", "usr/sbin")):
        if Path(link).is_symlink():
            cmd += ["--symlink", target, link]
        elif Path(link).exists():
            cmd += ["--ro-bind", link, link]
    cmd += ["--ro-bind", str(runtime_dir), str(runtime_dir),
            "--bind", str(workdir), str(workdir), "--chdir", str(workdir),
            "--setenv", "HOME", "/tmp", "--setenv", "IPYTHONDIR", "/tmp/.ipython",
            "--setenv", "MPLCONFIGDIR", "/tmp/.matplotlib",
            # ipykernel exits when its parent pid changes; inside the pid namespace it always differs
            # (bwrap's --die-with-parent ends the kernel with its real parent instead)
            "--unsetenv", "JPY_PARENT_PID"]
    return cmd


def write_kernelspec(kernels_dir: Path, workdir: Path, runtime_dir: Path, limits: Limits, isolate: bool) -> Path:
    """A private ``python3`` kernelspec that runs the kernel inside the sandbox; returns its folder."""
    spec_dir = kernels_dir / "python3"
    spec_dir.mkdir(parents=True, exist_ok=True)
    # the kernel process's own stdout/stderr (start-up notices) are not cell outputs: drop them
    quiet = ["/bin/sh", "-c", 'exec "$@" >/dev/null 2>&1', "kernel"]
    argv = sandbox_prefix(workdir, runtime_dir, limits, isolate) + quiet + [
        sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec = {"argv": argv, "display_name": "Python 3 (grading sandbox)", "language": "python",
            # interrupts (cell timeouts) travel as messages: signals would stop at bwrap's pid namespace
            "interrupt_mode": "message",
            "env": {"PYTHONDONTWRITEBYTECODE": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}}
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))
    return spec_dir
