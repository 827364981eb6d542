"""The whole school at a glance: each tile's figures, worked out in whole-school bulk queries.

Every tile is a few bars (a figure with its base) and one table whose rows the page draws and
the CSV holds alike. Nothing here names a person, so governors see the same tiles as leaders;
only the incident tile is kept to those who may open the log. The queries are a fixed number
whatever the school's size: they grow with Key Stages, never with pupils or classes.
"""

from dataclasses import dataclass, field
from datetime import date

from portal.admin import pupil_figures
from portal.auth.access import can_open_incident_log
from portal.formatting import long_date
from portal.governors.service import governors_tally
from portal.incidents.log import open_by_status
from portal.incidents.models import CLOSED, STATUSES
from portal.parents import answers
from portal.parents.campaign import campaign_for
from portal.people.models import Staff
from portal.people.school_year import academic_year
from portal.policies.service import DUE_SOON, OK, OVERDUE
from portal.policies.sources import SourceChanged
from portal.policies.summaries import policy_summaries
from portal.staff_module.school import STANDING_LABELS, STANDINGS, school_module, school_totals
from portal.staff_module.status import settings
from portal.teaching.service import Tally


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


def aup_tile(today: date, figures: list[pupil_figures.ClassFigures] | None = None) -> Tile:
    figures = pupil_figures.class_figures(today) if figures is None else figures
    school = pupil_figures.school_total(figures, lambda f: f.aup)
    return Tile(
        "aup",
        "Pupils' Acceptable Use Policy",
        f"{school} of pupils on roll have acknowledged their Key Stage's AUP.",
        pupil_figures.by_stage(figures, lambda f: f.aup),
        Table(
            "Pupils on roll who have acknowledged their Key Stage's AUP, by class",
            ("Class", "Key Stage", "Acknowledged"),
            [[f.name, f.key_stage, Tally(f.aup, f.on_roll)] for f in figures],
            ["Whole school", "", school],
        ),
    )


def quiz_tile(today: date, figures: list[pupil_figures.ClassFigures] | None = None) -> Tile:
    figures = pupil_figures.class_figures(today) if figures is None else figures
    school = pupil_figures.school_total(figures, lambda f: f.quiz)
    year = academic_year(today).label
    return Tile(
        "quiz",
        "Pupils' online-safety quiz",
        f"{school} of pupils on roll have finished their Key Stage's quiz in {year}.",
        pupil_figures.by_stage(figures, lambda f: f.quiz),
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
    """The staff module this year: complete of those who take it, and where the others are
    (one query, whatever the number of staff)."""
    totals = school_totals(school_module(today, settings()))
    taking, overdue = totals["total"], totals["overdue"]
    year = totals["year"].label
    return Tile(
        "module",
        "Staff module",
        f"{Tally(totals['done'], taking)} of staff have completed the module for {year}; "
        f"{overdue} overdue.",
        [("Complete", Tally(totals["done"], taking)), ("Overdue", Tally(overdue, taking))],
        Table(
            f"Staff who take the module in {year}, by where they stand",
            ("Step", "Staff", "Overdue"),
            [
                [
                    STANDING_LABELS[standing],
                    Tally(totals["by_standing"][standing], taking),
                    "" if standing == "complete" else totals["overdue_by_standing"][standing],
                ]
                for standing in STANDINGS
            ],
            ["Everyone who takes it", Tally(taking, taking), overdue],
        ),
    )


def governors_tile(today: date) -> Tile:
    """Governors who have acknowledged the Social Media Policy this school year (one query
    after the policy's own)."""
    done, total = governors_tally(today)
    year, acknowledged = academic_year(today).label, Tally(done, total)
    return Tile(
        "governors",
        "Governors' acknowledgement",
        f"{acknowledged} of governors have acknowledged the Social Media Policy for {year}.",
        [("Acknowledged", acknowledged)],
        Table(
            f"Governors' acknowledgement of the Social Media Policy for {year}",
            ("Governors", "Number"),
            [["Acknowledged", acknowledged], ["Not yet", Tally(total - done, total)]],
            ["All governors", total],
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
    classes, school = answers.tallies(running)

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
            [row(tally, tally.name) for tally in classes],
            row(school, "Whole school"),
        ),
    )


_FOLLOW_UP = {s: answers.STATUS_LABELS[s] for s in answers.FOLLOW_UP}
OPEN_STATUSES = {key: label for key, label in STATUSES.items() if key != CLOSED}


def incidents_tile() -> Tile:
    """Open reports in the log by status: counts only (one query)."""
    counts = open_by_status()
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


def _review(status: str, days: int, source_changed: SourceChanged | None = None) -> Status:
    """The review in words; a document whose source policy changed says so, and is due."""
    changed = (
        f"To review: the {source_changed.source.title} changed on "
        f"{long_date(source_changed.changed_on)}"
        if source_changed
        else None
    )
    if status == OVERDUE:
        return Status("; ".join(filter(None, [f"Overdue by {_days(-days)}", changed])), status)
    if status == OK:
        return Status(changed, DUE_SOON) if changed else Status("Up to date", status)
    due = "Due today" if days == 0 else f"Due in {_days(days)}"
    return Status("; ".join(filter(None, [due, changed])), status)


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
            _review(s.status, s.days, s.source_changed),
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


def completion_tiles(today: date) -> list[Tile]:
    """Who has done what: pupils' AUP and quiz, the staff module, governors, parents."""
    figures = pupil_figures.class_figures(today)
    pupils = [aup_tile(today, figures), quiz_tile(today, figures)]
    return [*pupils, module_tile(today), governors_tile(today), parents_tile(today)]


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
        "governors": lambda: governors_tile(today),
        "parents": lambda: parents_tile(today),
        "policies": lambda: policies_tile(today),
    }
    if can_open_incident_log(staff):
        makers["incidents"] = incidents_tile
    maker = makers.get(key)
    return maker() if maker else None
