"""Where each member of staff stands in this year's module, worked out in a few queries."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import and_, bindparam, or_, select

from portal.extensions import db
from portal.people.models import Staff
from portal.people.roles import GOVERNOR
from portal.people.school_year import AcademicYear, academic_year
from portal.policies.formats import parse_guidelines
from portal.policies.models import Acknowledgement, Policy, PolicyVersion
from portal.policies.service import acknowledgement_baseline, policy_with_slug, version_shown
from portal.quiz.bank import year_check
from portal.quiz.catalogue import get_quiz
from portal.quiz.content import Quiz
from portal.quiz.models import QuizAttempt
from portal.staff_module.models import Certificate, ModuleProgress

GUIDELINES_SLUG = "staff-guidelines"
# The policy the guidelines come from: the module's acknowledgement covers it too.
POLICY_SLUG = "social-media-policy"
CHECK_QUIZ_ID = "staff-conduct"
STEPS = ("read", "check", "acknowledge", "done")
STEP_LABELS = {
    "read": "Read the guidelines",
    "check": "Take the check",
    "acknowledge": "Acknowledge",
    "done": "Certificate",
}


@dataclass(frozen=True)
class ModuleSettings:
    due_month: int = 9
    due_day: int = 30
    new_staff_days: int = 30


@dataclass(frozen=True)
class ModuleStatus:
    staff: Staff
    year: AcademicYear
    due_on: date
    version: PolicyVersion  # the staff guidelines shown
    progress: ModuleProgress | None
    passed_attempt: QuizAttempt | None
    acknowledgement: Acknowledgement | None  # of the guidelines
    certificate: Certificate | None
    cards_total: int
    policy_version: PolicyVersion  # the Social Media Policy shown
    policy_acknowledgement: Acknowledgement | None

    @property
    def read(self) -> bool:
        return bool(self.progress and self.progress.read_at)

    @property
    def step(self) -> str:
        if not self.read:
            return "read"
        if self.passed_attempt is None:
            return "check"
        if self.acknowledgement is None or self.policy_acknowledgement is None:
            return "acknowledge"
        return "done"

    @property
    def complete(self) -> bool:
        return self.step == "done"

    def overdue(self, today: date) -> bool:
        return not self.complete and today > self.due_on


def settings(config: dict | None = None) -> ModuleSettings:
    """The module's dates from the app's config (PORTAL_STAFF_MODULE_DUE is MM-DD)."""
    config = config if config is not None else current_app.config
    month, day = config["STAFF_MODULE_DUE"].split("-")
    return ModuleSettings(int(month), int(day), config["STAFF_MODULE_NEW_STAFF_DAYS"])


def check_for_year(year: int) -> Quiz:
    """The check as asked in the school year starting in ``year``: ten scenarios drawn from
    the bank in quizzes/staff-conduct.toml, the same for every member of staff."""
    return year_check(get_quiz(CHECK_QUIZ_ID), year)


def guideline_cards(version: PolicyVersion) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The guidelines' introduction, and each rule (a level-2 heading) as its own card."""
    parsed = parse_guidelines(version.body)
    return parsed.intro, parsed.cards


def takes_module(staff: Staff) -> bool:
    """Everyone with a staff role; governors alone read but are not asked to complete it."""
    return staff.active and bool(staff.roles - {GOVERNOR})


def due_on(staff: Staff, year: AcademicYear, settings: ModuleSettings) -> date:
    """The school-wide date, or a number of days after joining for someone who joined later."""
    school_date = date(year.start_year, settings.due_month, settings.due_day)
    joined = staff.created_at.date()
    if joined > year.starts_on:
        return max(school_date, joined + timedelta(days=settings.new_staff_days))
    return school_date


def guidelines_policy() -> Policy:
    return _installed(GUIDELINES_SLUG, "staff guidelines")


def social_media_policy() -> Policy:
    return _installed(POLICY_SLUG, "Social Media Policy")


def _installed(slug: str, name: str) -> Policy:
    policy = policy_with_slug(slug)
    if policy is None:
        raise LookupError(f"The {name} is not installed: run `flask portal install-content`.")
    return policy


