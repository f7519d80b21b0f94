"""Forms of the administrator pages."""

from __future__ import annotations

from django import forms

from moderation.models import Action, Category, Severity


class ExportForm(forms.Form):
    circle = forms.TypedChoiceField(
        label="Circle",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="Leave on 'Whole program' to export every circle of the program.",
    )
    since = forms.DateField(
        label="From (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label="Up to and including (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    recipient = forms.CharField(
        label="Reviewer's age public key",
        max_length=200,
        help_text="Starts with age1…; only the holder of the matching identity can "
        "open the bundle.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    purpose = forms.CharField(
        label="Purpose",
        max_length=300,
        help_text="Recorded in the access audit, e.g. 'Annual safety review'.",
    )

    def __init__(
        self, *args: object, circles: list[tuple[int | str, str]], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["circle"].choices = [("", "Whole program"), *circles]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:  # type: ignore[operator]
            self.add_error("until", "The end date is before the start date.")
        return data


class RuleForm(forms.Form):
    name = forms.CharField(label="Name", max_length=200, required=False)
    category = forms.ChoiceField(label="Category", choices=Category.choices)
    pattern = forms.CharField(
        label="Words or phrases",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One phrase, or alternatives like (cash app|venmo) me; '...' allows "
        "a few words in between; word* matches any ending; # is a number.",
    )
    severity = forms.TypedChoiceField(
        label="Severity", choices=Severity.choices, coerce=int, initial=Severity.MEDIUM
    )
    action = forms.ChoiceField(label="Action", choices=Action.choices, initial="flag")
    enabled = forms.BooleanField(label="In force", required=False, initial=True)
    note = forms.CharField(
        label="Why (for staff)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TrialForm(forms.Form):
    text = forms.CharField(
        label="Test a message",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Nothing you type here is stored or sent.",
    )
