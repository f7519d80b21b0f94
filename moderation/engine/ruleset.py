"""Rules as data, compiled once into an Aho-Corasick automaton, and matched.

A RuleSet is immutable and cheap to share: build it once per program (and once more,
cheaply, per circle for its not-comfortable topics with `with_terms`) and reuse it for
every message. Matching runs one automaton pass over the skeleton view (plus one over
the joined view when letters are spelled out one at a time), checks gaps for phrases
with gaps, drops hits covered by an exception ("allow") rule, and adds the contact-info
detectors' hits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import ahocorasick

from . import contacts
from .contacts import AllowList
from .errors import RuleSyntaxError
from .normalize import (
    Edited,
    Spans,
    View,
    emoji_edits,
    folded,
    joined,
    skeleton_of,
    skeleton_text,
    unleet,
)
from .patterns import MONEY, Sequence_, compile_pattern, literal_pattern

CONTACT_INFO = "contact_info"
OFF_PLATFORM = "off_platform"
MONEY_GIFTS = "money_gifts"
INTIMACY = "intimacy"
BIGOTRY_HARASSMENT = "bigotry_harassment"
ILLEGAL_ACTIVITY = "illegal_activity"
CRISIS = "crisis"
CIRCLE_TOPIC = "circle_topic"
CATEGORIES = (
    CONTACT_INFO,
    OFF_PLATFORM,
    MONEY_GIFTS,
    INTIMACY,
    BIGOTRY_HARASSMENT,
    ILLEGAL_ACTIVITY,
    CRISIS,
    CIRCLE_TOPIC,
)

ALLOW = "allow"
FLAG = "flag"
HOLD = "hold"
BLOCK = "block"
ACTIONS = (ALLOW, FLAG, HOLD, BLOCK)
ACTION_RANK = {ALLOW: 0, FLAG: 1, HOLD: 2, BLOCK: 3}

# DESIGN.md, "Moderation": crisis is delivered with an urgent flag and support shown.
DEFAULT_ACTIONS: Mapping[str, str] = {
    CONTACT_INFO: HOLD,
    OFF_PLATFORM: FLAG,
    MONEY_GIFTS: FLAG,
    INTIMACY: HOLD,
    BIGOTRY_HARASSMENT: HOLD,
    ILLEGAL_ACTIVITY: FLAG,
    CRISIS: FLAG,
    CIRCLE_TOPIC: FLAG,
}

DEFAULT_CRISIS_SUPPORT = (
    "If you are thinking about hurting yourself or are in danger, call or text 988 "
    "(Suicide & Crisis Lifeline), or 911 in an emergency. Program staff have been "
    "told and will reach out."
)

# Detector hits (phones, emails, addresses, handles) are contact_info, high severity.
DETECTOR_SEVERITY = 3
MASK_CHARS = "*#"
# Words people mask with "*" ("f****t", "s*icide"): unmasked against these categories'
# rule words only, so a masked slur is not mistaken for an ordinary word.
MASKED_CATEGORIES = frozenset({"bigotry_harassment", "crisis", "intimacy"})


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """One rule as data. `action=None` takes the category's default action."""

    id: str
    category: str
    pattern: str
    severity: int = 2
    action: str | None = None
    name: str = ""

    @property
    def title(self) -> str:
        return self.name or self.id


@dataclass(frozen=True, slots=True)
class Hit:
    """A rule that matched: offsets are into the sanitized text, end exclusive."""

    category: str
    rule: str
    severity: int
    action: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class _Rule:
    id: str
    category: str
    severity: int
    action: str
    sequences: tuple[Sequence_, ...]

    @property
    def crosses_breaks(self) -> bool:
        """Exceptions and crisis signals may span sentences ("Wrote letters. Just
        in case."); other rules keep their parts within one sentence."""
        return self.action == ALLOW or self.category == CRISIS


