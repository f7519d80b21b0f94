"""Archive costs: encrypt+chain per message, and export+verify of a million messages.

`.venv/bin/python bench/archive_bench.py [--messages 1000000] [--circles 100]`

No database: synthetic records are sealed with the functions seal_message uses, then go
through the same pure functions export_archive and verify_archive use (decrypt_rows,
BundleWriter, verify_bundle, check_stored_rows), so the figures are those commands minus
their SELECTs. Writes bench/results/archive.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TARGET_SEAL_US = 20.0
TARGET_EXPORT_VERIFY_S = 60.0

VOCABULARY = (
    "how was your week the parole meeting went fine I start the new job on monday "
    "thanks for checking in we can talk about goals at the next session did you find "
    "the bus route to the training center my daughter said hi see you tuesday"
)


def setup_django(var_dir: Path) -> None:
    """Settings want a var/ for embedded defaults: a temporary one, not the repo's."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["CIRCLES_VAR_DIR"] = str(var_dir)
    import django

    django.setup()


def bodies(count: int, rng: random.Random) -> list[str]:
    """Chat-like texts of 3 to 40 words (about 15 to 200 characters)."""
    words = VOCABULARY.split()
    return [" ".join(rng.choices(words, k=rng.randint(3, 40))) for _ in range(count)]


def bench_seal(count: int) -> dict[str, float]:
    """seal_message's crypto: unwrap the circle key, encrypt, hash into the chain."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from archive.crypto import (
        canonical_sent_at,
        chain_hash,
        new_data_key,
        seal_body,
        unwrap_data_key,
        wrap_data_key,
    )

    rng = random.Random(7)
    texts = bodies(count, rng)
    master = AESGCM(os.urandom(32))
    wrapped = wrap_data_key(master, version=1, circle_id=1, data_key=new_data_key())
    sent_at = datetime.now(UTC)
    best = float("inf")
    for _ in range(3):
        prev = bytes(32)
        start = time.perf_counter()
        for seq, text in enumerate(texts, start=1):
            aead = AESGCM(
                unwrap_data_key(master, version=1, circle_id=1, wrapped=wrapped)
            )
            nonce, ciphertext = seal_body(
                aead, circle_id=1, seq=seq, sender_id=42, text=text
            )
            prev = chain_hash(
                prev,
                1,
                seq,
                42,
                canonical_sent_at(sent_at),
                "delivered",
                nonce,
                ciphertext,
            )
        best = min(best, time.perf_counter() - start)
    return {"messages": count, "us_per_message": best / count * 1e6}


def synthetic_archive(
    messages: int, circles: int
) -> tuple[dict[int, list[tuple[object, ...]]], dict[int, object], float]:
    """Sealed records as the database would return them, per circle."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from archive.crypto import canonical_sent_at, chain_hash, new_data_key, seal_body

    rng = random.Random(11)
    texts = bodies(4096, rng)
    per_circle = messages // circles
    start_time = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    records: dict[int, list[tuple[object, ...]]] = {}
    aeads: dict[int, object] = {}
    started = time.perf_counter()
    for circle_id in range(1, circles + 1):
        aead = AESGCM(new_data_key())
        aeads[circle_id] = aead
        rows: list[tuple[object, ...]] = []
        prev = bytes(32)
        for seq in range(1, per_circle + 1):
            sender = 1000 + circle_id * 4 + seq % 3
            sent_at = start_time + timedelta(seconds=seq * 37, microseconds=seq)
            text = texts[(circle_id * 7919 + seq) % len(texts)]
            nonce, ciphertext = seal_body(
                aead, circle_id=circle_id, seq=seq, sender_id=sender, text=text
            )
            status = "flagged" if seq % 50 == 0 else "delivered"
            digest = chain_hash(
                prev,
                circle_id,
                seq,
                sender,
                canonical_sent_at(sent_at),
                status,
                nonce,
                ciphertext,
            )
            rows.append(
                (seq, sender, sent_at, status, status, nonce, ciphertext, prev, digest)
            )
            prev = digest
        records[circle_id] = rows
    return records, aeads, time.perf_counter() - started


