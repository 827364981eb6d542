"""Reminders to guardians who have not answered, late joiners, and "send the link again"."""

from datetime import timedelta

import pytest
from flask import render_template
from sqlalchemy import func, insert, select, update

from portal import create_app
from portal.clock import utcnow
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.parents import reminders
from portal.parents.models import ParentInvite
from portal.parents.service import ACKNOWLEDGED, DECLINED, QUESTION, record_answer
from portal.people.models import Guardian, Pupil, guardian_pupil
from tests.helpers.builders import install_content, make_class, make_guardian, make_staff
from tests.helpers.checkers import FRAGMENT_PAGE, assert_valid_html
from tests.helpers.concurrency import Browser, at_once
from tests.helpers.parents import CLOSES, LINK, MAIL, TODAY, outbox, start
from tests.helpers.queries import counting_queries
from tests.helpers.web import body_of, post_form, settings_for_tests, signed_in

DAYS = (7, 14)


def run(now, today=TODAY, days=DAYS) -> reminders.ParentRun:
    """One `send-reminders` run for the parents, as cron does it, committed."""
    done = reminders.send_parent_reminders(today, now, days, MAIL)
    db.session.commit()
    return done


def first_emailed(guardian):
    db.session.expire_all()
    return db.session.scalar(
        select(ParentInvite.emailed_at).where(ParentInvite.guardian_id == guardian.id)
    )


def reminders_to(address: str) -> list[OutboxMessage]:
    return [m for m in outbox(address) if m.subject.startswith("Reminder:")]


def invites_of(guardian) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(ParentInvite)
        .where(ParentInvite.guardian_id == guardian.id)
    )


def in_two_threads_at_once(app, action):
    """``action`` in two threads, each with its own app context and session, released together."""

    def worker():
        with app.app_context():
            try:
                action()
            finally:
                db.session.remove()

    at_once([worker, worker])
    db.session.expire_all()


# When reminders go


def test_reminder_one_goes_on_day_seven_not_day_six(family):
    start()
    sent = first_emailed(family["grace"])
    assert run(sent + timedelta(days=6, hours=23)).reminders == 0
    assert reminders_to("grace@example.org") == []
    assert run(sent + timedelta(days=7)).reminders == 1
    [reminder] = reminders_to("grace@example.org")
    assert reminder.subject.startswith("Reminder:")


def test_reminder_two_goes_on_day_fourteen_and_there_is_no_third(family):
    start()
    sent = first_emailed(family["grace"])
    run(sent + timedelta(days=7))
    assert run(sent + timedelta(days=13)).reminders == 0
    assert run(sent + timedelta(days=14)).reminders == 1
    assert run(sent + timedelta(days=25)).reminders == 0
    assert len(reminders_to("grace@example.org")) == 2


@pytest.mark.parametrize("response", [ACKNOWLEDGED, QUESTION, DECLINED])
def test_no_reminder_once_the_guardian_has_answered(family, response):
    start()
    sent = first_emailed(family["grace"])
    invite = db.session.scalar(
        select(ParentInvite).where(ParentInvite.guardian_id == family["grace"].id)
    )
    record_answer(invite, response, "Grace Okoye" if response == ACKNOWLEDGED else None, None, MAIL)
    db.session.commit()
    assert run(sent + timedelta(days=7)).reminders == 0
    assert reminders_to("grace@example.org") == []


def test_nothing_is_sent_once_the_campaign_is_closed_or_past_its_closing_day(family):
    campaign = start()
    sent = first_emailed(family["grace"])
    make_guardian([family["amara"]], email="late@example.org")
    assert run(sent + timedelta(days=7), today=CLOSES + timedelta(days=1)) == reminders.ParentRun(
        campaign_open=False
    )
    campaign.closed_at = utcnow()
    db.session.commit()
    assert run(sent + timedelta(days=7)) == reminders.ParentRun(campaign_open=False)
    assert reminders_to("grace@example.org") == [] and outbox("late@example.org") == []


def test_no_reminder_without_an_email_address_or_off_the_roll(family):
    start()
    sent = first_emailed(family["grace"])
    assert first_emailed(family["femi"]) is None  # no address: a letter, not reminders
    for child in (family["amara"], family["leo"]):
        child.left_on = TODAY
    db.session.commit()
    assert run(sent + timedelta(days=7)).reminders == 0
    assert reminders_to("grace@example.org") == []


