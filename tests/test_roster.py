"""Roster import from a MIS CSV export: the parser, the import, the command and the upload page."""

import io
import time

import pytest
from sqlalchemy import func, select

from portal.clock import school_today
from portal.extensions import db
from portal.people.importer import import_roster, read_roster
from portal.people.models import Guardian, Pupil, SchoolClass, Staff
from portal.people.roster import RosterProblems, decode_roster, parse_roster
from tests.helpers.builders import make_class, make_pupil, make_staff
from tests.helpers.queries import counting_queries, times_analyzed
from tests.helpers.roster import (
    EXAMPLE,
    SMALL,
    counts,
    csv_text,
    example_school,
    snapshot,
    upload,
    write_csv,
)
from tests.helpers.web import hidden_value, post_form, sign_in


def problems_of(text: str, **known) -> list[str]:
    with pytest.raises(RosterProblems) as raised:
        parse_roster(text, **known)
    return [str(problem) for problem in raised.value.problems]


def import_file(runner, path, *options):
    return runner.invoke(args=["portal", "import-roster", str(path), *options])


def pupil(mis_id: str) -> Pupil:
    return db.session.scalar(select(Pupil).where(Pupil.mis_id == mis_id))


# The parser: pure, no app needed.


def test_the_example_file_describes_the_whole_school():
    roster = parse_roster(decode_roster(EXAMPLE.read_bytes()))
    assert [(c.name, c.year_group) for c in roster.classes] == [
        ("Robins", 0),
        ("Oak", 1),
        ("Ash", 2),
        ("Beech", 3),
        ("Elm", 4),
        ("Maple", 5),
        ("Willow", 6),
    ]
    assert len(roster.pupils) == 175 and len(roster.guardians) > 150
    assert any(len(g.pupil_ids) == 2 for g in roster.guardians)
    assert any(g.email is None for g in roster.guardians)
    staff = {s.email.split("@")[0]: (s.roles, s.class_names) for s in roster.staff}
    assert staff["admin"] == (("admin",), ())
    assert staff["head"] == (("head_teacher", "dsl"), ())  # in many primary schools, the DSL
    assert staff["esafety"] == (("esafety_lead",), ())
    assert staff["teacherr"] == (("teacher",), ("Robins",))
    assert staff["teacher6"] == (("teacher",), ("Willow",))
    assert staff["staff"] == (("staff",), ()) and staff["governor"] == (("governor",), ())


def test_columns_in_any_order_and_case_with_a_bom_and_extra_columns():
    text = (
        "\ufeffMIS_ID,Notes,First_Name,Last_Name,Type,Class,Year_Group\n"
        "P1,likes trains,Amara,Okoye,PUPIL,Oak,R\n\n"
    )
    roster = parse_roster(decode_roster(text.encode("utf-8")))
    assert roster.pupils[0].mis_id == "P1" and roster.pupils[0].year_group == 0
    assert roster.classes[0].name == "Oak"


def test_staff_lists_are_split_emails_lowered_and_empty_roles_mean_staff():
    roster = parse_roster(
        csv_text(
            "pupil,P1,A,B,1,Oak,,,",
            "pupil,P2,C,D,2,Ash,,,",
            "staff,S1,Ruth,Okafor,,Oak; Ash,Ruth@Example.ORG,,",
        )
    )
    staff = roster.staff[0]
    assert (staff.email, staff.roles, staff.class_names) == (
        "ruth@example.org",
        ("staff",),
        ("Oak", "Ash"),
    )


