"""`flask portal create-admin`: the first account of a real deployment."""

import click
from email_validator import EmailNotValidError, validate_email

from portal.auth.service import normalise_email, password_problem, set_password
from portal.clock import school_today
from portal.extensions import db
from portal.people.roles import ADMIN
from portal.people.service import StaffProblem, add_staff
from portal.policies.shipped import install_shipped_policies


@click.command("create-admin")
@click.argument("email")
@click.option("--name", default="Portal administrator", show_default=True)
@click.password_option(prompt="Password for the new administrator")
def create_admin_command(email: str, name: str, password: str) -> None:
    """Create an administrator account (prompts for the password)."""
    try:
        email = normalise_email(validate_email(email, check_deliverability=False).normalized)
    except EmailNotValidError as error:
        raise click.UsageError(f"{email} is not a valid email address: {error}") from error
    problem = password_problem(password, email)
    if problem:
        raise click.UsageError(problem)
    try:
        staff = add_staff(name, email, [ADMIN], [])
    except StaffProblem as error:
        raise click.UsageError(str(error)) from error
    set_password(staff, password)
    # A new install's first step brings the texts.
    added = len(install_shipped_policies(school_today()).added)
    db.session.commit()
    if added:
        click.echo(f"Installed the school's {added} shipped policy documents.")
    click.echo(f"Created administrator {email}. Sign in at the portal's /sign-in page.")


COMMANDS = [create_admin_command]
