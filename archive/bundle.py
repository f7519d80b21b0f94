"""Export bundles: writing and verifying them. Pure: no database, no settings.

A bundle is an age file (pyrage) holding a ustar archive whose members are, in order:
``manifest.json``, ``manifest.sig`` (the raw 64-byte Ed25519 signature of
manifest.json), ``messages.jsonl``, ``flags.jsonl`` and ``audit.jsonl``. Headers are
canonical (mode 0600, uid/gid 0, no user names, mtime = the manifest's ``created``), so
the verifier can rebuild every header and padding block and notice any changed byte.

Nothing is written to disk in plaintext: member contents are spooled to an anonymous
temporary file encrypted under a key that lives only in this process (EncryptedSpool),
then streamed through a tar generator into the age encryptor. Verification streams the
other way: the age decryptor writes into a push parser (TarSink) that hashes members and
walks the hash chains line by line, so memory stays flat for a million messages.

export_archive and verify_archive (archive/export.py, the commands) and the bench call
the same functions.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import struct
import tarfile
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import pyrage
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.utils.translation import gettext as _

from archive.chain import Blob, ChainCheck, Problem
from archive.crypto import NONCE_BYTES, body_aad, canonical_sent_at, head_statement
from archive.errors import (
    BadIdentity,
    BadRecipient,
    CorruptBundle,
    WrongIdentity,
)

FORMAT = "circles-archive-export/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
MESSAGES = "messages.jsonl"
FLAGS = "flags.jsonl"
AUDIT = "audit.jsonl"
DATA_MEMBERS = (MESSAGES, FLAGS, AUDIT)
MEMBERS = (MANIFEST, SIGNATURE, *DATA_MEMBERS)

BLOCK = tarfile.BLOCKSIZE
RECORD = tarfile.RECORDSIZE
_ZERO_BLOCK = bytes(BLOCK)
_MAX_SMALL_MEMBER = 64 << 20  # manifest and signature are read into memory
_KNOWN_STATUSES = frozenset({"delivered", "flagged", "held", "hidden"})
_dumps = json.JSONEncoder(ensure_ascii=False).encode
_b64encode = base64.b64encode
_b64decode = base64.b64decode
_loads = json.loads
_fromhex = bytes.fromhex


# -- recipients and identities ------------------------------------------------------


def parse_recipient(text: str) -> object:
    """An age recipient (``age1…``, or an ``ssh-ed25519``/``ssh-rsa`` public key)."""
    text = text.strip()
    try:
        if text.startswith("ssh-"):
            return pyrage.ssh.Recipient.from_str(text)
        return pyrage.x25519.Recipient.from_str(text)
    except Exception:  # pyrage raises RecipientError, a plain Exception subclass
        shown = text if len(text) <= 24 else text[:20] + "…"
        raise BadRecipient(
            _(
                "'{recipient}' is not an age public key: it should look like "
                "age1… (age-keygen -y prints it), or be an ssh-ed25519 public key."
            ).format(recipient=shown),
            field="recipient",
        ) from None


def read_identities(path: Path) -> list[object]:
    """The age secret keys in an identity file (``AGE-SECRET-KEY-1…`` lines)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        raise BadIdentity(
            _("The identity file {path} cannot be read.").format(path=path),
            field="identity",
        ) from None
    identities = []
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            identities.append(pyrage.x25519.Identity.from_str(line))
        except Exception:  # pyrage raises IdentityError
            raise BadIdentity(
                _(
                    "Line {number} of {path} is not an age secret key "
                    "(AGE-SECRET-KEY-1…)."
                ).format(number=number, path=path),
                field="identity",
            ) from None
    if not identities:
        raise BadIdentity(
            _("The identity file {path} holds no age secret key.").format(path=path),
            field="identity",
        )
    return identities


# -- writing --------------------------------------------------------------------------


