"""The writing rules the quiz check enforces beyond the format: the right answer not
guessable by its length, texts short enough for the age, and each Key Stage's strands."""

import json

from portal import ROOT
from portal.quiz.check import check
from portal.quiz.content import display_name, load_catalogue
from portal.quiz.review import guessable_by_length, missing_strands, review, too_long, year_sets
from portal.quiz.types import STAGE_STRANDS, STRANDS, WORD_LIMITS

QUIZ_DIR = ROOT / "quizzes"
SHORT_RIGHT = "Tell an adult"
LONG_RIGHT = "Tell a grown-up who can help"
WRONG = "Keep it all to yourself"  # longer than SHORT_RIGHT, shorter than LONG_RIGHT


def a_question(
    number: int, strand: str, text: str = "What should you do?", right=SHORT_RIGHT, tags=""
):
    choice = '[[questions.choices]]\nid = "{}"\nemoji = "{}"\ntext = {}\nexplanation = "{}"\n'
    return (
        f'[[questions]]\nid = "q{number}"\nstrand = "{strand}"\nemoji = "🎮"\n{tags}'
        f"text = {json.dumps(text)}\n"
        + choice.format("right", "👍", json.dumps(right), "Good thinking!")
        + "correct = true\n"
        + choice.format("wrong", "👎", json.dumps(WRONG), "Not quite.")
    )


def a_quiz_file(
    folder, audience: str, count: int, longest=0, strands=None, years=None, **texts
) -> str:
    """A quiz for ``audience`` with ``count`` questions over ``strands`` (by default all that
    its Key Stage covers, in turn), the right answer the longest choice in the first
    ``longest``; ``years`` gives a question's year group by its number, ``texts`` its text by
    its id. Returns the file's name."""
    strands = strands or STAGE_STRANDS.get(audience) or tuple(STRANDS)
    quiz_id = audience.lower() if audience != "staff" else "staff-conduct"
    head = f'id = "{quiz_id}"\ntitle = "A quiz"\naudience = "{audience}"\nversion = 1\n'
    head += 'intro = "Hello."\n' + ("pass_mark = 80\n" if audience == "staff" else "")
    questions = [
        a_question(
            n,
            strands[(n - 1) % len(strands)],
            texts.get(f"q{n}", "What should you do?"),
            LONG_RIGHT if n <= longest else SHORT_RIGHT,
            staff_tags(n) if audience == "staff" else "",
        )
        for n in range(1, count + 1)
    ]
    for n, year in (years or {}).items():
        questions[n - 1] = questions[n - 1].replace("\n", f"\nyear = {year}\n", 1)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{quiz_id}.toml"
    path.write_text(head + "\n".join(questions), encoding="utf-8")
    return display_name(path)  # as the check names it


def staff_tags(number: int) -> str:
    """A staff bank's tags: the guidelines in turn, the first two safeguarding scenarios."""
    return f"guideline = {(number - 1) % 6 + 1}\n" + (
        "safeguarding = true\n" if number <= 2 else ""
    )


def checked(*paths) -> tuple[int, list[str]]:
    lines: list[str] = []
    code = check(list(paths), echo=lines.append)
    return code, lines


# The shipped quizzes ----------------------------------------------------------------------


def test_the_shipped_quizzes_pass_with_no_warning_not_even_the_staff_banks_shape():
    code, lines = checked(QUIZ_DIR)
    assert code == 0, "\n".join(lines)
    assert not any(line.startswith("Warnings") for line in lines), "\n".join(lines)


def test_the_shipped_pupils_quizzes_are_not_guessable_by_length_and_cover_their_strands():
    for quiz in load_catalogue(QUIZ_DIR).values():
        if quiz.audience == "staff":
            continue
        source = f"quizzes/{quiz.id}.toml"
        assert guessable_by_length(quiz, source) == []
        assert missing_strands(quiz, source) == []
        assert too_long(quiz, source) == []
        for year in quiz.year_groups:
            asked = {q.strand for q in quiz.questions_for(year)}
            assert asked >= set(STAGE_STRANDS[quiz.audience]), (quiz.id, year)


