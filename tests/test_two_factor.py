"""Two-factor sign-in with an authenticator app, recovery codes, the safeguarding roles and who
must use it; the rescue for a lost phone."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.auth import totp, two_factor
from portal.auth.access import can_open_incident_log, roles_required, two_factor_required
from portal.auth.models import RecoveryCode, TwoFactorReset
from portal.clock import utcnow
from portal.extensions import db
from portal.people.models import Staff
from tests.helpers.builders import PASSWORD, make_staff
from tests.helpers.checkers import assert_valid_html
from tests.helpers.concurrency import Browser, at_once
from tests.helpers.queries import counting_queries
from tests.helpers.two_factor import give_code, with_two_factor
from tests.helpers.web import body_of, post_form, settings_for_tests, sign_in

LOG = "/test-only/incident-log"
SECRET_TEXT = re.compile(r'id="two-factor-secret"><code>([A-Z2-7 ]+)</code>')
RECOVERY_CODE = re.compile(r"<li><code>([A-Z0-9]{4} [A-Z0-9]{4} [A-Z0-9]{4})</code></li>")


@pytest.fixture
def log_route(app):
    """A stand-in for the incident log: the leaders' roles, behind two-factor."""

    def incident_log():
        return "the incident log"

    view = two_factor_required(
        roles_required("head_teacher", "esafety_lead", "dsl", "teacher")(incident_log)
    )
    app.add_url_rule(LOG, "test_incident_log", view)
    return LOG


def secret_on_page(page: str) -> str:
    return SECRET_TEXT.search(page).group(1).replace(" ", "")


def set_up_in_browser(client, moment=None) -> tuple[str, list[str]]:
    """Set up two-factor as a person would: read the key, type the app's code; the codes shown."""
    secret = secret_on_page(body_of(client.get("/account/two-factor")))
    code = totp.code_at(secret, moment or utcnow())
    page = body_of(post_form(client, "/account/two-factor", {"code": code}))
    return secret, RECOVERY_CODE.findall(page)


def is_on(staff: Staff) -> bool:
    db.session.expire_all()
    return two_factor.is_on(staff)


# Set-up


def test_set_up_shows_the_qr_code_and_the_key_and_confirms_only_with_a_right_code(client):
    head = make_staff(roles=("head_teacher",))
    sign_in(client, head.email)
    page = body_of(client.get("/account/two-factor"))
    assert "<svg" in page and 'role="img"' in page
    secret = secret_on_page(page)
    assert len(secret) == 32 and re.search(r"<code>([A-Z2-7]{4} ){7}[A-Z2-7]{4}</code>", page)
    assert "The school asks you" in page  # a Head Teacher must use it

    wrong = post_form(client, "/account/two-factor", {"code": "000000"})
    assert wrong.status_code == 422 and "That code did not work" in wrong.get_data(as_text=True)
    assert not is_on(head)
    assert secret_on_page(wrong.get_data(as_text=True)) == secret  # the same key, still

    right = post_form(client, "/account/two-factor", {"code": totp.code_at(secret, utcnow())})
    codes = RECOVERY_CODE.findall(body_of(right))
    assert len(set(codes)) == 10 and "print this page or write them down" in right.get_data(
        as_text=True
    )
    assert is_on(head)
    # Shown once: the page now says it is on, and shows no codes.
    again = body_of(client.get("/account/two-factor"))
    assert "is <strong>on</strong>" in again and not RECOVERY_CODE.search(again)
    assert "10 of 10 recovery codes left" in again


def test_recovery_codes_are_kept_only_as_hashes(client):
    sign_in(client, make_staff().email)
    _, codes = set_up_in_browser(client)
    stored = set(db.session.scalars(select(RecoveryCode.code_hash)))
    assert len(stored) == 10
    for code in codes:
        plain = code.replace(" ", "")
        assert plain not in stored and all(plain not in row for row in stored)
        assert totp.recovery_code_hash(code) in stored


# Signing in with a code


def test_sign_in_asks_for_the_code_before_any_page_and_accepts_a_right_one(client):
    head = make_staff(roles=("head_teacher",), name="Helen Adeyemi")
    secret = with_two_factor(head)
    response = sign_in(client, head.email)
    assert response.status_code == 302 and response.location.startswith("/sign-in/code")
    # The session is open but no page opens before the code.
    home = client.get("/")
    assert home.status_code == 302 and home.location == "/sign-in/code?next=/"
    page = body_of(client.get("/sign-in/code"))
    assert "Type your code" in page and "Staff two-factor" not in page  # no menu yet

    assert give_code(client, totp.code_at(secret, utcnow()), "/").location == "/"
    assert "Hello, Helen" in body_of(client.get("/"))


