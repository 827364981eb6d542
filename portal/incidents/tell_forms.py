"""The shape of what a pupil sends when they tell a trusted adult: every key is checked against
the pictures on the screen at every step (they travel in the page, so they are never trusted)."""

from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import AnyOf, Length, Optional

from portal.forms import PortalForm
from portal.incidents.forms import submission_key
from portal.incidents.telling import FEELING, PLACE, STEPS, WHO, WORDS_MAX

NOT_ON_THE_SCREEN = "That is not one of the pictures on the screen."


def one_of(step) -> list:
    return [Optional(), AnyOf(sorted(step.keys()), message=NOT_ON_THE_SCREEN)]


class TellForm(PortalForm):
    submission_key = HiddenField(validators=[submission_key])
    # Each picture is a submit button named after its step; earlier taps come back hidden.
    feeling = StringField(validators=one_of(FEELING))
    place = StringField(validators=one_of(PLACE))
    tell = StringField(validators=one_of(WHO))
    words = TextAreaField(
        "Your words",
        validators=[
            Length(
                max=WORDS_MAX,
                message="That is more words than we can keep. Make it a little shorter, "
                "then tap Send.",
            )
        ],
        description="You do not have to write anything.",
        render_kw={"rows": 5},
    )
    hide_name = BooleanField("Don\u2019t show my name")

    def chosen(self) -> dict[str, str]:
        """The pictures tapped so far: {"feeling": "sad", ...}, only those sent."""
        return {step.field: self[step.field].data for step in STEPS if self[step.field].data}
