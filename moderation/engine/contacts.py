"""Contact-info detectors: phone numbers, emails, street addresses, handles, links.

Each detector reads the folded view (look-alikes and invisibles already undone) or the
digits view, and returns hits as offsets into the original text. Values on the
allow-list (the program office, crisis lines) are exempt one by one, so a message that
gives the office line and a personal cell still fires on the cell. Requests for contact
details ("what's your number") are code-of-conduct rules, not detectors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .normalize import (
    Edit,
    Edited,
    Spans,
    View,
    digit_spans,
    digits_view,
    folded,
    rewrite,
)

PHONE = "contact.phone"
EMAIL = "contact.email"
ADDRESS = "contact.address"
HANDLE = "contact.handle"
LINK = "contact.link"


@dataclass(frozen=True, slots=True)
class Found:
    rule: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class AllowList:
    """Normalised allowed contacts: phone digits, emails, email domains, addresses."""

    phones: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()
    addresses: tuple[str, ...] = ()
    handles: frozenset[str] = frozenset()

    @classmethod
    def of(cls, values: Iterable[str]) -> AllowList:
        phones: set[str] = set()
        emails: set[str] = set()
        domains: set[str] = set()
        addresses: list[str] = []
        handles: set[str] = set()
        for raw in values:
            value = folded(raw.strip()).text
            if not value:
                continue
            if value.startswith("@") and "." in value:
                domains.add(value[1:])
            elif "@" in value:
                emails.add(value)
            elif value.startswith(("@", "$")):
                handles.add(value[1:])
            elif sum(c.isdigit() for c in value) >= 3 and not re.search(
                r"[a-z]{3,}", value
            ):
                phones.add(normal_phone(value))
            else:
                addresses.append(_address_key(value))
        return cls(
            frozenset(phones),
            frozenset(emails),
            frozenset(domains),
            tuple(addresses),
            frozenset(handles),
        )


def normal_phone(value: str) -> str:
    digits = value if value.isdecimal() else "".join(c for c in value if c.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits


def _address_key(value: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", value).split())


# --- phones ---------------------------------------------------------------------------

_ANY_DIGIT = re.compile(r"\d")
_DIGIT_NAMES = (
    "zero",
    "oh",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
)
# A digit's name as a whole word. Each look-behind follows the first letter it
# checks, so the search can skip to the letters a name begins with (a leading "\b"
# makes it try every position).
_NUMBER_WORD = re.compile(
    "(?:" + "|".join(rf"{n[0]}(?<!\w{n[0]}){n[1:]}" for n in _DIGIT_NAMES) + r")\b"
)
# Seven digits or more, at most three separators apart. Shorter runs (times, prices,
# room numbers) are never phones: the regex passes over them, not a Python loop.
_DIGIT_RUN = re.compile(
    r"(?=[+\d])\+?\d(?:[ \t.\-\u2010-\u2015()\[\],_*/\\]{0,3}\d){6,}"
)
# A run's characters other than its digits: deleting them is faster than a loop.
_NOT_IN_NUMBER = str.maketrans(
    "", "", " \t.-\u2010\u2011\u2012\u2013\u2014\u2015()[],_*/\\+"
)
_DATE = re.compile(r"\d/\d")
_SEVEN_DIGITS = re.compile(r"\d{3}[\s.\-]\d{4}")
# Seven digits, at most four other characters apart (only whether there are any).
# Possessive: giving back a non-digit never lets a digit follow.
_HAS_SEVEN_DIGITS = re.compile(r"\d(?:\D{0,4}+\d){6}")
_ASCII_DIGITS = b"0123456789"
_PHONE_WORDS = re.compile(
    r"\b(?:call|text|txt|cell|phone|number|numbr|num|digits|reach|hmu|hit me|"
    r"contact|whatsapp|signal|telegram|line|mobile|landline|fone|#)\b"
)
# Numbers that are ids, not phones: DOC/inmate numbers given for paperwork, cases,
# orders, accounts. Checked in the few words before the digits.
_ID_WORDS = re.compile(
    r"(?<!in )\b(?:case|docket|order|doc|idoc|inmate|offender|prisoner|booking|"
    r"account|acct|"
    r"routing|confirmation|conf|tracking|ticket|claim|permit|policy|member|reference|"
    r"ref|serial|badge|invoice|receipt|ssn|pin|citation|voucher|model|sku|isbn|vin|"
    r"license|licence|plate|registration|medicaid|medicare|ebt|client|patient|"
    r"student|employee|id|transaction|visitor|dob|fecr|cr)\b|#"
)


def find_phones(digits: Spans, allow: AllowList, *, context: str) -> list[Found]:
    """Phone-like digit runs however they are split; `context` is the folded text."""
    text = digits.text
    found: list[Found] = []
    for match in _DIGIT_RUN.finditer(text):
        run = match.group()
        number = run.translate(_NOT_IN_NUMBER)
        count = len(number)
        start, end = match.start(), match.end()
        before = text[max(0, start - 2) : start]
        if before.endswith(("$", "#")) or text[end : end + 1] in ("%", "k"):
            continue  # money, an order or a percentage
        if ":" in text[max(0, start - 1) : start] or ("/" in run and _DATE.search(run)):
            continue  # a time or a date
        if not _looks_like_phone(number, run):
            continue
        window = text[max(0, start - 40) : start]
        if (
            count < 10
            and not _PHONE_WORDS.search(window)
            and not _SEVEN_DIGITS.fullmatch(run)
        ):
            continue  # seven bare digits: a phone only if it is talked about as one
        if _is_an_id(window):
            continue
        if normal_phone(number) in allow.phones:
            continue
        first, last = digits.span(start, end)
        found.append(Found(PHONE, first, last))
    return found


def _looks_like_phone(number: str, run: str) -> bool:
    count = len(number)
    if count == 7:
        return True
    if count == 10:
        return number[0] not in "01"  # area codes do not start with 0 or 1
    if count == 11:
        return number[0] == "1" and number[1] not in "01"
    # Longer: an international number written with "+", or two numbers.
    return run.startswith("+") and 11 <= count <= 15


def _is_an_id(window: str) -> bool:
    """An id word in the last few words before the digits ("DOC number is ...")."""
    words = window.split()[-6:]
    tail = " ".join(words)
    return _ID_WORDS.search(tail) is not None


def find_phones_lib(digits: Spans, allow: AllowList) -> list[Found]:
    """phonenumbers' lenient matcher, for international formats the runs miss."""
    import phonenumbers  # imported on first use: it is slow to load

    found: list[Found] = []
    text = digits.text
    matcher = phonenumbers.PhoneNumberMatcher(
        text, "US", leniency=phonenumbers.Leniency.POSSIBLE
    )
    for match in matcher:
        number = match.number
        national = str(number.national_number)
        if number.country_code == 1 and len(national) != 10:
            continue  # local US numbers are handled (with context) by find_phones
        if len(national) < 7:
            continue
        start, end = match.start, match.end
        window = text[max(0, start - 40) : start]
        if text[max(0, start - 1) : start] in ("$", "#") or _is_an_id(window):
            continue
        if normal_phone(national) in allow.phones:
            continue
        if number.country_code == 1 and normal_phone(match.raw_string) in allow.phones:
            continue
        first, last = digits.span(start, end)
        found.append(Found(PHONE, first, last))
    return found


