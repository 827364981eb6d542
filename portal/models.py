"""Every model, imported in one place so the metadata (and Alembic) sees all tables."""

from portal.auth.models import RecoveryCode, StaffSession, Throttle, TwoFactor, TwoFactorReset
from portal.classroom.models import ClassSession, SessionPupil
from portal.incidents.models import (
    Incident,
    IncidentAction,
    IncidentAudit,
    IncidentCounter,
    IncidentEvidence,
    IncidentPupil,
)
from portal.mail.models import OutboxMessage
from portal.parents.models import ParentCampaign, ParentInvite
from portal.people.models import Guardian, Pupil, SchoolClass, Staff, StaffRole
from portal.policies.models import (
    Acknowledgement,
    AcknowledgementChange,
    Policy,
    PolicyReview,
    PolicyVersion,
)
from portal.quiz.models import FirstGoTally, QuizAnswer, QuizAttempt
from portal.register.models import RiskAssessment, RiskAssessmentEvent
from portal.staff_module.models import Certificate, ModuleProgress, Reminder

__all__ = [
    "Acknowledgement",
    "AcknowledgementChange",
    "Certificate",
    "ClassSession",
    "FirstGoTally",
    "Guardian",
    "Incident",
    "IncidentAction",
    "IncidentAudit",
    "IncidentCounter",
    "IncidentEvidence",
    "IncidentPupil",
    "ModuleProgress",
    "OutboxMessage",
    "ParentCampaign",
    "ParentInvite",
    "Policy",
    "PolicyReview",
    "PolicyVersion",
    "Pupil",
    "QuizAnswer",
    "QuizAttempt",
    "RecoveryCode",
    "Reminder",
    "RiskAssessment",
    "RiskAssessmentEvent",
    "SchoolClass",
    "SessionPupil",
    "Staff",
    "StaffRole",
    "StaffSession",
    "Throttle",
    "TwoFactor",
    "TwoFactorReset",
]