def test_a_code_is_accepted_once(app, client):
    teacher = make_staff()
    secret = with_two_factor(teacher)
    code = totp.code_at(secret, utcnow())
    sign_in(client, teacher.email)
    assert give_code(client, code).status_code == 302

    other = app.test_client()
    sign_in(other, teacher.email)
    replay = give_code(other, code)
    assert replay.status_code == 422
    assert "That code did not work" in replay.get_data(as_text=True)
    assert other.get("/").location.startswith("/sign-in/code")


def test_a_phone_one_step_fast_or_slow_is_accepted_two_steps_is_not(app):
    now = utcnow()
    for offset, accepted in [(-60, False), (-30, True), (30, True), (60, False)]:
        staff = make_staff()
        secret = with_two_factor(staff, at=now)
        code = totp.code_at(secret, now + timedelta(seconds=offset))
        assert two_factor.code_matches(staff, code, now) is accepted, offset


def test_an_older_step_is_refused_after_a_newer_one(app):
    staff = make_staff()
    now = utcnow()
    secret = with_two_factor(staff, at=now)
    assert two_factor.code_matches(staff, totp.code_at(secret, now + timedelta(seconds=30)), now)
    assert not two_factor.code_matches(staff, totp.code_at(secret, now), now)


def test_each_recovery_code_works_once(app, client):
    sign_in(client, make_staff(email="ruth@wilkinson.example.org").email)
    _, codes = set_up_in_browser(client)
    first = app.test_client()
    sign_in(first, "ruth@wilkinson.example.org")
    assert give_code(first, codes[0].lower(), "/").location == "/"  # case and spaces forgiven
    assert first.get("/").status_code == 200

    second = app.test_client()
    sign_in(second, "ruth@wilkinson.example.org")
    assert give_code(second, codes[0]).status_code == 422
    assert give_code(second, codes[1]).status_code == 302
    staff = db.session.scalar(select(Staff).where(Staff.email == "ruth@wilkinson.example.org"))
    assert two_factor.unused_recovery_codes(staff) == 8


def test_wrong_codes_are_throttled_like_wrong_passwords(app, client):
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 3
    teacher = make_staff()
    secret = with_two_factor(teacher)
    sign_in(client, teacher.email)
    for _ in range(3):
        assert give_code(client, "123456").status_code == 422
    right = give_code(client, totp.code_at(secret, utcnow()))
    assert right.status_code == 429
    assert "Too many wrong codes" in right.get_data(as_text=True)
    assert client.get("/").location.startswith("/sign-in/code")
    # The same allowance as passwords: the right password is refused too for now.
    assert sign_in(app.test_client(), teacher.email).status_code == 429


