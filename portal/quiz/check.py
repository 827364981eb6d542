"""`python -m portal.quiz.check [PATH ...]`: check quiz files without starting the portal.

A broken quiz folder stops the portal, and so `flask`, from starting; this check still runs.
Beyond the format it checks the writing rules of `portal.quiz.review` (shape of the right
answer, length for the age, strands covered). `flask portal check-quizzes` calls the same
function. Exit code 0: all valid (warnings are printed); 1: problems.
"""

import argparse
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

from portal.people.school_year import YEAR_GROUPS
from portal.quiz.bank import DRAW_SIZE
from portal.quiz.content import Quiz, QuizProblems, display_name, load_catalogue, load_files
from portal.quiz.review import review


def default_dir() -> Path:
    from portal import ROOT

    return ROOT / "quizzes"


def _load(path: Path) -> list[tuple[Quiz, str]]:
    """The quizzes of a folder (as the portal would load it) or of a single file, each with
    the name of its file (a quiz's id is its file's name)."""
    if path.is_dir():
        quizzes = load_catalogue(path).values()
        return [(quiz, display_name(path / f"{quiz.id}.toml")) for quiz in quizzes]
    if not path.exists():
        raise QuizProblems([f"{display_name(path)}: there is no such file or folder"])
    return [(quiz, display_name(path)) for quiz in load_files([path]).values()]


def _echo_all(echo: Callable[[str], object], heading: str, lines: list[str]) -> None:
    if lines:
        echo(heading)
        for line in lines:
            echo(f"  {line}")


def _question_count(quiz: Quiz) -> str:
    """ "10 questions", or "12 questions: Year 3 9, Year 4 10, ..." when years differ."""
    count = f"{len(quiz.questions)} questions"
    if not quiz.varies_by_year:
        return count
    years = ", ".join(f"{YEAR_GROUPS[y]} {len(quiz.questions_for(y))}" for y in quiz.year_groups)
    return f"{count} ({years})"


def check(paths: Iterable[Path], echo: Callable[[str], object] = print) -> int:
    """Check every quiz folder or file in ``paths``, print the outcome, return the exit code."""
    loaded: list[tuple[Quiz, str]] = []
    broken: list[str] = []  # problems that stop the portal from starting
    for path in paths:
        try:
            loaded.extend(_load(Path(path)))
        except QuizProblems as error:
            broken.extend(error.problems)
    reviews = [review(quiz, source) for quiz, source in loaded]
    problems = broken + [problem for result in reviews for problem in result.problems]
    warnings = [warning for result in reviews for warning in result.warnings]
    quizzes = [quiz for quiz, _ in loaded]
    if problems:
        noun = "problem" if len(problems) == 1 else "problems"
        _echo_all(echo, f"Found {len(problems)} {noun} in the quiz files:", problems)
        _echo_all(echo, "Warnings (to fix when you next edit these files):", warnings)
        if broken:
            echo("Fix these and check again: the portal will not start until every file is valid.")
        else:
            echo("Fix these and check again: the tests refuse quizzes with these problems.")
        return 1
    names = ", ".join(quiz.id for quiz in quizzes)
    verb = "file is" if len(quizzes) == 1 else "files are"
    echo(f"All {len(quizzes)} quiz {verb} valid ({names}).")
    for quiz in quizzes:
        asked = f" in the bank, {DRAW_SIZE} asked each year" if quiz.audience == "staff" else ""
        echo(
            f"  {quiz.id}: {quiz.audience}, {_question_count(quiz)}{asked}, "
            f"version {quiz.version}, revision {quiz.revision}"
        )
    _echo_all(echo, "Warnings (to fix when you next edit these files):", warnings)
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
