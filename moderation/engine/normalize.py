"""Views of a text for matching, each with a map back to offsets in the original.

- folded: Unicode NFKC, accents dropped, case-folded, invisible characters (zero-width,
  joiners, variation selectors, keycap marks) removed, look-alike letters (Cyrillic,
  Greek, mathematical ...) mapped to Latin with Unicode's confusables data.
- skeleton: the folded text with leetspeak undone inside words ("k1ll", "c@sh"), "l"
  and "i" merged (so "ceII" reads as "cell"), and everything that is not a letter or
  digit turned into a space: whole-word matching is then a plain substring search.
- joined: letters spelled one at a time ("W.h.a.t.s.A.p.p") joined into words.
- digits: spelled digits ("five one five", "oh"), tens ("forty four") and letters
  standing in for digits ("5l5 O1O9") turned into digits, for the phone detector.

A View maps every character back at once; an Edited (the same text, from a base and
edits) works out only the spans asked for, for views that are mostly searched in vain.

Pure Python: no Django, no settings. Rules are normalised with the same functions, so a
pattern and the text it should match always agree.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, TypeVar

# Invisible characters that do not fall in Unicode's Cf/Mn/Me categories but are used
# to hide words: Hangul fillers, the braille blank, the Mongolian vowel separator.
_EXTRA_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e\u034f")
_DROPPED_CATEGORIES = frozenset({"Cf", "Mn", "Me", "Cc", "Co", "Cs"})


@lru_cache(maxsize=1)
def _confusable_table() -> dict[str, str]:
    """Non-ASCII character -> the ASCII letter or digit it is confusable with."""
    from confusable_homoglyphs import confusables  # loads its JSON data once

    table: dict[str, str] = {}
    for char, entries in confusables.confusables_data.items():
        if len(char) != 1 or char.isascii():
            continue
        candidates = [
            entry["c"]
            for entry in entries
            if len(entry["c"]) == 1 and entry["c"].isascii() and entry["c"].isalnum()
        ]
        letters = [c for c in candidates if c.isalpha()]
        if letters or candidates:
            table[char] = (letters or candidates)[0].lower()
    return table


def _fold_char(char: str) -> str:
    if char in "\n\t":
        return char
    if char in _EXTRA_INVISIBLE or unicodedata.category(char) in _DROPPED_CATEGORIES:
        return ""
    decomposed = unicodedata.normalize("NFKD", char)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    composed = unicodedata.normalize("NFKC", stripped).casefold()
    confusable = _confusable_table()
    out = []
    for c in composed:
        if c.isascii():
            out.append(c)
            continue
        mapped = confusable.get(c)
        if mapped is None:
            # Only the look-alike of the case-folded form may be listed.
            mapped = confusable.get(c.upper(), c)
        out.append(mapped)
    return "".join(out)


class _FoldTable(dict[int, str]):
    """ord -> folded text, filled on first sight; str.translate reads it from C."""

    def __missing__(self, key: int) -> str:
        value = _fold_char(chr(key))
        # Fold the expansion too until nothing changes ("ำ" NFKC-expands to a mark the
        # fold then drops), so folding twice changes nothing.
        for _ in range(4):
            again = "".join(_fold_char(char) for char in value)
            if again == value:
                break
            value = again
        self[key] = value
        return value


FOLD = _FoldTable({i: chr(i).lower() for i in range(128)})


class _EdgeFoldTable(_FoldTable):
    """FOLD, but an invisible character becomes a space instead of disappearing."""

    def __missing__(self, key: int) -> str:
        value = FOLD[key] or " "
        self[key] = value
        return value


# Used when no invisible character sits inside a word: the text keeps its length.
_EDGE_FOLD = _EdgeFoldTable({i: chr(i).lower() for i in range(128)})
_INVISIBLES = (
    "\u00ad\u034f\u061c\u115f\u1160\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\u20d0-\u20ff\u3164\ufe00-\ufe0f\ufeff\uffa0"
    "\U000e0000-\U000e007f\U000e0100-\U000e01ef"
)
_INVISIBLE = re.compile(f"[{_INVISIBLES}]")
# An invisible character touching a word: deleting it (not spacing it) matters there.
_INVISIBLE_INSIDE = re.compile(
    f"[\\w@.\\-+$][{_INVISIBLES}]+|[{_INVISIBLES}]+[\\w@.\\-+$]"
)


@dataclass(frozen=True, slots=True)
class View:
    """A derived text; `starts[i]:ends[i]` is the original span of character i.

    `starts is None` means the view has the original's length and offsets.
    """

    text: str
    starts: Sequence[int] | None = None
    ends: Sequence[int] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of view[start:end] (end > start)."""
        if self.starts is None or self.ends is None:
            return start, end
        return self.starts[start], self.ends[max(end - 1, start)]


