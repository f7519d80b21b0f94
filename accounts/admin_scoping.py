"""Django admin for program administrators: each sees and edits their programs only.

Permissions come from program roles, not Django's per-model permissions: an
administrator of a program may manage everything in it. Superusers see everything.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from accounts.models import Program, User
from accounts.selectors import administered_programs


def admin_programs(request: HttpRequest) -> QuerySet[Program]:
    user = request.user
    if not isinstance(user, User) or not user.is_active or not user.is_staff:
        return Program.objects.none()
    return administered_programs(user)


def people_in(programs: QuerySet[Program]) -> QuerySet[User]:
    return User.objects.filter(program_roles__program__in=programs).distinct()


def scope_choices(db_field: Any, request: HttpRequest, kwargs: dict[str, Any]) -> None:
    """Narrow a foreign-key field's choices to the administrator's programs: their
    programs, the people in them, their circles."""
    if request.user.is_superuser:
        return
    programs = admin_programs(request)
    if db_field.related_model is Program:
        kwargs["queryset"] = programs
    elif db_field.related_model is User:
        kwargs["queryset"] = people_in(programs)
    elif db_field.related_model._meta.label == "messaging.Circle":
        kwargs["queryset"] = db_field.related_model.objects.filter(program__in=programs)


class ProgramScopedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A ModelAdmin limited to objects whose `program_path` is one of your programs."""

    program_path = "program"
    scoped_user_fields: tuple[str, ...] = ()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.program_path}__in": admin_programs(request)})

    def _may(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser or admin_programs(request).exists())

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._may(request)

    def has_view_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return self._may(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._may(request)

    def has_change_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return self._may(request)

    def has_delete_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return self._may(request)

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> Any:
        scope_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ProgramScopedInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> Any:
        scope_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_view_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return bool(request.user.is_superuser or admin_programs(request).exists())

    has_add_permission = has_change_permission = has_delete_permission = (
        has_view_permission
    )
