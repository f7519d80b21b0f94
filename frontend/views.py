"""Pages. Thin: parse, call one selector or service, render.

A circle outside the person's programs answers 404 exactly like a missing one; a circle
they can know about but are not in answers 403 with a sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from accounts.selectors import current_conduct, monitored_programs
from accounts.services import accept_conduct
from config.errors import Invalid, NotAllowed, NotFound
from frontend.forms import AgreementForm, VersionForm, shown_labels
from frontend.pages import (
    AGREEMENT_SECTIONS,
    agreement_goals,
    agreement_sections,
    get_agreement_page,
    get_chat_page,
    get_onboarding,
)
from messaging.access import access_circle, check_can_chat, current_agreement
from messaging.circles import accept_agreement, can_edit_agreement, publish_agreement
from messaging.selectors import list_home

View = Callable[..., HttpResponse]


def person(request: HttpRequest) -> User:
    return cast(User, request.user)


def forbidden(request: HttpRequest, detail: str) -> HttpResponse:
    is_staff = monitored_programs(person(request)).exists()
    return render(
        request,
        "frontend/forbidden.html",
        {"detail": detail, "is_staff": is_staff},
        status=403,
    )


def circle_page(view: View) -> View:
    """Log-in required; NotFound becomes the site's 404, NotAllowed a 403 page."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            raise Http404 from None
        except NotAllowed as refusal:
            return forbidden(request, refusal.detail)

    return wrapped


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request, "frontend/home.html", {"home": list_home(user=person(request))}
    )


@circle_page
@require_GET
def chat(request: HttpRequest, circle_id: int) -> HttpResponse:
    user = person(request)
    page = get_chat_page(user=user, circle_id=circle_id)
    try:
        check_can_chat(user=user, circle=page.circle)
    except NotAllowed:
        return redirect("circle-welcome", circle_id=circle_id)
    settings = {
        "circleId": page.circle.pk,
        "me": {
            "id": user.pk,
            "name": user.shown_name,
            "role": "coordinator"
            if page.membership.is_coordinator
            else page.membership.role,
        },
        "loginUrl": reverse("login"),
        "homeUrl": reverse("home"),
        "welcomeUrl": reverse("circle-welcome", args=[circle_id]),
    }
    return render(
        request,
        "frontend/chat.html",
        {"page": page, "chat_settings": settings},
    )


@circle_page
@require_GET
def welcome(request: HttpRequest, circle_id: int) -> HttpResponse:
    onboarding = get_onboarding(user=person(request), circle_id=circle_id)
    return render(
        request,
        "frontend/welcome.html",
        {
            "onboarding": onboarding,
            "conduct_form": VersionForm(
                initial={"version": onboarding.conduct.version}
                if onboarding.conduct
                else None
            ),
        },
    )


@circle_page
@require_POST
def accept_conduct_view(request: HttpRequest, circle_id: int) -> HttpResponse:
    user = person(request)
    onboarding = get_onboarding(user=user, circle_id=circle_id)
    program = onboarding.circle.program
    form = VersionForm(request.POST)
    conduct = current_conduct(program)
    if conduct is None:
        messages.error(
            request, _("This program has not published a code of conduct yet.")
        )
    elif not form.is_valid() or form.cleaned_data["version"] != conduct.version:
        messages.error(
            request,
            _(
                "The code of conduct was updated while you were reading it. Please "
                "read version {version} below."
            ).format(version=conduct.version),
        )
    else:
        accept_conduct(user=user, program=program)
        messages.success(
            request,
            _(
                "Thank you: you accepted the code of conduct (version {version})."
            ).format(version=conduct.version),
        )
    return redirect("circle-welcome", circle_id=circle_id)


@circle_page
@require_GET
def agreement(request: HttpRequest, circle_id: int) -> HttpResponse:
    page = get_agreement_page(user=person(request), circle_id=circle_id)
    context: dict[str, Any] = {"page": page}
    if page.agreement is not None:
        context["sections"] = agreement_sections(
            page.agreement, labels=shown_labels(), changed=page.changed
        )
        context["goals"] = agreement_goals(page.agreement)
        context["accept_form"] = VersionForm(
            initial={"version": page.agreement.version}
        )
    return render(request, "frontend/agreement.html", context)


@circle_page
@require_http_methods(["GET", "POST"])
def edit_agreement(request: HttpRequest, circle_id: int) -> HttpResponse:
    user = person(request)
    circle = access_circle(user=user, circle_id=circle_id)
    if not can_edit_agreement(user=user, circle=circle):
        raise NotAllowed(_("Only the circle's coordinator can change its agreement."))
    if not circle.is_open:
        raise NotAllowed(
            _("This circle is closed; its agreement can no longer change.")
        )
    latest = current_agreement(circle)
    if request.method == "POST":
        form = AgreementForm(request.POST, instance=None, initial=initial_of(latest))
        if form.is_valid() and latest is not None and not form.has_changed():
            messages.info(
                request, _("Nothing changed, so no new version was published.")
            )
            return redirect("circle-agreement", circle_id=circle_id)
        if form.is_valid():
            try:
                published = publish_agreement(
                    by=user, circle=circle, fields=dict(form.cleaned_data)
                )
            except ValidationError as error:
                form.add_error(None, error)
            except Invalid as error:
                form.add_error(
                    error.field if error.field in form.fields else None, error.detail
                )
            else:
                messages.success(
                    request,
                    _(
                        "Version {version} is published. Every member accepts it "
                        "before the circle talks again."
                    ).format(version=published.version),
                )
                return redirect("circle-agreement", circle_id=circle_id)
    else:
        form = AgreementForm(initial=initial_of(latest))
    return render(
        request,
        "frontend/agreement_edit.html",
        {
            "circle": circle,
            "form": form,
            "latest": latest,
            "fieldsets": [
                {"heading": heading, "fields": [form[name] for name in names]}
                for heading, names in AGREEMENT_SECTIONS
            ],
        },
    )


def initial_of(agreement: Any) -> dict[str, Any] | None:
    if agreement is None:
        return None
    return {name: getattr(agreement, name) for name in AgreementForm.Meta.fields}


@circle_page
@require_POST
def accept_agreement_view(request: HttpRequest, circle_id: int) -> HttpResponse:
    user = person(request)
    circle = access_circle(user=user, circle_id=circle_id)
    latest = current_agreement(circle)
    form = VersionForm(request.POST)
    if latest is None:
        messages.error(request, _("This circle has no agreement to accept yet."))
        return redirect("circle-agreement", circle_id=circle_id)
    if not form.is_valid() or form.cleaned_data["version"] != latest.version:
        messages.error(
            request,
            _(
                "The agreement changed while you were reading it. Please read version "
                "{version} before accepting it."
            ).format(version=latest.version),
        )
        return redirect("circle-agreement", circle_id=circle_id)
    try:
        accept_agreement(user=user, circle_id=circle_id)
    except Invalid as error:
        messages.error(request, error.detail)
        return redirect("circle-agreement", circle_id=circle_id)
    messages.success(
        request,
        _("You accepted version {version} of the circle's agreement.").format(
            version=latest.version
        ),
    )
    # The chat page sends anyone who cannot talk yet on to the checklist.
    return redirect("circle-chat", circle_id=circle_id)
