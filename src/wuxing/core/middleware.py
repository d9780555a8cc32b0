"""Response headers that Django's SecurityMiddleware does not set."""

from __future__ import annotations

# Everything is served by the app itself: no CDN, no web fonts, no inline scripts.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            # Pages with personal data must not linger in shared browser caches.
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class SessionIdleMiddleware:
    """Idle timeout without a session write on every request.

    SESSION_SAVE_EVERY_REQUEST would rewrite the session row on every page and API call (three
    statements, and concurrent writers to one row: htmx previews racing a form post). We refresh
    the expiry only when the last refresh is older than SESSION_TOUCH_SECONDS, so the timeout is
    exact to within that interval.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        import time

        from django.conf import settings

        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated and not session.is_empty():
            now = int(time.time())
            if now - session.get("_touched", 0) >= settings.SESSION_TOUCH_SECONDS:
                session["_touched"] = now  # marks the session modified: SessionMiddleware saves it
        return response


class ExportAuditMiddleware:
    """Every export and file download (any response carrying Content-Disposition) by a signed-in user
    becomes an audit event: who took which data, when, from where. One place, so no export can forget."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        disposition = response.headers.get("Content-Disposition")
        user = getattr(request, "user", None)
        if disposition and response.status_code == 200 and user is not None and user.is_authenticated:
            from wuxing.core.audit import record
            from wuxing.core.net import client_ip

            record(user, "export", None, {"path": request.path, "query": request.GET.urlencode()[:500],
                                          "disposition": disposition[:300]}, ip=client_ip(request))
        return response


class PasswordChangeRequiredMiddleware:
    """An account created by an administrator or an import must choose its own password first."""

    ALLOWED = ("/accounts/password/", "/accounts/logout/", "/static/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and getattr(user, "must_change_password", False)
                and not request.path.startswith(self.ALLOWED)):
            from django.shortcuts import redirect

            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse({"detail": "首次登录须先修改密码。"}, status=403)
            return redirect("password_change")
        return self.get_response(request)