def rewrite(view: View, edits: Sequence[tuple[int, int, str]]) -> View:
    """`view` with each (start, end, replacement) applied; edits sorted, disjoint."""
    if not edits:
        return view
    text = view.text
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    old_starts, old_ends = view.starts, view.ends
    position = 0
    for start, end, replacement in edits:
        parts.append(text[position:start])
        stop = end if end > start else start + 1  # an insertion maps to its place
        if old_starts is None or old_ends is None:
            # The original's offsets (the common case): character i is i:i+1.
            starts += range(position, start)
            ends += range(position + 1, start + 1)
            first, last = start, stop
        else:
            starts += old_starts[position:start]
            ends += old_ends[position:start]
            first, last = view.span(start, stop)
        if replacement:
            parts.append(replacement)
            starts += [first] * len(replacement)
            ends += [last] * len(replacement)
        position = end
    parts.append(text[position:])
    _copy_spans(view, position, len(text), starts, ends)
    return View("".join(parts), starts, ends)


def _copy_spans(
    view: View, start: int, end: int, starts: list[int], ends: list[int]
) -> None:
    if view.starts is None or view.ends is None:
        starts.extend(range(start, end))
        ends.extend(range(start + 1, end + 1))
    else:
        starts.extend(view.starts[start:end])
        ends.extend(view.ends[start:end])


Edit = tuple[int, int, str]


class Spans(Protocol):
    """A derived text that maps its spans back to the original (View, Edited)."""

    @property
    def text(self) -> str: ...

    def span(self, start: int, end: int) -> tuple[int, int]: ...


