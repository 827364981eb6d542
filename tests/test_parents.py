"""The parents' yearly acknowledgement: the campaign, the personal link, the parent's page."""

import re
import threading
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, insert, select, update

from portal.clock import utcnow
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.mail.sender import deliver_pending
from portal.parents import campaign as campaigns
from portal.parents import links
from portal.parents.models import ParentCampaign, ParentInvite
from portal.people.models import Guardian, Pupil, guardian_pupil
from portal.people.school_year import academic_year
from portal.policies import service
from portal.policies.formats import parse_aup
from tests.helpers.builders import (
    install_content,
    make_class,
    make_guardian,
    make_pupil,
    make_staff,
)
from tests.helpers.checkers import assert_valid_html
from tests.helpers.concurrency import Browser, at_once
from tests.helpers.parents import (
    CLOSES,
    LINK,
    TODAY,
    answers,
    history,
    outbox,
    start,
    token_for,
)
from tests.helpers.policies import policy
from tests.helpers.queries import counting_queries
from tests.helpers.roster import snapshot
from tests.helpers.smtp import SmtpServer
from tests.helpers.web import TEST_SECRET, body_of, csrf_token, post_form, signed_in


def answer(client, token, **form):
    url = f"/parents/{token}"
    return post_form(client, url, form, page=url)


# Starting the campaign


def test_starting_invites_everyone_on_the_roll_and_emails_each_guardian_with_an_address(family):
    make_guardian([make_pupil(first_name="Gone")], email="gone@example.org")
    db.session.execute(insert(Pupil).values(mis_id="PX", first_name="X", last_name="Y"))
    gone = db.session.scalar(select(Pupil).where(Pupil.first_name == "Gone"))
    gone.left_on = TODAY
    db.session.commit()

    campaign = start()

    invited = db.session.scalars(select(ParentInvite.guardian_id)).all()
    assert sorted(invited) == sorted([family["grace"].id, family["femi"].id])
    [message] = outbox()
    assert message.to_address == "grace@example.org"
    assert message.body_html and "Read the guide and answer" in message.body_html
    token = LINK.search(message.body_text).group(1)
    assert links.read_token(TEST_SECRET, token, 28, utcnow()) == links.LinkFor(
        campaign.id, family["grace"].id
    )
    for text in (message.subject, message.body_text, message.body_html):
        assert (
            "Amara" not in text
            and "Leo" not in text
            and "Okoye" not in text.replace(family["grace"].last_name, "")
        )
    assert CLOSES.strftime("%B") in message.body_text


def test_the_email_names_no_child(family):
    start()
    [message] = outbox()
    for text in (message.subject, message.body_text, message.body_html):
        assert "Amara" not in text and "Leo" not in text


def test_a_second_start_in_the_same_year_changes_nothing(family):
    first = start()
    before = snapshot()
    assert start() is None
    assert snapshot() == before
    assert db.session.scalar(select(func.count()).select_from(ParentCampaign)) == 1
    assert first.academic_year == academic_year(TODAY).start_year


def test_two_leaders_starting_at_once_make_one_campaign_and_one_email_each(family, live_server):
    heads = [make_staff(roles=("head_teacher",)), make_staff(roles=("admin",))]
    browsers = [Browser(live_server).sign_in(head.email) for head in heads]
    form = {"closes_on": CLOSES.isoformat()}
    responses = at_once([browser.poster("/admin/parents/", form) for browser in browsers])
    assert sorted(r.status_code for r in responses) == [302, 302]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ParentCampaign)) == 1
    assert [m.to_address for m in outbox()] == ["grace@example.org"]


def test_the_closing_day_is_capped_at_the_end_of_the_school_year(family):
    campaign = start(closes_on=TODAY + timedelta(days=800))
    assert campaign.closes_on == academic_year(TODAY).ends_on


def test_a_closing_day_in_the_past_is_refused(family):
    with pytest.raises(campaigns.CampaignProblem):
        start(closes_on=TODAY)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(ParentCampaign)) == 0


def test_the_default_closing_day_is_the_end_of_the_autumn_term_or_weeks_later():
    assert campaigns.default_closing_day(date(2026, 9, 3), "12-18", 6) == date(2026, 12, 18)
    assert campaigns.default_closing_day(date(2027, 1, 10), "12-18", 6) == date(2027, 2, 21)
    assert campaigns.default_closing_day(date(2027, 8, 1), "12-18", 6) == date(2027, 8, 31)


