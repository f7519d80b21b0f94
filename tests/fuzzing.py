"""Fuzzing helpers for tests/test_fuzz.py (no tests here): hypothesis strategies for the
circle socket's frames, a mutator that grows each drawn frame into many variants, and
the oracle that says which answers a frame may get.

Hypothesis draws a few rich "seed" frames per example (valid-looking and malformed:
wrong types, huge ints, bools, nested objects, odd unicode, missing and extra fields,
bad JSON, binary) and a random seed; the mutator then derives hundreds of frames from
them cheaply (field swaps, truncations, type confusion, byte flips), so one run feeds
the socket more than 100,000 frames in well under a minute.

The oracle is written from DESIGN.md's protocol table, not from messaging/frames.py, so
it can disagree with the parser: every frame is answered by exactly one frame (an
`error`, or the answer of its type), except `typing`, which its sender never hears back.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass

from hypothesis import strategies as st

MAX_FRAME_CHARS = 4000 * 6 + 1024  # DESIGN.md: a 4000-character body, JSON-escaped
KNOWN_TYPES = ("send", "history", "resume", "typing", "report")
ANSWERS = {
    "send": "ack",
    "history": "history",
    "resume": "resume",
    "report": "reported",
}
ANSWER_TYPES = frozenset({"ack", "history", "resume", "reported", "error"})
# Seqs are bigint in the database: a larger number cannot name a message.
MAX_SEQ = 2**63 - 1

# Integers a careless parser trips on: past SQLite's and PostgreSQL's bigint and
# JavaScript's safe range, negative, zero.
EDGE_INTEGERS = [0, 1, -1, 2**31 - 1, 2**31, 2**53 + 1, MAX_SEQ, 2**63, 2**64]
EDGE_INTEGERS += [-(2**63), 10**30, -(10**30)]
# Text that breaks encoders and databases: NUL, lone surrogates, bidi and zero-width
# controls, fullwidth digits, emoji, markup.
NASTY_STRINGS = [
    "",
    " ",
    "\n\t",
    "\x00",
    "a\x00b",
    "\ud800",
    "\udfff tail",
    "\u202egnp.exe",
    "\u200b",
    "\ufeff",
    "\uff15\uff11\uff15",
    "\U0001f600",
    "<script>alert(1)</script>",
    "'; DROP TABLE messaging_message; --",
    "%s%s%n",
    "{{ settings.SECRET_KEY }}",
    "circle.message",
    "session.ended",
    "é" * 65,
    "x" * 1001,
    "y" * 4001,
    "\r\n" * 10,
]
NASTY_VALUES: list[object] = [
    None,
    True,
    False,
    0.5,
    -0.0,
    1e308,
    float("nan"),
    float("inf"),
    [],
    {},
    [1, 2],
    {"type": "send"},
    {"$gt": ""},
    [[[[[]]]]],
    *EDGE_INTEGERS,
    *NASTY_STRINGS,
]
FIELD_NAMES = ["type", "client_id", "body", "before", "limit", "after", "seq", "reason"]

integers = (
    st.integers()
    | st.sampled_from(EDGE_INTEGERS)
    | st.integers(min_value=0, max_value=120)
)
texts = st.text(
    alphabet=st.characters(codec=None) | st.sampled_from(list("\x00\ud800\u202e")),
    max_size=24,
) | st.sampled_from(NASTY_STRINGS)
scalars = (
    st.none()
    | st.booleans()
    | integers
    | st.floats(allow_nan=True, allow_infinity=True)
    | texts
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)
ABSENT = object()


def field(good: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    """A field's value: usually of the right kind, sometimes anything, or absent."""
    return st.one_of(good, good, json_values, st.just(ABSENT))


def frame_of(kind: str, **fields: st.SearchStrategy[object]) -> st.SearchStrategy:
    extra = st.dictionaries(
        st.sampled_from(["x", "seq", "id", "__class__", "Type"]),
        json_values,
        max_size=2,
    )

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, object]:
        frame: dict[str, object] = {}
        for name, strategy in fields.items():
            value = draw(strategy)
            if value is not ABSENT:
                frame[name] = value
        if draw(st.booleans()):  # fields no frame type has
            frame.update(draw(extra))
        frame["type"] = kind
        return frame

    return build()


