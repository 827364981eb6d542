"""Admins add, edit, invite and deactivate staff; invitations carry a single-use link."""

import re

from sqlalchemy import select

from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.people.models import Staff
from tests.helpers.builders import make_class, make_staff
from tests.helpers.queries import counting_queries
from tests.helpers.web import post_form, sign_in


def signed_in_admin(client):
    admin = make_staff("admin@wilkinson.example.org", roles=("admin",), name="Ada Admin")
    sign_in(client, admin.email)
    return admin


def invitation_link(message: OutboxMessage) -> str:
    return re.search(r"http://portal\.test(/set-password/\S+)", message.body_text).group(1)


def test_admin_adds_a_teacher_who_sets_a_password_from_the_emailed_link(app, client):
    signed_in_admin(client)
    oak = make_class("Oak", 1)
    response = post_form(
        client,
        "/admin/staff/new",
        {
            "name": "Ruth Okafor",
            "email": "Ruth.Okafor@Wilkinson.example.org",
            "roles": ["teacher"],
            "classes": [str(oak.id)],
            "send_invitation": "y",
        },
        page="/admin/staff/new",
    )
    assert response.status_code == 302
    teacher = db.session.scalar(
        select(Staff).where(Staff.email == "ruth.okafor@wilkinson.example.org")
    )
    assert teacher.roles == {"teacher"} and [c.name for c in teacher.classes] == ["Oak"]
    assert teacher.password_hash is None
    message = db.session.scalar(select(OutboxMessage))
    assert message.to_address == teacher.email and "Set your password" in message.body_html

    newcomer = app.test_client()
    link = invitation_link(message)
    assert "Welcome, Ruth Okafor" in newcomer.get(link).get_data(as_text=True)
    response = post_form(
        newcomer, link, {"password": "blue kite morning", "confirm": "blue kite morning"}, page=link
    )
    assert response.status_code == 302
    assert "Hello, Ruth" in newcomer.get("/").get_data(as_text=True)
    # The link works once.
    again = app.test_client().get(link)
    assert again.status_code == 400 and "used already" in again.get_data(as_text=True)


def test_a_tampered_or_expired_link_is_refused_plainly(app, client):
    staff = make_staff(password=False)
    from portal.auth.service import set_password_token

    token = set_password_token(staff, app.config["SECRET_KEY"])
    tampered = client.get(f"/set-password/{token[:-3]}abc")
    assert tampered.status_code == 400 and "not valid" in tampered.get_data(as_text=True)
    app.config["INVITATION_MAX_AGE_DAYS"] = -1
    expired = client.get(f"/set-password/{token}")
    assert expired.status_code == 400 and "expired" in expired.get_data(as_text=True)


def test_duplicate_email_is_refused_and_nothing_is_added(client):
    signed_in_admin(client)
    make_staff("taken@wilkinson.example.org")
    before = len(db.session.scalars(select(Staff)).all())
    response = post_form(
        client,
        "/admin/staff/new",
        {
            "name": "Someone",
            "email": "TAKEN@wilkinson.example.org",
            "roles": ["staff"],
            "send_invitation": "y",
        },
        page="/admin/staff/new",
    )
    assert response.status_code == 422
    assert "already belongs" in response.get_data(as_text=True)
    assert len(db.session.scalars(select(Staff)).all()) == before
    assert db.session.scalar(select(OutboxMessage)) is None


