"""The register of social media tools used in lessons: add, approve or decline, review, retire."""

import re
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from portal.clock import school_today
from portal.extensions import db
from portal.people.roles import ESAFETY_LEAD, GOVERNOR, HEAD_TEACHER, STAFF, TEACHER
from portal.policies.service import add_months
from portal.register.models import RiskAssessment, RiskAssessmentEvent
from portal.register.service import NewEntry, add_entry, approve
from tests.helpers.builders import (
    install_content,
    make_class,
    make_pupil,
    make_staff,
    open_class_session,
    seat_pupil,
)
from tests.helpers.checkers import assert_valid_html
from tests.helpers.concurrency import Browser, at_once
from tests.helpers.queries import counting_queries
from tests.helpers.web import body_of, post_form, sign_in, with_classroom

TODAY = school_today()
BLOG = {
    "tool": "The Oak class blog",
    "purpose": "Write posts about our science week; the teacher checks each before it shows.",
    "risks": "Only first names; no photos of faces; comments off; pupils tell the teacher.",
}


@pytest.fixture
def oak(app):
    return make_class("Oak", 3)


@pytest.fixture
def teacher(oak):
    return make_staff("teacher@school.test", roles=(TEACHER,), name="Tess Teacher", classes=[oak])


@pytest.fixture
def lead(app):
    return make_staff("lead@school.test", roles=(ESAFETY_LEAD,), name="Lee Lead")


def as_(client, person):
    """A fresh browser signed in as ``person``."""
    browser = client.application.test_client()
    sign_in(browser, person.email)
    return browser


def new_form(client) -> dict:
    """The add form's hidden key, as the browser would send it back."""
    page = body_of(client.get("/register/new"))
    return {"submission_key": re.search(r'name="submission_key"[^>]*value="([^"]+)"', page)[1]}


def add(client, oak, **changes):
    """Send the add form; a change to None leaves that field out, as an unticked box."""
    data = {**new_form(client), **BLOG, "classes": str(oak.id), **changes}
    return post_form(client, "/register/new", {k: v for k, v in data.items() if v is not None})


def an_entry(teacher, oak, tool="The Oak class blog") -> RiskAssessment:
    entry = add_entry(
        NewEntry(str(uuid.uuid4()), tool, (oak.id,), False, BLOG["purpose"], BLOG["risks"]),
        teacher,
    )
    db.session.commit()
    return entry


def approved_entry(teacher, oak, lead, tool="The Oak class blog") -> RiskAssessment:
    entry = an_entry(teacher, oak, tool)
    approve(entry, lead, TODAY)
    db.session.commit()
    return entry


def entries() -> int:
    return db.session.scalar(select(func.count(RiskAssessment.id)))


def state_of(entry_id: int) -> RiskAssessment:
    db.session.expire_all()
    return db.session.get(RiskAssessment, entry_id)


def time_passes(entry_id: int, days_overdue: int) -> None:
    """A year goes by: the review fell due ``days_overdue`` days ago."""
    db.session.execute(
        update(RiskAssessment)
        .where(RiskAssessment.id == entry_id)
        .values(review_due_on=TODAY - timedelta(days=days_overdue))
    )
    db.session.commit()


