"""A pupil tells a trusted adult: a button on every pupil screen, three taps on pictures, their
own words if they want, and Send. Named by default; a Key Stage 2 pupil may leave their name
off, and then nothing that could name them is stored anywhere."""

import re

import pytest
from markupsafe import escape
from sqlalchemy import String, Text, func, select

from portal.auth import totp
from portal.clock import school_today, utcnow
from portal.extensions import db
from portal.incidents.models import PLACES, Incident, IncidentAction, IncidentAudit, IncidentPupil
from portal.incidents.telling import FEELING, PLACE, STEPS, WHO
from portal.mail.models import OutboxMessage
from portal.mail.sender import deliver_pending
from portal.people.roles import ESAFETY_LEAD, HEAD_TEACHER, TEACHER
from portal.pupils.progress import aup_to_show
from tests.helpers.builders import (
    install_content,
    make_class,
    make_pupil,
    make_staff,
    open_class_session,
    seat_pupil,
)
from tests.helpers.checkers import assert_valid_html
from tests.helpers.two_factor import give_code, with_two_factor
from tests.helpers.web import body_of, csrf_token, hidden_value, post_form, sign_in

YEAR_1, YEAR_5 = 1, 5
FORGED = "That is not one of the pictures on the screen."


@pytest.fixture
def school(app):
    install_content()
    return {
        "head": make_staff("head@school.test", roles=(HEAD_TEACHER,), name="Helen Head"),
        "lead": make_staff("lead@school.test", roles=(ESAFETY_LEAD,), name="Esme Lead"),
    }


_codes = iter(range(1000, 9999))


def seated(client, year_group=YEAR_1, first_name="Amara", last_name="Okoye"):
    """A pupil of a new class with an open session, signed in on ``client``."""
    school_class = make_class(f"Willow {next(_codes)}", year_group=year_group)
    teacher = make_staff(classes=[school_class], name="Tess Teacher")
    class_session = open_class_session(school_class, teacher, code=str(next(_codes)))
    pupil = make_pupil(school_class, first_name=first_name, last_name=last_name)
    seat_pupil(client, class_session, pupil)
    return pupil


def post(client, url, data):
    return client.post(url, data={"csrf_token": csrf_token(client, "/me/tell"), **data})


def page(response) -> str:
    return response.get_data(as_text=True)


def walk(client, feeling="scared", place="game", tell="teacher") -> tuple[str, dict]:
    """Tap the three pictures; returns the words screen and the form it sends."""
    key = hidden_value(body_of(client.get("/me/tell")), "submission_key")
    chosen = {"submission_key": key}
    for step, value in zip(STEPS, (feeling, place, tell), strict=True):
        chosen[step.field] = value
        shown = body_of(post(client, "/me/tell", chosen))
    return shown, chosen


def send(client, words="", hide_name=False, **taps):
    _, form = walk(client, **taps)
    return post(
        client,
        "/me/tell/send",
        {**form, "words": words, **({"hide_name": "y"} if hide_name else {})},
    )


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def the_report() -> Incident:
    db.session.expire_all()
    [incident] = db.session.scalars(select(Incident)).all()
    return incident


# The button ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year_group", "words"),
    [(0, "Tell a grown-up"), (YEAR_1, "Tell a grown-up"), (YEAR_5, "Tell a trusted adult")],
)
def test_the_button_is_on_the_home_aup_and_quiz_screens(school, client, year_group, words):
    pupil = seated(client, year_group)
    button = re.compile(rf'<a class="big-button tell-button" href="/me/tell">.*?{words}</a>', re.S)

    assert button.search(body_of(client.get("/me/aup")))
    version = aup_to_show(pupil.school_class.key_stage, school_today())
    post(client, "/me/aup", {"version_id": version.id})
    assert button.search(body_of(client.get("/me")))
    post(client, "/me/start", {})
    assert button.search(body_of(client.get("/me/quiz")))


def test_the_sign_in_screens_have_no_button_until_a_pupil_is_signed_in(school, client):
    assert "/me/tell" not in body_of(client.get("/class"))


# Three taps ---------------------------------------------------------------------------------


