"""Admin for programs, people, roles and clearance, scoped to your programs."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.db.models import QuerySet
from django.http import HttpRequest

from accounts.admin_scoping import (
    ProgramScopedAdmin,
    ProgramScopedInline,
    admin_programs,
    people_in,
)
from accounts.models import (
    ClearanceRecord,
    CodeOfConduct,
    ConductAcceptance,
    Program,
    ProgramRole,
    Role,
    User,
)


@admin.register(Program)
class ProgramAdmin(ProgramScopedAdmin):
    program_path = "pk"
    list_display = ["name", "max_mentors", "max_active_circles", "retention_days"]
    search_fields = ["name"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Program]:
        queryset = Program.objects.all()
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=admin_programs(request))

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return bool(request.user.is_superuser)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)


class ProgramRoleInline(ProgramScopedInline):
    model = ProgramRole
    fields = ["program", "role"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProgramRole]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(program__in=admin_programs(request))


class ClearanceInline(ProgramScopedInline):
    model = ClearanceRecord
    fk_name = "user"
    fields = [
        "program",
        "kind",
        "completed_on",
        "guardian_name",
        "guardian_relation",
        "note",
        "recorded_by",
        "recorded_at",
        "revoked_at",
    ]
    readonly_fields = ["recorded_by", "recorded_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ClearanceRecord]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(program__in=admin_programs(request))


class NewPersonForm(UserCreationForm):  # type: ignore[type-arg]
    """Creating a person also gives them their first role, so they are in a program."""

    program = forms.ModelChoiceField(queryset=Program.objects.all())
    role = forms.ChoiceField(choices=Role.choices)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "display_name", "date_of_birth")


@admin.register(User)
class UserAdmin(DjangoUserAdmin, ProgramScopedAdmin):  # type: ignore[type-arg]
    add_form = NewPersonForm
    add_fieldsets = (
        (
            None,
            {
                "fields": (
                    "username",
                    "display_name",
                    "date_of_birth",
                    "program",
                    "role",
                    "password1",
                    "password2",
                )
            },
        ),
    )
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("display_name", "first_name", "last_name", "email")}),
        ("Age", {"fields": ("date_of_birth",)}),
        ("Access", {"fields": ("is_active", "is_staff")}),
    )
    superuser_fieldsets = (("Superuser", {"fields": ("is_superuser",)}),)
    list_display = ["username", "display_name", "is_active", "last_login"]
    search_fields = ["username", "display_name", "first_name", "last_name"]
    list_filter = ["is_active", "program_roles__role"]
    inlines = [ProgramRoleInline, ClearanceInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        queryset = User.objects.all()
        if request.user.is_superuser:
            return queryset
        return people_in(admin_programs(request))

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if (
            obj is None
            and not request.user.is_superuser
            and "program" in form.base_fields
        ):
            form.base_fields["program"].queryset = admin_programs(request)  # type: ignore[attr-defined]
        return form

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and request.user.is_superuser:
            return (*fieldsets, *self.superuser_fieldsets)
        return fieldsets

    def save_model(
        self, request: HttpRequest, obj: User, form: Any, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            ProgramRole.objects.get_or_create(
                user=obj,
                program=form.cleaned_data["program"],
                role=form.cleaned_data["role"],
            )

    def save_formset(
        self, request: HttpRequest, form: Any, formset: Any, change: bool
    ) -> None:
        instances = formset.save(commit=False)
        for instance in instances:
            if (
                isinstance(instance, ClearanceRecord)
                and instance.recorded_by_id is None
            ):
                instance.recorded_by = cast(User, request.user)
            instance.save()
        for deleted in formset.deleted_objects:
            deleted.delete()


@admin.register(ProgramRole)
class ProgramRoleAdmin(ProgramScopedAdmin):
    list_display = ["user", "role", "program", "granted_at"]
    list_filter = ["role", "program"]
    search_fields = ["user__username", "user__display_name"]


@admin.register(ClearanceRecord)
class ClearanceRecordAdmin(ProgramScopedAdmin):
    list_display = [
        "user",
        "kind",
        "program",
        "completed_on",
        "recorded_by",
        "revoked_at",
    ]
    list_filter = ["kind", "program"]
    search_fields = ["user__username", "user__display_name"]
    readonly_fields = ["recorded_by", "recorded_at"]

    def save_model(
        self, request: HttpRequest, obj: Any, form: Any, change: bool
    ) -> None:
        if obj.recorded_by_id is None:
            obj.recorded_by = cast(User, request.user)
        super().save_model(request, obj, form, change)


@admin.register(CodeOfConduct)
class CodeOfConductAdmin(ProgramScopedAdmin):
    list_display = ["program", "version", "published_at"]
    list_filter = ["program"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A published version is a record of what people accepted: never edited.
        return ["program", "version", "text", "published_at"] if obj else ["version"]

    def save_model(
        self, request: HttpRequest, obj: Any, form: Any, change: bool
    ) -> None:
        if not change:
            latest = obj.program.conduct_versions.order_by("-version").first()
            obj.version = (latest.version + 1) if latest else 1
        super().save_model(request, obj, form, change)


@admin.register(ConductAcceptance)
class ConductAcceptanceAdmin(ProgramScopedAdmin):
    program_path = "conduct__program"
    list_display = ["user", "conduct", "accepted_at"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
