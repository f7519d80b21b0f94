"""The archive's rows: circle keys, sealed bodies, signed heads, audit, retention.

Bodies exist here only as AES-GCM ciphertext under the circle's data key, which is
stored wrapped by a master key (archive/keys.py). Formats are in archive/crypto.py;
sealing, reading and shredding in archive/services.py. Audit, shred and signed-head rows
are append-only: the ORM refuses to change or delete them.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.crypto import GENESIS_HASH
from archive.errors import AppendOnly
from messaging.models import Message

_M = TypeVar("_M", bound=models.Model)


def _refuse(model: type[models.Model]) -> AppendOnly:
    return AppendOnly(
        _("{what} rows are append-only: they cannot be changed or deleted.").format(
            what=str(model._meta.verbose_name_plural).capitalize()
        )
    )


class AppendOnlyQuerySet(models.QuerySet[_M]):
    def update(self, **kwargs: Any) -> int:
        raise _refuse(self.model)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _refuse(self.model)

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        raise _refuse(self.model)


class AppendOnlyModel(models.Model):
    """Rows that are written once: save() inserts, never updates; delete() refuses."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise _refuse(type(self))
        kwargs["force_insert"] = True  # a preset pk must not turn into an UPDATE
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _refuse(type(self))


class CircleKey(models.Model):
    """A circle's data key, wrapped by a master key version, and its chain head.

    The head (seq and hash of the newest record) is updated in the sealing transaction
    under the circle's row lock, so sealing reads one row instead of the last record.
    Shredding sets ``wrapped_key`` to NULL: the ciphertext stays (the chain still
    verifies) but nobody can read it again.
    """

    circle = models.OneToOneField(
        "messaging.Circle", on_delete=models.PROTECT, related_name="archive_key"
    )
    master_version = models.PositiveIntegerField()
    wrapped_key = models.BinaryField(null=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    rotated_at = models.DateTimeField(null=True, blank=True)
    shredded_at = models.DateTimeField(null=True, blank=True)
    head_seq = models.PositiveBigIntegerField(default=0)
    head_hash = models.BinaryField(max_length=32, default=GENESIS_HASH)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(shredded_at__isnull=True, wrapped_key__isnull=False)
                | models.Q(shredded_at__isnull=False, wrapped_key__isnull=True),
                name="circle_key_present_unless_shredded",
            )
        ]

    def __str__(self) -> str:
        state = "shredded" if self.is_shredded else f"master v{self.master_version}"
        return f"circle {self.circle_id} key ({state})"

    @property
    def is_shredded(self) -> bool:
        return self.shredded_at is not None


class ArchiveRecord(models.Model):
    """One message's body, sealed, and its link in the circle's hash chain.

    ``status`` is the moderation status when sealed (delivered, flagged or held) and is
    covered by the hash; hiding or releasing a message later changes Message.status
    only, so redaction never breaks the chain.
    """

    message = models.OneToOneField(
        Message, on_delete=models.PROTECT, related_name="archive_record"
    )
    circle = models.ForeignKey(
        "messaging.Circle", on_delete=models.PROTECT, related_name="archive_records"
    )
    seq = models.PositiveBigIntegerField()
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Message.Status.choices)
    nonce = models.BinaryField(max_length=12)
    ciphertext = models.BinaryField()
    prev_hash = models.BinaryField(max_length=32)
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["circle", "seq"], name="one_record_per_seq")
        ]

    def __str__(self) -> str:
        return f"record {self.circle_id}#{self.seq}"


class SignedChainHead(AppendOnlyModel):
    """An Ed25519 signature over a circle's chain head (crypto.head_statement)."""

    class Reason(models.TextChoices):
        PERIODIC = "periodic", "Every N messages"
        EXPORT = "export", "At export"
        SHRED = "shred", "At shredding"
        MANUAL = "manual", "On request"

    circle = models.ForeignKey(
        "messaging.Circle", on_delete=models.PROTECT, related_name="signed_heads"
    )
    seq = models.PositiveBigIntegerField()
    hash = models.BinaryField(max_length=32)
    signature = models.BinaryField(max_length=64)
    public_key = models.BinaryField(max_length=32)
    reason = models.CharField(max_length=8, choices=Reason.choices)
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["circle", "seq", "signed_at"]
        indexes = [models.Index(fields=["circle", "seq"], name="signed_head_by_seq")]

    def __str__(self) -> str:
        return f"circle {self.circle_id} head at seq {self.seq}"


class AccessAudit(AppendOnlyModel):
    """Who read or exported which messages, when and why. Append-only."""

    class Action(models.TextChoices):
        READ = "read", "Read by staff"
        EXPORT = "export", "Exported"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    actor = models.CharField(
        max_length=200, help_text="The username, or the command and its OS user."
    )
    action = models.CharField(max_length=8, choices=Action.choices)
    program = models.ForeignKey(
        "accounts.Program",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    circle = models.ForeignKey(
        "messaging.Circle",
        on_delete=models.PROTECT,
        related_name="access_audits",
        null=True,
        blank=True,
    )
    seqs = models.TextField(blank=True, help_text="Ranges, e.g. '1-50,52'.")
    seq_count = models.PositiveIntegerField(default=0)
    purpose = models.TextField()
    recipient = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["circle", "at"], name="audit_by_circle")]
        verbose_name = "access audit entry"
        verbose_name_plural = "access audit entries"

    def __str__(self) -> str:
        return f"{self.actor} {self.action} circle {self.circle_id} at {self.at}"


class LegalHold(models.Model):
    """While a hold is active (not lifted), retention does not shred the circle."""

    circle = models.ForeignKey(
        "messaging.Circle", on_delete=models.PROTECT, related_name="legal_holds"
    )
    reason = models.TextField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["-placed_at"]

    def __str__(self) -> str:
        state = "active" if self.is_active else "lifted"
        return f"legal hold on circle {self.circle_id} ({state})"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class ShredRecord(AppendOnlyModel):
    """What retention destroyed, and when: the circle key, never the chain."""

    circle = models.ForeignKey(
        "messaging.Circle", on_delete=models.PROTECT, related_name="shred_records"
    )
    shredded_at = models.DateTimeField(default=timezone.now)
    record_count = models.PositiveBigIntegerField()
    head_seq = models.PositiveBigIntegerField()
    head_hash = models.BinaryField(max_length=32)
    master_version = models.PositiveIntegerField()
    closed_at = models.DateTimeField(null=True, blank=True)
    retention_days = models.PositiveIntegerField()
    reason = models.CharField(max_length=200, default="retention period ended")

    class Meta:
        ordering = ["-shredded_at"]

    def __str__(self) -> str:
        return f"circle {self.circle_id} shredded at {self.shredded_at}"


class ExportJob(models.Model):
    """An export requested from the administrator pages, run in the background.

    Progress lives here, so any server process can answer "how far along?"; the bundle
    (already encrypted to the recipient) is written under var/exports/.
    """

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    program = models.ForeignKey(
        "accounts.Program", on_delete=models.PROTECT, related_name="+"
    )
    circle = models.ForeignKey(
        "messaging.Circle",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    since = models.DateField(null=True, blank=True)
    until = models.DateField(null=True, blank=True)
    recipient = models.CharField(max_length=200)
    purpose = models.CharField(max_length=300)
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.RUNNING
    )
    total = models.PositiveBigIntegerField(default=0)
    done = models.PositiveBigIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    messages = models.PositiveBigIntegerField(default=0)
    public_key = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.get_status_display()})"
