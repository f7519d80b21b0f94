"""Matching: explainable scores with reasons, who may be suggested (clearance, the
circle limit, the mentee's program only), the suggest_matches command, forming a
circle from the suggestions in one action, re-matching, and the staff pages."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import Profile, Program, Role
from config.errors import Invalid, NotAllowed, NotFound
from messaging.circles import close_circle
from messaging.matching import (
    WEIGHTS,
    MatchProfile,
    Rules,
    form_circle,
    score_match,
    suggest_mentors,
)
from messaging.models import Agreement, Circle, CircleRole, Membership
from tests.factories import ProgramFactory, make_circle, participant, staff

ALWAYS = sum(w for name, w in WEIGHTS.items() if name not in ("gender", "age"))


def profile(**fields: object) -> MatchProfile:
    defaults: dict[str, object] = {"interests": "", "goals": "", "languages": ""}
    return MatchProfile.of(Profile(**(defaults | fields)))


# ---------- scoring: plain arithmetic, each part with its reason ----------


def test_shared_language_scores_its_weight_and_says_so():
    score, parts = score_match(
        profile(languages="Spanish, English"),
        profile(languages="spanish"),
        open_circles=2,
        rules=Rules(max_active_circles=2),
    )
    assert [(p.criterion, p.reason) for p in parts] == [
        ("languages", "Both speak Spanish")
    ]
    assert score == pytest.approx(WEIGHTS["languages"] / ALWAYS)


def test_shared_availability_names_the_slots_as_the_mentee_has_them():
    _score, parts = score_match(
        profile(availability=["sat_morning", "tue_evening"]),
        profile(availability=["tue_evening", "wed_morning"]),
        open_circles=2,
        rules=Rules(),
    )
    assert parts[0].reason == "Available Tuesday evenings, as the mentee is"
    # One slot of the mentee's two: half the weight.
    assert parts[0].points == pytest.approx(WEIGHTS["availability"] / 2)


def test_lived_experience_of_reentry_is_a_reason():
    _score, parts = score_match(
        profile(lived_experience=["reentry"]),
        profile(lived_experience=["reentry", "military"]),
        open_circles=2,
        rules=Rules(),
    )
    assert [p.reason for p in parts] == ["Lived experience of reentry"]


def test_a_perfect_fit_scores_one_and_lists_every_reason_biggest_first():
    person = {
        "goals": "Housing, work",
        "interests": "cooking, chess",
        "availability": ["tue_evening", "thu_evening"],
        "county": "Polk County",
        "languages": "English",
        "lived_experience": ["reentry"],
    }
    score, parts = score_match(
        profile(**person), profile(**person), open_circles=0, rules=Rules()
    )
    assert score == pytest.approx(1.0)
    assert [p.reason for p in parts] == [
        "Available Tuesday evenings and Thursday evenings, as the mentee is",
        "Can help with Housing and work",
        "Lived experience of reentry",
        "Both speak English",
        "Shares interests: cooking, chess",
        "Both in Polk County",
        "In no other circle yet",
    ]


def test_nothing_in_common_and_no_room_scores_zero_with_no_reasons():
    score, parts = score_match(
        profile(languages="English"),
        profile(languages="French"),
        open_circles=2,
        rules=Rules(max_active_circles=2),
    )
    assert (score, parts) == (0.0, [])


def test_capacity_favours_mentors_with_more_room():
    free, _ = score_match(MatchProfile(), MatchProfile(), open_circles=0, rules=Rules())
    busy, parts = score_match(
        MatchProfile(), MatchProfile(), open_circles=1, rules=Rules()
    )
    assert free == pytest.approx(WEIGHTS["capacity"] / ALWAYS)
    assert busy == pytest.approx(free / 2)
    assert parts[0].reason == "In 1 other circle, with room for one more"


def test_gender_and_age_preferences_count_only_where_the_program_allows_them():
    mentee = profile(
        preferred_mentor_gender="woman",
        preferred_mentor_age_min=30,
        preferred_mentor_age_max=50,
    )
    mentor = MatchProfile.of(Profile(gender="woman"), age=41)
    ignored, parts = score_match(mentee, mentor, open_circles=2, rules=Rules())
    assert (ignored, parts) == (0.0, [])
    score, parts = score_match(
        mentee,
        mentor,
        open_circles=2,
        rules=Rules(uses_gender=True, uses_age=True),
    )
    assert [p.reason for p in parts] == [
        "A woman, as the mentee prefers",
        "Aged 41, within the mentee's preferred range",
    ]
    total = ALWAYS + WEIGHTS["gender"] + WEIGHTS["age"]
    assert score == pytest.approx((WEIGHTS["gender"] + WEIGHTS["age"]) / total)


# ---------- who may be suggested ----------


def mentor(program: Program, **kwargs: object):
    return participant(program, Role.MENTOR, **kwargs)


def test_at_limit_pending_and_other_program_mentors_are_never_suggested(db):
    program = ProgramFactory()
    mentee = participant(program, Role.MENTEE)
    mentor(program, username="free")
    at_limit = mentor(program, username="at-limit")
    for number in range(2):
        circle = make_circle(program, name=f"busy {number}").circle
        Membership.objects.create(circle=circle, user=at_limit, role=CircleRole.MENTOR)
    mentor(program, username="pending", training=False)
    mentor(program, username="unscreened", screening=False)
    mentor(ProgramFactory(), username="elsewhere")
    suggested = [
        s.mentor.username for s in suggest_mentors(program=program, mentee=mentee)
    ]
    assert "free" in suggested
    assert not {"at-limit", "pending", "unscreened", "elsewhere"} & set(suggested)


def test_a_closed_circle_does_not_count_against_the_limit(db):
    program = ProgramFactory()
    mentee = participant(program, Role.MENTEE)
    circle_set = make_circle(program)
    busy = circle_set.mentors[1]
    Membership.objects.create(
        circle=make_circle(program, name="second").circle,
        user=busy,
        role=CircleRole.MENTOR,
    )
    assert busy not in [
        s.mentor for s in suggest_mentors(program=program, mentee=mentee)
    ]
    close_circle(by=None, circle=circle_set.circle, reason="Goals met")
    assert busy in [s.mentor for s in suggest_mentors(program=program, mentee=mentee)]


def test_people_without_profiles_are_ranked_by_room_and_told_so(db):
    program = ProgramFactory()
    mentee = participant(program, Role.MENTEE)
    one_circle = make_circle(program).mentors[1]
    mentor(program, username="zz-free")
    suggestions = suggest_mentors(program=program, mentee=mentee)
    assert [s.mentor.username for s in suggestions[:1]] == ["zz-free"]
    assert suggestions[0].reasons == [
        "In no other circle yet",
        "No matching profile recorded yet",
    ]
    assert [s.mentor for s in suggestions].index(one_circle) > 0


def test_suggestions_are_best_first_with_their_reasons(db):
    program = ProgramFactory()
    mentee = participant(program, Role.MENTEE)
    Profile.objects.create(
        user=mentee, program=program, languages="Spanish", county="Polk County"
    )
    both = mentor(program, username="both")
    Profile.objects.create(
        user=both, program=program, languages="Spanish", county="Polk County"
    )
    one = mentor(program, username="one")
    Profile.objects.create(user=one, program=program, languages="Spanish")
    ranked = suggest_mentors(program=program, mentee=mentee)
    assert [s.mentor.username for s in ranked] == ["both", "one"]
    assert ranked[0].reasons == [
        "Both speak Spanish",
        "Both in Polk County",
        "In no other circle yet",
    ]
    assert 0 < ranked[1].score < ranked[0].score <= 1


# ---------- the suggest_matches command ----------


def run(*args: str) -> dict:
    out = StringIO()
    call_command("suggest_matches", *args, stdout=out)
    return json.loads(out.getvalue())


def test_suggest_matches_prints_the_contract_json(db):
    program = ProgramFactory()
    mentee = participant(program, Role.MENTEE, username="waiting-mentee")
    Profile.objects.create(user=mentee, program=program, languages="Spanish")
    best = mentor(program, username="best")
    Profile.objects.create(user=best, program=program, languages="Spanish")
    mentor(program, username="second")
    mentor(program, username="pending-one", training=False)
    data = run("--mentee", "waiting-mentee")
    assert set(data) == {"mentee", "suggestions"}
    assert data["mentee"] == "waiting-mentee"
    assert [s["mentor"] for s in data["suggestions"]] == ["best", "second"]
    first = data["suggestions"][0]
    assert set(first) == {"mentor", "score", "reasons"}
    assert first["reasons"][0] == "Both speak Spanish"
    scores = [s["score"] for s in data["suggestions"]]
    assert scores == sorted(scores, reverse=True)
    assert all(isinstance(s, float) and 0 <= s <= 1 for s in scores)


def test_suggest_matches_limit_keeps_the_best(db):
    program = ProgramFactory()
    participant(program, Role.MENTEE, username="m")
    for name in ("a", "b", "c"):
        mentor(program, username=name)
    assert [
        s["mentor"] for s in run("--mentee", "m", "--limit", "2")["suggestions"]
    ] == [
        "a",
        "b",
    ]


@pytest.mark.parametrize("login", ["nobody-at-all", "a-monitor"])
def test_suggest_matches_refuses_an_unknown_mentee_in_one_line(db, login):
    staff(ProgramFactory(), username="a-monitor")
    with pytest.raises(CommandError) as refusal:
        call_command("suggest_matches", "--mentee", login, stdout=StringIO())
    assert str(refusal.value) == f"No mentee with the login {login}."
    assert "\n" not in str(refusal.value)


def test_suggest_matches_exits_non_zero_from_the_shell(tmp_path):
    import subprocess
    import sys

    from tests.live import ROOT, base_env

    env = base_env(tmp_path) | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'empty.sqlite3'}"
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "suggest_matches", "--mentee", "ghost"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "CommandError: No mentee with the login ghost."
    ]


def test_suggest_matches_works_on_the_seeded_demo(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    seeded = StringIO()
    call_command("seed_demo", "--password", "demo-pass-123", stdout=seeded)
    before = json.loads(seeded.getvalue())
    again = StringIO()
    call_command("seed_demo", "--password", "demo-pass-123", stdout=again)
    assert json.loads(again.getvalue()) == before  # still idempotent, same output
    program = before["programs"][0]
    data = run("--mentee", program["circles"][0]["mentee"])
    suggested = [s["mentor"] for s in data["suggestions"]]
    assert program["pending"][0] not in suggested
    assert not set(program["circles"][0]["mentors"]) & set(suggested)
    assert all(s["reasons"] for s in data["suggestions"])
    assert all(
        name.startswith(program["name"].split()[0].lower()) for name in suggested
    )


# ---------- forming a circle: one action ----------


@pytest.fixture
def pool(db):
    program = ProgramFactory()
    admin = staff(program, Role.ADMIN)
    mentee = participant(program, Role.MENTEE)
    Profile.objects.create(user=mentee, program=program, goals="housing, work")
    mentors = [mentor(program) for _ in range(5)]
    return program, admin, mentee, mentors


def form(pool, chosen, coordinator=None, **kwargs):
    program, admin, mentee, _mentors = pool
    return form_circle(
        by=kwargs.pop("by", admin),
        program_id=program.pk,
        mentee_id=mentee.pk,
        mentor_ids=[m.pk for m in chosen],
        coordinator_id=(coordinator or chosen[0]).pk if chosen else None,
        name=kwargs.pop("name", "New circle"),
        **kwargs,
    )


def test_forming_a_circle_makes_the_circle_and_a_first_agreement_draft(pool):
    _program, admin, mentee, mentors = pool
    circle = form(pool, mentors[:3], coordinator=mentors[1])
    members = {(m.user, m.role, m.is_coordinator) for m in circle.memberships.all()}
    assert members == {
        (mentee, CircleRole.MENTEE, False),
        (mentors[0], CircleRole.MENTOR, False),
        (mentors[1], CircleRole.MENTOR, True),
        (mentors[2], CircleRole.MENTOR, False),
    }
    agreement = circle.agreements.get()
    assert (agreement.version, agreement.focus, agreement.created_by) == (
        1,
        "housing, work",
        admin,
    )
    assert agreement.review_date is not None


@pytest.mark.parametrize(
    ("count", "sentence"),
    [
        (1, "Choose 2 to 4 mentors; you chose 1."),
        (5, "Choose 2 to 4 mentors; you chose 5."),
    ],
)
def test_a_match_outside_the_circle_size_is_refused_and_nothing_saved(
    pool, count, sentence
):
    with pytest.raises(Invalid) as refusal:
        form(pool, pool[3][:count])
    assert refusal.value.detail == sentence
    assert (Circle.objects.count(), Agreement.objects.count()) == (0, 0)


def test_a_match_that_would_break_the_circle_limit_is_refused_and_nothing_saved(pool):
    program, _admin, _mentee, mentors = pool
    for number in range(2):
        Membership.objects.create(
            circle=Circle.objects.create(program=program, name=f"busy {number}"),
            user=mentors[0],
            role=CircleRole.MENTOR,
        )
    before = Circle.objects.count()
    with pytest.raises(Invalid) as refusal:
        form(pool, mentors[:2], coordinator=mentors[1])
    assert "already a mentor in 2 open circles" in refusal.value.detail
    assert (Circle.objects.count(), Agreement.objects.count()) == (before, 0)


def test_a_pending_mentor_cannot_be_matched(pool):
    program, _admin, _mentee, mentors = pool
    pending = mentor(program, training=False, display_name="Pat Pending")
    with pytest.raises(Invalid) as refusal:
        form(pool, [mentors[0], pending])
    assert refusal.value.detail == (
        "Pat Pending cannot be matched yet: still missing training."
    )
    assert Circle.objects.count() == 0


def test_the_coordinator_must_be_one_of_the_chosen_mentors(pool):
    with pytest.raises(Invalid) as refusal:
        form(pool, pool[3][:2], coordinator=pool[3][4])
    assert refusal.value.field == "coordinator"


def test_monitors_see_suggestions_but_only_administrators_form_circles(pool):
    program = pool[0]
    with pytest.raises(NotAllowed):
        form(pool, pool[3][:2], by=staff(program, Role.MONITOR))
    with pytest.raises(NotFound):
        form(pool, pool[3][:2], by=staff(ProgramFactory(), Role.ADMIN))
    assert Circle.objects.count() == 0


def test_re_matching_after_a_closure_forms_a_new_circle_and_keeps_the_old(pool):
    _program, admin, mentee, mentors = pool
    first = form(pool, mentors[:2], name="First circle")
    with pytest.raises(Invalid) as refusal:
        form(pool, mentors[2:4], name="Too soon")
    assert "already in an open circle (First circle)" in refusal.value.detail
    close_circle(by=admin, circle=first, reason="Re-matched")
    second = form(pool, mentors[2:4], name="Second circle")
    assert second.pk != first.pk
    first.refresh_from_db()
    assert first.status == Circle.Status.CLOSED
    assert first.memberships.filter(user=mentee).exists()  # history stays there


# ---------- the staff pages ----------


def test_the_matching_page_lists_mentees_without_an_open_circle(client: Client, pool):
    program, admin, mentee, _mentors = pool
    matched = make_circle(program)
    client.force_login(admin)
    body = client.get("/matching/").content.decode()
    assert mentee.shown_name in body
    assert f"/matching/programs/{program.pk}/mentees/{mentee.pk}/" in body
    assert matched.mentee.shown_name not in body
    close_circle(by=admin, circle=matched.circle, reason="Goals met")
    body = client.get("/matching/").content.decode()
    assert matched.mentee.shown_name in body
    assert "Re-matching: Circle closed" in body


def test_the_mentee_page_shows_ranked_suggestions_with_reasons(client, pool):
    program, admin, mentee, mentors = pool
    Profile.objects.filter(user=mentee).update(languages="Spanish")
    Profile.objects.create(user=mentors[2], program=program, languages="Spanish")
    client.force_login(admin)
    response = client.get(f"/matching/programs/{program.pk}/mentees/{mentee.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.index(mentors[2].shown_name) < body.index(mentors[0].shown_name)
    assert '<span class="reason">Both speak Spanish</span>' in body
    assert f'<label class="choice" for="pick-{mentors[2].pk}">' in body


def test_forming_a_circle_from_the_page_is_one_post(client, pool):
    program, admin, mentee, mentors = pool
    client.force_login(admin)
    url = f"/matching/programs/{program.pk}/mentees/{mentee.pk}/"
    response = client.post(
        url,
        {
            "name": "Tuesday circle",
            "mentors": [mentors[0].pk, mentors[1].pk],
            "coordinator": mentors[1].pk,
        },
    )
    circle = Circle.objects.get(name="Tuesday circle")
    assert response.status_code == 302
    assert response["Location"] == f"/circles/{circle.pk}/agreement/"
    assert circle.memberships.get(is_coordinator=True).user == mentors[1]


def test_a_refused_match_shows_the_sentence_and_saves_nothing(client, pool):
    program, admin, mentee, mentors = pool
    client.force_login(admin)
    response = client.post(
        f"/matching/programs/{program.pk}/mentees/{mentee.pk}/",
        {"name": "Too small", "mentors": [mentors[0].pk], "coordinator": mentors[0].pk},
    )
    assert response.status_code == 400
    assert "Choose 2 to 4 mentors; you chose 1." in response.content.decode()
    assert Circle.objects.count() == 0


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.parametrize("suffix", ["mentees/{mentee}/", "people/{mentee}/profile/"])
def test_another_programs_mentee_is_not_found_exactly_like_a_missing_one(
    client, pool, suffix
):
    program, _admin, mentee, _mentors = pool
    outsider = staff(ProgramFactory(), Role.ADMIN)
    client.force_login(outsider)
    theirs = client.get(
        f"/matching/programs/{program.pk}/" + suffix.format(mentee=mentee.pk)
    )
    missing = client.get(
        f"/matching/programs/{program.pk + 999}/" + suffix.format(mentee=mentee.pk)
    )
    assert theirs.status_code == missing.status_code == 404
    assert without_tokens(theirs.content.decode()) == without_tokens(
        missing.content.decode()
    )
    assert mentee.shown_name not in theirs.content.decode()


def test_participants_cannot_open_the_matching_pages(client, pool):
    client.force_login(pool[2])
    response = client.get("/matching/")
    assert response.status_code == 403
    assert "This part of Circles is for program staff." in response.content.decode()


def test_staff_record_a_profile_from_the_page(client, pool):
    program, admin, _mentee, mentors = pool
    client.force_login(admin)
    url = f"/matching/programs/{program.pk}/people/{mentors[0].pk}/profile/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "goals": "Work",
            "interests": "Chess",
            "availability": ["tue_evening", "sat_morning"],
            "county": "Polk County",
            "languages": "English, Spanish",
            "lived_experience": ["reentry"],
        },
    )
    assert response.status_code == 302
    saved = Profile.objects.get(user=mentors[0], program=program)
    assert (saved.availability, saved.lived_experience, saved.updated_by) == (
        ["tue_evening", "sat_morning"],
        ["reentry"],
        admin,
    )
    bad = client.post(url, {"availability": ["someday"]})
    assert bad.status_code == 400
