"""The CSV download helper: safe cells, the right headers."""

import csv
import io

import pytest

from portal.csv_export import csv_response, safe_cell


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(start):
    assert safe_cell(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"


def test_other_cells_are_kept_as_they_are():
    assert [safe_cell(v) for v in ("Oak", 3, None, "a=b", " =x")] == ["Oak", "3", "", "a=b", " =x"]


def test_the_response_is_an_attachment_never_stored(app):
    with app.test_request_context():
        response = csv_response('bad "name"/../x.csv', ["A", "B"], [["=1", 'say "hi"']])
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="bad_name_.._x.csv"'
    assert response.headers["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows == [["A", "B"], ["'=1", 'say "hi"']]
