"""Sanitizing a body: control characters out, line breaks normalised, length enforced.

Markup is not touched: bodies are plain text, stored and shown exactly as typed, and
every page renders them as text ("<3", "a < b" and a pasted "<img>" survive).
"""

from __future__ import annotations

import re

from .errors import BodyTooLong, EmptyBody

MAX_BODY_CHARS = 4000

# Line breaks of every kind become "\n" (CR LF counts as one break).
_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")
# C0/C1 controls except tab and newline, DEL, lone surrogates (they cannot be encoded
# to UTF-8 for the archive) and the bidi embedding/override/isolate controls, which
# can make a body display as something other than what it says.
_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]"
)
_REMOVED = re.compile(
    "\r\n|[\r\x85\u2028\u2029]|"
    "[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]"
)


def sanitize(body: str, *, max_length: int = MAX_BODY_CHARS) -> str:
    """The body as it will be stored; raises EmptyBody or BodyTooLong."""
    if len(body) > max_length * 4:
        # Far over the limit whatever is removed: do not spend time cleaning it.
        raise BodyTooLong(len(body), max_length)
    if body.isprintable():
        text = body.strip()  # nothing to remove: the common case, no regex pass
    else:
        text = _CONTROLS.sub("", _LINE_BREAKS.sub("\n", body)).strip()
    if not text:
        raise EmptyBody
    if len(text) > max_length:
        raise BodyTooLong(len(text), max_length)
    return text


def sanitize_with_offsets(
    body: str, *, max_length: int = MAX_BODY_CHARS
) -> tuple[str, list[int]]:
    """The sanitized body and, for each of its characters, the index it had in `body`.

    For tools that report offsets into the text they were given (the `moderate`
    command): verdict offsets point into the sanitized text, this maps them back.
    """
    text = sanitize(body, max_length=max_length)
    index: list[int] = []
    position = 0
    for match in _REMOVED.finditer(body):
        index.extend(range(position, match.start()))
        if match.group() != "" and match.group()[0] in "\r\x85\u2028\u2029":
            index.append(match.start())  # the break that became "\n"
        position = match.end()
    index.extend(range(position, len(body)))
    # Same stripping as sanitize(): drop the leading and trailing whitespace.
    unstripped = _CONTROLS.sub("", _LINE_BREAKS.sub("\n", body))
    lead = len(unstripped) - len(unstripped.lstrip())
    return text, index[lead : lead + len(text)]
