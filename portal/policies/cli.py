"""`flask portal install-content`: put the shipped policy texts in the database (first run),
and the shipped corrections to them (each upgrade)."""

import click
from flask.cli import with_appcontext

from portal.clock import school_today
from portal.extensions import db
from portal.formatting import long_date
from portal.policies.service import review_alerts
from portal.policies.shipped import install_shipped_policies


@click.command("install-content")
@with_appcontext
def install_content_command() -> None:
    """Add the shipped policies that are missing, and publish shipped corrections where the
    school still has the text they correct. Safe to run again: it never overwrites."""
    today = school_today()
    installed = install_shipped_policies(today)
    db.session.commit()
    for title in installed.added:
        click.echo(f"Added {title} (version 1).")
    added = len(installed.added)
    click.echo(
        f"{added} polic{'y' if added == 1 else 'ies'} added."
        if added
        else "Every shipped policy is already installed: nothing to add."
    )
    for version in installed.corrected:
        click.echo(
            f"Published a correction to the {version.policy.title} as {version.label}, "
            f"in force from {long_date(version.effective_on)} ({version.change_kind} change): "
            f"{version.change_summary}"
        )
    for version in installed.left_to_the_school:
        click.echo(
            f"Note: the portal ships a correction to the {version.policy.title}, but the school "
            f"has published its own text ({version.label}), so nothing was changed. Compare it "
            "with content/policies in the portal's files and publish the correction if it applies."
        )
    for alert in review_alerts(today):
        when = "is overdue" if alert.status == "overdue" else f"is due in {alert.days} days"
        click.echo(f"Note: the review of the {alert.policy.title} {when}.")


COMMANDS = [install_content_command]
