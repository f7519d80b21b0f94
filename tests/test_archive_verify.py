"""verify_archive and export_archive: every alteration is caught and named."""

from __future__ import annotations

import io
import json
import tarfile
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pyrage
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.models import ProgramRole, Role
from archive import bundle as bundle_module
from archive.bundle import read_identities, verify_bundle, verify_tar
from archive.chain import ChainCheck
from archive.crypto import body_aad, canonical_sent_at, chain_hash
from archive.keys import clear_key_cache
from archive.models import AccessAudit, ArchiveRecord, CircleKey, SignedChainHead
from archive.services import circle_aead, read_for_staff, shred_expired
from archive.testing import add_message, build_circle, build_program, build_user
from messaging.models import Circle, Message


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
def chat(db):
    """Two circles of one program, five and three messages."""
    program = build_program()
    first, second = build_circle(program=program), build_circle(program=program)
    mentee, mentor = build_user(name="mentee"), build_user(name="mentor")
    for n in range(5):
        add_message(circle=first, sender=(mentee, mentor)[n % 2], text=f"first {n}")
    for n in range(3):
        add_message(circle=second, sender=mentor, text=f"second {n}")
    return program, first, second, mentee, mentor


@pytest.fixture
def identity(tmp_path):
    key = pyrage.x25519.Identity.generate()
    path = tmp_path / "reviewer.key"
    path.write_text(f"# created: for a test\n{key}\n")
    return key, path


