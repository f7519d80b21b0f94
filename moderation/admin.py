"""Admin for rules and allowed contacts, scoped to the programs a user administers."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.models import Program, Role
from moderation.models import AllowedContact, Rule
from moderation.signals import bump_rules_version


def administered_programs(request: HttpRequest) -> QuerySet[Program]:
    user = request.user
    if user.is_superuser:
        return Program.objects.all()
    if user.pk is None:  # anonymous: administers nothing
        return Program.objects.none()
    return Program.objects.filter(
        roles__user_id=user.pk, roles__role=Role.ADMIN
    ).distinct()


class ProgramScopedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]  # generic per model
    """Rows of the programs where the user is an administrator; superusers see all."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(program__in=administered_programs(request))

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "program":
            kwargs["queryset"] = administered_programs(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        bump_rules_version()  # bulk deletes send no per-row signal


@admin.register(Rule)
class RuleAdmin(ProgramScopedAdmin):
    list_display = (
        "__str__",
        "program",
        "key",
        "category",
        "severity",
        "action",
        "enabled",
    )
    list_filter = ("category", "action", "severity", "enabled", "program")
    search_fields = ("name", "key", "pattern", "note")
    list_editable = ("enabled",)


@admin.register(AllowedContact)
class AllowedContactAdmin(ProgramScopedAdmin):
    list_display = ("value", "label", "program")
    list_filter = ("program",)
    search_fields = ("value", "label")
