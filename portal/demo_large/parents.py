"""The parents' campaign: every guardian invited, by email or a printed letter; most answered."""

from datetime import timedelta

from portal.demo_large.tables import moment
from portal.parents.letters import ALPHABET, CODE_LENGTH
from portal.parents.models import ParentCampaign, ParentInvite
from portal.people.models import Guardian
from portal.policies.models import Acknowledgement, AcknowledgementChange


class ParentRows:
    """For SchoolBuilder, whose rng, guardians, ``add`` and ``version`` these use."""

    def make_parents_campaign(self) -> None:
        """This year's campaign, started three weeks ago: most families answered."""
        version = self.version("parents")
        started = self.now - timedelta(days=21)
        campaign_id = self.add(
            ParentCampaign,
            academic_year=self.year.start_year,
            policy_version_id=version.id,
            started_by_id=self.head_id,
            started_at=started,
            closes_on=min(self.today + timedelta(days=28), self.year.ends_on),
            closed_at=None,
        )
        for guardian in self.rows[Guardian]:
            roll = self.rng.random()
            self.invite(campaign_id, guardian, started, roll)
            if roll > 0.72:
                continue
            self.parent_answers(version, guardian, started, roll)

    def invite(self, campaign_id: int, guardian: dict, started, roll: float) -> None:
        """Emailed, and reminded unless answered early; or a letter with its code."""
        emailed = guardian["email"] is not None
        reminders = 0 if roll < 0.5 else self.rng.choice((1, 1, 2)) if emailed else 0
        self.add(
            ParentInvite,
            campaign_id=campaign_id,
            guardian_id=guardian["id"],
            created_at=started,
            emailed_at=started if emailed else None,
            new_links_sent=0,
            reminders_sent=reminders,
            reminded_at=started + timedelta(days=7 * reminders) if reminders else None,
            letter_code=None if emailed else self.letter_code(),
        )

    def parent_answers(self, version, guardian: dict, started, roll: float) -> None:
        """Online if emailed, else recorded by the school from paper, in person or by phone."""
        emailed = guardian["email"] is not None
        response = "acknowledged" if roll < 0.68 else ("question" if roll < 0.7 else "declined")
        answer = {
            "response": response,
            "method": "online" if emailed else self.rng.choice(("paper", "in_person", "phone")),
            "recorded_by_id": None if emailed else self.head_id,
            "typed_name": None,
            "note": "Asked about gaming at home." if response == "question" else None,
        }
        answered = moment(self.rng, started, self.now)
        answer_id = self.add(
            Acknowledgement,
            policy_version_id=version.id,
            academic_year=self.year.start_year,
            guardian_id=guardian["id"],
            created_at=answered,
            **answer,
        )
        self.add(AcknowledgementChange, acknowledgement_id=answer_id, created_at=answered, **answer)

    def letter_code(self) -> str:
        """A code as a printed letter carries, none given twice."""
        while True:
            code = "".join(self.rng.choice(ALPHABET) for _ in range(CODE_LENGTH))
            if code not in self.letter_codes:
                self.letter_codes.add(code)
                return code
