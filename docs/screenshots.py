"""Retake the README's screenshots from a running demo portal (`make run` in another terminal).

    .venv/bin/python docs/screenshots.py http://127.0.0.1:5000 "$(cat instance/demo-password)"
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def main(base: str, password: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        phone = browser.new_page(viewport={"width": 390, "height": 760})
        phone.goto(f"{base}/sign-in")
        phone.screenshot(path=OUT / "sign-in-phone.png", full_page=True)
        laptop = browser.new_page(viewport={"width": 1280, "height": 820})
        sign_in(laptop, base, "admin@wilkinson.example.org", password)
        laptop.goto(f"{base}/admin/staff/")
        laptop.screenshot(path=OUT / "staff-accounts.png")
        laptop.goto(f"{base}/admin/roster/")
        laptop.set_input_files("input[type=file]", "examples/roster.csv")
        laptop.get_by_role("button", name="Preview the changes").click()
        laptop.screenshot(path=OUT / "roster-preview.png")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
