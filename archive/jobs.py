"""Exports started from the administrator pages: checked, recorded, run in a thread.

The export itself is archive.export.export_archive (the command uses it too). A job
whose thread died with its process stops updating; after STALE_AFTER it reads as
failed, and the administrator starts it again.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as day_time
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Program, User
from accounts.selectors import administered_programs
from archive.bundle import parse_recipient
from archive.export import export_archive
from archive.models import ExportJob
from config.errors import AppError, Invalid, NotFound
from messaging.models import Circle

logger = logging.getLogger("circles.archive.jobs")

STALE_AFTER = timedelta(minutes=10)
PROGRESS_EVERY_SECONDS = 0.5


def exports_dir() -> Path:
    path = Path(settings.VAR_DIR) / "exports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


@dataclass(frozen=True)
class JobView:
    id: int
    status: str
    scope: str
    recipient: str
    purpose: str
    total: int
    done: int
    messages: int
    public_key: str
    error: str
    created_at: datetime
    requested_by: str

    @property
    def percent(self) -> int:
        if self.status == ExportJob.Status.DONE:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "status": self.status,
            "scope": self.scope,
            "total": self.total,
            "done": self.done,
            "percent": self.percent,
            "messages": self.messages,
            "public_key": self.public_key,
            "error": self.error,
        }


def job_view(job: ExportJob) -> JobView:
    status = job.status
    error = job.error
    if (
        status == ExportJob.Status.RUNNING
        and timezone.now() - job.updated_at > STALE_AFTER
    ):
        status = ExportJob.Status.FAILED
        error = _("The export stopped (the server restarted); start it again.")
    scope = job.circle.name if job.circle_id and job.circle else job.program.name
    return JobView(
        id=job.pk,
        status=status,
        scope=scope,
        recipient=job.recipient,
        purpose=job.purpose,
        total=job.total,
        done=job.done,
        messages=job.messages,
        public_key=job.public_key,
        error=error,
        created_at=job.created_at,
        requested_by=job.requested_by.get_username(),
    )


def list_export_jobs(*, user: User, limit: int = 20) -> list[JobView]:
    jobs = (
        ExportJob.objects.filter(program__in=administered_programs(user))
        .select_related("program", "circle", "requested_by")
        .order_by("-created_at")[:limit]
    )
    return [job_view(job) for job in jobs]


def access_export_job(*, user: User, job_id: int) -> ExportJob:
    job = (
        ExportJob.objects.filter(pk=job_id, program__in=administered_programs(user))
        .select_related("program", "circle", "requested_by")
        .first()
    )
    if job is None:
        raise NotFound(_("No such export."))
    return job


def start_export(
    *,
    user: User,
    program_id: int,
    circle_id: int | None,
    since: date | None,
    until: date | None,
    recipient: str,
    purpose: str,
) -> ExportJob:
    """Check the request, record the job and start it in the background."""
    program = administered_programs(user).filter(pk=program_id).first()
    if program is None:
        raise NotFound(_("No such program."))
    if (
        circle_id is not None
        and not Circle.objects.filter(pk=circle_id, program=program).exists()
    ):
        raise Invalid(
            _("That circle is not in {program}.").format(program=program.name),
            field="circle",
        )
    recipient = recipient.strip()
    parse_recipient(recipient)  # raises BadRecipient with a sentence
    if not purpose.strip():
        raise Invalid(_("Say why the archive is being exported."), field="purpose")
    if since and until and since > until:
        raise Invalid(_("The start date is after the end date."), field="since")
    job = ExportJob.objects.create(
        requested_by=user,
        program=program,
        circle_id=circle_id,
        since=since,
        until=until,
        recipient=recipient,
        purpose=purpose.strip(),
        file_name=f"export-{program.pk}-{secrets.token_hex(8)}.age",
    )
    launch(job.pk)
    return job


def launch(job_id: int) -> None:
    """Run the job in a thread of this process (tests replace this to run it inline)."""
    threading.Thread(
        target=_in_own_thread, args=(job_id,), name=f"export-{job_id}", daemon=True
    ).start()


def _in_own_thread(job_id: int) -> None:
    close_old_connections()
    try:
        run_export_job(job_id)
    finally:
        connection.close()  # this thread's own connection


def _day_start(day: date | None) -> datetime | None:
    return (
        datetime.combine(day, day_time.min, tzinfo=timezone.get_current_timezone())
        if day
        else None
    )


def _day_end(day: date | None) -> datetime | None:
    return (
        datetime.combine(day, day_time.max, tzinfo=timezone.get_current_timezone())
        if day
        else None
    )


def run_export_job(job_id: int) -> None:
    job = ExportJob.objects.select_related("program", "requested_by").get(pk=job_id)
    last = 0.0

    def on_total(total: int) -> None:
        ExportJob.objects.filter(pk=job_id).update(
            total=total, updated_at=timezone.now()
        )

    def on_progress(done: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= PROGRESS_EVERY_SECONDS:
            last = now
            ExportJob.objects.filter(pk=job_id).update(
                done=done, updated_at=timezone.now()
            )

    try:
        result = export_archive(
            recipient=job.recipient,
            out=exports_dir() / job.file_name,
            actor=job.requested_by.get_username(),
            circle_id=job.circle_id,
            program_id=None if job.circle_id else job.program_id,
            since=_day_start(job.since),
            until=_day_end(job.until),
            user=job.requested_by,
            purpose=job.purpose,
            on_total=on_total,
            on_progress=on_progress,
        )
    except AppError as error:
        _finish(job_id, status=ExportJob.Status.FAILED, error=error.detail)
    except Exception:
        logger.exception("export job failed job=%s", job_id)
        _finish(
            job_id,
            status=ExportJob.Status.FAILED,
            error=_("The export failed on the server; nothing was written."),
        )
    else:
        _finish(
            job_id,
            status=ExportJob.Status.DONE,
            messages=result.messages,
            public_key=result.public_key,
        )


def _finish(job_id: int, **fields: object) -> None:
    if fields.get("status") == ExportJob.Status.DONE:
        fields["done"] = F("total")
    ExportJob.objects.filter(pk=job_id).update(
        finished_at=timezone.now(), updated_at=timezone.now(), **fields
    )


def export_file(*, user: User, job_id: int) -> tuple[Path, str]:
    """The finished bundle's path and a download name, for someone who may have it."""
    job = access_export_job(user=user, job_id=job_id)
    path = exports_dir() / job.file_name
    if job.status != ExportJob.Status.DONE or not path.exists():
        raise NotFound(_("This export has no file to download (yet)."))
    stamp = job.created_at.strftime("%Y%m%d-%H%M")
    return path, f"circles-export-{job.program_id}-{stamp}.tar.age"


def program_choices(user: User) -> list[Program]:
    return list(administered_programs(user).order_by("name"))
