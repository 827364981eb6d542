"""The Head Teacher's school overview in a real browser: the figures move as the school works."""

from playwright.sync_api import expect
from sqlalchemy import select

from portal.clock import school_today, utcnow
from portal.extensions import db
from portal.parents import service
from portal.parents.models import ParentInvite
from portal.people.roles import HEAD_TEACHER, TEACHER
from portal.people.school_year import academic_year
from portal.policies.service import record_acknowledgement
from portal.quiz import attempts
from portal.quiz.catalogue import quiz_for
from portal.quiz.models import QuizAttempt
from portal.staff_module.models import ModuleProgress
from portal.staff_module.status import CHECK_QUIZ_ID, module_status, settings
from tests.helpers.builders import make_staff
from tests.helpers.checkers import assert_accessible
from tests.helpers.parents import MAIL, start

YEAR = academic_year(school_today()).start_year


def pupil_finishes_the_quiz(pupil):
    """Every question answered, as the pupil's quiz screens store them."""
    quiz = quiz_for(pupil.school_class.key_stage)
    attempt = attempts.start(pupil, quiz, YEAR, utcnow())
    for question in quiz.questions:
        choice = next(c for c in question.choices if c.correct)
        stored = attempts.answer(attempt, question, choice, utcnow())
    assert attempts.finish_if_complete(attempt, quiz, stored, utcnow())
    db.session.commit()


def staff_completes_the_module(staff):
    """Read, passed and acknowledged, as the module's three steps record them."""
    status = module_status(staff, school_today(), settings())
    db.session.add(
        ModuleProgress(
            staff_id=staff.id,
            academic_year=YEAR,
            policy_version_id=status.version.id,
            cards_read=status.cards_total,
            read_at=utcnow(),
        )
    )
    db.session.add(
        QuizAttempt(
            quiz_id=CHECK_QUIZ_ID,
            quiz_revision="journey",
            academic_year=YEAR,
            staff_id=staff.id,
            total=10,
            score=10,
            passed=True,
            finished_at=utcnow(),
        )
    )
    for version in (status.version, status.policy_version):  # the guidelines and the policy
        record_acknowledgement(version, YEAR, staff=staff, method="online", typed_name=staff.name)
    db.session.commit()


def test_the_head_sees_the_overview_move_as_pupils_staff_and_parents_act(
    app, page, live_server, family
):
    start()
    make_staff("head@wilkinson.example.org", roles=(HEAD_TEACHER,), name="Helen Head")
    teacher = make_staff("teacher1@wilkinson.example.org", roles=(TEACHER,), name="Ruth Okafor")
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill("head@wilkinson.example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="School overview").first.click()

    expect(page.get_by_role("heading", name="School overview", level=1)).to_be_visible()
    quiz = page.locator("#tile-quiz")
    module = page.locator("#tile-module")
    parents = page.locator("#tile-parents")
    expect(quiz).to_contain_text("KS1 0 of 1 (0%)")
    expect(module).to_contain_text("Complete 0 of 2 (0%)")
    expect(parents).to_contain_text("0 of 2 (0%) of guardians have acknowledged")
    assert_accessible(page)

    pupil_finishes_the_quiz(family["amara"])
    staff_completes_the_module(teacher)
    invite = db.session.scalar(
        select(ParentInvite).where(ParentInvite.guardian_id == family["grace"].id)
    )
    service.record_answer(invite, "acknowledged", "Grace Okoye", None, MAIL)
    db.session.commit()
    page.reload()

    expect(quiz).to_contain_text("KS1 1 of 1 (100%)")
    expect(module).to_contain_text("Complete 1 of 2 (50%)")
    expect(parents).to_contain_text("1 of 2 (50%) of guardians have acknowledged")
    parents.get_by_text("The figures as a table").click()
    expect(parents.get_by_role("table")).to_contain_text("Oak")
    assert_accessible(page)

    page.get_by_role("link", name="Print the evidence pack").click()
    expect(page.get_by_role("heading", name="Online-safety evidence pack")).to_be_visible()
    expect(page.get_by_text("1 of 2 (50%) of guardians have acknowledged")).to_be_visible()
    assert_accessible(page)
