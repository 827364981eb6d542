"""`flask portal ...`: the commands an IT lead and cron use. They call the same services."""

import click
from flask import current_app
from flask.cli import AppGroup

from portal.clock import school_today, utcnow
from portal.config import reminder_days
from portal.extensions import db
from portal.parents.campaign import MailSettings
from portal.parents.reminders import send_parent_reminders
from portal.staff_module.reminders import send_reminders
from portal.staff_module.status import settings

cli = AppGroup("portal", help="Online-Safety Portal commands.")


# Here rather than in a feature's cli.py: staff and parents stay independent of each other.
@click.command("send-reminders")
def send_reminders_command() -> None:
    """For cron, e.g. every weekday morning: reminders to staff whose module is outstanding
    (at most one per interval), and for the parents' campaign, invites for late joiners and
    reminders to guardians who have not answered."""
    config, today = current_app.config, school_today()
    queued, skipped = send_reminders(
        today, settings(), config["REMINDER_INTERVAL_DAYS"], config["SCHOOL_NAME"]
    )
    db.session.commit()
    parents = send_parent_reminders(
        today,
        utcnow(),
        reminder_days(config["PARENT_REMINDER_DAYS"]),
        MailSettings.from_config(config),
    )
    db.session.commit()
    if parents.campaign_open:
        said = (
            f"parents: {parents.late_joiners} late joiners invited, {parents.first_emails} "
            f"first emails and {parents.reminders} reminders queued."
        )
    else:
        said = "parents: no campaign is open."
    click.echo(
        f"Queued {queued} staff reminders; {skipped} outstanding were reminded recently; {said} "
        "`flask portal send-mail` delivers them."
    )


def register_commands() -> None:
    """Each feature keeps its commands in its own cli.py; they all hang off `flask portal`."""
    from portal import demo, demo_large
    from portal.auth import cli as auth_cli
    from portal.mail import cli as mail_cli
    from portal.people import cli as people_cli
    from portal.policies import cli as policies_cli
    from portal.quiz import cli as quiz_cli

    for module in (auth_cli, people_cli, mail_cli, policies_cli, quiz_cli, demo, demo_large):
        for command in getattr(module, "COMMANDS", ()):
            cli.add_command(command)
    cli.add_command(send_reminders_command)