def message_line(
    circle_id: int,
    seq: int,
    sender_id: int,
    sent_at: str,
    status: str,
    current_status: str,
    body: str | None,
    nonce: bytes,
    ciphertext: bytes,
    prev_hash: bytes,
    record_hash: bytes,
) -> bytes:
    """One messages.jsonl line (without the newline), keys in a fixed order.

    ``sealed`` is base64(nonce || ciphertext): what the chain hash covers, so the
    reviewer can recompute every hash without any key. ``body`` is null when the
    circle was shredded (or the record does not decrypt).
    """
    return (
        f'{{"circle":{circle_id},"seq":{seq},"sender":{sender_id},'
        f'"sent_at":"{sent_at}","status":{_text(status)},'
        f'"current_status":{_text(current_status)},'
        f'"body":{"null" if body is None else _dumps(body)},'
        f'"sealed":"{_b64encode(nonce + ciphertext).decode()}",'
        f'"prev_hash":"{prev_hash.hex()}","hash":"{record_hash.hex()}"}}'
    ).encode()


def _text(value: str) -> str:
    return f'"{value}"' if value in _KNOWN_STATUSES else _dumps(value)


def json_line(row: Mapping[str, object]) -> bytes:
    """A flags/audit line: JSON with datetimes as ISO text and bytes as hex."""
    return json.dumps(row, ensure_ascii=False, default=_json_default).encode()


def _json_default(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return str(value)


class EncryptedSpool:
    """An append-only byte spool on disk, encrypted under a key held only in memory.

    The file is anonymous (unlinked at creation) and the key dies with the object, so
    a crash leaves nothing readable behind. Tracks size, line count and SHA-256.
    """

    CHUNK = 1 << 20

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 -- closed in close()
        self._aead = AESGCM(AESGCM.generate_key(bit_length=256))
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._chunks = 0
        self._sha = hashlib.sha256()
        self.size = 0
        self.lines = 0
        self._closed = False

    def write_line(self, line: bytes) -> None:
        self._pending.append(line)
        self._pending.append(b"\n")
        self._pending_size += len(line) + 1
        self.lines += 1
        if self._pending_size >= self.CHUNK:
            self._flush()

    def write_lines(self, lines: list[bytes]) -> None:
        """Many lines at once (the export's hot path)."""
        if not lines:
            return
        block = b"\n".join(lines) + b"\n"
        self._pending.append(block)
        self._pending_size += len(block)
        self.lines += len(lines)
        if self._pending_size >= self.CHUNK:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        block = b"".join(self._pending)
        self._pending = []
        self._pending_size = 0
        self._sha.update(block)
        self.size += len(block)
        nonce = self._chunks.to_bytes(NONCE_BYTES, "big")
        self._chunks += 1
        sealed = self._aead.encrypt(nonce, block, None)
        self._file.write(struct.pack(">I", len(sealed)))
        self._file.write(sealed)

    def finish(self) -> str:
        """Flush; returns the SHA-256 (hex) of everything written."""
        self._flush()
        self._file.flush()
        return self._sha.hexdigest()

    def chunks(self) -> Iterator[bytes]:
        self.finish()
        self._file.seek(0)
        for number in range(self._chunks):
            (length,) = struct.unpack(">I", self._file.read(4))
            nonce = number.to_bytes(NONCE_BYTES, "big")
            yield self._aead.decrypt(nonce, self._file.read(length), None)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._file.close()


def tar_header(name: str, size: int, mtime: int) -> bytes:
    """The canonical ustar header the writer uses and the verifier expects."""
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = mtime
    info.mode = 0o600
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.type = tarfile.REGTYPE
    return info.tobuf(format=tarfile.USTAR_FORMAT, encoding="utf-8", errors="strict")


def _padding(size: int) -> bytes:
    return bytes(-size % BLOCK)


def tar_pieces(
    members: Iterable[tuple[str, int, Iterable[bytes]]], mtime: int
) -> Iterator[bytes]:
    """A whole ustar archive as byte pieces, members streamed, record-padded."""
    total = 0
    for name, size, chunks in members:
        header = tar_header(name, size, mtime)
        yield header
        written = 0
        for chunk in chunks:
            written += len(chunk)
            yield chunk
        if written != size:
            raise ValueError(f"tar member {name} changed size while written")
        padding = _padding(size)
        yield padding
        total += len(header) + size + len(padding)
    end = 2 * BLOCK
    yield bytes(end + (-(total + end) % RECORD))


class PiecesReader(io.RawIOBase):
    """A readable stream over an iterator of byte pieces (feeds pyrage.encrypt_io)."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self._pieces = pieces
        self._current = memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        # (the stub types the buffer as WriteableBuffer; both forms are accepted)
        while not self._current:
            piece = next(self._pieces, None)
            if piece is None:
                return 0
            self._current = memoryview(piece)
        count = min(len(buffer), len(self._current))
        buffer[:count] = self._current[:count]
        self._current = self._current[count:]
        return count


class CircleTally:
    """What the writer saw of one circle's records (for the manifest)."""

    __slots__ = ("count", "first_prev_hash", "first_seq", "last_hash", "last_seq")

    def __init__(self) -> None:
        self.count = 0
        self.first_seq: int | None = None
        self.first_prev_hash: bytes | None = None
        self.last_seq: int | None = None
        self.last_hash: bytes | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "count": self.count,
            "first_seq": self.first_seq,
            "last_seq": self.last_seq,
            "first_prev_hash": _hex(self.first_prev_hash),
            "last_hash": _hex(self.last_hash),
        }


