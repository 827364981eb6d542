"""The paper route: letters for families without email, the short code on each, and answers
the office records from a reply slip or a telephone call."""

import re
from html import unescape
from types import SimpleNamespace

import pytest
from flask import render_template
from sqlalchemy import insert, select

from portal.clock import utcnow
from portal.extensions import db
from portal.parents import letters
from portal.parents.models import ParentInvite
from portal.people.models import Guardian, Pupil, guardian_pupil
from portal.policies.models import AcknowledgementChange
from portal.qr import qr_svg
from tests.helpers.builders import make_class, make_guardian, make_pupil
from tests.helpers.checkers import assert_valid_html
from tests.helpers.concurrency import Browser, at_once
from tests.helpers.parents import TODAY, answers, history, outbox, start, token_for
from tests.helpers.queries import counting_queries
from tests.helpers.roster import snapshot
from tests.helpers.web import body_of, post_form, signed_in

SHORT_LINK = re.compile(r"http://portal\.test/p/([A-Z0-9]{3}-[A-Z0-9]{3}-[A-Z0-9]{3})")


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def office(app, client):
    """The school office (an administrator), signed in."""
    return signed_in(client, "admin", email="office@wilkinson.example.org")


def letter_url(guardian) -> str:
    return f"/admin/parents/guardians/{guardian.id}/letter"


def record_url(guardian) -> str:
    return f"/admin/parents/guardians/{guardian.id}/answer"


def record(client, guardian, **form):
    return post_form(client, record_url(guardian), form, page=record_url(guardian))


def short_link_in(page: str) -> str:
    return SHORT_LINK.search(page).group(0)


def stored_codes() -> list:
    db.session.expire_all()
    return db.session.scalars(select(ParentInvite.letter_code).order_by(ParentInvite.id)).all()


# The letters page


def test_the_letters_page_lists_exactly_the_guardians_without_email(family, client, office):
    blank = make_guardian([make_pupil(make_class("Elm", 2), "Zara", "Bello")], email="  ")
    start()
    page = text(client.get("/admin/parents/letters"))
    names = re.findall(r'<th scope="row">([^<]+)</th>', page)
    assert sorted(names) == sorted([family["femi"].full_name, blank.full_name])
    assert "Amara (Oak class) and Leo (Ash class)" in page and "Zara (Elm class)" in page
    assert family["grace"].full_name not in page
    assert f'href="/admin/parents/guardians/{family["femi"].id}/letter"' in page
    assert f'Print letter<span class="visually-hidden"> for {family["femi"].full_name}' in page
    assert "Record a paper or phone answer" in page
    assert 'href="/admin/parents/letters/print"' in page


def test_the_campaign_page_links_to_the_letters(family, client, office):
    start()
    page = body_of(client.get("/admin/parents/"))
    assert "1 have no email address" in page and 'href="/admin/parents/letters"' in page


def test_with_no_campaign_open_there_are_no_letters(family, client, office):
    page = body_of(client.get("/admin/parents/letters"))
    assert "No parents' acknowledgement is open" in page
    assert client.get(letter_url(family["femi"])).status_code == 404


def test_the_letters_page_costs_the_same_queries_for_2_or_20_guardians(family, client, office):
    start()
    # Answers and letter codes join in, so give one guardian each before counting.
    letters_page = "/admin/parents/letters"
    body_of(client.get(letter_url(family["femi"])))
    record(client, family["femi"], method="phone", response="declined")

    def cost(expected_rows):
        with counting_queries() as statements:
            page = body_of(client.get(letters_page))
        assert page.count('<th scope="row">') == expected_rows
        return len(statements)

    with_2_guardians = cost(1)
    ash = make_class("Birch", 4)
    for n in range(18):
        make_guardian([make_pupil(ash, f"Kid{n}", f"N{n}")], email=None)
    campaign_id = db.session.scalar(select(ParentInvite.campaign_id).limit(1))
    late = select(Guardian.id).where(Guardian.email.is_(None), Guardian.id != family["femi"].id)
    db.session.add_all(
        ParentInvite(campaign_id=campaign_id, guardian_id=guardian_id)
        for guardian_id in db.session.scalars(late)
    )
    db.session.commit()
    assert cost(19) == with_2_guardians


# The letter


