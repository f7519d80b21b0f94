"""Writes about people: roles, clearance records, code-of-conduct acceptance."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import (
    ClearanceKind,
    ClearanceRecord,
    CodeOfConduct,
    ConductAcceptance,
    Program,
    ProgramRole,
    User,
)
from accounts.selectors import (
    administered_programs,
    current_conduct,
    monitored_programs,
)
from config.errors import Invalid, NotFound


def check_can_record_clearance(*, by: User, program: Program) -> None:
    allowed = monitored_programs(by) | administered_programs(by)
    if not allowed.filter(pk=program.pk).exists():
        raise NotFound(_("No such program."))


@transaction.atomic
def record_clearance(
    *,
    by: User,
    user: User,
    program: Program,
    kind: str,
    completed_on: date | None = None,
    guardian_name: str = "",
    guardian_relation: str = "",
    note: str = "",
) -> ClearanceRecord:
    """Staff record a piece of clearance (screening, training or parental consent)."""
    check_can_record_clearance(by=by, program=program)
    if kind not in ClearanceKind.values:
        raise Invalid(_("Unknown kind of clearance."), field="kind")
    if kind == ClearanceKind.PARENTAL_CONSENT and not (
        guardian_name.strip() and guardian_relation.strip()
    ):
        raise Invalid(
            _("Parental consent needs the guardian's name and their relation."),
            field="guardian_name",
        )
    if not ProgramRole.objects.filter(user=user, program=program).exists():
        raise Invalid(_("This person has no role in the program."), field="user")
    return ClearanceRecord.objects.create(
        user=user,
        program=program,
        kind=kind,
        completed_on=completed_on or timezone.localdate(),
        guardian_name=guardian_name.strip(),
        guardian_relation=guardian_relation.strip(),
        note=note,
        recorded_by=by,
    )


@transaction.atomic
def accept_conduct(*, user: User, program: Program) -> ConductAcceptance:
    """`user` accepts the program's current code of conduct."""
    conduct = current_conduct(program)
    if conduct is None:
        raise Invalid(_("This program has not published a code of conduct yet."))
    if not ProgramRole.objects.filter(user=user, program=program).exists():
        raise NotFound(_("No such program."))
    acceptance, _created = ConductAcceptance.objects.get_or_create(
        user=user, conduct=conduct
    )
    return acceptance


@transaction.atomic
def publish_conduct(*, program: Program, text: str) -> CodeOfConduct:
    """A new version: everyone in the program must accept it again."""
    if not text.strip():
        raise Invalid(_("The code of conduct cannot be empty."), field="text")
    latest = current_conduct(program)
    return CodeOfConduct.objects.create(
        program=program, version=(latest.version + 1) if latest else 1, text=text
    )