# Automaton value: (key length, is prefix, rules the key matches outright,
# multi-part phrases the key is the anchor of).
_Value = tuple[int, bool, tuple[int, ...], tuple[int, ...]]
_Span = tuple[int, int]
_NUMBER_AFTER = [
    re.compile(rf"(?: +[^ ]+){{0,{gap}}}? +(\d+)(?= )") for gap in range(9)
]
_MONEY_AFTER = re.compile(r" (?:bucks|dollars|doiiars|dollar|doiiar|grand|k)(?= )")
# Gaps between the parts of a phrase never cross these (in the folded text).
_BREAK = re.compile(r"[.!?;\n]")
_MASKED = re.compile(r"(?<![a-z0-9*#])[a-z0-9]+[*#][a-z0-9*#]*(?![a-z0-9*#])")
_MASK_SKELETON = str.maketrans({"l": "i"})
# One-character words that may be letters spelled out one at a time (not "i", "a").
_SINGLES = frozenset(chr(c) for c in range(128) if chr(c) not in "ia")


class _Node:
    """A word in a tree of phrases, and what may follow it."""

    __slots__ = ("ends", "next", "stems")

    def __init__(self) -> None:
        self.next: dict[str, _Node] = {}
        self.ends = False  # a phrase ends with this word
        self.stems: tuple[str, ...] = ()  # phrases end with a word beginning so

    def follows(self, padded: str, position: int) -> bool:
        """Whether a phrase goes on from this word at `position`, a word's start."""
        node = self
        while True:
            end = padded.find(" ", position)
            if end < 0:  # only a prefix can end the text (padded texts end in " ")
                return padded.startswith(node.stems, position)
            word = padded[position:end]
            if not word:
                return False  # the words of a phrase are one space apart
            if node.stems and word.startswith(node.stems):
                return True
            found = node.next.get(word)
            if found is None:
                return False
            if found.ends:
                return True
            node = found
            position = end + 1

    def collect(
        self, padded: str, position: int, start: int, spans: list[_Span]
    ) -> None:
        """Add (start, stop) for each phrase going on from this word at `position`."""
        node = self
        while True:
            end = padded.find(" ", position)
            if end < 0:  # only a prefix can end the text (padded texts end in " ")
                spans.extend(
                    (start, len(padded))
                    for stem in node.stems
                    if padded.startswith(stem, position)
                )
                return
            word = padded[position:end]
            if not word:
                return  # the words of a phrase are one space apart
            if node.stems:
                spans.extend(
                    (start, end) for stem in node.stems if word.startswith(stem)
                )
            found = node.next.get(word)
            if found is None:
                return
            if found.ends:
                spans.append((start, end))
            node = found
            position = end + 1


