"""Who may see and use a circle. Every lookup of a circle by id goes through here.

A circle outside the user's programs is "not found", exactly like a missing one; 4403
(NotAllowed) is only for circles the user can already know about.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ClearanceKind, User, is_minor_on, shown_name
from accounts.selectors import clearance_from, known_programs, monitored_programs
from config.errors import NotAllowed, NotFound, NotLoggedIn
from messaging.models import Agreement, Circle, Membership, shown_role


@dataclass(frozen=True)
class ChatMember:
    """A cleared member in an open circle: plain data, safe to hold in async code."""

    user_id: int
    circle_id: int
    program_id: int
    name: str
    role: str
    is_coordinator: bool

    @property
    def sender(self) -> dict[str, object]:
        """The `sender` object of this member's messages and typing."""
        return {
            "id": self.user_id,
            "name": self.name,
            "role": shown_role(self.role, is_coordinator=self.is_coordinator),
        }


def no_such_circle() -> NotFound:
    return NotFound(_("No such circle."))


def access_circle(*, user: User, circle_id: int, lock: bool = False) -> Circle:
    """The circle, if it belongs to one of `user`'s programs; else NotFound."""
    if not user.is_authenticated:
        raise NotLoggedIn(_("Please log in."))
    circles = Circle.objects.select_related("program")
    if lock:
        circles = circles.select_for_update(of=("self",))
    circle = circles.filter(pk=circle_id, program__in=known_programs(user)).first()
    if circle is None:
        raise no_such_circle()
    return circle


def access_circle_as_staff(*, user: User, circle_id: int) -> Circle:
    """The circle, if `user` monitors or administers its program; else NotFound."""
    if not user.is_authenticated:
        raise NotLoggedIn(_("Please log in."))
    circle = (
        Circle.objects.select_related("program")
        .filter(pk=circle_id, program__in=monitored_programs(user))
        .first()
    )
    if circle is None:
        raise no_such_circle()
    return circle


def active_membership(*, user: User, circle: Circle) -> Membership | None:
    return Membership.objects.filter(
        circle=circle, user=user, left_at__isnull=True
    ).first()


def current_agreement(circle: Circle) -> Agreement | None:
    return circle.agreements.order_by("-version").first()


# Everything a chat frame must re-check, read in one statement: the circle (locked for
# a send), whether the person has any role in its program, their active membership,
# clearance records, acceptance of the program's newest code of conduct, the circle's
# newest agreement and how many active members have not accepted it. The chat path runs
# this on every frame; built with the ORM it cost more than the rest of a message
# (bench/post_message_bench.py), hence plain SQL, portable to SQLite and PostgreSQL.
# Parameters: kind x3, user, circle.
_GATE_COLUMNS = """
SELECT
    c.program_id, c.status, c.last_seq,
    EXISTS (
        SELECT 1 FROM accounts_programrole r
        WHERE r.user_id = u.id AND r.program_id = c.program_id
    ),
    m.role, m.is_coordinator,
    u.is_active, u.date_of_birth,
    EXISTS (
        SELECT 1 FROM accounts_clearancerecord k
        WHERE k.user_id = u.id AND k.program_id = c.program_id
          AND k.revoked_at IS NULL AND k.kind = %s
    ),
    EXISTS (
        SELECT 1 FROM accounts_clearancerecord k
        WHERE k.user_id = u.id AND k.program_id = c.program_id
          AND k.revoked_at IS NULL AND k.kind = %s
    ),
    EXISTS (
        SELECT 1 FROM accounts_clearancerecord k
        WHERE k.user_id = u.id AND k.program_id = c.program_id
          AND k.revoked_at IS NULL AND k.kind = %s
    ),
    EXISTS (
        SELECT 1 FROM accounts_conductacceptance ca
        WHERE ca.user_id = u.id AND ca.conduct_id = (
            SELECT cc.id FROM accounts_codeofconduct cc
            WHERE cc.program_id = c.program_id ORDER BY cc.version DESC LIMIT 1
        )
    ),
    a.version, a.not_comfortable_topics,
    (
        SELECT COUNT(*) FROM messaging_membership w
        WHERE w.circle_id = c.id AND w.left_at IS NULL AND NOT EXISTS (
            SELECT 1 FROM messaging_agreementacceptance x
            WHERE x.agreement_id = a.id AND x.user_id = w.user_id
        )
    ),
    u.display_name, u.first_name, u.last_name, u.username
"""
_GATE_TABLES = """
FROM messaging_circle c
JOIN accounts_user u ON u.id = %s
LEFT JOIN messaging_membership m
    ON m.circle_id = c.id AND m.user_id = u.id AND m.left_at IS NULL
LEFT JOIN messaging_agreement a ON a.id = (
    SELECT a2.id FROM messaging_agreement a2
    WHERE a2.circle_id = c.id ORDER BY a2.version DESC LIMIT 1
)
"""
_GATE_SQL = _GATE_COLUMNS + _GATE_TABLES + "WHERE c.id = %s\n"
# A send also reads, in the same statement, what storing it needs first: this sender's
# earlier message with the same client_id (idempotency) and the moderation rules'
# version (the rule set cache's key). Parameters: kind x3, user, client_id, circle.
# (Not the archive's key row: on PostgreSQL, a row read beside the one FOR UPDATE locks
# may predate the commit the lock waited for, and the chain head must be current.)
_SEND_GATE_SQL = (
    _GATE_COLUMNS.rstrip()  # noqa: S608 -- built from the constants above, no input
    + """,
    e.circle_id, e.seq, e.status,
    (SELECT v.version FROM moderation_rulesversion v WHERE v.id = 1)
"""
    + _GATE_TABLES
    + """LEFT JOIN messaging_message e ON e.sender_id = u.id AND e.client_id = %s
WHERE c.id = %s
"""
)
_CLEARANCE_KINDS = (
    ClearanceKind.SCREENING,
    ClearanceKind.TRAINING,
    ClearanceKind.PARENTAL_CONSENT,
)