def test_the_letter_has_the_qr_code_and_short_address_that_open_the_parents_page(
    family, client, office, app
):
    start()
    page = text(client.get(letter_url(family["femi"])))
    link = short_link_in(page)
    # The QR code on the page is exactly the short address encoded, nothing else.
    with app.test_request_context():
        assert str(qr_svg(link)) in page
    assert f"Dear {family['femi'].full_name}" in page
    assert "Amara (Oak class) and Leo (Ash class)" in page
    assert "Only post photos of your own children" in page and "Reply slip" in page
    assert "return this slip to the school office" in page
    assert "I acknowledge" in page and "I do not agree" in page and "Signature" in page

    parent = app.test_client()
    opened = parent.get(link.removeprefix("http://portal.test"))
    assert opened.status_code == 303
    assert opened.headers["Referrer-Policy"] == "no-referrer"
    parent_page = body_of(parent.get(opened.location))
    assert f"Hello {family['femi'].full_name}" in parent_page
    assert "Amara (Oak class) and Leo (Ash class)" in parent_page


def test_a_code_is_made_once_and_the_same_code_is_printed_again(family, client, office):
    start()
    assert stored_codes() == [None, None]
    first = short_link_in(text(client.get(letter_url(family["femi"]))))
    again = short_link_in(text(client.get(letter_url(family["femi"]))))
    assert first == again
    code = first.rsplit("/", 1)[1].replace("-", "")
    assert sorted(stored_codes(), key=str) == sorted([None, code], key=str)
    assert not set(code) & set("01OIL") and len(code) == 9


def test_print_all_gives_each_letter_its_own_page_and_keeps_codes(family, client, office):
    other = make_guardian([make_pupil(make_class("Elm", 2), "Zara", "Bello")], email=None)
    start()
    single = short_link_in(text(client.get(letter_url(family["femi"]))))
    page = text(client.get("/admin/parents/letters/print"))
    assert page.count('<article class="letter"') == 2
    assert single in page and len(set(SHORT_LINK.findall(page))) == 2
    assert f"Dear {other.full_name}" in page and f"Dear {family['femi'].full_name}" in page
    assert page.count('class="no-print') == 1  # the note on screen; print shows letters only


def test_the_letter_names_no_other_family(family, client, office):
    make_guardian([make_pupil(make_class("Elm", 2), "Zara", "Bello")], email=None)
    start()
    page = text(client.get(letter_url(family["femi"])))
    assert "Zara" not in page and "Bello" not in page
    assert "Okoye" not in page.replace(family["femi"].full_name, "")


def test_codes_read_the_same_however_they_are_typed(family, client, office, app):
    start()
    code = short_link_in(text(client.get(letter_url(family["femi"])))).rsplit("/", 1)[1]
    parent = app.test_client()
    for typed in (code, code.lower(), code.replace("-", ""), code.replace("-", " ")):
        assert parent.get(f"/p/{typed}").status_code == 303, typed


# Refused codes


def test_an_unknown_code_is_refused_and_shows_no_child(family, client, app):
    start()
    response = client.get("/p/ABC-DEF-GHJ")
    assert response.status_code == 400
    page = text(response)
    assert "This link is not valid" in page
    assert "Amara" not in page and "Leo" not in page and family["femi"].full_name not in page
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_a_code_after_the_campaign_closes_is_refused(family, client, office, app):
    campaign = start()
    link = short_link_in(text(client.get(letter_url(family["femi"]))))
    campaign.closed_at = utcnow()
    db.session.commit()
    response = app.test_client().get(link.removeprefix("http://portal.test"))
    assert response.status_code == 410
    assert "Amara" not in text(response)


def test_a_code_for_a_guardian_no_longer_on_the_roll_is_refused(family, client, office, app):
    start()
    link = short_link_in(text(client.get(letter_url(family["femi"]))))
    for child in (family["amara"], family["leo"]):
        child.left_on = TODAY
    db.session.commit()
    response = app.test_client().get(link.removeprefix("http://portal.test"))
    assert response.status_code == 403
    assert "Amara" not in text(response)


def test_guessing_codes_is_stopped_after_the_limit(family, client, office, app):
    start()
    link = short_link_in(text(client.get(letter_url(family["femi"])))).removeprefix(
        "http://portal.test"
    )
    guesser = app.test_client()
    for n in range(letters.GUESSES_ALLOWED):
        assert guesser.get(f"/p/ZZZ-ZZZ-{n:03d}").status_code == 400
    stopped = guesser.get("/p/ZZZ-ZZZ-ZZZ")
    assert stopped.status_code == 429
    assert "Too many tries" in text(stopped) and "Amara" not in text(stopped)
    assert stopped.headers["Referrer-Policy"] == "no-referrer"
    # Even the right code waits: the address is stopped, not the code.
    assert guesser.get(link).status_code == 429


def test_the_right_codes_do_not_use_up_the_allowance(family, client, office, app):
    start()
    link = short_link_in(text(client.get(letter_url(family["femi"])))).removeprefix(
        "http://portal.test"
    )
    parent = app.test_client()
    for _ in range(letters.GUESSES_ALLOWED + 5):
        assert parent.get(link).status_code == 303
    for _ in range(letters.GUESSES_ALLOWED - 1):
        assert parent.get("/p/ZZZ-ZZZ-ZZZ").status_code == 400
    assert parent.get(link).status_code == 303