def test_changing_the_password_keeps_the_code_given_in_this_session(client):
    teacher = make_staff()
    secret = with_two_factor(teacher)
    sign_in(client, teacher.email)
    give_code(client, totp.code_at(secret, utcnow()))
    new = "a brand new password"
    response = post_form(
        client, "/account/password", {"current": PASSWORD, "password": new, "confirm": new}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_one_code_sent_from_four_browsers_at_once_signs_in_one(app, live_server):
    teacher = make_staff()
    secret = with_two_factor(teacher)
    browsers = [Browser(live_server).sign_in(teacher.email) for _ in range(4)]
    code = totp.code_at(secret, utcnow())
    posts = [browser.poster("/sign-in/code", {"code": code}) for browser in browsers]
    statuses = sorted(response.status_code for response in at_once(posts))
    assert statuses == [302, 422, 422, 422]


def test_two_tabs_opening_set_up_at_once_get_the_same_key(app, live_server):
    browser = Browser(live_server).sign_in(make_staff().email)
    pages = at_once([lambda: browser.get("/account/two-factor") for _ in range(3)])
    assert {page.status_code for page in pages} == {200}
    assert len({secret_on_page(page.text) for page in pages}) == 1


# Who must use it


def test_a_leader_without_two_factor_is_sent_to_set_it_up_from_a_page_that_needs_it(
    client, log_route
):
    sign_in(client, make_staff(roles=("esafety_lead",)).email)
    assert client.get("/").status_code == 200  # other pages do not ask
    response = client.get(log_route)
    assert response.status_code == 302
    assert response.location == f"/account/two-factor?next={log_route}"
    page = body_of(client.get(response.location))
    assert "The school asks you to set up two-factor sign-in" in page
    secret = secret_on_page(page)
    done = post_form(
        client,
        "/account/two-factor",
        {"code": totp.code_at(secret, utcnow()), "next": log_route},
    )
    assert f'href="{log_route}"' in body_of(done)
    assert body_of(client.get(log_route)) == "the incident log"


def test_a_session_that_has_not_given_a_code_is_asked_for_one(app, client, log_route):
    head = make_staff(roles=("head_teacher",))
    sign_in(client, head.email)  # signed in before two-factor was on, on another device
    with_two_factor(head)
    response = client.get(log_route)
    assert response.location == f"/sign-in/code?next={log_route}"


def test_a_teacher_is_not_required_to_use_it_by_default(client, log_route):
    sign_in(client, make_staff(roles=("teacher",)).email)
    assert body_of(client.get(log_route)) == "the incident log"


def test_all_staff_sends_everyone_to_set_up_from_any_page(app, client):
    app.config["TWO_FACTOR_FOR"] = "all_staff"
    sign_in(client, make_staff(roles=("teacher",)).email)
    response = client.get("/policies/")
    assert response.location == "/account/two-factor?next=/policies/"
    assert client.get("/account/two-factor").status_code == 200
    set_up_in_browser(client)
    assert client.get("/policies/").status_code == 200


@pytest.mark.parametrize(
    "setting, value",
    [
        ("INCIDENT_LOG_ROLES", "head_teacher,teacher"),
        ("INCIDENT_LOG_ROLES", "governor"),
        ("INCIDENT_LOG_ROLES", " , "),
        ("INCIDENT_LOG_ROLES", ""),
        ("TWO_FACTOR_FOR", "everyone"),
    ],
)
def test_a_setting_that_would_widen_the_log_or_means_nothing_stops_the_start(
    setting, value, tmp_path, monkeypatch
):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    settings = settings_for_tests(f"sqlite:///{tmp_path}/p.sqlite3", **{setting: value})
    with pytest.raises(RuntimeError, match=f"PORTAL_{setting}"):
        create_app(settings)


def test_the_school_can_narrow_who_opens_the_log(app, client, log_route):
    app.config["INCIDENT_LOG_ROLES"] = "head_teacher, dsl"
    esafety, dsl, deputy = (
        make_staff(roles=(role,)) for role in ("esafety_lead", "dsl", "deputy_dsl")
    )
    teacher = make_staff(roles=("teacher",))
    opens = [can_open_incident_log(p) for p in (esafety, dsl, deputy, teacher)]
    assert opens == [False, True, False, False]
    # The e-Safety lead is no longer required to use two-factor; the DSL is.
    sign_in(client, esafety.email)
    assert client.get(log_route).status_code == 200
    sign_in(client, dsl.email)
    assert client.get(log_route).location.startswith("/account/two-factor")


def test_by_default_the_head_the_esafety_lead_and_both_dsls_open_the_log(app):
    people = [
        make_staff(roles=(role,))
        for role in (
            "head_teacher",
            "esafety_lead",
            "dsl",
            "deputy_dsl",
            "admin",
            "teacher",
            "governor",
        )
    ]
    assert [can_open_incident_log(p) for p in people] == [True] * 4 + [False] * 3


def test_the_new_roles_can_be_given_on_the_staff_pages(client):
    admin = make_staff(roles=("admin",))
    sign_in(client, admin.email)
    page = body_of(client.get("/admin/staff/new"))
    assert "Designated Safeguarding Lead" in page and "Deputy DSL" in page
    response = post_form(
        client,
        "/admin/staff/new",
        {"name": "Dee Lead", "email": "dsl@wilkinson.example.org", "roles": ["dsl", "deputy_dsl"]},
    )
    assert response.status_code == 302
    added = db.session.scalar(select(Staff).where(Staff.email == "dsl@wilkinson.example.org"))
    assert added.roles == {"dsl", "deputy_dsl"}


# Managing it oneself


def test_turning_it_off_needs_the_password_and_a_code(client):
    teacher = make_staff()
    sign_in(client, teacher.email)
    _secret, codes = set_up_in_browser(client)
    no_code = post_form(
        client, "/account/two-factor/off", {"off-current": PASSWORD, "off-code": "000000"}
    )
    assert no_code.status_code == 422 and "That code did not work" in no_code.get_data(as_text=True)
    wrong_password = post_form(
        client, "/account/two-factor/off", {"off-current": "not it at all", "off-code": codes[0]}
    )
    assert wrong_password.status_code == 422 and is_on(teacher)
    done = post_form(
        client, "/account/two-factor/off", {"off-current": PASSWORD, "off-code": codes[1]}
    )
    assert done.status_code == 302 and not is_on(teacher)
    assert db.session.scalar(select(func.count()).select_from(RecoveryCode)) == 0


def test_new_recovery_codes_replace_the_old_ones(app, client):
    teacher = make_staff(email="t@wilkinson.example.org")
    sign_in(client, teacher.email)
    _, old = set_up_in_browser(client)
    response = post_form(
        client,
        "/account/two-factor/recovery-codes",
        {"codes-current": PASSWORD, "codes-code": old[0]},
    )
    new = RECOVERY_CODE.findall(body_of(response))
    assert len(new) == 10 and not set(new) & set(old)
    later = app.test_client()
    sign_in(later, teacher.email)
    assert give_code(later, old[1]).status_code == 422
    assert give_code(later, new[0]).status_code == 302


# The rescue: a lost phone


def test_the_head_teacher_resets_a_lost_phone_and_it_is_recorded(app, client):
    head = make_staff(roles=("head_teacher",), name="Helen Adeyemi")
    teacher = make_staff(name="Ruth Okafor", email="ruth@wilkinson.example.org")
    with_two_factor(teacher)
    sign_in(client, head.email)
    listing = body_of(client.get("/admin/staff/two-factor"))
    assert 'Reset<span class="visually-hidden"> Ruth Okafor' in listing
    confirm = body_of(client.get(f"/admin/staff/{teacher.id}/two-factor"))
    assert "Reset Ruth Okafor's two-factor sign-in" in confirm
    response = post_form(client, f"/admin/staff/{teacher.id}/two-factor")
    assert response.status_code == 302 and not is_on(teacher)
    reset = db.session.scalar(select(TwoFactorReset))
    assert (reset.staff_id, reset.reset_by_id) == (teacher.id, head.id)
    assert "by Helen Adeyemi" in body_of(client.get(f"/admin/staff/{teacher.id}/two-factor"))
    # Ruth signs in with her password alone again.
    ruth = app.test_client()
    assert sign_in(ruth, teacher.email).location == "/"


def test_a_teacher_cannot_reset_anyone(client):
    colleague = make_staff()
    with_two_factor(colleague)
    sign_in(client, make_staff().email)
    assert client.get("/admin/staff/two-factor").status_code == 403
    assert client.get(f"/admin/staff/{colleague.id}/two-factor").status_code == 403
    assert post_form(client, f"/admin/staff/{colleague.id}/two-factor").status_code == 403
    assert is_on(colleague)


def test_new_routes_refuse_a_post_without_its_csrf_token(client):
    head = make_staff(roles=("head_teacher",))
    colleague = make_staff()
    with_two_factor(colleague)
    sign_in(client, head.email)
    client.get("/account/two-factor")
    for url in (
        "/account/two-factor",
        "/account/two-factor/off",
        "/account/two-factor/recovery-codes",
        "/sign-in/code",
        f"/admin/staff/{colleague.id}/two-factor",
    ):
        assert client.post(url, data={"code": "123456"}).status_code == 400, url
    assert is_on(colleague) and not is_on(head)


def test_new_routes_send_signed_out_visitors_to_sign_in(client):
    for url in (
        "/account/two-factor",
        "/sign-in/code",
        "/admin/staff/two-factor",
        "/admin/staff/1/two-factor",
    ):
        assert client.get(url).location.startswith("/sign-in?next="), url


def test_the_staff_two_factor_list_costs_the_same_queries_for_2_and_20(client):
    head = make_staff(roles=("head_teacher",))
    sign_in(client, head.email)

    def cost():
        with counting_queries() as statements:
            body_of(client.get("/admin/staff/two-factor"))
        return statements

    with_two_factor(make_staff())
    few = cost()
    for _ in range(18):
        with_two_factor(make_staff(roles=("dsl",)))
    many = cost()
    assert len(few) == len(many), "\n".join(many)


@pytest.mark.html_validator
def test_the_two_factor_pages_are_valid_html(app, client, tmp_path):
    head = make_staff(roles=("head_teacher",))
    colleague = make_staff()
    with_two_factor(colleague)
    sign_in(client, head.email)
    pages = {"setup": body_of(client.get("/account/two-factor"))}
    pages["setup-error"] = body_of(post_form(client, "/account/two-factor", {"code": "1"}), 422)
    secret = secret_on_page(pages["setup"])
    pages["codes"] = body_of(
        post_form(client, "/account/two-factor", {"code": totp.code_at(secret, utcnow())})
    )
    pages["manage"] = body_of(client.get("/account/two-factor"))
    wrong = {"off-current": PASSWORD, "off-code": "000000"}
    pages["manage-error"] = body_of(post_form(client, "/account/two-factor/off", wrong), 422)
    assert "There is a problem" in pages["manage-error"]
    pages["staff"] = body_of(client.get("/admin/staff/two-factor"))
    pages["reset"] = body_of(client.get(f"/admin/staff/{colleague.id}/two-factor"))
    other = app.test_client()
    sign_in(other, head.email)
    pages["code"] = body_of(other.get("/sign-in/code"))
    pages["code-error"] = body_of(give_code(other, "999999"), 422)
    assert_valid_html(pages, tmp_path)


def test_emails_still_render_outside_a_request(app):
    # The mail sender and cron render templates with no request and nobody signed in.
    from portal.mail.service import queue_email

    message = queue_email(
        "x@example.org", "A test", "test_message", school_name="Wilkinson", queued_at=utcnow()
    )
    assert "Wilkinson" in message.body_text
