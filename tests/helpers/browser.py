"""Steps the browser journeys share: a member of staff signing in, and moving by keyboard."""

from playwright.sync_api import expect

from tests.helpers.builders import PASSWORD


def sign_in_as(page, live_server, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real form, pressing Enter as a hurried teacher would."""
    page.goto(f"{live_server}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def tab_to(page, locator, limit: int = 80) -> None:
    """Press Tab until ``locator`` has the focus: the keyboard alone."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {locator}")
