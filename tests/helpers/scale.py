"""Schools of a chosen size (portal/demo_large/) and the SQL each page costs in them."""

from portal.clock import school_today
from portal.demo_large import empty_all_tables, generate_demo
from portal.extensions import db
from tests.helpers.queries import counting_queries
from tests.helpers.web import sign_in

PASSWORD = "sunlit-kestrel-harbour"
HEAD = "head@demo-school.example.org"


def build_school(pupils: int, seed: int = 1) -> None:
    """A fresh fictional school of ``pupils`` pupils (every table emptied first)."""
    empty_all_tables()
    generate_demo(pupils, seed, school_today(), PASSWORD)
    db.session.commit()


OFFICE = "office1@demo-school.example.org"  # the administrator
GOVERNOR = "governor1@demo-school.example.org"


def statements_per_page(app, pages: dict[str, tuple[str, str]]) -> dict[str, int]:
    """The SQL statements each page runs, as (email, url), for that account (each a 200)."""
    clients = {}
    counts = {}
    for name, (email, url) in pages.items():
        if email not in clients:
            clients[email] = app.test_client()
            assert sign_in(clients[email], email, PASSWORD).status_code == 302
        client = clients[email]
        client.get(url)  # warm: the session's first request loads what later ones reuse
        with counting_queries() as statements:
            response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        counts[name] = len(statements)
    return counts
