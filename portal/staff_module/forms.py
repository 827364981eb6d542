from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import HiddenInput


class AcknowledgeForm(FlaskForm):
    version_id = IntegerField(widget=HiddenInput(), validators=[DataRequired()])
    typed_name = StringField(
        "Type your full name",
        validators=[DataRequired("Type your full name to acknowledge."), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search anyone may make; it changes nothing

    code = StringField(
        "Certificate code",
        validators=[DataRequired("Enter the code.")],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
