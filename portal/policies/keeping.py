"""Who keeps a policy: publishes its versions, withdraws one before it takes effect, records
its reviews. One rule, used by every route that does so and every page that offers it."""

from portal.people.roles import ADMIN, HEAD_TEACHER, ROLE_HOLDERS

# Besides each policy's owner: the Head Teacher answers for every policy, and the
# administrator keeps the rights they have always had over all of them.
KEEP_EVERY_POLICY = (HEAD_TEACHER, ADMIN)


def may_keep(policy, person) -> bool:
    """Whether ``person`` (staff, or nobody signed in) may publish and review ``policy``."""
    if policy is None or person is None or not getattr(person, "is_authenticated", False):
        return False
    return bool(person.is_active) and person.has_role(*KEEP_EVERY_POLICY, policy.owner_role)


def kept_by(policy) -> str:
    """ "Kept by the e-Safety lead, who publishes …; the Head Teacher and … may too." """
    owner = ROLE_HOLDERS.get(policy.owner_role, "the role that owns it")
    others = [ROLE_HOLDERS[role] for role in KEEP_EVERY_POLICY if role != policy.owner_role]
    return (
        f"Kept by {owner}, who publishes its new versions and records its reviews; "
        f"{' and '.join(others)} may too."
    )
