"""Forms for the participant pages: labelled fields; the rules live in services."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from messaging.circles import AGREEMENT_FIELDS
from messaging.models import Agreement

AGREEMENT_LABELS = {
    "meeting_frequency": _("How often we meet"),
    "meeting_length_minutes": _("How long each meeting lasts (minutes)"),
    "number_of_sessions": _("Number of sessions"),
    "meeting_place": _("Where we meet"),
    "contact_between_sessions": _("How we contact each other between sessions"),
    "contact_frequency": _("How often we are in touch between sessions"),
    "arranging_and_cancelling": _("How we arrange or cancel a meeting"),
    "focus": _("What the mentoring focuses on"),
    "goals_short_term": _("Short-term goals"),
    "goals_medium_term": _("Medium-term goals"),
    "goals_long_term": _("Long-term goals"),
    "comfortable_topics": _("Topics we are comfortable talking about"),
    "not_comfortable_topics": _("Topics we agreed not to discuss"),
    "review_date": _("Date to review our progress"),
}

AGREEMENT_HELP = {
    "number_of_sessions": _("Leave empty if the circle has not decided yet."),
    "not_comfortable_topics": _(
        "One per line. Messages that mention them are shown to program staff."
    ),
    "review_date": _("The day the circle looks back at its goals together."),
}


def shown_labels() -> dict[str, str]:
    return {name: str(label) for name, label in AGREEMENT_LABELS.items()}


class AgreementForm(forms.ModelForm):  # type: ignore[type-arg]
    """A new version of the circle's agreement; publish_agreement saves it."""

    class Meta:
        model = Agreement
        fields = AGREEMENT_FIELDS
        labels = AGREEMENT_LABELS
        help_texts = AGREEMENT_HELP
        widgets: ClassVar[dict[str, Any]] = {
            "arranging_and_cancelling": forms.Textarea(attrs={"rows": 2}),
            "focus": forms.Textarea(attrs={"rows": 3}),
            "goals_short_term": forms.Textarea(attrs={"rows": 2}),
            "goals_medium_term": forms.Textarea(attrs={"rows": 2}),
            "goals_long_term": forms.Textarea(attrs={"rows": 2}),
            "comfortable_topics": forms.Textarea(attrs={"rows": 2}),
            "not_comfortable_topics": forms.Textarea(attrs={"rows": 3}),
            "review_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, bound in self.fields.items():
            attrs = bound.widget.attrs
            if bound.help_text:
                attrs["aria-describedby"] = f"id_{name}_helptext"
            # Screen readers announce the error next to the field it belongs to.
            if self.is_bound and name in self.errors:
                attrs["aria-invalid"] = "true"
                described = attrs.get("aria-describedby", "")
                attrs["aria-describedby"] = f"{described} id_{name}_error".strip()


class VersionForm(forms.Form):
    """Accepting a versioned text: the version the person read, so a newer one
    published meanwhile is not accepted unread."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
