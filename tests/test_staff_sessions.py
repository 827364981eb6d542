"""Staff sessions live on the server: signing out ends them, and they last a working day."""

from datetime import timedelta

from sqlalchemy import select, update

from portal.auth.models import StaffSession
from portal.clock import utcnow
from portal.extensions import db
from tests.helpers.builders import make_staff
from tests.helpers.web import post_form, sign_in

COOKIE = "portal_session"


def copy_of_cookie(client) -> str:
    return client.get_cookie(COOKIE).value


def browser_with_cookie(app, value: str):
    browser = app.test_client()
    browser.set_cookie(COOKIE, value)
    return browser


def stored_sessions() -> list[StaffSession]:
    db.session.expire_all()
    return list(db.session.scalars(select(StaffSession)))


def test_a_copy_of_the_cookie_is_refused_once_its_owner_signs_out(app, client):
    staff = make_staff()
    sign_in(client, staff.email)
    copied = copy_of_cookie(client)
    assert browser_with_cookie(app, copied).get("/").status_code == 200
    post_form(client, "/sign-out", page="/")
    refused = browser_with_cookie(app, copied).get("/")
    assert refused.status_code == 302 and refused.location.startswith("/sign-in")


def test_signing_out_on_one_device_leaves_the_others_signed_in(app):
    staff = make_staff()
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, staff.email)
    sign_in(phone, staff.email)
    post_form(laptop, "/sign-out", page="/")
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 200


def test_a_session_unused_for_a_working_day_has_ended(client):
    sign_in(client, make_staff().email)
    assert client.get("/").status_code == 200
    eleven_hours_ago = utcnow() - timedelta(hours=11)
    db.session.execute(
        update(StaffSession).values(
            last_seen_at=eleven_hours_ago, expires_at=eleven_hours_ago + timedelta(hours=10)
        )
    )
    db.session.commit()
    refused = client.get("/")
    assert refused.status_code == 302 and refused.location.startswith("/sign-in")


def test_a_session_in_use_is_renewed_for_another_working_day(app, client):
    sign_in(client, make_staff().email)
    almost_over = utcnow() + timedelta(minutes=1)
    db.session.execute(
        update(StaffSession).values(
            last_seen_at=utcnow() - timedelta(hours=10), expires_at=almost_over
        )
    )
    db.session.commit()
    assert client.get("/").status_code == 200
    [renewed] = stored_sessions()
    hours = app.config["STAFF_SESSION_HOURS"]
    assert renewed.expires_at > utcnow() + timedelta(hours=hours, minutes=-1)
    assert client.get("/").status_code == 200
    assert stored_sessions()[0].expires_at == renewed.expires_at  # not a write per request


def test_the_session_cookie_ends_with_the_browser_and_nothing_remembers_the_sign_in(client):
    response = sign_in(client, make_staff().email)
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith(f"{COOKIE}="))
    assert "Expires" not in session_cookie and "Max-Age" not in session_cookie
    assert not any(c.startswith("remember_token=") for c in cookies)


def test_a_working_day_is_configurable(app, client):
    app.config["STAFF_SESSION_HOURS"] = 2
    sign_in(client, make_staff().email)
    [stored] = stored_sessions()
    assert stored.expires_at - stored.last_seen_at == timedelta(hours=2)
