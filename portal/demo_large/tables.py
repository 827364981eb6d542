"""Writing the school: the ids we give, bulk INSERTs, emptying every table; and a random moment."""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Table, func, insert, select, text

from portal.extensions import db
from portal.incidents.models import APPEND_ONLY, append_only_ddl
from portal.people.models import Pupil, Staff

BATCH = 5000


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


def bulk_insert(target, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(target), rows[start : start + BATCH])


def table_of(target) -> Table:
    return getattr(target, "__table__", target)


def moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    return start + timedelta(seconds=rng.randrange(max(1, int((end - start).total_seconds()))))