class _Part:
    """A literal part of a multi-part phrase, and where it occurs in a padded text.

    One-word phrases are found by their word, one-word prefixes ("threat*") with
    str.find, and longer phrases by walking a tree of words from each occurrence of
    their first word: a part can have hundreds of phrases ("(i'll|i will) (give|get|
    buy) (you|u|ya) ..."), and the walk costs the same however many there are.
    """

    __slots__ = ("cue", "firsts", "stems", "tree", "whole")

    def __init__(self, phrases: Iterable[str]) -> None:
        """`phrases` in skeleton form; a "*" ends a phrase's last word's prefix."""
        whole: set[str] = set()
        stems: list[str] = []
        self.tree: dict[str, _Node] = {}
        for phrase in phrases:
            prefix = phrase.endswith("*")
            words = phrase.rstrip("*").split()
            if len(words) == 1:
                if prefix:
                    stems.append(words[0])
                else:
                    whole.add(words[0])
                continue
            node = self.tree.setdefault(words[0], _Node())
            for word in words[1:-1]:
                node = node.next.setdefault(word, _Node())
            if prefix:
                node.stems += (words[-1],)
            else:
                node.next.setdefault(words[-1], _Node()).ends = True
        self.whole = frozenset(whole)
        self.stems = tuple(stems)
        self.firsts = frozenset(self.tree)
        # Without a prefix, the part can only be there if one of these words is.
        self.cue = None if stems else self.whole | self.firsts

    def occurs(self, padded: str, words: frozenset[str]) -> bool:
        """Whether one of the phrases is in `padded` (whose words are `words`)."""
        if not self.whole.isdisjoint(words):
            return True
        for stem in self.stems:
            if f" {stem}" in padded:
                return True
        for first in self.firsts.intersection(words):
            node = self.tree[first]
            key = f" {first} "
            index = padded.find(key)
            while index >= 0:
                if node.follows(padded, index + len(key)):
                    return True
                index = padded.find(key, index + 1)
        return False

    def spans(self, padded: str, words: frozenset[str]) -> list[_Span]:
        """Every (start, stop) of a phrase in `padded`, in order: the word(s) from
        start, up to the space after them."""
        spans: list[_Span] = []
        for word in self.whole.intersection(words):
            key = f" {word} "
            index = padded.find(key)
            while index >= 0:
                spans.append((index + 1, index + len(key) - 1))
                index = padded.find(key, index + 1)
        for stem in self.stems:
            key = f" {stem}"
            index = padded.find(key)
            while index >= 0:
                stop = padded.find(" ", index + len(key))
                spans.append((index + 1, len(padded) if stop < 0 else stop))
                index = padded.find(key, index + 1)
        for first in self.firsts.intersection(words):
            node = self.tree[first]
            key = f" {first} "
            index = padded.find(key)
            while index >= 0:
                node.collect(padded, index + len(key), index + 1, spans)
                index = padded.find(key, index + 1)
        spans.sort()
        return spans


