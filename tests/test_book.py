"""The executed book: built once per session; chapters executed (jupyter-cache) within budget; nothing leaks."""

from __future__ import annotations

import re

import nbformat
import pytest
import yaml
from jupyter_cache import get_cache

from coursekit import leaks
from coursekit.execute import budget_seconds, stderr_problems

from .repo import CHAPTERS, EXERCISES, ROOT

pytestmark = pytest.mark.slow


def _cached(chapter):
    cache = get_cache(ROOT / "_build" / ".jupyter_cache")
    record = cache.get_cached_project_nb(str(chapter.source))
    if record is None:
        project = next((p for p in cache.list_project_records() if p.uri == str(chapter.source)), None)
        pytest.fail(f"{chapter.name} has no successful execution in the cache:\n{getattr(project, 'traceback', '')}")
    return cache, record


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.name)
def test_chapter_executed_without_error_within_twice_its_budget(book, chapter):
    _, record = _cached(chapter)
    seconds = record.data["execution_seconds"]
    budget = budget_seconds(chapter.source)
    assert seconds <= 2 * budget, f"{chapter.name} executed in {seconds:.0f} s, over twice its {budget:.0f} s budget"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.name)
def test_chapter_prints_no_unexplained_stderr(book, chapter):
    cache, record = _cached(chapter)
    nb = cache.get_cache_bundle(record.pk).nb
    assert stderr_problems(nb) == [], "stderr that is not TensorFlow start-up chatter: fix or explain it"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.name)
def test_chapter_page_has_numbers_figures_with_alt_text_and_runtime(book, chapter):
    html = (book / "chapters" / f"{chapter.name}.html").read_text()
    assert "{glue:" not in html and "glue:text" not in html, "unresolved glue reference"
    assert "course-runtime" in html, "the measured run-time line is missing"
    runtime = re.search(r'<p class="course-runtime">(.*?)</p>', html, re.S)
    assert runtime and "`" not in runtime.group(1), f"the run-time line shows raw backticks: {runtime and runtime.group(1)}"
    figures = re.findall(r"<img[^>]*>", html.split('<main', 1)[1])
    content = [f for f in figures if "logo" not in f]
    assert content, f"{chapter.name}: no figure rendered"
    for img in content:
        alt = re.search(r'alt="([^"]*)"', img)
        assert alt and len(alt.group(1)) > 20, f"{chapter.name}: figure without descriptive alt text: {img[:120]}"
    # a table row rule `|---|---|` left as text (Sphinx turns --- into an em dash) outside code blocks
    raw_tables = re.findall(r"\|\s*:?(?:-{3,}|\u2014)[-\u2013\u2014|: ]*\|", re.sub(r"<pre.*?</pre>", "", html, flags=re.S))
    assert not raw_tables, f"{chapter.name}: a Markdown table was rendered as plain text: {raw_tables[:1]}"


def test_executing_the_chapters_leaves_the_source_tree_clean(book):
    import subprocess

    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "--", "chapters", "exercises", "assets"],
                            cwd=ROOT, capture_output=True, text=True).stdout
    new = [line for line in status.splitlines() if line.startswith("??")]
    assert new == [], f"chapters wrote files into the repository (write to tempfile folders instead): {new}"


def test_no_solutions_or_hidden_tests_in_the_built_book(book):
    assert leaks.scan_tree(book, ROOT) == []


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_exercise_page_is_shown_unexecuted(book, exercise):
    html = (book / "exercises" / f"{exercise.name}.html").read_text()
    assert 'class="cell_output' not in html and "Traceback" not in html, "exercise pages must not be executed"
    assert "visible tests passed" in html  # the learner sees the visible tests


def test_launch_buttons_come_from_the_one_repository_setting(book):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url = config["repository"]["url"].rstrip("/")
    org_repo = url.split("github.com/")[1]
    branch = config["repository"]["branch"]
    for page, notebook in [(f"chapters/{c.name}", f"chapters/{c.name}.ipynb") for c in CHAPTERS] + \
                          [(f"exercises/{e.name}", f"exercises/{e.name}.ipynb") for e in EXERCISES]:
        html = (book / f"{page}.html").read_text()
        colab = f"https://colab.research.google.com/github/{org_repo}/blob/{branch}/{notebook}"
        assert colab in html, f"{page}: no Colab launch button for {notebook}"
        assert "mybinder.org/v2/gh/" in html, f"{page}: no Binder launch button"
        nbformat.validate(nbformat.read(ROOT / notebook, as_version=4))  # the launched file exists and is valid


def test_math_is_served_from_the_build(book):
    html = (book / "chapters" / f"{CHAPTERS[0].name}.html").read_text()
    assert "_static/mathjax/tex-chtml.js" in html and "cdn.jsdelivr" not in html
    assert (book / "_static" / "mathjax" / "tex-chtml.js").exists()
    assert (book / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2" / "MathJax_Main-Regular.woff").exists()


def test_instructors_page_names_every_exercise_and_its_assets(book):
    from coursekit.sources import assets

    html = (book / "instructors.html").read_text()
    text = re.sub(r"<[^>]+>", "", html)  # code blocks are split into highlighted spans
    assert "coursekit release 07_transfer" in text, "the instructors' steps should start from `coursekit release`"
    for ex in EXERCISES:
        assert ex.name in html, f"{ex.name} missing from the assets table"
        for name in assets(ex.source):
            assert f"assets/{name}" in html, f"{ex.name}'s course asset {name} is not named on the instructors' page"
