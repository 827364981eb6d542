"""Deny by default, CSRF everywhere, security headers, friendly errors."""

import pytest

from portal import create_app
from portal.auth.access import declared_audience
from tests.helpers.builders import (
    install_content,
    make_class,
    make_pupil,
    make_staff,
    open_class_session,
    seat_pupil,
)
from tests.helpers.web import TEST_SECRET, post_form, settings_for_tests, sign_in


def test_every_route_declares_who_may_use_it(app):
    undeclared = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        and declared_audience(app.view_functions[rule.endpoint]) is None
    ]
    assert undeclared == []


def test_a_route_without_a_declaration_is_refused_even_to_admins(app):
    @app.get("/forgotten")
    def forgotten():
        return "should never be seen"

    client = app.test_client()
    admin = make_staff(roles=("admin",))
    sign_in(client, admin.email)
    assert client.get("/forgotten").status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in_with_the_page_they_wanted(client):
    response = client.get("/admin/staff/")
    assert response.status_code == 302
    assert response.location == "/sign-in?next=/admin/staff/"


def test_signed_out_htmx_requests_are_told_to_redirect(client):
    response = client.get("/admin/staff/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/sign-in")


def test_post_without_csrf_token_is_refused_and_changes_nothing(client):
    staff = make_staff()
    response = client.post(
        "/sign-in", data={"email": staff.email, "password": "correct horse battery"}
    )
    assert response.status_code == 400
    assert "Reload the page and try again" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_htmx_post_with_token_in_header_is_accepted(client):
    from tests.helpers.web import csrf_token

    staff = make_staff()
    token = csrf_token(client)
    response = client.post(
        "/sign-in",
        headers={"X-CSRFToken": token, "HX-Request": "true"},
        data={"email": staff.email, "password": "correct horse battery"},
    )
    assert response.status_code == 302


# Every kind of response carries the same security headers, spelled out here in full.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def headers_of(response) -> dict:
    return {name: response.headers.get(name) for name in SECURITY_HEADERS}


def a_staff_page(client):
    sign_in(client, make_staff().email)
    return client.get("/")


def a_pupil_page(client):
    install_content()
    oak = make_class("Oak", 1)
    class_session = open_class_session(oak, make_staff(classes=[oak]))
    seat_pupil(client, class_session, make_pupil(oak))
    return client.get("/me/aup")


def an_htmx_fragment(client):
    oak = make_class("Oak", 1)
    teacher = make_staff(classes=[oak])
    class_session = open_class_session(oak, teacher)
    sign_in(client, teacher.email)
    response = client.get(
        f"/teach/sessions/{class_session.id}/live", headers={"HX-Request": "true"}
    )
    assert "<html" not in response.get_data(as_text=True)
    return response


def an_error_page(client):
    return client.get("/no-such-page")


def a_redirect(client):
    return client.get("/admin/staff/")


def a_static_file_for_a_signed_in_teacher(client):
    sign_in(client, make_staff().email)
    return client.get("/static/css/portal.css")


@pytest.mark.parametrize(
    "visit, status, cache_control",
    [
        (a_staff_page, 200, "no-store"),
        (a_pupil_page, 200, "no-store"),
        (an_htmx_fragment, 200, "no-store"),
        (an_error_page, 404, "no-store"),
        (a_redirect, 302, "no-store"),
        # Public and unchanging: the browser may keep it, asking again with its ETag.
        (a_static_file_for_a_signed_in_teacher, 200, "no-cache"),
    ],
    ids=lambda value: value.__name__ if callable(value) else None,
)
def test_every_kind_of_response_carries_the_security_headers(client, visit, status, cache_control):
    response = visit(client)
    assert response.status_code == status
    assert headers_of(response) == SECURITY_HEADERS
    assert response.headers.get("Cache-Control") == cache_control
    # Every page may also be answered as an htmx fragment: caches must keep them apart.
    assert ("HX-Request" in response.vary) == (cache_control == "no-store")
    assert "Strict-Transport-Security" not in response.headers  # plain http: it would be ignored