class _Compiled:
    """Compiled rules: the automaton, its targets, and the mask index."""

    def __init__(self, rules: Sequence[_Rule]) -> None:
        self.rules = tuple(rules)
        direct: dict[str, list[int]] = {}
        anchors: dict[str, list[int]] = {}
        # Multi-part phrases: (rule index, parts, each part's index in `parts`, or
        # -1 for a number). Each is looked at only when its anchor, the part least
        # likely to be in a message, is there.
        self.multi: list[tuple[int, Sequence_, tuple[int, ...]]] = []
        # Rules share parts ("(you|u|ya)"): each distinct part is looked for at most
        # once per message.
        self.parts: list[_Part] = []
        part_ids: dict[frozenset[str], int] = {}
        commonness: list[float] = []
        # Per multi-part phrase, the parts besides its anchor that must be in a
        # message for it to match (not those that may be a number instead), rarest
        # first: the first one missing settles it.
        self.needs: list[tuple[int, ...]] = []
        masks: dict[tuple[int, str], set[str]] = {}

        def part_id(phrases: tuple[str, ...]) -> int:
            signature = frozenset(phrases)
            if signature not in part_ids:
                part_ids[signature] = len(self.parts)
                self.parts.append(_Part(signature))
                commonness.append(_commonness(phrases))
            return part_ids[signature]

        for r, rule in enumerate(self.rules):
            for sequence in rule.sequences:
                segments = sequence.segments
                if len(segments) == 1:
                    for phrase in segments[0].phrases:
                        direct.setdefault(_key(phrase), []).append(r)
                else:
                    multi_id = len(self.multi)
                    anchor = _anchor(sequence)
                    for phrase in segments[anchor].phrases:
                        anchors.setdefault(_key(phrase), []).append(multi_id)
                    parts = tuple(
                        part_id(segment.phrases) if segment.phrases else -1
                        for segment in segments
                    )
                    self.multi.append((r, sequence, parts))
                    needs = {
                        parts[g]
                        for g, segment in enumerate(segments)
                        if g != anchor and segment.phrases and not segment.number
                    }
                    self.needs.append(tuple(sorted(needs, key=commonness.__getitem__)))
                if rule.action != ALLOW and rule.category in MASKED_CATEGORIES:
                    for segment in sequence.segments:
                        for phrase in segment.phrases:
                            for word in phrase.rstrip("*").split():
                                if len(word) >= 4 and word.isalpha():
                                    masks.setdefault((len(word), word[0]), set()).add(
                                        word
                                    )
        # The automaton holds the keys that can start a match: a rule's whole phrase,
        # or a multi-part phrase's anchor. The other parts ("my", "at", "the" ...)
        # are looked for only in the messages that have an anchor.
        self.automaton: ahocorasick.Automaton | None = None
        if direct or anchors:
            automaton = ahocorasick.Automaton()
            for key in dict.fromkeys([*direct, *anchors]):
                value: _Value = (
                    len(key),
                    not key.endswith(" "),
                    tuple(dict.fromkeys(direct.get(key, ()))),
                    tuple(dict.fromkeys(anchors.get(key, ()))),
                )
                automaton.add_word(key, value)
            automaton.make_automaton()
            self.automaton = automaton
        self.masks = {k: tuple(sorted(v)) for k, v in masks.items()}

    def unmask(self, text: str) -> str:
        """Masked words ("f****t", "s*icide") replaced by the one rule word they fit."""
        if not self.masks:
            return text

        def replace(match: re.Match[str]) -> str:
            token = match.group()
            shown = token.translate(_MASK_SKELETON)
            if sum(c not in MASK_CHARS for c in token) < 2:
                return token
            words = self.masks.get((len(token), shown[0]), ())
            fits = {
                word
                for word in words
                if all(
                    c in MASK_CHARS or c == w for c, w in zip(shown, word, strict=True)
                )
            }
            return fits.pop() if len(fits) == 1 else token

        return _MASKED.sub(replace, text)

    def scan(
        self,
        padded: str,
        folded: str | None = None,
        words: frozenset[str] | None = None,
    ) -> list[tuple[int, int, int]]:
        """(rule, start, end) in `padded` coordinates for every complete rule match.

        `folded` is the text `padded` was made from (1:1, one shorter at each end):
        gaps are not allowed across its punctuation, and "$#" reads its "$".
        `words` is `frozenset(padded.split())` when the caller already has it.
        """
        automaton = self.automaton
        if automaton is None:
            return []
        found: list[tuple[int, int, int]] = []
        candidates: set[int] = set()
        for end, (length, prefix, direct, anchored) in automaton.iter(padded):
            if direct:
                start = end - length + 2  # the word after the leading space
                if prefix:
                    stop = padded.find(" ", end + 1)
                    stop = len(padded) if stop < 0 else stop
                else:
                    stop = end
                for rule in direct:
                    found.append((rule, start, stop))
            if anchored:
                candidates.update(anchored)
        if not candidates:
            return found
        # A candidate needs every literal part somewhere in the text: only those
        # that have them all are joined. Most parts fail on their words alone.
        if words is None:
            words = frozenset(padded.split())
        parts, needs = self.parts, self.needs
        known: dict[int, bool] = {}
        possible: list[int] = []
        for multi_id in candidates:
            for part_id in needs[multi_id]:
                present = known.get(part_id)
                if present is None:
                    part = parts[part_id]
                    present = known[part_id] = (
                        part.cue is None or not part.cue.isdisjoint(words)
                    ) and part.occurs(padded, words)
                if not present:
                    break
            else:
                possible.append(multi_id)
        if not possible:
            return found
        found.extend(_Chains(self, padded, folded, words).run(possible))
        return found


def _key(phrase: str) -> str:
    """The automaton key of a phrase: " word " (whole words), " threat" (prefix)."""
    return " " + (phrase[:-1] if phrase.endswith("*") else phrase + " ")


