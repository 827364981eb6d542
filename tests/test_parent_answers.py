"""Who has answered: per class totals, the follow-up list, a class's guardians, and the CSVs."""

import csv
import io
from datetime import timedelta
from itertools import cycle

import pytest
from sqlalchemy import insert, literal, select, update

from portal.clock import utcnow
from portal.extensions import db
from portal.parents import guide_change, service
from portal.parents.models import ParentCampaign, ParentInvite
from portal.people.models import Guardian, Pupil, guardian_pupil
from portal.policies.models import Acknowledgement
from tests.helpers.builders import install_content, make_class, make_guardian, make_pupil
from tests.helpers.checkers import assert_valid_html
from tests.helpers.parents import MAIL, TODAY, start
from tests.helpers.policies import publish
from tests.helpers.queries import counting_queries
from tests.helpers.roster import snapshot
from tests.helpers.tables import table_rows
from tests.helpers.web import body_of, signed_in

PAGE = "/admin/parents/answers"
TOTALS_CSV = "/admin/parents/answers.csv"
FOLLOW_UP_CSV = "/admin/parents/answers/follow-up.csv"
HEADER = ["Class", "Acknowledged", "Have a question", "Do not agree", "No answer", "No email"]


def say(guardian, response, note=None, typed_name=None, when=None):
    """The guardian answers online, as the parent's page records it."""
    invite = db.session.scalar(select(ParentInvite).where(ParentInvite.guardian_id == guardian.id))
    service.record_answer(invite, response, typed_name, note, MAIL, now=when)
    db.session.commit()


def on_paper(guardian, response="acknowledged", method="paper"):
    """An answer the office took down (the paper route records it this way)."""
    campaign = db.session.scalar(select(ParentInvite)).campaign
    db.session.add(
        Acknowledgement(
            guardian_id=guardian.id,
            policy_version_id=campaign.policy_version_id,
            academic_year=campaign.academic_year,
            response=response,
            method=method,
        )
    )
    db.session.commit()


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def by_class(page: str) -> dict[str, list[str]]:
    """The totals table: each class's counts, then the whole school's."""
    totals = page.split('id="follow-up"')[0]
    return {row[0]: row[1:] for row in table_rows(totals) if row and row[0] != "Class"}


@pytest.fixture
def leader(app):
    client = app.test_client()
    signed_in(client, "head_teacher")
    return client


@pytest.fixture
def governor(app):
    client = app.test_client()
    signed_in(client, "governor")
    return client


def class_page(family):
    return f"/admin/parents/answers/{family['amara'].school_class.id}"


def class_list(family, **args):
    """Where a class page now leads: the guardians list, filtered by the class."""
    query = "".join(f"&{name}={value}" for name, value in args.items())
    return f"/admin/guardians?class={family['amara'].school_class.id}{query}"


# The totals


def test_each_class_counts_its_guardians_and_the_school_counts_each_once(family, leader):
    start()
    rows = by_class(body_of(leader.get(PAGE)))
    # Grace has an email and has not answered; Femi has no email. Both are in Oak and Ash.
    assert rows["Oak"] == rows["Ash"] == rows["Whole school"] == ["0", "0", "0", "1", "1", "2"]
    assert list(rows) == ["Oak", "Ash", "Whole school"]  # the school's order: by year group


def test_an_online_answer_moves_the_guardian_in_every_class_they_are_in(family, leader):
    start()
    say(family["grace"], "acknowledged", typed_name="Grace")
    page = body_of(leader.get(PAGE))
    rows = by_class(page)
    assert rows["Oak"] == rows["Ash"] == rows["Whole school"] == ["1", "0", "0", "0", "1", "2"]
    assert "1 of 2 guardians (50%) have acknowledged" in page
    say(family["femi"], "question", note="Can I film?")
    rows = by_class(body_of(leader.get(PAGE)))
    assert rows["Whole school"] == ["1", "1", "0", "0", "0", "2"]  # an answer, email or not


def test_no_email_is_about_the_address_on_file_now(family, leader):
    start()
    family["grace"].email = "   "
    family["femi"].email = "femi@example.org"
    db.session.commit()
    assert by_class(body_of(leader.get(PAGE)))["Oak"] == ["0", "0", "0", "1", "1", "2"]
    family["femi"].email = None
    db.session.commit()
    assert by_class(body_of(leader.get(PAGE)))["Oak"] == ["0", "0", "0", "0", "2", "2"]


