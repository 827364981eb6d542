"""Nothing scrolls sideways at 320 px or 200% zoom, on any page a person can reach (WCAG 1.4.10).

One school is built and served once for this module: the visits only read (a preview and a
half-filled check post nothing that is kept), and building it again for each of the hundred
page-and-width cases would cost minutes. Each person signs in once, through the sign-in form
or the classroom's code, and every case opens a fresh browser context with their cookie.
"""

import re
import threading
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from portal import create_app
from portal.auth.service import set_password_token
from portal.classroom.models import SessionPupil
from portal.clock import school_today, utcnow
from portal.extensions import db
from portal.mail.service import queue_email
from portal.people.school_year import academic_year
from portal.policies.publishing import publish_version
from portal.policies.service import latest_version
from portal.pupils import service as pupils
from portal.pupils.progress import aup_to_show
from portal.quiz.catalogue import get_quiz, quiz_for
from portal.register import service as register
from portal.staff_module import service as module
from portal.staff_module.status import CHECK_QUIZ_ID, check_for_year, module_status, settings
from tests.helpers.builders import (
    install_content,
    make_class,
    make_pupil,
    make_staff,
    open_class_session,
    seat_pupil,
)
from tests.helpers.checkers import assert_accessible
from tests.helpers.policies import policy
from tests.helpers.roster import csv_text
from tests.helpers.web import IsolatedClient, settings_for_tests, sign_in, with_classroom

