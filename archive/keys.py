"""Master keys and the chain-signing key: where they come from, and their caches.

Master keys are versioned, 32 random bytes each, from ``ARCHIVE_MASTER_KEYS``
(``"1:<base64>,2:<base64>"``) or, when that is empty, from ``ARCHIVE_KEY_FILE`` (one
``version:base64`` a line), which the embedded setup creates on first use (mode 0600,
with a warning). The newest version is current: new circle keys are wrapped with it.
The Ed25519 key that signs chain heads lives in ``ARCHIVE_SIGNING_KEY_FILE`` (PEM),
also created on first use.

Settings are read at call time. Parsed keys are cached per process, keyed by the
settings that located them; a version this process has not seen (another process
rotated) reloads the source once. Wrapping and unwrapping circle keys is services.py's.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import stat
import threading
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.translation import gettext as _

from archive.crypto import KEY_BYTES
from archive.errors import KeyConfigInvalid, MasterKeyMissing

logger = logging.getLogger("circles.archive.keys")

ENV_NAME = "ARCHIVE_MASTER_KEYS"
KEY_FILE_HEADER = (
    "# Circles archive master keys: one version:base64 a line; the newest is current.\n"
    "# Keep this file secret and backed up: without it the archive cannot be read.\n"
)

_lock = threading.Lock()
_master_cache: dict[tuple[str, str], MasterKeys] = {}
_signing_cache: dict[str, Ed25519PrivateKey] = {}


@dataclass(frozen=True)
class MasterKeys:
    """The master key versions one source holds; the newest one is current."""

    source: str  # "environment" or "file"
    path: Path | None
    _keys: dict[int, bytes] = field(repr=False)
    _aeads: dict[int, AESGCM] = field(repr=False, compare=False)

    @classmethod
    def of(cls, source: str, path: Path | None, keys: dict[int, bytes]) -> MasterKeys:
        aeads = {version: AESGCM(key) for version, key in keys.items()}
        return cls(source=source, path=path, _keys=dict(keys), _aeads=aeads)

    @property
    def versions(self) -> list[int]:
        return sorted(self._keys)

    @property
    def current_version(self) -> int:
        return max(self._keys)

    @property
    def from_environment(self) -> bool:
        return self.source == "environment"

    def has(self, version: int) -> bool:
        return version in self._aeads

    def aead(self, version: int) -> AESGCM:
        try:
            return self._aeads[version]
        except KeyError:
            raise MasterKeyMissing(
                _(
                    "Archive master key version {version} is not configured; the "
                    "configured versions are {versions}. Restore it in "
                    "ARCHIVE_MASTER_KEYS or the archive key file."
                ).format(version=version, versions=format_versions(self.versions))
            ) from None

    def with_version(self, version: int, key: bytes) -> MasterKeys:
        return MasterKeys.of(self.source, self.path, {**self._keys, version: key})

    def without_version(self, version: int) -> MasterKeys:
        keys = {v: k for v, k in self._keys.items() if v != version}
        return MasterKeys.of(self.source, self.path, keys)

    def serialize(self, separator: str = "\n") -> str:
        """The keys as text (secret!): for the key file or the environment value."""
        return separator.join(
            f"{version}:{base64.b64encode(self._keys[version]).decode()}"
            for version in self.versions
        )


def format_versions(versions: list[int]) -> str:
    return ", ".join(str(version) for version in versions) or "none"


def parse_master_keys(text: str, *, where: str) -> dict[int, bytes]:
    """Parse ``version:base64`` entries separated by commas or lines; '#' comments."""
    keys: dict[int, bytes] = {}
    entries = (part.strip() for line in text.splitlines() for part in line.split(","))
    for number, entry in enumerate(entries, start=1):
        if not entry or entry.startswith("#"):
            continue
        version_text, colon, encoded = entry.partition(":")
        if not colon or not version_text.strip().isdigit():
            raise KeyConfigInvalid(
                _(
                    "{where}: entry {number} is not 'version:base64-key' (for example "
                    "'1:' followed by 32 random bytes in base64)."
                ).format(where=where, number=number)
            )
        version = int(version_text)
        try:
            key = base64.b64decode(encoded.strip(), validate=True)
        except (binascii.Error, ValueError):
            key = b""
        if version < 1 or len(key) != KEY_BYTES:
            raise KeyConfigInvalid(
                _(
                    "{where}: entry {number} needs a version of 1 or more and a key of "
                    "exactly 32 bytes in base64."
                ).format(where=where, number=number)
            )
        if version in keys:
            raise KeyConfigInvalid(
                _("{where}: version {version} appears twice.").format(
                    where=where, version=version
                )
            )
        keys[version] = key
    if not keys:
        raise KeyConfigInvalid(_("{where} holds no master key.").format(where=where))
    return keys


def master_keys(*, refresh: bool = False) -> MasterKeys:
    """The configured master keys (cached; ``refresh`` rereads the source)."""
    env_value = str(getattr(settings, "ARCHIVE_MASTER_KEYS", "") or "").strip()
    path = Path(settings.ARCHIVE_KEY_FILE)
    cache_key = (env_value, str(path))
    with _lock:
        cached = _master_cache.get(cache_key)
        if cached is not None and not refresh:
            return cached
        if env_value:
            keys = MasterKeys.of(
                "environment", None, parse_master_keys(env_value, where=ENV_NAME)
            )
        else:
            keys = MasterKeys.of("file", path, _read_or_create_key_file(path))
        _master_cache.clear()  # one configuration at a time: drop stale keys
        _master_cache[cache_key] = keys
        return keys


def master_aead(version: int) -> AESGCM:
    """The AES-GCM object of one master version, rereading the source once if new."""
    keys = master_keys()
    if not keys.has(version):
        keys = master_keys(refresh=True)
    return keys.aead(version)


def _read_or_create_key_file(path: Path) -> dict[int, bytes]:
    where = _("The archive key file {path}").format(path=path)
    if not path.exists():
        first = MasterKeys.of("file", path, {1: _random_key()})
        try:
            _create_secret_file(path, KEY_FILE_HEADER + first.serialize() + "\n")
        except FileExistsError:
            pass  # another process created it first: read theirs
        else:
            logger.warning(
                "Embedded setup: created archive master key file %s (mode 0600); set "
                "ARCHIVE_MASTER_KEYS or ARCHIVE_KEY_FILE to a secrets store in "
                "production.",
                path,
            )
    _warn_if_readable_by_others(path)
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        raise KeyConfigInvalid(
            _("{where} cannot be read ({reason}).").format(
                where=where, reason=type(error).__name__
            )
        ) from None
    return parse_master_keys(text, where=where)


def write_key_file(keys: MasterKeys) -> None:
    """Replace the key file atomically (same directory, mode 0600), then drop caches."""
    if keys.path is None:
        raise KeyConfigInvalid(
            _("Keys from {env} cannot be written to a file.").format(env=ENV_NAME)
        )
    path = keys.path
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        _create_secret_file(temporary, KEY_FILE_HEADER + keys.serialize() + "\n")
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    _fsync_directory(path.parent)
    clear_key_cache()


def signing_key() -> Ed25519PrivateKey:
    """The Ed25519 key that signs chain heads, created on first use."""
    key = _load_signing_key(create=True)
    if key is None:  # pragma: no cover -- create=True always makes one
        raise KeyConfigInvalid(_("The archive signing key could not be created."))
    return key


def find_signing_key() -> Ed25519PrivateKey | None:
    """The signing key if its file exists; verification never creates one."""
    return _load_signing_key(create=False)


def _load_signing_key(*, create: bool) -> Ed25519PrivateKey | None:
    path = Path(settings.ARCHIVE_SIGNING_KEY_FILE)
    with _lock:
        cached = _signing_cache.get(str(path))
        if cached is not None:
            return cached
        if not path.exists():
            if not create:
                return None
            generated = Ed25519PrivateKey.generate()
            pem = generated.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            try:
                _create_secret_file(path, pem.decode())
            except FileExistsError:
                pass  # another process created it first: read theirs
            else:
                logger.warning(
                    "Embedded setup: created archive signing key %s (mode 0600); set "
                    "ARCHIVE_SIGNING_KEY_FILE to a secrets store in production.",
                    path,
                )
        _warn_if_readable_by_others(path)
        try:
            loaded = serialization.load_pem_private_key(path.read_bytes(), None)
        except (OSError, ValueError, TypeError):
            loaded = None
        if not isinstance(loaded, Ed25519PrivateKey):
            raise KeyConfigInvalid(
                _(
                    "The archive signing key file {path} does not hold an unencrypted "
                    "Ed25519 private key in PEM."
                ).format(path=path)
            )
        _signing_cache[str(path)] = loaded
        return loaded


def public_key_bytes(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )


def clear_key_cache() -> None:
    """Forget cached keys (tests, and after the key file changed)."""
    with _lock:
        _master_cache.clear()
        _signing_cache.clear()


def _random_key() -> bytes:
    return os.urandom(KEY_BYTES)


def new_master_key() -> bytes:
    return _random_key()


def _create_secret_file(path: Path, text: str) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _warn_if_readable_by_others(path: Path) -> None:
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        logger.warning("Archive key file %s is readable by others; chmod 600 it.", path)