def _anchor(sequence: Sequence_) -> int:
    """The part of a multi-part phrase whose keys go in the automaton: the one least
    likely to be in an ordinary message, as every message that has it makes the
    phrase a candidate. Never a part that may be a number instead (a match need not
    contain its words); the first part is never one."""
    return min(
        (
            g
            for g, segment in enumerate(sequence.segments)
            if segment.phrases and not segment.number
        ),
        key=lambda g: _commonness(sequence.segments[g].phrases),
    )


# Everyday words (skeleton form) and about how often each is in a chat message,
# roughly: function words and pronouns, then everyday verbs and nouns. Other words
# count as rare, short ones less so. Only the choice of anchors depends on this.
_EVERYDAY_WORDS = {
    word: weight
    for weight, words in (
        (
            1.0,
            "i you u me my your ur we us our they them their he him his she her it "
            "its a an the this that is am are was were be been do does did have has "
            "had will would can could should not no yes so and or but if then than as "
            "at by for from in into of on to up out off with about just like get got "
            "go going gonna wanna want make know think see say tell come take give "
            "need let all any some one what when where who how why there here now ok "
            "im don't can't won't didn't doesn't isn't ain't ya y'all lol too very "
            "really also back",
        ),
        (
            0.2,
            "time day today tonight tomorrow week good great bad new old big little "
            "more much many other same way thing people man guy guys work job home "
            "house place school money friend mom dad family life love feel call text "
            "talk chat send put keep start stop try help look find show use ask bring "
            "buy pay leave meet hit hey yeah well still even again never always "
            "something anything nothing someone only after before next last first "
            "right thanks please sorry sure maybe gotta hope told said gave getting "
            "made took went doing down over these those being may might must",
        ),
    )
    for word in skeleton_of(words).split()
}


@lru_cache(maxsize=65536)
def _commonness(phrases: tuple[str, ...]) -> float:
    """About how likely a part is to be in a message: over its phrases, the product
    of their words' weights, less for each word after the first (everyday words in
    a given order are much rarer than each word); a trailing "*" matches more."""
    total = 0.0
    for phrase in phrases:
        weight = 3.0 if phrase.endswith("*") else 1.0
        for index, word in enumerate(phrase.rstrip("*").split()):
            weight *= _EVERYDAY_WORDS.get(word, 0.05 if len(word) <= 2 else 0.01)
            if index:
                weight *= 0.2
        total += weight
    return total


class _Chains:
    """Joins the parts of the multi-part phrases that may be in one message."""

    def __init__(
        self,
        compiled: _Compiled,
        padded: str,
        folded: str | None,
        words: frozenset[str],
    ) -> None:
        self.rules = compiled.rules
        self.multi = compiled.multi
        self.parts = compiled.parts
        self.padded = padded
        self.folded = folded
        self.words = words
        self.cache: dict[int, list[_Span]] = {}

    def spans(self, part: int) -> list[_Span]:
        """Where a part occurs, in order."""
        cached = self.cache.get(part)
        if cached is None:
            cached = self.cache[part] = self.parts[part].spans(self.padded, self.words)
        return cached

    def run(self, candidates: Iterable[int]) -> list[tuple[int, int, int]]:
        """Every candidate's first match (all its literal parts are in the text)."""
        found: list[tuple[int, int, int]] = []
        for multi_id in candidates:
            rule, spec, parts = self.multi[multi_id]
            for start, stop in self.spans(parts[0]):
                end = self._follow(rule, spec, parts, 1, stop)
                if end is not None:
                    found.append((rule, start, end))
                    break
        return found

    def _crosses_break(self, rule: int, start: int, end: int) -> bool:
        if self.folded is None or end <= start or self.rules[rule].crosses_breaks:
            return False
        # padded index i is folded index i - 1
        return (
            _BREAK.search(self.folded, max(start - 1, 0), max(end - 1, 0)) is not None
        )

    def _follow(
        self,
        rule: int,
        spec: Sequence_,
        parts: tuple[int, ...],
        segment: int,
        after: int,
    ) -> int | None:
        if segment == len(spec.segments):
            return after
        padded = self.padded
        gap = spec.gaps[segment]
        part = spec.segments[segment]
        if part.number:
            match = _NUMBER_AFTER[gap].match(padded, after)
            if match is not None and not self._crosses_break(
                rule, after, match.start(1)
            ):
                is_money = (
                    part.number != MONEY
                    or (
                        self.folded is not None
                        and match.start(1) >= 2
                        and self.folded[match.start(1) - 2] == "$"
                    )
                    or _MONEY_AFTER.match(padded, match.end(1)) is not None
                )
                if is_money:
                    end = self._follow(rule, spec, parts, segment + 1, match.end(1))
                    if end is not None:
                        return end
        for start, stop in self.spans(parts[segment]) if part.phrases else ():
            if start <= after:
                continue
            # padded[after:start] begins and ends with a space, so it holds at most
            # one word fewer than spaces: count them (cheap), split only if that
            # is more than the gap allows.
            words = padded.count(" ", after, start) - 1
            if words > gap:
                words = len(padded[after:start].split())
            if words > gap or self._crosses_break(rule, after, start):
                # Spans are in order: every later one has at least as many words
                # in between and crosses the same break.
                break
            end = self._follow(rule, spec, parts, segment + 1, stop)
            if end is not None:
                return end
        return None


