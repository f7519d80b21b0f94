"""Pages. Thin: parse, call one selector or service, render."""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import User
from messaging.selectors import list_home


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    return render(request, "frontend/home.html", {"home": list_home(user=user)})