@dataclass(frozen=True)
class ChatAccess:
    """A member cleared to chat now, and what the send path needs from the same read."""

    member: ChatMember
    last_seq: int  # the circle's newest seq (locked when read for a send)
    not_comfortable_topics: str  # the current agreement's, for moderation
    # Read for a send only (chat_access's client_id):
    earlier: tuple[int, int, str] | None = None  # (circle, seq, status) of a resend
    rules_version: int | None = None


def chat_access(
    *, user: User, circle_id: int, lock: bool = False, client_id: str | None = None
) -> ChatAccess:
    """Everything the socket checks at connect and re-checks on every frame: one query.

    NotLoggedIn for an anonymous or deactivated person; NotFound for a circle outside
    their programs; NotAllowed, with a sentence saying what is missing, for a circle
    they know but may not talk in now. `lock` (a send) holds the circle's row until
    commit, which keeps seqs gap-free (SQLite's IMMEDIATE transactions lock anyway).
    A send's `client_id` also reads its earlier message and the rules' version.
    """
    if not user.is_authenticated:
        raise NotLoggedIn(_("Please log in."))
    params: list[str | int]
    if client_id is None:
        sql, params = _GATE_SQL, [*_CLEARANCE_KINDS, user.pk, circle_id]
    else:
        sql, params = _SEND_GATE_SQL, [*_CLEARANCE_KINDS, user.pk, client_id, circle_id]
    if lock and connection.features.has_select_for_update_of:
        sql += "FOR UPDATE OF c"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        raise no_such_circle()
    earlier: tuple[int, int, str] | None = None
    rules_version = None
    if client_id is not None:
        *row, earlier_circle, earlier_seq, earlier_status, rules_version = row
        if earlier_circle is not None:
            earlier = (int(earlier_circle), int(earlier_seq), str(earlier_status))
    (
        program_id,
        status,
        last_seq,
        knows_program,
        role,
        is_coordinator,
        is_active,
        date_of_birth,
        screened,
        trained,
        consented,
        accepted_conduct,
        agreement_version,
        topics,
        waiting,
        *names,
    ) = row
    if not is_active:
        raise NotLoggedIn(_("Please log in."))
    if not knows_program:
        raise no_such_circle()
    if role is None:
        raise NotAllowed(_("You are not a member of this circle."))
    if status != Circle.Status.OPEN:
        raise NotAllowed(_("This circle is closed; messages can no longer be sent."))
    records = [
        kind
        for kind, present in zip(
            _CLEARANCE_KINDS, (screened, trained, consented), strict=True
        )
        if present
    ]
    clearance = clearance_from(
        role=role,
        records=records,
        accepted_conduct=bool(accepted_conduct),
        is_minor=is_minor_on(as_date(date_of_birth), timezone.localdate()),
    )
    if not clearance.is_cleared:
        raise NotAllowed(" ".join(clearance.sentences()))
    if agreement_version is None:
        raise NotAllowed(
            _("This circle has no agreement yet; its coordinator writes it.")
        )
    if waiting:
        raise NotAllowed(
            _(
                "Every member must accept the circle's current agreement (version "
                "{version}) before the circle can talk."
            ).format(version=agreement_version)
        )
    return ChatAccess(
        member=ChatMember(
            user_id=user.pk,
            circle_id=circle_id,
            program_id=program_id,
            name=shown_name(*names),
            role=role,
            is_coordinator=bool(is_coordinator),
        ),
        last_seq=int(last_seq),
        not_comfortable_topics=topics or "",
        earlier=earlier,
        rules_version=None if client_id is None else int(rules_version or 0),
    )


def as_date(value: date | str | None) -> date | None:
    # A raw SQLite cursor may hand back the ISO text rather than a date.
    return date.fromisoformat(value) if isinstance(value, str) else value


def check_can_chat(*, user: User, circle: Circle) -> ChatMember:
    """Raise NotAllowed with a sentence saying what is missing, else the member."""
    return chat_access(user=user, circle_id=circle.pk).member


def access_circle_for_chat(*, user: User, circle_id: int) -> ChatMember:
    """Everything the socket checks at connect, and every frame re-checks."""
    return chat_access(user=user, circle_id=circle_id).member
