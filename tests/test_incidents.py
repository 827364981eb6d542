"""The incident log's foundation: references, one report per submission, a notification that
names nobody, a chronology and audit trail the database will not let anyone rewrite, and a log
only its readers can open (every look, and every refusal, recorded)."""

import io
import re
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import DatabaseError

from portal.clock import school_today
from portal.extensions import db
from portal.incidents import log
from portal.incidents.models import (
    Incident,
    IncidentAction,
    IncidentAudit,
    IncidentEvidence,
    IncidentPupil,
)
from portal.incidents.service import NewReport, file_report, next_reference
from portal.mail.models import OutboxMessage
from portal.people.roles import ALL_ROLES, ESAFETY_LEAD, GOVERNOR, HEAD_TEACHER, TEACHER
from tests.helpers.builders import make_class, make_pupil, make_staff
from tests.helpers.checkers import assert_valid_html
from tests.helpers.queries import counting_queries
from tests.helpers.two_factor import signed_in_with_code
from tests.helpers.web import body_of, csrf_token, post_form, signed_in


@pytest.fixture
def school(app):
    oak = make_class("Oak", 4)
    return {
        "head": make_staff("head@school.test", roles=(HEAD_TEACHER,), name="Helen Head"),
        "lead": make_staff("lead@school.test", roles=(ESAFETY_LEAD,), name="Esme Lead"),
        "teacher": make_staff("teacher@school.test", roles=(TEACHER,), name="Tom Teacher"),
        "gone": make_staff("gone@school.test", roles=(HEAD_TEACHER,), active=False),
        "amara": make_pupil(oak, "Amara", "Okoye"),
        "leo": make_pupil(oak, "Leo", "Barnes"),
    }


def report(school, key=None, **changes) -> Incident:
    """A teacher's report about Amara (target) and Leo (alleged), committed."""
    values = {
        "source": "staff",
        "submission_key": key or str(uuid.uuid4()),
        "what_happened": "Messages in the class group chat calling Amara names.",
        "category": "bullying_messages",
        "place": "messages",
        "reported_by_staff_id": school["teacher"].id,
        "pupils": ((school["amara"].id, "target"), (school["leo"].id, "alleged")),
        **changes,
    }
    incident = file_report(NewReport(**values), log.readers())
    db.session.commit()
    return incident


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def trail() -> list[tuple]:
    db.session.expire_all()
    rows = db.session.execute(
        select(IncidentAudit.staff_id, IncidentAudit.action, IncidentAudit.incident_id).order_by(
            IncidentAudit.id
        )
    )
    return rows.all()


# References and filing ------------------------------------------------------------------


def test_references_count_up_within_a_year_and_start_again_in_the_next(app):
    assert [next_reference(2026) for _ in range(3)] == [
        "OS-2026-0001",
        "OS-2026-0002",
        "OS-2026-0003",
    ]
    assert next_reference(2027) == "OS-2027-0001"
    assert next_reference(2026) == "OS-2026-0004"


def test_a_report_is_filed_with_its_pupils_and_the_first_entry_of_its_chronology(school):
    incident = report(school)

    assert incident.reference.startswith(f"OS-{datetime.now().year}-") and incident.status == "new"
    assert sorted((p.pupil.first_name, p.role) for p in incident.pupils) == [
        ("Amara", "target"),
        ("Leo", "alleged"),
    ]
    [first] = db.session.scalars(select(IncidentAction)).all()
    assert (first.kind, first.staff_id, first.status_to) == (
        "reported",
        school["teacher"].id,
        "new",
    )
    assert trail() == [(school["teacher"].id, "report", incident.id)]


def test_the_same_form_sent_twice_files_one_report(school):
    first = report(school, key="7d0c5f1e-0000-4000-8000-000000000001")
    again = report(school, key="7d0c5f1e-0000-4000-8000-000000000001")

    assert again.id == first.id
    assert (count(Incident), count(IncidentPupil), count(IncidentAction)) == (1, 2, 1)
    assert count(OutboxMessage) == 2  # the head and the e-Safety lead, told once


def test_those_who_can_open_the_log_are_told_and_the_email_names_nobody(school):
    report(school, what_happened="Leo Barnes sent Amara Okoye a cruel message.")

    messages = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.to_address)).all()
    assert [m.to_address for m in messages] == ["head@school.test", "lead@school.test"]
    for message in messages:
        assert message.subject == "A new report needs your attention"
        for text in (message.subject, message.body_text, message.body_html):
            for secret in ("Amara", "Okoye", "Leo", "Barnes", "bullying", "Messages", "cruel"):
                assert secret not in text
        assert "/incidents/" in message.body_text


def test_an_urgent_report_says_urgent_and_nothing_more(school):
    report(school, urgent=True, told_dsl_in_person=True)
    subjects = set(db.session.scalars(select(OutboxMessage.subject)))
    assert subjects == {"Urgent: a new report needs your attention"}


# What the database will not allow ------------------------------------------------------


