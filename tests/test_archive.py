"""The archive: sealing, keys, rotation, notes, staff reads, retention, no plaintext."""

from __future__ import annotations

import base64
import logging
import os
import sqlite3
import stat
from datetime import datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.contrib.admin.sites import site as admin_site
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from archive import crypto
from archive.errors import (
    AppendOnly,
    ChainOutOfOrder,
    CircleShredded,
    KeyConfigInvalid,
    KeyInUse,
    MasterKeyMissing,
    RecordUnreadable,
    WrongMasterKey,
)
from archive.keys import clear_key_cache, master_keys, parse_master_keys
from archive.models import (
    AccessAudit,
    ArchiveRecord,
    CircleKey,
    LegalHold,
    ShredRecord,
    SignedChainHead,
)
from archive.services import (
    compact_ranges,
    open_bodies,
    open_note,
    read_for_staff,
    seal_message,
    seal_note,
    shred_expired,
)
from archive.testing import add_message, build_circle, build_program, build_user
from messaging.models import Circle, Message

SENTINEL = "quokka-sentinel-93be marmalade"


@pytest.fixture(autouse=True)
def archive_keys(settings, tmp_path):
    """Keys for this test only, in tmp_path: never in the repository."""
    settings.ARCHIVE_MASTER_KEYS = ""
    settings.ARCHIVE_KEY_FILE = tmp_path / "keys" / "archive_master_keys"
    settings.ARCHIVE_SIGNING_KEY_FILE = tmp_path / "keys" / "archive_signing_key"
    clear_key_cache()
    yield settings
    clear_key_cache()


@pytest.fixture
def trio(db):
    """A circle with a mentee and a mentor."""
    circle = build_circle()
    return circle, build_user(name="mentee"), build_user(name="mentor")


def b64key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


# -- sealing and reading -----------------------------------------------------------


def test_bodies_round_trip_exactly_as_typed(trio):
    circle, mentee, mentor = trio
    texts = [
        "hi <3",
        "a < b & c > d",
        "emoji 🎉 and ünïcödé",
        "line\nbreak",
        "x" * 4000,
    ]
    for n, text in enumerate(texts):
        add_message(circle=circle, sender=(mentee, mentor)[n % 2], text=text)

    bodies = open_bodies(circle_id=circle.pk, seqs=range(1, 6))

    assert bodies == dict(enumerate(texts, start=1))


def test_open_bodies_returns_only_seqs_that_exist(trio):
    circle, mentee, _ = trio
    for n in range(4):
        add_message(circle=circle, sender=mentee, text=f"m{n}")

    assert open_bodies(circle_id=circle.pk, seqs=[4, 2, 9]) == {2: "m1", 4: "m3"}
    assert open_bodies(circle_id=circle.pk, seqs=[]) == {}


def test_sealed_record_holds_no_plaintext_and_links_to_genesis(trio):
    circle, mentee, _ = trio
    message = add_message(circle=circle, sender=mentee, text=SENTINEL)

    record = ArchiveRecord.objects.get(message=message)

    assert SENTINEL.encode() not in bytes(record.ciphertext)
    assert bytes(record.prev_hash) == bytes(32)
    assert len(bytes(record.nonce)) == 12
    assert record.status == "delivered"
    assert (record.circle_id, record.seq, record.sender_id) == (circle.pk, 1, mentee.pk)
    key = CircleKey.objects.get(circle=circle)
    assert (key.head_seq, bytes(key.head_hash)) == (1, bytes(record.hash))


def test_each_seal_uses_a_fresh_nonce(trio):
    circle, mentee, _ = trio
    for _ in range(20):
        add_message(circle=circle, sender=mentee, text="same words")

    nonces = {bytes(n) for n in ArchiveRecord.objects.values_list("nonce", flat=True)}

    assert len(nonces) == 20


