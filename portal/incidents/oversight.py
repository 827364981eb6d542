"""Oversight of the log: the audit trail for the Head Teacher, and the governors' termly summary
(counts only, small numbers hidden so that no child can be recognised)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.formatting import school_day_starts, school_time
from portal.incidents.models import CATEGORIES, PATHWAYS, PLACES, Incident, IncidentAudit

TRAIL_PER_PAGE = 50
SMALLEST_SHOWN = 3
# Terms by month: autumn September to December, spring January to March, summer April to August.
TERMS = {"autumn": (9, 12), "spring": (1, 3), "summer": (4, 8)}
TERM_LABELS = {"autumn": "Autumn", "spring": "Spring", "summer": "Summer"}


@dataclass(frozen=True)
class TrailPage:
    lines: list[tuple[IncidentAudit, str | None]]  # each line, and its report's reference
    total: int
    page: int
    pages: int


def trail_page(page: int, staff_id: int | None, reference: str | None) -> TrailPage:
    """The newest lines first, narrowed to one person or one report (two queries)."""
    where = []
    if staff_id:
        where.append(IncidentAudit.staff_id == staff_id)
    if reference:
        where.append(
            IncidentAudit.incident_id.in_(
                select(Incident.id).where(func.upper(Incident.reference) == reference.upper())
            )
        )
    total = db.session.scalar(select(func.count()).select_from(IncidentAudit).where(*where))
    pages = max(1, -(-total // TRAIL_PER_PAGE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        select(IncidentAudit, Incident.reference)
        .outerjoin(Incident, Incident.id == IncidentAudit.incident_id)
        .where(*where)
        .order_by(IncidentAudit.at.desc(), IncidentAudit.id.desc())
        .limit(TRAIL_PER_PAGE)
        .offset((page - 1) * TRAIL_PER_PAGE)
        .options(joinedload(IncidentAudit.staff))
    ).all()
    return TrailPage([(line, ref) for line, ref in rows], total, page, pages)


@dataclass(frozen=True)
class Term:
    season: str
    year: int

    @property
    def key(self) -> str:
        return f"{self.year}-{self.season}"

    @property
    def label(self) -> str:
        return f"{TERM_LABELS[self.season]} term {self.year}"

    @property
    def starts(self) -> date:
        return date(self.year, TERMS[self.season][0], 1)

    @property
    def ends(self) -> date:
        last_month = TERMS[self.season][1]
        following = date(self.year + (last_month == 12), last_month % 12 + 1, 1)
        return following

    @classmethod
    def of(cls, day: date) -> "Term":
        season = next(s for s, (first, last) in TERMS.items() if first <= day.month <= last)
        return cls(season, day.year)

    @classmethod
    def read(cls, key: str) -> "Term | None":
        year, _, season = key.partition("-")
        if season in TERMS and year.isdigit() and 2000 <= int(year) <= 2100:
            return cls(season, int(year))
        return None

    def before(self) -> "Term":
        return Term.of(date.fromordinal(self.starts.toordinal() - 1))


def shown(count: int) -> str:
    """A count a governor may see: 1 or 2 could point to a child, so it is not shown as such."""
    return "fewer than 3" if 0 < count < SMALLEST_SHOWN else str(count)


@dataclass(frozen=True)
class Summary:
    term: Term
    total: str
    by_category: list[tuple[str, str]]
    by_pathway: list[tuple[str, str]]
    by_place: list[tuple[str, str]]
    by_month: list[tuple[str, str]]


# Built once: the evidence pack and the summary page ask on every view.
_TERMS_REPORTS = select(
    Incident.category, Incident.pathway, Incident.place, Incident.created_at
).where(Incident.created_at >= bindparam("starts"), Incident.created_at < bindparam("ends"))


def termly_summary(term: Term) -> Summary:
    """Counts of the term's reports by category, pathway, place and month (one query)."""
    window = {"starts": school_day_starts(term.starts), "ends": school_day_starts(term.ends)}
    rows = db.session.execute(_TERMS_REPORTS, window).all()

    def tally(values, labels: dict[str, str], missing: str) -> list[tuple[str, str]]:
        counts = Counter(values)
        named = [(label, shown(counts.get(key, 0))) for key, label in labels.items()]
        return named + ([(missing, shown(counts[None]))] if counts.get(None) else [])

    months = Counter(school_time(row.created_at).strftime("%Y-%m") for row in rows)
    month_rows, day = [], term.starts
    while day < term.ends:
        month_rows.append((f"{day:%B %Y}", shown(months.get(f"{day:%Y-%m}", 0))))
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return Summary(
        term=term,
        total=shown(len(rows)),
        by_category=tally((r.category for r in rows), CATEGORIES, "Not yet chosen"),
        by_pathway=tally((r.pathway for r in rows), PATHWAYS, "Not yet decided"),
        by_place=tally((r.place for r in rows), PLACES, "Not said"),
        by_month=month_rows,
    )
