"""The rule pattern language: words and phrases, alternatives, small gaps.

    pattern   := choice ("|" choice)*            top-level alternatives
    choice    := item+
    item      := word | "(" pattern ")" | gap | "#" | "$#"
    word      := letters/digits/apostrophes; a trailing "*" matches any ending
                 ("threat*" matches threat, threats, threatened)
    gap       := "..."  up to 3 other words in between
               | "~N"   up to N other words in between (N <= 8)
    "#"       := one number ("ends in #"); "$#" an amount of money ("$50", "20 bucks").
                 Either can also be one alternative of a group: "(cash|$#)".
                 A pattern cannot start with a number.

Examples: ``kill myself``, ``(send|post) ... (nudes|pics|a pic)``,
``(my|your) (po|parole officer) ~3 (won't|wont|doesn't) (know|notice)``.

A gap never crosses sentence punctuation (. , ! ? ;) or a line break.
Matching is whole-word on the skeleton view: case, accents, look-alike letters and
leetspeak do not matter, and punctuation counts as a space ("don't" also matches
"dont" and "don t"). An empty alternative makes a part optional: ``(the|) office``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from .errors import RuleSyntaxError
from .normalize import skeleton_of

MAX_EXPANSIONS = 20000
MAX_GAP_WORDS = 8
DEFAULT_GAP_WORDS = 3
_ELLIPSIS = "..."
_OPEN, _CLOSE, _BAR = "(", ")", "|"

_TOKEN = re.compile(r"\s*(\(|\)|\||\.\.\.|~\d+|[^\s()|]+)")


NUMBER = 1
MONEY = 2
_NUMBER_WORDS = {"#": NUMBER, "$#": MONEY}


@dataclass(frozen=True, slots=True)
class Segment:
    """Literal phrases (skeleton form); `number` also accepts a number (or money)."""

    phrases: tuple[str, ...]
    number: int = 0


@dataclass(frozen=True, slots=True)
class Sequence_:
    """Segments with the most words allowed between segment i-1 and i (gaps[0] = 0)."""

    segments: tuple[Segment, ...]
    gaps: tuple[int, ...]


def compile_pattern(pattern: str) -> tuple[Sequence_, ...]:
    """The pattern as sequences of segments; raises RuleSyntaxError with a reason."""
    tokens = [m.group(1) for m in _TOKEN.finditer(pattern)]
    if not tokens:
        raise RuleSyntaxError("The pattern is empty.")
    depth = 0
    for token in tokens:
        depth += {"(": 1, ")": -1}.get(token, 0)
        if depth < 0:
            raise RuleSyntaxError("A ')' in the pattern has no '('.")
    if depth:
        raise RuleSyntaxError("A '(' in the pattern is not closed.")
    sequences: list[Sequence_] = []
    for choice in _split_top(tokens, "|"):
        sequence = _sequence(choice)
        if sequence is not None:
            sequences.append(sequence)
    if not sequences:
        raise RuleSyntaxError("The pattern has no words to match.")
    if sum(len(p) for s in sequences for seg in s.segments for p in [seg.phrases]) > (
        MAX_EXPANSIONS
    ):
        raise RuleSyntaxError("The pattern has too many alternatives; split it.")
    return _merge(sequences)


def _split_top(tokens: list[str], separator: str) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    depth = 0
    for token in tokens:
        if token == separator and depth == 0:
            parts.append([])
            continue
        depth += {"(": 1, ")": -1}.get(token, 0)
        parts[-1].append(token)
    return parts


def _is_gap(token: str) -> bool:
    return token == _ELLIPSIS or (token.startswith("~") and token[1:].isdigit())


def _sequence(tokens: list[str]) -> Sequence_ | None:
    segments: list[Segment] = []
    gaps: list[int] = []
    current: list[str] = []
    next_gap = 0
    depth = 0

    def flush() -> None:
        nonlocal next_gap
        if current:
            phrases, number = _phrases(current)
            if number and not segments:
                if not phrases:
                    raise RuleSyntaxError("A pattern cannot start with a number.")
                number = 0  # a number cannot anchor a match: the words must
            if phrases or number:
                segments.append(Segment(phrases, number))
                gaps.append(next_gap if len(segments) > 1 else 0)
                next_gap = 0
            current.clear()

    numbered = _numbered_groups(tokens)
    for index, token in enumerate(tokens):
        if depth == 0 and _is_gap(token):
            flush()
            words = DEFAULT_GAP_WORDS if token == _ELLIPSIS else int(token[1:])
            if words > MAX_GAP_WORDS:
                raise RuleSyntaxError(f"A gap can be at most {MAX_GAP_WORDS} words.")
            next_gap = words
            continue
        if depth == 0 and token in _NUMBER_WORDS:
            flush()
            if not segments:
                raise RuleSyntaxError("A pattern cannot start with a number.")
            segments.append(Segment((), number=_NUMBER_WORDS[token]))
            gaps.append(next_gap)
            next_gap = 0
            continue
        if depth > 0 and _is_gap(token):
            raise RuleSyntaxError("Gaps cannot be inside parentheses.")
        if depth == 0 and index in numbered:
            flush()  # a group with a number alternative is a part of its own
        depth += {"(": 1, ")": -1}.get(token, 0)
        current.append(token)
        if depth == 0 and index in numbered.values():
            flush()
    flush()
    if not segments:
        return None
    return Sequence_(tuple(segments), tuple(gaps))


def _numbered_groups(tokens: list[str]) -> dict[int, int]:
    """Top-level groups with a number alternative: index of "(" -> index of ")"."""
    groups: dict[int, int] = {}
    depth = 0
    opened = 0
    has_number = False
    for index, token in enumerate(tokens):
        if token == _OPEN:
            if depth == 0:
                opened = index
                has_number = False
            depth += 1
        elif token == _CLOSE:
            depth -= 1
            if depth == 0 and has_number:
                groups[opened] = index
        elif depth == 1 and token in _NUMBER_WORDS:
            has_number = True
    return groups


def _phrases(tokens: list[str]) -> tuple[tuple[str, ...], int]:
    """The literal phrases (skeleton form) a gap-free run of tokens stands for,
    and whether a number (or money) is one of the alternatives."""
    position, alternatives = _alternatives(tokens, 0)
    if position != len(tokens):
        raise RuleSyntaxError(f"Unexpected {tokens[position]!r} in the pattern.")
    phrases: list[str] = []
    number = 0
    for words in alternatives:
        if not words:
            continue
        if len(words) == 1 and words[0] in _NUMBER_WORDS:
            number = max(number, _NUMBER_WORDS[words[0]])
            continue
        if any(word in _NUMBER_WORDS for word in words):
            raise RuleSyntaxError(
                "Inside parentheses a number must be an alternative on its own: "
                "(cash|$#)."
            )
        if any(word.endswith("*") for word in words[:-1]):
            raise RuleSyntaxError(
                "A word ending in '*' must end its phrase (put ~0 after it to go on)."
            )
        variants = [_word_variants(word) for word in words]
        if any(not v for v in variants):
            continue  # a word of punctuation only ("@"): nothing to match on
        for combo in itertools.product(*variants):
            phrases.append(" ".join(combo))
            if len(phrases) > MAX_EXPANSIONS:
                raise RuleSyntaxError(
                    "The pattern has too many alternatives; split it."
                )
    return tuple(dict.fromkeys(phrases)), number


def _alternatives(
    tokens: list[str], position: int
) -> tuple[int, list[tuple[str, ...]]]:
    alternatives: list[tuple[str, ...]] = []
    current: list[tuple[str, ...]] = [()]
    while position < len(tokens):
        token = tokens[position]
        if token == _CLOSE:
            break
        if token == _BAR:
            alternatives.extend(current)
            current = [()]
            position += 1
            continue
        if token == _OPEN:
            position, inner = _alternatives(tokens, position + 1)
            position += 1  # the ")" (balance was checked up front)
            current = [a + b for a, b in itertools.product(current, inner)]
        else:
            current = [(*a, token) for a in current]
            position += 1
        if len(current) > MAX_EXPANSIONS:
            raise RuleSyntaxError("The pattern has too many alternatives; split it.")
    alternatives.extend(current)
    return position, alternatives


@lru_cache(maxsize=65536)
def _word_variants(word: str) -> list[str]:
    """A pattern word and its spellings without inner punctuation ("don't" -> dont)."""
    prefix = word.endswith("*") and len(word) > 1
    core = word[:-1] if prefix else word
    if "*" in core:
        raise RuleSyntaxError(f"'*' can only end a word: {word!r}.")
    variants = {skeleton_of(core)}
    if re.search(r"\w[^\w\s]+\w", core):
        variants.add(skeleton_of(re.sub(r"[^\w\s]+", "", core)))
    variants.discard("")
    return [v + ("*" if prefix else "") for v in sorted(variants)]


def _merge(sequences: list[Sequence_]) -> tuple[Sequence_, ...]:
    """Single-segment alternatives folded into one sequence: fewer automaton targets."""
    singles: list[str] = []
    rest: list[Sequence_] = []
    for sequence in sequences:
        if len(sequence.segments) == 1:
            singles.extend(sequence.segments[0].phrases)
        else:
            rest.append(sequence)
    merged: list[Sequence_] = []
    if singles:
        merged.append(Sequence_((Segment(tuple(dict.fromkeys(singles))),), (0,)))
    seen: set[Sequence_] = set()
    for sequence in rest:
        if sequence not in seen:
            seen.add(sequence)
            merged.append(sequence)
    return tuple(merged)


def literal_pattern(term: str) -> str:
    """A circle's free-text topic as a pattern: its words, literally, plural allowed."""
    words = re.findall(r"[^\W_]+(?:'[^\W_]+)?", term)
    if not words:
        return ""
    last = words[-1]
    if len(last) > 3 and not last.endswith("s"):
        words[-1] = f"({last}|{last}s|{last}es)"
    return " ".join(words)
