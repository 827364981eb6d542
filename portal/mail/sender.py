"""Drains the outbox over SMTP.

Each message is claimed with a compare-and-set UPDATE committed before the SMTP
conversation, so two workers never send the same message. A worker that dies
mid-conversation leaves the message "sending"; after a while it is marked failed
for an admin to check and retry, rather than risk sending it twice.
"""

import smtplib
import ssl
from collections.abc import Callable
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, parseaddr

from sqlalchemy import select, update

from portal.clock import utcnow
from portal.extensions import db
from portal.mail.models import FAILED, QUEUED, SENDING, SENT, OutboxMessage

# Minutes to wait after the 1st, 2nd, ... failed attempt; then the message fails for good.
BACKOFF_MINUTES = (1, 5, 15, 60, 180, 720)
STALE_CLAIM = timedelta(minutes=30)
SMTP_ERRORS = (OSError, smtplib.SMTPException)


def backoff(attempts: int) -> timedelta | None:
    """Wait before the next attempt, or None when attempts are used up."""
    if attempts > len(BACKOFF_MINUTES):
        return None
    return timedelta(minutes=BACKOFF_MINUTES[attempts - 1])


def message_id(message: OutboxMessage, sender: str) -> str:
    """The same Message-ID on every attempt, so a receiver can spot a repeat."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    return f"<outbox-{message.id}.{message.created_at:%Y%m%d%H%M%S%f}@{domain}>"


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=True)
    email["Message-ID"] = message_id(message, sender)
    # Tells mail systems not to answer with out-of-office replies.
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    return email


def open_smtp(config: dict) -> smtplib.SMTP:
    host, port, timeout = config["SMTP_HOST"], int(config["SMTP_PORT"]), config["SMTP_TIMEOUT"]
    if config["SMTP_TLS"] == "ssl":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if config["SMTP_TLS"] == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        if config["SMTP_USER"]:
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


class Mailer:
    """One SMTP connection for a run: opened when first needed, dropped after any error."""

    def __init__(self, config: dict):
        self.config, self.smtp, self.unreachable = config, None, False

    def send(self, email: EmailMessage) -> None:
        if self.smtp is None:
            try:
                self.smtp = open_smtp(self.config)
            except SMTP_ERRORS:
                self.unreachable = True
                raise
        try:
            # Once the message is sent, the server may scan it before answering; a timeout
            # then cannot tell "kept" from "lost", so wait as long as RFC 5321 asks.
            self.smtp.sock.settimeout(self.config["SMTP_DATA_TIMEOUT"])
            self.smtp.send_message(email)
            self.smtp.sock.settimeout(self.config["SMTP_TIMEOUT"])
        except SMTP_ERRORS:
            self.close()
            raise

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except SMTP_ERRORS:
                self.smtp.close()
        self.smtp = None


def claim(message_id: int, now: datetime) -> bool:
    """Take a due, queued message for this worker; False when another worker has it.

    The WHERE clause repeats "due": another worker may have tried it and put it back
    to wait since this worker listed it.
    """
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == QUEUED,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(status=SENDING, claimed_at=now)
    )
    db.session.commit()
    return result.rowcount == 1


def fail_stale_claims(now: datetime) -> int:
    """Messages left "sending" by a worker that stopped: fail them for a person to check."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == SENDING, OutboxMessage.claimed_at < now - STALE_CLAIM)
        .values(status=FAILED, last_error="Interrupted while sending: check before retrying.")
    )
    db.session.commit()
    return result.rowcount


def due_ids(now: datetime, limit: int) -> list[int]:
    ids = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == QUEUED, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.commit()
    return list(ids)


def deliver_pending(
    config: dict,
    now: datetime | None = None,
    limit: int = 100,
    stop: Callable[[], bool] | None = None,
) -> dict:
    """Send what is due; returns counts of sent, retrying and failed messages.

    ``now`` lets tests stand in the future; the clock still runs from there, so
    claims and back-off are stamped with the time each message is really tried.
    ``stop`` is asked before each message, so a worker can finish cleanly.
    """
    skew = (now - utcnow()) if now else timedelta(0)
    counts = {"sent": 0, "retrying": 0, "failed": fail_stale_claims(utcnow() + skew)}
    mailer = Mailer(config)
    try:
        for message_id in due_ids(utcnow() + skew, limit):
            if stop is not None and stop():
                break
            if not claim(message_id, utcnow() + skew):
                continue
            counts[deliver(message_id, mailer, skew)] += 1
            if mailer.unreachable:
                break  # the server is down: the rest wait for the next run
    finally:
        mailer.close()
    return counts


def deliver(message_id: int, mailer: Mailer, skew: timedelta) -> str:
    """Try one claimed message and record the outcome: "sent", "retrying" or "failed"."""
    message = db.session.get(OutboxMessage, message_id)
    message.attempts += 1
    try:
        mailer.send(build_email(message, mailer.config["MAIL_SENDER"]))
    except (*SMTP_ERRORS, ValueError) as error:
        _record_failure(message, error, utcnow() + skew, permanent=is_permanent(error))
    else:
        message.status, message.sent_at, message.last_error = SENT, utcnow() + skew, None
    outcome = {SENT: "sent", QUEUED: "retrying"}.get(message.status, "failed")
    # Read before the commit: after it, reading the row would open a new transaction,
    # left idle until the next poll (and holding up migrations on PostgreSQL).
    db.session.commit()
    return outcome


def _record_failure(message: OutboxMessage, error: Exception, now: datetime, permanent: bool):
    message.last_error = f"{type(error).__name__}: {error}"[:500]
    wait = None if permanent else backoff(message.attempts)
    if wait is None:
        message.status = FAILED
    else:
        message.status, message.next_attempt_at = QUEUED, now + wait


def is_permanent(error: Exception) -> bool:
    """True when retrying this message cannot help: a 5xx answer about its recipient
    or content, or a message that cannot be written as email at all.

    Anything else (server down, 4xx, a refused login or sender) is worth retrying:
    it is about the server or the settings, which someone can put right.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return not codes or any(code >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return isinstance(error, ValueError | smtplib.SMTPNotSupportedError)
