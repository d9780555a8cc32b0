"""The channels' protocols: e-mail through Django's configured backend (SMTP in production), the WeCom
group robot's webhook, and an SMS gateway behind a pluggable class. Each raises on failure; the sender
(messaging.sending) decides about retries."""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

# The robot refuses a text message over 2048 bytes (UTF-8); markdown allows 4096.
WECOM_TEXT_LIMIT = 2048


class ChannelError(Exception):
    """The channel answered, but refused the message."""


def fit(text: str, limit_bytes: int) -> str:
    """Cut `text` so that its UTF-8 form fits `limit_bytes`, marking the cut."""
    data = text.encode()
    if len(data) <= limit_bytes:
        return text
    return data[: limit_bytes - len("…".encode())].decode(errors="ignore") + "…"


def send_email(address: str, subject: str, text: str) -> None:
    EmailMessage(subject, text, settings.DEFAULT_FROM_EMAIL, [address]).send(fail_silently=False)


def post_json(url: str, payload: dict, headers: dict | None = None) -> dict:
    request = urllib.request.Request(url, data=json.dumps(payload, ensure_ascii=False).encode(), method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})
    with urllib.request.urlopen(request, timeout=settings.NOTIFY_TIMEOUT) as answer:  # noqa: S310 (hosts checked)
        return json.loads(answer.read(65536).decode() or "{}")


def send_wecom(webhook: str, text: str) -> None:
    """POST a text message to a WeCom group robot; it answers HTTP 200 with errcode 0 when it took it."""
    if urlsplit(webhook).hostname not in settings.NOTIFY_WEBHOOK_HOSTS:
        raise ChannelError("webhook host not allowed (NOTIFY_WEBHOOK_HOSTS)")  # the setting changed since
    answer = post_json(webhook, {"msgtype": "text", "text": {"content": fit(text, WECOM_TEXT_LIMIT)}})
    if answer.get("errcode") != 0:
        raise ChannelError(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}"[:300])


class HttpSmsGateway:
    """The default SMS backend: a JSON POST `{"mobile", "content", "sign"}` to NOTIFY_SMS_URL with a bearer
    token, answered `{"code": 0}`; most provincial government SMS platforms and commercial gateways put such
    an HTTP front before the carrier. Another provider: a class with `send(mobile, text)` named in
    NOTIFY_SMS_BACKEND."""

    def send(self, mobile: str, text: str) -> None:
        if not settings.NOTIFY_SMS_URL:
            raise ChannelError("NOTIFY_SMS_URL is not set")
        answer = post_json(settings.NOTIFY_SMS_URL,
                           {"mobile": mobile, "content": fit(text, 500), "sign": settings.NOTIFY_SMS_SIGN},
                           {"Authorization": f"Bearer {settings.NOTIFY_SMS_TOKEN}"})
        if answer.get("code") != 0:
            raise ChannelError(f"code {answer.get('code')}: {answer.get('message', '')}"[:300])


def send_sms(mobile: str, text: str) -> None:
    import_string(settings.NOTIFY_SMS_BACKEND)().send(mobile, text)
