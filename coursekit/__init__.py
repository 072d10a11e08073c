"""Maintainer and instructor tooling for the Loss to Launch course.

Learner notebooks never import this package: it generates them, checks them,
benchmarks them and grades them.
"""

__version__ = "0.1.0"
