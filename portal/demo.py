"""`flask portal seed-demo`: Wilkinson Primary School, fictional, for trying the portal out."""

import secrets
from datetime import date
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import func, select

from portal import ROOT
from portal.auth.service import set_password
from portal.classroom.service import reset_pictures
from portal.clock import school_today
from portal.config import private_folder
from portal.extensions import db
from portal.people.importer import import_roster
from portal.people.models import SchoolClass, Staff
from portal.people.roles import ROLE_LABELS
from portal.people.roster import parse_roster
from portal.policies.shipped import install_shipped_policies
from portal.register import service as register

EXAMPLE_ROSTER = ROOT / "examples" / "roster.csv"
DEMO_DOMAIN = "wilkinson.example.org"
WORDS = (
    "maple",
    "otter",
    "lantern",
    "pebble",
    "harbour",
    "meadow",
    "comet",
    "biscuit",
    "kettle",
    "puffin",
    "violet",
    "thistle",
)


def demo_password_file() -> Path:
    return Path(current_app.instance_path) / "demo-password"


def seed_demo(password: str, today: date) -> list[Staff]:
    """Import the example roster and give every member of staff ``password``."""
    install_shipped_policies(today)
    import_roster(parse_roster(EXAMPLE_ROSTER.read_text(encoding="utf-8")), today, full=True)
    staff = db.session.scalars(select(Staff).order_by(Staff.email)).all()
    for person in staff:
        set_password(person, password)
    for school_class in db.session.scalars(select(SchoolClass)):
        reset_pictures(school_class)  # so pupils can sign in in class straight away
    seed_register(today)
    return staff


def seed_register(today: date) -> None:
    """Oak's class blog, approved by the e-Safety lead, and a request waiting for a decision."""
    by_email = {person.email: person for person in db.session.scalars(select(Staff))}
    teacher, lead = by_email[f"teacher1@{DEMO_DOMAIN}"], by_email[f"esafety@{DEMO_DOMAIN}"]
    oak = teacher.classes[0]
    blog = register.add_entry(
        register.NewEntry(
            "00000000-0000-4000-8000-000000000001",
            "Oak class blog",
            (oak.id,),
            False,
            "Pupils write short posts about their week; the teacher publishes each one.",
            "Only first names, no photos of faces, comments off. Pupils tell the teacher "
            "if anything on the blog worries them.",
        ),
        teacher,
    )
    register.approve(blog, lead, today)
    register.add_entry(
        register.NewEntry(
            "00000000-0000-4000-8000-000000000002",
            "A class account on a video platform",
            (oak.id,),
            False,
            "Watch the teacher's chosen science videos on the board.",
            "Autoplay and comments off; the teacher plays each video, pupils do not browse.",
        ),
        teacher,
    )


def print_sign_ins(password: str) -> None:
    staff = db.session.scalars(select(Staff).order_by(Staff.email)).all()
    click.echo("\nDemo sign-ins for http://127.0.0.1:5000/sign-in")
    for person in staff:
        roles = ", ".join(ROLE_LABELS[role] for role in sorted(person.roles))
        teaches = f" ({', '.join(c.name for c in person.classes)})" if person.classes else ""
        click.echo(f"  {person.email:<34} {roles}{teaches}")
    click.echo(f"Password for every demo account: {password}\n")


@click.command("seed-demo")
@click.option("--password", help="The password for every demo account (default: a new random one).")
@click.option("--if-empty", is_flag=True, help="Do nothing if the school already has staff.")
def seed_demo_command(password: str | None, if_empty: bool) -> None:
    """Fill the portal with the fictional Wilkinson Primary School."""
    saved = demo_password_file()
    if if_empty and db.session.scalar(select(func.count()).select_from(Staff)):
        if saved.exists():
            print_sign_ins(saved.read_text().strip())
        return
    password = password or "-".join(secrets.choice(WORDS) for _ in range(3))
    seed_demo(password, school_today())
    db.session.commit()
    private_folder(str(saved.parent))
    saved.write_text(password)
    saved.chmod(0o600)
    print_sign_ins(password)


COMMANDS = [seed_demo_command]