# --- emails and links -----------------------------------------------------------------

# Each pattern below begins with a look-ahead for the characters a match can begin
# with: the same matches, found without trying every alternative at every position.
_EMAIL_HINT = re.compile(
    r"(?=[@(\[{<asd])(?:@|[\(\[\{<]\s*at\s*[\)\]\}>]|\bat\b|\bslash\b|\bdot\b)"
)
_DOMAIN_HINT = re.compile(
    r"(?=[gyhopiamld.(\[{<s/])"
    r"(?:gmail|g mail|yahoo|hotmail|outlook|proton|icloud|aol|msn|\blive\b|ymail|gmx|"
    r"\.\s*(?:com|net|org|edu|gov|me|io|us|co)\b|\bdot\b|[\(\[\{<]\s*dot\s*[\)\]\}>]|"
    r"\bslash\b|/)"
)
# The spellings email_view closes up. At every space the search tries each in turn,
# and most texts hold no "(", "/" or "slash": a text's regex has only the spellings
# it may hold (see _spellings_in), which gives the same matches.
_EMAIL_SPELLINGS = (
    r"\s*[\(\[\{<]\s*at\s*[\)\]\}>]\s*",
    r"\s*[\(\[\{<]\s*dot\s*[\)\]\}>]\s*",
    r"\s+at\s+",
    r"\s+dot\s+",
    r"\s+slash\s+",
    r"\s*/\s*",
    r"\s*@\s*",
    r"\s+\.\s*",
    r"\s*\.\s+(?=(?:com|net|org|edu|gov|me|io|us|co)\b)",
    r"(?<=\bg) (?=mail\b)",
    r"(?<=\bpay) (?=pal\b)",
    r"(?<=\bcash) (?=app\b)",
)


