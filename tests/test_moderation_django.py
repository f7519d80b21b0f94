"""Moderation's Django side: the `moderate` command, rule sets per circle, flags."""

from __future__ import annotations

import gc
import json

import pytest
from django.contrib.admin.sites import AdminSite
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import RequestFactory

from accounts.models import Program, ProgramRole, Role, User
from config.errors import ErrorCode
from messaging.models import Agreement, Circle, Message
from moderation.admin import RuleAdmin
from moderation.engine import moderate as engine_moderate
from moderation.errors import EmptyMessage, MessageTooLong
from moderation.models import AllowedContact, Flag, Rule
from moderation.screening import moderate, sanitize
from moderation.selectors import clear_cache, rules_for_circle
from moderation.services import record_flags, record_report


@pytest.fixture(autouse=True)
def _fresh_rule_cache():
    clear_cache()
    yield
    clear_cache()


def make_circle(name: str = "Reentry North") -> Circle:
    program = Program.objects.create(
        name=name, crisis_resources="Call 988. Staff know."
    )
    return Circle.objects.create(program=program, name=f"{name} circle")


def make_message(circle: Circle, seq: int = 1) -> Message:
    sender, _ = User.objects.get_or_create(username="mentee1")
    return Message.objects.create(
        circle=circle, seq=seq, sender=sender, client_id=f"c{seq}", status="flagged"
    )


# --- the moderate command -------------------------------------------------------------


