"""The class grid across the whole school (/admin/pupils): every pupil on roll, their AUP and
their quiz, filtered, sorted, searched and paged from the address, and the same rows as CSV."""

import csv
import io
import re
from datetime import timedelta

import pytest

from portal.clock import school_today, utcnow
from portal.extensions import db
from portal.people.models import Pupil
from portal.policies.models import Acknowledgement
from portal.policies.service import record_acknowledgement
from portal.policies.shipped import install_shipped_policies
from portal.pupils.progress import aup_to_show, school_year_of
from portal.quiz.catalogue import quiz_for
from portal.quiz.models import QuizAnswer, QuizAttempt
from tests.helpers.builders import make_class, make_pupil, make_staff
from tests.helpers.checkers import FRAGMENT_PAGE, assert_valid_html
from tests.helpers.tables import tbody_rows
from tests.helpers.web import body_of, sign_in

TODAY = school_today()
HTMX = {"HX-Request": "true"}


def grid(html: str) -> list[list[str]]:
    """The grid's body rows as the text of each cell, as a reader meets them."""
    return tbody_rows(html)


def names(html: str) -> list[str]:
    return [row[0] for row in grid(html)]


def acknowledge(pupil, method, days_ago, recorded_by=None):
    stage = pupil.school_class.key_stage
    record_acknowledgement(
        aup_to_show(stage, TODAY),
        school_year_of(TODAY),
        pupil=pupil,
        method=method,
        recorded_by=recorded_by,
        key_stage=stage,
    )
    ack = db.session.query(Acknowledgement).filter_by(pupil_id=pupil.id).one()
    ack.created_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return ack


def take(pupil, answered: int, finished: bool):
    quiz = quiz_for(pupil.school_class.key_stage)
    attempt = QuizAttempt(
        quiz_id=quiz.id,
        quiz_revision=quiz.revision,
        academic_year=school_year_of(TODAY),
        pupil_id=pupil.id,
        total=len(quiz.questions),
        finished_at=utcnow() if finished else None,
        score=answered if finished else None,
    )
    for question in quiz.questions[:answered]:
        choice = question.correct_choice_id
        attempt.answers.append(QuizAnswer(question_id=question.id, choice_id=choice, correct=True))
    db.session.add(attempt)
    db.session.commit()
    return quiz


@pytest.fixture
def school(app):
    """Three classes in three Key Stages, five pupils on roll in every state, one who left."""
    install_shipped_policies(TODAY)
    db.session.commit()
    rowan, oak, ash = make_class("Rowan", 0), make_class("Oak", 1), make_class("Ash", 4)
    teacher = make_staff(roles=("teacher",), classes=[oak], name="Ms Teacher")
    amara = make_pupil(oak, "Amara", "Okoye", mis_id="MIS-AMARA")
    make_pupil(oak, "Ben", "Carter")
    chloe = make_pupil(ash, "Chloe", "Davies")
    make_pupil(ash, "Dev", "Patel")
    ella = make_pupil(rowan, "Ella", "Evans")
    gone = make_pupil(oak, "Finn", "Gone")
    gone.left_on = TODAY
    db.session.commit()
    acknowledge(amara, "in_class", 30, recorded_by=teacher)
    acknowledge(chloe, "online", 10)
    acknowledge(ella, "in_class", 20, recorded_by=teacher)
    ks1 = take(amara, len(quiz_for("KS1").questions), finished=True)
    take(chloe, 2, finished=False)
    ids = {"rowan": rowan.id, "oak": oak.id, "ash": ash.id, "teacher": teacher}
    return type("School", (), {**ids, "ks1": ks1})


@pytest.fixture
def head(app, school):
    person = make_staff(roles=("head_teacher",))
    client = app.test_client()
    sign_in(client, person.email)
    return client


def page(client, query: str = "", **headers) -> str:
    return body_of(client.get(f"/admin/pupils{query}", headers=headers))


EVERYONE = ["Amara Okoye", "Ben Carter", "Chloe Davies", "Dev Patel", "Ella Evans"]


def test_a_leader_sees_every_pupil_on_roll_with_their_aup_and_quiz(head, school):
    html = page(head)
    assert names(html) == EVERYONE  # by name; Finn has left
    rows = {row[0]: row for row in grid(html)}
    questions = len(school.ks1.questions)
    assert rows["Amara Okoye"][1:3] == ["Oak", "Key Stage 1"]
    assert rows["Amara Okoye"][3].startswith("Acknowledged")
    assert "in class; witness: Ms Teacher" in rows["Amara Okoye"][3]
    assert rows["Amara Okoye"][4] == f"Done {questions} of {questions} right, 3 stars"
    assert (
        rows["Chloe Davies"][4]
        == f"In progress 2 of {len(quiz_for('KS2').questions)} questions answered"
    )
    assert rows["Ben Carter"][3:] == ["Not yet", "Not started"]
    assert rows["Ella Evans"][2] == "Early Years Foundation Stage"
    assert f'href="/teach/classes/{school.oak}"' in html
    assert "5 pupils." in html
    assert "MIS-AMARA" not in html and "Finn" not in html


