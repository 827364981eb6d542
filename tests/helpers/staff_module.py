"""The staff module's steps as rows, for tests that need someone at a given step quickly."""

from portal.clock import school_today, utcnow
from portal.extensions import db
from portal.policies.service import record_acknowledgement
from portal.quiz.models import QuizAttempt
from portal.staff_module.models import ModuleProgress
from portal.staff_module.status import CHECK_QUIZ_ID, module_status, settings


def read_and_passed(staff, today=None):
    """The guidelines read and the check passed this year: the acknowledgement is next."""
    status = module_status(staff, today or school_today(), settings())
    now = utcnow()
    db.session.add_all(
        [
            ModuleProgress(
                staff_id=staff.id,
                academic_year=status.year.start_year,
                policy_version_id=status.version.id,
                cards_read=status.cards_total,
                read_at=now,
            ),
            QuizAttempt(
                quiz_id=CHECK_QUIZ_ID,
                quiz_revision="test",
                academic_year=status.year.start_year,
                staff_id=staff.id,
                total=10,
                score=10,
                passed=True,
                finished_at=now,
            ),
        ]
    )
    db.session.commit()
    return status


def complete_module(staff, today=None):
    """Read, passed, and both documents acknowledged, as the module's steps record them."""
    status = read_and_passed(staff, today)
    for version in (status.version, status.policy_version):
        record_acknowledgement(
            version, status.year.start_year, staff=staff, method="online", typed_name=staff.name
        )
    db.session.commit()
    return status