def _spellings_in(text: str) -> tuple[bool, ...]:
    """For each of _EMAIL_SPELLINGS, whether `text` has what it needs to be there."""
    at = "at" in text
    dot = "dot" in text
    period = "." in text
    brackets = ("(" in text or "[" in text or "{" in text or "<" in text) and (
        ")" in text or "]" in text or "}" in text or ">" in text
    )
    return (
        brackets and at,
        brackets and dot,
        at,
        dot,
        "slash" in text,
        "/" in text,
        "@" in text,
        period,
        period,
        "g mail" in text,
        "pay pal" in text,
        "cash app" in text,
    )


@lru_cache(maxsize=256)
def _spellings_regex(present: tuple[bool, ...]) -> re.Pattern[str]:
    spellings = (s for s, keep in zip(_EMAIL_SPELLINGS, present, strict=True) if keep)
    return re.compile(rf"(?=[\s(\[{{</@.])(?:{'|'.join(spellings)})")


_PROVIDERS = frozenset(
    {
        "gmail",
        "yahoo",
        "hotmail",
        "outlook",
        "proton",
        "protonmail",
        "icloud",
        "aol",
        "msn",
        "live",
        "ymail",
        "gmx",
        "zoho",
        "yandex",
        "mail",
    }
)
_EMAIL = re.compile(
    r"(?<![a-z0-9._%+\-])[a-z0-9][a-z0-9._%+\-]*@(?P<domain>[a-z0-9\-]+(?:\.[a-z0-9\-]+)*)"
)
_SOCIAL_DOMAINS = (
    r"paypal\.me|venmo\.com|cash\.app|instagram\.com|instagr\.am|facebook\.com|fb\.com|"
    r"fb\.me|m\.me|snapchat\.com|tiktok\.com|t\.me|telegram\.me|wa\.me|whatsapp\.com|"
    r"discord\.gg|discord\.com|twitter\.com|x\.com|linktr\.ee|kik\.me|onlyfans\.com|"
    r"signal\.me|threads\.net|youtube\.com|twitch\.tv|reddit\.com"
)
_SOCIAL_LINK = re.compile(rf"\b(?:{_SOCIAL_DOMAINS})/\S+")


def email_view(base: View) -> View | None:
    """`base` with "at"/"(at)"/"dot"/"slash" spellings and spaced "@"/"." closed up."""
    edits = email_edits(base.text)
    if edits is None:
        return None
    return rewrite(base, edits) if edits else base


