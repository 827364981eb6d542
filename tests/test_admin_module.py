"""The staff module drill-down: each step of this year's module for each member of staff,
filtered, sorted, searched and paged; a reminder from a row; the CSV; and who may see it."""

import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.clock import school_today
from portal.extensions import db
from portal.formatting import long_date
from portal.mail.models import OutboxMessage
from portal.people.models import Staff
from portal.people.school_year import academic_year
from portal.policies.models import Acknowledgement
from portal.policies.shipped import install_shipped_policies
from portal.quiz.catalogue import get_quiz
from portal.staff_module import service
from portal.staff_module.school import school_module
from portal.staff_module.status import ModuleSettings, check_for_year, module_status
from tests.helpers.builders import make_staff
from tests.helpers.concurrency import Browser, at_once
from tests.helpers.queries import counting_queries
from tests.helpers.web import post_form, sign_in

TODAY = school_today()
SETTINGS = ModuleSettings()


@pytest.fixture
def policies(app):
    install_shipped_policies(TODAY)
    db.session.commit()


@pytest.fixture
def head(client, policies):
    head = make_staff("head@wilkinson.example.org", roles=("head_teacher",), name="Hattie Head")
    sign_in(client, head.email)
    return head


def status_of(staff):
    db.session.expire_all()
    return module_status(db.session.get(Staff, staff.id), TODAY, SETTINGS)


def answers(right: int) -> dict[str, str]:
    quiz = check_for_year(academic_year(TODAY).start_year)  # this year's ten from the bank
    chosen = {}
    for index, question in enumerate(quiz.questions):
        wrong = next(c.id for c in question.choices if not c.correct)
        chosen[question.id] = question.correct_choice_id if index < right else wrong
    return chosen


def take_to(staff, step: str, cards: int = 2, failed_first: bool = False):
    """Move ``staff`` through the module up to ``step`` (as the service does, no pages)."""
    if step == "not_started":
        return staff
    total = status_of(staff).cards_total
    for card in range(1, (cards if step == "reading" else total) + 1):
        service.mark_card_read(status_of(staff), card)
    db.session.commit()
    if step in ("reading", "check") and not failed_first:
        return staff
    quiz = get_quiz("staff-conduct")
    if failed_first:
        attempt = service.open_attempt(status_of(staff), quiz)
        service.submit_attempt(attempt, quiz, answers(2))
        db.session.commit()
        if step == "check":
            return staff
    attempt = service.open_attempt(status_of(staff), quiz)
    service.submit_attempt(attempt, quiz, answers(10))
    db.session.commit()
    if step == "acknowledge":
        return staff
    status = status_of(staff)
    service.acknowledge(status, status.version.id, staff.name, TODAY)
    db.session.commit()
    return staff


def rows_of(html: str) -> list[str]:
    """The names in the list's rows, in order."""
    return re.findall(r'<tr id="module-row-\d+">\s*<th scope="row" tabindex="-1">([^<]+)<', html)


def cells_of(html: str, name: str) -> list[str]:
    """The text of each cell in ``name``'s row."""
    row = re.search(rf"<tr id=\"module-row-\d+\">\s*<th[^>]*>{name}<.*?</tr>", html, re.S)
    cells = re.findall(r"<td>(.*?)</td>", row.group(0), re.S)
    return [re.sub(r"<[^>]+>", " ", cell).split("Send a reminder")[0].split() for cell in cells]


@pytest.fixture
def five_steps(head):
    """One person at each step (Hattie Head, who signs in, has not started either)."""
    return {
        "not_started": take_to(make_staff(name="Ada Absent"), "not_started"),
        "reading": take_to(make_staff(name="Ben Reading", roles=("staff",)), "reading", cards=2),
        "check": take_to(make_staff(name="Cat Check"), "check", failed_first=True),
        "acknowledge": take_to(make_staff(name="Dan Acknowledge"), "acknowledge"),
        "complete": take_to(make_staff(name="Eve Done", roles=("staff",)), "complete"),
    }


