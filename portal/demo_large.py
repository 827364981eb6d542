"""`flask portal generate-demo --pupils N`: a large, realistic, fictional school, built fast.

For measuring the leaders' pages at trust scale. Rows are made in Python from a seeded random
generator and written with bulk INSERTs whose ids we choose, so nothing is read back.
"""

import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from itertools import pairwise

import click
from flask import current_app
from sqlalchemy import Table, func, insert, select, text
from werkzeug.security import generate_password_hash

from portal.clock import school_today
from portal.database import refresh_statistics
from portal.demo import WORDS
from portal.extensions import db
from portal.incidents.models import (
    APPEND_ONLY,
    CATEGORIES,
    PATHWAYS,
    PLACES,
    Incident,
    IncidentAction,
    IncidentAudit,
    IncidentCounter,
    IncidentPupil,
    append_only_ddl,
)
from portal.incidents.telling import FEELINGS_FOR_STAFF, WHO_FOR_STAFF
from portal.parents.letters import ALPHABET, CODE_LENGTH
from portal.parents.models import ParentCampaign, ParentInvite
from portal.people.models import (
    Guardian,
    Pupil,
    SchoolClass,
    Staff,
    StaffRole,
    guardian_pupil,
    teacher_class,
)
from portal.people.roles import (
    ADMIN,
    DEPUTY_DSL,
    DSL,
    ESAFETY_LEAD,
    GOVERNOR,
    HEAD_TEACHER,
    STAFF,
    TEACHER,
)
from portal.people.school_year import YEAR_GROUPS, academic_year, key_stage
from portal.policies.models import Acknowledgement, AcknowledgementChange, Policy
from portal.policies.service import add_months, version_shown
from portal.policies.shipped import install_shipped_policies
from portal.quiz.bank import year_check
from portal.quiz.catalogue import quiz_for
from portal.quiz.models import QuizAnswer, QuizAttempt
from portal.register.models import RiskAssessment, RiskAssessmentEvent, risk_assessment_class
from portal.staff_module.models import Certificate, ModuleProgress
from portal.staff_module.status import (
    CHECK_QUIZ_ID,
    GUIDELINES_SLUG,
    POLICY_SLUG,
    guideline_cards,
)

