"""The shape of the publish and review forms; the rules live in service.py."""

from wtforms import DateField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import HiddenInput

from portal.forms import PortalForm
from portal.policies.models import MATERIAL, MINOR, REVIEW_OUTCOMES

CHANGE_KINDS = {
    MINOR: "A correction: nobody needs to acknowledge again",
    MATERIAL: "Everyone it concerns must acknowledge again",
}


class DayField(DateField):
    """A date picker: a blank box asks for a date, a garbled one says what to type."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            super().process_formdata(valuelist)

    def _value(self) -> str:
        # A date box can only hold a real date: garbled text is not echoed back.
        return self.data.isoformat() if self.data else ""


def day_field(label: str, missing: str, description: str = "") -> DayField:
    return DayField(
        label,
        validators=[InputRequired(missing)],
        description=description,
        invalid_value_message="Enter a real date, for example 2026-11-24.",
    )


class PublishForm(PortalForm):
    body = TextAreaField(
        "The policy text",
        validators=[DataRequired("Write the policy text.")],
        description="Markdown: ## for a heading, - for a bullet point, **bold** for emphasis.",
        render_kw={"rows": 24, "spellcheck": "true"},
    )
    effective_on = day_field("Takes effect on", "Enter the date the new version takes effect.")
    change_kind = RadioField(
        "What kind of change is this?",
        choices=[SelectChoice(k, label) for k, label in CHANGE_KINDS.items()],
        invalid_choice_message="Choose minor or material.",
    )
    summary = StringField(
        "What changed",
        validators=[
            DataRequired("Say in a sentence what changed."),
            Length(max=500, message="Keep it under 500 characters."),
        ],
        description="One sentence people will read in the list of versions.",
    )
    # The newest version when the page was opened: a version published meanwhile is not
    # silently replaced by a text edited from the one before it.
    based_on = IntegerField(widget=HiddenInput(), validators=[Optional()])


class ReviewForm(PortalForm):
    reviewed_on = day_field("Reviewed on", "Enter the date of the review.")
    outcome = RadioField(
        "Outcome",
        choices=[SelectChoice(k, label) for k, label in REVIEW_OUTCOMES.items()],
        invalid_choice_message="Choose the outcome of the review.",
    )
    notes = TextAreaField(
        "Notes",
        validators=[Length(max=5000)],
        description="Optional: who took part, what was discussed, what next.",
        render_kw={"rows": 5},
    )
