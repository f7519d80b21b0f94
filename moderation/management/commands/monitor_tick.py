"""`manage.py monitor_tick`: escalate crisis flags nobody acknowledged in time.

Meant for cron every minute; the flag list runs the same check whenever a monitor
opens it, so the timer holds even without cron.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from moderation.review import escalate_overdue_crises


class Command(BaseCommand):
    help = "Escalate urgent flags not acknowledged within the program's time limit."

    def handle(self, *args: Any, **options: Any) -> None:
        escalated = escalate_overdue_crises()
        self.stdout.write(json.dumps({"escalated": escalated}))