def test_half_filled_form_keeps_what_was_typed_and_lists_the_problems(client):
    signed_in_admin(client)
    response = post_form(
        client,
        "/admin/staff/new",
        {"name": "Half Filled", "email": "nope"},
        page="/admin/staff/new",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in html and 'value="Half Filled"' in html
    assert "Choose at least one role." in html and "Enter an email address" in html


def test_deactivating_signs_the_person_out_and_keeps_the_account(app, client):
    signed_in_admin(client)
    teacher = make_staff("t@wilkinson.example.org")
    their_browser = app.test_client()
    sign_in(their_browser, teacher.email)
    post_form(client, f"/admin/staff/{teacher.id}/deactivate", page="/admin/staff/")
    assert their_browser.get("/").status_code == 302
    assert db.session.get(Staff, teacher.id) is not None
    post_form(client, f"/admin/staff/{teacher.id}/reactivate", page="/admin/staff/")
    assert sign_in(their_browser, teacher.email).status_code == 302


def test_an_admin_cannot_lock_themselves_out(client):
    admin = signed_in_admin(client)
    response = post_form(
        client, f"/admin/staff/{admin.id}/deactivate", page="/admin/staff/", follow_redirects=True
    )
    assert "cannot deactivate your own account" in response.get_data(as_text=True)
    response = post_form(
        client,
        f"/admin/staff/{admin.id}/edit",
        {"name": admin.name, "email": admin.email, "roles": ["teacher"]},
        page=f"/admin/staff/{admin.id}/edit",
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert db.session.get(Staff, admin.id).active
    assert db.session.get(Staff, admin.id).roles == {"admin"}


def test_staff_list_query_count_does_not_grow_with_staff(app, client):
    signed_in_admin(client)
    oak = make_class("Oak", 1)

    def count_queries(n_more: int) -> int:
        for _ in range(n_more):
            make_staff(roles=("teacher", "staff"), classes=[oak])
        with counting_queries() as statements:
            assert client.get("/admin/staff/").status_code == 200
        return len(statements)

    assert count_queries(2) == count_queries(30)


def test_teachers_cannot_open_staff_admin(client):
    teacher = make_staff()
    sign_in(client, teacher.email)
    assert client.get("/admin/staff/").status_code == 403
    assert post_form(client, f"/admin/staff/{teacher.id}/deactivate", page="/").status_code == 403


def listed(html: str) -> list[str]:
    """The names on the accounts list, in order."""
    return re.findall(r'<th scope="row">([^<]+)<br><small>', html)


def test_the_accounts_list_is_paged_fifty_at_a_time_by_name(client):
    signed_in_admin(client)
    for n in range(52):
        make_staff(name=f"Teacher {n:02d}")
    first = client.get("/admin/staff/").get_data(as_text=True)
    assert "1 to 50 of 53 accounts." in first and "Page 1 of 2" in first
    assert listed(first)[:2] == ["Ada Admin", "Teacher 00"] and len(listed(first)) == 50
    second = client.get("/admin/staff/?page=2").get_data(as_text=True)
    assert listed(second) == ["Teacher 49", "Teacher 50", "Teacher 51"]
    assert "(53 of 53 can sign in)" in second
    past = client.get("/admin/staff/?page=7")
    assert past.status_code == 200 and listed(past.get_data(as_text=True)) == []


def test_the_accounts_list_searches_and_filters_by_role_and_sign_in(client):
    signed_in_admin(client)
    make_staff("ruth.okafor@wilkinson.example.org", name="Ruth Okafor")
    make_staff(name="Gwen Governor", roles=("governor",))
    make_staff(name="Del Gone", active=False)

    def names(query: str) -> list[str]:
        response = client.get(f"/admin/staff/?{query}")
        assert response.status_code == 200
        return listed(response.get_data(as_text=True))

    assert names("q=okafor") == ["Ruth Okafor"]
    assert names("q=RUTH.OKAFOR@") == ["Ruth Okafor"]
    assert names("role=governor") == ["Gwen Governor"]
    assert names("active=inactive") == ["Del Gone"]
    assert names("active=active&role=teacher") == ["Ruth Okafor"]
    assert "No accounts match." in client.get("/admin/staff/?q=zzz").get_data(as_text=True)
    fragment = client.get("/admin/staff/?role=governor", headers={"HX-Request": "true"})
    assert "<h1>" not in fragment.get_data(as_text=True)


def test_the_accounts_list_refuses_what_it_does_not_offer(client):
    signed_in_admin(client)
    for query in ("role=wizard", "active=maybe", "sort=email", "page=0", "colour=red"):
        assert client.get(f"/admin/staff/?{query}").status_code == 400, query
