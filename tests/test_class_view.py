"""The teacher's class view: statuses, question stats, quiz settings, reading the AUP together."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.clock import school_today, utcnow
from portal.extensions import db
from portal.people.models import Pupil
from portal.policies.models import Acknowledgement
from portal.policies.service import record_acknowledgement
from portal.policies.shipped import install_shipped_policies
from portal.pupils.progress import aup_to_show, school_year_of
from portal.quiz.catalogue import quiz_for
from portal.quiz.models import QuizAnswer, QuizAttempt
from portal.teaching import service
from portal.teaching.stats import question_stats
from tests.helpers.builders import make_class, make_pupil, make_staff
from tests.helpers.checkers import assert_valid_html
from tests.helpers.queries import counting_queries
from tests.helpers.web import body_of, post_form, sign_in

TODAY = school_today()
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def installed(app):
    install_shipped_policies(TODAY)
    db.session.commit()


def signed_in(app, *classes, roles=("teacher",), name=None):
    person = make_staff(roles=roles, classes=classes, name=name)
    client = app.test_client()
    sign_in(client, person.email)
    return client, person


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def post(client, url, data=None, **kwargs):
    return post_form(client, url, data, page="/teach/classes/", **kwargs)


def take(
    pupil,
    quiz,
    answers: dict[int, str] | None = None,
    finished=True,
    revision=None,
    all_correct=False,
):
    """An attempt at ``quiz``: answers by question number (1-based) -> "right" or a choice id."""
    attempt = QuizAttempt(
        quiz_id=quiz.id,
        quiz_revision=revision or quiz.revision,
        academic_year=school_year_of(TODAY),
        pupil_id=pupil.id,
        total=len(quiz.questions),
        finished_at=utcnow() if finished else None,
    )
    chosen = {n: "right" for n in range(1, len(quiz.questions) + 1)} if all_correct else answers
    for number, choice_id in (chosen or {}).items():
        question = quiz.questions[number - 1]
        choice_id = question.correct_choice_id if choice_id == "right" else choice_id
        attempt.answers.append(
            QuizAnswer(
                question_id=question.id,
                choice_id=choice_id,
                correct=choice_id == question.correct_choice_id,
            )
        )
    db.session.add(attempt)
    db.session.commit()
    return attempt


def wrong(quiz, number: int, which: int = 0) -> str:
    return [c.id for c in quiz.questions[number - 1].choices if not c.correct][which]


def acknowledgements() -> list[Acknowledgement]:
    db.session.rollback()  # see what the requests committed
    return list(db.session.scalars(select(Acknowledgement).order_by(Acknowledgement.pupil_id)))


# Who sees which class ----------------------------------------------------------------------


def test_a_teacher_sees_only_their_own_classes(app):
    oak, elm = make_class("Oak", 1), make_class("Elm", 2)
    stranger = make_pupil(elm, "Zara")
    client, _ = signed_in(app, oak)
    listing = html(client.get("/teach/classes/"))
    assert "Oak" in listing and "Elm" not in listing
    assert client.get(f"/teach/classes/{oak.id}").status_code == 200
    assert client.get(f"/teach/classes/{elm.id}").status_code == 403
    assert client.get(f"/teach/classes/{elm.id}/aup").status_code == 403
    settings = post(
        client,
        f"/teach/classes/{elm.id}/pupils/{stranger.id}/accommodations",
        {"always_read_aloud": "on"},
    )
    together = post(client, f"/teach/classes/{elm.id}/aup", {"pupil": [stranger.id]})
    assert settings.status_code == 403 and together.status_code == 403
    assert acknowledgements() == [] and not db.session.get(Pupil, stranger.id).always_read_aloud


def test_a_pupil_of_another_class_is_not_found_through_my_class(app):
    oak, elm = make_class("Oak", 1), make_class("Elm", 2)
    stranger = make_pupil(elm, "Zara")
    client, _ = signed_in(app, oak)
    url = f"/teach/classes/{oak.id}/pupils/{stranger.id}/accommodations"
    assert post(client, url, {"two_choices": "on"}).status_code == 404


@pytest.mark.parametrize("role", ["admin", "head_teacher", "esafety_lead"])
def test_the_schools_leaders_see_every_class(app, role):
    oak, elm = make_class("Oak", 1), make_class("Elm", 4)
    client, _ = signed_in(app, roles=(role,))
    listing = html(client.get("/teach/classes/"))
    assert "Every class" in listing and "Oak" in listing and "Elm" in listing
    assert all(client.get(f"/teach/classes/{c.id}").status_code == 200 for c in (oak, elm))


def test_other_staff_and_strangers_are_refused(app, client):
    oak = make_class("Oak", 1)
    assert client.get(f"/teach/classes/{oak.id}").status_code == 302  # to sign in
    staff_client, _ = signed_in(app, oak, roles=("staff",))
    assert staff_client.get("/teach/classes/").status_code == 403
    assert staff_client.get(f"/teach/classes/{oak.id}").status_code == 403


# The class at a glance ---------------------------------------------------------------------


def test_each_pupil_shows_aup_and_quiz_status_in_words_with_totals(app):
    oak = make_class("Oak", 1)
    quiz = quiz_for("KS1").for_year(1)
    amara, ben, cara = (make_pupil(oak, name, "Smith") for name in ("Amara", "Ben", "Cara"))
    gone = make_pupil(oak, "Gone", "Away")
    gone.left_on = TODAY - timedelta(days=3)
    witness = make_staff(name="Ms Patel")
    version, year = aup_to_show("KS1", TODAY), school_year_of(TODAY)
    record_acknowledgement(version, year, pupil=amara, method="online", key_stage="KS1")
    record_acknowledgement(
        version, year, pupil=ben, method="in_class", recorded_by=witness, key_stage="KS1"
    )
    db.session.commit()
    take(ben, quiz, {1: "right", 2: wrong(quiz, 2)}, finished=False)
    take(cara, quiz, all_correct=True)
    client, _ = signed_in(app, oak)
    page = html(client.get(f"/teach/classes/{oak.id}"))
    rows = {
        p.first_name: page.split(f'<tr id="pupil-{p.id}">')[1].split("</tr>")[0]
        for p in (amara, ben, cara)
    }
    assert "Acknowledged" in rows["Amara"] and "online" in rows["Amara"]
    assert "Not started" in rows["Amara"]
    assert "in class" in rows["Ben"] and "witness: Ms Patel" in rows["Ben"]
    assert "In progress" in rows["Ben"] and f"2 of {len(quiz.questions)} questions" in rows["Ben"]
    assert "Not yet" in rows["Cara"] and "Done" in rows["Cara"]
    assert "Gone Away" not in page
    assert "2 of 3 (67%)</strong> have acknowledged" in page
    assert "1 of 3 (33%)</strong> have finished the quiz" in page
    listing = html(client.get("/teach/classes/"))
    assert "<td>2 of 3 (67%)</td>" in listing and "<td>1 of 3 (33%)</td>" in listing


def test_tallies_keep_their_base_and_round_half_up():
    assert str(service.Tally(18, 24)) == "18 of 24 (75%)"
    assert str(service.Tally(5, 8)) == "5 of 8 (63%)"
    assert str(service.Tally(0, 0)) == "0 of 0"


# Per-question statistics -------------------------------------------------------------------


def test_question_stats_count_each_pupils_latest_attempt_on_roll_at_this_revision(app):
    oak, elm = make_class("Oak", 1), make_class("Elm", 1)
    quiz = quiz_for("KS1").for_year(1)
    pupils = [make_pupil(oak, name) for name in ("Amara", "Ben", "Cara", "Dev", "Esme")]
    amara, ben, cara, dev, esme = pupils
    take(amara, quiz, {1: "right", 2: "right"})
    take(ben, quiz, {1: wrong(quiz, 1, 0), 2: "right"})
    take(cara, quiz, {1: wrong(quiz, 1, 0)})
    take(dev, quiz, {1: wrong(quiz, 1, 1)})  # an earlier attempt: only the latest counts
    take(dev, quiz, {1: "right"})
    take(esme, quiz, {1: wrong(quiz, 1, 1), 2: "right"}, revision="0123456789ab")  # old file
    gone = make_pupil(oak, "Gone")
    take(gone, quiz, {1: wrong(quiz, 1, 1)})
    gone.left_on = TODAY
    take(make_pupil(elm, "Other"), quiz, {1: wrong(quiz, 1, 1)})  # another class
    db.session.commit()

    stats = question_stats(oak, quiz, school_year_of(TODAY))
    first, second = stats.questions[0], stats.questions[1]
    assert [s.number for s in stats.questions] == list(range(1, len(quiz.questions) + 1))
    assert str(first.answered) == "4 of 5 (80%)"
    assert str(first.correct) == "2 of 4 (50%)"
    assert [c.id for c in first.wrong_choices] == [wrong(quiz, 1, 0)] and first.wrong_count == 2
    assert first.strand == quiz.questions[0].strand_label
    assert str(second.correct) == "2 of 2 (100%)" and second.wrong_choices == ()
    assert stats.left_out == 2

    client, _ = signed_in(app, oak)
    page = html(client.get(f"/teach/classes/{oak.id}"))
    wrong_text = quiz.questions[0].choice(wrong(quiz, 1, 0)).text
    assert "2 of 4 (50%)" in page and f"“{wrong_text}”" in page and "2 pupils" in page
    assert "2 answers from an earlier version of the quiz are left out" in page


def test_tied_wrong_answers_are_both_named(app):
    oak = make_class("Oak", 2)
    quiz = quiz_for("KS1").for_year(2)
    take(make_pupil(oak), quiz, {1: wrong(quiz, 1, 0)})
    take(make_pupil(oak), quiz, {1: wrong(quiz, 1, 1)})
    first = question_stats(oak, quiz, school_year_of(TODAY)).questions[0]
    assert first.wrong_count == 1 and len(first.wrong_choices) == 2
    assert question_stats(oak, quiz, school_year_of(TODAY)).left_out == 0


# Quiz settings (accommodations) ------------------------------------------------------------


def test_quiz_settings_save_without_javascript(app):
    oak = make_class("Oak", 1)
    amara = make_pupil(oak, "Amara", "Okafor")
    client, _ = signed_in(app, oak)
    url = f"/teach/classes/{oak.id}/pupils/{amara.id}/accommodations"
    response = post(client, url, {"always_read_aloud": "on", "two_choices": "on"})
    assert response.status_code == 302
    assert response.location == f"/teach/classes/{oak.id}#pupil-{amara.id}"
    page = html(client.get(response.location))
    assert "Saved the quiz settings for Amara Okafor." in page
    db.session.rollback()
    assert (amara.reads_aloud, amara.two_choices) == (True, True)
    post(client, url, {"two_choices": "on"})
    db.session.rollback()
    assert (amara.reads_aloud, amara.two_choices) == (False, True)


def test_read_aloud_is_on_for_reception_until_the_teacher_turns_it_off(app):
    acorns, willow = make_class("Acorns", 0), make_class("Willow", 4)
    noah, zara = make_pupil(acorns, "Noah", "Adams"), make_pupil(willow, "Zara", "Khan")
    client, _ = signed_in(app, acorns)
    checkbox = f'id="read-aloud-{noah.id}" name="always_read_aloud" value="on"'
    page = html(client.get(f"/teach/classes/{acorns.id}"))
    assert f"{checkbox} checked" in page and "On for Reception and Key Stage 1" in page
    url = f"/teach/classes/{acorns.id}/pupils/{noah.id}/accommodations"
    row = html(post(client, url, {}, headers=HTMX))
    assert f"{checkbox}>" in row and "On for Reception and Key Stage 1" not in row
    db.session.rollback()
    assert (noah.always_read_aloud, noah.reads_aloud) == (False, False)
    post(client, url, {"always_read_aloud": "on"})  # ticked again: back to the default
    db.session.rollback()
    assert (noah.always_read_aloud, noah.reads_aloud) == (None, True)
    assert not zara.reads_aloud  # Key Stage 2 reads for itself unless the teacher ticks it
    service.set_accommodations(zara, always_read_aloud=True, two_choices=False)
    assert (zara.always_read_aloud, zara.reads_aloud) == (True, True)


def test_quiz_settings_with_htmx_swap_just_the_row(app):
    oak = make_class("Oak", 1)
    amara = make_pupil(oak, "Amara", "Okafor")
    client, _ = signed_in(app, oak)
    url = f"/teach/classes/{oak.id}/pupils/{amara.id}/accommodations"
    response = post(client, url, {"always_read_aloud": "on"}, headers=HTMX)
    fragment = html(response)
    assert "HX-Request" in response.headers["Vary"]
    assert fragment.lstrip().startswith(f'<tr id="pupil-{amara.id}">')
    assert "<html" not in fragment and 'data-hx-swap-oob="innerHTML"' in fragment
    assert f'id="read-aloud-{amara.id}" name="always_read_aloud" value="on" checked' in fragment
    assert f'id="two-choices-{amara.id}" name="two_choices" value="on">' in fragment
    assert "Saved the quiz settings for Amara Okafor." in fragment
    focus = json.loads(response.headers["HX-Trigger-After-Settle"])["portal:focus"]
    assert focus == f"#saved-{amara.id}" and f'id="saved-{amara.id}"' in fragment
    db.session.rollback()
    assert (amara.reads_aloud, amara.two_choices) == (True, False)


def test_the_row_form_posts_with_htmx_and_without(app):
    oak = make_class("Oak", 1)
    amara = make_pupil(oak)
    client, _ = signed_in(app, oak)
    page = html(client.get(f"/teach/classes/{oak.id}"))
    action = f"/teach/classes/{oak.id}/pupils/{amara.id}/accommodations"
    assert f'method="post" action="{action}"' in page
    assert f'data-hx-post="{action}" data-hx-target="closest tr" data-hx-swap="outerHTML"' in page
    assert " hx-post" not in page


# Reading the AUP together ------------------------------------------------------------------


def test_a_class_acknowledgement_records_each_pupil_present_with_the_teacher_as_witness(app):
    oak = make_class("Oak", 1)
    amara, ben, absent = make_pupil(oak, "Amara"), make_pupil(oak, "Ben"), make_pupil(oak, "Cal")
    client, teacher = signed_in(app, oak, name="Mr Jones")
    form = html(client.get(f"/teach/classes/{oak.id}/aup"))
    assert "Untick anyone who is absent" in form and "Record that we read it together" in form
    assert form.count('name="pupil"') == 3 and form.count(" checked>") == 3
    response = post(client, f"/teach/classes/{oak.id}/aup", {"pupil": [amara.id, ben.id]})
    assert response.status_code == 302
    assert "Recorded for 2 of 3 pupils." in html(client.get(response.location))
    version = aup_to_show("KS1", TODAY)
    rows = acknowledgements()
    assert [
        (
            r.pupil_id,
            r.method,
            r.recorded_by_id,
            r.policy_version_id,
            r.key_stage,
            r.academic_year,
            r.response,
        )
        for r in rows
    ] == [
        (p.id, "in_class", teacher.id, version.id, "KS1", school_year_of(TODAY), "acknowledged")
        for p in (amara, ben)
    ]
    again = post(client, f"/teach/classes/{oak.id}/aup", {"pupil": [amara.id, ben.id]})
    assert "nothing new was recorded" in html(client.get(again.location))
    assert [r.id for r in acknowledgements()] == [r.id for r in rows]
    later = html(client.get(f"/teach/classes/{oak.id}/aup"))
    assert later.count('name="pupil"') == 1 and f'value="{absent.id}"' in later


def test_the_service_is_idempotent_and_skips_those_who_already_acknowledged(app):
    reception = make_class("Acorns", 0)
    amara, ben = make_pupil(reception, "Amara"), make_pupil(reception, "Ben")
    teacher = make_staff(classes=[reception])
    version = aup_to_show("EYFS", TODAY)
    record_acknowledgement(
        version, school_year_of(TODAY), pupil=amara, method="online", key_stage="EYFS"
    )
    ids = [amara.id, ben.id]
    assert service.record_class_acknowledgement(reception, ids, teacher, TODAY) == 1
    assert service.record_class_acknowledgement(reception, ids, teacher, TODAY) == 0
    db.session.commit()
    rows = acknowledgements()
    assert [(r.pupil_id, r.method, r.key_stage) for r in rows] == [
        (amara.id, "online", "EYFS"),
        (ben.id, "in_class", "EYFS"),
    ]


def test_key_stage_2_pupils_acknowledge_for_themselves(app):
    elm = make_class("Elm", 4)
    pupil = make_pupil(elm)
    client, teacher = signed_in(app, elm)
    with pytest.raises(service.TeachingProblem, match="acknowledge the AUP themselves"):
        service.record_class_acknowledgement(elm, [pupil.id], teacher, TODAY)
    page = html(client.get(f"/teach/classes/{elm.id}/aup"))
    assert "acknowledge the AUP themselves" in page and 'name="pupil"' not in page
    assert "Read the AUP together</a>" not in html(client.get(f"/teach/classes/{elm.id}"))
    response = post(client, f"/teach/classes/{elm.id}/aup", {"pupil": [pupil.id]})
    assert response.status_code == 302
    assert "acknowledge the AUP themselves" in html(client.get(response.location))
    assert acknowledgements() == []


def test_a_pupil_from_another_class_or_who_left_refuses_the_whole_record(app):
    oak, elm = make_class("Oak", 1), make_class("Elm", 1)
    mine, theirs, gone = make_pupil(oak), make_pupil(elm), make_pupil(oak)
    gone.left_on = TODAY
    db.session.commit()
    client, teacher = signed_in(app, oak)
    for foreign in (theirs, gone):
        with pytest.raises(service.TeachingProblem, match="not on the roll of Oak"):
            service.record_class_acknowledgement(oak, [mine.id, foreign.id], teacher, TODAY)
        response = post(client, f"/teach/classes/{oak.id}/aup", {"pupil": [mine.id, foreign.id]})
        assert response.location == f"/teach/classes/{oak.id}/aup"
        assert "nothing was recorded" in html(client.get(response.location))
    assert acknowledgements() == []


# Cost, safety and wording ------------------------------------------------------------------


def fill(school_class, quiz, count: int, start: int):
    """``count`` pupils with a mix of acknowledgements, finished and unfinished attempts."""
    witness, version = make_staff(), aup_to_show(school_class.key_stage, TODAY)
    for n in range(start, start + count):
        pupil = make_pupil(school_class, f"Pupil{n:02d}")
        if n % 3 == 0:
            record_acknowledgement(
                version,
                school_year_of(TODAY),
                pupil=pupil,
                method="in_class",
                recorded_by=witness,
                key_stage="KS1",
            )
        if n % 2 == 0:
            take(pupil, quiz, {1: wrong(quiz, 1), 2: "right"}, finished=n % 4 == 0)
    db.session.commit()


def test_the_class_pages_cost_the_same_queries_for_5_or_60_pupils(app):
    oak, ash = make_class("Oak", 1), make_class("Ash", 2)
    quiz = quiz_for("KS1").for_year(1)
    client, _ = signed_in(app, oak, ash)
    class_page, class_list = f"/teach/classes/{oak.id}", "/teach/classes/"

    def queries(url: str) -> list[str]:
        with counting_queries() as statements:
            html(client.get(url))
        return statements

    fill(oak, quiz, 4, 0)
    fill(ash, quiz, 1, 4)
    few = {url: queries(url) for url in (class_page, class_list)}
    fill(oak, quiz, 26, 5)
    fill(ash, quiz, 29, 31)
    many = {url: queries(url) for url in (class_page, class_list)}
    assert html(client.get(class_page)).count('<tr id="pupil-') == 30
    assert [len(few[class_page]), len(many[class_page])] == [8, 8], "\n".join(many[class_page])
    assert [len(few[class_list]), len(many[class_list])] == [7, 7], "\n".join(many[class_list])


def test_posts_without_the_csrf_token_are_refused(app):
    oak = make_class("Oak", 1)
    amara = make_pupil(oak)
    client, _ = signed_in(app, oak)
    client.get(f"/teach/classes/{oak.id}")
    url = f"/teach/classes/{oak.id}/pupils/{amara.id}/accommodations"
    assert client.post(url, data={"always_read_aloud": "on"}).status_code == 400
    assert (
        client.post(f"/teach/classes/{oak.id}/aup", data={"pupil": [amara.id]}).status_code == 400
    )
    assert acknowledgements() == [] and not db.session.get(Pupil, amara.id).always_read_aloud


def test_no_page_speaks_of_consent(app):
    oak, reception = make_class("Oak", 1), make_class("Acorns", 0)
    amara = make_pupil(oak)
    make_pupil(reception)
    take(amara, quiz_for("KS1").for_year(1), {1: "right"})
    client, _ = signed_in(app, oak, reception)
    pages = [
        client.get(url)
        for url in (
            "/teach/classes/",
            f"/teach/classes/{oak.id}",
            f"/teach/classes/{oak.id}/aup",
            f"/teach/classes/{reception.id}/aup",
        )
    ]
    pages.append(
        post(
            client,
            f"/teach/classes/{oak.id}/pupils/{amara.id}/accommodations",
            {"two_choices": "on"},
            headers=HTMX,
        )
    )
    for response in pages:
        assert "consent" not in html(response).lower()
    assert db.session.scalar(select(func.count()).select_from(Acknowledgement)) == 0


@pytest.mark.html_validator
def test_class_pages_are_valid_html(app, tmp_path):
    oak, elm = make_class("Oak", 1), make_class("Elm", 4)
    quiz = quiz_for("KS1").for_year(1)
    fill(oak, quiz, 4, 0)
    make_pupil(elm)
    client, _ = signed_in(app, oak, elm)
    urls = [
        "/teach/classes/",
        f"/teach/classes/{oak.id}",
        f"/teach/classes/{oak.id}/aup",
        f"/teach/classes/{elm.id}",
        f"/teach/classes/{elm.id}/aup",
    ]
    pages = {f"page{n}": body_of(client.get(url)) for n, url in enumerate(urls)}
    assert_valid_html(pages, tmp_path)
