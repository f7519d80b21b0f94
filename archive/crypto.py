"""Pure cryptography for the archive: no database, no settings, no logging.

Owns the byte-level formats, which an outside verifier can reimplement from this file:

* Circle data keys (32 random bytes) are wrapped by a master key with AES-256-GCM:
  ``wrapped = nonce(12) || ciphertext+tag(48)``, associated data
  ``b"circles-key-v1\\0" || u64 circle_id || u32 master_version``, so a wrapped key
  copied to another circle or relabelled with another version does not open.
* Message bodies: AES-256-GCM under the circle key, a random 96-bit nonce, associated
  data ``b"circles-body-v1\\0" || u64 circle_id || u64 seq || u64 sender_id``, so a
  ciphertext moved to another record does not decrypt.
* Notes (report reasons, monitor notes): ``b"\\x01" || nonce(12) || ciphertext+tag``
  under the circle key, associated data ``b"circles-note-v1\\0" || u64 circle_id ||
  utf-8 purpose``.
* The hash chain (one per circle): ``hash = SHA-256(b"circles-chain-v1\\0" ||
  prev_hash(32) || u64 circle_id || u64 seq || u64 sender_id || u8 len || sent_at ||
  u8 len || status || nonce(12) || u32 len || ciphertext)``, ``sent_at`` as ISO 8601
  UTC text with microseconds (``2025-01-31T09:30:00.000000Z``), ``status`` the
  moderation status when sealed, all integers big-endian, and 32 zero bytes as the
  first record's ``prev_hash``.
* A signed chain head is an Ed25519 signature over ``b"circles-head-v1\\0" ||
  u64 circle_id || u64 seq || hash(32)``.
"""

from __future__ import annotations

import hashlib
import os
import struct
from datetime import UTC, datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.utils.translation import gettext as _

from archive.errors import RecordUnreadable, WrongMasterKey

KEY_BYTES = 32
NONCE_BYTES = 12
HASH_BYTES = 32
GENESIS_HASH = bytes(HASH_BYTES)
NOTE_FORMAT = b"\x01"

_KEY_TAG = b"circles-key-v1\x00"
_BODY_TAG = b"circles-body-v1\x00"
_NOTE_TAG = b"circles-note-v1\x00"
_CHAIN_TAG = b"circles-chain-v1\x00"
_HEAD_TAG = b"circles-head-v1\x00"

_pack_key = struct.Struct(">QI").pack
_pack_ids = struct.Struct(">QQQ").pack
_pack_head = struct.Struct(">QQ").pack
_pack_length = struct.Struct(">I").pack
_sha256 = hashlib.sha256
_urandom = os.urandom


def canonical_sent_at(moment: datetime) -> str:
    """ISO 8601 in UTC with microseconds and a Z: the form the chain hashes."""
    if moment.tzinfo is None:  # a naive time is taken as UTC (USE_TZ stores UTC)
        moment = moment.replace(tzinfo=UTC)
    elif moment.utcoffset():
        moment = moment.astimezone(UTC)
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def wrap_data_key(
    master: AESGCM, *, version: int, circle_id: int, data_key: bytes
) -> bytes:
    nonce = _urandom(NONCE_BYTES)
    aad = _KEY_TAG + _pack_key(circle_id, version)
    return nonce + master.encrypt(nonce, data_key, aad)


def unwrap_data_key(
    master: AESGCM, *, version: int, circle_id: int, wrapped: bytes
) -> bytes:
    aad = _KEY_TAG + _pack_key(circle_id, version)
    try:
        return master.decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], aad)
    except InvalidTag:
        raise WrongMasterKey(
            _(
                "Master key version {version} does not open the key of circle "
                "{circle}: the configured keys do not belong to this database."
            ).format(version=version, circle=circle_id)
        ) from None


def body_aad(circle_id: int, seq: int, sender_id: int) -> bytes:
    return _BODY_TAG + _pack_ids(circle_id, seq, sender_id)


def seal_body(
    aead: AESGCM, *, circle_id: int, seq: int, sender_id: int, text: str
) -> tuple[bytes, bytes]:
    """Encrypt one message body; returns (nonce, ciphertext with tag)."""
    nonce = _urandom(NONCE_BYTES)
    aad = _BODY_TAG + _pack_ids(circle_id, seq, sender_id)
    return nonce, aead.encrypt(nonce, text.encode(), aad)


def open_body(
    aead: AESGCM,
    *,
    circle_id: int,
    seq: int,
    sender_id: int,
    nonce: bytes,
    ciphertext: bytes,
) -> str:
    aad = _BODY_TAG + _pack_ids(circle_id, seq, sender_id)
    try:
        return aead.decrypt(nonce, ciphertext, aad).decode()
    except InvalidTag:
        raise RecordUnreadable(
            _(
                "The archived text of circle {circle} message {seq} does not decrypt: "
                "the record was altered or moved. Run verify_archive."
            ).format(circle=circle_id, seq=seq)
        ) from None


def note_aad(circle_id: int, purpose: str) -> bytes:
    return _NOTE_TAG + struct.pack(">Q", circle_id) + purpose.encode()


def seal_note_blob(aead: AESGCM, *, circle_id: int, purpose: str, text: str) -> bytes:
    nonce = _urandom(NONCE_BYTES)
    sealed = aead.encrypt(nonce, text.encode(), note_aad(circle_id, purpose))
    return NOTE_FORMAT + nonce + sealed


def open_note_blob(aead: AESGCM, *, circle_id: int, purpose: str, blob: bytes) -> str:
    blob = bytes(blob)
    unreadable = RecordUnreadable(
        _(
            "A note of circle {circle} does not decrypt: it was altered, belongs to "
            "another circle, or was sealed for another purpose."
        ).format(circle=circle_id)
    )
    if blob[:1] != NOTE_FORMAT or len(blob) < 1 + NONCE_BYTES + 16:
        raise unreadable
    nonce, sealed = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        return aead.decrypt(nonce, sealed, note_aad(circle_id, purpose)).decode()
    except InvalidTag:
        raise unreadable from None


def chain_hash(
    prev_hash: bytes,
    circle_id: int,
    seq: int,
    sender_id: int,
    sent_at: str,
    status: str,
    nonce: bytes,
    ciphertext: bytes,
) -> bytes:
    """The record's hash: covers its predecessor, its metadata and its ciphertext."""
    when = sent_at.encode()
    state = status.encode()
    return _sha256(
        b"".join(
            (
                _CHAIN_TAG,
                prev_hash,
                _pack_ids(circle_id, seq, sender_id),
                bytes((len(when),)),
                when,
                bytes((len(state),)),
                state,
                nonce,
                _pack_length(len(ciphertext)),
                ciphertext,
            )
        )
    ).digest()


def head_statement(circle_id: int, seq: int, head_hash: bytes) -> bytes:
    """The bytes an Ed25519 chain-head signature covers."""
    return _HEAD_TAG + _pack_head(circle_id, seq) + bytes(head_hash)