def test_the_class_link_opens_the_teachers_class_view_for_a_leader(head, school):
    assert "Amara Okoye" in body_of(head.get(f"/teach/classes/{school.oak}"))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?key_stage=KS2", ["Chloe Davies", "Dev Patel"]),
        ("?key_stage=EYFS", ["Ella Evans"]),
        ("?class={oak}", ["Amara Okoye", "Ben Carter"]),
        ("?aup=done", ["Amara Okoye", "Chloe Davies", "Ella Evans"]),
        ("?aup=not_yet", ["Ben Carter", "Dev Patel"]),
        ("?quiz=done", ["Amara Okoye"]),
        ("?quiz=in_progress", ["Chloe Davies"]),
        ("?quiz=not_started", ["Ben Carter", "Dev Patel", "Ella Evans"]),
        ("?q=oko", ["Amara Okoye"]),
        ("?q=++CHLOE+++davies+", ["Chloe Davies"]),
        ("?q=100%25", []),
        ("?key_stage=KS1&aup=not_yet", ["Ben Carter"]),
    ],
)
def test_each_filter_and_the_search_change_who_is_listed(head, school, query, expected):
    html = page(head, query.format(oak=school.oak))
    assert names(html) == expected
    # The count comes from its own statement (leaner without the AUP and quiz filters).
    count = {0: "No pupils match.", 1: "1 pupil."}.get(len(expected), f"{len(expected)} pupils.")
    assert f'role="status">{count}</p>' in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name", EVERYONE),
        ("-name", EVERYONE[::-1]),
        ("class", ["Ella Evans", "Amara Okoye", "Ben Carter", "Chloe Davies", "Dev Patel"]),
        ("-class", ["Chloe Davies", "Dev Patel", "Amara Okoye", "Ben Carter", "Ella Evans"]),
        ("aup", ["Amara Okoye", "Ella Evans", "Chloe Davies", "Ben Carter", "Dev Patel"]),
        ("-aup", ["Ben Carter", "Dev Patel", "Chloe Davies", "Ella Evans", "Amara Okoye"]),
        ("quiz", ["Ben Carter", "Dev Patel", "Ella Evans", "Chloe Davies", "Amara Okoye"]),
        ("-quiz", ["Amara Okoye", "Chloe Davies", "Ben Carter", "Dev Patel", "Ella Evans"]),
    ],
)
def test_each_sort_changes_the_order(head, school, sort, expected):
    html = page(head, f"?sort={sort}")
    assert names(html) == expected
    heading = "descending" if sort.startswith("-") else "ascending"
    assert f'aria-sort="{heading}"' in html


def test_a_sort_heading_reverses_itself_and_keeps_the_filters(head, school):
    html = page(head, "?key_stage=KS2&sort=class")
    assert 'href="/admin/pupils?key_stage=KS2&amp;sort=-class"' in html
    assert 'href="/admin/pupils?key_stage=KS2&amp;sort=aup"' in html


def many_pupils(school_class, count: int) -> None:
    db.session.add_all(
        Pupil(
            mis_id=f"M{n:04d}", first_name=f"Pupil{n:03d}", last_name="Many", class_id=school_class
        )
        for n in range(count)
    )
    db.session.commit()


def test_fifty_a_page_and_the_next_page_holds_the_rest(head, school):
    many_pupils(school.ash, 50)  # 55 on roll
    first, second = page(head), page(head, "?page=2")
    assert len(grid(first)) == 50 and len(grid(second)) == 5
    assert "1 to 50 of 55 pupils." in first and "51 to 55 of 55 pupils." in second
    assert 'href="/admin/pupils?page=2"' in first
    assert set(names(first)).isdisjoint(names(second))
    assert sorted(names(first) + names(second)) == sorted(
        [*EVERYONE, *(f"Pupil{n:03d} Many" for n in range(50))]
    )


def test_a_page_past_the_end_is_empty_with_a_way_back(head, school):
    html = page(head, "?page=9&key_stage=KS2")
    assert grid(html) == []
    assert "Page 9 is past the end: there are 2 pupils on 1 page." in html
    assert re.search(r'<a href="/admin/pupils\?key_stage=KS2"[^>]*>Previous page</a>', html)


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("?colour=red", "This list has no filter called 'colour'."),
        ("?sort=age", "This list cannot be sorted by 'age'."),
        ("?key_stage=KS3", "This list cannot show key_stage 'KS3'."),
        ("?aup=maybe", "This list cannot show aup 'maybe'."),
        ("?quiz=finished", "This list cannot show quiz 'finished'."),
        ("?class=999999", "This list cannot show class '999999'."),
        ("?class=oak", "This list cannot show class 'oak'."),
        ("?page=x", "A page is a whole number from 1."),
        ("?page=0", "A page is a whole number from 1."),
        ("?page=99999999999", "A page is a whole number from 1."),
    ],
)
def test_what_the_list_does_not_offer_is_a_plain_400(head, school, query, says):
    for url in (f"/admin/pupils{query}", f"/admin/pupils.csv{query}"):
        response = head.get(url)
        assert response.status_code == 400
        assert says.replace("'", "&#39;") in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["teacher", "governor", "staff", "dsl"])