def email_edits(text: str) -> list[Edit] | None:
    """The edits email_view makes, or None when `text` has no spelled-out email."""
    if not _EMAIL_HINT.search(text) or not _DOMAIN_HINT.search(text):
        return None
    present = _spellings_in(text)
    if not any(present):
        return []
    edits = []
    for match in _spellings_regex(present).finditer(text):
        token = match.group()
        stripped = token.strip(" \t\n()[]{}<>")
        if stripped in ("at", "@"):
            replacement = "@"
        elif stripped in ("dot", "."):
            replacement = "."
        elif stripped in ("slash", "/"):
            replacement = "/"
        else:
            replacement = ""
        edits.append((match.start(), match.end(), replacement))
    return edits


_LOCAL_PART = re.compile(r"[a-z0-9][a-z0-9._%+\-]*$")
_LOCAL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._%+-")
_DOMAIN = re.compile(r"[a-z0-9\-]+(?:\.[a-z0-9\-]+)*")
_COMMON_TLDS = frozenset(
    [
        "com",
        "net",
        "org",
        "edu",
        "gov",
        "mil",
        "me",
        "io",
        "us",
        "co",
        "info",
        "biz",
        "app",
        "dev",
        "xyz",
        "online",
        "site",
        "email",
        "ca",
        "uk",
        "mx",
        "de",
        "fr",
        "es",
        "it",
        "nl",
        "tv",
        "ly",
        "gg",
        "ai",
    ]
)


def find_emails(view: Spans, allow: AllowList, *, spelled: bool) -> list[Found]:
    """Emails in `view`; a spelled-out one ("at gmail dot com") needs a known ending."""
    text = view.text
    found: list[Found] = []
    at = text.find("@")
    while at >= 0:
        local_start = at
        while local_start > 0 and text[local_start - 1] in _LOCAL_CHARS:
            local_start -= 1
        local = _LOCAL_PART.search(text, local_start, at) if local_start < at else None
        domain_match = _DOMAIN.match(text, at + 1)
        at_next = text.find("@", at + 1)
        if local is not None and domain_match is not None:
            domain = domain_match.group().strip(".-")
            tld = domain.rsplit(".", 1)[-1] if "." in domain else ""
            base = domain.split(".", 1)[0]
            known = tld in _COMMON_TLDS or (not tld and base in _PROVIDERS)
            plausible = known or (not spelled and len(tld) >= 2 and tld.isalpha())
            if base in _PROVIDERS and tld and not known:
                plausible = True  # "gmail.cm": a typo is still an address
            address = f"{local.group()}@{domain}"
            if (
                plausible
                and address not in allow.emails
                and domain not in allow.domains
            ):
                first, last = view.span(local.start(), at + 1 + len(domain))
                found.append(Found(EMAIL, first, last))
        at = at_next
    for match in _SOCIAL_LINK.finditer(text) if "/" in text else ():
        first, last = view.span(match.start(), match.end())
        found.append(Found(LINK, first, last))
    return found


# --- street addresses -----------------------------------------------------------------

