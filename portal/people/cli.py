"""`flask portal import-roster`: the same import as the upload page, for the IT lead and cron."""

from pathlib import Path

import click
from flask.cli import with_appcontext

from portal.clock import school_today
from portal.database import refresh_statistics
from portal.extensions import db
from portal.people.importer import import_roster, read_roster
from portal.people.roster import RosterProblems


@click.command("import-roster")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--partial",
    is_flag=True,
    help="Only add and update: pupils missing from the file are left alone.",
)
@click.option("--dry-run", is_flag=True, help="Show what would change, and write nothing.")
@with_appcontext
def import_roster_command(file: Path, partial: bool, dry_run: bool) -> None:
    """Import classes, pupils, guardians and staff from a MIS CSV export (all or nothing)."""
    full = not partial
    try:
        summary = import_roster(read_roster(file.read_bytes(), full), school_today(), full)
    except RosterProblems as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(str(problem), err=True)
        count = len(error.problems)
        click.echo(
            f"{count} problem{'s' if count != 1 else ''} in {file}: nothing was changed.", err=True
        )
        raise SystemExit(1) from None
    for change in summary.changes:
        click.echo(change)
    for line in summary.describe():
        click.echo(line)
    if dry_run:
        db.session.rollback()
        click.echo("Dry run: nothing was written.")
    else:
        db.session.commit()
        refresh_statistics()
        click.echo("Roster imported." if summary.changed else "Nothing to change.")


COMMANDS = [import_roster_command]