@pytest.mark.parametrize("model", [IncidentAction, IncidentAudit])
def test_the_chronology_and_the_audit_trail_cannot_be_changed_or_deleted(school, model):
    report(school)
    for statement in (
        update(model).values(created_at=datetime(2000, 1, 1))
        if model is IncidentAction
        else update(model).values(detail="edited"),
        delete(model),
    ):
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(statement)
        db.session.rollback()
    assert count(model) == 1


def test_a_closed_report_must_say_its_outcome(school):
    incident = report(school)
    with pytest.raises(DatabaseError):
        db.session.execute(
            update(Incident).where(Incident.id == incident.id).values(status="closed")
        )
    db.session.rollback()


# The log --------------------------------------------------------------------------------


def test_the_head_teacher_reads_the_log_and_every_look_is_recorded(school, client):
    incident = report(school, what_happened="<script>alert('x')</script> in a message")
    head = signed_in_with_code(client, HEAD_TEACHER)

    listing = body_of(client.get("/incidents/"))
    page = body_of(client.get(f"/incidents/{incident.id}"))

    assert incident.reference in listing and "Amara Okoye (target)" in listing
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; in a message" in page
    assert "<script>alert" not in page
    assert "Tom Teacher" in page and "Leo Barnes: alleged to have done it" in page
    assert trail()[-2:] == [(head.id, "list", None), (head.id, "view", incident.id)]


@pytest.mark.parametrize("role", [TEACHER, GOVERNOR])
def test_anyone_else_is_refused_and_the_attempt_is_recorded(school, client, role):
    incident = report(school)
    intruder = signed_in(client, role)

    for address in ("/incidents/", f"/incidents/{incident.id}"):
        refused = client.get(address)
        assert refused.status_code == 403
        assert "Amara" not in refused.get_data(as_text=True)

    assert trail()[-2:] == [(intruder.id, "refused", None), (intruder.id, "refused", None)]
    details = db.session.scalars(select(IncidentAudit.detail).order_by(IncidentAudit.id)).all()
    assert details[-1] == f"GET /incidents/{incident.id}"


def test_an_unknown_report_or_status_is_not_found(school, client):
    signed_in_with_code(client, ESAFETY_LEAD)
    assert client.get("/incidents/999").status_code == 404
    assert client.get("/incidents/?status=lost").status_code == 422


def test_the_log_is_paged_and_filtered_by_status(school, client):
    for _ in range(log.PER_PAGE + 2):
        report(school)
    signed_in_with_code(client, HEAD_TEACHER)
    first = body_of(client.get("/incidents/"))
    second = body_of(client.get("/incidents/?page=2"))
    assert f"{log.PER_PAGE + 2} reports: page 1 of 2" in first and "Older reports" in first
    assert "page 2 of 2" in second and second.count("OS-") == 2
    assert "No reports match these filters." in body_of(client.get("/incidents/?status=closed"))


def test_the_log_costs_the_same_queries_for_2_or_20_reports(school, client):
    signed_in_with_code(client, HEAD_TEACHER)

    def queries_for_the_log() -> int:
        with counting_queries() as statements:
            body_of(client.get("/incidents/"))
        return len(statements)

    for _ in range(2):
        report(school)
    few = queries_for_the_log()
    for _ in range(18):
        report(school)
    assert queries_for_the_log() == few


def test_the_log_and_a_report_are_valid_html(school, client, tmp_path):
    incident = report(school, urgent=True, told_dsl_in_person=False, childs_words="He said it.")
    signed_in_with_code(client, HEAD_TEACHER)
    assert_valid_html(
        {
            "incident-log": body_of(client.get("/incidents/")),
            "incident-log-empty": body_of(client.get("/incidents/?status=closed")),
            "incident-report": body_of(client.get(f"/incidents/{incident.id}")),
        },
        tmp_path,
    )


# A member of staff reports ----------------------------------------------------------------


def staff_report_form(**changes) -> dict:
    return {
        "pupil_1": "Amara Okoye",
        "pupil_1_role": "target",
        "pupil_2": "leo barnes (oak)",
        "pupil_2_role": "alleged",
        "what_happened": "Amara showed me messages calling her names.",
        "childs_words": "They keep saying I smell.",
        "place": "messages",
        "place_other": "the class group chat",
        "category": "bullying_messages",
        "urgent": "no",
        **changes,
    }


def send_report(client, **changes):
    page = body_of(client.get("/incidents/new"))
    key = re.search(r'name="submission_key" type="hidden" value="([^"]+)"', page).group(1)
    data = {"submission_key": key, **staff_report_form(**changes)}
    return post_form(client, "/incidents/new", data, page="/incidents/new")


def test_a_teacher_reports_and_sees_only_where_their_report_stands(school, client):
    teacher = signed_in(client, TEACHER, email="reporter@school.test")

    sent = send_report(client)

    assert sent.status_code == 303
    [incident] = db.session.scalars(select(Incident)).all()
    assert (
        incident.reported_by_staff_id == teacher.id
        and incident.place_other == "the class group chat"
    )
    assert sorted((p.pupil.first_name, p.role) for p in incident.pupils) == [
        ("Amara", "target"),
        ("Leo", "alleged"),
    ]
    mine = body_of(client.get(sent.headers["Location"]))
    assert incident.reference in mine and "What happens next" in mine and "New" in mine
    assert "Amara" not in mine and "messages calling her names" not in mine
    assert client.get(f"/incidents/{incident.id}").status_code == 403