def test_each_year_groups_questions_pass_the_writing_rules_on_their_own():
    quizzes = load_catalogue(QUIZ_DIR)
    for quiz_id, years in {"ks1": [1, 2], "ks2": [3, 4, 5, 6]}.items():
        quiz = quizzes[quiz_id]
        assert [year for year, _ in year_sets(quiz)] == years  # reviewed year by year
        result = review(quiz, f"quizzes/{quiz_id}.toml")
        assert (result.problems, result.warnings) == ([], []), quiz_id


def test_key_stage_2_covers_all_eight_strands_and_reception_the_six_for_its_age():
    assert set(STAGE_STRANDS["KS2"]) == set(STAGE_STRANDS["KS1"]) == set(STRANDS)
    assert set(STRANDS) - set(STAGE_STRANDS["EYFS"]) == {
        "online reputation",
        "managing online information",
    }


# The right answer must not be the longest choice in more than a third of the questions ------


def test_a_right_answer_longest_in_more_than_a_third_fails_naming_the_file_and_questions(
    tmp_path,
):
    name = a_quiz_file(tmp_path, "KS2", 10, longest=4)
    code, lines = checked(name)
    assert code == 1
    assert lines == [
        "Found 1 problem in the quiz files:",
        f"  {name}: the right answer is the longest choice in 4 of 10 questions "
        "('q1', 'q2', 'q3', 'q4'), so it can be guessed by its length; at most 3 may be: "
        "make the wrong answers as long and as tempting, or the right one shorter",
        "Fix these and check again: the tests refuse quizzes with these problems.",
    ]


def test_the_longest_answer_rule_applies_to_each_years_questions_naming_the_year(tmp_path):
    # q1 and q2 are Year 3's only: its ten questions have four longest right answers, while
    # Years 4 to 6 ask eight, two of them longest.
    name = a_quiz_file(tmp_path, "KS2", 10, longest=4, years={1: 3, 2: 3})
    code, lines = checked(name)
    assert code == 1
    assert lines[1:-1] == [
        f"  {name}: in Year 3's questions, the right answer is the longest choice in 4 of 10 "
        "questions ('q1', 'q2', 'q3', 'q4'), so it can be guessed by its length; at most 3 "
        "may be: make the wrong answers as long and as tempting, or the right one shorter"
    ]


def test_a_third_of_the_questions_is_allowed_and_a_tie_is_not_the_longest(tmp_path):
    assert checked(a_quiz_file(tmp_path / "a", "KS1", 9, longest=3))[0] == 0
    name = a_quiz_file(tmp_path / "b", "EYFS", 6, longest=3)
    assert checked(name)[1][1].startswith(f"  {name}: the right answer is the longest choice in 3")
    tie = a_quiz_file(tmp_path / "c", "KS2", 10, longest=4)
    as_long = "Keep it all to yourself, now"
    assert len(as_long) == len(LONG_RIGHT)
    (tmp_path / "c" / "ks2.toml").write_text(
        (tmp_path / "c" / "ks2.toml").read_text().replace(WRONG, as_long)
    )
    assert checked(tie)[0] == 0


def test_the_staff_check_is_only_warned_about_the_longest_answer(tmp_path):
    name = a_quiz_file(tmp_path, "staff", 10, longest=5)
    code, lines = checked(name)
    assert code == 0
    assert lines[-2] == "Warnings (to fix when you next edit these files):"
    assert lines[-1].startswith(f"  {name}: the right answer is the longest choice in 5 of 10")


# Lengths for the age ------------------------------------------------------------------------


def test_a_question_too_long_for_its_age_fails_naming_the_file_and_question(tmp_path):
    fourteen = "Someone you don't know says hello in a game. What should you do now?"
    thirteen = "Someone you don't know says hello in a game. What should you do?"
    name = a_quiz_file(tmp_path, "EYFS", 6, q2=fourteen, q3=thirteen)
    code, lines = checked(name)
    assert code == 1 and WORD_LIMITS["EYFS"][0] == 13
    assert lines[1:-1] == [
        f"  {name}, question 'q2': the question is 14 words; an EYFS question has at most 13, "
        "so shorten it"
    ]


