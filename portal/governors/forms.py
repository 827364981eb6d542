from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import HiddenInput

from portal.forms import PortalForm


class GovernorAcknowledgeForm(PortalForm):
    # The version shown: acknowledging names it, so a version published meanwhile is refused.
    policy_version_id = IntegerField(widget=HiddenInput(), validators=[DataRequired()])
    typed_name = StringField(
        "Type your full name",
        validators=[DataRequired("Type your full name to acknowledge."), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