def module_statuses(
    staff: list[Staff], today: date, settings: ModuleSettings
) -> dict[int, ModuleStatus]:
    """Each person's status, in four queries however many people there are (after the two
    documents, read once per request)."""
    year = academic_year(today)
    policy, the_policy = guidelines_policy(), social_media_policy()
    version, baseline = version_shown(policy, today), acknowledgement_baseline(policy, today)
    policy_baseline = acknowledgement_baseline(the_policy, today)
    values = {"ids": [person.id for person in staff], "year": year.start_year}
    progress = _by_staff(_PROGRESS, values)
    passed = _by_staff(_PASSED, values | {"quiz_id": CHECK_QUIZ_ID})
    acknowledged, policy_acknowledged = _acknowledgements(
        values, (policy, baseline), (the_policy, policy_baseline)
    )
    certificates = _by_staff(_CERTIFICATES, values)
    cards_total = len(guideline_cards(version)[1])
    numbers = {row.id: row.number for row in policy.versions}
    policy_version = version_shown(the_policy, today)
    return {
        person.id: ModuleStatus(
            staff=person,
            year=year,
            due_on=due_on(person, year, settings),
            version=version,
            progress=_still_read(progress.get(person.id), numbers, baseline),
            passed_attempt=passed.get(person.id),
            acknowledgement=acknowledged.get(person.id),
            certificate=certificates.get(person.id),
            cards_total=cards_total,
            policy_version=policy_version,
            policy_acknowledgement=policy_acknowledged.get(person.id),
        )
        for person in staff
    }


def module_status(staff: Staff, today: date, settings: ModuleSettings) -> ModuleStatus:
    return module_statuses([staff], today, settings)[staff.id]


# Every staff home page asks: built once, with bound parameters (building and keying a
# statement costs more than running it). Each is ordered so the row wanted is a person's last.
_THIS_YEARS = bindparam("ids", expanding=True), bindparam("year")
_PROGRESS = select(ModuleProgress).where(
    ModuleProgress.staff_id.in_(_THIS_YEARS[0]), ModuleProgress.academic_year == _THIS_YEARS[1]
)
_PASSED = (
    select(QuizAttempt)
    .where(
        QuizAttempt.staff_id.in_(_THIS_YEARS[0]),
        QuizAttempt.academic_year == _THIS_YEARS[1],
        QuizAttempt.quiz_id == bindparam("quiz_id"),
        QuizAttempt.passed.is_(True),
    )
    .order_by(QuizAttempt.finished_at)
)
_CERTIFICATES = (
    select(Certificate)
    .where(Certificate.staff_id.in_(_THIS_YEARS[0]), Certificate.academic_year == _THIS_YEARS[1])
    .order_by(Certificate.id)
)
# Acknowledgements of either of two documents, each from its baseline (its last material
# change) on.
_ACKNOWLEDGED = (
    select(Acknowledgement)
    .join(Acknowledgement.policy_version)
    .where(
        Acknowledgement.staff_id.in_(_THIS_YEARS[0]),
        Acknowledgement.academic_year == _THIS_YEARS[1],
        Acknowledgement.response == "acknowledged",
        or_(
            and_(
                PolicyVersion.policy_id == bindparam("first"),
                PolicyVersion.number >= bindparam("first_from"),
            ),
            and_(
                PolicyVersion.policy_id == bindparam("second"),
                PolicyVersion.number >= bindparam("second_from"),
            ),
        ),
    )
    .order_by(Acknowledgement.created_at, Acknowledgement.id)
)


def current_acknowledgements(
    ids: list[int], year: int, policy: Policy, baseline: PolicyVersion
) -> dict[int, Acknowledgement]:
    """Each person's latest acknowledgement of ``policy`` this year that still counts: of the
    baseline (the last material change) or a later version. One query."""
    values = {"ids": ids, "year": year}
    # The shared statement asks about two documents: here the same one in both places.
    return _acknowledgements(values, (policy, baseline), (policy, baseline))[0]


def _acknowledgements(values: dict, *documents: tuple[Policy, PolicyVersion]) -> list[dict]:
    """For each of two (policy, baseline) pairs, each person's latest acknowledgement that
    still counts, by staff id. One query for both."""
    (first, first_from), (second, second_from) = documents
    rows = db.session.scalars(
        _ACKNOWLEDGED,
        values
        | {"first": first.id, "first_from": first_from.number}
        | {"second": second.id, "second_from": second_from.number},
    )
    version_policy = {v.id: policy.id for policy, _ in documents for v in policy.versions}
    found = [{} for _ in documents]
    for row in rows:
        for kept, (policy, _) in zip(found, documents, strict=True):
            if version_policy[row.policy_version_id] == policy.id:
                kept[row.staff_id] = row
    return found


def _by_staff(query, values: dict) -> dict:
    """The last row for each member of staff (queries are ordered so the one wanted is last)."""
    return {row.staff_id: row for row in db.session.scalars(query, values)}


def _still_read(
    progress: ModuleProgress | None, numbers: dict[int, int], baseline: PolicyVersion
) -> ModuleProgress | None:
    """Reading an older text counts until a material change asks everyone to read again."""
    if progress is None or numbers[progress.policy_version_id] < baseline.number:
        return None
    return progress
