"""Circles' ASGI application with what-if changes patched in, to measure a suggested
fix before anyone makes it: for profiling runs only, never used by the product.

    WHATIF=conn_reuse,cached_access,no_lookback \\
    DJANGO_SETTINGS_MODULE=bench.whatif_settings daphne bench.whatif_asgi:application

- conn_reuse (bench/whatif_settings.py): SQLite keeps its connection between calls.
- cached_access: post_message's membership/clearance/agreement check is answered
  from a per-process memo after the first send (an upper bound on what a cheaper
  check, e.g. one query or a version-stamped cache, would save).
- no_lookback: no look-back at the sender's last messages (split numbers).
"""

import importlib
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.whatif_settings")

from config.asgi import application

__all__ = ["application"]

# Only now, with Django set up by config.asgi, may the app modules load.
services = importlib.import_module("messaging.services")

changes = set(filter(None, os.environ.get("WHATIF", "").split(",")))

if "cached_access" in changes:
    check = services.check_can_chat
    memo: dict[tuple[int, int], object] = {}

    def cached_check(*, user, circle):  # type: ignore[no-untyped-def]
        key = (user.pk, circle.pk)
        if key not in memo:
            memo[key] = check(user=user, circle=circle)
        return memo[key]

    services.check_can_chat = cached_check

if "no_lookback" in changes:
    services.recent_texts = lambda *, sender, circle: []