# Access


@pytest.mark.parametrize("role", ["teacher", "governor", "staff"])
def test_only_school_leaders_see_letters_and_record_answers(family, client, role):
    start()
    signed_in(client, role)
    urls = [
        "/admin/parents/letters",
        "/admin/parents/letters/print",
        letter_url(family["femi"]),
        record_url(family["femi"]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(record_url(family["femi"])).status_code in (400, 403)
    assert stored_codes() == [None, None] and answers() == []


def test_someone_not_signed_in_is_sent_to_sign_in(family, client):
    start()
    for url in ("/admin/parents/letters", letter_url(family["femi"]), record_url(family["femi"])):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.location


def test_the_esafety_lead_and_head_teacher_may_use_them(family, app):
    start()
    for role in ("esafety_lead", "head_teacher"):
        leader = app.test_client()
        signed_in(leader, role)
        assert leader.get("/admin/parents/letters").status_code == 200
        assert leader.get(record_url(family["femi"])).status_code == 200


# Recording an answer for a guardian


def test_a_paper_acknowledgement_is_recorded_with_who_recorded_it(family, client, office):
    start()
    response = record(
        client, family["femi"], method="paper", response="acknowledged", typed_name=" F Okoye "
    )
    assert response.status_code == 302
    [row] = answers()
    assert (row.response, row.method, row.typed_name, row.recorded_by_id) == (
        "acknowledged",
        "paper",
        "F Okoye",
        office.id,
    )
    [change] = db.session.scalars(select(AcknowledgementChange)).all()
    assert (change.method, change.recorded_by_id, change.typed_name) == (
        "paper",
        office.id,
        "F Okoye",
    )
    page = text(client.get(record_url(family["femi"])))
    assert "The answer is recorded" in page
    assert "I acknowledge</strong>, as F Okoye: given on the paper reply slip" in page
    assert f"recorded by {office.name}" in page


def test_a_phone_question_is_recorded_and_the_office_is_not_emailed(family, client, office):
    start()
    already = len(outbox())
    record(client, family["femi"], method="phone", response="question", note="Can I film it?")
    [row] = answers()
    assert (row.response, row.method, row.note, row.recorded_by_id) == (
        "question",
        "phone",
        "Can I film it?",
        office.id,
    )
    assert len(outbox()) == already


def test_the_same_recorded_answer_twice_changes_nothing(family, client, office):
    start()
    form = {"method": "phone", "response": "declined", "note": "Not sure"}
    record(client, family["femi"], **form)
    before = snapshot(), history()
    response = record(client, family["femi"], **form)
    assert response.status_code == 302
    assert (snapshot(), history()) == before
    assert "nothing has changed" in text(client.get(record_url(family["femi"])))


def test_the_parent_sees_the_recorded_answer_and_can_change_it_online(family, client, office, app):
    start()
    record(client, family["femi"], method="paper", response="acknowledged", typed_name="Femi O")
    token = token_for(family["femi"])
    parent = app.test_client()
    page = text(parent.get(f"/parents/{token}"))
    day = f"{TODAY.day} {TODAY:%B %Y}"
    assert f"Recorded by the school from your paper reply on {day}" in page
    assert "as Femi O" in page
    post_form(parent, f"/parents/{token}", {"response": "declined"}, page=f"/parents/{token}")
    [row] = answers()
    assert (row.response, row.method, row.recorded_by_id) == ("declined", "online", None)
    assert history() == [("acknowledged", "Femi O"), ("declined", None)]
    methods = db.session.scalars(
        select(AcknowledgementChange.method).order_by(AcknowledgementChange.id)
    ).all()
    assert methods == ["paper", "online"]
    office_page = text(client.get(record_url(family["femi"])))
    assert "Every answer they have given" in office_page
    assert office.name in office_page and "The guardian" in office_page


def test_a_phone_call_after_an_online_answer_is_kept_in_the_history(family, client, office, app):
    start()
    token = token_for(family["femi"])
    parent = app.test_client()
    form = {"response": "question", "question": "Videos?"}
    post_form(parent, f"/parents/{token}", form, page=f"/parents/{token}")
    record(client, family["femi"], method="phone", response="acknowledged")
    assert history() == [("question", None), ("acknowledged", None)]
    assert "from your telephone call on" in text(parent.get(f"/parents/{token}"))


@pytest.mark.parametrize(
    "form, message",
    [
        ({"response": "acknowledged", "typed_name": "Femi"}, "Choose how the answer was given"),
        ({"method": "paper", "response": "acknowledged"}, "Type the name as it is written"),
        ({"method": "paper", "typed_name": "Femi"}, "Choose their answer"),
        ({"method": "post", "response": "declined"}, "Choose how the answer was given"),
        ({"method": "phone", "response": "question", "note": "?" * 10_000}, "at most 2,000"),
    ],
)
def test_bad_records_are_refused_plainly_and_change_nothing(family, client, office, form, message):
    start()
    before = snapshot()
    response = record(client, family["femi"], **form)
    assert response.status_code == 422
    page = text(response)
    assert "There is a problem" in page and message in page
    assert snapshot() == before and answers() == []


def test_a_guardian_not_in_the_campaign_is_refused_and_nothing_changes(family, client, office):
    start()
    late = make_guardian([family["amara"]], email=None)  # joined after the start
    form = {"method": "phone", "response": "declined"}
    assert client.get(record_url(late)).status_code == 404
    assert record(client, late, **form).status_code == 404
    assert client.get(letter_url(late)).status_code == 404
    assert record(client, late, **form).status_code == 404
    missing = type("Nobody", (), {"id": 999_999})
    assert client.get(record_url(missing)).status_code == 404
    assert answers() == [] and stored_codes() == [None, None]


def test_nothing_is_recorded_when_no_campaign_is_open(family, client, office):
    campaign = start()
    campaign.closed_at = utcnow()
    db.session.commit()
    form = {"csrf_token": "x", "method": "phone", "response": "declined"}
    assert client.get(record_url(family["femi"])).status_code == 404
    assert client.post(record_url(family["femi"]), data=form).status_code in (400, 404)
    assert answers() == []


def test_the_admin_sees_nothing_about_a_pupil_who_has_left(family, client, office):
    start()
    left = make_pupil(make_class("Elm", 2), "Gone", "Away")
    db.session.execute(
        insert(guardian_pupil).values(guardian_id=family["femi"].id, pupil_id=left.id)
    )
    db.session.get(Pupil, left.id).left_on = TODAY
    db.session.commit()
    assert "Gone" not in text(client.get("/admin/parents/letters"))
    assert "Gone" not in text(client.get(letter_url(family["femi"])))


# Valid HTML


@pytest.mark.html_validator
def test_every_new_page_is_valid_html(family, client, office, app, tmp_path):
    pages = {"letters-closed": body_of(client.get("/admin/parents/letters"))}
    start()
    code = short_link_in(text(client.get(letter_url(family["femi"])))).rsplit("/", 1)[1]
    pages.update(
        {
            "letters": body_of(client.get("/admin/parents/letters")),
            "letter": body_of(client.get(letter_url(family["femi"]))),
            "all-letters": body_of(client.get("/admin/parents/letters/print")),
            "record-empty": body_of(client.get(record_url(family["femi"]))),
            "record-error": body_of(record(client, family["femi"], method="paper"), 422),
            "unknown-code": body_of(app.test_client().get("/p/ZZZZZZZZZ"), 400),
        }
    )
    record(client, family["femi"], method="phone", response="question", note="Why?")
    record(client, family["femi"], method="paper", response="acknowledged", typed_name="F")
    pages["record-history"] = body_of(client.get(record_url(family["femi"])))
    parent = app.test_client()
    opened = parent.get(f"/p/{code}")
    pages["parent-recorded"] = body_of(parent.get(opened.location))
    for n in range(letters.GUESSES_ALLOWED + 1):
        last = parent.get(f"/p/ZZZ-ZZZ-{n:03d}")
    pages["too-many"] = body_of(last, 429)
    assert_valid_html(pages, tmp_path)


def test_two_printings_at_once_make_one_code(family, live_server, office):
    start()
    browsers = [Browser(live_server).sign_in(office.email) for _ in range(4)]
    url = letter_url(family["femi"])
    pages = at_once([lambda b=browser: b.get(url) for browser in browsers])
    links = {short_link_in(unescape(page.text)) for page in pages}
    assert len(links) == 1
    assert len([code for code in stored_codes() if code]) == 1


def test_the_row_actions_partial_offers_a_letter_only_without_email(app):
    def actions(has_email):
        row = SimpleNamespace(guardian_id=7, name="Sam Carer", has_email=has_email, response=None)
        with app.test_request_context():
            return render_template("parents/_guardian_actions.html", row=row)

    with_email, without = actions(True), actions(False)
    assert "Print letter" not in with_email and "/admin/parents/guardians/7/letter" in without
    for html in (with_email, without):
        assert 'href="/admin/parents/guardians/7/answer">Record an answer' in html
        assert '<span class="visually-hidden"> for Sam Carer</span>' in html
