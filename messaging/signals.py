"""Logging out ends the person's open sockets, which the session authenticated."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from messaging.broadcast import SESSION_ENDED, send_now, user_group


@receiver(user_logged_out, dispatch_uid="circles.close_sockets_on_logout")
def close_sockets_on_logout(
    sender: Any, request: Any, user: Any, **kwargs: Any
) -> None:
    if user is not None and user.pk is not None:
        send_now(user_group(user.pk), {"type": SESSION_ENDED})
