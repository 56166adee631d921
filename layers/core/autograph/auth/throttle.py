"""Sign-in throttling after OWASP's guidance: failures are counted per (e-mail, source IP) and
per source IP, never per e-mail alone, so someone elsewhere cannot lock a user out by typing
wrong passwords for their address, and one address cannot spray passwords across accounts.

- (e-mail, IP): `login_max_failures` (5) failures in `login_window_seconds` (15 min) block that
  pair until the window ends (429 + Retry-After); a success from that IP forgives them.
- IP: `login_ip_max_failures` failures across every e-mail in the same window block the IP.

Windows are the fixed-window counters of `autograph.ratelimit` (atomic ADDs, TTL-expired).
"""

from __future__ import annotations

from .. import ratelimit
from ..config import get_settings

PAIR = "login-fail"
IP = "login-fail-ip"


def _pair(email: str, source_ip: str) -> str:
    return f"{email.lower()}|{source_ip}"


def check(email: str, source_ip: str) -> None:
    """Raise 429 while this IP, or this e-mail from this IP, is blocked."""
    s = get_settings()
    ratelimit.guard(IP, source_ip, limit=s.login_ip_max_failures, window_seconds=s.login_window_seconds,
                    detail="Too many failed sign-in attempts from this address; try again later.")
    ratelimit.guard(PAIR, _pair(email, source_ip), limit=s.login_max_failures,
                    window_seconds=s.login_window_seconds,
                    detail="Too many failed sign-in attempts for this account; try again later.")


def record_failure(email: str, source_ip: str) -> int:
    """Count one failure for the pair and the IP; returns the pair's count in the window."""
    s = get_settings()
    ratelimit.add_failure(IP, source_ip, window_seconds=s.login_window_seconds)
    return ratelimit.add_failure(PAIR, _pair(email, source_ip), window_seconds=s.login_window_seconds)


def clear(email: str, source_ip: str) -> None:
    """A successful sign-in (or password reset) forgives that pair's failures."""
    ratelimit.forgive(PAIR, _pair(email, source_ip), window_seconds=get_settings().login_window_seconds)