# 320 CSS px is WCAG 1.4.10's width. 200% zoom of a 1280x800 window gives CSS a 640x400
# viewport with two device pixels per CSS pixel: Chromium's zoom is exactly that to a page.
WIDTHS = {
    "320px": {"viewport": {"width": 320, "height": 640}, "device_scale_factor": 1},
    "200% zoom": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
}
LONG_FIRST_NAME = "Oluwatobilobafunmilayo"
LONG_LAST_NAME = "Featherstonehaugh-Montgomery"
LONG_EMAIL = "christabel.featherstonehaugh-montgomery.deputyhead@wilkinson-primary.example.org"
ROLL = ["Amara", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Hugo", "Isla", "Jack", "Kai"]
ROLL += ["Leah", "Mia", "Noah", "Olivia", "Priya", "Quinn", "Ruby", "Sam", "Tara", "Umar"]
ROLL += ["Vera", "Will", "Xena", "Yusuf", "Zara"]

# The page's width, the body's, and the outermost elements whose right edge passes the window,
# leaving out those clipped by a box that scrolls on its own (a wide table in .table-wrap).
# An absolutely positioned element is clipped only by a box in its containing-block chain.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const top = (e) => !e || e === document.body || e === document.documentElement;
  const clips = (e) => /auto|scroll|hidden|clip/.test(getComputedStyle(e).overflowX);
  const clipped = (el) => {
    for (let e = el; !top(e);) {
      const position = getComputedStyle(e).position;
      if (position === "fixed") return false;
      let parent = e.parentElement;
      if (position === "absolute")
        while (!top(parent) && getComputedStyle(parent).position === "static")
          parent = parent.parentElement;
      if (top(parent)) return false;
      if (clips(parent)) return true;
      e = parent;
    }
    return false;
  };
  const right = new Map();
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 0.5 && !clipped(el)) right.set(el, box.right);
  }
  // Words too long for their box spill out of it, although the box itself fits.
  const words = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let text; (text = words.nextNode());) {
    const box = text.parentElement;
    range.selectNodeContents(text);
    const end = range.getBoundingClientRect().right;
    if (end > width + 0.5 && text.textContent.trim() && !right.has(box)
        && !clips(box) && !clipped(box)) right.set(box, end);
  }
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map((c) => "." + c).join("");
  return {
    page: document.documentElement.scrollWidth, body: document.body.scrollWidth, width,
    out: [...right.keys()].filter((el) => !right.has(el.parentElement)).slice(0, 6).map((el) =>
      `${name(el)} to ${Math.round(right.get(el))}px: `
      + JSON.stringify((el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 50))),
  };
}"""


@dataclass
class School:
    """The served portal, each person's session cookie, and the ids the pages' addresses need."""

    address: str
    roster: Path
    cookies: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int | str] = field(default_factory=dict)


def signed_in_cookie(app, email: str) -> str:
    client = app.test_client()
    sign_in(client, email)
    return client.get_cookie("portal_session").value


def tablet_cookie(app, board) -> str:
    """A tablet on which the class code has been typed."""
    client = app.test_client()
    client.get(f"/class?code={board.code}")
    return client.get_cookie("portal_session").value


def pupil_cookie(app, board, pupil) -> str:
    """A tablet on which ``pupil`` has signed in."""
    client = app.test_client()
    seat_pupil(client, board, pupil)
    return client.get_cookie("portal_session").value


def take_module(staff, quiz, until: str):
    """Read every card, then open the check ("check"), pass it ("acknowledge") or finish."""
    today = school_today()
    for card in range(1, module_status(staff, today, settings()).cards_total + 1):
        module.mark_card_read(module_status(staff, today, settings()), card)
    attempt = module.open_attempt(module_status(staff, today, settings()), quiz)
    if until != "check":
        asked = check_for_year(academic_year(today).start_year).questions  # the year's ten
        right = {q.id: q.correct_choice_id for q in asked}
        module.submit_attempt(attempt, quiz, right)
        db.session.commit()  # the score is written by an UPDATE: read the attempt afresh
    if until == "done":
        status = module_status(staff, today, settings())
        module.acknowledge(status, status.version.id, staff.name, today)
    db.session.commit()
    return attempt


def pupil_at(pupil, answered: int | None) -> None:
    """The pupil has agreed to the AUP (unless None) and answered ``answered`` questions."""
    if answered is None:
        return
    today = school_today()
    pupils.agree_to_aup(pupil, aup_to_show("KS1", today), today)
    quiz = pupils.my_quiz(pupil)
    if answered:
        attempt = pupils.open_attempt(pupil, quiz, today)
        for question in quiz.questions[:answered]:
            pupils.answer(attempt, quiz, question.id, question.correct_choice_id, pupil)
    db.session.commit()


def build_school(app, tmp: Path) -> School:
    install_content()
    oak = make_class("Oak", 1)
    teacher = make_staff("teacher@wilkinson.example.org", name="Ruth Okafor", classes=[oak])
    head = make_staff(LONG_EMAIL, roles=("head_teacher",), name="Christabel Featherstonehaugh")
    admin = make_staff("admin@wilkinson.example.org", roles=("admin",), classes=[oak])
    for n in range(3):
        make_staff(f"governor.{n}.{LONG_EMAIL}", roles=("governor",), password=False)
    roll = [make_pupil(oak, name) for name in ROLL]
    roll.append(make_pupil(oak, LONG_FIRST_NAME, LONG_LAST_NAME))
    for pupil, picture in zip(roll, ["owl", "fox", "cat", "dog", "bee"] * 6, strict=False):
        pupil.picture = picture
    board = make_board(oak, teacher, roll)
    quiz = get_quiz(CHECK_QUIZ_ID)
    checking, finished = take_module(teacher, quiz, "check"), take_module(head, quiz, "done")
    mail_and_publish(head)
    states = {"aup": None, "home": 0, "quiz": 1, "done": len(quiz_for("KS1").for_year(1).questions)}
    for pupil, answered in zip(roll[:4], states.values(), strict=True):
        pupil_at(pupil, answered)
    write_roster(tmp / "roster.csv")
    tool = a_risk_assessed_tool(oak, teacher, head)
    cookies = {
        "teacher": signed_in_cookie(app, teacher.email),
        "head": signed_in_cookie(app, head.email),
        "admin": signed_in_cookie(app, admin.email),
        "tablet": tablet_cookie(app, board),
        **{
            f"pupil-{state}": pupil_cookie(app, board, pupil)
            for state, pupil in zip(states, roll[:4], strict=True)
        },
    }
    certificate = module_status(head, school_today(), settings()).certificate
    ids = {
        "class": oak.id,
        "board": board.id,
        "first_question": quiz_for("KS1").for_year(1).questions[0].id,
        "pupil": roll[5].id,
        "locked": roll[-1].id,
        "checking": checking.id,
        "finished": finished.id,
        "teacher": teacher.id,
        "tool": tool.id,
        "certificate": certificate.code,
        "password_link": set_password_token(make_staff(LONG_EMAIL[1:]), app.secret_key),
    }
    return School("", tmp / "roster.csv", cookies, ids)


def a_risk_assessed_tool(oak, teacher, head):
    """An approved tool with a long name and long words in its risk assessment."""
    entry = register.add_entry(
        register.NewEntry(
            str(uuid.uuid4()),
            f"The {LONG_LAST_NAME} microblogging community",
            (oak.id,),
            False,
            "Pupils post about science week; " + LONG_EMAIL,
            "https://example.org/a/very/long/address/that/does/not/break/anywhere/at/all/ok",
        ),
        teacher,
    )
    register.approve(entry, head, school_today())
    db.session.commit()
    return entry


def mail_and_publish(head) -> None:
    """A message in the outbox to a long address; a version of the AUP still to take effect."""
    queue_email(LONG_EMAIL, "A test message", "test_message", school_name="X", queued_at=utcnow())
    publish_version(
        policy("aup-eyfs-ks1"),
        latest_version(policy("aup-eyfs-ks1")).body + "\nWe look after each other online.\n",
        school_today() + timedelta(days=30),
        "minor",
        "A kinder closing line.",
        head,
    )
    db.session.commit()


def write_roster(path: Path) -> None:
    """A roster file with a long name and long email addresses, for the import's preview."""
    path.write_text(
        csv_text(
            f"pupil,P1,{LONG_FIRST_NAME},{LONG_LAST_NAME},Year 1,Oak,,,",
            f"guardian,G1,Grace,Okoye,,,{LONG_EMAIL},,P1",
            f"staff,S1,Ruth,Okafor,,Oak,{LONG_EMAIL.replace('christabel', 'ruth')},teacher,",
        )
    )


