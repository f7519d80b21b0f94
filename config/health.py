"""`/healthz`: is this process able to serve? Checks the database and channel layer."""

from __future__ import annotations

import asyncio
import logging
import time

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

logger = logging.getLogger("circles.health")
LAYER_TIMEOUT_SECONDS = 2.0


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def check_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "health.ping"})
    await asyncio.wait_for(layer.receive(channel), timeout=LAYER_TIMEOUT_SECONDS)


@require_safe
async def healthz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    for name, check in (
        ("database", database_sync_to_async(check_database)),
        ("channel_layer", check_layer),
    ):
        started = time.perf_counter()
        try:
            await check()
            checks[name] = f"ok ({(time.perf_counter() - started) * 1000:.1f} ms)"
        except Exception as error:  # report, do not crash: this is the health check
            logger.warning("health check failed: %s %s", name, type(error).__name__)
            checks[name] = f"failing: {type(error).__name__}"
    healthy = all(value.startswith("ok") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": checks},
        status=200 if healthy else 503,
    )