def test_a_child_without_a_class_gets_a_row_and_families_who_left_are_not_counted(family, leader):
    unplaced = make_guardian([make_pupil(first_name="Noor")], email="noor@example.org")
    gone = make_guardian([make_pupil(family["amara"].school_class, "Gone")], email="g@example.org")
    start()
    left = db.session.scalar(select(Pupil).where(Pupil.first_name == "Gone"))
    left.left_on = TODAY
    db.session.commit()
    page = body_of(leader.get(PAGE))
    rows = by_class(page)
    assert rows["No class"] == ["0", "0", "0", "1", "0", "1"]
    assert rows["Oak"][-1] == "2" and rows["Whole school"][-1] == "3"
    assert unplaced.full_name not in page and gone.full_name not in page


def test_without_a_campaign_the_page_says_so_and_offers_the_start(app, leader, governor):
    make_class("Oak")
    page = body_of(leader.get(PAGE))
    assert "has not started yet" in page and 'href="/admin/parents/"' in page
    page = body_of(governor.get(PAGE))
    assert "has not started yet" in page and 'href="/admin/parents/"' not in page
    assert leader.get(TOTALS_CSV).status_code == 404
    class_page = leader.get("/admin/parents/answers/1")
    assert class_page.status_code == 302 and class_page.location == "/admin/guardians?class=1"
    assert "has not started yet" in body_of(leader.get(class_page.location))


def test_the_campaign_page_links_here_with_the_same_totals(family, leader):
    start()
    say(family["grace"], "declined")
    page = body_of(leader.get("/admin/parents/"))
    assert 'href="/admin/parents/answers"' in page
    assert "Do not agree: 1" in page and "Acknowledged: 0 of 2" in page


def test_asking_again_about_a_new_guide_starts_the_counts_again(family, leader):
    start()
    say(family["grace"], "question", note="Old question")
    newer = publish("parents", kind="material", summary="A material change.")
    guide_change.ask_again(db.session.scalar(select(ParentCampaign)), newer, MAIL, TODAY)
    db.session.commit()
    page = body_of(leader.get(PAGE))
    assert by_class(page)["Whole school"] == ["0", "0", "0", "1", "1", "2"]
    assert "Old question" not in page and "Nobody has a question" in page


# Who sees what


def test_a_governor_sees_the_numbers_but_no_name_and_cannot_open_a_class(family, governor):
    start()
    say(family["grace"], "question", note="Why?")
    page = body_of(governor.get(PAGE))
    assert by_class(page)["Whole school"] == ["0", "1", "0", "0", "1", "2"]
    assert family["grace"].full_name not in page and "To get back to" not in page
    assert "/admin/parents/answers/" not in page.replace(TOTALS_CSV, "")  # no class links
    assert governor.get(TOTALS_CSV).status_code == 200
    for url in (class_page(family), class_page(family) + ".csv", FOLLOW_UP_CSV):
        assert governor.get(url).status_code == 403


@pytest.mark.parametrize("role", ["teacher", "staff"])
def test_teachers_and_staff_see_none_of_it(family, client, role):
    start()
    signed_in(client, role)
    urls = (PAGE, TOTALS_CSV, FOLLOW_UP_CSV, class_page(family), class_page(family) + ".csv")
    assert [client.get(url).status_code for url in urls] == [403] * 5


@pytest.mark.parametrize("role", ["admin", "esafety_lead"])
def test_the_office_and_the_esafety_lead_see_the_names(family, client, role):
    start()
    signed_in(client, role)
    page = body_of(client.get(PAGE))
    assert f'href="{class_list(family)}"' in page and "To get back to" in page
    assert client.get(class_page(family)).location == class_list(family)
    assert family["grace"].full_name in body_of(client.get(class_list(family)))


# The follow-up list


def test_the_follow_up_list_puts_questions_first_then_the_oldest(family, leader):
    amara = family["amara"]
    early = make_guardian([amara], email="early@example.org")
    late = make_guardian([amara], email="late@example.org")
    happy = make_guardian([amara], email="happy@example.org")
    start()
    now = utcnow()
    say(early, "declined", note="Too strict", when=now - timedelta(days=3))
    say(family["grace"], "question", note="Late question", when=now - timedelta(days=1))
    say(late, "question", note="Early question", when=now - timedelta(days=2))
    say(happy, "acknowledged", typed_name="Happy")
    page = body_of(leader.get(PAGE))
    follow_up = page[page.index("To get back to") :]
    rows = [row for row in table_rows(follow_up) if row[0] != "Guardian"]
    assert [(row[0], row[1], row[2], row[4]) for row in rows] == [
        (late.full_name, "Oak", "Have a question", "Early question"),
        (family["grace"].full_name, "Oak, Ash", "Have a question", "Late question"),
        (early.full_name, "Oak", "Do not agree", "Too strict"),
    ]
    assert happy.full_name not in follow_up


