"""`flask portal generate-demo --pupils N`: a large, realistic, fictional school, built fast.

For measuring the leaders' pages at trust scale. Rows are made in Python from a seeded random
generator and written with bulk INSERTs whose ids we choose, so nothing is read back.
"""

import random
import time
from datetime import date

import click
from flask import current_app
from werkzeug.security import generate_password_hash

from portal.clock import school_today
from portal.database import refresh_statistics
from portal.demo import WORDS
from portal.demo_large.builder import SchoolBuilder
from portal.demo_large.content import HEAD_EMAIL
from portal.demo_large.tables import empty_all_tables, holds_a_school
from portal.extensions import db

__all__ = ["COMMANDS", "empty_all_tables", "generate_demo", "generate_demo_command"]


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
