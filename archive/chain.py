"""Walking a circle's hash chain and naming its first bad record. Pure: no database.

verify_archive feeds it rows from the database (archive/verify.py) or lines from an
export bundle (archive/bundle.py); the bench feeds it synthetic rows. The byte formats
are in archive/crypto.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from archive.crypto import GENESIS_HASH, canonical_sent_at, chain_hash


@dataclass(frozen=True)
class Problem:
    """The first thing wrong in one circle's chain (or in a bundle, circle None)."""

    circle_id: int | None
    seq: int | None
    reason: str

    def __str__(self) -> str:
        if self.circle_id is None:
            return self.reason
        if self.seq is None:
            return f"circle {self.circle_id}: {self.reason}"
        return f"circle {self.circle_id} seq {self.seq}: {self.reason}"


class ChainCheck:
    """Checks one circle's records, fed in seq order; keeps the first problem.

    ``first_seq=None`` accepts a chain that starts anywhere (a time-limited export),
    taking the first record's ``prev_hash`` on trust; from seq 1 it must be the
    genesis hash. ``signed`` maps seqs to hashes from verified signed heads.
    """

    __slots__ = (
        "circle_id",
        "count",
        "expected_seq",
        "first_prev_hash",
        "first_seq",
        "last_hash",
        "last_seq",
        "problem",
        "signed",
        "signed_seen",
    )

    def __init__(
        self,
        circle_id: int,
        *,
        first_seq: int | None = 1,
        signed: dict[int, bytes] | None = None,
    ) -> None:
        self.circle_id = circle_id
        self.expected_seq = first_seq
        self.signed = signed or {}
        self.signed_seen = 0
        self.count = 0
        self.first_seq: int | None = None
        self.first_prev_hash: bytes | None = None
        self.last_seq = 0 if first_seq is None else first_seq - 1
        self.last_hash: bytes | None = GENESIS_HASH if first_seq == 1 else None
        self.problem: Problem | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def fail(self, seq: int | None, reason: str) -> None:
        if self.problem is None:
            self.problem = Problem(self.circle_id, seq, reason)

    def add(
        self,
        seq: int,
        sender_id: int,
        sent_at: str,
        status: str,
        nonce: bytes,
        ciphertext: bytes,
        prev_hash: bytes,
        record_hash: bytes,
    ) -> None:
        self.count += 1
        if self.problem is not None:
            return
        if self.first_seq is None:
            self.first_seq = seq
            self.first_prev_hash = prev_hash
            if self.expected_seq is None:
                self.expected_seq = seq
                if seq == 1:
                    self.last_hash = GENESIS_HASH
        expected = self.expected_seq
        if seq != expected:
            if expected is not None and seq > expected:
                self.fail(expected, f"missing (the next record found is seq {seq})")
            else:
                self.fail(seq, f"out of order or repeated (expected seq {expected})")
            return
        computed = chain_hash(
            prev_hash,
            self.circle_id,
            seq,
            sender_id,
            sent_at,
            status,
            nonce,
            ciphertext,
        )
        if computed != record_hash:
            self.fail(seq, "altered: its contents do not match its hash")
            return
        if self.last_hash is not None and prev_hash != self.last_hash:
            previous = seq - 1
            if self.signed.get(previous) == self.last_hash:
                self.fail(seq, f"altered: it does not link to seq {previous}")
            else:
                self.fail(
                    previous,
                    f"altered: its hash is not the one seq {seq} links to "
                    "(the record was rewritten, or the next one's link was)",
                )
            return
        signed = self.signed.get(seq)
        if signed is not None:
            if signed != record_hash:
                self.fail(seq, "altered: it differs from the signed chain head")
                return
            self.signed_seen += 1
        self.expected_seq = seq + 1
        self.last_seq = seq
        self.last_hash = record_hash

    def finish(
        self, *, head_seq: int | None = None, head_hash: bytes | None = None
    ) -> None:
        """After the last record: compare with the recorded head and signed heads."""
        if self.problem is not None:
            return
        if head_seq is not None and self.last_seq < head_seq:
            self.fail(
                self.last_seq + 1,
                f"missing (the chain head is at seq {head_seq}, the records end at "
                f"seq {self.last_seq})",
            )
            return
        if (
            head_seq is not None
            and head_hash is not None
            and self.last_seq == head_seq
            and self.last_hash != head_hash
        ):
            self.fail(head_seq, "altered: it differs from the recorded chain head")
            return
        beyond = [seq for seq in self.signed if seq > self.last_seq]
        if beyond:
            self.fail(
                self.last_seq + 1,
                f"missing (a signed chain head covers seq {min(beyond)})",
            )


Blob = bytes | memoryview  # what a BinaryField gives back, depending on the driver

# A record as verify_archive reads it from the database: (seq, sender_id, sent_at,
# status, nonce, ciphertext, prev_hash, hash, its message's circle and seq).
StoredRow = tuple[int, int, datetime, str, Blob, Blob, Blob, Blob, int, int]


def check_stored_rows(checker: ChainCheck, rows: Iterable[StoredRow]) -> bool:
    """Feed database rows (in seq order) to a checker; False once it found a problem.

    Also names a record whose message row is another circle's or another seq's.
    """
    add = checker.add
    circle_id = checker.circle_id
    for (
        seq,
        sender_id,
        sent_at,
        status,
        nonce,
        ciphertext,
        prev_hash,
        record_hash,
        message_circle,
        message_seq,
    ) in rows:
        if message_circle != circle_id or message_seq != seq:
            checker.fail(
                seq,
                f"moved: the record belongs to message {message_seq} of circle "
                f"{message_circle}",
            )
            return False
        add(
            seq,
            sender_id,
            canonical_sent_at(sent_at),
            status,
            bytes(nonce),
            bytes(ciphertext),
            bytes(prev_hash),
            bytes(record_hash),
        )
        if checker.problem is not None:
            return False
    return True