def test_the_report_form_says_what_to_do_in_danger_first(school, client):
    signed_in(client, TEACHER)
    page = body_of(client.get("/incidents/new"))
    danger = page.index("call 999, and tell the Designated Safeguarding Lead now")
    assert (
        danger < page.index('<form method="post" enctype="multipart/form-data"')
        and "Never save, copy or forward a nude" in page
    )


def test_a_double_click_files_one_report(school, client):
    signed_in(client, TEACHER)
    page = body_of(client.get("/incidents/new"))
    key = re.search(r'name="submission_key" type="hidden" value="([^"]+)"', page).group(1)
    for _ in range(2):
        post_form(client, "/incidents/new", {"submission_key": key, **staff_report_form()})
    assert count(Incident) == 1 and count(OutboxMessage) == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"what_happened": ""}, "Say what happened."),
        ({"pupil_1": "Amra Okoye"}, "No pupil on the roll is called Amra Okoye."),
        ({"pupil_1_role": ""}, "Choose Amara Okoye&#39;s part in it."),
        ({"urgent": "yes"}, "say whether you have told the Designated Safeguarding Lead"),
        ({"what_happened": "x" * 5001}, "Use at most 5,000 characters."),
        ({"submission_key": "not-a-key"}, "This form was damaged."),
        ({"category": "gossip"}, "Not a valid choice"),
    ],
)
def test_a_half_filled_report_comes_back_with_everything_else_kept(
    school, client, changes, message
):
    signed_in(client, TEACHER)

    refused = (
        send_report(client, **changes)
        if "submission_key" not in changes
        else post_form(
            client, "/incidents/new", {**staff_report_form(), **changes}, page="/incidents/new"
        )
    )

    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and message in page
    assert "the class group chat" in page  # what was typed is still there
    assert count(Incident) == 0 and count(OutboxMessage) == 0


def test_two_pupils_with_one_name_are_told_apart_by_class(school, client):
    make_pupil(make_class("Ash", 5), "Amara", "Okoye")
    signed_in(client, TEACHER)

    ambiguous = send_report(client)
    assert "More than one pupil is called Amara Okoye: add the class" in ambiguous.get_data(
        as_text=True
    )
    assert send_report(client, pupil_1="Amara Okoye (Oak)").status_code == 303
    assert [
        p.pupil.id for p in db.session.scalar(select(Incident)).pupils if p.role == "target"
    ] == [school["amara"].id]


def test_an_urgent_report_not_yet_told_to_the_dsl_is_still_filed(school, client):
    signed_in(client, TEACHER)
    assert send_report(client, urgent="yes", told_dsl="no").status_code == 303
    incident = db.session.scalar(select(Incident))
    assert incident.urgent and incident.told_dsl_in_person is False


def test_names_are_suggested_from_the_roll_as_they_are_typed(school, client):
    make_pupil(None, "Amira", "Khan")
    signed_in(client, TEACHER)
    options = body_of(
        client.get("/incidents/pupil-names?pupil_1=am", headers={"HX-Request": "true"})
    )
    assert '<option value="Amara Okoye (Oak)">' in options and "Amira Khan (no class)" in options
    assert "Leo" not in options
    assert body_of(client.get("/incidents/pupil-names?pupil_1=a")).strip() == ""


def test_the_report_pages_are_valid_html(school, client, tmp_path):
    signed_in(client, TEACHER)
    pages = {
        "incident-new": body_of(client.get("/incidents/new")),
        "incident-new-errors": body_of(
            send_report(client, what_happened="", pupil_1="Nobody"), 422
        ),
        "incident-mine-empty": body_of(client.get("/incidents/mine")),
    }
    sent = send_report(client)
    pages["incident-mine"] = body_of(client.get(sent.headers["Location"]))
    assert_valid_html(pages, tmp_path)


# Anyone reports, at /report -----------------------------------------------------------------


def public_form(client, **changes):
    page = body_of(client.get("/report"))
    key = re.search(r'name="submission_key" type="hidden" value="([^"]+)"', page).group(1)
    data = {
        "submission_key": key,
        "what_happened": "A post on the village group names a Year 4 girl and mocks her.",
        "who_involved": "A girl in Oak class",
        "place": "social_media",
        "reporter_contact": "",
        **changes,
    }
    return post_form(client, "/report", data, page="/report")


def test_anyone_can_report_without_an_account_and_is_told_what_happens(school, client):
    sent = public_form(client, reporter_name="A neighbour")

    page = body_of(sent)
    incident = db.session.scalar(select(Incident))
    assert incident.source == "public" and incident.reporter_name == "A neighbour"
    assert incident.who_involved == "A girl in Oak class" and incident.reported_by_staff_id is None
    assert incident.reference in page and "we cannot reply to you" in page
    assert count(OutboxMessage) == 2


