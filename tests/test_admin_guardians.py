"""The guardians list (/admin/guardians): every guardian asked this year, filtered, searched,
sorted and paged from the address; its CSV; a reminder from a row; the paged letters list."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from portal.clock import utcnow
from portal.extensions import db
from portal.parents import reminders, service
from portal.parents.models import ParentInvite
from portal.people.models import Guardian, Pupil, guardian_pupil
from tests.helpers.builders import make_class, make_guardian, make_pupil, make_staff
from tests.helpers.checkers import assert_valid_html
from tests.helpers.concurrency import Browser, at_once
from tests.helpers.parents import MAIL, TODAY, outbox, start
from tests.helpers.tables import body_rows
from tests.helpers.web import body_of, post_form, signed_in

LIST = "/admin/guardians"
CSV = "/admin/guardians.csv"
LETTERS = "/admin/parents/letters"
DAY = f"{TODAY.day} {TODAY:%B %Y}"


@pytest.fixture
def family(family):
    """The shared family, with names that sort the same in every run: Femi, then Grace Okoye."""
    family["grace"].first_name, family["grace"].last_name = "Grace", "Okoye"
    family["femi"].first_name, family["femi"].last_name = "Femi", "Okoye"
    db.session.commit()
    return family


@pytest.fixture
def leader(app):
    client = app.test_client()
    signed_in(client, "head_teacher")
    return client


def rows(client, url=LIST) -> list[list[str]]:
    """The list's rows as a leader reads them: name, classes, status, date, how, reminders."""
    return [row[:6] for row in body_rows(body_of(client.get(url)))]


def names(client, url=LIST) -> list[str]:
    return [row[0] for row in rows(client, url)]


def say(guardian, response, note=None):
    invite = db.session.scalar(select(ParentInvite).where(ParentInvite.guardian_id == guardian.id))
    service.record_answer(invite, response, "Typed Name", note, MAIL)
    db.session.commit()


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def many_guardians(count: int, school_class, email=True, last="Many") -> list[int]:
    """``count`` guardians of one child each in ``school_class`` (one INSERT each table)."""
    pupil_ids = db.session.scalars(
        insert(Pupil).returning(Pupil.id),
        [
            {"mis_id": f"K{last}{n}", "first_name": f"Kid{n}", "last_name": last}
            | {"class_id": school_class.id}
            for n in range(count)
        ],
    ).all()
    guardian_ids = db.session.scalars(
        insert(Guardian).returning(Guardian.id),
        [
            {
                "mis_id": f"G{last}{n}",
                "first_name": f"Pat{n:03}",
                "last_name": last,
                "email": f"pat{n}.{last.lower()}@example.org" if email else None,
            }
            for n in range(count)
        ],
    ).all()
    db.session.execute(
        insert(guardian_pupil),
        [{"guardian_id": g, "pupil_id": p} for g, p in zip(guardian_ids, pupil_ids, strict=True)],
    )
    db.session.commit()
    return guardian_ids


def remind(client, guardian, args="", **headers):
    url = f"{LIST}/{guardian.id}/remind{args}"
    return post_form(client, url, page=LIST, headers=headers)


# What the list shows


def test_every_guardian_asked_is_listed_once_with_classes_answer_and_reminders(family, leader):
    gone = make_guardian([make_pupil(family["amara"].school_class, "Gone")], email="g@example.org")
    start()
    db.session.get(Pupil, gone.pupils[0].id).left_on = TODAY
    say(family["femi"], "question", note="Can I film the play?")
    assert rows(leader) == [  # by last name, then first
        [family["femi"].full_name, "Oak, Ash", "Have a question", DAY, "online", "None"],
        [family["grace"].full_name, "Oak, Ash", "No answer", "", "", "None"],
    ]
    page = body_of(leader.get(LIST))
    assert "Amara" not in page and "Leo" not in page and "Can I film" not in page
    assert gone.full_name not in page
    assert "2 guardians." in page


def test_the_rows_offer_the_actions_that_fit_each_guardian(family, leader):
    start()
    page = body_of(leader.get(LIST))
    grace, femi = family["grace"], family["femi"]
    assert f'action="/admin/guardians/{grace.id}/remind"' in page
    assert f'Send a reminder<span class="visually-hidden"> to {grace.full_name}' in page
    assert f"/admin/guardians/{femi.id}/remind" not in page  # no address to remind
    assert f'href="/admin/parents/guardians/{femi.id}/letter"' in page
    assert f'href="/admin/parents/guardians/{femi.id}/answer"' in page
    assert "Record a paper or phone answer" in page
    say(grace, "acknowledged")
    assert f"/admin/guardians/{grace.id}/remind" not in body_of(leader.get(LIST))