_STREET_TYPES = (
    r"st|street|str|ave|av|avenue|rd|road|dr|drive|ct|court|ln|lane|blvd|boulevard|"
    r"way|pl|place|cir|circle|ter|terrace|pkwy|parkway|hwy|highway|trl|trail|sq|"
    r"square|aly|alley|crt|cres|crescent|plz|plaza|calle|avenida"
)
_ADDRESS = re.compile(
    # "\d(?<!\w\d)" is "\b\d" written so that the search can skip to the digits.
    r"(?P<number>\d(?<!\w\d)\d{0,5}[a-z]?)\s+"
    r"(?P<name>(?:(?:n|s|e|w|ne|nw|se|sw|north|south|east|west)\.?\s+)?"
    r"(?:[a-z0-9'\-]+\.?\s+){1,3}?)"
    rf"(?P<type>{_STREET_TYPES})\b\.?"
)
_ADDRESS_HINT = re.compile(rf"\d\s+\S.*\b(?:{_STREET_TYPES})\b")
# Words that are not part of a street name: "the 42 bus down main st".
_NOT_STREET_NAME = frozenset(
    [
        "a",
        "an",
        "the",
        "to",
        "at",
        "in",
        "on",
        "of",
        "for",
        "from",
        "and",
        "or",
        "but",
        "by",
        "bus",
        "buses",
        "route",
        "train",
        "mile",
        "miles",
        "minute",
        "minutes",
        "min",
        "mins",
        "hour",
        "hours",
        "hr",
        "hrs",
        "block",
        "blocks",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "time",
        "times",
        "people",
        "guys",
        "of",
        "my",
        "your",
        "his",
        "her",
        "our",
        "their",
        "more",
        "less",
        "over",
        "under",
        "down",
        "up",
        "off",
        "past",
        "until",
        "till",
        "next",
        "last",
        "first",
        "second",
        "third",
        "am",
        "pm",
        "dollars",
        "bucks",
        "percent",
        "points",
        "page",
        "pages",
        "chapter",
        "floor",
        "room",
        "lap",
        "laps",
        "steps",
        "step",
        "exit",
    ]
)
_PUBLIC_PLACES = re.compile(
    r"\b(?:office|center|centre|clinic|library|church|courthouse|court house|"
    r"pantry|shelter|agency|college|school|university|hospital|store|restaurant|"
    r"job center|dmv|department|dept|building|facility|station|program|"
    r"headquarters|hq|ymca|ywca|museum|park|mall|gym|rec|cafe|shop|market|bank|"
    r"credit union|probation|parole|police|jail|prison|precinct|city hall|"
    r"workforce|services|service|annex|site|campus|salvation army|goodwill)\b"
)
_BUSINESS_UNIT = re.compile(r"^\W{0,3}\s*(?:suite|ste|floor|fl|bldg|building)\b")


def find_addresses(view: View, allow: AllowList) -> list[Found]:
    text = view.text
    found: list[Found] = []
    for match in _ADDRESS.finditer(text):
        words = match.group("name").replace(".", " ").split()
        if not words or any(word in _NOT_STREET_NAME for word in words):
            continue
        number = match.group("number")
        if len(number) == 1 and match.group("type") in ("way", "st", "pl", "place"):
            continue  # "2 way street", "1 st place"
        after = text[match.end() : match.end() + 20]
        if _BUSINESS_UNIT.search(after):
            continue
        before = text[max(0, match.start() - 60) : match.start()]
        if _PUBLIC_PLACES.search(before) and not re.search(
            r"\b(?:my|our|i live|i'm at|im at|i am at|home|house|apartment|apt|"
            r"place)\b",
            before,
        ):
            continue
        key = _address_key(match.group())
        if any(
            key.startswith(allowed) or allowed.startswith(key)
            for allowed in allow.addresses
        ):
            continue
        first, last = view.span(match.start(), match.end())
        found.append(Found(ADDRESS, first, last))
    return found


# --- handles --------------------------------------------------------------------------

_LEET_CLASS = {
    "a": "[a4@]",
    "e": "[e3]",
    "i": "[i1!|l]",
    "l": "[l1i|]",
    "o": "[o0]",
    "s": "[s5$]",
    "t": "[t7+]",
    "g": "[g9]",
    "b": "[b8]",
}
_APPS = (
    "snapchat",
    "snap",
    "sc",
    "insta",
    "instagram",
    "ig",
    "gram",
    "tiktok",
    "tik tok",
    "tt",
    "telegram",
    "tg",
    "whatsapp",
    "whats app",
    "wa",
    "signal",
    "kik",
    "discord",
    "facebook",
    "fb",
    "messenger",
    "twitter",
    "threads",
    "wechat",
    "line id",
    "viber",
    "skype",
    "imessage",
    "facetime",
    "google voice",
    "gv",
    "venmo",
    "cashapp",
    "cash app",
    "paypal",
    "pay pal",
    "zelle",
    "chime",
    "xbox",
    "psn",
    "gamertag",
    "steam",
    "roblox",
    "twitch",
    "youtube",
    "yt",
    "reddit",
    "bereal",
    "grindr",
    "tinder",
    "hinge",
    "bumble",
    "handle",
    "username",
    "user name",
    "screen name",
)