def test_the_public_form_is_linked_from_every_footer_and_says_999_first(school, client):
    assert 'href="/report"' in body_of(client.get("/sign-in"))
    page = body_of(client.get("/report"))
    assert page.index("call 999") < page.index('<form method="post"')


def test_the_honeypot_thanks_a_robot_and_files_nothing(school, client):
    sent = public_form(client, website="http://spam.example")
    assert "Thank you" in body_of(sent)
    assert count(Incident) == 0 and count(OutboxMessage) == 0


def test_the_public_form_needs_its_csrf_token(school, client):
    refused = client.post("/report", data={"what_happened": "x"})
    assert refused.status_code == 400 and count(Incident) == 0


def test_a_flood_from_one_address_is_refused_with_the_phone_number(school, app, client):
    app.config["PUBLIC_REPORTS_PER_HOUR"] = 2
    for _ in range(2):
        assert public_form(client).status_code == 200
    flood = public_form(client)
    assert flood.status_code == 429 and app.config["OFFICE_PHONE"] in flood.get_data(as_text=True)
    assert count(Incident) == 2


def test_markup_in_a_public_report_is_shown_as_text(school, client):
    public_form(client, what_happened="<img src=x onerror=alert(1)>", reporter_contact="<b>me</b>")
    signed_in_with_code(client, HEAD_TEACHER)
    page = body_of(client.get(f"/incidents/{db.session.scalar(select(Incident.id))}"))
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "&lt;b&gt;me&lt;/b&gt;" in page
    assert "<img src=x" not in page


def test_the_public_pages_are_valid_html(school, client, app, tmp_path):
    pages = {
        "report": body_of(client.get("/report")),
        "report-errors": body_of(public_form(client, what_happened=""), 422),
        "report-sent": body_of(public_form(client, reporter_contact="07700 900000")),
    }
    app.config["PUBLIC_REPORTS_PER_HOUR"] = 1
    pages["report-too-many"] = body_of(public_form(client), 429)
    assert_valid_html(pages, tmp_path)


# Evidence -------------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.7\n" + b"x" * 200


def send_with_files(client, files, **changes):
    page = body_of(client.get("/incidents/new"))
    key = re.search(r'name="submission_key" type="hidden" value="([^"]+)"', page).group(1)
    data = {"submission_key": key, **staff_report_form(**changes), "evidence": files}
    return post_form(
        client, "/incidents/new", data, page="/incidents/new", content_type="multipart/form-data"
    )


def test_evidence_is_kept_outside_the_static_folder_and_only_the_log_can_download_it(
    school, app, client
):
    signed_in(client, TEACHER)
    sent = send_with_files(
        client, [(io.BytesIO(PNG), "chat.png"), (io.BytesIO(PDF), "../../etc/letter.pdf")]
    )
    assert sent.status_code == 303
    incident = db.session.scalar(select(Incident))
    kept = sorted(incident.evidence, key=lambda e: e.original_name)
    assert [(e.original_name, e.media_type) for e in kept] == [
        ("chat.png", "image/png"),
        ("letter.pdf", "application/pdf"),
    ]
    folder = Path(app.instance_path) / "evidence"
    stored = folder / kept[0].stored_name
    assert stored.read_bytes() == PNG and oct(stored.stat().st_mode & 0o777) == "0o600"
    assert "static" not in str(folder) and kept[0].stored_name != "chat.png"
    address = f"/incidents/{incident.id}/evidence/{kept[0].id}"
    assert client.get(address).status_code == 403

    lead = app.test_client()
    reader = signed_in_with_code(lead, ESAFETY_LEAD)
    assert address in body_of(lead.get(f"/incidents/{incident.id}"))
    download = lead.get(address)
    assert download.status_code == 200 and download.data == PNG
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download.headers["Cache-Control"]
    assert trail()[-1] == (reader.id, "download", incident.id)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([(b"#!/bin/sh\nrm -rf /\n", "screenshot.png")], "screenshot.png is not a PNG"),
        ([(b"", "empty.png")], "empty.png is empty."),
        ([(PNG, f"shot{n}.png") for n in range(6)], "Attach at most 5 files."),
        ([(PNG + b"\x00" * (10 * 1024 * 1024), "huge.png")], "huge.png is bigger than 10 MB."),
    ],
)
def test_a_wrong_file_brings_the_form_back_with_everything_else_kept(
    school, client, files, message
):
    signed_in(client, TEACHER)
    refused = send_with_files(client, [(io.BytesIO(content), name) for content, name in files])
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and message in page
    assert "the class group chat" in page and "Please choose your files again" in page
    assert count(Incident) == 0