def test_each_tap_leads_to_the_next_question_with_its_pictures_and_speakers(school, client):
    seated(client)
    first = body_of(client.get("/me/tell"))
    assert "How do you feel?" in first and "tell-button" not in first  # not on its own screens
    for picture in FEELING.pictures:
        assert f'name="feeling" value="{picture.key}"' in first
        assert f'aria-label="Read aloud: {escape(picture.words)}"' in first
    key = hidden_value(first, "submission_key")

    second = body_of(post(client, "/me/tell", {"submission_key": key, "feeling": "worried"}))
    assert "Where did it happen?" in second and 'name="place" value="school_device"' in second
    assert hidden_value(second, "feeling") == "worried"
    assert hidden_value(second, "submission_key") == key

    third = body_of(
        post(client, "/me/tell", {"submission_key": key, "feeling": "worried", "place": "video"})
    )
    assert "Who should know?" in third and "My teacher" in third and "The e-Safety lead" in third
    assert (hidden_value(third, "feeling"), hidden_value(third, "place")) == ("worried", "video")
    assert count(Incident) == 0  # nothing is filed until Send


def test_every_place_a_pupil_can_tap_is_one_of_the_logs_places():
    assert {picture.key for picture in PLACE.pictures} <= set(PLACES)
    assert {picture.key for picture in WHO.pictures} == {"teacher", "esafety_lead"}


def test_three_taps_and_send_file_one_report_in_the_pupils_name(school, client):
    pupil = seated(client)
    words, _ = walk(client, "scared", "game", "teacher")
    assert "You can tell us more if you want" in words and 'name="words"' in words
    assert "hide_name" not in words  # Year 1: never offered

    sent = send(client, words="A boy in the game said mean things.", feeling="scared", place="game")
    assert sent.status_code == 303 and sent.location.endswith("/me/tell/thanks")
    thanks = body_of(client.get(sent.location))
    assert "Thank you for telling us." in thanks and "A grown-up will talk to you soon." in thanks
    assert "OS-" not in thanks and "/me" in thanks  # no reference; a way back to their screen

    incident = the_report()
    assert (incident.source, incident.feeling, incident.place, incident.tell) == (
        "pupil",
        "scared",
        "game",
        "teacher",
    )
    assert incident.reported_by_pupil_id == pupil.id and incident.category is None
    assert incident.childs_words == "A boy in the game said mean things."
    assert [(p.pupil_id, p.role) for p in incident.pupils] == [(pupil.id, "reporter")]
    [entry] = db.session.scalars(select(IncidentAction)).all()
    assert (entry.kind, entry.staff_id) == ("reported", None)
    assert db.session.scalars(select(IncidentAudit.detail)).all() == ["a pupil report"]


def test_the_words_are_optional(school, client):
    seated(client)
    assert send(client, words="").status_code == 303
    assert the_report().childs_words is None


def test_a_double_tap_on_send_files_one_report(school, client):
    seated(client)
    _, form = walk(client)
    for _ in range(2):
        assert post(client, "/me/tell/send", {**form, "words": "Twice"}).status_code == 303
    assert (count(Incident), count(IncidentAction), count(IncidentPupil)) == (1, 1, 1)
    assert count(OutboxMessage) == 2  # the head and the e-Safety lead, told once


def test_the_notification_that_arrives_names_nobody(school, app, client, smtp_server):
    seated(client, first_name="Zainab", last_name="Quartermaine")
    send(
        client,
        words="Kofi sent me a scary video",
        feeling="scared",
        place="video",
        tell="esafety_lead",
    )
    app.config["SMTP_PORT"] = smtp_server.port
    assert deliver_pending(app.config)["sent"] == 2

    assert sorted(m["To"] for m in smtp_server.received) == ["head@school.test", "lead@school.test"]
    for message in smtp_server.received:
        assert message["Subject"] == "A new report needs your attention"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert f"/incidents/{the_report().id}" in text
        for secret in (
            "Zainab",
            "Quartermaine",
            "Willow",
            "Kofi",
            "scary",
            "Scared",
            "video",
            "pupil",
        ):
            for part in (message["Subject"], text, html):
                assert secret.lower() not in part.lower()


