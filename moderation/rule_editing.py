"""Rules as program administrators edit them: list, add, change, switch off, try out.

Built-in rules ship with the code (moderation/default_rules.py); a program's own Rule
rows add to them, and a row with a built-in rule's key overrides or disables it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Program, User
from accounts.selectors import administered_programs
from config.errors import Invalid, NotFound
from moderation.default_rules import DEFAULT_RULES
from moderation.engine import moderate
from moderation.engine.errors import SanitizeError
from moderation.models import Rule
from moderation.selectors import build_program_ruleset

RULE_FIELDS = (
    "key",
    "name",
    "category",
    "pattern",
    "severity",
    "action",
    "enabled",
    "note",
)


def access_program_as_admin(*, user: User, program_id: int) -> Program:
    program = administered_programs(user).filter(pk=program_id).first()
    if program is None:
        raise NotFound(_("No such program."))
    return program


@dataclass(frozen=True)
class RuleRow:
    rule_id: str
    category: str
    pattern: str
    action: str
    severity: int
    source: str  # "built-in", "built-in (changed)", "built-in (off)", "program"
    enabled: bool
    pk: int | None = None
    name: str = ""


def list_rules(*, user: User, program_id: int) -> list[RuleRow]:
    """Every rule in force or switched off for the program, built-in ones first."""
    program = access_program_as_admin(user=user, program_id=program_id)
    own = {rule.key: rule for rule in Rule.objects.filter(program=program) if rule.key}
    rows = []
    for spec in DEFAULT_RULES:
        override = own.pop(spec.id, None)
        if override is None:
            rows.append(
                RuleRow(
                    rule_id=spec.id,
                    category=spec.category,
                    pattern=spec.pattern,
                    action=spec.action or "default",
                    severity=spec.severity,
                    source="built-in",
                    enabled=True,
                    name=spec.name,
                )
            )
        else:
            rows.append(
                RuleRow(
                    rule_id=spec.id,
                    category=override.category,
                    pattern=override.pattern,
                    action=override.action,
                    severity=override.severity,
                    source="built-in (changed)"
                    if override.enabled
                    else "built-in (off)",
                    enabled=override.enabled,
                    pk=override.pk,
                    name=override.name or spec.name,
                )
            )
    for rule in Rule.objects.filter(program=program).exclude(
        key__in=[spec.id for spec in DEFAULT_RULES]
    ):
        rows.append(
            RuleRow(
                rule_id=rule.rule_id,
                category=rule.category,
                pattern=rule.pattern,
                action=rule.action,
                severity=rule.severity,
                source="program",
                enabled=rule.enabled,
                pk=rule.pk,
                name=rule.name,
            )
        )
    return rows


@transaction.atomic
def save_rule(
    *, user: User, program_id: int, fields: dict[str, Any], rule_id: int | None = None
) -> Rule:
    """Add a program rule, or change one; the pattern is checked before saving."""
    program = access_program_as_admin(user=user, program_id=program_id)
    if rule_id is None:
        rule = Rule(program=program)
    else:
        found = Rule.objects.filter(pk=rule_id, program=program).first()
        if found is None:
            raise NotFound(_("No such rule."))
        rule = found
    for name in RULE_FIELDS:
        if name in fields:
            setattr(rule, name, fields[name])
    try:
        rule.full_clean()
    except ValidationError as error:
        field, messages = next(iter(error.message_dict.items()))
        raise Invalid(" ".join(messages), field=field) from error
    rule.save()
    return rule


@transaction.atomic
def switch_off_builtin(*, user: User, program_id: int, key: str) -> Rule:
    """Switch a built-in rule off for this program (a disabled override row)."""
    spec = next((spec for spec in DEFAULT_RULES if spec.id == key), None)
    if spec is None:
        raise NotFound(_("No such built-in rule."))
    program = access_program_as_admin(user=user, program_id=program_id)
    rule, _created = Rule.objects.update_or_create(
        program=program,
        key=key,
        defaults={
            "category": spec.category,
            "pattern": spec.pattern,
            "severity": spec.severity,
            "action": spec.action or "flag",
            "enabled": False,
            "name": spec.name,
        },
    )
    return rule


@dataclass(frozen=True)
class Segment:
    text: str
    rule: str = ""  # non-empty: this part matched that rule


@dataclass(frozen=True)
class TrialResult:
    action: str
    categories: tuple[str, ...]
    reason: str
    support: str | None
    hits: list[dict[str, object]]
    segments: list[Segment]


def try_message(*, user: User, program_id: int, text: str) -> TrialResult:
    """What the program's rules would do with `text`, and which rule fired where.

    Nothing is stored or logged: this is the administrator trying a sentence out.
    """
    program = access_program_as_admin(user=user, program_id=program_id)
    try:
        verdict = moderate(text, rules=build_program_ruleset(program.pk))
    except SanitizeError as error:
        raise Invalid(str(error), field="text") from None
    hits = [
        {
            "category": hit.category,
            "rule": hit.rule,
            "action": hit.action,
            "start": hit.start,
            "end": hit.end,
        }
        for hit in verdict.hits
    ]
    return TrialResult(
        action=verdict.action,
        categories=tuple(verdict.categories),
        reason=verdict.reason,
        support=verdict.support,
        hits=hits,
        segments=segments_of(verdict.text, hits),
    )


def segments_of(text: str, hits: list[dict[str, object]]) -> list[Segment]:
    """`text` cut into plain and matched parts (overlapping hits merge), in order."""
    spans = sorted((int(h["start"]), int(h["end"]), str(h["rule"])) for h in hits)  # type: ignore[call-overload]
    segments: list[Segment] = []
    position = 0
    for start, end, rule in spans:
        start = max(start, position)
        if end <= start:
            continue
        if start > position:
            segments.append(Segment(text[position:start]))
        segments.append(Segment(text[start:end], rule=rule))
        position = end
    if position < len(text):
        segments.append(Segment(text[position:]))
    return segments
