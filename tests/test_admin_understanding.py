"""What pupils understand (first goes, by Key Stage and class) and the strands each Key Stage's
quiz covers: figures, filters, who sees what, CSV equal to the page, valid HTML."""

import csv
import dataclasses
import io
import re

import pytest
from sqlalchemy import select

from portal.admin.coverage import coverage, coverage_cells
from portal.clock import school_today
from portal.extensions import db
from portal.people.models import Pupil
from portal.quiz.catalogue import quiz_for
from portal.quiz.types import STRANDS, Question, Quiz
from tests.helpers.builders import make_class, make_pupil, make_staff, take_quiz
from tests.helpers.checkers import assert_valid_html
from tests.helpers.tables import row_header_pairs, table_rows
from tests.helpers.web import body_of, sign_in

TODAY = school_today()
PAGE = "/admin/understanding"
YEAR_COLUMNS = ["Strand", "Reception", "Year 1", "Year 2", "Year 3", "Year 4", "Year 5", "Year 6"]
HTMX = {"HX-Request": "true"}


def take(pupil, quiz, answers: dict[int, str], revision=None):
    """A finished attempt at ``quiz``: answers by question number (1-based) -> "right" or a
    choice id."""
    return take_quiz(pupil, quiz, answers, revision)


def wrong(quiz, number: int, which: int = 0) -> str:
    return [c.id for c in quiz.questions[number - 1].choices if not c.correct][which]


def wrong_text(quiz, number: int, which: int = 0) -> str:
    return quiz.questions[number - 1].choice(wrong(quiz, number, which)).text


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def figures(page: str) -> list[tuple[str, str]]:
    """Each figure of the table as (group, answered correctly at first go)."""
    return row_header_pairs(page)


def client_for(app, *roles):
    person = make_staff(roles=roles)
    client = app.test_client()
    sign_in(client, person.email)
    return client


@pytest.fixture
def school(app):
    """Key Stage 1: Oak and Pine, two Year 1 classes asked the same questions, pupils with first
    goes and second goes."""
    oak, pine = make_class("Oak", 1), make_class("Pine", 1)
    quiz = quiz_for("KS1")
    amara, ben, cara, esme = (make_pupil(oak, name) for name in ("Amara", "Ben", "Cara", "Esme"))
    take(amara, quiz, {1: wrong(quiz, 1, 0), 2: "right"})  # first go: wrong
    take(amara, quiz, {1: "right", 2: "right"})  # a second go, right: not counted
    take(ben, quiz, {1: "right", 2: "right"})
    take(cara, quiz, {1: wrong(quiz, 1, 0), 2: wrong(quiz, 2, 0)})
    take(esme, quiz, {1: wrong(quiz, 1, 1)}, revision="0123456789ab")  # an earlier quiz file
    take(esme, quiz, {1: "right"})  # her first go at this revision, not her first go
    gone = make_pupil(oak, "Gone")
    take(gone, quiz, {1: wrong(quiz, 1, 1)})
    gone.left_on = TODAY
    dev, fin = make_pupil(pine, "Dev"), make_pupil(pine, "Fin")
    take(dev, quiz, {1: wrong(quiz, 1, 1)})
    take(fin, quiz, {1: "right"})
    db.session.commit()
    return oak, pine, quiz


# The figures ---------------------------------------------------------------------------------


def test_each_question_counts_each_pupils_first_go_with_its_base(app, school):
    quiz = school[2]
    page = body_of(client_for(app, "head_teacher").get(PAGE))
    rows = table_rows(page)
    first = next(row for row in rows if quiz.questions[0].text in row[0])
    # Amara, Ben, Cara (Oak), Dev, Fin (Pine): Ben and Fin right at their first go.
    assert first[1:3] == ["Key Stage 1", "2 of 5 (40%)"]
    assert f"“{wrong_text(quiz, 1, 0)}” 2 pupils" in first[3]
    second = next(row for row in rows if quiz.questions[1].text in row[0])
    assert second[1:3] == ["Key Stage 1", "2 of 3 (67%)"]
    assert "1 of 1 pupil's" not in page
    assert "1 pupil took their first go at an earlier version of the quiz" in page
    assert "from 5 pupils' first goes" in page
    assert not re.search(r"Pupil\d", page)  # figures, never a pupil's (last) name


