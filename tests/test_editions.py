"""The instructors' solutions edition is built separately and never leaks into the public book."""

from __future__ import annotations

import pytest
import yaml

from coursekit import leaks
from coursekit.editions import OUT, build_solutions_edition, write_edition_files

from .repo import EXERCISES, ROOT


def test_edition_config_adds_each_solution_after_its_exercise():
    config_path, toc_path = write_edition_files(ROOT)
    toc = toc_path.read_text()
    for ex in EXERCISES:
        assert f"exercises/{ex.name}\n" in toc and f"solutions/{ex.name}\n" in toc
        assert toc.index(f"exercises/{ex.name}\n") < toc.index(f"solutions/{ex.name}\n")
    config = yaml.safe_load(config_path.read_text())
    assert "solutions" not in config["exclude_patterns"]
    public = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert "solutions" in public["exclude_patterns"], "the public book must exclude solutions/"


@pytest.mark.slow
def test_solutions_edition_builds_with_solutions_and_the_public_book_stays_clean(book):
    html = build_solutions_edition(ROOT)
    assert html == ROOT / OUT / "_build" / "html"
    page = (html / "solutions" / f"{EXERCISES[0].name}.html").read_text()
    assert "BEGIN SOLUTION" in page and "BEGIN HIDDEN TESTS" in page
    assert leaks.scan_tree(book, ROOT) == [], "the public book must not contain solutions"