def verify(*args: str) -> str:
    out = StringIO()
    call_command("verify_archive", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def verify_fails(*args: str) -> str:
    with pytest.raises(CommandError) as raised:
        call_command("verify_archive", *args, stdout=StringIO(), stderr=StringIO())
    return str(raised.value)


def record(circle: Circle, seq: int) -> ArchiveRecord:
    return ArchiveRecord.objects.get(circle=circle, seq=seq)


# -- the database --------------------------------------------------------------------


def test_an_intact_archive_verifies_with_a_one_line_summary(chat):
    output = verify()

    assert (
        output == "OK: 2 circle(s), 8 record(s) and 0 signed chain head(s) verified.\n"
    )


def test_hiding_and_releasing_messages_never_breaks_the_chain(chat):
    """Redaction changes Message.status only; the chain covers the sealed status."""
    _, first, *_ = chat
    Message.objects.filter(circle=first, seq=2).update(status="hidden")
    Message.objects.filter(circle=first, seq=4).update(status="flagged")

    assert verify().startswith("OK: 2 circle(s), 8 record(s)")
    assert record(first, 2).status == "delivered"


def test_a_single_changed_ciphertext_byte_names_its_record(chat):
    _, first, *_ = chat
    altered = bytearray(bytes(record(first, 3).ciphertext))
    altered[0] ^= 0x01
    ArchiveRecord.objects.filter(circle=first, seq=3).update(ciphertext=bytes(altered))

    message = verify_fails()

    assert f"circle {first.pk} seq 3: altered" in message


@pytest.mark.parametrize(
    "field",
    ["nonce", "prev_hash", "hash", "status", "sent_at", "sender"],
)
def test_any_changed_field_names_its_record(chat, field):
    _, first, _, _, mentor = chat
    row = record(first, 2)
    changes = {
        "nonce": bytes(12),
        "prev_hash": bytes(32),
        "hash": bytes(32),
        "status": "held",
        "sent_at": row.sent_at + timedelta(microseconds=1),
        "sender": mentor if row.sender_id != mentor.pk else build_user(),
    }
    ArchiveRecord.objects.filter(pk=row.pk).update(**{field: changes[field]})

    message = verify_fails("--circle", str(first.pk))

    assert f"circle {first.pk} seq 2: altered" in message


def test_a_deleted_record_is_named_as_missing(chat):
    _, first, *_ = chat
    record(first, 3).delete()

    assert f"circle {first.pk} seq 3: missing" in verify_fails()


def test_a_deleted_last_record_is_named_even_if_the_head_is_rolled_back(chat):
    _, first, *_ = chat
    previous = record(first, 4)
    record(first, 5).delete()
    CircleKey.objects.filter(circle=first).update(
        head_seq=4, head_hash=bytes(previous.hash)
    )

    message = verify_fails()

    assert f"circle {first.pk} seq 5: missing (the circle has 5 messages" in message


def test_reordered_records_name_the_first_out_of_place(chat):
    _, first, *_ = chat
    a, b = record(first, 2), record(first, 3)
    ArchiveRecord.objects.filter(pk=a.pk).update(seq=1000)
    ArchiveRecord.objects.filter(pk=b.pk).update(seq=2)
    ArchiveRecord.objects.filter(pk=a.pk).update(seq=3)

    message = verify_fails()

    assert f"circle {first.pk} seq 2:" in message


def test_swapped_contents_name_the_first_swapped_record(chat):
    _, first, *_ = chat
    a, b = record(first, 2), record(first, 3)
    columns = ("sender", "status", "nonce", "ciphertext", "prev_hash", "hash")
    a_values = {c: getattr(a, c) for c in columns}
    b_values = {c: getattr(b, c) for c in columns}
    ArchiveRecord.objects.filter(pk=a.pk).update(**b_values)
    ArchiveRecord.objects.filter(pk=b.pk).update(**a_values)

    assert f"circle {first.pk} seq 2: altered" in verify_fails()


def test_a_record_moved_to_another_circle_is_named(chat):
    _, first, second, *_ = chat
    moved = record(first, 2)
    ArchiveRecord.objects.filter(pk=moved.pk).update(circle=second, seq=4)

    message = verify_fails()

    assert f"circle {first.pk} seq 2: missing" in message


def test_a_record_moved_to_another_message_is_named(chat):
    _, first, second, *_ = chat
    a, b = record(first, 2), record(second, 2)
    spare = Message.objects.create(
        circle=second, seq=99, sender=b.sender, client_id="spare", status="delivered"
    )
    ArchiveRecord.objects.filter(pk=b.pk).update(message=spare)
    message_a = a.message_id
    ArchiveRecord.objects.filter(pk=a.pk).update(message=b.message_id)
    ArchiveRecord.objects.filter(pk=b.pk).update(message=message_a)

    message = verify_fails()

    assert f"circle {first.pk} seq 2: moved" in message


def test_a_rewritten_record_with_a_recomputed_hash_is_named(chat):
    """Someone with database access but no keys re-hashes their forgery."""
    _, first, *_ = chat
    row = record(first, 3)
    forged = bytes(row.ciphertext)[:-1] + b"\x00"
    new_hash = chain_hash(
        bytes(row.prev_hash),
        first.pk,
        3,
        row.sender_id,
        canonical_sent_at(row.sent_at),
        row.status,
        bytes(row.nonce),
        forged,
    )
    ArchiveRecord.objects.filter(pk=row.pk).update(ciphertext=forged, hash=new_hash)

    assert f"circle {first.pk} seq 3: altered" in verify_fails()


def test_a_rewritten_tail_is_caught_by_the_signed_head(db):
    """Rewriting every hash after a record still contradicts the signed head."""
    circle, sender = build_circle(), build_user()
    for n in range(101):
        add_message(circle=circle, sender=sender, text=f"m{n}")
    assert SignedChainHead.objects.filter(circle=circle, seq=100).exists()
    prev = bytes(record(circle, 49).hash)
    for seq in range(50, 102):  # forge 50 and re-chain everything after it
        row = record(circle, seq)
        ciphertext = bytes(row.ciphertext) if seq != 50 else b"forged" * 4
        new_hash = chain_hash(
            prev,
            circle.pk,
            seq,
            row.sender_id,
            canonical_sent_at(row.sent_at),
            row.status,
            bytes(row.nonce),
            ciphertext,
        )
        ArchiveRecord.objects.filter(pk=row.pk).update(
            ciphertext=ciphertext, prev_hash=prev, hash=new_hash
        )
        prev = new_hash
    CircleKey.objects.filter(circle=circle).update(head_hash=prev)

    message = verify_fails()

    assert f"circle {circle.pk} seq 100: altered: it differs from the signed" in message


def test_a_forged_signed_head_is_detected(db):
    circle, sender = build_circle(), build_user()
    for n in range(100):
        add_message(circle=circle, sender=sender, text=f"m{n}")
    head = SignedChainHead.objects.get(circle=circle)
    signature = bytearray(bytes(head.signature))
    signature[5] ^= 0x20
    # The ORM refuses (append-only); someone with database access uses SQL.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE archive_signedchainhead SET signature = %s WHERE id = %s",
            [bytes(signature), head.pk],
        )

    assert f"circle {circle.pk} seq 100: its signed chain head does not verify" in (
        verify_fails()
    )


def test_verify_names_an_unknown_circle(db):
    assert "No circle with id 987654" in verify_fails("--circle", "987654")


# -- bundles -------------------------------------------------------------------------


