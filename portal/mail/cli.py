"""`flask portal send-mail` and `flask portal send-test-email`."""

import signal
import threading
from collections.abc import Callable
from contextlib import contextmanager

import click
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from portal.clock import utcnow
from portal.extensions import db
from portal.mail import sender
from portal.mail.service import queue_email


@contextmanager
def stop_on_signals():
    """An Event that SIGTERM or SIGINT sets; a second signal stops at once."""
    stopping = threading.Event()

    def handle(signum, frame):
        if stopping.is_set():
            raise KeyboardInterrupt
        stopping.set()
        click.echo("Stopping after the current message.", err=True)

    if threading.current_thread() is not threading.main_thread():
        yield stopping  # signals only reach the main thread
        return
    previous = {number: signal.signal(number, handle) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield stopping
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def send_batch(limit: int, stop: Callable[[], bool]) -> dict:
    return sender.deliver_pending(current_app.config, limit=limit, stop=stop)


def report(counts: dict) -> None:
    click.echo(f"{counts['sent']} sent, {counts['retrying']} retrying, {counts['failed']} failed.")


def keep_sending(limit: int, interval: float, stopping: threading.Event) -> None:
    """Check every ``interval`` seconds (at once after a full batch) until stopped."""
    while not stopping.is_set():
        try:
            counts = send_batch(limit, stopping.is_set)
            if any(counts.values()):
                report(counts)
        except SQLAlchemyError:
            # The database may be restarting: the worker outlives it and tries again.
            db.session.rollback()
            current_app.logger.exception("send-mail: database error; trying again")
            counts = {}
        if sum(counts.values()) < limit:
            stopping.wait(interval)


@click.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep running until stopped (SIGTERM or Ctrl+C).")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=10,
    show_default=True,
    help="Seconds between checks for due mail, with --loop.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Most messages to try in one batch.",
)
def send_mail_command(loop: bool, interval: float, limit: int) -> None:
    """Deliver due email from the outbox over SMTP, with retries and back-off."""
    with stop_on_signals() as stopping:
        if not loop:
            report(send_batch(limit, stopping.is_set))
            return
        click.echo(f"Sending mail every {interval:g} seconds. Stop with Ctrl+C or SIGTERM.")
        keep_sending(limit, interval, stopping)
        click.echo("Stopped.")


@click.command("send-test-email")
@click.argument("address")
def send_test_email_command(address: str) -> None:
    """Queue one test message to ADDRESS, to check the school's email settings."""
    try:
        address = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise click.BadParameter(str(error), param_hint="ADDRESS") from error
    school = current_app.config["SCHOOL_NAME"]
    queue_email(
        address,
        f"Test message from the {school} Online-Safety Portal",
        "test_message",
        school_name=school,
        queued_at=utcnow(),
    )
    db.session.commit()
    click.echo(
        f"Queued a test message to {address}. "
        "`flask portal send-mail` (or the running worker) will deliver it."
    )


COMMANDS = [send_mail_command, send_test_email_command]
