"""The verdict on one message: what happens to it, which rules fired, and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .ruleset import (
    ACTION_RANK,
    ALLOW,
    BLOCK,
    CRISIS,
    FLAG,
    HOLD,
    Hit,
    RuleSet,
)
from .sanitize import MAX_BODY_CHARS, sanitize

Action = Literal["allow", "flag", "hold", "block"]
Status = Literal["delivered", "flagged", "held"]
_BY_RANK: tuple[Action, ...] = ("allow", "flag", "hold", "block")

# What the sender is told about a held or blocked message, by category.
EXPLANATIONS = {
    "contact_info": (
        "it looks like it shares or asks for personal contact details (a phone "
        "number, email, address or social media account), which the code of conduct "
        "asks you to keep off this platform."
    ),
    "off_platform": (
        "it looks like it moves the conversation or a meeting outside the program, "
        "or asks to keep something from program staff or parents."
    ),
    "money_gifts": (
        "it looks like it involves lending, giving or asking for money or gifts, "
        "which the code of conduct does not allow between members."
    ),
    "intimacy": (
        "it looks like a romantic or sexual remark or a request for photos, which "
        "the code of conduct does not allow."
    ),
    "bigotry_harassment": (
        "it looks like it contains an insult, a slur, a bigoted remark or a threat, "
        "which the code of conduct does not allow."
    ),
    "illegal_activity": (
        "it looks like it involves illegal activity or breaking supervision conditions."
    ),
    "crisis": "it mentions someone being in danger or in crisis.",
    "circle_topic": "it touches a topic your circle agreed not to discuss.",
}


@dataclass(frozen=True, slots=True)
class Verdict:
    action: Action
    text: str
    hits: tuple[Hit, ...]
    categories: tuple[str, ...]
    urgent: bool
    reason: str
    support: str | None

    @property
    def status(self) -> Status | None:
        """The message row's status; None when the message is blocked (no row)."""
        if self.action == BLOCK:
            return None
        if self.action == HOLD:
            return "held"
        if self.action == FLAG:
            return "flagged"
        return "delivered"

    @property
    def delivers(self) -> bool:
        return self.action in (ALLOW, FLAG)

    @property
    def blocks(self) -> bool:
        return self.action == BLOCK


def moderate(
    text: str,
    *,
    rules: RuleSet,
    previous: Sequence[str] = (),
    max_length: int = MAX_BODY_CHARS,
) -> Verdict:
    """Sanitize `text` and screen it; raises EmptyBody or BodyTooLong.

    `previous` holds the same sender's few most recent messages in the circle, newest
    last: a phone number split across them and this one is still caught (the hit then
    points into this text).
    """
    clean = sanitize(text, max_length=max_length)
    hits = tuple(rules.scan(clean, previous=previous))
    return verdict_for(clean, hits, rules=rules)


def verdict_for(text: str, hits: tuple[Hit, ...], *, rules: RuleSet) -> Verdict:
    if not hits:
        return Verdict("allow", text, hits, (), False, "", None)
    categories = {hit.category for hit in hits}
    action = _BY_RANK[max({ACTION_RANK[hit.action] for hit in hits})]
    urgent = CRISIS in categories
    return Verdict(
        action=action,
        text=text,
        hits=hits,
        categories=tuple(sorted(categories)),
        urgent=urgent,
        reason=_reason(action, hits, rules),
        support=rules.crisis_support if urgent else None,
    )


def _reason(action: str, hits: tuple[Hit, ...], rules: RuleSet) -> str:
    if action not in (HOLD, BLOCK):
        return ""
    # The first of the most severe (min keeps the first of equals, as sorting does).
    hit = min(
        (hit for hit in hits if hit.action == action),
        key=lambda hit: (-hit.severity, hit.start),
    )
    because = EXPLANATIONS.get(hit.category, "it matches a code-of-conduct rule.")
    if action == HOLD:
        return f"Held for a monitor to review: {because}"
    return (
        f"Not sent: {because} (rule: {rules.title(hit.rule)}). "
        "You can rephrase it and send it again."
    )