def _compile_rules(
    specs: Iterable[RuleSpec], actions: Mapping[str, str]
) -> list[_Rule]:
    rules: list[_Rule] = []
    for spec in specs:
        if spec.category not in CATEGORIES:
            raise RuleSyntaxError(
                f"Rule {spec.id}: unknown category {spec.category!r}."
            )
        action = spec.action or actions[spec.category]
        if action not in ACTION_RANK:
            raise RuleSyntaxError(f"Rule {spec.id}: unknown action {action!r}.")
        if spec.severity not in (1, 2, 3):
            raise RuleSyntaxError(f"Rule {spec.id}: severity must be 1, 2 or 3.")
        try:
            sequences = compile_pattern(spec.pattern)
        except RuleSyntaxError as error:
            raise RuleSyntaxError(f"Rule {spec.id}: {error}") from error
        rules.append(_Rule(spec.id, spec.category, spec.severity, action, sequences))
    return rules


@dataclass(frozen=True)
class RuleSet:
    """Compiled rules plus the program's allow-list and crisis support text."""

    main: _Compiled
    terms: _Compiled | None
    allow: AllowList
    crisis_support: str
    actions: Mapping[str, str]
    titles: Mapping[str, str] = field(default_factory=dict)
    extra: tuple[_Compiled, ...] = ()
    allowed_values: tuple[str, ...] = ()

    def with_terms(self, extra_terms: Iterable[str]) -> RuleSet:
        """The same rules plus a circle's not-comfortable topics (flagged)."""
        return replace(self, terms=_compile_terms(extra_terms, self.actions))

    def extended(
        self,
        rules: Iterable[RuleSpec],
        *,
        allowed_contacts: Iterable[str] = (),
        crisis_support: str | None = None,
    ) -> RuleSet:
        """These rules plus more (a program's own), compiling only the new ones."""
        specs = list(rules)
        allowed = (*self.allowed_values, *allowed_contacts)
        return replace(
            self,
            extra=(*self.extra, _Compiled(_compile_rules(specs, self.actions)))
            if specs
            else self.extra,
            allow=AllowList.of(allowed),
            allowed_values=allowed,
            crisis_support=crisis_support or self.crisis_support,
            titles={**self.titles, **{spec.id: spec.title for spec in specs}},
        )

    def title(self, rule: str) -> str:
        return self.titles.get(rule, rule)

    def scan(self, text: str, *, previous: Sequence[str] = ()) -> list[Hit]:
        """Every hit in `text` (already sanitized), exceptions applied, sorted."""
        plain = folded(text)
        emoji = emoji_edits(plain.text)
        base: Spans = Edited(plain, emoji) if emoji else plain
        leet = unleet(base.text)
        if "*" in leet or "#" in leet:
            leet = self.main.unmask(leet)
        padded = " " + skeleton_text(leet) + " "
        words = frozenset(padded.split())
        # The padded skeleton, then the view with letters spelled out one at a time
        # joined, if any (None: the padded skeleton's own offsets).
        views: list[tuple[str, View | None]] = [(padded, None)]
        if padded.isascii():
            singles = len(words & _SINGLES)
        else:
            singles = sum(1 for word in words if len(word) == 1 and word not in "ia")
        if singles >= 2 and (spelled := joined(padded)) is not None:
            views.append((spelled.text, spelled))
        allowed: list[tuple[str, int, int]] = []
        hits: list[Hit] = []
        for compiled in (self.main, *self.extra, self.terms):
            if compiled is None:
                continue
            for view_text, view in views:
                for rule_index, start, stop in (
                    compiled.scan(view_text, base.text, words)
                    if view is None
                    else compiled.scan(view_text)
                ):
                    rule = compiled.rules[rule_index]
                    # view -> padded skeleton -> skeleton (= folded) -> original
                    first, last = (
                        (start, stop) if view is None else view.span(start, stop)
                    )
                    first, last = base.span(first - 1, max(last - 1, first))
                    if rule.action == ALLOW:
                        allowed.append((rule.category, first, last))
                    else:
                        hits.append(
                            Hit(
                                rule.category,
                                rule.id,
                                rule.severity,
                                rule.action,
                                first,
                                last,
                            )
                        )
        if allowed:
            # An exception covers the hits of its category that begin inside it.
            hits = [
                hit
                for hit in hits
                if not any(
                    c == hit.category and a <= hit.start < b for c, a, b in allowed
                )
            ]
        previous_digits = (
            [contacts.trailing_digits(p) for p in previous[-3:]] if previous else []
        )
        action = self.actions[CONTACT_INFO]
        for found in contacts.find_contacts(
            plain, self.allow, previous_digits=previous_digits, words=words
        ):
            hits.append(
                Hit(
                    CONTACT_INFO,
                    found.rule,
                    DETECTOR_SEVERITY,
                    action,
                    found.start,
                    found.end,
                )
            )
        if len(hits) < 2:
            return hits
        unique = {(hit.rule, hit.start, hit.end): hit for hit in hits}
        return sorted(unique.values(), key=lambda hit: (hit.start, hit.end, hit.rule))


