"""Form controls stand out from what is around them: 3:1 at least (WCAG 2.2, 1.4.11)."""

from playwright.sync_api import expect

from portal.clock import school_today
from portal.extensions import db
from portal.policies.shipped import install_shipped_policies
from tests.helpers.builders import PASSWORD, make_staff

# For each visible control: its border against its own background and against the background
# around it (the first ancestor that paints one), as WCAG's relative luminance ratio.
BORDER_CONTRASTS = """() => {
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => v / 255)
    .map((v) => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ratio = (a, b) => { const [x, y] = [lum(rgb(a)), lum(rgb(b))].sort((p, q) => q - p);
                            return (x + 0.05) / (y + 0.05); };
  const painted = (c) => !/rgba\\(.*, 0\\)$/.test(c) && c !== "transparent";
  const around = (el) => { for (let e = el.parentElement; e; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor; if (painted(c)) return c; }
    return "rgb(255, 255, 255)"; };
  return [...document.querySelectorAll(
      "input:not([type=hidden]):not([type=submit]):not([type=button]), textarea, select")]
    .filter((el) => el.offsetParent !== null)
    .map((el) => { const s = getComputedStyle(el);
      const own = painted(s.backgroundColor) ? s.backgroundColor : around(el);
      return [el.name + (el.type ? ":" + el.type : ""),
              Math.min(ratio(s.borderTopColor, own), ratio(s.borderTopColor, around(el)))]; });
}"""


def test_text_fields_radios_and_dates_have_borders_of_3_to_1(page, live_server):
    install_shipped_policies(school_today())
    db.session.commit()
    make_staff("head@wilkinson.example.org", roles=("head_teacher",))
    page.goto(f"{live_server}/class")
    pages = {"class-code": page.evaluate(BORDER_CONTRASTS)}
    page.goto(f"{live_server}/sign-in")
    pages["sign-in"] = page.evaluate(BORDER_CONTRASTS)
    page.get_by_label("Email address").fill("head@wilkinson.example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto(f"{live_server}/policies/social-media-policy/publish")
    pages["publish"] = page.evaluate(BORDER_CONTRASTS)
    low = {name: [(c, round(r, 2)) for c, r in found if r < 3] for name, found in pages.items()}
    assert {name: found for name, found in low.items() if found} == {}
    assert all(found for found in pages.values())  # the check looked at something
