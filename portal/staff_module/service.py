"""The module's steps: read each card, take the check, acknowledge, receive a certificate."""

import secrets
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import case, select, update

from portal.clock import utcnow
from portal.database import insert_if_absent
from portal.extensions import db
from portal.people.models import Staff
from portal.policies.models import Acknowledgement, Policy, PolicyVersion
from portal.policies.service import record_acknowledgement
from portal.quiz import attempts
from portal.quiz.bank import year_check
from portal.quiz.content import Quiz
from portal.quiz.grading import Result, grade
from portal.quiz.models import QuizAttempt
from portal.staff_module.models import Certificate, ModuleProgress
from portal.staff_module.status import POLICY_SLUG, ModuleStatus

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L to misread


class ModuleProblem(Exception):
    """A step that cannot be taken now; the message says why, plainly."""


def mark_card_read(status: ModuleStatus, card: int) -> None:
    """Remember the furthest card read; reading the last one completes the step.

    One row per person and year, inserted if absent and then moved on by UPDATEs that read
    the row they change, so marks sent at the same moment neither clash nor go backwards.
    """
    if not 1 <= card <= status.cards_total:
        raise ModuleProblem("There is no such card.")
    staff_id, year = status.staff.id, status.year.start_year
    insert_if_absent(
        ModuleProgress,
        staff_id=staff_id,
        academic_year=year,
        policy_version_id=status.version.id,
        cards_read=0,
    )
    mine = (ModuleProgress.staff_id == staff_id) & (ModuleProgress.academic_year == year)
    if status.progress is None:  # any reading was before a material change: start again
        _update(
            mine & (ModuleProgress.policy_version_id != status.version.id),
            policy_version_id=status.version.id,
            cards_read=0,
            read_at=None,
        )
    furthest = case((ModuleProgress.cards_read < card, card), else_=ModuleProgress.cards_read)
    finished_now = ModuleProgress.read_at.is_(None) & (furthest == status.cards_total)
    _update(
        mine,
        cards_read=furthest,
        read_at=case((finished_now, utcnow()), else_=ModuleProgress.read_at),
    )


def _update(where, **values) -> None:
    db.session.execute(
        update(ModuleProgress).where(where).values(**values),
        execution_options={"synchronize_session": False},
    )


def open_attempt(status: ModuleStatus, bank: Quiz) -> QuizAttempt:
    """The member of staff's unfinished attempt at this year's check, or a new one.

    ``bank`` is the check's file: the attempt is at the ten drawn from it for the year.
    """
    if not status.read:
        raise ModuleProblem("Read the guidelines first: the check asks about them.")
    year = status.year.start_year
    return attempts.start(status.staff, year_check(bank, year), year, utcnow())


def submit_attempt(
    attempt: QuizAttempt, bank: Quiz, answers: dict[str, str], now: datetime | None = None
) -> Result:
    """Grade the answers to the attempt's year's ten and store them once; a repeated
    submission changes nothing.

    Raises InvalidAnswers (from grading) for answers that do not belong to that check.
    """
    if attempt.quiz_revision != bank.revision:
        raise ModuleProblem("The check was updated after you opened it. Please answer it again.")
    result = grade(year_check(bank, attempt.academic_year), answers)
    attempts.record_result(attempt, result, now or utcnow())
    return result


def asked_in(attempt: QuizAttempt, bank: Quiz) -> Quiz | None:
    """The check as a finished attempt asked it: the bank's questions it has answers to,
    from what was stored rather than drawn again, or None if the bank no longer has one."""
    answered = {answer.question_id for answer in attempt.answers}
    questions = tuple(question for question in bank.questions if question.id in answered)
    return replace(bank, questions=questions) if len(questions) == len(answered) else None


def stored_result(attempt: QuizAttempt, asked: Quiz) -> Result:
    """The result of a finished attempt, from its stored answers to the check it asked."""
    return grade(asked, {answer.question_id: answer.choice_id for answer in attempt.answers})


def names_match(typed: str, name: str) -> bool:
    return " ".join(typed.split()).casefold() == " ".join(name.split()).casefold()


def acknowledge(
    status: ModuleStatus,
    version_id: int,
    typed_name: str,
    today: date,
    policy_version_id: int | None = None,
):
    """Record "I have read and will follow…" for the Social Media Policy and the staff
    guidelines in force, and issue this year's certificate.

    Both acknowledgements are written or neither (the caller commits once); each is inserted
    if absent, so a double click counts once. ``policy_version_id`` None means the version
    of the policy shown today, for callers that show no form (the CLI, tests).
    """
    if status.passed_attempt is None:
        raise ModuleProblem("Pass the check before acknowledging the guidelines.")
    _check_current(version_id, status.version, "staff guidelines")
    if policy_version_id is not None:
        _check_current(policy_version_id, status.policy_version, "Social Media Policy")
    if not names_match(typed_name, status.staff.name):
        raise ModuleProblem(f"Type your full name as the portal knows it: {status.staff.name}.")
    for version in (status.policy_version, status.version):
        record_acknowledgement(
            version,
            status.year.start_year,
            staff=status.staff,
            method="online",
            typed_name=" ".join(typed_name.split()),
        )
    return issue_certificate(
        status.staff, status.version, status.passed_attempt, status.year.start_year, today
    )


def _check_current(version_id: int, shown: PolicyVersion, name: str) -> None:
    if version_id != shown.id:
        raise ModuleProblem(
            f"That is not the current version of the {name}. "
            "Reload the page to acknowledge the current one."
        )


def issue_certificate(
    staff: Staff, version: PolicyVersion, attempt: QuizAttempt, year: int, today: date
) -> Certificate:
    """One certificate per person, year and version: asking again returns the same one."""
    existing = db.session.scalar(
        select(Certificate).where(
            Certificate.staff_id == staff.id,
            Certificate.academic_year == year,
            Certificate.policy_version_id == version.id,
        )
    )
    if existing is not None:
        return existing
    certificate = Certificate(
        code=new_code(),
        staff_id=staff.id,
        academic_year=year,
        policy_version_id=version.id,
        quiz_attempt_id=attempt.id,
        score=attempt.score,
        total=attempt.total,
        issued_on=today,
    )
    db.session.add(certificate)
    db.session.flush()
    return certificate


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def policy_version_acknowledged(certificate: Certificate) -> PolicyVersion | None:
    """The Social Media Policy version its holder last acknowledged that year, to name it on
    the certificate (None for a certificate from before the module covered the policy)."""
    return db.session.scalar(
        select(PolicyVersion)
        .join(Acknowledgement, Acknowledgement.policy_version_id == PolicyVersion.id)
        .join(Policy, Policy.id == PolicyVersion.policy_id)
        .where(
            Acknowledgement.staff_id == certificate.staff_id,
            Acknowledgement.academic_year == certificate.academic_year,
            Acknowledgement.response == "acknowledged",
            Policy.slug == POLICY_SLUG,
        )
        .order_by(Acknowledgement.created_at.desc(), Acknowledgement.id.desc())
        .limit(1)
    )


def find_certificate(code: str) -> Certificate | None:
    cleaned = code.strip().upper().replace(" ", "")
    if len(cleaned) == 8:
        cleaned = f"{cleaned[:4]}-{cleaned[4:]}"
    return db.session.scalar(select(Certificate).where(Certificate.code == cleaned))
