"""The outbox, end to end, with a real SMTP server on 127.0.0.1."""

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from portal.clock import utcnow
from portal.extensions import db
from portal.mail.models import FAILED, QUEUED, SENDING, SENT, OutboxMessage
from portal.mail.sender import BACKOFF_MINUTES, claim, deliver_pending
from portal.mail.service import queue_email
from tests.helpers.builders import make_staff
from tests.helpers.concurrency import wait_until
from tests.helpers.queries import counting_queries
from tests.helpers.web import TEST_SECRET, post_form, sign_in

ROOT = Path(__file__).resolve().parent.parent
FLASK = str(Path(sys.executable).parent / "flask")
SCHOOL = "Wilkinson Primary School"


@pytest.fixture
def app(app, smtp_server):
    """conftest's app, sending to the test's SMTP server."""
    app.config["SMTP_PORT"] = smtp_server.port
    return app


def queue(count=1, to="parent@example.org") -> list[int]:
    ids = [
        queue_email(
            to, f"Test message {n}", "test_message", school_name=SCHOOL, queued_at=utcnow()
        ).id
        for n in range(count)
    ]
    db.session.commit()
    return ids


def stored(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def deliver(app, **kwargs) -> dict:
    return deliver_pending(app.config, **kwargs)


def later(**delta) -> datetime:
    return utcnow() + timedelta(**delta)


def counts(sent=0, retrying=0, failed=0) -> dict:
    return {"sent": sent, "retrying": retrying, "failed": failed}


# Writing and sending


def test_a_queued_email_arrives_with_both_parts_subject_recipient_and_sender(app, smtp_server):
    message = queue_email(
        " head@example.org ",
        "Checking\nthe email settings",
        "test_message",
        school_name=SCHOOL,
        queued_at=datetime(2026, 11, 24, 14, 5),
    )
    db.session.commit()
    assert deliver(app) == counts(sent=1)
    assert not db.session().in_transaction()  # an idle worker holds no locks (nor migrations)
    [received] = smtp_server.received
    assert received["Subject"] == "Checking the email settings"
    assert received["To"] == "head@example.org"
    assert received["From"] == app.config["MAIL_SENDER"]
    assert received["Message-ID"].startswith(f"<outbox-{message.id}.")
    assert received["Date"] and received["Auto-Submitted"] == "auto-generated"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "queued on 24 November 2026 at 14:05" in text
    assert f"<p>This is a test message from the {SCHOOL} Online-Safety Portal.</p>" in html
    sent = stored(message.id)
    assert (sent.status, sent.attempts, sent.last_error) == (SENT, 1, None)
    assert sent.sent_at is not None


def test_a_message_rolls_back_with_the_change_that_queued_it(app, smtp_server):
    queue_email(
        "parent@example.org", "Never sent", "test_message", school_name=SCHOOL, queued_at=utcnow()
    )
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert deliver(app) == counts()
    assert smtp_server.received == []


def test_mail_waits_while_the_server_is_down_and_goes_out_once_when_it_is_back(app, smtp_server):
    smtp_server.stop()
    first, second = queue(2)
    assert deliver(app) == counts(retrying=1)
    waiting = stored(first)
    assert (waiting.status, waiting.attempts) == (QUEUED, 1)
    assert "ConnectionRefusedError" in waiting.last_error
    assert waiting.next_attempt_at > utcnow()
    # With the server down, one refused connection is enough: the rest wait untouched.
    assert (stored(second).status, stored(second).attempts) == (QUEUED, 0)
    assert deliver(app) == counts(retrying=1)  # the first is not due yet; the second tries

    smtp_server.start()
    assert deliver(app, now=later(minutes=BACKOFF_MINUTES[0] + 1)) == counts(sent=2)
    assert deliver(app, now=later(days=2)) == counts()
    assert sorted(m["Subject"] for m in smtp_server.received) == [
        "Test message 0",
        "Test message 1",
    ]
    assert (stored(first).status, stored(first).attempts, stored(first).last_error) == (
        SENT,
        2,
        None,
    )


@pytest.mark.parametrize("where", ["rcpt", "data"])
def test_a_permanent_rejection_fails_at_once(app, smtp_server, where):
    setattr(smtp_server.handler, f"{where}_reply", "550 5.1.1 No such mailbox here")
    [message_id] = queue()
    assert deliver(app) == counts(failed=1)
    failed = stored(message_id)
    assert (failed.status, failed.attempts) == (FAILED, 1)
    assert "550" in failed.last_error and "No such mailbox here" in failed.last_error
    assert smtp_server.received == []


def test_a_temporary_rejection_is_retried_later(app, smtp_server):
    smtp_server.handler.rcpt_reply = "451 4.3.0 Try again later"
    [message_id] = queue()
    assert deliver(app) == counts(retrying=1)
    assert stored(message_id).status == QUEUED and "451" in stored(message_id).last_error
    smtp_server.handler.rcpt_reply = None
    assert deliver(app, now=later(minutes=2)) == counts(sent=1)
    assert len(smtp_server.received) == 1


def test_a_message_fails_for_good_when_its_retries_are_used_up(app, smtp_server):
    smtp_server.stop()
    [message_id] = queue()
    for day in range(len(BACKOFF_MINUTES)):
        assert deliver(app, now=later(days=day)) == counts(retrying=1)
    assert stored(message_id).attempts == len(BACKOFF_MINUTES)
    assert deliver(app, now=later(days=10)) == counts(failed=1)
    assert (stored(message_id).status, stored(message_id).attempts) == (
        FAILED,
        len(BACKOFF_MINUTES) + 1,
    )
    smtp_server.start()
    assert deliver(app, now=later(days=20)) == counts()
    assert smtp_server.received == []


def test_a_stale_claim_is_failed_for_a_person_to_check_and_not_resent(app, smtp_server):
    stale, in_flight = queue(2)
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == stale)
        .values(status=SENDING, claimed_at=later(minutes=-31))
    )
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == in_flight)
        .values(status=SENDING, claimed_at=later(minutes=-5))
    )
    db.session.commit()
    assert deliver(app) == counts(failed=1)
    assert stored(stale).status == FAILED
    assert "check before retrying" in stored(stale).last_error
    assert stored(in_flight).status == SENDING  # another worker may be sending it now
    assert smtp_server.received == []


