"""Bump the rules version when anything a compiled rule set depends on changes."""

from __future__ import annotations

from django.db.models import F
from django.db.models.signals import post_delete, post_save

from accounts.models import Program
from moderation.models import AllowedContact, Rule, RulesVersion


def bump_rules_version(**_: object) -> None:
    """Every process's cached rule sets go stale (call it after bulk updates too)."""
    updated = RulesVersion.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        RulesVersion.objects.get_or_create(pk=1, defaults={"version": 1})


def connect() -> None:
    for model in (Rule, AllowedContact, Program):
        post_save.connect(
            bump_rules_version, sender=model, dispatch_uid=f"rules-{model}"
        )
        post_delete.connect(
            bump_rules_version, sender=model, dispatch_uid=f"rules-d-{model}"
        )
