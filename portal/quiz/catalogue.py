"""The portal's quizzes: loaded and validated once, at start-up, from QUIZ_DIR.

A broken quiz file stops the portal from starting, so no pupil ever meets it.
"""

from pathlib import Path

from flask import Flask, current_app

from portal.quiz.content import Quiz, QuizProblems, load_catalogue


def quiz_dir(app: Flask) -> Path:
    """QUIZ_DIR from the config, or the repository's own quizzes/ folder."""
    if app.config.get("QUIZ_DIR"):
        return Path(app.config["QUIZ_DIR"])
    from portal import ROOT  # imported here: portal/__init__.py imports this module

    return ROOT / "quizzes"


def init_app(app: Flask) -> None:
    """Load every quiz into ``app.extensions["quizzes"]``, or refuse to start."""
    try:
        app.extensions["quizzes"] = load_catalogue(quiz_dir(app))
    except QuizProblems as error:
        raise RuntimeError(
            "Refusing to start: the quiz files have problems:\n" + "\n".join(error.problems)
        ) from None


def quizzes() -> dict[str, Quiz]:
    """Every quiz of the running portal, by id."""
    return current_app.extensions["quizzes"]


def get_quiz(quiz_id: str) -> Quiz | None:
    """The quiz with this id, or None (an old attempt may name a quiz since removed)."""
    return quizzes().get(quiz_id)


def quiz_for(audience: str) -> Quiz | None:
    """The quiz for "EYFS", "KS1", "KS2" or "staff" (validation allows one per audience)."""
    return next((quiz for quiz in quizzes().values() if quiz.audience == audience), None)