def _leet_pattern(word: str) -> str:
    return "".join(
        r"\s?" if c == " " else _LEET_CLASS.get(c, re.escape(c)) for c in word
    )


def _apps_pattern(apps: Iterable[str]) -> str:
    """The alternation of `apps` in their order, grouped by first letter.

    The regex engine tries every alternative at every word; grouped, it tries each
    first letter once, and only that letter's apps after it (the same matches, about
    twice as fast). Apps whose first letters' classes overlap ("i" reads "l" and the
    other way round) share a group, so the one listed first still wins.
    """
    groups: dict[str, list[str]] = {}
    for app in apps:
        first = "il" if app[0] in "il" else _leet_pattern(app[0])
        groups.setdefault(first, []).append(app)
    alternatives: list[str] = []
    for first, members in groups.items():
        if first == "il":
            alternatives.extend(_leet_pattern(app) for app in members)
        else:
            rests = "|".join(_leet_pattern(app[1:]) for app in members)
            alternatives.append(f"{first}(?:{rests})")
    return "|".join(alternatives)


# Longest first, so "snapchat" wins over "snap".
_APP_PATTERN = _apps_pattern(sorted(_APPS, key=len, reverse=True))
_APP_NAME = re.compile(rf"(?<![a-z0-9])(?:{_APP_PATTERN})(?![a-z0-9])")
# What follows an app name: a separator, then the handle. Possessive quantifiers keep
# the match linear (nested repeats backtrack badly otherwise).
_AFTER_APP = re.compile(
    r"(?P<sep>(?:\s*+(?:handle|username|user name|name|id|tag|account|acct|is|=|:|-|"
    r"as|@|on|it's|its|dollar sign|\$)\s*+){1,4}+)"
    r"(?P<handle>[a-z0-9](?:[ .\-_]{1,3}+[a-z0-9]){2,}+(?![a-z0-9_.\-])"
    r"|@?[a-z0-9][a-z0-9_.\-]{1,29}+)"
)
# The look-behinds follow the "@"/"$" they check: the search then skips to it.
_AT_HANDLE = re.compile(r"@(?<![\w@.]@)(?P<handle>[a-z0-9_][a-z0-9_.\-]{2,29})")
_CASHTAG = re.compile(r"\$(?<![\w$]\$)(?P<handle>[a-z][a-z0-9_\-]{2,19})\b")
_SOCIAL_CONTEXT = re.compile(
    rf"(?<![a-z0-9])(?:{_APP_PATTERN}|follow|add me|dm|my @|handle)(?![a-z0-9])"
)
# A digit, "_" or "." makes a handle look like one ("kay.rose07"). Handles are ASCII.
_STRONG = frozenset("0123456789_.")
_NOT_HANDLES = frozenset(
    [
        "the",
        "a",
        "an",
        "my",
        "your",
        "is",
        "it",
        "its",
        "me",
        "you",
        "him",
        "her",
        "them",
        "us",
        "this",
        "that",
        "same",
        "here",
        "there",
        "too",
        "so",
        "way",
        "how",
        "why",
        "what",
        "when",
        "where",
        "who",
        "on",
        "in",
        "at",
        "to",
        "and",
        "or",
        "but",
        "not",
        "no",
        "yes",
        "broken",
        "down",
        "private",
        "public",
        "dead",
        "slow",
        "fine",
        "ok",
        "okay",
        "app",
        "account",
        "group",
        "chat",
        "story",
        "stories",
        "page",
        "feed",
        "post",
        "posts",
        "pic",
        "pics",
        "dm",
        "dms",
        "live",
        "name",
        "username",
        "handle",
        "real",
        "new",
        "old",
        "main",
        "personal",
        "work",
        "business",
        "only",
        "just",
        "also",
        "still",
        "now",
        "later",
    ]
)


