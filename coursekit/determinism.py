"""Same seeds, same numbers: compare the glued values of two executions of a chapter.

Every number a chapter's prose quotes is glued (`myst_nb.glue`). Two executions of the same chapter must
glue the same values, except those computed from a wall-clock measurement, which are told apart by name:
a timing-derived glue name (a time, a throughput, a speed-up, a ratio of times, a verdict word computed from
timings) ends in one of `TIMING_SUFFIXES`. Glued figures are compared by their presence only (a plot of
timings differs by design, and PNG bytes are not a reader-visible number).
"""

from __future__ import annotations

import nbformat

TIMING_SUFFIXES = ("_s", "_ms", "_us", "_per_s", "_timed")
# timing-derived names the issues fixed for checking the book from outside (chapters 12, 13 and 14)
TIMING_NAMES = frozenset({"mfu_percent", "matmul_peak_gflops", "lora_step_time_ratio", "kv_speedup_256"})
TEXT_MIMES = ("text/plain", "text/markdown", "text/html", "text/latex")


def is_timing(name: str) -> bool:
    return name.endswith(TIMING_SUFFIXES) or name in TIMING_NAMES


def glued(nb: nbformat.NotebookNode) -> dict[str, str]:
    """Glue name -> its text representation (or "<figure>") from an executed notebook's outputs."""
    out: dict[str, str] = {}
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            name = (o.get("metadata") or {}).get("scrapbook", {}).get("name")
            if not name:
                continue
            data = o.get("data", {})
            prefix = (
                (o.get("metadata") or {}).get("scrapbook", {}).get("mime_prefix", "")
            )  # myst-nb: application/papermill.record/
            text = next((data[prefix + m] for m in TEXT_MIMES if prefix + m in data), None)
            out[name] = "<figure>" if text is None else ("".join(text) if isinstance(text, list) else str(text))
    return out


def differences(first: dict[str, str], second: dict[str, str]) -> list[str]:
    """Non-timing glue values that differ, or are missing from one run, as readable lines."""
    problems = []
    for name in sorted(set(first) | set(second)):
        if is_timing(name):
            continue
        a, b = first.get(name), second.get(name)
        if a != b:
            problems.append(f"{name}: {a!r} then {b!r}")
    return problems
