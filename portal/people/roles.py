"""Staff roles. A member of staff may hold several."""

ADMIN = "admin"
HEAD_TEACHER = "head_teacher"
ESAFETY_LEAD = "esafety_lead"
TEACHER = "teacher"
STAFF = "staff"
GOVERNOR = "governor"
# The Designated Safeguarding Lead and their deputy (statutory guidance gives the DSL lead
# responsibility for online safety; in many primary schools the Head Teacher is the DSL).
DSL = "dsl"
DEPUTY_DSL = "deputy_dsl"

ROLE_LABELS = {
    ADMIN: "Administrator",
    HEAD_TEACHER: "Head Teacher",
    ESAFETY_LEAD: "e-Safety lead",
    DSL: "Designated Safeguarding Lead",
    DEPUTY_DSL: "Deputy DSL",
    TEACHER: "Teacher",
    STAFF: "Staff",
    GOVERNOR: "Governor",
}
ALL_ROLES = frozenset(ROLE_LABELS)

# The school's leaders: they see every class and every name.
SCHOOL_LEADERS = (ADMIN, HEAD_TEACHER, ESAFETY_LEAD)
# Leaders and governors follow the school's completion (governors see totals, not names).
OVERSIGHT = (*SCHOOL_LEADERS, GOVERNOR)
# Those who teach or lead a class: its board, its class view, its picture passwords.
CLASS_STAFF = (TEACHER, *SCHOOL_LEADERS)
# Those who may open the incident log: the school may narrow this (PORTAL_INCIDENT_LOG_ROLES),
# never widen it.
INCIDENT_LOG_ROLES = (HEAD_TEACHER, ESAFETY_LEAD, DSL, DEPUTY_DSL)
# Each role's holders as a sentence names them: "Kept by the e-Safety lead".
ROLE_HOLDERS = {
    ADMIN: "the administrator",
    HEAD_TEACHER: "the Head Teacher",
    ESAFETY_LEAD: "the e-Safety lead",
    DSL: "the Designated Safeguarding Lead",
    DEPUTY_DSL: "the Deputy Designated Safeguarding Lead",
    TEACHER: "the teachers",
    STAFF: "the staff",
    GOVERNOR: "the governors",
}
