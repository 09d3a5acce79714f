"""Headers on every response: what a browser may load and run, and where pages may go.

The Content-Security-Policy allows scripts, styles and images from this site only, so text
that slipped into a page as markup still cannot run: no inline scripts, event handlers or
``style`` attributes (``<script type="application/json">`` data blocks are data, not
scripts). The page's own scripts set styles through the DOM, which the policy allows.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.wrappers import Response

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Links to a document's source site do not tell it which page of Sverka they were on.
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors, for browsers older than CSP 2
}
# Over HTTPS, browsers are told to use nothing else for a year (the usual HSTS preload
# minimum): a first plain-HTTP visit is the only one a network attacker can see.
HSTS = "max-age=31536000"


def init_app(app: Flask) -> None:
    """Add the headers to every response of ``app`` (HSTS when ``HTTPS`` is on)."""
    headers = dict(HEADERS)
    if app.config["HTTPS"]:
        headers["Strict-Transport-Security"] = HSTS

    @app.after_request
    def add_headers(response: Response) -> Response:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        return response