def test_a_tool_is_added_approved_falls_overdue_is_reviewed_and_retired(client, oak, teacher, lead):
    install_content()  # the evidence pack shows the policies too
    head = make_staff("head@school.test", roles=(HEAD_TEACHER,))
    response = add(as_(client, teacher), oak)
    assert response.status_code == 303
    entry_id = int(response.location.rsplit("/", 1)[1])
    assert state_of(entry_id).status == "awaiting"

    leads = as_(client, lead)
    page = body_of(leads.get(f"/register/{entry_id}"))
    assert "Awaiting approval" in page and "Tess Teacher" in page and "Approve it" in page
    approved = post_form(leads, f"/register/{entry_id}/approve", follow_redirects=True)
    due = add_months(TODAY, 12)
    assert f"Its review is due on {due.day} {due:%B %Y}" in body_of(approved)
    entry = state_of(entry_id)
    assert (entry.status, entry.review_due_on, entry.decided_by_id) == ("approved", due, lead.id)

    time_passes(entry_id, 3)
    heads = as_(client, head)
    home = body_of(heads.get("/"))
    assert "1 risk assessment overdue for review" in home
    assert 'href="/register/?status=overdue"' in home
    overdue_list = body_of(heads.get("/register/?status=overdue"))
    assert "The Oak class blog" in overdue_list and "Overdue for review" in overdue_list
    evidence = body_of(heads.get("/admin/evidence"))
    tools = evidence.split('id="evidence-tools"')[1].split("</section>")[0]
    assert "The Oak class blog" in tools and "Overdue" in tools and "1 of 1 is overdue" in tools

    reviewed = post_form(
        leads,
        f"/register/{entry_id}/review",
        {"due_on": state_of(entry_id).review_due_on.isoformat(), "review_note": "Still safe."},
    )
    assert reviewed.status_code == 303
    assert state_of(entry_id).review_due_on == due  # a year from the review, today
    assert "overdue for review" not in body_of(heads.get("/"))
    evidence = body_of(heads.get("/admin/evidence"))
    assert "Overdue" not in evidence.split('id="evidence-tools"')[1].split("</section>")[0]

    retired = post_form(leads, f"/register/{entry_id}/retire", {"retire_note": "Moved on."})
    assert retired.status_code == 303 and state_of(entry_id).status == "retired"
    assert "The Oak class blog" in body_of(heads.get("/register/?status=retired"))
    history = body_of(heads.get(f"/register/{entry_id}"))
    for line in ("Asked for approval", "Approved by Lee Lead", "Reviewed by", "Still safe."):
        assert line in history
    assert "Retired by" in history and "Moved on." in history
    kinds = db.session.scalars(select(RiskAssessmentEvent.kind).order_by(RiskAssessmentEvent.id))
    assert list(kinds) == ["requested", "approved", "reviewed", "retired"]


def test_a_declined_tool_keeps_its_reason(client, oak, teacher, lead):
    entry = an_entry(teacher, oak)
    response = post_form(
        as_(client, lead), f"/register/{entry.id}/decline", {"reason": "Comments cannot be off."}
    )
    assert response.status_code == 303
    declined = state_of(entry.id)
    assert (declined.status, declined.decline_reason) == ("declined", "Comments cannot be off.")
    assert "Comments cannot be off." in body_of(as_(client, teacher).get(f"/register/{entry.id}"))


def test_a_teacher_adds_and_reads_but_cannot_decide(client, oak, teacher, lead):
    entry = an_entry(teacher, oak)
    teachers = as_(client, teacher)
    page = body_of(teachers.get(f"/register/{entry.id}"))
    assert "Approve it" not in page and "Decline it" not in page
    assert "Tools in lessons" in body_of(teachers.get("/"))
    for action in ("approve", "decline", "review", "retire"):
        assert post_form(teachers, f"/register/{entry.id}/{action}").status_code == 403
    assert state_of(entry.id).status == "awaiting"


def test_governors_read_the_register_only(client, oak, teacher, lead):
    entry = approved_entry(teacher, oak, lead)
    governor = as_(client, make_staff(roles=(GOVERNOR,)))
    assert "The Oak class blog" in body_of(governor.get("/register/"))
    page = body_of(governor.get(f"/register/{entry.id}"))
    assert "Record the review" not in page and "Add a tool" not in page
    assert governor.get("/register/new").status_code == 403
    assert post_form(governor, f"/register/{entry.id}/retire").status_code == 403
    assert state_of(entry.id).status == "approved"


def test_nobody_else_opens_any_of_it(client, oak, teacher):
    with_classroom(client.application)
    entry = an_entry(teacher, oak)
    pages = ["/register/", "/register/new", f"/register/{entry.id}"]
    for url in pages:  # a parent or anyone not signed in is sent to sign in
        assert client.get(url).status_code == 302
        assert "/sign-in" in client.get(url).location
    assert post_form(client, f"/register/{entry.id}/approve").status_code == 302
    pupil = client.application.test_client()
    seat_pupil(pupil, open_class_session(oak, teacher), make_pupil(oak))
    assert body_of(pupil.get("/test-only/whoami"))  # a pupil signed in on this device
    for url in pages:
        assert "/sign-in" in pupil.get(url).location
    staff_only = as_(client, make_staff(roles=(STAFF,)))
    for url in pages:
        assert staff_only.get(url).status_code == 403
    assert "Tools in lessons" not in body_of(staff_only.get("/"))


