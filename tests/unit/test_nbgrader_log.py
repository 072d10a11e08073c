"""`nbgrader_adapter`: every match on nbgrader's wording, one test per pattern, and the one config builder."""

from __future__ import annotations

import re

import pytest
from traitlets.config.loader import PyFileConfigLoader

from coursekit.nbgrader_adapter import (NBGRADER_IGNORE_PATTERN, course_config, course_path, failure_kind,
                                        failure_reason, hit_cell_timeout, log_failed, write_config)
from coursekit.nbgrader_adapter.tf_stderr import LINE_PATTERN, TF_STDERR_LINES


@pytest.mark.parametrize("log, kind", [
    ("[AutogradeApp | ERROR] ... nbclient.exceptions.CellTimeoutError: A cell timed out", "timed_out"),
    ("nbclient.exceptions.DeadKernelError: Kernel died", "kernel_died"),
    ("[AutogradeApp | ERROR] The kernel died while running", "kernel_died"),
    ("[AutogradeApp | ERROR] There was an error processing assignment", "error"),
])
def test_failure_kinds(log, kind):
    assert failure_kind(log) == kind


def test_the_reason_is_the_exception_line_not_nbgraders_wrapper():
    log = ("Traceback ...\n  ValueError: the real problem\n"
           "nbgrader.utils.NbGraderException: Please see the error log above\n")
    assert failure_reason(log) == "ValueError: the real problem"
    assert failure_reason("no exception here") == "no exception here"


def test_error_lines_and_timeouts_in_outputs():
    # the API's captured log is "[LEVEL] message" (nbgrader.utils.capture_log)
    assert log_failed("[INFO] start\n[ERROR] There was an error processing files") and not log_failed("[INFO] done")
    assert hit_cell_timeout('{"ename": "CellTimeoutError"}') and not hit_cell_timeout('{"ename": "ValueError"}')


REAL_TF_LINES = [
    "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
    "I0000 00:00:1796141236.348273   17403 port.cc:153] oneDNN custom operations are on. You may see slightly "
    "different numerical results due to floating-point round-off errors from different computation orders.",
    "E0000 00:00:1795332965.547157    2338 cuda_dnn.cc:8310] Unable to register cuDNN factory",
    "To enable the following instructions: AVX2 AVX512F FMA, in other operations, rebuild TensorFlow with the "
    "appropriate compiler flags.",
    "INFO: Created TensorFlow Lite XNNPACK delegate for CPU.",
]


@pytest.mark.parametrize("line", REAL_TF_LINES)
def test_tensorflow_start_up_lines_are_dropped_for_nbgrader_and_explained_for_the_book(line):
    assert LINE_PATTERN.match(line)
    assert re.search(NBGRADER_IGNORE_PATTERN, f"{line}\n")


@pytest.mark.parametrize("text", ["DeprecationWarning: x is deprecated\n", "RuntimeWarning: divide by zero\n",
                                  "Traceback (most recent call last):\n", "\n"])
def test_other_stderr_is_not_dropped(text):
    assert not re.search(NBGRADER_IGNORE_PATTERN, text)


def test_the_ignore_pattern_is_derived_from_the_one_list():
    for line in filter(None, TF_STDERR_LINES):
        assert line in NBGRADER_IGNORE_PATTERN


def test_the_written_config_is_the_config(tmp_path):
    cfg = course_config(tmp_path, cell_timeout=33, late_penalty="zero")
    write_config(cfg, tmp_path)
    read = PyFileConfigLoader("nbgrader_config.py", path=str(tmp_path)).load_config()
    assert read == cfg
    assert read.Execute.timeout == 33 and read.LateSubmissionPlugin.penalty_method == "zero"
    assert read.IgnorePattern.pattern == NBGRADER_IGNORE_PATTERN


def test_a_portable_config_names_its_own_folder(tmp_path):
    write_config(course_config("/somewhere/else"), tmp_path, portable=True)
    read = PyFileConfigLoader("nbgrader_config.py", path=str(tmp_path)).load_config()
    assert read.CourseDirectory.root == str(tmp_path)


def test_course_paths_are_nbgraders_layout(tmp_path):
    assert course_path(tmp_path, "submitted", "amy", "01_x", "01_x.ipynb") == tmp_path / "submitted/amy/01_x/01_x.ipynb"
    assert course_path(tmp_path, "release", ".", "01_x") == tmp_path / "release/01_x"
