"""A pupil tells a trusted adult: how they feel, where it happened, who should know (three taps
on pictures), then their own words if they want to add any.

Named by default. A Key Stage 2 pupil may choose not to be named, and then nothing that could
name them is stored: no pupil, no class, nothing in the chronology or the audit trail.
"""

from dataclasses import dataclass

from portal.incidents import log
from portal.incidents.models import PUPIL_REPORT, Incident
from portal.incidents.service import NewReport, file_report
from portal.people.models import Pupil
from portal.pupils.service import key_stage_of

WORDS_MAX = 2000  # a child's message, not an essay
STAGES_THAT_MAY_HIDE_THEIR_NAME = ("KS2",)


@dataclass(frozen=True)
class Picture:
    key: str  # what is stored
    emoji: str
    words: str  # what the pupil reads and hears
    for_staff: str = ""  # how the log says it, where the log has no words of its own


@dataclass(frozen=True)
class Step:
    field: str  # the Incident column the choice is stored in
    question: str
    pictures: tuple[Picture, ...]

    def keys(self) -> frozenset[str]:
        return frozenset(picture.key for picture in self.pictures)


FEELING = Step(
    "feeling",
    "How do you feel?",
    (
        Picture("sad", "😢", "Sad", "Sad"),
        Picture("worried", "😟", "Worried", "Worried"),
        Picture("scared", "😨", "Scared", "Scared"),
        Picture("angry", "😠", "Angry", "Angry"),
        Picture(
            "ok_but_something",
            "🙂",
            "I\u2019m OK, but something happened",
            "OK, but something happened",
        ),
    ),
)
# Keys are the log's own places (Incident.place), in a child's words.
PLACE = Step(
    "place",
    "Where did it happen?",
    (
        Picture("game", "🎮", "A game"),
        Picture("video", "📺", "A video"),
        Picture("messages", "💬", "Messages"),
        Picture("school_device", "🏫", "A tablet at school"),
        Picture("phone", "📱", "A phone"),
        Picture("other", "❓", "Somewhere else"),
    ),
)
WHO = Step(
    "tell",
    "Who should know?",
    (
        Picture("teacher", "🧑‍🏫", "My teacher", "Their teacher"),
        Picture("esafety_lead", "🛡️", "The e-Safety lead", "The e-Safety lead"),
    ),
)
STEPS = (FEELING, PLACE, WHO)
FEELINGS_FOR_STAFF = {picture.key: picture.for_staff for picture in FEELING.pictures}
WHO_FOR_STAFF = {picture.key: picture.for_staff for picture in WHO.pictures}


def chosen_pictures(chosen: dict[str, str]) -> list[Picture]:
    """The pictures the pupil has tapped so far, in the order of the steps."""
    return [
        picture
        for step in STEPS
        for picture in step.pictures
        if chosen.get(step.field) == picture.key
    ]


def next_step(chosen: dict[str, str]) -> Step | None:
    """The first step not yet answered, or None when all three are."""
    return next((step for step in STEPS if step.field not in chosen), None)


def may_hide_name(pupil: Pupil) -> bool:
    """Only Key Stage 2 is offered "Don't show my name": younger children are always named."""
    return key_stage_of(pupil) in STAGES_THAT_MAY_HIDE_THEIR_NAME


def tell_a_trusted_adult(
    pupil: Pupil, chosen: dict[str, str], words: str, hide_name: bool, submission_key: str
) -> Incident:
    """File the pupil's report once per submission key; the lead chooses its category later.

    ``chosen`` must hold an allowed key for every step (the form checks it).
    """
    named = not (hide_name and may_hide_name(pupil))
    return file_report(
        NewReport(
            source=PUPIL_REPORT,
            submission_key=submission_key,
            feeling=chosen[FEELING.field],
            place=chosen[PLACE.field],
            tell=chosen[WHO.field],
            childs_words=words.strip() or None,
            reported_by_pupil_id=pupil.id if named else None,
            pupils=((pupil.id, "reporter"),) if named else (),
        ),
        log.readers(),
    )