def test_a_question_is_shown_as_text_never_as_markup(family, leader):
    start()
    say(family["grace"], "question", note="<script>alert('hi')</script>\nSecond line " + "x" * 900)
    page = body_of(leader.get(PAGE))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#39;hi&#39;)&lt;/script&gt;\nSecond line " + "x" * 900 in page


# A class's guardians


def test_a_class_page_lists_its_guardians_with_children_status_date_and_how(family, leader):
    amara = family["amara"]
    sibling = make_pupil(amara.school_class, "Zara")
    db.session.execute(
        insert(guardian_pupil).values(guardian_id=family["grace"].id, pupil_id=sibling.id)
    )
    db.session.commit()
    by_phone = make_guardian([amara], email="phone@example.org")
    start()
    say(family["grace"], "acknowledged", typed_name="Grace")
    on_paper(family["femi"], "declined")
    on_paper(by_phone, method="phone")
    rows = table_rows(body_of(leader.get(class_list(family))))
    assert by_class(body_of(leader.get(PAGE)))["Oak"] == ["2", "0", "1", "0", "0", "3"]
    day = f"{TODAY.day} {TODAY:%B %Y}"
    assert sorted(row[:5] for row in rows[1:]) == sorted(
        [
            [family["grace"].full_name, "Oak, Ash", "Acknowledged", day, "online"],
            [family["femi"].full_name, "Oak, Ash", "Do not agree", day, "paper"],
            [by_phone.full_name, "Oak", "Acknowledged", day, "telephone"],
        ]
    )


def test_the_class_page_filters_by_status_without_javascript(family, leader):
    start()
    url = class_page(family)
    assert leader.get(url + "?status=no_email").location == class_list(family, status="no_email")
    page = body_of(leader.get(class_list(family, status="no_email")))
    names = [row[0] for row in table_rows(page)[1:]]
    assert names == [family["femi"].full_name]
    assert '<option value="no_email" selected>' in page
    assert leader.get(url + "?status=").location == class_list(family)  # every guardian
    assert "No guardians match" in body_of(leader.get(class_list(family, status="declined")))


def test_an_unknown_class_or_status_is_a_plain_refusal(family, leader):
    start()
    before = snapshot()
    assert leader.get("/admin/parents/answers/999999").status_code == 404
    assert leader.get("/admin/parents/answers/999999.csv").status_code == 404
    assert leader.get("/admin/parents/answers/oak").status_code == 404
    assert leader.get("/admin/parents/answers/-1").status_code == 404
    assert leader.get(class_page(family) + "?status=consented").status_code == 400
    assert leader.get(class_page(family) + ".csv?status=%00").status_code == 400
    assert snapshot() == before


# The CSVs


def test_the_totals_csv_matches_the_page(family, leader):
    start()
    say(family["grace"], "acknowledged", typed_name="Grace")
    response = leader.get(TOTALS_CSV)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Cache-Control"] == "no-store"
    page = body_of(leader.get(PAGE))
    assert csv_rows(response) == [[*HEADER, "Guardians"], *table_rows(page)[1:4]]
    assert 'href="/admin/parents/answers.csv"' in page


def test_the_class_csv_matches_the_filtered_page_and_defuses_formulas(family, leader):
    amara = family["amara"]
    trick = make_guardian([amara], email=None)
    trick.first_name, trick.last_name = '=HYPERLINK("http://evil")', "-2+3"
    db.session.commit()
    start()
    url = class_page(family)
    page = body_of(leader.get(class_list(family, status="no_email")))
    csv_url = f"/admin/guardians.csv?class={amara.school_class.id}&status=no_email"
    assert f'href="{csv_url.replace("&", "&amp;")}"' in page
    assert leader.get(url + ".csv?status=no_email").location == csv_url  # the old address
    rows = csv_rows(leader.get(csv_url))
    assert rows[0] == [
        "Guardian",
        "Children's classes",
        "Status",
        "Answered on",
        "How",
        "Reminders",
    ]
    expected = sorted(row[:6] for row in table_rows(page)[1:])
    assert sorted(rows[1:]) == [
        ["'" + row[0] if row[0].startswith("=") else row[0], *row[1:]] for row in expected
    ]
    assert ['\'=HYPERLINK("http://evil") -2+3', "Oak", "No email", "", "", "None"] in rows


