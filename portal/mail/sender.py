"""Drains the outbox over SMTP.

Each message is claimed with a compare-and-set UPDATE committed before the SMTP
conversation, so two workers never send the same message. A worker that dies
mid-conversation leaves the message "sending"; after a while it is marked failed
for an admin to check and retry, rather than risk sending it twice.
"""

import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import select, update

from portal.extensions import db
from portal.mail.models import FAILED, QUEUED, SENDING, SENT, OutboxMessage
from portal.people.models import utcnow

# Minutes to wait after the 1st, 2nd, ... failed attempt; then the message fails for good.
BACKOFF_MINUTES = (1, 5, 15, 60, 180, 720)
STALE_CLAIM = timedelta(minutes=30)


def backoff(attempts: int) -> timedelta | None:
    """Wait before the next attempt, or None when attempts are used up."""
    if attempts > len(BACKOFF_MINUTES):
        return None
    return timedelta(minutes=BACKOFF_MINUTES[attempts - 1])


def build_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}")
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
        if config["SMTP_TLS"] == "starttls":
            smtp.starttls(context=ssl.create_default_context())
    if config["SMTP_USER"]:
        smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
    return smtp


def claim(message_id: int, now: datetime) -> bool:
    """Take a queued message for this worker; False when another worker has it."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == QUEUED)
        .values(status=SENDING, claimed_at=now)
    )
    db.session.commit()
    return result.rowcount == 1


def _record_failure(message: OutboxMessage, error: Exception, now: datetime, permanent: bool):
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:500]
    wait = None if permanent else backoff(message.attempts)
    if wait is None:
        message.status = FAILED
    else:
        message.status, message.next_attempt_at = QUEUED, now + wait


def fail_stale_claims(now: datetime) -> int:
    """Messages left "sending" by a worker that stopped: fail them for a person to check."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == SENDING, OutboxMessage.claimed_at < now - STALE_CLAIM)
        .values(status=FAILED, last_error="Interrupted while sending: check before retrying.")
    )
    db.session.commit()
    return result.rowcount


def deliver_pending(config: dict, now: datetime | None = None, limit: int = 100) -> dict:
    """Send what is due; returns counts of sent, retrying and failed messages."""
    now = now or utcnow()
    counts = {"sent": 0, "retrying": 0, "failed": fail_stale_claims(now)}
    due = db.session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status == QUEUED, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    db.session.commit()
    smtp = None
    try:
        for message_id in due:
            if not claim(message_id, now):
                continue
            message = db.session.get(OutboxMessage, message_id)
            try:
                smtp = smtp or open_smtp(config)
                smtp.send_message(build_email(message, config["MAIL_SENDER"]))
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError) as error:
                _record_failure(message, error, now, permanent=not _is_temporary(error))
            except (OSError, smtplib.SMTPException) as error:
                _record_failure(message, error, now, permanent=False)
                smtp = _drop(smtp)
            else:
                message.status, message.sent_at, message.last_error = SENT, utcnow(), None
            counts[_outcome(message)] += 1
            db.session.commit()
    finally:
        _drop(smtp)
    return counts


def _outcome(message: OutboxMessage) -> str:
    return {SENT: "sent", QUEUED: "retrying"}.get(message.status, "failed")


def _is_temporary(error: smtplib.SMTPException) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _ in error.recipients.values())
    return 400 <= getattr(error, "smtp_code", 500) < 500


def _drop(smtp):
    if smtp is not None:
        try:
            smtp.quit()
        except (OSError, smtplib.SMTPException):
            smtp.close()
    return None