def _compile_terms(
    terms: Iterable[str], actions: Mapping[str, str]
) -> _Compiled | None:
    specs = []
    for index, term in enumerate(dict.fromkeys(t.strip() for t in terms if t.strip())):
        pattern = literal_pattern(term)
        if pattern:
            specs.append(
                RuleSpec(f"topic.{index + 1}", CIRCLE_TOPIC, pattern, severity=1)
            )
    if not specs:
        return None
    return _Compiled(_compile_rules(specs, actions))


def build_ruleset(
    rules: Iterable[RuleSpec],
    *,
    allowed_contacts: Iterable[str] = (),
    crisis_support: str = DEFAULT_CRISIS_SUPPORT,
    extra_terms: Iterable[str] = (),
    actions: Mapping[str, str] | None = None,
) -> RuleSet:
    """Compile `rules` once; raises RuleSyntaxError naming the rule that is wrong."""
    resolved = {**DEFAULT_ACTIONS, **(actions or {})}
    specs = list(rules)
    compiled = _Compiled(_compile_rules(specs, resolved))
    titles = {spec.id: spec.title for spec in specs}
    allowed = tuple(allowed_contacts)
    return RuleSet(
        compiled,
        _compile_terms(extra_terms, resolved),
        AllowList.of(allowed),
        crisis_support,
        resolved,
        titles,
        allowed_values=allowed,
    )
