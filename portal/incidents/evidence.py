"""Evidence sent with a report: checked by its content (not its name), kept outside the static
folder under a name of our making, and handed only to those who can open the log."""

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import send_file
from werkzeug.datastructures import FileStorage

from portal.config import private_folder
from portal.extensions import db
from portal.incidents.models import IncidentEvidence

MAX_FILES = 5
MAX_BYTES = 10 * 1024 * 1024
# What each kind of file starts with: a script renamed .png does not start like a PNG.
SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": ("image/png", ".png"),
    b"\xff\xd8\xff": ("image/jpeg", ".jpg"),
    b"%PDF-": ("application/pdf", ".pdf"),
}
# The biggest request a report with evidence may be: every file at its largest, and the form.
UPLOAD_ALLOWANCE = MAX_FILES * MAX_BYTES + 1024 * 1024


@dataclass(frozen=True)
class Checked:
    """A file that may be kept: its content's type, and where its bytes are."""

    upload: FileStorage
    media_type: str
    extension: str
    size: int


def sniff(head: bytes) -> tuple[str, str] | None:
    return next((kind for start, kind in SIGNATURES.items() if head.startswith(start)), None)


def chosen(files: list[FileStorage]) -> list[FileStorage]:
    """The files actually chosen (a form with no file chosen still sends one empty part)."""
    return [f for f in files if f and f.filename]


def check(files: list[FileStorage]) -> tuple[list[Checked], list[str]]:
    """Each file checked by its size and its first bytes; the problems name the file."""
    files = chosen(files)
    if len(files) > MAX_FILES:
        return [], [f"Attach at most {MAX_FILES} files."]
    checked, problems = [], []
    for upload in files:
        name = os.path.basename(upload.filename or "the file")[:100]
        size = _size(upload)
        kind = sniff(upload.stream.read(8))
        upload.stream.seek(0)
        if size > MAX_BYTES:
            problems.append(f"{name} is bigger than {MAX_BYTES // (1024 * 1024)} MB.")
        elif size == 0:
            problems.append(f"{name} is empty.")
        elif kind is None:
            problems.append(f"{name} is not a PNG, JPEG or PDF file (checked by what is in it).")
        else:
            checked.append(Checked(upload, kind[0], kind[1], size))
    return checked, problems


def _size(upload: FileStorage) -> int:
    stream = upload.stream
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def evidence_folder(instance_path: str) -> Path:
    return private_folder(str(Path(instance_path) / "evidence"))


def keep(checked: list[Checked], incident_id: int, staff_id: int | None, folder: Path) -> None:
    """Write each file under a random name (owner-only) and record it with the report."""
    for item in checked:
        stored_name = secrets.token_hex(16) + item.extension
        digest = hashlib.sha256()
        descriptor = os.open(folder / stored_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as target:
            stream = item.upload.stream
            while block := stream.read(1024 * 1024):
                digest.update(block)
                target.write(block)
        db.session.add(
            IncidentEvidence(
                incident_id=incident_id,
                stored_name=stored_name,
                original_name=os.path.basename(item.upload.filename or "evidence")[:255],
                media_type=item.media_type,
                size=item.size,
                sha256=digest.hexdigest(),
                uploaded_by_id=staff_id,
            )
        )


def download(kept: IncidentEvidence, folder: Path):
    """The file as a download, never shown in the browser (it is whatever the reporter sent),
    and never kept in a cache."""
    response = send_file(
        folder / kept.stored_name,
        mimetype=kept.media_type,
        as_attachment=True,
        download_name=kept.original_name,
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