PUPILS_PER_CLASS = 30
GUARDIANS_PER_FAMILY = (1, 2, 2, 2, 2, 2, 2, 2, 3, 3)  # with siblings: ~1.8 per pupil
CHILDREN_PER_FAMILY = (1,) * 85 + (2,) * 12 + (3,) * 3
NO_EMAIL_SHARE = 0.08
BATCH = 5000
DOMAIN = "demo-school.example.org"
HEAD_EMAIL = f"head@{DOMAIN}"
FORMS = (
    "Oak", "Ash", "Birch", "Elm", "Hazel", "Rowan", "Willow", "Cedar", "Maple", "Holly",
    "Pine", "Yew", "Alder", "Beech", "Larch", "Lime", "Poplar", "Sycamore", "Juniper", "Aspen",
    "Cherry", "Hawthorn", "Spruce", "Walnut", "Chestnut", "Magnolia", "Olive", "Laurel",
)  # fmt: skip
FIRST_NAMES = (
    "Amara", "Leo", "Oliver", "Ava", "Noah", "Isla", "Muhammad", "Olivia", "George", "Lily",
    "Harry", "Freya", "Arthur", "Ivy", "Oscar", "Florence", "Theo", "Mia", "Jack", "Willow",
    "Finley", "Poppy", "Yusuf", "Zara", "Kai", "Maya", "Ethan", "Aisha", "Reuben", "Elsie",
    "Hafsa", "Jasmine", "Tomasz", "Zofia", "Chidi", "Ngozi", "Ravi", "Priya", "Sofia", "Mateo",
)  # fmt: skip
ADULT_FIRST_NAMES = (
    "Grace", "Femi", "Sarah", "David", "Fatima", "James", "Helen", "Daniel", "Ruth", "Imran",
    "Claire", "Mark", "Agnieszka", "Piotr", "Chloe", "Tom", "Nadia", "Samuel", "Emma", "Kwame",
    "Rachel", "Ahmed", "Laura", "Paul", "Joanne", "Sunil", "Hannah", "Gareth", "Leah", "Owen",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Jones", "Khan", "Taylor", "Brown", "Williams", "Wilson", "Okafor", "Patel",
    "Evans", "Thomas", "Roberts", "Ahmed", "Walker", "Wright", "Adeyemi", "Kowalski", "Hughes",
    "Green", "Hall", "Lewis", "Clarke", "Fraser", "Turner", "Wood", "Begum", "Hussain", "Nowak",
    "Murphy", "Kelly", "Campbell", "Singh", "Desai", "Ali", "Mensah", "Edwards", "Moore", "King",
)  # fmt: skip
WHAT_HAPPENED = (
    "Unkind messages in a class group chat after school.",
    "A pupil was left out of a game group on purpose.",
    "Someone made an account pretending to be a pupil.",
    "A photo of a pupil was shared without asking.",
    "Rude comments in an online game's chat.",
    "A pupil saw a frightening video at home.",
    "An adult the pupil does not know sent a friend request.",
    "A parent posted about a member of staff.",
)
NOTES = (
    "Spoke to the pupils involved.",
    "Parents informed by phone.",
    "Screenshots seen and described here.",
    "Class reminded about kind messages.",
    "Checked in with the pupil: feeling better.",
)
OUTCOMES = (
    "Resolved: apology made and accepted.",
    "Resolved with parents; the group chat was closed.",
    "Referred and followed up under safeguarding.",
    "No further concern after checking in.",
)
# Tools in the register: (tool, status, months since it was requested).
REGISTER_DEMO = (
    ("The class blog", "approved", 2),
    ("A shared class wiki", "approved", 14),  # its review fell due two months ago
    ("A video platform's class account", "awaiting", 0),
    ("A photo-sharing app", "declined", 5),
    ("An old class microblog", "retired", 20),
    ("A coding community's class page", "approved", 8),
)


