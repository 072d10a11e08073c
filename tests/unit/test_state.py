"""`grading.state`: the atomic state file and the skip rule."""

from __future__ import annotations

import json

import pytest

from coursekit.grading.model import Row, Status
from coursekit.grading.state import GradingState, StateMismatch


def _state(tmp_path, **rows: tuple[Status, str]) -> GradingState:
    st = GradingState(tmp_path / "state.json")
    st.check_source("src1", tmp_path, "01_x")
    for sid, (status, sha) in rows.items():
        st.record(Row(sid, status=status, sha256=sha))
    return GradingState(tmp_path / "state.json")  # read back from disk


def test_rows_survive_a_round_trip_with_their_status_type(tmp_path):
    st = _state(tmp_path, amy=(Status.GRADED, "a1"), bob=(Status.NOT_GRADED, "b1"))
    assert st.rows["amy"].status is Status.GRADED and st.rows["bob"].status is Status.NOT_GRADED
    assert json.loads((tmp_path / "state.json").read_text())["rows"]["amy"]["status"] == "graded"
    assert not list(tmp_path.glob("*.tmp")), "the atomic write leaves no temporary file"


@pytest.mark.parametrize("sid, sha, force, students, skip", [
    ("amy", "a1", False, None, True),  # unchanged and final: kept
    ("amy", "a2", False, None, False),  # changed: graded again
    ("amy", "a1", True, None, False),  # --force
    ("amy", "a1", False, ["amy"], False),  # --student amy regrades her
    ("amy", "a1", False, ["bob"], True),  # --student bob keeps amy's row
    ("bob", "b1", False, None, False),  # not_graded (interrupted): retried
    ("cat", "c1", False, None, False),  # new student
])
def test_the_skip_rule(tmp_path, sid, sha, force, students, skip):
    st = _state(tmp_path, amy=(Status.GRADED, "a1"), bob=(Status.NOT_GRADED, "b1"))
    assert st.should_skip(sid, sha, force=force, students=students) is skip


def test_every_status_but_not_graded_is_final():
    assert [s for s in Status if not s.final] == [Status.NOT_GRADED]
    assert not Status.CELL_TIMEOUT.zero_points and Status.CELL_TIMEOUT.needs_review
    assert not Status.GRADED.needs_review


def test_a_folder_graded_from_another_source_refuses(tmp_path):
    _state(tmp_path, amy=(Status.GRADED, "a1"))
    st = GradingState(tmp_path / "state.json")
    with pytest.raises(StateMismatch, match="different version"):
        st.check_source("src2", tmp_path, "01_x")
    st.check_source("src1", tmp_path, "01_x")


def test_a_row_from_an_older_state_file_loads(tmp_path):
    row = Row.from_dict({"student": "amy", "status": "wrong_assignment", "score": 0.0, "obsolete_field": 1})
    assert row.status is Status.WRONG_ASSIGNMENT and row.student == "amy"
