"""What TensorFlow and its runtimes print to the process's stderr that we understand and may hide.

TensorFlow 2.21's C++ runtime writes absl log lines to file descriptor 2 at start-up
(CPU feature guard, oneDNN notice, missing CUDA driver on a CPU machine), and LiteRT
announces its XNNPACK CPU delegate the same way;
`TF_CPP_MIN_LOG_LEVEL` does not silence all of them, and ipykernel copies them into
cell outputs. nbgrader gives 0 to a test cell with any stderr output, so the
grader removes stderr outputs matching this pattern (nbgrader's IgnorePattern),
and the tests check that every stderr line a chapter prints matches it: anything
else is a warning we do not understand yet and must be fixed or explained.
"""

from __future__ import annotations

import re

TF_STDERR_LINES = [
    r"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR",
    # absl/glog lines: I0000 00:00:1795332965.547157    2338 port.cc:153] ...
    r"[IWEF]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ [\w./-]+:\d+\] .*",
    r"To enable the following instructions: .*rebuild TensorFlow with the appropriate compiler flags\.",
    # LiteRT (ai_edge_litert / tf.lite) announces its default CPU delegate once per process from C++.
    r"INFO: Created TensorFlow Lite XNNPACK delegate for CPU\.",
    r"",  # blank lines
]

LINE_PATTERN = re.compile("^(?:" + "|".join(TF_STDERR_LINES) + ")$")

# nbgrader's IgnorePattern drops a whole stderr output when re.search finds the pattern in it: the same lines,
# each matched as a whole line of the output (blank lines alone do not count)
NBGRADER_IGNORE_PATTERN = "(?m)^(?:" + "|".join(line for line in TF_STDERR_LINES if line) + ")$"


def unexplained_lines(text: str) -> list[str]:
    """Lines of a stderr stream that are not known TensorFlow start-up chatter."""
    return [line for line in text.splitlines() if not LINE_PATTERN.match(line)]