def export(*args: str) -> str:
    out = StringIO()
    call_command("export_archive", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def decrypt_tar(path: Path, key) -> bytes:
    return pyrage.decrypt(path.read_bytes(), [key])


def members(tar_bytes: bytes) -> dict[str, bytes]:
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as archive:
        return {
            member.name: archive.extractfile(member).read()
            for member in archive.getmembers()
        }


def reencrypt(path: Path, key, tar_bytes: bytes) -> None:
    path.write_bytes(pyrage.encrypt(tar_bytes, [key.to_public()]))


def test_a_bundle_round_trips_and_verifies(chat, identity, tmp_path):
    program, first, second, *_ = chat
    key, key_path = identity
    monitor = build_user(name="monitor")
    read_for_staff(user=monitor, circle_id=first.pk, seqs=[2], purpose="flag 7")
    admin = build_user(name="admin")
    ProgramRole.objects.create(user=admin, program=program, role=Role.ADMIN)
    Message.objects.filter(circle=first, seq=2).update(status="hidden")
    out = tmp_path / "bundle.age"
    recipient = str(key.to_public())

    printed = export(
        "--program",
        str(program.pk),
        "--recipient",
        recipient,
        "--out",
        str(out),
        "--by",
        "admin",
    )

    assert f"Wrote {out}: 2 circle(s), 8 message(s)" in printed
    assert recipient in printed
    files = members(decrypt_tar(out, key))
    assert list(files) == [
        "manifest.json",
        "manifest.sig",
        "messages.jsonl",
        "flags.jsonl",
        "audit.jsonl",
    ]
    manifest = json.loads(files["manifest.json"])
    assert manifest["scope"] == {
        "kind": "program",
        "id": program.pk,
        "name": program.name,
    }
    assert manifest["counts"]["messages"] == 8
    assert manifest["time_range"] == {"since": None, "until": None}
    circles = {c["id"]: c for c in manifest["circles"]}
    assert circles[first.pk]["chain_head"]["seq"] == 5
    assert circles[first.pk]["last_hash"] == bytes(record(first, 5).hash).hex()
    assert set(manifest["files"]) == {"messages.jsonl", "flags.jsonl", "audit.jsonl"}
    assert len(manifest["signing_key"]["public_key"]) == 64
    lines = [json.loads(line) for line in files["messages.jsonl"].splitlines()]
    assert [(m["circle"], m["seq"], m["body"]) for m in lines[:2]] == [
        (first.pk, 1, "first 0"),
        (first.pk, 2, "first 1"),
    ]
    assert (lines[1]["status"], lines[1]["current_status"]) == ("delivered", "hidden")
    assert set(lines[0]) == {
        "circle",
        "seq",
        "sender",
        "sent_at",
        "status",
        "current_status",
        "body",
        "sealed",
        "prev_hash",
        "hash",
    }
    audit = [json.loads(line) for line in files["audit.jsonl"].splitlines()]
    assert [(a["action"], a["purpose"]) for a in audit if a["circle"] == first.pk] == [
        ("read", "flag 7"),
        ("export", "archive export"),
    ]
    exports = AccessAudit.objects.filter(action="export").order_by("circle_id")
    assert [(a.circle_id, a.recipient, a.seqs, a.user) for a in exports] == [
        (first.pk, recipient, "1-5", admin),
        (second.pk, recipient, "1-3", admin),
    ]
    assert SignedChainHead.objects.filter(reason="export").count() == 2

    output = verify("--bundle", str(out), "--identity", str(key_path))

    assert output.startswith("OK: bundle verified: 2 circle(s), 8 message(s), 2 signed")
    assert output.count("\n") == 1


def test_a_bundle_verifies_with_only_the_identity_and_public_key(
    chat, identity, tmp_path, archive_keys
):
    """Elsewhere: no database rows needed, no signing key file, just the bundle."""
    _, first, *_ = chat
    key, key_path = identity
    out = tmp_path / "one.age"
    printed = export(
        "--circle",
        str(first.pk),
        "--recipient",
        str(key.to_public()),
        "--out",
        str(out),
    )
    public_key = printed.rsplit("ed25519 key ", 1)[1].strip().rstrip(".")
    archive_keys.ARCHIVE_SIGNING_KEY_FILE = tmp_path / "elsewhere" / "no_key_here"
    clear_key_cache()
    ArchiveRecord.objects.all().delete()

    output = verify(
        "--bundle", str(out), "--identity", str(key_path), "--public-key", public_key
    )

    assert output.startswith("OK: bundle verified: 1 circle(s), 5 message(s)")
    assert public_key in output
    assert not (tmp_path / "elsewhere").exists()
    with out.open("rb") as source:
        report = verify_bundle(source, read_identities(key_path))
    assert (report.ok, report.circles, report.messages) == (True, 1, 5)


def _bundle(chat, identity, tmp_path, scope=("--program",)) -> tuple[Path, bytes]:
    program, first, *_ = chat
    key, _ = identity
    out = tmp_path / "b.age"
    which = str(program.pk) if scope[0] == "--program" else str(first.pk)
    export(scope[0], which, "--recipient", str(key.to_public()), "--out", str(out))
    return out, decrypt_tar(out, key)


def _verify_tar(tar_bytes: bytes):
    """verify_bundle's checks after decryption, in the chunk size age writes."""
    return verify_tar(
        tar_bytes[start : start + 8192] for start in range(0, len(tar_bytes), 8192)
    )


def test_every_changed_byte_of_the_decrypted_tar_is_detected(chat, identity, tmp_path):
    """Flip each byte of headers and contents (and a sample of padding): all fail."""
    key, _ = identity
    out, tar_bytes = _bundle(chat, identity, tmp_path, scope=("--circle",))
    with out.open("rb") as source:
        assert verify_bundle(source, [key]).ok is True
    end = 0
    positions = []
    offset = 0
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as archive:
        for member in archive.getmembers():
            positions += range(member.offset, member.offset_data + member.size)
            offset = member.offset_data + member.size
    end = offset
    positions += range(end, len(tar_bytes), 97)  # padding and the end blocks
    assert _verify_tar(tar_bytes).ok is True

    undetected = []
    for position in positions:
        altered = bytearray(tar_bytes)
        altered[position] ^= 0x01
        if _verify_tar(bytes(altered)).ok:
            undetected.append(position)

    assert undetected == []


def test_a_changed_body_in_the_bundle_fails_with_the_file_named(
    chat, identity, tmp_path
):
    key, key_path = identity
    out, tar_bytes = _bundle(chat, identity, tmp_path)
    files = members(tar_bytes)
    altered = files["messages.jsonl"].replace(b'"first 3"', b'"first 9"')
    assert altered != files["messages.jsonl"]
    reencrypt(out, key, _rebuild(files, {"messages.jsonl": altered}))

    message = verify_fails("--bundle", str(out), "--identity", str(key_path))

    assert "messages.jsonl was altered" in message


def _rebuild(files: dict[str, bytes], changes: dict[str, bytes]) -> bytes:
    """A tar like the original, with changed members (canonical headers)."""
    manifest = json.loads(files["manifest.json"])
    pieces = bundle_module.tar_pieces(
        [(name, len(data), [data]) for name, data in ({**files, **changes}).items()],
        manifest["mtime"],
    )
    return b"".join(pieces)


def _lines(files: dict[str, bytes]) -> list[bytes]:
    return files["messages.jsonl"].splitlines(keepends=True)


@pytest.mark.parametrize("case", ["deleted", "reordered", "moved", "duplicated"])
def test_line_changes_in_the_bundle_name_the_first_bad_record(
    chat, identity, tmp_path, case
):
    _, first, second, *_ = chat
    key, key_path = identity
    out, tar_bytes = _bundle(chat, identity, tmp_path)
    files = members(tar_bytes)
    lines = _lines(files)
    if case == "deleted":
        del lines[2]  # first, seq 3
        expected = f"circle {first.pk} seq 3: missing"
    elif case == "reordered":
        lines[1], lines[2] = lines[2], lines[1]
        expected = f"circle {first.pk} seq 2: missing"
    elif case == "moved":
        moved = json.loads(lines[3])
        moved["circle"] = second.pk
        moved["seq"] = 4
        del lines[3]
        lines.append(json.dumps(moved).encode() + b"\n")
        expected = f"circle {first.pk} seq 4: missing"
    else:
        lines.insert(2, lines[1])
        expected = f"circle {first.pk} seq 2: out of order or repeated"
    reencrypt(out, key, _rebuild(files, {"messages.jsonl": b"".join(lines)}))

    message = verify_fails("--bundle", str(out), "--identity", str(key_path))

    assert expected in message


def test_a_corrupt_bundle_file_is_a_clear_error(chat, identity, tmp_path):
    _, key_path = identity
    out, _ = _bundle(chat, identity, tmp_path)
    data = bytearray(out.read_bytes())
    data[len(data) // 2] ^= 0x01
    out.write_bytes(bytes(data))

    message = verify_fails("--bundle", str(out), "--identity", str(key_path))

    assert "damaged or truncated" in message


def test_a_truncated_bundle_file_is_a_clear_error(chat, identity, tmp_path):
    _, key_path = identity
    out, _ = _bundle(chat, identity, tmp_path)
    out.write_bytes(out.read_bytes()[:-40])

    assert "damaged or truncated" in verify_fails(
        "--bundle", str(out), "--identity", str(key_path)
    )


def test_a_wrong_identity_is_a_clear_error(chat, identity, tmp_path):
    out, _ = _bundle(chat, identity, tmp_path)
    other = tmp_path / "other.key"
    other.write_text(str(pyrage.x25519.Identity.generate()) + "\n")

    message = verify_fails("--bundle", str(out), "--identity", str(other))

    assert "not encrypted to the given identity" in message


def test_an_identity_file_without_a_key_is_a_clear_error(chat, identity, tmp_path):
    out, _ = _bundle(chat, identity, tmp_path)
    bad = tmp_path / "bad.key"
    bad.write_text("age1notasecret\n")

    assert "is not an age secret key" in verify_fails(
        "--bundle", str(out), "--identity", str(bad)
    )


def test_a_bundle_signed_by_another_key_is_refused(chat, identity, tmp_path):
    _, key_path = identity
    out, _ = _bundle(chat, identity, tmp_path)

    message = verify_fails(
        "--bundle", str(out), "--identity", str(key_path), "--public-key", "ab" * 32
    )

    assert "not by the expected key" in message


@pytest.mark.parametrize(
    "recipient", ["", "age1xyz", "AGE-SECRET-KEY-1ABC", "ssh-ed25519 AAAA"]
)
def test_a_bad_recipient_is_a_clear_error_and_writes_nothing(chat, tmp_path, recipient):
    _, first, *_ = chat
    out = tmp_path / "x.age"

    with pytest.raises(CommandError, match="is not an age public key"):
        export("--circle", str(first.pk), "--recipient", recipient, "--out", str(out))

    assert list(tmp_path.glob("*.age*")) == []
    assert list(tmp_path.glob(".x.age*")) == []
    assert AccessAudit.objects.filter(action="export").count() == 0


def test_an_unknown_circle_or_program_is_a_clear_error(db, identity, tmp_path):
    key, _ = identity
    recipient = str(key.to_public())
    out = str(tmp_path / "x.age")

    with pytest.raises(CommandError, match="No circle with id 424242"):
        export("--circle", "424242", "--recipient", recipient, "--out", out)
    with pytest.raises(CommandError, match="No program with id 424242"):
        export("--program", "424242", "--recipient", recipient, "--out", out)


def test_a_failed_export_leaves_no_file_behind(chat, identity, tmp_path, monkeypatch):
    _, first, *_ = chat
    key, _ = identity
    out = tmp_path / "exports" / "half.age"
    out.parent.mkdir()

    def explode(reader, handle, recipients):
        handle.write(b"age-encryption.org/v1\n-> partial")
        raise OSError("disk full")

    monkeypatch.setattr(bundle_module.pyrage, "encrypt_io", explode)
    with pytest.raises(OSError, match="disk full"):
        export(
            "--circle",
            str(first.pk),
            "--recipient",
            str(key.to_public()),
            "--out",
            str(out),
        )

    assert list(out.parent.iterdir()) == []
    assert AccessAudit.objects.filter(action="export").count() == 1  # attempt on record


def test_a_time_range_exports_a_contiguous_slice_that_verifies(db, identity, tmp_path):
    key, key_path = identity
    circle, sender = build_circle(), build_user()
    start = timezone.now() - timedelta(days=10)
    for day in range(10):
        add_message(
            circle=circle,
            sender=sender,
            text=f"day {day}",
            sent_at=start + timedelta(days=day),
        )
    out = tmp_path / "slice.age"
    since = (start + timedelta(days=3)).date().isoformat()
    until = (start + timedelta(days=6)).date().isoformat()

    export(
        "--circle",
        str(circle.pk),
        "--since",
        since,
        "--until",
        until,
        "--recipient",
        str(key.to_public()),
        "--out",
        str(out),
    )

    files = members(decrypt_tar(out, key))
    bodies = [json.loads(line)["body"] for line in files["messages.jsonl"].splitlines()]
    assert bodies == ["day 3", "day 4", "day 5", "day 6"]
    manifest = json.loads(files["manifest.json"])
    assert manifest["circles"][0]["first_seq"] == 4
    assert manifest["circles"][0]["chain_head"]["seq"] == 10
    assert verify("--bundle", str(out), "--identity", str(key_path)).startswith("OK:")


def test_a_shredded_circle_exports_without_text_and_still_verifies(
    chat, identity, tmp_path
):
    _, first, *_ = chat
    key, key_path = identity
    first.status = Circle.Status.CLOSED
    first.closed_at = timezone.now() - timedelta(days=400)
    first.save()
    assert [r.circle_id for r in shred_expired()] == [first.pk]
    out = tmp_path / "shredded.age"

    export(
        "--circle",
        str(first.pk),
        "--recipient",
        str(key.to_public()),
        "--out",
        str(out),
    )

    files = members(decrypt_tar(out, key))
    lines = [json.loads(line) for line in files["messages.jsonl"].splitlines()]
    assert [line["body"] for line in lines] == [None] * 5
    assert json.loads(files["manifest.json"])["circles"][0]["shredded"] is True
    output = verify("--bundle", str(out), "--identity", str(key_path))
    assert f"1 shredded circle(s) ({first.pk})" in output


def test_export_decrypts_what_was_sealed(chat, identity, tmp_path):
    _, first, *_ = chat
    key, _ = identity
    out = tmp_path / "c.age"
    export(
        "--circle",
        str(first.pk),
        "--recipient",
        str(key.to_public()),
        "--out",
        str(out),
    )
    files = members(decrypt_tar(out, key))
    lines = [json.loads(line) for line in files["messages.jsonl"].splitlines()]
    aead = circle_aead(CircleKey.objects.get(circle=first))

    for line in lines:
        import base64

        sealed = base64.b64decode(line["sealed"])
        plain = aead.decrypt(
            sealed[:12], sealed[12:], body_aad(first.pk, line["seq"], line["sender"])
        )
        assert plain.decode() == line["body"]


# -- the chain walker, property-based ------------------------------------------------

CHAIN_FIELDS = ("sender", "sent_at", "status", "nonce", "ciphertext", "prev", "hash")


def _chain(length: int) -> list[list[object]]:
    rows: list[list[object]] = []
    prev = bytes(32)
    for seq in range(1, length + 1):
        row: list[object] = [
            seq,
            7 + seq % 3,
            f"2025-01-31T09:{seq % 60:02d}:00.000000Z",
            "delivered",
            bytes([seq % 256]) * 12,
            f"ciphertext {seq}".encode(),
            prev,
        ]
        row.append(chain_hash(prev, 5, *row[:6]))
        rows.append(row)
        prev = row[-1]
    return rows


def _walk(rows: list[list[object]]) -> ChainCheck:
    checker = ChainCheck(5)
    for row in rows:
        checker.add(*row)
    checker.finish(head_seq=len(rows), head_hash=_chain(len(rows))[-1][-1])
    return checker


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    length=st.integers(min_value=1, max_value=12),
    data=st.data(),
)
def test_any_single_change_names_the_changed_record(length, data):
    rows = _chain(length)
    assert _walk(rows).problem is None
    index = data.draw(st.integers(min_value=0, max_value=length - 1))
    field = data.draw(st.sampled_from(CHAIN_FIELDS))
    column = CHAIN_FIELDS.index(field) + 1
    value = rows[index][column]
    if isinstance(value, bytes):
        position = data.draw(st.integers(min_value=0, max_value=len(value) - 1))
        flipped = bytearray(value)
        flipped[position] ^= data.draw(st.integers(min_value=1, max_value=255))
        rows[index][column] = bytes(flipped)
    elif isinstance(value, int):
        rows[index][column] = value + data.draw(st.integers(min_value=1, max_value=9))
    else:
        rows[index][column] = (
            value.replace("0", "1", 1) if "0" in value else value + "x"
        )

    problem = _walk(rows).problem

    assert problem is not None
    assert (problem.circle_id, problem.seq) == (5, index + 1)


@hypothesis_settings(max_examples=200, deadline=None)
@given(length=st.integers(min_value=2, max_value=12), data=st.data())
def test_a_removed_or_swapped_record_is_named(length, data):
    rows = _chain(length)
    index = data.draw(st.integers(min_value=0, max_value=length - 2))
    if data.draw(st.booleans()):
        del rows[index]
    else:
        rows[index], rows[index + 1] = rows[index + 1], rows[index]

    problem = _walk(rows).problem

    assert problem is not None
    assert problem.seq == index + 1
