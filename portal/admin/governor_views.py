"""Each governor and whether they have acknowledged the Social Media Policy this year: names,
so for the school's leaders only (governors see the totals on the overview)."""

from flask import render_template

from portal.admin.views import bp
from portal.auth.access import roles_required
from portal.clock import school_today
from portal.governors.service import governor_rows
from portal.people.roles import SCHOOL_LEADERS
from portal.people.school_year import academic_year
from portal.teaching.service import Tally


@bp.get("/governors", endpoint="governors")
@roles_required(*SCHOOL_LEADERS)
def governors():
    today = school_today()
    rows = governor_rows(today)
    done = Tally(sum(row.acknowledged_at is not None for row in rows), len(rows))
    return render_template("admin/governors.html", rows=rows, done=done, year=academic_year(today))