def test_sealing_after_the_first_message_costs_three_queries(
    trio, django_assert_num_queries
):
    circle, mentee, _ = trio
    add_message(circle=circle, sender=mentee, text="first")
    circle.last_seq = 2
    circle.save()
    message = Message.objects.create(
        circle=circle, seq=2, sender=mentee, client_id="c2", status="delivered"
    )

    # the circle key; the record insert; the head update
    with django_assert_num_queries(3):
        seal_message(message=message, text="second")

    assert open_bodies(circle_id=circle.pk, seqs=[2]) == {2: "second"}


def test_open_bodies_costs_two_queries(trio, django_assert_num_queries):
    circle, mentee, _ = trio
    for n in range(10):
        add_message(circle=circle, sender=mentee, text=f"m{n}")

    # the circle key; the records
    with django_assert_num_queries(2):
        bodies = open_bodies(circle_id=circle.pk, seqs=[1, 5, 7])

    assert bodies == {1: "m0", 5: "m4", 7: "m6"}


def test_sealing_out_of_sequence_is_refused(trio):
    circle, mentee, _ = trio
    add_message(circle=circle, sender=mentee, text="first")
    message = Message.objects.create(
        circle=circle, seq=5, sender=mentee, client_id="gap", status="delivered"
    )

    with pytest.raises(ChainOutOfOrder, match="next sequence number is 2"):
        seal_message(message=message, text="skips ahead")


def test_every_hundredth_message_signs_the_chain_head(trio):
    circle, mentee, _ = trio
    for n in range(201):
        add_message(circle=circle, sender=mentee, text=f"m{n}")

    heads = SignedChainHead.objects.filter(circle=circle)

    assert [(h.seq, h.reason) for h in heads] == [(100, "periodic"), (200, "periodic")]
    record = ArchiveRecord.objects.get(circle=circle, seq=200)
    assert bytes(heads[1].hash) == bytes(record.hash)


# -- associated data binds a ciphertext to its record -------------------------------


def _move_ciphertext(source: ArchiveRecord, target: ArchiveRecord) -> None:
    ArchiveRecord.objects.filter(pk=target.pk).update(
        nonce=bytes(source.nonce), ciphertext=bytes(source.ciphertext)
    )


def test_ciphertext_moved_to_another_seq_does_not_decrypt(trio):
    circle, mentee, _ = trio
    add_message(circle=circle, sender=mentee, text="one")
    add_message(circle=circle, sender=mentee, text="two")
    first, second = ArchiveRecord.objects.filter(circle=circle).order_by("seq")

    _move_ciphertext(first, second)

    with pytest.raises(RecordUnreadable, match="message 2 does not decrypt"):
        open_bodies(circle_id=circle.pk, seqs=[2])
    assert open_bodies(circle_id=circle.pk, seqs=[1]) == {1: "one"}


def test_ciphertext_moved_to_another_sender_does_not_decrypt(trio):
    circle, mentee, mentor = trio
    add_message(circle=circle, sender=mentee, text="mine")
    ArchiveRecord.objects.filter(circle=circle, seq=1).update(sender=mentor)

    with pytest.raises(RecordUnreadable):
        open_bodies(circle_id=circle.pk, seqs=[1])


def test_ciphertext_moved_to_another_circle_does_not_decrypt(trio):
    circle, mentee, _ = trio
    other = build_circle(program=circle.program)
    add_message(circle=circle, sender=mentee, text="from circle one")
    add_message(circle=other, sender=mentee, text="from circle two")
    here = ArchiveRecord.objects.get(circle=circle, seq=1)
    there = ArchiveRecord.objects.get(circle=other, seq=1)

    _move_ciphertext(here, there)

    with pytest.raises(RecordUnreadable):
        open_bodies(circle_id=other.pk, seqs=[1])


def test_wrapped_key_copied_to_another_circle_does_not_open(trio):
    circle, mentee, _ = trio
    other = build_circle(program=circle.program)
    add_message(circle=circle, sender=mentee, text="a")
    add_message(circle=other, sender=mentee, text="b")
    wrapped = bytes(CircleKey.objects.get(circle=circle).wrapped_key)

    CircleKey.objects.filter(circle=other).update(wrapped_key=wrapped)

    with pytest.raises(WrongMasterKey, match="does not open the key of circle"):
        open_bodies(circle_id=other.pk, seqs=[1])


