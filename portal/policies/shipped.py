"""The school's own policy texts as shipped in content/policies: checked, then installed once."""

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from portal.extensions import db
from portal.people.roles import ALL_ROLES
from portal.policies import formats
from portal.policies.models import AUDIENCES, INITIAL, Policy, PolicyVersion

CONTENT = Path(__file__).resolve().parents[2] / "content" / "policies"


@dataclass(frozen=True)
class ShippedPolicy:
    """One entry of content/policies/catalogue.toml, with its text read from its file."""

    slug: str
    title: str
    audience: str
    owner_role: str
    review_interval_months: int
    effective_on: date
    next_review_on: date
    body: str


def load_catalogue(folder: Path = CONTENT) -> list[ShippedPolicy]:
    """Read and check the catalogue; every problem is reported at once, naming the entry."""
    entries = tomllib.loads((folder / "catalogue.toml").read_text("utf-8"))["policy"]
    problems = [
        f"{entry.get('slug', '?')}: {problem}"
        for entry in entries
        for problem in _entry_problems(entry, folder)
    ]
    if problems:
        raise ValueError("content/policies/catalogue.toml: " + "; ".join(problems))
    fields = set(ShippedPolicy.__dataclass_fields__) - {"body"}
    return [
        ShippedPolicy(
            **{k: entry[k] for k in fields}, body=(folder / entry["file"]).read_text("utf-8")
        )
        for entry in entries
    ]


def _entry_problems(entry: dict, folder: Path) -> list[str]:
    checks = [
        (entry.get("audience") in AUDIENCES, f"audience must be one of {', '.join(AUDIENCES)}"),
        (entry.get("owner_role") in ALL_ROLES, "owner_role must be a staff role"),
        (isinstance(entry.get("review_interval_months"), int), "review_interval_months missing"),
        (isinstance(entry.get("effective_on"), date), "effective_on must be a date"),
        (isinstance(entry.get("next_review_on"), date), "next_review_on must be a date"),
        (bool(entry.get("title")), "title missing"),
        ((folder / str(entry.get("file", ""))).is_file(), "file not found"),
    ]
    problems = [message for ok, message in checks if not ok]
    if not problems:
        text = formats.normalise((folder / entry["file"]).read_text("utf-8"))
        problem = formats.problem_in(str(entry.get("slug")), text)
        problems += [f"{entry['file']}: {problem}"] if problem else []
    return problems


def install_shipped_policies(today: date) -> int:
    """Add each shipped policy missing by slug, as version 1; returns how many were added."""
    present = set(db.session.scalars(select(Policy.slug)))
    added = 0
    for shipped in load_catalogue():
        if shipped.slug in present:
            continue
        policy = Policy(
            slug=shipped.slug,
            title=shipped.title,
            audience=shipped.audience,
            owner_role=shipped.owner_role,
            next_review_on=shipped.next_review_on,
            review_interval_months=shipped.review_interval_months,
        )
        policy.versions.append(
            PolicyVersion(
                number=1,
                body=shipped.body,
                effective_on=shipped.effective_on,
                change_kind=INITIAL,
                change_summary=f"The school's text, installed on {today.day} {today:%B %Y}.",
            )
        )
        db.session.add(policy)
        added += 1
    db.session.flush()
    return added
