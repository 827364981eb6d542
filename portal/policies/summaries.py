"""The policies as the list, the school overview and the evidence pack show them."""

from dataclasses import dataclass
from datetime import date

from portal.policies.models import Policy, PolicyVersion
from portal.policies.service import all_policies, current_version, latest_version, review_status
from portal.policies.sources import SourceChanged, source_changes


@dataclass(frozen=True)
class PolicySummary:
    """One line of the policies list: the version in force and how the review stands."""

    policy: Policy
    current: PolicyVersion | None
    latest: PolicyVersion | None
    status: str
    days: int  # until the review is due; negative once overdue
    # Set while the policy it is written from has changed since its own last review.
    source_changed: SourceChanged | None = None


def policy_summaries(today: date) -> list[PolicySummary]:
    """Every policy as the list shows it, in three queries however many versions there are."""
    policies = all_policies()
    changes = source_changes(policies)
    return [
        PolicySummary(
            policy,
            current_version(policy, today),
            latest_version(policy),
            review_status(policy, today),
            (policy.next_review_on - today).days,
            changes.get(policy.id),
        )
        for policy in policies
    ]