# -- master keys ---------------------------------------------------------------------


def test_key_file_is_created_on_first_use_mode_0600_with_a_warning(
    trio, archive_keys, caplog
):
    circle, mentee, _ = trio
    path = Path(archive_keys.ARCHIVE_KEY_FILE)
    assert not path.exists()

    with caplog.at_level(logging.WARNING, logger="circles.archive.keys"):
        add_message(circle=circle, sender=mentee, text="hello")

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    signing = Path(archive_keys.ARCHIVE_SIGNING_KEY_FILE)
    assert not signing.exists()  # nothing signed yet: no signing key made
    assert any("Embedded setup" in r.getMessage() for r in caplog.records)
    assert master_keys().versions == [1]
    assert master_keys().source == "file"


def test_keys_from_the_environment_take_precedence(trio, archive_keys):
    circle, mentee, _ = trio
    archive_keys.ARCHIVE_MASTER_KEYS = f"1:{b64key()},2:{b64key()}"

    add_message(circle=circle, sender=mentee, text="hello")

    assert CircleKey.objects.get(circle=circle).master_version == 2
    assert not Path(archive_keys.ARCHIVE_KEY_FILE).exists()
    assert master_keys().from_environment is True


@pytest.mark.parametrize(
    "value",
    [
        "nonsense",
        "1:not-base64!!",
        f"0:{b64key()}",
        f"1:{base64.b64encode(b'short').decode()}",
        f"1:{b64key()},1:{b64key()}",
        "x:" + b64key(),
    ],
)
def test_malformed_key_config_is_a_clear_error(archive_keys, value):
    archive_keys.ARCHIVE_MASTER_KEYS = value

    with pytest.raises(KeyConfigInvalid) as raised:
        master_keys()

    assert "ARCHIVE_MASTER_KEYS" in raised.value.detail
    assert value.split(":")[-1] not in raised.value.detail or len(value) < 12


def test_missing_master_version_is_a_clear_error(trio, archive_keys):
    circle, mentee, _ = trio
    archive_keys.ARCHIVE_MASTER_KEYS = f"1:{b64key()}"
    add_message(circle=circle, sender=mentee, text="hello")

    archive_keys.ARCHIVE_MASTER_KEYS = f"2:{b64key()}"

    with pytest.raises(MasterKeyMissing, match="version 1 is not configured"):
        open_bodies(circle_id=circle.pk, seqs=[1])


def test_wrong_master_key_is_a_clear_error(trio, archive_keys):
    circle, mentee, _ = trio
    archive_keys.ARCHIVE_MASTER_KEYS = f"1:{b64key()}"
    add_message(circle=circle, sender=mentee, text="hello")

    archive_keys.ARCHIVE_MASTER_KEYS = f"1:{b64key()}"

    with pytest.raises(WrongMasterKey, match="do not belong to this database"):
        open_bodies(circle_id=circle.pk, seqs=[1])


def test_a_version_added_by_another_process_is_picked_up(trio, archive_keys):
    circle, mentee, _ = trio
    add_message(circle=circle, sender=mentee, text="before")
    path = Path(archive_keys.ARCHIVE_KEY_FILE)
    assert master_keys().versions == [1]  # cached in this process
    old = parse_master_keys(path.read_text(), where="test")[1]
    new = os.urandom(32)

    # Another process appends version 2 and re-wraps the circle key with it.
    path.write_text(path.read_text() + f"2:{base64.b64encode(new).decode()}\n")
    key = CircleKey.objects.get(circle=circle)
    data_key = crypto.unwrap_data_key(
        AESGCM(old), version=1, circle_id=circle.pk, wrapped=bytes(key.wrapped_key)
    )
    CircleKey.objects.filter(pk=key.pk).update(
        master_version=2,
        wrapped_key=crypto.wrap_data_key(
            AESGCM(new), version=2, circle_id=circle.pk, data_key=data_key
        ),
    )

    assert open_bodies(circle_id=circle.pk, seqs=[1]) == {1: "before"}
    assert master_keys().versions == [1, 2]