def test_missing_columns_are_one_problem_naming_them_all():
    assert problems_of("type,mis_id,first_name\npupil,P1,A\n") == [
        "line 1: missing columns: last_name, year_group, class"
    ]


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("hamster,H1,A,B,,,,,", "unknown type 'hamster'"),
        ("pupil,P9,,Okoye,Year 1,Oak,,,", "missing first name"),
        ("pupil,P9,Amara,Okoye,Year 1,,,,", "missing class"),
        ("pupil,P9,Amara,Okoye,Year 9,Oak,,,", "unknown year group 'Year 9'"),
        ("guardian,G9,Sam,Okoye,,,sam@,,P1", "malformed email 'sam@'"),
        ("staff,S9,Sam,Okoye,,,not an email,teacher,", "malformed email 'not an email'"),
        ("staff,S9,Sam,Okoye,,,,teacher,", "missing email"),
        ("pupil,P1,Amara,Okoye,Year 1,Oak,,,", "duplicate pupil MIS id 'P1' (already on line 2)"),
        ("guardian,G9,Sam,Okoye,,,,,P1;P404", "guardian linked to unknown pupil 'P404'"),
        ("guardian,G9,Sam,Okoye,,,,,", "missing pupils"),
        ("staff,S9,Sam,Okoye,,Fir,sam@example.org,teacher,", "staff teaching unknown class 'Fir'"),
        ("staff,S9,Sam,Okoye,,,sam@example.org,teacher;wizard,", "unknown role 'wizard'"),
        ("pupil,P9,Amara,Okoye,Year 2,Oak,,,", "class 'Oak' is Year 2 here but Year 1 on line 2"),
        ("staff,S9,Sam,Okoye,,,T@x.org,teacher,", "duplicate staff email 't@x.org' (already on"),
    ],
)
def test_each_kind_of_problem_is_named_with_its_line(row, problem):
    text = csv_text(
        "pupil,P1,Amara,Okoye,Year 1,Oak,,,", "staff,S1,Ruth,Okafor,,Oak,t@x.org,teacher,", row
    )
    found = problems_of(text)
    assert len(found) == 1 and found[0].startswith(f"line 4: {problem}"), found


def test_every_problem_is_reported_at_once_in_line_order():
    text = csv_text(
        "pupil,P1,Amara,Okoye,Year 9,Oak,,,",
        "pupil,P2,Leo,Nowak,Year 1,Oak,,,",
        "guardian,G1,Sam,Okoye,,,sam@,,P1",
        "staff,S1,Ruth,Okafor,,Fir,r@x.org,boss,",
    )
    assert [problem.split(":")[0] for problem in problems_of(text)] == [
        "line 2",
        "line 4",
        "line 5",
        "line 5",
    ]


def test_a_file_that_is_not_utf8_is_a_problem_with_its_line():
    data = csv_text("pupil,P1,Zoë,Okoye,Year 1,Oak,,,").encode("cp1252")
    with pytest.raises(RosterProblems) as raised:
        decode_roster(data)
    assert str(raised.value).startswith("line 2: the file is not UTF-8")


def test_guardians_may_name_known_pupils_and_staff_known_classes():
    text = csv_text("guardian,G1,Sam,Okoye,,,,,P7", "staff,S1,R,O,,Fir,r@x.org,teacher,")
    roster = parse_roster(
        text, known_pupil_ids=frozenset({"P7"}), known_class_names=frozenset({"Fir"})
    )
    assert roster.guardians[0].pupil_ids == ("P7",) and roster.staff[0].class_names == ("Fir",)


# The import, through the command an IT lead runs.


def test_the_example_imported_twice_gives_the_same_counts_and_no_changes(runner):
    analyzed = times_analyzed("pupil")
    first = import_file(runner, EXAMPLE)
    assert first.exit_code == 0, first.output
    assert times_analyzed("pupil") > analyzed  # the planner learns the new roll's size
    after_first = counts()
    assert "Pupils: 175 new" in first.stdout and "Roster imported." in first.stdout
    second = import_file(runner, EXAMPLE)
    assert second.exit_code == 0
    assert counts() == after_first
    assert "Pupils: 0 new, 0 changed, 175 unchanged, 0 marked as left" in second.stdout
    assert second.stdout.strip().endswith("Nothing to change.")
    summary = import_roster(read_roster(EXAMPLE.read_bytes()), school_today())
    assert summary.changes == [] and not summary.changed


