"""School calendar rules: academic years and Key Stages. Pure functions."""

from dataclasses import dataclass
from datetime import date, datetime, time

RECEPTION = 0
YEAR_GROUPS = {RECEPTION: "Reception", **{n: f"Year {n}" for n in range(1, 7)}}
KEY_STAGE_NAMES = {
    "EYFS": "Early Years Foundation Stage",
    "KS1": "Key Stage 1",
    "KS2": "Key Stage 2",
}
# The year groups of each Key Stage, youngest first (the inverse of key_stage below).
STAGE_YEAR_GROUPS = {"EYFS": (RECEPTION,), "KS1": (1, 2), "KS2": (3, 4, 5, 6)}
# Key Stages whose pupils hear every screen unless their teacher turns it off.
READ_ALOUD_STAGES = ("EYFS", "KS1")


@dataclass(frozen=True, order=True)
class AcademicYear:
    """The school year that starts on 1 September of ``start_year``."""

    start_year: int

    @property
    def starts_on(self) -> date:
        return date(self.start_year, 9, 1)

    @property
    def ends_on(self) -> date:
        return date(self.start_year + 1, 8, 31)

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    def __str__(self) -> str:
        return self.label


def academic_year(today: date) -> AcademicYear:
    """The academic year (September to August) that ``today`` falls in."""
    return AcademicYear(today.year if today.month >= 9 else today.year - 1)


def key_stage(year_group: int) -> str:
    """EYFS for Reception, KS1 for Years 1-2, KS2 for Years 3-6."""
    if year_group == RECEPTION:
        return "EYFS"
    if year_group in (1, 2):
        return "KS1"
    if year_group in (3, 4, 5, 6):
        return "KS2"
    raise ValueError(f"unknown year group {year_group!r}")


def reads_aloud_by_default(stage: str | None) -> bool:
    """Screens read themselves aloud for Reception and Key Stage 1, who may not read yet."""
    return stage in READ_ALOUD_STAGES


def parse_year_group(text: str) -> int | None:
    """Read a year group as MIS exports write it: "Reception", "R", "Year 3", "3"."""
    cleaned = text.strip().lower().removeprefix("year").strip()
    if cleaned in ("r", "rec", "reception", "0", "eyfs"):
        return RECEPTION
    if cleaned.isdigit() and 1 <= int(cleaned) <= 6:
        return int(cleaned)
    return None


def in_school_hours(moment: datetime, hours: str) -> bool:
    """True from Monday to Friday within ``hours`` ("08:00-16:00"), ``moment`` on the school's
    clock. Holidays are not known here: a teacher at home in half-term sees the school order."""
    opens, _, closes = hours.partition("-")
    now = moment.time().replace(tzinfo=None)
    return moment.weekday() < 5 and time.fromisoformat(opens) <= now < time.fromisoformat(closes)
