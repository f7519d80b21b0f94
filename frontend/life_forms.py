"""Forms for the circle-life pages: labelled fields and parsing; the rules (a session
in the past, overlaps, limits) live in messaging.life and messaging.matching."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import AVAILABILITY_SLOTS, DAY_PARTS, WEEKDAYS, LivedExperience
from accounts.models import Profile as MatchingProfile
from messaging.life import MAX_NOTE_CHARS, MAX_SESSION_MINUTES, MIN_SESSION_MINUTES
from messaging.models import CircleSession, Goal


class Described(forms.Form):
    """Screen readers announce each field's hint and error with the field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        describe(self)

    def full_clean(self) -> None:
        super().full_clean()
        describe(self)


def describe(form: forms.BaseForm) -> None:
    """Point each field at its hint, and once validated, at its error (reading
    `form.errors` before then would validate too early)."""
    validated = getattr(form, "_errors", None) is not None
    for name, field in form.fields.items():
        attrs = field.widget.attrs
        auto_id = form[name].auto_id
        described = [f"{auto_id}_helptext"] if field.help_text else []
        if validated and name in form.errors:
            attrs["aria-invalid"] = "true"
            described.append(f"{auto_id}_error")
        if described:
            attrs["aria-describedby"] = " ".join(described)


class PlanSessionForm(Described):
    day = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    time = forms.TimeField(
        label=_("Start time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    duration_minutes = forms.IntegerField(
        label=_("How long (minutes)"),
        min_value=MIN_SESSION_MINUTES,
        max_value=MAX_SESSION_MINUTES,
    )
    mode = forms.ChoiceField(
        label=_("Where"),
        choices=CircleSession.Mode.choices,
        initial=CircleSession.Mode.VIRTUAL,
        widget=forms.RadioSelect,
    )
    place = forms.CharField(
        label=_("Place, for an in-person session"),
        required=False,
        max_length=200,
        help_text=_("The place your agreement names; add a room if it helps."),
    )

    def __init__(
        self, *args: Any, in_person_allowed: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not in_person_allowed:
            del self.fields["place"]
            self.fields["mode"].choices = [
                (CircleSession.Mode.VIRTUAL, CircleSession.Mode.VIRTUAL.label)
            ]
            self.fields["mode"].help_text = _(
                "The circle's agreement says it meets online. To meet in person, "
                "change the agreement first."
            )
            describe(self)

    def starts_at(self) -> datetime:
        return timezone.make_aware(
            datetime.combine(self.cleaned_data["day"], self.cleaned_data["time"])
        )


class RecordSessionForm(Described):
    attended = forms.MultipleChoiceField(
        label=_("Who came"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Session note"),
        required=False,
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "A few lines on what the circle talked about and agreed to do next. "
            "Kept encrypted; the circle's members and program staff can read it."
        ),
    )

    def __init__(
        self, *args: Any, members: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(str(pk), name) for pk, name in members]

    def attended_ids(self) -> set[int]:
        return {int(pk) for pk in self.cleaned_data["attended"]}


class GoalForm(Described):
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    status = forms.ChoiceField(label=_("Status"), choices=Goal.Status.choices)
    target_date = forms.DateField(
        label=_("Aim to finish by"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReviewForm(Described):
    held_on = forms.DateField(
        label=_("Date of the review"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    summary = forms.CharField(
        label=_("What the circle found"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "How each goal is going, what helped, what to change. Kept encrypted."
        ),
    )
    next_review_date = forms.DateField(
        label=_("Next review date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "Setting one publishes a new version of the agreement with this date; "
            "every member accepts it again before the circle talks."
        ),
    )


class FormCircleForm(Described):
    name = forms.CharField(label=_("Circle name"), max_length=200)
    mentors = forms.TypedMultipleChoiceField(
        label=_("Mentors"), coerce=int, required=False
    )
    coordinator = forms.TypedChoiceField(
        label=_("Coordinator"), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self, *args: Any, candidates: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(pk, name) for pk, name in candidates]
        self.fields["mentors"].choices = choices
        self.fields["coordinator"].choices = choices


SLOT_CHOICES = [
    (f"{day}_{part}", f"{day_name} {part_name}")
    for day, day_name in WEEKDAYS
    for part, part_name in DAY_PARTS
]
assert len(SLOT_CHOICES) == len(AVAILABILITY_SLOTS)  # noqa: S101 -- import-time check


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    availability = forms.MultipleChoiceField(
        label=_("Available"),
        choices=SLOT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    lived_experience = forms.MultipleChoiceField(
        label=_("Lived experience"),
        choices=LivedExperience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only what the person chose to share with the program."),
    )

    class Meta:
        model = MatchingProfile
        fields = (
            "interests",
            "goals",
            "availability",
            "county",
            "languages",
            "lived_experience",
            "gender",
            "preferred_mentor_gender",
            "preferred_mentor_age_min",
            "preferred_mentor_age_max",
        )
        labels = {
            "interests": _("Interests"),
            "goals": _("Goals"),
            "county": _("County"),
            "languages": _("Languages"),
            "gender": _("Gender"),
            "preferred_mentor_gender": _("Preferred gender of mentors"),
            "preferred_mentor_age_min": _("Preferred mentor age: from"),
            "preferred_mentor_age_max": _("Preferred mentor age: to"),
        }
        widgets = {
            "interests": forms.Textarea(attrs={"rows": 2}),
            "goals": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(
        self, *args: Any, is_mentee: bool, uses_gender: bool, uses_age: bool, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["goals"].help_text = (
            _("What they want to work on, separated by commas.")
            if is_mentee
            else _("What they can help with, separated by commas.")
        )
        self.fields["interests"].help_text = _("Separated by commas.")
        self.fields["languages"].help_text = _("Separated by commas.")
        self.fields["county"].help_text = _("Where they live.")
        if not (is_mentee and uses_gender):
            del self.fields["preferred_mentor_gender"]
        if not (is_mentee and uses_age):
            del self.fields["preferred_mentor_age_min"]
            del self.fields["preferred_mentor_age_max"]
        if not uses_gender:
            del self.fields["gender"]
        describe(self)

    def full_clean(self) -> None:
        super().full_clean()
        describe(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low = data.get("preferred_mentor_age_min")
        high = data.get("preferred_mentor_age_max")
        if low is not None and high is not None and low > high:
            self.add_error(
                "preferred_mentor_age_max",
                _("The upper age must be at least the lower one."),
            )
        return data
