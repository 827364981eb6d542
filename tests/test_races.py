"""Taps and double submits that arrive at the same moment: real concurrent requests.

Each test serves the portal from a thread (`live_server`), prepares one browser per request
(own cookie, own CSRF token), releases the requests together with a Barrier, and then looks
at the database. Every request must get an ordinary answer (never a 5xx) and the database
must hold what one request at a time would have left.
"""

import pytest
from sqlalchemy import select

from portal.classroom.models import ClassSession, SessionPupil
from portal.classroom.pictures import PICTURES
from portal.classroom.service import MAX_WRONG_PICTURES
from portal.clock import school_today
from portal.extensions import db
from portal.policies.models import Policy, PolicyVersion
from portal.pupils.progress import aup_to_show
from portal.quiz.catalogue import quiz_for
from portal.quiz.models import FirstGoTally, QuizAnswer, QuizAttempt
from portal.staff_module.models import ModuleProgress
from tests.helpers.builders import (
    install_content,
    make_class,
    make_pupil,
    make_staff,
    open_class_session,
)
from tests.helpers.concurrency import Browser, at_once
from tests.helpers.web import with_classroom


@pytest.fixture
def app(app):
    return with_classroom(app)


def fresh(query):
    """A query's rows as the other requests left them (nothing cached in this session)."""
    db.session.expire_all()
    return db.session.scalars(query).all()


# Picture passwords ---------------------------------------------------------------------------


def joined(live_server, code: str) -> Browser:
    """A tablet that has typed the class code."""
    tablet = Browser(live_server)
    assert tablet.post("/class", {"code": code}).status_code == 302
    return tablet


def test_nine_tablets_tapping_the_nine_pictures_at_once_cannot_get_past_the_lock(live_server):
    oak = make_class("Oak", 1)
    teacher = make_staff(classes=[oak])
    amara = make_pupil(oak, "Amara")
    amara.picture = "fox"
    db.session.commit()
    class_session = open_class_session(oak, teacher, code="4821")
    page = f"/class/names/{amara.id}"
    taps = [
        joined(live_server, "4821").poster(page, {"picture": p.key}, page=page) for p in PICTURES
    ]

    responses = dict(zip((p.key for p in PICTURES), at_once(taps), strict=True))

    assert {r.status_code for r in responses.values()} <= {302, 422, 423}
    (seat,) = fresh(select(SessionPupil).where(SessionPupil.session_id == class_session.id))
    # Eight wrong taps always reach the lock, and nothing counts once it is reached.
    assert seat.locked and seat.wrong_pictures == MAX_WRONG_PICTURES
    tries_left = sum(r.status_code == 422 for r in responses.values())
    right = responses.pop("fox")
    if right.status_code == 302:  # it came before the lock: 0-2 wrong taps, then 2 more, then 3
        assert right.headers["Location"].endswith("/me") and seat.signed_in_at is not None
        assert 2 <= tries_left <= 4
    else:  # it came after the lock: refused like every tap after the third wrong one
        assert right.status_code == 423 and seat.signed_in_at is None
        assert tries_left == MAX_WRONG_PICTURES - 1


# Double submits --------------------------------------------------------------------------------


def test_six_starts_of_a_class_session_at_once_open_one_session_and_one_board(live_server):
    oak = make_class("Oak", 1)
    teacher = make_staff(classes=[oak])
    starts = [
        Browser(live_server).sign_in(teacher.email).poster("/teach/sessions", {"class_id": oak.id})
        for _ in range(6)
    ]

    responses = at_once(starts)

    assert [r.status_code for r in responses] == [302] * 6
    sessions = fresh(select(ClassSession).where(ClassSession.class_id == oak.id))
    assert len(sessions) == 1 and sessions[0].ended_at is None
    assert {r.headers["Location"] for r in responses} == {f"/teach/sessions/{sessions[0].id}"}


def signed_in_pupil(live_server, code: str, pupil) -> Browser:
    """A tablet on which ``pupil`` has signed in with their picture."""
    tablet = joined(live_server, code)
    page = f"/class/names/{pupil.id}"
    assert tablet.post(page, {"picture": pupil.picture}).headers["Location"].endswith("/me")
    return tablet


def test_eight_taps_on_start_the_quiz_at_once_make_one_attempt(live_server):
    install_content()
    oak = make_class("Oak", 1)
    amara = make_pupil(oak, "Amara")
    amara.picture = "fox"
    db.session.commit()
    open_class_session(oak, make_staff(classes=[oak]), code="4821")
    tablets = [signed_in_pupil(live_server, "4821", amara) for _ in range(8)]
    version = aup_to_show("KS1", school_today())
    assert tablets[0].post("/me/aup", {"version_id": version.id}).status_code == 303

    responses = at_once([tablet.poster("/me/start", page="/me") for tablet in tablets])

    assert [r.status_code for r in responses] == [303] * 8
    assert {r.headers["Location"] for r in responses} == {"/me/quiz"}
    assert len(fresh(select(QuizAttempt).where(QuizAttempt.pupil_id == amara.id))) == 1


