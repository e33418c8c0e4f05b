"""Which requests have a session: everything but the public JSON API and /healthz.

Their answers do not depend on who asks, so they neither read the session cookie
nor answer "Vary: Cookie", which would make shared caches (a CDN in front of an
embedded map) keep a copy of the map's GeoJSON per visitor's cookie."""

from __future__ import annotations

from flask.sessions import SecureCookieSessionInterface

COOKIELESS_PREFIXES = ("/api/", "/healthz", "/metrics")


def cookieless(path: str) -> bool:
    """
    >>> cookieless("/api/v1/recommend"), cookieless("/healthz"), cookieless("/admin/login")
    (True, True, False)
    """
    return path.startswith(COOKIELESS_PREFIXES)


class SessionsOffTheApi(SecureCookieSessionInterface):
    def open_session(self, app, request):
        if cookieless(request.path):
            return None  # Flask puts a NullSession in its place and never saves it
        return super().open_session(app, request)
