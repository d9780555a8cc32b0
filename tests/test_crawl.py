"""Issue 19 item 5: no link shown to a user answers 404 (or fails) for that user. Each demo user starts at
the home page and follows every link of every page they reach (GET only), the menu included; each kind of
page (route and query keys) is opened for up to PER_ROUTE different objects."""

from __future__ import annotations

import re
from collections import Counter, deque
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.urls import Resolver404, resolve

from wuxing.orgs.demo import DEMO_USERS

pytestmark = pytest.mark.django_db

PER_ROUTE = 12
HREF = re.compile(r'href="([^"]+)"')
# Issue 20 item 4: what a page shows is Chinese. Not text: scripts, styles, tags, and what stands in a code or
# an address element (data a person typed: codes of standards and indicators, webhook addresses).
HIDDEN = re.compile(r"<(script|style|code)\b.*?</\1>|<[^>]*class=\"[^\"]*\baddress\b[^\"]*\"[^>]*>.*?</[a-z]+>|<[^>]+>",
                    re.S)
# Codes typed as data: U-ZBGY-01, henan-urban-sample, demo_branch (hyphens or underscores join them).
TYPED = re.compile(r"[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)+")
# Names of formats and products a user knows by these letters.
ALLOWED = {"Excel", "Word", "PDF", "PowerPoint", "Office", "YAML", "Webhook", "API", "JPG", "PNG", "WPS", "CSV",
           "xlsx", "docx", "txt", "csv", "pdf", "yaml", "zip", "jpg", "png"}  # and file extensions
LATIN = re.compile(r"[A-Za-z][A-Za-z.]{2,}")


def english(html: str) -> set[str]:
    text = TYPED.sub(" ", unescape(HIDDEN.sub(" ", html)))
    return {w.strip(".") for w in LATIN.findall(text)} - ALLOWED - {""}
SKIP = ("/static/", "/admin/", "/accounts/logout/", "/api/schema/")


def links(html: str) -> list[str]:
    found = []
    for raw in HREF.findall(html):
        url = unescape(raw)
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or url.startswith(SKIP):
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def kind(url: str) -> tuple:
    parts = urlsplit(url)
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        name = parts.path
    keys = tuple(sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair}))
    return name, keys


def crawl(client, latin: dict | None = None) -> tuple[dict[str, tuple[int, str]], int]:
    """Every reachable page: url -> (status, the page that linked it); and how many pages were opened. With
    `latin`, each page's words in Latin letters (outside the allowlist) are collected: word -> page."""
    seen_kinds: Counter = Counter()
    queue = deque([("/", "(start)")])
    visited: set[str] = set()
    bad: dict[str, tuple[int, str]] = {}
    while queue:
        url, source = queue.popleft()
        if url in visited:
            continue
        visited.add(url)
        k = kind(url)
        if seen_kinds[k] >= PER_ROUTE:
            continue
        seen_kinds[k] += 1
        response = client.get(url)
        if response.status_code in (404, 405) or response.status_code >= 500:
            bad[url] = (response.status_code, source)
            continue
        if response.status_code in (301, 302):
            queue.append((response["Location"], url))
            continue
        if "text/html" in response.get("Content-Type", "") and not url.startswith("/api/"):
            html = response.content.decode()
            if latin is not None:
                for word in english(html):
                    latin.setdefault(word, url)
            for link in links(html):
                if link not in visited:
                    queue.append((link, url))
    return bad, sum(seen_kinds.values())


@pytest.mark.parametrize("username", [u for u, _d in DEMO_USERS])
def test_no_link_a_demo_user_is_shown_answers_404_or_500(demo_world, db, client, username):
    from wuxing.orgs.models import User

    client.force_login(User.objects.get(username=username))
    latin: dict[str, str] = {}
    bad, opened = crawl(client, latin)
    print(f"{username}: {opened} pages")
    assert opened > 15, f"{username} reached only {opened} pages"
    assert bad == {}, "\n".join(f"{status} {url}  (linked from {source})" for url, (status, source) in bad.items())
    assert latin == {}, "English on pages:\n" + "\n".join(f"{w}  ({url})" for w, url in sorted(latin.items()))
