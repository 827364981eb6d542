"""The commands an IT lead types: create-admin and seed-demo."""

from sqlalchemy import func, select

from portal.extensions import db
from portal.people.models import Guardian, Pupil, SchoolClass, Staff
from tests.helpers.web import sign_in


def test_create_admin_prompts_for_a_password_and_the_admin_can_sign_in(app, runner):
    result = runner.invoke(
        args=["portal", "create-admin", "Office@Brook.example.org"],
        input="sunlit kestrel harbour\nsunlit kestrel harbour\n",
    )
    assert result.exit_code == 0, result.output
    staff = db.session.scalar(select(Staff))
    assert staff.email == "office@brook.example.org" and staff.roles == {"admin"}
    assert sign_in(app.test_client(), staff.email, "sunlit kestrel harbour").status_code == 302


def test_create_admin_refuses_a_weak_password_or_a_bad_email(runner):
    weak = runner.invoke(
        args=["portal", "create-admin", "office@brook.example.org"], input="short\nshort\n"
    )
    bad = runner.invoke(
        args=["portal", "create-admin", "not-an-email"],
        input="sunlit kestrel harbour\nsunlit kestrel harbour\n",
    )
    assert weak.exit_code != 0 and "at least 10 characters" in weak.output
    assert bad.exit_code != 0 and "not a valid email address" in bad.output
    assert db.session.scalar(select(func.count()).select_from(Staff)) == 0


def test_create_admin_twice_for_one_email_is_refused(runner):
    args = ["portal", "create-admin", "office@brook.example.org"]
    assert runner.invoke(args=args, input="sunlit kestrel harbour\n" * 2).exit_code == 0
    again = runner.invoke(args=args, input="sunlit kestrel harbour\n" * 2)
    assert again.exit_code != 0 and "already belongs" in again.output


def test_seed_demo_builds_the_school_and_prints_working_sign_ins(app, runner):
    result = runner.invoke(args=["portal", "seed-demo", "--password", "demo school password"])
    assert result.exit_code == 0, result.output
    assert "admin@wilkinson.example.org" in result.output
    assert "demo school password" in result.output
    year_groups = db.session.scalars(select(SchoolClass.year_group).order_by("year_group")).all()
    assert year_groups == [0, 1, 2, 3, 4, 5, 6]
    pupils = db.session.scalar(select(func.count()).select_from(Pupil))
    assert 7 * 20 <= pupils <= 7 * 30
    assert db.session.scalar(select(func.count()).where(Guardian.email.is_(None))) > 0
    client = app.test_client()
    assert (
        sign_in(client, "teacher1@wilkinson.example.org", "demo school password").status_code == 302
    )
    assert "Hello" in client.get("/").get_data(as_text=True)


def test_seed_demo_if_empty_keeps_the_data_and_the_password(runner):
    first = runner.invoke(args=["portal", "seed-demo", "--if-empty"])
    counts = [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Staff, Pupil, Guardian)
    ]
    second = runner.invoke(args=["portal", "seed-demo", "--if-empty"])
    assert first.exit_code == second.exit_code == 0
    password_line = [line for line in first.output.splitlines() if "Password" in line]
    assert password_line and password_line[0] in second.output
    assert counts == [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Staff, Pupil, Guardian)
    ]
