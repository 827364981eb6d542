"""Classroom sign-in: class code, names grid, picture password, the teacher's board."""

import json
from datetime import datetime, time, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from flask import render_template
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal.classroom import service
from portal.classroom.live import live_view
from portal.classroom.models import ClassSession, SessionPupil
from portal.classroom.pictures import PICTURES, picture_choices
from portal.classroom.pupil_auth import SESSION_KEY
from portal.classroom.views import CLASS_KEY
from portal.clock import school_today, utcnow
from portal.extensions import db
from portal.people.classes import class_roll
from portal.people.models import Pupil
from tests.helpers.builders import (
    make_class,
    make_pupil,
    make_staff,
    open_class_session,
    seat_pupil,
)
from tests.helpers.checkers import FRAGMENT_PAGE, assert_valid_html
from tests.helpers.queries import counting_queries
from tests.helpers.web import body_of, csrf_token, post_form, sign_in, with_classroom

WRONG_CODE = "{} isn't open. Check the board, or ask your teacher."
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def app(app):
    return with_classroom(app)


@pytest.fixture
def room(app):
    """A Year 1 class with three pupils (two with pictures), its teacher and an open session."""
    oak = make_class("Oak", 1)
    teacher = make_staff("teacher@wilkinson.example.org", classes=[oak])
    amara = make_pupil(oak, "Amara", "Okafor")
    ben = make_pupil(oak, "Ben", "Smith")
    cara = make_pupil(oak, "Cara", "Nopicture")
    amara.picture, ben.picture = "fox", "owl"
    db.session.commit()
    class_session = open_class_session(oak, teacher, code="4821")
    return {
        "class": oak,
        "teacher": teacher,
        "amara": amara,
        "ben": ben,
        "cara": cara,
        "session": class_session,
    }


def join(client, code="4821"):
    return post_form(client, "/class", {"code": code}, page="/class")


def tap(client, pupil, picture):
    return post_form(client, f"/class/names/{pupil.id}", {"picture": picture}, page="/class")


def seat_of(class_session, pupil):
    db.session.expire_all()
    return db.session.scalar(
        select(SessionPupil).where(
            SessionPupil.session_id == class_session.id, SessionPupil.pupil_id == pupil.id
        )
    )


def seat_count() -> int:
    return db.session.scalar(select(func.count()).select_from(SessionPupil))


# The pupil's journey


def test_the_right_code_opens_the_names_grid_with_first_names_and_initials_only(client, room):
    other = make_pupil(make_class("Elm", 2), "Zed", "Elsewhere")
    response = join(client)
    assert response.status_code == 302 and response.location.endswith("/class/names")
    html = client.get("/class/names").get_data(as_text=True)
    for name in ("Amara O.", "Ben S.", "Cara N."):
        assert name in html
    for secret in (
        "Okafor",
        "Smith",
        "Nopicture",
        other.first_name,
        room["amara"].mis_id,
        "fox",
        "owl",
    ):
        assert secret not in html
    assert html.index("Amara O.") < html.index("Ben S.") < html.index("Cara N.")


def test_the_qr_address_with_its_code_lands_straight_on_the_names(client, room):
    response = client.get("/class?code=4821")
    assert response.status_code == 302 and response.location.endswith("/class/names")
    assert client.get("/class/names").status_code == 200


def test_the_code_page_asks_for_digits_without_typing_anything_else(client, app):
    html = client.get("/class").get_data(as_text=True)
    assert 'inputmode="numeric"' in html and 'autocomplete="off"' in html
    assert 'maxlength="4"' in html


@pytest.mark.parametrize("case", ["wrong", "expired", "ended", "letters", "empty"])
def test_a_wrong_expired_or_ended_code_is_refused_kindly_and_nothing_is_stored(client, room, case):
    code = {"wrong": "1111", "letters": "abcd", "empty": ""}.get(case, "4821")
    if case == "expired":
        room["session"].expires_at = utcnow() - timedelta(minutes=1)
    if case == "ended":
        room["session"].ended_at = utcnow()
    db.session.commit()
    response = join(client, code)
    assert response.status_code == 422
    html = unescape(response.get_data(as_text=True))
    assert (WRONG_CODE.format(code) if code else "Type the four numbers") in html
    assert 'aria-invalid="true"' in html
    code_field = html.split('<input id="code"', 1)[1].split(">", 1)[0]
    assert " value=" not in code_field  # empty again: a child types the right code straight away
    with client.session_transaction() as session:
        assert CLASS_KEY not in session and SESSION_KEY not in session
    assert seat_count() == 0
    assert client.get("/class/names").location.endswith("/class")