# -- rotation ------------------------------------------------------------------------


def test_rotation_keeps_every_message_readable_without_reencrypting(trio, archive_keys):
    circle, mentee, mentor = trio
    other = build_circle(program=circle.program)
    for n in range(5):
        add_message(circle=circle, sender=mentee, text=f"c1 m{n}")
        add_message(circle=other, sender=mentor, text=f"c2 m{n}")
    before = list(ArchiveRecord.objects.order_by("pk").values_list("ciphertext"))
    out = StringIO()

    call_command("rotate_keys", stdout=out)

    assert "Added master key version 2" in out.getvalue()
    assert "Re-wrapped 2 circle key(s) with master version 2" in out.getvalue()
    assert master_keys().versions == [1, 2]
    assert set(CircleKey.objects.values_list("master_version", flat=True)) == {2}
    assert (
        list(ArchiveRecord.objects.order_by("pk").values_list("ciphertext")) == before
    )
    assert open_bodies(circle_id=circle.pk, seqs=range(1, 6)) == {
        n + 1: f"c1 m{n}" for n in range(5)
    }
    assert open_bodies(circle_id=other.pk, seqs=[5]) == {5: "c2 m4"}
    assert stat.S_IMODE(Path(archive_keys.ARCHIVE_KEY_FILE).stat().st_mode) == 0o600

    call_command("rotate_keys", "--retire", "1", stdout=out)

    assert master_keys().versions == [2]
    assert open_bodies(circle_id=circle.pk, seqs=[3]) == {3: "c1 m2"}
    add_message(circle=circle, sender=mentee, text="after rotation")
    assert open_bodies(circle_id=circle.pk, seqs=[6]) == {6: "after rotation"}


def test_retire_refuses_while_a_circle_key_uses_the_version(trio, archive_keys):
    circle, mentee, _ = trio
    add_message(circle=circle, sender=mentee, text="wrapped by v1")
    path = Path(archive_keys.ARCHIVE_KEY_FILE)
    path.write_text(path.read_text() + f"2:{b64key()}\n")  # added, not re-wrapped

    with pytest.raises(CommandError, match="1 circle keys are still wrapped"):
        call_command("rotate_keys", "--retire", "1", stdout=StringIO())

    assert master_keys(refresh=True).versions == [1, 2]
    assert open_bodies(circle_id=circle.pk, seqs=[1]) == {1: "wrapped by v1"}


def test_retire_refuses_the_current_version(trio):
    circle, mentee, _ = trio
    add_message(circle=circle, sender=mentee, text="x")

    with pytest.raises(CommandError, match="current master key"):
        call_command("rotate_keys", "--retire", "1", stdout=StringIO())


def test_retire_service_raises_key_in_use(trio, archive_keys):
    from archive.rotation import retire_master_version

    circle, mentee, _ = trio
    add_message(circle=circle, sender=mentee, text="x")
    path = Path(archive_keys.ARCHIVE_KEY_FILE)
    path.write_text(path.read_text() + f"2:{b64key()}\n")

    with pytest.raises(KeyInUse):
        retire_master_version(1)


def test_rotation_with_environment_keys_prints_the_value_and_writes_nothing(
    trio, archive_keys
):
    circle, mentee, _ = trio
    first = b64key()
    archive_keys.ARCHIVE_MASTER_KEYS = f"1:{first}"
    add_message(circle=circle, sender=mentee, text="env keys")
    out = StringIO()

    with pytest.raises(CommandError, match="not rotated yet"):
        call_command("rotate_keys", stdout=out)

    printed = [
        line
        for line in out.getvalue().splitlines()
        if line.startswith("ARCHIVE_MASTER_KEYS=")
    ]
    assert len(printed) == 1
    value = printed[0].removeprefix("ARCHIVE_MASTER_KEYS=")
    assert value.startswith(f"1:{first},2:")
    assert not Path(archive_keys.ARCHIVE_KEY_FILE).exists()
    assert CircleKey.objects.get(circle=circle).master_version == 1

    archive_keys.ARCHIVE_MASTER_KEYS = value  # the operator sets it everywhere
    call_command("rotate_keys", "--rewrap", stdout=out)

    assert CircleKey.objects.get(circle=circle).master_version == 2
    assert open_bodies(circle_id=circle.pk, seqs=[1]) == {1: "env keys"}


