"""PortalForm, the base of every form: the shape every field's input must have.

Before any of a field's own validators (and so before any service) runs, each text
field is held to a length cap and refuses control characters, and each whole number
must fit the database's integer columns. A field sets its own cap with ``Length(max=)``
or ``PlainText(...)``; otherwise it gets the cap for its kind below. A refused value
is shown again cut to the cap and without its control characters, never in full.
"""

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    IntegerField,
    PasswordField,
    StringField,
    TextAreaField,
)
from wtforms.csrf.core import CSRFTokenField
from wtforms.validators import Length, StopValidation

from portal.input_rules import (
    CONTROL_CHARACTER_MESSAGE,
    MAX_EMAIL_LENGTH,
    fits_database_int,
    has_control_characters,
    without_control_characters,
)

# The first kind a field is an instance of gives its cap (StringField last: the others are one).
DEFAULT_CAPS = (
    (TextAreaField, 50_000),  # room for a whole policy; shorter notes declare their own
    (EmailField, MAX_EMAIL_LENGTH),
    (PasswordField, 200),
    (StringField, 200),
)
NUMBER_TOO_BIG = "That number is too big."


class PlainText:
    """At most ``max`` characters, and no control characters (tabs and line breaks are
    allowed in ``multiline`` text only)."""

    def __init__(self, max: int, multiline: bool = False, message: str | None = None):
        self.max, self.multiline = max, multiline
        self.message = message or f"Use at most {max:,} characters (the rest has been cut off)."
        self.field_flags = {"maxlength": max}

    def __call__(self, form, field) -> None:
        text = field.data
        if not isinstance(text, str):
            return
        too_long = len(text) > self.max
        if too_long or has_control_characters(text, self.multiline):
            field.data = without_control_characters(text[: self.max], self.multiline)
            form.refused_input = True
            raise StopValidation(self.message if too_long else CONTROL_CHARACTER_MESSAGE)


def database_integer(form, field) -> None:
    """A whole number an INTEGER column can hold: a bigger one would make the query fail."""
    if isinstance(field.data, int) and not fits_database_int(field.data):
        form.refused_input = True
        raise StopValidation(NUMBER_TOO_BIG)


class PortalForm(FlaskForm):
    """Every form in the portal derives from this (a test checks it)."""

    refused_input = False  # set when a field was refused for its shape: too long, control chars

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self:
            guard = input_guard(field)
            if guard is not None:
                # A new list: the field's own list is shared by every instance of the form.
                field.validators = [guard, *(v for v in field.validators if v is not guard)]
                for flag, value in getattr(guard, "field_flags", {}).items():
                    setattr(field.flags, flag, value)


def input_guard(field):
    """The check this field's input passes before its own validators, if any."""
    if isinstance(field, IntegerField):
        return database_integer
    if not isinstance(field, StringField) or isinstance(field, CSRFTokenField):
        return None
    declared = [v for v in field.validators if isinstance(v, PlainText)]
    if declared:
        return declared[0]
    multiline = isinstance(field, TextAreaField)
    for validator in field.validators:
        if isinstance(validator, Length) and validator.max >= 0:
            return PlainText(validator.max, multiline, validator.message)
    cap = next(cap for kind, cap in DEFAULT_CAPS if isinstance(field, kind))
    return PlainText(cap, multiline)
