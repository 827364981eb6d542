"""The shape of the roster upload and apply forms; the rules live in roster.py and importer.py."""

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired

from portal.forms import PlainText, PortalForm

ROSTER_MAX_CHARACTERS = 2 * 1024 * 1024  # no more than the upload's bytes
FULL_IMPORT_LABEL = "Full import: pupils not in the file are marked as left"


class RosterUploadForm(PortalForm):
    file = FileField(
        "Roster file (CSV)",
        validators=[
            FileRequired("Choose the CSV file exported from the MIS."),
            FileAllowed(["csv"], "The file must be a CSV file (ending in .csv)."),
        ],
        description="A CSV export from the school's MIS, at most 2 MB.",
        render_kw={"accept": ".csv,text/csv"},
    )
    full = BooleanField(
        FULL_IMPORT_LABEL,
        default=True,
        description="Untick this to only add and update people from a partial file.",
    )


class RosterApplyForm(PortalForm):
    """Carries the previewed file back, so applying re-checks exactly what was previewed."""

    roster = HiddenField(
        validators=[
            # The whole file, lines and all; the roster checks then name any bad cell's line.
            PlainText(ROSTER_MAX_CHARACTERS, multiline=True),
            DataRequired("The previewed file was missing."),
        ]
    )
    full = HiddenField()

    @property
    def is_full(self) -> bool:
        return self.full.data == "1"
