"""Login throttling: 5 failures for an e-mail within a 15-minute window lock it until the window ends.

The window is one item with a TTL; failures are counted with atomic ADDs, and a new window is
opened with a conditional put, so concurrent failures never lose a count.
"""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, PutError

from ..clock import now
from ..config import get_settings
from ..errors import TooManyRequests
from ..store.auth_models import LoginWindow


def _window(email: str) -> LoginWindow | None:
    try:
        item = LoginWindow.get(*LoginWindow.key(email), consistent_read=True)
    except DoesNotExist:
        return None
    if item.expires_at is not None and item.expires_at <= now():
        return None  # expired but not yet swept by TTL
    return item


def check(email: str) -> None:
    """Raise 429 while the e-mail is locked out; Retry-After is the rest of the window."""
    settings = get_settings()
    item = _window(email)
    if item and item.failures >= settings.login_max_failures:
        raise TooManyRequests(
            "Too many failed sign-in attempts for this account; try again later.",
            retry_after=int(item.expires_at - now()) + 1,
        )


def record_failure(email: str) -> int:
    """Count one failure and return the count in the current window."""
    settings = get_settings()
    t = now()
    item = _window(email)
    if item is None:
        fresh = LoginWindow(*LoginWindow.key(email), failures=1, window_start=t,
                            expires_at=int(t + settings.login_window_seconds))
        try:
            # Only replace a missing or expired window; a concurrent opener wins and we ADD below.
            fresh.save(condition=LoginWindow.pk.does_not_exist() | (LoginWindow.expires_at <= int(t)))
            return 1
        except PutError:
            item = _window(email)
            if item is None:
                return 1
    item.update(actions=[LoginWindow.failures.add(1)])
    return item.failures


def clear(email: str) -> None:
    """A successful sign-in forgives earlier failures."""
    LoginWindow(*LoginWindow.key(email)).delete()
