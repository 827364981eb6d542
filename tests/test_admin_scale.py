"""Every leader's page costs the same SQL in a school of 100 pupils as in one of 2,000."""

from sqlalchemy import select

from portal.extensions import db
from portal.people.models import SchoolClass
from tests.helpers.scale import GOVERNOR, HEAD, OFFICE, build_school, statements_per_page


def leader_pages() -> dict[str, tuple[str, str]]:
    """The pages to weigh, as (who, address), with the ids of this school's rows."""
    first_class = db.session.scalar(select(SchoolClass.id).order_by(SchoolClass.name))
    return {
        "home": (HEAD, "/"),
        "classes": (HEAD, "/teach/classes/"),
        "one class": (HEAD, f"/teach/classes/{first_class}"),
        "staff module completion": (HEAD, "/module/staff"),
        "staff accounts": (OFFICE, "/admin/staff/"),
        "parents' answers": (HEAD, "/admin/parents/answers"),
        "parents' letters": (HEAD, "/admin/parents/letters"),
        "policies": (HEAD, "/policies/"),
        "what pupils understand": (HEAD, "/admin/understanding"),
        "what pupils understand, by class": (HEAD, "/admin/understanding?key_stage=KS2"),
        "what one class understands": (HEAD, f"/admin/understanding?class={first_class}"),
        "what pupils understand (CSV)": (HEAD, "/admin/understanding.csv?key_stage=KS2"),
        "what pupils understand, governor": (GOVERNOR, "/admin/understanding?key_stage=KS1"),
        "strands covered": (GOVERNOR, "/admin/coverage"),
    }


def test_leader_pages_cost_the_same_sql_at_100_and_at_2000_pupils(app):
    build_school(100)
    small = statements_per_page(app, leader_pages())
    build_school(2000)
    large = statements_per_page(app, leader_pages())

    assert large == small
