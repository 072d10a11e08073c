"""The one adapter between coursekit and nbgrader: its configuration (`config`), a course folder and its
gradebook (`course`), and the TensorFlow stderr lines nbgrader must ignore (`tf_stderr`)."""

from .config import CELL_TIMEOUT_S, course_config, course_path, gradebook_url, write_config
from .course import (
    Course,
    Grade,
    NbgraderError,
    TestResult,
    failure_kind,
    failure_reason,
    hit_cell_timeout,
    log_failed,
    nbgrader_api,
    read_grades,
    test_scores,
    use_in_process_alembic,
    zero_missing,
)
from .tf_stderr import NBGRADER_IGNORE_PATTERN, unexplained_lines

__all__ = [
    "CELL_TIMEOUT_S",
    "Course",
    "Grade",
    "NBGRADER_IGNORE_PATTERN",
    "NbgraderError",
    "TestResult",
    "course_config",
    "course_path",
    "failure_kind",
    "failure_reason",
    "gradebook_url",
    "hit_cell_timeout",
    "log_failed",
    "nbgrader_api",
    "read_grades",
    "test_scores",
    "unexplained_lines",
    "use_in_process_alembic",
    "write_config",
    "zero_missing",
]