@pytest.mark.parametrize(
    "changes, problem",
    [
        ({"tool": ""}, "Name the tool."),
        ({"purpose": "  "}, "Say what pupils will do with it."),
        ({"risks": ""}, "Describe the risks and how they are managed."),
        ({"classes": None}, "Choose the class or classes that will use it."),
        ({"tool": "x" * 121}, "Keep the name under 120 characters."),
        ({"risks": "x" * 5001}, "Keep it under 5,000 characters."),
        ({"classes": "999999"}, "not a valid choice"),
        ({"submission_key": "not-a-key"}, "This form was damaged."),
    ],
)
def test_bad_input_adds_nothing_and_says_why(client, oak, teacher, changes, problem):
    response = add(as_(client, teacher), oak, **changes)
    assert response.status_code == 422
    assert problem in body_of(response, 422)
    assert entries() == 0


def test_a_teacher_adds_only_for_their_own_classes(client, oak, teacher):
    ash = make_class("Ash", 4)
    teachers = as_(client, teacher)
    response = add(teachers, oak, classes=str(ash.id))
    assert response.status_code == 422 and entries() == 0
    response = add(teachers, oak, whole_school="y", classes=None)
    assert "Only the school leaders" in body_of(response, 422) and entries() == 0


def test_a_leader_adds_a_tool_for_the_whole_school(client, oak, lead):
    response = add(as_(client, lead), oak, whole_school="y", classes=None)
    assert response.status_code == 303
    assert "Whole school" in body_of(as_(client, lead).get("/register/"))


def test_the_same_form_sent_twice_adds_one_entry(client, oak, teacher):
    teachers = as_(client, teacher)
    data = {**new_form(teachers), **BLOG, "classes": str(oak.id)}
    first = post_form(teachers, "/register/new", data)
    second = post_form(teachers, "/register/new", data)
    assert first.status_code == second.status_code == 303
    assert first.location == second.location and entries() == 1


def test_a_tampered_id_finds_nothing_and_changes_nothing(client, oak, teacher, lead):
    entry = an_entry(teacher, oak)
    leads = as_(client, lead)
    for url in ("/register/999999", "/register/abc", "/register/9999999999999"):
        assert leads.get(url).status_code == 404
    assert post_form(leads, "/register/999999/approve").status_code == 404
    assert post_form(leads, f"/register/{entry.id}/review", {"due_on": "nonsense"}).status_code in (
        400,
        422,
    )
    assert state_of(entry.id).status == "awaiting"


def test_a_decision_already_taken_by_someone_else_is_kindly_refused(client, oak, teacher, lead):
    entry = an_entry(teacher, oak)
    head = make_staff("head@school.test", roles=(HEAD_TEACHER,), name="Hana Head")
    heads, leads = as_(client, head), as_(client, lead)
    heads.get(f"/register/{entry.id}")  # both open the page while it awaits approval
    assert post_form(leads, f"/register/{entry.id}/approve").status_code == 303
    late = post_form(heads, f"/register/{entry.id}/decline", {"reason": "Too risky."})
    page = body_of(late, 409)
    assert "Lee Lead had already approved this entry" in page and "nothing was changed" in page
    assert state_of(entry.id).status == "approved"
    assert state_of(entry.id).decline_reason is None


def test_two_leads_deciding_at_once_make_one_decision(live_server, oak, teacher, lead):
    """Real overlapping requests: one approval or one decline wins, the others change nothing."""
    entry = an_entry(teacher, oak)
    head = make_staff("head@school.test", roles=(HEAD_TEACHER,))
    page = f"/register/{entry.id}"
    actions = [
        Browser(live_server).sign_in(email).poster(f"{page}/{verb}", data, page=page)
        for email, verb, data in [
            (lead.email, "approve", {}),
            (head.email, "decline", {"reason": "Too risky."}),
            (lead.email, "approve", {}),
            (head.email, "decline", {"reason": "Too risky."}),
        ]
    ]
    responses = at_once(actions)
    assert all(r.status_code in (303, 409) for r in responses), [r.status_code for r in responses]
    db.session.rollback()  # see what the server's requests committed
    kinds = db.session.scalars(select(RiskAssessmentEvent.kind)).all()
    assert sorted(kinds) in (["approved", "requested"], ["declined", "requested"])
    assert state_of(entry.id).status in ("approved", "declined")


