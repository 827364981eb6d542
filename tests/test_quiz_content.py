"""Quiz files: the shipped content, validation that reports everything at once, and grading."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from portal import ROOT, create_app
from portal.quiz import catalogue
from portal.quiz.check import check
from portal.quiz.cli import check_quizzes_command
from portal.quiz.content import (
    STRANDS,
    Choice,
    Question,
    QuizProblems,
    load_catalogue,
    parse_quiz,
)
from portal.quiz.grading import InvalidAnswers, check_answer, grade, two_choices
from tests.helpers.web import settings_for_tests

QUIZ_DIR = ROOT / "quizzes"


# Building quiz files ----------------------------------------------------------------------


def toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)  # JSON strings, numbers and lists are TOML


def to_toml(data: dict) -> str:
    """Our quiz shape as TOML: top-level keys, [[questions]], [[questions.choices]]."""
    lines = [f"{k} = {toml_value(v)}" for k, v in data.items() if k != "questions"]
    for question in data.get("questions", []):
        lines.append("[[questions]]")
        lines += [f"{k} = {toml_value(v)}" for k, v in question.items() if k != "choices"]
        for choice in question.get("choices", []):
            lines.append("[[questions.choices]]")
            lines += [f"{k} = {toml_value(v)}" for k, v in choice.items()]
    return "\n".join(lines) + "\n"


def a_question(n: int, strand: str = "privacy and security") -> dict:
    return {
        "id": f"q{n}",
        "text": f"Question {n}?",
        "strand": strand,
        "emoji": "🎮",
        "choices": [
            {
                "id": "a",
                "text": "Tell a grown-up",
                "correct": True,
                "emoji": "👍",
                "explanation": "Good thinking! A grown-up can help.",
            },
            {
                "id": "b",
                "text": "Keep it secret",
                "emoji": "👎",
                "explanation": "Not quite. Tell a grown-up you trust.",
            },
        ],
    }


def a_quiz(quiz_id: str = "ks1", audience: str = "KS1", questions: int = 6, **fields) -> dict:
    quiz = {
        "id": quiz_id,
        "title": "A quiz",
        "audience": audience,
        "version": 1,
        "intro": "Hello.",
        **fields,
    }
    if audience == "staff":
        quiz.setdefault("pass_mark", 80)
    quiz["questions"] = [a_question(n) for n in range(1, questions + 1)]
    for n, question in enumerate(quiz["questions"] if audience == "staff" else []):
        question["guideline"] = n % 6 + 1  # the staff bank's tags: guidelines in turn,
        question["safeguarding"] = n < 2  # and the two safeguarding scenarios a draw needs
    return quiz


def problems_of(data: dict, name: str | None = None) -> list[str]:
    """The problems of this quiz as the file ``name`` (by default, named after its id)."""
    name = name or f"quizzes/{data['id']}.toml"
    with pytest.raises(QuizProblems) as caught:
        parse_quiz(to_toml(data), name, expected_id=Path(name).stem)
    return caught.value.problems


def problems_of_text(text: str) -> list[str]:
    with pytest.raises(QuizProblems) as caught:
        parse_quiz(text, "quizzes/ks1.toml")
    return caught.value.problems


def write(directory, name: str, data: dict | str) -> None:
    text = data if isinstance(data, str) else to_toml(data)
    (directory / name).write_text(text, encoding="utf-8")


# The shipped quizzes ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return load_catalogue(QUIZ_DIR)


def test_the_shipped_quizzes_load_one_per_audience_with_the_right_counts(shipped):
    assert {quiz.id: quiz.audience for quiz in shipped.values()} == {
        "eyfs": "EYFS",
        "ks1": "KS1",
        "ks2": "KS2",
        "staff-conduct": "staff",
    }
    for quiz_id, (low, high) in {"eyfs": (4, 6), "ks1": (6, 9), "ks2": (8, 10)}.items():
        quiz = shipped[quiz_id]
        assert all(low <= len(quiz.questions_for(y)) <= high for y in quiz.year_groups), quiz_id
    counts = {quiz.id: len(quiz.questions) for quiz in shipped.values()}
    assert 10 <= counts["staff-conduct"] <= 30 and shipped["staff-conduct"].pass_mark == 80
    assert all(quiz.pass_mark is None for quiz in shipped.values() if quiz.audience != "staff")
    assert all(quiz.intro and quiz.title for quiz in shipped.values())


def test_the_shipped_quizzes_spread_the_strands(shipped):
    strands = {quiz.id: {q.strand for q in quiz.questions} for quiz in shipped.values()}
    assert all(s <= STRANDS.keys() for s in strands.values())
    assert len(strands["ks2"]) >= 6 and len(strands["ks1"]) >= 5 and len(strands["eyfs"]) >= 4


def test_each_year_group_meets_its_own_questions_in_every_strand(shipped):
    years = {"ks1": {1, 2}, "ks2": {3, 4, 5, 6}}
    for quiz_id, expected in years.items():
        asked = {question.year for question in shipped[quiz_id].questions}
        assert asked == expected, quiz_id  # every question carries a year of its Key Stage
        for year in expected:
            questions = [q for q in shipped[quiz_id].questions if q.year == year]
            assert {question.strand for question in questions} == set(STRANDS), (quiz_id, year)


def test_year_1_and_year_3_keep_the_questions_pupils_already_answered(shipped):
    kept = {"ks1": (1, "password-toothbrush"), "ks2": (3, "unkind-messages-plan")}
    for quiz_id, (year, question_id) in kept.items():
        assert shipped[quiz_id].question(question_id).year == year


def test_a_question_may_name_the_year_group_that_is_asked_it():
    data = a_quiz("ks1", "KS1", 12)
    for question in data["questions"]:
        question["year"] = 1 if int(question["id"][1:]) <= 6 else 2
    quiz = parse_quiz(to_toml(data), "quizzes/ks1.toml", expected_id="ks1")
    assert [q.year for q in quiz.questions] == [1] * 6 + [2] * 6
    assert parse_quiz(to_toml(a_quiz()), "quizzes/ks1.toml").questions[0].year is None


def test_the_eyfs_quiz_is_a_picture_quiz_with_read_aloud_text(shipped):
    for question in shipped["eyfs"].questions:
        assert question.emoji and question.read_aloud and len(question.choices) == 2
        assert all(choice.emoji for choice in question.choices)


def test_every_choice_explains_itself_kindly_and_pupils_hear_no_brand_names(shipped):
    brands = (
        "youtube",
        "tiktok",
        "roblox",
        "minecraft",
        "fortnite",
        "whatsapp",
        "snapchat",
        "instagram",
        "facebook",
        "google",
    )
    for quiz in shipped.values():
        for question in quiz.questions:
            for choice in question.choices:
                assert choice.explanation.startswith("Not quite") != choice.correct
                words = f"{question.text} {choice.text} {choice.explanation}".lower()
                assert quiz.audience == "staff" or not any(b in words for b in brands)


def test_the_staff_check_tests_all_six_guidelines_and_cites_the_policy(shipped):
    quiz = shipped["staff-conduct"]
    right = " ".join(q.correct_choice.explanation for q in quiz.questions)
    for guideline in (
        "friends or followers",
        "pictures of school children",
        "negative comments",
        "privacy settings",
        "reputation",
        "identity fraud",
        "Governors",
        "allegations and misinterpretations",
    ):
        assert guideline in right, guideline
    for question in quiz.questions:
        assert all(
            "The policy" in c.explanation or "the policy" in c.explanation for c in question.choices
        ), question.id


# The six scenarios a Designated Safeguarding Lead insists on, and where each concern goes.
DSL_SCENARIOS = {
    "nude-image-group-chat": ("don't view, copy or delete", "view, copy, forward or delete"),
    "weekend-cyber-bullying": ("it is logged", "logged by the Head Teacher"),
    "pupil-messages-personal-app": ("no chat, no secret", "999"),
    "photos-on-personal-phone": ("a school device", "personal cloud"),
    "friend-becomes-parent": ("declared to the Head Teacher", "declared to the Head Teacher"),
    "harmful-content-school-device": ("filtering and monitoring", "filtering and monitoring"),
}
NAMES_THE_DSL = ("DSL", "Designated Safeguarding Lead")


def names_the_dsl(text: str) -> bool:
    return any(name in text for name in NAMES_THE_DSL)


def test_the_six_dsl_scenarios_are_in_the_bank_and_their_right_answer_goes_to_the_dsl(shipped):
    bank = shipped["staff-conduct"]
    assert {q.id for q in bank.questions if q.safeguarding} == set(DSL_SCENARIOS)
    for question_id, (_, taught) in DSL_SCENARIOS.items():
        right = bank.question(question_id).correct_choice
        assert names_the_dsl(right.explanation), question_id
        assert taught in " ".join(c.explanation for c in bank.question(question_id).choices)
    reporting = set(DSL_SCENARIOS) - {"photos-on-personal-phone", "friend-becomes-parent"}
    assert all(names_the_dsl(bank.question(q).correct_choice.text) for q in reporting)
    assert "Head Teacher" in bank.question("friend-becomes-parent").correct_choice.text
    weekend = bank.question("weekend-cyber-bullying")
    assert not weekend.choice("outside-school").correct  # the tempting wrong answer


def test_the_class_trip_photo_is_told_to_the_head_or_dsl_either_way(shipped):
    right = shipped["staff-conduct"].question("class-trip-photo").correct_choice.text
    assert "Head Teacher or DSL either way" in right and "if it stays up" not in right


def test_every_staff_explanation_that_reports_a_safeguarding_concern_names_the_dsl(shipped):
    for question in shipped["staff-conduct"].questions:
        for choice in question.choices:
            text = choice.explanation
            safeguarding = "safeguarding" in text.lower() or "e-Safety lead" in text
            reports = any(verb in text for verb in ("tell ", "Tell ", "report", "know"))
            if safeguarding and reports:
                assert names_the_dsl(text), f"{question.id}/{choice.id}"


def test_every_staff_question_is_tagged_with_its_guideline(shipped):
    bank = shipped["staff-conduct"]
    assert all(q.guideline in range(1, 7) for q in bank.questions)
    assert {q.guideline for q in bank.questions if not q.safeguarding} == set(range(1, 7))


def test_correct_answers_are_not_always_in_the_same_place(shipped):
    for quiz in shipped.values():
        places = {[c.id for c in q.choices].index(q.correct_choice_id) for q in quiz.questions}
        assert len(places) >= 2, quiz.id


# Validation: every kind of problem, naming file and question -----------------------------


def no_correct(quiz):
    quiz["questions"][1]["choices"][0]["correct"] = False


def two_correct(quiz):
    quiz["questions"][1]["choices"][1]["correct"] = True


def no_explanation(quiz):
    del quiz["questions"][1]["choices"][1]["explanation"]


def unknown_strand(quiz):
    quiz["questions"][1]["strand"] = "kindness"


def duplicate_question(quiz):
    quiz["questions"][2]["id"] = "q2"


def duplicate_choice(quiz):
    quiz["questions"][1]["choices"][1]["id"] = "a"


def five_choices(quiz):
    choices = quiz["questions"][1]["choices"]
    choices += [dict(choices[1], id=f"extra{n}") for n in range(3)]


def one_choice(quiz):
    del quiz["questions"][1]["choices"][1]


def typo(quiz):
    choice = quiz["questions"][1]["choices"][1]
    choice["explaination"] = choice.pop("explanation")


def missing_id(quiz):
    del quiz["questions"][1]["id"]


def wrong_type(quiz):
    quiz["questions"][1]["choices"][0]["correct"] = "yes"


def bad_id(quiz):
    quiz["questions"][1]["id"] = "Pop Up!"


def no_emoji_in_eyfs(quiz):
    quiz.update(id="eyfs", audience="EYFS")
    del quiz["questions"][1]["choices"][1]["emoji"]


def emoji_without_a_picture(quiz):
    quiz["questions"][1]["choices"][1]["emoji"] = "\N{BIRD}\N{ZERO WIDTH JOINER}\N{FIRE}"


def empty_text(quiz):
    quiz["questions"][1]["text"] = "  "


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (no_correct, "quizzes/ks1.toml, question 'q2': no choice is marked correct"),
        (two_correct, "quizzes/ks1.toml, question 'q2': 2 choices are marked correct ('a', 'b')"),
        (no_explanation, "quizzes/ks1.toml, question 'q2', choice 'b': 'explanation' is missing"),
        (unknown_strand, "quizzes/ks1.toml, question 'q2': unknown strand 'kindness'"),
        (duplicate_question, "quizzes/ks1.toml, question 3: the question id 'q2' is already used"),
        (duplicate_choice, "quizzes/ks1.toml, question 'q2': the choice id 'a' is already used"),
        (five_choices, "quizzes/ks1.toml, question 'q2': has 5 choices; a question needs 2 to 4"),
        (one_choice, "quizzes/ks1.toml, question 'q2': has 1 choice; a question needs 2 to 4"),
        (typo, "question 'q2', choice 'b': unknown key 'explaination' (did you mean 'explanation'"),
        (missing_id, "quizzes/ks1.toml, question 2: 'id' is missing"),
        (wrong_type, "question 'q2', choice 'a': 'correct' should be true or false"),
        (bad_id, "question 'Pop Up!': the question id 'Pop Up!' should be lower-case letters"),
        (no_emoji_in_eyfs, "question 'q2', choice 'b': an EYFS choice needs an 'emoji'"),
        (empty_text, "quizzes/ks1.toml, question 'q2': 'text' is empty"),
        (emoji_without_a_picture, "question 'q2', choice 'b': the emoji '🐦‍🔥' has no picture"),
    ],
)
def test_each_kind_of_question_problem_is_reported_naming_file_and_question(break_it, expected):
    quiz = a_quiz()
    break_it(quiz)
    problems = problems_of(quiz)
    assert any(p.startswith(expected) or expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"audience": "KS3"}, "quizzes/ks1.toml: unknown audience 'KS3'"),
        ({"pass_mark": 80}, "'pass_mark' is only for staff quizzes"),
        ({"version": "one"}, "'version' should be a whole number"),
        ({"version": 0}, "'version' should be 1 or more"),
        ({"colour": "blue"}, "quizzes/ks1.toml: unknown key 'colour'"),
        ({"id": "ks-one"}, "the quiz id 'ks-one' should match the file name"),
    ],
)
def test_each_kind_of_quiz_problem_is_reported_naming_the_file(fields, expected):
    problems = problems_of(a_quiz(**fields), "quizzes/ks1.toml")
    assert any(p.startswith("quizzes/ks1.toml: ") and expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("audience", "count", "expected"),
    [
        ("EYFS", 3, "has 3 questions; a quiz for EYFS needs 4 to 6"),
        ("KS1", 10, "has 10 questions; a quiz for KS1 needs 6 to 9"),
        ("KS2", 7, "has 7 questions; a quiz for KS2 needs 8 to 10"),
        ("staff", 9, "has 9 questions; a quiz for staff needs 10 to 30"),
    ],
)
def test_question_counts_per_audience(audience, count, expected):
    assert any(expected in p for p in problems_of(a_quiz("q", audience, count)))


# Questions for one year group of the Key Stage --------------------------------------------


def a_ks2_quiz(**years: int) -> dict:
    """A KS2 quiz of eight questions for every year, then one more for each ``q<n>=<year>``."""
    quiz = a_quiz("ks2", "KS2", 8)
    for name, year in years.items():
        quiz["questions"].append({**a_question(int(name[1:])), "year": year})
    return quiz


def test_a_question_with_a_year_is_asked_only_in_that_year_and_the_rest_in_every_year():
    quiz = parse_quiz(to_toml(a_ks2_quiz(q9=3, q10=5, q11=5)), "quizzes/ks2.toml", "ks2")
    every_year = [f"q{n}" for n in range(1, 9)]
    assert quiz.year_groups == (3, 4, 5, 6)
    assert [q.id for q in quiz.questions_for(3)] == [*every_year, "q9"]
    assert [q.id for q in quiz.questions_for(4)] == every_year
    assert [q.id for q in quiz.questions_for(5)] == [*every_year, "q10", "q11"]
    year5 = quiz.for_year(5)
    assert year5.questions == quiz.questions_for(5) and year5.revision == quiz.revision
    assert quiz.question("q9").year == 3 and quiz.question("q1").year is None


@pytest.mark.parametrize(
    ("audience", "year", "expected"),
    [
        ("KS2", 2, "'year' is 2; the KS2 quiz is for Years 3 to 6: use 3, 4, 5 or 6"),
        ("KS1", 3, "'year' is 3; the KS1 quiz is for Years 1 and 2: use 1 or 2"),
        ("EYFS", 1, "'year' is 1; the EYFS quiz is for Reception: use 0"),
        (
            "staff",
            3,
            "'year' is only for pupils' quizzes: every member of staff takes the same check",
        ),
        ("KS2", "three", "'year' should be a whole number"),
    ],
)
def test_a_year_outside_the_quizs_key_stage_is_reported_naming_file_and_question(
    audience, year, expected
):
    quiz_id = {"staff": "staff-conduct"}.get(audience, audience.lower())
    count = {"EYFS": 4, "KS1": 6, "KS2": 8, "staff": 10}[audience]
    quiz = a_quiz(quiz_id, audience, count)
    quiz["questions"][1]["year"] = year
    problems = problems_of(quiz)
    assert f"quizzes/{quiz_id}.toml, question 'q2': {expected}" in problems, problems


def test_the_question_count_applies_to_each_years_questions_naming_the_year():
    problems = problems_of(a_ks2_quiz(q9=3, q10=3, q11=3))
    assert problems == [
        "quizzes/ks2.toml: has 11 questions for Year 3; a quiz for KS2 needs 8 to 10 "
        "for each year group"
    ]
    quiz = a_quiz("ks2", "KS2", 7)
    quiz["questions"].append({**a_question(8), "year": 4})
    problems = problems_of(quiz)
    assert [p for p in problems if "Year" in p] == [
        f"quizzes/ks2.toml: has 7 questions for Year {year}; a quiz for KS2 needs 8 to 10 "
        "for each year group"
        for year in (3, 5, 6)
    ]


def test_the_staff_pass_mark_is_required_and_a_percentage():
    missing = a_quiz("staff-conduct", "staff", 10)
    del missing["pass_mark"]
    assert any("needs a 'pass_mark'" in p for p in problems_of(missing))
    too_high = a_quiz("staff-conduct", "staff", 10, pass_mark=101)
    assert any("'pass_mark' is 101" in p for p in problems_of(too_high))


def test_a_toml_syntax_error_names_the_file_and_line():
    problems = problems_of_text('id = "ks1"\ntitle = "A quiz\n')
    assert len(problems) == 1 and problems[0].startswith("quizzes/ks1.toml: is not valid TOML")
    assert "line 2" in problems[0]


def test_every_problem_in_a_file_is_reported_at_once():
    quiz = a_quiz()
    no_correct(quiz)
    unknown_strand(quiz)
    del quiz["questions"][4]["choices"][0]["explanation"]
    quiz["audience"] = "KS9"
    problems = problems_of(quiz)
    assert len(problems) == 4, problems


def test_problems_across_several_files_are_all_reported_at_once(tmp_path):
    broken_ks1 = a_quiz()
    no_correct(broken_ks1)
    broken_ks2 = a_quiz("ks2", "KS2", 7)
    typo(broken_ks2)
    write(tmp_path, "ks1.toml", broken_ks1)
    write(tmp_path, "ks2.toml", broken_ks2)
    write(tmp_path, "eyfs.toml", 'id = "eyfs"\naudience = \n')
    with pytest.raises(QuizProblems) as caught:
        load_catalogue(tmp_path)
    text = "\n".join(caught.value.problems)
    assert len(caught.value.problems) == 4, text
    assert "eyfs.toml: is not valid TOML" in text
    assert "ks1.toml, question 'q2': no choice is marked correct" in text
    assert "ks2.toml: has 7 questions" in text
    assert "ks2.toml, question 'q2', choice 'b': unknown key 'explaination'" in text


def test_the_quiz_id_must_match_the_file_name_and_one_quiz_per_audience(tmp_path):
    write(tmp_path, "ks1.toml", a_quiz())
    write(tmp_path, "ks1-spare.toml", a_quiz("ks1-spare"))
    write(tmp_path, "ks2.toml", a_quiz("key-stage-2", "KS2", 8))
    with pytest.raises(QuizProblems) as caught:
        load_catalogue(tmp_path)
    text = "\n".join(caught.value.problems)
    assert "ks1.toml: 'ks1-spare' is already the quiz for KS1" in text
    assert "ks2.toml: the quiz id 'key-stage-2' should match the file name" in text


def test_an_empty_or_missing_folder_is_a_problem(tmp_path):
    with pytest.raises(QuizProblems, match="no quiz files"):
        load_catalogue(tmp_path)
    with pytest.raises(QuizProblems, match="no such folder"):
        load_catalogue(tmp_path / "nowhere")


def test_a_question_must_have_exactly_one_correct_choice():
    right = Choice("a", "Tell", True, "Good thinking!")
    wrong = Choice("b", "Hide", False, "Not quite.")
    assert Question("q", "?", "online bullying", (wrong, right)).correct_choice_id == "a"
    for choices in [(wrong, wrong), (right, right)]:
        with pytest.raises(ValueError, match="exactly one correct choice"):
            Question("q", "?", "online bullying", choices)


def test_strands_are_canonical_whatever_the_case_or_comma():
    quiz = a_quiz()
    quiz["questions"][0]["strand"] = "Health Wellbeing and Lifestyle"
    parsed = parse_quiz(to_toml(quiz), "ks1.toml")
    assert parsed.questions[0].strand == "health, wellbeing and lifestyle"
    assert parsed.questions[0].strand_label == "Health, wellbeing and lifestyle"


# Revisions --------------------------------------------------------------------------------


def test_the_revision_changes_when_the_file_changes_and_not_otherwise():
    text = to_toml(a_quiz())
    first = parse_quiz(text, "ks1.toml")
    assert first.revision == parse_quiz(text.encode(), "copy/ks1.toml").revision
    assert len(first.revision) == 12 and int(first.revision, 16) >= 0
    assert parse_quiz(text.replace("Hello.", "Hello!"), "ks1.toml").revision != first.revision
    assert parse_quiz(text + "# a note\n", "ks1.toml").revision != first.revision


# Grading ----------------------------------------------------------------------------------


@pytest.fixture
def staff_quiz():
    return parse_quiz(to_toml(a_quiz("staff-conduct", "staff", 10)), "staff-conduct.toml")


def answers(quiz, right: int) -> dict[str, str]:
    return {q.id: ("a" if n < right else "b") for n, q in enumerate(quiz.questions)}


def test_grade_scores_in_quiz_order_and_passes_at_exactly_the_pass_mark(staff_quiz):
    result = grade(staff_quiz, answers(staff_quiz, 8))
    assert (result.score, result.total, result.passed, result.percent) == (8, 10, True, 80)
    assert [r.question.id for r in result.questions] == [f"q{n}" for n in range(1, 11)]
    assert [r.correct for r in result.questions] == [True] * 8 + [False] * 2
    assert result.questions[9].chosen.id == "b"
    assert grade(staff_quiz, answers(staff_quiz, 7)).passed is False
    assert grade(staff_quiz, answers(staff_quiz, 10)).passed is True


def test_a_pupil_quiz_has_no_pass_or_fail():
    quiz = parse_quiz(to_toml(a_quiz()), "ks1.toml")
    result = grade(quiz, answers(quiz, 3))
    assert (result.score, result.total, result.passed) == (3, 6, None)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a.update(nope="a"), "'nope' is not a question"),
        (lambda a: a.update(q3="z"), "'z' is not a choice of the question 'q3'"),
        (lambda a: a.pop("q4"), "no answer to 'q4'"),
    ],
)
def test_grade_refuses_answers_that_do_not_fit_the_quiz(staff_quiz, change, message):
    given = answers(staff_quiz, 10)
    change(given)
    with pytest.raises(InvalidAnswers, match=message):
        grade(staff_quiz, given)


def test_check_answer_marks_one_question_at_a_time(staff_quiz):
    choice, correct = check_answer(staff_quiz, "q2", "a")
    assert correct and choice.explanation.startswith("Good thinking")
    assert check_answer(staff_quiz, "q2", "b")[1] is False
    with pytest.raises(InvalidAnswers):
        check_answer(staff_quiz, "q99", "a")
    with pytest.raises(InvalidAnswers):
        check_answer(staff_quiz, "q2", "c")


def test_two_choices_keeps_the_correct_one_in_order_and_is_deterministic(shipped):
    question = shipped["ks2"].question("unkind-messages-plan")
    assert len(question.choices) == 4
    others = set()
    for seed in range(40):
        pair = two_choices(question, seed)
        assert pair == two_choices(question, seed)
        assert question.correct_choice in pair and len(set(pair)) == 2
        assert list(pair) == [c for c in question.choices if c in pair]
        others |= {c.id for c in pair if not c.correct}
    assert len(others) == 3  # every wrong choice gets its turn across seeds


def test_two_choices_of_a_yes_no_question_is_the_question(shipped):
    question = shipped["eyfs"].questions[0]
    assert two_choices(question, 7) == question.choices


# Checking from the command line and at start-up ------------------------------------------


def broken_folder(tmp_path):
    tmp_path.mkdir(parents=True, exist_ok=True)
    quiz = a_quiz()
    no_correct(quiz)
    unknown_strand(quiz)
    write(tmp_path, "ks1.toml", quiz)
    return tmp_path


def test_check_prints_every_problem_and_returns_1(tmp_path):
    lines = []
    assert check([broken_folder(tmp_path)], echo=lines.append) == 1
    assert lines[0] == "Found 2 problems in the quiz files:"
    assert any("question 'q2': no choice is marked correct" in line for line in lines)
    assert check([QUIZ_DIR / "ks1.toml"], echo=lines.append) == 0
    assert "All 1 quiz file is valid (ks1)." in lines


def test_python_m_portal_quiz_check_needs_no_app(tmp_path):
    command = [sys.executable, "-m", "portal.quiz.check"]
    good = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert good.returncode == 0, good.stdout + good.stderr
    assert good.stdout.startswith("All 4 quiz files are valid (eyfs, ks1, ks2, staff-conduct)")
    bad = subprocess.run(
        [*command, str(broken_folder(tmp_path))],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1 and "no choice is marked correct" in bad.stdout
    assert "unknown strand 'kindness'" in bad.stdout


def test_flask_portal_check_quizzes_checks_the_portals_own_quizzes(runner):
    result = runner.invoke(args=["portal", "check-quizzes"])
    assert result.exit_code == 0, result.output
    assert "All 4 quiz files are valid" in result.output


def test_check_quizzes_exits_1_listing_the_problems_of_a_broken_folder(app, tmp_path):
    result = app.test_cli_runner().invoke(check_quizzes_command, [str(broken_folder(tmp_path))])
    assert result.exit_code == 1
    assert "no choice is marked correct" in result.output
    assert "unknown strand 'kindness'" in result.output


def test_the_catalogue_loads_into_the_app_and_finds_quizzes_by_id_and_audience():
    app = Flask(__name__)
    catalogue.init_app(app)
    with app.app_context():
        assert set(catalogue.quizzes()) == {"eyfs", "ks1", "ks2", "staff-conduct"}
        assert catalogue.get_quiz("ks2").audience == "KS2"
        assert catalogue.get_quiz("retired-quiz") is None
        assert catalogue.quiz_for("staff").id == "staff-conduct"


def test_the_catalogue_refuses_a_broken_folder(tmp_path):
    app = Flask(__name__)
    app.config["QUIZ_DIR"] = str(broken_folder(tmp_path))
    with pytest.raises(RuntimeError) as caught:
        catalogue.init_app(app)
    message = str(caught.value)
    assert message.startswith("Refusing to start: the quiz files have problems:\n")
    assert "no choice is marked correct" in message and "unknown strand" in message


def test_the_portal_refuses_to_start_with_a_broken_quiz_file(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    url = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    with pytest.raises(RuntimeError, match="Refusing to start: the quiz files have problems"):
        create_app(settings_for_tests(url, QUIZ_DIR=str(broken_folder(tmp_path / "q"))))