def test_the_right_picture_signs_the_pupil_in_and_goes_to_their_page(client, room):
    join(client)
    html = client.get(f"/class/names/{room['amara'].id}").get_data(as_text=True)
    assert "Amara O., tap your picture" in html
    for picture in PICTURES:
        assert f'value="{picture.key}"' in html and picture.name in html
    response = tap(client, room["amara"], "fox")
    assert response.status_code == 302 and response.location.endswith("/me")
    seat = seat_of(room["session"], room["amara"])
    assert seat.signed_in_at is not None and seat.wrong_pictures == 0 and not seat.locked
    assert client.get("/test-only/whoami").get_json() == {
        "name": "Amara O.",
        "pupil_id": room["amara"].id,
    }
    with client.session_transaction() as session:
        assert session[CLASS_KEY] == room["session"].id


def test_wrong_pictures_count_down_kindly_and_the_third_locks(client, room):
    join(client)
    first = tap(client, room["amara"], "dog")
    assert first.status_code == 422
    assert "Not that one. You have 2 more tries." in first.get_data(as_text=True)
    second = tap(client, room["amara"], "cat")
    assert "You have 1 more try." in second.get_data(as_text=True)
    third = tap(client, room["amara"], "bee")
    assert third.status_code == 423
    assert "Ask your teacher to help you sign in" in third.get_data(as_text=True)
    seat = seat_of(room["session"], room["amara"])
    assert seat.locked and seat.wrong_pictures == 3 and seat.signed_in_at is None
    with client.session_transaction() as session:
        assert SESSION_KEY not in session


def test_a_locked_pupil_needs_the_teacher_even_with_the_right_picture(app, client, room):
    join(client)
    for picture in ("dog", "cat", "bee"):
        tap(client, room["amara"], picture)
    locked = tap(client, room["amara"], "fox")
    assert locked.status_code == 423 and "Ben" not in locked.get_data(as_text=True)
    assert client.get(f"/class/names/{room['amara'].id}").status_code == 423
    assert client.get("/test-only/whoami").status_code == 302

    teacher = app.test_client()
    sign_in(teacher, room["teacher"].email)
    board = f"/teach/sessions/{room['session'].id}"
    assert "Locked: needs help" in teacher.get(board).get_data(as_text=True)
    unlocked = post_form(teacher, f"{board}/unlock/{room['amara'].id}", page=board)
    assert unlocked.status_code == 302
    seat = seat_of(room["session"], room["amara"])
    assert not seat.locked and seat.wrong_pictures == 0
    assert tap(client, room["amara"], "fox").location.endswith("/me")


