"""A local stand-in for the WeCom group robot service and an SMS gateway, speaking their request and
answer shapes over real HTTP. The demo points its channels here (`wuxing notify sink`, and `wuxing demo`
starts one), and the tests start one to see what really went over the wire.

Robot: POST /cgi-bin/webhook/send?key=KEY with {"msgtype": "text", "text": {"content": ...}} (content at
most 2048 bytes) or {"msgtype": "markdown", "markdown": {"content": ...}} (4096); answers HTTP 200 with
{"errcode": 0, "errmsg": "ok"}, or a non-zero errcode: 93000 for a missing or unknown key, 40008 for an
invalid message type, 40058 for a bad body, 45009 when throttled (`fail_next` makes it answer so).
SMS: POST /sms with {"mobile", "content", "sign"} answered {"code": 0, "message": "ok"}.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

LIMITS = {"text": 2048, "markdown": 4096}


class Sink:
    def __init__(self, host: str = "127.0.0.1", port: int = 0, keys: set[str] | None = None,
                 on_message: Callable[[str, str, str], None] | None = None):
        self.keys = keys  # None: any key is known
        self.on_message = on_message
        self.received: list[tuple[str, dict]] = []  # (key or "sms", payload) of every message taken
        self.refused: list[tuple[str, int]] = []
        self.fail_next = 0
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer((host, port), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def webhook(self, key: str) -> str:
        return f"{self.url}/cgi-bin/webhook/send?key={key}"

    def start(self) -> Sink:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> Sink:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def texts(self, key: str | None = None) -> list[str]:
        return [p.get("text", p.get("markdown", {})).get("content", "") if k != "sms" else p["content"]
                for k, p in self.received if key is None or k == key]

    def _answer(self, key: str, payload) -> dict:
        with self._lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return {"errcode": 45009, "errmsg": "api freq out of limit"}
        if key == "sms":
            if not isinstance(payload, dict) or not payload.get("mobile") or not payload.get("content"):
                return {"code": 400, "message": "mobile and content are required"}
            return {"code": 0, "message": "ok"}
        if not key or (self.keys is not None and key not in self.keys):
            return {"errcode": 93000, "errmsg": "invalid webhook url"}
        if not isinstance(payload, dict):
            return {"errcode": 40058, "errmsg": "invalid json"}
        kind = payload.get("msgtype")
        if kind not in LIMITS:
            return {"errcode": 40008, "errmsg": "invalid message type"}
        content = (payload.get(kind) or {}).get("content")
        if not isinstance(content, str) or not content:
            return {"errcode": 40058, "errmsg": "content is empty"}
        if len(content.encode()) > LIMITS[kind]:
            return {"errcode": 40058, "errmsg": f"content exceed max length {LIMITS[kind]}"}
        return {"errcode": 0, "errmsg": "ok"}

    def _handler(self):
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                parts = urlsplit(self.path)
                if parts.path == "/sms":
                    key = "sms"
                elif parts.path == "/cgi-bin/webhook/send":
                    key = (parse_qs(parts.query).get("key") or [""])[0]
                else:
                    self.send_error(404)
                    return
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    payload = json.loads(self.rfile.read(min(length, 1 << 20)).decode())
                except (ValueError, UnicodeDecodeError):
                    payload = None
                answer = sink._answer(key, payload)
                ok = answer.get("errcode", answer.get("code")) == 0
                with sink._lock:
                    if ok:
                        sink.received.append((key, payload))
                    else:
                        sink.refused.append((key, answer.get("errcode", answer.get("code"))))
                if ok and sink.on_message:
                    text = payload["content"] if key == "sms" else payload[payload["msgtype"]]["content"]
                    sink.on_message("短信" if key == "sms" else "企业微信群机器人", key, text)
                body = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):  # the demo's console shows messages, not request lines
                pass

        return Handler
