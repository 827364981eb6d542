"""Throttles: a counted attempt and its limit are decided together, even under a burst."""

from collections import Counter
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from portal.auth.models import Throttle
from portal.auth.service import SignInRefused, Throttled, authenticate
from portal.clock import utcnow
from portal.extensions import db
from portal.people.models import Staff
from tests.helpers.builders import PASSWORD, make_class, make_staff, open_class_session
from tests.helpers.concurrency import Browser, at_once
from tests.helpers.web import post_form, sign_in

LIMITS = {"minutes": 15, "per_account": 10, "per_address": 50}


def change_password(client, current, new="purple tractor sunrise"):
    return post_form(
        client,
        "/account/password",
        {"current": current, "password": new, "confirm": new},
        page="/account/password",
    )


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def join(client, code):
    return post_form(client, "/class", {"code": code}, page="/class")


# Bursts: at most the limit is ever checked.


def test_36_wrong_passwords_at_once_are_checked_only_10_times(live_server):
    email = make_staff("teacher1@wilkinson.example.org").email
    wrong = {"email": email, "password": "a wrong guess"}
    tries = [Browser(live_server).poster("/sign-in", wrong) for _ in range(36)]
    statuses = [response.status_code for response in at_once(tries)]
    # 422 is a password that was checked and did not match; 429 was turned away unchecked.
    assert Counter(statuses) == {422: 10, 429: 26}


def test_80_wrong_class_codes_at_once_are_checked_only_50_times(live_server):
    oak = make_class("Oak", 1)
    open_class_session(oak, make_staff(classes=[oak]), code="4821")
    tries = [Browser(live_server).poster("/class", {"code": "1234"}) for _ in range(80)]
    statuses = [response.status_code for response in at_once(tries)]
    assert Counter(statuses) == {422: 50, 429: 30}


def test_guessing_the_current_password_is_stopped_before_the_right_one_works(app, client):
    staff = make_staff()
    sign_in(client, staff.email)
    for _ in range(25):
        change_password(client, current="a wrong guess")
    response = change_password(client, current=PASSWORD)
    assert response.status_code == 429
    assert "Too many wrong tries of your current password" in response.get_data(as_text=True)
    db.session.expire_all()
    assert check_password_hash(db.session.get(Staff, staff.id).password_hash, PASSWORD)


def test_a_right_current_password_within_the_limit_clears_the_wrong_tries(client):
    staff = make_staff()
    sign_in(client, staff.email)
    for _ in range(9):
        assert change_password(client, current="a wrong guess").status_code == 422
    assert change_password(client, current=PASSWORD, new="short").status_code == 422
    for _ in range(9):
        assert change_password(client, current="a wrong guess").status_code == 422
    assert change_password(client, current=PASSWORD).status_code == 302


def test_a_window_that_is_over_counts_afresh(app):
    staff = make_staff()
    long_ago = utcnow() - timedelta(minutes=16)
    for _ in range(10):
        with pytest.raises(SignInRefused):
            authenticate(staff.email, "a wrong guess", "10.0.0.1", LIMITS, now=long_ago)
    with pytest.raises(Throttled):
        authenticate(staff.email, PASSWORD, "10.0.0.1", LIMITS, now=long_ago)
    assert authenticate(staff.email, PASSWORD, "10.0.0.1", LIMITS).id == staff.id


@pytest.mark.parametrize("local_part, counted", [("x" * 230, 2), ("x" * 5000, 1)])
def test_whatever_is_typed_the_counted_key_stays_short(client, local_part, counted):
    """The longest email the form takes counts against the account and the address; a longer
    one is refused by the form and counts against the address only."""
    response = sign_in(client, local_part + "@wilkinson.example.org", "a wrong guess")
    assert response.status_code == 422
    keys = db.session.scalars(select(Throttle.key)).all()
    assert len(keys) == counted and max(len(key) for key in keys) <= 100


