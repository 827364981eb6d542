"""What the class board shows: the live list of who has signed in."""

from hashlib import blake2s

from flask import request

from portal.classroom import code_guesses, live
from portal.classroom.models import ClassSession
from portal.clock import utcnow
from portal.formatting import school_time

STATUS_LINE = "#live-status"  # the board's short status line, which can take the focus


def show_progress() -> bool:
    """The board is seen by the whole class: each pupil's progress shows only when asked for."""
    return request.args.get("progress") == "1"


def live_context(class_session: ClassSession) -> dict:
    now = utcnow()
    rows = live.live_view(class_session, school_time(now).date())
    is_open = class_session.is_open(now)
    progress = show_progress()
    # The board is in the same building as the tablets, so it shares their address.
    codes_stopped = is_open and code_guesses.stopped(request.remote_addr or "unknown", now)
    state = (rows, is_open, progress, codes_stopped)
    version = blake2s(repr(state).encode(), digest_size=8).hexdigest()
    return {
        "class_session": class_session,
        "rows": rows,
        "is_open": is_open,
        "version": version,
        "signed_in": sum(r.signed_in for r in rows),
        "locked": sum(r.locked for r in rows),
        "show_progress": progress,
        "codes_stopped": codes_stopped,
        "progress_args": {"progress": "1"} if progress else {},
    }


def focus_after_unlock(context: dict, unlocked_pupil_id: int) -> str:
    """Where focus goes once a pupil is unlocked: the next locked pupil's Unlock button (on
    down the roll, then from the top), or the status line when nobody else needs help."""
    rows = context["rows"]
    place = next((i for i, row in enumerate(rows) if row.pupil_id == unlocked_pupil_id), -1)
    waiting = [row for row in rows[place + 1 :] + rows[: place + 1] if row.locked]
    if waiting and context["is_open"]:
        return f"#unlock-{waiting[0].pupil_id}"
    return STATUS_LINE