def find_handles(
    view: View,
    allow: AllowList,
    *,
    apps: bool = True,
    words: frozenset[str] = frozenset(),
) -> list[Found]:
    text = view.text
    found: list[Found] = []
    has_at = "@" in text
    if has_at or "$" in text:
        social = (
            apps
            or not _SOCIAL_CUES.isdisjoint(words)
            or (not words and _SOCIAL_CONTEXT.search(text) is not None)
        )
        for match in _AT_HANDLE.finditer(text):
            handle = match.group("handle").rstrip(".-")
            strong = not _STRONG.isdisjoint(handle)
            if (
                handle in _NOT_HANDLES
                or not (strong or social)
                or handle in allow.handles
            ):
                continue
            first, last = view.span(match.start(), match.start() + 1 + len(handle))
            found.append(Found(HANDLE, first, last))
        for match in _CASHTAG.finditer(text):
            if match.group("handle") in allow.handles:
                continue
            first, last = view.span(match.start(), match.end())
            found.append(Found(HANDLE, first, last))
    for app in _APP_NAME.finditer(text) if apps else ():
        after = _AFTER_APP.match(text, app.end())
        if after is None:
            continue
        raw = after.group("handle")
        handle = re.sub(r"[ .\-_]", "", raw) if " " in raw else raw
        handle = handle.lstrip("@").rstrip(".-")
        sep = after.group("sep")
        explicit = "@" in sep or ":" in sep or "$" in sep or "dollar" in sep
        strong = raw.startswith("@") or not _STRONG.isdisjoint(raw) or " " in raw
        if handle in _NOT_HANDLES or len(handle) < 3 or handle in allow.handles:
            continue
        if not (strong or (explicit and len(handle) >= 4)):
            continue
        first, last = view.span(after.start("handle"), after.end("handle"))
        found.append(Found(HANDLE, first, last))
    return found


def _skeleton_words(*names: str) -> frozenset[str]:
    from .normalize import skeleton_of

    return frozenset(word for name in names for word in skeleton_of(name).split())


_NUMBER_WORDS = _skeleton_words(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fourty "
    "fifty sixty seventy eighty ninety"
)
_STREET_WORDS = _skeleton_words(*_STREET_TYPES.split("|"))
# The skeleton merges "l" into "i", so "ln" (lane) reads as the everyday "in": by
# skeleton word, the street types that read so, to look for in the folded text.
_STREET_SPELLINGS = {
    word: tuple(t for t in _STREET_TYPES.split("|") if word in _skeleton_words(t))
    for word in _STREET_WORDS
}
# Characters that can join a street type to the next word in the skeleton only
# (leetspeak "st@", masks "st*"): with one of them about, the words tell nothing.
_JOINERS = "@$!|+*#"
_EMAIL_WORDS = _skeleton_words(
    *(p for p in _PROVIDERS if p not in ("live", "mail")),
    "g mail",
    "dot",
    "com",
    "net",
    "org",
    "edu",
    "gov",
    "slash",
)
_EMAIL_CONNECTORS = _skeleton_words("at dot slash")
_SOCIAL_CUES = _skeleton_words("follow add dm handle username")
_APP_WORDS = _skeleton_words(
    *(app for app in _APPS if " " not in app), "dollar", "whats"
)
_APP_PHRASES = tuple(_skeleton_words(app) for app in _APPS if " " in app)
_DIGITS = re.compile(r"\d")
# Any word of a multi-word app name: without one, none of them can be there.
_APP_PHRASE_WORDS = frozenset(word for phrase in _APP_PHRASES for word in phrase)


