"""Two-factor sign-in in tests: turned on for someone, and a session that has given its code."""

from datetime import timedelta

from portal.auth import totp, two_factor
from portal.clock import utcnow
from portal.extensions import db
from portal.people.models import Staff
from tests.helpers.web import post_form, signed_in


def with_two_factor(staff: Staff, at=None) -> str:
    """Two-factor already on for ``staff`` (its first code used 2 minutes ago); the secret."""
    setting = two_factor.begin_setup(staff)
    earlier = (at or utcnow()) - timedelta(minutes=2)
    two_factor.confirm_setup(staff, totp.code_at(setting.secret, earlier), earlier)
    db.session.commit()
    return setting.secret


def give_code(client, code: str, next_page: str = ""):
    url = "/sign-in/code" + (f"?next={next_page}" if next_page else "")
    return post_form(client, url, {"code": code, "next": next_page})


def signed_in_with_code(client, *roles: str, email: str | None = None) -> Staff:
    """Signed in with password and authenticator code, as the incident log requires."""
    person = signed_in(client, *roles, email=email)
    secret = with_two_factor(person)
    response = give_code(client, totp.code_at(secret, utcnow()))
    assert response.status_code in (302, 303), response.status_code
    return person
