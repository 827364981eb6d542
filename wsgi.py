"""Entry point for `flask` and for gunicorn: `gunicorn wsgi:app`."""

import gc

from portal import create_app

app = create_app()
# Everything made so far (modules, templates, quiz content) lives as long as the process: kept
# out of the collector's full passes, which otherwise walked some 220,000 objects each time, a
# pause of about 140 ms in the middle of a page at 5,000 pupils.
gc.freeze()
