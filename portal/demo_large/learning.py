"""What pupils, staff and governors did this year: acknowledgements, quizzes, the staff module."""

from collections import Counter
from datetime import timedelta

from portal.demo_large.tables import moment
from portal.people.roles import GOVERNOR
from portal.people.school_year import YEAR_GROUPS, key_stage
from portal.policies.models import Acknowledgement
from portal.quiz.bank import year_check
from portal.quiz.catalogue import quiz_for
from portal.quiz.models import FirstGoTally, QuizAnswer, QuizAttempt
from portal.staff_module.models import Certificate, ModuleProgress
from portal.staff_module.status import (
    CHECK_QUIZ_ID,
    GUIDELINES_SLUG,
    POLICY_SLUG,
    guideline_cards,
)


class LearningRows:
    """For SchoolBuilder, whose rng, people, ``add`` and ``version`` these use."""

    def make_pupil_acknowledgements(self) -> None:
        """Most pupils acknowledged their Key Stage's AUP: Reception and KS1 together in class
        (the teacher records it; a few were away), KS2 each on their own screen."""
        versions = {
            "EYFS": self.version("aup-eyfs-ks1"),
            "KS1": self.version("aup-eyfs-ks1"),
            "KS2": self.version("aup-ks2"),
        }
        in_class = {
            class_id: moment(self.rng, self.term_start, self.now) for class_id, _ in self.classes
        }
        for pupil_id, class_id, year_group in self.pupils:
            if self.rng.random() < 0.08:
                continue
            stage = key_stage(year_group)
            together = stage != "KS2"
            self.add(
                Acknowledgement,
                policy_version_id=versions[stage].id,
                academic_year=self.year.start_year,
                pupil_id=pupil_id,
                response="acknowledged",
                method="in_class" if together else "online",
                recorded_by_id=self.teacher_of[class_id] if together else None,
                key_stage=stage,
                created_at=in_class[class_id]
                if together
                else moment(self.rng, self.term_start, self.now),
            )

    def make_pupil_quizzes(self) -> None:
        """~40 answers a pupil: several tries at their Key Stage's quiz, a few questions often
        missed, better with each try; some pupils have not started, some stopped midway."""
        quizzes = {stage: quiz_for(stage) for stage in ("EYFS", "KS1", "KS2")}
        hard = {
            stage: set(self.rng.sample([q.id for q in quiz.questions], 2))
            for stage, quiz in quizzes.items()
        }
        by_year = {year: quizzes[key_stage(year)].for_year(year) for year in YEAR_GROUPS}
        first_goes = Counter()
        for pupil_id, class_id, year_group in self.pupils:
            if self.rng.random() < 0.05:
                continue
            quiz = by_year[year_group]  # the questions of the pupil's year group
            self.pupil_tries(pupil_id, class_id, quiz, hard[quiz.audience], first_goes)
        columns = ("class_id", "quiz_id", "quiz_revision", "question_id", "choice_id")
        self.rows[FirstGoTally] = [
            dict(zip(columns, key, strict=True), academic_year=self.year.start_year, pupils=pupils)
            for key, pupils in first_goes.items()
        ]

    def pupil_tries(self, pupil_id, class_id, quiz, hard: set, first_goes: Counter) -> None:
        """A pupil's tries at their quiz, a day or more apart; the last may be unfinished.
        Their first go's answers are counted in ``first_goes``, as the portal counts them."""
        tries = max(1, round(self.rng.gauss(40 / len(quiz.questions), 1)))
        ability = self.rng.uniform(-0.15, 0.1)
        when = moment(self.rng, self.term_start, self.now - timedelta(days=tries))
        for attempt in range(tries):
            unfinished = attempt == tries - 1 and self.rng.random() < 0.1
            questions = quiz.questions
            if unfinished:
                questions = questions[: self.rng.randrange(1, len(questions))]
            attempt_id = self.ids.take(QuizAttempt)
            score = 0
            for question in questions:
                chosen = self.pupil_choice(question, hard, ability, attempt)
                score += chosen.correct
                when += timedelta(seconds=self.rng.randrange(8, 40))
                self.add_answer(attempt_id, question, chosen, when)
                if attempt == 0:
                    first_goes[(class_id, quiz.id, quiz.revision, question.id, chosen.id)] += 1
            self.add_attempt(
                attempt_id,
                quiz_id=quiz.id,
                quiz_revision=quiz.revision,
                academic_year=self.year.start_year,
                staff_id=None,
                pupil_id=pupil_id,
                first_go=attempt == 0,
                class_id=class_id,
                started_at=when - timedelta(minutes=5),
                finished_at=None if unfinished else when,
                score=None if unfinished else score,
                total=len(quiz.questions),
                passed=None,
            )
            when += timedelta(days=1, minutes=self.rng.randrange(0, 300))

    def pupil_choice(self, question, hard: set, ability: float, attempt: int):
        """Right more often with each try; the hard questions are missed more."""
        base = 0.45 if question.id in hard else 0.85
        right = self.rng.random() < base + ability + 0.04 * attempt
        wrong = [c for c in question.choices if not c.correct]
        # The first wrong choice is the common misconception.
        chosen = question.choices[[c.correct for c in question.choices].index(True)]
        if not right:
            chosen = wrong[0] if self.rng.random() < 0.7 else self.rng.choice(wrong)
        return chosen

    def add_answer(self, attempt_id: int, question, chosen, answered_at) -> None:
        self.add(
            QuizAnswer,
            attempt_id=attempt_id,
            question_id=question.id,
            choice_id=chosen.id,
            correct=chosen.correct,
            answered_at=answered_at,
        )

    def add_attempt(self, attempt_id: int, **row) -> None:
        """An attempt whose id was taken before its answers were made."""
        self.rows.setdefault(QuizAttempt, []).append({"id": attempt_id, **row})

    def make_staff_module(self) -> None:
        """Most staff finished this year's module; some read but did not take the check; the
        rest have not started (overdue once the due date has passed)."""
        version, the_policy = self.version(GUIDELINES_SLUG), self.version(POLICY_SLUG)
        cards = len(guideline_cards(version)[1])
        check = year_check(quiz_for("staff"), self.year.start_year)  # the year's ten
        asked = [person for person in self.staff if set(person[2]) != {GOVERNOR}]
        # Evenly spread rolls, shuffled: the shares hold even for a small staff.
        rolls = [(n + 0.5) / len(asked) for n in range(len(asked))]
        self.rng.shuffle(rolls)
        for (staff_id, name, _, joined), roll in zip(asked, rolls, strict=True):
            if roll < 0.12:
                continue
            read_at = moment(self.rng, max(joined, self.term_start), self.now - timedelta(hours=2))
            self.add(
                ModuleProgress,
                staff_id=staff_id,
                academic_year=self.year.start_year,
                policy_version_id=version.id,
                cards_read=cards,
                read_at=read_at,
            )
            if roll < 0.2:
                continue
            self.staff_pass_module(staff_id, name, check, read_at, (version, the_policy))

    def staff_pass_module(self, staff_id: int, name: str, check, read_at, versions) -> None:
        """The check taken (a few missed), both texts acknowledged, the certificate given."""
        attempt_id = self.ids.take(QuizAttempt)
        score = self.staff_check_answers(attempt_id, check, read_at)
        self.add_attempt(
            attempt_id,
            quiz_id=CHECK_QUIZ_ID,
            quiz_revision=check.revision,
            academic_year=self.year.start_year,
            staff_id=staff_id,
            pupil_id=None,
            first_go=False,
            class_id=None,
            started_at=read_at + timedelta(minutes=5),
            finished_at=read_at + timedelta(minutes=10),
            score=score,
            total=len(check.questions),
            passed=True,
        )
        for acknowledged in versions:  # the module covers both
            self.add_staff_acknowledgement(
                staff_id, name, acknowledged, read_at + timedelta(minutes=12)
            )
        self.add_certificate(staff_id, versions[0], attempt_id, score, check, read_at)

    def staff_check_answers(self, attempt_id: int, check, read_at) -> int:
        """The year's check answered, none to a few missed; the score."""
        misses = set(self.rng.sample(range(len(check.questions)), self.rng.choice((0, 0, 1, 2))))
        for number, question in enumerate(check.questions):
            chosen = next(c for c in question.choices if c.correct == (number not in misses))
            self.add_answer(attempt_id, question, chosen, read_at + timedelta(minutes=10))
        return len(check.questions) - len(misses)

    def add_certificate(
        self, staff_id: int, version, attempt_id: int, score, check, read_at
    ) -> None:
        code = f"{self.rng.randrange(16**4):04X}-{self.rng.randrange(16**4):04X}"
        self.add(
            Certificate,
            code=f"{code[:4]}-{staff_id:04d}"[:20],
            staff_id=staff_id,
            academic_year=self.year.start_year,
            policy_version_id=version.id,
            quiz_attempt_id=attempt_id,
            score=score,
            total=len(check.questions),
            issued_on=(read_at + timedelta(minutes=12)).date(),
        )

    def make_governors_acknowledgements(self) -> None:
        """Most governors acknowledged the Social Media Policy this year; a few have not yet."""
        version = self.version(POLICY_SLUG)
        governors = [person for person in self.staff if set(person[2]) == {GOVERNOR}]
        for number, (staff_id, name, _, joined) in enumerate(governors):
            if number % 3 == 2:
                continue
            # Halfway from joining (or the term's start) to now; drawing no random number
            # leaves the rest of the school as it was before governors acknowledged.
            since = max(joined, self.term_start)
            self.add_staff_acknowledgement(staff_id, name, version, since + (self.now - since) / 2)

    def add_staff_acknowledgement(self, staff_id: int, name: str, version, at) -> None:
        """An acknowledgement given online by a member of staff or a governor, signed by name."""
        self.add(
            Acknowledgement,
            policy_version_id=version.id,
            academic_year=self.year.start_year,
            staff_id=staff_id,
            response="acknowledged",
            method="online",
            typed_name=name,
            created_at=at,
        )
