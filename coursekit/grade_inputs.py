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
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from nbgrader.utils import parse_utc

DEFAULT_PATTERN = r"(?:^|/)(?P<student_id>[^/]+)/[^/]+\.ipynb$|(?:^|/)(?P<student_file>[^/]+)\.ipynb$"
IGNORED_NAMES = re.compile(r"(^|/)(__MACOSX|\.ipynb_checkpoints)/|(^|/)\.DS_Store$|(^|/)\._[^/]*$")


@dataclass
class Submission:
    student: str
    data: bytes
    timestamp: datetime
    origin: str  # path in the folder or zip


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


def _entries_from_folder(folder: Path):
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder).as_posix()
        ts_file = path.parent / "timestamp.txt"
        ts = utc(ts_file.read_text().strip()) if ts_file.exists() and path.suffix == ".ipynb" else None
        mtime = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
        yield rel, path.read_bytes(), ts or mtime


def _entries_from_zip(archive: Path):
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            mtime = datetime(*info.date_time, tzinfo=timezone.utc)
            yield info.filename, zf.read(info), mtime


def collect(source: Path, pattern: str | None = None) -> Collected:
    """Every student's latest notebook in `source` (a folder or a .zip)."""
    regex = re.compile(pattern or DEFAULT_PATTERN)
    out = Collected()
    entries = _entries_from_zip(source) if zipfile.is_zipfile(source) and source.is_file() else _entries_from_folder(source)
    for name, data, mtime in entries:
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
        if not re.fullmatch(r"[A-Za-z0-9_.@+-]{1,100}", student):
            out.ignored.append(f"{posix}: student id {student!r} has characters nbgrader cannot use")
            continue
        sub = Submission(student, data, ts or mtime, posix)
        old = out.submissions.get(student)
        if old is None:
            out.submissions[student] = sub
            continue
        newer, older = (sub, old) if sub.timestamp >= old.timestamp else (old, sub)
        out.submissions[student] = newer
        out.replaced.append(f"{student}: {older.origin} ({older.timestamp:%Y-%m-%d %H:%M:%S}) replaced by "
                            f"{newer.origin} ({newer.timestamp:%Y-%m-%d %H:%M:%S})")
    return out
