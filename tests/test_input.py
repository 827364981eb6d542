"""Bad input gets a clear answer (404, a form error, 413), never a 500, and is never stored."""

import re
from types import SimpleNamespace

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from wtforms import StringField

from portal.auth import service as auth_service
from portal.auth.models import Throttle
from portal.classroom.views import CLASS_KEY
from portal.extensions import db
from portal.forms import PortalForm
from portal.input_rules import CONTROL_CHARACTER_MESSAGE, has_control_characters
from portal.people.models import Staff
from portal.people.roster import RosterProblems, parse_roster
from portal.policies.forms import ReviewForm
from portal.policies.models import Policy
from tests.helpers.builders import (
    PASSWORD,
    install_content,
    make_class,
    make_pupil,
    make_staff,
    open_class_session,
    seat_pupil,
)
from tests.helpers.roster import HEADER, SMALL, counts, csv_text, snapshot, upload, write_csv
from tests.helpers.web import csrf_token, hidden_value, post_form, sign_in, signed_in

BIGGEST_ADDRESS_ID = "999999999"  # nine digits: fits an INTEGER column on both databases
# One past PostgreSQL's INTEGER (the id columns); past SQLite's 64-bit integer; and past
# the digits Python's int() will read.
TOO_BIG_IDS = [str(2**31), "99999999999999999999", "9" * 5000]
INT_ARGUMENT = re.compile(r"<int:\w+>")
OTHER_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>")


