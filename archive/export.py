"""export_archive's work: pick the records, audit the export, write the bundle.

Reads the database in keyset-paged chunks of plain tuples (no model objects per row)
and hands them to archive.bundle.BundleWriter, which the bench drives the same way.
The bundle file appears only when complete (temporary file in the same directory, then
rename); the export is audited (one AccessAudit row per circle, with the recipient)
before any text is decrypted, so even a failed attempt is on record.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Program, User
from archive.bundle import (
    BundleWriter,
    MessageRow,
    chain_head_entry,
    decrypt_rows,
    parse_recipient,
)
from archive.crypto import canonical_sent_at
from archive.keys import public_key_bytes, signing_key
from archive.models import AccessAudit, ArchiveRecord, CircleKey, SignedChainHead
from archive.services import circle_aead, sign_current_head
from config.errors import Invalid, NotFound
from messaging.models import Circle

logger = logging.getLogger("circles.archive.export")

CHUNK_ROWS = 5000
# The fields of moderation.models.Flag an export carries (those that exist).
FLAG_FIELDS = (
    "id",
    "circle",
    "message",
    "seq",
    "category",
    "rule",
    "severity",
    "urgent",
    "status",
    "start",
    "end",
    "created_at",
)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    circles: int
    messages: int
    flags: int
    audit: int
    shredded: list[int]
    public_key: str
    manifest: dict[str, object]


@dataclass
class _CirclePlan:
    circle: Circle
    key: CircleKey | None
    head: SignedChainHead | None
    first_seq: int
    last_seq: int  # first_seq > last_seq: nothing in range

    @property
    def count(self) -> int:
        return max(0, self.last_seq - self.first_seq + 1)


def export_archive(
    *,
    recipient: str,
    out: Path,
    actor: str,
    circle_id: int | None = None,
    program_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    user: User | None = None,
    purpose: str = "archive export",
    on_total: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> ExportResult:
    """Write an age-encrypted, signed bundle of one circle or a whole program."""
    recipients = [parse_recipient(recipient)]
    out = Path(out)
    if not out.parent.is_dir():
        raise Invalid(
            _("The folder {folder} does not exist.").format(folder=out.parent),
            field="out",
        )
    if since is not None and until is not None and since > until:
        raise Invalid(_("--since is after --until."), field="since")
    program, circles = _scope(circle_id=circle_id, program_id=program_id)
    signer = signing_key()
    plans = [_plan(circle, since=since, until=until) for circle in circles]
    _audit_export(
        plans, user=user, actor=actor, purpose=purpose, recipient=recipient.strip()
    )
    if on_total is not None:
        on_total(sum(plan.count for plan in plans))

    writer = BundleWriter()
    try:
        circle_entries = []
        for plan in plans:
            unreadable: list[int] = []
            if plan.count:
                writer.add_messages(
                    plan.circle.pk, _rows(plan, unreadable, on_progress)
                )
            circle_entries.append(_circle_entry(plan, writer, unreadable))
        message_count = sum(tally.count for tally in writer.tallies.values())
        shredded = [plan.circle.pk for plan in plans if _is_shredded(plan)]
        flag_count = _add_flags(writer, plans, since=since, until=until)
        audit_count = _add_audit(writer, plans, program=program)
        created = timezone.now()
        manifest: dict[str, object] = {
            "scope": (
                {"kind": "program", "id": program.pk, "name": program.name}
                if program is not None
                else {"kind": "circle", "id": circles[0].pk, "name": circles[0].name}
            ),
            "time_range": {
                "since": canonical_sent_at(since) if since else None,
                "until": canonical_sent_at(until) if until else None,
            },
            "recipient": recipient.strip(),
            "exported_by": actor,
            "purpose": purpose,
            "counts": {
                "circles": len(plans),
                "messages": message_count,
                "flags": flag_count,
                "audit": audit_count,
                "shredded_circles": len(shredded),
            },
            "circles": circle_entries,
            "people": _people(writer.sender_ids),
        }
        final = _write_atomically(
            out,
            lambda handle: writer.write(
                handle,
                recipients=recipients,
                signing_key=signer,
                manifest=manifest,
                created=created,
            ),
        )
    finally:
        writer.close()
    logger.info(
        "export circles=%s messages=%s actor=%s", len(plans), message_count, actor
    )
    return ExportResult(
        path=out,
        circles=len(plans),
        messages=message_count,
        flags=flag_count,
        audit=audit_count,
        shredded=shredded,
        public_key=public_key_bytes(signer).hex(),
        manifest=final,
    )


def _scope(
    *, circle_id: int | None, program_id: int | None
) -> tuple[Program | None, list[Circle]]:
    if circle_id is not None and program_id is None:
        circle = Circle.objects.select_related("program").filter(pk=circle_id).first()
        if circle is None:
            raise NotFound(_("No circle with id {id}.").format(id=circle_id))
        return None, [circle]
    if program_id is None or circle_id is not None:
        raise Invalid(
            _("Export either one circle (--circle) or one program (--program).")
        )
    program = Program.objects.filter(pk=program_id).first()
    if program is None:
        raise NotFound(_("No program with id {id}.").format(id=program_id))
    circles = list(
        Circle.objects.filter(program=program).select_related("program").order_by("pk")
    )
    return program, circles


def _plan(
    circle: Circle, *, since: datetime | None, until: datetime | None
) -> _CirclePlan:
    """The seq range to export; the head is signed first and bounds the snapshot."""
    head = sign_current_head(circle_id=circle.pk, reason=SignedChainHead.Reason.EXPORT)
    key = CircleKey.objects.filter(circle=circle).first()
    last = head.seq if head is not None else 0
    first = 1
    if last and (since is not None or until is not None):
        bounds = ArchiveRecord.objects.filter(circle=circle, seq__lte=last).aggregate(
            first=Min("seq", filter=Q(sent_at__gte=since)) if since else Min("seq"),
            last=Max("seq", filter=Q(sent_at__lte=until)) if until else Max("seq"),
        )
        if bounds["first"] is None or bounds["last"] is None:
            first, last = 1, 0
        else:
            first, last = bounds["first"], bounds["last"]
    return _CirclePlan(
        circle=circle, key=key, head=head, first_seq=first, last_seq=last
    )


def _audit_export(
    plans: list[_CirclePlan],
    *,
    user: User | None,
    actor: str,
    purpose: str,
    recipient: str,
) -> None:
    for plan in plans:
        AccessAudit.objects.create(
            user=user,
            actor=actor,
            action=AccessAudit.Action.EXPORT,
            program_id=plan.circle.program_id,
            circle=plan.circle,
            seqs=f"{plan.first_seq}-{plan.last_seq}" if plan.count else "",
            seq_count=plan.count,
            purpose=purpose,
            recipient=recipient,
        )


def _rows(
    plan: _CirclePlan,
    unreadable: list[int],
    on_progress: Callable[[int], None] | None,
) -> Iterator[MessageRow]:
    circle_id = plan.circle.pk
    aead: AESGCM | None = None
    if plan.key is not None and not plan.key.is_shredded:
        aead = circle_aead(plan.key)
    last = plan.first_seq - 1
    while last < plan.last_seq:
        chunk = list(
            ArchiveRecord.objects.filter(
                circle_id=circle_id, seq__gt=last, seq__lte=plan.last_seq
            )
            .order_by("seq")
            .values_list(
                "seq",
                "sender_id",
                "sent_at",
                "status",
                "message__status",
                "nonce",
                "ciphertext",
                "prev_hash",
                "hash",
            )[:CHUNK_ROWS]
        )
        if not chunk:
            return
        yield from decrypt_rows(circle_id, chunk, aead=aead, unreadable=unreadable)
        last = chunk[-1][0]
        if on_progress is not None:
            on_progress(len(chunk))


def _is_shredded(plan: _CirclePlan) -> bool:
    return plan.key is not None and plan.key.is_shredded


def _circle_entry(
    plan: _CirclePlan, writer: BundleWriter, unreadable: list[int]
) -> dict[str, object]:
    circle = plan.circle
    tally = writer.tallies.get(circle.pk)
    counted = (
        tally.as_dict()
        if tally is not None
        else {
            "count": 0,
            "first_seq": None,
            "last_seq": None,
            "first_prev_hash": None,
            "last_hash": None,
        }
    )
    head = plan.head
    return {
        "id": circle.pk,
        "name": circle.name,
        "program": circle.program_id,
        "status": circle.status,
        "closed_at": canonical_sent_at(circle.closed_at) if circle.closed_at else None,
        "shredded": _is_shredded(plan),
        "shredded_at": (
            canonical_sent_at(plan.key.shredded_at)
            if plan.key is not None and plan.key.shredded_at
            else None
        ),
        "unreadable_seqs": unreadable,
        "chain_head": (
            chain_head_entry(
                circle_id=circle.pk,
                seq=head.seq,
                head_hash=bytes(head.hash),
                signature=bytes(head.signature),
                signed_at=head.signed_at,
            )
            if head is not None
            else None
        ),
        **counted,
    }


def _add_flags(
    writer: BundleWriter,
    plans: list[_CirclePlan],
    *,
    since: datetime | None,
    until: datetime | None,
) -> int:
    """flags.jsonl from moderation.models.Flag, when that model exists."""
    try:
        # Written concurrently in moderation/: absent (or without Flag) until then.
        from moderation.models import (  # type: ignore[import-not-found,attr-defined,unused-ignore]
            Flag,
        )
    except ImportError:
        return 0
    fields = {field.name: field for field in Flag._meta.concrete_fields}
    if "circle" not in fields:
        logger.warning("moderation.models.Flag has no circle field: no flags exported")
        return 0
    names = [name for name in FLAG_FIELDS if name in fields]
    columns = [fields[name].attname for name in names]
    count = 0
    for plan in plans:
        flags = Flag.objects.filter(circle_id=plan.circle.pk)
        if (since is not None or until is not None) and "seq" in fields:
            in_range = Q(seq__gte=plan.first_seq, seq__lte=plan.last_seq)
            unnumbered = Q(seq__isnull=True)
            if "created_at" in fields:
                if since is not None:
                    unnumbered &= Q(created_at__gte=since)
                if until is not None:
                    unnumbered &= Q(created_at__lte=until)
            flags = flags.filter(in_range | unnumbered)
        for row in flags.order_by("pk").values_list(*columns).iterator(CHUNK_ROWS):
            writer.add_flag(dict(zip(names, row, strict=True)))
            count += 1
    return count


def _add_audit(
    writer: BundleWriter, plans: list[_CirclePlan], *, program: Program | None
) -> int:
    """audit.jsonl: every access audit row of the circles in scope (this export too)."""
    scope = Q(circle_id__in=[plan.circle.pk for plan in plans])
    if program is not None:
        scope |= Q(program=program, circle__isnull=True)
    rows = (
        AccessAudit.objects.filter(scope)
        .order_by("at", "pk")
        .values_list(
            "id",
            "at",
            "user_id",
            "actor",
            "action",
            "program_id",
            "circle_id",
            "seqs",
            "seq_count",
            "purpose",
            "recipient",
        )
    )
    names = (
        "id",
        "at",
        "user",
        "actor",
        "action",
        "program",
        "circle",
        "seqs",
        "seq_count",
        "purpose",
        "recipient",
    )
    count = 0
    for row in rows.iterator(CHUNK_ROWS):
        writer.add_audit(dict(zip(names, row, strict=True)))
        count += 1
    return count


def _people(sender_ids: set[int]) -> list[dict[str, object]]:
    people = User.objects.filter(pk__in=sorted(sender_ids)).order_by("pk")
    return [
        {"id": pk, "username": username, "name": display or username}
        for pk, username, display in people.values_list(
            "pk", "username", "display_name"
        )
    ]


def _write_atomically(
    out: Path, write: Callable[[BinaryIO], dict[str, object]]
) -> dict[str, object]:
    """Write to a temporary file beside ``out`` (mode 0600), then rename over it."""
    descriptor, temporary = tempfile.mkstemp(
        prefix=f".{out.name}.", suffix=".partial", dir=out.parent
    )
    try:
        with os.fdopen(descriptor, "wb") as handle:
            result = write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return result
