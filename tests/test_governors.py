"""Governors acknowledge the Social Media Policy each school year, without the staff module;
the overview counts them apart, and the module's figures, lists and reminders leave them out."""

import csv
import html
import io
import re

import pytest
from sqlalchemy import func, select

from portal.clock import school_today
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.people.roles import ADMIN, GOVERNOR, HEAD_TEACHER, TEACHER
from portal.people.school_year import academic_year
from portal.policies.models import Acknowledgement
from portal.policies.service import record_acknowledgement, version_shown
from tests.helpers.builders import install_content, make_staff
from tests.helpers.checkers import assert_valid_html
from tests.helpers.concurrency import Browser, at_once
from tests.helpers.policies import policy, publish
from tests.helpers.queries import counting_queries
from tests.helpers.staff_module import complete_module, read_and_passed
from tests.helpers.web import body_of, hidden_value, post_form, sign_in

TODAY = school_today()
YEAR = academic_year(TODAY)
STEP = "/governors/acknowledge"


def words(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def count_acknowledgements() -> int:
    return db.session.scalar(select(func.count()).select_from(Acknowledgement))


@pytest.fixture
def school(app):
    install_content()
    return {
        "head": make_staff("head@school.test", roles=(HEAD_TEACHER,), name="Helen Head"),
        "teacher": make_staff("tess@school.test", roles=(TEACHER,), name="Tess Teacher"),
        "gwen": make_staff("gwen@school.test", roles=(GOVERNOR,), name="Gwen Governor"),
        "gary": make_staff("gary@school.test", roles=(GOVERNOR,), name="Gary Governor"),
    }


def as_person(app, person):
    client = app.test_client()
    sign_in(client, person.email)
    return client


def acknowledge(client, name: str, **changed):
    page = body_of(client.get(STEP))
    data = {
        "policy_version_id": hidden_value(page, "policy_version_id"),
        "typed_name": name,
        **changed,
    }
    return post_form(client, STEP, data, page=STEP)


def governor_acknowledges(governor, year=YEAR.start_year):
    version = version_shown(policy(), TODAY)
    record_acknowledgement(version, year, staff=governor, method="online", typed_name=governor.name)
    db.session.commit()


# The governor's own step -------------------------------------------------------------------


def test_the_governors_home_asks_for_this_years_acknowledgement(app, school):
    home = words(body_of(as_person(app, school["gwen"]).get("/")))
    assert f"acknowledge the Social Media Policy for {YEAR.label}" in home
    assert "Nothing is due for you" not in home and "Your yearly staff module" not in home


def test_the_step_links_the_policy_and_names_the_version(app, school):
    page = body_of(as_person(app, school["gwen"]).get(STEP))
    assert 'href="/policies/social-media-policy"' in page
    assert "I have read the Wilkinson Primary School Social Media Policy (version 1" in page
    assert "Rule 1 of" not in page and "Start the check" not in page


def test_acknowledging_once_shows_done_on_the_home_page(app, school):
    gwen = as_person(app, school["gwen"])
    response = acknowledge(gwen, "  gwen  GOVERNOR ")
    assert response.status_code == 302 and response.location == "/"
    home = words(body_of(gwen.get("/")))
    assert f"You have acknowledged the Social Media Policy for {YEAR.label}" in home
    row = db.session.scalar(select(Acknowledgement))
    assert (row.staff_id, row.academic_year, row.method) == (
        school["gwen"].id,
        YEAR.start_year,
        "online",
    )
    assert row.typed_name == "gwen GOVERNOR"


def test_a_double_submit_counts_once(app, school):
    gwen = as_person(app, school["gwen"])
    page = body_of(gwen.get(STEP))
    data = {
        "policy_version_id": hidden_value(page, "policy_version_id"),
        "typed_name": "Gwen Governor",
    }
    first = post_form(gwen, STEP, data, page=STEP)
    second = post_form(gwen, STEP, data, page="/")
    assert first.status_code == 302 and second.status_code == 302
    assert count_acknowledgements() == 1


def test_a_wrong_name_an_old_version_or_no_csrf_records_nothing(app, school):
    gwen = as_person(app, school["gwen"])
    wrong = acknowledge(gwen, "G Governor")
    assert wrong.status_code == 422 and "Type your full name" in wrong.get_data(as_text=True)
    page = body_of(gwen.get(STEP))
    stale = acknowledge(
        gwen, "Gwen Governor", policy_version_id=int(hidden_value(page, "policy_version_id")) + 99
    )
    assert stale.status_code == 422
    assert "not the current version" in stale.get_data(as_text=True)
    bare = gwen.post(STEP, data={"policy_version_id": "1", "typed_name": "Gwen Governor"})
    assert bare.status_code == 400
    assert count_acknowledgements() == 0


@pytest.mark.parametrize("role", [TEACHER, HEAD_TEACHER, ADMIN])
def test_the_step_is_for_governors_only(app, school, role):
    other = as_person(app, make_staff(roles=(role,)))
    assert other.get(STEP).status_code == 403
    assert post_form(other, STEP, {"typed_name": "x"}, page="/").status_code == 403
    assert count_acknowledgements() == 0


def test_last_years_acknowledgement_does_not_count_and_a_material_change_asks_again(app, school):
    gwen = as_person(app, school["gwen"])
    governor_acknowledges(school["gwen"], year=YEAR.start_year - 1)
    assert "You have acknowledged" not in body_of(gwen.get("/"))
    acknowledge(gwen, "Gwen Governor")
    publish(kind="minor")
    assert "You have acknowledged" in body_of(gwen.get("/"))
    publish(kind="material")
    assert "You have acknowledged" not in body_of(gwen.get("/"))
    assert "(version 3" in body_of(gwen.get(STEP))


# The overview, its governors' version, the evidence pack --------------------------------------


def test_leaders_see_x_of_y_and_each_governors_name(app, school):
    governor_acknowledges(school["gwen"])
    head = as_person(app, school["head"])
    overview = words(body_of(head.get("/admin/")))
    assert (
        f"1 of 2 (50%) of governors have acknowledged the Social Media Policy for {YEAR.label}"
        in overview
    )
    listing = body_of(head.get("/admin/governors"))
    assert "Gwen Governor" in listing and "Gary Governor" in listing
    assert "Not yet" in words(listing) and "Tess Teacher" not in listing
    assert 'href="/admin/governors"' in body_of(head.get("/admin/"))


def test_governors_see_the_totals_and_no_name(app, school):
    governor_acknowledges(school["gwen"])
    gary = as_person(app, school["gary"])
    overview = body_of(gary.get("/admin/"))
    assert "1 of 2 (50%) of governors have acknowledged" in words(overview)
    assert "Gwen" not in overview and 'href="/admin/governors"' not in overview
    assert gary.get("/admin/governors").status_code == 403
    table = gary.get("/admin/overview/governors.csv").get_data(as_text=True)
    assert "Gwen" not in table and next(iter(csv.reader(io.StringIO(table))))[0] == "Governors"


@pytest.mark.parametrize("role", [TEACHER])
def test_the_names_are_refused_to_others(app, school, role):
    assert as_person(app, make_staff(roles=(role,))).get("/admin/governors").status_code == 403


def test_a_governor_who_also_teaches_counts_once_as_each(app, school):
    both = make_staff("bo@school.test", roles=(GOVERNOR, TEACHER), name="Bo Both")
    complete_module(both)  # the module's acknowledgement covers the policy too
    head = as_person(app, school["head"])
    overview = words(body_of(head.get("/admin/")))
    assert "1 of 3 (33%) of governors have acknowledged" in overview
    assert "1 of 3 (33%) of staff have completed the module" in overview


def test_the_evidence_pack_holds_the_governors_figure(app, school):
    governor_acknowledges(school["gwen"])
    pack = words(body_of(as_person(app, school["gwen"]).get("/admin/evidence")))
    assert "Governors' acknowledgement" in pack and "1 of 2 (50%) of governors" in pack


def test_the_overview_and_the_names_cost_the_same_sql_with_more_governors(app, school):
    head = as_person(app, school["head"])

    def statements_with(more: int, url: str) -> int:
        for n in range(more):
            governor = make_staff(roles=(GOVERNOR,))
            if n % 2:
                governor_acknowledges(governor)
        with counting_queries() as statements:
            body_of(head.get(url))
        return len(statements)

    for url in ("/admin/governors", "/admin/"):
        assert statements_with(2, url) == statements_with(9, url)


# Governors are not staff who have not done the module ------------------------------------------


def test_the_modules_figures_list_and_csv_leave_governors_out(app, school):
    head = as_person(app, school["head"])
    figures = words(body_of(head.get("/admin/module")))
    assert "0 of 2 (0%)" in figures  # the head and the teacher, not the governors
    assert "Gwen Governor" not in figures and "Gary Governor" not in figures
    table = head.get("/admin/module.csv").get_data(as_text=True)
    assert "Gwen" not in table and "Gary" not in table
    home = words(body_of(head.get("/")))
    assert "Staff module: 0 of 2 (0%) complete" in home


def test_governors_are_never_reminded_about_the_module(app, runner, school):
    head = as_person(app, school["head"])
    post_form(head, "/module/reminders", page="/admin/module")
    sent_to = set(db.session.scalars(select(OutboxMessage.to_address)))
    assert sent_to == {"head@school.test", "tess@school.test"}
    refused = post_form(head, f"/admin/module/{school['gwen'].id}/remind", page="/admin/module")
    assert refused.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 2


@pytest.mark.html_validator
def test_the_new_pages_are_valid_html(app, school, tmp_path):
    teacher = make_staff("ruth@school.test", name="Ruth Okafor")
    read_and_passed(teacher)
    gwen, head, ruth = (as_person(app, p) for p in (school["gwen"], school["head"], teacher))
    pages = {
        "governor-home": body_of(gwen.get("/")),
        "governor-step": body_of(gwen.get(STEP)),
        "governor-step-errors": acknowledge(gwen, "Nobody").get_data(as_text=True),
        "governors-list": body_of(head.get("/admin/governors")),
        "overview": body_of(head.get("/admin/")),
        "module-acknowledge": body_of(ruth.get("/module/acknowledge")),
    }
    page = pages["module-acknowledge"]
    fields = {name: hidden_value(page, name) for name in ("version_id", "policy_version_id")}
    post_form(ruth, "/module/acknowledge", {**fields, "typed_name": "Ruth Okafor"}, page="/")
    pages["certificate"] = body_of(ruth.get("/module/certificate"))
    acknowledge(gwen, "Gwen Governor")
    pages["governor-done"] = body_of(gwen.get("/"))
    pages["governor-step-done"] = body_of(gwen.get(STEP))
    assert_valid_html(pages, tmp_path)


def test_four_clicks_at_once_record_one_acknowledgement(live_server, school):
    page = Browser(live_server).sign_in("gwen@school.test").get(STEP).text
    data = {
        "policy_version_id": hidden_value(page, "policy_version_id"),
        "typed_name": "Gwen Governor",
    }
    browsers = [Browser(live_server).sign_in("gwen@school.test") for _ in range(4)]

    responses = at_once([b.poster(STEP, data) for b in browsers])

    assert [r.status_code for r in responses] == [302] * 4
    db.session.rollback()  # see what the server's requests committed
    assert count_acknowledgements() == 1
