"""No exercise solution re-types code its chapter prints (issue 18, requirement 1).

For every `solutions/NN_*.py`, each solution region (the code between `### BEGIN SOLUTION` and
`### END SOLUTION`) is compared with every code cell of `chapters/NN_*.md`, as Python tokens (`tokenize`) with
comments, docstrings, blank lines and indentation removed, and every local name (a name that is not a keyword, a
builtin or an attribute after a dot) replaced by `NAME`, so that renaming the chapter's variables does not hide a
copy; attributes (`np.log`, `keras.optimizers.Adam`), operators and literals are kept as written.

A region fails when, against one chapter cell, either

* the longest run of tokens the two share is at least ``MAX_RUN`` = 40 tokens (about two full lines of code:
  a signature plus a line, or a long helper expression, stays below it), or
* the region has at least ``MIN_TOKENS`` = 30 tokens and at least ``MAX_SHARE`` = 60 % of its token 5-grams
  occur in that cell (a copy with a few lines reordered still shares most of its 5-grams).

Short helper lines and signatures pass: they are below both limits. The limits were set on the exercises as they were
before issue 18: the verbatim copies of the review's table (e.g. exercise 2's finite-difference gradient: a 92-token
run, 100 % shared) fail, and an ordinary task that only shares idioms with its chapter (a `compile` call, a loop
header: runs of about 10-30 tokens, 20-50 % of 5-grams) passes. What it cannot see is a formula the chapter prints
vectorised and the learner re-writes with `if` branches: the task design has to prevent that. The check reads text
only (no kernel) and takes about a second.
"""

from __future__ import annotations

import builtins
import io
import keyword
import re
import textwrap
import tokenize
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from .repo import ROOT

MAX_RUN = 40
MIN_TOKENS = 30
MAX_SHARE = 0.6
NGRAM = 5

# Exercises not yet reworked for issue 18 (their solutions still re-type chapter code). Listed only while they fail.
NOT_YET_REWORKED: set[str] = set()

_SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
         tokenize.ENCODING, tokenize.ENDMARKER}
_BUILTINS = set(dir(builtins))
_CODE_CELL = re.compile(r"^```\{code-cell\}[^\n]*\n(.*?)^```\s*$", re.S | re.M)
_MARKER = re.compile(r"^# %%.*?\"grade_id\":\s*\"([^\"]+)\"")


def tokens(code: str) -> list[str]:
    """The code's tokens without comments, docstrings (statement-level strings), layout, IPython magics."""
    lines = [l for l in code.splitlines() if not l.lstrip().startswith(("%", "!")) and not l.startswith(":")]
    src = textwrap.dedent("\n".join(lines)) + "\n"
    out: list[str] = []
    statement_start = True
    try:
        for tok in tokenize.generate_tokens(io.StringIO(src).readline):
            if tok.type in _SKIP:
                if tok.type in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
                    statement_start = True
                continue
            if tok.type == tokenize.STRING and statement_start:
                continue  # a docstring or a bare string statement
            statement_start = False
            is_local_name = (tok.type == tokenize.NAME and not keyword.iskeyword(tok.string)
                             and tok.string not in _BUILTINS and (not out or out[-1] != "."))
            out.append("NAME" if is_local_name else tok.string)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # keep the tokens read so far (an unfinished fragment)
    return out


def solution_regions(path: Path) -> list[tuple[str, str]]:
    """(grade_id of the cell, region code) for each BEGIN/END SOLUTION region of an exercise source."""
    out, grade_id, region = [], "?", None
    for line in path.read_text().splitlines():
        m = _MARKER.match(line)
        if m:
            grade_id = m.group(1)
        if "### BEGIN SOLUTION" in line:
            region = []
        elif "### END SOLUTION" in line:
            out.append((grade_id, "\n".join(region or [])))
            region = None
        elif region is not None:
            region.append(line)
    return out


def chapter_cells(path: Path) -> list[tuple[int, str]]:
    """(1-based line of the cell's fence, cell code) for each code cell of a MyST chapter."""
    text = path.read_text()
    return [(text.count("\n", 0, m.start()) + 1, m.group(1)) for m in _CODE_CELL.finditer(text)]


def _ngrams(toks: list[str]) -> set[tuple[str, ...]]:
    return {tuple(toks[i:i + NGRAM]) for i in range(len(toks) - NGRAM + 1)}


def overlaps(region: list[str], cell: list[str]) -> tuple[int, float, list[str]]:
    """(longest shared token run, share of the region's 5-grams found in the cell, the shared run)."""
    match = SequenceMatcher(None, region, cell, autojunk=False).find_longest_match(0, len(region), 0, len(cell))
    grams = _ngrams(region)
    share = len(grams & _ngrams(cell)) / len(grams) if grams else 0.0
    return match.size, share, region[match.a:match.a + match.size]


def transcriptions(exercise: Path) -> list[str]:
    """One message per solution region that copies a code cell of the exercise's chapter."""
    chapter = ROOT / "chapters" / f"{exercise.stem}.md"
    cells = [(line, tokens(code)) for line, code in chapter_cells(chapter)]
    problems = []
    for grade_id, code in solution_regions(exercise):
        region = tokens(code)
        for line, cell in cells:
            run, share, shared = overlaps(region, cell)
            if run >= MAX_RUN or (len(region) >= MIN_TOKENS and share >= MAX_SHARE):
                problems.append(
                    f"exercise {exercise.stem}, cell {grade_id}: {run} tokens in a row and {share:.0%} of its "
                    f"{NGRAM}-grams appear in chapters/{chapter.name} (cell at line {line}); shared code: "
                    f"{' '.join(shared)[:300]!r} (limits: run < {MAX_RUN}, share < {MAX_SHARE:.0%})"
                )
    return problems


SOURCES = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.py"))


@pytest.mark.parametrize(
    "exercise",
    [pytest.param(p, marks=pytest.mark.xfail(strict=True, reason=f"issue 18: exercise {p.stem[:2]} not yet reworked"))
     if p.stem[:2] in NOT_YET_REWORKED else p for p in SOURCES],
    ids=lambda p: p.stem,
)
def test_solution_does_not_copy_its_chapter(exercise):
    assert (ROOT / "chapters" / f"{exercise.stem}.md").exists(), f"{exercise.name} has no chapter"
    problems = transcriptions(exercise)
    assert not problems, "\n".join(problems)


def test_the_check_catches_a_copy_and_passes_a_signature():
    """The detector itself: a copied body fails, a shared signature and a short helper line pass."""
    body = "\n".join(f"    total = total + weights[{i}] * values[{i}] ** 2 - offset" for i in range(6))
    chapter_cell = tokens(f"def f(weights, values, offset):\n    total = 0.0\n{body}\n    return total\n")
    run, share, _ = overlaps(tokens(body), chapter_cell)
    assert run >= MAX_RUN and share >= MAX_SHARE, (run, share)
    signature = tokens("def softmax_cross_entropy(logits, labels):\n    z = np.asarray(logits, dtype=np.float64)\n")
    run, share, _ = overlaps(signature, tokens("def softmax_cross_entropy(logits, labels):\n    z = np.asarray(logits, dtype=np.float64)\n    return z\n"))
    assert run < MAX_RUN and len(signature) < MIN_TOKENS, (run, len(signature))
    assert tokens('def g(x):\n    """doc"""\n    # note\n    return np.log(x) + len(x)\n') == [
        "def", "NAME", "(", "NAME", ")", ":", "return", "NAME", ".", "log", "(", "NAME", ")", "+", "len", "(", "NAME", ")"]