def test_three_bad_rows_exit_non_zero_naming_each_line_and_change_nothing(runner, tmp_path):
    import_file(runner, EXAMPLE)
    before = snapshot()
    bad = write_csv(
        tmp_path,
        "pupil,P00001,Hafsa,Khan-Ali,Reception,Robins,,,",
        "pupil,P90001,New,Pupil,Year 9,Oak,,,",
        "pupil,P90002,Another,Pupil,Year 1,Oak,,,",
        "guardian,G90001,Sam,Carer,,,sam@@example.org,,P90002",
        "staff,S90001,Sam,Teacher,,Larch,sam@wilkinson.example.org,teacher,",
    )
    result = import_file(runner, bad)
    assert result.exit_code == 1
    assert "line 3: unknown year group 'Year 9'" in result.stderr
    assert "line 5: malformed email 'sam@@example.org'" in result.stderr
    assert "line 6: staff teaching unknown class 'Larch'" in result.stderr
    assert "3 problems" in result.stderr and "nothing was changed" in result.stderr
    assert snapshot() == before


def test_change_lines_say_what_changed(runner, tmp_path):
    import_file(runner, write_csv(tmp_path, *SMALL))
    moved = [
        row.replace("Year 1,Oak", "Year 3,Ash") if row.startswith("pupil,P2") else row
        for row in SMALL
    ]
    moved[2] = moved[2].replace("Year 2,Ash", "Year 3,Ash")
    result = import_file(runner, write_csv(tmp_path, *moved), "--dry-run")
    assert "Pupil P2 Leo Nowak: class Oak → Ash" in result.stdout
    assert "Class Ash: Year 2 → Year 3" in result.stdout
    assert "Dry run: nothing was written." in result.stdout
    assert pupil("P2").school_class.name == "Oak"


def test_a_full_import_marks_missing_pupils_as_left_and_a_later_one_brings_them_back(
    runner, tmp_path
):
    import_file(runner, write_csv(tmp_path, *SMALL))
    without_leo = [row for row in SMALL if not row.startswith("pupil,P2")]
    without_leo[-2] = "guardian,G2,Piotr,Nowak,,,,,P3"
    result = import_file(runner, write_csv(tmp_path, *without_leo))
    assert "Pupil P2 Leo Nowak: marked as left" in result.stdout
    assert pupil("P2").left_on == school_today()
    assert db.session.scalar(select(func.count()).select_from(Pupil)) == 3
    import_file(runner, write_csv(tmp_path, *without_leo))
    assert pupil("P2").left_on == school_today()
    back = import_file(runner, write_csv(tmp_path, *SMALL))
    assert "Pupil P2 Leo Nowak: back on roll" in back.stdout
    db.session.expire_all()
    assert pupil("P2").left_on is None


def test_a_partial_import_leaves_missing_pupils_alone_and_may_link_to_them(runner, tmp_path):
    import_file(runner, write_csv(tmp_path, *SMALL))
    partial = write_csv(tmp_path, "guardian,G3,Ewa,Nowak,,,ewa@example.org,,P2")
    assert import_file(runner, partial).exit_code == 1  # a full import would mark P1-P3 left
    result = import_file(runner, partial, "--partial")
    assert result.exit_code == 0, result.output
    assert all(pupil(mis_id).left_on is None for mis_id in ("P1", "P2", "P3"))
    assert [
        p.mis_id for p in db.session.scalar(select(Guardian).filter_by(mis_id="G3")).pupils
    ] == ["P2"]


def test_guardian_links_are_replaced_by_the_files(runner, tmp_path):
    import_file(runner, write_csv(tmp_path, *SMALL))
    changed = [row.replace(",P2;P3", ",P3;P1") for row in SMALL]
    result = import_file(runner, write_csv(tmp_path, *changed))
    assert "Guardian G2 Piotr Nowak: pupils P2, P3 → P3, P1" in result.stdout
    db.session.expire_all()
    guardian = db.session.scalar(select(Guardian).filter_by(mis_id="G2"))
    assert sorted(p.mis_id for p in guardian.pupils) == ["P1", "P3"]


