"""`flask portal ...`: the commands an IT lead and cron use. They call the same services."""

from flask.cli import AppGroup

cli = AppGroup("portal", help="Online-Safety Portal commands.")