def test_without_a_campaign_the_list_says_so(family, leader):
    page = body_of(leader.get(LIST))
    assert "has not started yet" in page and "<table" not in page
    assert leader.get(CSV).status_code == 404


# Filters, search, sort and pages


def test_the_class_filter_shows_the_guardians_of_that_class(family, leader):
    elm = make_class("Elm", 2)
    elm_only = make_guardian([make_pupil(elm, "Zara", "Bello")], email="bello@example.org")
    start()
    oak = family["amara"].school_class
    assert set(names(leader)) == {
        family["grace"].full_name,
        family["femi"].full_name,
        elm_only.full_name,
    }
    assert names(leader, f"{LIST}?class={elm.id}") == [elm_only.full_name]
    assert elm_only.full_name not in names(leader, f"{LIST}?class={oak.id}")
    page = body_of(leader.get(f"{LIST}?class={elm.id}"))
    assert f'<option value="{elm.id}" selected>Elm</option>' in page


def test_the_status_filter_and_the_search_narrow_the_list(family, leader):
    start()
    grace, femi = family["grace"], family["femi"]
    assert names(leader, f"{LIST}?status=no_email") == [femi.full_name]
    assert names(leader, f"{LIST}?status=no_answer") == [grace.full_name]
    assert "No guardians match." in body_of(leader.get(f"{LIST}?status=acknowledged"))
    say(grace, "acknowledged")
    assert names(leader, f"{LIST}?status=acknowledged") == [grace.full_name]
    assert names(leader, f"{LIST}?q=GRACE@EXAMPLE") == [grace.full_name]  # email, any case
    assert names(leader, f"{LIST}?q={femi.first_name.lower()}+{femi.last_name}") == [femi.full_name]
    assert names(leader, f"{LIST}?q=%25") == []  # % is a character, not a wildcard
    assert names(leader, f"{LIST}?q=example&status=acknowledged") == [grace.full_name]


def test_the_sorts_change_the_order_and_a_heading_reverses_it(family, leader):
    elm = make_class("Reception room", 0)
    early = make_guardian([make_pupil(elm, "Zed")], email="zz@example.org")
    early.last_name = "Zeta"
    db.session.commit()
    start()
    grace, femi = family["grace"].full_name, family["femi"].full_name
    assert names(leader) == [femi, grace, early.full_name]  # Okoye, Okoye, Zeta
    assert names(leader, f"{LIST}?sort=-name") == [early.full_name, grace, femi]
    assert names(leader, f"{LIST}?sort=class") == [early.full_name, femi, grace]  # Reception
    say(family["femi"], "acknowledged")
    assert names(leader, f"{LIST}?sort=status") == [femi, grace, early.full_name]
    assert names(leader, f"{LIST}?sort=answered") == [femi, grace, early.full_name]
    assert names(leader, f"{LIST}?sort=-answered")[-1] == femi
    remind(leader, family["grace"])
    assert names(leader, f"{LIST}?sort=-reminders")[0] == grace
    page = body_of(leader.get(f"{LIST}?sort=status"))
    assert 'aria-sort="ascending"' in page and 'href="/admin/guardians?sort=-status"' in page


def test_fifty_to_a_page_and_a_page_past_the_end_is_empty(family, leader):
    many_guardians(118, make_class("Birch", 4))
    start()
    first = body_of(leader.get(LIST))
    assert len(body_rows(first)) == 50 and "1 to 50 of 120 guardians." in first
    assert 'href="/admin/guardians?page=2"' in first
    third = body_of(leader.get(f"{LIST}?page=3"))
    assert len(body_rows(third)) == 20 and "101 to 120 of 120 guardians." in third
    page_two_names = names(leader, f"{LIST}?page=2")
    assert not set(page_two_names) & set(names(leader)) and len(page_two_names) == 50
    past = body_of(leader.get(f"{LIST}?page=9"))
    assert "Page 9 is past the end: there are 120 guardians on 3 pages." in past
    assert body_rows(past) == []


def test_an_htmx_refresh_gets_the_results_only(family, leader):
    start()
    response = leader.get(f"{LIST}?status=no_email", headers={"HX-Request": "true"})
    fragment = body_of(response)
    assert "<html" not in fragment and 'id="list-filters"' not in fragment
    assert family["femi"].full_name in fragment and family["grace"].full_name not in fragment
    assert (
        "Cache-Control" not in response.headers or "no-store" in response.headers["Cache-Control"]
    )


