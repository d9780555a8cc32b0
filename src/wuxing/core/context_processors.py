"""Navigation entries depend on the user's roles; computed once per request, lazily."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject


def navigation(request):
    def is_admin():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        from wuxing.core import policy

        return policy.may_anywhere(user, "unit.manage")

    def unread():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return 0
        from wuxing.core.notify import unread_count

        return unread_count(user)

    def domains():
        # The menu shows the domains the user's roles open (the two are separate, DESIGN §2).
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return {"star": False, "casefile": False}
        from wuxing.core import policy

        return {"star": policy.may_anywhere(user, "star.view"), "casefile": policy.may_anywhere(user, "casefile.view")}

    return {"nav_domains": SimpleLazyObject(domains),
            "nav_is_admin": SimpleLazyObject(lambda: {"value": is_admin()}),
            "nav_unread": SimpleLazyObject(lambda: {"value": unread()})}
