"""How pupils are named on shared screens: first name and as little of the last as tells them
apart. Pure."""


def short_names(pupils) -> dict[int, str]:
    """ "Jack S." normally; "Jack Sm." and "Jack St." when two would look the same."""
    letters = {pupil.id: 1 for pupil in pupils}

    def name(pupil) -> str:
        return f"{pupil.first_name} {pupil.last_name[: letters[pupil.id]]}."

    while True:
        groups: dict[str, list] = {}
        for pupil in pupils:
            groups.setdefault(name(pupil), []).append(pupil)
        clashing = [
            p
            for group in groups.values()
            if len(group) > 1
            for p in group
            if letters[p.id] < len(p.last_name)
        ]
        if not clashing:
            return {pupil.id: name(pupil) for pupil in pupils}
        for pupil in clashing:
            letters[pupil.id] += 1
