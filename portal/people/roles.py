"""Staff roles. A member of staff may hold several."""

ADMIN = "admin"
HEAD_TEACHER = "head_teacher"
ESAFETY_LEAD = "esafety_lead"
TEACHER = "teacher"
STAFF = "staff"
GOVERNOR = "governor"

ROLE_LABELS = {
    ADMIN: "Administrator",
    HEAD_TEACHER: "Head Teacher",
    ESAFETY_LEAD: "e-Safety lead",
    TEACHER: "Teacher",
    STAFF: "Staff",
    GOVERNOR: "Governor",
}
ALL_ROLES = frozenset(ROLE_LABELS)