def bench_export_verify(messages: int, circles: int, work: Path) -> dict[str, object]:
    import pyrage
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from archive.bundle import BundleWriter, decrypt_rows, verify_bundle
    from archive.chain import ChainCheck, check_stored_rows
    from archive.crypto import head_statement

    records, aeads, generated = synthetic_archive(messages, circles)
    total = sum(len(rows) for rows in records.values())
    signer = Ed25519PrivateKey.generate()
    identity = pyrage.x25519.Identity.generate()
    out = work / "bundle.age"

    started = time.perf_counter()
    writer = BundleWriter()
    try:
        entries = []
        for circle_id, rows in records.items():
            unreadable: list[int] = []
            writer.add_messages(
                circle_id,
                decrypt_rows(
                    circle_id,
                    rows,
                    aead=aeads[circle_id],
                    unreadable=unreadable,
                ),
            )
            last = rows[-1]
            head_hash = last[8]
            entries.append(
                {
                    "id": circle_id,
                    "shredded": False,
                    "chain_head": {
                        "circle": circle_id,
                        "seq": last[0],
                        "hash": head_hash.hex(),
                        "signature": signer.sign(
                            head_statement(circle_id, last[0], head_hash)
                        ).hex(),
                    },
                    **writer.tallies[circle_id].as_dict(),
                }
            )
        writer.add_audit({"action": "export", "purpose": "bench"})
        with out.open("wb") as handle:
            writer.write(
                handle,
                recipients=[identity.to_public()],
                signing_key=signer,
                manifest={"scope": {"kind": "bench"}, "circles": entries},
                created=datetime.now(UTC),
            )
    finally:
        writer.close()
    export_seconds = time.perf_counter() - started

    started = time.perf_counter()
    with out.open("rb") as source:
        report = verify_bundle(source, [identity])
    verify_seconds = time.perf_counter() - started
    if not report.ok or report.messages != total:
        raise SystemExit(f"bundle did not verify: {report.problems[:3]}")

    # verify_archive's database path minus its SELECTs: rows as values_list gives them.
    started = time.perf_counter()
    for circle_id, rows in records.items():
        checker = ChainCheck(circle_id)
        stored = (
            (seq, sender, sent_at, status, nonce, ct, prev, digest, circle_id, seq)
            for seq, sender, sent_at, status, _, nonce, ct, prev, digest in rows
        )
        if not check_stored_rows(checker, stored) or checker.count != len(rows):
            raise SystemExit(f"chain did not verify: {checker.problem}")
    db_chain_seconds = time.perf_counter() - started

    return {
        "messages": total,
        "circles": circles,
        "generate_seconds": round(generated, 2),
        "export_seconds": round(export_seconds, 2),
        "verify_bundle_seconds": round(verify_seconds, 2),
        "export_plus_verify_seconds": round(export_seconds + verify_seconds, 2),
        "verify_chains_db_path_seconds": round(db_chain_seconds, 2),
        "bundle_bytes": out.stat().st_size,
    }