# -- notes ---------------------------------------------------------------------------


def test_notes_open_only_for_their_circle_and_purpose(trio):
    circle, _, _ = trio
    other = build_circle(program=circle.program)
    blob = seal_note(circle_id=circle.pk, purpose="report_reason", text=SENTINEL)

    assert SENTINEL.encode() not in blob
    assert (
        open_note(circle_id=circle.pk, purpose="report_reason", blob=blob) == SENTINEL
    )
    with pytest.raises(RecordUnreadable):
        open_note(circle_id=circle.pk, purpose="monitor_note", blob=blob)
    seal_note(circle_id=other.pk, purpose="report_reason", text="make its key")
    with pytest.raises(RecordUnreadable):
        open_note(circle_id=other.pk, purpose="report_reason", blob=blob)
    damaged = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(RecordUnreadable):
        open_note(circle_id=circle.pk, purpose="report_reason", blob=damaged)


def test_a_note_before_any_message_creates_the_key_and_messages_still_chain(trio):
    circle, mentee, _ = trio
    blob = seal_note(circle_id=circle.pk, purpose="monitor_note", text="early note")

    add_message(circle=circle, sender=mentee, text="first message")

    assert open_note(circle_id=circle.pk, purpose="monitor_note", blob=blob) == (
        "early note"
    )
    assert open_bodies(circle_id=circle.pk, seqs=[1]) == {1: "first message"}


# -- staff reads and the audit -------------------------------------------------------


def test_staff_reads_are_audited_with_who_what_and_why(trio):
    circle, mentee, _ = trio
    monitor = build_user(name="monitor")
    for n in range(6):
        add_message(circle=circle, sender=mentee, text=f"m{n}")

    bodies = read_for_staff(
        user=monitor, circle_id=circle.pk, seqs=[1, 2, 3, 5], purpose="flag #12"
    )

    assert bodies == {1: "m0", 2: "m1", 3: "m2", 5: "m4"}
    audit = AccessAudit.objects.get()
    assert (audit.user, audit.actor, audit.action) == (monitor, "monitor", "read")
    assert (audit.circle, audit.seqs, audit.seq_count) == (circle, "1-3,5", 4)
    assert audit.purpose == "flag #12"
    assert abs((timezone.now() - audit.at).total_seconds()) < 60


def test_member_reads_are_not_audited(trio):
    circle, mentee, _ = trio
    add_message(circle=circle, sender=mentee, text="m")

    open_bodies(circle_id=circle.pk, seqs=[1])

    assert AccessAudit.objects.count() == 0


def test_a_staff_read_needs_a_purpose(trio):
    circle, mentee, _ = trio
    add_message(circle=circle, sender=mentee, text="m")

    with pytest.raises(Exception, match="Say why"):
        read_for_staff(user=mentee, circle_id=circle.pk, seqs=[1], purpose="  ")

    assert AccessAudit.objects.count() == 0


def test_access_audit_rows_cannot_be_changed_or_deleted(trio):
    circle, mentee, _ = trio
    add_message(circle=circle, sender=mentee, text="m")
    read_for_staff(user=mentee, circle_id=circle.pk, seqs=[1], purpose="check")
    audit = AccessAudit.objects.get()

    audit.purpose = "covered up"
    with pytest.raises(AppendOnly):
        audit.save()
    with pytest.raises(AppendOnly):
        audit.delete()
    with pytest.raises(AppendOnly):
        AccessAudit.objects.filter(pk=audit.pk).update(purpose="covered up")
    with pytest.raises(AppendOnly):
        AccessAudit.objects.all().delete()

    assert AccessAudit.objects.get().purpose == "check"


