"""The register pages: the list, a new entry, and an entry with its history and actions."""

import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.admin.listing import page_of, read_state
from portal.auth.access import roles_required
from portal.clock import school_today
from portal.extensions import db
from portal.formatting import long_date
from portal.htmx import page_or_fragment
from portal.people.models import Staff
from portal.people.roles import CLASS_STAFF, GOVERNOR
from portal.register import service
from portal.register.forms import ApproveForm, DeclineForm, EntryForm, RetireForm, ReviewForm
from portal.register.listing import REGISTER_SPEC, STATUS_OPTIONS, entries_query
from portal.register.models import RiskAssessment

bp = Blueprint("register", __name__, url_prefix="/register")

# Teachers and leaders add entries; governors read the register (it holds no pupil data).
READERS = (*CLASS_STAFF, GOVERNOR)


def signed_in_staff() -> Staff:
    return db.session.get(Staff, current_user.id)


@bp.get("/")
@roles_required(*READERS)
def index():
    state, today = read_state(REGISTER_SPEC), school_today()
    results = page_of(entries_query(state, today), state)
    return page_or_fragment(
        "register/index.html",
        "register/_results.html",
        state=state,
        results=results,
        entries=[row.RiskAssessment for row in results.rows],
        status_options=STATUS_OPTIONS,
        may_add=current_user.has_role(*CLASS_STAFF),
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*CLASS_STAFF)
def new():
    staff = signed_in_staff()
    form, message = entry_form(staff), None
    if form.validate_on_submit():
        try:
            entry = service.add_entry(entry_from(form), staff)
        except service.RegisterProblem as problem:
            db.session.rollback()
            message = str(problem)
        else:
            db.session.commit()
            flash(f"Added {entry.tool} to the register. It now awaits approval.", "success")
            return redirect(url_for("register.show", entry_id=entry.id), 303)
    return render_template(
        "register/new.html",
        form=form,
        message=message,
        whole_school=service.may_choose_whole_school(staff),
    ), 422 if form.errors or message else 200


def entry_form(staff: Staff) -> EntryForm:
    form = EntryForm()
    form.classes.choices = [(c.id, c.name) for c in service.class_choices(staff)]
    if request.method == "GET":
        form.submission_key.data = str(uuid.uuid4())
    return form


def entry_from(form: EntryForm) -> service.NewEntry:
    return service.NewEntry(
        submission_key=form.submission_key.data,
        tool=form.tool.data.strip(),
        class_ids=tuple(form.classes.data or ()),
        whole_school=bool(form.whole_school.data),
        purpose=form.purpose.data.strip(),
        risks=form.risks.data.strip(),
    )


@bp.get("/<int:entry_id>")
@roles_required(*READERS)
def show(entry_id: int):
    return entry_page(db.get_or_404(RiskAssessment, entry_id))


def entry_page(entry: RiskAssessment, status: int = 200, message: str | None = None, **forms):
    """The entry, its history, and the actions this person may take (forms keep their input)."""
    may_decide = current_user.has_role(*service.DECIDERS)
    blank = {
        "approve_form": ApproveForm(formdata=None),
        "decline_form": DeclineForm(formdata=None),
        "review_form": ReviewForm(formdata=None, due_on=entry.review_due_on),
        "retire_form": RetireForm(formdata=None),
    }
    return render_template(
        "register/show.html",
        entry=entry,
        may_decide=may_decide,
        message=message,
        review_due_if_approved=service.review_due_from(school_today()),
        **(blank | forms),
    ), status


def decision(form_class, action, done: str):
    """Run one decision: 404 for an unknown entry; the form's errors, or a kind refusal, on
    the entry page; otherwise commit and go back to the entry."""

    def view(entry_id: int):
        entry = db.get_or_404(RiskAssessment, entry_id)
        form = form_class()
        name = f"{form_class.__name__.removesuffix('Form').lower()}_form"
        if not form.validate_on_submit():
            return entry_page(entry, 422, **{name: form})
        try:
            action(entry, signed_in_staff(), form)
        except service.RegisterProblem as problem:
            db.session.rollback()
            if not problem.repeated:
                return entry_page(db.get_or_404(RiskAssessment, entry_id), 409, str(problem))
        else:
            db.session.commit()
        flash(done.format(tool=entry.tool, due=long_date(entry.review_due_on)), "success")
        return redirect(url_for("register.show", entry_id=entry_id), 303)

    view.__name__ = action.__name__
    return roles_required(*service.DECIDERS)(view)


def _approve(entry, staff, form):
    service.approve(entry, staff, school_today())


def _decline(entry, staff, form):
    service.decline(entry, staff, form.reason.data.strip())


def _review(entry, staff, form):
    service.review(entry, staff, form.due_on.data, form.review_note.data.strip(), school_today())


def _retire(entry, staff, form):
    service.retire(entry, staff, (form.retire_note.data or "").strip())


# Each decision on an entry: its address, its form, what it does and what the page then says.
DECISIONS = (
    ("approve", ApproveForm, _approve, "Approved {tool}. Its review is due on {due}."),
    ("decline", DeclineForm, _decline, "Declined {tool}. The reason is kept with the entry."),
    ("review", ReviewForm, _review, "Review recorded. The next review of {tool} is due on {due}."),
    ("retire", RetireForm, _retire, "Retired {tool}. It stays in the register's history."),
)
for name, form_class, act, said in DECISIONS:
    bp.add_url_rule(
        f"/<int:entry_id>/{name}", name, decision(form_class, act, said), methods=["POST"]
    )
