"""Collect a class's submissions from a folder or an LMS bulk-download zip.

Layouts understood by default (in a folder or inside a zip)::

    <student_id>/<assignment>.ipynb        (nbgrader's own layout, any sub-folder depth)
    <student_id>.ipynb

An LMS names files its own way; ``--pattern`` takes a regular expression with a
``student_id`` group and an optional ``timestamp`` group, matched against each entry's
path, as nbgrader's ``zip_collect`` (``FileNameCollectorPlugin.named_regexp``) does.
Entries that are not notebooks (``__MACOSX/``, ``.DS_Store``, PDFs) are ignored and
listed. A student with several notebooks keeps the latest (by the ``timestamp`` group,
else ``<student>/timestamp.txt``, else the file's modification time); the others are
recorded as replaced.

Size limits: a notebook over ``MAX_NOTEBOOK_BYTES`` (50 MB; the course's are under 1 MB) is never read whole:
a zip entry is checked against its declared size and then read with a hard cap (a declared size can lie), and
the student gets an ``unreadable`` row that says "too large". Once ``MAX_TOTAL_BYTES`` (2 GiB) of notebooks
have been read, further ones are rows that say so, too. The grader's own memory stays bounded whatever the
archive holds.

Student ids: 1–100 characters from letters, digits and ``_ . @ + -``, starting with a letter or a digit
(so never ``..``, ``.hidden`` or a path). Any other id is ignored and listed with the reason.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from nbgrader.utils import parse_utc

MAX_NOTEBOOK_BYTES = 50 * 1024**2
MAX_TOTAL_BYTES = 2 * 1024**3
STUDENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@+-]{0,99}")
DEFAULT_PATTERN = r"(?:^|/)(?P<student_id>[^/]+)/[^/]+\.ipynb$|(?:^|/)(?P<student_file>[^/]+)\.ipynb$"
IGNORED_NAMES = re.compile(r"(^|/)(__MACOSX|\.ipynb_checkpoints)/|(^|/)\.DS_Store$|(^|/)\._[^/]*$")


@dataclass
class Submission:
    student: str
    data: bytes
    timestamp: datetime
    origin: str  # path in the folder or zip
    problem: str = ""  # why it was not read (too large): the row is `unreadable` with this reason


@dataclass
class Collected:
    submissions: dict[str, Submission] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)  # "path: reason"
    replaced: list[str] = field(default_factory=list)  # older duplicates, "student: path (timestamp)"


def utc(text: str) -> datetime:
    """nbgrader's timestamp parser, as an aware UTC datetime."""
    return parse_utc(text).replace(tzinfo=timezone.utc)


def _student_and_time(name: str, pattern: re.Pattern[str]) -> tuple[str, datetime | None] | None:
    m = pattern.search(name)
    if not m:
        return None
    groups = {k: v for k, v in m.groupdict().items() if v}
    student = groups.get("student_id") or groups.get("student_file")
    if not student:
        return None
    ts = groups.get("timestamp")
    return student, (utc(ts.replace("_", " ")) if ts else None)


class _Budget:
    """Reads a file's bytes only while it and the run's total stay under the caps; else says why not."""

    def __init__(self, per_file: int, total: int):
        self.per_file, self.total, self.used = per_file, total, 0

    def read(self, size: int, opener) -> tuple[bytes, str]:
        if size > self.per_file:
            return b"", f"too large: {size:,} bytes (the limit is {self.per_file:,})"
        if self.used + size > self.total:
            return b"", f"not read: the class's notebooks passed the total limit of {self.total:,} bytes"
        with opener() as f:
            data = f.read(self.per_file + 1)  # a hard cap, whatever the declared size said
        if len(data) > self.per_file:
            return b"", f"too large: over {self.per_file:,} bytes once decompressed (declared {size:,})"
        self.used += len(data)
        return data, ""


def _entries_from_folder(folder: Path, budget: _Budget):
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        ts_file = path.parent / "timestamp.txt"
        ts = utc(ts_file.open().read(100).strip()) if ts_file.exists() and path.suffix == ".ipynb" else None
        mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
        yield rel, (lambda path=path: budget.read(path.stat().st_size, lambda: path.open("rb"))), ts or mtime


def _entries_from_zip(archive: Path, budget: _Budget):
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            mtime = datetime(*info.date_time, tzinfo=timezone.utc)
            yield info.filename, (lambda info=info: budget.read(info.file_size, lambda: zf.open(info))), mtime


def collect(
    source: Path,
    pattern: str | None = None,
    max_notebook_bytes: int = MAX_NOTEBOOK_BYTES,
    max_total_bytes: int = MAX_TOTAL_BYTES,
) -> Collected:
    """Every student's latest notebook in `source` (a folder or a .zip); notebooks are read only within the caps."""
    regex = re.compile(pattern or DEFAULT_PATTERN)
    out = Collected()
    budget = _Budget(max_notebook_bytes, max_total_bytes)
    zipped = zipfile.is_zipfile(source) and source.is_file()
    entries = _entries_from_zip(source, budget) if zipped else _entries_from_folder(source, budget)
    for name, read, mtime in entries:
        posix = PurePosixPath(name).as_posix()
        if IGNORED_NAMES.search(posix):
            out.ignored.append(f"{posix}: system file")
            continue
        if posix.endswith("timestamp.txt"):
            continue
        if not posix.endswith(".ipynb"):
            out.ignored.append(f"{posix}: not a notebook")
            continue
        found = _student_and_time(posix, regex)
        if found is None:
            out.ignored.append(f"{posix}: name does not match the pattern {regex.pattern!r}")
            continue
        student, ts = found
        if not STUDENT_ID.fullmatch(student):
            out.ignored.append(
                f"{posix}: student id {student!r} is not a safe name (1-100 letters, digits, _ . @ + -, "
                "starting with a letter or digit)"
            )
            continue
        data, problem = read()
        sub = Submission(student, data, ts or mtime, posix, problem)
        old = out.submissions.get(student)
        if old is None:
            out.submissions[student] = sub
            continue
        newer, older = (sub, old) if sub.timestamp >= old.timestamp else (old, sub)
        out.submissions[student] = newer
        out.replaced.append(
            f"{student}: {older.origin} ({older.timestamp:%Y-%m-%d %H:%M:%S}) replaced by "
            f"{newer.origin} ({newer.timestamp:%Y-%m-%d %H:%M:%S})"
        )
    return out
