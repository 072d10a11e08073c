"""The solutions edition: the same book with each exercise page followed by its instructor source.

It is built into `_build/solutions-edition/` with its own configuration and table of contents,
never into `_build/html`, and the public configuration excludes `solutions/`, so the public book
cannot pick it up. Chapters reuse the public build's execution cache.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import yaml

from .paths import repo_root, tool_env, venv_bin

OUT = Path("_build") / "solutions-edition"


def _add_solutions(node):
    """Copy of a toc node in which every exercise entry is followed by its solution."""
    if isinstance(node, dict):
        return {k: _add_solutions(v) for k, v in node.items()}
    if isinstance(node, list):
        out = []
        for item in node:
            out.append(_add_solutions(item))
            if isinstance(item, dict) and str(item.get("file", "")).startswith("exercises/"):
                out.append({"file": "solutions/" + item["file"].split("/", 1)[1]})
        return out
    return node


def write_edition_files(root: Path | None = None) -> tuple[Path, Path]:
    root = root or repo_root()
    out = root / OUT
    out.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load((root / "_config.yml").read_text())
    config["title"] = f"{config['title']}: solutions edition (instructors only)"
    config["exclude_patterns"] = [p for p in config["exclude_patterns"] if p != "solutions"]
    config["execute"]["cache"] = str(root / "_build" / ".jupyter_cache")  # reuse the public build's executions
    config["execute"]["exclude_patterns"] = list(config["execute"]["exclude_patterns"]) + ["solutions/*"]
    config["html"]["extra_footer"] = (
        "<p><strong>Solutions edition: do not publish.</strong></p>" + config["html"]["extra_footer"]
    )
    sphinx_config = config["sphinx"].setdefault("config", {})
    sphinx_config["nb_custom_formats"] = {".py": "coursekit.sources.reads_for_book"}
    toc = _add_solutions(yaml.safe_load((root / "_toc.yml").read_text()))
    config_path, toc_path = out / "_config.yml", out / "_toc.yml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    toc_path.write_text(yaml.safe_dump(toc, sort_keys=False))
    return config_path, toc_path


def build_solutions_edition(root: Path | None = None) -> Path:
    root = root or repo_root()
    config_path, toc_path = write_edition_files(root)
    subprocess.run(
        [
            str(venv_bin() / "jupyter-book"),
            "build",
            str(root),
            "--config",
            str(config_path),
            "--toc",
            str(toc_path),
            "--path-output",
            str(root / OUT),
            "--warningiserror",
            "--keep-going",
        ],
        check=True,
        env=tool_env(),
        cwd=root,
    )
    return root / OUT / "_build" / "html"
