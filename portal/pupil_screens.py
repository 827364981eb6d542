"""Two pieces every pupil screen shows, made in Python rather than Jinja macros: a question
or its feedback shows up to six of them, and each macro call costs a template several times
as much as this.
"""

from markupsafe import Markup, escape


def say(text=None, target=None, label=None, auto=False, shown=None, *, speaker: Markup) -> Markup:
    """A speaker button: reads ``text``, or the words inside the elements ``target`` selects.

    ``label`` names it by what it reads ("Read aloud: Tap your name"), so no two on a screen
    sound the same to a screen reader; ``shown`` puts words beside the icon ("Read it all to
    me"). Hidden until read-aloud.js finds the browser can speak; never submits a form.
    ``speaker`` is the speaker's picture (web.py passes it in).
    """
    name = label or shown or (Markup("Read aloud: ") + text if text else "Read aloud")
    parts = [
        f'<button type="button" class="say{" say-with-words" if shown else ""}" hidden',
        f' aria-label="{escape(name)}"',
        f' data-say="{escape(text)}"' if text else "",
        f' data-say-target="{escape(target)}"' if target else "",
        " data-say-auto" if auto else "",
        f">{speaker}",
        f'<span class="say-words" aria-hidden="true">{escape(shown)}</span>' if shown else "",
        "</button>",
    ]
    return Markup("".join(parts))  # noqa: S704  (every value above is escaped)


def dots(quiz, answered, number: int, said_in_heading: bool = False) -> Markup:
    """One dot per question, answered ones filled; words for screen readers, unless the
    screen's heading says them (``said_in_heading``, a question's "Question 2 of 8:")."""
    parts = ['<div class="quiz-dots">']
    if not said_in_heading:
        parts.append(
            f'\n  <p class="visually-hidden">Question {number} of {len(quiz.questions)}</p>'
        )
    parts.append('\n  <ol class="dots" aria-hidden="true">')
    for place, question in enumerate(quiz.questions, start=1):
        done = " dot-done" if question.id in answered else ""
        now = " dot-now" if place == number else ""
        parts.append(f'\n    <li class="dot{done}{now}"></li>')
    parts.append("\n  </ol>\n</div>")
    return Markup("".join(parts))  # noqa: S704  (ids and numbers only; no text from content)
