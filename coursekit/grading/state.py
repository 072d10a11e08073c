"""``<out>/state.json``: what a grading run has done so far, so an interrupted run loses nothing and a re-run
skips what has not changed.

The file holds the instructor source's hash (grades from different tests must never mix in one folder) and one
row per student, written atomically after every merged submission.

The skip rule (`should_skip`): a student's previous row is kept when it is final (see `Status.final`) and
either the student was not asked for this run (``--student`` names others) or the submission's bytes are
unchanged and neither ``--force`` nor ``--student`` asks for a regrade.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .model import Row, Status


class StateMismatch(RuntimeError):
    """The output folder was graded with another version of the assignment's source."""


def write_json_atomic(path: Path, data: Any) -> None:
    """Write `data` as JSON so that a killed process leaves the previous file, never half a file."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True, default=str))
    os.replace(tmp, path)


class GradingState:
    """The rows and source hash of one output folder."""

    def __init__(self, path: Path):
        self.path = Path(path)
        data = json.loads(self.path.read_text()) if self.path.exists() else {}
        self.source_sha: str | None = data.get("source_sha")
        self.rows: dict[str, Row] = {sid: Row.from_dict(r) for sid, r in data.get("rows", {}).items()}

    def check_source(self, source_sha: str, where: Path, assignment: str) -> None:
        """Raise StateMismatch when this folder was graded from a different source; else adopt `source_sha`."""
        if self.source_sha not in (None, source_sha):
            raise StateMismatch(
                f"{where}: graded with a different version of {assignment}'s source; "
                "use a new --out folder (grades from different tests must not mix)"
            )
        self.source_sha = source_sha

    def should_skip(self, sid: str, sha: str, *, force: bool = False, students: list[str] | None = None) -> bool:
        """Whether this run keeps `sid`'s previous row instead of grading it (the rule in the module doc)."""
        prev = self.rows.get(sid)
        if prev is None or not prev.status.final:
            return False
        wanted = students is None or sid in students
        return not wanted or (prev.sha256 == sha and not force and students is None)

    def anything_to_grade(
        self, shas: dict[str, str], *, force: bool = False, students: list[str] | None = None
    ) -> bool:
        """Whether some submission in `shas` (student -> sha256) will be graded by this run."""
        wanted = [s for s in shas if students is None or s in students]
        return any(not self.should_skip(s, shas[s], force=force, students=students) for s in wanted)

    def record(self, row: Row) -> None:
        """Store `row` and write the file."""
        self.rows[row.student] = row
        self.save()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_json_atomic(
            self.path, {"source_sha": self.source_sha, "rows": {sid: asdict(r) for sid, r in sorted(self.rows.items())}}
        )


__all__ = ["GradingState", "StateMismatch", "Status", "write_json_atomic"]
