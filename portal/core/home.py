"""What the home page shows each person: their own next step, and for leaders the school's."""

from datetime import date

from flask import current_app

from portal.auth.access import can_open_incident_log
from portal.classroom.service import teacher_panel_context
from portal.clock import utcnow
from portal.formatting import school_time
from portal.governors.service import governor_status
from portal.incidents.log import waiting_counts
from portal.parents.campaign import campaign_offer
from portal.people.models import Staff
from portal.people.roles import ADMIN, GOVERNOR, HEAD_TEACHER, OVERSIGHT, SCHOOL_LEADERS
from portal.people.school_year import in_school_hours
from portal.policies.service import review_alerts
from portal.policies.summaries import policy_summaries
from portal.register.service import overdue_count
from portal.staff_module.school import school_module, school_totals
from portal.staff_module.status import guidelines_policy, module_status, settings, takes_module


def home_panels(staff: Staff, today: date) -> dict:
    panels = {
        "module": None,
        "governor": None,  # a governor's yearly acknowledgement of the policy
        "alerts": [],
        "to_review": [],  # documents written from a policy that changed since their review
        "completion": None,
        "content_missing": False,
        "classes_first": False,
        "parents_offer": None,
        "reports_waiting": None,
        "register_overdue": 0,
    }
    if can_open_incident_log(staff):  # how many, never what: the log itself is behind a code
        panels["reports_waiting"] = waiting_counts()
    if staff.has_role(*SCHOOL_LEADERS):  # tools used in lessons whose yearly review has passed
        panels["register_overdue"] = overdue_count(today)
    try:
        guidelines_policy()
    except LookupError:
        panels["content_missing"] = True  # a new install that skipped `install-content`
        return panels
    now = utcnow()
    panels.update(teacher_panel_context(staff, now))
    # In school hours a teacher may have minutes before the bell: their classes come first.
    panels["classes_first"] = in_school_hours(school_time(now), current_app.config["SCHOOL_HOURS"])
    if staff.has_role(*OVERSIGHT):
        panels["alerts"] = review_alerts(today)
        panels["to_review"] = [s for s in policy_summaries(today) if s.source_changed]
        panels["completion"] = school_totals(school_module(today, settings()))
    if staff.has_role(HEAD_TEACHER, ADMIN):  # a new school year with no campaign yet
        panels["parents_offer"] = campaign_offer(today)
    if takes_module(staff):
        panels["module"] = module_status(staff, today, settings())
    if staff.has_role(GOVERNOR):
        panels["governor"] = governor_status(staff, today)
    return panels