@pytest.mark.parametrize("url, status", [("/sign-in", 200), ("/no-such-page", 404)])
def test_https_behind_the_proxy_adds_hsts(database_url, tmp_path, monkeypatch, url, status):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    app = create_app(settings_for_tests(database_url, TRUSTED_PROXIES=1))
    client = app.test_client()
    secure = client.get(url, headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == status
    assert headers_of(secure) == SECURITY_HEADERS
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    plain = client.get(url, headers={"X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in plain.headers


def test_session_cookie_is_httponly_and_lax(client):
    staff = make_staff()
    response = sign_in(client, staff.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_session_cookie_is_secure_when_served_over_https(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    app = create_app(
        settings_for_tests(database_url, BASE_URL="https://portal.wilkinson.example.org")
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_pages_have_no_inline_script(client):
    html = client.get("/sign-in").get_data(as_text=True)
    assert "<script>" not in html and "onclick" not in html and 'style="' not in html


def test_a_teacher_opening_an_admin_page_gets_a_friendly_403(client):
    sign_in(client, make_staff().email)
    response = client.get("/admin/staff/")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.get_data(as_text=True)


def test_errors_come_as_fragments_for_htmx(client):
    sign_in(client, make_staff().email)
    response = client.get("/no-such-page", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and "Page not found" in html
    assert "<html" not in html
    assert "HX-Request" in response.headers["Vary"]
    full = client.get("/no-such-page")
    assert "<html" in full.get_data(as_text=True)


def test_unexpected_errors_show_a_calm_500_page(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    boom.access_public = True
    response = client.get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)


def test_huge_request_gets_a_friendly_413(client):
    token_page = client.get("/sign-in")
    assert token_page.status_code == 200
    response = client.post("/sign-in", data={"email": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too big" in response.get_data(as_text=True)


def test_healthz_answers_when_the_database_is_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_healthz_reports_an_unreachable_database(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    missing = tmp_path / "no-such-dir" / "portal.sqlite3"
    app = create_app(settings_for_tests(f"sqlite:///{missing}"))
    assert app.test_client().get("/healthz").status_code == 503


@pytest.mark.parametrize(
    "overrides, problem",
    [
        ({"BASE_URL": "http://portal.school"}, "https://"),
        ({"SECRET_KEY": "short"}, "32 characters"),
        ({"SMTP_PASSWORD": "x", "SMTP_TLS": "none"}, "in clear"),
    ],
)
def test_production_refuses_insecure_settings_and_says_which(
    overrides, problem, tmp_path, monkeypatch
):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    secure = {"ENV": "production", "BASE_URL": "https://portal.wilkinson.example.org"}
    settings = settings_for_tests(f"sqlite:///{tmp_path}/p.sqlite3", **{**secure, **overrides})
    with pytest.raises(RuntimeError, match=problem):
        create_app(settings)


def test_production_starts_with_secure_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    app = create_app(
        settings_for_tests(
            f"sqlite:///{tmp_path}/p.sqlite3",
            ENV="production",
            BASE_URL="https://portal.wilkinson.example.org",
            SECRET_KEY=TEST_SECRET,
        )
    )
    assert app.config["SESSION_COOKIE_SECURE"]


def test_secret_key_is_generated_into_instance_once(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("PORTAL_SECRET_KEY", raising=False)
    settings = settings_for_tests(f"sqlite:///{tmp_path}/p.sqlite3", SECRET_KEY="")
    first, second = create_app(settings), create_app(dict(settings))
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_settings_come_from_portal_environment_variables(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PORTAL_SCHOOL_NAME", "Brook Lane Primary")
    monkeypatch.setenv("PORTAL_SMTP_PORT", "2525")
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/p.sqlite3", "SECRET_KEY": TEST_SECRET})
    assert app.config["SCHOOL_NAME"] == "Brook Lane Primary"
    assert app.config["SMTP_PORT"] == 2525
    assert "Brook Lane Primary" in app.test_client().get("/sign-in").get_data(as_text=True)


def test_post_form_helper_sends_the_real_token(client):
    # Guards the helper the other tests rely on: with the token, a bad sign-in is a 422, not 400.
    assert post_form(client, "/sign-in", {"email": "a@b.org", "password": "x"}).status_code == 422


def test_behind_a_trusted_proxy_the_visitor_address_is_the_forwarded_one(tmp_path, monkeypatch):
    from flask import request

    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    app = create_app(settings_for_tests(f"sqlite:///{tmp_path}/p.sqlite3", TRUSTED_PROXIES=1))

    @app.get("/whoami")
    def whoami():
        return {"address": request.remote_addr, "secure": request.is_secure}

    whoami.access_public = True
    response = app.test_client().get(
        "/whoami", headers={"X-Forwarded-For": "10.1.2.3", "X-Forwarded-Proto": "https"}
    )
    assert response.json == {"address": "10.1.2.3", "secure": True}


@pytest.mark.parametrize(
    "name, value",
    [
        ("SCHOOL_HOURS", "8-4"),
        ("SCHOOL_HOURS", "16:00-08:00"),
        ("SCHOOL_DAY_ENDS", "3.30pm"),
        ("STAFF_MODULE_DUE", "30-09"),
        ("AUTUMN_TERM_ENDS", "12/18"),
        ("TIMEZONE", "Mars/Olympus"),
    ],
)
def test_a_clock_setting_it_cannot_read_stops_the_start_and_says_which(
    name, value, tmp_path, monkeypatch
):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    settings = settings_for_tests(f"sqlite:///{tmp_path}/p.sqlite3", **{name: value})
    with pytest.raises(RuntimeError, match=f"PORTAL_{name} should be"):
        create_app(settings)
