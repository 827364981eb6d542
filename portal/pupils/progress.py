"""Where pupils stand: their Key Stage AUP and their quiz. Bulk queries for class views.

A pupil's AUP is due until they have acknowledged, while in their current Key Stage, a
version at or after the AUP's latest material change. So moving up to Year 1 or Year 3
makes it due again, even where the text is the same.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Row, bindparam, func, select

from portal.clock import school_today
from portal.extensions import db
from portal.people.models import Pupil
from portal.people.school_year import KEY_STAGE_NAMES, academic_year
from portal.policies.models import Acknowledgement, Policy, PolicyVersion
from portal.policies.service import acknowledgement_baseline, policy_with_slug, version_shown
from portal.quiz.models import QuizAnswer, QuizAttempt

AUP_SLUGS = {"EYFS": "aup-eyfs-ks1", "KS1": "aup-eyfs-ks1", "KS2": "aup-ks2"}
# The youngest read their AUP with a grown-up: with their teacher in class, and at home (the
# parents' page shows it to their families).
READ_TOGETHER_STAGES = ("EYFS", "KS1")
NOT_STARTED, IN_PROGRESS, DONE = "not_started", "in_progress", "done"


def aup_policy(key_stage: str) -> Policy:
    policy = policy_with_slug(AUP_SLUGS[key_stage])
    if policy is None:
        raise LookupError("The pupils' AUPs are not installed: run `flask portal install-content`.")
    return policy


def aup_baselines(today: date) -> tuple[tuple[str, int, int], ...]:
    """(Key Stage, its AUP's policy id, its baseline's version number) for each Key Stage whose
    AUP is installed and has a version in force: an acknowledgement counts today if it is of
    that AUP at or after that number. Plain values, so statements built from them can be kept."""
    found = []
    for stage in KEY_STAGE_NAMES:
        policy = policy_with_slug(AUP_SLUGS[stage])
        baseline = acknowledgement_baseline(policy, today) if policy else None
        if baseline is not None:
            found.append((stage, policy.id, baseline.number))
    return tuple(found)


def aup_to_show(key_stage: str, today: date) -> PolicyVersion:
    """The version of the Key Stage's AUP a pupil reads and acknowledges today."""
    return version_shown(aup_policy(key_stage), today)


def aup_acknowledgements(
    pupils: list[Pupil], key_stage: str, today: date
) -> dict[int, Acknowledgement]:
    """Each pupil's acknowledgement that is current for their Key Stage, in one query."""
    policy = aup_policy(key_stage)
    baseline = acknowledgement_baseline(policy, today)
    if baseline is None:  # no version in force yet: nothing to be current with
        return {}
    values = {
        "pupil_ids": [pupil.id for pupil in pupils],
        "key_stage": key_stage,
        "policy_id": policy.id,
        "baseline": baseline.number,
    }
    return {row.pupil_id: row for row in db.session.scalars(_ACKNOWLEDGED, values)}


# Class views, the class board (polled every few seconds) and every pupil's home ask these:
# built once, with bound parameters (building and keying a statement costs more than running
# it). The latest acknowledgement of each pupil comes last.
_ACKNOWLEDGED = (
    select(Acknowledgement)
    .join(Acknowledgement.policy_version)
    .where(
        Acknowledgement.pupil_id.in_(bindparam("pupil_ids", expanding=True)),
        Acknowledgement.key_stage == bindparam("key_stage"),
        PolicyVersion.policy_id == bindparam("policy_id"),
        PolicyVersion.number >= bindparam("baseline"),
        Acknowledgement.response == "acknowledged",
    )
    .order_by(Acknowledgement.created_at)
)


def aup_due(pupil: Pupil, today: date) -> bool:
    """True while the pupil has not acknowledged their Key Stage's AUP in force today.

    Nothing is due before any version takes effect (a new text published for next term).
    """
    key_stage = pupil.school_class.key_stage
    if aup_to_show(key_stage, today) is None:
        return False  # checked here, not inferred from an empty answer below
    return pupil.id not in aup_acknowledgements([pupil], key_stage, today)


@dataclass(frozen=True)
class QuizProgress:
    status: str
    answered: int
    attempt: Row | None  # the latest attempt's id, pupil_id, total and finished_at


def quiz_progress(
    pupils: list[Pupil], quiz_id: str, year: int | None = None
) -> dict[int, QuizProgress]:
    """Each pupil's latest attempt in the school year ``year`` (default: this one) and how many
    questions it has answered, in one statement. Year 2 pupils take the same KS1 quiz as in
    Year 1: last year's attempt is history.
    """
    year = year if year is not None else school_year_of(school_today())
    values = {"pupil_ids": [pupil.id for pupil in pupils], "quiz_id": quiz_id, "year": year}
    by_pupil = {row.pupil_id: row for row in db.session.execute(_LATEST_ATTEMPTS, values)}
    result = {}
    for pupil in pupils:
        attempt = by_pupil.get(pupil.id)
        if attempt is None:
            result[pupil.id] = QuizProgress(NOT_STARTED, 0, None)
        else:
            status = DONE if attempt.finished_at else IN_PROGRESS
            result[pupil.id] = QuizProgress(status, attempt.answered, attempt)
    return result


# Plain rows, not ORM objects: a class view or the class board reads thirty at a time.
_LATEST_ATTEMPTS = select(
    QuizAttempt.id,
    QuizAttempt.pupil_id,
    QuizAttempt.total,
    QuizAttempt.finished_at,
    select(func.count())
    .where(QuizAnswer.attempt_id == QuizAttempt.id)
    .scalar_subquery()
    .label("answered"),
).where(
    QuizAttempt.id.in_(
        select(func.max(QuizAttempt.id))
        .where(
            QuizAttempt.pupil_id.in_(bindparam("pupil_ids", expanding=True)),
            QuizAttempt.quiz_id == bindparam("quiz_id"),
            QuizAttempt.academic_year == bindparam("year"),
        )
        .group_by(QuizAttempt.pupil_id)
    )
)


def school_year_of(today: date) -> int:
    return academic_year(today).start_year


# How a pupil's AUP acknowledgement was given, as the class view and the admin lists say it.
METHOD_LABELS = {
    "online": "online",
    "in_class": "in class",
    "in_person": "in person",
    "paper": "on paper",
    "phone": "by phone",
}
