"""A teacher reports cyber-bullying with a screenshot; the e-Safety lead, after two-factor
sign-in, downloads it, adds an action and closes the report with its outcome; a curious teacher
is refused and the Head Teacher sees the attempt in the trail. The emails that reach a real SMTP
server name nobody; axe finds nothing on any screen."""

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from portal.mail.sender import deliver_pending
from tests.helpers.browser import sign_in_as
from tests.helpers.builders import make_class, make_pupil, make_staff
from tests.helpers.checkers import assert_accessible
from tests.helpers.two_factor import with_two_factor

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 400
TEACHER = "teacher@wilkinson.example.org"
LEAD = "lead@wilkinson.example.org"
HEAD = "head@wilkinson.example.org"


@pytest.fixture
def school(app, smtp_server, live_server):
    app.config.update(SMTP_PORT=smtp_server.port, BASE_URL=live_server)
    oak = make_class("Oak", 4)
    make_pupil(oak, "Amara", "Okoye")
    make_pupil(oak, "Leo", "Barnes")
    make_staff(TEACHER, roles=("teacher",), name="Tom Reed", classes=[oak])
    secrets = {
        email: with_two_factor(make_staff(email, roles=(role,), name=name))
        for email, role, name in (
            (LEAD, "esafety_lead", "Esme Lane"),
            (HEAD, "head_teacher", "Helen Ward"),
        )
    }
    return secrets


def sign_in_with_code(page, live_server, email: str, secret: str) -> None:
    sign_in_as(page, live_server, email)
    expect(page.get_by_label("Code")).to_be_focused()
    page.keyboard.type(pyotp.TOTP(secret).at(time.time()))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()


def test_a_report_with_a_screenshot_is_followed_up_to_its_close(
    app, page, live_server, smtp_server, school, tmp_path
):
    sign_in_as(page, live_server, TEACHER)
    page.get_by_role("link", name="Report a concern").click()
    expect(page.get_by_text("If a child is in immediate danger, call 999")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Pupil 1: name").fill("Amara Okoye")
    page.get_by_label("Pupil 1: their part").select_option("target")
    page.get_by_label("Pupil 2: name").fill("Leo Barnes")
    page.get_by_label("Pupil 2: their part").select_option("alleged")
    page.get_by_label("What happened").fill("Amara showed me messages calling her names.")
    page.get_by_label("Where it happened").select_option("messages")
    page.get_by_label("What kind of concern").select_option("bullying_messages")
    page.get_by_label("Not urgent").check()
    page.get_by_label(re.compile("Evidence")).set_input_files(
        [{"name": "chat.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="Send the report").click()
    expect(page.get_by_role("heading", name="What happens next")).to_be_visible()
    reference = re.search(r"OS-\d{4}-\d{4}", page.get_by_role("status").inner_text()).group(0)
    assert_accessible(page)

    # The teacher cannot open what they reported.
    incident_id = _incident_id()
    refused = page.goto(f"{live_server}/incidents/{incident_id}")
    assert refused.status == 403
    expect(page.get_by_text("Amara")).to_have_count(0)
    assert_accessible(page)

    assert deliver_pending(app.config)["sent"] == 2
    for email in smtp_server.received:
        assert email["Subject"] == "A new report needs your attention"
        for secret in ("Amara", "Okoye", "Leo", "Barnes", "messages", "bullying", reference):
            assert secret not in email.as_string()

    lead = page.context.browser.new_page()
    sign_in_with_code(lead, live_server, LEAD, school[LEAD])
    lead.get_by_role("link", name="Online-safety log").click()
    assert_accessible(lead)
    lead.get_by_role("link", name=reference).click()
    expect(lead.get_by_text("Amara Okoye: target")).to_be_visible()
    assert_accessible(lead)
    with lead.expect_download() as download:
        lead.get_by_role("link", name="chat.png").click()
    saved = tmp_path / "chat.png"
    download.value.save_as(saved)
    assert saved.read_bytes() == PNG

    lead.get_by_label("Add to the chronology").fill("Spoke to Leo and his parents.")
    lead.get_by_role("button", name="Add to the chronology").click()
    expect(lead.get_by_role("status")).to_contain_text("Added to the chronology.")
    lead.get_by_label("New status").select_option("closed")
    lead.get_by_role("button", name="Change the status").click()
    expect(lead.get_by_role("alert")).to_contain_text("Say what the outcome was")
    assert_accessible(lead)
    lead.get_by_label(re.compile("Outcome")).fill("Apology made; the chat was removed.")
    lead.get_by_role("button", name="Change the status").click()
    expect(lead.get_by_text("status new → closed")).to_be_visible()
    assert_accessible(lead)

    head = page.context.browser.new_page()
    sign_in_with_code(head, live_server, HEAD, school[HEAD])
    head.goto(f"{live_server}/incidents/trail")
    refusal = (
        head.locator("tr")
        .filter(has_text="Tom Reed")
        .filter(has_text="Refused")
        .filter(has_text=f"GET /incidents/{incident_id}")
    )
    expect(refusal).to_be_visible()
    assert_accessible(head)

    head.get_by_role("button", name="Hide screen").click()
    expect(head.get_by_role("heading", name=re.compile("Hello"))).to_be_visible()
    head.go_back()
    assert "/incidents/trail" not in head.url


def _incident_id() -> int:
    from sqlalchemy import select

    from portal.extensions import db
    from portal.incidents.models import Incident

    db.session.expire_all()
    return db.session.scalar(select(Incident.id))