def test_by_key_stage_each_class_has_its_figure_and_a_link_to_its_class_view(app, school):
    oak, pine, quiz = school
    page = body_of(client_for(app, "esafety_lead").get(PAGE, query_string={"key_stage": "KS1"}))
    rows = figures(page)
    assert rows[:3] == [
        ("Key Stage 1", "2 of 5 (40%)"),
        ("Oak", "1 of 3 (33%)"),
        ("Pine", "1 of 2 (50%)"),
    ]
    pine_row = table_rows(page)[3]
    assert f"“{wrong_text(quiz, 1, 1)}” 1 pupil" in pine_row[-1]
    assert f'href="/teach/classes/{oak.id}"' in page and f'href="/teach/classes/{pine.id}"' in page
    assert quiz_for("KS2").questions[0].text not in page  # only Key Stage 1's questions


def test_one_class_shows_only_its_own_figures(app, school):
    oak, pine, quiz = school
    page = body_of(client_for(app, "admin").get(PAGE, query_string={"class": oak.id}))
    rows = figures(page)
    assert rows[0] == ("Oak", "1 of 3 (33%)")
    assert {group for group, _ in rows} == {"Oak"}
    assert len(rows) == len(quiz.questions_for(1)) < len(quiz.questions)  # Year 1's only
    assert "Pine" not in " ".join(" ".join(row) for row in table_rows(page))
    assert "1 pupil took their first go at an earlier version" in page  # Esme is in Oak
    pine_page = body_of(client_for(app, "admin").get(PAGE, query_string={"class": pine.id}))
    assert "earlier version" not in pine_page


def test_a_pupil_who_moves_class_takes_their_first_go_with_them(app, school):
    """Counted as they answered, under Pine; shown under the class they are in now, and
    out of the figures once they leave."""
    oak = school[0]
    dev = db.session.scalar(select(Pupil).where(Pupil.first_name == "Dev"))
    dev.class_id = oak.id  # a roster import moved him: his first go was wrong
    db.session.commit()
    client = client_for(app, "admin")
    by_class = figures(body_of(client.get(PAGE, query_string={"key_stage": "KS1"})))
    assert by_class[:3] == [
        ("Key Stage 1", "2 of 5 (40%)"),
        ("Oak", "1 of 4 (25%)"),
        ("Pine", "1 of 1 (100%)"),
    ]
    dev.left_on = TODAY
    db.session.commit()
    by_class = figures(body_of(client.get(PAGE, query_string={"key_stage": "KS1"})))
    assert by_class[:3] == [
        ("Key Stage 1", "2 of 4 (50%)"),
        ("Oak", "1 of 3 (33%)"),
        ("Pine", "1 of 1 (100%)"),
    ]


def test_hardest_first_by_default_and_the_sort_reverses(app, school):
    _, _, quiz = school
    client = client_for(app, "admin")
    hardest = table_rows(body_of(client.get(PAGE, query_string={"key_stage": "KS1"})))
    questions = [row[0] for row in hardest[1:] if len(row) == 4]
    assert quiz.questions[0].text in questions[0]  # 40% right
    assert quiz.questions[1].text in questions[1]  # 67% right
    easiest = table_rows(body_of(client.get(PAGE, query_string={"sort": "-share"})))
    questions = [
        row[0]
        for row in easiest[1:]
        if quiz.questions[0].text in row[0] or quiz.questions[1].text in row[0]
    ]
    assert quiz.questions[1].text in questions[0]
    in_order = table_rows(body_of(client.get(PAGE, query_string={"sort": "question"})))
    eyfs = quiz_for("EYFS").questions[0].text
    assert eyfs in in_order[1][0]  # Reception's first question first, unanswered as it is


def test_no_first_goes_yet_says_so(app):
    make_class("Oak", 1)
    page = body_of(client_for(app, "admin").get(PAGE))
    assert "No first goes yet" in page and "from 0 pupils' first goes" in page


