"""Sphinx extension for the book: measured run times on every chapter and exercise page.

The numbers come from `benchmarks/results.json` (written by `make bench`), never typed by hand.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from docutils import nodes

from .bench import load_results, results_path
from .paths import repo_root

PAGE = re.compile(r"^(chapters|exercises)/(\d\d_[a-z0-9_]+)$")


def measurement_line(kind: str, name: str, results: dict, root: Path | None = None) -> str:
    when = results.get("date", "")
    cpus = results.get("machine", {}).get("cpus", "?")
    if kind == "chapters":
        r = results.get("chapters", {}).get(name)
        if not r or r.get("seconds") is None:
            return "Run time: not measured yet (run `make bench`)."
        return (
            f"This chapter runs in about {r['seconds']:.0f} s on a {cpus}-core CPU "
            f"(measured by `make bench` on {when}; budget {r['budget_seconds']:.0f} s)."
        )
    from .sources import ExerciseSource

    source = (root or repo_root()) / "solutions" / f"{name}.py"
    points = ""
    if source.exists():
        points = f"{ExerciseSource.load(source).summary()}, autograded. "
    r = results.get("exercises", {}).get(name)
    timing = (
        f"Grading a complete solution takes about {r['autograde_seconds']:.0f} s on a {cpus}-core CPU "
        f"(measured on {when})."
        if r and r.get("autograde_seconds")
        else "Grading time: not measured yet."
    )
    return f"{points}{timing}"


def _paragraph(text: str, classes: list[str]) -> nodes.paragraph:
    """A paragraph in which `backticked` parts are inline code, as Markdown would show them (not raw backticks)."""
    para = nodes.paragraph(classes=classes)
    for i, part in enumerate(text.split("`")):
        if part:
            para += nodes.literal(text=part) if i % 2 else nodes.Text(part)
    return para


def _insert(app, doctree) -> None:
    m = PAGE.match(app.env.docname)
    if not m:
        return
    root = Path(app.srcdir)
    app.env.note_dependency(str(results_path(root)))
    text = measurement_line(m.group(1), m.group(2), load_results(root), root)
    para = _paragraph(text, classes=["course-runtime"])
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    title = next(iter(section.findall(nodes.title)), None)
    section.insert(section.index(title) + 1 if title is not None else 0, para)


BENCH_TABLE = "<!-- bench-table -->"


def bench_table(results: dict) -> str:
    """Markdown table of measured chapter and grading times (for the instructors' page)."""
    rows = ["| Chapter | Runs in (s) | Budget (s) | Solution autograde (s) |", "|---|---:|---:|---:|"]
    for name, r in sorted(results.get("chapters", {}).items()):
        g = results.get("exercises", {}).get(name, {})
        rows.append(
            f"| {name} | {r.get('seconds', '—')} | {r.get('budget_seconds', '—')} | {g.get('autograde_seconds', '—')} |"
        )
    m = results.get("machine", {})
    rows.append("")
    rows.append(f"Measured by `make bench` on {results.get('date', '—')} ({m.get('cpus', '?')} CPUs).")
    return "\n".join(rows)


ASSETS = "<!-- exercise-assets -->"


def assets_table(root: Path) -> str:
    """Every exercise and the course assets it ships (its `# course-asset:` lines), for the instructors' page."""
    from .paths import exercises
    from .sources import assets

    rows = ["| Exercise | Course assets (copied beside every submission) |", "|---|---|"]
    for ex in exercises(root):
        shipped = assets(ex.source)
        rows.append(f"| {ex.name} | {', '.join(f'`assets/{n}`' for n in shipped) if shipped else 'none'} |")
    return "\n".join(rows)


MISTAKES = "<!-- common-mistakes -->"
PACING = "<!-- pacing-table -->"
ADMONITION = re.compile(r"```\{admonition\} Common mistakes\n(?::class:[^\n]*\n)?(.*?)\n```", re.S)
WORDS_PER_MINUTE = 200  # the reading speed MyST uses for its own estimates


def _chapter_title(text: str) -> str:
    m = re.search(r"^# (.+)$", text, re.M)
    return m.group(1).strip() if m else "?"


GLUE_ROLE = re.compile(r"\{(glue(?::\w+)?)\}`([^`]*)`")


def _from_chapter(m: re.Match, doc: str) -> str:
    """A glue role copied out of a chapter fetches its value from that chapter: `key` -> `doc::key`.

    myst-nb's glue:text splits the format spec off at the last ':', so a cross-document key needs an
    explicit spec (`doc::key:s`), or `doc:` would be read as the key."""
    role, content = m.group(1), m.group(2)
    if "::" in content:
        return m.group(0)
    if role == "glue:text" and ":" not in content:
        content += ":s"
    return f"{{{role}}}`{doc}::{content}`"


def common_mistakes(root: Path) -> str:
    """Every chapter's "Common mistakes" box, collected, each under a link back to its chapter."""
    from .paths import chapters

    parts = []
    for ch in chapters(root):
        text = ch.source.read_text(encoding="utf-8")
        for box in ADMONITION.findall(text):
            box = re.sub(r"\s*\((?:first|second|third|fourth|fifth|sixth|next|[a-z]+) cells?(?: below)?\)", "", box)
            box = box.replace(" (demonstrated in the next cell)", "")
            doc = ch.source.relative_to(root).as_posix()
            box = GLUE_ROLE.sub(functools.partial(_from_chapter, doc=doc), box)
            parts.append(f"## [{_chapter_title(text)}]({ch.source.relative_to(root).as_posix()})\n\n{box}\n")
    return "\n".join(parts)


def pacing_table(results: dict, root: Path) -> str:
    """Reading time (word count at 200 words/min), measured run time and exercise size per chapter."""
    from .paths import chapters
    from .sources import ExerciseSource

    rows = [
        "| Chapter | Reading (min, est.) | Runs in (s, measured) | Exercise | Autograde (s, measured) |",
        "|---|---:|---:|---|---:|",
    ]
    for ch in chapters(root):
        text = ch.source.read_text(encoding="utf-8")
        prose = re.sub(r"```.*?```", "", text, flags=re.S)
        minutes = max(1, round(len(prose.split()) / WORDS_PER_MINUTE))
        run = results.get("chapters", {}).get(ch.name, {}).get("seconds", "—")
        source = root / "solutions" / f"{ch.name}.py"
        ex = ""
        if source.exists():
            ex = ExerciseSource.load(source).summary()
        grade = results.get("exercises", {}).get(ch.name, {}).get("autograde_seconds", "—")
        rows.append(
            f"| [{_chapter_title(text)}]({ch.source.relative_to(root).as_posix()}) | {minutes} | {run} | {ex} | {grade} |"
        )
    return "\n".join(rows)


def _source_read(app, docname, source) -> None:
    root = Path(app.srcdir)  # the book being built, not necessarily the checkout this package came from
    if BENCH_TABLE in source[0]:
        app.env.note_dependency(str(results_path(root)))
        source[0] = source[0].replace(BENCH_TABLE, bench_table(load_results(root)))
    if PACING in source[0]:
        app.env.note_dependency(str(results_path(root)))
        source[0] = source[0].replace(PACING, pacing_table(load_results(root), root))
    if ASSETS in source[0]:
        from .paths import exercises

        for ex in exercises(root):
            app.env.note_dependency(str(ex.source))
        source[0] = source[0].replace(ASSETS, assets_table(root))
    if MISTAKES in source[0]:
        from .paths import chapters

        for ch in chapters(root):
            app.env.note_dependency(str(ch.source))
        source[0] = source[0].replace(MISTAKES, common_mistakes(root))


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    """sphinx-thebe 0.3.1 registers its inline configuration script twice under Jupyter Book 1, and the second
    `const THEBE_JS_URL` is a console error on every page. Keep the first of identical script entries."""
    seen, unique = set(), []
    for js in context.get("script_files", []):
        key = (getattr(js, "filename", str(js)) or None, tuple(sorted((getattr(js, "attributes", {}) or {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", _dedupe_scripts, priority=900)  # after the themes have added theirs
    app.connect("doctree-read", _insert)
    app.connect("source-read", _source_read)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
