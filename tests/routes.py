"""The site's HTTP routes, read from the URL conf at run time (no tests here), so that
tests over "every endpoint" cover new ones, or fail naming them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

PARAMETER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^)]*)\)")


@dataclass(frozen=True)
class Route:
    pattern: str  # "circles/<int:circle_id>/agreement/"
    name: str  # "circle-agreement", "monitor-api:flag"; "" when unnamed
    view: str  # dotted path of the view

    @property
    def parameters(self) -> list[str]:
        groups = [m.group("name") for m in REGEX_GROUP.finditer(self.pattern)]
        plain = REGEX_GROUP.sub("", self.pattern)
        return groups + [m.group("name") for m in PARAMETER.finditer(plain)]

    def path(self, **values: object) -> str:
        """The route as a path, each parameter from `values` (else 1, or "x" for a
        str; a regex alternative's first choice)."""

        def fill(match: re.Match[str]) -> str:
            name = match.group("name")
            if name in values:
                return str(values[name])
            return "x" if match.group("converter") in ("str", "slug") else "1"

        def fill_group(match: re.Match[str]) -> str:
            name = match.group("name")
            if name in values:
                return str(values[name])
            first = match.group("body").split("|")[0]
            return "1" if first in ("", ".*", ".+") else first

        path = PARAMETER.sub(fill, REGEX_GROUP.sub(fill_group, self.pattern))
        return "/" + path.replace("^", "").replace("$", "")

    @property
    def is_admin(self) -> bool:
        return self.pattern.startswith("admin/")


def walk(
    patterns: list[URLPattern | URLResolver], prefix: str = "", namespace: str = ""
) -> list[Route]:
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{pattern.namespace}:" if pattern.namespace else namespace
            found += walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            name = f"{namespace}{pattern.name}" if pattern.name else ""
            found.append(Route(prefix + str(pattern.pattern), name, pattern.lookup_str))
    return found


def all_routes() -> list[Route]:
    return walk(get_resolver().url_patterns)


def site_routes() -> list[Route]:
    """Every route outside the Django admin (which tests sample by model)."""
    return [route for route in all_routes() if not route.is_admin]
