"""Grading a class with nbgrader: parallel, sandboxed, resumable.

The public surface is this module's names; the stages live in `pipeline` (plan -> prepare -> execute -> merge,
then publish), the data in `model`, and the rest are the stages' parts: `inputs` (collect a folder or an LMS zip),
`prepare` (read, repair, integrity flags), `sandbox` (bubblewrap around the kernel), `worker` (one submission),
`state` (state.json and the skip rule), `report` (our CSVs, PNG and Markdown), `cli` and `bench`.
"""

from .model import ClassReport, GradeOptions, Limits, Row, Status
from .pipeline import grade_class

__all__ = ["ClassReport", "GradeOptions", "Limits", "Row", "Status", "grade_class"]
