"""The shape of the report forms; what a report must hold lives in reporting.py."""

import uuid

from flask_wtf.file import MultipleFileField
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from portal.clock import school_today
from portal.forms import PortalForm
from portal.incidents import reporting
from portal.incidents.evidence import Checked, check
from portal.incidents.log import LogFilters
from portal.incidents.models import (
    CATEGORIES,
    PATHWAYS,
    PLACES,
    PUPIL_ROLES,
    SOURCE_LABELS,
    STATUSES,
)
from portal.policies.forms import DayField

TEXT_MAX = 5000
PUPIL_ROWS = 4


def choices(prompt: str, labels: dict[str, str]) -> list[SelectChoice]:
    """A pick-list that starts with an empty choice, so nothing is chosen by accident."""
    return [SelectChoice("", prompt), *(SelectChoice(k, label) for k, label in labels.items())]


def submission_key(form, field) -> None:
    try:
        uuid.UUID(field.data or "")
    except ValueError:
        raise ValidationError("This form was damaged. Reload the page and try again.") from None


def what_happened_field(missing: str, description: str) -> TextAreaField:
    return TextAreaField(
        "What happened",
        validators=[
            InputRequired(missing),
            Length(max=TEXT_MAX, message=f"Use at most {TEXT_MAX:,} characters."),
        ],
        description=description,
        render_kw={"rows": 6},
    )


class StaffReportForm(PortalForm):
    submission_key = HiddenField(validators=[submission_key])
    what_happened = what_happened_field(
        "Say what happened.", "The facts: who, what, and what you saw or were shown."
    )
    childs_words = TextAreaField(
        "The child's own words (if a child told you)",
        validators=[Length(max=TEXT_MAX, message=f"Use at most {TEXT_MAX:,} characters.")],
        description="Write down exactly what they said, without changing it.",
        render_kw={"rows": 4},
    )
    place = SelectField(
        "Where it happened",
        choices=choices("Choose a place", PLACES),
        validators=[InputRequired("Choose where it happened.")],
    )
    place_other = StringField(
        "The app, game or place, if you know it", validators=[Length(max=120)]
    )
    happened_on = DayField("When it happened (if you know)", validators=[Optional()])
    category = SelectField(
        "What kind of concern",
        choices=choices("Choose one", CATEGORIES),
        validators=[InputRequired("Choose what kind of concern it is.")],
    )
    urgent = RadioField(
        "How urgent is it?",
        choices=[
            SelectChoice("yes", "Urgent: a child may be at risk now"),
            SelectChoice("no", "Not urgent"),
        ],
        validators=[InputRequired("Say whether it is urgent.")],
    )
    evidence = MultipleFileField(
        "Evidence (optional): up to 5 screenshots or documents",
        description="PNG, JPEG or PDF, at most 10 MB each.",
        render_kw={"accept": ".png,.jpg,.jpeg,.pdf,image/png,image/jpeg,application/pdf"},
    )
    told_dsl = RadioField(
        "Have you told the Designated Safeguarding Lead in person?",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validators=[Optional()],
    )

    def validate_happened_on(self, field) -> None:
        if field.data and field.data > school_today():
            raise ValidationError("The date cannot be in the future.")

    # The pupils involved: rows of name and part, set on the class below.
    pupils_matched: list[tuple[int, str]] = []
    evidence_checked: list[Checked] = []

    def pupil_rows(self):
        return [(self[f"pupil_{n}"], self[f"pupil_{n}_role"]) for n in range(1, PUPIL_ROWS + 1)]

    def validate(self, extra_validators=None) -> bool:
        """The form's own checks, then each typed name matched to one pupil on the roll."""
        valid = super().validate(extra_validators)
        if self.urgent.data == "yes" and self.told_dsl.data not in ("yes", "no"):
            # An inline validator would not run: Optional() stops the chain on an empty answer.
            self.told_dsl.errors.append(
                "For an urgent concern, say whether you have told the Designated Safeguarding "
                "Lead in person."
            )
            valid = False
        self.evidence_checked, problems = check(self.evidence.data or [])
        if problems:
            self.evidence.errors = [*self.evidence.errors, *problems]
            valid = False
        self.pupils_matched = []
        for name, role in self.pupil_rows():
            typed = (name.data or "").strip()
            if not typed:
                continue
            match = reporting.match_pupil(typed)
            if match.pupil is None:
                name.errors.append(match.problem)
            elif not role.data:
                role.errors.append(f"Choose {typed}'s part in it.")
            else:
                self.pupils_matched.append((match.pupil.id, role.data))
                continue
            valid = False
        return valid


