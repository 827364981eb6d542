"""`flask portal check-quizzes`: validate the quiz files, listing every problem."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.quiz.catalogue import quiz_dir
from portal.quiz.check import check


@click.command("check-quizzes")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@with_appcontext
def check_quizzes_command(paths: tuple[Path, ...]) -> None:
    """Check quiz folders or files (default: the portal's own); exit 1 on any problem.

    If the portal's quiz folder is broken the portal cannot start; use
    `python -m portal.quiz.check` then.
    """
    code = check(list(paths) or [quiz_dir(current_app)], echo=click.echo)
    if code:
        raise click.exceptions.Exit(code)


COMMANDS = [check_quizzes_command]
