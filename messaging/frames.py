"""The circle socket's client frames, parsed into typed values (DESIGN.md protocol).

A client's `type` is looked up in a fixed table; it never becomes a method name or
reaches the channel layer. Sizes are checked before JSON is decoded; every field's type
and range after. Failures raise BadJson, BadFrame or FrameTooLong with a sentence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from messaging.errors import BadFrame, BadJson, FrameTooLong

MAX_BODY_CHARS = 4000
MAX_CLIENT_ID_CHARS = 64
MAX_REASON_CHARS = 1000
MAX_HISTORY_LIMIT = 100
DEFAULT_HISTORY_LIMIT = 50
# A body of 4000 characters, JSON-escaped (\uXXXX is six), plus the envelope.
MAX_FRAME_CHARS = MAX_BODY_CHARS * 6 + 1024
# JSON can carry lone surrogates ("\ud800"), which no UTF-8 encoder (database, archive)
# accepts, and NUL, which PostgreSQL text refuses. A body loses them in sanitizing; an
# id or a reason with them is refused here.
UNSTORABLE = re.compile("[\ud800-\udfff]")
ID_UNSTORABLE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


@dataclass(frozen=True)
class SendFrame:
    client_id: str
    body: str


@dataclass(frozen=True)
class HistoryFrame:
    before: int | None
    limit: int


@dataclass(frozen=True)
class ResumeFrame:
    after: int


@dataclass(frozen=True)
class TypingFrame:
    pass


@dataclass(frozen=True)
class ReportFrame:
    seq: int
    reason: str


ClientFrame = SendFrame | HistoryFrame | ResumeFrame | TypingFrame | ReportFrame


def _seq(data: dict[str, object], name: str, *, required: bool) -> int | None:
    value = data.get(name)
    if value is None and not required:
        return None
    # bool is an int in Python: reject it explicitly.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadFrame(
            _("`{name}` must be a whole number of 0 or more.").format(name=name),
            field=name,
        )
    return value


def _text(
    data: dict[str, object], name: str, *, unstorable: re.Pattern[str] | None = None
) -> str:
    value = data.get(name)
    if not isinstance(value, str):
        raise BadFrame(_("`{name}` must be a string.").format(name=name), field=name)
    if unstorable is not None and unstorable.search(value):
        raise BadFrame(
            _("`{name}` contains characters that cannot be stored.").format(name=name),
            field=name,
        )
    return value


def parse_send(data: dict[str, object]) -> SendFrame:
    client_id = _text(data, "client_id", unstorable=ID_UNSTORABLE)
    if not 1 <= len(client_id) <= MAX_CLIENT_ID_CHARS:
        raise BadFrame(
            _("`client_id` must be 1 to {limit} characters.").format(
                limit=MAX_CLIENT_ID_CHARS
            ),
            field="client_id",
        )
    body = _text(data, "body")
    if len(body) > MAX_BODY_CHARS:
        raise FrameTooLong(
            _(
                "A message can be at most {limit} characters; this one has {length}."
            ).format(limit=MAX_BODY_CHARS, length=len(body)),
            field="body",
        )
    if not body.strip():
        raise BadFrame(_("The message is empty."), field="body")
    return SendFrame(client_id=client_id, body=body)


def parse_history(data: dict[str, object]) -> HistoryFrame:
    before = _seq(data, "before", required=False)
    limit = data.get("limit", DEFAULT_HISTORY_LIMIT)
    if (
        isinstance(limit, bool)
        or not isinstance(limit, int)
        or not 1 <= limit <= MAX_HISTORY_LIMIT
    ):
        raise BadFrame(
            _("`limit` must be a whole number from 1 to {limit}.").format(
                limit=MAX_HISTORY_LIMIT
            ),
            field="limit",
        )
    return HistoryFrame(before=before, limit=limit)


def parse_resume(data: dict[str, object]) -> ResumeFrame:
    after = _seq(data, "after", required=True)
    assert after is not None  # noqa: S101 -- required=True never returns None
    return ResumeFrame(after=after)


def parse_typing(data: dict[str, object]) -> TypingFrame:
    return TypingFrame()


def parse_report(data: dict[str, object]) -> ReportFrame:
    seq = _seq(data, "seq", required=True)
    assert seq is not None  # noqa: S101 -- required=True never returns None
    reason = _text(data, "reason", unstorable=UNSTORABLE)
    if len(reason) > MAX_REASON_CHARS:
        raise FrameTooLong(
            _(
                "A concern can be at most {limit} characters; this one has {length}."
            ).format(limit=MAX_REASON_CHARS, length=len(reason)),
            field="reason",
        )
    if not reason.strip():
        raise BadFrame(_("Say what worries you about this message."), field="reason")
    return ReportFrame(seq=seq, reason=reason)


PARSERS: dict[str, Callable[[dict[str, object]], ClientFrame]] = {
    "send": parse_send,
    "history": parse_history,
    "resume": parse_resume,
    "typing": parse_typing,
    "report": parse_report,
}


def parse_client_frame(text_data: str | None, bytes_data: bytes | None) -> ClientFrame:
    if text_data is None:
        raise BadFrame(_("Frames must be JSON text, not binary."))
    if len(text_data) > MAX_FRAME_CHARS:
        raise FrameTooLong(
            _("A frame can be at most {limit} characters.").format(
                limit=MAX_FRAME_CHARS
            )
        )
    try:
        data = json.loads(text_data)
    except (ValueError, RecursionError):
        raise BadJson(_("That frame is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise BadFrame(_("A frame must be a JSON object with a `type`."))
    kind = data.get("type")
    parser = PARSERS.get(kind) if isinstance(kind, str) else None
    if parser is None:
        raise BadFrame(
            _("Unknown frame type; use one of: {types}.").format(
                types=", ".join(PARSERS)
            ),
            field="type",
        )
    return parser(data)


def frame_json(frame: dict[str, Any]) -> str:
    """A server frame as the text sent on the socket."""
    return json.dumps(frame, ensure_ascii=False)
