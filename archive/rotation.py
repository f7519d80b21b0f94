"""Master key rotation: add a version, re-wrap circle keys, retire old versions.

Only the small wrapped circle keys change; message ciphertext is never re-encrypted.
When keys come from ARCHIVE_MASTER_KEYS, nothing is written: the caller prints the new
value for the operator to set in every process, then runs the re-wrap.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.crypto import unwrap_data_key, wrap_data_key
from archive.errors import KeyInUse, MasterKeyMissing
from archive.keys import (
    ENV_NAME,
    MasterKeys,
    format_versions,
    master_keys,
    new_master_key,
    write_key_file,
)
from archive.models import CircleKey

REWRAP_BATCH = 500


@dataclass(frozen=True)
class NewVersion:
    version: int
    written_to: str | None  # the key file, or None when keys come from the environment
    env_value: str | None  # the value to set (secret!) when they do


def add_master_version() -> NewVersion:
    """A new random master version: appended to the key file, or an env value to set."""
    keys = master_keys(refresh=True)
    version = keys.current_version + 1
    extended = keys.with_version(version, new_master_key())
    if keys.from_environment:
        return NewVersion(
            version=version, written_to=None, env_value=extended.serialize(",")
        )
    write_key_file(extended)
    return NewVersion(version=version, written_to=str(keys.path), env_value=None)


def rewrap_circle_keys() -> tuple[int, int]:
    """Re-wrap every live circle key with the current version: (re-wrapped, target).

    Batches of REWRAP_BATCH keys, each in one transaction with the rows locked, so a
    rerun after an interruption continues where it stopped.
    """
    keys = master_keys(refresh=True)
    target = keys.current_version
    rewrapped = 0
    while True:
        with transaction.atomic():
            batch = list(
                CircleKey.objects.select_for_update()
                .filter(shredded_at__isnull=True)
                .exclude(master_version=target)
                .order_by("pk")
                .only("pk", "circle_id", "master_version", "wrapped_key")[:REWRAP_BATCH]
            )
            if not batch:
                return rewrapped, target
            now = timezone.now()
            for key in batch:
                _rewrap(key, keys=keys, target=target, now=now)
            rewrapped += len(batch)


def retire_master_version(version: int) -> NewVersion:
    """Remove an old version that no live circle key uses any more."""
    keys = master_keys(refresh=True)
    if not keys.has(version):
        raise MasterKeyMissing(
            _(
                "Master key version {version} is not configured (configured: "
                "{versions}), so there is nothing to retire."
            ).format(version=version, versions=format_versions(keys.versions))
        )
    if version == keys.current_version:
        raise KeyInUse(
            _(
                "Version {version} is the current master key; run rotate_keys to add a "
                "new version before retiring it."
            ).format(version=version)
        )
    in_use = CircleKey.objects.filter(
        master_version=version, shredded_at__isnull=True
    ).count()
    if in_use:
        raise KeyInUse(
            _(
                "{count} circle keys are still wrapped by version {version}; run "
                "'rotate_keys --rewrap' first."
            ).format(count=in_use, version=version)
        )
    remaining = keys.without_version(version)
    if keys.from_environment:
        return NewVersion(
            version=version, written_to=None, env_value=remaining.serialize(",")
        )
    write_key_file(remaining)
    return NewVersion(version=version, written_to=str(keys.path), env_value=None)


def count_keys_by_version() -> dict[int, int]:
    counts: dict[int, int] = {}
    rows = CircleKey.objects.filter(shredded_at__isnull=True).values_list(
        "master_version", flat=True
    )
    for version in rows:
        counts[version] = counts.get(version, 0) + 1
    return counts


def _rewrap(key: CircleKey, *, keys: MasterKeys, target: int, now: object) -> None:
    if key.wrapped_key is None:
        return
    data_key = unwrap_data_key(
        keys.aead(key.master_version),
        version=key.master_version,
        circle_id=key.circle_id,
        wrapped=bytes(key.wrapped_key),
    )
    wrapped = wrap_data_key(
        keys.aead(target), version=target, circle_id=key.circle_id, data_key=data_key
    )
    # Only the key columns: the chain head is the sealing transaction's to move.
    CircleKey.objects.filter(pk=key.pk).update(
        master_version=target, wrapped_key=wrapped, rotated_at=now
    )


__all__ = [
    "ENV_NAME",
    "NewVersion",
    "add_master_version",
    "count_keys_by_version",
    "retire_master_version",
    "rewrap_circle_keys",
]
