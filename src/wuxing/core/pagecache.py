"""Parts of pages cached under version numbers that live in the database (DESIGN §3: any cache is safe).

A part is filed under every number it was built from — the rollups' stamp for area pages, a branch's version
(wuxing.core.versions) for a branch's own pages — read before it is built, so it is never filed under a number
newer than its rows; and under what else it depends on: the viewer's grants (the policy decides from them), the
query string and the language. A part that holds forms is built with CSRF_SENTINEL as its token, replaced by
the request's own token on the way out, so one body serves every session.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from wuxing.core.scoping import user_grants

CSRF_SENTINEL = "wuxing-csrf-token-placeholder-7f3c2a9e"
LIFETIME = 600  # seconds: bounds what no number follows (a person's changed name on a comment), and memory


def cached(request, name: str, parts, build, *, csrf: bool = False) -> str:
    """`build()` once per state of `parts()` (what the part depends on beyond the viewer: read only when caching
    is on); with `csrf`, `build` must render with {"csrf_token": CSRF_SENTINEL} in its context."""
    if settings.WUXING_PAGE_CACHE:
        vary = hashlib.sha256(repr([sorted(user_grants(request.user)), request.user.is_superuser,
                                    sorted(request.GET.items())]).encode()).hexdigest()[:20]
        key = f"wuxing:{name}:{':'.join(map(str, parts()))}:{vary}:{get_language()}"
        body = cache.get(key)
        if body is None:
            body = build()
            cache.set(key, body, LIFETIME)
    else:
        body = build()
    return with_token(request, body) if csrf else body


def with_token(request, html: str) -> str:
    """`html` rendered with CSRF_SENTINEL as its token, with the request's own token in its place. `html` is a
    template's output, escaped there: safe to place as it is (a replaced copy is a plain str)."""
    return mark_safe(html.replace(CSRF_SENTINEL, get_token(request)))