# A server that answers late


def test_a_message_the_server_kept_is_not_sent_again_when_its_answer_is_slow(app, smtp_server):
    app.config["SMTP_TIMEOUT"] = 1  # for connecting and greeting, not for the message itself
    smtp_server.handler.reply_delay = 2.5  # keeps the message, then scans it before saying so
    [message_id] = queue()
    assert deliver(app) == counts(sent=1)
    assert deliver(app, now=later(days=1)) == counts()
    assert stored(message_id).status == SENT
    assert len(smtp_server.received) == 1


def test_a_server_that_hangs_after_accepting_is_not_sent_the_message_again(app, smtp_server):
    app.config["SMTP_TIMEOUT"] = 1
    smtp_server.handler.quit_delay = 5  # the 250 for the message came; then nothing
    [message_id] = queue()
    started = time.monotonic()
    assert deliver(app) == counts(sent=1)
    assert time.monotonic() - started < 4  # the worker gave up on the goodbye, not the message
    assert deliver(app, now=later(days=1)) == counts()
    assert stored(message_id).status == SENT
    assert len(smtp_server.received) == 1


# Two workers at once


def test_two_workers_at_once_send_each_message_exactly_once(app, smtp_server):
    queue(30)
    smtp_server.handler.meet = 2  # neither worker's first message goes until both are sending
    start, results, errors = threading.Barrier(2), [], []

    def worker():
        with app.app_context():
            try:
                start.wait()
                results.append(deliver_pending(app.config))
            except Exception as error:  # reported below, in the test's thread
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(result["sent"] > 0 for result in results) == [True, True]
    assert sum(result["sent"] for result in results) == 30
    assert_each_sent_once(smtp_server, 30)


