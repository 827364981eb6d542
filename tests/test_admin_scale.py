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
        "staff module completion": (HEAD, "/admin/module"),
        "staff module, by status": (HEAD, "/admin/module?sort=status&overdue=yes"),
        "staff accounts": (OFFICE, "/admin/staff/"),
        "staff accounts, a search": (OFFICE, "/admin/staff/?q=a&active=active&role=teacher"),
        "staff module, a search": (HEAD, "/admin/module?q=a&role=teacher"),
        "parents' answers": (HEAD, "/admin/parents/answers"),
        "parents' letters": (HEAD, "/admin/parents/letters"),
        "guardians": (HEAD, "/admin/guardians"),
        "one class's guardians": (HEAD, f"/admin/guardians?class={first_class}"),
        "guardians by class, page 2": (OFFICE, "/admin/guardians?sort=class&page=2"),
        "policies": (HEAD, "/policies/"),
        "school overview": (HEAD, "/admin/"),
        "school overview for governors": (GOVERNOR, "/admin/"),
        "evidence pack": (HEAD, "/admin/evidence"),
        "pupils": (HEAD, "/admin/pupils"),
        "pupils, filtered": (
            HEAD,
            "/admin/pupils?key_stage=KS2&aup=not_yet&quiz=in_progress&q=a&sort=-aup&page=2",
        ),
        "pupils of one class": (HEAD, f"/admin/pupils?class={first_class}&sort=quiz"),
        "pupils, CSV": (HEAD, "/admin/pupils.csv?key_stage=KS1&sort=class"),
        "what pupils understand": (HEAD, "/admin/understanding"),
        "what pupils understand, by class": (HEAD, "/admin/understanding?key_stage=KS2"),
        "what one class understands": (HEAD, f"/admin/understanding?class={first_class}"),
        "what pupils understand (CSV)": (HEAD, "/admin/understanding.csv?key_stage=KS2"),
        "what pupils understand, governor": (GOVERNOR, "/admin/understanding?key_stage=KS1"),
        "strands covered": (GOVERNOR, "/admin/coverage"),
    }


LATER_PAGES = {
    "staff accounts, page 2": (OFFICE, "/admin/staff/?page=2"),
    "staff module, page 2": (HEAD, "/admin/module?page=2"),
}


def test_leader_pages_cost_the_same_sql_at_100_and_at_2000_pupils(app):
    build_school(100)
    small = statements_per_page(app, leader_pages())
    build_school(2000)
    large = statements_per_page(app, leader_pages())

    assert large == small
    # A later page costs what the first does (a school of 100 pupils has one page of staff).
    later = statements_per_page(app, LATER_PAGES)
    assert later["staff accounts, page 2"] == large["staff accounts"]
    assert later["staff module, page 2"] == large["staff module completion"]
