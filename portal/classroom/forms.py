"""The shape of classroom input; the rules (open session, right picture) live in the service."""

from datetime import time
from zoneinfo import ZoneInfo

from wtforms import IntegerField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from portal.classroom.pictures import picture_choices
from portal.forms import PortalForm

RANDOM = "random"


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


class PictureForm(PortalForm):
    """A pupil's tap on one of the nine pictures (each picture is its own submit button)."""

    picture = SelectField(choices=_choices(picture_choices()), validators=[InputRequired()])


class StartSessionForm(PortalForm):
    class_id = IntegerField(validators=[InputRequired()])


class PupilPictureForm(PortalForm):
    """The teacher sets one pupil's picture, or asks for a new one at random."""

    picture = SelectField(
        "Picture",
        validators=[InputRequired()],
        choices=_choices([*picture_choices(), (RANDOM, "A new one at random")]),
    )


class GivePicturesForm(PortalForm):
    which = SelectField(
        validators=[InputRequired()],
        choices=_choices([("missing", "Pupils without a picture"), ("everyone", "Everyone")]),
    )


def parse_day_end(value: str | None, zone: str) -> time | None:
    """SCHOOL_DAY_ENDS ("15:30") on the school's clock; empty means no end-of-day limit."""
    if not value:
        return None
    hours, _, minutes = value.partition(":")
    return time(int(hours), int(minutes or 0), tzinfo=ZoneInfo(zone))
