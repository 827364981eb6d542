"""The whole school at a glance: each tile's figures, worked out in whole-school bulk queries.

Every tile is a few bars (a figure with its base) and one table whose rows the page draws and
the CSV holds alike. Nothing here names a person, so governors see the same tiles as leaders;
only the incident tile is kept to those who may open the log. The queries are a fixed number
whatever the school's size: they grow with Key Stages, never with pupils or classes.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from portal.auth.access import can_open_incident_log
from portal.extensions import db
from portal.formatting import long_date
from portal.incidents.models import CLOSED, STATUSES, Incident
from portal.parents import answers
from portal.parents.campaign import campaign_for
from portal.people.models import Pupil, SchoolClass, Staff
from portal.people.school_year import KEY_STAGE_NAMES, academic_year, key_stage
from portal.policies.models import Acknowledgement, PolicyVersion
from portal.policies.service import OK, OVERDUE, acknowledgement_baseline, policy_summaries
from portal.pupils.progress import aup_policy
from portal.quiz.catalogue import quiz_for
from portal.quiz.models import QuizAttempt
from portal.staff_module.reminders import outstanding_and_complete
from portal.staff_module.status import STEP_LABELS, STEPS, settings
from portal.teaching.service import Tally

KEY_STAGES = tuple(KEY_STAGE_NAMES)  # EYFS, KS1, KS2: the school's order


@dataclass(frozen=True)
class Status:
    """A cell that reads as words and is backed by a colour: "Overdue", "Up to date"."""

    text: str
    kind: str  # overdue, due_soon or ok

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: list[list]  # the first cell of each row is its heading
    total: list | None = None  # the whole school's row, after the others

    @property
    def csv_rows(self) -> list[list]:
        """The rows exactly as the page prints them, the total last."""
        return [[str(cell) for cell in row] for row in [*self.rows, *filter(None, [self.total])]]


@dataclass(frozen=True)
class Tile:
    key: str  # its id on the page and its CSV's name
    title: str
    lead: str  # one sentence: the figure that matters, with its base
    bars: list[tuple[str, Tally]] = field(default_factory=list)
    table: Table | None = None


# Pupils: the AUP and the quiz, by Key Stage and by class ------------------------------------


@dataclass(frozen=True)
class ClassFigures:
    name: str
    key_stage: str
    on_roll: int
    aup: int  # pupils on roll whose AUP for their Key Stage is acknowledged
    quiz: int | None  # pupils on roll who finished their quiz this year; None: no quiz


def class_figures(today: date) -> list[ClassFigures]:
    """Every class, in the school's order, with its pupils' AUP and quiz figures."""
    classes = db.session.execute(
        select(SchoolClass.id, SchoolClass.name, SchoolClass.year_group).order_by(
            SchoolClass.year_group, SchoolClass.name
        )
    ).all()
    on_roll = dict(
        db.session.execute(
            select(Pupil.class_id, func.count())
            .where(Pupil.left_on.is_(None), Pupil.class_id.is_not(None))
            .group_by(Pupil.class_id)
        ).all()
    )
    stage_of = {row.id: key_stage(row.year_group) for row in classes}
    acknowledged, finished, has_quiz = Counter(), Counter(), {}
    for stage in KEY_STAGES:
        ids = [class_id for class_id, s in stage_of.items() if s == stage]
        if not ids:
            continue
        acknowledged.update(_aup_acknowledged(ids, stage, today))
        quiz = quiz_for(stage)
        has_quiz[stage] = quiz is not None
        if quiz is not None:
            finished.update(_quiz_finished(ids, quiz.id, academic_year(today).start_year))
    return [
        ClassFigures(
            row.name,
            stage_of[row.id],
            on_roll.get(row.id, 0),
            acknowledged[row.id],
            finished[row.id] if has_quiz[stage_of[row.id]] else None,
        )
        for row in classes
    ]


def _on_roll_in(class_ids: list[int]):
    return (Pupil.class_id.in_(class_ids), Pupil.left_on.is_(None))


def _aup_acknowledged(class_ids: list[int], stage: str, today: date) -> dict[int, int]:
    """Pupils on roll per class with a current AUP acknowledgement for ``stage`` (the rule of
    portal/pupils/progress.py aup_acknowledgements, counted in SQL)."""
    try:
        policy = aup_policy(stage)
    except LookupError:  # a new install without its content: nobody can have acknowledged
        return {}
    baseline = acknowledgement_baseline(policy, today)
    if baseline is None:  # nothing in force yet: nothing to be current with
        return {}
    rows = db.session.execute(
        select(Pupil.class_id, func.count(func.distinct(Pupil.id)))
        .join(Acknowledgement, Acknowledgement.pupil_id == Pupil.id)
        .join(PolicyVersion, PolicyVersion.id == Acknowledgement.policy_version_id)
        .where(
            *_on_roll_in(class_ids),
            Acknowledgement.key_stage == stage,
            PolicyVersion.policy_id == policy.id,
            PolicyVersion.number >= baseline.number,
            Acknowledgement.response == "acknowledged",
        )
        .group_by(Pupil.class_id)
    )
    return dict(rows.all())


def _quiz_finished(class_ids: list[int], quiz_id: str, year: int) -> dict[int, int]:
    """Pupils on roll per class whose latest attempt this year at ``quiz_id`` is finished (the
    rule of portal/pupils/progress.py quiz_progress, counted in SQL)."""
    latest = (
        select(func.max(QuizAttempt.id))
        .join(Pupil, Pupil.id == QuizAttempt.pupil_id)
        .where(*_on_roll_in(class_ids), QuizAttempt.quiz_id == quiz_id)
        .where(QuizAttempt.academic_year == year)
        .group_by(QuizAttempt.pupil_id)
    )
    rows = db.session.execute(
        select(Pupil.class_id, func.count())
        .join(QuizAttempt, QuizAttempt.pupil_id == Pupil.id)
        .where(QuizAttempt.id.in_(latest), QuizAttempt.finished_at.is_not(None))
        .group_by(Pupil.class_id)
    )
    return dict(rows.all())


def _by_stage(figures: list[ClassFigures], count) -> list[tuple[str, Tally]]:
    """One bar per Key Stage that has classes, from ``count(class figures)``."""
    bars = []
    for stage in KEY_STAGES:
        mine = [f for f in figures if f.key_stage == stage and count(f) is not None]
        if mine:
            bars.append((stage, Tally(sum(count(f) for f in mine), sum(f.on_roll for f in mine))))
    return bars


def _school(figures: list[ClassFigures], count) -> Tally:
    mine = [f for f in figures if count(f) is not None]
    return Tally(sum(count(f) for f in mine), sum(f.on_roll for f in mine))


def aup_tile(today: date, figures: list[ClassFigures] | None = None) -> Tile:
    figures = class_figures(today) if figures is None else figures
    school = _school(figures, lambda f: f.aup)
    return Tile(
        "aup",
        "Pupils' Acceptable Use Policy",
        f"{school} of pupils on roll have acknowledged their Key Stage's AUP.",
        _by_stage(figures, lambda f: f.aup),
        Table(
            "Pupils on roll who have acknowledged their Key Stage's AUP, by class",
            ("Class", "Key Stage", "Acknowledged"),
            [[f.name, f.key_stage, Tally(f.aup, f.on_roll)] for f in figures],
            ["Whole school", "", school],
        ),
    )


def quiz_tile(today: date, figures: list[ClassFigures] | None = None) -> Tile:
    figures = class_figures(today) if figures is None else figures
    school = _school(figures, lambda f: f.quiz)
    year = academic_year(today).label
    return Tile(
        "quiz",
        "Pupils' online-safety quiz",
        f"{school} of pupils on roll have finished their Key Stage's quiz in {year}.",
        _by_stage(figures, lambda f: f.quiz),
        Table(
            f"Pupils on roll who have finished their quiz in {year}, by class",
            ("Class", "Key Stage", "Finished"),
            [
                [f.name, f.key_stage, "No quiz" if f.quiz is None else Tally(f.quiz, f.on_roll)]
                for f in figures
            ],
            ["Whole school", "", school],
        ),
    )


# Staff, parents, incidents, policies ---------------------------------------------------------


def module_tile(today: date) -> Tile:
    """The staff module this year: complete of those who take it, and where the others are."""
    statuses = outstanding_and_complete(today, settings())
    taking = len(statuses)
    complete = sum(s.complete for s in statuses)
    overdue = sum(s.overdue(today) for s in statuses)
    steps = Counter(s.step for s in statuses)
    late = Counter(s.step for s in statuses if s.overdue(today))
    year = academic_year(today).label
    return Tile(
        "module",
        "Staff module",
        f"{Tally(complete, taking)} of staff have completed the module for {year}; "
        f"{overdue} overdue.",
        [("Complete", Tally(complete, taking)), ("Overdue", Tally(overdue, taking))],
        Table(
            f"Staff who take the module in {year}, by the step they are on",
            ("Step", "Staff", "Overdue"),
            [
                [
                    "Complete" if step == "done" else STEP_LABELS[step],
                    Tally(steps[step], taking),
                    "" if step == "done" else late[step],
                ]
                for step in STEPS
            ],
            ["Everyone who takes it", Tally(taking, taking), overdue],
        ),
    )


def parents_tile(today: date) -> Tile:
    """This year's parents' acknowledgement by class, or a line saying none runs yet."""
    year = academic_year(today)
    running = campaign_for(year)
    if running is None:
        return Tile(
            "parents",
            "Parents' acknowledgement",
            f"No parents' acknowledgement has started for {year.label} yet.",
        )
    school = answers.school_tally(running)

    def row(tally: answers.Tally, name: str) -> list:
        given = [tally[s] for s in answers.STATUSES if s != answers.ACKNOWLEDGED]
        return [name, Tally(tally[answers.ACKNOWLEDGED], tally.guardians), *given]

    acknowledged = Tally(school[answers.ACKNOWLEDGED], school.guardians)
    return Tile(
        "parents",
        "Parents' acknowledgement",
        f"{acknowledged} of guardians have acknowledged the parents' guide for {year.label}.",
        [("Whole school", acknowledged)]
        + [(label, Tally(school[s], school.guardians)) for s, label in _FOLLOW_UP.items()],
        Table(
            f"Guardians' answers for {year.label}, by class "
            "(a family in two classes counts in both, once for the school)",
            ("Class", *(answers.STATUS_LABELS[s] for s in answers.STATUSES)),
            [row(tally, tally.name) for tally in answers.class_tallies(running)],
            row(school, "Whole school"),
        ),
    )


_FOLLOW_UP = {s: answers.STATUS_LABELS[s] for s in answers.FOLLOW_UP}
OPEN_STATUSES = {key: label for key, label in STATUSES.items() if key != CLOSED}


def incidents_tile() -> Tile:
    """Open reports in the log by status: counts only (one query)."""
    counts = dict(
        db.session.execute(
            select(Incident.status, func.count())
            .where(Incident.status != CLOSED)
            .group_by(Incident.status)
        ).all()
    )
    total = sum(counts.get(key, 0) for key in OPEN_STATUSES)
    return Tile(
        "incidents",
        "Open reports in the online-safety log",
        f"{total} open report{'' if total == 1 else 's'}.",
        [(label, Tally(counts.get(key, 0), total)) for key, label in OPEN_STATUSES.items()],
        Table(
            "Open reports by status",
            ("Status", "Reports"),
            [[label, Tally(counts.get(key, 0), total)] for key, label in OPEN_STATUSES.items()],
            ["All open reports", total],
        ),
    )


def _review(status: str, days: int) -> Status:
    if status == OVERDUE:
        return Status(f"Overdue by {_days(-days)}", status)
    if status == OK:
        return Status("Up to date", status)
    return Status("Due today" if days == 0 else f"Due in {_days(days)}", status)


def _days(n: int) -> str:
    return f"{n} day{'' if n == 1 else 's'}"


def policy_table(today: date) -> tuple[Table, Tally]:
    """Each policy's version in force, since when, its next review and how that stands."""
    summaries = policy_summaries(today)
    rows = [
        [
            s.policy.title,
            f"Version {s.current.number}" if s.current else "None yet",
            long_date(s.current.effective_on) if s.current else "",
            long_date(s.policy.next_review_on),
            _review(s.status, s.days),
        ]
        for s in summaries
    ]
    on_time = Tally(sum(s.status != OVERDUE for s in summaries), len(summaries))
    table = Table(
        "Each policy's version in force and its review",
        ("Policy", "Version in force", "In force since", "Next review", "Review status"),
        rows,
    )
    return table, on_time


