"""The client's address, trusting exactly the configured number of reverse proxies (TRUSTED_PROXY_COUNT).

With 0 (the default) it is the socket address: an X-Forwarded-For header, which any client can send, is
ignored. With N it is the N-th address from the right of X-Forwarded-For — the one the outermost trusted
proxy saw (deploy/nginx.conf overwrites the header with the address it sees, so N = 1 behind it).
Throttles (DRF's NUM_PROXIES), the sign-in lockout (axes) and the public objection limits all use it.
"""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str | None:
    """None when the request carries no address at all (a request built in code, e.g. force_login)."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    chain = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if not chain:
        return remote
    return chain[-min(count, len(chain))]