def _hex(value: bytes | None) -> str | None:
    return None if value is None else bytes(value).hex()


# One exported message as the writer takes it: (seq, sender_id, sent_at ISO text,
# status when sealed, current status, body or None, nonce, ciphertext, prev, hash).
MessageRow = tuple[int, int, str, str, str, str | None, bytes, bytes, bytes, bytes]


# A record as the database gives it: (seq, sender_id, sent_at, status when sealed,
# current status, nonce, ciphertext, prev_hash, hash).
RecordRow = tuple[int, int, datetime, str, str, Blob, Blob, Blob, Blob]


def decrypt_rows(
    circle_id: int,
    rows: Iterable[RecordRow],
    *,
    aead: AESGCM | None,
    unreadable: list[int],
) -> Iterator[MessageRow]:
    """Database rows to writer rows: bodies decrypted (None when shredded, or when a
    record does not decrypt, whose seq then goes to ``unreadable``)."""
    decrypt = aead.decrypt if aead is not None else None
    for seq, sender_id, sent_at, status, current, nonce, ct, prev, digest in rows:
        nonce, ct = bytes(nonce), bytes(ct)
        body: str | None = None
        if decrypt is not None:
            try:
                body = decrypt(nonce, ct, body_aad(circle_id, seq, sender_id)).decode()
            except InvalidTag:
                unreadable.append(seq)
        yield (
            seq,
            sender_id,
            canonical_sent_at(sent_at),
            status,
            current,
            body,
            nonce,
            ct,
            bytes(prev),
            bytes(digest),
        )


class BundleWriter:
    """Collects one export's files, then writes the signed, encrypted bundle.

    Use: ``add_messages(circle_id, rows)`` per circle (rows in seq order), then
    ``add_flag``/``add_audit``, then ``write(out, ...)``; always ``close()``.
    """

    def __init__(self) -> None:
        self.messages = EncryptedSpool()
        self.flags = EncryptedSpool()
        self.audit = EncryptedSpool()
        self.tallies: dict[int, CircleTally] = {}
        self.sender_ids: set[int] = set()

    def add_messages(self, circle_id: int, rows: Iterable[MessageRow]) -> int:
        tally = self.tallies.setdefault(circle_id, CircleTally())
        lines = []
        senders = self.sender_ids
        seq = 0
        record_hash = b""
        for (
            seq,
            sender_id,
            sent_at,
            status,
            current_status,
            body,
            nonce,
            ciphertext,
            prev_hash,
            record_hash,
        ) in rows:
            if tally.first_seq is None:
                tally.first_seq = seq
                tally.first_prev_hash = prev_hash
            senders.add(sender_id)
            lines.append(
                message_line(
                    circle_id,
                    seq,
                    sender_id,
                    sent_at,
                    status,
                    current_status,
                    body,
                    nonce,
                    ciphertext,
                    prev_hash,
                    record_hash,
                )
            )
        if lines:
            tally.count += len(lines)
            tally.last_seq = seq
            tally.last_hash = record_hash
            self.messages.write_lines(lines)
        return len(lines)

    def add_flag(self, row: Mapping[str, object]) -> None:
        self.flags.write_line(json_line(row))

    def add_audit(self, row: Mapping[str, object]) -> None:
        self.audit.write_line(json_line(row))

    def write(
        self,
        out: BinaryIO,
        *,
        recipients: list[object],
        signing_key: Ed25519PrivateKey,
        manifest: dict[str, object],
        created: datetime,
    ) -> dict[str, object]:
        """Complete and sign the manifest, stream the tar into age; returns it."""
        spools = {MESSAGES: self.messages, FLAGS: self.flags, AUDIT: self.audit}
        files = {}
        for name, spool in spools.items():
            digest = spool.finish()
            files[name] = {"sha256": digest, "size": spool.size, "lines": spool.lines}
        public = signing_key.public_key().public_bytes_raw()
        mtime = int(created.timestamp())
        final = {
            **manifest,
            "format": FORMAT,
            "created": created.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "mtime": mtime,
            "files": files,
            "signing_key": {"algorithm": "ed25519", "public_key": public.hex()},
            "hash_chain": {
                "algorithm": "sha256",
                "encoding": "circles-chain-v1 (see archive/crypto.py)",
                "genesis": bytes(32).hex(),
            },
        }
        manifest_bytes = manifest_json(final)
        signature = signing_key.sign(manifest_bytes)
        members: list[tuple[str, int, Iterable[bytes]]] = [
            (MANIFEST, len(manifest_bytes), [manifest_bytes]),
            (SIGNATURE, len(signature), [signature]),
        ]
        members += [(name, spools[name].size, spools[name].chunks()) for name in spools]
        reader = io.BufferedReader(
            PiecesReader(tar_pieces(members, mtime)), buffer_size=1 << 16
        )
        pyrage.encrypt_io(reader, out, recipients)
        return final

    def close(self) -> None:
        for spool in (self.messages, self.flags, self.audit):
            spool.close()


