"""The shape of the register's forms; the rules (whose classes, which status) live in service.py."""

import uuid

from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from portal.forms import PortalForm
from portal.people.forms import CheckboxesField
from portal.policies.forms import DayField

NOTE_MAX = 2000
DAMAGED = "This form was damaged. Reload the page and try again."


def submission_key(form, field) -> None:
    try:
        uuid.UUID(field.data or "")
    except ValueError:
        raise ValidationError(DAMAGED) from None


def note_field(label: str, missing: str | None, description: str = "", max: int = NOTE_MAX):
    required = [DataRequired(missing)] if missing else [Optional()]
    return TextAreaField(
        label,
        validators=[*required, Length(max=max, message=f"Keep it under {max:,} characters.")],
        description=description,
        render_kw={"rows": 4},
    )


class EntryForm(PortalForm):
    submission_key = HiddenField(validators=[submission_key])
    tool = StringField(
        "The tool",
        validators=[
            DataRequired("Name the tool."),
            Length(max=120, message="Keep the name under 120 characters."),
        ],
        description="For example: the class blog, a wiki, a class account on a video platform.",
    )
    classes = CheckboxesField("The classes that will use it", coerce=int)
    whole_school = BooleanField("The whole school")
    purpose = note_field(
        "What pupils will do with it",
        "Say what pupils will do with it.",
        "For example: write posts that the teacher checks before they are published.",
    )
    risks = note_field(
        "The risks and how they are managed",
        "Describe the risks and how they are managed.",
        "Who can see what pupils post, personal details and photos, comments, "
        "age limits, and what pupils do if something worries them.",
        max=5000,
    )


class ApproveForm(PortalForm):
    """Nothing to fill in: the button says it all."""


class DeclineForm(PortalForm):
    reason = note_field("Why it is declined", "Say why it is declined.")


class ReviewForm(PortalForm):
    # The due date the page showed: a second click (or a colleague's review meanwhile) changes
    # nothing, rather than moving the date on two years.
    due_on = DayField(widget=HiddenInput(), validators=[InputRequired(DAMAGED)])
    review_note = note_field(
        "What the review found", "Say what the review found.", "Is it still used, still safe?"
    )


class RetireForm(PortalForm):
    retire_note = note_field("Why it is retired (optional)", None)
