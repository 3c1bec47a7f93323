"""Abuse limits on the public routes and on signing in, with the `limits` package (a moving
window per rule and client address, in memory or in Redis): a client over a limit gets a 429
with Retry-After. A sign-in is throttled on its failures, per account and per address, so
guessing a password is slow while the right one still works for everybody else.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import TypeVar

from fastapi import Request
from limits import RateLimitItem, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from journey.errors import TooManyRequests, Unauthorized
from journey.settings import LimitSettings

T = TypeVar("T")


class Throttle:
    def __init__(self, settings: LimitSettings) -> None:
        self.settings = settings
        self.limiter = MovingWindowRateLimiter(storage_from_string(settings.storage_uri))

    def _rule(self, rule: str) -> RateLimitItem:
        return parse(str(getattr(self.settings, rule)))

    def hit(self, rule: str, key: str, what: str) -> None:
        """Count one; over the limit, refuse (the refusal does not count)."""
        item = self._rule(rule)
        if not self.limiter.hit(item, rule, key):
            raise self._refusal(item, rule, key, what)

    def check(self, rule: str, key: str, what: str) -> None:
        """Refuse if already over the limit, counting nothing."""
        item = self._rule(rule)
        if not self.limiter.test(item, rule, key):
            raise self._refusal(item, rule, key, what)

    def _refusal(self, item: RateLimitItem, rule: str, key: str, what: str) -> TooManyRequests:
        reset = self.limiter.get_window_stats(item, rule, key).reset_time
        wait = max(1, math.ceil(reset - time.time()))
        # ("in 15 minutes", not "in 898 s", for a sign-in locked out)
        later = f"{math.ceil(wait / 60)} minutes" if wait >= 120 else f"{wait} s"
        return TooManyRequests(f"too many {what}; try again in {later}", wait)

    def sign_in(self, address: str, email: str, attempt: Callable[[], T]) -> T:
        """Run a sign-in attempt unless the account or the address failed too often lately;
        a failure counts against both."""
        account = email.strip().lower()
        self.check("login_failures_per_account", account, "failed sign-ins for this account")
        self.check("login_failures_per_address", address, "failed sign-ins from this address")
        try:
            return attempt()
        except Unauthorized:
            self.limiter.hit(self._rule("login_failures_per_account"),
                             "login_failures_per_account", account)  # fmt: skip
            self.limiter.hit(self._rule("login_failures_per_address"),
                             "login_failures_per_address", address)  # fmt: skip
            raise


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def throttle_of(request: Request) -> Throttle:
    throttle: Throttle = request.app.state.throttle
    return throttle


def rate_limited(rule: str, what: str, per: str = "address") -> Callable[[Request], None]:
    """A route dependency: one more `rule` for the client's address, or for the path's
    `conversation_id` (the API schema documents the 429 of a route that has it)."""

    def check(request: Request) -> None:
        key = client_address(request) if per == "address" else request.path_params[per]
        throttle_of(request).hit(rule, key, what)

    return check
