from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from portal.forms import PortalForm
from portal.urls import local_path_or_blank


class SignInForm(PortalForm):
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter your email address.")],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password.")],
        render_kw={"autocomplete": "current-password"},
    )
    # Whatever a link put here, only a path on this site is kept and sent back.
    next = HiddenField(filters=[local_path_or_blank])


class NewPasswordForm(PortalForm):
    password = PasswordField(
        "New password",
        validators=[DataRequired("Choose a password."), Length(max=200)],
        description="At least 10 characters. Three random words work well.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Type it again",
        validators=[
            DataRequired("Type the password again."),
            EqualTo("password", "The two passwords are not the same."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )


class AppCodeForm(PortalForm):
    code = StringField(
        "The 6-digit code your app shows",
        validators=[DataRequired("Type the 6-digit code your app shows."), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )
    next = HiddenField(filters=[local_path_or_blank])


class SignInCodeForm(PortalForm):
    code = StringField(
        "Code",
        validators=[
            DataRequired("Type the code your app shows, or a recovery code."),
            Length(max=40),
        ],
        description="The 6 digits your authenticator app shows now, or one of your recovery codes.",
        render_kw={
            "autocomplete": "one-time-code",
            "spellcheck": "false",
            "autocapitalize": "characters",
        },
    )
    next = HiddenField(filters=[local_path_or_blank])


class TwoFactorChangeForm(PortalForm):
    """Turning two-factor off or making new recovery codes: the password and a code, both."""

    current = PasswordField(
        "Current password",
        validators=[DataRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    code = StringField(
        "Code from your app, or a recovery code",
        validators=[
            DataRequired("Type the code your app shows, or a recovery code."),
            Length(max=40),
        ],
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false"},
    )


class ConfirmForm(PortalForm):
    """A button with nothing to type: the CSRF token is the whole form."""
