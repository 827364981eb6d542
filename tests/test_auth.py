"""Staff sign-in, sign-out, throttling and the session."""

from portal.extensions import db
from tests.helpers.builders import make_staff
from tests.helpers.web import post_form, sign_in


def test_sign_in_lands_on_home_and_sign_out_ends_the_session(client):
    make_staff("teacher1@wilkinson.example.org", name="Ruth Okafor")
    response = sign_in(client, "Teacher1@Wilkinson.example.org ")
    assert response.status_code == 302 and response.location == "/"
    home = client.get("/")
    assert "Hello, Ruth" in home.get_data(as_text=True)
    assert home.headers["Cache-Control"] == "no-store"
    post_form(client, "/sign-out", page="/")
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client):
    make_staff("teacher1@wilkinson.example.org")
    wrong_password = sign_in(client, "teacher1@wilkinson.example.org", "not the password")
    unknown_email = sign_in(client, "nobody@wilkinson.example.org", "not the password")
    for response in (wrong_password, unknown_email):
        assert response.status_code == 422
        assert "do not match an active account" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_deactivated_staff_cannot_sign_in_and_are_signed_out(client):
    staff = make_staff("gone@wilkinson.example.org")
    assert sign_in(client, staff.email).status_code == 302
    staff.active = False
    db.session.commit()
    assert client.get("/").status_code == 302
    assert sign_in(client, staff.email).status_code == 422


def test_ten_wrong_passwords_throttle_the_account_even_with_the_right_one(client):
    staff = make_staff("teacher1@wilkinson.example.org")
    for _ in range(10):
        assert sign_in(client, staff.email, "guess").status_code == 422
    response = sign_in(client, staff.email)
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_throttle_is_counted_in_the_database_so_every_worker_sees_it(app):
    staff = make_staff("teacher1@wilkinson.example.org")
    # Two clients stand for two worker processes: they share nothing but the database.
    first, second = app.test_client(), app.test_client()
    for _ in range(5):
        sign_in(first, staff.email, "guess")
        sign_in(second, staff.email, "guess")
    assert sign_in(app.test_client(), staff.email).status_code == 429


def test_a_successful_sign_in_clears_the_account_failures(client):
    staff = make_staff("teacher1@wilkinson.example.org")
    for _ in range(9):
        sign_in(client, staff.email, "guess")
    assert sign_in(client, staff.email).status_code == 302
    post_form(client, "/sign-out", page="/")
    for _ in range(9):
        sign_in(client, staff.email, "guess")
    assert sign_in(client, staff.email).status_code == 302


def test_session_is_renewed_at_sign_in(client):
    staff = make_staff()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client, staff.email)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_next_only_leads_to_this_site(client):
    staff = make_staff()
    response = post_form(
        client,
        "/sign-in",
        {"email": staff.email, "password": "correct horse battery", "next": "//evil.example.com/"},
    )
    assert response.location == "/"
    client.get("/")
    post_form(client, "/sign-out", page="/")
    response = post_form(
        client,
        "/sign-in",
        {"email": staff.email, "password": "correct horse battery", "next": "/account/password"},
    )
    assert response.location == "/account/password"


def test_changing_password_signs_out_other_devices(app):
    staff = make_staff()
    laptop, phone = app.test_client(), app.test_client()
    sign_in(laptop, staff.email)
    sign_in(phone, staff.email)
    response = post_form(
        laptop,
        "/account/password",
        {
            "current": "correct horse battery",
            "password": "purple tractor sunrise",
            "confirm": "purple tractor sunrise",
        },
        page="/account/password",
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302
    assert sign_in(app.test_client(), staff.email, "purple tractor sunrise").status_code == 302


def test_a_short_new_password_is_refused_with_a_reason(client):
    staff = make_staff()
    sign_in(client, staff.email)
    response = post_form(
        client,
        "/account/password",
        {"current": "correct horse battery", "password": "short", "confirm": "short"},
        page="/account/password",
    )
    assert response.status_code == 422
    assert "at least 10 characters" in response.get_data(as_text=True)
