"""Real parts for the notification tests (and the benchmark), on 127.0.0.1:

- `Mailbox`: a real SMTP server (aiosmtpd) that keeps every message it accepts. It counts
  what arrives on the wire and files messages by Message-ID, as mail systems do: the same
  Message-ID twice is one message in the mailbox. It can refuse a recipient (550) or be
  stopped and started again on the same port.
- `NotifyStandIn`: an HTTP server implementing the GOV.UK Notify API endpoints the real
  `notifications-python-client` calls (send SMS, send letter, get one notification, list by
  reference), checking the client's JWT. It can be told to answer 500, 429, 400 or to time
  out (before or after it creates the notification).
"""

from __future__ import annotations

import email
import json
import re
import socket
import threading
import time
import uuid
from collections import deque
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Mailbox:
    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.lock = threading.Lock()
        self.wire: list[str] = []  # Message-IDs in order of arrival, repeats included
        self.messages: dict[str, Message] = {}  # by Message-ID: the mailbox
        self.refuse: set[str] = set()
        self.controller: Controller | None = None

    # aiosmtpd handler hooks
    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list) -> str:
        if address in self.refuse:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content)
        mid = str(message["Message-ID"])
        with self.lock:
            self.wire.append(mid)
            self.messages.setdefault(mid, message)
            count = len(self.wire)
        return f"250 2.0.0 OK queued as Q{count}"

    def start(self) -> Mailbox:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def to(self, address: str) -> list[Message]:
        with self.lock:
            return [m for m in self.messages.values() if m["To"] == address]


# ------------------------------------------------------------------------------- Notify

SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
SECRET = "3d844edf-8d35-48ac-975b-e847b4f122b0"
API_KEY = f"vj_test-{SERVICE_ID}-{SECRET}"
UK_MOBILE = re.compile(r"^(\+44|0044|0)7\d{9}$")
POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$", re.I)


class NotifyStandIn:
    def __init__(self, *, timeout_seconds: float = 1.5):
        self.notifications: dict[str, dict[str, Any]] = {}
        self.script: deque[str] = deque()  # "500", "429", "400", "timeout", "slow_create"
        self.requests: list[tuple[str, str]] = []  # (method, path)
        self.sleep = timeout_seconds
        self.lock = threading.Lock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, code: int, body: Any) -> None:
                data = json.dumps(body).encode()
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and left: that is the point of the test

            def _authorised(self) -> bool:
                token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                try:
                    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
                except jwt.PyJWTError:
                    return False
                return claims.get("iss") == SERVICE_ID

            def do_GET(self) -> None:
                stand_in.requests.append(("GET", self.path))
                if not self._authorised():
                    return self._answer(403, {"errors": [{"error": "AuthError"}]})
                url = urlsplit(self.path)
                if url.path == "/v2/notifications":
                    reference = parse_qs(url.query).get("reference", [""])[0]
                    with stand_in.lock:
                        found = [n for n in stand_in.notifications.values()
                                 if n["reference"] == reference]
                    return self._answer(200, {"notifications": found,
                                              "links": {"current": self.path}})
                match = re.fullmatch(r"/v2/notifications/([0-9a-f-]+)", url.path)
                item = stand_in.notifications.get(match.group(1)) if match else None
                if item is None:
                    return self._answer(404, {"errors": [{"error": "NoResultFound"}],
                                              "status_code": 404})
                return self._answer(200, item)

            def do_POST(self) -> None:
                stand_in.requests.append(("POST", self.path))
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if not self._authorised():
                    return self._answer(403, {"errors": [{"error": "AuthError"}]})
                with stand_in.lock:
                    mode = stand_in.script.popleft() if stand_in.script else ""
                if mode == "timeout":
                    time.sleep(stand_in.sleep)
                    return self._answer(500, {"errors": [{"error": "too late"}]})
                if mode in ("500", "429"):
                    return self._answer(int(mode), {"errors": [{"error": "Busy"}],
                                                    "status_code": int(mode)})
                kind = self.path.rsplit("/", 1)[-1]
                problem = stand_in.validate(kind, body)
                if problem or mode == "400":
                    return self._answer(400, {"errors": [{"error": "ValidationError",
                                                          "message": problem or "refused"}],
                                              "status_code": 400})
                item = stand_in.create(kind, body)
                if mode == "slow_create":  # created, but the answer comes too late
                    time.sleep(stand_in.sleep)
                return self._answer(201, {"id": item["id"], "reference": item["reference"],
                                          "content": {"body": item["body"]},
                                          "template": {"id": body["template_id"]}})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)

    def start(self) -> NotifyStandIn:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @staticmethod
    def validate(kind: str, body: dict[str, Any]) -> str:
        if kind == "sms":
            number = re.sub(r"[\s()-]", "", str(body.get("phone_number", "")))
            return "" if UK_MOBILE.match(number) else "phone_number Not a UK mobile number"
        personalisation = body.get("personalisation") or {}
        lines = [personalisation.get(f"address_line_{i}") for i in range(1, 8)]
        lines = [line for line in lines if line]
        if len(lines) < 3:
            return "Address must be at least 3 lines"
        if not POSTCODE.match(lines[-1].strip()):
            return "Last line of address must be a real UK postcode"
        return ""

    def create(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        personalisation = body.get("personalisation") or {}
        item = {"id": str(uuid.uuid4()), "reference": body.get("reference"), "type": kind,
                "status": "created" if kind == "sms" else "accepted",
                "phone_number": body.get("phone_number"),
                "line_1": personalisation.get("address_line_1"),
                "body": personalisation.get("body", ""),
                "subject": personalisation.get("subject", "")}
        with self.lock:
            self.notifications[item["id"]] = item
        return item

    def set_status(self, notification_id: str, status: str) -> dict[str, Any]:
        """Notify's view changes (a delivery receipt): returns the callback Notify would
        send."""
        with self.lock:
            item = self.notifications[notification_id]
            item["status"] = status
        return {"id": item["id"], "reference": item["reference"], "to": item["phone_number"],
                "status": status, "created_at": "2026-11-26T11:00:00.000000Z",
                "completed_at": "2026-11-26T11:00:05.000000Z",
                "sent_at": "2026-11-26T11:00:01.000000Z",
                "notification_type": item["type"]}

    def posts(self) -> int:
        return sum(1 for method, _ in self.requests if method == "POST")
