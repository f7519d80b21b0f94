"""What a monitor's decision does to a message: release it, hide it, or post a blocked
message whose appeal was overturned.

Status changes only: the archive record and its hash chain stay as sealed (see
archive.services). Authorization and the flag bookkeeping are the caller's
(moderation.services); members hear of each change after commit.
"""

from __future__ import annotations

from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from accounts.models import User
from archive.services import open_bodies, seal_message
from messaging import broadcast
from messaging.models import Circle, Message
from messaging.services import MessageView, iso, sender_roles


def message_view(message: Message, *, body: str | None = None) -> MessageView:
    circle_id = message.circle_id
    if body is None:
        body = open_bodies(circle_id=circle_id, seqs=[message.seq]).get(message.seq, "")
    sender = sender_roles(circle_id).get(
        message.sender_id, {"id": message.sender_id, "name": "", "role": ""}
    )
    return MessageView(
        seq=message.seq,
        sender=sender,
        body=body,
        sent_at=iso(message.sent_at),
        status=message.status,
        client_id=message.client_id,
    )


def release_held_message(message: Message) -> None:
    """Deliver a held (or hidden) message: members get it as `message`, then
    `released`, so the sender's page marks its copy delivered."""
    message.status = Message.Status.DELIVERED
    message.save(update_fields=["status"])
    group = broadcast.circle_group(message.circle_id)
    broadcast.broadcast_on_commit(group, message_view(message).event())
    broadcast.broadcast_on_commit(
        group, {"type": broadcast.RELEASED, "seq": message.seq}
    )


def hide_message(message: Message) -> None:
    """Withdraw a message from members' view; they get a `hidden` frame."""
    message.status = Message.Status.HIDDEN
    message.save(update_fields=["status"])
    broadcast.broadcast_on_commit(
        broadcast.circle_group(message.circle_id),
        {"type": broadcast.HIDDEN, "seq": message.seq},
    )


@sensitive_variables("text")
@transaction.atomic
def post_reviewed_message(
    *, circle_id: int, sender: User, client_id: str, text: str
) -> Message:
    """Post `text` as `sender`, delivered and flagged, after staff approved it.

    The seq comes from the same place as in services.post_message: the circle row,
    locked for the rest of the transaction, so seqs stay gap-free.
    """
    # SQLite ignores FOR UPDATE, but transaction_mode="IMMEDIATE" takes its single
    # write lock at BEGIN, so the seq stays gap-free there too.
    circle = Circle.objects.select_for_update().get(pk=circle_id)
    circle.last_seq += 1
    circle.save(update_fields=["last_seq"])
    message = Message.objects.create(
        circle=circle,
        seq=circle.last_seq,
        sender=sender,
        client_id=client_id,
        status=Message.Status.FLAGGED,
        length=len(text),
    )
    seal_message(message=message, text=text)
    broadcast.broadcast_on_commit(
        broadcast.circle_group(circle.pk), message_view(message, body=text).event()
    )
    return message