# Named, or not ------------------------------------------------------------------------------


def test_a_key_stage_2_pupil_may_choose_not_to_be_named_and_leaves_no_trace(school, client):
    pupil = seated(client, YEAR_5, first_name="Zainab", last_name="Quartermaine")
    words, _ = walk(client)
    assert 'name="hide_name"' in words and "show my name" in words
    before = {table.name: count_rows(table) for table in db.metadata.sorted_tables}

    sent = send(client, words="Someone keeps messaging me.", hide_name=True)
    assert sent.status_code == 303
    thanks = body_of(client.get(sent.location))
    assert "Thank you for telling us." in thanks and "talk to you soon" not in thanks

    incident = the_report()
    assert incident.reported_by_pupil_id is None and incident.reported_by_staff_id is None
    assert count(IncidentPupil) == 0
    [entry] = db.session.scalars(select(IncidentAction)).all()
    assert (entry.staff_id, entry.pupil_id, entry.text) == (None, None, "")
    [line] = db.session.scalars(select(IncidentAudit)).all()
    assert (line.staff_id, line.detail) == (None, "a pupil report")
    changed = [t for t in db.metadata.sorted_tables if count_rows(t) != before[t.name]]
    assert {t.name for t in changed} == {
        "incident",
        "incident_action",
        "incident_audit",
        "incident_counter",
        "outbox_message",
    }
    school_class = pupil.school_class
    secrets = (pupil.first_name, pupil.last_name, pupil.mis_id, school_class.name, "Tess Teacher")
    for table in changed:
        for column, value in text_values(table):
            for secret in secrets:
                assert secret.lower() not in value.lower(), (table.name, column)
        for column in table.columns:
            pointing_at = {key.column.table.name for key in column.foreign_keys}
            if pointing_at & {"pupil", "school_class"}:
                assert db.session.scalars(select(column)).all() in ([], [None]), column


def count_rows(table) -> int:
    return db.session.scalar(select(func.count()).select_from(table))


def text_values(table):
    """(column name, value) of every text in the table."""
    columns = [c for c in table.columns if isinstance(c.type, String | Text)]
    for row in db.session.execute(select(*columns)) if columns else ():
        for column, value in zip(columns, row, strict=True):
            if value:
                yield column.name, value


def test_a_key_stage_1_pupil_is_not_offered_the_choice_and_a_forged_one_is_ignored(school, client):
    pupil = seated(client, YEAR_1)
    sent = send(client, hide_name=True)
    assert sent.status_code == 303 and "hidden" not in sent.location
    assert "A grown-up will talk to you soon." in body_of(client.get(sent.location))
    assert the_report().reported_by_pupil_id == pupil.id


def test_a_key_stage_2_pupil_is_named_unless_they_choose(school, client):
    pupil = seated(client, YEAR_5)
    send(client)
    assert the_report().reported_by_pupil_id == pupil.id


# Bad input gets a friendly answer and files nothing ---------------------------------------


@pytest.mark.parametrize(
    ("url", "taps"),
    [
        ("/me/tell", {"feeling": "happy"}),
        ("/me/tell", {"feeling": "sad", "place": "the moon"}),
        ("/me/tell", {"feeling": "sad", "place": "game", "tell": "headteacher"}),
        ("/me/tell", {"feeling": "<script>", "place": "game"}),  # a forged earlier tap
        ("/me/tell/send", {"feeling": "sad", "place": "game", "tell": "police"}),
        ("/me/tell/send", {"feeling": "sad", "place": "social", "tell": "teacher"}),
    ],
)
def test_a_forged_picture_is_refused_kindly_and_nothing_is_filed(school, client, url, taps):
    seated(client)
    key = hidden_value(body_of(client.get("/me/tell")), "submission_key")
    refused = post(client, url, {"submission_key": key, **taps, "words": "x"})
    text = body_of(refused, 422)
    assert FORGED in text and "Start again" in text and "<script>" not in text
    assert count(Incident) == 0 and count(OutboxMessage) == 0