def test_a_school_signing_in_from_one_address_keeps_its_allowance_for_slips(app):
    people = [make_staff() for _ in range(60)]
    for person in people:
        assert sign_in(app.test_client(), person.email).status_code == 302
    for person in people[:49]:
        assert sign_in(app.test_client(), person.email, "a slip").status_code == 422
    assert sign_in(app.test_client(), people[-1].email).status_code == 302


def test_a_class_joining_from_one_address_keeps_its_allowance_for_wrong_codes(app):
    oak = make_class("Oak", 1)
    open_class_session(oak, make_staff(classes=[oak]), code="4821")
    for _ in range(60):
        assert join(app.test_client(), "4821").status_code == 302
    for _ in range(49):
        assert join(app.test_client(), "1234").status_code == 422
    assert join(app.test_client(), "4821").status_code == 302


# Being locked out: someone can let you back in.

STOPPED = "Tablets at this school's address were stopped after too many wrong codes"


def test_the_teacher_sees_tablets_stopped_and_lets_them_try_again(app):
    oak = make_class("Oak", 1)
    teacher = make_staff(classes=[oak])
    board = f"/teach/sessions/{open_class_session(oak, teacher, code='4821').id}"
    teacher_client, tablet = app.test_client(), app.test_client()
    sign_in(teacher_client, teacher.email)
    assert STOPPED not in text(teacher_client.get(board))
    for code in range(1000, 1050):
        join(tablet, str(code))
    assert join(tablet, "4821").status_code == 429
    live = teacher_client.get(f"{board}/live", headers={"HX-Request": "true"})
    assert STOPPED in text(live)  # the polled list shows it as it happens
    page = text(teacher_client.get(board))
    assert STOPPED in page and "Let tablets try again" in page
    response = post_form(teacher_client, f"{board}/let-tablets-try-again", page=board)
    assert response.status_code == 302
    assert STOPPED not in text(teacher_client.get(board))
    assert join(tablet, "4821").status_code == 302


def test_only_a_teacher_who_may_run_the_session_lets_tablets_try_again(app):
    oak, ash = make_class("Oak", 1), make_class("Ash", 2)
    board = f"/teach/sessions/{open_class_session(oak, make_staff(classes=[oak])).id}"
    other_teacher = app.test_client()
    sign_in(other_teacher, make_staff(classes=[ash]).email)
    tablet = app.test_client()
    for code in range(1000, 1050):
        join(tablet, str(code))
    response = post_form(other_teacher, f"{board}/let-tablets-try-again", page="/")
    assert response.status_code == 403
    assert join(tablet, "4821").status_code == 429


def test_an_admin_sees_a_locked_account_and_unlocks_it(app):
    locked = make_staff("locked@wilkinson.example.org", name="Ruth Okafor")
    admin = app.test_client()
    sign_in(admin, make_staff(roles=("admin",)).email)
    assert "Locked by failed sign-ins" not in admin.get("/admin/staff/").get_data(as_text=True)
    for _ in range(10):
        sign_in(app.test_client(), locked.email, "a wrong guess")
    assert sign_in(app.test_client(), locked.email).status_code == 429
    listing = admin.get("/admin/staff/").get_data(as_text=True)
    assert "Locked by failed sign-ins" in listing and "Unlock" in listing
    unlocked = post_form(admin, f"/admin/staff/{locked.id}/unlock", page="/admin/staff/")
    assert unlocked.status_code == 302
    assert "Ruth Okafor can sign in again" in admin.get("/admin/staff/").get_data(as_text=True)
    assert sign_in(app.test_client(), locked.email).status_code == 302


def test_only_an_admin_unlocks_an_account(app, client):
    locked = make_staff()
    for _ in range(10):
        sign_in(app.test_client(), locked.email, "a wrong guess")
    sign_in(client, make_staff(roles=("teacher",)).email)
    assert post_form(client, f"/admin/staff/{locked.id}/unlock", page="/").status_code == 403
    assert sign_in(app.test_client(), locked.email).status_code == 429
