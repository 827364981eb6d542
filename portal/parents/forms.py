"""The shape of the parents' forms; the rules live in service.py."""

from wtforms import HiddenField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length

from portal.forms import PortalForm
from portal.parents.service import ACKNOWLEDGED, DECLINED, PAPER, PHONE, QUESTION
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


ANSWERS = {
    ACKNOWLEDGED: "I acknowledge",
    QUESTION: "I have a question",
    DECLINED: "I do not agree",
}


class RecordAnswerForm(PortalForm):
    """The office records a paper reply slip or a telephone answer for a guardian."""

    method = RadioField(
        "How was the answer given?",
        choices=[SelectChoice(PAPER, "On the paper reply slip"), SelectChoice(PHONE, "By phone")],
        invalid_choice_message="Choose how the answer was given: paper or phone.",
    )
    response = RadioField(
        "Their answer",
        choices=[SelectChoice(key, label) for key, label in ANSWERS.items()],
        invalid_choice_message="Choose their answer.",
    )
    typed_name = StringField(
        "Their name as written on the slip",
        description="Needed for a paper acknowledgement.",
        validators=[Length(max=NAME_MAX, message=f"Use at most {NAME_MAX} characters.")],
    )
    note = TextAreaField(
        "Their question or reason",
        description="Optional.",
        validators=[Length(max=TEXT_MAX, message=f"Use at most {TEXT_MAX:,} characters.")],
        render_kw={"rows": 4},
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        paper_acknowledgement = self.method.data == PAPER and self.response.data == ACKNOWLEDGED
        if paper_acknowledgement and not (self.typed_name.data or "").strip():
            self.typed_name.errors.append("Type the name as it is written on the slip.")
            return False
        return valid

    def answer(self) -> tuple[str, str | None, str | None]:
        """(response, name, note): the name with an acknowledgement, the note otherwise."""
        response = self.response.data
        name = (self.typed_name.data or "").strip() or None
        note = (self.note.data or "").strip() or None
        if response == ACKNOWLEDGED:
            return response, name, None
        return response, None, note
