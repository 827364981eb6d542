"""How long starting the parents' campaign takes for a school of 700 guardians, on SQLite.

    .venv/bin/python bench/parents.py            (or: make bench-parents)

Builds a throwaway school (700 pupils, 700 guardians with email, the shipped policies) in a
temporary SQLite file, then times start_campaign and its commit: the invites, the personal
links and the 700 rendered emails in one transaction. Prints the best of three runs.
"""

import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import delete, func, insert, select

from portal import create_app
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.parents import campaign
from portal.parents.models import ParentCampaign, ParentInvite
from portal.people.models import Guardian, Pupil, SchoolClass, guardian_pupil
from portal.people.school_year import academic_year
from portal.policies.shipped import install_shipped_policies

GUARDIANS = 700


def build_school() -> None:
    install_shipped_policies(date.today())
    oak = SchoolClass(name="Oak", year_group=2)
    db.session.add(oak)
    db.session.flush()
    pupils = db.session.scalars(
        insert(Pupil).returning(Pupil.id),
        [
            {"mis_id": f"P{n}", "first_name": "Child", "last_name": f"N{n}", "class_id": oak.id}
            for n in range(GUARDIANS)
        ],
    ).all()
    guardians = db.session.scalars(
        insert(Guardian).returning(Guardian.id),
        [
            {"mis_id": f"G{n}", "first_name": "Pat", "last_name": f"N{n}", "email": f"g{n}@ex.org"}
            for n in range(GUARDIANS)
        ],
    ).all()
    db.session.execute(
        insert(guardian_pupil),
        [{"guardian_id": g, "pupil_id": p} for g, p in zip(guardians, pupils, strict=True)],
    )
    db.session.commit()


def one_run(mail: campaign.MailSettings) -> float:
    today = date.today()
    for table in (OutboxMessage, ParentInvite, ParentCampaign):
        db.session.execute(delete(table))
    db.session.commit()
    began = time.perf_counter()
    campaign.start_campaign(
        academic_year(today),
        campaign.guide_version(today),
        None,
        today + timedelta(days=30),
        mail,
        today,
    )
    db.session.commit()
    took = time.perf_counter() - began
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == GUARDIANS
    return took


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SECRET_KEY": "bench-secret-key-long-enough-for-anything-at-all",
                "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
                "BASE_URL": "https://portal.example.org",
            }
        )
        with app.app_context():
            db.create_all()
            build_school()
            config = app.config
            mail = campaign.MailSettings(
                config["SECRET_KEY"], config["SCHOOL_NAME"], config["OFFICE_EMAIL"], ""
            )
            best = min(one_run(mail) for _ in range(3))
    print(f"Starting the campaign for {GUARDIANS} guardians on SQLite: {best:.2f} s (best of 3)")


if __name__ == "__main__":
    main()
