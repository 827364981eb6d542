"""Reports over the past year with each one's chronology, and the register of online tools."""

from datetime import timedelta
from itertools import pairwise

from portal.demo_large.content import NOTES, OUTCOMES, REGISTER_DEMO, WHAT_HAPPENED
from portal.demo_large.tables import moment
from portal.incidents.models import (
    CATEGORIES,
    PATHWAYS,
    PLACES,
    Incident,
    IncidentAction,
    IncidentAudit,
    IncidentCounter,
    IncidentPupil,
)
from portal.incidents.telling import FEELINGS_FOR_STAFF, WHO_FOR_STAFF
from portal.policies.service import add_months
from portal.register.models import RiskAssessment, RiskAssessmentEvent, risk_assessment_class


class IncidentRows:
    """For SchoolBuilder, whose rng, people, classes and ``add`` these use."""

    def make_incidents(self) -> None:
        """Reports over the past year, with the pupils involved and each one's chronology."""
        counters: dict[int, int] = {}
        leads = (self.esafety_id, self.dsl_id, self.head_id)
        staff_ids = [person[0] for person in self.staff]
        pupil_ids = [pupil[0] for pupil in self.pupils]
        reports = []
        for _ in range(round(self.pupil_count / 2.5)):
            reports.append(moment(self.rng, self.now - timedelta(days=365), self.now))
        for created in sorted(reports):  # reference numbers follow the order of filing
            counters[created.year] = counters.get(created.year, 0) + 1
            reference = f"OS-{created.year}-{counters[created.year]:04d}"
            self.add_incident(reference, created, leads, staff_ids, pupil_ids)
        # The last number given each year, so the next report filed follows on.
        self.rows[IncidentCounter] = [{"year": y, "last": n} for y, n in counters.items()]

    def add_incident(self, reference: str, created, leads, staff_ids, pupil_ids) -> None:
        """One report, where it stands now, the pupils involved and its chronology."""
        source = self.rng.choices(("staff", "pupil", "public"), (6, 3, 1))[0]
        involved = self.rng.sample(pupil_ids, min(len(pupil_ids), self.rng.choice((1, 2, 2, 3))))
        reporter_pupil = involved[0] if source == "pupil" and self.rng.random() < 0.8 else None
        age = (self.now - created).days
        status = "new" if age < 3 else self.rng.choices(
            ("investigating", "action_taken", "closed"), (1, 1, 6 if age > 30 else 1)
        )[0]  # fmt: skip
        lead = self.rng.choice(leads)
        closed_at = created + timedelta(days=min(age, self.rng.randrange(1, 30)))
        incident_id = self.add(
            Incident,
            reference=reference,
            submission_key=None,
            source=source,
            # Arguments are evaluated in the order written: the draws stay in their order.
            **self.what_was_reported(created, source),
            reported_by_staff_id=self.rng.choice(staff_ids) if source == "staff" else None,
            reported_by_pupil_id=reporter_pupil,
            reporter_name="A parent" if source == "public" else None,
            reporter_contact=None,
            status=status,
            pathway=None if status == "new" else self.rng.choice(list(PATHWAYS)),
            outcome=self.rng.choice(OUTCOMES) if status == "closed" else None,
            created_at=created,
            closed_at=closed_at if status == "closed" else None,
        )
        roles = ("target", "alleged", "witness")
        for n, pupil_id in enumerate(involved):
            self.add(IncidentPupil, incident_id=incident_id, pupil_id=pupil_id, role=roles[n])
        self.chronology(incident_id, created, status, lead, closed_at)

    def what_was_reported(self, created, source: str) -> dict:
        """The report's own words: what, where and when, and how a pupil felt."""
        return {
            "category": self.rng.choice(list(CATEGORIES)),
            "place": self.rng.choice(list(PLACES)),
            "place_other": None,
            "happened_on": (created - timedelta(days=self.rng.randrange(0, 4))).date(),
            "what_happened": self.rng.choice(WHAT_HAPPENED),
            "who_involved": "Two children in Year 5." if source == "public" else None,
            "childs_words": "It made me feel sad." if source == "pupil" else None,
            "urgent": self.rng.random() < 0.05,
            "told_dsl_in_person": None,
            "feeling": self.rng.choice(list(FEELINGS_FOR_STAFF)) if source == "pupil" else None,
            "tell": self.rng.choice(list(WHO_FOR_STAFF)) if source == "pupil" else None,
        }

    def chronology(self, incident_id, created, status, lead, closed_at) -> None:
        steps = ("new", "investigating", "action_taken", "closed")
        base = {"pupil_id": None, "corrects_id": None}
        self.add(
            IncidentAction, incident_id=incident_id, staff_id=None, created_at=created,
            kind="reported", text="", status_from=None, status_to="new", **base,
        )  # fmt: skip
        self.add(
            IncidentAudit, at=created, staff_id=None, action="report",
            incident_id=incident_id, detail="a demo report",
        )  # fmt: skip
        when = created
        for before, after in pairwise(steps[: steps.index(status) + 1]):
            when = min(when + timedelta(hours=self.rng.randrange(2, 72)), closed_at)
            self.add(
                IncidentAction, incident_id=incident_id, staff_id=lead, created_at=when,
                kind="note", text=self.rng.choice(NOTES), status_from=None, status_to=None, **base,
            )  # fmt: skip
            self.add(
                IncidentAction, incident_id=incident_id, staff_id=lead, created_at=when,
                kind="status", text="", status_from=before, status_to=after, **base,
            )  # fmt: skip

    def make_register(self) -> None:
        """A few tools used in lessons: approved (one overdue for review), awaiting, declined,
        retired; each with its history."""
        lead, purpose = self.esafety_id, "Share and discuss pupils' work."
        risks = "First names only, no faces, comments checked by the teacher before they show."
        for n, (tool, status, months_ago) in enumerate(REGISTER_DEMO):
            class_id = self.classes[(n * 5) % len(self.classes)][0]
            requested = self.now - timedelta(days=30 * months_ago + 7)
            decided = requested + timedelta(days=3)
            due = add_months(decided.date(), 12) if status in ("approved", "retired") else None
            entry_id = self.add(
                RiskAssessment, submission_key=f"00000000-0000-4000-8000-{n:012d}", tool=tool,
                whole_school=False, purpose=purpose, risks=risks, status=status,
                requested_by_id=self.teacher_of[class_id], requested_at=requested,
                decided_by_id=None if status == "awaiting" else lead,
                decided_at=None if status == "awaiting" else decided,
                decline_reason="Pupils would need accounts of their own." if status == "declined"
                else None, review_due_on=due,
            )  # fmt: skip
            self.add(risk_assessment_class, risk_assessment_id=entry_id, class_id=class_id)
            history = [("requested", self.teacher_of[class_id], requested, None)]
            if status != "awaiting":
                kind = "declined" if status == "declined" else "approved"
                history.append((kind, lead, decided, due))
            if status == "retired":
                history.append(("retired", lead, decided + timedelta(days=60), None))
            for kind, staff_id, at, review_due_on in history:
                self.add(
                    RiskAssessmentEvent, risk_assessment_id=entry_id, kind=kind,
                    staff_id=staff_id, at=at, note="", review_due_on=review_due_on,
                )  # fmt: skip
