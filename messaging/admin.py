"""Admin for circles, memberships and agreements, scoped to your programs.

Membership changes are validated as a whole against the program's limits, inside the
admin's transaction, so a rejected change saves nothing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.admin_scoping import ProgramScopedAdmin, ProgramScopedInline
from config.errors import Invalid
from messaging.circles import (
    AGREEMENT_FIELDS,
    Seat,
    publish_agreement,
    validate_composition,
)
from messaging.models import Agreement, AgreementAcceptance, Circle, Membership, Message


class MembershipFormSet(forms.BaseInlineFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        super().clean()
        circle: Circle = self.instance
        program = getattr(circle, "program", None)
        if program is None:
            return
        seats = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or data.get("left_at"):
                continue
            if data.get("user") is None:
                continue
            seats.append(
                Seat(
                    user=data["user"],
                    role=data["role"],
                    is_coordinator=bool(data.get("is_coordinator")),
                )
            )
        try:
            validate_composition(program=program, seats=seats, circle=circle)
        except Invalid as error:
            raise ValidationError(error.detail) from error


class MembershipInline(ProgramScopedInline):
    model = Membership
    formset = MembershipFormSet
    fields = ["user", "role", "is_coordinator", "joined_at", "left_at"]


@admin.register(Circle)
class CircleAdmin(ProgramScopedAdmin):
    list_display = ["name", "program", "status", "created_at", "closed_at"]
    list_filter = ["status", "program"]
    search_fields = ["name"]
    readonly_fields = ["created_at", "last_seq"]
    fields = [
        "program",
        "name",
        "status",
        "closed_at",
        "closure_reason",
        "future_contact_policy",
        "created_at",
        "last_seq",
    ]
    inlines = [MembershipInline]


@admin.register(Agreement)
class AgreementAdmin(ProgramScopedAdmin):
    """Saving an agreement publishes a new version; members must accept it again."""

    program_path = "circle__program"
    list_display = ["circle", "version", "review_date", "created_by", "created_at"]
    list_filter = ["circle__program"]
    fields = ["circle", *AGREEMENT_FIELDS]

    def save_model(
        self, request: HttpRequest, obj: Agreement, form: Any, change: bool
    ) -> None:
        fields = {name: form.cleaned_data[name] for name in AGREEMENT_FIELDS}
        published = publish_agreement(
            by=None, circle=form.cleaned_data["circle"], fields=fields
        )
        published.created_by = request.user  # type: ignore[assignment]
        published.save(update_fields=["created_by"])
        obj.pk = published.pk

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ["circle"] if obj else []


@admin.register(AgreementAcceptance)
class AgreementAcceptanceAdmin(ProgramScopedAdmin):
    program_path = "agreement__circle__program"
    list_display = ["agreement", "user", "accepted_at"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(ProgramScopedAdmin):
    """Metadata only: bodies are read through the monitor's audited thread view."""

    program_path = "circle__program"
    list_display = ["circle", "seq", "sender", "status", "sent_at", "length"]
    list_filter = ["status", "circle__program"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Message]:
        return super().get_queryset(request).select_related("circle", "sender")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
