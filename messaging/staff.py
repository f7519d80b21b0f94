"""The gate of every monitor page and API: program staff only.

Mentees and mentors get NotAllowed (403, never data); visitors NotLoggedIn (401).
Ids inside the gate still go through access_* functions, so a flag or circle of another
program answers 404 exactly like a missing one.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import Program, Role, User
from accounts.selectors import administered_programs, monitored_programs
from config.errors import NotAllowed, NotLoggedIn


def staff_programs(user: User) -> QuerySet[Program]:
    """The programs `user` monitors or administers, as a lazy subquery: services
    scope every read and write with it (no query of its own)."""
    if not user.is_authenticated:
        raise NotLoggedIn(_("Please log in."))
    return monitored_programs(user)


def require_staff(user: User) -> QuerySet[Program]:
    """The gate of pages and APIs: staff_programs, refused (403) when empty."""
    programs = staff_programs(user)
    if not programs.exists():
        raise NotAllowed(_("This part of Circles is for program staff."))
    return programs


def is_administrator(user: User, program_id: int) -> bool:
    return administered_programs(user).filter(pk=program_id).exists()


def list_program_staff(program: Program) -> list[User]:
    """Monitors and administrators of `program` (for forms naming a staff member)."""
    return list(
        User.objects.filter(
            program_roles__program=program,
            program_roles__role__in=[Role.MONITOR, Role.ADMIN],
        )
        .distinct()
        .order_by("display_name", "username")
    )