def test_an_address_removed_since_the_first_email_gets_no_reminder(family):
    start()
    sent = first_emailed(family["grace"])
    family["grace"].email = " "
    db.session.commit()
    assert run(sent + timedelta(days=7)).reminders == 0


def test_cron_twice_the_same_day_sends_one_reminder(family):
    start()
    sent = first_emailed(family["grace"])
    assert run(sent + timedelta(days=7, hours=1)).reminders == 1
    assert run(sent + timedelta(days=7, hours=2)).reminders == 0
    assert len(reminders_to("grace@example.org")) == 1


def test_two_runs_at_the_same_moment_send_each_reminder_once(family, app):
    for n in range(11):
        make_guardian([family["amara"]], email=f"carer{n}@example.org")
    start()
    now = first_emailed(family["grace"]) + timedelta(days=7)
    in_two_threads_at_once(app, lambda: run(now))
    addresses = sorted(m.to_address for m in outbox() if m.subject.startswith("Reminder:"))
    assert addresses == sorted(["grace@example.org"] + [f"carer{n}@example.org" for n in range(11)])
    assert set(db.session.scalars(select(ParentInvite.reminders_sent))) == {0, 1}  # Femi: 0


def test_a_guardian_whose_reminder_cron_missed_gets_one_reminder_not_two(family):
    start()
    sent = first_emailed(family["grace"])
    assert run(sent + timedelta(days=15)).reminders == 1
    assert run(sent + timedelta(days=16)).reminders == 0
    assert len(reminders_to("grace@example.org")) == 1


def test_no_reminders_when_the_setting_is_empty(family):
    start()
    assert run(first_emailed(family["grace"]) + timedelta(days=30), days=()).reminders == 0


# Late joiners and addresses added later


def test_a_late_joiner_is_invited_and_emailed_once_even_by_two_runs_at_once(family, app):
    start()
    late = make_guardian([family["leo"]], email="late@example.org")
    late_no_email = make_guardian([family["leo"]], email=None)
    in_two_threads_at_once(app, lambda: run(utcnow()))
    assert invites_of(late) == 1 and invites_of(late_no_email) == 1
    [message] = outbox("late@example.org")
    assert not message.subject.startswith("Reminder:")
    assert first_emailed(late) is not None and first_emailed(late_no_email) is None
    again = run(utcnow())
    assert (again.late_joiners, again.first_emails) == (0, 0)
    assert len(outbox("late@example.org")) == 1


def test_a_guardian_whose_address_was_added_later_is_emailed_once(family, client):
    start()
    family["femi"].email = "femi@example.org"
    db.session.commit()
    assert run(utcnow()).first_emails == 1
    assert run(utcnow()).first_emails == 0
    [message] = outbox("femi@example.org")
    assert client.get(f"/parents/{LINK.search(message.body_text).group(1)}").status_code == 200
    assert first_emailed(family["femi"]) is not None


# The reminder email


def test_the_reminder_names_no_child_says_the_closing_day_and_its_link_works(family, client):
    start()
    db.session.execute(update(ParentInvite).values(emailed_at=utcnow() - timedelta(days=8)))
    db.session.commit()
    run(utcnow())
    [reminder] = reminders_to("grace@example.org")
    assert reminder.subject.startswith("Reminder:")
    for text in (reminder.subject, reminder.body_text, reminder.body_html):
        assert "Amara" not in text and "Leo" not in text
    assert "not yet had your answer" in reminder.body_text
    assert f"{CLOSES.day} {CLOSES.strftime('%B')}" in reminder.body_text
    page = body_of(client.get(f"/parents/{LINK.search(reminder.body_text).group(1)}"))
    assert "Amara (Oak class)" in page and family["grace"].full_name in page


def test_a_reminder_run_costs_the_same_queries_for_two_guardians_or_twenty(family):
    for n in range(19):
        make_guardian([family["amara"]], email=f"carer{n}@example.org")
    start()
    now = utcnow()
    two = db.session.scalars(select(ParentInvite.id).where(ParentInvite.emailed_at.is_not(None)))
    two = two.all()[:2]
    db.session.execute(
        update(ParentInvite)
        .where(ParentInvite.id.in_(two))
        .values(emailed_at=now - timedelta(days=7))
    )
    db.session.commit()

    def cost(expected_reminders):
        with counting_queries() as statements:
            assert run(now).reminders == expected_reminders
        return len(statements)

    for_two = cost(2)
    db.session.execute(update(ParentInvite).values(emailed_at=now - timedelta(days=14)))
    db.session.commit()
    assert cost(20) == for_two <= 6  # campaign, invites, first emails, who, claim, messages