def test_evidence_sent_twice_with_one_form_is_kept_once(school, client):
    signed_in(client, TEACHER)
    page = body_of(client.get("/incidents/new"))
    key = re.search(r'name="submission_key" type="hidden" value="([^"]+)"', page).group(1)
    for _ in range(2):
        data = {
            "submission_key": key,
            **staff_report_form(),
            "evidence": [(io.BytesIO(PNG), "a.png")],
        }
        post_form(client, "/incidents/new", data, content_type="multipart/form-data")
    assert count(Incident) == 1 and count(IncidentEvidence) == 1


def test_evidence_of_another_report_is_not_found(school, app, client):
    signed_in(client, TEACHER)
    send_with_files(client, [(io.BytesIO(PNG), "a.png")])
    other = report(school)
    signed_in_with_code(client, HEAD_TEACHER)
    kept = db.session.scalar(select(IncidentEvidence))
    assert client.get(f"/incidents/{other.id}/evidence/{kept.id}").status_code == 404


def test_a_request_bigger_than_every_file_allowed_is_refused_plainly(school, client, monkeypatch):
    from portal.incidents import evidence

    signed_in(client, TEACHER)
    monkeypatch.setattr(evidence, "UPLOAD_ALLOWANCE", 4000)
    refused = send_with_files(client, [(io.BytesIO(PNG + b"\x00" * 5000), "big.png")])
    assert refused.status_code == 413
    assert "at most 5 files of 10 MB each" in refused.get_data(as_text=True)
    assert count(Incident) == 0


# Following a report up --------------------------------------------------------------------------


def follow(client, incident, change, **fields):
    data = {f"{change}-{name}": value for name, value in fields.items()}
    page = f"/incidents/{incident.id}"
    token = csrf_token(client, page)
    return client.post(f"{page}/{change}", data={f"{change}-csrf_token": token, **data})


def chronology() -> list[tuple]:
    db.session.expire_all()
    rows = db.session.execute(
        select(IncidentAction.kind, IncidentAction.status_to, IncidentAction.text).order_by(
            IncidentAction.id
        )
    )
    return rows.all()


def test_the_lead_follows_a_report_up_to_its_close_and_every_step_is_kept(school, client):
    incident = report(school)
    lead = signed_in_with_code(client, ESAFETY_LEAD)

    steps = [
        follow(client, incident, "status", seen="new", status="investigating"),
        follow(client, incident, "pathway", pathway="anti_bullying"),
        follow(client, incident, "note", text="Spoke to Leo and his parents."),
        follow(client, incident, "support", pupil_id=school["amara"].id, text="Daily check-in."),
        follow(
            client,
            incident,
            "status",
            seen="investigating",
            status="closed",
            outcome="Apology made; chat removed.",
        ),
    ]

    assert [step.status_code for step in steps] == [303] * 5
    db.session.expire_all()
    closed = db.session.get(Incident, incident.id)
    assert (closed.status, closed.pathway, closed.outcome) == (
        "closed",
        "anti_bullying",
        "Apology made; chat removed.",
    )
    assert closed.closed_at is not None
    assert [kind for kind, *_ in chronology()] == [
        "reported",
        "status",
        "pathway",
        "note",
        "support",
        "status",
    ]
    page = body_of(client.get(f"/incidents/{incident.id}"))
    assert "support for Amara Okoye" in page and "Daily check-in." in page
    assert "status investigating → closed" in page
    assert [row for row in trail() if row[1] == "change"] == [(lead.id, "change", incident.id)] * 5


def test_closing_without_an_outcome_is_refused_and_changes_nothing(school, client):
    incident = report(school)
    signed_in_with_code(client, HEAD_TEACHER)

    refused = follow(client, incident, "status", seen="new", status="closed", outcome="  ")

    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Say what the outcome was before closing the report." in page
    db.session.expire_all()
    assert db.session.get(Incident, incident.id).status == "new"
    assert chronology() == [("reported", "new", "")]


def test_a_status_changed_meanwhile_is_not_overwritten(school, client, app):
    incident = report(school)
    signed_in_with_code(client, HEAD_TEACHER)
    other = app.test_client()
    signed_in_with_code(other, ESAFETY_LEAD)
    follow(other, incident, "status", seen="new", status="investigating")

    stale = follow(client, incident, "status", seen="new", status="action_taken")

    assert stale.status_code == 422 and "Someone else changed the status" in stale.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert db.session.get(Incident, incident.id).status == "investigating"


def test_a_correction_is_a_new_entry_and_the_original_stays(school, client):
    incident = report(school)
    signed_in_with_code(client, HEAD_TEACHER)
    follow(client, incident, "note", text="Spoke to Leo on Monday.")
    note_id = db.session.scalar(select(IncidentAction.id).where(IncidentAction.kind == "note"))

    follow(client, incident, "correction", action_id=note_id, text="It was Tuesday, not Monday.")

    assert [text for *_, text in chronology()] == [
        "",
        "Spoke to Leo on Monday.",
        "It was Tuesday, not Monday.",
    ]
    corrected = db.session.scalar(select(IncidentAction).where(IncidentAction.kind == "correction"))
    assert corrected.corrects_id == note_id


