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

import ahocorasick

from . import contacts
from .contacts import AllowList
from .errors import RuleSyntaxError
from .normalize import View, emoji_words, folded, joined, skeleton_text, unleet
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


# Automaton value: (key length, is prefix, key id, rules the key matches outright,
# multi-part phrases the key is the anchor of).
_Value = tuple[int, bool, int, tuple[int, ...], tuple[int, ...]]
_Span = tuple[int, int]
# A key to look for with str.find: (key, key id, is prefix).
_Find = tuple[str, int, bool]
# Per part: one-word phrases; first words of the others, and by first word their keys.
_Check = tuple[frozenset[str], frozenset[str], dict[str, tuple[str, ...]]]
# Per part: first words, by first word the keys, and keys with no first word.
_Need = tuple[frozenset[str], dict[str, tuple[_Find, ...]], tuple[_Find, ...]]
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


class _Compiled:
    """Compiled rules: the automaton, its targets, and the mask index."""

    def __init__(self, rules: Sequence[_Rule]) -> None:
        self.rules = tuple(rules)
        key_ids: dict[str, int] = {}
        direct: dict[int, list[int]] = {}
        anchors: dict[int, list[int]] = {}
        # Multi-part phrases: (rule index, parts, each literal part's key ids). Each is
        # looked at only when its rarest part (its anchor) occurs in the message.
        self.multi: list[tuple[int, Sequence_, tuple[frozenset[int], ...]]] = []
        masks: dict[tuple[int, str], set[str]] = {}

        def key_id(phrase: str) -> int:
            prefix = phrase.endswith("*")
            key = " " + (phrase[:-1] if prefix else phrase + " ")
            return key_ids.setdefault(key, len(key_ids))

        for r, rule in enumerate(self.rules):
            for sequence in rule.sequences:
                part_keys = tuple(
                    frozenset(key_id(phrase) for phrase in segment.phrases)
                    for segment in sequence.segments
                )
                if len(sequence.segments) == 1:
                    for k in part_keys[0]:
                        direct.setdefault(k, []).append(r)
                else:
                    multi_id = len(self.multi)
                    self.multi.append((r, sequence, part_keys))
                    anchor = max(
                        (g for g, seg in enumerate(sequence.segments) if seg.phrases),
                        key=lambda g: _rarity(sequence.segments[g].phrases),
                    )
                    for k in part_keys[anchor]:
                        anchors.setdefault(k, []).append(multi_id)
                if rule.action != ALLOW and rule.category in MASKED_CATEGORIES:
                    for segment in sequence.segments:
                        for phrase in segment.phrases:
                            for word in phrase.rstrip("*").split():
                                if len(word) >= 4 and word.isalpha():
                                    masks.setdefault((len(word), word[0]), set()).add(
                                        word
                                    )
        # The automaton holds the keys that can start a match: a rule's whole phrase,
        # or a multi-part phrase's anchor (its rarest part). The other parts' keys
        # ("my", "at", "the" ...) are looked for with str.find, and only for the
        # phrases whose anchor was seen and whose every part is in the message.
        self.automaton: ahocorasick.Automaton | None = None
        in_multi = {k for _, _, parts in self.multi for keys in parts for k in keys}
        in_automaton: set[int] = set()
        if key_ids:
            automaton = ahocorasick.Automaton()
            for key, k in key_ids.items():
                value: _Value = (
                    len(key),
                    not key.endswith(" "),
                    k if k in in_multi else -1,
                    tuple(dict.fromkeys(direct.get(k, ()))),
                    tuple(dict.fromkeys(anchors.get(k, ()))),
                )
                if value[3] or value[4]:
                    automaton.add_word(key, value)
                    in_automaton.add(k)
            automaton.make_automaton()
            self.automaton = automaton
        # For each multi-part phrase, per literal part: the words its phrases begin
        # with, and by first word the keys of those phrases; one-word prefixes
        # ("threat*") apart, as they are not whole words. `needs` decides whether
        # every part is in the message (parts that may be a number are left out, as
        # they may always be there); `finds` lists the keys to look for that the
        # automaton does not hold: (key, key id, is prefix).
        self.needs: list[tuple[_Check, ...]] = []
        self.finds: list[tuple[_Need, ...]] = []
        for _, sequence, _ in self.multi:
            needs: list[_Check] = []
            finds: list[_Need] = []
            for segment in sequence.segments:
                if not segment.phrases:
                    continue
                by_first: dict[str, list[_Find]] = {}
                prefixes: list[_Find] = []
                for phrase in segment.phrases:
                    prefix = phrase.endswith("*")
                    key = " " + (phrase[:-1] if prefix else phrase + " ")
                    target = (key, key_ids[key], prefix)
                    if prefix and " " not in phrase:
                        prefixes.append(target)
                    else:
                        by_first.setdefault(phrase.split(" ", 1)[0], []).append(target)
                if not segment.number and not prefixes:
                    # One-word phrases are there when their word is; the others
                    # are looked for by their first word.
                    whole = frozenset(
                        t[0][1:-1]
                        for g in by_first.values()
                        for t in g
                        if not t[2] and " " not in t[0][1:-1]
                    )
                    longer = {
                        w: tuple(t[0] for t in g if t[0][1:-1] not in whole)
                        for w, g in by_first.items()
                    }
                    longer = {w: keys for w, keys in longer.items() if keys}
                    needs.append((whole, frozenset(longer), longer))
                missing = {
                    w: tuple(t for t in group if t[1] not in in_automaton)
                    for w, group in by_first.items()
                }
                missing = {w: group for w, group in missing.items() if group}
                finds.append(
                    (
                        frozenset(missing),
                        missing,
                        tuple(t for t in prefixes if t[1] not in in_automaton),
                    )
                )
            self.needs.append(tuple(needs))
            self.finds.append(tuple(finds))
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
        seen: dict[int, list[_Span]] = {}
        candidates: set[int] = set()
        for end, (length, prefix, key, direct, anchored) in automaton.iter(padded):
            start = end - length + 2  # the word after the leading space
            if prefix:
                stop = padded.find(" ", end + 1)
                stop = len(padded) if stop < 0 else stop
            else:
                stop = end
            for rule in direct:
                found.append((rule, start, stop))
            if key < 0:
                continue  # the key is in no multi-part phrase: nothing to remember
            if key in seen:
                seen[key].append((start, stop))
            else:
                seen[key] = [(start, stop)]
            if anchored:
                candidates.update(anchored)
        if not candidates:
            return found
        # A candidate needs every literal part somewhere in the text: only those
        # that have them all are joined, and only their other parts looked for.
        if words is None:
            words = frozenset(padded.split())
        possible = [m for m in candidates if self._possible(m, padded, words)]
        if not possible:
            return found
        finds = self.finds
        looked: set[int] = set()
        for multi_id in possible:
            for first, by_first, prefixes in finds[multi_id]:
                for word in first.intersection(words):
                    for target in by_first[word]:
                        if target[1] not in looked:
                            looked.add(target[1])
                            if target[0] in padded:
                                _find(padded, target, seen)
                for target in prefixes:
                    if target[1] not in looked:
                        looked.add(target[1])
                        if target[0] in padded:
                            _find(padded, target, seen)
        found.extend(_Chains(self, padded, folded, seen).run(possible))
        return found

    def _possible(self, multi_id: int, padded: str, words: frozenset[str]) -> bool:
        """Whether every literal part of a multi-part phrase occurs in `padded`."""
        for whole, first, longer in self.needs[multi_id]:
            if not whole.isdisjoint(words):
                continue
            present = False
            for word in first.intersection(words):
                for key in longer[word]:
                    if key in padded:
                        present = True
                        break
                if present:
                    break
            if not present:
                return False
        return True