def bench_database(messages: int, circles: int, work: Path) -> dict[str, object]:
    """The real commands on a fresh SQLite file: export_archive, verify_archive (DB and
    bundle). Rows are bulk-inserted, sealed with each circle's real key."""
    from io import StringIO

    import pyrage
    from django.core.management import call_command
    from django.db import connection

    from accounts.models import Program, User
    from archive.crypto import canonical_sent_at, chain_hash, seal_body
    from archive.models import ArchiveRecord, CircleKey
    from archive.services import circle_aead, seal_note
    from messaging.models import Circle, Message

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    program = Program.objects.create(name="Bench program")
    people = [User.objects.create(username=f"bench{n}") for n in range(4)]
    texts = bodies(4096, random.Random(5))
    per_circle = messages // circles
    start_time = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    for number in range(circles):
        circle = Circle.objects.create(program=program, name=f"Bench {number}")
        seal_note(circle_id=circle.pk, purpose="bench", text="creates the key")
        key = CircleKey.objects.get(circle=circle)
        aead = circle_aead(key)
        prev = bytes(32)
        for first in range(1, per_circle + 1, 5000):
            seqs = range(first, min(first + 5000, per_circle + 1))
            batch = Message.objects.bulk_create(
                Message(
                    circle=circle,
                    seq=seq,
                    sender=people[seq % 4],
                    client_id=f"{circle.pk}-{seq}",
                    status="delivered",
                    sent_at=start_time + timedelta(seconds=seq * 37),
                )
                for seq in seqs
            )
            records = []
            for message in batch:
                text = texts[(number * 7919 + message.seq) % len(texts)]
                nonce, ciphertext = seal_body(
                    aead,
                    circle_id=circle.pk,
                    seq=message.seq,
                    sender_id=message.sender_id,
                    text=text,
                )
                digest = chain_hash(
                    prev,
                    circle.pk,
                    message.seq,
                    message.sender_id,
                    canonical_sent_at(message.sent_at),
                    "delivered",
                    nonce,
                    ciphertext,
                )
                records.append(
                    ArchiveRecord(
                        message=message,
                        circle=circle,
                        seq=message.seq,
                        sender_id=message.sender_id,
                        sent_at=message.sent_at,
                        status="delivered",
                        nonce=nonce,
                        ciphertext=ciphertext,
                        prev_hash=prev,
                        hash=digest,
                    )
                )
                prev = digest
            ArchiveRecord.objects.bulk_create(records)
        CircleKey.objects.filter(pk=key.pk).update(head_seq=per_circle, head_hash=prev)
        Circle.objects.filter(pk=circle.pk).update(last_seq=per_circle)
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    loaded = time.perf_counter() - started

    identity = pyrage.x25519.Identity.generate()
    identity_file = work / "reviewer.key"
    identity_file.write_text(f"{identity}\n")
    out = work / "db-bundle.age"
    quiet = {"stdout": StringIO(), "stderr": StringIO()}
    timings = {}
    for name, command, arguments in (
        (
            "export_archive_seconds",
            "export_archive",
            [
                "--program",
                str(program.pk),
                "--recipient",
                str(identity.to_public()),
                "--out",
                str(out),
                "--no-progress",
            ],
        ),
        ("verify_archive_db_seconds", "verify_archive", ["--no-progress"]),
        (
            "verify_archive_bundle_seconds",
            "verify_archive",
            ["--bundle", str(out), "--identity", str(identity_file)],
        ),
    ):
        started = time.perf_counter()
        call_command(command, *arguments, **quiet)
        timings[name] = round(time.perf_counter() - started, 2)
    return {
        "messages": per_circle * circles,
        "circles": circles,
        "load_seconds": round(loaded, 2),
        **timings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--circles", type=int, default=100)
    parser.add_argument("--seal-messages", type=int, default=200_000)
    parser.add_argument(
        "--database",
        type=int,
        default=0,
        metavar="N",
        help="also time the real commands on an SQLite file with N messages",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="archive-bench-") as tmp:
        work = Path(tmp)
        setup_django(work / "var")
        seal = bench_seal(args.seal_messages)
        bulk = bench_export_verify(args.messages, args.circles, work)
        database = (
            bench_database(args.database, args.circles, work) if args.database else None
        )
    result = {
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        },
        "seal": {**seal, "target_us": TARGET_SEAL_US},
        "export_verify": {**bulk, "target_seconds": TARGET_EXPORT_VERIFY_S},
    }
    if database is not None:
        result["commands_on_sqlite"] = database
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "archive.json"
    path.write_text(json.dumps(result, indent=2) + "\n")

    seal_us = float(seal["us_per_message"])
    both = float(bulk["export_plus_verify_seconds"])
    rows = [
        (
            "encrypt+chain per message",
            f"{seal_us:.1f} µs",
            f"≤ {TARGET_SEAL_US:.0f} µs",
        ),
        (
            f"export {bulk['messages']:,} messages",
            f"{bulk['export_seconds']} s",
            "",
        ),
        (
            f"verify bundle of {bulk['messages']:,}",
            f"{bulk['verify_bundle_seconds']} s",
            "",
        ),
        ("export + verify", f"{both} s", f"≤ {TARGET_EXPORT_VERIFY_S:.0f} s"),
        (
            "verify chains (DB path, no SELECT)",
            f"{bulk['verify_chains_db_path_seconds']} s",
            "",
        ),
        ("bundle size", f"{int(bulk['bundle_bytes']) / 2**20:.0f} MiB", ""),
    ]
    if database is not None:
        count = f"{database['messages']:,}"
        rows += [
            (
                f"export_archive, SQLite, {count}",
                f"{database['export_archive_seconds']} s",
                "",
            ),
            (
                f"verify_archive (DB), {count}",
                f"{database['verify_archive_db_seconds']} s",
                "",
            ),
            (
                f"verify_archive --bundle, {count}",
                f"{database['verify_archive_bundle_seconds']} s",
                "",
            ),
        ]
    width = max(len(name) for name, _, _ in rows)
    print(f"{'measure':<{width}}  {'result':>10}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>10}  {target}")
    verdict = (
        "met"
        if seal_us <= TARGET_SEAL_US and both <= TARGET_EXPORT_VERIFY_S
        else "MISSED"
    )
    print(f"targets {verdict} -> {path}")


if __name__ == "__main__":
    main()
