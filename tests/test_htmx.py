"""htmx has one decision point: portal/htmx.py. Views never build fragment responses by hand."""

import re
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parents[1] / "portal"
VIEWS = sorted(p for p in PORTAL.rglob("*.py") if p.name.endswith("views.py"))
BY_HAND = [
    (re.compile(r"""render_template\(\s*["'][\w/]+/_\w+\.html"""), "renders a fragment itself"),
    (re.compile(r"""["']Vary["']|\.vary\b"""), "sets Vary itself"),
    (re.compile(r"""["']Cache-Control["']"""), "sets Cache-Control itself"),
    (re.compile(r"""request\.headers\.get\(\s*["']HX-"""), "reads htmx headers itself"),
]


@pytest.mark.parametrize("path", VIEWS, ids=lambda p: str(p.relative_to(PORTAL)))
def test_views_leave_fragments_vary_and_caching_to_the_shared_helpers(path):
    source = path.read_text()
    found = [why for pattern, why in BY_HAND if pattern.search(source)]
    assert found == [], f"{path.name} {', '.join(found)}: use portal/htmx.py"


def test_every_view_module_is_checked():
    assert len(VIEWS) >= 10