typed_frames = st.one_of(
    frame_of(
        "send",
        client_id=field(st.text(min_size=1, max_size=64) | texts),
        body=field(st.text(min_size=1, max_size=60) | texts),
    ),
    frame_of("history", before=field(integers), limit=field(integers)),
    frame_of("resume", after=field(integers)),
    frame_of("typing"),
    frame_of("report", seq=field(integers), reason=field(texts)),
)
odd_types = st.tuples(
    st.dictionaries(st.text(max_size=6), json_values, max_size=3),
    json_values
    | st.sampled_from(
        [
            "Send",
            "send ",
            "SEND",
            "circle.message",
            "session.ended",
            "__init__",
            "close",
        ]
    ),
).map(lambda pair: {**pair[0], "type": pair[1]})
raw_texts = st.text(max_size=40) | st.sampled_from(
    [
        "",
        "{",
        '{"type": "send"',
        "{'type': 'send'}",
        '{"type": "history", "limit": 1e999}',
        '{"type": "resume", "after": NaN}',
        '{"type": "send", "client_id": "\\ud800", "body": "\\ud800x"}',
        '{"type": "typing"}\x00',
        '{"type": "typing", "type": "history"}',
        "[" * 5000 + "]" * 5000,
        '{"a":' * 3000 + "1" + "}" * 3000,
        "9" * 5000,
    ]
)


@dataclass(frozen=True)
class Frame:
    """One frame as the socket gets it: text, or bytes."""

    text: str | None = None
    data: bytes | None = None

    def event(self) -> dict[str, object]:
        if self.text is not None:
            return {"type": "websocket.receive", "text": self.text}
        return {"type": "websocket.receive", "bytes": self.data}


def as_text(value: object, *, ascii_only: bool = False) -> str:
    return json.dumps(value, ensure_ascii=ascii_only, allow_nan=True)


seeds = st.one_of(
    typed_frames.map(as_text),
    typed_frames.map(as_text),
    typed_frames.map(as_text),
    odd_types.map(as_text),
    json_values.map(as_text),
    raw_texts,
    st.binary(max_size=40),
)


# The mutator --------------------------------------------------------------------------


def mutations(seed: str | bytes, rng: random.Random) -> Iterator[Frame]:
    """Endless variants of `seed`: each a small, random change of a kind that has broken
    parsers before."""
    if isinstance(seed, bytes):
        while True:
            yield mutate_bytes(seed, rng)
    try:
        value = json.loads(seed)
    except (ValueError, RecursionError):
        value = seed  # not JSON: mutate it as text
    while True:
        choice = rng.random()
        if isinstance(value, dict) and choice < 0.55:
            yield Frame(
                text=as_text(mutate_dict(value, rng), ascii_only=rng.random() < 0.3)
            )
        elif choice < 0.75:
            yield Frame(text=mutate_text(seed, rng))
        elif choice < 0.85:
            yield Frame(text=as_text(wrap(value, rng)))
        elif choice < 0.9:
            yield Frame(data=seed.encode("utf-8", "surrogatepass"))
        elif choice < 0.95:
            yield Frame(text=oversized(seed, rng))
        else:
            yield Frame(text=rng.choice(STATIC_FRAMES))


def mutate_dict(frame: dict[str, object], rng: random.Random) -> dict[str, object]:
    mutated = dict(frame)
    for _ in range(rng.randint(1, 3)):
        operation = rng.randrange(6)
        if operation == 0 and mutated:  # drop a field
            mutated.pop(rng.choice(list(mutated)))
        elif operation == 1:  # a known field gets a nasty value
            mutated[rng.choice(FIELD_NAMES)] = rng.choice(NASTY_VALUES)
        elif operation == 2:  # the type changes: fields meant for another type
            mutated["type"] = rng.choice([*KNOWN_TYPES, *NASTY_VALUES[:12]])
        elif operation == 3:  # an unknown field
            mutated[rng.choice(["x", "__proto__", "", "\x00", "type "])] = rng.choice(
                NASTY_VALUES
            )
        elif operation == 4 and mutated:  # a field's value becomes a container
            name = rng.choice(list(mutated))
            mutated[name] = rng.choice([[mutated[name]], {"v": mutated[name]}])
        else:  # an integer field at an edge
            mutated[rng.choice(["before", "limit", "after", "seq"])] = rng.choice(
                EDGE_INTEGERS
            )
    return mutated