def test_support_only_for_a_pupil_in_the_report_and_entries_only_of_this_report(school, client):
    incident, other = report(school), report(school)
    stranger = make_pupil(None, "Zara", "Stranger")
    signed_in_with_code(client, HEAD_TEACHER)
    other_entry = db.session.scalar(
        select(IncidentAction.id).where(IncidentAction.incident_id == other.id)
    )

    refused = [
        follow(client, incident, "support", pupil_id=stranger.id, text="Check-in."),
        follow(client, incident, "correction", action_id=other_entry, text="Not ours."),
        follow(client, incident, "status", seen="new", status="lost"),
        follow(client, incident, "note", text=""),
    ]

    assert [r.status_code for r in refused] == [422] * 4
    assert "That entry is not in this report" in refused[1].get_data(as_text=True)
    assert count(IncidentAction) == 2


def test_choosing_safeguarding_offers_the_facts_to_copy(school, client):
    incident = report(school, childs_words="They keep saying I smell.")
    signed_in_with_code(client, HEAD_TEACHER)
    follow(client, incident, "pathway", pathway="safeguarding")
    page = body_of(client.get(f"/incidents/{incident.id}"))
    assert "Record this in the school's safeguarding system too" in page
    summary = page.split('id="safeguarding-summary"')[1].split("</textarea>")[0]
    assert incident.reference in summary and "Amara Okoye: target." in summary
    assert (
        "&#34;They keep saying I smell.&#34;" in summary or '"They keep saying I smell."' in summary
    )


def test_only_the_log_can_follow_a_report_up(school, client):
    incident = report(school)
    signed_in(client, TEACHER)
    assert client.post(f"/incidents/{incident.id}/note", data={"note-text": "x"}).status_code in (
        400,
        403,
    )
    assert count(IncidentAction) == 1


def test_the_report_with_its_follow_up_is_valid_html(school, client, tmp_path):
    incident = report(school, childs_words="They keep saying I smell.")
    signed_in_with_code(client, HEAD_TEACHER)
    follow(client, incident, "pathway", pathway="safeguarding")
    follow(client, incident, "note", text="Spoke to Leo.")
    pages = {
        "report-followed": body_of(client.get(f"/incidents/{incident.id}")),
        "report-refused-close": body_of(
            follow(client, incident, "status", seen="new", status="closed"), 422
        ),
        "report-refused-correction": body_of(
            follow(client, incident, "correction", action_id=1, text=""), 422
        ),
    }
    assert_valid_html(pages, tmp_path)


# Who can open the log: the configured roles, after two-factor ---------------------------------


def test_a_designated_safeguarding_lead_opens_the_log_and_is_told_of_reports(school, client):
    dsl = make_staff("dsl@school.test", roles=("dsl",), name="Dee Dsl")
    incident = report(school)
    assert "dsl@school.test" in set(db.session.scalars(select(OutboxMessage.to_address)))
    sign_in = signed_in_with_code(client, "deputy_dsl")
    assert incident.reference in body_of(client.get("/incidents/"))
    assert dsl.id != sign_in.id


def test_a_reader_without_two_factor_is_sent_to_set_it_up_first(school, client):
    incident = report(school)
    signed_in(client, ESAFETY_LEAD)
    for address in ("/incidents/", f"/incidents/{incident.id}"):
        sent = client.get(address)
        assert sent.status_code == 302 and sent.location.startswith("/account/two-factor")
    assert [row for row in trail() if row[1] in ("list", "view")] == []


def test_the_school_can_narrow_who_opens_the_log(school, app, client):
    app.config["INCIDENT_LOG_ROLES"] = "head_teacher"
    incident = report(school)
    assert set(db.session.scalars(select(OutboxMessage.to_address))) == {"head@school.test"}
    lead = signed_in_with_code(client, ESAFETY_LEAD)

    refused = client.get(f"/incidents/{incident.id}")

    assert refused.status_code == 403
    assert trail()[-1] == (lead.id, "refused", None)
    assert "Online-safety log" not in body_of(client.get("/"))


def test_the_log_filters_by_status_category_pathway_source_pupil_dates_and_words(school, client):
    messages = report(school, what_happened="Rude messages in the group chat.")
    gaming = report(
        school,
        category="bullying_gaming",
        what_happened="Name-calling in a game.",
        pupils=((school["leo"].id, "target"),),
    )
    public = report(
        school, source="public", category=None, what_happened="A post about Oak class.", pupils=()
    )
    signed_in_with_code(client, HEAD_TEACHER)
    follow(client, gaming, "pathway", pathway="behaviour")

    def shown(query: str) -> set[str]:
        page = body_of(client.get(f"/incidents/?{query}"))
        return {r.reference for r in (messages, gaming, public) if r.reference in page}

    today = school_today().isoformat()
    assert shown("category=bullying_gaming") == {gaming.reference}
    assert shown("pathway=behaviour") == {gaming.reference}
    assert shown("source=public") == {public.reference}
    assert shown("pupil=amara") == {messages.reference}
    assert shown("pupil=Leo+Barnes") == {messages.reference, gaming.reference}
    assert shown("words=GROUP+CHAT") == {messages.reference}
    assert shown(f"words={gaming.reference}") == {gaming.reference}
    assert shown(f"since={today}&until={today}") == {
        r.reference for r in (messages, gaming, public)
    }
    assert shown("until=2000-01-01") == set()
    assert shown("words=100%25") == set()  # a % typed is a percent sign, not a wildcard


