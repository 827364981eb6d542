"""Publishing a policy's next version, and withdrawing one before it takes effect."""

from datetime import date

from sqlalchemy import exists, update
from sqlalchemy.orm import aliased

from portal.clock import school_today, utcnow
from portal.database import dialect_insert
from portal.extensions import db
from portal.formatting import long_date
from portal.people.models import Staff
from portal.policies import formats
from portal.policies.formats import normalise
from portal.policies.models import MATERIAL, MINOR, Acknowledgement, Policy, PolicyVersion
from portal.policies.service import PolicyProblem, add_months, latest_version

EFFECTIVE_WITHIN_MONTHS = 24  # how far ahead a new version may be dated


def check_text(policy: Policy, body: str):
    """The text parsed as its pages will show it; PolicyProblem (for "body") names the line.

    Lines are counted in ``body`` as typed, although the stored text loses its leading blank lines.
    """
    try:
        return formats.parse(policy.slug, normalise(body))
    except formats.TextProblem as problem:
        typed = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        blank_on_top = next((n for n, line in enumerate(typed) if line.strip()), 0)
        raise PolicyProblem(str(problem.moved(blank_on_top)), "body") from None


def publish_version(
    policy: Policy,
    body: str,
    effective_on: date,
    change_kind: str,
    summary: str,
    published_by: Staff | None,
    today: date | None = None,
    based_on: int | None = None,
) -> PolicyVersion:
    """Add the next version (minor: nobody acknowledges again; material: everyone does).
    ``based_on``: the newest number the editor saw; a version published since is never replaced."""
    latest = latest_version(policy)
    text, summary = normalise(body), (summary or "").strip()
    _check_text_and_summary(policy, latest, body, change_kind, summary)
    _check_effective_on(latest, effective_on, today or school_today())
    newest = newest_number(policy)
    if based_on is not None and based_on != newest:
        raise _published_meanwhile(newest)
    # The unique (policy, number) decides between editors publishing at the same moment.
    inserted = db.session.execute(
        dialect_insert(PolicyVersion)
        .values(
            policy_id=policy.id,
            number=newest + 1,
            body=text,
            effective_on=effective_on,
            change_kind=change_kind,
            change_summary=summary,
            published_by_id=published_by.id if published_by else None,
            published_at=utcnow(),
        )
        .on_conflict_do_nothing()
        .returning(PolicyVersion.id)
    ).scalar()
    if inserted is None:
        raise _published_meanwhile(newest + 1)
    db.session.expire(policy, ["versions"])
    return db.session.get(PolicyVersion, inserted)


def _check_text_and_summary(
    policy: Policy, latest: PolicyVersion | None, body: str, change_kind: str, summary: str
) -> None:
    """PolicyProblem, naming its field, for a text, kind or summary that cannot be published."""
    text = normalise(body)
    if not text.strip():
        raise PolicyProblem("The new version has no text. Write or paste the policy.", "body")
    check_text(policy, body)
    if latest is not None and text == normalise(latest.body):
        raise PolicyProblem(
            f"The text is the same as version {latest.number}. Make the changes before publishing.",
            "body",
        )
    if change_kind not in (MINOR, MATERIAL):
        raise PolicyProblem("Choose minor or material.", "change_kind")
    if not summary or len(summary) > 500:
        raise PolicyProblem("Say what changed, in at most 500 characters.", "summary")


def newest_number(policy: Policy) -> int:
    """The highest version number given so far; withdrawn versions keep theirs for good."""
    return max((v.number for v in policy.versions), default=0)


def _published_meanwhile(number: int) -> PolicyProblem:
    return PolicyProblem(
        f"Someone else published version {number} since you opened this page. Read it on the "
        "policy's page, then make your changes to it and publish again.",
        "body",
    )


def _check_effective_on(latest: PolicyVersion | None, effective_on: date, today: date) -> None:
    """Not before the version it follows; not more than two years ahead."""
    if latest is not None and effective_on < latest.effective_on:
        undo = (
            f" If version {latest.number} should not take effect, withdraw it first."
            if latest.effective_on > today
            else ""
        )
        raise PolicyProblem(
            f"A new version cannot take effect before version {latest.number} "
            f"({long_date(latest.effective_on)}).{undo}",
            "effective_on",
        )
    last = add_months(today, EFFECTIVE_WITHIN_MONTHS)
    if effective_on > last:
        raise PolicyProblem(
            "A new version takes effect within two years: "
            f"choose a date on or before {long_date(last)}.",
            "effective_on",
        )


def withdraw_version(version: PolicyVersion, withdrawn_by: Staff, today: date) -> PolicyVersion:
    """Withdraw the newest version before it takes effect, if nobody has acknowledged it.

    One conditional UPDATE decides, so editors withdrawing at once withdraw it once.
    """
    later = aliased(PolicyVersion)
    withdrawn = db.session.execute(
        update(PolicyVersion)
        .where(
            PolicyVersion.id == version.id,
            PolicyVersion.withdrawn_at.is_(None),
            PolicyVersion.effective_on > today,
            ~exists().where(Acknowledgement.policy_version_id == PolicyVersion.id),
            ~exists().where(
                later.policy_id == PolicyVersion.policy_id,
                later.number > PolicyVersion.number,
                later.withdrawn_at.is_(None),
            ),
        )
        .values(withdrawn_at=utcnow(), withdrawn_by_id=withdrawn_by.id),
        execution_options={"synchronize_session": False},
    )
    db.session.refresh(version)
    if withdrawn.rowcount != 1:
        raise PolicyProblem(_why_not_withdrawn(version, today))
    return version


def _why_not_withdrawn(version: PolicyVersion, today: date) -> str:
    label = f"Version {version.number}"
    if version.withdrawn_at is not None:
        return f"{label} has already been withdrawn."
    if version.effective_on <= today:
        return (
            f"{label} is already in force (since {long_date(version.effective_on)}): "
            "publish a new version instead."
        )
    newer = latest_version(version.policy)
    if newer is not None and newer.number > version.number:
        return f"Withdraw version {newer.number} first: it follows {label.lower()}."
    return f"{label} has already been acknowledged, so it stays: publish a new version instead."