def test_compact_ranges():
    assert compact_ranges([]) == ""
    assert compact_ranges([3]) == "3"
    assert compact_ranges([9, 1, 2, 3, 7, 10, 2]) == "1-3,7,9-10"


# -- admin ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model", [AccessAudit, ShredRecord, SignedChainHead, CircleKey]
)
def test_audit_shred_and_head_admins_are_read_only(db, model):
    request = RequestFactory().get("/")
    request.user = build_user()
    model_admin = admin_site._registry[model]

    assert model_admin.has_add_permission(request) is False
    assert model_admin.has_change_permission(request) is False
    assert model_admin.has_delete_permission(request) is False
    assert model_admin.get_actions(request) == {}


def test_legal_holds_are_editable_in_the_admin(db):
    request = RequestFactory().get("/")
    request.user = build_user()
    request.user.is_superuser = True
    model_admin = admin_site._registry[LegalHold]

    assert model_admin.has_add_permission(request) is True
    assert model_admin.has_change_permission(request) is True


# -- retention -----------------------------------------------------------------------


def close(circle: Circle, *, days_ago: int) -> None:
    circle.status = Circle.Status.CLOSED
    circle.closed_at = timezone.now() - timedelta(days=days_ago)
    circle.save()


def test_expired_circles_are_shredded_and_recorded(trio):
    circle, mentee, _ = trio
    program = build_program(retention_days=30)
    circle.program = program
    circle.save()
    recent = build_circle(program=program)
    for n in range(3):
        add_message(circle=circle, sender=mentee, text=f"old {n}")
    add_message(circle=recent, sender=mentee, text="recent")
    close(circle, days_ago=31)
    close(recent, days_ago=29)
    head = bytes(CircleKey.objects.get(circle=circle).head_hash)

    results = shred_expired()

    assert [(r.circle_id, r.record_count, r.head_seq) for r in results] == [
        (circle.pk, 3, 3)
    ]
    key = CircleKey.objects.get(circle=circle)
    assert key.wrapped_key is None
    assert key.shredded_at is not None
    shred = ShredRecord.objects.get()
    assert (shred.circle, shred.record_count, shred.head_seq) == (circle, 3, 3)
    assert bytes(shred.head_hash) == head
    assert shred.retention_days == 30
    assert SignedChainHead.objects.filter(circle=circle, reason="shred").count() == 1
    with pytest.raises(CircleShredded, match=r"destroyed on .* retention policy"):
        open_bodies(circle_id=circle.pk, seqs=[1])
    with pytest.raises(CircleShredded):
        read_for_staff(user=mentee, circle_id=circle.pk, seqs=[1], purpose="review")
    assert open_bodies(circle_id=recent.pk, seqs=[1]) == {1: "recent"}
    assert shred_expired() == []  # idempotent


def test_a_legal_hold_prevents_shredding_until_lifted(trio):
    circle, mentee, _ = trio
    program = build_program(retention_days=1)
    circle.program = program
    circle.save()
    add_message(circle=circle, sender=mentee, text="evidence")
    close(circle, days_ago=10)
    hold = LegalHold.objects.create(
        circle=circle, reason="court order 12-345", placed_by=mentee
    )
    out = StringIO()

    call_command("apply_retention", stdout=out)

    assert "Kept under legal hold: circle(s) " + str(circle.pk) in out.getvalue()
    assert "Shredded 0 circle(s)." in out.getvalue()
    assert open_bodies(circle_id=circle.pk, seqs=[1]) == {1: "evidence"}
    assert ShredRecord.objects.count() == 0

    hold.lifted_at = timezone.now()
    hold.save()
    call_command("apply_retention", stdout=out)

    assert f"Shredded circle {circle.pk}: 1 record(s)" in out.getvalue()
    with pytest.raises(CircleShredded):
        open_bodies(circle_id=circle.pk, seqs=[1])


def test_apply_retention_dry_run_shreds_nothing(trio):
    circle, mentee, _ = trio
    add_message(circle=circle, sender=mentee, text="m")
    close(circle, days_ago=400)
    out = StringIO()

    call_command("apply_retention", "--dry-run", stdout=out)

    assert f"Would shred: circle {circle.pk}." in out.getvalue()
    assert CircleKey.objects.get(circle=circle).wrapped_key is not None


