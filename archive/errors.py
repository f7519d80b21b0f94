"""The archive's errors: what went wrong with a key, a record or a bundle.

None of them carries key material, plaintext or ciphertext; they name versions, circles,
sequence numbers and files only.
"""

from __future__ import annotations

from config.errors import AppError, ErrorCode


class ArchiveError(AppError):
    """The archive cannot do what was asked; the detail says why and what to fix."""

    code = ErrorCode.SERVER_ERROR
    http_status = 500
    close_code = 4500


class KeyConfigInvalid(ArchiveError):
    """ARCHIVE_MASTER_KEYS, the key file or the signing key file cannot be parsed."""


class MasterKeyMissing(ArchiveError):
    """A circle key is wrapped by a master key version this process does not have."""


class WrongMasterKey(ArchiveError):
    """A master key of the right version number does not open a circle key."""


class RecordUnreadable(ArchiveError):
    """A sealed body or note does not decrypt: altered, moved, or the wrong purpose."""


class ChainOutOfOrder(ArchiveError):
    """A message was sealed out of sequence (its seq is not the chain head plus one)."""


class KeyInUse(ArchiveError):
    """A master key version cannot be retired while circle keys still use it."""

    code = ErrorCode.NOT_ALLOWED
    http_status = 409
    close_code = 4403


class CircleShredded(ArchiveError):
    """The circle's key was destroyed under the retention policy: its text is gone."""

    code = ErrorCode.NOT_FOUND
    http_status = 410
    close_code = 4404


class BundleError(ArchiveError):
    """An export bundle cannot be written or read."""

    code = ErrorCode.INVALID
    http_status = 400
    close_code = 4400


class BadRecipient(BundleError):
    """The recipient is not an age public key."""


class BadIdentity(BundleError):
    """The identity file holds no usable age secret key."""


class WrongIdentity(BundleError):
    """The bundle is not encrypted to the given identity."""


class CorruptBundle(BundleError):
    """The encrypted file is damaged or truncated, or is not an age file."""


class AppendOnly(ArchiveError):
    """An audit, shred or signed-head row cannot be changed or deleted."""

    code = ErrorCode.NOT_ALLOWED
    http_status = 403
    close_code = 4403