class Edited:
    """rewrite(base, edits) with the offsets worked out only for the spans asked for.

    A detector reads a whole view but needs the offsets of what it finds only, and
    most texts hold nothing: building the per-character offsets of rewrite() would
    cost more than the search. `span` gives what rewrite(base, edits).span would.
    """

    __slots__ = ("_base", "_edits", "_starts", "text")

    def __init__(self, base: Spans, edits: Sequence[Edit]) -> None:
        self._base = base
        self._edits = edits
        self._starts: list[int] = []  # where each replacement begins in the new text
        parts: list[str] = []
        position = 0
        shift = 0
        source = base.text
        for start, end, replacement in edits:
            parts.append(source[position:start])
            parts.append(replacement)
            self._starts.append(start + shift)
            shift += len(replacement) - (end - start)
            position = end
        parts.append(source[position:])
        self.text = "".join(parts)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of text[start:end] (end > start)."""
        return self._at(start)[0], self._at(max(end - 1, start))[1]

    def _at(self, index: int) -> tuple[int, int]:
        """The original span of character `index`."""
        k = bisect_right(self._starts, index) - 1  # the last replacement begun by it
        if k < 0:
            return self._base.span(index, index + 1)
        start, end, replacement = self._edits[k]
        after = self._starts[k] + len(replacement)
        if index < after:  # in the replacement: the span it replaced
            return self._base.span(start, end if end > start else start + 1)
        return self._base.span(end + index - after, end + index - after + 1)


_Text = TypeVar("_Text", bound=Spans)


# A regex pass finds the few non-ASCII characters of a text several times faster than
# building a set of all its characters.
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _non_ascii(text: str) -> set[str]:
    """The distinct non-ASCII characters of `text`."""
    return set(_NON_ASCII.findall(text))


def folded(text: str) -> View:
    """NFKC, accents dropped, case-folded, invisibles removed, look-alikes to Latin."""
    if text.isascii():
        return View(text.lower())
    others = _non_ascii(text)
    one_to_one = True
    invisible = False
    for char in others:
        code = ord(char)
        value = FOLD[code]
        if len(value) == 1:
            continue
        if not value and _INVISIBLE.match(char):
            invisible = True
            continue
        one_to_one = False
        break
    if one_to_one and not invisible:
        return View(_translate_few(text, others, FOLD))
    if one_to_one and not _INVISIBLE_INSIDE.search(text):
        # Invisible characters only next to emoji or spaces (an emoji's variation
        # selector): a space there keeps offsets 1:1 and changes no word.
        return View(_translate_few(text, others, _EDGE_FOLD))
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, char in enumerate(text):
        value = FOLD[ord(char)]
        if value:
            parts.append(value)
            starts.extend([index] * len(value))
            ends.extend([index + 1] * len(value))
    return View("".join(parts), starts, ends)


def _translate_few(text: str, others: set[str], table: _FoldTable) -> str:
    """`text.translate(table)`, where `table` maps each of `others` (every non-ASCII
    character of the text) to one character and ASCII to lower case.

    Once a text is not ASCII, str.translate looks up every character one at a time
    (an emoji makes it ten times slower); lower() and a replace per distinct
    non-ASCII character give the same text, provided lower() leaves every non-ASCII
    character that remains alone and no replacement is replaced in turn.
    """
    swaps: list[tuple[str, str]] = []
    for char in others:
        value = table[ord(char)]
        if value.lower() != value or (value == char and char.lower() != char):
            return text.translate(table)
        if value != char:
            swaps.append((char, value))
    if any(value in others for _, value in swaps):
        return text.translate(table)
    for char, value in swaps:
        text = text.replace(char, value)
    return text.lower()


def fold_text(text: str) -> str:
    return folded(text).text


# Leetspeak inside a word that has at least one letter: "k1ll", "c@sh @pp", "n00dz".
_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "!": "i",
        "|": "i",
        "+": "t",
    }
)
_LEET_CHARS = "0123456789@$!|+"
# Character classes as one translate pass: letter "a", digit/leet "1", other " ".
_CLASSES = str.maketrans(
    {
        chr(i): ("a" if chr(i).isalpha() else "1" if chr(i) in _LEET_CHARS else " ")
        for i in range(128)
    }
)
_TRAILING_PUNCT = "!$|+@"


def _ascii(text: str) -> str:
    """`text` with each non-ASCII character as "?" (same length; translate is fast)."""
    return text if text.isascii() else text.encode("ascii", "replace").decode("ascii")


def unleet(text: str) -> str:
    """Leetspeak undone inside words (same length as `text`)."""
    classes = _ascii(text).translate(_CLASSES)
    if "a1" not in classes and "1a" not in classes:
        return text
    edits: list[tuple[int, str]] = []
    hit_a = classes.find("a1")
    hit_b = classes.find("1a")
    while hit_a >= 0 or hit_b >= 0:
        hit = hit_a if hit_b < 0 or 0 <= hit_a < hit_b else hit_b
        # The word around the hit (`classes` holds only "a", "1" and " ").
        start = classes.rfind(" ", 0, hit) + 1
        end = classes.find(" ", hit + 2)
        if end < 0:
            end = len(classes)
        core = text[start:end].rstrip(_TRAILING_PUNCT)
        if core and not core.isdigit() and not core.isalpha():
            edits.append((start, core.translate(_LEET)))
        if 0 <= hit_a < end:
            hit_a = classes.find("a1", end)
        if 0 <= hit_b < end:
            hit_b = classes.find("1a", end)
    if not edits:
        return text  # only words with trailing "!" and the like: nothing to undo
    parts: list[str] = []
    position = 0
    for start, replacement in edits:  # same length, in order, disjoint
        parts.append(text[position:start])
        parts.append(replacement)
        position = start + len(replacement)
    parts.append(text[position:])
    return "".join(parts)


# After leetspeak: merge l and i (I/l/1 look alike), every ASCII non-alphanumeric
# becomes a space. Non-ASCII non-word characters are handled by _NON_WORD. Every
# ASCII character is in the table: translate is several times slower when it has to
# look a character up and miss.
_SKELETON = str.maketrans(
    {
        chr(i): "i" if chr(i) == "l" else chr(i) if chr(i).isalnum() else " "
        for i in range(128)
    }
)
_NON_WORD = re.compile(r"[\W_]")


def skeleton_text(text: str) -> str:
    """Letters and digits only, single characters merged; the same length as `text`."""
    if not text.isascii():
        # Emoji and other symbols become spaces first, so the translate below usually
        # runs on ASCII (its fast path). ASCII non-word characters become spaces in
        # the translate anyway: only the other characters need a look.
        for char in _non_ascii(text):
            if _NON_WORD.match(char):
                text = text.replace(char, " ")
    return text.translate(_SKELETON)


def skeleton_of(text: str) -> str:
    """The skeleton of a pattern or term: folded, unleeted, spaces collapsed."""
    return " ".join(skeleton_text(unleet(emoji_words(folded(text)).text)).split())


# Emoji that carry meaning in a chat (flirting, secrecy, drugs, weapons): turned into
# words such as "smirkemoji" so rules can name them (write the emoji in a pattern).
EMOJI_WORDS = {
    "😏": "smirkemoji",
    "😈": "devilemoji",
    "😘": "kissemoji",
    "💋": "lipsemoji",
    "🍆": "eggplantemoji",
    "🍑": "peachemoji",
    "💦": "dropletsemoji",
    "👅": "tongueemoji",
    "🥵": "hotfaceemoji",
    "🤤": "droolemoji",
    "😉": "winkemoji",
    "😍": "hearteyesemoji",
    "🤫": "shushemoji",
    "🤐": "zipmouthemoji",
    "💊": "pillemoji",
    "🔌": "plugemoji",
    "❄": "snowemoji",
    "🍃": "leafemoji",
    "🌿": "herbemoji",
    "🔫": "gunemoji",
    "🔪": "knifeemoji",
    "💰": "moneybagemoji",
    "💵": "dollaremoji",
    "💸": "moneywingsemoji",
    "🎁": "giftemoji",
    "⚰": "coffinemoji",
    "🪦": "headstoneemoji",
    "📲": "phonearrowemoji",
    "📞": "receiveremoji",
    "📱": "mobileemoji",
}
_EMOJI = re.compile("[" + "".join(EMOJI_WORDS) + "]")
_EMOJI_CHARS = frozenset(EMOJI_WORDS)


def emoji_words(base: View) -> View:
    """`base` with each meaningful emoji replaced by its word, spaced off."""
    edits = emoji_edits(base.text)
    return rewrite(base, edits) if edits else base


def emoji_edits(text: str) -> list[Edit]:
    """The edits emoji_words makes: each meaningful emoji to its word, spaced off."""
    if text.isascii():
        return []
    present = _EMOJI_CHARS.intersection(_NON_ASCII.findall(text))
    if not present:
        return []
    # Each emoji is one character: its positions, in order (a regex over a class of
    # astral characters is much slower than str.find).
    positions: list[int] = []
    for char in present:
        index = text.find(char)
        while index >= 0:
            positions.append(index)
            index = text.find(char, index + 1)
    positions.sort()
    return [(i, i + 1, f" {EMOJI_WORDS[text[i]]} ") for i in positions]


# Letters spelled one at a time, split by spaces or punctuation: "w h a t s a p p".
# The run is group 1; the space before it is matched rather than looked behind for,
# so the search can skip from space to space.
_SPELLED_OUT = re.compile(r" ((?:[a-z0-9] {1,3}){2,}[a-z0-9])(?= )")


def joined(padded_skeleton: str) -> View | None:
    """The padded skeleton with spelled-out runs joined, or None if there are none."""
    edits = []
    for match in _SPELLED_OUT.finditer(padded_skeleton):
        run = match.group(1)
        if sum(c.isalpha() for c in run) < 2:
            continue  # digits are the phone detector's business
        edits.append((match.start(1), match.end(1), run.replace(" ", "")))
    if not edits:
        return None
    return rewrite(View(padded_skeleton), edits)


# --- digits ----------------------------------------------------------------------

_UNITS = {
    "zero": "0",
    "oh": "0",
    "o": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_TEENS = {
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "thirteen": "13",
    "fourteen": "14",
    "fifteen": "15",
    "sixteen": "16",
    "seventeen": "17",
    "eighteen": "18",
    "nineteen": "19",
}
_TENS = {
    "twenty": "2",
    "thirty": "3",
    "forty": "4",
    "fourty": "4",
    "fifty": "5",
    "sixty": "6",
    "seventy": "7",
    "eighty": "8",
    "ninety": "9",
}
_MULTIPLIERS = {"double": 2, "triple": 3}
_UNIT_WORDS = "|".join(sorted((w for w in _UNITS if len(w) > 2), key=len, reverse=True))
# The look-aheads name the letters a number word can begin with (same matches, fewer
# alternatives tried at each word).
_NUMBER_WORDS = re.compile(
    r"\b(?=[dtfsenzo])(?:(?P<mult>double|triple)[\s\-]+)?"
    r"(?:(?P<tens>twenty|thirty|fou?rty|fifty|sixty|seventy|eighty|ninety)"
    rf"(?:[\s\-]+(?P<tensunit>{_UNIT_WORDS}))?"
    r"|(?P<teen>ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    r"eighteen|nineteen)"
    rf"|(?P<unit>{_UNIT_WORDS}|oh|o))\b"
)
_NUMBER_HINT = re.compile(
    r"\b(?=[zotfsen])(?:zero|one|two|three|four|five|six|seven|eight|nine|twenty|thirty|fou?rty|"
    r"fifty|sixty|seventy|eighty|ninety)\b"
)
# Letters standing in for digits inside a digit group: "5l5", "o1o9", "55S".
_LETTER_DIGITS = re.compile(
    r"(?<![a-z0-9])(?=[0-9oil|]*[0-9][0-9oil|]*[0-9])[0-9oil|]{3,}(?![a-z0-9])"
)
_AS_DIGIT = str.maketrans({"o": "0", "i": "1", "l": "1", "|": "1"})
# One translate pass: digits "1", letters that stand in for digits "o", other " ".
_DIGIT_CLASSES = str.maketrans(
    {
        chr(i): ("1" if chr(i).isdigit() else "o" if chr(i) in "oil|" else " ")
        for i in range(128)
    }
)
_DIGIT_SEPARATOR = re.compile(r"[\s,.\-()\[\]/_*+]{1,3}$")
_DIGIT_AHEAD = re.compile(
    r"[\s,.\-()\[\]/_*+]{1,3}(?:\d|zero|one|two|three|four|five|six|seven|eight|nine|oh\b|o\b|double|triple|twenty|thirty|fou?rty|fifty|sixty|seventy|eighty|ninety)"
)


def digits_view(base: View, *, spelled: bool | None = None) -> View:
    """`base` (folded) with number words and letter-for-digit groups made digits."""
    return _digits(base, spelled, rewrite)


def digit_spans(base: Spans, *, spelled: bool | None = None) -> Spans:
    """digits_view, with its offsets worked out only when asked for (see Edited)."""
    return _digits(base, spelled, Edited)


def _digits(
    base: _Text,
    spelled: bool | None,
    edit: Callable[[_Text, Sequence[Edit]], _Text],
) -> _Text:
    text = base.text
    classes = _ascii(text).translate(_DIGIT_CLASSES)
    mixed = "1o" in classes or "o1" in classes
    letter_edits = (
        []
        if not mixed
        else [
            (m.start(), m.end(), m.group().translate(_AS_DIGIT))
            for m in _LETTER_DIGITS.finditer(text)
            if any(c in "oil|" for c in m.group())
        ]
    )
    if letter_edits:
        base = edit(base, letter_edits)
        text = base.text
    if spelled is False or (spelled is None and not _NUMBER_HINT.search(text)):
        return base
    edits: list[tuple[int, int, str]] = []
    for match in _NUMBER_WORDS.finditer(text):
        mult, tens, tensunit, teen, unit = match.groups()
        start, end = match.span()
        if unit in ("oh", "o") and not _next_to_number(text, start, end):
            continue
        if tens:
            value = _TENS[tens] + _UNITS.get(tensunit or "", "0")
        elif teen:
            value = _TEENS[teen]
        else:
            value = _UNITS[unit or ""]
        if mult:
            value *= _MULTIPLIERS[mult]
        edits.append((start, end, value))
    return edit(base, edits) if edits else base


def _next_to_number(text: str, start: int, end: int) -> bool:
    """Whether a spelled "oh"/"o" sits next to another digit, so it reads as zero."""
    before = text[max(0, start - 12) : start]
    separator = _DIGIT_SEPARATOR.search(before)
    if separator is not None:
        preceding = before[: separator.start()]
        if preceding and (
            preceding[-1].isdigit()
            or re.search(
                r"(?:zero|one|two|three|four|five|six|seven|eight|nine|oh|o)$",
                preceding,
            )
        ):
            return True
    return _DIGIT_AHEAD.match(text, end) is not None
