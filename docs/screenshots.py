"""Retake the README's screenshots from a running demo portal (`make run` in another terminal).

    .venv/bin/python docs/screenshots.py http://127.0.0.1:5000 "$(cat instance/demo-password)"

Emoji need a colour emoji font on the machine (Debian: fonts-noto-color-emoji).
"""

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent / "screenshots"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TABLET = {"width": 820, "height": 1000}


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def staff_pages(browser, base: str, password: str) -> None:
    phone = browser.new_page(viewport={"width": 390, "height": 760})
    phone.goto(f"{base}/sign-in")
    phone.screenshot(path=OUT / "sign-in-phone.png", full_page=True)
    head = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(head, base, "head@wilkinson.example.org", password)
    head.screenshot(path=OUT / "head-home.png")
    admin = browser.new_context(viewport={"width": 1280, "height": 820}).new_page()
    sign_in(admin, base, "admin@wilkinson.example.org", password)
    admin.goto(f"{base}/admin/roster/")
    admin.set_input_files("input[type=file]", "examples/roster.csv")
    admin.get_by_role("button", name="Preview the changes").click()
    admin.screenshot(path=OUT / "roster-preview.png")


def pupil_pages(browser, base: str, password: str) -> None:
    board = browser.new_context(viewport={"width": 1280, "height": 820}).new_page()
    sign_in(board, base, "teacher3@wilkinson.example.org", password)
    board.get_by_role("button", name=re.compile("Start a class session")).click()
    code = board.locator(".board-code").inner_text().strip()
    tablet = browser.new_context(viewport=TABLET).new_page()
    tablet.goto(f"{base}/class?code={code}")
    tablet.screenshot(path=OUT / "pupil-names.png")
    tablet.locator(".name-button").first.click()
    tablet.screenshot(path=OUT / "pupil-pictures.png")
    board.reload()
    board.screenshot(path=OUT / "teacher-board.png")


def main(base: str, password: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        staff_pages(browser, base, password)
        pupil_pages(browser, base, password)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
