"""The converters every route's address goes through, installed before any blueprint.

A part of an address that no row could match (an id too big for the database, text
with a control character) does not match the route's pattern at all, so the answer
is 404 for every route, present and future, whatever the method, with no check in
any view. (A converter that refused the value after matching would turn a POST into
a 405 wherever the same address also has a GET route.)
"""

from flask import Flask
from werkzeug.routing import IntegerConverter, UnicodeConverter

from portal.input_rules import CONTROL_CHARACTER_CLASS


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>``: at most nine digits, which fits an INTEGER column on both databases.

    A school never comes near a billion rows; a longer number would overflow the query.
    """

    regex = r"[0-9]{1,9}"


class PlainTextConverter(UnicodeConverter):
    """``<name>`` and ``<string:name>``: one path segment without control characters."""

    def __init__(self, map, minlength=1, maxlength=None, length=None):
        super().__init__(map, minlength, maxlength, length)
        self.regex = self.regex.replace("[^/]", f"[^/{CONTROL_CHARACTER_CLASS}]", 1)


def init_app(app: Flask) -> None:
    """Install the converters; a rule takes its converters when added, so call this first."""
    app.url_map.converters.update(
        int=DatabaseIdConverter, default=PlainTextConverter, string=PlainTextConverter
    )
