"""The shape of the parents' forms; the rules live in service.py."""

from wtforms import HiddenField, IntegerField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length

from portal.forms import PortalForm
from portal.parents.service import ACKNOWLEDGED, DECLINED, QUESTION
from portal.policies.forms import day_field
from portal.policies.models import RESPONSES
from portal.urls import local_path_or_blank

NAME_MAX, TEXT_MAX = 120, 2000


class StartCampaignForm(PortalForm):
    closes_on = day_field(
        "Closing date",
        "Choose the day the links stop working.",
        "Parents can answer until the end of this day. It cannot be after the school year ends.",
    )


class AskAgainForm(PortalForm):
    """The version the leader saw on the page: a newer one published since is not assumed."""

    version_id = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])


class ParentAnswerForm(PortalForm):
    """One of three answers; each of the page's three forms sends its own ``response``."""

    response = HiddenField(validators=[AnyOf(RESPONSES, "Choose one of the three answers.")])
    typed_name = StringField(
        "Type your full name",
        validators=[Length(max=NAME_MAX, message=f"Use at most {NAME_MAX} characters.")],
        render_kw={"autocomplete": "name"},
    )
    question = TextAreaField(
        "Your question",
        validators=[Length(max=TEXT_MAX, message=f"Use at most {TEXT_MAX:,} characters.")],
    )
    reason = TextAreaField(
        "Why you do not agree (you do not have to say)",
        validators=[Length(max=TEXT_MAX, message=f"Use at most {TEXT_MAX:,} characters.")],
    )

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        needed = {
            ACKNOWLEDGED: (self.typed_name, "Type your full name to acknowledge."),
            QUESTION: (self.question, "Type your question."),
        }.get(self.response.data)
        if needed and not (needed[0].data or "").strip():
            needed[0].errors.append(needed[1])
            return False
        return True

    def answer(self) -> tuple[str, str | None, str | None]:
        """(response, typed name, note): only what belongs to the answer chosen."""
        response = self.response.data
        text = {ACKNOWLEDGED: None, QUESTION: self.question.data, DECLINED: self.reason.data}
        note = (text[response] or "").strip() or None
        name = self.typed_name.data.strip() if response == ACKNOWLEDGED else None
        return response, name, note


class ResendLinkForm(PortalForm):
    """ "Send the link again": one button; ``next`` is the page it was pressed on."""

    next = HiddenField(filters=[local_path_or_blank])