def test_open_circles_are_never_shredded(trio):
    circle, mentee, _ = trio
    add_message(circle=circle, sender=mentee, text="m")

    assert shred_expired(now=timezone.now() + timedelta(days=10_000)) == []


def test_shredded_circles_still_verify_and_are_reported_as_shredded(trio):
    circle, mentee, _ = trio
    for n in range(4):
        add_message(circle=circle, sender=mentee, text=f"m{n}")
    close(circle, days_ago=400)
    shred_expired()
    out = StringIO()

    call_command("verify_archive", stdout=out)

    assert out.getvalue().startswith("OK: 1 circle(s), 4 record(s)")
    assert f"1 shredded circle(s) ({circle.pk})" in out.getvalue()


# -- no plaintext at rest or in logs -------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_no_message_text_in_the_database_file_its_wal_or_logs(
    archive_keys, tmp_path, caplog
):
    """Scans every row (iterdump) and the raw bytes of a file copy of the test DB."""
    if connection.vendor != "sqlite":
        pytest.skip(
            "SQLite's file and WAL; on any backend, every table's rows are scanned by "
            "tests/test_post_message.py::test_no_body_is_stored_in_plaintext_anywhere"
        )
    circle = build_circle()
    mentee, mentor, monitor = build_user(), build_user(), build_user()
    purpose = "control-string-in-audit-4411"
    with caplog.at_level(logging.DEBUG):
        for n in range(30):
            add_message(
                circle=circle, sender=(mentee, mentor)[n % 2], text=f"{SENTINEL} {n}"
            )
        blob = seal_note(circle_id=circle.pk, purpose="report_reason", text=SENTINEL)
        read_for_staff(user=monitor, circle_id=circle.pk, seqs=[1, 2], purpose=purpose)
        assert open_note(circle_id=circle.pk, purpose="report_reason", blob=blob)
    raw = connection.connection
    dump = "\n".join(raw.iterdump())
    copy_path = tmp_path / "copy.sqlite3"
    copy = sqlite3.connect(copy_path)
    copy.execute("PRAGMA journal_mode=WAL")
    raw.backup(copy)
    copy.execute(
        "INSERT INTO archive_accessaudit (at, actor, action, seqs, seq_count,"
        " purpose, recipient) VALUES ('2025-01-01', 'x', 'read', '', 0,"
        " 'wal-only-control-8812', '')"
    )
    copy.commit()
    files = b"".join(
        path.read_bytes()
        for path in (copy_path, Path(f"{copy_path}-wal"))
        if path.exists()
    )
    copy.close()
    needle = SENTINEL.split()[0]

    assert purpose in dump  # the scan sees what is stored in clear
    assert b"wal-only-control-8812" in files  # and what only the WAL holds
    assert needle not in dump
    for form in (
        needle.encode(),
        needle.encode().hex().encode(),
        needle.encode("utf-16-le"),
    ):
        assert form not in files
        assert form.decode("latin-1") not in dump
    assert needle.encode().hex().upper() not in dump
    assert caplog.records  # logging was captured at DEBUG
    assert needle not in caplog.text


def test_crypto_formats_are_stable():
    """The documented chain encoding: a fixed input gives this fixed hash."""
    digest = crypto.chain_hash(
        bytes(32), 1, 2, 3, "2025-01-31T09:30:00.000000Z", "delivered", bytes(12), b"ct"
    )

    assert digest.hex() == (
        "e4ac6da2788d339ad3c081d9cbe01855c65a6e292526c441f7c04274b1146668"
    )
    assert digest != crypto.chain_hash(
        bytes(32), 1, 2, 3, "2025-01-31T09:30:00.000000Z", "flagged", bytes(12), b"ct"
    )
    assert (
        crypto.canonical_sent_at(
            datetime(2025, 1, 31, 10, 30, tzinfo=timezone.get_fixed_timezone(60))
        )
        == "2025-01-31T09:30:00.000000Z"
    )
