"""The chapters that time things execute cleanly while a CPU-burning process occupies every core, and
(their second execution, after the book's) glue the same non-timing values as the book build did.

A learner's laptop is always busy: no chapter may assert on a wall-clock time, and every timing claim is a
glued verdict computed from interleaved, repeated measurements, so the prose stays true under load.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys

import pytest
from jupyter_cache import get_cache

from coursekit.determinism import differences, glued
from coursekit.execute import execute

from .repo import CHAPTERS, ROOT

pytestmark = pytest.mark.slow
TIMING_CHAPTERS = ("04", "08", "09", "10", "11")  # every chapter that measures seconds, speed-ups or latencies
BURN = "import time\nt = time.time() + {limit}\nwhile time.time() < t:\n    pass\n"


@contextlib.contextmanager
def cores_busy(limit_s: int = 900):
    """One pure-Python busy loop per core (each stops by itself after `limit_s`, whatever happens here)."""
    burners = [subprocess.Popen([sys.executable, "-c", BURN.format(limit=limit_s)]) for _ in range(os.cpu_count() or 2)]
    try:
        yield burners
    finally:
        for p in burners:
            p.kill()
            p.wait()


def _book_glue(chapter) -> dict[str, str]:
    cache = get_cache(ROOT / "_build" / ".jupyter_cache")
    record = cache.get_cached_project_nb(str(chapter.source))
    assert record is not None, f"{chapter.name}: the book build left no executed copy to compare with"
    return glued(cache.get_cache_bundle(record.pk).nb)


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if c.name[:2] in TIMING_CHAPTERS], ids=lambda c: c.name)
def test_timing_chapter_runs_on_a_busy_machine_and_glues_the_same_values(book, chapter):
    with cores_busy() as burners:
        nb, run = execute(chapter.source, timeout=900)
        assert all(p.poll() is None for p in burners), "the CPU burners stopped before the chapter finished"
    assert run.error is None, f"{chapter.name} failed with every core busy:\n{run.error}"
    first, second = _book_glue(chapter), glued(nb)
    numbers = [v for v in second.values() if v != "<figure>"]
    assert len(numbers) >= 5, f"{chapter.name}: only {len(numbers)} glued values were read; is glue still used, and read right?"
    diff = differences(first, second)
    assert not diff, (f"{chapter.name}: non-timing glued values differ between two executions (seeds fixed); "
                      "a value computed from a timing must have a name ending in _s/_ms/_us/_per_s/_timed:\n" + "\n".join(diff))


def test_timing_chapters_are_all_named():
    names = {c.name[:2] for c in CHAPTERS}
    assert set(TIMING_CHAPTERS) <= names, sorted(set(TIMING_CHAPTERS) - names)
