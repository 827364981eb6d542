"""A teacher at the board with a full class, by keyboard alone: who needs help is at the top,
focus goes somewhere on purpose after each Unlock, and the timed refresh never takes it away."""

import re

import pytest
from playwright.sync_api import expect

from portal.classroom.models import SessionPupil
from portal.clock import school_today, utcnow
from portal.extensions import db
from portal.policies.shipped import install_shipped_policies
from portal.teaching.service import record_class_acknowledgement
from tests.helpers.browser import sign_in_as, tab_to
from tests.helpers.builders import make_class, make_pupil, make_staff, open_class_session
from tests.helpers.checkers import assert_accessible
from tests.helpers.web import with_classroom

LAPTOP = {"width": 1366, "height": 768}
FIRST_NAMES = [
    "Amara",
    "Ben",
    "Cara",
    "Dev",
    "Ella",
    "Finn",
    "Grace",
    "Hari",
    "Isla",
    "Jack",
    "Kemi",
    "Leo",
    "Maya",
    "Noah",
    "Olu",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tom",
    "Uma",
    "Vik",
    "Wren",
    "Xander",
    "Yusuf",
]
# True while focus is on a control among those the timed refresh brings up to date.
FOCUS_IN_LIVE_PARTS = "() => !!document.activeElement.closest('#needs-help, #live-list')"


@pytest.fixture
def app(app):
    install_shipped_policies(school_today())
    db.session.commit()
    app.config["BOARD_REFRESH_SECONDS"] = 1  # the board polls every 5 s; the tests need not wait
    return with_classroom(app)


@pytest.fixture
def board(app):
    """Oak with 25 pupils, 10 signed in; Kemi (12th) and Yusuf (last) are locked out."""
    oak = make_class("Oak", 1)
    teacher = make_staff("teacher1@wilkinson.example.org", classes=[oak])
    pupils = {name: make_pupil(oak, name, "Smith") for name in FIRST_NAMES}
    class_session = open_class_session(oak, teacher)
    for name in FIRST_NAMES[:10]:
        sign_in_pupil(class_session, pupils[name])
    for name in ("Kemi", "Yusuf"):
        db.session.add(
            SessionPupil(
                session_id=class_session.id,
                pupil_id=pupils[name].id,
                wrong_pictures=3,
                locked=True,
            )
        )
    db.session.commit()
    return {"session": class_session, "pupils": pupils, "teacher": teacher}


def sign_in_pupil(class_session, pupil) -> None:
    """As if the pupil had just tapped the right picture on a tablet."""
    db.session.add(
        SessionPupil(session_id=class_session.id, pupil_id=pupil.id, signed_in_at=utcnow())
    )
    db.session.commit()


def open_board(page, live_server, board) -> None:
    page.set_viewport_size(LAPTOP)
    sign_in_as(page, live_server, "teacher1@wilkinson.example.org")
    page.goto(f"{live_server}/teach/sessions/{board['session'].id}")


def changed_list(response) -> bool:
    """A poll of the live list that brought something new (204 means nothing changed)."""
    return "/live" in response.url and response.status == 200


def focus_is_lost(page) -> bool:
    return page.evaluate(
        "() => !document.activeElement || document.activeElement === document.body"
        " || !document.activeElement.isConnected"
    )


def test_unlock_with_the_keyboard_moves_focus_to_the_next_unlock_then_to_the_status(
    page, live_server, board
):
    open_board(page, live_server, board)
    unlock_kemi = page.get_by_role("button", name="Unlock Kemi S.")
    unlock_yusuf = page.get_by_role("button", name="Unlock Yusuf S.")
    tab_to(page, unlock_kemi)
    page.keyboard.press("Enter")
    expect(page.get_by_role("row", name=re.compile("Kemi S."))).to_contain_text("Not yet")
    expect(unlock_yusuf).to_be_focused()
    assert not focus_is_lost(page)
    assert_accessible(page)

    page.keyboard.press("Space")
    expect(page.get_by_role("row", name=re.compile("Yusuf S."))).to_contain_text("Not yet")
    status = page.get_by_role("status").filter(has_text="signed in")
    expect(status).to_be_focused()
    expect(status).to_have_text(re.compile(r"10 of 25 signed in\W+nobody needs help"))
    assert not focus_is_lost(page)
    assert_accessible(page)

    # Focus resting on the status line does not stop the board keeping up.
    sign_in_pupil(board["session"], board["pupils"]["Olu"])
    expect(status).to_contain_text("11 of 25 signed in", timeout=5_000)
    expect(page.get_by_role("row", name=re.compile("Olu S."))).to_contain_text("Signed in")
    expect(status).to_be_focused()