# The command


def test_send_reminders_prints_the_staff_and_the_parents_figures(family, runner):
    start()
    db.session.execute(update(ParentInvite).values(emailed_at=utcnow() - timedelta(days=8)))
    db.session.commit()
    make_guardian([family["amara"]], email="late@example.org")
    result = runner.invoke(args=["portal", "send-reminders"])
    assert result.exit_code == 0, result.output
    assert "Queued 0 staff reminders" in result.output
    assert "parents: 1 late joiners invited, 1 first emails and 1 reminders queued." in (
        result.output
    )
    assert len(reminders_to("grace@example.org")) == 1 and len(outbox("late@example.org")) == 1


def test_send_reminders_says_when_no_parents_campaign_is_open(family, runner):
    result = runner.invoke(args=["portal", "send-reminders"])
    assert "parents: no campaign is open." in result.output


@pytest.mark.parametrize("value", ["14,7", "7,7", "0,7", "seven", "7;14", "-7"])
def test_a_bad_reminder_days_setting_stops_the_start_and_says_which(value, tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    settings = settings_for_tests(f"sqlite:///{tmp_path}/p.sqlite3", PARENT_REMINDER_DAYS=value)
    with pytest.raises(RuntimeError, match="PORTAL_PARENT_REMINDER_DAYS should be strictly"):
        create_app(settings)


# The campaign page


def test_the_campaign_page_says_when_reminders_go(family, client, app):
    signed_in(client, "head_teacher")
    assert "Reminders go 7 and 14 days after the first email" in body_of(
        client.get("/admin/parents/")
    )
    start()
    app.config["PARENT_REMINDER_DAYS"] = "5,10,20"
    page = body_of(client.get("/admin/parents/"))
    assert "Reminders go 5, 10 and 20 days after the first email" in page
    assert "flask portal send-reminders" in page


# Send the link again


def resend(client, guardian, next_page="/admin/parents/"):
    url = f"/admin/parents/guardians/{guardian.id}/resend"
    return post_form(client, url, {"next": next_page}, page="/")


def test_a_leader_sends_a_fresh_link_and_a_second_click_sends_nothing_more(family, client):
    start()
    signed_in(client, "esafety_lead")
    first = resend(client, family["grace"], next_page="/admin/parents/?page=2")
    assert first.status_code == 303 and first.location == "/admin/parents/?page=2"
    second = resend(client, family["grace"])
    assert second.status_code == 303
    _first, fresh = outbox("grace@example.org")
    assert "sent you your own link again" in fresh.body_text
    for text in (fresh.subject, fresh.body_text, fresh.body_html):
        assert "Amara" not in text and "Leo" not in text
    assert client.get(f"/parents/{LINK.search(fresh.body_text).group(1)}").status_code == 200


def test_the_resend_says_what_it_did(family, client):
    start()
    signed_in(client, "admin")
    first = resend(client, family["grace"])
    said = body_of(client.get(first.location))
    assert f"A new link was sent to {family['grace'].full_name}&#39;s email address." in said
    second = resend(client, family["grace"])
    assert "in the last few minutes, so no other was sent" in body_of(client.get(second.location))


def test_two_clicks_at_the_same_moment_send_one_link(family, live_server):
    start()
    admin = make_staff(roles=("admin",))
    browser = Browser(live_server).sign_in(admin.email)
    url = f"/admin/parents/guardians/{family['grace'].id}/resend"
    responses = at_once([browser.poster(url, {"next": "/"}, page="/") for _ in range(2)])
    assert [r.status_code for r in responses] == [303, 303]
    assert len(outbox("grace@example.org")) == 2  # the first email and one fresh link


def test_no_link_is_sent_without_an_address_off_the_roll_or_with_no_open_campaign(family, client):
    signed_in(client, "admin")
    assert "not open" in body_of(client.get(resend(client, family["grace"]).location))
    campaign = start()
    assert "no email address for" in body_of(client.get(resend(client, family["femi"]).location))
    gone = make_guardian([], email="gone@example.org")
    assert "no longer a guardian" in body_of(client.get(resend(client, gone).location))
    campaign.closed_at = utcnow()
    db.session.commit()
    before = len(outbox())
    assert "not open" in body_of(client.get(resend(client, family["grace"]).location))
    assert len(outbox()) == before


def test_a_late_joiner_is_invited_when_their_link_is_sent(family, client):
    start()
    late = make_guardian([family["leo"]], email="late@example.org")
    signed_in(client, "head_teacher")
    resend(client, late)
    assert invites_of(late) == 1 and first_emailed(late) is not None
    [message] = outbox("late@example.org")
    assert client.get(f"/parents/{LINK.search(message.body_text).group(1)}").status_code == 200


def test_an_address_added_later_is_marked_emailed_by_a_resend(family, client):
    start()
    family["femi"].email = "femi@example.org"
    db.session.commit()
    signed_in(client, "admin")
    resend(client, family["femi"])
    assert first_emailed(family["femi"]) is not None
    run(utcnow())  # the morning run sends no second first email
    assert len(outbox("femi@example.org")) == 1


@pytest.mark.parametrize("role", ["teacher", "governor"])
def test_teachers_and_governors_cannot_send_a_link(family, client, role):
    start()
    signed_in(client, role)
    before = len(outbox())
    assert resend(client, family["grace"]).status_code == 403
    assert len(outbox()) == before


def test_a_resend_without_the_csrf_token_is_refused(family, client):
    start()
    signed_in(client, "admin")
    before = len(outbox())
    response = client.post(f"/admin/parents/guardians/{family['grace'].id}/resend")
    assert response.status_code == 400 and len(outbox()) == before


def test_a_resend_never_redirects_off_the_site(family, client):
    start()
    signed_in(client, "admin")
    response = resend(client, family["grace"], next_page="https://evil.example/")
    assert response.status_code == 303 and response.location == "/admin/parents/"


def test_an_unknown_guardian_is_not_found(family, client):
    signed_in(client, "admin")
    assert resend(client, Guardian(id=999999)).status_code == 404


# The button other pages include in a guardian's row


class Row:
    def __init__(self, **values):
        self.guardian_id, self.name, self.has_email, self.response = 7, "Sam Carer", True, None
        self.__dict__.update(values)


def render_button(app, row) -> str:
    with app.test_request_context("/admin/parents/answers?class=Oak"):
        return render_template("parents/_resend_form.html", row=row)


def test_the_button_names_the_guardian_and_returns_to_the_page(app, tmp_path):
    html = render_button(app, Row())
    assert 'action="/admin/parents/guardians/7/resend"' in html
    assert 'name="csrf_token"' in html
    assert 'name="next" value="/admin/parents/answers?class=Oak"' in html
    assert 'Send the link again<span class="visually-hidden"> to Sam Carer</span>' in html
    assert render_button(app, Row(has_email=False)).strip() == ""
    assert render_button(app, Row(response="acknowledged")).strip() == ""


@pytest.mark.html_validator
def test_the_button_and_the_campaign_page_are_valid_html(family, app, client, tmp_path):
    start()
    signed_in(client, "head_teacher")
    assert_valid_html(
        {
            "resend-button": FRAGMENT_PAGE.format(render_button(app, Row())),
            "campaign-with-reminders": body_of(client.get("/admin/parents/")),
        },
        tmp_path,
    )


def test_seven_hundred_guardians_are_reminded_in_one_select_one_update_and_one_insert(app):
    install_content()
    oak = make_class("Oak", 2)
    pupil_ids = db.session.scalars(
        insert(Pupil).returning(Pupil.id),
        [
            {"mis_id": f"P{n}", "first_name": "Child", "last_name": f"N{n}", "class_id": oak.id}
            for n in range(700)
        ],
    ).all()
    guardian_ids = db.session.scalars(
        insert(Guardian).returning(Guardian.id),
        [
            {"mis_id": f"G{n}", "first_name": "Pat", "last_name": f"N{n}", "email": f"g{n}@ex.org"}
            for n in range(700)
        ],
    ).all()
    db.session.execute(
        insert(guardian_pupil),
        [{"guardian_id": g, "pupil_id": p} for g, p in zip(guardian_ids, pupil_ids, strict=True)],
    )
    db.session.commit()
    start()
    now = first_emailed(db.session.get(Guardian, guardian_ids[0])) + timedelta(days=7)
    with counting_queries() as statements:
        assert run(now).reminders == 700
    assert len(statements) <= 6
    addresses = db.session.scalars(
        select(OutboxMessage.to_address).where(OutboxMessage.subject.startswith("Reminder:"))
    ).all()
    assert sorted(addresses) == sorted(f"g{n}@ex.org" for n in range(700))