def test_a_filter_the_log_does_not_know_is_explained_not_obeyed(school, client):
    report(school)
    signed_in_with_code(client, HEAD_TEACHER)
    wrong = client.get("/incidents/?since=2026-12-01&until=2026-11-01&category=gossip")
    page = wrong.get_data(as_text=True)
    assert wrong.status_code == 422
    assert "The end date is before the start date." in page and "Not a valid choice" in page
    assert "OS-" not in page.split("</form>")[-1]


def test_a_filtered_log_keeps_its_filters_from_page_to_page(school, client):
    for _ in range(log.PER_PAGE + 1):
        report(school, category="bullying_gaming")
    report(school)
    signed_in_with_code(client, HEAD_TEACHER)
    first = body_of(client.get("/incidents/?category=bullying_gaming"))
    assert f"{log.PER_PAGE + 1} reports: page 1 of 2" in first
    assert (
        "category=bullying_gaming&amp;page=2" in first
        or "page=2&amp;category=bullying_gaming" in first
    )


def test_the_filtered_log_costs_the_same_queries_for_2_or_20_reports(school, client):
    signed_in_with_code(client, HEAD_TEACHER)

    def queries() -> int:
        with counting_queries() as statements:
            body_of(client.get("/incidents/?pupil=amara&words=chat&status=new&since=2020-01-01"))
        return len(statements)

    for _ in range(2):
        report(school, what_happened="group chat")
    few = queries()
    for _ in range(18):
        report(school, what_happened="group chat")
    assert queries() == few


# The audit trail and the governors' summary ---------------------------------------------------


def test_the_head_teacher_sees_a_teachers_refused_attempt_in_the_trail(school, client, app):
    incident = report(school)
    nosy = app.test_client()
    teacher = signed_in(nosy, TEACHER, email="nosy@school.test")
    assert nosy.get(f"/incidents/{incident.id}").status_code == 403

    signed_in_with_code(client, HEAD_TEACHER)
    everyone = body_of(client.get("/incidents/trail"))
    theirs = body_of(client.get(f"/incidents/trail?staff={teacher.id}"))
    about = body_of(client.get(f"/incidents/trail?reference={incident.reference.lower()}"))

    assert f"GET /incidents/{incident.id}" in everyone and "Refused" in everyone
    assert f"GET /incidents/{incident.id}" in theirs and "Made a report" not in theirs
    assert "Made a report" in about and "Refused" not in about


@pytest.mark.parametrize("role", [ESAFETY_LEAD, "dsl", GOVERNOR, TEACHER])
def test_only_the_head_teacher_reads_the_trail(school, client, role):
    signed_in_with_code(client, role) if role in (ESAFETY_LEAD, "dsl") else signed_in(client, role)
    assert client.get("/incidents/trail").status_code == 403


def test_the_trail_costs_the_same_queries_for_few_or_many_lines(school, client):
    signed_in_with_code(client, HEAD_TEACHER)

    def queries() -> int:
        with counting_queries() as statements:
            body_of(client.get("/incidents/trail"))
        return len(statements)

    report(school)
    few = queries()
    for _ in range(15):
        report(school)
    assert queries() == few


