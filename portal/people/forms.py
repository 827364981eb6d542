from wtforms import BooleanField, EmailField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length
from wtforms.widgets import CheckboxInput, ListWidget

from portal.forms import PortalForm
from portal.people.roles import ROLE_LABELS


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StaffForm(PortalForm):
    name = StringField(
        "Full name",
        validators=[DataRequired("Enter their name."), Length(max=120)],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        "School email address",
        validators=[
            DataRequired("Enter their email address."),
            Email("Enter an email address like name@school.org."),
            Length(max=254),
        ],
    )
    roles = CheckboxesField(
        "Roles",
        choices=[SelectChoice(r, label) for r, label in ROLE_LABELS.items()],
        validators=[DataRequired("Choose at least one role.")],
    )
    classes = CheckboxesField("Classes they teach", coerce=int, description="Only for teachers.")
    send_invitation = BooleanField("Email them a link to set their password", default=True)
