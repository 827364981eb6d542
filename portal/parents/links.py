"""The personal link in a parent's email: a signed, dated token. Pure: no Flask, no database.

The token names one guardian in one campaign and is signed with a salt of its own, so no
other link the portal signs (a set-password link) can stand in for it, nor it for them.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

SALT = "parents-acknowledgement"


@dataclass(frozen=True)
class LinkFor:
    campaign_id: int
    guardian_id: int


class InvalidLink(Exception):
    """Tampered with, cut short, or never made by this portal."""


class ExpiredLink(Exception):
    """Genuine but too old; ``link`` says whose it was, so a new one can be sent."""

    def __init__(self, link: LinkFor):
        super().__init__("expired")
        self.link = link


def _serializer(secret: str, now: datetime) -> URLSafeTimedSerializer:
    """A serializer whose clock reads ``now`` (naive UTC), for signing and for checking age."""
    return _serializer_at(secret, int(now.replace(tzinfo=UTC).timestamp()))


@lru_cache(maxsize=16)  # a mailing signs hundreds of links in the same second
def _serializer_at(secret: str, seconds: int) -> URLSafeTimedSerializer:
    class SignerAt(TimestampSigner):
        def get_timestamp(self) -> int:
            return seconds

    return URLSafeTimedSerializer(secret, salt=SALT, signer=SignerAt)


def make_token(secret: str, link: LinkFor, now: datetime) -> str:
    return _serializer(secret, now).dumps({"c": link.campaign_id, "g": link.guardian_id})


def read_token(secret: str, token: str, max_age_days: int, now: datetime) -> LinkFor:
    """Whose link this is; InvalidLink or ExpiredLink when it cannot be used as it is."""
    serializer = _serializer(secret, now)
    try:
        return _link_for(serializer.loads(token, max_age=max_age_days * 86400))
    except SignatureExpired as expired:
        # The signature was checked before the age: this payload is the portal's own.
        raise ExpiredLink(_link_for(serializer.load_payload(expired.payload))) from expired
    except (BadSignature, ValueError, TypeError) as bad:
        raise InvalidLink() from bad


def _link_for(payload) -> LinkFor:
    if not isinstance(payload, dict) or set(payload) != {"c", "g"}:
        raise InvalidLink()
    ids = payload["c"], payload["g"]
    if not all(type(value) is int and 0 < value < 2**31 for value in ids):
        raise InvalidLink()
    return LinkFor(*ids)
