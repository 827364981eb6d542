"""`python -m portal.quiz.check [PATH ...]`: check quiz files without starting the portal.

A broken quiz folder stops the portal, and so `flask`, from starting; this check still runs.
`flask portal check-quizzes` calls the same function. Exit code 0: all valid; 1: problems.
"""

import argparse
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from portal.quiz.content import Quiz, QuizProblems, display_name, load_catalogue, load_files


def default_dir() -> Path:
    from portal import ROOT

    return ROOT / "quizzes"


def _load(path: Path) -> list[Quiz]:
    """The quizzes of a folder (as the portal would load it) or of a single file."""
    if path.is_dir():
        return list(load_catalogue(path).values())
    if not path.exists():
        raise QuizProblems([f"{display_name(path)}: there is no such file or folder"])
    return list(load_files([path]).values())


def check(paths: Iterable[Path], echo: Callable[[str], object] = print) -> int:
    """Check every quiz folder or file in ``paths``, print the outcome, return the exit code."""
    quizzes: list[Quiz] = []
    problems: list[str] = []
    for path in paths:
        try:
            quizzes.extend(_load(Path(path)))
        except QuizProblems as error:
            problems.extend(error.problems)
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        echo(f"Found {len(problems)} {noun} in the quiz files:")
        for problem in problems:
            echo(f"  {problem}")
        echo("Fix these and check again: the portal will not start until every file is valid.")
        return 1
    names = ", ".join(quiz.id for quiz in quizzes)
    verb = "file is" if len(quizzes) == 1 else "files are"
    echo(f"All {len(quizzes)} quiz {verb} valid ({names}).")
    for quiz in quizzes:
        echo(
            f"  {quiz.id}: {quiz.audience}, {len(quiz.questions)} questions, "
            f"version {quiz.version}, revision {quiz.revision}"
        )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m portal.quiz.check",
        description="Check quiz files (default: the quizzes/ folder). Exit code 1 on problems.",
    )
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="a folder of quizzes or a single quiz file",
    )
    arguments = parser.parse_args(argv)
    return check(arguments.paths or [default_dir()])


if __name__ == "__main__":
    sys.exit(main())
