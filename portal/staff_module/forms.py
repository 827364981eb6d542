from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import HiddenInput

from portal.forms import PortalForm


class AcknowledgeForm(PortalForm):
    version_id = IntegerField(widget=HiddenInput(), validators=[DataRequired()])
    # The Social Media Policy's version shown, acknowledged with the guidelines.
    policy_version_id = IntegerField(widget=HiddenInput(), validators=[DataRequired()])
    typed_name = StringField(
        "Type your full name",
        validators=[DataRequired("Type your full name to acknowledge."), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )


class VerifyForm(PortalForm):
    class Meta:
        csrf = False  # a GET search anyone may make; it changes nothing

    code = StringField(
        "Certificate code",
        validators=[DataRequired("Enter the code.")],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
