"""Rate limits for sockets: token buckets, kept per connection and per person.

Per-person buckets live in the process that holds the person's sockets; a person with
sockets on several processes gets each process's allowance (connections per person are
capped, so this stays bounded).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.conf import settings


@dataclass
class TokenBucket:
    """`burst` tokens at most, refilled at `per_second`; a take finding none fails."""

    burst: float
    per_second: float
    tokens: float = -1.0
    updated: float = field(default_factory=lambda: time.monotonic())

    def __post_init__(self) -> None:
        if self.tokens < 0:
            self.tokens = self.burst

    def take(self, cost: float = 1.0) -> bool:
        now = time.monotonic()
        self.tokens = min(
            self.burst, self.tokens + (now - self.updated) * self.per_second
        )
        self.updated = now
        # A whisker of slack: the refill is a float difference of two clock readings,
        # and 0.1 s at 20 a second must give 2 tokens, not 1.9999999999.
        if self.tokens >= cost - 1e-9:
            self.tokens -= cost
            return True
        return False

    def is_full(self) -> bool:
        """Has the bucket refilled to its burst (nothing left to remember)?"""
        refilled = self.tokens + (time.monotonic() - self.updated) * self.per_second
        return refilled >= self.burst


@dataclass
class FloodGuard:
    """Counts refusals; `strikes` refusals within `window_seconds` is flooding."""

    strikes: int
    window_seconds: float
    refusals: list[float] = field(default_factory=list)

    def refuse(self) -> bool:
        """Record a refusal; True when the connection should be closed (4429)."""
        now = time.monotonic()
        self.refusals = [t for t in self.refusals if now - t < self.window_seconds]
        self.refusals.append(now)
        return len(self.refusals) >= self.strikes


MAX_SOCKETS_PER_PERSON = 10


def limits() -> dict[str, float]:
    """The limits in force (settings.CHAT_RATE_LIMITS), read at call time."""
    return dict(settings.CHAT_RATE_LIMITS)


def new_send_bucket() -> TokenBucket:
    current = limits()
    return TokenBucket(current["send_burst"], current["send_per_second"])


def new_frame_bucket() -> TokenBucket:
    current = limits()
    return TokenBucket(current["frame_burst"], current["frame_per_second"])


def new_typing_bucket() -> TokenBucket:
    return TokenBucket(1.0, limits()["typing_per_second"])


def new_flood_guard() -> FloodGuard:
    current = limits()
    return FloodGuard(int(current["flood_strikes"]), current["flood_window_seconds"])


_person_send_buckets: dict[int, TokenBucket] = {}
_open_sockets: dict[int, int] = {}


def person_send_bucket(user_id: int) -> TokenBucket:
    bucket = _person_send_buckets.get(user_id)
    if bucket is None:
        bucket = _person_send_buckets[user_id] = new_send_bucket()
    return bucket


def socket_opened(user_id: int) -> bool:
    """Count a new socket; False when the person already has too many open."""
    count = _open_sockets.get(user_id, 0)
    if count >= MAX_SOCKETS_PER_PERSON:
        return False
    _open_sockets[user_id] = count + 1
    return True


def socket_closed(user_id: int) -> None:
    count = _open_sockets.get(user_id, 0) - 1
    if count <= 0:
        _open_sockets.pop(user_id, None)
        forget_refilled_buckets()
    else:
        _open_sockets[user_id] = count


def forget_refilled_buckets() -> None:
    """Drop the send buckets of people with no socket open once they have refilled.
    Not sooner: dropping a spent bucket would give whoever reconnects a fresh burst."""
    for user_id, bucket in list(_person_send_buckets.items()):
        if user_id not in _open_sockets and bucket.is_full():
            del _person_send_buckets[user_id]


def reset() -> None:
    """Forget every bucket and count (tests)."""
    _person_send_buckets.clear()
    _open_sockets.clear()