def mutate_text(text: str, rng: random.Random) -> str:
    if not text:
        return rng.choice(["{", "}", '"', "\\", "\x00"])
    position = rng.randrange(len(text) + 1)
    operation = rng.randrange(5)
    if operation == 0:  # truncated
        return text[:position]
    if operation == 1:  # a structural character inserted
        return text[:position] + rng.choice('{}[]",:\\ \x00\ud800') + text[position:]
    if operation == 2:  # a character dropped
        return text[:position] + text[position + 1 :]
    if operation == 3:  # a duplicate key: the last one wins in Python
        return text.rstrip("}") + ', "type": "' + rng.choice(KNOWN_TYPES) + '"}'
    return text + rng.choice(["", " ", "\n", "}", "]", "null", "\ufeff"])


def mutate_bytes(data: bytes, rng: random.Random) -> Frame:
    flipped = bytearray(data or b"\x00")
    flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
    if rng.random() < 0.5:
        return Frame(data=bytes(flipped))
    return Frame(text=bytes(flipped).decode("utf-8", "replace"))


def wrap(value: object, rng: random.Random) -> object:
    return rng.choice([[value], {"frame": value}, {"type": value}, str(value)[:100]])


def oversized(text: str, rng: random.Random) -> str:
    """Right at the frame limit, one over it, or far over it."""
    length = rng.choice([MAX_FRAME_CHARS, MAX_FRAME_CHARS + 1, 4 * MAX_FRAME_CHARS])
    if rng.random() < 0.5:
        return (text + " " * length)[:length]
    body = "b" * (length - 48)
    return as_text({"type": "send", "client_id": "big", "body": body})[:length]


STATIC_FRAMES = [
    "",
    "null",
    "[]",
    '""',
    "{}",
    '{"type": null}',
    '{"type": ["send"]}',
    '{"type": {"type": "send"}}',
    '{"type": "history", "limit": true}',
    '{"type": "history", "limit": 1.0}',
    '{"type": "history", "before": -1}',
    '{"type": "resume", "after": false}',
    '{"type": "resume", "after": "1"}',
    '{"type": "report", "seq": 1, "reason": "   "}',
    '{"type": "send", "client_id": "", "body": "hi"}',
    '{"type": "send", "client_id": "c", "body": " \\n\\t "}',
    '{"type": "send", "client_id": "c", "body": "\\u0000\\u0007"}',
]


# The oracle ---------------------------------------------------------------------------


def is_seq(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def is_text(value: object, low: int, high: int) -> bool:
    return isinstance(value, str) and low <= len(value) <= high


def expected(frame: Frame) -> tuple[str | None, frozenset[str]]:
    """(the answer's type, None for silence; the error codes it may get instead)."""
    if frame.text is None:
        return "error", frozenset({"bad_frame"})
    if len(frame.text) > MAX_FRAME_CHARS:
        return "error", frozenset({"too_long"})
    try:
        data = json.loads(frame.text)
    except (ValueError, RecursionError):
        return "error", frozenset({"bad_json"})
    if not isinstance(data, dict) or data.get("type") not in KNOWN_TYPES:
        return "error", frozenset({"bad_frame"})
    kind = data["type"]
    if kind == "typing":
        return None, frozenset()
    if not well_formed(kind, data):
        return "error", frozenset({"bad_frame", "too_long"})
    # Well-formed frames may still be refused for what they say: a body of control
    # characters only, a client_id used in another circle, a report of a message that
    # does not exist.
    return ANSWERS[kind], frozenset({"bad_frame"} if kind in ("send", "report") else ())


def costly(frame: Frame) -> bool:
    """Does the frame reach the database (a well-formed send, history, resume or
    report)?"""
    kind, _codes = expected(frame)
    return kind is not None and kind != "error"


def well_formed(kind: str, data: dict[str, object]) -> bool:
    if kind == "send":
        body = data.get("body")
        return (
            is_text(data.get("client_id"), 1, 64)
            and isinstance(body, str)
            and 1 <= len(body) <= 4000
            and body.strip() != ""
        )
    if kind == "history":
        before = data.get("before")
        limit = data.get("limit", 50)
        return (before is None or is_seq(before)) and (
            isinstance(limit, int) and not isinstance(limit, bool) and 1 <= limit <= 100
        )
    if kind == "resume":
        return is_seq(data.get("after"))
    reason = data.get("reason")
    return (
        is_seq(data.get("seq"))
        and isinstance(reason, str)
        and 1 <= len(reason) <= 1000
        and reason.strip() != ""
    )
