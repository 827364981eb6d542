"""Builders for the people the tests need, with sensible defaults."""

from itertools import count

from werkzeug.security import generate_password_hash

from portal.clock import school_today
from portal.extensions import db
from portal.people.models import Guardian, Pupil, SchoolClass, Staff, StaffRole

PASSWORD = "correct horse battery"
_serial = count(1)
# Hashing is deliberately slow; every builder reuses this one hash of PASSWORD.
_PASSWORD_HASH = generate_password_hash(PASSWORD)


def make_staff(
    email=None, roles=("teacher",), name=None, password=True, active=True, classes=()
) -> Staff:
    n = next(_serial)
    staff = Staff(
        email=email or f"staff{n}@wilkinson.example.org",
        name=name or f"Member of Staff {n}",
        password_hash=_PASSWORD_HASH if password else None,
        active=active,
        role_rows=[StaffRole(role=role) for role in roles],
    )
    staff.classes = list(classes)
    db.session.add(staff)
    db.session.commit()
    return staff


def make_class(name=None, year_group=1) -> SchoolClass:
    school_class = SchoolClass(name=name or f"Class {next(_serial)}", year_group=year_group)
    db.session.add(school_class)
    db.session.commit()
    return school_class


def make_pupil(school_class=None, first_name="Amara", last_name=None, mis_id=None) -> Pupil:
    n = next(_serial)
    pupil = Pupil(
        mis_id=mis_id or f"P{n:05d}",
        first_name=first_name,
        last_name=last_name or f"Pupil{n}",
        school_class=school_class,
    )
    db.session.add(pupil)
    db.session.commit()
    return pupil


def make_guardian(pupils=(), email="parent@example.org", mis_id=None) -> Guardian:
    n = next(_serial)
    guardian = Guardian(
        mis_id=mis_id or f"G{n:05d}",
        first_name="Sam",
        last_name=f"Carer{n}",
        email=email,
        pupils=list(pupils),
    )
    db.session.add(guardian)
    db.session.commit()
    return guardian


def open_class_session(school_class, teacher, code="4821", minutes=120):
    """An open class session, as a teacher starts it from the board."""
    from datetime import timedelta

    from portal.classroom.models import ClassSession
    from portal.clock import utcnow

    class_session = ClassSession(
        class_id=school_class.id,
        started_by_id=teacher.id,
        code=code,
        expires_at=utcnow() + timedelta(minutes=minutes),
    )
    db.session.add(class_session)
    db.session.commit()
    return class_session


def seat_pupil(client, class_session, pupil):
    """Sign ``pupil`` in on this test client, as the picture step does."""
    from portal.classroom.models import SessionPupil
    from portal.classroom.pupil_auth import SESSION_KEY
    from portal.clock import utcnow

    seat = SessionPupil(session_id=class_session.id, pupil_id=pupil.id, signed_in_at=utcnow())
    db.session.add(seat)
    db.session.commit()
    with client.session_transaction() as session:
        session.clear()
        session[SESSION_KEY] = [class_session.id, pupil.id]
    return seat


def install_content() -> None:
    """The school's shipped policies (AUPs, guidelines), as `flask portal install-content` does."""

    from portal.policies.shipped import install_shipped_policies

    install_shipped_policies(school_today())
    db.session.commit()


def take_quiz(pupil, quiz, choices: dict, revision=None, finish=True):
    """A pupil's attempt at ``quiz`` through the portal's own write path (so their first go
    is counted as the quiz counts it): ``choices`` maps question numbers (1-based) to a
    choice id, or "right"; ``revision`` stands for an earlier quiz file."""
    from dataclasses import replace

    from portal.clock import utcnow
    from portal.people.school_year import academic_year
    from portal.quiz import attempts

    taken = quiz if revision is None else replace(quiz, revision=revision)
    attempt = attempts.start(pupil, taken, academic_year(school_today()).start_year, utcnow())
    score = 0
    for number, choice_id in choices.items():
        question = quiz.questions[number - 1]
        choice = question.correct_choice if choice_id == "right" else question.choice(choice_id)
        attempts.answer(attempt, question, choice, utcnow())
        score += choice.correct
    if finish:
        attempts.finish(attempt, score, None, utcnow())
    db.session.commit()
    return attempt
