"""The outside checkers the tests use: Chromium with axe-core, and the Nu HTML validator."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def assert_accessible(page):
    """axe-core finds no WCAG 2.2 A/AA violation on the page as it is now."""
    page.wait_for_load_state()  # judge the styled page, never one whose stylesheets are in flight
    # Evaluated through the DevTools protocol, which the page's CSP rightly does not allow inline.
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22aa']}})"
    )
    violations = [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]
    assert violations == []