def test_a_double_click_approves_or_reviews_once(client, oak, teacher, lead):
    entry = an_entry(teacher, oak)
    leads = as_(client, lead)
    for _ in range(2):
        assert post_form(leads, f"/register/{entry.id}/approve").status_code == 303
    time_passes(entry.id, 3)
    due = state_of(entry.id).review_due_on.isoformat()
    for _ in range(2):
        sent = {"due_on": due, "review_note": "Checked."}
        assert post_form(leads, f"/register/{entry.id}/review", sent).status_code == 303
    kinds = db.session.scalars(select(RiskAssessmentEvent.kind).order_by(RiskAssessmentEvent.id))
    assert list(kinds) == ["requested", "approved", "reviewed"]


def test_a_review_needs_a_note(client, oak, teacher, lead):
    entry = approved_entry(teacher, oak, lead)
    due = state_of(entry.id).review_due_on
    sent = {"due_on": due.isoformat(), "review_note": ""}
    response = post_form(as_(client, lead), f"/register/{entry.id}/review", sent)
    assert "Say what the review found." in body_of(response, 422)
    assert state_of(entry.id).review_due_on == due


def test_the_list_costs_the_same_sql_with_more_entries(client, oak, teacher, lead):
    readers = as_(client, lead)

    def statements_with(more: int) -> int:
        for n in range(more):
            entry = an_entry(teacher, oak, f"Tool {n}")
            if n % 2:
                approve(entry, lead, TODAY)
                db.session.commit()
        with counting_queries() as statements:
            body_of(readers.get("/register/?sort=due"))
        return len(statements)

    assert statements_with(3) == statements_with(30)


@pytest.mark.html_validator
def test_the_register_pages_are_valid_html(client, oak, teacher, lead, tmp_path):
    install_content()
    awaiting = an_entry(teacher, oak)
    approved = approved_entry(teacher, oak, lead, "A class wiki")
    leads = as_(client, lead)
    pages = {
        "list": body_of(leads.get("/register/")),
        "fragment": body_of(leads.get("/register/?sort=due", headers={"HX-Request": "true"})),
        "new": body_of(leads.get("/register/new")),
        "new-errors": body_of(add(leads, oak, tool=""), 422),
        "awaiting": body_of(leads.get(f"/register/{awaiting.id}")),
        "approved": body_of(leads.get(f"/register/{approved.id}")),
        "decline-errors": body_of(post_form(leads, f"/register/{awaiting.id}/decline"), 422),
        "evidence": body_of(as_(client, make_staff(roles=(HEAD_TEACHER,))).get("/admin/evidence")),
    }
    pages["fragment"] = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>x</title></head>'
        f"<body><main>{pages['fragment']}</main></body></html>"
    )
    assert_valid_html(pages, tmp_path)


def test_the_demo_school_has_an_approved_tool_and_one_awaiting(app, runner):
    assert runner.invoke(args=["portal", "seed-demo", "--password", "demo pass 123"]).exit_code == 0
    statuses = dict(db.session.execute(select(RiskAssessment.tool, RiskAssessment.status)).all())
    assert statuses == {
        "Oak class blog": "approved",
        "A class account on a video platform": "awaiting",
    }
    browser = app.test_client()
    sign_in(browser, "teacher1@wilkinson.example.org", "demo pass 123")
    assert "Oak class blog" in body_of(browser.get("/register/"))


def test_the_large_demo_school_has_tools_in_every_state_one_overdue(app, runner):
    args = ["portal", "generate-demo", "--pupils", "120", "--password", "demo pass 123"]
    assert runner.invoke(args=args).exit_code == 0
    statuses = db.session.scalars(select(RiskAssessment.status)).all()
    assert sorted(set(statuses)) == ["approved", "awaiting", "declined", "retired"]
    head = app.test_client()
    sign_in(head, "head@demo-school.example.org", "demo pass 123")
    assert "1 risk assessment overdue for review" in body_of(head.get("/"))
    # The portal goes on adding entries after the generated ones (PostgreSQL: sequences moved on).
    teacher = db.session.scalar(select(RiskAssessment)).requested_by
    assert an_entry(teacher, teacher.classes[0], "A new tool").id == len(statuses) + 1