def test_seven_hundred_guardians_get_one_invite_and_one_email_each(app):
    install_content()
    oak = make_class("Oak", 2)
    pupil_ids = db.session.scalars(
        insert(Pupil).returning(Pupil.id),
        [
            {"mis_id": f"P{n}", "first_name": "Child", "last_name": f"N{n}", "class_id": oak.id}
            for n in range(700)
        ],
    ).all()
    guardian_ids = db.session.scalars(
        insert(Guardian).returning(Guardian.id),
        [
            {"mis_id": f"G{n}", "first_name": "Pat", "last_name": f"N{n}", "email": f"g{n}@ex.org"}
            for n in range(700)
        ],
    ).all()
    db.session.execute(
        insert(guardian_pupil),
        [{"guardian_id": g, "pupil_id": p} for g, p in zip(guardian_ids, pupil_ids, strict=True)],
    )
    db.session.commit()
    start()
    assert db.session.scalar(select(func.count()).select_from(ParentInvite)) == 700
    addresses = db.session.scalars(select(OutboxMessage.to_address)).all()
    assert sorted(addresses) == sorted(f"g{n}@ex.org" for n in range(700))


# The link


def test_a_link_reads_back_to_its_guardian_and_campaign():
    now = datetime(2026, 9, 10, 12)
    token = links.make_token(TEST_SECRET, links.LinkFor(3, 7), now)
    assert links.read_token(TEST_SECRET, token, 28, now + timedelta(days=27)) == links.LinkFor(3, 7)


def test_a_tampered_link_or_another_salt_is_invalid():
    now = datetime(2026, 9, 10, 12)
    token = links.make_token(TEST_SECRET, links.LinkFor(3, 7), now)
    forged = URLSafeTimedSerializer(TEST_SECRET, salt="set-password").dumps({"c": 3, "g": 8})
    for bad in (token[:-3] + "abc", token.replace(token[:4], "eyJk"), forged, "nonsense", ""):
        with pytest.raises(links.InvalidLink):
            links.read_token(TEST_SECRET, bad, 28, now)


def test_an_old_link_is_expired_and_still_says_whose_it_was():
    now = datetime(2026, 9, 10, 12)
    token = links.make_token(TEST_SECRET, links.LinkFor(3, 7), now)
    with pytest.raises(links.ExpiredLink) as expired:
        links.read_token(TEST_SECRET, token, 28, now + timedelta(days=29))
    assert expired.value.link == links.LinkFor(3, 7)


# The parent's page


def test_the_page_shows_first_names_and_classes_and_opening_it_changes_nothing(family, client):
    start()
    token = token_for(family["grace"])
    before = snapshot()
    page = body_of(client.get(f"/parents/{token}"))
    assert snapshot() == before
    assert "Amara (Oak class) and Leo (Ash class)" in page
    assert "Okoye" not in page.replace(family["grace"].full_name, "")
    assert "I acknowledge" in page and "consent" not in page.lower()
    assert page.count('class="say"') >= 10


def test_families_of_the_youngest_read_their_aup_with_them_at_home(family, client, tmp_path):
    """Amara is in Year 1 (the Early Years and Key Stage 1 AUP); Leo in Year 3 is not."""
    start()
    page = body_of(client.get(f"/parents/{token_for(family['grace'])}"))
    section = page.split('class="parent-card read-at-home"')[1].split("</section>")[0]

    assert "Read with Amara: our promises online" in section and "Leo" not in section
    aup = service.latest_version(policy("aup-eyfs-ks1"))
    for _picture, sentence in parse_aup(aup.body).lines:
        assert sentence in section
    assert section.count('class="picture aup-picture"') == len(parse_aup(aup.body).lines)
    assert f"version {aup.number}" in section
    assert_valid_html({"parents-read-at-home": page}, tmp_path)


def test_families_with_only_older_children_see_no_early_years_aup(family, client):
    leo_only = make_guardian([family["leo"]], email="leo.only@example.org")
    start()
    page = body_of(client.get(f"/parents/{token_for(leo_only)}"))
    assert "read-at-home" not in page and "our promises online" not in page