def page(client, url: str = "/admin/module", status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def test_the_step_columns_show_where_each_person_is(client, five_steps):
    html = page(client)
    assert "1 of 6 (17%) members of staff have completed the module" in html
    assert " ".join(cells_of(html, "Ada Absent")[2]) == "0 of 6"
    assert " ".join(cells_of(html, "Ben Reading")[2]) == "2 of 6"
    cat = [" ".join(cell) for cell in cells_of(html, "Cat Check")]
    assert cat[1:5] == ["Check to pass", "6 of 6", "Not passed yet, 1 attempt", "—"]
    dan = [" ".join(cell) for cell in cells_of(html, "Dan Acknowledge")]
    assert dan[1:5] == ["To acknowledge", "6 of 6", "Passed (10 of 10), 1 attempt", "—"]
    eve = [" ".join(cell) for cell in cells_of(html, "Eve Done")]
    certificate = status_of(five_steps["complete"]).certificate.code
    assert eve[1:6] == ["Complete", "6 of 6", "Passed (10 of 10), 1 attempt", eve[4], certificate]
    assert eve[4] != "—" and "> to Eve Done<" not in html
    assert "> to Dan Acknowledge<" in html


def test_the_list_and_each_persons_own_status_agree(client, five_steps):
    school = school_module(TODAY, SETTINGS)
    standings = {row.Staff.name: row.standing for row in db.session.execute(school.query)}
    steps = {"read": None, "check": "check", "acknowledge": "acknowledge", "done": "complete"}
    for standing, person in five_steps.items():
        own = status_of(person)
        assert standings[person.name] == standing
        if own.step != "read":
            assert steps[own.step] == standing


def test_overdue_follows_each_persons_due_date(app, policies):
    """Joined before the year: due on the school's date; joined later: 30 days after."""
    year_start = school_module(TODAY, SETTINGS).year.starts_on
    long_ago = make_staff(name="Long Ago")
    long_ago.created_at = datetime.combine(year_start - timedelta(days=40), datetime.min.time())
    recent = make_staff(name="Just Joined")
    recent.created_at = datetime.now() - timedelta(days=3)
    db.session.commit()
    for today in (date(year_start.year, 9, 30), date(year_start.year, 10, 1), TODAY):
        school = school_module(today, SETTINGS)
        query = school.query.add_columns(school.overdue.label("overdue"))
        late = {row.Staff.name: bool(row.overdue) for row in db.session.execute(query)}
        for person in (long_ago, recent):
            expected = module_status(person, today, SETTINGS).overdue(today)
            assert late[person.name] == expected, (today, person.name)


def test_each_filter_changes_who_is_listed(client, five_steps):
    assert rows_of(page(client, "/admin/module?status=check")) == ["Cat Check"]
    assert rows_of(page(client, "/admin/module?status=not_started")) == [
        "Ada Absent",
        "Hattie Head",
    ]
    assert rows_of(page(client, "/admin/module?role=staff")) == ["Ben Reading", "Eve Done"]
    assert rows_of(page(client, "/admin/module?role=head_teacher")) == ["Hattie Head"]
    assert rows_of(page(client, "/admin/module?q=ACKNOW")) == ["Dan Acknowledge"]
    email = five_steps["reading"].email
    assert rows_of(page(client, f"/admin/module?q={email}")) == ["Ben Reading"]
    assert "No members of staff match." in page(client, "/admin/module?q=nobody-here")


def test_overdue_filter_lists_only_those_past_their_date(client, five_steps):
    for person in [*five_steps.values()]:
        person.created_at = datetime(2000, 1, 1)
    db.session.commit()
    year = school_module(TODAY, SETTINGS).year
    overdue_today = date(year.start_year, 9, 30) < TODAY
    listed = rows_of(page(client, "/admin/module?overdue=yes"))
    if overdue_today:
        assert listed == ["Ada Absent", "Ben Reading", "Cat Check", "Dan Acknowledge"]
    else:
        assert listed == []


def test_sorts_by_name_status_and_completion(client, five_steps):
    everyone = ["Ada Absent", "Ben Reading", "Cat Check", "Dan Acknowledge", "Eve Done"]
    assert rows_of(page(client)) == [*everyone, "Hattie Head"]
    assert rows_of(page(client, "/admin/module?sort=-name")) == ["Hattie Head", *everyone[::-1]]
    by_status = rows_of(page(client, "/admin/module?sort=status"))
    assert by_status == ["Ada Absent", "Hattie Head", *everyone[1:]]
    assert rows_of(page(client, "/admin/module?sort=-status"))[:2] == [
        "Eve Done",
        "Dan Acknowledge",
    ]
    finisher = take_to(make_staff(name="Zed Later"), "complete")
    db.session.execute(
        Acknowledgement.__table__.update()
        .where(Acknowledgement.staff_id == finisher.id)
        .values(created_at=datetime.now() + timedelta(minutes=5))
    )
    db.session.commit()
    completed = rows_of(page(client, "/admin/module?sort=completed"))
    assert completed[:2] == ["Eve Done", "Zed Later"]
    latest_first = rows_of(page(client, "/admin/module?sort=-completed"))
    assert latest_first[:2] == ["Zed Later", "Eve Done"]
    assert latest_first[2:] == completed[2:]  # not completed: last either way, by name


def test_fifty_a_page_with_a_pager(client, head):
    for n in range(55):
        make_staff(name=f"Person {n:02d}")
    first = page(client)
    assert "1 to 50 of 56 members of staff." in first and "Page 1 of 2" in first
    assert len(rows_of(first)) == 50
    second = page(client, "/admin/module?page=2")
    assert rows_of(second) == [
        "Person 49",
        "Person 50",
        "Person 51",
        "Person 52",
        "Person 53",
        "Person 54",
    ]
    past = page(client, "/admin/module?page=9")
    assert rows_of(past) == [] and "Page 9 is past the end" in past


@pytest.mark.parametrize(
    "query",
    ["status=lost", "overdue=no", "role=governor", "sort=email", "page=0", "page=x", "colour=red"],
)
def test_anything_the_list_does_not_offer_is_a_400(client, head, query):
    assert client.get(f"/admin/module?{query}").status_code == 400
    assert client.get(f"/admin/module.csv?{query}").status_code == 400


def test_htmx_refresh_swaps_only_the_results(client, five_steps):
    response = client.get("/admin/module?status=complete", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert rows_of(html) == ["Eve Done"] and "<h1>" not in html and 'id="list-count"' in html


def test_the_csv_holds_the_rows_the_page_shows(client, five_steps):
    for url in ("/admin/module", "/admin/module?sort=-status&role=teacher"):
        html = page(client, url)
        response = client.get(url.replace("/admin/module", "/admin/module.csv"))
        assert response.status_code == 200 and response.mimetype == "text/csv"
        table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
        assert table[0][:4] == ["Name", "Email", "Roles", "Status"]
        assert [row[0] for row in table[1:]] == rows_of(html)
        for row in table[1:]:
            cells = [" ".join(cell) for cell in cells_of(html, row[0])]
            assert row[3] == cells[1] and row[4] == cells[2] and row[5] == cells[3]


def remind(client, person, headers=None):
    url = f"/admin/module/{person.id}/remind"
    return post_form(client, url, page="/admin/module", headers=headers or {})


def outbox_to(person) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.to_address == person.email)
    )


