"""Admin pages: audit, shred records, signed heads and circle keys are read-only;
legal holds are placed and lifted here. No page shows key material or ciphertext."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from archive.models import (
    AccessAudit,
    CircleKey,
    LegalHold,
    ShredRecord,
    SignedChainHead,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Lists and detail pages only: nothing can be added, changed or deleted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}  # not even the bulk delete action


@admin.register(AccessAudit)
class AccessAuditAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "circle", "seqs", "seq_count", "purpose"]
    list_filter = ["action"]
    search_fields = ["actor", "purpose", "recipient"]
    date_hierarchy = "at"
    list_select_related = ["circle"]


@admin.register(ShredRecord)
class ShredRecordAdmin(ReadOnlyAdmin):
    list_display = ["circle", "shredded_at", "record_count", "head_seq", "reason"]
    exclude = ["head_hash"]
    readonly_fields = ["head_hash_hex"]
    list_select_related = ["circle"]

    @admin.display(description="chain head hash")
    def head_hash_hex(self, obj: ShredRecord) -> str:
        return bytes(obj.head_hash).hex()


@admin.register(SignedChainHead)
class SignedChainHeadAdmin(ReadOnlyAdmin):
    list_display = ["circle", "seq", "reason", "signed_at"]
    list_filter = ["reason"]
    exclude = ["hash", "signature", "public_key"]
    readonly_fields = ["hash_hex", "signed_by"]
    list_select_related = ["circle"]

    @admin.display(description="hash")
    def hash_hex(self, obj: SignedChainHead) -> str:
        return bytes(obj.hash).hex()

    @admin.display(description="signed by (Ed25519)")
    def signed_by(self, obj: SignedChainHead) -> str:
        return bytes(obj.public_key).hex()


@admin.register(CircleKey)
class CircleKeyAdmin(ReadOnlyAdmin):
    list_display = ["circle", "master_version", "head_seq", "created_at", "shredded_at"]
    exclude = ["wrapped_key", "head_hash"]
    list_filter = ["master_version"]
    list_select_related = ["circle"]


@admin.register(LegalHold)
class LegalHoldAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["circle", "placed_by", "placed_at", "lifted_at"]
    list_filter = [("lifted_at", admin.EmptyFieldListFilter)]
    readonly_fields = ["placed_by", "placed_at", "lifted_by"]
    fields = ["circle", "reason", "placed_by", "placed_at", "lifted_at", "lifted_by"]
    raw_id_fields = ["circle"]

    def has_delete_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False  # lift a hold (set lifted_at); its history stays

    def save_model(
        self, request: HttpRequest, obj: LegalHold, form: Any, change: bool
    ) -> None:
        if not change:
            obj.placed_by = request.user  # type: ignore[assignment]
            obj.placed_at = timezone.now()
        if obj.lifted_at is not None and obj.lifted_by_id is None:
            obj.lifted_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)
