"""Production settings: ``SVERKA_HTTPS`` (served over HTTPS) and ``SVERKA_PROXY_FIX``.

``SVERKA_HTTPS=1`` marks the session cookie ``Secure``, builds external URLs with https and
sends HSTS (web/headers.py). ``SVERKA_PROXY_FIX=N`` says N proxies (a TLS-terminating one)
stand in front of the server: the client's address, scheme, host and path prefix are taken
from the ``X-Forwarded-*`` headers the last N of them set. Without it those headers are
ignored, since any client can send them.
"""
from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from tm.errors import InputError

# The most proxies in front of Sverka a setting may name: a chain longer than a few is a
# mistake (a count too high trusts headers a client wrote).
MAX_PROXIES = 5
_OFF = ("", "0", "false", "no", "off")


def flag(value: Any) -> bool:
    """Return a setting's truth: ``1``/``true``/``yes``/``on`` (or JSON true) are on."""
    if isinstance(value, bool) or value is None:
        return bool(value)
    return str(value).strip().lower() not in _OFF


def init_app(app: Flask) -> None:
    """Apply ``HTTPS`` and ``PROXY_FIX`` of the app's config."""
    app.config["HTTPS"] = flag(app.config["HTTPS"])
    if app.config["HTTPS"]:
        app.config.update(SESSION_COOKIE_SECURE=True, PREFERRED_URL_SCHEME="https")
    proxies = _proxies(app.config["PROXY_FIX"])
    if proxies:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies,
            x_prefix=proxies)


def _proxies(value: Any) -> int:
    if isinstance(value, bool) or value is None:  # SVERKA_PROXY_FIX=true: one proxy
        return int(bool(value))
    try:
        count = int(str(value).strip() or 0)
    except ValueError:
        count = -1
    if not 0 <= count <= MAX_PROXIES:
        raise InputError("proxy-fix-invalid", "SVERKA_PROXY_FIX must be the number of "
                         "proxies in front of Sverka (0–{max}), not {value!r}",
                         max=MAX_PROXIES, value=value)
    return count