def test_a_choice_too_long_for_its_age_fails_naming_the_file_question_and_choice(tmp_path):
    name = a_quiz_file(tmp_path, "KS1", 8)
    path = tmp_path / "ks1.toml"
    path.write_text(
        path.read_text().replace(WRONG, "Keep it all to yourself and never tell anybody", 1)
    )
    code, lines = checked(name)
    assert code == 1
    assert lines[1:-1] == [
        f"  {name}, question 'q1', choice 'wrong': the choice is 9 words; a KS1 choice has "
        "at most 8, so shorten it"
    ]


def test_the_old_35_word_scenario_is_too_long_for_year_3(tmp_path):
    old = (
        "Hamza has been chatting in an online game with 'Max, aged 11', who is really "
        "friendly. Max asks Hamza to keep their chats secret and to send a photo of himself. "
        "What should Hamza do?"
    )
    shipped = (QUIZ_DIR / "ks2.toml").read_text(encoding="utf-8")
    start = shipped.index('text = "In an online game')
    end = shipped.index("\n", start)
    (tmp_path / "ks2.toml").write_text(
        shipped[:start] + f"text = {json.dumps(old)}" + shipped[end:], encoding="utf-8"
    )
    code, lines = checked(tmp_path / "ks2.toml")
    assert code == 1
    assert lines[1] == (
        f"  {display_name(tmp_path / 'ks2.toml')}, question 'not-who-they-say': "
        "the question is 35 words; a KS2 question has at most 25, so shorten it"
    )


# Strands each Key Stage covers --------------------------------------------------------------


def test_a_quiz_missing_its_key_stages_strands_fails_naming_them(tmp_path):
    few = ("privacy and security", "online bullying", "online relationships")
    name = a_quiz_file(tmp_path, "EYFS", 6, strands=few)
    code, lines = checked(name)
    assert code == 1
    assert lines[1:-1] == [
        f"  {name}: the EYFS quiz has no question on 'self-image and identity', "
        "'health, wellbeing and lifestyle', 'copyright and ownership'; add a question on "
        "each (quizzes/README.md lists the strands each Key Stage covers)"
    ]


def test_key_stage_2_needs_all_eight_and_the_staff_check_none(tmp_path):
    name = a_quiz_file(tmp_path / "a", "KS2", 10, strands=tuple(STRANDS)[:7])
    assert checked(name)[1][1] == (
        f"  {name}: the KS2 quiz has no question on 'copyright and ownership'; add a question "
        "on each (quizzes/README.md lists the strands each Key Stage covers)"
    )
    staff = a_quiz_file(tmp_path / "b", "staff", 10, strands=("online reputation",))
    assert checked(staff)[0] == 0


def test_each_year_group_must_cover_its_key_stages_strands_naming_the_year(tmp_path):
    # q8, the only one on copyright and ownership, is asked in Year 3 only.
    name = a_quiz_file(tmp_path, "KS2", 10, strands=tuple(STRANDS), years={8: 3})
    code, lines = checked(name)
    assert code == 1
    assert lines[1:-1] == [
        f"  {name}: the KS2 quiz has no question for Year {year} on 'copyright and "
        "ownership'; add a question on each (quizzes/README.md lists the strands each Key "
        "Stage covers)"
        for year in (4, 5, 6)
    ]


def test_the_check_tells_how_many_questions_each_year_group_is_asked(tmp_path):
    name = a_quiz_file(tmp_path, "KS2", 10, years={1: 3, 2: 4})
    code, lines = checked(name)
    assert code == 0 and lines[1].startswith(
        "  ks2: KS2, 10 questions (Year 3 9, Year 4 9, Year 5 8, Year 6 8), version 1"
    )
