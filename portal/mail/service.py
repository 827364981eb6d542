"""Writing email into the outbox. Delivery is sender.py's job."""

from flask import render_template
from jinja2 import TemplateNotFound
from sqlalchemy import update

from portal.extensions import db
from portal.mail.models import FAILED, QUEUED, OutboxMessage
from portal.people.models import utcnow


def queue_email(to: str, subject: str, template: str, **context) -> OutboxMessage:
    """Render email/<template>.txt (and .html when present) into the outbox.

    It only flushes: the message commits, or rolls back, with the change that caused it.
    """
    body_text = render_template(f"email/{template}.txt", **context)
    try:
        body_html = render_template(f"email/{template}.html", **context)
    except TemplateNotFound:
        body_html = None
    message = OutboxMessage(
        to_address=to, subject=subject, template=template, body_text=body_text, body_html=body_html
    )
    db.session.add(message)
    db.session.flush()
    return message


def retry_failed(message_id: int) -> bool:
    """Put a failed message back in the queue; False when it was not failed."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == FAILED)
        .values(status=QUEUED, attempts=0, next_attempt_at=utcnow(), last_error=None)
    )
    return result.rowcount == 1