def test_pupils_answering_the_same_question_at_once_are_each_counted_once(live_server):
    """Six pupils, each double-tapping on two tablets, answer the first question at the same
    moment: six answers, and the tally of first goes says six, never fewer or more."""
    install_content()
    oak = make_class("Oak", 1)
    pupils = [make_pupil(oak, name) for name in ("Amara", "Ben", "Cara", "Dev", "Esme", "Fin")]
    for pupil, picture in zip(pupils, PICTURES, strict=False):
        pupil.picture = picture.key
    db.session.commit()
    open_class_session(oak, make_staff(classes=[oak]), code="4821")
    version = aup_to_show("KS1", school_today())
    question = quiz_for("KS1").for_year(1).questions[0]
    wrong = next(choice for choice in question.choices if not choice.correct)
    taps = []
    for pupil in pupils:
        tablets = [signed_in_pupil(live_server, "4821", pupil) for _ in range(2)]
        assert tablets[0].post("/me/aup", {"version_id": version.id}).status_code == 303
        assert tablets[0].post("/me/start", page="/me").status_code == 303
        path, form = f"/me/quiz/{question.id}", {"choice": wrong.id}
        taps += [tablet.poster(path, form, page="/me/quiz") for tablet in tablets]

    responses = at_once(taps)

    assert {r.status_code for r in responses} == {303}
    assert len(fresh(select(QuizAnswer))) == len(pupils)
    (tally,) = fresh(select(FirstGoTally))
    assert (tally.class_id, tally.question_id, tally.choice_id) == (oak.id, question.id, wrong.id)
    assert tally.pupils == len(pupils)


def staff_browsers(live_server, staff, count: int) -> list[Browser]:
    return [Browser(live_server).sign_in(staff.email) for _ in range(count)]


def test_six_starts_of_the_staff_check_at_once_make_one_attempt(live_server):
    install_content()
    ruth = make_staff(name="Ruth Okafor")
    browsers = staff_browsers(live_server, ruth, 6)
    for card in range(1, 7):
        assert browsers[0].post(f"/module/read/{card}").status_code == 302

    responses = at_once([b.poster("/module/check/start", page="/module/check") for b in browsers])

    assert [r.status_code for r in responses] == [302] * 6
    (attempt,) = fresh(select(QuizAttempt).where(QuizAttempt.staff_id == ruth.id))
    assert {r.headers["Location"] for r in responses} == {f"/module/check/{attempt.id}"}


def test_six_marks_of_the_first_card_at_once_keep_one_reading_record(live_server):
    install_content()
    ruth = make_staff(name="Ruth Okafor")
    browsers = staff_browsers(live_server, ruth, 6)

    responses = at_once([b.poster("/module/read/1") for b in browsers])

    assert [r.status_code for r in responses] == [302] * 6
    assert {r.headers["Location"] for r in responses} == {"/module/read/2"}
    (progress,) = fresh(select(ModuleProgress).where(ModuleProgress.staff_id == ruth.id))
    assert progress.cards_read == 1 and progress.read_at is None


# Editors publishing ----------------------------------------------------------------------

POLICY = "/policies/social-media-policy"
VERSION_NUMBERS = (
    select(PolicyVersion.number).join(Policy).where(Policy.slug == "social-media-policy")
)


MEANWHILE = "Someone else published version 2 since you opened this page"


def edited_version(summary: str, based_on: int = 1) -> dict:
    return {
        "body": aup_to_show("KS2", school_today()).body + f"\n{summary}\n",  # any valid Markdown
        "effective_on": school_today().isoformat(),
        "change_kind": "minor",
        "summary": summary,
        "based_on": based_on,
    }


def test_four_editors_publishing_at_once_make_one_version_and_tell_the_others(live_server):
    install_content()
    editors = [make_staff(roles=("head_teacher",)) for _ in range(4)]
    tries = [
        Browser(live_server)
        .sign_in(editor.email)
        .poster(f"{POLICY}/publish", edited_version(f"Tidied the wording, take {n}."))
        for n, editor in enumerate(editors)
    ]
    responses = at_once(tries)
    assert sorted(r.status_code for r in responses) == [302, 422, 422, 422]
    assert sum(MEANWHILE in r.text for r in responses) == 3
    assert sorted(fresh(VERSION_NUMBERS)) == [1, 2]


def test_an_editor_who_opened_the_page_before_another_published_is_told_and_nothing_is_lost(
    live_server,
):
    install_content()
    first, second = (
        Browser(live_server).sign_in(make_staff(roles=("head_teacher",)).email) for _ in range(2)
    )
    assert 'name="based_on" type="hidden" value="1"' in first.get(f"{POLICY}/publish").text
    assert first.post(f"{POLICY}/publish", edited_version("First.")).status_code == 302
    late = second.post(f"{POLICY}/publish", edited_version("Second, from version 1."))
    assert late.status_code == 422 and MEANWHILE in late.text
    assert sorted(fresh(VERSION_NUMBERS)) == [1, 2]
    assert second.post(f"{POLICY}/publish", edited_version("Second.", 2)).status_code == 302
