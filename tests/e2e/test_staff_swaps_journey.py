"""Keyboard-only staff journeys: after every htmx swap, focus lands somewhere on purpose."""

from playwright.sync_api import expect

from portal.clock import school_today
from portal.extensions import db
from portal.mail.models import FAILED, OutboxMessage
from portal.policies.shipped import install_shipped_policies
from tests.helpers.browser import sign_in_as, tab_to
from tests.helpers.builders import make_staff
from tests.helpers.checkers import assert_accessible
from tests.helpers.policies import publish

FOCUSED_TAG = "() => document.activeElement.tagName"


def test_comparing_versions_keeps_focus_on_the_button_that_asked(page, live_server):
    install_shipped_policies(school_today())
    publish("aup-eyfs-ks1")
    make_staff("head@wilkinson.example.org", roles=("head_teacher",))
    sign_in_as(page, live_server, "head@wilkinson.example.org")
    page.goto(f"{live_server}/policies/aup-eyfs-ks1/compare?from=2&to=2")
    expect(page.locator("#changes")).to_contain_text("the same")

    page.get_by_label("From version", exact=True).select_option("1")
    show = page.get_by_role("button", name="Show the changes")
    tab_to(page, show)
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server}/policies/aup-eyfs-ks1/compare?from=1&to=2")
    expect(page.locator("#changes")).to_contain_text("A new closing line")
    expect(show).to_be_focused()
    assert page.evaluate(FOCUSED_TAG) != "BODY"
    assert_accessible(page)


def test_retrying_a_message_lands_on_its_new_status(page, live_server):
    make_staff("admin@wilkinson.example.org", roles=("admin",))
    for address in ("first@example.org", "second@example.org"):
        db.session.add(
            OutboxMessage(
                to_address=address,
                subject="Bounced",
                body_text="Hello",
                template="test",
                status=FAILED,
                attempts=3,
            )
        )
    db.session.commit()
    sign_in_as(page, live_server, "admin@wilkinson.example.org")
    page.goto(f"{live_server}/admin/outbox/")

    # Newest first: the second message is the top row.
    tab_to(page, page.get_by_role("button", name="Retry the message to second@example.org"))
    page.keyboard.press("Enter")

    status = page.locator("tr", has_text="second@example.org").locator(".status")
    expect(status).to_have_text("Queued")
    expect(status).to_be_focused()
    page.keyboard.press("Tab")  # on to the next failed message's Retry
    following = page.get_by_role("button", name="Retry the message to first@example.org")
    expect(following).to_be_focused()
    assert_accessible(page)
