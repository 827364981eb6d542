"""Taps and double submits that arrive at the same moment: real concurrent requests.

Each test serves the portal from a thread (`live_server`), prepares one browser per request
(own cookie, own CSRF token), releases the requests together with a Barrier, and then looks
at the database. Every request must get an ordinary answer (never a 5xx) and the database
must hold what one request at a time would have left.
"""

import pytest
from sqlalchemy import select

from portal.classroom.models import SessionPupil
from portal.classroom.pictures import PICTURES
from portal.classroom.service import MAX_WRONG_PICTURES
from portal.extensions import db
from tests.helpers.builders import make_class, make_pupil, make_staff, open_class_session
from tests.helpers.races import Browser, at_once
from tests.helpers.web import with_classroom


@pytest.fixture
def app(app):
    return with_classroom(app)


def fresh(query):
    """A query's rows as the other requests left them (nothing cached in this session)."""
    db.session.expire_all()
    return db.session.scalars(query).all()


# Picture passwords ---------------------------------------------------------------------------


def joined(live_server, code: str) -> Browser:
    """A tablet that has typed the class code."""
    tablet = Browser(live_server)
    assert tablet.post("/class", {"code": code}).status_code == 302
    return tablet


def test_nine_tablets_tapping_the_nine_pictures_at_once_cannot_get_past_the_lock(live_server):
    oak = make_class("Oak", 1)
    teacher = make_staff(classes=[oak])
    amara = make_pupil(oak, "Amara")
    amara.picture = "fox"
    db.session.commit()
    class_session = open_class_session(oak, teacher, code="4821")
    page = f"/class/names/{amara.id}"
    taps = [
        joined(live_server, "4821").poster(page, {"picture": p.key}, page=page) for p in PICTURES
    ]

    responses = dict(zip((p.key for p in PICTURES), at_once(taps), strict=True))

    assert {r.status_code for r in responses.values()} <= {302, 422, 423}
    (seat,) = fresh(select(SessionPupil).where(SessionPupil.session_id == class_session.id))
    # Eight wrong taps always reach the lock, and nothing counts once it is reached.
    assert seat.locked and seat.wrong_pictures == MAX_WRONG_PICTURES
    tries_left = sum(r.status_code == 422 for r in responses.values())
    right = responses.pop("fox")
    if right.status_code == 302:  # it came before the lock: 0-2 wrong taps, then 2 more, then 3
        assert right.headers["Location"].endswith("/me") and seat.signed_in_at is not None
        assert 2 <= tries_left <= 4
    else:  # it came after the lock: refused like every tap after the third wrong one
        assert right.status_code == 423 and seat.signed_in_at is None
        assert tries_left == MAX_WRONG_PICTURES - 1