def test_staff_are_matched_by_email_and_get_exactly_the_files_roles_and_classes(runner, tmp_path):
    make_staff(
        "teacher1@wilkinson.example.org",
        roles=("teacher", "esafety_lead"),
        classes=[make_class("Beech", 3)],
    )
    result = import_file(runner, write_csv(tmp_path, *SMALL))
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    staff = db.session.scalar(select(Staff))
    assert (staff.mis_id, staff.name, staff.roles) == ("S1", "Ruth Okafor", {"teacher"})
    assert [c.name for c in staff.classes] == ["Oak"]
    assert staff.password_hash is not None  # the account they already had still works
    assert db.session.scalar(select(SchoolClass).filter_by(name="Beech")) is not None


def test_new_staff_have_no_password_until_invited(runner, tmp_path):
    import_file(runner, write_csv(tmp_path, *SMALL))
    staff = db.session.scalar(select(Staff))
    assert staff.password_hash is None and staff.active and staff.roles == {"teacher"}


def test_an_email_belonging_to_someone_else_is_a_problem(runner, tmp_path):
    make_staff("head@wilkinson.example.org", roles=("head_teacher",))
    import_file(runner, write_csv(tmp_path, *SMALL))
    clash = [*SMALL[:-1], "staff,S1,Ruth,Okafor,,Oak,head@wilkinson.example.org,teacher,"]
    before = snapshot()
    result = import_file(runner, write_csv(tmp_path, *clash))
    assert result.exit_code == 1
    assert "line 7: email 'head@wilkinson.example.org' already belongs to" in result.stderr
    assert snapshot() == before


def test_an_import_that_would_leave_no_admin_is_refused(runner, tmp_path):
    office = make_staff("office@wilkinson.example.org", roles=("admin",))
    demoted = [*SMALL, f"staff,S9,Office,Manager,,,{office.email},staff,"]
    before = snapshot()
    result = import_file(runner, write_csv(tmp_path, *demoted))
    assert result.exit_code == 1 and "would keep the admin role" in result.stderr
    assert snapshot() == before
    kept = [*SMALL, f"staff,S9,Office,Manager,,,{office.email},admin;staff,"]
    assert import_file(runner, write_csv(tmp_path, *kept)).exit_code == 0


@pytest.mark.parametrize("copies", [1, 2])
def test_importing_costs_the_same_queries_for_175_or_350_pupils(app, database_url, copies):
    make_pupil(make_class("Robins", 0), mis_id="P00001")  # one pupil to update, not create
    text = example_school(copies)
    for attempt, expected in (("first", 14), ("second", 8)):
        started = time.perf_counter()
        with counting_queries() as statements:
            import_roster(read_roster(text), school_today())
            db.session.commit()
        elapsed = time.perf_counter() - started
        print(
            f"{database_url.split(':')[0]} {175 * copies} pupils, {attempt} import: {elapsed:.2f} s"
        )
        assert len(statements) == expected, "\n".join(statements)
    assert counts()["pupil"] == 175 * copies


# The upload page.


@pytest.fixture
def admin(client):
    sign_in(client, make_staff("office@wilkinson.example.org", roles=("admin",)).email)
    return client


