"""The outside checkers the tests use: Chromium with axe-core, and the Nu HTML validator."""

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# An htmx fragment is validated inside the smallest document that may hold it.
FRAGMENT_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>x</title>'
    "</head><body><main>{}</main></body></html>"
)


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
    assert violations == [], f"axe found {violations}"


def validator_missing() -> str | None:
    """Why the Nu validator cannot run on this machine, or None when it can."""
    if not shutil.which("java"):
        return "java is not installed (apt-get install default-jre-headless)"
    if not VNU.exists():
        return "vnu-jar is not installed (make setup)"
    return None


def assert_valid_html(pages: dict[str, str], folder: Path) -> None:
    """The Nu validator finds no error in any of these documents (one start of Java for all)."""
    files = []
    for name, html in pages.items():
        files.append(folder / f"{name}.html")
        files[-1].write_text(html, encoding="utf-8")
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