@pytest.mark.parametrize(
    "form",
    [
        {"submission_key": "not-a-key", "feeling": "sad", "place": "game", "tell": "teacher"},
        {"feeling": "sad", "place": "game", "tell": "teacher"},
        {
            "submission_key": "7d0c5f1e-0000-4000-8000-000000000001",
            "feeling": "sad",
            "place": "game",
        },
    ],
)
def test_a_damaged_or_unfinished_send_is_refused_kindly_and_nothing_is_filed(school, client, form):
    seated(client)
    text = body_of(post(client, "/me/tell/send", form), 422)
    assert "try that again" in text and "Nothing has been sent yet." in text
    assert count(Incident) == 0


def test_too_many_words_come_back_to_be_shortened_with_the_taps_kept(school, client):
    seated(client)
    _, form = walk(client, "sad", "phone", "esafety_lead")
    text = body_of(post(client, "/me/tell/send", {**form, "words": "word " * 500}), 422)
    assert "Make it a little shorter" in text and 'aria-invalid="true"' in text
    assert (hidden_value(text, "feeling"), hidden_value(text, "tell")) == ("sad", "esafety_lead")
    assert count(Incident) == 0


@pytest.mark.parametrize("who", ["nobody", TEACHER, HEAD_TEACHER])
def test_only_a_signed_in_pupil_can_tell(school, client, who):
    if who != "nobody":
        sign_in(client, make_staff(roles=(who,)).email)
    assert client.get("/me/tell").location.endswith("/class")
    sent = post_form(
        client, "/me/tell/send", {"feeling": "sad", "place": "game", "tell": "teacher"}
    )
    assert sent.status_code == 302 and sent.location.endswith("/class")
    assert client.get("/me/tell/thanks").location.endswith("/class")
    assert count(Incident) == 0


# The log shows what the pupil said ---------------------------------------------------------


def test_the_log_shows_the_pupils_feeling_and_who_they_want_to_know(school, app, client):
    seated(client, first_name="Zainab", last_name="Quartermaine")
    send(client, words="<b>they laughed</b>", feeling="ok_but_something", tell="esafety_lead")
    head = app.test_client()
    sign_in(head, "head@school.test")
    give_code(head, totp.code_at(with_two_factor(school["head"]), utcnow()))

    listing = body_of(head.get("/incidents/"))
    assert "Not yet chosen" in listing and "Zainab Quartermaine (told us)" in listing
    detail = body_of(head.get(f"/incidents/{the_report().id}"))
    assert "<dt>How they feel</dt>\n  <dd>OK, but something happened</dd>" in detail
    assert "<dt>Who they want to know</dt>\n  <dd>The e-Safety lead</dd>" in detail
    assert "&lt;b&gt;they laughed&lt;/b&gt;" in detail and "Zainab Quartermaine: told us" in detail


# Valid HTML -------------------------------------------------------------------------------


@pytest.mark.html_validator
def test_every_screen_is_valid_html(school, app, client, tmp_path):
    seated(client)
    pages = {"feeling": body_of(client.get("/me/tell"))}
    key = hidden_value(pages["feeling"], "submission_key")
    pages["place"] = body_of(post(client, "/me/tell", {"submission_key": key, "feeling": "sad"}))
    pages["who"] = body_of(
        post(client, "/me/tell", {"submission_key": key, "feeling": "sad", "place": "game"})
    )
    taps = {"submission_key": key, "feeling": "sad", "place": "game", "tell": "teacher"}
    pages["words"] = body_of(post(client, "/me/tell", taps))
    pages["words-too-long"] = body_of(
        post(client, "/me/tell/send", {**taps, "words": "w" * 3000}), 422
    )
    pages["forged"] = body_of(post(client, "/me/tell", {**taps, "tell": "x"}), 422)
    pages["thanks"] = body_of(client.get("/me/tell/thanks"))
    older = app.test_client()
    seated(older, YEAR_5)
    pages["words-ks2"] = body_of(post(older, "/me/tell", taps))
    pages["thanks-unnamed"] = body_of(older.get("/me/tell/thanks?name=hidden"))
    pages["aup-with-button"] = body_of(older.get("/me/aup"))
    assert_valid_html(pages, tmp_path)
