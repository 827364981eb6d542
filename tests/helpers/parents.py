"""The parents' campaign in tests: a family, a started campaign, links, the outbox, answers."""

import re
from datetime import timedelta

from sqlalchemy import select

from portal.clock import school_today, utcnow
from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.parents import campaign as campaigns
from portal.parents import links
from portal.parents.models import ParentCampaign
from portal.people.school_year import academic_year
from portal.policies.models import Acknowledgement, AcknowledgementChange
from tests.helpers.builders import install_content, make_class, make_guardian, make_pupil
from tests.helpers.web import TEST_SECRET

TODAY = school_today()
CLOSES = TODAY + timedelta(days=30)
LINK = re.compile(r"http://portal\.test/parents/([A-Za-z0-9_.\-]+)")
MAIL = campaigns.MailSettings(TEST_SECRET, "Wilkinson Primary School", "office@school.test", "")


def start(closes_on=CLOSES):
    """Start this year's campaign as the command or the page does, and commit."""
    campaign = campaigns.start_campaign(
        academic_year(TODAY), campaigns.guide_version(TODAY), None, closes_on, MAIL, TODAY
    )
    db.session.commit()
    return campaign


def make_family() -> dict:
    """Two guardians of Amara (Oak) and Leo (Ash); one has no email."""
    install_content()
    oak, ash = make_class("Oak", 1), make_class("Ash", 3)
    amara = make_pupil(oak, "Amara", "Okoye")
    leo = make_pupil(ash, "Leo", "Okoye")
    grace = make_guardian([amara, leo], email="grace@example.org")
    femi = make_guardian([amara, leo], email=None)
    return {"grace": grace, "femi": femi, "amara": amara, "leo": leo}


def token_for(guardian, campaign=None, at=None) -> str:
    campaign = campaign or db.session.scalar(select(ParentCampaign))
    link = links.LinkFor(campaign.id, guardian.id)
    return links.make_token(TEST_SECRET, link, at or utcnow())


def outbox(to=None) -> list[OutboxMessage]:
    db.session.expire_all()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    return db.session.scalars(query.where(OutboxMessage.to_address == to) if to else query).all()


def answers() -> list[Acknowledgement]:
    db.session.expire_all()
    return db.session.scalars(select(Acknowledgement)).all()


def history() -> list[tuple]:
    rows = db.session.execute(
        select(AcknowledgementChange.response, AcknowledgementChange.typed_name).order_by(
            AcknowledgementChange.id
        )
    )
    return rows.all()
