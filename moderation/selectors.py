"""Reads for moderation: the compiled rule set for a circle, flags as plain data.

Compiled rule sets are cached per process and keyed by the RulesVersion counter, which
signals bump on every Rule / AllowedContact / Program change: checking it (together
with the circle's current agreement topics) costs one small query per message.
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Iterable

from django.db.models import OuterRef, Subquery

from messaging.models import Agreement, Circle
from moderation.default_rules import (
    CRISIS_SUPPORT,
    DEFAULT_ALLOWED_CONTACTS,
    DEFAULT_RULES,
)
from moderation.engine import RuleSet, RuleSpec, build_ruleset
from moderation.models import AllowedContact, Flag, Rule, RulesVersion

_CACHE_SIZE = 256
_lock = threading.Lock()
_programs: OrderedDict[tuple[int, int], RuleSet] = OrderedDict()
_circles: OrderedDict[tuple[int, int, tuple[str, ...]], RuleSet] = OrderedDict()
_default: RuleSet | None = None


def default_ruleset() -> RuleSet:
    """The built-in rules and allow-list (what `manage.py moderate` uses)."""
    global _default
    if _default is None:
        _default = build_ruleset(
            DEFAULT_RULES,
            allowed_contacts=DEFAULT_ALLOWED_CONTACTS,
            crisis_support=CRISIS_SUPPORT,
        )
    return _default


def rules_for_circle(circle: Circle) -> RuleSet:
    """The program's rules plus this circle's not-comfortable topics, compiled once.

    One query: the rules version and the circle's current agreement topics.
    """
    agreements = Agreement.objects.filter(circle=OuterRef("pk")).order_by("-version")
    row = (
        Circle.objects.filter(pk=circle.pk)
        .annotate(
            rules_version=Subquery(
                RulesVersion.objects.filter(pk=1).values("version")[:1]
            ),
            topics=Subquery(agreements.values("not_comfortable_topics")[:1]),
        )
        .values_list("program_id", "rules_version", "topics")
        .first()
    )
    if row is None:
        return default_ruleset()
    program_id, version, topics = row
    return _circle_ruleset(program_id, int(version or 0), topics or "")


def ruleset_for(
    *, program_id: int, not_comfortable_topics: str, version: int
) -> RuleSet:
    """rules_for_circle for a caller that has already read the program, the topics and
    the rules' version (post_message, in messaging.access.chat_access's statement): no
    query."""
    return _circle_ruleset(program_id, version, not_comfortable_topics)


def _circle_ruleset(program_id: int, version: int, topics: str) -> RuleSet:
    terms = tuple(_terms(topics))
    key = (program_id, version, terms)
    with _lock:
        cached = _circles.get(key)
        if cached is not None:
            _circles.move_to_end(key)
            return cached
    program_rules = _program_ruleset(program_id, version)
    ruleset = program_rules.with_terms(terms) if terms else program_rules
    with _lock:
        _circles[key] = ruleset
        while len(_circles) > _CACHE_SIZE:
            _circles.popitem(last=False)
    return ruleset


def _terms(topics: str) -> Iterable[str]:
    # Same splitting as Agreement.not_comfortable_terms(), without loading the row.
    for line in topics.replace(",", "\n").splitlines():
        if line.strip():
            yield line.strip()


def _program_ruleset(program_id: int, version: int) -> RuleSet:
    key = (program_id, version)
    with _lock:
        cached = _programs.get(key)
        if cached is not None:
            return cached
    ruleset = build_program_ruleset(program_id)
    with _lock:
        _programs[key] = ruleset
        while len(_programs) > _CACHE_SIZE:
            _programs.popitem(last=False)
    # A rule set is tens of thousands of objects that live until the rules change.
    # Left to the garbage collector, each full collection walks them all: pauses of
    # 40-90 ms for every socket of the process (measured with gc.callbacks under
    # bench/chat_bench.py on 2 cores). Frozen, they are skipped; a replaced set is
    # still freed by reference counting (it holds no reference cycles).
    gc.freeze()
    return ruleset


def build_program_ruleset(program_id: int) -> RuleSet:
    """Built-in rules (minus those overridden by key), site-wide and program rules."""
    from accounts.models import Program

    program = Program.objects.filter(pk=program_id).only("crisis_resources").first()
    stored = list(Rule.objects.filter(program__isnull=True).order_by("id")) + list(
        Rule.objects.filter(program_id=program_id).order_by("id")
    )
    # A program's rule overrides a site-wide one with the same key, which overrides
    # the built-in one; a disabled rule with a key switches the built-in rule off.
    overrides: dict[str, Rule] = {}
    extra: list[Rule] = []
    for rule in stored:
        if rule.key:
            overrides[rule.key] = rule
        else:
            extra.append(rule)
    own: list[RuleSpec] = [
        RuleSpec(
            rule.rule_id,
            rule.category,
            rule.pattern,
            rule.severity,
            rule.action,
            rule.name,
        )
        for rule in [*overrides.values(), *extra]
        if rule.enabled and rule.pattern.strip()
    ]
    allowed = list(
        AllowedContact.objects.filter(program_id=program_id).values_list(
            "value", flat=True
        )
    )
    support = (program.crisis_resources if program else "") or CRISIS_SUPPORT
    builtin_ids = {spec.id for spec in DEFAULT_RULES}
    if not builtin_ids & set(overrides):
        # The common case: compile only the program's own rules on top of the
        # built-in set, which every program shares.
        return default_ruleset().extended(
            own, allowed_contacts=allowed, crisis_support=support
        )
    specs = [spec for spec in DEFAULT_RULES if spec.id not in overrides] + own
    return build_ruleset(
        specs,
        allowed_contacts=[*DEFAULT_ALLOWED_CONTACTS, *allowed],
        crisis_support=support,
    )


def clear_cache() -> None:
    """Forget compiled rule sets (tests; the version counter handles normal edits)."""
    with _lock:
        _programs.clear()
        _circles.clear()


def flag_row(flag: Flag) -> dict[str, object]:
    """A flag as the monitor `flag` frame and the flags API show it (plain JSON)."""
    return {
        "id": flag.pk,
        "circle": flag.circle_id,
        "seq": flag.seq,
        "category": flag.category,
        "severity": flag.severity,
        "urgent": flag.urgent,
        "status": flag.status,
        "created_at": flag.created_at.isoformat(),
    }