def addresses_with_int_ids(app, number: str, values: dict) -> list[tuple[str, str]]:
    """(method, address) for every route with an <int:...> argument, each id set to number."""
    found = []
    for rule in app.url_map.iter_rules():
        if not INT_ARGUMENT.search(rule.rule):
            continue
        address = INT_ARGUMENT.sub(number, rule.rule)
        address = OTHER_ARGUMENT.sub(lambda m: values[m.group(1)], address)
        found += [(method, address) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


@pytest.fixture
def school(app):
    """The shipped policies and a Year 1 class, Oak, taught by an admin."""
    install_content()
    oak = make_class("Oak", 1)
    admin = make_staff(roles=("admin", "teacher"), classes=[oak])
    slug = db.session.scalars(select(Policy.slug)).first()
    return SimpleNamespace(oak=oak, admin=admin, slug=slug, pupil=make_pupil(oak))


@pytest.fixture
def everyone_signed_in(client, school):
    """One client that may open every page: the admin, on a tablet with Oak's session open."""
    sign_in(client, school.admin.email)
    class_session = open_class_session(school.oak, school.admin)
    with client.session_transaction() as session:
        session[CLASS_KEY] = class_session.id
    return client


def statuses_with_every_id_set_to(app, client, number: str) -> dict[str, int]:
    """Request every route with an id as ``number``: GET, and POST with a CSRF token."""
    slug = db.session.scalars(select(Policy.slug)).first()
    addresses = addresses_with_int_ids(app, number, {"slug": slug, "change": "note"})
    assert len(addresses) >= 20  # the walk found the routes, not nothing
    token = csrf_token(client, "/")
    return {
        f"{method} {address}": client.open(
            address, method=method, data={"csrf_token": token}
        ).status_code
        for method, address in addresses
    }


@pytest.mark.parametrize("number", TOO_BIG_IDS)
def test_every_route_answers_404_for_an_id_too_big_for_the_database(
    app, everyone_signed_in, number
):
    statuses = statuses_with_every_id_set_to(app, everyone_signed_in, number)
    refused = [f"{request} {status}" for request, status in statuses.items() if status != 404]
    assert refused == [], "\n".join(refused)


def test_the_biggest_id_an_address_may_hold_reaches_the_views_and_finds_nothing(
    app, everyone_signed_in
):
    statuses = statuses_with_every_id_set_to(app, everyone_signed_in, BIGGEST_ADDRESS_ID)
    failed = [f"{request} {status}" for request, status in statuses.items() if status >= 500]
    assert failed == [], "\n".join(failed)
    assert statuses[f"GET /teach/classes/{BIGGEST_ADDRESS_ID}"] == 404


@pytest.mark.parametrize(
    "address",
    [
        "/policies/%00/versions/1",
        "/policies/online-safety%0A/compare",
        "/set-password/abc%00def",
        "/policies/%1B%5B2J",
    ],
)
def test_a_control_character_in_an_address_is_not_found(everyone_signed_in, address):
    assert everyone_signed_in.get(address).status_code == 404


# Ids sent in forms and query strings rather than in the address.
IDS_IN_FORMS = [
    ("POST", "/teach/sessions", {"class_id": "{n}"}, 400),
    ("POST", "/teach/classes/{oak}/aup", {"pupil": "{n}"}, 302),
    ("GET", "/admin/outbox/?page={n}", {}, 200),  # like page=abc: the first page
    ("GET", "/policies/{slug}/compare?from={n}", {}, 400),
    ("POST", "/module/acknowledge", {"version_id": "{n}", "typed_name": "Sam"}, 422),
    (
        "POST",
        "/admin/staff/new",
        {"name": "Sam Carer", "email": "sam@example.org", "roles": "teacher", "classes": "{n}"},
        422,
    ),
]


@pytest.mark.parametrize("number", TOO_BIG_IDS[:2])
@pytest.mark.parametrize("method, address, data, status", IDS_IN_FORMS)
def test_an_id_too_big_for_the_database_in_a_form_or_query_is_refused_plainly(
    everyone_signed_in, school, number, method, address, data, status
):
    values = {"n": number, "oak": school.oak.id, "slug": school.slug}
    form = {name: value.format(**values) for name, value in data.items()}
    token = csrf_token(everyone_signed_in, "/")
    response = everyone_signed_in.open(
        address.format(**values), method=method, data={"csrf_token": token, **form}
    )
    assert response.status_code == status


@pytest.mark.parametrize("number", TOO_BIG_IDS)
def test_a_pupil_agreeing_to_an_aup_version_too_big_for_the_database_is_refused(
    app, client, school, number
):
    seat_pupil(client, open_class_session(school.oak, school.admin), school.pupil)
    token = csrf_token(client, "/me/aup")
    response = client.post("/me/aup", data={"csrf_token": token, "version_id": number})
    assert response.status_code == 400


def all_subclasses(cls) -> set[type]:
    return {sub for child in cls.__subclasses__() for sub in {child, *all_subclasses(child)}}


def test_every_form_in_the_portal_derives_from_the_portal_form(app):
    forms = {form for form in all_subclasses(FlaskForm) if form.__module__.startswith("portal.")}
    assert len(forms) >= 12  # the views were imported, so their forms were found
    assert {form.__qualname__ for form in forms if not issubclass(form, PortalForm)} == set()


@pytest.mark.parametrize(
    "next_page",
    [
        "/policies/\r\nSet-Cookie: planted=1",
        "/admin/staff/\n",
        "/\x00",
        "/module/\x1b[2J",
        "/\t/evil.example",  # a browser drops the tab: //evil.example
    ],
)
def test_signing_in_with_a_next_page_holding_control_characters_lands_on_home(client, next_page):
    staff = make_staff()
    page = client.get("/sign-in", query_string={"next": next_page})
    assert page.status_code == 200
    sent_back = hidden_value(page.get_data(as_text=True), "next")
    assert sent_back == ""
    for sent in (sent_back, next_page):  # as the browser sends it back, and as crafted
        client.post("/sign-out", data={"csrf_token": csrf_token(client, "/sign-in")})
        response = post_form(
            client, "/sign-in", {"email": staff.email, "password": PASSWORD, "next": sent}
        )
        assert response.status_code == 302 and response.location == "/"
        assert "planted" not in response.headers.get("Set-Cookie", "")


def counted_keys() -> list[str]:
    """What the sign-in throttle has counted attempts against, with their counts."""
    db.session.rollback()
    return [tuple(row) for row in db.session.execute(select(Throttle.key, Throttle.attempts))]


def test_a_sign_in_form_of_megabytes_is_refused_whole_and_nothing_is_stored(client):
    email = "a" * (1900 * 1024) + "@example.org"
    response = post_form(client, "/sign-in", {"email": email, "password": "wrong"})
    html = response.get_data(as_text=True)
    assert response.status_code == 413 and "too big" in html
    assert "a" * 300 not in html
    assert counted_keys() == []


def test_an_overlong_email_is_a_form_error_shown_cut_and_counted_only_against_the_address(client):
    email = "a" * (100 * 1024) + "@example.org"
    response = post_form(client, "/sign-in", {"email": email, "password": "wrong"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Use at most 254 characters" in html
    assert 'maxlength="254"' in html  # the browser stops at the cap too
    assert "a" * 255 not in html
    assert counted_keys() == [(auth_service.address_key("127.0.0.1"), 1)]


def test_every_form_is_capped_not_only_sign_in(client):
    signed_in(client, "admin")
    name = "Sam " * (200 * 1024)
    response = post_form(client, "/admin/staff/new", {"name": name, "email": "sam@example.org"})
    assert response.status_code == 413
    assert "Sam Sam Sam" not in response.get_data(as_text=True)
    many = {f"field{n}": "x" for n in range(2000)}
    assert post_form(client, "/admin/staff/new", many).status_code == 413


def test_a_previewed_roster_bigger_than_a_form_may_be_still_applies(client):
    signed_in(client, "admin")
    padded = csv_text(*SMALL) + "\n" * (300 * 1024)  # blank lines: ~900 KB once sent back
    preview = upload(client, padded.encode())
    assert preview.status_code == 200
    applied = post_form(
        client,
        "/admin/roster/apply",
        {"roster": hidden_value(preview.get_data(as_text=True), "roster"), "full": "1"},
        page="/admin/roster/",
    )
    assert applied.status_code == 302 and counts()["pupil"] == 3


# The roster: a cell the portal cannot take is a problem named with its line, like any other.

HUGE_CELL = "x" * (200 * 1024)  # beyond the csv module's own limit for a field


def roster_problems(text: str) -> list[str]:
    with pytest.raises(RosterProblems) as raised:
        parse_roster(text)
    return [str(problem) for problem in raised.value.problems]


@pytest.mark.parametrize(
    "row, problem",
    [
        (f"pupil,P9,{HUGE_CELL},Okoye,Year 1,Oak,,,", "a cell is longer than 1,000 characters"),
        (f"pupil,P9,Amara,Okoye,Year 1,{'Oak' * 400},,,", "class is longer than 1,000 characters"),
        (f"hamster{'!' * 2000},H1,A,B,,,,,", "type is longer than 1,000 characters"),
        ("pupil,P9,Am\x00ara,Okoye,Year 1,Oak,,,", "first name holds an invisible control"),
        ("pupil,P9,Amara,\x1b[2JOkoye,Year 1,Oak,,,", "last name holds an invisible control"),
        ('pupil,P9,"Amara\nJane",Okoye,Year 1,Oak,,,', "first name holds an invisible control"),
        ("guardian,G9,Sam,Okoye,,,sam@example.org\t,,P1", "email holds an invisible control"),
    ],
)
def test_a_roster_cell_too_long_or_with_a_control_character_is_named_with_its_line(row, problem):
    text = csv_text("pupil,P1,Amara,Okoye,Year 1,Oak,,,", "pupil,P2,Leo,Nowak,Year 1,Oak,,,", row)
    found = roster_problems(text)
    assert len(found) == 1 and found[0].startswith(f"line 4: {problem}"), found
    assert len(found[0]) < 200  # the cell itself is not echoed back


def test_a_control_character_in_a_column_the_portal_ignores_is_no_problem():
    text = csv_text("pupil,P1,Amara,Okoye,Year 1,Oak,,,,note\x07", header=HEADER + ",notes")
    assert [row.first_name for row in parse_roster(text).pupils] == ["Amara"]


def test_an_upload_with_a_huge_or_control_cell_lists_the_line_and_changes_nothing(client):
    signed_in(client, "admin")
    before = snapshot()
    text = csv_text(*SMALL, f"pupil,P9,{HUGE_CELL},Okoye,Year 1,Oak,,,")
    huge = upload(client, text.encode())
    assert huge.status_code == 422
    assert "Line 8: a cell is longer than 1,000 characters" in huge.get_data(as_text=True)
    nul = upload(client, csv_text(*SMALL, "pupil,P9,Am\x00ara,Okoye,Year 1,Oak,,,").encode())
    assert nul.status_code == 422
    assert "Line 8: first name holds an invisible control" in nul.get_data(as_text=True)
    assert snapshot() == before


def test_the_import_command_names_the_huge_cell_and_changes_nothing(runner, tmp_path):
    before = snapshot()
    path = write_csv(tmp_path, *SMALL, f"staff,S9,A,{HUGE_CELL}")
    result = runner.invoke(args=["portal", "import-roster", str(path)])
    assert result.exit_code == 1
    assert "line 8: a cell is longer than 1,000 characters" in result.stderr
    assert "1 problem in" in result.stderr and snapshot() == before


# Control characters: refused in every text field, with a message that says what is wrong.

CONTROL_TEXT = "Sam\x00 Car\x1ber\x85"


def portal_forms() -> list[type]:
    return sorted(
        (form for form in all_subclasses(PortalForm) if form.__module__.startswith("portal.")),
        key=lambda form: form.__qualname__,
    )


def test_every_text_field_of_every_form_refuses_control_characters(app):
    checked = 0
    for form_class in portal_forms():
        with app.test_request_context(method="POST"):
            blank = form_class(meta={"csrf": False})
            names = [f.name for f in blank if isinstance(f, StringField)]
            form = form_class(
                formdata=MultiDict({name: CONTROL_TEXT for name in names}), meta={"csrf": False}
            )
            # A filter may have dropped the text already (the sign-in's next page).
            sent = [name for name in names if has_control_characters(form[name].data or "")]
            form.validate()
        for name in sent:
            assert CONTROL_CHARACTER_MESSAGE in form[name].errors, (form_class, name)
            assert "\x00" not in form[name]._value()  # never shown again as sent
        checked += len(sent)
    assert checked >= 12


def test_multi_line_text_may_hold_tabs_and_line_breaks_but_no_other_control_character(app):
    with app.test_request_context(method="POST"):
        notes = ReviewForm(formdata=MultiDict({"notes": "Who:\tSam\r\nWhat: all"}))
        notes.validate()
        assert notes.notes.errors == []
        bell = ReviewForm(formdata=MultiDict({"notes": "Who:\tSam\x07"}))
        bell.validate()
        assert bell.notes.errors == [CONTROL_CHARACTER_MESSAGE]


def staff_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Staff))


def test_a_control_character_in_a_staff_name_is_refused_clearly_and_nothing_is_stored(client):
    admin = signed_in(client, "admin")
    before = staff_count()
    form = {"name": CONTROL_TEXT, "email": "sam@example.org", "roles": "teacher"}
    added = post_form(client, "/admin/staff/new", form)
    assert added.status_code == 422
    html = added.get_data(as_text=True)
    assert "invisible control character" in html and "\x00" not in html
    assert staff_count() == before
    edited = post_form(client, f"/admin/staff/{admin.id}/edit", {**form, "roles": "admin"})
    assert edited.status_code == 422
    db.session.expire_all()
    assert db.session.get(Staff, admin.id).name == admin.name


def test_a_control_character_from_a_pupils_tablet_is_refused_plainly(client, school):
    class_session = open_class_session(school.oak, school.admin, code="4821")
    code = post_form(client, "/class", {"code": "48\x0021"}, page="/class")
    assert code.status_code == 422 and "\x00" not in code.get_data(as_text=True)
    seat_pupil(client, class_session, school.pupil)
    aup = client.get("/me/aup").get_data(as_text=True)
    token = csrf_token(client, "/me/aup")
    client.post(
        "/me/aup", data={"csrf_token": token, "version_id": hidden_value(aup, "version_id")}
    )
    assert client.post("/me/start", data={"csrf_token": token}).location == "/me/quiz"
    answer = client.post("/me/quiz/q1", data={"csrf_token": token, "choice": "a\x00"})
    assert answer.status_code == 422


JUNK = "\x00\x1b" + "9" * 30
# Every name a view reads straight from the query string or the form, not through a form class.
RAW_INPUT_NAMES = ["code", "page", "status", "from", "to", "v", "progress", "next", "pupil"]
SIGNING_OUT = {"auth.logout", "classroom.sign_out"}  # the walk must stay signed in


def test_junk_in_any_query_or_form_field_of_any_route_is_never_a_500(app, everyone_signed_in):
    client = everyone_signed_in
    slug = db.session.scalars(select(Policy.slug)).first()
    junk = {name: JUNK for name in RAW_INPUT_NAMES}
    token = csrf_token(client, "/")
    statuses = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SIGNING_OUT:
            continue
        address = INT_ARGUMENT.sub("1", rule.rule)
        address = OTHER_ARGUMENT.sub(lambda m: {"slug": slug}.get(m.group(1), "x"), address)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            data = {"csrf_token": token, **junk} if method == "POST" else None
            response = client.open(address, method=method, query_string=junk, data=data)
            statuses[f"{method} {address}"] = response.status_code
    assert [request for request, status in statuses.items() if status >= 500] == []
    assert statuses["GET /admin/outbox/"] == 200  # still signed in at the end of the walk