def manifest_json(manifest: Mapping[str, object]) -> bytes:
    return (
        json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    ).encode()


def chain_head_entry(
    *,
    circle_id: int,
    seq: int,
    head_hash: bytes,
    signature: bytes,
    signed_at: datetime,
) -> dict[str, object]:
    return {
        "circle": circle_id,
        "seq": seq,
        "hash": bytes(head_hash).hex(),
        "signature": bytes(signature).hex(),
        "signed_at": _json_default(signed_at),
    }


# -- verifying ------------------------------------------------------------------------


@dataclass
class BundleReport:
    """What verify_bundle found: problems (first one first) and a summary."""

    problems: list[Problem] = field(default_factory=list)
    manifest: dict[str, object] | None = None
    public_key: str | None = None
    circles: int = 0
    messages: int = 0
    signed_heads: int = 0
    flags: int = 0
    audit: int = 0
    shredded: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        shredded = (
            f"; {len(self.shredded)} shredded circle(s) {_ids(self.shredded)} "
            "(chains verified, text destroyed)"
            if self.shredded
            else ""
        )
        return (
            f"OK: bundle verified: {self.circles} circle(s), {self.messages} "
            f"message(s), {self.signed_heads} signed chain head(s), {self.flags} "
            f"flag(s), {self.audit} audit entries; manifest signed by ed25519 key "
            f"{self.public_key}{shredded}."
        )


def _ids(ids: list[int]) -> str:
    return "(" + ", ".join(str(i) for i in ids) + ")"