@dataclass
class Ids:
    """The next id for each table: the tables are empty of a school, so ids are ours to give."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, model) -> int:
        table = model.__tablename__
        if table not in self.next:
            highest = db.session.scalar(select(func.max(model.id))) or 0
            self.next[table] = highest + 1
        self.next[table] += 1
        return self.next[table] - 1


def holds_a_school() -> bool:
    """Staff or pupils on the roll: what `generate-demo` will not silently add to."""
    return any(
        db.session.scalar(select(func.count()).select_from(model)) for model in (Staff, Pupil)
    )


def empty_all_tables() -> None:
    """Every table emptied, append-only ones included (their triggers refuse DELETE)."""
    tables = db.metadata.sorted_tables
    if db.engine.dialect.name == "postgresql":
        # TRUNCATE fires no row trigger; the append-only tables stay append-only.
        names = ", ".join(f'"{table.name}"' for table in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        return
    for table in APPEND_ONLY:
        for verb in ("update", "delete"):
            db.session.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{verb}"))
    for table in reversed(tables):
        db.session.execute(table.delete())
    for table in APPEND_ONLY:
        for statement in append_only_ddl("sqlite", table):
            db.session.execute(text(statement))


def _bulk(target, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(target), rows[start : start + BATCH])


def _table(target) -> Table:
    return getattr(target, "__table__", target)


def _moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + timedelta(seconds=rng.randrange(max(1, int((end - start).total_seconds()))))


class SchoolBuilder:
    """Makes the rows of each table in turn; ``build()`` writes them and returns the counts."""

    def __init__(self, pupils: int, seed: int, today: date, password_hash: str):
        self.rng = random.Random(seed)  # noqa: S311 - made-up data, repeatable by seed
        self.pupil_count = pupils
        self.today = today
        self.year = academic_year(today)
        self.now = datetime.combine(today, clock_time(15, 30))
        self.term_start = datetime.combine(self.year.starts_on, clock_time(9))
        self.password_hash = password_hash
        self.ids = Ids()
        self.rows: dict[object, list[dict]] = {}
        self.letter_codes: set[str] = set()

    def add(self, target, **row) -> int:
        model_id = None
        if hasattr(target, "__tablename__"):
            model_id = row["id"] = self.ids.take(target)
        self.rows.setdefault(target, []).append(row)
        return model_id

    def build(self) -> dict[str, int]:
        install_shipped_policies(self.today)
        self.policies = {p.slug: p for p in db.session.scalars(select(Policy))}
        self.make_classes()
        self.make_staff()
        self.make_pupils_and_families()
        self.make_pupil_acknowledgements()
        self.make_pupil_quizzes()
        self.make_staff_module()
        self.make_governors_acknowledgements()
        self.make_parents_campaign()
        self.make_incidents()
        self.make_register()
        order = {table: n for n, table in enumerate(db.metadata.sorted_tables)}
        for target in sorted(self.rows, key=lambda target: order[_table(target)]):
            _bulk(target, self.rows[target])
        if db.engine.dialect.name == "postgresql":
            self.move_sequences_on()
        return {_table(target).name: len(rows) for target, rows in self.rows.items()}

    def move_sequences_on(self) -> None:
        """Ids were given here, so each table's sequence must start after the highest."""
        for table in self.ids.next:  # our own table names, from the models
            highest = f"(SELECT COALESCE(MAX(id), 1) FROM {table})"  # noqa: S608
            db.session.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {highest})")
            )

    def version(self, slug: str):
        return version_shown(self.policies[slug], self.today)

    def make_classes(self) -> None:
        forms_per_year = max(1, round(self.pupil_count / 7 / PUPILS_PER_CLASS))
        self.classes: list[tuple[int, int]] = []  # (id, year group)
        for year_group in range(7):
            for form in range(forms_per_year):
                tree = FORMS[form % len(FORMS)]
                if form >= len(FORMS):
                    tree += f" {form // len(FORMS) + 1}"
                label = "R" if year_group == 0 else str(year_group)
                class_id = self.add(SchoolClass, name=f"{tree} {label}", year_group=year_group)
                self.classes.append((class_id, year_group))

    def person(self, names=ADULT_FIRST_NAMES) -> tuple[str, str]:
        return self.rng.choice(names), self.rng.choice(LAST_NAMES)

    def add_staff(self, email: str, roles: tuple[str, ...], mis: int) -> int:
        first, last = self.person()
        joined = _moment(self.rng, self.term_start - timedelta(days=3 * 365), self.term_start)
        if self.rng.random() < 0.05:  # a few joined this term
            joined = _moment(self.rng, self.term_start, self.now - timedelta(days=1))
        staff_id = self.add(
            Staff,
            email=email,
            name=f"{first} {last}",
            mis_id=f"DS{mis:05d}",
            password_hash=self.password_hash,
            active=True,
            session_version=1,
            created_at=joined,
            invited_at=joined,
        )
        for role in roles:
            self.add(StaffRole, staff_id=staff_id, role=role)
        self.staff.append((staff_id, f"{first} {last}", roles, joined))
        return staff_id

    def make_staff(self) -> None:
        """A teacher per class, the leaders, the office, governors, then support staff."""
        self.staff: list[tuple[int, str, tuple[str, ...], datetime]] = []
        self.head_id = self.add_staff(HEAD_EMAIL, (HEAD_TEACHER,), 1)
        self.esafety_id = self.add_staff(f"esafety@{DOMAIN}", (ESAFETY_LEAD, TEACHER), 2)
        self.dsl_id = self.add_staff(f"dsl@{DOMAIN}", (DSL,), 3)
        self.add_staff(f"deputy.dsl@{DOMAIN}", (DEPUTY_DSL, TEACHER), 4)
        admins = max(2, self.pupil_count // 1000)
        governors = min(12, max(3, self.pupil_count // 400))
        for n in range(admins):
            self.add_staff(f"office{n + 1}@{DOMAIN}", (ADMIN,), len(self.staff) + 1)
        for n in range(governors):
            self.add_staff(f"governor{n + 1}@{DOMAIN}", (GOVERNOR,), len(self.staff) + 1)
        self.teacher_of: dict[int, int] = {}
        for n, (class_id, _) in enumerate(self.classes):
            staff_id = self.add_staff(f"teacher{n + 1}@{DOMAIN}", (TEACHER,), len(self.staff) + 1)
            self.add(teacher_class, staff_id=staff_id, class_id=class_id)
            self.teacher_of[class_id] = staff_id
        for n in range(max(0, round(self.pupil_count / 12) - len(self.staff))):
            self.add_staff(f"staff{n + 1}@{DOMAIN}", (STAFF,), len(self.staff) + 1)

    def make_pupils_and_families(self) -> None:
        """Pupils in turn across the classes, so siblings land in different year groups."""
        pictures = ("dog", "cat", "fox", "owl", "frog", "lion", "panda", "rabbit", "bee")
        self.pupils: list[tuple[int, int, int]] = []  # (id, class id, year group)
        made = 0
        while made < self.pupil_count:
            children = min(self.rng.choice(CHILDREN_PER_FAMILY), self.pupil_count - made)
            family_name = self.rng.choice(LAST_NAMES)
            family = []
            for _ in range(children):
                class_id, year_group = self.classes[made % len(self.classes)]
                made += 1
                pupil_id = self.add(
                    Pupil,
                    mis_id=f"DP{made:06d}",
                    first_name=self.rng.choice(FIRST_NAMES),
                    last_name=family_name,
                    class_id=class_id,
                    left_on=None,
                    picture=self.rng.choice(pictures),
                    always_read_aloud=None,
                    two_choices=self.rng.random() < 0.03,
                )
                self.pupils.append((pupil_id, class_id, year_group))
                family.append(pupil_id)
            for _ in range(self.rng.choice(GUARDIANS_PER_FAMILY)):
                first = self.rng.choice(ADULT_FIRST_NAMES)
                last = family_name if self.rng.random() < 0.8 else self.rng.choice(LAST_NAMES)
                number = len(self.rows.get(Guardian, ())) + 1
                no_email = self.rng.random() < NO_EMAIL_SHARE
                guardian_id = self.add(
                    Guardian,
                    mis_id=f"DG{number:06d}",
                    first_name=first,
                    last_name=last,
                    email=None if no_email else f"{first}.{last}.{number}@example.net".lower(),
                )
                for pupil_id in family:
                    self.add(guardian_pupil, guardian_id=guardian_id, pupil_id=pupil_id)

    def make_pupil_acknowledgements(self) -> None:
        """Most pupils acknowledged their Key Stage's AUP: Reception and KS1 together in class
        (the teacher records it; a few were away), KS2 each on their own screen."""
        versions = {
            "EYFS": self.version("aup-eyfs-ks1"),
            "KS1": self.version("aup-eyfs-ks1"),
            "KS2": self.version("aup-ks2"),
        }
        in_class = {
            class_id: _moment(self.rng, self.term_start, self.now) for class_id, _ in self.classes
        }
        for pupil_id, class_id, year_group in self.pupils:
            if self.rng.random() < 0.08:
                continue
            stage = key_stage(year_group)
            together = stage != "KS2"
            self.add(
                Acknowledgement,
                policy_version_id=versions[stage].id,
                academic_year=self.year.start_year,
                pupil_id=pupil_id,
                response="acknowledged",
                method="in_class" if together else "online",
                recorded_by_id=self.teacher_of[class_id] if together else None,
                key_stage=stage,
                created_at=in_class[class_id]
                if together
                else _moment(self.rng, self.term_start, self.now),
            )

    def make_pupil_quizzes(self) -> None:
        """~40 answers a pupil: several tries at their Key Stage's quiz, a few questions often
        missed, better with each try; some pupils have not started, some stopped midway."""
        quizzes = {stage: quiz_for(stage) for stage in ("EYFS", "KS1", "KS2")}
        hard = {
            stage: set(self.rng.sample([q.id for q in quiz.questions], 2))
            for stage, quiz in quizzes.items()
        }
        by_year = {year: quizzes[key_stage(year)].for_year(year) for year in YEAR_GROUPS}
        for pupil_id, _, year_group in self.pupils:
            if self.rng.random() < 0.05:
                continue
            quiz = by_year[year_group]  # the questions of the pupil's year group
            tries = max(1, round(self.rng.gauss(40 / len(quiz.questions), 1)))
            ability = self.rng.uniform(-0.15, 0.1)
            when = _moment(self.rng, self.term_start, self.now - timedelta(days=tries))
            for attempt in range(tries):
                unfinished = attempt == tries - 1 and self.rng.random() < 0.1
                questions = quiz.questions
                if unfinished:
                    questions = questions[: self.rng.randrange(1, len(questions))]
                attempt_id = self.ids.take(QuizAttempt)
                score = 0
                for question in questions:
                    base = 0.45 if question.id in hard[quiz.audience] else 0.85
                    right = self.rng.random() < base + ability + 0.04 * attempt
                    wrong = [c for c in question.choices if not c.correct]
                    # The first wrong choice is the common misconception.
                    chosen = question.choices[[c.correct for c in question.choices].index(True)]
                    if not right:
                        chosen = wrong[0] if self.rng.random() < 0.7 else self.rng.choice(wrong)
                    score += chosen.correct
                    when += timedelta(seconds=self.rng.randrange(8, 40))
                    self.add(
                        QuizAnswer,
                        attempt_id=attempt_id,
                        question_id=question.id,
                        choice_id=chosen.id,
                        correct=chosen.correct,
                        answered_at=when,
                    )
                self.rows.setdefault(QuizAttempt, []).append(
                    {
                        "id": attempt_id,
                        "quiz_id": quiz.id,
                        "quiz_revision": quiz.revision,
                        "academic_year": self.year.start_year,
                        "staff_id": None,
                        "pupil_id": pupil_id,
                        "started_at": when - timedelta(minutes=5),
                        "finished_at": None if unfinished else when,
                        "score": None if unfinished else score,
                        "total": len(quiz.questions),
                        "passed": None,
                    }
                )
                when += timedelta(days=1, minutes=self.rng.randrange(0, 300))

    def make_staff_module(self) -> None:
        """Most staff finished this year's module; some read but did not take the check; the
        rest have not started (overdue once the due date has passed)."""
        version, the_policy = self.version(GUIDELINES_SLUG), self.version(POLICY_SLUG)
        cards = len(guideline_cards(version)[1])
        check = year_check(quiz_for("staff"), self.year.start_year)  # the year's ten
        asked = [person for person in self.staff if set(person[2]) != {GOVERNOR}]
        # Evenly spread rolls, shuffled: the shares hold even for a small staff.
        rolls = [(n + 0.5) / len(asked) for n in range(len(asked))]
        self.rng.shuffle(rolls)
        for (staff_id, name, _, joined), roll in zip(asked, rolls, strict=True):
            if roll < 0.12:
                continue
            read_at = _moment(self.rng, max(joined, self.term_start), self.now - timedelta(hours=2))
            self.add(
                ModuleProgress,
                staff_id=staff_id,
                academic_year=self.year.start_year,
                policy_version_id=version.id,
                cards_read=cards,
                read_at=read_at,
            )
            if roll < 0.2:
                continue
            attempt_id = self.ids.take(QuizAttempt)
            misses = set(
                self.rng.sample(range(len(check.questions)), self.rng.choice((0, 0, 1, 2)))
            )
            for number, question in enumerate(check.questions):
                chosen = next(c for c in question.choices if c.correct == (number not in misses))
                self.add(
                    QuizAnswer,
                    attempt_id=attempt_id,
                    question_id=question.id,
                    choice_id=chosen.id,
                    correct=chosen.correct,
                    answered_at=read_at + timedelta(minutes=10),
                )
            score = len(check.questions) - len(misses)
            self.rows.setdefault(QuizAttempt, []).append(
                {
                    "id": attempt_id,
                    "quiz_id": CHECK_QUIZ_ID,
                    "quiz_revision": check.revision,
                    "academic_year": self.year.start_year,
                    "staff_id": staff_id,
                    "pupil_id": None,
                    "started_at": read_at + timedelta(minutes=5),
                    "finished_at": read_at + timedelta(minutes=10),
                    "score": score,
                    "total": len(check.questions),
                    "passed": True,
                }
            )
            for acknowledged in (version, the_policy):  # the module covers both
                self.add(
                    Acknowledgement,
                    policy_version_id=acknowledged.id,
                    academic_year=self.year.start_year,
                    staff_id=staff_id,
                    response="acknowledged",
                    method="online",
                    typed_name=name,
                    created_at=read_at + timedelta(minutes=12),
                )
            code = f"{self.rng.randrange(16**4):04X}-{self.rng.randrange(16**4):04X}"
            self.add(
                Certificate,
                code=f"{code[:4]}-{staff_id:04d}"[:20],
                staff_id=staff_id,
                academic_year=self.year.start_year,
                policy_version_id=version.id,
                quiz_attempt_id=attempt_id,
                score=score,
                total=len(check.questions),
                issued_on=(read_at + timedelta(minutes=12)).date(),
            )

    def make_governors_acknowledgements(self) -> None:
        """Most governors acknowledged the Social Media Policy this year; a few have not yet."""
        version = self.version(POLICY_SLUG)
        governors = [person for person in self.staff if set(person[2]) == {GOVERNOR}]
        for number, (staff_id, name, _, joined) in enumerate(governors):
            if number % 3 == 2:
                continue
            self.add(
                Acknowledgement,
                policy_version_id=version.id,
                academic_year=self.year.start_year,
                staff_id=staff_id,
                response="acknowledged",
                method="online",
                typed_name=name,
                # Halfway from joining (or the term's start) to now; drawing no random number
                # leaves the rest of the school as it was before governors acknowledged.
                created_at=max(joined, self.term_start)
                + (self.now - max(joined, self.term_start)) / 2,
            )

    def make_parents_campaign(self) -> None:
        """This year's campaign, started three weeks ago: most families answered."""
        version = self.version("parents")
        started = self.now - timedelta(days=21)
        campaign_id = self.add(
            ParentCampaign,
            academic_year=self.year.start_year,
            policy_version_id=version.id,
            started_by_id=self.head_id,
            started_at=started,
            closes_on=min(self.today + timedelta(days=28), self.year.ends_on),
            closed_at=None,
        )
        for guardian in self.rows[Guardian]:
            emailed = guardian["email"] is not None
            roll = self.rng.random()
            reminders = 0 if roll < 0.5 else self.rng.choice((1, 1, 2)) if emailed else 0
            self.add(
                ParentInvite,
                campaign_id=campaign_id,
                guardian_id=guardian["id"],
                created_at=started,
                emailed_at=started if emailed else None,
                new_links_sent=0,
                reminders_sent=reminders,
                reminded_at=started + timedelta(days=7 * reminders) if reminders else None,
                letter_code=None if emailed else self.letter_code(),
            )
            if roll > 0.72:
                continue
            response = "acknowledged" if roll < 0.68 else ("question" if roll < 0.7 else "declined")
            answer = {
                "response": response,
                "method": "online" if emailed else self.rng.choice(("paper", "in_person", "phone")),
                "recorded_by_id": None if emailed else self.head_id,
                "typed_name": None,
                "note": "Asked about gaming at home." if response == "question" else None,
            }
            answered = _moment(self.rng, started, self.now)
            answer_id = self.add(
                Acknowledgement,
                policy_version_id=version.id,
                academic_year=self.year.start_year,
                guardian_id=guardian["id"],
                created_at=answered,
                **answer,
            )
            self.add(
                AcknowledgementChange, acknowledgement_id=answer_id, created_at=answered, **answer
            )

    def letter_code(self) -> str:
        """A code as a printed letter carries, none given twice."""
        while True:
            code = "".join(self.rng.choice(ALPHABET) for _ in range(CODE_LENGTH))
            if code not in self.letter_codes:
                self.letter_codes.add(code)
                return code

    def make_incidents(self) -> None:
        """Reports over the past year, with the pupils involved and each one's chronology."""
        counters: dict[int, int] = {}
        leads = (self.esafety_id, self.dsl_id, self.head_id)
        staff_ids = [person[0] for person in self.staff]
        pupil_ids = [pupil[0] for pupil in self.pupils]
        reports = []
        for _ in range(round(self.pupil_count / 2.5)):
            reports.append(_moment(self.rng, self.now - timedelta(days=365), self.now))
        for created in sorted(reports):  # reference numbers follow the order of filing
            counters[created.year] = counters.get(created.year, 0) + 1
            source = self.rng.choices(("staff", "pupil", "public"), (6, 3, 1))[0]
            involved = self.rng.sample(
                pupil_ids, min(len(pupil_ids), self.rng.choice((1, 2, 2, 3)))
            )
            reporter_pupil = involved[0] if source == "pupil" and self.rng.random() < 0.8 else None
            age = (self.now - created).days
            status = "new" if age < 3 else self.rng.choices(
                ("investigating", "action_taken", "closed"), (1, 1, 6 if age > 30 else 1)
            )[0]  # fmt: skip
            lead = self.rng.choice(leads)
            closed_at = created + timedelta(days=min(age, self.rng.randrange(1, 30)))
            incident_id = self.add(
                Incident,
                reference=f"OS-{created.year}-{counters[created.year]:04d}",
                submission_key=None,
                source=source,
                category=self.rng.choice(list(CATEGORIES)),
                place=self.rng.choice(list(PLACES)),
                place_other=None,
                happened_on=(created - timedelta(days=self.rng.randrange(0, 4))).date(),
                what_happened=self.rng.choice(WHAT_HAPPENED),
                who_involved="Two children in Year 5." if source == "public" else None,
                childs_words="It made me feel sad." if source == "pupil" else None,
                urgent=self.rng.random() < 0.05,
                told_dsl_in_person=None,
                feeling=self.rng.choice(list(FEELINGS_FOR_STAFF)) if source == "pupil" else None,
                tell=self.rng.choice(list(WHO_FOR_STAFF)) if source == "pupil" else None,
                reported_by_staff_id=self.rng.choice(staff_ids) if source == "staff" else None,
                reported_by_pupil_id=reporter_pupil,
                reporter_name="A parent" if source == "public" else None,
                reporter_contact=None,
                status=status,
                pathway=None if status == "new" else self.rng.choice(list(PATHWAYS)),
                outcome=self.rng.choice(OUTCOMES) if status == "closed" else None,
                created_at=created,
                closed_at=closed_at if status == "closed" else None,
            )
            roles = ("target", "alleged", "witness")
            for n, pupil_id in enumerate(involved):
                self.add(IncidentPupil, incident_id=incident_id, pupil_id=pupil_id, role=roles[n])
            self.chronology(incident_id, created, status, lead, closed_at)
        # The last number given each year, so the next report filed follows on.
        self.rows[IncidentCounter] = [{"year": y, "last": n} for y, n in counters.items()]

    def chronology(self, incident_id, created, status, lead, closed_at) -> None:
        steps = ("new", "investigating", "action_taken", "closed")
        base = {"pupil_id": None, "corrects_id": None}
        self.add(
            IncidentAction, incident_id=incident_id, staff_id=None, created_at=created,
            kind="reported", text="", status_from=None, status_to="new", **base,
        )  # fmt: skip
        self.add(
            IncidentAudit, at=created, staff_id=None, action="report",
            incident_id=incident_id, detail="a demo report",
        )  # fmt: skip
        when = created
        for before, after in pairwise(steps[: steps.index(status) + 1]):
            when = min(when + timedelta(hours=self.rng.randrange(2, 72)), closed_at)
            self.add(
                IncidentAction, incident_id=incident_id, staff_id=lead, created_at=when,
                kind="note", text=self.rng.choice(NOTES), status_from=None, status_to=None, **base,
            )  # fmt: skip
            self.add(
                IncidentAction, incident_id=incident_id, staff_id=lead, created_at=when,
                kind="status", text="", status_from=before, status_to=after, **base,
            )  # fmt: skip

    def make_register(self) -> None:
        """A few tools used in lessons: approved (one overdue for review), awaiting, declined,
        retired; each with its history."""
        lead, purpose = self.esafety_id, "Share and discuss pupils' work."
        risks = "First names only, no faces, comments checked by the teacher before they show."
        for n, (tool, status, months_ago) in enumerate(REGISTER_DEMO):
            class_id = self.classes[(n * 5) % len(self.classes)][0]
            requested = self.now - timedelta(days=30 * months_ago + 7)
            decided = requested + timedelta(days=3)
            due = add_months(decided.date(), 12) if status in ("approved", "retired") else None
            entry_id = self.add(
                RiskAssessment, submission_key=f"00000000-0000-4000-8000-{n:012d}", tool=tool,
                whole_school=False, purpose=purpose, risks=risks, status=status,
                requested_by_id=self.teacher_of[class_id], requested_at=requested,
                decided_by_id=None if status == "awaiting" else lead,
                decided_at=None if status == "awaiting" else decided,
                decline_reason="Pupils would need accounts of their own." if status == "declined"
                else None, review_due_on=due,
            )  # fmt: skip
            self.add(risk_assessment_class, risk_assessment_id=entry_id, class_id=class_id)
            history = [("requested", self.teacher_of[class_id], requested, None)]
            if status != "awaiting":
                kind = "declined" if status == "declined" else "approved"
                history.append((kind, lead, decided, due))
            if status == "retired":
                history.append(("retired", lead, decided + timedelta(days=60), None))
            for kind, staff_id, at, review_due_on in history:
                self.add(
                    RiskAssessmentEvent, risk_assessment_id=entry_id, kind=kind,
                    staff_id=staff_id, at=at, note="", review_due_on=review_due_on,
                )  # fmt: skip


def generate_demo(pupils: int, seed: int, today: date, password: str) -> dict[str, int]:
    """Build the school in the current transaction; the number of rows written per table."""
    return SchoolBuilder(pupils, seed, today, generate_password_hash(password)).build()


@click.command("generate-demo")
@click.option("--pupils", type=click.IntRange(7, 100_000), default=5000, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same school.")
@click.option("--replace", is_flag=True, help="Empty every table first (all data is lost).")
@click.option("--password", help="The password for every account (default: a new random one).")
def generate_demo_command(pupils: int, seed: int, replace: bool, password: str | None) -> None:
    """Build a large, realistic, fictional school for trying the portal at scale."""
    if current_app.config["ENV"] == "production":
        raise click.ClickException(
            "Refusing: this is a production portal (PORTAL_ENV=production). "
            "generate-demo only fills a development or test database."
        )
    if holds_a_school() and not replace:
        raise click.ClickException(
            "Refusing: this database already holds a school (staff or pupils). "
            "Use --replace to empty every table first, or point PORTAL_DATABASE_URL elsewhere."
        )
    started = time.perf_counter()
    if replace:
        empty_all_tables()
    password = password or "-".join(random.SystemRandom().choice(WORDS) for _ in range(3))
    counts = generate_demo(pupils, seed, school_today(), password)
    db.session.commit()
    refresh_statistics()
    took = time.perf_counter() - started
    for table, count in counts.items():
        click.echo(f"  {table:<24} {count:>9,}")
    click.echo(f"Built a school of {pupils:,} pupils in {took:.1f} s.")
    click.echo(f"Sign in as {HEAD_EMAIL} (Head Teacher); every account's password: {password}")


COMMANDS = [generate_demo_command]