def policies_tile(today: date) -> Tile:
    table, on_time = policy_table(today)
    return Tile(
        "policies",
        "Policy reviews",
        f"{on_time} of policies are within their review date.",
        [("Within review date", on_time)],
        table,
    )


# The page and its CSVs ------------------------------------------------------------------------

TILE_KEYS = ("aup", "quiz", "module", "parents", "incidents", "policies")


def completion_tiles(today: date) -> list[Tile]:
    """Who has done what: pupils' AUP and quiz, the staff module, the parents' answers."""
    figures = class_figures(today)
    pupils = [aup_tile(today, figures), quiz_tile(today, figures)]
    return [*pupils, module_tile(today), parents_tile(today)]


def tiles_for(staff: Staff, today: date) -> list[Tile]:
    """The tiles this person sees: the incident tile only if they may open the log."""
    tiles = completion_tiles(today)
    if can_open_incident_log(staff):
        tiles.append(incidents_tile())
    tiles.append(policies_tile(today))
    return tiles


def tile_for(key: str, staff: Staff, today: date) -> Tile | None:
    """One tile, for its CSV; None if there is no such tile or it is not for this person."""
    makers = {
        "aup": lambda: aup_tile(today),
        "quiz": lambda: quiz_tile(today),
        "module": lambda: module_tile(today),
        "parents": lambda: parents_tile(today),
        "policies": lambda: policies_tile(today),
    }
    if can_open_incident_log(staff):
        makers["incidents"] = incidents_tile
    maker = makers.get(key)
    return maker() if maker else None
