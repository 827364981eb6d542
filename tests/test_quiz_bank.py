"""The staff check's bank: the ten scenarios drawn each school year, and a bank that cannot
make such a draw refused by the loader and the check, naming its file."""

import json

import pytest

from portal.quiz.bank import DRAW_SIZE, MIN_SAFEGUARDING, draw, year_check
from portal.quiz.check import check
from portal.quiz.content import QuizProblems, parse_quiz

YEARS = range(2024, 2040)


def staff_bank(tags: list[tuple[int | None, bool]], extra: dict | None = None) -> str:
    """A staff quiz file with one question per (guideline, safeguarding) pair, ids q1, q2…;
    ``extra`` adds fields to questions by number."""
    extra = extra or {}
    lines = [
        'id = "staff-conduct"',
        'title = "The staff check"',
        'audience = "staff"',
        "version = 1",
        "pass_mark = 80",
        'intro = "Hello."',
    ]
    for number, (guideline, safeguarding) in enumerate(tags, start=1):
        lines += ["[[questions]]", f'id = "q{number}"', 'strand = "online relationships"']
        lines.append(f"text = {json.dumps(f'Scenario {number}: what do you do?')}")
        lines += [f"guideline = {guideline}"] if guideline is not None else []
        lines += ["safeguarding = true"] if safeguarding else []
        lines += [f"{key} = {json.dumps(value)}" for key, value in extra.get(number, {}).items()]
        for choice, correct in (("right", True), ("wrong", False)):
            lines += ["[[questions.choices]]", f'id = "{choice}"', f'text = "{choice}"']
            lines += ['explanation = "The policy says so."']
            lines += ["correct = true"] if correct else []
    return "\n".join(lines) + "\n"


# Sixteen scenarios: guideline 6 has only one, and only two are safeguarding scenarios, so
# every year's draw must find room for those three whatever the shuffle.
SIXTEEN = [(1, False), (1, False), (1, True), (2, False), (2, False), (2, True)]
SIXTEEN += [(3, False), (3, False), (3, False), (4, False), (4, False), (4, False)]
SIXTEEN += [(5, False), (5, False), (5, False), (6, False)]


@pytest.fixture
def bank():
    return parse_quiz(staff_bank(SIXTEEN), "quizzes/staff-conduct.toml")


def ids(questions) -> set[str]:
    return {question.id for question in questions}


def test_each_years_draw_is_ten_covering_every_guideline_with_two_safeguarding(bank):
    for year in YEARS:
        drawn = draw(bank, year)
        assert len(drawn) == DRAW_SIZE == 10, year
        assert {q.guideline for q in drawn} == {1, 2, 3, 4, 5, 6}, year
        assert sum(q.safeguarding for q in drawn) >= MIN_SAFEGUARDING == 2, year
        assert "q16" in ids(drawn) and {"q3", "q6"} <= ids(drawn), year


def test_each_guideline_is_covered_by_a_scenario_about_it_not_only_a_safeguarding_one():
    # Guideline 1's only everyday scenario must come in, even when its safeguarding one does.
    tags = [(1, False), (1, True), (2, True), *[(n, False) for n in (2, 3, 3, 4, 4, 5, 5, 6)]]
    tags += [(n, False) for n in (3, 4, 5, 6)]
    bank = parse_quiz(staff_bank(tags), "quizzes/staff-conduct.toml")
    for year in YEARS:
        assert "q1" in ids(draw(bank, year)), year


def test_everyone_gets_the_same_ten_in_a_year_in_the_files_order(bank):
    again = parse_quiz(staff_bank(SIXTEEN), "quizzes/staff-conduct.toml")
    for year in YEARS:
        drawn = draw(bank, year)
        assert drawn == draw(again, year)
        assert [q.id for q in drawn] == [q.id for q in bank.questions if q in drawn]


def test_next_years_draw_differs_and_brings_in_every_scenario_left_out_this_year(bank):
    for year in YEARS:
        this_year, next_year = ids(draw(bank, year)), ids(draw(bank, year + 1))
        assert this_year != next_year, year
        assert ids(bank.questions) - this_year <= next_year, year


