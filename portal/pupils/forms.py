"""The shape of what a pupil sends: which AUP version they agreed to, which answer they tapped."""

from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import HiddenInput

from portal.forms import PortalForm


class AgreeForm(PortalForm):
    version_id = IntegerField(widget=HiddenInput(), validators=[DataRequired()])


class AnswerForm(PortalForm):
    class Meta:
        csrf = False  # CSRFProtect checks every POST first; a second token here costs each answer

    # Each answer is a submit button named "choice"; its value is the choice id.
    choice = StringField(validators=[DataRequired("Tap one of the answers."), Length(max=60)])