@pytest.mark.parametrize(
    "args",
    [
        "?colour=red",
        "?sort=email",
        "?sort=-",
        "?page=0",
        "?page=two",
        "?page=99999999999",
        "?class=999999",
        "?class=oak",
        "?status=consented",
        "?status=%00",
    ],
)
def test_anything_the_list_does_not_offer_is_a_plain_400(family, leader, args):
    start()
    assert leader.get(LIST + args).status_code == 400
    assert leader.get(CSV + args).status_code == 400


# Who may see it


@pytest.mark.parametrize("role", ["governor", "teacher", "staff"])
def test_governors_and_teachers_are_refused(family, app, role):
    start()
    client = app.test_client()
    signed_in(client, role)
    assert client.get(LIST).status_code == 403
    assert client.get(CSV).status_code == 403
    assert client.get(LETTERS).status_code == 403
    before = len(outbox())
    assert remind(client, family["grace"]).status_code == 403
    assert len(outbox()) == before


@pytest.mark.parametrize("role", ["admin", "esafety_lead", "head_teacher"])
def test_school_leaders_open_it(family, app, role):
    start()
    client = app.test_client()
    signed_in(client, role)
    assert family["grace"].full_name in body_of(client.get(LIST))


# The CSV


def test_the_csv_holds_every_matching_row_as_the_pages_show_them(family, leader):
    many_guardians(60, make_class("Birch", 4))
    trick = make_guardian([family["amara"]], email=None)
    trick.first_name, trick.last_name = '=HYPERLINK("http://evil")', "Aaron"
    db.session.commit()
    start()
    say(family["grace"], "acknowledged")
    remind(leader, make_guardian_invited_first(leader))
    on_pages = rows(leader) + rows(leader, f"{LIST}?page=2")
    got = csv_rows(leader.get(CSV))
    assert got[0] == [
        "Guardian",
        "Children's classes",
        "Status",
        "Answered on",
        "How",
        "Reminders",
    ]
    assert len(got) - 1 == len(on_pages) == 63
    assert got[1:] == [
        ["'" + row[0] if row[0].startswith("=") else row[0], *row[1:]] for row in on_pages
    ]
    filtered = body_of(leader.get(f"{LIST}?status=no_email&sort=-name"))
    assert 'href="/admin/guardians.csv?status=no_email&amp;sort=-name"' in filtered
    got = csv_rows(leader.get(f"{CSV}?status=no_email&sort=-name"))
    assert got[1:] == [
        ["'" + row[0] if row[0].startswith("=") else row[0], *row[1:]]
        for row in rows(leader, f"{LIST}?status=no_email&sort=-name")
    ]


def make_guardian_invited_first(leader):
    """The first guardian on the list who may be reminded (for a reminders cell in the CSV)."""
    return db.session.scalar(
        select(Guardian).where(Guardian.email.like("pat%")).order_by(Guardian.first_name)
    )


# A reminder from a row


def test_a_reminder_from_a_row_queues_one_email_even_on_a_double_post(family, leader):
    start()
    grace = family["grace"]
    first = remind(leader, grace, "?status=no_answer&q=grace")
    assert first.status_code == 302
    assert first.location == "/admin/guardians?status=no_answer&q=grace"  # the same list
    said = body_of(leader.get(first.location))
    assert f"A reminder was sent to {grace.full_name}&#39;s email address." in said
    second = remind(leader, grace, "?status=no_answer&q=grace")
    assert "in the last few minutes, so no other was sent" in body_of(leader.get(second.location))
    _welcome, reminder = outbox("grace@example.org")
    assert reminder.subject.startswith("Reminder: ")
    assert "This is a reminder" in reminder.body_text
    assert "Amara" not in reminder.body_text and "Leo" not in reminder.body_text
    assert rows(leader)[1] == [
        grace.full_name,
        "Oak, Ash",
        "No answer",
        "",
        "",
        f"1 reminder, last sent {DAY}",
    ]


