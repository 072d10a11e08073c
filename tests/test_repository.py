"""Repository-level checks that need no notebook execution: freshness, leaks, layout, pins, Colab cells."""

from __future__ import annotations

import re

import jupytext
import nbformat
import pytest
import yaml

from coursekit import generate, leaks
from coursekit.execute import budget_seconds, front_matter

from .repo import CHAPTERS, EXERCISES, ROOT


def test_course_has_chapters_and_exercises():
    assert CHAPTERS and EXERCISES, "no chapters or exercises found: the suite would check nothing"
    assert {c.name for c in CHAPTERS} == {e.name for e in EXERCISES}, "every chapter has exactly one exercise"


def test_generated_files_are_fresh():
    assert generate.stale_files(ROOT) == []


def test_no_solutions_or_hidden_tests_in_student_notebooks():
    assert leaks.scan_exercises(ROOT) == []


def test_leak_scanner_finds_a_leak(tmp_path):
    """The scanner can fail: a student notebook carrying solution code is reported."""
    ex = EXERCISES[0]
    secret = next(iter(leaks.secret_lines(ROOT)))
    bad = tmp_path / f"{ex.name}.ipynb"
    bad.write_text(ex.student.read_text().replace("raise NotImplementedError()", secret.replace('"', '\\"'), 1))
    assert any("code" in p for p in leaks.scan([bad], ROOT))


def test_toc_lists_every_chapter_then_its_exercise_and_only_existing_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(node):  # depth first, in reading order
        for key in ("parts", "chapters", "sections"):
            for child in node.get(key, []):
                if "file" in child:
                    files.append(child["file"])
                walk(child)

    walk(toc)
    for f in files:
        assert any((ROOT / f"{f}{suffix}").exists() for suffix in (".md", ".ipynb")), f"_toc.yml lists missing {f}"
    for ch in CHAPTERS:
        i = files.index(f"chapters/{ch.name}")
        assert files[i + 1] == f"exercises/{ch.name}", f"{ch.name}: its exercise must follow it in the toc"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.name)
def test_chapter_declares_budget_and_follows_the_template(chapter):
    meta = front_matter(chapter.source)
    assert "budget_seconds" in (meta.get("course") or {}), "declare `course: budget_seconds:` in the front matter"
    assert 0 < budget_seconds(chapter.source) <= 90
    text = chapter.source.read_text()
    for needle in (
        "keras.utils.set_random_seed",
        "Learning objectives",
        "Common mistakes",
        ":class: dropdown",
        "## Summary",
        f"../exercises/{chapter.name}.ipynb",
        "Further reading",
        "{glue:text}",
    ):
        assert needle in text, f"{chapter.name}: missing {needle!r} (see STYLE.md)"
    assert not re.search(r"\bfetch_\w+\(", text) and "get_dataset()" not in text, (
        "chapters never download data (sklearn fetch_*, mnist1d get_dataset)"
    )


def _requirements() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)$", line.strip())
        assert m or not line.strip() or line.startswith("#"), f"requirements.txt: not pinned with ==: {line}"
        if m:
            pins[m.group(1).lower().replace("_", "-")] = m.group(2)
    return pins


def test_requirements_are_pinned_and_environment_matches():
    pins = _requirements()
    for name in (
        "tensorflow",
        "keras",
        "jupyter-book",
        "nbgrader",
        "jupytext",
        "numpy",
        "scikit-learn",
        "matplotlib",
        "pytest",
        "ruff",
        "mypy",
    ):
        assert name in pins, f"{name} is not pinned in requirements.txt"
    # which versions are pinned is requirements.txt's business (make doctor checks the installed ones match it);
    # this test checks only that every line is an exact pin and that the tools the course relies on are there
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert any(str(d).startswith("python=3.1") for d in env["dependencies"] if isinstance(d, str))
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-r requirements.txt" in pip, "environment.yml installs the same pins through pip"


def _notebooks():
    out = [(c.name, jupytext.read(c.source)) for c in CHAPTERS]
    out += [(f"exercise {e.name}", nbformat.read(e.student, as_version=4)) for e in EXERCISES]
    return out


@pytest.mark.parametrize("name,nb", _notebooks(), ids=lambda x: x if isinstance(x, str) else "")
def test_notebooks_are_self_contained_and_colab_ready(name, nb):
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code, f"{name}: no code cells"
    joined = "\n".join(code)
    assert "coursekit" not in joined, f"{name}: learner notebooks must not import the course tooling"
    setup = code[0]
    pins = _requirements()
    for pkg, ver in re.findall(r'"([A-Za-z0-9_.-]+)==([^"]+)"', setup):
        assert pins.get(pkg.lower().replace("_", "-")) == ver, (
            f"{name}: Colab installs {pkg}=={ver}, requirements.txt pins {pins.get(pkg.lower())}"
        )
        assert pkg.lower() not in {"tensorflow", "keras", "tf-keras"}, (
            f"{name}: never reinstall TensorFlow/Keras in Colab"
        )
    if re.search(
        r'"pip",\s*"install"|\bpip\.main\(|\bos\.system\(.*pip', setup
    ):  # an install call (the version check only *names* pip)
        assert '"google.colab" in sys.modules' in setup, f"{name}: installs must be guarded by the Colab check"
    assert not re.search(r"open\(['\"](\.\./|chapters/|exercises/|solutions/)", joined), (
        f"{name}: reads a repository path"
    )


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.name)
def test_every_task_has_points_in_its_title_and_a_collapsed_hint(exercise):
    from coursekit.sources import ExerciseSource, find_cell

    ex = ExerciseSource.load(exercise.source)
    assert len(ex.tasks) >= 4 and ex.max_points >= 10, "≥ 4 tasks and ≥ 10 points"
    cells = ex.notebook.cells
    for t in ex.tasks:
        first = find_cell(ex.notebook, t.solutions[0])
        spec = next(c for c in reversed(cells[:first]) if c.cell_type == "markdown")
        assert "<details>" in spec.source and "Hint" in spec.source, (
            f"{t.solutions[0]}: the task text needs a collapsed hint"
        )


def test_intro_learning_path_lists_every_chapter():
    intro = (ROOT / "intro.md").read_text()
    for ch in CHAPTERS:
        assert f"chapters/{ch.name}.md" in intro, f"intro.md's learning path does not list {ch.name}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.name)
def test_chapter_plots_use_the_colour_blind_safe_cycle_with_line_styles(chapter):
    setup = next(c.source for c in jupytext.read(chapter.source).cells if c.cell_type == "code")
    assert "#0072B2" in setup and "linestyle=" in setup, "set the Okabe-Ito colour + line-style cycle in the setup cell"
