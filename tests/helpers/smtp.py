"""A real SMTP server on 127.0.0.1 for the tests: aiosmtpd, collecting what it receives."""

import asyncio
import email
import email.policy
import socket
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A port nothing listens on now (aiosmtpd cannot take port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Collector:
    """aiosmtpd handler: keeps every message; can refuse recipients or data with a reply."""

    def __init__(self):
        self.received: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.rcpt_reply: str | None = None
        self.data_reply: str | None = None
        # Hold every message until this many connections have each sent one: with 2,
        # two workers are provably in the middle of sending at the same time.
        self.meet = 0
        self.senders: set[tuple] = set()
        self.all_here: asyncio.Event | None = None
        self.reply_delay = 0.0  # seconds between keeping a message and saying so (a slow scanner)
        self.quit_delay = 0.0  # seconds to hang before answering QUIT
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.meet:
            await self.wait_for_the_others(session.peer)
        if self.data_reply:
            return self.data_reply
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        if self.reply_delay:
            await asyncio.sleep(self.reply_delay)
        return "250 Message accepted for delivery"

    async def wait_for_the_others(self, peer: tuple) -> None:
        if self.all_here is None:
            self.all_here = asyncio.Event()  # made in the server's own event loop
        self.senders.add(peer)
        if len(self.senders) >= self.meet:
            self.all_here.set()
        await asyncio.wait_for(self.all_here.wait(), timeout=30)

    async def handle_QUIT(self, server, session, envelope):
        if self.quit_delay:
            await asyncio.sleep(self.quit_delay)
        return "221 Bye"


class SmtpServer:
    """Start, stop and start again on the same port, as a real mail server going down."""

    def __init__(self):
        self.port = free_port()
        self.handler = Collector()
        self.controller: Controller | None = None

    @property
    def received(self) -> list[EmailMessage]:
        with self.handler.lock:
            return list(self.handler.received)

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None
