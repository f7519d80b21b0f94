# ruff: noqa: RUF001  (look-alike and fullwidth characters are the point here)
"""The pure moderation engine: sanitizing, normalised views, evasions, offsets."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.default_rules import (
    CRISIS_SUPPORT,
    DEFAULT_ALLOWED_CONTACTS,
    DEFAULT_RULES,
)
from moderation.engine import (
    BodyTooLong,
    EmptyBody,
    RuleSpec,
    RuleSyntaxError,
    build_ruleset,
    compile_pattern,
    fold_text,
    folded,
    moderate,
    sanitize,
    sanitize_with_offsets,
    skeleton_of,
)

RULES = build_ruleset(
    DEFAULT_RULES,
    allowed_contacts=DEFAULT_ALLOWED_CONTACTS,
    crisis_support=CRISIS_SUPPORT,
)
SMALL = build_ruleset(
    [
        RuleSpec("t.kill", "crisis", "kill myself", 3),
        RuleSpec("t.app", "off_platform", "(whatsapp|telegram) me"),
        RuleSpec("t.word", "bigotry_harassment", "cunt", 3),
        RuleSpec("t.gap", "intimacy", "send ~2 (pic|pics)", 3),
    ],
    allowed_contacts=["515-555-0100", "office@circles-program.org", "988"],
)


def categories(text: str, rules=RULES) -> set[str]:
    return set(moderate(text, rules=rules).categories)


# --- sanitize -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    ["<3", "a < b", '<img src=x onerror="alert(1)">', "5 > 3 && 2 < 4", "&amp; stays"],
)
def test_markup_survives_sanitizing_verbatim(body):
    assert sanitize(body) == body


def test_sanitize_removes_control_characters_and_keeps_tabs_and_newlines():
    assert sanitize("a\x00b\x07c\td\ne\x1b[31m") == "abc\td\ne[31m"


def test_sanitize_normalises_line_breaks():
    assert sanitize("one\r\ntwo\rthree\u2028four") == "one\ntwo\nthree\nfour"


def test_sanitize_strips_outer_whitespace_only():
    assert sanitize("  hi   there \n") == "hi   there"


def test_sanitize_removes_bidi_overrides_but_keeps_emoji_joiners():
    assert sanitize("abc\u202edef") == "abcdef"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert sanitize(family) == family


@pytest.mark.parametrize("body", ["", "   ", "\x00\x01", "\r\n\t "])
def test_empty_bodies_are_rejected(body):
    with pytest.raises(EmptyBody):
        sanitize(body)


def test_too_long_body_reports_length_and_limit():
    with pytest.raises(BodyTooLong) as caught:
        sanitize("x" * 4001)
    assert (caught.value.length, caught.value.limit) == (4001, 4000)
    assert sanitize("x" * 4000) == "x" * 4000


def test_sanitize_with_offsets_maps_back_to_the_input():
    raw = "  a\r\nb\x00c "
    clean, index = sanitize_with_offsets(raw)
    assert clean == "a\nb" + "c"
    assert [raw[i] for i in index] == ["a", "\r", "b", "c"]


# --- verdicts -------------------------------------------------------------------------


def test_verdict_fields_for_held_contact_details():
    verdict = moderate("text me at 515-555-0192", rules=RULES)
    assert verdict.action == "hold"
    assert verdict.status == "held"
    assert verdict.delivers is False
    assert verdict.blocks is False
    assert "contact_info" in verdict.categories
    assert verdict.reason.startswith("Held for a monitor to review:")
    assert "contact details" in verdict.reason
    phone = next(hit for hit in verdict.hits if hit.rule == "contact.phone")
    assert verdict.text[phone.start : phone.end] == "515-555-0192"


def test_crisis_is_delivered_with_an_urgent_flag_and_support():
    verdict = moderate("i dont wanna wake up tomorrow", rules=RULES)
    assert (verdict.action, verdict.status, verdict.urgent) == ("flag", "flagged", True)
    assert verdict.support == CRISIS_SUPPORT
    assert verdict.reason == ""


def test_clean_message_is_delivered():
    verdict = moderate("See you Tuesday!", rules=RULES)
    assert (verdict.action, verdict.status, verdict.hits, verdict.support) == (
        "allow",
        "delivered",
        (),
        None,
    )


def test_block_rule_blocks_and_names_the_rule():
    rules = build_ruleset(
        [RuleSpec("x.block", "bigotry_harassment", "bad phrase", 3, "block", "No")]
    )
    verdict = moderate("what a bad phrase", rules=rules)
    assert verdict.blocks is True
    assert verdict.status is None
    assert "rule: No" in verdict.reason


def test_strictest_action_wins():
    verdict = moderate("I want to kill myself, whatsapp me", rules=SMALL)
    assert verdict.action == "flag"
    assert verdict.urgent is True
    verdict = moderate("whatsapp me 515 555 0192", rules=SMALL)
    assert verdict.action == "hold"


# --- evasions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "my cell is 515-555-0192",
        "my cell is ５１５-５５５-０１９２",  # fullwidth digits
        "call 𝟓𝟏𝟓 𝟓𝟓𝟓 𝟎𝟏𝟗𝟐",  # mathematical bold digits
        "5️⃣1️⃣5️⃣5️⃣5️⃣5️⃣0️⃣1️⃣9️⃣2️⃣ that's me",  # keycaps
        "my number 515\u200b555\u200b0192",  # zero-width spaces
        "reach me: five one five, five five five, oh one nine two",
        "5 1 5 - 5 5 5 - 0 1 9 2",
        "it's 5.1.5.5.5.5.0.1.9.2",
        "digits are 5l5 555 O1O9",  # letters for digits
        "319-555-01 forty four",
        "jdoe@gmail.com",
        "j dot doe at gmail dot com",
        "jdoe (at) yahoo [dot] com",
        "mail me: jdoe @ outlook . com",
        "marcus@gmаil.com",  # Cyrillic a
        "add me on snap: ky_lo_99",
        "my 1nst4 is k3ish4_m0v3s",
        "Τеlеgrаm: @k_moore_515",  # Greek/Cyrillic look-alikes
        "I'm at 1418 W Locust St apt 3",
        "whats ur number?",
        "can I get your address",
    ],
)
def test_contact_details_are_caught_however_written(text):
    assert "contact_info" in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "office line is 515-555-0100",
        "call the office at (515) 555-0100",
        "email office@circles-program.org to reschedule",
        "call or text 988 anytime",
        "Saving up, got $515 so far",
        "my case number is 2025-CR-0415",
        "Docket 2023-CR-004518 got continued",
        "my DOC number for the Medicaid form is 6029118",
        "order #4471-2290 shipped",
        "Bus 7:05 then 7:35, room 1204 at 10:15",
        "My zip is 50314",
        "Class is in room 118, 5:30 to 7:00",
        "Mon 9-5, Tue 9-5, Thu 12-8",
        "I'm on snapchat way too much",
        "The job center is at 215 Keo Way, suite 100",
    ],
)
def test_numbers_and_program_contacts_are_not_personal_contacts(text):
    assert "contact_info" not in categories(text)


def test_allowed_number_and_a_personal_number_still_fires():
    verdict = moderate("Office is 515-555-0100, my cell is 515-555-0192", rules=RULES)
    phones = [
        verdict.text[h.start : h.end] for h in verdict.hits if h.rule == "contact.phone"
    ]
    assert phones == ["515-555-0192"]


def test_number_split_across_messages_is_caught_in_the_current_text():
    verdict = moderate("0192", rules=RULES, previous=["hey", "call me 515", "555"])
    hit = next(h for h in verdict.hits if h.rule == "contact.phone")
    assert verdict.text[hit.start : hit.end] == "0192"
    assert "contact_info" not in categories("0192")


def test_split_number_needs_an_unbroken_chain():
    verdict = moderate("0192", rules=RULES, previous=["515 555", "how are you"])
    assert "contact_info" not in verdict.categories


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("W.h.a.t.s.A.p.p me later", "off_platform"),
        ("wh4tsapp me", "off_platform"),
        ("move this to te\u200blegram?", "off_platform"),
        ("k1ll yourself", "bigotry_harassment"),
        ("my coworker is such a f****t", "bigotry_harassment"),
        ("been thinking about s*icide", "crisis"),
        ("s3nd n00dz", "intimacy"),
        ("c@sh @pp me $40", "money_gifts"),
        ("you're so hot 😏", "intimacy"),
    ],
)
def test_leetspeak_masks_and_spelled_out_words_are_caught(text, category):
    assert category in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "my uncle supports Scunthorpe United",
        "Had a skills assessment at work",
        "I could kill for a coffee right now",
        "this algebra homework is killing me lol",
        "im dying to see the results",
        "ugh i don't want to be here anymore, this DMV line is 2 hours",
        "that chem test was murder",
        "We read Dickens in class",
        "cocktail party effect in psych class",
        "My PO did a home visit today, all good",
        "Drug court went good, phase 3 next month",
        "Passed my UA again, 7 months clean",
        "Did 6 years in state prison, time served",
        "Relapse prevention group moved to Wednesday",
        "I'm nervous about my UA Monday even though I'm clean",
        "Judge gave me 2 years probation instead of jail",
    ],
)
def test_innocent_words_idioms_and_reentry_life_do_not_fire(text):
    assert categories(text) == set()


# --- views and patterns ---------------------------------------------------------------


def test_folding_maps_look_alikes_width_and_invisibles():
    assert fold_text("Τеlеgrаm") == "telegram"
    assert fold_text("ＷｈａｔｓＡｐｐ") == "whatsapp"
    assert fold_text("wh\u200bat\u200dsapp") == "whatsapp"
    assert fold_text("Café") == "cafe"


def test_pattern_syntax_errors_say_what_is_wrong():
    with pytest.raises(RuleSyntaxError, match="not closed"):
        compile_pattern("(a|b")
    with pytest.raises(RuleSyntaxError, match="start with a number"):
        compile_pattern("# bucks")
    with pytest.raises(RuleSyntaxError, match="at most"):
        compile_pattern("a ~20 b")


def test_gap_phrases_match_within_the_gap_only():
    assert categories("send me a pic", SMALL) == {"intimacy"}
    assert categories("send it to me and the others pic", SMALL) == set()


def test_circle_topics_are_flagged_as_circle_topic():
    rules = RULES.with_terms(["my ex", "family court"])
    verdict = moderate("saw my ex at family court today", rules=rules)
    assert "circle_topic" in verdict.categories
    assert verdict.action == "flag"
    assert "circle_topic" not in categories("saw my ex at family court today")


def test_every_default_rule_compiles_and_has_a_known_category():
    for rule in DEFAULT_RULES:
        assert compile_pattern(rule.pattern)
        assert rule.category in {
            "contact_info",
            "off_platform",
            "money_gifts",
            "intimacy",
            "bigotry_harassment",
            "illegal_activity",
            "crisis",
        }


# --- properties -----------------------------------------------------------------------

ZERO_WIDTH = st.sampled_from(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])
LOOKALIKES = {"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "i": "і"}
FULLWIDTH = {str(d): chr(0xFF10 + d) for d in range(10)}
PLAIN_HITS = [
    "I want to kill myself",
    "whatsapp me tonight",
    "send me a pic",
    "you are a cunt",
    "my cell is 515 555 0192",
]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_normalising_twice_changes_nothing(text):
    once = fold_text(text)
    assert fold_text(once) == once
    assert skeleton_of(skeleton_of(text)) == skeleton_of(text)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_every_offset_maps_back_into_the_original(text):
    view = folded(text)
    if view.starts is not None and view.ends is not None:
        assert len(view.starts) == len(view.text)
        assert all(
            0 <= s < e <= len(text) for s, e in zip(view.starts, view.ends, strict=True)
        )
    try:
        verdict = moderate(text, rules=RULES)
    except (EmptyBody, BodyTooLong):
        return
    for hit in verdict.hits:
        assert 0 <= hit.start < hit.end <= len(verdict.text)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(PLAIN_HITS), st.data())
def test_zero_width_characters_never_hide_a_match(text, data):
    expected = categories(text, SMALL)
    positions = data.draw(st.lists(st.integers(0, len(text)), max_size=4))
    spliced = text
    for position in sorted(positions, reverse=True):
        spliced = spliced[:position] + data.draw(ZERO_WIDTH) + spliced[position:]
    assert categories(spliced, SMALL) >= expected


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(PLAIN_HITS), st.data())
def test_look_alike_letters_never_hide_a_match(text, data):
    expected = categories(text, SMALL)
    swaps = data.draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    swapped = "".join(
        LOOKALIKES.get(c, c) if swap else c for c, swap in zip(text, swaps, strict=True)
    )
    assert categories(swapped, SMALL) >= expected


@settings(max_examples=100, deadline=None)
@given(st.from_regex(r"[2-9][0-9]{2}[ -]?[0-9]{3}[ -]?[0-9]{4}", fullmatch=True))
def test_fullwidth_digits_never_hide_a_phone_number(number):
    if number.replace(" ", "").replace("-", "")[:10] == "5155550100":
        return
    plain = categories(f"my cell is {number}")
    wide = categories("my cell is " + "".join(FULLWIDTH.get(c, c) for c in number))
    assert "contact_info" in plain
    assert wide == plain


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789０１２３４５６７８９", max_size=30))
def test_fullwidth_digits_fold_to_ascii(text):
    assert fold_text(text) == "".join(
        chr(ord(c) - 0xFF10 + 48) if "０" <= c <= "９" else c for c in text
    )
