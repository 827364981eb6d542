"""The school overview (/admin/): the figures a leader reads, what governors see, each tile's
CSV, and the printable evidence pack."""

import csv
import html
import io
import re
import uuid
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.clock import school_today, utcnow
from portal.extensions import db
from portal.incidents import log
from portal.incidents.service import NewReport, file_report
from portal.parents import service
from portal.parents.models import ParentInvite
from portal.people.roles import ESAFETY_LEAD, GOVERNOR, HEAD_TEACHER, TEACHER
from portal.people.school_year import academic_year
from portal.policies.service import record_acknowledgement
from portal.pupils.progress import aup_to_show
from portal.quiz.catalogue import quiz_for
from portal.quiz.models import QuizAttempt
from portal.staff_module.models import ModuleProgress
from portal.staff_module.status import CHECK_QUIZ_ID, module_status, settings
from tests.helpers.builders import install_content, make_class, make_pupil, make_staff
from tests.helpers.checkers import assert_valid_html
from tests.helpers.parents import MAIL, make_family, start
from tests.helpers.tables import tables_by_caption
from tests.helpers.web import body_of, signed_in

PAGE, EVIDENCE = "/admin/", "/admin/evidence"
TODAY = school_today()
YEAR = academic_year(TODAY).start_year


def text_of(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def acknowledge_aup(pupil, stage=None):
    stage = stage or pupil.school_class.key_stage
    version = aup_to_show(stage, TODAY)
    record_acknowledgement(version, YEAR, pupil=pupil, method="in_class", key_stage=stage)
    db.session.commit()


def attempt(pupil, finished=True, year=YEAR, stage=None):
    quiz = quiz_for(stage or pupil.school_class.key_stage)
    db.session.add(
        QuizAttempt(
            quiz_id=quiz.id,
            quiz_revision=quiz.revision,
            academic_year=year,
            pupil_id=pupil.id,
            total=len(quiz.questions),
            finished_at=utcnow() if finished else None,
        )
    )
    db.session.commit()


def complete_module(staff):
    status = module_status(staff, TODAY, settings())
    now = utcnow()
    db.session.add_all(
        [
            ModuleProgress(
                staff_id=staff.id,
                academic_year=YEAR,
                policy_version_id=status.version.id,
                cards_read=status.cards_total,
                read_at=now,
            ),
            QuizAttempt(
                quiz_id=CHECK_QUIZ_ID,
                quiz_revision="test",
                academic_year=YEAR,
                staff_id=staff.id,
                total=10,
                score=10,
                passed=True,
                finished_at=now,
            ),
        ]
    )
    for version in (status.version, status.policy_version):  # the guidelines and the policy
        record_acknowledgement(version, YEAR, staff=staff, method="online", typed_name=staff.name)
    db.session.commit()


@pytest.fixture
def school(app):
    """Robins (Reception), Oak (Year 1) and Ash (Year 3), with AUPs, quizzes and staff."""
    install_content()
    robins, oak, ash = make_class("Robins", 0), make_class("Oak", 1), make_class("Ash", 3)
    ruby, rio = make_pupil(robins, "Ruby"), make_pupil(robins, "Rio")
    oaks = [make_pupil(oak, name, "Oakley") for name in ("Amara", "Ben", "Cara", "Dev")]
    ashes = [make_pupil(ash, name, "Ashby") for name in ("Esme", "Finn", "Gus")]
    gone = make_pupil(ash, "Hal", "Left")
    gone.left_on = TODAY - timedelta(days=3)
    db.session.commit()
    acknowledge_aup(ruby)
    for pupil in oaks[:3]:
        acknowledge_aup(pupil)
    acknowledge_aup(ashes[0])
    acknowledge_aup(ashes[1], stage="KS1")  # moved up to Year 3: asked again, not yet answered
    acknowledge_aup(gone)  # left the school: not on roll
    attempt(rio)
    attempt(oaks[0]), attempt(oaks[1]), attempt(oaks[2], finished=False)
    attempt(oaks[3], year=YEAR - 1)  # last year's quiz is history
    attempt(ashes[2])
    head = make_staff("head@school.test", roles=(HEAD_TEACHER,), name="Helen Head")
    done = make_staff("tess@school.test", roles=(TEACHER,), name="Tess Teacher")
    make_staff("tom@school.test", roles=(TEACHER,), name="Tom Teacher")
    complete_module(done)
    return {"head": head, "pupils": [ruby, rio, *oaks, *ashes]}


def test_a_leader_reads_each_key_stage_and_class_with_its_base(school, client):
    signed_in(client, HEAD_TEACHER)
    page = body_of(client.get(PAGE))
    words = text_of(page)

    assert "EYFS 1 of 2 (50%)" in words
    assert "KS1 3 of 4 (75%)" in words
    assert "KS2 1 of 3 (33%)" in words
    assert "5 of 9 (56%) of pupils on roll have acknowledged" in words
    found = tables_by_caption(page)
    aup = found["Pupils on roll who have acknowledged their Key Stage's AUP, by class"]
    assert aup[1:] == [
        ["Robins", "EYFS", "1 of 2 (50%)"],
        ["Oak", "KS1", "3 of 4 (75%)"],
        ["Ash", "KS2", "1 of 3 (33%)"],
        ["Whole school", "", "5 of 9 (56%)"],
    ]
    quiz = next(
        rows
        for caption, rows in found.items()
        if caption.startswith("Pupils on roll who have finished")
    )
    assert quiz[1:] == [
        ["Robins", "EYFS", "1 of 2 (50%)"],
        ["Oak", "KS1", "2 of 4 (50%)"],
        ["Ash", "KS2", "1 of 3 (33%)"],
        ["Whole school", "", "4 of 9 (44%)"],
    ]
    # The head, Tess and Tom take the module (and the signed-in head teacher too).
    assert "Complete 1 of 4 (25%)" in words
    assert "No parents' acknowledgement has started" in words
    assert "Policy reviews" in words and "Overdue by" in words  # the shipped policy's date


def test_the_staff_module_tile_counts_the_overdue(school, client):
    late = make_staff("late@school.test", roles=(TEACHER,))
    late.created_at = datetime(YEAR - 1, 1, 1)  # here since before the year began
    db.session.commit()
    signed_in(client, ESAFETY_LEAD)
    words = text_of(body_of(client.get(PAGE)))

    overdue = 1 if date(YEAR, 9, 30) < TODAY else 0
    assert f"Overdue {overdue} of 5 ({overdue * 20}%)" in words


def test_parents_answers_by_class_for_this_years_campaign(app, client):
    family = make_family()
    start()
    invite = db.session.scalar(
        select(ParentInvite).where(ParentInvite.guardian_id == family["grace"].id)
    )
    service.record_answer(invite, "acknowledged", "Grace Okoye", None, MAIL)
    db.session.commit()
    signed_in(client, HEAD_TEACHER)
    page = body_of(client.get(PAGE))

    assert "1 of 2 (50%) of guardians have acknowledged" in text_of(page)
    rows = next(r for c, r in tables_by_caption(page).items() if c.startswith("Guardians' answers"))
    assert rows[1:] == [
        ["Oak", "1 of 2 (50%)", "0", "0", "0", "1"],
        ["Ash", "1 of 2 (50%)", "0", "0", "0", "1"],
        ["Whole school", "1 of 2 (50%)", "0", "0", "0", "1"],
    ]


def report(**changes):
    values = {
        "source": "staff",
        "submission_key": str(uuid.uuid4()),
        "what_happened": "Unkind messages in a group chat.",
        "category": "bullying_messages",
        "place": "messages",
        "pupils": (),
        **changes,
    }
    file_report(NewReport(**values), log.readers())
    db.session.commit()


def test_those_who_open_the_log_see_open_reports_by_status_and_nothing_more(school, client):
    report(), report(urgent=True)
    signed_in(client, HEAD_TEACHER)
    page = body_of(client.get(PAGE))
    words = text_of(page)

    assert "2 open reports." in words
    assert "New 2 of 2 (100%)" in words
    assert "Unkind messages" not in page


def test_governors_see_the_totals_and_no_name_and_no_incident_tile(school, client):
    report()
    signed_in(client, GOVERNOR)
    page = body_of(client.get(PAGE))

    assert "KS1 3 of 4 (75%)" in text_of(page)
    assert "open report" not in page and "online-safety log" not in page.lower()
    for pupil in school["pupils"]:
        assert pupil.first_name not in page
    for name in ("Helen Head", "Tess Teacher", "Tom Teacher"):
        assert name not in page
    assert "/teach/classes/" not in page  # not a page a governor may open
    assert client.get("/admin/overview/incidents.csv").status_code == 404
    assert "Tess" not in client.get("/admin/overview/module.csv").get_data(as_text=True)


@pytest.mark.parametrize("url", [PAGE, EVIDENCE, "/admin/overview/aup.csv"])
def test_a_teacher_is_refused(school, client, url):
    signed_in(client, TEACHER)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("tile", ["aup", "quiz", "module", "incidents", "policies"])
def test_each_csv_holds_the_rows_of_its_table_on_the_page(school, client, tile):
    report()
    signed_in(client, HEAD_TEACHER)
    page = body_of(client.get(PAGE))
    on_page = tables_by_caption(page)
    response = client.get(f"/admin/overview/{tile}.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))

    matching = [t for t in on_page.values() if t[0] == header]
    assert matching and rows in [t[1:] for t in matching]


@pytest.mark.parametrize("url", ["/admin/overview/nothing.csv", "/admin/overview/parents.csv"])
def test_an_unknown_tile_or_one_without_a_table_is_not_found(school, client, url):
    signed_in(client, HEAD_TEACHER)
    assert client.get(url).status_code == 404


def test_the_evidence_pack_holds_each_policys_version_and_review_date(school, client):
    report()
    signed_in(client, GOVERNOR)
    page = body_of(client.get(EVIDENCE))
    words = text_of(page)

    policies = tables_by_caption(page)["Each policy's version in force and its review"]
    assert policies[0] == [
        "Policy",
        "Version in force",
        "In force since",
        "Next review",
        "Review status",
    ]
    titles = [row[0] for row in policies[1:]]
    assert "Social Media Policy" in " ".join(titles)
    assert all(row[1] == "Version 1" and row[3] for row in policies[1:])
    assert "Wilkinson Primary School" in page
    assert f"Produced on {TODAY.day} {TODAY:%B %Y}" in words
    assert "5 of 9 (56%) of pupils on roll have acknowledged" in words
    assert "Reports this term: fewer than 3" in words
    assert "Unkind messages" not in page


@pytest.mark.html_validator
def test_the_overview_and_the_evidence_pack_are_valid_html(school, client, tmp_path):
    report()
    signed_in(client, HEAD_TEACHER)
    pages = {"overview": body_of(client.get(PAGE)), "evidence": body_of(client.get(EVIDENCE))}
    assert_valid_html(pages, tmp_path)


def test_the_nav_offers_the_overview_to_oversight_only(school, client):
    signed_in(client, GOVERNOR)
    assert 'href="/admin/"' in body_of(client.get("/"))
    other = client.application.test_client()
    make_staff("t@school.test", roles=(TEACHER,))
    from tests.helpers.web import sign_in

    sign_in(other, "t@school.test")
    assert 'href="/admin/"' not in body_of(other.get("/"))


@pytest.mark.parametrize("role", [HEAD_TEACHER, GOVERNOR])
def test_the_quiz_tile_leads_to_misconceptions_and_coverage(school, client, role):
    signed_in(client, role)
    page = body_of(client.get(PAGE))
    quiz_tile = page.split('id="tile-quiz"')[1].split("</section>")[0]

    for label, url in [
        ("See what pupils misunderstand", "/admin/understanding"),
        ("See which strands the quizzes cover", "/admin/coverage"),
    ]:
        assert f'<a href="{url}">{label}</a>' in quiz_tile
        assert client.get(url).status_code == 200
    # The nav shows the overview as the current section on its drill-downs.
    assert 'href="/admin/" aria-current="page"' in body_of(client.get("/admin/understanding"))