def test_the_follow_up_csv_keeps_the_whole_text_and_defuses_formulas(family, leader):
    start()
    say(family["grace"], "question", note='@SUM(1+1)\n"quoted", and long ' + "y" * 1500)
    rows = csv_rows(leader.get(FOLLOW_UP_CSV))
    day = f"{TODAY.day} {TODAY:%B %Y}"
    assert rows == [
        ["Guardian", "Classes", "Answer", "Answered on", "Question or reason"],
        [
            family["grace"].full_name,
            "Oak, Ash",
            "Have a question",
            day,
            '\'@SUM(1+1)\n"quoted", and long ' + "y" * 1500,
        ],
    ]


# Cost and validity


def add_families(first: int, count: int, rooms: list) -> list[int]:
    """``count`` guardians of a child each, spread over ``rooms``; every third has no email."""
    numbers = range(first, first + count)
    pupil_ids = db.session.scalars(
        insert(Pupil).returning(Pupil.id),
        [
            {"mis_id": f"C{n}", "first_name": f"Kid{n}", "last_name": "X", "class_id": room.id}
            for n, room in zip(numbers, cycle(rooms), strict=False)
        ],
    ).all()
    guardian_ids = db.session.scalars(
        insert(Guardian).returning(Guardian.id),
        [
            {"mis_id": f"M{n}", "first_name": "Pat", "last_name": f"N{n}", "email": f"m{n}@ex.org"}
            for n in numbers
        ],
    ).all()
    pairs = zip(guardian_ids, pupil_ids, strict=True)
    db.session.execute(
        insert(guardian_pupil), [{"guardian_id": g, "pupil_id": p} for g, p in pairs]
    )
    db.session.execute(
        update(Guardian).where(Guardian.id.in_(guardian_ids[::3])).values(email=None)
    )
    db.session.commit()
    return guardian_ids


def costs(client, room) -> list[int]:
    lists = f"/admin/guardians?class={room.id}"
    urls = [PAGE, TOTALS_CSV, FOLLOW_UP_CSV, lists, lists.replace("?", ".csv?")]
    counts = []
    for url in urls:
        with counting_queries() as statements:
            assert client.get(url).status_code == 200
        counts.append(len(statements))
    return counts


def test_the_pages_and_csvs_cost_the_same_queries_for_2_or_20_guardians(app, leader):
    install_content()
    rooms = [make_class(f"Room {n}", n) for n in range(2)]
    add_families(0, 2, rooms)
    campaign = start()
    for guardian in db.session.scalars(select(Guardian)).all():
        say(guardian, "question", note="Why?")
    small = costs(leader, rooms[0])

    # 18 more guardians across 6 classes, invited late (as the paper route may), one of them
    # with a child in every class, six of them answering.
    rooms += [make_class(f"Room {n}", n) for n in range(2, 6)]
    more = add_families(2, 18, rooms)
    everyone_else = select(literal(more[1]), Pupil.id).where(
        Pupil.id.not_in(
            select(guardian_pupil.c.pupil_id).where(guardian_pupil.c.guardian_id == more[1])
        )
    )
    db.session.execute(
        insert(guardian_pupil).from_select(["guardian_id", "pupil_id"], everyone_else)
    )
    db.session.execute(
        insert(ParentInvite),
        [{"campaign_id": campaign.id, "guardian_id": g, "created_at": utcnow()} for g in more],
    )
    db.session.commit()
    for guardian in db.session.scalars(select(Guardian).where(Guardian.id.in_(more[:6]))).all():
        say(guardian, "declined", note="No")
    assert len(by_class(body_of(leader.get(PAGE)))) == 7  # six classes and the school
    assert len(table_rows(body_of(leader.get(f"/admin/guardians?class={rooms[0].id}")))) > 4
    assert costs(leader, rooms[0]) == small
    assert max(small) <= 8, small


@pytest.mark.html_validator
def test_every_answers_page_is_valid_html(family, leader, governor, tmp_path):
    pages = {"none-yet": body_of(leader.get(PAGE))}
    start()
    say(family["grace"], "question", note="<b>Why?</b>")
    url = class_page(family)
    pages.update(
        {
            "leader": body_of(leader.get(PAGE)),
            "governor": body_of(governor.get(PAGE)),
            "class": body_of(leader.get(leader.get(url).location)),
            "class-filtered": body_of(leader.get(leader.get(url + "?status=declined").location)),
            "campaign": body_of(leader.get("/admin/parents/")),
        }
    )
    assert_valid_html(pages, tmp_path)
