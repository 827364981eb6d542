"""The outbox, as admins see it: what waits, what went, what failed, and a retry."""

from flask import Blueprint, render_template, request, url_for

from portal.auth.access import roles_required
from portal.extensions import db
from portal.htmx import fragment_or_redirect
from portal.input_rules import database_int
from portal.mail import service
from portal.mail.models import FAILED, QUEUED, SENDING, SENT, OutboxMessage
from portal.people.roles import ADMIN

bp = Blueprint("mail", __name__, url_prefix="/admin/outbox")

PER_PAGE = 50
# The tabs, by their value in ?status=. "Queued" includes messages going out right now.
FILTERS = {
    "": ("All", ()),
    QUEUED: ("Queued", (QUEUED, SENDING)),
    SENT: ("Sent", (SENT,)),
    FAILED: ("Failed", (FAILED,)),
}
STATUS_LABELS = {QUEUED: "Queued", SENDING: "Sending", SENT: "Sent", FAILED: "Failed"}


@bp.context_processor
def outbox_helpers() -> dict:
    return {"status_labels": STATUS_LABELS}


def chosen_status() -> str:
    status = request.args.get("status", "")
    return status if status in FILTERS else ""


def list_args() -> dict:
    """The tab and page the admin is on, to keep in links and to come back to."""
    args = {"status": chosen_status(), "page": request.args.get("page", type=database_int)}
    return {name: value for name, value in args.items() if value}


def tab_counts() -> dict[str, int]:
    by_status = service.count_by_status()
    counts = {
        key: sum(by_status.get(status, 0) for status in statuses)
        for key, (_, statuses) in FILTERS.items()
    }
    counts[""] = sum(by_status.values())
    return counts


@bp.get("/")
@roles_required(ADMIN)
def outbox():
    status, counts = chosen_status(), tab_counts()
    query = service.outbox_query(FILTERS[status][1])
    page = db.paginate(
        query, page=request.args.get("page", 1, type=database_int), per_page=PER_PAGE, count=False
    )
    page.total = counts[status]  # already counted, in the GROUP BY query
    return render_template(
        "mail/outbox.html", page=page, counts=counts, filters=FILTERS, tab=status, back=list_args()
    )


@bp.post("/<int:message_id>/retry")
@roles_required(ADMIN)
def retry(message_id: int):
    message = db.get_or_404(OutboxMessage, message_id)
    if service.retry_failed(message.id):
        db.session.commit()
        note, category = f"The message to {message.to_address} is back in the queue.", "success"
    else:
        note, category = "That message had not failed, so there was nothing to retry.", "info"
    return fragment_or_redirect(
        "mail/_row.html",
        url_for("mail.outbox", **list_args()),
        note,
        category,
        focus_after_swap=f"#message-{message.id}-status",  # its new status, then Tab goes on
        message=message,
        back=list_args(),
        counts=tab_counts(),
        filters=FILTERS,
        tab=chosen_status(),
    )