def test_each_speaker_button_on_the_parents_page_is_named_by_what_it_reads(family, client):
    start()
    page = body_of(client.get(f"/parents/{token_for(family['grace'])}"))
    names = re.findall(r'<button type="button" class="say[^"]*" hidden aria-label="([^"]+)"', page)
    assert len(names) >= 10
    assert len(set(names)) == len(names), Counter(names).most_common(3)
    assert any(name.startswith("Read aloud: If you do not agree") for name in names)


def test_every_parent_page_sends_no_referrer(family, client):
    start()
    token = token_for(family["grace"])
    for url in (f"/parents/{token}", f"/parents/{token}/guide", "/parents/broken"):
        assert client.get(url).headers["Referrer-Policy"] == "no-referrer"
    assert client.get("/sign-in").headers["Referrer-Policy"] == "same-origin"


def test_the_guide_shows_the_campaigns_version(family, client):
    start()
    page = body_of(client.get(f"/parents/{token_for(family['grace'])}/guide"))
    assert "Photos of children" in page


def test_acknowledging_records_the_typed_name_and_shows_it_with_its_date(family, client):
    start()
    token = token_for(family["grace"])
    response = answer(client, token, response="acknowledged", typed_name=" Grace Okoye ")
    assert response.status_code == 302
    [row] = answers()
    assert (row.response, row.typed_name, row.method, row.guardian_id) == (
        "acknowledged",
        "Grace Okoye",
        "online",
        family["grace"].id,
    )
    page = body_of(client.get(f"/parents/{token}"))
    assert "Your answer is saved" in page
    assert f"{TODAY.day} {TODAY:%B %Y}" in page and "as Grace Okoye" in page


def test_a_question_tells_the_office_without_its_words(family, client):
    start()
    answer(client, token_for(family["grace"]), response="question", question="Can I film the play?")
    [row] = answers()
    assert (row.response, row.note) == ("question", "Can I film the play?")
    [office] = outbox("office@wilkinson.example.org")
    assert "film" not in office.body_text and "film" not in office.body_html
    assert "Amara" not in office.body_text


def test_declining_needs_no_reason(family, client):
    start()
    answer(client, token_for(family["grace"]), response="declined")
    [row] = answers()
    assert (row.response, row.note, row.typed_name) == ("declined", None, None)


def test_the_same_answer_again_changes_nothing(family, client):
    start()
    token = token_for(family["grace"])
    answer(client, token, response="acknowledged", typed_name="Grace Okoye")
    before = snapshot()
    response = answer(client, token, response="acknowledged", typed_name="Grace Okoye")
    assert response.status_code == 302
    assert snapshot() == before
    assert "nothing has changed" in body_of(client.get(f"/parents/{token}"))


def test_a_question_can_become_an_acknowledgement_and_the_history_is_kept(family, client):
    start()
    token = token_for(family["grace"])
    answer(client, token, response="question", question="What about videos?")
    answer(client, token, response="acknowledged", typed_name="Grace Okoye")
    [row] = answers()
    assert (row.response, row.typed_name, row.note) == ("acknowledged", "Grace Okoye", None)
    assert history() == [("question", None), ("acknowledged", "Grace Okoye")]


def test_each_guardian_answers_for_themself(family, client):
    start()
    answer(client, token_for(family["grace"]), response="acknowledged", typed_name="Grace")
    answer(client, token_for(family["femi"]), response="declined", reason="Busy")
    assert sorted((a.guardian_id, a.response) for a in answers()) == sorted(
        [(family["grace"].id, "acknowledged"), (family["femi"].id, "declined")]
    )


# Bad input


@pytest.mark.parametrize(
    "form, message",
    [
        ({"response": "acknowledged", "typed_name": "   "}, "Type your full name"),
        ({"response": "acknowledged", "typed_name": "G" * 10_000}, "at most 120"),
        ({"response": "question", "question": ""}, "Type your question"),
        ({"response": "question", "question": "?" * 2001}, "at most 2,000"),
        ({"response": "consented", "typed_name": "Grace"}, "Choose one of the three"),
    ],
)
def test_bad_answers_are_refused_plainly_and_change_nothing(family, client, form, message):
    start()
    token = token_for(family["grace"])
    before = snapshot()
    response = answer(client, token, **form)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert snapshot() == before


