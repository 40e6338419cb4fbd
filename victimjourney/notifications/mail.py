"""Django's SMTP email backend, with a hook just before the message is committed.

SMTP hands a message over at the end of DATA (the line with a single dot). A sender that dies
before that line sent nothing; one that dies after it may have sent the message. The worker
records the moment in between (`before_commit`), so after a crash it knows whether a resend
could be a duplicate: such a resend keeps the same Message-ID, the idempotency key by which
mail systems recognise a message they already have. The server's reply to DATA is kept as the
receipt of acceptance (`last_reply`).
"""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Callable
from typing import Any

from django.core.mail.backends.smtp import EmailBackend


class _HookedDATA:
    before_commit: Callable[[], None] | None = None
    last_reply: tuple[int, bytes] | None = None

    def data(self, msg: Any) -> tuple[int, bytes]:
        # smtplib.SMTP.data, split before the terminating dot.
        smtp: Any = self
        smtp.putcmd("data")
        code, repl = smtp.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, repl)
        if isinstance(msg, str):
            msg = smtplib._fix_eols(msg).encode("ascii")  # type: ignore[attr-defined]
        quoted = smtplib._quote_periods(msg)  # type: ignore[attr-defined]
        if quoted[-2:] != smtplib.bCRLF:
            quoted += smtplib.bCRLF
        # The dot goes in a packet of its own: without this, Nagle's algorithm holds it back
        # until the body is acknowledged (a delayed ACK: tens of milliseconds a message).
        smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        smtp.send(quoted)
        if self.before_commit is not None:
            self.before_commit()
        smtp.send(b"." + smtplib.bCRLF)
        reply = smtp.getreply()
        self.last_reply = reply
        return reply


class _SMTP(_HookedDATA, smtplib.SMTP):
    pass


class _SMTPSSL(_HookedDATA, smtplib.SMTP_SSL):
    pass


class TwoPhaseEmailBackend(EmailBackend):
    """Configured like Django's SMTP backend (EMAIL_HOST, EMAIL_PORT, EMAIL_USE_TLS, ...)."""

    @property
    def connection_class(self) -> type[smtplib.SMTP]:
        return _SMTPSSL if self.use_ssl else _SMTP
