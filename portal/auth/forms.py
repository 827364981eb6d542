from wtforms import EmailField, HiddenField, PasswordField
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