def test_a_guardian_id_in_the_form_is_ignored(family, client):
    start()
    form = {"response": "acknowledged", "typed_name": "Grace", "guardian_id": family["femi"].id}
    answer(client, token_for(family["grace"]), **form)
    assert [a.guardian_id for a in answers()] == [family["grace"].id]


def test_a_tampered_link_shows_nothing_about_any_child(family, client):
    start()
    token = token_for(family["grace"])
    for bad in (token[:-4] + "abcd", "x" * 40):
        response = client.get(f"/parents/{bad}")
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "This link is not valid" in page and "Amara" not in page and "Grace" not in page


def test_a_link_for_a_guardian_never_invited_is_not_valid(family, client):
    start()
    stranger = make_guardian([family["amara"]], email="late@example.org")  # after the start
    assert client.get(f"/parents/{token_for(stranger)}").status_code == 400


def test_a_guardian_no_longer_on_the_roll_is_refused(family, client):
    start()
    for child in (family["amara"], family["leo"]):
        child.left_on = TODAY
    db.session.commit()
    response = client.get(f"/parents/{token_for(family['grace'])}")
    assert response.status_code == 403
    assert "no longer works" in response.get_data(as_text=True)


def test_a_closed_campaign_refuses_answers(family, client):
    campaign = start()
    token = token_for(family["grace"])
    form = {"csrf_token": csrf_token(client, f"/parents/{token}"), "response": "declined"}
    campaign.closed_at = utcnow()
    db.session.commit()
    assert client.get(f"/parents/{token}").status_code == 410
    before = snapshot()
    assert client.post(f"/parents/{token}", data=form).status_code == 410
    assert snapshot() == before


def expired_token(guardian) -> str:
    return token_for(guardian, at=utcnow() - timedelta(days=40))


def test_an_expired_link_offers_a_new_one_sent_only_to_the_address_on_file(family, client):
    start()
    token = expired_token(family["grace"])
    page = client.get(f"/parents/{token}")
    assert page.status_code == 410
    assert "Send me a new link" in page.get_data(as_text=True)
    already = len(outbox())
    sent = post_form(
        client,
        f"/parents/{token}/new-link",
        {"email": "thief@example.org"},
        page=f"/parents/{token}",
    )
    assert "Check your email" in body_of(sent)
    [fresh] = outbox()[already:]
    assert fresh.to_address == "grace@example.org"
    new_token = LINK.search(fresh.body_text).group(1)
    assert client.get(f"/parents/{new_token}").status_code == 200


def test_new_links_are_limited_each_day_and_the_page_reads_the_same(family, client, app):
    start()
    token = expired_token(family["grace"])
    already = len(outbox())
    pages = [
        body_of(post_form(client, f"/parents/{token}/new-link", page=f"/parents/{token}"))
        for _ in range(app.config["PARENT_NEW_LINKS_PER_DAY"] + 2)
    ]
    assert len(outbox()) - already == app.config["PARENT_NEW_LINKS_PER_DAY"]
    assert len({page[page.index("<main") : page.index("</main>")] for page in pages}) == 1


def test_a_guardian_without_email_gets_the_same_page_and_nothing_is_sent(family, client):
    start()
    token = expired_token(family["femi"])
    already = len(outbox())
    sent = post_form(client, f"/parents/{token}/new-link", page=f"/parents/{token}")
    assert "Check your email" in body_of(sent)
    assert len(outbox()) == already


def test_two_answers_at_once_leave_one_current_answer(family, live_server):
    start()
    url = f"/parents/{token_for(family['grace'])}"
    forms = [
        {"response": "acknowledged", "typed_name": "Grace Okoye"},
        {"response": "acknowledged", "typed_name": "Grace Okoye"},
        {"response": "declined", "reason": "No"},
        {"response": "question", "question": "Why?"},
    ]
    responses = at_once([Browser(live_server).poster(url, form) for form in forms])
    assert all(r.status_code in (302, 303) for r in responses), [r.status_code for r in responses]
    db.session.expire_all()
    rows = answers()
    assert len(rows) == 1
    assert len(history()) >= 3  # the repeat of the same answer may or may not count


# Access, home page and cost


