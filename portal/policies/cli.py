"""`flask portal install-content`: put the shipped policy texts in the database (first run)."""

from datetime import date

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from portal.extensions import db
from portal.policies.models import Policy
from portal.policies.service import review_alerts
from portal.policies.shipped import install_shipped_policies


@click.command("install-content")
@with_appcontext
def install_content_command() -> None:
    """Add the shipped policies that are missing. Safe to run again: it never overwrites."""
    today = date.today()
    before = set(db.session.scalars(select(Policy.slug)))
    added = install_shipped_policies(today)
    db.session.commit()
    for policy in db.session.scalars(select(Policy).order_by(Policy.title)):
        if policy.slug not in before:
            click.echo(f"Added {policy.title} (version 1).")
    click.echo(
        f"{added} polic{'y' if added == 1 else 'ies'} added."
        if added
        else "Every shipped policy is already installed: nothing to add."
    )
    for alert in review_alerts(today):
        when = "is overdue" if alert.status == "overdue" else f"is due in {alert.days} days"
        click.echo(f"Note: the review of the {alert.policy.title} {when}.")


COMMANDS = [install_content_command]