def test_rewording_a_scenario_does_not_change_the_years_draw(bank):
    reworded = parse_quiz(
        staff_bank(SIXTEEN, {4: {"read_aloud": "Reworded."}}), "quizzes/staff-conduct.toml"
    )
    assert reworded.revision != bank.revision
    assert all(ids(draw(bank, year)) == ids(draw(reworded, year)) for year in YEARS)


def test_the_years_check_is_the_bank_with_the_drawn_ten_and_the_files_revision(bank):
    check_2026 = year_check(bank, 2026)
    assert check_2026.questions == draw(bank, 2026)
    assert (check_2026.id, check_2026.revision, check_2026.pass_mark) == (
        bank.id,
        bank.revision,
        80,
    )
    assert year_check(check_2026, 2026) == check_2026  # drawing from the ten keeps the ten


def test_a_bank_of_exactly_ten_is_drawn_whole_every_year():
    tags = [(n, n <= 2) for n in range(1, 7)] + [(n, False) for n in range(1, 5)]
    bank = parse_quiz(staff_bank(tags), "quizzes/staff-conduct.toml")
    assert all(draw(bank, year) == bank.questions for year in YEARS)


# A bank that cannot make the draw is refused, naming the file ------------------------------


def problems(text: str) -> list[str]:
    with pytest.raises(QuizProblems) as caught:
        parse_quiz(text, "quizzes/staff-conduct.toml", expected_id="staff-conduct")
    return caught.value.problems


def test_a_bank_with_fewer_than_two_safeguarding_scenarios_is_refused():
    one = [(g, False) for g in (1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5)] + [(6, True)]
    assert problems(staff_bank(one)) == [
        "quizzes/staff-conduct.toml: each year's draw of 10 needs at least 2 safeguarding "
        "scenarios (safeguarding = true) and the bank has 1; add another"
    ]


def test_a_staff_question_needs_its_guideline_from_1_to_6():
    tags = [(1, True), (2, True), (None, False), (7, False)] + [(n, False) for n in range(1, 7)]
    found = problems(staff_bank(tags))
    assert any(
        p.startswith("quizzes/staff-conduct.toml, question 'q3': 'guideline' is missing")
        for p in found
    ), found
    assert any(
        p.startswith("quizzes/staff-conduct.toml, question 'q4': 'guideline' is 7;")
        and "1 to 6" in p
        for p in found
    ), found


def test_a_bank_of_nine_or_of_more_than_thirty_is_refused():
    nine = [(n, n <= 2) for n in range(1, 7)] + [(1, False), (2, False), (3, False)]
    assert any(
        "has 9 questions; a quiz for staff needs 10 to 30" in p for p in problems(staff_bank(nine))
    )
    many = [(n % 6 + 1, n < 2) for n in range(31)]
    assert any("has 31 questions" in p for p in problems(staff_bank(many)))


def test_pupils_questions_take_no_staff_tags():
    text = staff_bank([(1, True)]).replace('audience = "staff"', 'audience = "KS2"')
    text = text.replace("pass_mark = 80\n", "").replace('"staff-conduct"', '"ks2"')
    found = problems(text)
    assert any("'guideline' is only for the staff check" in p for p in found), found
    assert any("'safeguarding' is only for the staff check" in p for p in found), found


def test_the_check_fails_naming_the_file_when_the_bank_cannot_draw(tmp_path):
    one = [(g, False) for g in (1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5)] + [(6, True)]
    (tmp_path / "staff-conduct.toml").write_text(staff_bank(one), encoding="utf-8")
    lines: list[str] = []
    assert check([tmp_path / "staff-conduct.toml"], echo=lines.append) == 1
    assert any("staff-conduct.toml: each year's draw of 10 needs" in line for line in lines)


def test_the_check_says_the_staff_bank_asks_ten_a_year(tmp_path):
    (tmp_path / "staff-conduct.toml").write_text(staff_bank(SIXTEEN), encoding="utf-8")
    lines: list[str] = []
    assert check([tmp_path], echo=lines.append) == 0
    assert any("staff, 16 questions in the bank, 10 asked each year" in line for line in lines)