def test_only_the_head_teacher_and_admins_may_start(family, client, app):
    signed_in(client, "teacher")
    assert client.get("/admin/parents/").status_code == 403
    head = app.test_client()
    signed_in(head, "head_teacher")
    page = body_of(head.get("/admin/parents/"))
    assert f"Start the parents' acknowledgement for {academic_year(TODAY).label}" in page
    assert "1 guardians have an email address" in page


def test_the_head_teacher_starts_from_the_page_and_the_home_page_stops_offering(family, client):
    signed_in(client, "head_teacher")
    assert "Start the parents' acknowledgement" in body_of(client.get("/"))
    response = post_form(
        client, "/admin/parents/", {"closes_on": CLOSES.isoformat()}, page="/admin/parents/"
    )
    assert response.status_code == 302
    assert "Start the parents' acknowledgement" not in body_of(client.get("/"))
    again = post_form(
        client, "/admin/parents/", {"closes_on": CLOSES.isoformat()}, page="/admin/parents/"
    )
    assert "had already started: nothing more was sent" in body_of(client.get(again.location))
    page = body_of(client.get("/admin/parents/"))
    assert "1 of 2 guardians were emailed" in page


def test_a_teacher_is_not_offered_the_campaign(family, client):
    signed_in(client, "teacher")
    assert "parents' acknowledgement" not in body_of(client.get("/"))


def test_the_parent_page_costs_the_same_queries_for_one_child_or_four(family, client):
    start()
    token = token_for(family["grace"])

    def cost():
        with counting_queries() as statements:
            body_of(client.get(f"/parents/{token}"))
        return len(statements)

    two = cost()
    for name in ("Zoe", "Ade"):
        pupil_id = make_pupil(first_name=name).id
        db.session.execute(
            insert(guardian_pupil).values(guardian_id=family["grace"].id, pupil_id=pupil_id)
        )
    db.session.commit()
    assert "Ade, Amara (Oak class), Leo (Ash class) and Zoe" in body_of(
        client.get(f"/parents/{token}")
    )
    # The invite, the children, the answer, the earlier answer (two), and the Early Years
    # AUP shown to Amara's family (its policy and versions).
    assert cost() == two <= 7


@pytest.mark.html_validator
def test_every_parent_page_is_valid_html(family, client, app, tmp_path):
    head = app.test_client()
    signed_in(head, "head_teacher")
    pages = {"campaign-offer": body_of(head.get("/admin/parents/"))}
    start()
    token = token_for(family["grace"])
    pages["parent-page"] = body_of(client.get(f"/parents/{token}"))
    answer(client, token, response="question", question="Why?")
    pages.update(
        {
            "parent-answered": body_of(client.get(f"/parents/{token}")),
            "parent-error": body_of(answer(client, token, response="acknowledged"), 422),
            "guide": body_of(client.get(f"/parents/{token}/guide")),
            "invalid": body_of(client.get("/parents/broken"), 400),
            "expired": body_of(client.get(f"/parents/{expired_token(family['grace'])}"), 410),
            "campaign-running": body_of(head.get("/admin/parents/")),
        }
    )
    assert_valid_html(pages, tmp_path)


def test_with_the_mail_server_down_nothing_is_lost_and_two_workers_send_each_once(family, app):
    """The campaign starts while SMTP is down; when it returns, two workers at once send
    every guardian exactly one email."""
    for n in range(11):
        make_guardian([family["amara"]], email=f"carer{n}@example.org")
    server = SmtpServer()
    app.config["SMTP_PORT"] = server.port  # nothing listens there yet
    start()
    assert deliver_pending(app.config)["sent"] == 0
    assert db.session.scalars(select(OutboxMessage.status)).all() == ["queued"] * 12  # none lost
    server.start()
    try:
        db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))  # back-off over
        db.session.commit()
        server.handler.meet = 2  # neither worker's first message goes until both are sending
        both = threading.Barrier(2)

        def worker():
            with app.app_context():
                both.wait(timeout=30)
                deliver_pending(app.config)
                db.session.remove()

        at_once([worker, worker])
        received = Counter(message["To"] for message in server.received)
    finally:
        server.stop()
    assert received == Counter(["grace@example.org"] + [f"carer{n}@example.org" for n in range(11)])