def make_board(oak, teacher, roll):
    """An open class session: a few pupils signed in, the one with the long name locked out."""
    board = open_class_session(oak, teacher, code="4821")
    for pupil in roll[6:12]:
        db.session.add(SessionPupil(session_id=board.id, pupil_id=pupil.id, signed_in_at=utcnow()))
    db.session.add(
        SessionPupil(session_id=board.id, pupil_id=roll[-1].id, wrong_pictures=3, locked=True)
    )
    db.session.commit()
    return board


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reflow")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PORTAL_INSTANCE_PATH", str(folder / "instance"))
        app = create_app(settings_for_tests(f"sqlite:///{folder / 'portal.sqlite3'}"))
    app.test_client_class = IsolatedClient
    with_classroom(app)
    with app.app_context():
        db.create_all()
        built = build_school(app, folder)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    built.address = f"http://127.0.0.1:{server.server_port}"
    yield built
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


def preview_a_policy(page, school):
    text = page.get_by_label("The policy text")
    text.fill(text.input_value().replace("I will be kind", "I will be very, very kind"))
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview .aup-picture").first).to_be_visible()


def submit_the_check_half_done(page, school):
    page.locator("input[type=radio]").first.check()
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_role("heading", name="Answer every question")).to_be_visible()


def preview_a_roster(page, school):
    page.locator("input[type=file]").set_input_files(school.roster)
    page.get_by_role("button", name="Preview the changes").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


# Each page: who looks at it, its address (with the school's ids) and what they do there first.
PAGES = {
    "sign-in": (None, "/sign-in", None),
    "class code": (None, "/class", None),
    "certificate check": (None, "/certificates/verify?code={certificate}", None),
    "set a password": (None, "/set-password/{password_link}", None),
    "expired password link": (None, "/set-password/not-a-real-link", None),
    "wrong class code": (None, "/class?code=0000", None),
    "not found (404)": (None, "/nowhere", None),
    "pupils' names": ("tablet", "/class/names", None),
    "picture password": ("tablet", "/class/names/{pupil}", None),
    "ask your teacher": ("tablet", "/class/names/{locked}", None),
    "pupil's AUP": ("pupil-aup", "/me/aup", None),
    "pupil's home": ("pupil-home", "/me", None),
    "quiz question": ("pupil-quiz", "/me/quiz", None),
    "quiz feedback": ("pupil-quiz", "/me/quiz/{first_question}/feedback", None),
    "quiz done": ("pupil-done", "/me/quiz/done", None),
    "teacher's home": ("teacher", "/", None),
    "module card": ("teacher", "/module/read/1", None),
    "check intro": ("teacher", "/module/check", None),
    "the check": ("teacher", "/module/check/{checking}", None),
    "the check with errors": ("teacher", "/module/check/{checking}", submit_the_check_half_done),
    "my classes": ("teacher", "/teach/classes/", None),
    "class view": ("teacher", "/teach/classes/{class}", None),
    "read the AUP together": ("teacher", "/teach/classes/{class}/aup", None),
    "picture passwords": ("teacher", "/teach/classes/{class}/pictures", None),
    "login cards": ("teacher", "/teach/classes/{class}/cards", None),
    "poster, early years and KS1": ("teacher", "/policies/posters/eyfs-ks1", None),
    "poster, KS2": ("teacher", "/policies/posters/ks2", None),
    "the board": ("teacher", "/teach/sessions/{board}", None),
    "the board with progress": ("teacher", "/teach/sessions/{board}?progress=1", None),
    "my password": ("teacher", "/account/password", None),
    "not allowed (403)": ("teacher", "/admin/staff/", None),
    "head's home": ("head", "/", None),
    "check result": ("head", "/module/check/{finished}/result", None),
    "acknowledge": ("head", "/module/acknowledge", None),
    "certificate": ("head", "/module/certificate", None),
    "staff completion": ("head", "/admin/module", None),
    "policies": ("head", "/policies/", None),
    "a policy": ("head", "/policies/aup-eyfs-ks1", None),
    "a policy version": ("head", "/policies/aup-eyfs-ks1/versions/1", None),
    "compare versions": ("head", "/policies/aup-eyfs-ks1/compare", None),
    "publish": ("head", "/policies/social-media-policy/publish", None),
    "publish preview": ("head", "/policies/aup-eyfs-ks1/publish", preview_a_policy),
    "review": ("head", "/policies/staff-guidelines/review", None),
    "withdraw": ("head", "/policies/aup-eyfs-ks1/versions/2/withdraw", None),
    "admin's home": ("admin", "/", None),
    "staff accounts": ("admin", "/admin/staff/", None),
    "new member of staff": ("admin", "/admin/staff/new", None),
    "edit a member of staff": ("admin", "/admin/staff/{teacher}/edit", None),
    "roster import": ("admin", "/admin/roster/", None),
    "roster preview": ("admin", "/admin/roster/", preview_a_roster),
    "outbox": ("admin", "/admin/outbox/", None),
    "tools in lessons": ("head", "/register/", None),
    "add a tool": ("teacher", "/register/new", None),
    "a tool's risk assessment": ("head", "/register/{tool}", None),
}


