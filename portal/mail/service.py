"""Writing email into the outbox. Delivery is sender.py's job."""

from flask import current_app, render_template
from jinja2 import TemplateNotFound
from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.orm import load_only

from portal.clock import utcnow
from portal.extensions import db
from portal.mail.models import FAILED, QUEUED, OutboxMessage

SUBJECT_MAX = 200
# What the outbox list shows: never the bodies, which may hold set-password links.
LIST_COLUMNS = (
    OutboxMessage.created_at,
    OutboxMessage.to_address,
    OutboxMessage.subject,
    OutboxMessage.status,
    OutboxMessage.attempts,
    OutboxMessage.last_error,
    OutboxMessage.sent_at,
)


def queue_email(to: str, subject: str, template: str, **context) -> OutboxMessage:
    """Render email/<template>.txt (and .html when present) into the outbox.

    It only flushes: the message commits, or rolls back, with the change that caused it.
    """
    body_text = render_template(f"email/{template}.txt", **context)
    try:
        body_html = render_template(f"email/{template}.html", **context)
    except TemplateNotFound:
        body_html = None
    # A subject is one line (a line break cannot go in a mail header) and fits its column.
    subject = " ".join(subject.split())[:SUBJECT_MAX]
    message = OutboxMessage(
        to_address=to.strip(),
        subject=subject,
        template=template,
        body_text=body_text,
        body_html=body_html,
    )
    db.session.add(message)
    db.session.flush()
    return message


def queue_emails(template: str, messages: list[tuple[str, str, dict]]) -> int:
    """Many messages from one template, each (to, subject, context), in one INSERT.

    For a mailing to every family: no ORM object or flush per message, and each template
    loaded once (so they see only ``context`` and the filters, not the request's globals).
    Only flushes.
    """
    text, html = (
        current_app.jinja_env.get_template(f"email/{template}.{kind}") for kind in ("txt", "html")
    )
    rows = [
        {
            "to_address": to.strip(),
            "subject": " ".join(subject.split())[:SUBJECT_MAX],
            "template": template,
            "body_text": text.render(context),
            "body_html": html.render(context),
        }
        for to, subject, context in messages
    ]
    if rows:
        db.session.execute(insert(OutboxMessage), rows)
    return len(rows)


def retry_failed(message_id: int) -> bool:
    """Put a failed message back in the queue; False when it was not failed."""
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == FAILED)
        .values(status=QUEUED, attempts=0, next_attempt_at=utcnow(), last_error=None)
    )
    return result.rowcount == 1


def count_by_status() -> dict[str, int]:
    """How many messages are in each status, in one query."""
    rows = db.session.execute(
        select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    ).all()
    return {status: count for status, count in rows}


def outbox_query(statuses: tuple[str, ...] = ()) -> Select:
    """Messages newest first, in any of ``statuses`` (all when empty), without their bodies."""
    query = (
        select(OutboxMessage)
        .options(load_only(*LIST_COLUMNS))
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    )
    return query.where(OutboxMessage.status.in_(statuses)) if statuses else query
