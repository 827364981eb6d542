"""Classroom posters: each Key Stage's AUP, as pupils read it today, on one page of A4."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.policies import service
from portal.policies.formats import AupText, parse_aup
from portal.policies.models import Policy, PolicyVersion


@dataclass(frozen=True)
class PosterKind:
    """Which AUP a poster shows, and for whom: its address names it by ``key``."""

    key: str
    policy_slug: str
    label: str


POSTERS = {
    "eyfs-ks1": PosterKind("eyfs-ks1", "aup-eyfs-ks1", "Early Years and Key Stage 1"),
    "ks2": PosterKind("ks2", "aup-ks2", "Key Stage 2"),
}
# Reception and Key Stage 1 share the early-years AUP, so they share its poster too.
BY_KEY_STAGE = {"EYFS": "eyfs-ks1", "KS1": "eyfs-ks1", "KS2": "ks2"}


@dataclass(frozen=True)
class Poster:
    """What a poster page shows; ``text`` is None when there is nothing to print yet."""

    kind: PosterKind
    policy: Policy | None  # None: the school has not installed its AUPs
    shown: PolicyVersion | None  # the version printed: the one pupils read today
    in_force: PolicyVersion | None  # newer than ``shown`` when its text cannot be shown
    text: AupText | None

    @property
    def size(self) -> str:
        """How big the type can be and still fit one page: fewer lines, bigger words."""
        lines = len(self.text.lines) if self.text else 0
        return "few" if lines <= 6 else "some" if lines <= 10 else "many"


def poster_key_for_policy(slug: str) -> str | None:
    """The poster made from the policy ``slug``, or None for a policy that has no poster."""
    return next((kind.key for kind in POSTERS.values() if kind.policy_slug == slug), None)


def poster_key_for_class(key_stage: str) -> str | None:
    """The poster for a class in ``key_stage`` ("EYFS", "KS1", "KS2")."""
    return BY_KEY_STAGE.get(key_stage)


def poster(key: str, today: date) -> Poster:
    """The poster ``key`` from the AUP version pupils read ``today`` (raises KeyError if unknown).

    Like the pupils' screen, a version in force whose text cannot be shown (a hand edit) is
    passed over for the latest one before it that can.
    """
    kind = POSTERS[key]
    policy = db.session.scalar(select(Policy).where(Policy.slug == kind.policy_slug))
    if policy is None:
        return Poster(kind, None, None, None, None)
    shown = service.version_shown(policy, today)
    in_force = service.current_version(policy, today)
    return Poster(kind, policy, shown, in_force, parse_aup(shown.body) if shown else None)