def open_as(browser, school, person, width: str):
    context = browser.new_context(**WIDTHS[width])
    if person is not None:
        cookie = school.cookies[person]
        context.add_cookies([{"name": "portal_session", "value": cookie, "url": school.address}])
    return context.new_page()


@pytest.fixture
def visit(browser, school):
    """Open a page by its name in PAGES, as its person, at a width; closed after the test."""
    contexts = []

    def visit(name: str, width: str):
        person, path, then = PAGES[name]
        page = open_as(browser, school, person, width)
        contexts.append(page.context)
        page.goto(school.address + path.format(**school.ids))
        if then is not None:
            then(page, school)
        page.wait_for_load_state()
        return page

    yield visit
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_no_page_scrolls_sideways(visit, name, width):
    page = visit(name, width)
    found = page.evaluate(OVERFLOW)
    assert found["page"] <= found["width"] and found["body"] <= found["width"], (
        f"{name} at {width} is {max(found['page'], found['body'])}px wide "
        f"in a {found['width']}px window; sticking out: {found['out']}"
    )
    assert found["out"] == [], f"{name} at {width}: sticking out: {found['out']}"
    if width == "320px":
        assert_accessible(page)


@pytest.mark.parametrize("name", ["class view", "picture passwords", "staff accounts", "outbox"])
def test_a_wide_table_scrolls_in_its_own_box_and_the_keyboard_scrolls_it(visit, name):
    page = visit(name, "320px")
    box = page.locator(".table-wrap").first
    assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "the table fits: nothing to test"
    expect(box).to_have_attribute("tabindex", "0")  # without a mouse, Tab reaches the box
    box.focus()
    expect(box).to_have_accessible_name(re.compile(r"\w"))
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")
    found = page.evaluate(OVERFLOW)
    assert (found["page"], found["out"]) == (320, []), f"{name} scrolled: {found}"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_checks_radio_buttons_stay_round_and_20px(visit, width):
    """Pico draws a radio 1.25em across (20 px at 320 px); a long answer must not squash it."""
    page = visit("the check", width)
    sizes = page.locator("input[type=radio]").evaluate_all(
        "rs => rs.map(r => [r.getBoundingClientRect().width, r.getBoundingClientRect().height])"
    )
    assert len(sizes) > 20
    squashed = [
        (n, size) for n, size in enumerate(sizes, 1) if min(size) < 20 or size[0] < size[1] - 0.5
    ]
    assert squashed == [], f"radios squashed at {width} (width, height): {squashed}"


PUPIL_SCREENS = ["pupils' names", "picture password", "pupil's AUP", "pupil's home"]
PUPIL_SCREENS += ["quiz question", "quiz feedback", "quiz done"]
TAP_TARGETS = "main button, main [role=button], main .name-button, .pupil-header button"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PUPIL_SCREENS)
def test_pupils_tap_targets_stay_64px(visit, name, width):
    page = visit(name, width)
    targets = page.locator(TAP_TARGETS).evaluate_all(
        """els => els.filter(e => e.offsetParent !== null).map(e => {
             const box = e.getBoundingClientRect();
             return [(e.innerText || e.getAttribute('aria-label') || '').trim().slice(0, 30),
                     Math.round(box.width), Math.round(box.height)]; })"""
    )
    assert targets, f"no tap targets on {name}"
    small = [target for target in targets if min(target[1:]) < 64]
    assert small == [], f"{name} at {width}: targets under 64px: {small}"