def _find(padded: str, target: _Find, seen: dict[int, list[_Span]]) -> None:
    """Every occurrence of a key, as the automaton would have reported it."""
    key, k, prefix = target
    index = padded.find(key)
    if index < 0:
        return
    spans = seen.setdefault(k, [])
    length = len(key)
    while index >= 0:
        end = index + length - 1
        if prefix:
            stop = padded.find(" ", end + 1)
            stop = len(padded) if stop < 0 else stop
        else:
            stop = end
        spans.append((index + 1, stop))
        index = padded.find(key, index + 1)


def _rarity(phrases: tuple[str, ...]) -> tuple[int, int]:
    """How rare a part's commonest phrase is likely to be: more words, more letters."""
    return min((len(p.split()), len(p)) for p in phrases)


class _Chains:
    """Joins the parts of multi-part phrases found by one automaton pass."""

    def __init__(
        self,
        compiled: _Compiled,
        padded: str,
        folded: str | None,
        seen: dict[int, list[_Span]],
    ) -> None:
        self.rules = compiled.rules
        self.multi = compiled.multi
        self.padded = padded
        self.folded = folded
        self.seen = seen
        self.cache: dict[tuple[int, int], list[_Span]] = {}

    def spans(self, multi_id: int, segment: int) -> list[_Span]:
        """Where part `segment` of a multi-part phrase occurs, in order."""
        cached = self.cache.get((multi_id, segment))
        if cached is None:
            keys = self.multi[multi_id][2][segment]
            cached = []
            for key, spans in self.seen.items():  # few keys seen; parts can be large
                if key in keys:
                    cached.extend(spans)
            cached.sort()
            self.cache[(multi_id, segment)] = cached
        return cached

    def run(self, candidates: Iterable[int]) -> list[tuple[int, int, int]]:
        found: list[tuple[int, int, int]] = []
        present = set(self.seen)
        for multi_id in candidates:
            rule, spec, part_keys = self.multi[multi_id]
            missing = False
            for keys, segment in zip(part_keys, spec.segments, strict=True):
                if keys and not segment.number and keys.isdisjoint(present):
                    missing = True
                    break
            if missing:
                continue
            for start, stop in self.spans(multi_id, 0):
                end = self._follow(rule, multi_id, spec, 1, stop)
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
        self, rule: int, multi_id: int, spec: Sequence_, segment: int, after: int
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
                    end = self._follow(rule, multi_id, spec, segment + 1, match.end(1))
                    if end is not None:
                        return end
        for start, stop in self.spans(multi_id, segment) if part.phrases else ():
            if start <= after:
                continue
            if len(padded[after:start].split()) > gap or self._crosses_break(
                rule, after, start
            ):
                # Spans are in order: every later one has at least as many words
                # in between and crosses the same break.
                break
            end = self._follow(rule, multi_id, spec, segment + 1, stop)
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
        base = emoji_words(plain)
        leet = unleet(base.text)
        if "*" in leet or "#" in leet:
            leet = self.main.unmask(leet)
        padded = " " + skeleton_text(leet) + " "
        words = frozenset(padded.split())
        views = [View(padded)]
        if padded.isascii():
            singles = len(words & _SINGLES)
        else:
            singles = sum(1 for word in words if len(word) == 1 and word not in "ia")
        if singles >= 2 and (spelled := joined(padded)) is not None:
            views.append(spelled)
        allowed: list[tuple[str, int, int]] = []
        hits: list[Hit] = []
        for compiled in (self.main, *self.extra, self.terms):
            if compiled is None:
                continue
            for number, view in enumerate(views):
                source = base.text if number == 0 else None
                for rule_index, start, stop in compiled.scan(
                    view.text, source, words if number == 0 else None
                ):
                    rule = compiled.rules[rule_index]
                    # view -> padded skeleton -> skeleton (= folded) -> original
                    first, last = view.span(start, stop)
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
        if not hits:
            return []
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