def test_moderate_command_writes_one_line_per_message(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text(
        "\n".join(
            json.dumps(item)
            for item in [
                {"id": "a", "text": "text me at 515-555-0192"},
                {"id": 2, "text": "See you Tuesday at the library"},
                {"id": "c", "text": "I could kill for a coffee"},
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    call_command("moderate", str(source))
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == ["a", 2, "c"]
    first = lines[0]
    assert first["action"] == "hold"
    assert "contact_info" in first["categories"]
    phone = next(hit for hit in first["hits"] if hit["rule"] == "contact.phone")
    assert set(phone) == {"category", "rule", "start", "end"}
    assert "text me at 515-555-0192"[phone["start"] : phone["end"]] == "515-555-0192"
    assert lines[1] == {"id": 2, "action": "allow", "categories": [], "hits": []}
    assert lines[2]["action"] == "allow"


def test_moderate_command_offsets_point_into_the_text_as_given(tmp_path, capsys):
    text = "  \x00call me 515-555-0192"
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": 1, "text": text}) + "\n", encoding="utf-8")
    call_command("moderate", str(source))
    hit = next(
        h
        for h in json.loads(capsys.readouterr().out)["hits"]
        if h["rule"] == "contact.phone"
    )
    assert text[hit["start"] : hit["end"]] == "515-555-0192"


def test_moderate_command_reports_bad_lines_and_goes_on(tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": 1, "text": "hi"}\nnot json\n{"text": "no id"}\n\n{"id": 4, "text": 5}\n'
        '{"id": 5, "text": "   "}\n{"id": 6, "text": "bye"}\n',
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="4 line"):
        call_command("moderate", str(source))
    captured = capsys.readouterr()
    assert [json.loads(line)["id"] for line in captured.out.splitlines()] == [1, 6]
    assert "line 2: not valid JSON" in captured.err
    assert 'line 3: missing "id"' in captured.err
    assert 'line 5: "text" must be a string' in captured.err
    assert 'line 6: "text" is empty' in captured.err


def test_moderate_command_names_an_unreadable_file():
    with pytest.raises(CommandError, match="cannot read"):
        call_command("moderate", "/nonexistent/file.jsonl")


# --- errors ---------------------------------------------------------------------------


def test_screening_raises_app_errors_with_wire_codes():
    with pytest.raises(MessageTooLong) as too_long:
        sanitize("x" * 4001)
    assert too_long.value.code == ErrorCode.TOO_LONG
    assert "4000" in too_long.value.detail
    assert "4001" in too_long.value.detail
    with pytest.raises(EmptyMessage) as empty:
        moderate(" \x00 ", rules=None)  # type: ignore[arg-type]
    assert empty.value.code == ErrorCode.BAD_FRAME


# --- rule sets for circles ------------------------------------------------------------


@pytest.mark.django_db
def test_rules_for_circle_combines_defaults_program_rules_topics_and_contacts():
    circle = make_circle()
    program = circle.program
    Rule.objects.create(
        program=program, category="illegal_activity", pattern="blue house", severity=2
    )
    AllowedContact.objects.create(program=program, value="641-555-0111", label="Office")
    Agreement.objects.create(
        circle=circle, version=1, not_comfortable_topics="my ex\nthe trial"
    )
    rules = rules_for_circle(circle)
    assert (
        "illegal_activity"
        in engine_moderate("meet at the blue house", rules=rules).categories
    )
    assert engine_moderate("office: 641-555-0111", rules=rules).categories == ()
    assert engine_moderate("call 515-555-0100", rules=rules).categories == ()
    topic = engine_moderate("talked to my ex", rules=rules)
    assert topic.categories == ("circle_topic",)
    crisis = engine_moderate("I want to end my life", rules=rules)
    assert crisis.support == "Call 988. Staff know."
    assert "contact_info" in engine_moderate("whats ur number", rules=rules).categories


@pytest.mark.django_db
def test_rules_for_circle_is_cached_and_follows_rule_changes(django_assert_num_queries):
    circle = make_circle()
    first = rules_for_circle(circle)
    with django_assert_num_queries(1):  # the version and topics check only
        assert rules_for_circle(circle) is first
    rule = Rule.objects.create(
        program=circle.program, category="crisis", pattern="purple elephant", severity=3
    )
    second = rules_for_circle(circle)
    assert second is not first
    assert engine_moderate("purple elephant", rules=second).urgent is True
    rule.enabled = False
    rule.save()
    assert (
        engine_moderate("purple elephant", rules=rules_for_circle(circle)).categories
        == ()
    )


@pytest.mark.django_db
def test_a_compiled_rule_set_is_left_out_of_garbage_collection():
    """Full collections would walk its tens of thousands of objects, pausing every
    socket of the process; frozen, they are skipped (and still freed by reference
    counting once the rules change)."""
    circle = make_circle()
    Rule.objects.create(
        program=circle.program, category="crisis", pattern="purple elephant", severity=3
    )
    clear_cache()
    rules = rules_for_circle(circle)
    parts = [rules.main, *rules.extra]
    assert not any(obj is part for obj in gc.get_objects() for part in parts)
    assert gc.get_freeze_count() > 10_000


@pytest.mark.django_db
def test_program_rule_with_a_builtin_key_overrides_it():
    circle = make_circle()
    assert (
        "off_platform"
        in engine_moderate(
            "keep this between us", rules=rules_for_circle(circle)
        ).categories
    )
    Rule.objects.create(
        program=circle.program,
        key="off.secret",
        category="off_platform",
        pattern="zzz",
        enabled=False,
    )
    assert (
        engine_moderate(
            "keep this between us", rules=rules_for_circle(circle)
        ).categories
        == ()
    )
    other = make_circle("Youth East")
    assert (
        "off_platform"
        in engine_moderate(
            "keep this between us", rules=rules_for_circle(other)
        ).categories
    )


@pytest.mark.django_db
def test_new_agreement_topics_apply_without_a_rule_change():
    circle = make_circle()
    Agreement.objects.create(circle=circle, version=1, not_comfortable_topics="")
    assert engine_moderate("the trial", rules=rules_for_circle(circle)).categories == ()
    Agreement.objects.create(
        circle=circle, version=2, not_comfortable_topics="the trial"
    )
    assert engine_moderate("the trial", rules=rules_for_circle(circle)).categories == (
        "circle_topic",
    )


@pytest.mark.django_db
def test_rule_with_a_bad_pattern_does_not_validate():
    from django.core.exceptions import ValidationError

    rule = Rule(category="crisis", pattern="(unclosed", severity=2, action="flag")
    with pytest.raises(ValidationError, match="not closed"):
        rule.clean()


# --- flags ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_record_flags_one_per_category_urgent_for_crisis_and_no_text():
    circle = make_circle()
    message = make_message(circle, seq=7)
    verdict = engine_moderate(
        "I want to kill myself. text me at 515-555-0192", rules=rules_for_circle(circle)
    )
    rows = record_flags(message=message, verdict=verdict)
    assert rows[0]["category"] == "crisis"
    assert {row["category"] for row in rows} == set(verdict.categories)
    crisis = rows[0]
    assert crisis["urgent"] is True
    assert (crisis["circle"], crisis["seq"], crisis["status"]) == (circle.pk, 7, "open")
    assert set(crisis) == {
        "id",
        "circle",
        "seq",
        "category",
        "severity",
        "urgent",
        "status",
        "created_at",
    }
    json.dumps(rows)  # plain JSON for the channel layer
    assert Flag.objects.filter(message=message).count() == len(rows)
    stored = Flag.objects.get(pk=crisis["id"])
    assert stored.urgent is True
    assert stored.rule.startswith("crisis.")
    text_fields = [
        f.name for f in Flag._meta.get_fields() if "text" in f.name or "body" in f.name
    ]
    assert text_fields == []


@pytest.mark.django_db
def test_record_flags_for_a_clean_message_creates_nothing():
    circle = make_circle()
    message = make_message(circle)
    verdict = engine_moderate("see you tuesday", rules=rules_for_circle(circle))
    assert record_flags(message=message, verdict=verdict) == []
    assert Flag.objects.count() == 0


@pytest.mark.django_db
def test_record_report_stores_the_reason_encrypted_and_opens_a_report_flag():
    circle = make_circle()
    message = make_message(circle, seq=3)
    reporter = User.objects.create(username="mentor1")
    row = record_report(
        reporter=reporter, message=message, reason_ciphertext=b"\x01sealed"
    )
    assert (row["category"], row["seq"], row["status"]) == ("report", 3, "open")
    flag = Flag.objects.get(pk=row["id"])
    assert bytes(flag.report.reason_ciphertext) == b"\x01sealed"


# --- admin ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_rule_admin_shows_only_programs_the_user_administers():
    mine = make_circle("Mine").program
    theirs = make_circle("Theirs").program
    Rule.objects.create(program=mine, category="crisis", pattern="aaa")
    Rule.objects.create(program=theirs, category="crisis", pattern="bbb")
    Rule.objects.create(program=None, category="crisis", pattern="ccc")
    admin_user = User.objects.create(username="admin1", is_staff=True)
    ProgramRole.objects.create(user=admin_user, program=mine, role=Role.ADMIN)
    root = User.objects.create(username="root", is_staff=True, is_superuser=True)
    model_admin = RuleAdmin(Rule, AdminSite())
    request = RequestFactory().get("/admin/moderation/rule/")
    request.user = admin_user
    assert [r.pattern for r in model_admin.get_queryset(request)] == ["aaa"]
    request.user = root
    assert sorted(r.pattern for r in model_admin.get_queryset(request)) == [
        "aaa",
        "bbb",
        "ccc",
    ]
