"""The built-in rules on sentences written for these tests, not taken from the corpus.

Positives say something each category covers in words the corpus does not use; hard
negatives look close but are fine (reentry life, idioms, program-approved things).
"""

from __future__ import annotations

import pytest

from moderation.default_rules import (
    CRISIS_SUPPORT,
    DEFAULT_ALLOWED_CONTACTS,
    DEFAULT_RULES,
)
from moderation.engine import build_ruleset, moderate

RULES = build_ruleset(
    DEFAULT_RULES,
    allowed_contacts=DEFAULT_ALLOWED_CONTACTS,
    crisis_support=CRISIS_SUPPORT,
)

POSITIVES = {
    "contact_info": [
        "what is ur email? I'll send you the flyer",
        "can i have your number so we can talk later",
        "my cell: (641) 555-0177",
        "hit my line 712.555.0144 whenever",
        "send it to tonya.b88@hotmail.com",
        "where do you stay now? which street?",
        "I live at 88 Maple Ave, the green house",
        "my snapchat is jay_hoops21",
        "follow me on tiktok @laneyb.dances",
        "is your home number still the same?",
    ],
    "off_platform": [
        "let's chat on whatsapp instead, this thing is slow",
        "just dm me on insta later",
        "come over to my place saturday, we'll grill",
        "I can give you a ride home after group",
        "don't mention this to your mom ok",
        "delete these messages after you read them",
        "we can talk somewhere the staff can't see",
        "keep this between us please",
        "let's meet up at the park instead of the library session",
        "call me tonight, this app is too slow",
    ],
    "money_gifts": [
        "could you loan me fifty bucks till friday",
        "I'll pay you back when I get my check",
        "zelle me and I'll get the tickets",
        "I bought you a new hoodie, size large right?",
        "can you put twenty on my books this week",
        "let me buy you dinner after the session",
        "you still owe me for the pizza lol",
        "here's a little something for your birthday, a gift card",
    ],
    "intimacy": [
        "you are so beautiful, I mean it",
        "send me a selfie in your pajamas",
        "I've got feelings for you, is that bad?",
        "wanna go on a date with me when I get out?",
        "are you seeing anyone right now?",
        "I keep dreaming about you",
        "what are u wearing rn 😏",
        "nice legs in that picture",
    ],
    "bigotry_harassment": [
        "you're a stupid loser and everyone knows it",
        "mexicans are all criminals",
        "shut up idiot nobody asked you",
        "keep talking and I'll beat your ass",
        "i know where your mom lives",
        "women can't lead anything",
        "that guy is a total retard",
        "go kill yourself",
    ],
    "illegal_activity": [
        "I can hook you up with some percs",
        "anyone know a plug that sells xanax",
        "my cousin's synthetic pee kit works for the UA",
        "gonna cut my ankle monitor off tonight",
        "don't tell your PO you were out past curfew",
        "just use your brother's social on the form",
        "he's selling a strap, no serial, $300",
        # A phrase ending in a price: the price part is never the automaton's anchor.
        "i can get you a gun for $300",
        "we could make easy money boosting from the mall",
    ],
    "crisis": [
        "I want to end my life",
        "honestly I wish I was dead",
        "everyone would be better off without me around",
        "I've been hurting myself again",
        "he beats me when he's drunk",
        "I've been sleeping in my car for a week",
        "I took a whole bottle of pills",
        "there's no reason to live anymore",
        "my stepdad said he'll hurt me if I tell",
        "I keep thinking about jumping off the bridge",
    ],
}

NEGATIVES = [
    # reentry life
    "My PO approved my job at the warehouse",
    "Probation check-in went fine today",
    "Drug court says I move to phase 2 next month",
    "UA was clean again, 9 months now",
    "I did 3 years in county jail and 5 in state",
    "Treatment group on Thursdays helps a lot",
    "Time served counted toward my sentence",
    # idioms and Scunthorpe-type words
    "That test killed me lol",
    "I'm dying to see the new movie",
    "My feet are killing me after that shift",
    "I would kill for some sleep",
    "The class on assessment was long",
    "We visited Essex and Scunthorpe on the trip",
    "That interview was murder",
    # numbers that are not contact details
    "I paid $515 for the car repair",
    "My case number is 2024-CR-1234",
    "Meet at room 204 at 3:30",
    "Call 988 if it ever gets that bad",
    "The office number is 515-555-0100",
    # money, gifts and meetings the program runs
    "The program covers the bus pass",
    "The coordinator approved our group outing to the museum",
    "My mom bought me new shoes for school",
    "I can't accept gifts, program rule, but thank you",
    # talk about apps, bodies, crime, feelings without a problem
    "I use WhatsApp to talk to my family back home",
    "I got my first gym membership, working on my body",
    "I used to sell drugs, now I coach kids",
    "I was in a dark place last year but I'm good now",
    "Love you guys, this circle means a lot",
    "My mentor is gay and he is awesome",
    "A guy called me a slur and I walked away",
]


@pytest.mark.parametrize(
    ("category", "text"),
    [(category, text) for category, texts in POSITIVES.items() for text in texts],
)
def test_positive_is_flagged_for_its_category(category, text):
    assert category in moderate(text, rules=RULES).categories


@pytest.mark.parametrize("text", NEGATIVES)
def test_hard_negative_is_not_flagged(text):
    assert moderate(text, rules=RULES).categories == ()
