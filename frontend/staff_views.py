"""Administrator pages beyond the Django admin: exports, rules, keys.

Program administrators see their programs only; master keys are the installation's,
so rotating them is for superusers.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import User
from accounts.selectors import administered_programs
from archive.jobs import (
    access_export_job,
    export_file,
    job_view,
    list_export_jobs,
    start_export,
)
from archive.keys import master_keys
from archive.rotation import (
    add_master_version,
    count_keys_by_version,
    retire_master_version,
    rewrap_circle_keys,
)
from config.errors import AppError, Invalid, NotFound
from frontend.staff_forms import ExportForm, RuleForm, TrialForm
from messaging.models import Circle
from moderation.models import Rule
from moderation.rule_editing import (
    access_program_as_admin,
    list_rules,
    save_rule,
    switch_off_builtin,
    try_message,
)

View = Callable[..., HttpResponse]


def person(request: HttpRequest) -> User:
    return cast(User, request.user)


def staff_page(view: View) -> View:
    """Log-in required; only administrators; NotFound becomes the site's 404."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not administered_programs(person(request)).exists():
            raise Http404
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None

    return wrapped


@staff_page
@require_GET
def hub(request: HttpRequest) -> HttpResponse:
    programs = administered_programs(person(request)).order_by("name")
    return render(
        request,
        "staff/hub.html",
        {"programs": programs, "can_rotate": person(request).is_superuser},
    )


def circle_choices(program_ids: list[int]) -> list[tuple[int | str, str]]:
    circles = Circle.objects.filter(program_id__in=program_ids).select_related(
        "program"
    )
    return [
        (c.pk, f"{c.program.name}: {c.name}")
        for c in circles.order_by("program__name", "name")
    ]


@staff_page
@require_http_methods(["GET", "POST"])
def exports(request: HttpRequest, program_id: int) -> HttpResponse:
    user = person(request)
    program = access_program_as_admin(user=user, program_id=program_id)
    form = ExportForm(request.POST or None, circles=circle_choices([program.pk]))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            start_export(
                user=user,
                program_id=program.pk,
                circle_id=data["circle"],
                since=data["since"],
                until=data["until"],
                recipient=data["recipient"],
                purpose=data["purpose"],
            )
        except Invalid as error:
            form.add_error(
                error.field if error.field in form.fields else None, error.detail
            )
        except AppError as error:  # a bad recipient key, for one
            form.add_error("recipient", error.detail)
        else:
            messages.success(request, "The export has started; it is listed below.")
            return redirect("staff-exports", program_id=program.pk)
    jobs = [job for job in list_export_jobs(user=user) if job.scope]
    return render(
        request,
        "staff/exports.html",
        {"program": program, "form": form, "jobs": jobs},
        status=400 if form.errors else 200,
    )


@staff_page
@require_GET
def export_status(request: HttpRequest, job_id: int) -> JsonResponse:
    job = access_export_job(user=person(request), job_id=job_id)
    return JsonResponse(job_view(job).as_dict())


@staff_page
@require_GET
def export_download(request: HttpRequest, job_id: int) -> FileResponse:
    path, name = export_file(user=person(request), job_id=job_id)
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=name,
        content_type="application/octet-stream",
    )


@staff_page
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest, program_id: int) -> HttpResponse:
    user = person(request)
    program = access_program_as_admin(user=user, program_id=program_id)
    trial = None
    rule_form = RuleForm(prefix="rule")
    trial_form = TrialForm(prefix="trial")
    status = 200
    if request.method == "POST":
        intent = request.POST.get("intent")
        if intent == "test":
            trial_form = TrialForm(request.POST, prefix="trial")
            if trial_form.is_valid():
                try:
                    trial = try_message(
                        user=user,
                        program_id=program.pk,
                        text=trial_form.cleaned_data["text"],
                    )
                except Invalid as error:
                    trial_form.add_error("text", error.detail)
        elif intent == "add":
            rule_form = RuleForm(request.POST, prefix="rule")
            if rule_form.is_valid():
                try:
                    save_rule(
                        user=user, program_id=program.pk, fields=rule_form.cleaned_data
                    )
                except Invalid as error:
                    field = error.field if error.field in rule_form.fields else None
                    rule_form.add_error(field, error.detail)
                else:
                    messages.success(request, "The rule is saved and in force now.")
                    return redirect("staff-rules", program_id=program.pk)
        elif intent == "switch-off":
            switch_off_builtin(
                user=user, program_id=program.pk, key=request.POST.get("key", "")
            )
            messages.success(
                request, "The built-in rule is switched off for this program."
            )
            return redirect("staff-rules", program_id=program.pk)
        elif intent == "switch-on":
            rule = Rule.objects.filter(
                pk=request.POST.get("rule") or 0, program=program
            ).first()
            if rule is None:
                raise Http404
            save_rule(
                user=user,
                program_id=program.pk,
                rule_id=rule.pk,
                fields={"enabled": True},
            )
            messages.success(request, "The rule is in force again.")
            return redirect("staff-rules", program_id=program.pk)
        if trial_form.errors or rule_form.errors:
            status = 400
    return render(
        request,
        "staff/rules.html",
        {
            "program": program,
            "rows": list_rules(user=user, program_id=program.pk),
            "rule_form": rule_form,
            "trial_form": trial_form,
            "trial": trial,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def keys(request: HttpRequest) -> HttpResponse:
    user = person(request)
    if not user.is_superuser:
        raise Http404
    if request.method == "POST":
        try:
            if request.POST.get("intent") == "rotate":
                keyring = master_keys(refresh=True)
                if keyring.from_environment:
                    messages.error(
                        request,
                        "Master keys come from ARCHIVE_MASTER_KEYS: rotate them with "
                        "`manage.py rotate_keys` on the server, which prints the new "
                        "value.",
                    )
                else:
                    version = add_master_version()
                    rewrapped, _target = rewrap_circle_keys()
                    messages.success(
                        request,
                        f"Master key version {version.version} is current; "
                        f"{rewrapped} circle keys were re-wrapped with it.",
                    )
            elif request.POST.get("intent") == "retire":
                version = retire_master_version(int(request.POST.get("version", "0")))
                messages.success(request, f"Version {version.version} is retired.")
        except AppError as error:
            messages.error(request, error.detail)
        except ValueError:
            messages.error(request, "Choose a version to retire.")
        return redirect("staff-keys")
    keyring = master_keys(refresh=True)
    in_use = count_keys_by_version()
    versions = [
        {
            "version": v,
            "circles": in_use.get(v, 0),
            "current": v == keyring.current_version,
        }
        for v in keyring.versions
    ]
    return render(
        request,
        "staff/keys.html",
        {"versions": versions, "from_environment": keyring.from_environment},
    )
