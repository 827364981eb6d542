"""What a quiz is: frozen dataclasses, the eight strands, the limits. Pure."""

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

# The eight strands of Education for a Connected World: canonical text -> display label.
STRANDS = {
    "self-image and identity": "Self-image and identity",
    "online relationships": "Online relationships",
    "online reputation": "Online reputation",
    "online bullying": "Online bullying",
    "managing online information": "Managing online information",
    "health, wellbeing and lifestyle": "Health, wellbeing and lifestyle",
    "privacy and security": "Privacy and security",
    "copyright and ownership": "Copyright and ownership",
}
AUDIENCES = ("EYFS", "KS1", "KS2", "staff")
QUESTION_COUNTS = {"EYFS": (4, 6), "KS1": (6, 9), "KS2": (8, 10), "staff": (10, 10)}
CHOICE_COUNT = (2, 4)

# The strands each pupils' quiz must have a question on. Education for a Connected World has
# early-years statements in every strand, but Reception's quiz is six picture questions for
# four-year-olds: it keeps the strands a child that age can act on with one tap (tell a
# grown-up when worried or when someone is unkind, ask before talking to someone new or
# telling where you live, screens away at bedtime, a friend's picture is theirs). Online
# reputation (what stays online about us) and managing online information (is it true?)
# need a sense of audience and of truth that Key Stage 1 builds, so they start there.
# Years 1 and 2 and Key Stage 2 cover all eight. The check and /admin/coverage read this.
STAGE_STRANDS = {
    "EYFS": (
        "self-image and identity",
        "online relationships",
        "online bullying",
        "health, wellbeing and lifestyle",
        "privacy and security",
        "copyright and ownership",
    ),
    "KS1": tuple(STRANDS),
    "KS2": tuple(STRANDS),
}

# Most words in a question's text and in each choice's text, by audience. Reception's are read
# aloud beside a picture, so one short sentence and a few words a choice; Years 1 and 2 read a
# named child's scene of two short sentences; Key Stage 2 (from Year 3) about 25 words.
WORD_LIMITS = {"EYFS": (13, 6), "KS1": (20, 8), "KS2": (25, 12), "staff": (40, 20)}
MAX_ID_LENGTH = 60  # quiz_attempt.quiz_id and quiz_answer.question_id/choice_id are String(60)
ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
PICTURE_PATTERN = re.compile(r"[A-Za-z0-9_-]+(?:/[A-Za-z0-9_-]+)*\.(?:png|jpg|jpeg|svg|webp)")


class QuizProblems(Exception):
    """Every problem found in the quiz files, one sentence each, naming file and question."""

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Choice:
    id: str
    text: str
    correct: bool
    explanation: str
    emoji: str | None = None
    read_aloud: str | None = None


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    strand: str
    choices: tuple[Choice, ...]
    emoji: str | None = None
    picture: str | None = None
    read_aloud: str | None = None
    year: int | None = None  # the year group asked it; None: every year of its Key Stage

    def __post_init__(self):
        if sum(choice.correct for choice in self.choices) != 1:
            raise ValueError(f"question {self.id!r} must have exactly one correct choice")

    @property
    def correct_choice_id(self) -> str:
        return self.correct_choice.id

    @property
    def correct_choice(self) -> Choice:
        return next(choice for choice in self.choices if choice.correct)

    @property
    def strand_label(self) -> str:
        return STRANDS[self.strand]

    def choice(self, choice_id: str) -> Choice | None:
        """The choice with this id, or None."""
        return next((choice for choice in self.choices if choice.id == choice_id), None)


@dataclass(frozen=True)
class Quiz:
    id: str
    title: str
    audience: str
    version: int
    revision: str
    questions: tuple[Question, ...]
    intro: str
    pass_mark: int | None = None

    def question(self, question_id: str) -> Question | None:
        """The question with this id, or None."""
        return next((q for q in self.questions if q.id == question_id), None)


def revision_of(data: bytes) -> str:
    """The first 12 hex digits of the SHA-256 of a quiz file's bytes."""
    return hashlib.sha256(data).hexdigest()[:12]


# Each table's keys: name -> (type, required).
