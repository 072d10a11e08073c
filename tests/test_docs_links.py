"""The contributor and reader documents name files that exist (CONTRIBUTING once pointed at a STYLE.md that was
not in the repository)."""

from __future__ import annotations

import re

import pytest

from .repo import ROOT

DOCS = ["README.md", "CONTRIBUTING.md", "instructors.md"]
TOP_LEVEL = {"coursekit", "tests", "chapters", "solutions", "exercises", "assets", "benchmarks", ".ci", "_vendor"}
# a backticked or linked repository path: `coursekit/grading/`, [STYLE.md](STYLE.md), `tests/fixtures/00_tiny.py`
PATH = re.compile(r"(?:`|\]\()((?:[\w.-]+/)*[\w.-]+\.(?:md|py|yml|toml|txt|json)|(?:[\w.-]+/)+)(?:`|\))")


@pytest.mark.parametrize("doc", DOCS)
def test_documents_name_files_that_exist(doc):
    text = (ROOT / doc).read_text(encoding="utf-8")
    # repository paths: under a top-level folder of the repository, or a root document (STYLE.md); bare names such
    # as `report.md` or `course/` are the names of files a command writes, and NN_slug is a pattern
    named = {m for m in PATH.findall(text) if "NN" not in m
             and (m.split("/")[0] in TOP_LEVEL and "/" in m or re.fullmatch(r"[A-Z]+\.md", m))}
    assert named, f"{doc}: no repository path found: the check would check nothing"
    missing = sorted(p for p in named if not (ROOT / p).exists())
    assert not missing, f"{doc} names paths that do not exist: {missing}"