def test_governors_see_counts_with_small_numbers_hidden_and_no_names(school, client):
    for _ in range(3):
        report(school, category="bullying_gaming", place="game")
    report(
        school,
        category="stranger_contact",
        place="game",
        what_happened="Amara was asked for photos.",
    )
    signed_in(client, GOVERNOR)

    page = body_of(client.get("/incidents/summary"))

    rows = dict(re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td>', page))
    assert rows["Cyber-bullying: gaming chat"] == "3"
    assert rows["Contact from a stranger"] == "fewer than 3"
    assert rows["An online game"] == "4"
    assert rows["Upsetting content"] == "0"
    assert "Reports this term: <strong>4</strong>" in page
    for secret in ("Amara", "Okoye", "Leo", "photos", "OS-"):
        assert secret not in page


def test_the_summary_covers_the_term_chosen(school, client):
    report(school)
    signed_in(client, GOVERNOR)
    assert "Reports this term: <strong>0</strong>" in body_of(
        client.get("/incidents/summary?term=2020-autumn")
    )
    assert client.get("/incidents/summary?term=nonsense").status_code == 200


def test_the_trail_and_summary_pages_are_valid_html(school, client, tmp_path):
    report(school)
    signed_in_with_code(client, HEAD_TEACHER)
    assert_valid_html(
        {
            "incident-trail": body_of(client.get("/incidents/trail")),
            "incident-summary": body_of(client.get("/incidents/summary")),
        },
        tmp_path,
    )


# Every route of the log, as every role ---------------------------------------------------------

LOG_READERS = {HEAD_TEACHER, ESAFETY_LEAD, "dsl", "deputy_dsl"}


def log_addresses(incident, evidence_id) -> list[tuple[str, str, set[str]]]:
    """(method, address, roles let in) for every route of the log."""
    base = f"/incidents/{incident.id}"
    return [
        ("GET", "/incidents/", LOG_READERS),
        ("GET", base, LOG_READERS),
        ("GET", f"{base}/evidence/{evidence_id}", LOG_READERS),
        *(
            ("POST", f"{base}/{change}", LOG_READERS)
            for change in ("note", "status", "pathway", "category", "support", "correction")
        ),
        ("GET", "/incidents/trail", {HEAD_TEACHER}),
        ("GET", "/incidents/summary", LOG_READERS | {GOVERNOR}),
        ("GET", "/incidents/new", set(ALL_ROLES)),
        ("GET", "/incidents/mine", set(ALL_ROLES)),
        ("GET", "/incidents/pupil-names?pupil_1=am", set(ALL_ROLES)),
    ]


def test_a_walk_through_every_route_of_the_log_as_every_role(school, app):
    reporter = app.test_client()
    signed_in(reporter, TEACHER)
    send_with_files(reporter, [(io.BytesIO(PNG), "a.png")])
    incident = db.session.scalar(select(Incident))
    evidence_id = db.session.scalar(select(IncidentEvidence.id))
    walked = log_addresses(incident, evidence_id)
    adapter = app.url_map.bind("portal.test")
    reached = {adapter.match(a.split("?")[0], method=m)[0] for m, a, _ in walked}
    assert reached == {
        r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("incidents.")
    }

    for role in sorted(ALL_ROLES):
        client = app.test_client()
        signed_in_with_code(client, role) if role in LOG_READERS else signed_in(client, role)
        for method, address, let_in in walked:
            if method == "GET":
                status = client.get(address).status_code
            else:
                status = client.post(
                    address, data={"csrf_token": csrf_token(client, "/")}
                ).status_code
            if role in let_in:
                assert status in (200, 422), (role, method, address, status)
            else:
                assert status == 403, (role, method, address, status)

    anonymous = app.test_client()
    for method, address, _ in walked:
        response = anonymous.open(address, method=method)
        assert response.status_code in (302, 400), (method, address, response.status_code)
        assert "Amara" not in response.get_data(as_text=True)


def test_a_pupil_who_has_left_cannot_be_named_in_a_new_report(school, client):
    school["leo"].left_on = school_today()
    db.session.commit()
    signed_in(client, TEACHER)
    refused = send_report(client)
    assert refused.status_code == 422
    assert "No pupil on the roll is called leo barnes (oak)." in refused.get_data(as_text=True)
    assert count(Incident) == 0


def test_the_home_page_of_those_who_read_the_log_says_how_many_reports_wait(school, client, app):
    report(school)
    report(school, urgent=True, told_dsl_in_person=True)
    signed_in(client, ESAFETY_LEAD)
    home = body_of(client.get("/"))
    assert "2 new reports</strong> in the online-safety log, 1 urgent" in home
    assert "Amara" not in home
    teacher = app.test_client()
    signed_in(teacher, TEACHER)
    assert "new report" not in body_of(teacher.get("/"))


def test_dates_are_the_schools_days_not_utcs(school, client):
    """00:30 on 15 June in London is 23:30 on 14 June in UTC: it is the 15th's report."""
    incident = report(school)
    db.session.execute(
        update(Incident)
        .where(Incident.id == incident.id)
        .values(created_at=datetime(2026, 6, 14, 23, 30))
    )
    db.session.commit()
    signed_in_with_code(client, HEAD_TEACHER)

    on_the_15th = body_of(client.get("/incidents/?since=2026-06-15&until=2026-06-15"))
    on_the_14th = body_of(client.get("/incidents/?since=2026-06-14&until=2026-06-14"))

    assert incident.reference in on_the_15th and incident.reference not in on_the_14th


def test_a_report_just_after_midnight_on_1_september_counts_in_the_autumn_term(school, client):
    incident = report(school)
    db.session.execute(
        update(Incident)
        .where(Incident.id == incident.id)
        .values(created_at=datetime(2026, 8, 31, 23, 30))
    )
    db.session.commit()
    signed_in(client, GOVERNOR)
    autumn = body_of(client.get("/incidents/summary?term=2026-autumn"))
    summer = body_of(client.get("/incidents/summary?term=2026-summer"))
    assert "Reports this term: <strong>fewer than 3</strong>" in autumn
    assert "Reports this term: <strong>0</strong>" in summer
    assert '<th scope="row">September 2026</th><td>fewer than 3</td>' in autumn


def test_a_person_id_too_big_for_the_database_finds_nobody_in_the_trail(school, client):
    report(school)
    signed_in_with_code(client, HEAD_TEACHER)
    page = body_of(client.get("/incidents/trail?staff=99999999999999"))
    assert "Nothing recorded for this choice." in page