def test_the_upload_page_previews_without_writing_and_apply_writes(admin):
    page = admin.get("/admin/roster/").get_data(as_text=True)
    assert "Preview the changes" in page and "checked" in page
    before = snapshot()
    preview = upload(admin, EXAMPLE.read_bytes())
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Check the changes before applying them" in html and "New pupil P00001" in html
    assert snapshot() == before
    analyzed = times_analyzed("pupil")
    applied = post_form(
        admin,
        "/admin/roster/apply",
        {"roster": hidden_value(html, "roster"), "full": hidden_value(html, "full")},
        page="/admin/roster/",
    )
    assert applied.status_code == 302 and applied.location == "/admin/roster/"
    assert "Pupils: 175 new" in admin.get("/admin/roster/").get_data(as_text=True)
    assert counts()["pupil"] == 175 and times_analyzed("pupil") > analyzed
    again = upload(admin, EXAMPLE.read_bytes()).get_data(as_text=True)
    assert "applying it would change nothing" in again and "Apply these changes" not in again


def test_a_bad_upload_lists_every_problem_and_writes_nothing(admin):
    before = snapshot()
    response = upload(admin, csv_text("pupil,P1,A,B,Year 9,Oak,,,", "staff,S1,C,D,,,x@,,").encode())
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'role="alert"' in html
    assert "Line 2: unknown year group" in html and "Line 3: malformed email" in html
    assert snapshot() == before


def test_a_tampered_preview_gets_the_problems_page_and_writes_nothing(admin):
    before = snapshot()
    response = post_form(
        admin,
        "/admin/roster/apply",
        {"roster": csv_text("pupil,P1,A,B,Year 9,Oak,,,"), "full": "1"},
        page="/admin/roster/",
    )
    assert response.status_code == 422
    assert "Line 2: unknown year group" in response.get_data(as_text=True)
    assert snapshot() == before


def test_applying_without_the_previewed_file_asks_for_it_again(admin):
    response = post_form(admin, "/admin/roster/apply", {"full": "1"}, page="/admin/roster/")
    assert response.status_code == 422
    assert "Upload it again" in response.get_data(as_text=True)


def test_only_csv_files_are_accepted(admin):
    response = upload(admin, b"not a roster", name="roster.xlsx")
    assert response.status_code == 422
    assert "must be a CSV file" in response.get_data(as_text=True)


def test_a_teacher_may_not_use_the_roster_pages(client):
    sign_in(client, make_staff().email)
    assert client.get("/admin/roster/").status_code == 403
    assert upload(client, EXAMPLE.read_bytes()).status_code == 403
    assert counts()["pupil"] == 0


def test_a_post_without_a_csrf_token_is_refused(admin):
    response = admin.post(
        "/admin/roster/preview", data={"file": (io.BytesIO(EXAMPLE.read_bytes()), "roster.csv")}
    )
    assert response.status_code == 400


def test_an_upload_over_2_mb_gets_a_friendly_error(admin):
    response = upload(admin, b"x" * (2 * 1024 * 1024 + 1))
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    assert "too big to send" in html and "at most 2 MB" in html


def test_applying_when_the_database_refuses_a_new_row_keeps_nothing(admin, monkeypatch):
    """Another admin adds the file's new teacher by hand while the import runs."""
    from portal.people import importer

    load_existing = importer.load_existing

    def another_admin_adds_the_teacher_meanwhile():
        found = load_existing()  # the import has read the staff list; now the other request
        with db.engine.begin() as other:
            other.execute(
                Staff.__table__.insert().values(
                    email="teacher1@wilkinson.example.org", name="Ruth Okafor", active=True
                )
            )
        return found

    monkeypatch.setattr(importer, "load_existing", another_admin_adds_the_teacher_meanwhile)
    before = snapshot()
    response = post_form(
        admin, "/admin/roster/apply", {"roster": csv_text(*SMALL), "full": "1"}, "/admin/roster/"
    )
    assert response.status_code == 422
    assert "someone else changed the same people" in response.get_data(as_text=True)
    after = snapshot()
    assert sorted(db.session.scalars(select(Staff.email))) == [
        "office@wilkinson.example.org",
        "teacher1@wilkinson.example.org",
    ]
    assert {name: rows for name, rows in after.items() if name != "staff"} == {
        name: rows for name, rows in before.items() if name != "staff"
    }
