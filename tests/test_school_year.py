from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from portal.people.school_year import academic_year, in_school_hours, key_stage, parse_year_group

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    "today, label",
    [
        (date(2026, 8, 31), "2025/26"),
        (date(2026, 9, 1), "2026/27"),
        (date(2026, 11, 26), "2026/27"),
        (date(2027, 1, 5), "2026/27"),
        (date(2099, 12, 31), "2099/00"),
    ],
)
def test_academic_year_runs_september_to_august(today, label):
    year = academic_year(today)
    assert year.label == label
    assert year.starts_on <= today <= year.ends_on


@pytest.mark.parametrize(
    "year_group, stage", [(0, "EYFS"), (1, "KS1"), (2, "KS1"), (3, "KS2"), (6, "KS2")]
)
def test_key_stage_is_derived_from_year_group(year_group, stage):
    assert key_stage(year_group) == stage


def test_unknown_year_group_has_no_key_stage():
    with pytest.raises(ValueError):
        key_stage(7)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Reception", 0),
        ("R", 0),
        ("Year 3", 3),
        ("6", 6),
        (" year 1 ", 1),
        ("Year 7", None),
        ("Nursery", None),
    ],
)
def test_year_groups_as_mis_exports_write_them(text, expected):
    assert parse_year_group(text) == expected


def test_short_names_tell_pupils_apart_with_as_little_of_the_last_name_as_needed():
    from types import SimpleNamespace

    from portal.people.names import short_names

    pupils = [
        SimpleNamespace(id=n, first_name=first, last_name=last)
        for n, (first, last) in enumerate(
            [
                ("Jack", "Smith"),
                ("Jack", "Smyth"),
                ("Amara", "Okoye"),
                ("Jo", "Li"),
                ("Jo", "Lin"),
                ("Ali", "Khan"),
                ("Ali", "Khan"),
            ]
        )
    ]
    assert list(short_names(pupils).values()) == [
        "Jack Smi.",
        "Jack Smy.",
        "Amara O.",
        "Jo Li.",
        "Jo Lin.",
        "Ali Khan.",
        "Ali Khan.",
    ]


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 10, 7, 59, tzinfo=LONDON), False),  # Tuesday, before the school opens
        (datetime(2026, 11, 10, 8, 0, tzinfo=LONDON), True),
        (datetime(2026, 6, 10, 15, 59, tzinfo=LONDON), True),  # summer time: still the school clock
        (datetime(2026, 6, 10, 16, 0, tzinfo=LONDON), False),
        (datetime(2026, 11, 14, 10, 0, tzinfo=LONDON), False),  # Saturday
        (datetime(2026, 11, 15, 10, 0, tzinfo=LONDON), False),  # Sunday
    ],
)
def test_school_hours_are_weekdays_between_the_two_times(moment, expected):
    assert in_school_hours(moment, "08:00-16:00") is expected
