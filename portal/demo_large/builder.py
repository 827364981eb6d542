"""The school's builder: its ids and rows, the order they are made in, and the people; the
mixins it combines make what those people did (learning, parents, incidents).

One seeded generator draws every random number in turn: a draw moved, added or removed changes
every row after it, and the same seed no longer makes the same school.
"""

import random
from datetime import date, datetime, timedelta
from datetime import time as clock_time

from sqlalchemy import select, text

from portal.demo_large.content import (
    ADULT_FIRST_NAMES,
    CHILDREN_PER_FAMILY,
    DOMAIN,
    FIRST_NAMES,
    FORMS,
    GUARDIANS_PER_FAMILY,
    HEAD_EMAIL,
    LAST_NAMES,
    NO_EMAIL_SHARE,
    PICTURES,
    PUPILS_PER_CLASS,
)
from portal.demo_large.incidents import IncidentRows
from portal.demo_large.learning import LearningRows
from portal.demo_large.parents import ParentRows
from portal.demo_large.tables import Ids, bulk_insert, moment, table_of
from portal.extensions import db
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
from portal.people.school_year import academic_year
from portal.policies.models import Policy
from portal.policies.service import version_shown
from portal.policies.shipped import install_shipped_policies


class SchoolBuilder(LearningRows, ParentRows, IncidentRows):
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
        for target in sorted(self.rows, key=lambda target: order[table_of(target)]):
            bulk_insert(target, self.rows[target])
        if db.engine.dialect.name == "postgresql":
            self.move_sequences_on()
        return {table_of(target).name: len(rows) for target, rows in self.rows.items()}

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
        joined = moment(self.rng, self.term_start - timedelta(days=3 * 365), self.term_start)
        if self.rng.random() < 0.05:  # a few joined this term
            joined = moment(self.rng, self.term_start, self.now - timedelta(days=1))
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
        self.pupils: list[tuple[int, int, int]] = []  # (id, class id, year group)
        while len(self.pupils) < self.pupil_count:
            children = min(
                self.rng.choice(CHILDREN_PER_FAMILY), self.pupil_count - len(self.pupils)
            )
            family_name = self.rng.choice(LAST_NAMES)
            family = [self.add_pupil(family_name) for _ in range(children)]
            self.add_guardians(family_name, family)

    def add_pupil(self, family_name: str) -> int:
        """The next pupil on the roll, in the next class in turn."""
        class_id, year_group = self.classes[len(self.pupils) % len(self.classes)]
        pupil_id = self.add(
            Pupil,
            mis_id=f"DP{len(self.pupils) + 1:06d}",
            first_name=self.rng.choice(FIRST_NAMES),
            last_name=family_name,
            class_id=class_id,
            left_on=None,
            picture=self.rng.choice(PICTURES),
            always_read_aloud=None,
            two_choices=self.rng.random() < 0.03,
        )
        self.pupils.append((pupil_id, class_id, year_group))
        return pupil_id

    def add_guardians(self, family_name: str, family: list[int]) -> None:
        """A family's guardians, most sharing its name, each linked to all its children."""
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
