"""What a staff report must hold before it is filed: the pupils, matched to the roll by name."""

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.people.models import Pupil, SchoolClass

NAME_WITH_CLASS = re.compile(r"^(?P<name>.+?)\s*\((?P<class_name>[^()]+)\)\s*$")
SUGGESTIONS = 8


@dataclass(frozen=True)
class Match:
    """How a typed name matched the roll: one pupil, or a reason to show by the field."""

    pupil: Pupil | None = None
    problem: str | None = None


def _on_roll():
    return select(Pupil).where(Pupil.left_on.is_(None)).options(joinedload(Pupil.school_class))


def label(pupil: Pupil) -> str:
    """How a pupil is offered and typed: "Amara Okoye (Oak)"."""
    class_name = pupil.school_class.name if pupil.school_class else "no class"
    return f"{pupil.full_name} ({class_name})"


def match_pupil(typed: str) -> Match:
    """The one pupil on the roll a typed name means: "Amara Okoye", or with the class in
    brackets when two pupils share a name."""
    typed = " ".join(typed.split())
    wanted = NAME_WITH_CLASS.match(typed)
    name, class_name = (wanted["name"], wanted["class_name"].strip()) if wanted else (typed, None)
    full_name = func.lower(Pupil.first_name + " " + Pupil.last_name)
    query = _on_roll().where(full_name == name.lower())
    if class_name:
        query = query.join(SchoolClass, SchoolClass.id == Pupil.class_id).where(
            func.lower(SchoolClass.name) == class_name.lower()
        )
    found = db.session.scalars(query.limit(3)).all()
    if len(found) == 1:
        return Match(pupil=found[0])
    if found:
        return Match(
            problem=f"More than one pupil is called {name}: add the class, like {label(found[0])}."
        )
    return Match(problem=f"No pupil on the roll is called {typed}. Check the spelling.")


def suggestions(typed: str) -> list[str]:
    """Pupils whose first or last name starts with what was typed (two letters at least)."""
    typed = " ".join(typed.split()).lower()
    if len(typed) < 2:
        return []
    words = typed.split(" ")
    starts = [
        (func.lower(Pupil.first_name).startswith(word, autoescape=True))
        | (func.lower(Pupil.last_name).startswith(word, autoescape=True))
        for word in words
    ]
    pupils = db.session.scalars(
        _on_roll().where(*starts).order_by(Pupil.first_name, Pupil.last_name).limit(SUGGESTIONS)
    )
    return [label(pupil) for pupil in pupils]
