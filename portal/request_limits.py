"""Caps on what one request may send: the whole body, and the text of a form in it.

MAX_CONTENT_LENGTH caps every body (a roster upload is the biggest). Werkzeug applies
MAX_FORM_MEMORY_SIZE and MAX_FORM_PARTS to multipart forms only; the parser here
applies them to ordinary (urlencoded) forms too, so a form stuffed with megabytes is
refused with 413 before anything reads its fields.
"""

import io

from flask import Request, current_app
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser

URLENCODED = "application/x-www-form-urlencoded"
TOO_MUCH_TEXT = "That form held far more than anyone types. Go back, shorten it and try again."


class FormParser(FormDataParser):
    def parse(self, stream, mimetype, content_length, options=None):
        if mimetype == URLENCODED:
            stream = io.BytesIO(self._capped_body(stream))
        return super().parse(stream, mimetype, content_length, options)

    def _capped_body(self, stream) -> bytes:
        limit = self.max_form_memory_size
        body = stream.read() if limit is None else stream.read(limit + 1)
        too_long = limit is not None and len(body) > limit
        parts = self.max_form_parts
        if too_long or (parts is not None and body.count(b"&") >= parts):
            raise RequestEntityTooLarge(TOO_MUCH_TEXT)
        return body


class PortalRequest(Request):
    form_data_parser_class = FormParser

    @property
    def max_content_length(self) -> int | None:
        view = current_app.view_functions.get(self.endpoint or "")
        allowance = getattr(view, "upload_allowance", None)
        if self._max_content_length is None and allowance is not None:
            return allowance(current_app.config)
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    @property
    def max_form_memory_size(self) -> int | None:
        view = current_app.view_functions.get(self.endpoint or "")
        if self._max_form_memory_size is None and getattr(view, "carries_a_file", False):
            return self.max_content_length
        return super().max_form_memory_size

    @max_form_memory_size.setter
    def max_form_memory_size(self, value: int | None) -> None:
        self._max_form_memory_size = value  # as Flask allows: one request's own limit


def carries_a_file(view):
    """This view's form sends a whole file back (a previewed roster): allow an upload's size."""
    view.carries_a_file = True
    return view


def accepts_uploads(allowance):
    """This view takes bigger files than the rest of the portal: ``allowance(config)`` bytes."""

    def decorate(view):
        view.upload_allowance = allowance
        return view

    return decorate
