"""The moderation engine: pure functions over text, rules passed in as data.

No Django, no database, no settings: the Django side (moderation.selectors) builds a
RuleSet from the program's rules and hands it in. Typical use::

    rules = build_ruleset(DEFAULT_RULES, allowed_contacts=["515-555-0100"])
    verdict = moderate(body, rules=rules, previous=recent_bodies)
"""

from .errors import BodyTooLong, EmptyBody, RuleSyntaxError, SanitizeError
from .normalize import View, digits_view, fold_text, folded, skeleton_of
from .patterns import compile_pattern, literal_pattern
from .ruleset import (
    ACTIONS,
    CATEGORIES,
    DEFAULT_ACTIONS,
    DEFAULT_CRISIS_SUPPORT,
    Hit,
    RuleSet,
    RuleSpec,
    build_ruleset,
)
from .sanitize import MAX_BODY_CHARS, sanitize, sanitize_with_offsets
from .verdict import EXPLANATIONS, Verdict, moderate

__all__ = [
    "ACTIONS",
    "CATEGORIES",
    "DEFAULT_ACTIONS",
    "DEFAULT_CRISIS_SUPPORT",
    "EXPLANATIONS",
    "MAX_BODY_CHARS",
    "BodyTooLong",
    "EmptyBody",
    "Hit",
    "RuleSet",
    "RuleSpec",
    "RuleSyntaxError",
    "SanitizeError",
    "Verdict",
    "View",
    "build_ruleset",
    "compile_pattern",
    "digits_view",
    "fold_text",
    "folded",
    "literal_pattern",
    "moderate",
    "sanitize",
    "sanitize_with_offsets",
    "skeleton_of",
]