def test_the_timed_refresh_keeps_the_focused_unlock_and_updates_the_rest(page, live_server, board):
    open_board(page, live_server, board)
    unlock_kemi = page.get_by_role("button", name="Unlock Kemi S.")
    tab_to(page, unlock_kemi)
    unlock_kemi.evaluate("button => { button.markedByTheTest = true; }")

    sign_in_pupil(board["session"], board["pupils"]["Olu"])
    olu = page.get_by_role("row", name=re.compile("Olu S."))
    expect(olu).to_contain_text("Signed in", timeout=8_000)
    assert page.evaluate("() => document.activeElement.markedByTheTest === true")
    expect(unlock_kemi).to_be_focused()
    expect(page.get_by_role("status").filter(has_text="signed in")).to_contain_text("11 of 25")
    # htmx wires the refreshed form as the swap settles (about 20 ms); a press before that is
    # a plain form post, which unlocks too but reloads the page (seen once on a loaded machine).
    page.wait_for_function("() => !document.querySelector('.htmx-swapping, .htmx-settling')")

    page.keyboard.press("Enter")  # the very same button still works
    expect(page.get_by_role("button", name="Unlock Yusuf S.")).to_be_focused()


def test_without_state_preserving_moves_the_refresh_waits_until_focus_moves_on(
    page, live_server, board
):
    # Browsers without Element.moveBefore cannot keep a node focused while moving it: there the
    # whole list waits, and the next poll (still asking with the old version) catches up.
    page.add_init_script("delete Element.prototype.moveBefore")
    open_board(page, live_server, board)
    unlock_kemi = page.get_by_role("button", name="Unlock Kemi S.")
    tab_to(page, unlock_kemi)
    unlock_kemi.evaluate("button => { button.markedByTheTest = true; }")

    with page.expect_response(changed_list, timeout=12_000):  # a poll brings the change
        sign_in_pupil(board["session"], board["pupils"]["Olu"])
    page.wait_for_timeout(300)  # time to swap, if it were going to
    assert page.evaluate("() => document.activeElement.markedByTheTest === true")
    expect(unlock_kemi).to_be_focused()
    olu = page.get_by_role("row", name=re.compile("Olu S."))
    expect(olu).to_contain_text("Not yet")

    while page.evaluate(FOCUS_IN_LIVE_PARTS):
        page.keyboard.press("Shift+Tab")
    expect(olu).to_contain_text("Signed in", timeout=5_000)


def test_who_needs_help_is_in_the_first_screenful_of_a_laptop(page, live_server, board):
    open_board(page, live_server, board)
    for name in ("Kemi S.", "Yusuf S."):
        unlock = page.get_by_role("button", name=f"Unlock {name}")
        expect(unlock).to_be_visible()
        box = unlock.bounding_box()
        assert box["y"] + box["height"] <= LAPTOP["height"], (name, box)
    assert_accessible(page)


def test_the_live_region_is_a_short_status_line_not_the_table(page, live_server, board):
    open_board(page, live_server, board)
    regions = page.locator("[aria-live], [role=status], [role=alert], [role=log]")
    texts = [" ".join(text.split()) for text in regions.all_text_contents()]
    assert any("10 of 25 signed in" in text for text in texts), texts
    assert all(len(text) < 80 for text in texts), texts
    inside_a_live_region = page.locator(
        ":is([aria-live], [role=status], [role=alert], [role=log]) table"
    )
    expect(inside_a_live_region).to_have_count(0)

    # The status line changes only when its words do: a pupil's progress alone leaves it be.
    status = page.get_by_role("status").filter(has_text="signed in")
    status.evaluate("line => { line.firstChild.markedByTheTest = true; }")
    page.locator(".live-table").evaluate("table => { table.markedByTheTest = true; }")
    oak, amara = board["session"].school_class, board["pupils"]["Amara"]
    record_class_acknowledgement(oak, [amara.id], board["teacher"], school_today())
    db.session.commit()
    page.wait_for_function("() => !document.querySelector('.live-table').markedByTheTest")
    assert status.evaluate("line => line.firstChild.markedByTheTest === true")

    sign_in_pupil(board["session"], board["pupils"]["Olu"])
    expect(status).to_contain_text("11 of 25 signed in", timeout=5_000)


def test_without_javascript_unlock_posts_and_the_board_comes_back(browser, live_server, board):
    context = browser.new_context(java_script_enabled=False, viewport=LAPTOP)
    page = context.new_page()
    open_board(page, live_server, board)
    page.get_by_role("button", name="Unlock Kemi S.").click()
    expect(page.get_by_text("Kemi S. can try their picture again.")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="signed in")).to_contain_text("1 needs help")
    expect(page.get_by_role("button", name="Unlock Kemi S.")).to_have_count(0)
    context.close()