def test_with_htmx_the_row_alone_is_swapped_and_the_status_line_says_what_happened(family, leader):
    start()
    grace = family["grace"]
    response = remind(leader, grace, "?sort=-name", **{"HX-Request": "true"})
    fragment = body_of(response)
    assert fragment.lstrip().startswith(f'<tr id="guardian-{grace.id}">')
    assert "<table" not in fragment and "<html" not in fragment
    assert f"1 reminder, last sent {DAY}" in fragment
    assert 'id="flash" data-hx-swap-oob="innerHTML"' in fragment
    assert f"A reminder was sent to {grace.full_name}" in fragment
    assert f"#guardian-{grace.id}-status" in response.headers["HX-Trigger-After-Settle"]
    assert len(outbox("grace@example.org")) == 2


def test_two_clicks_at_the_same_moment_send_one_reminder(family, live_server):
    start()
    browser = Browser(live_server).sign_in(make_staff(roles=("esafety_lead",)).email)
    url = f"{LIST}/{family['grace'].id}/remind"
    responses = at_once([browser.poster(url, {}, page=LIST) for _ in range(2)])
    assert sorted(r.status_code for r in responses) == [302, 302]
    assert len(outbox("grace@example.org")) == 2  # the first email and one reminder
    invite = db.session.scalar(
        select(ParentInvite).where(ParentInvite.guardian_id == family["grace"].id)
    )
    assert invite.reminders_sent == 1


def test_who_has_answered_or_has_no_email_is_not_reminded(family, leader):
    start()
    say(family["grace"], "question", note="Why?")  # the office is told: one email
    before = len(outbox())
    said = body_of(leader.get(remind(leader, family["femi"]).location))
    assert f"the school has no email address for {family['femi'].full_name}" in said
    said = body_of(leader.get(remind(leader, family["grace"]).location))
    assert f"No reminder was sent: {family['grace'].full_name} has already answered." in said
    assert len(outbox()) == before


def test_a_reminder_is_refused_without_csrf_for_an_unknown_guardian_or_a_bad_address(
    family, leader
):
    start()
    before = len(outbox())
    assert leader.post(f"{LIST}/{family['grace'].id}/remind").status_code == 400
    assert remind(leader, Guardian(id=999999)).status_code == 404
    assert remind(leader, family["grace"], "?sort=email").status_code == 400
    assert len(outbox()) == before


def test_a_reminder_from_a_row_counts_so_the_scheduled_one_waits(family, leader):
    start()
    remind(leader, family["grace"])
    run = reminders.send_parent_reminders(
        TODAY + timedelta(days=7), utcnow() + timedelta(days=7), (7, 14), MAIL
    )
    assert run.reminders == 0  # the leader's reminder stood in for the 7-day one
    run = reminders.send_parent_reminders(
        TODAY + timedelta(days=14), utcnow() + timedelta(days=14), (7, 14), MAIL
    )
    db.session.commit()
    assert run.reminders == 1 and len(outbox("grace@example.org")) == 3


# The letters list


def test_the_letters_list_is_paged_and_searched_by_name(family, leader):
    many_guardians(55, make_class("Birch", 4), email=False, last="Paper")
    start()
    first = body_of(leader.get(LETTERS))
    assert len(body_rows(first)) == 50
    assert "1 to 50 of 56 guardians without an email address." in first
    assert 'href="/admin/parents/letters/print"' in first
    second = body_of(leader.get(f"{LETTERS}?page=2"))
    assert len(body_rows(second)) == 6
    found = body_rows(body_of(leader.get(f"{LETTERS}?q=pat007")))
    assert [row[0] for row in found] == ["Pat007 Paper"]
    assert family["grace"].full_name not in first  # she has an email address
    assert leader.get(f"{LETTERS}?sort=class").status_code == 400
    assert leader.get(f"{LETTERS}?status=no_email").status_code == 400
    printed = body_of(leader.get("/admin/parents/letters/print"))
    assert "56 letters." in printed


# Valid HTML


@pytest.mark.html_validator
def test_the_pages_are_valid_html(family, leader, tmp_path):
    pages = {"none-yet": body_of(leader.get(LIST))}
    start()
    say(family["femi"], "declined", note="<b>No</b>")
    pages.update(
        {
            "list": body_of(leader.get(LIST)),
            "filtered": body_of(leader.get(f"{LIST}?status=declined&sort=-answered&q=a")),
            "empty": body_of(leader.get(f"{LIST}?status=acknowledged")),
            "past-the-end": body_of(leader.get(f"{LIST}?page=5")),
            "after-reminder": body_of(leader.get(remind(leader, family["grace"]).location)),
            "letters": body_of(leader.get(LETTERS)),
            "letters-searched": body_of(leader.get(f"{LETTERS}?q=nobody")),
        }
    )
    assert_valid_html(pages, tmp_path)