def test_unlock_by_htmx_returns_the_live_list(app, room):
    seat = SessionPupil(
        session_id=room["session"].id, pupil_id=room["ben"].id, wrong_pictures=3, locked=True
    )
    db.session.add(seat)
    db.session.commit()
    teacher = app.test_client()
    sign_in(teacher, room["teacher"].email)
    board = f"/teach/sessions/{room['session'].id}"
    response = teacher.post(
        f"{board}/unlock/{room['ben'].id}",
        headers={"HX-Request": "true", "X-CSRFToken": csrf_token(teacher, board)},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "Locked" not in html and "0 of 3" in html
    assert post_form(teacher, f"{board}/unlock/999999", page=board).status_code == 404


def test_after_an_unlock_htmx_is_told_to_focus_the_next_locked_pupil_then_the_status(app, room):
    for pupil in (room["amara"], room["cara"]):
        db.session.add(
            SessionPupil(
                session_id=room["session"].id, pupil_id=pupil.id, wrong_pictures=3, locked=True
            )
        )
    db.session.commit()
    teacher = app.test_client()
    sign_in(teacher, room["teacher"].email)
    board = f"/teach/sessions/{room['session'].id}"
    headers = {"HX-Request": "true", "X-CSRFToken": csrf_token(teacher, board)}

    def unlock(pupil):
        response = teacher.post(f"{board}/unlock/{pupil.id}", headers=headers)
        return json.loads(response.headers["HX-Trigger-After-Settle"])["portal:focus"]

    assert (
        unlock(room["cara"]) == f"#unlock-{room['amara'].id}"
    )  # from the bottom, round to the top
    assert unlock(room["amara"]) == "#live-status"
    plain = post_form(teacher, f"{board}/unlock/{room['ben'].id}", page=board)
    assert "HX-Trigger-After-Settle" not in plain.headers


@pytest.mark.parametrize("who", ["other_class", "left", "unknown"])
def test_a_pupil_not_in_the_sessions_class_is_not_found_and_nothing_is_stored(client, room, who):
    if who == "other_class":
        pupil_id = make_pupil(make_class("Elm", 2), "Zed", "Elsewhere").id
    elif who == "left":
        room["ben"].left_on = school_today()
        db.session.commit()
        pupil_id = room["ben"].id
    else:
        pupil_id = 999999
    join(client)
    assert client.get(f"/class/names/{pupil_id}").status_code == 404
    response = post_form(client, f"/class/names/{pupil_id}", {"picture": "owl"}, page="/class")
    assert response.status_code == 404
    assert seat_count() == 0


def test_a_pupil_without_a_picture_is_sent_to_the_teacher_and_nothing_is_stored(client, room):
    join(client)
    page = client.get(f"/class/names/{room['cara'].id}")
    assert page.status_code == 409
    assert "Ask your teacher to give you a picture" in unescape(page.get_data(as_text=True))
    assert tap(client, room["cara"], "dog").status_code == 409
    assert seat_count() == 0


def test_a_picture_that_is_not_one_of_the_nine_is_a_bad_request(client, room):
    join(client)
    assert tap(client, room["amara"], "unicorn").status_code == 400
    assert seat_count() == 0


@pytest.mark.parametrize("ending", ["two_hours_passed", "school_day_over", "teacher_ended"])
def test_a_closed_session_refuses_sign_in_and_bounces_signed_in_pupils(client, room, ending):
    seat_pupil(client, room["session"], room["ben"])
    join(client)
    assert client.get("/test-only/whoami").status_code == 200
    if ending == "teacher_ended":
        service.end_session(room["session"], utcnow())
    else:  # what start_session computed has now passed
        room["session"].expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    bounced = client.get("/test-only/whoami")
    assert bounced.status_code == 302 and bounced.location.endswith("/class")
    assert tap(client, room["amara"], "fox").location.endswith("/class")
    assert client.get("/class/names").location.endswith("/class")
    assert join(client).status_code == 422
    assert seat_of(room["session"], room["amara"]) is None


def test_the_sign_in_pages_read_aloud_for_a_young_class_and_the_code_page_learns_it(client, room):
    reads_aloud = "data-read-aloud-always"
    assert reads_aloud not in client.get("/class").get_data(as_text=True)  # nobody known yet
    join(client)
    assert reads_aloud in client.get("/class/names").get_data(as_text=True)  # Year 1
    assert reads_aloud in client.get(f"/class/names/{room['amara'].id}").get_data(as_text=True)
    tap(client, room["amara"], "fox")
    post_form(client, "/class/sign-out", page="/class")
    # The session ends: the tablet still remembers a Year 1 class signed in here last.
    room["session"].ended_at = utcnow()
    db.session.commit()
    assert reads_aloud in client.get("/class").get_data(as_text=True)


def test_a_pupil_signing_out_leaves_the_tablet_on_the_names_for_the_next_child(client, room):
    join(client)
    tap(client, room["amara"], "fox")
    response = post_form(client, "/class/sign-out", page="/class")
    assert response.status_code == 302 and response.location.endswith("/class/names")
    assert client.get("/test-only/whoami").status_code == 302
    assert "Ben S." in client.get("/class/names").get_data(as_text=True)
    assert tap(client, room["ben"], "owl").location.endswith("/me")
    assert client.get("/test-only/whoami").get_json()["name"] == "Ben S."


def test_two_pupils_on_two_tablets_each_see_only_themselves(app, room):
    amara_tablet, ben_tablet = app.test_client(), app.test_client()
    for tablet, pupil, picture in (
        (amara_tablet, room["amara"], "fox"),
        (ben_tablet, room["ben"], "owl"),
    ):
        join(tablet)
        assert tap(tablet, pupil, picture).location.endswith("/me")
    amara_sees = amara_tablet.get("/test-only/whoami").get_data(as_text=True)
    ben_sees = ben_tablet.get("/test-only/whoami").get_data(as_text=True)
    assert "Amara O." in amara_sees and "Ben" not in amara_sees
    assert "Ben S." in ben_sees and "Amara" not in ben_sees
    # Ben's tablet cannot act as Amara by asking for her picture page: it reveals nothing of hers.
    html = ben_tablet.get(f"/class/names/{room['amara'].id}").get_data(as_text=True)
    assert "fox" not in html.split('name="picture"')[0] and "Okafor" not in html


def test_csrf_is_required_on_every_classroom_post(app, client, room):
    teacher = app.test_client()
    sign_in(teacher, room["teacher"].email)
    join(client)
    assert client.post("/class", data={"code": "4821"}).status_code == 400
    assert (
        client.post(f"/class/names/{room['amara'].id}", data={"picture": "fox"}).status_code == 400
    )
    assert client.post("/class/sign-out").status_code == 400
    base = f"/teach/sessions/{room['session'].id}"
    for url in (
        "/teach/sessions",
        f"{base}/end",
        f"{base}/unlock/{room['amara'].id}",
        f"/teach/classes/{room['class'].id}/pictures",
    ):
        assert teacher.post(url, data={"class_id": room["class"].id}).status_code == 400, url
    assert seat_count() == 0 and room["session"].ended_at is None


# The teacher's side


def test_a_teacher_starts_a_session_and_the_board_shows_address_code_and_qr(app, room):
    teacher = app.test_client()
    sign_in(teacher, room["teacher"].email)
    service.end_session(room["session"], utcnow())
    db.session.commit()
    pictures = f"/teach/classes/{room['class'].id}/pictures"
    response = post_form(teacher, "/teach/sessions", {"class_id": room["class"].id}, page=pictures)
    assert response.status_code == 302
    new = db.session.scalar(select(ClassSession).where(ClassSession.ended_at.is_(None)))
    assert response.location.endswith(f"/teach/sessions/{new.id}")
    assert len(new.code) == 4 and new.code.isdigit() and new.started_by_id == room["teacher"].id
    assert new.expires_at - new.started_at == timedelta(hours=2)
    html = teacher.get(response.location).get_data(as_text=True)
    assert "http://portal.test/class" in html and f">{new.code}<" in html
    assert "<svg" in html and 'role="img"' in html and "QR code" in html
    assert 'data-hx-trigger="every 5s"' in html and 'aria-live="polite"' in html
    assert "End the session" in html
    again = post_form(teacher, "/teach/sessions", {"class_id": room["class"].id}, page=pictures)
    assert again.location == response.location  # the open session is reused, not doubled


@pytest.mark.parametrize("roles", [("teacher",), ("staff",), ("governor",)])
def test_staff_cannot_run_a_session_for_a_class_they_do_not_teach(app, room, roles):
    stranger = make_staff(roles=roles, classes=[make_class("Elm", 2)])
    client = app.test_client()
    sign_in(client, stranger.email)
    token = csrf_token(client, "/account/password")
    base = f"/teach/sessions/{room['session'].id}"
    cls = f"/teach/classes/{room['class'].id}"
    for url in (base, f"{base}/live", f"{cls}/pictures", f"{cls}/cards"):
        assert client.get(url).status_code == 403, url
    for url in (
        "/teach/sessions",
        f"{base}/end",
        f"{base}/unlock/{room['amara'].id}",
        f"{cls}/pictures",
        f"{cls}/pictures/{room['amara'].id}",
    ):
        data = {
            "csrf_token": token,
            "class_id": room["class"].id,
            "which": "everyone",
            "picture": "dog",
        }
        assert client.post(url, data=data).status_code == 403, url
    db.session.expire_all()
    assert room["session"].ended_at is None and room["amara"].picture == "fox"
    assert db.session.scalar(select(func.count()).select_from(ClassSession)) == 1


def test_a_leader_may_run_any_classs_session(app, room):
    head = make_staff(roles=("head_teacher",))
    client = app.test_client()
    sign_in(client, head.email)
    assert client.get(f"/teach/sessions/{room['session'].id}").status_code == 200


def test_the_live_list_shows_sign_ins_and_stays_quiet_when_nothing_changed(app, client, room):
    teacher = app.test_client()
    sign_in(teacher, room["teacher"].email)
    live = f"/teach/sessions/{room['session'].id}/live"
    first = teacher.get(live, headers={"HX-Request": "true"})
    html = first.get_data(as_text=True)
    assert first.status_code == 200 and "0 of 3" in html and "<html" not in html
    version = html.split("v=")[1].split('"')[0]
    assert teacher.get(f"{live}?v={version}", headers={"HX-Request": "true"}).status_code == 204
    join(client)
    tap(client, room["amara"], "fox")
    changed = teacher.get(f"{live}?v={version}", headers={"HX-Request": "true"})
    assert changed.status_code == 200 and "1 of 3" in changed.get_data(as_text=True)
    assert teacher.get(live).location.endswith(f"/teach/sessions/{room['session'].id}")


def test_the_live_list_takes_the_same_number_of_queries_for_5_and_25_pupils(app, room):
    from portal.policies.shipped import install_shipped_policies

    install_shipped_policies(school_today())
    db.session.commit()
    teacher = app.test_client()
    sign_in(teacher, room["teacher"].email)
    live = f"/teach/sessions/{room['session'].id}/live"

    def queries_with(pupils: int) -> int:
        while len(class_roll(room["class"].id)) < pupils:
            pupil = make_pupil(room["class"], "Dev")
            db.session.add(
                SessionPupil(
                    session_id=room["session"].id,
                    pupil_id=pupil.id,
                    signed_in_at=utcnow(),
                    locked=pupil.id % 2 == 0,
                )
            )
            db.session.commit()
        with counting_queries() as statements:
            assert teacher.get(live, headers={"HX-Request": "true"}).status_code == 200
        return len(statements)

    assert queries_with(5) == queries_with(25)


def test_progress_reads_aup_done_and_quiz_answers(app, room):
    from portal.policies.service import record_acknowledgement
    from portal.policies.shipped import install_shipped_policies
    from portal.pupils.progress import aup_to_show, school_year_of
    from portal.quiz.catalogue import quiz_for
    from portal.quiz.models import QuizAnswer, QuizAttempt

    today = school_today()
    install_shipped_policies(today)
    record_acknowledgement(
        aup_to_show("KS1", today),
        school_year_of(today),
        pupil=room["amara"],
        method="in_class",
        key_stage="KS1",
    )
    quiz = quiz_for("KS1")
    attempt = QuizAttempt(
        quiz_id=quiz.id,
        quiz_revision="r",
        academic_year=school_year_of(today),
        pupil_id=room["amara"].id,
        total=len(quiz.questions),
    )
    attempt.answers = [
        QuizAnswer(question_id=q.id, choice_id="a", correct=True) for q in quiz.questions[:3]
    ]
    db.session.add(attempt)
    db.session.commit()
    rows = {row.display_name: row for row in live_view(room["session"], today)}
    total = len(quiz.questions)
    assert rows["Amara O."].progress == f"AUP done · quiz 3 of {total}"
    assert rows["Ben S."].progress == "AUP to do · quiz not started"


def test_ending_the_session_signs_pupils_out(app, client, room):
    seat_pupil(client, room["session"], room["ben"])
    teacher = app.test_client()
    sign_in(teacher, room["teacher"].email)
    board = f"/teach/sessions/{room['session'].id}"
    assert post_form(teacher, f"{board}/end", page=board).location.endswith(board)
    html = teacher.get(board).get_data(as_text=True)
    assert "This class session has ended" in html and "every 5s" not in html
    assert client.get("/test-only/whoami").status_code == 302


def test_pictures_are_set_reset_and_given_to_those_without(app, room):
    teacher = app.test_client()
    sign_in(teacher, room["teacher"].email)
    page = f"/teach/classes/{room['class'].id}/pictures"
    html = teacher.get(page).get_data(as_text=True)
    assert "Amara Okafor" in html and "No picture yet" in html
    post_form(teacher, f"{page}/{room['amara'].id}", {"picture": "bee"}, page=page)
    post_form(teacher, f"{page}/{room['ben'].id}", {"picture": "random"}, page=page)
    post_form(teacher, page, {"which": "missing"}, page=page)
    db.session.expire_all()
    assert room["amara"].picture == "bee"
    assert room["ben"].picture not in (None, "owl")
    assert room["cara"].picture in {p.key for p in PICTURES}
    assert (
        post_form(
            teacher, f"{page}/{room['amara'].id}", {"picture": "unicorn"}, page=page
        ).status_code
        == 400
    )
    elsewhere = make_pupil(make_class("Elm", 2), "Zed")
    assert (
        post_form(teacher, f"{page}/{elsewhere.id}", {"picture": "dog"}, page=page).status_code
        == 404
    )


def test_login_cards_show_only_display_names_class_and_pictures(app, room):
    teacher = app.test_client()
    sign_in(teacher, room["teacher"].email)
    html = teacher.get(f"/teach/classes/{room['class'].id}/cards").get_data(as_text=True)
    cards = html.split('class="login-cards"')[1]
    assert "Amara O." in cards and "Fox" in cards and "Ben S." in cards and "Owl" in cards
    assert "Oak" in cards and "Cara" not in cards  # no picture, no card
    for secret in ("Okafor", "Smith", room["amara"].mis_id):
        assert secret not in html
    assert "1 pupil has no picture yet" in html


def test_the_home_panel_offers_a_start_form_per_class_taught(app, room):
    service.end_session(room["session"], utcnow())
    elm = make_class("Elm", 2)
    room["teacher"].classes.append(elm)
    db.session.commit()
    context = service.teacher_panel_context(room["teacher"], utcnow())
    with app.test_request_context("/"):
        html = render_template("classroom/_teacher_panel.html", **context)
    assert html.count("Start a class session") == 2 and 'name="csrf_token"' in html
    open_class_session(elm, room["teacher"], code="5555")
    context = service.teacher_panel_context(room["teacher"], utcnow())
    with app.test_request_context("/"):
        html = render_template("classroom/_teacher_panel.html", **context)
    assert html.count("Start a class session") == 1 and "5555" in html


# The service's own rules, at fixed times


@pytest.mark.parametrize(
    ("now", "expires_at"),
    [
        (datetime(2026, 3, 10, 9, 0), datetime(2026, 3, 10, 11, 0)),  # GMT: two hours
        (datetime(2026, 3, 10, 14, 45), datetime(2026, 3, 10, 15, 30)),  # GMT: the day's end
        (datetime(2026, 6, 10, 13, 45), datetime(2026, 6, 10, 14, 30)),  # BST: 15:30 is 14:30 UTC
        (datetime(2026, 6, 10, 14, 30), None),  # the school day is over: no session
    ],
)
def test_a_session_ends_after_two_hours_or_at_the_end_of_the_school_day(app, now, expires_at):
    elm, teacher = make_class("Elm", 2), make_staff()
    ends = time(15, 30, tzinfo=LONDON)
    if expires_at is None:
        with pytest.raises(service.SessionProblem):
            service.start_session(elm, teacher, now, ends)
    else:
        assert service.start_session(elm, teacher, now, ends).expires_at == expires_at


def test_after_the_end_of_the_school_day_the_code_is_refused(app, client, room, monkeypatch):
    import portal.classroom.views as views

    service.end_session(room["session"], utcnow())
    start = utcnow() - timedelta(hours=1)
    day_end = (start + timedelta(minutes=30)).time().replace(tzinfo=ZoneInfo("UTC"))
    monkeypatch.setattr(views, "utcnow", lambda: start)
    started = service.start_session(room["class"], room["teacher"], start, day_end)
    db.session.commit()
    assert started.expires_at == start + timedelta(minutes=30)
    assert join(client, started.code).status_code == 302
    monkeypatch.setattr(views, "utcnow", lambda: start + timedelta(minutes=31))
    assert join(client, started.code).status_code == 422


def test_codes_are_four_digits_unique_among_open_sessions(app, room, monkeypatch):
    draws = iter([4821, 4821, 77])
    monkeypatch.setattr(service.secrets, "randbelow", lambda _n: next(draws))
    elm = make_class("Elm", 2)
    started = service.start_session(elm, room["teacher"], utcnow(), None)
    assert started.code == "0077"
    assert service.open_session_for_code("0077", utcnow()) is started
    assert service.open_session_for_code("٤٨٢١", utcnow()) is None


def test_reset_pictures_spreads_the_nine_evenly(app):
    oak = make_class("Oak", 1)
    for n in range(18):
        make_pupil(oak, f"Pupil{n:02d}")
    assert service.reset_pictures(oak) == 18
    db.session.commit()
    counts = {}
    for pupil in db.session.scalars(select(Pupil)):
        counts[pupil.picture] = counts.get(pupil.picture, 0) + 1
    assert counts == {key: 2 for key, _label in picture_choices()}
    assert service.reset_pictures(oak) == 0
    assert service.reset_pictures(oak, everyone=True) == 18


# Every classroom page is valid HTML (the Nu validator, as tests/test_html.py runs it)


@pytest.mark.html_validator
def test_classroom_pages_are_valid_html(app, client, room, tmp_path):
    pages = {
        "code": body_of(client.get("/class")),
        "code-wrong-422": body_of(join(client, "1111"), 422),
    }
    join(client)
    pages |= {
        "names": body_of(client.get("/class/names")),
        "pictures": body_of(client.get(f"/class/names/{room['amara'].id}")),
        "pictures-wrong-422": body_of(tap(client, room["amara"], "dog"), 422),
        "no-picture-409": body_of(client.get(f"/class/names/{room['cara'].id}"), 409),
    }
    teacher = app.test_client()
    sign_in(teacher, room["teacher"].email)
    board, cls = f"/teach/sessions/{room['session'].id}", f"/teach/classes/{room['class'].id}"
    for name, url in [
        ("board", board),
        ("pictures-admin", f"{cls}/pictures"),
        ("cards", f"{cls}/cards"),
    ]:
        pages[name] = body_of(teacher.get(url))
    live = body_of(teacher.get(f"{board}/live", headers={"HX-Request": "true"}))
    with app.test_request_context("/"):
        panel = render_template(
            "classroom/_teacher_panel.html",
            **service.teacher_panel_context(room["teacher"], utcnow()),
        )
    pages |= {"live": FRAGMENT_PAGE.format(live), "panel": FRAGMENT_PAGE.format(panel)}
    assert_valid_html(pages, tmp_path)


def test_the_board_shows_each_pupils_progress_only_when_the_teacher_asks(app, room):
    from portal.policies.shipped import install_shipped_policies

    install_shipped_policies(school_today())
    db.session.commit()
    teacher_client = app.test_client()
    sign_in(teacher_client, room["teacher"].email)
    class_session = room["session"]
    hidden = teacher_client.get(f"/teach/sessions/{class_session.id}").get_data(as_text=True)
    shown = teacher_client.get(f"/teach/sessions/{class_session.id}?progress=1").get_data(
        as_text=True
    )
    assert "AUP to do" not in hidden and "Show each pupil's progress" in hidden
    assert "AUP to do" in shown and "progress=1" in shown


def test_guessing_class_codes_from_one_address_is_stopped(app, room):
    from portal.classroom import code_guesses

    guesser = app.test_client()
    for code in range(1000, 1000 + code_guesses.GUESSES_ALLOWED):
        assert join(guesser, f"{code}").status_code == 422
    stopped = join(guesser, "4821")  # even the right code, once the limit is reached
    assert stopped.status_code == 429 and "Too many wrong codes" in stopped.get_data(as_text=True)
    with guesser.session_transaction() as session:
        assert CLASS_KEY not in session


def test_a_new_session_ends_the_expired_one_and_may_reuse_its_code(app, room, monkeypatch):
    expired = room["session"]
    later = expired.expires_at + timedelta(minutes=1)
    monkeypatch.setattr(service.secrets, "randbelow", lambda _n: 4821)
    started = service.start_session(room["class"], room["teacher"], later, None)
    db.session.commit()
    assert started.id != expired.id and started.code == "4821"
    db.session.refresh(expired)
    assert expired.ended_at == expired.expires_at  # it ended when its time ran out
    assert service.open_session_for_code("4821", later) == started


@pytest.mark.parametrize("clash", ["same_class", "same_code"])
def test_the_database_refuses_a_second_open_session_for_a_class_or_a_code(app, room, clash):
    elm = make_class("Elm", 2)
    class_id, code = (room["class"].id, "1111") if clash == "same_class" else (elm.id, "4821")
    db.session.add(
        ClassSession(
            class_id=class_id,
            started_by_id=room["teacher"].id,
            code=code,
            expires_at=utcnow() + timedelta(hours=1),
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