for _n in range(1, PUPIL_ROWS + 1):
    setattr(
        StaffReportForm,
        f"pupil_{_n}",
        StringField(
            f"Pupil {_n}: name",
            validators=[Length(max=120)],
            render_kw={
                "list": "pupil-names",
                "autocomplete": "off",
                # Suggestions from the roll as the name is typed (without JavaScript, the
                # name is matched when the form is sent).
                "data-hx-get": "/incidents/pupil-names",
                "data-hx-trigger": "input changed delay:250ms",
                "data-hx-target": "#pupil-names",
                "data-hx-swap": "innerHTML",
            },
        ),
    )
    setattr(
        StaffReportForm,
        f"pupil_{_n}_role",
        SelectField(
            f"Pupil {_n}: their part",
            choices=choices("Choose", PUPIL_ROLES),
            validators=[Optional()],
        ),
    )


class PublicReportForm(PortalForm):
    """Anyone's report: only what happened is required; contact details are their choice."""

    submission_key = HiddenField(validators=[submission_key])
    what_happened = what_happened_field(
        "Tell us what happened.", "What you saw or were told, in your own words."
    )
    who_involved = TextAreaField(
        "Who is involved (if you know)",
        validators=[Length(max=1000, message="Use at most 1,000 characters.")],
        description="For a child at our school, their first name and class is enough.",
        render_kw={"rows": 2},
    )
    place = SelectField(
        "Where it happened (if you know)",
        choices=choices("Choose a place", PLACES),
        validators=[Optional()],
    )
    happened_on = DayField("When it happened (if you know)", validators=[Optional()])
    reporter_name = StringField(
        "Your name (you do not have to give it)",
        validators=[Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    reporter_contact = StringField(
        "Your email or telephone number, so we can get back to you (you do not have to give it)",
        validators=[Length(max=254)],
        render_kw={"autocomplete": "email"},
    )
    # Left empty by people; filled in by the robots that fill in every box.
    website = StringField("Leave this empty", validators=[Length(max=200)])

    def validate_happened_on(self, field) -> None:
        if field.data and field.data > school_today():
            raise ValidationError("The date cannot be in the future.")


NOTE_MAX = 5000


def note_field(label: str, required: str | None = None, description: str = "") -> TextAreaField:
    validators = [Length(max=NOTE_MAX, message=f"Use at most {NOTE_MAX:,} characters.")]
    if required:
        validators.insert(0, InputRequired(required))
    return TextAreaField(
        label, validators=validators, description=description, render_kw={"rows": 3}
    )


class NoteForm(PortalForm):
    text = note_field("Add to the chronology", "Write what was done or found.")


class StatusForm(PortalForm):
    seen = HiddenField()
    status = SelectField("New status", choices=choices("Choose a status", STATUSES))
    outcome = note_field(
        "Outcome (needed to close the report)",
        description="What was decided and done, and the support given.",
    )


class PathwayForm(PortalForm):
    pathway = SelectField("Handled under", choices=choices("Choose a policy", PATHWAYS))


class CategoryForm(PortalForm):
    category = SelectField("What kind of concern", choices=choices("Choose one", CATEGORIES))


class SupportForm(PortalForm):
    pupil_id = SelectField("Pupil", coerce=int, validate_choice=False)
    text = note_field("Support given", "Say what support was given.")


class CorrectionForm(PortalForm):
    action_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    text = note_field("Correction", "Write the correction.")


class LogFilterForm(PortalForm):
    """The log's filters: a GET form, so a filtered list can be bookmarked and paged."""

    class Meta:
        csrf = False

    status = SelectField("Status", choices=choices("Any status", STATUSES), validators=[Optional()])
    category = SelectField(
        "Category", choices=choices("Any category", CATEGORIES), validators=[Optional()]
    )
    pathway = SelectField(
        "Pathway", choices=choices("Any pathway", PATHWAYS), validators=[Optional()]
    )
    source = SelectField(
        "Reported by", choices=choices("Anyone", SOURCE_LABELS), validators=[Optional()]
    )
    since = DayField("Reported from", validators=[Optional()])
    until = DayField("Reported until", validators=[Optional()])
    pupil = StringField("Pupil's name", validators=[Length(max=120)])
    words = StringField("Words in the report", validators=[Length(max=200)])

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The end date is before the start date.")

    def filters(self) -> LogFilters:
        text = {name: (self[name].data or "").strip() or None for name in ("pupil", "words")}
        chosen = {
            name: self[name].data or None for name in ("status", "category", "pathway", "source")
        }
        return LogFilters(since=self.since.data, until=self.until.data, **chosen, **text)
