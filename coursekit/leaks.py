"""Find solution code or hidden tests where learners can read them."""

from __future__ import annotations

import re
from pathlib import Path

from .paths import exercises, repo_root
from .sources import read_source

MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
MIN_LINE = 24  # shorter lines ("return x") are too generic to prove a leak
SCANNED_SUFFIXES = {".html", ".ipynb", ".md", ".py", ".txt", ".js", ".json"}


def _regions(source: str, begin: str, end: str) -> list[str]:
    return re.findall(rf"### {begin}\n(.*?)### {end}", source, flags=re.S)


def _strip_regions(source: str) -> str:
    """What learners are meant to see: the source without solution and hidden-test regions."""
    source = re.sub(r"### BEGIN SOLUTION\n.*?### END SOLUTION", "", source, flags=re.S)
    return re.sub(r"### BEGIN HIDDEN TESTS\n.*?### END HIDDEN TESTS", "", source, flags=re.S)


def secret_lines(root: Path | None = None) -> dict[str, str]:
    """Distinctive lines of every solution region and hidden-test region -> where they come from."""
    out: dict[str, str] = {}
    root = root or repo_root()
    sources = {ex: read_source(ex.source) for ex in exercises(root)}
    # A line that a student notebook shows on purpose, or that a chapter or book page teaches, is public:
    # only lines that exist solely in solution or hidden-test regions are secrets.
    public = "\n".join(_strip_regions(cell.source) for nb in sources.values() for cell in nb.cells)
    public += "\n".join(p.read_text(encoding="utf-8") for p in [*root.glob("*.md"), *(root / "chapters").glob("*.md")])
    for ex, nb in sources.items():
        for cell in nb.cells:
            for kind, (b, e) in {
                "solution": ("BEGIN SOLUTION", "END SOLUTION"),
                "hidden test": ("BEGIN HIDDEN TESTS", "END HIDDEN TESTS"),
            }.items():
                for region in _regions(cell.source, b, e):
                    for line in region.splitlines():
                        line = line.strip()
                        if (
                            len(line) >= MIN_LINE
                            and not line.startswith(("#", "import ", "from "))
                            and line not in public
                        ):
                            out.setdefault(line, f"{ex.source.name} ({kind})")
    return out


def _variants(line: str) -> set[str]:
    """The line as it may appear in JSON (.ipynb) or HTML."""
    import html
    import json

    return {line, json.dumps(line)[1:-1], html.escape(line, quote=False), html.escape(line)}


def scan(paths: list[Path], root: Path | None = None) -> list[str]:
    secrets = secret_lines(root)
    problems = []
    for path in paths:
        if path.suffix not in SCANNED_SUFFIXES or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".html":  # highlighted code is split into <span>s: compare the visible text
            import html

            text = html.unescape(re.sub(r"<[^>]+>", "", text))
        for marker in MARKERS:
            if marker in text:
                problems.append(f"{path}: contains the marker {marker!r}")
        for line, origin in secrets.items():
            if any(v in text for v in _variants(line)):
                problems.append(f"{path}: contains {origin} code: {line!r}")
    return problems


def scan_tree(folder: Path, root: Path | None = None) -> list[str]:
    return scan(sorted(p for p in Path(folder).rglob("*") if p.is_file()), root)


def scan_exercises(root: Path | None = None) -> list[str]:
    root = root or repo_root()
    return scan(sorted((root / "exercises").glob("*.ipynb")), root)
