"""Failed logins, counted per account and per address; too many and logins wait.

Built on ``limits``, the rate-limit library under Flask-Limiter (same maintainers), used
directly because only failures count: a correct password costs nothing, and while an
account or address is locked out even a correct one is refused, so guessing gains nothing.
The counts live in memory by default (one process) or in Redis for a team's processes
(``SVERKA_RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379``).
"""
from __future__ import annotations

import math
import time

from flask import Flask, current_app
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

# At most 5 failed logins per account and 20 per address in 15 minutes.
ACCOUNT_LIMIT = "5/15minutes"
ADDRESS_LIMIT = "20/15minutes"
STORAGE_URI = "memory://"


class LoginThrottle:
    """The failed-login counts of one app."""

    def __init__(self, storage_uri: str, account_limit: str, address_limit: str,
                 key_prefix: str | None = None) -> None:
        options = {"key_prefix": key_prefix} if key_prefix else {}
        self.limiter = MovingWindowRateLimiter(storage_from_string(storage_uri, **options))
        self.account: RateLimitItem = parse(account_limit)
        self.address: RateLimitItem = parse(address_limit)

    def wait_seconds(self, login: str, address: str) -> int:
        """Seconds until ``login`` may be tried from ``address`` again (0: now)."""
        waits = [self._wait(self.account, "account", login),
                 self._wait(self.address, "address", address)]
        return max(waits)

    def failed(self, login: str, address: str) -> None:
        """Count a failed login."""
        self.limiter.hit(self.account, "account", login)
        self.limiter.hit(self.address, "address", address)

    def succeeded(self, login: str) -> None:
        """Forget the account's failures once its password was given."""
        self.limiter.clear(self.account, "account", login)

    def _wait(self, item: RateLimitItem, *identifiers: str) -> int:
        if self.limiter.test(item, *identifiers):
            return 0
        reset = self.limiter.get_window_stats(item, *identifiers).reset_time
        return max(1, math.ceil(reset - time.time()))


def login_throttle() -> LoginThrottle:
    """Return the app's throttle."""
    throttle: LoginThrottle = current_app.extensions["sverka_login_throttle"]
    return throttle


def init_app(app: Flask) -> None:
    """Create the app's throttle from ``RATELIMIT_STORAGE_URI`` and the ``LOGIN_LIMIT_*``."""
    app.extensions["sverka_login_throttle"] = LoginThrottle(
        app.config.get("RATELIMIT_STORAGE_URI", STORAGE_URI),
        app.config.get("LOGIN_LIMIT_ACCOUNT", ACCOUNT_LIMIT),
        app.config.get("LOGIN_LIMIT_ADDRESS", ADDRESS_LIMIT),
        app.config.get("RATELIMIT_KEY_PREFIX"))
