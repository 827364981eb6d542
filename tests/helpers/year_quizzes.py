"""A quizzes folder whose KS1 and KS2 quizzes ask some questions of one year group only.

Tests of the year groups use it rather than the shipped files, so they hold whatever the
shipped questions are. Its files pass the format check and the writing rules.
"""

import json
import shutil
from pathlib import Path

from flask import Flask

from portal import ROOT
from portal.quiz import catalogue
from portal.quiz.types import STRANDS

# Question ids: every year group of the Key Stage is asked the COMMON ones, and each year
# group its own (KS2: Year 3 and Year 5 one each, Years 4 and 6 none; KS1: Year 2 one).
KS2_COMMON = tuple(f"ks2-common-{n}" for n in range(1, 9))
KS2_YEARS = {3: ("ks2-year-3",), 5: ("ks2-year-5",)}
KS1_COMMON = tuple(f"ks1-common-{n}" for n in range(1, 9))
KS1_YEARS = {2: ("ks1-year-2",)}
QUESTION_TEXT = "{who} sees something online that worries them. What is the safe thing to do?"


def text_of(question_id: str) -> str:
    """The question's text: each names its own child, so a screen shows which one it is."""
    names = {"year-3": "Priya in Year 3", "year-5": "Tomasz in Year 5", "year-2": "Ada"}
    who = next((name for end, name in names.items() if question_id.endswith(end)), None)
    return QUESTION_TEXT.format(who=who or f"Child {question_id.rsplit('-', 1)[1]}")


def _question(question_id: str, strand: str, year: int | None) -> str:
    lines = ["[[questions]]", f'id = "{question_id}"', f'strand = "{strand}"']
    lines += [f"year = {year}"] if year is not None else []
    lines += [f"text = {json.dumps(text_of(question_id))}"]
    for choice, text, correct in (
        ("tell", "Tell a trusted adult", True),
        ("hide", "Keep it a secret from everyone", False),
        ("reply", "Reply to it at once", False),
    ):
        lines += ["[[questions.choices]]", f'id = "{choice}"', f'text = "{text}"']
        lines += ["correct = true"] if correct else []
        word = "Good thinking!" if correct else "Not quite."
        lines += [f'explanation = "{word} A trusted adult can help you."']
    return "\n".join(lines)


def _quiz(stage: str, common: tuple[str, ...], years: dict[int, tuple[str, ...]]) -> str:
    head = (
        f'id = "{stage.lower()}"\ntitle = "{stage} quiz by year"\naudience = "{stage}"\n'
        'version = 1\nintro = "Choose the safe thing to do."\n'
    )
    strands = list(STRANDS)
    questions = [_question(qid, strands[n % 8], None) for n, qid in enumerate(common)]
    questions += [
        _question(qid, strands[n % 8], year)
        for year, ids in years.items()
        for n, qid in enumerate(ids)
    ]
    return head + "\n\n".join(questions) + "\n"


def write_year_quizzes(folder: Path) -> Path:
    """The shipped Reception quiz and staff check, and KS1 and KS2 quizzes by year group."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("eyfs.toml", "staff-conduct.toml"):
        shutil.copy(ROOT / "quizzes" / name, folder / name)
    (folder / "ks1.toml").write_text(_quiz("KS1", KS1_COMMON, KS1_YEARS), encoding="utf-8")
    write_ks2_quiz(folder, KS2_YEARS)
    return folder


def write_ks2_quiz(folder: Path, years: dict[int, tuple[str, ...]]) -> None:
    """The KS2 quiz: the common questions, then each year group's own (``years``)."""
    (folder / "ks2.toml").write_text(_quiz("KS2", KS2_COMMON, years), encoding="utf-8")


def use_year_quizzes(app: Flask, folder: Path) -> None:
    """Point the app's QUIZ_DIR at a year-group folder and load it, as start-up does."""
    app.config["QUIZ_DIR"] = str(write_year_quizzes(folder))
    catalogue.init_app(app)


def ks2_questions_for(year: int) -> tuple[str, ...]:
    return KS2_COMMON + KS2_YEARS.get(year, ())
