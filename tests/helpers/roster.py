"""Roster import tests' material: small CSV files and a snapshot of every table."""

import io
from pathlib import Path

from sqlalchemy import select

from portal.extensions import db
from tests.helpers.web import post_form

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "roster.csv"
HEADER = "type,mis_id,first_name,last_name,year_group,class,email,roles,pupils"
# A small school: two classes, three pupils, two guardians, one teacher.
SMALL = [
    "pupil,P1,Amara,Okoye,Year 1,Oak,,,",
    "pupil,P2,Leo,Nowak,Year 1,Oak,,,",
    "pupil,P3,Aisha,Khan,Year 2,Ash,,,",
    "guardian,G1,Grace,Okoye,,,grace.okoye@example.org,,P1",
    "guardian,G2,Piotr,Nowak,,,,,P2;P3",
    "staff,S1,Ruth,Okafor,,Oak,Teacher1@Wilkinson.example.org,teacher,",
]


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def write_csv(tmp_path, *rows: str, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    path.write_text(csv_text(*rows), encoding="utf-8")
    return path


def upload(client, data: bytes, full: bool = True, name: str = "roster.csv"):
    """Send a file to the roster preview, as the upload page does."""
    form = {"file": (io.BytesIO(data), name), **({"full": "y"} if full else {})}
    return post_form(client, "/admin/roster/preview", form, page="/admin/roster/")


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, read fresh: equal snapshots mean nothing was written."""
    db.session.rollback()  # end any open read transaction, so we see what others committed
    tables = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table)).all()
        tables[table.name] = sorted(tuple(map(repr, row)) for row in rows)
    db.session.rollback()
    return tables


def counts() -> dict[str, int]:
    return {name: len(rows) for name, rows in snapshot().items()}


def example_school(copies: int = 1) -> str:
    """The example file, or a school ``copies`` times its size: each person again, renumbered."""
    header, *rows = EXAMPLE.read_text(encoding="utf-8").splitlines()
    bigger = list(rows)
    for copy in range(1, copies):
        for row in rows:
            kind, mis_id, first, last, year, school_class, email, roles, pupils = row.split(",")
            twin = f"{mis_id[0]}{copy}{mis_id[1:]}"
            email = email and f"copy{copy}.{email}"
            pupils = ";".join(f"P{copy}{pupil[1:]}" for pupil in pupils.split(";") if pupil)
            bigger.append(
                ",".join([kind, twin, first, last, year, school_class, email, roles, pupils])
            )
    return "\n".join([header, *bigger]) + "\n"