def test_htmx_gets_the_results_only(app, school):
    response = client_for(app, "admin").get(PAGE, query_string={"key_stage": "KS1"}, headers=HTMX)
    fragment = body_of(response)
    assert fragment.lstrip().startswith('<div id="list-results">') and "<html" not in fragment
    assert "2 of 5 (40%)" in fragment


# CSV = page ----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", [{}, {"key_stage": "KS1"}, {"sort": "-share"}, {"class": "oak"}])
def test_the_csv_holds_the_pages_rows(app, school, query):
    oak, _, _ = school
    if query.get("class"):
        query = {"class": oak.id}
    client = client_for(app, "head_teacher")
    page = body_of(client.get(PAGE, query_string=query))
    lines = csv_rows(client.get("/admin/understanding.csv", query_string=query))
    assert lines[0][4:6] == ["Group", "Answered correctly at first go"]
    from_csv = [
        (line[4], f"{line[5]} of {line[6]} ({line[7]}%)" if line[6] != "0" else "No first goes yet")
        for line in lines[1:]
    ]
    assert from_csv == figures(page)
    assert "/admin/understanding.csv" in page


# Governors -----------------------------------------------------------------------------------


def test_governors_see_figures_of_safe_size_only_and_no_class_links(app):
    oak, pine = make_class("Oak", 1), make_class("Pine", 1)
    quiz = quiz_for("KS1")
    for n in range(10):
        take(make_pupil(oak, f"Oakpupil{n}"), quiz, {1: "right" if n < 6 else wrong(quiz, 1)})
    for n in range(2):
        take(make_pupil(pine, f"Pinepupil{n}"), quiz, {1: wrong(quiz, 1)})
    client = client_for(app, "governor")
    page = body_of(client.get(PAGE, query_string={"key_stage": "KS1"}))
    assert figures(page)[:3] == [
        ("Key Stage 1", "6 of 12 (50%)"),
        ("Oak", "6 of 10 (60%)"),
        ("Pine", "Fewer than 10 pupils answered: not shown"),
    ]
    assert "/teach/classes/" not in page and not re.search(r"Pupil\d", page)
    second = next(row for row in table_rows(page) if quiz.questions[1].text in row[0])
    assert second[-1] == "No first goes yet"
    pine_only = body_of(client.get(PAGE, query_string={"class": pine.id}))
    assert "2 of 2" not in pine_only and "0 of 2" not in pine_only
    lines = csv_rows(client.get("/admin/understanding.csv", query_string={"key_stage": "KS1"}))
    assert lines[3][4:7] == ["Pine", "Fewer than 10 pupils", ""]


# Bad addresses and who may look --------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "/admin/understanding?colour=red",
        "/admin/understanding?key_stage=KS3",
        "/admin/understanding?class=999999",
        "/admin/understanding?class=oak",
        "/admin/understanding?sort=name",
        "/admin/understanding?q=Amara",
        "/admin/understanding.csv?key_stage=staff",
        "/admin/coverage?key_stage=KS1",
        "/admin/coverage?sort=strand",
        "/admin/coverage.csv?colour=red",
    ],
)
def test_what_a_page_does_not_offer_is_a_400(app, address):
    make_class("Oak", 1)
    assert client_for(app, "admin").get(address).status_code == 400


@pytest.mark.parametrize(
    "address", [PAGE, "/admin/understanding.csv", "/admin/coverage", "/admin/coverage.csv"]
)
def test_teachers_are_refused_and_strangers_sent_to_sign_in(app, client, address):
    assert client_for(app, "teacher").get(address).status_code == 403
    assert client_for(app, "staff").get(address).status_code == 403
    response = client.get(address)
    assert response.status_code == 302 and "/sign-in" in response.location


# Coverage ------------------------------------------------------------------------------------