def assert_each_sent_once(smtp_server, total: int) -> None:
    received = smtp_server.received
    by_id = Counter(message["Message-ID"] for message in received)
    assert len(by_id) == total and set(by_id.values()) == {1}
    assert {message["Subject"] for message in received} == {
        f"Test message {n}" for n in range(total)
    }
    db.session.expire_all()
    statuses = db.session.scalars(select(OutboxMessage.status)).all()
    assert statuses == [SENT] * total


def test_a_worker_does_not_take_a_message_another_worker_just_put_back_to_wait(app):
    [message_id] = queue()
    # Listed as due by this worker; meanwhile another tried it and set it to wait.
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(attempts=1, next_attempt_at=later(minutes=1))
    )
    db.session.commit()
    assert claim(message_id, utcnow()) is False
    assert claim(message_id, later(minutes=2)) is True


def start_worker(database_url: str, port: int, tmp_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "FLASK_APP": "wsgi:app",
        "PORTAL_DATABASE_URL": database_url,
        "PORTAL_SECRET_KEY": TEST_SECRET,
        "PORTAL_SMTP_PORT": str(port),
        "PORTAL_SMTP_TIMEOUT": "5",
        "PORTAL_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    return subprocess.Popen(
        [FLASK, "portal", "send-mail", "--loop", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def backoff_has_passed() -> None:
    """Stands for the clock moving on: whatever waits is due again."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == QUEUED)
        .values(next_attempt_at=later(seconds=-1))
    )
    db.session.commit()


def attempts_so_far() -> int:
    value = db.session.scalar(select(func.sum(OutboxMessage.attempts)))
    db.session.rollback()
    return value


def test_two_send_mail_processes_wait_for_the_server_and_send_each_message_once(
    app, smtp_server, database_url, tmp_path
):
    smtp_server.stop()
    queue(30)
    workers = [start_worker(database_url, smtp_server.port, tmp_path) for _ in range(2)]
    try:
        wait_until(lambda: attempts_so_far() >= 4)  # tried, and tried again, while it was down
        assert smtp_server.received == []
        smtp_server.start()
        wait_until(lambda: backoff_has_passed() or len(smtp_server.received) >= 30)
        wait_until(
            lambda: (
                db.session.scalar(select(func.count()).where(OutboxMessage.status == SENT)) == 30
                or db.session.rollback()
            )
        )
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        outputs = [worker.communicate(timeout=20) for worker in workers]
    for worker, (stdout, stderr) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, stderr
        assert "Stopped." in stdout
    assert_each_sent_once(smtp_server, 30)


# The admin's outbox page


@pytest.fixture
def admin_client(client):
    sign_in(client, make_staff(roles=("admin",)).email)
    return client


def add_messages(status: str, count: int, subject: str) -> list[int]:
    ids = queue(count)
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(status=status, subject=subject, last_error=None)
    )
    db.session.commit()
    return ids


def test_outbox_lists_messages_by_status_with_counts(admin_client):
    add_messages(QUEUED, 2, "Waiting message")
    add_messages(SENT, 1, "Delivered message")
    add_messages(FAILED, 3, "Bounced message")
    everything = admin_client.get("/admin/outbox/").get_data(as_text=True)
    for tab in ("All (6)", "Queued (2)", "Sent (1)", "Failed (3)"):
        assert tab in everything
    assert "Set your password" not in everything and "This is a test message" not in everything
    failed = admin_client.get("/admin/outbox/?status=failed").get_data(as_text=True)
    assert "<caption>Failed messages, newest first</caption>" in failed
    assert failed.count('class="status status-failed"') == 3
    assert "Waiting message" not in failed and "Delivered message" not in failed
    assert failed.count(">Retry</button>") == 3


def test_retry_requeues_a_failed_message_and_the_next_run_sends_it(app, admin_client, smtp_server):
    [message_id] = add_messages(FAILED, 1, "Bounced message")
    response = post_form(
        admin_client,
        f"/admin/outbox/{message_id}/retry?status=failed",
        page="/admin/outbox/?status=failed",
    )
    assert response.status_code == 302
    assert response.location == "/admin/outbox/?status=failed"
    page = admin_client.get(response.location).get_data(as_text=True)
    assert "The message to parent@example.org is back in the queue." in page
    assert (stored(message_id).status, stored(message_id).attempts) == (QUEUED, 0)
    assert deliver(app) == counts(sent=1)
    assert [m["Subject"] for m in smtp_server.received] == ["Bounced message"]


def test_retrying_twice_changes_nothing_the_second_time(admin_client):
    [message_id] = add_messages(FAILED, 1, "Bounced message")
    url = f"/admin/outbox/{message_id}/retry"
    headers = {"HX-Request": "true"}
    first = post_form(admin_client, url, page="/admin/outbox/", headers=headers)
    second = post_form(admin_client, url, page="/admin/outbox/", headers=headers)
    for response in (first, second):
        assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
        html = response.get_data(as_text=True)
        assert html.lstrip().startswith(f'<tr id="message-{message_id}">')
        assert re.search(r'<span class="status status-queued"[^>]*>Queued</span>', html)
        focus = json.loads(response.headers["HX-Trigger-After-Settle"])["portal:focus"]
        assert focus == f"#message-{message_id}-status"  # focus lands on the new status
        assert "Retry</button>" not in html and 'data-hx-swap-oob="innerHTML"' in html
        assert "Queued (1)" in html and "Failed (0)" in html  # the tabs, swapped too
    assert "back in the queue" in first.get_data(as_text=True)
    assert "had not failed, so there was nothing to retry" in second.get_data(as_text=True)
    assert stored(message_id).status == QUEUED
    plain = post_form(admin_client, url, page="/admin/outbox/", follow_redirects=True)
    assert "had not failed, so there was nothing to retry" in plain.get_data(as_text=True)


def test_the_outbox_is_for_admins_only(app, client):
    [message_id] = add_messages(FAILED, 1, "Bounced message")
    assert client.get("/admin/outbox/").status_code == 302  # to the sign-in page
    sign_in(client, make_staff(roles=("teacher",)).email)
    assert client.get("/admin/outbox/").status_code == 403
    retry = post_form(client, f"/admin/outbox/{message_id}/retry", page="/")
    assert retry.status_code == 403
    assert stored(message_id).status == FAILED


def test_a_retry_without_its_csrf_token_is_refused(admin_client):
    [message_id] = add_messages(FAILED, 1, "Bounced message")
    admin_client.get("/admin/outbox/")
    assert admin_client.post(f"/admin/outbox/{message_id}/retry").status_code == 400
    assert stored(message_id).status == FAILED


def test_the_outbox_page_takes_the_same_few_queries_for_3_or_60_messages(admin_client):
    add_messages(FAILED, 3, "Bounced message")
    with counting_queries() as few:
        assert admin_client.get("/admin/outbox/").status_code == 200
    add_messages(SENT, 57, "Delivered message")
    with counting_queries() as many:
        page = admin_client.get("/admin/outbox/").get_data(as_text=True)
    assert len(few) == len(many), "\n".join(many)
    # The counts by status and the page of messages; the rest load the signed-in user.
    assert len([sql for sql in many if "outbox_message" in sql]) == 2, "\n".join(many)
    assert page.count('<tr id="message-') == 50 and "Older messages" in page
    second = admin_client.get("/admin/outbox/?page=2").get_data(as_text=True)
    assert second.count('<tr id="message-') == 10 and "Newer messages" in second
    assert admin_client.get("/admin/outbox/?page=3").status_code == 404


# Commands


def test_send_test_email_queues_a_message_that_send_mail_delivers(runner, smtp_server):
    queued = runner.invoke(args=["portal", "send-test-email", "office@example.org"])
    assert queued.exit_code == 0, queued.output
    assert "Queued a test message to office@example.org" in queued.output
    sent = runner.invoke(args=["portal", "send-mail"])
    assert sent.exit_code == 0, sent.output
    assert "1 sent, 0 retrying, 0 failed." in sent.output
    [received] = smtp_server.received
    assert received["Subject"] == f"Test message from the {SCHOOL} Online-Safety Portal"
    assert received["To"] == "office@example.org"


def test_send_test_email_refuses_an_address_that_is_not_one(runner):
    result = runner.invoke(args=["portal", "send-test-email", "office.example.org"])
    assert result.exit_code == 2 and "ADDRESS" in result.output
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