def test_a_reminder_from_a_row_queues_one_email_even_on_a_double_click(client, five_steps):
    person = five_steps["check"]
    first = remind(client, person)
    assert first.status_code == 302 and first.location.endswith("/admin/module")
    again = remind(client, person)
    assert again.status_code == 302
    assert outbox_to(person) == 1
    html = client.get(again.location).get_data(as_text=True)
    assert "was reminded in the last 7 days: no email was sent" in html
    assert " ".join(cells_of(html, "Cat Check")[7]) == long_date(TODAY)


def test_a_reminder_by_htmx_swaps_the_row_and_announces_it(client, five_steps):
    person = five_steps["reading"]
    response = remind(client, person, headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<tr id="module-row-{person.id}">')
    assert f"Reminder queued for {person.name}." in html and 'role="status"' in html
    assert "portal:focus" in response.headers["HX-Trigger-After-Settle"]


def test_the_row_reminder_keeps_the_lists_address(client, five_steps):
    url = f"/admin/module/{five_steps['reading'].id}/remind?status=reading&sort=-name"
    response = post_form(client, url, page="/admin/module?status=reading&sort=-name")
    assert response.status_code == 302
    assert response.location.endswith("/admin/module?status=reading&sort=-name")


def test_nobody_complete_and_nobody_who_does_not_take_it_is_reminded(client, five_steps):
    done = five_steps["complete"]
    response = remind(client, done)
    html = client.get(response.location).get_data(as_text=True)
    assert "has completed the module: no email was sent" in html and outbox_to(done) == 0
    governor = make_staff(roles=("governor",))
    gone = make_staff(active=False)
    assert remind(client, governor).status_code == 404
    assert remind(client, gone).status_code == 404
    assert (
        post_form(client, "/admin/module/999999999/remind", page="/admin/module").status_code == 404
    )


def test_the_whole_school_reminder_stays_on_the_list(client, five_steps):
    response = post_form(client, "/module/reminders", page="/admin/module")
    assert response.location.endswith("/admin/module")
    html = client.get(response.location).get_data(as_text=True)
    assert "Queued 5 reminder emails" in html


def test_the_old_completion_address_leads_to_the_list(client, head):
    response = client.get("/module/staff")
    assert response.status_code == 302 and response.location.endswith("/admin/module")


def test_teachers_are_refused(client, policies):
    teacher = make_staff()
    sign_in(client, teacher.email)
    assert client.get("/admin/module").status_code == 403
    assert client.get("/admin/module.csv").status_code == 403
    assert post_form(client, f"/admin/module/{teacher.id}/remind", page="/").status_code == 403


def test_governors_see_the_totals_and_never_a_name(app, client, five_steps):
    governor = make_staff(roles=("governor",), name="Gwen Governor")
    governors = app.test_client()
    sign_in(governors, governor.email)
    html = page(governors)
    assert "1 of 6 (17%) members of staff have completed the module" in html
    assert "2 of 6" in html  # not started
    for person in five_steps.values():
        assert person.name not in html and person.email not in html
    assert "Hattie Head" not in html and 'id="list-results"' not in html
    assert governors.get("/admin/module.csv").status_code == 403
    # A leader's shared address opens; an address the list does not offer is refused.
    assert governors.get("/admin/module?status=complete&sort=-name").status_code == 200
    assert governors.get("/admin/module?colour=red").status_code == 400
    assert post_form(governors, f"/admin/module/{governor.id}/remind", page="/").status_code == 403


def test_e_safety_lead_sees_the_list_but_sends_no_reminders(app, five_steps):
    lead = make_staff(roles=("esafety_lead",), name="Lee Lead")
    leads = app.test_client()
    sign_in(leads, lead.email)
    html = page(leads)
    assert "Ada Absent" in html and "Send a reminder" not in html


def test_the_list_costs_the_same_sql_with_more_staff(client, head):
    def statements_with(more: int) -> int:
        for n in range(more):
            take_to(make_staff(), ("not_started", "reading", "check", "complete")[n % 4])
        with counting_queries() as statements:
            page(client, "/admin/module?sort=status")
        return len(statements)

    assert statements_with(3) == statements_with(12)


def test_four_reminder_clicks_at_once_queue_one_email(live_server, policies):
    head = make_staff("head@wilkinson.example.org", roles=("head_teacher",))
    late = make_staff(name="Late Larry")
    browsers = [Browser(live_server).sign_in(head.email) for _ in range(4)]
    url = f"/admin/module/{late.id}/remind"

    responses = at_once([b.poster(url, page="/admin/module") for b in browsers])

    assert [r.status_code for r in responses] == [302] * 4
    db.session.rollback()  # see what the server's requests committed
    assert outbox_to(late) == 1
