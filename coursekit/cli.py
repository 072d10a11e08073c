"""`coursekit`: the maintainer and instructor command line (a thin layer over the modules).

Every maintainer and instructor action is a subcommand here (the Makefile calls only these). Library code raises
typed exceptions; `main` alone turns them into messages and exit codes (`_handle_errors`).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import generate, leaks
from .grading import cli as grade_cli
from .grading.state import StateMismatch
from .nbgrader_adapter import NbgraderError
from .paths import Chapter, Exercise, UnknownName, chapters, exercises, repo_root, select
from .sources import SourceError


def _everything() -> list[Chapter | Exercise]:
    return [*chapters(), *exercises()]


def cmd_generate(args) -> int:
    if args.names:
        select(_everything(), args.names)  # unknown names stop here with the known ones listed
    report = generate.write_all(names=args.names)  # a SourceError: _handle_errors says nothing was written
    for p in report.written:
        print(f"wrote     {p.relative_to(repo_root())}")
    print(f"{len(report.written)} written, {len(report.unchanged)} unchanged")
    return 0


def cmd_check(args) -> int:
    problems = generate.stale_files() + leaks.scan_exercises()
    if args.html:
        html = repo_root() / "_build" / "html"
        problems += leaks.scan_tree(html) if html.exists() else [f"{html}: not built"]
    for p in problems:
        print(p)
    print("ok" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


def cmd_run_chapter(args) -> int:
    from .execute import budget_seconds, execute

    status = 0
    for ch in select(chapters(), args.names):
        _, run = execute(ch.source)
        budget = budget_seconds(ch.source)
        flag = "ok" if run.error is None and run.seconds <= budget and not run.stderr_unexplained else "PROBLEM"
        print(f"{ch.name}: {run.seconds:.1f} s (budget {budget:.0f} s) {flag}")
        if run.error:
            print(run.error)
        for secs, num, first in run.slowest_cells:
            print(f"  {secs:6.1f} s  cell {num:3d}: {first}")
        for line in run.stderr_unexplained:
            print(f"  unexplained stderr: {line}")
        status |= flag != "ok"
    return status


def cmd_grade_check(args) -> int:
    from .gradecheck import check_exercise

    status = 0
    for ex in select(exercises(), args.names):
        r = check_exercise(ex)
        want = {"solution": r.max_points, "blank": 0.0, "partial": r.first_task_points}
        for student, expected in want.items():
            got = r.grades[student].score
            ok = abs(got - expected) < 1e-9
            status |= not ok
            detail = ", ".join(f"{t.grade_id}={t.score:g}/{t.max_score:g}" for t in r.grades[student].tests)
            print(
                f"{ex.name} {student:8s}: {got:g}/{r.max_points:g} (expected {expected:g}) {'ok' if ok else 'WRONG'}  [{detail}]"
            )
        print(f"{ex.name}: autograde of 3 submissions took {r.autograde_seconds:.1f} s")
        if args.answers:
            from .gradecheck import answer_problems, check_answers, corpus_summary, load_answers

            answers = load_answers(ex)
            if not answers:
                print(f"{ex.name} answers : no corpus (tests/answers/{ex.name}.py)")
                status = 1
                continue
            results = check_answers(ex, answers)
            problems = answer_problems(results)
            status |= bool(problems)
            print(f"{ex.name} answers : {corpus_summary(results)}")
            for line in problems:
                print(f"  {line}")
    return status


def cmd_bench(args) -> int:
    from . import bench

    if args.one:  # the child process of one measurement (bench._child): prints one JSON line
        kind, arg = args.one
        {"chapter": bench.one_chapter, "grade": bench.one_grade}[kind](arg)
        return 0
    if args.names:
        select(_everything(), args.names)  # `coursekit bench 99` fails here, before anything is written
    bench.run_bench(chapter_names=args.names, skip_grading=args.no_grading, skip_chapters=args.no_chapters)
    return 0


# subcommands that hand their arguments to a module's own main(argv) (its --help lists them)
FORWARDED = {
    "pretrained": ("pretrained", "re-train the shipped pretrained models into assets/ (digits and MNIST-1D bases)"),
    "pretrained-lm": ("lm", "re-train chapter 12's small GPT into assets/shakespeare_gpt.* (tens of minutes)"),
    "bench-lm": ("lm_bench", "chapter 12's recipe experiments into benchmarks/lm_results.json (about 36 min)"),
    "bench-lora": ("lora_bench", "chapter 13's fine-tuning grid into benchmarks/lora_results.json (about 20 min)"),
    "corpus": ("corpus", "re-make the vendored texts in assets/ and their record assets/corpora.json"),
}


def cmd_forwarded(args) -> int:
    module = importlib.import_module(f".{FORWARDED[args.command][0]}", __package__)
    return int(module.main(args.args) or 0)


@contextmanager
def _handle_errors() -> Iterator[None]:
    """The one place where the library's typed exceptions become messages and exit codes."""
    try:
        yield
    except (UnknownName, StateMismatch, FileExistsError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except SourceError as exc:
        print(f"error: {exc}\nNothing was written.", file=sys.stderr)
        raise SystemExit(2) from None
    except NbgraderError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise SystemExit(1) from None


def cmd_doctor(args) -> int:
    from .doctor import report, run_checks

    text, status = report(run_checks())
    print(text)
    return status


def cmd_solutions_edition(args) -> int:
    from .editions import build_solutions_edition

    html = build_solutions_edition()
    print(f"Solutions edition (instructors only, never publish): file://{html}/index.html")
    return 0


def cmd_release(args) -> int:
    from .release import describe, release

    (ex,) = select(exercises(), [args.name])
    course = release(ex, Path(args.to))  # an existing course folder: FileExistsError, exit 2 (_handle_errors)
    print(describe(ex, course))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="coursekit", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("generate", help="write exercises/*.ipynb (nbgrader release) and chapters/*.ipynb")
    p.add_argument("names", nargs="*", help="only these chapters/exercises, by name or number (default: all)")
    p.set_defaults(func=cmd_generate)
    p = sub.add_parser("check", help="stale generated files and solution leaks")
    p.add_argument("--html", action="store_true", help="also scan _build/html")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("run-chapter", help="execute chapters in a fresh kernel; time vs budget, stderr check")
    p.add_argument("names", nargs="*", help="chapter names or numbers (default: all)")
    p.set_defaults(func=cmd_run_chapter)
    p = sub.add_parser("grade-check", help="autograde solution / blank / partial with real nbgrader")
    p.add_argument("names", nargs="*", help="exercise names or numbers (default: all)")
    p.add_argument(
        "--answers",
        action="store_true",
        help="also grade the exercise's wrong-answer corpus (tests/answers/NN_*.py) and report it",
    )
    p.set_defaults(func=cmd_grade_check)
    p = sub.add_parser("bench", help="time chapters and autograding; write benchmarks/results.{json,md}")
    p.add_argument("names", nargs="*", help="chapter names or numbers (default: all)")
    p.add_argument("--no-grading", action="store_true", help="time the chapters only")
    p.add_argument("--no-chapters", action="store_true", help="time the solutions' autograde only")
    p.add_argument("--one", nargs=2, metavar=("KIND", "ARG"), help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_bench)
    p = sub.add_parser(
        "release", help="write a ready nbgrader course folder (config, source, assets, release) for one exercise"
    )
    p.add_argument("name", help="exercise name or number, e.g. 07 or 07_transfer")
    p.add_argument("--to", required=True, help="folder to write (created; must not already hold this exercise)")
    p.set_defaults(func=cmd_release)
    sub.add_parser("doctor", help="check Python, pinned packages, TensorFlow and device, kernel, tools").set_defaults(
        func=cmd_doctor
    )
    sub.add_parser(
        "solutions-edition", help="build the instructors' solutions edition into _build/solutions-edition"
    ).set_defaults(func=cmd_solutions_edition)
    grade_cli.add_parser(sub)
    for name, (_, text) in FORWARDED.items():
        p = sub.add_parser(name, help=text, add_help=False)
        p.add_argument("args", nargs=argparse.REMAINDER)
        p.set_defaults(func=cmd_forwarded)
    args, extra = parser.parse_known_args(argv)
    if args.func is cmd_forwarded:
        args.args = extra + args.args  # the module's own parser reads them (its --help too)
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    with _handle_errors():
        return args.func(args)
    return 1  # not reached: _handle_errors raises


if __name__ == "__main__":
    raise SystemExit(main())
