"""verify_archive's database check: recompute every circle's chain from the rows.

For each circle: the signed heads (signature, signer), then the records in seq order
(keyset-paged tuples, no model objects) through archive.chain.ChainCheck, each record
also matched against its message row (a record moved to another message or circle is
named), then the recorded head and the circle's message count. Shredded circles are
verified like any other: the chain covers ciphertext, not text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils.translation import gettext as _

from archive.chain import ChainCheck, Problem, check_stored_rows
from archive.crypto import head_statement
from archive.keys import find_signing_key, public_key_bytes
from archive.models import ArchiveRecord, CircleKey, SignedChainHead
from config.errors import NotFound
from messaging.models import Circle

CHUNK_ROWS = 5000


@dataclass
class VerifyReport:
    problems: list[Problem] = field(default_factory=list)
    circles: int = 0
    records: int = 0
    signed_heads: int = 0
    shredded: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        shredded = (
            f"; {len(self.shredded)} shredded circle(s) ("
            + ", ".join(str(c) for c in self.shredded)
            + ") verified, their text destroyed"
            if self.shredded
            else ""
        )
        return (
            f"OK: {self.circles} circle(s), {self.records} record(s) and "
            f"{self.signed_heads} signed chain head(s) verified{shredded}."
        )


def verify_database(
    *,
    circle_id: int | None = None,
    on_total: Callable[[int], None] | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> VerifyReport:
    """Check every circle's chain (or one); each problem names a first bad record."""
    if circle_id is not None and not Circle.objects.filter(pk=circle_id).exists():
        raise NotFound(_("No circle with id {id}.").format(id=circle_id))
    key_rows = CircleKey.objects.all()
    circles = Circle.objects.all()
    records = ArchiveRecord.objects.all()
    if circle_id is not None:
        key_rows = key_rows.filter(circle_id=circle_id)
        circles = circles.filter(pk=circle_id)
        records = records.filter(circle_id=circle_id)
    keys = {key.circle_id: key for key in key_rows}
    last_seqs = dict(circles.filter(last_seq__gt=0).values_list("pk", "last_seq"))
    with_records = set(records.values_list("circle_id", flat=True).distinct())
    circle_ids = sorted(set(keys) | set(last_seqs) | with_records)
    if on_total is not None:
        on_total(sum(key.head_seq for key in keys.values()))

    signer = find_signing_key()
    local_public = public_key_bytes(signer) if signer is not None else None
    report = VerifyReport(circles=len(circle_ids))
    for circle in circle_ids:
        key = keys.get(circle)
        checker = _check_circle(
            circle,
            key=key,
            last_seq=last_seqs.get(circle, 0),
            local_public=local_public,
            on_progress=on_progress,
        )
        report.records += checker.count
        report.signed_heads += checker.signed_seen
        if key is not None and key.is_shredded:
            report.shredded.append(circle)
        if checker.problem is not None:
            report.problems.append(checker.problem)
    return report


def _check_circle(
    circle_id: int,
    *,
    key: CircleKey | None,
    last_seq: int,
    local_public: bytes | None,
    on_progress: Callable[[int], None] | None,
) -> ChainCheck:
    signed, head_problem = _signed_heads(circle_id, local_public)
    checker = ChainCheck(circle_id, signed=signed)
    if head_problem is not None:
        checker.fail(*head_problem)
        return checker
    last = 0
    while checker.ok:
        chunk = list(
            ArchiveRecord.objects.filter(circle_id=circle_id, seq__gt=last)
            .order_by("seq")
            .values_list(
                "seq",
                "sender_id",
                "sent_at",
                "status",
                "nonce",
                "ciphertext",
                "prev_hash",
                "hash",
                "message__circle_id",
                "message__seq",
            )[:CHUNK_ROWS]
        )
        if not chunk:
            break
        if not check_stored_rows(checker, chunk):
            break
        last = chunk[-1][0]
        if on_progress is not None:
            on_progress(len(chunk))
    if key is not None:
        checker.finish(head_seq=key.head_seq, head_hash=bytes(key.head_hash))
    else:
        checker.finish()
    if checker.ok and last_seq > checker.last_seq:
        checker.fail(
            checker.last_seq + 1,
            f"missing (the circle has {last_seq} messages, the archive ends at seq "
            f"{checker.last_seq})",
        )
    return checker


def _signed_heads(
    circle_id: int, local_public: bytes | None
) -> tuple[dict[int, bytes], tuple[int | None, str] | None]:
    """Verified signed heads {seq: hash}, or the first problem with one."""
    heads = SignedChainHead.objects.filter(circle_id=circle_id).order_by("seq", "pk")
    signed: dict[int, bytes] = {}
    rows = heads.values_list("seq", "hash", "signature", "public_key")
    verifier = (
        Ed25519PublicKey.from_public_bytes(local_public)
        if local_public is not None
        else None
    )
    for seq, head_hash, signature, public in rows:
        head_hash = bytes(head_hash)
        if verifier is None or local_public is None:
            return signed, (
                None,
                "cannot check its signed chain heads: the archive signing key file "
                "is missing",
            )
        if bytes(public) != local_public:
            return signed, (seq, "its signed chain head was signed by an unknown key")
        try:
            verifier.verify(bytes(signature), head_statement(circle_id, seq, head_hash))
        except InvalidSignature:
            return signed, (seq, "its signed chain head does not verify (altered)")
        if signed.get(seq, head_hash) != head_hash:
            return signed, (seq, "two signed chain heads disagree about this record")
        signed[seq] = head_hash
    return signed, None
