"""`flask portal ...`: the commands an IT lead and cron use. They call the same services."""

from flask.cli import AppGroup

cli = AppGroup("portal", help="Online-Safety Portal commands.")


def register_commands() -> None:
    """Each feature keeps its commands in its own cli.py; they all hang off `flask portal`."""
    from portal import demo
    from portal.auth import cli as auth_cli
    from portal.mail import cli as mail_cli
    from portal.people import cli as people_cli
    from portal.policies import cli as policies_cli
    from portal.quiz import cli as quiz_cli
    from portal.staff_module import cli as module_cli

    for module in (auth_cli, people_cli, mail_cli, policies_cli, quiz_cli, module_cli, demo):
        for command in getattr(module, "COMMANDS", ()):
            cli.add_command(command)