class _Member:
    """One tar member being received: hashed, sized, lines counted."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.sha = hashlib.sha256()
        self.size = 0
        self.lines = 0

    def feed(self, data: bytes) -> None:
        self.sha.update(data)
        self.size += len(data)
        self.lines += data.count(b"\n")

    def close(self) -> None:
        pass


class _SmallMember(_Member):
    """manifest.json and manifest.sig: also kept in memory."""

    def __init__(self, name: str, on_close: Callable[[], None] | None = None) -> None:
        super().__init__(name)
        self.parts: list[bytes] = []
        self.too_big = False
        self._on_close = on_close

    def close(self) -> None:
        if self._on_close is not None:
            self._on_close()

    def feed(self, data: bytes) -> None:
        super().feed(data)
        if self.size > _MAX_SMALL_MEMBER:
            self.too_big = True
            self.parts = []
        elif not self.too_big:
            self.parts.append(data)

    @property
    def content(self) -> bytes:
        return b"".join(self.parts)


class _LinesMember(_Member):
    """messages.jsonl: each complete line goes to the callback as it arrives."""

    def __init__(self, name: str, on_line: Callable[[bytes], None]) -> None:
        super().__init__(name)
        self._tail = b""
        self._on_line = on_line

    def feed(self, data: bytes) -> None:
        super().feed(data)
        lines = (self._tail + data).split(b"\n")
        self._tail = lines.pop()
        on_line = self._on_line
        for line in lines:
            on_line(line)

    def close(self) -> None:
        if self._tail:
            self._on_line(self._tail)  # a last line without newline is still checked
            self._tail = b""


class TarSink(io.RawIOBase):
    """A writable push parser for the decrypted tar stream (pyrage.decrypt_io's out).

    Never raises into pyrage: problems are recorded and parsing stops.
    """

    def __init__(self, open_member: Callable[[str, int], _Member]) -> None:
        self._open_member = open_member
        self._buffer = bytearray()
        self._member: _Member | None = None
        self._remaining = 0
        self._padding = 0
        self._ended = False
        self.offset = 0  # bytes consumed so far
        self.headers: list[tuple[str, int, bytes]] = []  # (name, size, raw header)
        self.trailing_nonzero_at: int | None = None
        self.padding_nonzero_at: int | None = None
        self.error: str | None = None
        self.total = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        size = len(data)
        self.total += size
        if self.error is None:
            try:
                self._buffer += data
                self._drain()
            except Exception as error:  # recorded: never raised into age
                self.error = f"{type(error).__name__}: {error}"
        return size

    def _take(self, count: int) -> bytes:
        chunk = bytes(self._buffer[:count])
        del self._buffer[:count]
        self.offset += count
        return chunk

    def _drain(self) -> None:
        buffer = self._buffer
        while buffer:
            if self._ended:
                chunk = self._take(len(buffer))
                if self.trailing_nonzero_at is None and chunk.strip(b"\0"):
                    start = self.offset - len(chunk)
                    self.trailing_nonzero_at = start + next(
                        i for i, byte in enumerate(chunk) if byte
                    )
                return
            if self._member is not None:
                if self._remaining:
                    chunk = self._take(min(self._remaining, len(buffer)))
                    self._remaining -= len(chunk)
                    self._member.feed(chunk)
                    continue
                if self._padding:
                    chunk = self._take(min(self._padding, len(buffer)))
                    self._padding -= len(chunk)
                    if self.padding_nonzero_at is None and chunk.strip(b"\0"):
                        self.padding_nonzero_at = self.offset - len(chunk)
                    continue
                self._member.close()
                self._member = None
                continue
            if len(buffer) < BLOCK:
                return
            header_at = self.offset
            block = self._take(BLOCK)
            if block == _ZERO_BLOCK:
                self._ended = True
                continue
            try:
                info = tarfile.TarInfo.frombuf(block, "utf-8", "surrogateescape")
            except tarfile.HeaderError:
                raise ValueError(
                    f"the tar header at byte {header_at} is damaged"
                ) from None
            self.headers.append((info.name, info.size, block))
            self._member = self._open_member(info.name, info.size)
            self._remaining = info.size
            self._padding = -info.size % BLOCK

    def finish(self) -> None:
        if self._member is not None and not self._remaining and not self._padding:
            self._member.close()
            self._member = None
        if self.error is None and (self._member is not None or not self._ended):
            self.error = "the tar archive is truncated"


class _BundleVerifier:
    def __init__(
        self, *, expected_public_key: bytes | None, circle_id: int | None
    ) -> None:
        self.expected_public_key = expected_public_key
        self.circle_id = circle_id
        self.members: dict[str, _Member] = {}
        self.order: list[str] = []
        self.manifest: dict[str, object] | None = None
        self.manifest_problem: str | None = None
        self.checkers: dict[int, ChainCheck] = {}
        self.current: ChainCheck | None = None
        self.line_problems: list[Problem] = []
        self.signed_by_circle: dict[int, dict[int, bytes]] = {}
        self.line_number = 0
        self.messages = 0
        self.null_bodies: dict[int, int] = {}

    # members ---------------------------------------------------------------
    def open_member(self, name: str, size: int) -> _Member:
        self.order.append(name)
        member: _Member
        if name == MANIFEST:
            member = _SmallMember(name, on_close=self._parse_manifest)
        elif name == SIGNATURE:
            member = _SmallMember(name)
        elif name == MESSAGES:
            self._prepare_signed_heads()
            member = _LinesMember(name, self.on_line)
        else:
            member = _Member(name)
        if name not in self.members:
            self.members[name] = member
        return member

    def _parse_manifest(self) -> None:
        member = self.members[MANIFEST]
        if not isinstance(member, _SmallMember) or member.too_big:
            self.manifest_problem = "manifest.json is too large"
            return
        try:
            manifest = json.loads(member.content)
        except ValueError:
            self.manifest_problem = "manifest.json is not valid JSON"
            return
        if not isinstance(manifest, dict):
            self.manifest_problem = "manifest.json is not a JSON object"
            return
        self.manifest = manifest

    def _prepare_signed_heads(self) -> None:
        """Signed heads from the manifest, for the records passing by to match.

        Only heads inside the exported range: a time-limited export may end before
        the head that was signed at export time.
        """
        for entry in _list(self.manifest, "circles"):
            head = entry.get("chain_head") if isinstance(entry, dict) else None
            if not isinstance(entry, dict) or not isinstance(head, dict):
                continue
            try:
                circle, seq = int(head["circle"]), int(head["seq"])
                head_hash = _fromhex(str(head["hash"]))
                first, last = int(entry["first_seq"]), int(entry["last_seq"])
            except (KeyError, TypeError, ValueError):
                continue  # malformed heads are reported by _check_heads
            if first <= seq <= last:
                self.signed_by_circle.setdefault(circle, {})[seq] = head_hash

    # messages ----------------------------------------------------------------
    def on_line(self, line: bytes) -> None:
        self.line_number += 1
        self.messages += 1
        try:
            record = _loads(line)
            circle = record["circle"]
            seq = record["seq"]
            sender = record["sender"]
            sent_at = record["sent_at"]
            status = record["status"]
            sealed = _b64decode(record["sealed"], validate=True)
            prev_hash = _fromhex(record["prev_hash"])
            record_hash = _fromhex(record["hash"])
            if (
                type(circle) is not int
                or type(seq) is not int
                or type(sender) is not int
                or type(sent_at) is not str
                or type(status) is not str
                or len(sealed) < NONCE_BYTES
            ):
                raise TypeError
        except (ValueError, KeyError, TypeError, binascii.Error):
            where = self.current.circle_id if self.current is not None else None
            expected = self.current.last_seq + 1 if self.current is not None else None
            if where is None:
                self.line_problems.append(
                    Problem(
                        None,
                        None,
                        f"messages.jsonl line {self.line_number}: not a valid record",
                    )
                )
            elif self.current is not None:
                self.current.fail(
                    expected,
                    f"altered: messages.jsonl line {self.line_number} is not a valid "
                    "record",
                )
            return
        checker = self.current
        if checker is None or checker.circle_id != circle:
            if circle in self.checkers:
                self.checkers[circle].fail(
                    seq, "out of order: the circle's records are not together"
                )
                return
            checker = ChainCheck(
                circle, first_seq=None, signed=self.signed_by_circle.get(circle)
            )
            self.checkers[circle] = checker
            self.current = checker
        if record.get("body") is None:
            self.null_bodies[circle] = self.null_bodies.get(circle, 0) + 1
        checker.add(
            seq,
            sender,
            sent_at,
            status,
            sealed[:NONCE_BYTES],
            sealed[NONCE_BYTES:],
            prev_hash,
            record_hash,
        )

    # the end -----------------------------------------------------------------
    def report(self, sink: TarSink) -> BundleReport:
        report = BundleReport()
        problems: list[Problem] = []
        late: list[Problem] = []  # file-level problems, after those naming records

        def bundle_problem(reason: str) -> None:
            late.append(Problem(None, None, reason))

        if sink.error is not None:
            bundle_problem(f"the decrypted tar archive is damaged: {sink.error}")
        manifest = self.manifest
        if manifest is None:
            bundle_problem(self.manifest_problem or "manifest.json is missing")
            problems.extend(self._chain_problems({}))
            report.problems = problems + self.line_problems + late
            return report
        report.manifest = manifest
        self._check_structure(sink, manifest, bundle_problem)
        public_key = self._check_signature(manifest, bundle_problem)
        report.public_key = public_key.public_bytes_raw().hex() if public_key else None
        entries = self._circle_entries(manifest, bundle_problem)
        report.signed_heads = self._check_heads(entries, public_key, bundle_problem)
        problems.extend(self._chain_problems(entries))
        self._check_files(manifest, bundle_problem)
        if self.circle_id is not None and self.circle_id not in entries:
            bundle_problem(f"circle {self.circle_id} is not in this bundle")
        report.problems = problems + self.line_problems + late
        report.circles = len(entries)
        report.messages = self.messages
        report.flags = self.members[FLAGS].lines if FLAGS in self.members else 0
        report.audit = self.members[AUDIT].lines if AUDIT in self.members else 0
        report.shredded = sorted(
            circle for circle, entry in entries.items() if entry.get("shredded") is True
        )
        return report

    def _check_structure(
        self,
        sink: TarSink,
        manifest: dict[str, object],
        bundle_problem: Callable[[str], None],
    ) -> None:
        if self.order != list(MEMBERS):
            bundle_problem(
                "the bundle holds "
                + ", ".join(self.order or ["nothing"])
                + "; expected "
                + ", ".join(MEMBERS)
                + " in that order"
            )
        mtime = manifest.get("mtime")
        for name, size, raw in sink.headers:
            if type(mtime) is not int or raw != tar_header(name, size, mtime):
                bundle_problem(f"the tar header of {name} was altered")
                break
        if sink.padding_nonzero_at is not None:
            bundle_problem(
                f"the tar padding at byte {sink.padding_nonzero_at} was altered"
            )
        if sink.trailing_nonzero_at is not None:
            bundle_problem(
                f"bytes after the end of the tar archive (at byte "
                f"{sink.trailing_nonzero_at}) were altered"
            )
        if sink.error is None and sink.total % RECORD:
            bundle_problem("the tar archive has a wrong length")

    def _check_signature(
        self, manifest: dict[str, object], bundle_problem: Callable[[str], None]
    ) -> Ed25519PublicKey | None:
        signing = manifest.get("signing_key")
        try:
            if not isinstance(signing, dict):
                raise TypeError
            raw = _fromhex(str(signing.get("public_key")))
            public_key = Ed25519PublicKey.from_public_bytes(raw)
        except (AttributeError, TypeError, ValueError):
            bundle_problem("manifest.json does not name an Ed25519 signing key")
            return None
        if self.expected_public_key is not None and raw != self.expected_public_key:
            bundle_problem(
                f"manifest.json was signed by key {raw.hex()}, not by the expected "
                f"key {self.expected_public_key.hex()} (pass --public-key with the "
                "key the exporter gave you)"
            )
        manifest_member = self.members.get(MANIFEST)
        signature_member = self.members.get(SIGNATURE)
        if not isinstance(manifest_member, _SmallMember) or not isinstance(
            signature_member, _SmallMember
        ):
            bundle_problem("manifest.sig is missing")
            return public_key
        try:
            public_key.verify(signature_member.content, manifest_member.content)
        except InvalidSignature:
            bundle_problem(
                "manifest.sig does not verify: manifest.json or its signature was "
                "altered"
            )
        return public_key

    def _circle_entries(
        self, manifest: dict[str, object], bundle_problem: Callable[[str], None]
    ) -> dict[int, dict[str, object]]:
        entries: dict[int, dict[str, object]] = {}
        for entry in _list(manifest, "circles"):
            if isinstance(entry, dict) and type(entry.get("id")) is int:
                entries[int(entry["id"])] = entry
            else:
                bundle_problem("manifest.json lists a circle without an id")
        return entries

    def _check_heads(
        self,
        entries: dict[int, dict[str, object]],
        public_key: Ed25519PublicKey | None,
        bundle_problem: Callable[[str], None],
    ) -> int:
        verified = 0
        for circle, entry in entries.items():
            head = entry.get("chain_head")
            if head is None:
                continue
            try:
                assert isinstance(head, dict)  # noqa: S101 -- caught just below
                seq = int(head["seq"])
                head_hash = _fromhex(str(head["hash"]))
                signature = _fromhex(str(head["signature"]))
                if int(head["circle"]) != circle:
                    raise ValueError
            except (AssertionError, KeyError, TypeError, ValueError):
                bundle_problem(f"circle {circle}: its signed chain head is malformed")
                continue
            if public_key is None:
                continue
            try:
                public_key.verify(signature, head_statement(circle, seq, head_hash))
            except InvalidSignature:
                bundle_problem(
                    f"circle {circle}: the signature of its chain head at seq {seq} "
                    "does not verify"
                )
                continue
            verified += 1
        return verified

    def _chain_problems(self, entries: dict[int, dict[str, object]]) -> list[Problem]:
        problems: list[Problem] = []
        for circle, entry in entries.items():
            checker = self.checkers.get(circle)
            count = entry.get("count")
            first = entry.get("first_seq")
            if checker is None or checker.count == 0:
                if count:
                    problems.append(
                        Problem(
                            circle,
                            first if isinstance(first, int) else None,
                            f"missing (the manifest lists {count} record(s))",
                        )
                    )
                continue
            if checker.ok and first != checker.first_seq:
                checker.fail(
                    first if isinstance(first, int) else checker.first_seq,
                    f"missing (the bundle's records start at seq {checker.first_seq})",
                )
            first_prev = entry.get("first_prev_hash")
            if (
                checker.ok
                and checker.first_prev_hash is not None
                and first_prev != checker.first_prev_hash.hex()
            ):
                checker.fail(
                    checker.first_seq,
                    "altered: it does not link to the chain before the export",
                )
            last_seq = entry.get("last_seq")
            last_hash = entry.get("last_hash")
            try:
                head_hash = _fromhex(str(last_hash)) if last_hash else None
            except ValueError:
                head_hash = None
            checker.finish(
                head_seq=last_seq if isinstance(last_seq, int) else None,
                head_hash=head_hash,
            )
            if checker.ok and checker.count != count:
                checker.fail(
                    None,
                    f"the manifest lists {count} record(s), the bundle holds "
                    f"{checker.count}",
                )
            if checker.problem is not None:
                problems.append(checker.problem)
        for circle, checker in self.checkers.items():
            if circle not in entries:
                problems.append(
                    Problem(circle, checker.first_seq, "not listed in the manifest")
                )
        problems.sort(key=lambda problem: (problem.circle_id or 0, problem.seq or 0))
        return problems

    def _check_files(
        self, manifest: dict[str, object], bundle_problem: Callable[[str], None]
    ) -> None:
        files = manifest.get("files")
        if not isinstance(files, dict):
            bundle_problem("manifest.json lists no file hashes")
            return
        for name in DATA_MEMBERS:
            expected = files.get(name)
            member = self.members.get(name)
            if member is None:
                bundle_problem(f"{name} is missing")
                continue
            if not isinstance(expected, dict):
                bundle_problem(f"manifest.json has no hash for {name}")
                continue
            if expected.get("sha256") != member.sha.hexdigest():
                bundle_problem(
                    f"{name} was altered: its SHA-256 does not match the signed "
                    "manifest"
                )
            elif expected.get("size") != member.size:
                bundle_problem(f"{name} was altered: its size differs")
        for name in files:
            if name not in DATA_MEMBERS:
                bundle_problem(f"manifest.json lists an unexpected file {name}")


def _list(mapping: Mapping[str, object] | None, key: str) -> list[object]:
    value = mapping.get(key) if mapping is not None else None
    return value if isinstance(value, list) else []


def verify_bundle(
    source: BinaryIO,
    identities: list[object],
    *,
    expected_public_key: bytes | None = None,
    circle_id: int | None = None,
) -> BundleReport:
    """Decrypt and check a bundle: tar, signature, file hashes, chains, signed heads.

    Raises WrongIdentity or CorruptBundle when the age layer fails; everything else is
    reported as problems, records first, so the first problem names the first bad one.
    """
    verifier = _BundleVerifier(
        expected_public_key=expected_public_key, circle_id=circle_id
    )
    sink = TarSink(verifier.open_member)
    try:
        pyrage.decrypt_io(source, sink, identities)
    except (pyrage.DecryptError, OSError) as error:  # OSError: damage mid-stream
        if "No matching keys" in str(error):
            raise WrongIdentity(
                _(
                    "This bundle is not encrypted to the given identity (or its "
                    "header is damaged)."
                ),
                field="identity",
            ) from None
        raise CorruptBundle(
            _(
                "The bundle is damaged or truncated and cannot be decrypted; ask for "
                "a new export."
            ),
            field="bundle",
        ) from None
    sink.finish()
    return verifier.report(sink)


def verify_tar(
    chunks: Iterable[bytes],
    *,
    expected_public_key: bytes | None = None,
    circle_id: int | None = None,
) -> BundleReport:
    """verify_bundle's checks on an already decrypted tar stream."""
    verifier = _BundleVerifier(
        expected_public_key=expected_public_key, circle_id=circle_id
    )
    sink = TarSink(verifier.open_member)
    for chunk in chunks:
        sink.write(chunk)
    sink.finish()
    return verifier.report(sink)