def test_only_the_schools_leaders_see_the_grid(app, school, role):
    client = app.test_client()
    sign_in(client, make_staff(roles=(role,)).email)
    for url in ("/admin/pupils", "/admin/pupils.csv"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Amara" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["admin", "esafety_lead"])
def test_the_administrator_and_the_esafety_lead_see_it_too(app, school, role):
    client = app.test_client()
    sign_in(client, make_staff(roles=(role,)).email)
    assert names(page(client)) == EVERYONE


def csv_rows(client, query: str = "") -> list[list[str]]:
    response = client.get(f"/admin/pupils.csv{query}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith('attachment; filename="pupils-')
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def as_page_shows(cells: list[str]) -> list[str]:
    """A CSV row in the words of the page's row (status, then its detail)."""
    name, school_class, stage, aup, on, how, witness, quiz, answered, right, stars = cells
    aup_text = f"{aup} {on}, {how}" + (f"; witness: {witness}" if witness else "") if on else aup
    if quiz == "Done":
        quiz = f"{quiz} {right} right, {stars} star{'' if stars == '1' else 's'}"
    elif quiz == "In progress":
        quiz = f"{quiz} {answered} of {right or quiz_total(stage)} questions answered"
    return [name, school_class, stage, aup_text, quiz]


def quiz_total(stage_name: str) -> int:
    stage = {"Key Stage 1": "KS1", "Key Stage 2": "KS2"}.get(stage_name, "EYFS")
    return len(quiz_for(stage).questions)


@pytest.mark.parametrize("query", ["", "?sort=-quiz", "?key_stage=KS2&aup=done", "?q=e&sort=aup"])
def test_the_csv_holds_the_rows_the_page_shows(head, school, query):
    header, *rows = csv_rows(head, query)
    assert header[:4] == ["Pupil", "Class", "Key Stage", "AUP"]
    assert [as_page_shows(row) for row in rows] == grid(page(head, query))
    assert "MIS-AMARA" not in str(rows)


# A page's pupils are picked by a lean statement for sorts on names and classes (and by the
# whole grid's for the others); the CSV reads the whole grid at once.
@pytest.mark.parametrize(
    ("query", "total"),
    [("?sort=class", 65), ("?sort=-name", 65), ("?sort=-class&q=many", 60), ("?sort=quiz", 65)],
)
def test_the_csv_holds_every_page_together(head, school, query, total):
    many_pupils(school.ash, 60)
    shown = grid(page(head, query)) + grid(page(head, query + "&page=2"))
    assert len(shown) == total
    assert [as_page_shows(row) for row in csv_rows(head, query)[1:]] == shown


def test_the_page_links_its_csv_with_the_same_filters(head, school):
    html = page(head, "?aup=not_yet&sort=-name&page=1")
    assert 'href="/admin/pupils.csv?aup=not_yet&amp;sort=-name"' in html


def test_an_htmx_swap_gets_the_results_region_with_its_address_in_the_links(head, school):
    fragment = page(head, "?key_stage=KS1", **HTMX)
    assert "<html" not in fragment and 'id="list-filters"' not in fragment
    assert names(fragment) == ["Amara Okoye", "Ben Carter"]
    assert 'name="sort" form="list-filters" value="name"' in fragment
    swap = head.get("/admin/pupils?key_stage=KS1&class=&aup=&quiz=&q=&sort=name", headers=HTMX)
    assert swap.headers["HX-Push-Url"] == "/admin/pupils?key_stage=KS1"  # the clean address
    assert "HX-Push-Url" not in head.get("/admin/pupils?key_stage=KS1").headers
    whole = page(head, "?key_stage=KS1")
    assert '<option value="KS1" selected>' in whole and 'id="list-results"' in whole


@pytest.mark.html_validator
def test_the_grid_is_valid_html(head, school, tmp_path):
    many_pupils(school.ash, 60)
    assert_valid_html(
        {
            "pupils": page(head),
            "pupils-filtered": page(head, "?key_stage=KS2&q=pupil&page=2&sort=-aup"),
            "pupils-past-end": page(head, "?page=5"),
            "pupils-none": page(head, "?q=nobody"),
            "pupils-fragment": FRAGMENT_PAGE.format(page(head, "?sort=quiz", **HTMX)),
            "pupils-bad-400": body_of(head.get("/admin/pupils?page=0"), 400),
        },
        tmp_path,
    )