def find_contacts(
    base: View,
    allow: AllowList,
    *,
    previous_digits: Sequence[str] = (),
    words: frozenset[str] | None = None,
) -> list[Found]:
    """Every contact detail in the folded view `base`; offsets into the original.

    `words` (the skeleton's words, which the caller usually has already) lets each
    detector run only when its cues are there.
    """
    text = base.text
    if words is None:
        from .normalize import skeleton_text, unleet

        words = frozenset(skeleton_text(unleet(text)).split())
    found: list[Found] = []
    # ASCII digits never occur inside a UTF-8 sequence: deleting them from the
    # bytes counts them without a regex pass.
    encoded = text.encode("utf-8", "surrogatepass")
    digit_count = len(encoded) - len(encoded.translate(None, _ASCII_DIGITS))
    has_number_words = not _NUMBER_WORDS.isdisjoint(words)
    if (
        digit_count >= 7
        or (digit_count and previous_digits)
        or (has_number_words and len(_NUMBER_WORD.findall(text)) >= 3)
    ):
        digits = digit_spans(base, spelled=has_number_words)
        if _HAS_SEVEN_DIGITS.search(digits.text):
            phones = find_phones(digits, allow, context=text)
            if not phones and "+" in digits.text:
                # International formats ("+44 20 ...") the digit runs do not cover.
                phones = find_phones_lib(digits, allow)
            found.extend(phones)
        if previous_digits:
            found.extend(_split_phones(digits, allow, previous_digits))
    # The address regex needs a street type as a word of the folded text, whose
    # skeleton is then one of `streets` unless a joiner follows it.
    streets = _STREET_WORDS.intersection(words) if digit_count else ()
    if streets and (
        any(t in text for w in streets for t in _STREET_SPELLINGS[w])
        or any(c in text for c in _JOINERS)
    ):
        found.extend(find_addresses(base, allow))
    has_at = "@" in text
    if has_at or "/" in text:
        found.extend(find_emails(base, allow, spelled=False))
    spaced_at = has_at and (" @" in text or "@ " in text)
    bracketed = (")" in text or "]" in text) and (
        "at)" in text or "at]" in text or "dot)" in text or "dot]" in text
    )
    connected = spaced_at or bracketed or not _EMAIL_CONNECTORS.isdisjoint(words)
    if connected and not _EMAIL_WORDS.isdisjoint(words):
        edits = email_edits(text)
        if edits is not None:
            emails = Edited(base, edits) if edits else base
            seen = [(f.start, f.end) for f in found]
            for item in find_emails(emails, allow, spelled=True):
                if not any(a < item.end and item.start < b for a, b in seen):
                    found.append(item)
    apps = not _APP_WORDS.isdisjoint(words) or (
        not _APP_PHRASE_WORDS.isdisjoint(words)
        and any(p <= words for p in _APP_PHRASES)
    )
    if has_at or "$" in text or apps:
        found.extend(find_handles(base, allow, apps=apps, words=words))
    return found


def trailing_digits(text: str) -> str:
    """The digit run a message ends with (digits view), for split-number checks."""
    digits = digits_view(folded(text)).text
    match = re.search(r"(?:\d[\s.\-()\[\],_*/]{0,3})*\d\W*$", digits)
    return match.group() if match else ""


def _split_phones(
    digits: Spans, allow: AllowList, previous: Sequence[str]
) -> list[Found]:
    """A number split over the sender's last messages and this one ("515", "0192")."""
    head = re.match(r"\W*(?:\d[\s.\-()\[\],_*/]{0,3})*\d", digits.text)
    if head is None:
        return []
    carried = ""
    for tail in reversed(previous):  # newest first: only an unbroken chain counts
        if not tail:
            break
        carried = tail.strip() + " " + carried
        combined = carried + head.group().strip()
        number = "".join(c for c in combined if c.isdigit())
        current = "".join(c for c in head.group() if c.isdigit())
        if len(number) > 11:
            break
        if (
            len(current) < len(number)
            and _looks_like_phone(number, combined)
            and (len(number) >= 10 and normal_phone(number) not in allow.phones)
        ):
            first, last = digits.span(head.start(), head.end())
            return [Found(PHONE, first, last)]
    return []
