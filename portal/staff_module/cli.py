"""`flask portal send-reminders`: for cron, e.g. every weekday morning."""

from datetime import date

import click
from flask import current_app

from portal.extensions import db
from portal.staff_module.reminders import send_reminders
from portal.staff_module.status import settings


@click.command("send-reminders")
def send_reminders_command() -> None:
    """Queue reminder emails to staff whose module is outstanding (at most one per interval)."""
    config = current_app.config
    queued, skipped = send_reminders(
        date.today(), settings(), config["REMINDER_INTERVAL_DAYS"], config["SCHOOL_NAME"]
    )
    db.session.commit()
    click.echo(
        f"Queued {queued} reminders; {skipped} outstanding were reminded recently. "
        "`flask portal send-mail` delivers them."
    )


COMMANDS = [send_reminders_command]
