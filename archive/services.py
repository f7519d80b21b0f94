"""Sealing, reading, auditing and shredding archived text: the archive's use cases.

Called by messaging.services.post_message (seal_message, inside its transaction with
the circle's row locked), by history/resume (open_bodies: members reading their own
circle, not audited), by monitor views (read_for_staff: every read audited) and by
moderation (seal_note/open_note for report reasons and monitor notes). Authorization is
the caller's; this module records and enforces the cryptography.

Redaction: hiding or releasing a message changes Message.status only. The chain covers
the status at sealing time (ArchiveRecord.status), so redaction never breaks it; an
export shows both (``status`` and ``current_status``).

Shredding: a shredded circle's key is gone. open_bodies, read_for_staff and open_note
raise CircleShredded (a clear "destroyed under the retention policy" sentence) rather
than returning placeholders, so no caller can mistake destroyed text for empty text.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from accounts.models import User
from archive.crypto import (
    canonical_sent_at,
    chain_hash,
    head_statement,
    new_data_key,
    open_body,
    open_note_blob,
    seal_body,
    seal_note_blob,
    unwrap_data_key,
    wrap_data_key,
)
from archive.errors import ChainOutOfOrder, CircleShredded
from archive.keys import master_aead, master_keys, public_key_bytes, signing_key
from archive.models import (
    AccessAudit,
    ArchiveRecord,
    CircleKey,
    LegalHold,
    ShredRecord,
    SignedChainHead,
)
from config.errors import Invalid
from messaging.models import Circle, Message

logger = logging.getLogger("circles.archive")

SIGN_EVERY = 100  # a signed head every this many messages per circle (and at export)
_IN_LIST_LIMIT = 500  # longer non-contiguous seq lists read the covering range instead


# Sealing runs for every message, under the circle's lock: plain statements, as the
# ORM's query building cost more than the encryption (bench/post_message_bench.py).
_KEY_FIELDS = (
    "id",
    "circle_id",
    "master_version",
    "wrapped_key",
    "shredded_at",
    "head_seq",
    "head_hash",
)
_KEY_SQL = (
    "SELECT id, circle_id, master_version, wrapped_key, shredded_at, head_seq, "
    "head_hash FROM archive_circlekey WHERE circle_id = %s"
)
_APPEND_SQL = (
    "INSERT INTO archive_archiverecord (message_id, circle_id, seq, sender_id, "
    "sent_at, status, nonce, ciphertext, prev_hash, hash) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
_HEAD_SQL = "UPDATE archive_circlekey SET head_seq = %s, head_hash = %s WHERE id = %s"
_RECENT_SQL = (
    "SELECT seq, nonce, ciphertext FROM archive_archiverecord "
    "WHERE circle_id = %s AND sender_id = %s AND sent_at >= %s "
    "ORDER BY seq DESC LIMIT %s"
)


def circle_key(circle_id: int) -> CircleKey | None:
    """The circle's key row (None before its first message), only the fields that
    sealing and opening use."""
    with connection.cursor() as cursor:
        cursor.execute(_KEY_SQL, [circle_id])
        row = cursor.fetchone()
    if row is None:
        return None
    return CircleKey.from_db(connection.alias, _KEY_FIELDS, row)


@dataclass(frozen=True)
class ShredResult:
    circle_id: int
    record_count: int
    head_seq: int
    head_hash: str
    shredded_at: datetime


@sensitive_variables("text")
def seal_message(*, message: Message, text: str) -> None:
    """Encrypt a message's body and append it to its circle's hash chain.

    Runs inside the caller's transaction with the circle row locked (post_message),
    which keeps seqs gap-free and the head update race-free. Three queries: the circle
    key, the record insert, the head update; the circle's first message also creates
    the key, and every SIGN_EVERY-th message adds a signed head.
    """
    circle_id = message.circle_id
    seq = message.seq
    key = circle_key(circle_id)
    if key is None:
        key = _create_circle_key(circle_id)
    aead = circle_aead(key)
    if seq != key.head_seq + 1:
        raise ChainOutOfOrder(
            _(
                "Message {seq} of circle {circle} cannot be archived: the archive's "
                "next sequence number is {expected}."
            ).format(seq=seq, circle=circle_id, expected=key.head_seq + 1)
        )
    sender_id = message.sender_id
    status = str(message.status)
    nonce, ciphertext = seal_body(
        aead, circle_id=circle_id, seq=seq, sender_id=sender_id, text=text
    )
    prev_hash = bytes(key.head_hash)
    record_hash = chain_hash(
        prev_hash,
        circle_id,
        seq,
        sender_id,
        canonical_sent_at(message.sent_at),
        status,
        nonce,
        ciphertext,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            _APPEND_SQL,
            [
                message.pk,
                circle_id,
                seq,
                sender_id,
                connection.ops.adapt_datetimefield_value(message.sent_at),
                status,
                nonce,
                ciphertext,
                prev_hash,
                record_hash,
            ],
        )
        cursor.execute(_HEAD_SQL, [seq, record_hash, key.pk])
    if seq % SIGN_EVERY == 0:
        sign_chain_head(
            circle_id=circle_id,
            seq=seq,
            head_hash=record_hash,
            reason=SignedChainHead.Reason.PERIODIC,
        )


def open_bodies(*, circle_id: int, seqs: Iterable[int]) -> dict[int, str]:
    """Decrypt bodies of one circle for its own members (history, resume): not audited.

    Seqs without a record are left out. Two queries: the circle key, the records.
    Raises CircleShredded for a shredded circle, RecordUnreadable for an altered one.
    """
    wanted = sorted(set(seqs))
    if not wanted:
        return {}
    key = circle_key(circle_id)
    if key is None:
        return {}  # nothing sealed yet
    aead = circle_aead(key)
    records = ArchiveRecord.objects.filter(circle_id=circle_id)
    contiguous = wanted[-1] - wanted[0] + 1 == len(wanted)
    if contiguous or len(wanted) > _IN_LIST_LIMIT:
        records = records.filter(seq__gte=wanted[0], seq__lte=wanted[-1])
    else:
        records = records.filter(seq__in=wanted)
    rows = records.values_list("seq", "sender_id", "nonce", "ciphertext")
    keep = None if contiguous else set(wanted)
    bodies: dict[int, str] = {}
    for seq, sender_id, nonce, ciphertext in rows:
        if keep is not None and seq not in keep:
            continue
        bodies[seq] = open_body(
            aead,
            circle_id=circle_id,
            seq=seq,
            sender_id=sender_id,
            nonce=bytes(nonce),
            ciphertext=bytes(ciphertext),
        )
    return bodies


def recent_bodies(
    *, circle_id: int, sender_id: int, since: datetime, limit: int
) -> list[str]:
    """The sender's newest `limit` bodies in the circle sealed since `since`, oldest
    first (moderation's split-number check). Two small queries: the key, the records."""
    key = circle_key(circle_id)
    if key is None:
        return []
    aead = circle_aead(key)
    with connection.cursor() as cursor:
        cursor.execute(
            _RECENT_SQL,
            [
                circle_id,
                sender_id,
                connection.ops.adapt_datetimefield_value(since),
                limit,
            ],
        )
        rows = cursor.fetchall()
    return [
        open_body(
            aead,
            circle_id=circle_id,
            seq=seq,
            sender_id=sender_id,
            nonce=bytes(nonce),
            ciphertext=bytes(ciphertext),
        )
        for seq, nonce, ciphertext in reversed(rows)
    ]


def read_for_staff(
    *, user: User, circle_id: int, seqs: Iterable[int], purpose: str
) -> dict[int, str]:
    """open_bodies for program staff, recorded first in the append-only access audit.

    The audit row is written before decrypting, so an attempt is recorded even when
    the read then fails (a shredded or altered circle).
    """
    wanted = sorted(set(seqs))
    purpose = purpose.strip()
    if not purpose:
        raise Invalid(_("Say why you are reading these messages."), field="purpose")
    AccessAudit.objects.create(
        user=user,
        actor=user.get_username(),
        action=AccessAudit.Action.READ,
        circle_id=circle_id,
        seqs=compact_ranges(wanted),
        seq_count=len(wanted),
        purpose=purpose,
    )
    logger.info(
        "staff read user=%s circle=%s count=%s", user.pk, circle_id, len(wanted)
    )
    return open_bodies(circle_id=circle_id, seqs=wanted)


@sensitive_variables("text")
def seal_note(*, circle_id: int, purpose: str, text: str) -> bytes:
    """Encrypt free text about a circle (report reason, monitor note) under its key.

    ``purpose`` (e.g. "report_reason") is bound in, so a blob opens only for the same
    circle and purpose. Shredding the circle destroys its notes with its messages.
    """
    key = circle_key(circle_id)
    if key is None:
        key = _create_circle_key(circle_id)
    return seal_note_blob(
        circle_aead(key), circle_id=circle_id, purpose=purpose, text=text
    )


def open_note(*, circle_id: int, purpose: str, blob: bytes) -> str:
    key = circle_key(circle_id)
    if key is None:
        raise CircleShredded(
            _(
                "Circle {circle} has no archive key, so this note cannot be read."
            ).format(circle=circle_id)
        )
    return open_note_blob(
        circle_aead(key), circle_id=circle_id, purpose=purpose, blob=bytes(blob)
    )


def sign_chain_head(
    *, circle_id: int, seq: int, head_hash: bytes, reason: str
) -> SignedChainHead:
    """Sign (circle, seq, hash) with the archive's Ed25519 key; keep the signature."""
    key = signing_key()
    return SignedChainHead.objects.create(
        circle_id=circle_id,
        seq=seq,
        hash=bytes(head_hash),
        signature=key.sign(head_statement(circle_id, seq, head_hash)),
        public_key=public_key_bytes(key),
        reason=reason,
    )


def sign_current_head(*, circle_id: int, reason: str) -> SignedChainHead | None:
    """Sign the circle's current head unless it is already signed (None: no records)."""
    key = circle_key(circle_id)
    if key is None or key.head_seq == 0:
        return None
    latest = (
        SignedChainHead.objects.filter(circle_id=circle_id, seq=key.head_seq)
        .order_by("-signed_at")
        .first()
    )
    if latest is not None and bytes(latest.hash) == bytes(key.head_hash):
        return latest
    return sign_chain_head(
        circle_id=circle_id,
        seq=key.head_seq,
        head_hash=bytes(key.head_hash),
        reason=reason,
    )


def shred_expired(*, now: datetime | None = None) -> list[ShredResult]:
    """Destroy the keys of circles closed longer than their program's retention.

    Circles under an active legal hold are skipped. Each circle is shredded in its own
    transaction: its head is signed, its wrapped key set to NULL, and a ShredRecord
    written. The ciphertext and chain stay, so verify_archive still checks them.
    """
    now = now or timezone.now()
    results = []
    for circle_id in list_expired(now=now).due:
        result = _shred(circle_id, now=now)
        if result is not None:
            results.append(result)
    return results


@dataclass(frozen=True)
class Expired:
    due: list[int]  # circle ids whose key retention will destroy
    held: list[int]  # circle ids past retention but under an active legal hold


def list_expired(*, now: datetime | None = None) -> Expired:
    """Circles past their program's retention with a live key, split by legal hold."""
    now = now or timezone.now()
    held_ids = set(
        LegalHold.objects.filter(lifted_at__isnull=True).values_list(
            "circle_id", flat=True
        )
    )
    candidates = (
        CircleKey.objects.filter(
            shredded_at__isnull=True,
            circle__status=Circle.Status.CLOSED,
            circle__closed_at__isnull=False,
        )
        .select_related("circle__program")
        .order_by("circle_id")
    )
    due: list[int] = []
    held: list[int] = []
    for key in candidates:
        closed_at = key.circle.closed_at
        retention = timedelta(days=key.circle.program.retention_days)
        if closed_at is None or closed_at + retention > now:
            continue
        (held if key.circle_id in held_ids else due).append(key.circle_id)
    return Expired(due=due, held=held)


def active_legal_hold(*, circle_id: int) -> LegalHold | None:
    return (
        LegalHold.objects.filter(circle_id=circle_id, lifted_at__isnull=True)
        .order_by("-placed_at")
        .first()
    )


def compact_ranges(seqs: Iterable[int]) -> str:
    """'1-3,7,9-10' for [1, 2, 3, 7, 9, 10]: short enough for an audit row."""
    parts: list[str] = []
    ordered = sorted(set(seqs))
    start = previous = None
    for seq in [*ordered, None]:
        if start is not None and previous is not None and seq == previous + 1:
            previous = seq
            continue
        if start is not None and previous is not None:
            parts.append(str(start) if start == previous else f"{start}-{previous}")
        start = previous = seq
    return ",".join(parts)


@transaction.atomic
def _shred(circle_id: int, *, now: datetime) -> ShredResult | None:
    key = (
        CircleKey.objects.select_for_update(of=("self",))
        .select_related("circle__program")
        .get(circle_id=circle_id)
    )
    circle = key.circle
    if key.is_shredded or active_legal_hold(circle_id=circle.pk) is not None:
        return None  # shredded or put on hold since the candidates were listed
    head_hash = bytes(key.head_hash)
    if key.head_seq:
        sign_chain_head(
            circle_id=circle.pk,
            seq=key.head_seq,
            head_hash=head_hash,
            reason=SignedChainHead.Reason.SHRED,
        )
    record_count = ArchiveRecord.objects.filter(circle_id=circle.pk).count()
    CircleKey.objects.filter(pk=key.pk).update(wrapped_key=None, shredded_at=now)
    ShredRecord.objects.create(
        circle=circle,
        shredded_at=now,
        record_count=record_count,
        head_seq=key.head_seq,
        head_hash=head_hash,
        master_version=key.master_version,
        closed_at=circle.closed_at,
        retention_days=circle.program.retention_days,
    )
    logger.info(
        "shredded circle=%s records=%s head_seq=%s",
        circle.pk,
        record_count,
        key.head_seq,
    )
    return ShredResult(
        circle_id=circle.pk,
        record_count=record_count,
        head_seq=key.head_seq,
        head_hash=head_hash.hex(),
        shredded_at=now,
    )


def _create_circle_key(circle_id: int) -> CircleKey:
    keys = master_keys()
    version = keys.current_version
    wrapped = wrap_data_key(
        keys.aead(version),
        version=version,
        circle_id=circle_id,
        data_key=new_data_key(),
    )
    try:
        with transaction.atomic():  # a savepoint: a concurrent creator may win
            return CircleKey.objects.create(
                circle_id=circle_id, master_version=version, wrapped_key=wrapped
            )
    except IntegrityError:
        return CircleKey.objects.get(circle_id=circle_id)


def circle_aead(key: CircleKey) -> AESGCM:
    """The circle's data key as an AES-GCM object; raises CircleShredded."""
    if key.wrapped_key is None:
        shredded_on = key.shredded_at.date().isoformat() if key.shredded_at else "?"
        raise CircleShredded(
            _(
                "The messages of circle {circle} were destroyed on {date} under the "
                "program's retention policy and can no longer be read."
            ).format(circle=key.circle_id, date=shredded_on)
        )
    data_key = unwrap_data_key(
        master_aead(key.master_version),
        version=key.master_version,
        circle_id=key.circle_id,
        wrapped=bytes(key.wrapped_key),
    )
    return AESGCM(data_key)
