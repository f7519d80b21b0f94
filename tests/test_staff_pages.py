"""Administrator pages: exports with progress, the rules editor and test box, keys."""

from __future__ import annotations

import io
import json
import tarfile

import pyrage
import pytest

from accounts.models import Role
from archive import jobs
from archive.models import AccessAudit, CircleKey, ExportJob
from messaging.services import post_message
from moderation.models import Rule
from tests.factories import ProgramFactory, make_circle, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def program_admin():
    circle_set = make_circle()
    admin = staff(circle_set.program, Role.ADMIN, is_staff=True)
    return circle_set, admin


@pytest.fixture
def inline_exports(monkeypatch, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    monkeypatch.setattr(jobs, "launch", jobs.run_export_job)


def test_an_administrator_exports_a_program_and_the_reviewer_can_open_it(
    client, program_admin, inline_exports
):
    circle_set, admin = program_admin
    for n in range(3):
        post_message(
            sender=circle_set.mentee,
            circle_id=circle_set.circle.pk,
            client_id=f"e{n}",
            body=f"export me {n}",
        )
    reviewer = pyrage.x25519.Identity.generate()
    client.force_login(admin)
    url = f"/staff/programs/{circle_set.program.pk}/exports/"
    response = client.post(
        url,
        {"recipient": str(reviewer.to_public()), "purpose": "Annual safety review"},
    )
    assert response.status_code == 302
    job = ExportJob.objects.get()
    status = client.get(f"/staff/exports/{job.pk}/").json()
    assert (status["status"], status["messages"], status["percent"]) == ("done", 3, 100)
    download = client.get(f"/staff/exports/{job.pk}/download/")
    assert download.status_code == 200
    bundle = pyrage.decrypt(b"".join(download.streaming_content), [reviewer])
    with tarfile.open(fileobj=io.BytesIO(bundle)) as tar:
        names = set(tar.getnames())
        lines = tar.extractfile("messages.jsonl").read().decode().splitlines()
    assert {"manifest.json", "manifest.sig", "messages.jsonl"} <= names
    assert [json.loads(line)["body"] for line in lines] == [
        "export me 0",
        "export me 1",
        "export me 2",
    ]
    audit = AccessAudit.objects.get(action=AccessAudit.Action.EXPORT)
    assert (audit.user, audit.purpose) == (admin, "Annual safety review")
    assert str(reviewer.to_public()) in audit.recipient


def test_a_bad_recipient_key_is_a_clear_form_error(
    client, program_admin, inline_exports
):
    circle_set, admin = program_admin
    client.force_login(admin)
    response = client.post(
        f"/staff/programs/{circle_set.program.pk}/exports/",
        {"recipient": "not-a-key", "purpose": "Review"},
    )
    assert response.status_code == 400
    assert "age" in response.content.decode().lower()
    assert ExportJob.objects.count() == 0


def test_another_programs_exports_and_rules_are_not_found(client, program_admin):
    _circle_set, admin = program_admin
    other = ProgramFactory()
    client.force_login(admin)
    for url in (
        f"/staff/programs/{other.pk}/exports/",
        f"/staff/programs/{other.pk}/rules/",
        "/staff/programs/999999/rules/",
    ):
        assert client.get(url).status_code == 404


def test_participants_and_monitors_cannot_reach_the_staff_pages(client, program_admin):
    circle_set, _admin = program_admin
    monitor = staff(circle_set.program, Role.MONITOR)
    for user in (circle_set.mentee, monitor):
        client.force_login(user)
        assert client.get("/staff/").status_code == 404
        assert (
            client.get(f"/staff/programs/{circle_set.program.pk}/rules/").status_code
            == 404
        )


def test_the_test_box_shows_which_rule_fires_and_stores_nothing(client, program_admin):
    circle_set, admin = program_admin
    client.force_login(admin)
    response = client.post(
        f"/staff/programs/{circle_set.program.pk}/rules/",
        {"intent": "test", "trial-text": "text me at 515 555 0142 <script>x</script>"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Verdict: hold" in body
    assert "contact_info" in body
    assert "<mark" in body
    assert "&lt;script&gt;x&lt;/script&gt;" in body  # shown as text
    assert "<script>x" not in body


def test_an_administrator_adds_a_program_rule_that_then_fires(client, program_admin):
    circle_set, admin = program_admin
    client.force_login(admin)
    url = f"/staff/programs/{circle_set.program.pk}/rules/"
    response = client.post(
        url,
        {
            "intent": "add",
            "rule-name": "Fundraiser talk",
            "rule-category": "money_gifts",
            "rule-pattern": "raffle tickets",
            "rule-severity": "2",
            "rule-action": "flag",
            "rule-enabled": "on",
        },
    )
    assert response.status_code == 302
    trial = client.post(
        url, {"intent": "test", "trial-text": "want to buy raffle tickets?"}
    )
    assert "Verdict: flag" in trial.content.decode()


def test_a_bad_pattern_is_refused_with_the_reason(client, program_admin):
    circle_set, admin = program_admin
    client.force_login(admin)
    response = client.post(
        f"/staff/programs/{circle_set.program.pk}/rules/",
        {
            "intent": "add",
            "rule-category": "money_gifts",
            "rule-pattern": "(unclosed",
            "rule-severity": "2",
            "rule-action": "flag",
        },
    )
    assert response.status_code == 400
    assert Rule.objects.count() == 0


def test_switching_off_a_built_in_rule_stops_it_for_that_program_only(
    client, program_admin
):
    circle_set, admin = program_admin
    client.force_login(admin)
    url = f"/staff/programs/{circle_set.program.pk}/rules/"
    trial_text = {"intent": "test", "trial-text": "can you venmo me 20 bucks"}
    fired = client.post(url, trial_text).content.decode()
    rule_id = fired.split("Rule <code>")[1].split("</code>")[0]
    client.post(url, {"intent": "switch-off", "key": rule_id})
    assert Rule.objects.get(key=rule_id).enabled is False
    after = client.post(url, trial_text).content.decode()
    assert f"Rule <code>{rule_id}</code>" not in after


def test_only_superusers_rotate_keys_and_rotation_keeps_messages_readable(
    client, program_admin
):
    circle_set, admin = program_admin
    post_message(
        sender=circle_set.mentee,
        circle_id=circle_set.circle.pk,
        client_id="k",
        body="hi",
    )
    client.force_login(admin)
    assert client.get("/staff/keys/").status_code == 404
    admin.is_superuser = True
    admin.save()
    assert client.get("/staff/keys/").status_code == 200
    response = client.post("/staff/keys/", {"intent": "rotate"}, follow=True)
    assert "re-wrapped" in response.content.decode()
    assert CircleKey.objects.get().master_version == 2
    from messaging.services import list_history

    page = list_history(
        user=circle_set.mentee, circle_id=circle_set.circle.pk, before=None, limit=5
    )
    assert [m.body for m in page.messages] == ["hi"]
    retired = client.post(
        "/staff/keys/", {"intent": "retire", "version": "1"}, follow=True
    )
    assert "retired" in retired.content.decode()
