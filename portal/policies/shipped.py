"""The school's own policy texts as shipped in content/policies: checked, then installed once,
and corrected where a school still has a shipped text that a later release replaces."""

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.extensions import db
from portal.people.roles import ALL_ROLES
from portal.policies import formats
from portal.policies.models import AUDIENCES, INITIAL, MATERIAL, MINOR, Policy, PolicyVersion
from portal.policies.publishing import publish_version
from portal.policies.service import latest_version

CONTENT = Path(__file__).resolve().parents[2] / "content" / "policies"


@dataclass(frozen=True)
class Replaced:
    """An earlier shipped text that the current one corrects, and what changed."""

    body: str
    change_kind: str
    change_summary: str


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
    replaces: tuple[Replaced, ...] = ()
    # The slug of the policy this document is written from: it is to be reviewed when that
    # policy changes (see sources.py).
    written_from: str | None = None


@dataclass
class Installed:
    """What `install-content` did: titles added, corrections published, corrections left."""

    added: list[str] = field(default_factory=list)
    corrected: list[PolicyVersion] = field(default_factory=list)
    # A correction not published because the school has a text of its own: its newest version.
    left_to_the_school: list[PolicyVersion] = field(default_factory=list)


def load_catalogue(folder: Path = CONTENT) -> list[ShippedPolicy]:
    """Read and check the catalogue; every problem is reported at once, naming the entry."""
    entries = tomllib.loads((folder / "catalogue.toml").read_text("utf-8"))["policy"]
    problems = [
        f"{entry.get('slug', '?')}: {problem}"
        for entry in entries
        for problem in [*_entry_problems(entry, folder), *_source_problems(entry, entries)]
    ]
    if problems:
        raise ValueError("content/policies/catalogue.toml: " + "; ".join(problems))
    fields = set(ShippedPolicy.__dataclass_fields__) - {"body", "replaces"}
    return [
        ShippedPolicy(
            **{k: entry[k] for k in fields - {"written_from"}},
            written_from=entry.get("written_from"),
            body=(folder / entry["file"]).read_text("utf-8"),
            replaces=tuple(
                Replaced(
                    (folder / earlier["file"]).read_text("utf-8"),
                    earlier["change_kind"],
                    earlier["change_summary"],
                )
                for earlier in entry.get("replaces", [])
            ),
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
    problems += [
        f"replaces {earlier.get('file', '?')}: {problem}"
        for earlier in entry.get("replaces", [])
        for problem in _replaced_problems(earlier, folder)
    ]
    if not problems:
        text = formats.normalise((folder / entry["file"]).read_text("utf-8"))
        problem = formats.problem_in(str(entry.get("slug")), text)
        problems += [f"{entry['file']}: {problem}"] if problem else []
    return problems


def _source_problems(entry: dict, entries: list[dict]) -> list[str]:
    """``written_from`` names another entry, itself written from nothing (one level, no loop)."""
    source = entry.get("written_from")
    if source is None:
        return []
    found = next((other for other in entries if other.get("slug") == source), None)
    if source == entry.get("slug") or found is None:
        return [f"written_from must be the slug of another policy in the catalogue, not {source!r}"]
    if found.get("written_from") is not None:
        return [f"written_from: {source} is itself written from another policy"]
    return []


def _replaced_problems(earlier: dict, folder: Path) -> list[str]:
    checks = [
        ((folder / str(earlier.get("file", ""))).is_file(), "file not found"),
        (earlier.get("change_kind") in (MINOR, MATERIAL), "change_kind must be minor or material"),
        (0 < len(str(earlier.get("change_summary", "")).strip()) <= 500, "change_summary missing"),
    ]
    return [message for ok, message in checks if not ok]


def install_shipped_policies(today: date) -> Installed:
    """Add each shipped policy missing by slug, as version 1 of its current text, and publish
    each shipped correction where the school's newest version is a text it replaces."""
    present = {
        policy.slug: policy
        for policy in db.session.scalars(select(Policy).options(selectinload(Policy.versions)))
    }
    installed = Installed()
    for shipped in load_catalogue():
        if shipped.slug in present:
            _correct(present[shipped.slug], shipped, today, installed)
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
        installed.added.append(shipped.title)
    db.session.flush()
    return installed


def _correct(policy: Policy, shipped: ShippedPolicy, today: date, installed: Installed) -> None:
    """Publish the shipped text as the next version if the newest is a text it replaces,
    word for word; a school's own text is never overwritten."""
    latest = latest_version(policy)
    current = formats.normalise(shipped.body)
    if latest is None or formats.normalise(latest.body) == current or not shipped.replaces:
        return
    texts = {formats.normalise(r.body): r for r in shipped.replaces}
    replaced = texts.get(formats.normalise(latest.body))
    if replaced is None:
        # Said only where the school's text grew from a replaced one: a school that wrote
        # its own from the start has nothing of ours to correct.
        if any(formats.normalise(v.body) in texts for v in policy.versions):
            installed.left_to_the_school.append(latest)
        return
    installed.corrected.append(
        publish_version(
            policy,
            current,
            max(today, latest.effective_on),
            replaced.change_kind,
            replaced.change_summary,
            published_by=None,
            today=today,
        )
    )