def test_coverage_counts_each_strands_questions_and_marks_the_gaps(app):
    client = client_for(app, "governor")
    page = body_of(client.get("/admin/coverage"))
    rows = table_rows(page)
    assert rows[0] == ["Strand", "Early Years Foundation Stage", "Key Stage 1", "Key Stage 2"]
    assert rows[1] == YEAR_COLUMNS[1:]
    expected = coverage_cells(coverage({s: quiz_for(s) for s in ("EYFS", "KS1", "KS2")}))
    assert rows[2:10] == [[str(cell) for cell in line] for line in expected]
    # The shipped quizzes cover every strand taught at each age; Reception leaves two to KS1.
    copyright_row = next(row for row in rows if row[0] == "Copyright and ownership")
    assert "No question" not in copyright_row and copyright_row[1:] != ["0"] * 7
    reputation_row = next(row for row in rows if row[0] == "Online reputation")
    assert reputation_row[1] == "Not at this age" and reputation_row[2] != "No question"
    assert "No question" not in page
    assert rows[10] == ["Strands covered", "6 of 6 (100%)", *["8 of 8 (100%)"] * 6]
    lines = csv_rows(client.get("/admin/coverage.csv"))
    assert lines[0] == YEAR_COLUMNS
    assert lines[1:] == rows[2:10]


def _question(qid, strand):
    from portal.quiz.types import Choice

    choices = (Choice("a", "Yes", True, "Good thinking!"), Choice("b", "No", False, "Not quite."))
    return Question(qid, f"Question {qid}?", strand, choices)


def test_a_strand_no_question_asks_about_stands_out_and_a_missing_quiz_is_named():
    strands = list(STRANDS)
    quiz = Quiz(
        "ks1",
        "Safe",
        "KS1",
        1,
        "abc",
        tuple(_question(f"q{n}", strands[n % 3]) for n in range(6)),
        "Hi",
    )
    result = coverage({"KS1": quiz})
    cells = coverage_cells(result)
    no_ks2 = ["No quiz"] * 4
    assert cells[0] == [STRANDS[strands[0]], "No quiz", 2, 2, *no_ks2]
    assert cells[7] == [STRANDS[strands[7]], "No quiz", "No question", "No question", *no_ks2]
    assert str(result.covered(1)) == str(result.covered(2)) == "3 of 8 (38%)"
    assert result.covered(0) is None and result.covered(6) is None


def test_a_year_group_without_a_strand_stands_out_though_another_year_asks_it():
    strands = list(STRANDS)  # q7, the only copyright question, is for Year 3 only
    questions = [_question(f"q{n}", strands[n]) for n in range(8)]
    questions[7] = dataclasses.replace(questions[7], year=3)
    quiz = Quiz("ks2", "Smart", "KS2", 1, "abc", tuple(questions), "Hi")
    result = coverage({"KS2": quiz})
    assert coverage_cells(result)[7] == [
        "Copyright and ownership",
        *["No quiz"] * 3,
        1,
        *["No question"] * 3,
    ]
    assert str(result.covered(3)) == "8 of 8 (100%)" and str(result.covered(4)) == "7 of 8 (88%)"


def test_a_strand_left_to_an_older_key_stage_is_not_a_gap():
    strands = list(STRANDS)  # Reception asks about the first three: one expected gap remains
    quiz = Quiz(
        "eyfs",
        "Happy",
        "EYFS",
        1,
        "abc",
        tuple(_question(f"q{n}", strands[n % 3]) for n in range(6)),
        "Hi",
    )
    result = coverage({"EYFS": quiz})
    cells = {row[0]: row[1] for row in coverage_cells(result)}
    assert cells["Online reputation"] == 2 and cells["Online bullying"] == "No question"
    assert cells["Managing online information"] == "Not at this age"
    assert cells["Copyright and ownership"] == "No question"
    assert str(result.covered(0)) == "2 of 6 (33%)"


# Valid HTML ----------------------------------------------------------------------------------


@pytest.mark.html_validator
def test_the_pages_are_valid_html(app, school, tmp_path):
    oak, _, _ = school
    leader, governor = client_for(app, "head_teacher"), client_for(app, "governor")
    pages = {
        "school": body_of(leader.get(PAGE)),
        "key-stage": body_of(leader.get(PAGE, query_string={"key_stage": "KS1"})),
        "class": body_of(leader.get(PAGE, query_string={"class": oak.id})),
        "governor": body_of(governor.get(PAGE, query_string={"key_stage": "KS1"})),
        "coverage": body_of(leader.get("/admin/coverage")),
    }
    assert_valid_html(pages, tmp_path)
