# ruff: noqa: E501  (data: one pattern alternative per line reads best unwrapped)
"""Built-in code-of-conduct rules for the youth e-mentoring and reentry programs.

Pure data and pure Python (no Django): the engine, the `moderate` command, the
evaluation script and the benchmark all load it. A program overrides a rule by adding a
Rule with the same key in the admin (to disable it, change its action, ...).

Rules are written from the category definitions and the programs' codes of conduct
(no personal contact details, no meeting outside agreed sessions, no secrets from
staff, no gifts or loans, no intimate relations, no bigotry, no illegal activity), as
families of phrasings, never as copies of particular messages. Reentry life (parole,
probation, the PO, drug court, UAs, treatment, jail, time served) is never a violation
by itself: rules about supervision need an act (lying, hiding, tampering, leaving).

Pattern syntax: see moderation/engine/patterns.py. Upper-case names below are
shared alternatives, spliced into patterns.
"""

from __future__ import annotations

from moderation.engine import DEFAULT_CRISIS_SUPPORT, RuleSpec

# The platform's own program office and public lines: never personal contact details.
# Programs add their own (office lines, addresses) as AllowedContact rows.
DEFAULT_ALLOWED_CONTACTS = (
    "515-555-0100",  # Circles program office line
    "office@circles-program.org",  # Circles program office email
    "988",  # Suicide & Crisis Lifeline
    "911",
    "211",  # community services
    "1-800-273-8255",  # the former Lifeline number, still printed on cards
    "1-800-799-7233",  # National Domestic Violence Hotline
    "1-800-422-4453",  # Childhelp National Child Abuse Hotline
)
CRISIS_SUPPORT = DEFAULT_CRISIS_SUPPORT

# --- shared alternatives --------------------------------------------------------------
YOU = "(you|u|ya|yall|y'all|you guys|you all)"
YOUR = "(your|ur|yur|yo|you're|youre|ya)"
YOURE = "(you're|youre|you are|ur|u r|your|u are|you r)"
IM = "(i'm|im|i am|ima)"
ILL = "(i'll|ill|i will|i can|i could|i'd|id|i would|let me|lemme|i wanna|i want to|imma|ima|i'm gonna|im gonna|i'm going to|gonna)"
CAN_YOU = (
    "(can|could|would|will|can't|cant) (you|u|ya|yall|y'all|you guys|anyone|anybody)"
)
NEG = "(don't|dont|do not|never|no need to|don't need to|dont need to|doesn't need to|doesnt need to|not gonna|won't|wont|will not|shouldn't|shouldnt)"
APP = (
    "(whatsapp|whats app|telegram|signal|snapchat|snap|sc|insta|instagram|ig|the gram|"
    "tiktok|tik tok|facebook|fb|messenger|discord|kik|wechat|viber|skype|imessage|"
    "facetime|google voice|gv|twitter|threads|line app|text|texts|sms)"
)
SOCIAL = (
    "(whatsapp|whats app|telegram|signal|snapchat|snap|sc|insta|instagram|ig|gram|"
    "tiktok|tik tok|facebook|fb|messenger|discord|kik|wechat|viber|skype|twitter|"
    "threads|line|google voice)"
)
CONTACT_THING = (
    "(number|numbr|num|#|digits|cell|cell number|cell phone|phone number|phone num|"
    "mobile|email|e mail|email address|home address|addy|insta|instagram|ig|"
    "snap|snapchat|sc|tiktok|fb|facebook|whatsapp|telegram|signal|discord|kik|handle|"
    "username|user name|@|socials|contact|contact info|info|cash app|cashapp|venmo|"
    "zelle|paypal|last name|full name)"
)
STAFF = (
    "(staff|the staff|program|the program|office|the office|coordinator|the coordinator|"
    "your coordinator|my coordinator|monitor|monitors|the monitors|mentor|mentors|"
    "your mentor|the mentors|admin|admins|anyone|anybody|nobody|no one|your mom|your dad|"
    "your parents|your mother|your father|mom|dad|parents|your family|the boss|big boss|"
    "the big boss|boss lady|the lady|counselor|your counselor|case manager|"
    "your case manager|them)"
)
STAFF_ONLY = (
    "(staff|the staff|program|the program|office|the office|coordinator|the coordinator|"
    "your coordinator|my coordinator|monitor|monitors|the monitors|your mentor|"
    "the mentors|admin|admins|your mom|your dad|your parents|your mother|your father|"
    "mom|dad|parents|your family|the boss|big boss|the big boss|boss lady|the lady|"
    "counselor|your counselor|case manager|your case manager|the house manager)"
)
PO = (
    "(po|p o|parole officer|probation officer|parole|probation|my officer|your officer|"
    "the officer|caseworker|case worker|parole agent)"
)
GROUP = (
    "(muslims|muslim people|jews|jewish people|blacks|black people|black folks|"
    "mexicans|immigrants|illegals|asians|chinese people|arabs|gays|gay people|"
    "trans people|transgenders|trannies|women|woman|girls|females|latinos|hispanics|"
    "whites|white people|indians|africans|christians|catholics|natives|refugees|"
    "foreigners|lesbians|queers|homosexuals|dykes|fags|faggots|ex cons|ex-cons|felons|"
    "addicts|junkies|crackheads|mexican|mexican people|puerto ricans|haitians|somalis|"
    "africans|people from the projects|ghetto people|hood people|poor people|"
    "disabled people|retards|autistic people|old people)"
)
GROUP_BAD = (
    "(animals|savages|vermin|subhuman|terrorists|criminals|rapists|thugs|parasites|"
    "trash|garbage|dogs|apes|monkeys|roaches|rats|cockroaches|pigs|lazy|stupid|dumb|"
    "dirty|liars|thieves|mentally ill|sick|crazy|disgusting|gross|abominations|freaks|"
    "perverts|groomers|pedos|pedophiles|predators|inferior|evil|illegal|a disease|"
    "a plague|the problem|ruining|destroying|taking over|too emotional|emotional|"
    "worthless|useless|violent|savage)"
)
INSULT = (
    "(stupid|idiot|idiots|moron|morons|dumb|dumbass|dumb ass|loser|losers|worthless|"
    "useless|pathetic|ugly|fat|lazy|trash|garbage|waste of space|waste of air|"
    "piece of shit|piece of crap|pos|bitch|b word|asshole|ass hole|jackass|jerk|clown|"
    "failure|disgrace|retard|retarded|imbecile|scum|scumbag|dirtbag|lowlife|low life|"
    "freak|degenerate|cunt|twat|whore|slut|skank|hoe|thot|dick|dickhead|prick|bastard|"
    "douche|douchebag|pig|cow|slob|snitch|rat|junkie|crackhead|crack head|"
    "worthless ex con|ex con|dumb as a rock|dumb as rocks|dumb as hell)"
)
INSULT_NOUN = (
    "(idiot|idiots|moron|morons|loser|losers|dumbass|dumb ass|bitch|asshole|jackass|"
    "jerk|clown|retard|imbecile|scum|scumbag|dirtbag|lowlife|freak|degenerate|cunt|twat|"
    "whore|slut|skank|hoe|thot|dickhead|prick|bastard|douche|douchebag|pig|snitch|"
    "junkie|crackhead|piece of shit|piece of crap|waste of space|failure|disgrace)"
)
SLURS = (
    "(nigger|niggers|nigga|niggas|niggaz|nigguh|negro|negroes|chink|chinks|gook|gooks|"
    "spic|spics|spick|wetback|wetbacks|beaner|beaners|kike|kikes|heeb|raghead|ragheads|"
    "towelhead|towelheads|sand nigger|camel jockey|muzzie|muzzies|muzzy|paki|pakis|"
    "coon|coons|jigaboo|porch monkey|jungle bunny|redskin|redskins|squaw|half breed|"
    "zipperhead|slant eye|slant eyes|cholo|faggot|faggots|fag|fags|fagot|dyke|dykes|"
    "tranny|trannies|shemale|she male|retard|retards|tard|tards|spaz|mongoloid|"
    "cripple|gimp|cunt|cunts|twat|whore|slut|skank|wop|dago|kraut|gypsy|gyppo|"
    "ching chong|chinaman|illegal alien|illegal aliens)"
)
DRUG = (
    "(weed|bud|pot|kush|loud|za|zaza|reefer|blunt|blunts|joint|joints|molly|mdma|"
    "ecstasy|x pills|coke|cocaine|blow|crack|rock|meth|ice|crystal|tina|dope|heroin|"
    "smack|fent|fentanyl|fetty|pills|pill|percs|perc|percocet|percocets|oxy|oxys|"
    "oxycontin|roxy|roxies|xanax|xans|bars|blues|m30|m30s|30s|pressed|pressies|"
    "k2|spice|acid|lsd|tabs|shrooms|boomers|lean|drank|syrup|codeine|pcp|wet|ketamine|"
    "special k|edibles|dabs|carts|wax|benzos|adderall|addys|subs|strips|vicodin|"
    "norco|tramadol|dilaudid|morphine|opiates|opioids|uppers|downers|speed|"
    "something to smoke|a sack|a bag|an eighth|a zip|a gram|grams|a pack|work|"
    "product|stuff|the stuff|some stuff|smoke|gas|drugs)"
)
STRONG_DRUG = (
    "(weed|bud|kush|molly|mdma|ecstasy|coke|cocaine|crack|meth|heroin|fent|fentanyl|"
    "fetty|pills|percs|perc|percocet|percocets|oxy|oxys|oxycontin|roxy|roxies|xanax|"
    "xans|bars|blues|m30|m30s|pressed|pressies|k2|spice|acid|lsd|shrooms|lean|"
    "codeine|pcp|ketamine|edibles|dabs|carts|benzos|adderall|addys|vicodin|norco|"
    "dilaudid|drugs|dope)"
)
MONITOR = (
    "(ankle monitor|ankle bracelet|monitor|bracelet|gps|tracker|box|breathalyzer|"
    "interlock|blower|scram|soberlink|leg monitor)"
)
TEST = "(ua|u a|uas|drug test|drug tests|piss test|urine test|urinalysis|test|testing|drug screen|screen|hair test|breathalyzer|sweat patch|patch)"
PAY_APP = (
    "(venmo|cash app|cashapp|zelle|paypal|pay pal|chime|apple pay|google pay|jpay|"
    "j pay|western union|moneygram|money gram|green dot|greendot|access corrections|"
    "touchpay|securus|gtl|connect network)"
)
MONEY = (
    "(money|cash|bucks|dollars|$#|a few bucks|some money|some cash|a twenty|a fifty|"
    "a hundred|twenty|fifty|hundred|rent|the rent|rent money|gas money|bus money|"
    "bail|bail money|the deposit|deposit|a loan|loan|funds|a couple bucks|"
    "a few dollars)"
)
GIFT = (
    "(gift|gifts|present|presents|gift card|giftcard|gift cards|card|something|"
    "a little something|something nice|some|new|lunch|dinner|breakfast|food|groceries|"
    "coffee|clothes|shoes|sneakers|kicks|boots|a phone|phone|a laptop|laptop|a suit|"
    "suit|a dress|dress|a necklace|necklace|jewelry|a ring|tickets|tix|a ticket|"
    "a game|game|a watch|watch|perfume|flowers|a bike|bike|a car|a tv|tv|"
    "a drink|drinks|a meal)"
)
PLACE = "(place|house|home|apartment|apt|crib|spot|room|pad|crib|trailer|car|truck|job|work|school|dorm)"
SESSION_APP = (
    "(app|platform|site|system|chat|tablet|this app|this site|this chat|this platform|"
    "this system|logging in|signing in|typing|library session|website)"
)
SESSION = (
    "(session|sessions|office|the office|program|library|library session|group|"
    "circle|meeting|meetings|platform|app|chat|site|system|tablet|this app|this site|"
    "this chat|this platform|this system|logging in|signing in|typing)"
)

RULES: list[RuleSpec] = []


def rule(
    id: str,
    category: str,
    severity: int,
    *patterns: str,
    action: str | None = None,
    name: str = "",
) -> None:
    RULES.append(RuleSpec(id, category, " | ".join(patterns), severity, action, name))


def allow(id: str, category: str, *patterns: str) -> None:
    """Exceptions: a hit of this category overlapping one of these is dropped."""
    rule(id, category, 1, *patterns, action="allow", name="exception")


# --- contact_info: asking for or describing personal contact details ------------------
# (the detectors in engine/contacts.py find the numbers, emails, addresses and handles)
rule(
    "contact.ask-for",
    "contact_info",
    3,
    f"(what's|whats|what is|wats|wuts|what s|whut s|wat s|wat is|wuts) ~1 {YOUR} ~1 {CONTACT_THING}",
    f"(what's|whats|what is|wats) ~1 {YOUR} ~1 (address|home address)",
    f"(give|send|text|dm|pm|slide|pass|drop|tell|share|leave) (me|us) ~1 {YOUR} ~1 {CONTACT_THING}",
    f"(can|could|may|should) (i|we) (get|have|grab|take|borrow|see) {YOUR} ~1 {CONTACT_THING}",
    f"(can|could|may) (i|we) (get|have) {YOUR} (address|home address)",
    f"(if|when) {YOU} ~0 (give|send|text|share|drop) (me|us) ~0 {YOUR} ~0 {CONTACT_THING}",
    f"{YOUR} (home|house|cell|personal|private|real|own) (number|phone|cell|email|address|addy|line)",
    f"(is|was) (this|that|it) {YOUR} (number|cell|email|address)",
    "the real one not the (program|office|work) one",
    name="asks for contact details",
)
rule(
    "contact.ask-address",
    "contact_info",
    3,
    f"where (do|d|does|did) {YOU} (live|stay|sleep|lay your head)",
    f"where {YOU} (live|stay|be staying|at now)",
    f"what (part of town|neighborhood|hood|area|street|road|block|building|apartment|side of town) ~3 {YOU} (live|stay|at|in|on)",
    "(what|which) (street|road) (is|do|does|you|u|ur|your)",
    "(like|and) (what|which) street",
    f"do {YOU} (live|stay) (in|on|near|by|at|around|over)",
    f"(saw|seen|see|know|found|spotted|passed|drove past|drive past|drove by|drive by|walked by) {YOUR} (house|home|place|apartment|apt|crib|street|building)",
    f"{YOUR} (house|home|place|apartment|crib) (on|at) ",
    name="asks where someone lives",
)
rule(
    "contact.indirect-number",
    "contact_info",
    3,
    f"(my|his|her|the|{YOUR}) (number|numbers|number's|cell|phone|digits|cell number|phone number) ~8 (ends in|ends with|ending in|starts with|starts|begins with|same as|plus|minus|instead of|swap|switch|put it together|do the math|last four|last 4|first three|area code|backwards|reversed|but with)",
    "(number|cell|phone|digits) (starts|ends|ending|begins|start|end) ~2 (with|in) #",
    "(number|cell|phone|digits) (starts|begins|starts with|begins with) ~4 (and|then) ~2 (ends|ending|finishes)",
    "(ends|ending|end) (in|with) # ~6 (put it together|do the math|that's me|thats me|figure it out)",
    "(same as|just like|like) the ~2 (office|program|program office|office's) (number|line|one|phone|cell|email) ~3 (but|except|plus|only|with|swap|instead)",
    "(swap|switch|change|replace) the # (for|with|to) #",
    name="describes a personal number",
)
rule(
    "contact.indirect-handle",
    "contact_info",
    3,
    f"(my|his|her) {SOCIAL} (is|=|account is|handle is|name is) ~2 (the same|same|my name|my real name|my full name|my first and last|easy to find)",
    "same (username|user name|name|handle|@|screen name) (as|like) (here|on here|this|this one|my name|the one here)",
    f"(you're|youre|are you|r u|you|u|ya|are u) on {SOCIAL}",
    f"(find|look|search|add|follow|friend|request) {YOU} ~1 on ~0 {SOCIAL}",
    f"(find|add|follow|friend|look) me (up |)(on|at) {SOCIAL}",
    "(dm|message|msg|hmu|hit me|add me|follow me|find me) ~3 (handle|username|user name|my @)",
    f"(i'm|im|i am) on {SOCIAL} (as|under|at)",
    f"(whats|what's|what is|wats) {YOUR} (last name|full name)",
    name="points to a social media or messaging account",
)
rule(
    "contact.spanish",
    "contact_info",
    3,
    "(pasame|pásame|dame|mandame|mándame|manda|cual es|cuál es|me das|me pasas|tienes|tenés|tenes) ~2 (tu|su) (numero|número|cel|celular|telefono|teléfono|whatsapp|correo|direccion|dirección|insta|face|snap)",
    "(tienes|tenés|tenes|usas) (whatsapp|telegram|insta|instagram|face|facebook|snap|snapchat|signal)",
    "(mi) (numero|número|cel|celular|correo|direccion|dirección) es",
    name="asks for contact details (Spanish)",
)
allow(
    "contact.ok",
    "contact_info",
    "(the|program|our|my) (office|program) (number|line|email|phone)",
    "(don't|dont|can't|cant|not allowed to|never|shouldn't|no) (give|share|swap|exchange|trade|give out) ~2 (personal |)(numbers|number|contact info|emails|email|addresses|socials)",
    "(zip|zip code|zipcode)",
)

# --- off_platform: other channels, outside meetings, secrets from staff or parents ----
rule(
    "off.move-app",
    "off_platform",
    2,
    f"(talk|chat|text|message|msg|hmu|hit me|call|facetime|dm|pm|move|switch|go|continue|take this|take it|keep in touch|stay in touch|reach me|contact me|add me|find me|follow me|add me up|hit me up|chat more|talk more) ~3 (on|to|over to|onto|via|through|in|over) ~1 {APP}",
    f"{APP} (me|instead|is better|is way better|way better|is easier|is faster|is safer|is more private|is private)",
    f"(hmu|hit me up|hit me|holla|holler|msg me|message me|dm me|find me|catch me) (on|at|@|there|on there|in) ~1 {APP}",
    "(hmu|hit me up|hit me|holla|holler|find me|catch me) (there|on there|on it|over there)",
    f"(download|get|install|use) {APP} (so|and|instead)",
    "(send|text) (u|you|ya) (an|the|a) (invite|invite link|friend request)",
    "(move|take|switch|bring|continue) (this|it|the convo|this convo|this conversation|our convo|our conversation|this chat|our chat|this talk|things) (to|over to|onto|off|somewhere|elsewhere|on)",
    f"(you|u|ya|are you|r u|do you have|do u have|you have|u have|you got|u got) {APP} \\?",
    name="moves the conversation to another app",
)
rule(
    "off.move-channel",
    "off_platform",
    2,
    "(text|txt|call|phone|ring|facetime|dm|pm|message|msg|hmu|hit|email|e mail|mail|write|inbox|reach|holler at|holla at|buzz|contact) me (at|on|@|when|whenever|later|tonight|after|anytime|any time|there|instead|directly|privately|sometime|this weekend|on my cell|on my phone|asap|at my|on that)",
    "(hit me up|hmu|drop me a line|drop me a text|drop me a message|shoot me a text|shoot me a message|shoot me an email|give me a call|gimme a call|give me a ring|slide in my dms|slide into my dms|in my dms)",
    "(call|text|facetime|phone|email|dm|message|msg|write|contact|reach) each other",
    f"(call|text|facetime|ring) {YOU} (from|on|with) ~3 (phone|cell|number|line|cellphone)",
    "(so|and|then) (we|i) (can|could) (talk|text|call|chat|facetime) (whenever|anytime|any time|all night|at night|every day|more|longer|without|on that|on it|there|privately)",
    "(we|i) (can|could) (talk|text|chat|call) on (that|it|there|this one)",
    f"(you're|youre|are you|r u|you|u|ya|are u) on {APP}",
    f"(find|add|follow|friend|look) {YOU} ~1 on ~0 {SOCIAL}",
    f"(3 way|three way|3way|three-way) ~2 ({YOU}|call|me|in)",
    "(put|have) (me|you|u) on (speaker|speakerphone)",
    "(use|call|text|try) (that|this|it|mine|my cell|my number|my phone) (instead|number instead)",
    "(another|a different|a diff|some other|my other|a second|a private|a secret|a burner|the other|my burner) (app|apps|platform|site|chat app|phone|number|account|acct|line|cell|email|page) ~3 (talk|chat|text|call|hit|hmu|reach|dm|message|msg|you know the one|instead|better|so we can|where)",
    "(on|at|in|through|thru|via|with) (the|another|a|some|my) (other|different|diff|second|private|secret|burner) (app|platform|site|phone|number|account|line|cell)",
    "in case (this|the|our) (chat|app|site|platform|program|system|website|page) (goes down|is down|crashes|breaks|dies|stops working|doesn't work|doesnt work|glitches|goes out|shuts down|gets shut down|closes)",
    f"(easier|better|faster|quicker|more private|safer|simpler) than (this|the|our|using|logging in|signing in) ~1 {SESSION_APP}",
    "(easier|better|faster|quicker) than (logging|signing) in",
    "(talk|chat|text|call|message|talk longer|meet) (without|w o|w/o) (the|this|all|these|those) (app|platform|site|program|staff|rules|tablet|system|logs|monitoring)",
    "(talk|chat|text) longer than (the|this) (tablet|app|platform|site|system)",
    "(hablamos|hablemos|platicamos|escríbeme|escribeme|llámame|llamame) (por|en) (ahi|ahí|whatsapp|telegram|alla|allá|face|texto|mensaje)",
    "(when|after|once|until) (the program|this program|the circle|our circle|mentoring|the mentoring) (ends|is over|closes|finishes|wraps up) ~6 (keep in touch|stay in touch|my number|your number|text|call|hang out|meet|see each other|link up|talk)",
    f"(i'll|ill|i will|i can|gonna) (give|send|text) {YOU} my (number|cell|email|address|insta|snap|socials|info|contact)",
    name="moves contact to a phone, text or email",
)
rule(
    "off.avoid-monitoring",
    "off_platform",
    3,
    "(somewhere|someplace|where|place|way|app|site|spot|room) ~3 (they|staff|the staff|nobody|no one|noone|program|the program|coordinator|the coordinator|monitors|the office|office|c o s|c o|cos|co s|the cos|officers|the c o s|the c o|admins|the man) ~1 (can't|cant|cannot|can not|won't|wont|don't|dont|ain't|aint|isn't|isnt|aren't|arent) ~2 (see*|read*|peep*|watch*|monitor*|check*|track*|log*|record*|hear*|listen*|look*|spy*|snoop*)",
    f"(without|w o|w/o) {STAFF_ONLY} ~2 (read*|see*|watch*|know*|monitor*|look*|peep*|check*|listen*|finding out|find out|breathing down)",
    "(doesn't|doesnt|does not|won't|wont|don't|dont|never) (show up|appear|get logged|get recorded) (in|on) ~2 (logs|log|records|notes|reports|program logs|history|system)",
    "(no|without|skip the|without the) (logs|log|paper trail|monitoring)",
    "no logs ~1 no notes",
    "(don't|dont|do not|no need to|never|shouldn't) (log|record|write down|document|write up|report) (it|this|that|them|that down|this down|it down|us|anything|this convo|this conversation)",
    "(don't|dont|do not) (have to|need to|gotta) (put|write|log|record|mention|include) (that|this|it|them) (in|on) ~2 (log|logs|notes|report|records|session notes|mentor notes)",
    "(leave|keep|keeping|leaving) (this|it|that|us|them|this convo|this conversation|our chat) (out of|off|outta) (the|our|your|my) ~1 (session notes|notes|log|logs|report|reports|mentor notes)",
    "(off the record|off record|on the low|on the dl|on the down low|hush hush)",
    "(delete|d3l3te|erase|clear|wipe|unsend) (these|this|it|them|the messages|the chat|our chat|em|the convo|this convo|our messages|everything) ~3 (after|when|once|before|so)",
    "(this|that|our) (convo|conversation|chat|talk|message|messages) (never happened|didn't happen|didnt happen|stays here|is between us)",
    name="avoids the program's monitoring or records",
)
rule(
    "off.secret",
    "off_platform",
    2,
    f"{NEG} (tell|telling|say|saying|mention|mentioning|bring up|report|snitch|tattle) ~4 {STAFF_ONLY}",
    "(don't|dont|do not|never|no need to) (tell|mention this to|mention it to) (anyone|anybody|nobody|no one)",
    "(don't|dont|do not|never|not) (tell|mention|say|bring) ~5 about (this|it|that|the thing|us|what|our|any of this|the money|the gift|what i sent|lunch|the ride)",
    "(don't|dont|do not|not|never) (mention|bring up|bring) (it|this|that|anything) (to|with|in front of|up to|up with|up in) ",
    f"(don't|dont|do not) (share|show|give|forward|send) (it|this|that|my number|this number|the number) (with|to) ~1 {STAFF}",
    "(need you to|you to|please|pls|plz|just) (not|don't|dont|never) (say|tell|mention) (anything|nothing|a word|a thing|shit|nothin|nun)",
    f"(won't|wont|will not|i won't|not gonna|not going to|never gonna|i will never|i'll never|ill never) (tell|say anything to|say nothing to|mention it to|mention this to|say a word to|snitch to) ~2 {STAFF}",
    "(between|btwn) (us|you and me|me and you|you and i|u and me|me and u|us two|the two of us|you me)",
    "(keep|keeping|kept) (this|it|that|things|what|our|the|everything|them|us|all this) ~5 (between us|secret|a secret|quiet|on the low|on the dl|low key|lowkey|to ourselves|to yourself|hush|under wraps|shushemoji|zipmouthemoji)",
    f"(keep|keeping|hide|hiding|hid|kept) (it|this|that|them|em|things|stuff|us) ~2 from ~1 {STAFF}",
    "(keep|keeping|hide|hiding) (it|this|that) ~1 (shushemoji|zipmouthemoji)",
    "(shushemoji|zipmouthemoji) ~2 (from|between|don't|dont|our secret|secret)",
    f"{STAFF} ~0 (don't|dont|doesn't|doesnt|do not|does not|won't|wont|shouldn't|shouldnt|ain't|aint) ~0 (need|have|gotta|got) to (see|know|find out|hear|read|be told)",
    "(nobody|no one|noone|no1|nobody else) (needs|need|has|have|gotta|got) to know",
    "(nobody|no one|noone|no1) (will|gonna|is gonna|is going to|has to|needs to) (know|find out|ever know)",
    "(my|your|ur) (mom|dad|parents|mother|father|coordinator|family|grandma|mentor|mentors|counselor) (can't|cant|cannot|can not|shouldn't|shouldnt|better not|mustn't|must not) (find out|know|see this|hear about)",
    "our (little |)secret",
    name="asks to keep something from staff or parents",
)
allow(
    "off.ok",
    "off_platform",
    "between us and the",
    "between us and (everyone|everybody|the whole|the entire)",
    "(nothing|no) secret",
    "(program|the program|staff|coordinator|monitors|office) (can|will|does|do) (see|read) ",
    "(hmu|hit me up|message me|dm me|text me|msg me|reach me|find me|ping me|call me|talk|chat) (here|on here|in here|in the chat|on this app|in this chat|in the circle|through the app|through the program|thru the app|in the app|on the platform|through this)",
    "(text|call|message|email|contact) (the office|the program|office@circles-program.org|your coordinator|the coordinator|988|911|211|your po|my po|your counselor)",
    "(each other|one another) (here|on here|in here|in the chat|on this app|on the platform)",
    "(move|moving|moved) (it|this|things) (to|on) (tuesday|wednesday|thursday|friday|saturday|sunday|monday|next week|the afternoon|the morning|later|another day|next session|the next session|the library|the office|room)",
    "(on|at|via|in) (the|this) (platform|program app|circle)",
    "(approved|booked|scheduled|signed off|on the calendar|program calendar|program approved|sanctioned|okayed|ok'd) ~6 (outing|session|meeting|visit|trip|event|party|lunch|meetup|museum|library)",
    "(approved|booked|scheduled|organized|arranged) by (the|our|my|your) ~1 (program|coordinator|office|staff|facility|house manager)",
    "(program|coordinator|office|staff) (approved|booked|scheduled|organized|okayed|set up|arranged)",
)
rule(
    "off.meet",
    "off_platform",
    2,
    "come (by|over|thru|through|round|around|visit) (my|to my|sometime|anytime|whenever|later|tonight|after|this weekend|saturday|sunday|friday|the house|the crib|my place|my spot|our place)",
    "(swing|stop|drop|pull|slide|roll|pop|come) (by|thru|through|over|up) ~1 (my|your|ur|the) (place|house|crib|apartment|apt|spot|room|trailer)",
    "(pull up|pullup|come thru|come through|slide thru|slide through|swing by|stop by|pull up to the spot) (after|tonight|later|sometime|instead|the spot|to the spot|whenever|anytime|after school|after work|after my shift)",
    "(come|meet|be) (alone|by yourself)",
    f"{ILL} (pick|drive|give|scoop|swoop) (you|u|ya) (up|home|a ride|there|to|around|after|from)",
    "(ride|roll|drive) (with|w) me (to|on|this|saturday|sunday|friday|tonight|after)",
    "(pick|picking|picked|scoop) (you|u|ya) up (after|from|at) ~2 (school|work|practice|class|home|your place|the house|the halfway house)",
    f"(bring|drop|dropping|bringing|leave|leaving) ~4 (by|off at|off to|over to|at) {YOUR} (place|house|home|apartment|apt|crib|school|job|work|door|dorm|mom's|moms)",
    "(just|only) (you and me|you and i|me and you|me and u|u and me|you n me|the two of us|us two|us 2|me and you alone)",
    "(dinner|lunch|drinks|coffee|date|hang|hangout|meet|movie|movies|breakfast|food|ride) ~3 just (us|the two of us|you and me|me and you)",
    "(be|get|hang out|meet|meet up|chill|spend time|talk) (alone|one on one|1 on 1|privately|in private) (sometime|together|with me|with you|someday|one day|soon|later|this weekend)",
    f"(meet|meet up|hang|hang out|link|link up|kick it|chill|grab|see each other|talk|go) ~6 (instead of|outside of|away from|rather than) (the|our|your|my|this) ~1 {SESSION}",
    "(instead of|rather than) (the|our|this) ~1 (session|office|library|library session|group|circle|meeting|program|platform|app|chat|zoom|video call)",
    "(skip|ditch|blow off|forget) (the|our) ~1 (office|session|library|group|circle|meeting|program) ~1 (thing|meeting|session|stuff|and|this time|friday|saturday|sunday|monday|tuesday|wednesday|thursday)",
    "(skip|leave out|cut out|without) (the coordinator|your coordinator|the others|the other mentors|everyone else|the group|the rest) ~3 (just|only|alone|me and you|you and me)",
    "(skip|without) ~2 and ~2 (they don't get it|they dont get it|just me and you|just you and me|just us)",
    "(our|the) (usual|same|regular|old) (spot|place)",
    "same (place|spot|time and place) (as|like) (last time|before|usual)",
    "(better|best) (offline|off here|off the app|in person|irl|face to face) ~3 (if|know|get) ~3 (what i mean|wat i mean|what im saying|my drift)",
    "(talks|talk|chats|convos|convo|conversations|stuff) (are|is|would be|will be) (better|nicer|easier) (offline|off here|off the app|in person|irl|face to face|off line|elsewhere)",
    "(when|once|after) (i|you|u) (get|gets|got|am|are|is) (out|released|home|free) ~6 (come find|find you|find u|hang|link up|link|meet up|chill|kick it|come see|visit you)",
    "(come find|i'll find|ill find|gonna find) (you|u|ya) (when|after|once)",
    "without (all |)(these|the|those|them|any) (rules|staff|cameras|people watching|supervision|monitors)",
    "(you know|u know) where (i'll|ill|i will|i'm|im|to) (be|find me|meet)",
    "(let's|lets|we should|we could|wanna|want to|why don't we|how about we) (go|hit|grab|get|catch|see|hang at|meet at|meet up at) ~3 (movie|movies|the mall|mall|casino|club|the club|bar|party|concert|drinks|a drink|dinner|lunch|food|the beach|the lake|the park|a bite|breakfast|coffee|ice cream|bowling|skating|the river|my place|your place|the fair|a show)",
    "(we'll|well|we will|we gonna|we're gonna|we are going to) be at the (lake|beach|park|mall|club|casino|river|party|bar|fair|concert|movies)",
    "(dinner|lunch|drinks|coffee|movie) (sometime|this weekend|tonight|one day) ~3 (just|only|alone|the two of us)",
    "(can|could) (you|u) (swing|come|stop|drop) by my",
    name="meets outside the agreed sessions and places",
)

# --- money_gifts: loans, gifts, payments, buying and selling between members ----------
rule(
    "money.loan",
    "money_gifts",
    2,
    f"(borrow|borrowing|lend|lending|loan|loaning) ~3 {MONEY}",
    "(borrow|lend|loan|front|spot|advance) (me|you|u|ya|us|him|her) ~2 (some|a few|a couple|like|money|cash|bucks|the deposit|the rent|$#)",
    "(pay|paying|paid) (you|u|ya|me|it) back",
    "(you|u|ya|he|she) (still |)(owe|owes) me",
    "(i|i still) (owe|owes) (you|u|ya)",
    "(could|can|would|will|can't) (you|u|ya|yall|y'all) (spot|front|lend|loan|chip in|pitch in|pay for|cover it|cover my|cover the bill|cover the rent|help cover)",
    "(chip|pitch) in ~3 ($#|bail|rent|money|cash|the bill|for his|for her|for my)",
    "(can|could|would|will) (you|u|ya|yall|y'all|anyone|anybody) (chip|pitch) in",
    "(any way|anyway|is there any way) (you|u) (could|can) (help me out|help out|spot|cover|lend|front)",
    "(short|broke|behind on rent|tight on money|low on money) ~6 (could you|can you|could u|can u|would you|help me out|spot me|cover it|chip in|lend me|front me|anything helps)",
    "(help|helping) (me|us) (out |)(with|w|on|for) ~1 (rent|bill|bills|deposit|light bill|electric bill|gas bill|phone bill|money|groceries|bail|fines|fees|commissary|books|a loan)",
    "(help|helping) (with|w) (the|my|our) (rent|bill|bills|deposit|light bill|electric bill|phone bill|groceries|bail)",
    "(anything|every little bit|whatever you can|whatever u can|any amount|even a little) (helps|would help|will help|counts)",
    f"{MONEY} ~3 (till|til|until) (payday|my check|my next check|next check|i get paid|the first|friday|next week|the 1st)",
    "(co sign|cosign|co signer|cosigner|guarantor) ~3 (my|a|the|for|on)",
    "(if|when) (you|u) (ever |)(need|needs) (cash|money|a loan|bucks|a few bucks|some money|some cash|rent|gas money|bus money) ~5 (just ask|ask me|let me know|hit me|tell me|i got you|im here|i'm here|holla|for the bus)",
    "(thanks|thank you|thx|ty|appreciate) (for|you for) (the|that|lending|covering) (money|cash|loan|bucks|twenty|fifty|hundred|$#)",
    "(bail|bond) (is|money|was) ~4 (chip|help|anyone|can you|could you|y'all|yall)",
    name="lends, borrows or asks for money",
)
allow(
    "money.ok",
    "money_gifts",
    "(lend|lending|give|giving) (me |you |u |)a (hand|ear)",
    "(i|i still|we|i'll|ill) (owe|owes) (you|u|ya) (one|big|a lot|everything|my life|an apology|a favor|a call|thanks|a thank you)",
    "(can't|cant|cannot|not allowed to|won't|wont|not supposed to|isn't allowed|no|never|don't|dont|shouldn't|can not) (put|send|lend|give|loan|buy|accept|take) ~4 (money|cash|gifts|gift|books|commissary|anything)",
    "(program|the program|office|the office|coordinator|staff|work readiness fund|emergency fund) ~4 (covers|cover|pays|pay|gives|give|fund|funds|voucher|provides|provide|can help|gave)",
    "(gifts|money|loans|lending) (aren't|arent|are not|isn't|isnt|is not) (allowed|ok|okay)",
)
rule(
    "money.payment-app",
    "money_gifts",
    2,
    f"{PAY_APP} (me|you|u|ya|yall|it|$#)",
    f"(send|sent|sending|pay|paid|paying|transfer|transferred|put|drop|dropped|throw|shoot) (me|you|u|ya|it|that|some|a few|the money|the rest) ~3 (on|via|through|thru|by|over|to|with|in) ~1 {PAY_APP}",
    f"(you|u|ya|do you|do u|you still) (take|have|got|use|accept|on) {PAY_APP}",
    f"(my|your|ur) {PAY_APP} (is|=|tag|name|handle|@)",
    f"(money|cash|funds|bucks|$#) ~3 (on|via|through|to|in|into) ~1 {PAY_APP}",
    name="uses a payment app between members",
)
rule(
    "money.books",
    "money_gifts",
    2,
    "(put|add|load|send|drop|throw) ~3 (money|cash|a few bucks|some bucks|funds|something|a little|some|a few dollars|$#) ~3 (on|in|to|into) (my|your|ur|his|her|the|their) (books|commissary|account|jpay|phone account|inmate account|trust account|canteen)",
    "(on|in) (my|his|her) (books|commissary|canteen|jpay)",
    name="asks for money on someone's books or commissary",
)
rule(
    "money.gift",
    "money_gifts",
    2,
    "(buy|buying|bought|purchase|purchased|order|ordered) (you|u|ya|yall|y'all) ~2 (a|an|some|the|new|something|lunch|dinner|food|groceries|coffee|clothes|shoes|sneakers|boots|a phone|a suit|a gift|gift|present|tickets|drinks|that|it|those|one)",
    "(can|could|would|will) (you|u|ya) (just |)(buy|pay for|spot|front) (me|us|them|it|my|those|the)",
    "(get|got|getting|grab|grabbed|picked up|pick up|snagged) (you|u|ya|yall|y'all) ~1 (something|a little something|a gift|a present|some new|lunch|dinner|groceries|clothes|shoes|sneakers|kicks|a phone|a suit|a necklace|a gift card|tickets|tix|a pair|boots)",
    "(picked up|bought|got|grabbed|ordered) ~4 (for|4) (you|u|ya) ~3 (size|birthday|bday|christmas|xmas|gift|present)",
    "(picked up|bought|got|grabbed|ordered|found) ~1 (some|a|a pair of|new|a new|some new) ~2 (boots|shoes|sneakers|clothes|shirt|shirts|jacket|coat|pants|jeans|suit|dress|necklace|watch|phone|laptop|groceries|gift|present|gift card|backpack|hoodie) (for|4) (you|u|ya)",
    "(bring|bringing|brought|drop|dropping|leave|leaving) ~2 (groceries|food|clothes|gifts|presents|a gift|a present|shoes|sneakers|a plate) ~3 (by|to|at|for|over to) (your|ur|you|u|ya)",
    "(mailed|sent|send|sending|mail|mailing|give|gave|giving|brought|bring|bringing|left|leaving|slip|slipped|hand|handed) (you|u|ya|yall|y'all) ~2 (a|an|the|some) ~2 (gift card|giftcard|present|gift|envelope|cash|money|$#)",
    "(send|sending|sent|mail|mailing) (you|u|ya) (a little something|a gift|a present|a care package)",
    "(gift card|giftcard|gift cards|a present|birthday present|christmas present|a gift|little gift|bday present|xmas gift|birthday gift|christmas gift) (for|4) (you|u|ya|yall|y'all|your birthday|ur birthday|your bday)",
    "(want|wanna|like|love|going) to (get|buy|give|send) (you|u|ya) ~2 (gift|present|gift card|giftcard)",
    "(consider it|it's|its|as|call it) (a|an|your|my) ~1 (early |little |belated |)(birthday|bday|christmas|xmas|holiday|graduation|going away|welcome home) (present|gift)",
    "(got|get|getting) (you|u|ya) (a |)(little |)something (for|4) (your|ur) (birthday|bday|christmas|xmas|graduation)",
    "(a little something|a lil something|a gift|a present|a gift card|something special) (for|4) (your|ur) (birthday|bday|christmas|xmas|graduation|release|homecoming)",
    "(cash|money|envelope|a twenty|a fifty|bills|$#) ~4 (in|into) (your|ur) (pocket|jacket|bag|backpack|mailbox|hand|purse|wallet|coat|car|locker)",
    "(slip|slide|hand|sneak) (you|u|ya) ~2 (some cash|some money|a few bucks|money|cash|a twenty|a fifty|a little something|a hundred|$#)",
    f"{ILL} (give|pay|hand|send|venmo|zelle) (you|u|ya|yall) $#",
    "(i'd|id|i would|she'd|shed|he'd|hed|she would|he would|she said she'd|he said he'd|offered to|wants to|let me|lemme|i'll|ill) (pay|paid) for (my|your|ur|his|her|the|a) ~2 (dress|prom|shoes|phone|bill|rent|ticket|tickets|lunch|dinner|gas|food|suit|car|class|trip|haircut|clothes|groceries|tuition)",
    "(it's|its|on) (my) (treat|dime)",
    "my treat",
    "(lunch|dinner|coffee|food|drinks|this one|breakfast|the bill|the check) (is|s|'s) on me",
    "(what if|how about if|i could|i can|want to|wanna|let me|lemme|i'd like to|i'll|ill) ~1 (give|gave|giving) (you|u|ya) (my|a|an) (old|spare|extra|used)",
    "(give|gave|giving) (you|u|ya) my (old|spare|extra|used)",
    f"(cover|covering|pay|paying|take care of) {YOUR} (phone bill|bill|bills|rent|light bill|electric bill|tab|fine|fines|deposit|groceries|tuition|fees|bus pass|phone)",
    "(just |)(send|give) me (the|your|ur) (account|account info|account number|card info|routing)",
    "(let me|lemme|i wanna|i want to|i'd like to) (buy|get|treat) (you|u|ya)",
    name="gives, sends or buys gifts for a member",
)
rule(
    "money.sell",
    "money_gifts",
    2,
    "(selling|sell|for sale|getting rid of) ~6 (if anyone|anyone|anybody|if you|if u|wants it|want it|interested|dm me|hmu|lmk|let me know)",
    "(i'll|ill|i will|i can|i could) (buy|take) (your|ur|that|it|the) ~3 (for|off) ~1 $#",
    f"{ILL} (give|pay) (you|u|ya) $# (for|to)",
    name="buys or sells between members",
)

# --- intimacy: romance, sexual remarks, comments on bodies, photo requests ------------
rule(
    "intimacy.photos",
    "intimacy",
    3,
    "(send|snap|text|dm) (me|us|over) ~3 (pic|pics|picture|pictures|photo|photos|selfie|selfies|nudes|noodz|nudez|nudies|face pic|body pic|full body|a pic|some pics)",
    "(send|snap|text|drop) (a|some|) (pic|pics|picture|pictures|photo|photos|selfie|selfies|nudes|noodz|nudez|nudies|body pic|body pics)",
    "(pic|pics|picture|pictures|photo|photos|selfie|selfies|video|vid) (of|from) (you|u|ya|yourself|urself|your body|ur body)",
    "(can|could|may) i see ~3 (pic|pics|a pic|a picture|a photo|photos|selfie|more of you|your body|ur body)",
    "(wanna|want to|wana|dying to|like to|love to) see (what|how) (you|u|ya) (look|looks|looking)",
    "(nudes|noodz|nudez|n00dz|nudies|sexts|sexting|sext|dick pic|dick pics)",
    "(selfie|pic|photo|picture) ~6 (on my wall|put on my wall|for my wall|to keep|under my pillow|lonely)",
    "(want|wanna|wana) (to |)see my ~3 (tattoo|body|abs|chest|new piercing|piercing|butt|booty|legs|outfit) ~6 (smirkemoji|devilemoji|winkemoji|hotfaceemoji|tongueemoji|lower back|thigh|hip|chest|butt)",
    "(on|of) my (lower back|thigh|thighs|hip|hips|butt|booty|chest|boobs) ~2 (smirkemoji|devilemoji|winkemoji|hotfaceemoji|tongueemoji|droolemoji)",
    name="asks for or offers photos of a person",
)
allow(
    "intimacy.ok",
    "intimacy",
    "(pics|pictures|photos|pic|picture|photo) (from|of) (the|our) (graduation|ceremony|event|trip|party|game|fair|museum|outing|certificate|session|release)",
    "(send|post|share|text) (me|us|) ~3 (pics|pictures|photos|pic|picture|photo) (from|of) (the|our) (graduation|ceremony|event|trip|party|game|fair|museum|outing|certificate|session|release)",
    "(sex|sexual) (offender|offense|offence|offenses|crimes|crime|ed|education|assault|abuse|harassment|health|orientation|trafficking|registry|predator|abuser)",
    "(i|we|i'm|im) ~1 (love|luv) (you|u|ya) (guys|all|yall|y'all|both|two|people|circle|fam|family)",
    "(strip|stripping) (mall|club|search|searches|searched|paint|wax)",
    "(cum|magna cum|summa cum) laude",
    "(the|a) (date|dates) (is|was|for|of|on)",
    "(cute|cutest) (dog|cat|puppy|kitten|baby|kid|kids|video|outfit|idea|story|drawing|hat|card|shoes)",
)
rule(
    "intimacy.romance",
    "intimacy",
    3,
    f"{IM} (falling|fallin|fell|falling in love|in love|crushing|crushin|so into|attracted|catching feelings|catchin feelings) (for|with|on|to) (you|u|ya)",
    "(i|i've|ive|i got|i have|i kinda have|kinda got) (have |got |)(a |)(crush|feelings|thing|soft spot) (on|for) (you|u|ya)",
    "(i|i'd|id|i would|i want to|i wanna|wish i could|let me|could i|can i) (marry|date|kiss|cuddle|make out with|be with|sleep with|hook up with|smash|touch|feel on|take you out|take u out) (you|u|ya)",
    "(marry|date|kiss) (you|u|ya) (in a heartbeat|for real|fr|someday|one day|tomorrow)",
    "(can|could|may) i (get|have|steal|give you|give u) a (kiss|smooch|peck)",
    "(kiss|kissed|kissing|made out|make out) (you|u|ya|me|anyone|anybody|someone|somebody|a boy|a girl)",
    "(are|r|you|u|ur|ya) (single|seeing anyone|seeing someone|dating anyone|dating someone|taken|got a man|got a girl|have a boyfriend|have a girlfriend|got a boyfriend|got a girlfriend)",
    "(take|taking|took) (you|u|ya) (out |)on a date",
    "(like|as) a date",
    "(it's|its) a date",
    "(go|going) on a date with me",
    "(date night|be my valentine|be my girl|be my boo|be my bae|be my man|be my woman|be my girlfriend|be my boyfriend|my future wife|my future husband|wifey material|husband material)",
    "(you're|youre|you are|ur|u r) my (girl|boo|bae|baby|babe|wifey|girlfriend|boyfriend|man|woman|crush|shorty|lady)",
    "(i|i'm|im) (love|luv|lov) (you|u|ya)",
    "(dream|dreamed|dreamt|dreaming|dreams|fantasize|fantasizing|fantasized) (about|of) (you|u|ya)",
    "(can't|cant|cannot|can not|couldn't|couldnt) (stop|quit) (thinking|dreaming) (about|of) (you|u|ya)",
    "(thinking|thought|think) (about|of) (you|u|ya) (in the shower|in bed|at night|all night|naked|like that)",
    "(wish|want|wanna|wish i|if only) ~2 (could|can) ~1 (hold|kiss|cuddle|hug|touch|be alone with|be with) (you|u|ya)",
    "(wish|want|wanna|if only) (we|i) could (be alone|be together|run away|get away)",
    "(you're|youre|you are|ur|u r|you) (the only|my only) (reason|thing|one) (i|that)",
    "(your|ur) (husband|wife|man|girl|boyfriend|girlfriend|partner|spouse|lady|woman|guy) (is|s|'s|are) ~1 lucky",
    "(lucky|luckiest) (man|woman|guy|girl|dude) ~4 (you|u|your|ur|have you|got you)",
    "if i (were|was|wasn't|wasnt|weren't|werent) ~3 (younger|single|older|in here|locked up|your age)",
    "(miss|missing|missed) (you|u|ya) (like crazy|baby|babe|every night)",
    "(hold|holding|cuddle|cuddling|kiss|kissing|touch|touching) (you|u|ya) (rn|right now|tonight|all night|close|tight)",
    "(soulmate|soul mate|my other half|the one for me|love of my life|meant to be together)",
    "(you|u|ya) (my|mine) (girl|boo|bae|baby|babe|wifey|girlfriend|boyfriend|man|woman)",
    "(said|say|told) (not yet|yes|maybe) (smirkemoji|winkemoji|hearteyesemoji)",
    name="romantic advances",
)
rule(
    "intimacy.body",
    "intimacy",
    3,
    "(you're|youre|you are|ur|u r|your|u are) (so|really|mad|hella|very|too|lowkey|low key|real|super|kinda|extra|damn|looking|lookin|such a|a) (hot|sexy|cute|beautiful|gorgeous|pretty|handsome|attractive|thicc|thick|sexxy|stunning|hottie|fine|snack|dime|cutie|baddie)",
    "(you're|youre|you are|u r|u are) (hot|sexy|gorgeous|handsome|attractive|thicc|thick|a snack|a hottie|a dime|a ten|a 10|stunning|beautiful|cute)",
    "(you|u|ya|you've|youve) (got|have|has|with) ~2 (nice|great|hot|sexy|amazing|beautiful|banging|bangin|tight|perfect) ~0 (body|butt|ass|legs|lips|chest|figure|curves|booty|boobs|tits|abs|thighs|bod)",
    "(nice|great|hot|sexy|amazing|beautiful|banging|bangin|perfect) (body|butt|ass|legs|lips|figure|curves|booty|boobs|tits|thighs|bod) ~3 (you|u|ya|your|ur|for a)",
    "(your|ur|those|them|dem) (lips|body|eyes|smile|legs|butt|ass|curves|figure|booty|boobs|tits|thighs|bod|hips|abs) ~2 (tho|though|drive me|make me|got me|mmm|lipsemoji|hearteyesemoji|kissemoji|droolemoji|smirkemoji)",
    "(those|them) (eyes|lips|legs|curves)",
    "(nice|hot|sexy|banging|bangin|fine|great) (legs|butt|ass|booty|boobs|tits|thighs|curves|body|bod) (in|on) (that|this|the|your|ur) (picture|pic|photo|selfie|video|dress|outfit|bikini)",
    "(prettiest|cutest|most beautiful|sexiest|hottest|gorgeous) (smile|eyes|face|lips|body|legs)",
    "(stare|staring) at (you|u|your|ur) ~3 (all day|all night|forever|pic|photo|profile)",
    "(you|u|ya) (look|looked|looking|looks|lookin) ~2 (good|hot|sexy|fine|beautiful|gorgeous|pretty|cute|handsome|stunning|thicc|thick) ~4 (in|on|today|tonight|camera|video|call|pic|photo|hearteyesemoji|smirkemoji|dress|outfit|bikini|really)",
    "(pretty|beautiful|hot|sexy|fine|cute|attractive|gorgeous) (young|little|lil) (woman|lady|girl|thing)",
    "(turning|growing|grown) (into|up into) (a|such a) (very |real |really |)(pretty|beautiful|hot|sexy|fine|attractive|gorgeous)",
    "(wear|wearing|wore) (that|the|your|ur) ~2 (dress|skirt|outfit|bikini|top|shorts|swimsuit|heels) ~3 (again|for me|fireemoji|hearteyesemoji|smirkemoji)",
    "(what|wat|wut) (are|r) (you|u) (wearing|wearin)",
    "(what|wat|wut) (you|u) (wearing|wearin|got on)",
    "(you're|youre|you are|ur|u r|when ur|when you're) in (bed|the shower|the bath|the tub)",
    "(you|u) in the (shower|bath|tub)",
    "(you|u|ya) ~3 in (a|your|ur|that) (bikini|bathing suit|swimsuit|lingerie|underwear)",
    "(sexy|horny|turned on|turn me on|turns me on|turning me on|make me wet|makes me wet|hard for you|sex with|have sex|having sex|sex tonight|netflix and chill|sleep with you|sleep with me|make out|making out|sexual|seduce|naked|nude|spank|orgasm|fuck me)",
    "(smirkemoji|devilemoji|hotfaceemoji|eggplantemoji|peachemoji|dropletsemoji|tongueemoji|droolemoji)",
    name="sexual remarks or comments on someone's body",
)

# --- bigotry_harassment: slurs, bigoted remarks, insults, threats ---------------------
rule("harass.slur", "bigotry_harassment", 3, SLURS, name="slur")
rule(
    "harass.bigotry",
    "bigotry_harassment",
    3,
    f"{GROUP} ~3 (are|r|is|be|were|always|all|never|just|so) ~3 {GROUP_BAD}",
    f"{GROUP} ~2 (ruin*|destroy*|taking over|take over|took over|run the|runs the|run this|run everything|control|controls|own the|owns the|replacing|invading|invade|steal our|stealing our|take our|taking our)",
    f"{GROUP} (shouldn't|shouldnt|should not) (be|have|get|vote|work|lead|teach|drive|be allowed|exist|be around)",
    f"{GROUP} should (all |)(go back|leave|die|burn|be deported|get deported|be locked up|stay in the kitchen|stay home|shut up|know their place)",
    f"{GROUP} (can't|cant|cannot|can not) (do|be|handle|understand|drive|lead|think|learn|code|be trusted)",
    f"(hate|can't stand|cant stand|sick of|disgusted by) ~1 {GROUP}",
    "(typical|stereotypical) (woman|women|female|girl|man|black|mexican|muslim|jew|immigrant|illegal|chinese|asian|arab|gay|trans|latino|latina|indian|hood|ghetto|ex con|felon|junkie)",
    "(only|just) (got|get|gets|hired|promoted|picked|chosen|accepted|admitted|in) ~6 (because|cuz|cause|bc|cos|since) (she's|he's|they're|shes|hes|theyre|she is|he is|they are|she a|he a|she|he) ~1 (black|white|mexican|asian|a woman|a girl|female|gay|trans|muslim|jewish|latina|latino|hispanic|indian|an immigrant|a minority|disabled)",
    "(diversity|affirmative action) (hire|points|pick|quota|case|token)",
    "(go|get|send them|send him|send her|ship them) back (to|where) ~3 (mexico|africa|china|your country|where you came from|where they came from|your own country|the jungle|india|asia|haiti|somalia|the desert)",
    "(don't|dont|do not|won't|wont|never) want (a|no|any) (black|mexican|muslim|jewish|gay|trans|asian|white|immigrant|female|woman|indian|arab|latino|chinese) (mentor|person|coordinator|roommate|guy|lady|teacher|boss|doctor)",
    "they (all|always|just|never) (lie|steal|cheat|stink|smell|breed|rob|sell drugs|complain|whine)",
    "(you people|your people|you lot|your kind|their kind|those people|these people) ~4 (always|never|all|are|should|can't|cant|want|need|get|don't|dont)",
    "(people like you|ppl like you|people like u|ppl like u|someone like you|guys like you|your type) ~4 (shouldn't|should not|shouldnt|never|always|don't|dont|can't|cant|are|belong|need|ever|won't|wont|deserve|make me)",
    "(that's|thats|that is|so|sounds|looks|kinda) (gay|retarded|ghetto)",
    "(gay|retarded) (ass|af|as hell|as fuck)",
    "no homo",
    "(mentally ill|sick in the head|an abomination|abominations|unnatural|not natural|groomers|pedos|perverts|freaks) ~3 (trans|gay|gays|lesbians|queers|they|them|those people)",
    f"(trans|transgender|gay|queer|lesbian|bi) (people|folks|kids|men|women|ppl) ~3 (are|r|is) ~2 {GROUP_BAD}",
    "(women|woman|girls|females|chicks|bitches) (belong|should stay|need to stay) (in|at) (the |)(kitchen|home|house)",
    "like a bitch",
    "(a|the|these|those) (muzz|muzzy|muzzie)",
    name="bigoted remark about a group",
)
allow(
    "harass.ok",
    "bigotry_harassment",
    "(called|call|calling|calls|said|say|used|use|using) ~3 (me|him|her|us|them) ~1 (a|the) (slur|n word)",
    "(people think|they think|people say|they say|people assume|they assume|stereotype|stereotypes|assume|assumes|assuming|think that|the idea that|the myth that|not all) ~4 {GROUP}".replace(
        "{GROUP}", GROUP
    ),
    "(no offense|none taken) (but |)(i|to|meant|intended|taken)",
    "(gay|queer|trans|lesbian) (club|pride|community|rights|marriage|friend|friends|couple|mentor|son|daughter|brother|sister|cousin|uncle|aunt|bar)",
    "(mentor|friend|brother|sister|son|daughter|cousin|uncle|aunt|coworker|boss|he|she) (is|s|'s) (gay|trans|queer|lesbian|black|mexican|muslim|jewish)",
    "(flame|fire|growth) (retardant|retardants)",
    "(i|i'm|im|i am|i feel|i felt|feel|felt|i was|i've been|ive been) ~2 (so |such a |a |an |like a |like an |)(stupid|idiot|dumb|loser|failure|mess|clown|joke|fat|lazy|ugly|useless|worthless)",
    "(not|never|aren't|arent|isn't|isnt|ain't|aint) ~2 (a |an |)(failure|loser|idiot|stupid|dumb|useless|worthless|joke|mess|waste)",
    "(shut up|stfu|shut the front door) (lol|lmao|omg|no way|thats amazing|that's amazing|for real|fr|congrats|congratulations|yay)",
    "(stupid|dumb|idiot|trash|garbage|worthless) (printer|computer|phone|bus|app|tablet|car|game|question|questions|mistake|mistakes|test|rule|rules|system|form|forms|thing|homework|essay|website|site|laptop|alarm|defense|team|ref|refs|referee|call)",
    "(pig|pigs) (in a blanket|roast|out|latin)",
    "(you|u) (guys|all|yall) (are|r) (the best|amazing|awesome)",
    "(the|a|my|his|her|that|this) (joke|clown|fool) (was|is|about|of)",
    "(could|would|'d|d|i'd|id) kill for",
    "(kill|killed|killing|murder|murdered) (it|this interview|the interview|the test|that test|the game|that game|the exam)",
    "(gonna|going to) (destroy|kill|crush|beat|smoke|wreck) ~2 (in|at) (2k|madden|fifa|the game|chess|cards|basketball|ball|fortnite|cod|uno|spades|dominoes|ping pong)",
    "(beat|beating|beats) (him|her|them|you|u|my brother|my sister) (in|at) ",
    f"{ILL} ~2 (beat|kill|destroy|smoke|crush|wreck|whoop) ~3 (in|at) (2k|madden|fifa|the game|chess|cards|basketball|ball|fortnite|cod|uno|spades|dominoes|ping pong|pool|checkers|trivia)",
    "(knock|knocking) (em|'em|them) dead",
    "(you're|youre|you are|ur) (dead|done) (right|tired|wrong|on|lol)",
)
rule(
    "harass.insult",
    "bigotry_harassment",
    3,
    f"(you're|youre|you are|ur|u r|you r|u are) ~3 {INSULT}",
    f"(you|u|ya|yall) (stupid|dumb|fat|lazy|ugly|worthless|useless|pathetic|fucking|fuckin|little|old|big) ~1 {INSULT}",
    f"(you|u|ya) {INSULT_NOUN}",
    f"(shut up|shut the fuck up|stfu|shut your mouth|shut ur mouth) ~4 ({YOU}|{INSULT}|nobody|no one|old man|old lady|bitch|idiot|loser|stupid)",
    f"(nobody|no one|noone) (asked|likes|cares about|wants|loves) ({YOU}|your opinion|ur opinion)",
    "(no wonder|that's why|thats why) ~2 (nobody|no one|you|u|ya) ~3 (likes|like|got caught|are alone|alone|single|locked up|failed|fail|lost)",
    "(fat|lazy|stupid|dumb|ugly|worthless|useless|pathetic|old|dirty|filthy|fucking|stupid ass|dumb ass|fat ass|lazy ass|bitch ass) (pig|idiot|moron|loser|bitch|cow|slob|fool|clown|snitch|piece of shit|piece of crap|bastard|whore|slut|junkie|crackhead|retard|hoe|cunt|prick|dick|asshole)",
    "(total|complete|absolute|utter|such a|what a) (waste of space|waste of air|joke|failure|loser|idiot|moron|disgrace|embarrassment|clown)",
    "(dumb|stupid) as (a rock|rocks|hell|shit|a box of rocks|dirt|a brick)",
    "(you'll|youll|you will|ur gonna|you're gonna|youre gonna) (be back|end up back|go back|never amount|never change|always be|die) ~2 (inside|in prison|in jail|locked up|to prison|to jail|to anything|a loser|a junkie|a failure|alone|an addict)",
    "(worthless|useless|pathetic|disgusting) (ex con|ex-con|felon|junkie|addict|criminal|loser|human|person)",
    "(go to hell|burn in hell|rot in hell|fuck off|fuck you|screw you|eat shit|kiss my ass|piss off|drop dead)",
    "(kill|k i l l|hang|off|unalive|end) (yourself|urself|your self|ur self|yourselves)",
    "kys",
    name="insult or demeaning remark",
)
rule(
    "harass.threat",
    "bigotry_harassment",
    3,
    f"{ILL} ~2 (beat|kill|hurt|stab|shoot|smack|slap|punch|jump|murder|choke|strangle|fuck up|fuck you up|mess you up|mess u up|whoop|whup|snuff|lay hands on|put hands on|put my hands on|knock you out|knock u out|body|cap|pop) ({YOU}|him|her|them|your ass|ur ass|your face|ur face|his ass|her ass|that snitch|that rat|you up|u up)",
    f"(beat|kill|hurt|stab|shoot|smack|slap|punch|jump|murder|choke|strangle|whoop|whup) ({YOUR}|his|her) (ass|face|head|family|kids|mom|momma|mother)",
    "(my boys|my homies|my people|my guys|my brothers|the set|my set|my gang|the homies|my bros) ~4 (handle|deal with|touch|hurt|jump|run up on|pull up on|take care of|see about) (him|her|you|u|them|ya)",
    "(gonna|going to|finna|bout to|about to) (handle|deal with|run up on|pull up on) (him|her|you|u|ya|them)",
    f"i know where {YOUR} ~1 (live|lives|work|works|stay|stays|kids|kid|mom|momma|family|wife|husband|daughter|son|car|school|house|sleep)",
    "i know where (you|u|ya) (live|stay|work|sleep|be)",
    f"i know (what|which) (car|truck|house|school) {YOU} (drive|take|live|go)",
    f"(watch|better watch|watch out for) ({YOUR}|ya) (back|mouth|kids|family)",
    "(see what happens|you'll see|you will see|find out what happens) ~2 (when|if|after) (i|you|u) ~2 (get out|do|say|keep|report|snitch|tell)",
    f"(keep|keeping|keeps|kept) (running|talking|runnin|talkin) ~2 ({YOUR}|his|her|ya|that) (mouth|shit|trash|lip)",
    "(keep|keeping) (talking|talkin|running your mouth|running ur mouth) ~1 (and|n) (see|watch|find out)",
    "(you'll|youll|you will|you gonna|you're gonna|ur gonna) (regret|pay for) (this|it|that)",
    "(snitches|snitch) (get|gets|getting) (stitches|hurt|dealt with|ditches)",
    f"(if|next time) {YOU} (report|snitch|tell|rat) ~4 (again|on me|i'll|ill|you'll|youll|i swear)",
    "(i swear|swear to god|i promise) ~3 (i'll|ill|i will|gonna) (beat|kill|hurt|stab|shoot|end|smack|punch|fuck)",
    "(you're|youre|you are|ur) (dead|a dead man|gonna get it)",
    name="threat of violence",
)

# --- illegal_activity: drugs, weapons, theft, fraud, breaking supervision -------------
rule(
    "illegal.drugs",
    "illegal_activity",
    2,
    f"(got|have|get|getting|grab|grabbed|buy|buying|bought|cop|copped|copping|selling|sell|sells|pick up|picked up|score|scored|scoring|bring|bringing|hook you up with|hook u up with|hook me up with|plug|plugged|holding|slinging|slanging|pushing|serving|fronted|re up|smoke|smoking|popping|snort|snorting|shooting up|rolling on|tripping on|dab|dabbing) ~3 {STRONG_DRUG}",
    f"{STRONG_DRUG} ~2 (cheap|for sale|for cheap|if (you|u) (need|want|tryna)|available|on deck|in stock|for the low|no script|no prescription|no questions)",
    "(know|knows|got|have) (anyone|anybody|someone|somebody|a guy|a plug|a dude|a connect|the plug) ~2 (who|that|that s|thats|that's|to) (sells|selling|sell|got|has|can get|could get|deals|is holding)",
    "(need|want|looking for|lookin for|tryna get|trying to get) (a plug|a connect|the plug|a dealer|something to smoke)",
    "(no script|no prescription|without a script|without a prescription) (needed|required|necessary)",
    f"(can|could|will) get (you|u|ya|me) ~2 {STRONG_DRUG}",
    f"(want me to|wanna|should i|i'll|ill|i can) (bring|grab|get) ~2 {STRONG_DRUG}",
    "(been|started|start|i'm|im|i've been|ive been) (using|getting high|popping|snorting|shooting up|relapsing) ~2 (again|on weekends|on the weekends|every weekend|every day|everyday|lately|on the low|for the stress)",
    "(sell|selling|slanging|moving|pushing|serving|flipping|sling|slinging|trapping) ~2 (a lil|a little|a lil bit|a little bit|on the side|packs|weight|bags|zips|dope)",
    "(hold|keep|hide|stash|stashing|holding|hiding) ~3 (my|the|this|his|her|a|some|that) (stash|package|drugs|pills|weed|dope|piece|gun|strap)",
    "(hold|holding) (onto|on to) (something|some stuff|a bag|a package|some things|a few things) (for me|for him|for a while)",
    "(hold|holding) (some|my|the|a few) (pills|drugs|weed|bud|dope|bags) (for me|until|till|til|while|for a)",
    "(smuggle|smuggling|sneak|sneaking|snuck) ~3 (tobacco|phones|phone|cellphone|drugs|k2|spice|weed|dope|strips|subs|suboxone|pills|contraband|a phone|a cell) (in|inside|into|through|thru)",
    "(can|could|will|gonna) (get|bring) ~3 (tobacco|phones|drugs|k2|spice|weed|dope|contraband|strips|subs) (in|inside)",
    "(soak|soaked|soaking|spray|sprayed|spraying|dip|dipped|lace|laced) ~4 (letters|letter|paper|papers|mail|cards|card|pages|books) ~3 (in|with) ~1 (k2|spice|drugs|meth|suboxone|fent|acid)",
    "(got|has|have|get|gets) (a |an |)(lil |little |)(phone|cell|cellphone|flip phone|burner|cell phone) ~3 (in here|inside|on the tier|on the unit|in my cell|in my locker|stashed|hidden|in my bunk|on the block)",
    "(phone|tablet|cell) ~2 (that ain't|that aint|that isn't|that isnt) from (the state|the facility|the doc|commissary|the prison|the jail)",
    name="drugs or contraband",
)
allow(
    "illegal.drugs-ok",
    "illegal_activity",
    "(used to|use to|back when i|when i was|before i|years ago i|in the past i|i once) ~3 (sell|sold|deal|dealt|use|used|smoke|smoked|steal|stole|rob|robbed|boost|boosted|carry|carried|push|pushed|slang|sling|bang|banged|run|ran)",
    "(offered|offer|offers|tried to sell|tried to give) (me|him|her) ~2 (pills|drugs|weed|something|dope|some)",
    "(prescribed|prescription|my doctor|the clinic|the nurse|in front of the nurse|legally|pharmacy gave)",
    "(test strips|narcan|naloxone|drug ed|drug education|war on drugs|documentary|sentencing)",
    "(got|get|pick up|picked up|take|took|taking|need|refill|refilled) my (pills|meds|medication|prescription)",
    "(don't|dont|do not|never|no longer|quit|stopped|stay away from|staying away from|won't|wont|not gonna|didn't|didnt) ~2 (smoke|smoking|use|using|drink|drinking|sell|selling|touch|pick up)",
    "(weed|marijuana|alcohol|drinking|pills) (is|are) (legal|a violation|not allowed|off limits)",
)
rule(
    "illegal.supervision",
    "illegal_activity",
    2,
    f"(my|your|ur|the|his|her|our) ~1 {PO} ~2 (won't|wont|don't|dont|doesn't|doesnt|ain't|aint|will never|never|not gonna|won't ever|wont ever|isn't gonna|isnt gonna|is not gonna|will not|wouldn't|wouldnt|does not) ~1 (know|notice|find out|check|need to know|catch|ever know|be told|have to know)",
    f"{NEG} (tell|report|mention|say|bring up) ~4 (to |)(your|ur|my|the|his|her) ~1 {PO}",
    f"(tell|say to|lie to|lying to|lied to|told) (your|ur|my|the|his|her) ~1 {PO} ~2 (you|u|i|that|we|he|she) ~1 (were|was|are|had|did|worked|went|got|been|at|sick)",
    f"(lie|lying|lied) to (your|ur|my|the|his|her) ~1 {PO}",
    f"(hide|hiding|keep|keeping) (it|this|that|them|stuff|something) ~2 from (your|ur|my|the|his|her) ~1 {PO}",
    f"(not|isn't|isnt|ain't|aint) (at|in) (my|the|your|ur) (place|house|room|apartment|apt|car|locker|crib|spot) when ~3 {PO}",
    f"(cut|cutting|take off|taking off|took off|slip|slide|slid|sliding|remove|removing|get off|getting off|trick|tricking|beat|beating|block|blocking|jam|jamming|foil|wrap|wrapping|wrapped|mess with|messing with|disable|disabling|tamper|tampering|fool|fooling|bypass|bypassing|cheat|cheating) ~4 {MONITOR}",
    f"{MONITOR} ~4 (off|lose signal|loses signal|lose the signal|no signal|won't track|wont track|can't track|cant track|with lotion|with foil|with a balloon|with tinfoil)",
    f"(beat|beating|cheat|cheating|trick|tricking|fool|fooling|get around|get past|getting around|fake|faking|flush|flushing|mask|masking) ~3 (a|the|my|your|ur|his|her|this|that) ~1 {TEST}",
    f"(pass|passing) ~2 (a|the|my|your|ur) ~1 {TEST} ~3 (even if|even though|if you used|if u used|with fake|with synthetic|with someone|with somebody)",
    "(skip|skipping|miss|missing|ditch|dodge|dodging) (your|ur|my|the|a) (drug test|ua|piss test|check in|check-in|po appointment|meeting with my po|appointment with my po)",
    "(say|tell them|tell em) (you|u) had (car trouble|a flat|to work|a family emergency)",
    "(fake|synthetic|someone else's|somebody's|somebody else's|buddy's|friends|friend's|niece's|nephew's|cousin's) (pee|piss|urine|ua|cup|sample)",
    "(clean|fake) (pee|piss|urine|ua) ~4 (for (you|u|me)|kit|niece|nephew|cousin|friend|buddy|will pee|can pee)",
    "(pee|piss|pees|pissed|peed) (in|into) (a|the|your|ur|my) (cup|bottle) (for|4) (you|u|me|ya)",
    "(swap|swapped|swapping|switch|switched|switching|trade|traded) ~3 (cup|cups|sample|samples|urine|pee|piss)",
    "(fake|synthetic) (pee|urine|piss) (kit|kits|stuff)",
    "(buy|get|use|got) (the |some |)(synthetic|fake) (stuff|pee|urine|piss|kit)",
    "(stay|staying|stayed|be|being|come|coming) (out |home |back |)(past|after) (curfew|my curfew|your curfew|lockdown|count)",
    "(sneak|sneaking|sneaked|snuck) (out|away) ",
    "(break|breaking|broke|violate|violating|violated) (curfew|my curfew|my parole|my probation|parole|probation|the no contact|no contact|my conditions|conditions|the order)",
    "(i know|even though|although|despite|i'm aware|im aware|knowing) ~3 (i'm|im|i am|we're|were|we are|you're|youre|you are|ur|there's|theres|there is|i got|i have|i'm on|im on) ~4 (not supposed to|not allowed to|on no alcohol|no alcohol|no drinking|on conditions|conditions|no contact|no-contact|no contact order|restriction|restricted|not permitted)",
    "(even though|although|despite) ~3 (no contact order|no-contact order|no contact|restraining order|protective order|not supposed to|not allowed)",
    "(not supposed to|not allowed to) (associate|hang|be around|talk to|contact|see|leave the county|leave the state|leave town|cross|drink|use) ~6 (but|whatever|anyway|nobody|no one|so what|it's fine|its fine|who cares)",
    "(leave|leaving|left|cross|crossed|crossing|go|going|slide|sliding|drive|driving|head|heading) ~5 (the county|county|the state|state lines|state line|across state|out of state|out of town|the river|jurisdiction) ~8 (nobody|no one|won't know|wont know|won't notice|wont notice|don't need to know|dont need to know|doesn't know|doesnt know|won't find out|without telling|without permission|without a pass|without asking|on the low|one night)",
    "(no contact order|no-contact order|restraining order|protective order) ~8 (but|anyway|she wants|he wants|she invited|he invited|it's fine|its fine|whatever)",
    "(repping|rep|reppin|representing) (the|my) (set|hood|block|gang|crew|clique|flag|colors)",
    "(my boys|my homies|my guys|the homies) from the (set|block|hood|gang)",
    "(can't|cant|cannot|not gonna|won't|wont) (just |)(walk away|leave) from (my|the) (brothers|set|gang|hood|crew|homies|boys)",
    name="breaks supervision conditions or hides from a PO",
)
allow(
    "illegal.supervision-ok",
    "illegal_activity",
    "(approved|permission|permit|pass|signed off|sign off|signs off|signed|allowed|okayed|ok'd|cleared) ~6 (travel|trip|leave|go|cross|visit|curfew|funeral|county|state)",
    "(can't|cant|cannot|can not|not allowed to|need|needs|have to|has to) (leave|cross|go|travel) ~5 (without|till|until|unless) ~3 (permission|a pass|approval|signs off|signed|my po|the permit|a travel permit)",
    "(i'm|im|i am) (respecting|following|keeping|complying with|obeying) ~2 (it|the order|the no contact|my conditions|the rules|curfew)",
)
rule(
    "illegal.theft-fraud",
    "illegal_activity",
    2,
    "(boost|boosting|boosted|shoplift|shoplifting|steal|stealing|rob|robbing|hit a lick|hitting a lick|hit licks|hittin licks|finesse|finessing) ~4 (from|at|a|the|some|stuff|cars|car|converters|packages|a store|target|walmart|someone|people|wallets|phones)",
    "(make|making|get|getting) (quick|easy|fast|some fast|some quick|some easy) (money|cash|bucks|bread|paper)",
    "(easy|quick|fast|free) (money|cash|bread|paper) (right|tho|though|if|no|just)",
    "(catalytic converter|catalytic converters|cat converter|cat converters|catalytic)",
    "(fell|falls|fallen) off (a|the) (truck|back of a truck|back of the truck)",
    "(stolen|hot|boosted|jacked|swiped) (tvs|tv|phones|goods|car|cars|merch|laptops|iphones|bikes)",
    "(use|using|used|borrow|borrowing|take|put|putting) ~1 (his|her|someone's|somebody's|somebody else's|someone else's|cousin's|cousins|brother's|brothers|sister's|sisters|mom's|moms|dad's|dads|friend's|homie's|buddy's|aunt's|uncle's|niece's|nephew's|girl's|ex's) ~2 (ebt|ebt card|food stamps|snap card|social|ssn|social security|identity|debit card|credit card|license|pay stubs|paystubs|benefits|medicaid card|name and social|name|id)",
    "(use|using|put) my (social|ssn|social security|social security number|name and social|identity|pay stubs|id) (on|for) ~2 (the|your|ur|an|a|my) ~1 (application|app|form|lease|loan)",
    "(in|under) (his|her|someone else's|somebody else's|my sister's|my brother's|my cousin's|my mom's|my girl's|my friend's) ~1 (name|social) ~6 (won't know|wont know|won't check|wont check|landlord|they don't|they won't|nobody|since mine|cuz mine|because mine)",
    "(landlord|employer|the job|the state|the court|caseworker|the landlord|the employer|they) (won't|wont|will never|don't|dont|doesn't|doesnt|never) (check|verify|catch on|run it|look it up)",
    "(landlord|the landlord) (won't|wont|will never|doesn't|doesnt) (know|find out)",
    "(fake|forged|forge|forging) (id|ids|pay stub|pay stubs|paystubs|check stub|documents|papers|signature|doctor's note|doctors note|references|prescription|script)",
    "(cash|under the table) (job|work|gig) ~8 (don't|dont|do not|never|won't|wont|not) (report|tell|mention|declare)",
    "(don't|dont|do not|never) (report|declare|claim) (the |that |your |ur |my |)(cash|income|job|cash job|side job|side hustle|tips)",
    "(buy|get|got|bought|getting) ~3 (us|me|yall|y'all|the kids) ~2 (a bottle|some beer|beer|beers|liquor|alcohol|a fifth|a case|vodka|henny|hennessy|a handle|a 30 rack|a pint|some liquor|wine|a 12 pack|cigarettes|cigs|vapes|a vape|juul|carts)",
    name="theft or fraud",
)
rule(
    "illegal.weapons",
    "illegal_activity",
    2,
    f"(get|got|sell|selling|sells|buy|buying|bought|have|has|cop|copped) ~2 ({YOU}|me|ya|him|her|them|a|an|my|his|this) ~2 (gun|guns|piece|strap|pistol|glock|burner|heater|blick|rifle|shotty|shotgun|ghost gun|chopper|draco) ~6 (no papers|no paperwork|no serial|no background|off the books|cheap|if you|if u|need one|for protection|under the table|$#)",
    "(selling|sell|sells|got|has) (a|his|my|her) (piece|strap|pistol|glock|burner|heater|blick|chopper|draco|gun) ~4 ($#|no papers|no paperwork|cheap|if you|if u)",
    "(no papers|no paperwork|no serial|no serial number|no background check) ~4 (gun|piece|strap|pistol|glock|burner|heater|blick|chopper|draco|needed|required)",
    "(gun|piece|strap|pistol|glock|burner|heater|blick|chopper|draco) ~4 (no papers|no paperwork|no serial|no background check|off the books)",
    "(carry|carrying|carried|bring|bringing|brought|keep|keeping|packing|strapped|tote|toting) ~5 (knife|gun|blade|piece|strap|weapon|pistol|glock|burner|heater|shank) ~4 (school|backpack|to class|in my bag|in class|on me|to group|in the car|for protection|just in case)",
    "(started|start|been|gonna|going to|about to) (carry|carrying|packing|bringing) ~3 (knife|gun|blade|piece|strap|weapon|pistol|shank)",
    "(make|making|made) a (shank|weapon)",
    name="weapons",
)
allow(
    "illegal.weapons-ok",
    "illegal_activity",
    "(can't|cant|cannot|can not|not allowed to|not supposed to|never|don't|dont) (own|have|carry|touch|buy|be around) (a |any |)(firearm|firearms|gun|guns|weapon|weapons)",
    "(piece|pieces) (of|together|by piece|work)",
)

# --- crisis: self-harm, suicidal thoughts, abuse, danger right now --------------------
rule(
    "crisis.suicide",
    "crisis",
    3,
    "(kill|killing|k i l l|end|ending|hurt|hurting|off|offing|unalive|unaliving|harm|harming|shoot|shooting|hang|hanging|drown|drowning|cutting|od|overdose|overdosing) (myself|my self|me self|mself)",
    "(take|taking|end|ending) my (own |)life",
    "(end|ending) (it all|everything|my life)",
    "(end|ending) it (tonight|for good|once and for all|all|now|today)",
    "(i'll|ill|i will|gonna|going to|i'm gonna|im gonna|i want to|i wanna|wanna|i should|i might|might|just|i'm going to|im going to|ready to|want to|i'll just|ill just) (just |)(end it|end it all|end things|be done with it all|go to sleep forever|disappear forever)",
    "(suicide|suicidal|self harm|self-harm|selfharm|sewer slide|unalive|kms)",
    "(want|wanna|wish i could|going to|ready to|i just want to|i just wanna|i'd rather|id rather|i want to|just want to) ~1 (die|be dead|not exist|stop existing|not be alive|sleep forever|not wake up|never wake up|disappear forever)",
    "(want|wanna|just want|just wanna) to sleep (for a really long time|forever|and not wake up|for a long time)",
    "(wish|wished|wishing) (i|i'd|id) (was|were|had|never|could) ~2 (dead|died|never been born|not born|gone|die|sleep forever)",
    "(better off|be better) ~4 (dead|without me|if i was gone|if i were gone|if i died|if i wasn't here|if i wasnt here|if i weren't here|if i was dead|if i were dead|without me around)",
    "(everyone|everybody|they|my family|my kids|the world|y'all|yall|you all|people) ~0 (would|will|'d|d) ~1 (better|better off|happier|fine|okay|ok) ~0 (without me|if i (was|were) gone|if i died|if i wasn't here|when i'm gone|when im gone|without me around)",
    "(would|will|'d) be (fine|better|ok|okay|happier) without me",
    "(don't|dont|do not|can't|cant) (want|wanna) to (live|be alive|wake up|exist|be here anymore|be here no more|go on|keep going|keep living)",
    "(don't|dont|do not) (want|wanna) (be here|to be here) (anymore|any more|no more)",
    "(don't|dont|do not) (wanna|want to) wake up",
    "(no|nothing|no reason) (left |)to live for",
    "(no|not any|don't see a|dont see a|don't see any|dont see any) (reason|point) (to live|in living|to go on|to keep going|to be here|in trying|of living)",
    "(what's|whats|what is|wats) (even |)the point (of (anything|any of this|living|life|trying|it all|going on|me|being here|this life)|anymore|in living|in trying)",
    "(can't|cant|cannot|can not) (go on (anymore|like this|living)|do this anymore|take (it|this) anymore|keep going|keep doing this|live like this|handle (it|this) anymore|take much more)",
    "(tired|so tired|sick and tired|exhausted) of (trying|fighting|living|everything|it all|being alive|life|existing|being here|being me)",
    "(deserve|deserves) to die",
    "(the |)voices ~4 (telling|tell|say|saying|want|told) ~3 (me|to)",
    "(saving|saving up|stockpiling|hoarding|stocking up|counted|counting|collecting|saved up) ~3 (my |)(pills|meds|medication|medications|sleeping pills|pain pills|painkillers|oxys|percs)",
    "(took|taken|swallowed|downed|popped|ate|taking) ~3 (a bunch|a bottle|a whole bottle|whole bottle|the bottle|a handful|all|the whole|way more|too many|a lot|a ton|tons|way too many|extra|double) ~3 (pills|meds|of my|of them|sleeping pills|tylenol|than i meant|than i should)",
    "(took|used|did|done|taken|shot up|smoked) way (more|too much) (than|then)",
    "(looked up|looking up|look up|researching|researched|searched|googled|googling|read about) (how|what) ~6 (pills|meds|it would take|to die|to kill|overdose|lethal|painless|to end)",
    "how (many|much) ~4 (pills|meds|it would take|would it take|to die|to overdose|is lethal)",
    "(standing|stood|sitting|sat|been on|up on|i'm on|im on|i am on|i'm at|im at|stand on|sit on|went to|walked to|drove to|out on|sitting on|standing on) (the|a|that) (bridge|overpass|roof|rooftop|ledge|tracks|train tracks|railroad|cliff|parking garage)",
    "(drive|driving|drove|crash|crashing|jump|jumping|walk|walking|step|stepping|swerve|swerving) (into|off|in front of) (the|a) (river|lake|train|traffic|oncoming traffic|ocean|overpass|bridge|wall|tree|truck)",
    "(this is|this will be|it's|its) my (last|final) (message|text|post|goodbye|words)",
    "(sorry for everything|goodbye everyone|goodbye forever|bye forever|goodbye for good|farewell everyone|see you on the other side|won't be around much longer|wont be around much longer)",
    "tell (my|the) (kids|family|mom|momma|daughter|son|wife|girl|children|baby|sister|brother|husband) (i'm|im|i am|that i'm|that im|i) (sorry|love them|loved them)",
    "(wrote|written|writing|write|left|leaving|leave) ~3 (letter|letters|note|notes|goodbye|goodbyes) ~6 (just in case|goodbye|in case|to remember me|when i'm gone|when im gone|after i'm gone|for after)",
    "(giving|gave|give|given) ~1 away ~3 (my|all my|everything|all of my|stuff|things)",
    "(giving|gave) (away )?(all )?my (stuff|things|belongings)",
    "(gave|give|giving) (my|all my) ~4 away",
    "(won't|wont|will not|not gonna) (be |)(need|needing) (it|them|this|that|these|those|any of it|any of this|my stuff|anything) (anymore|any more|much longer|soon|where i'm going|where im going|)",
    "(dark|bad) place (right now|rn|again|lately|these days|today|this week)",
    f"{IM} (in a really dark|in a dark|in such a dark) place",
    f"{IM} (a burden|such a burden|a waste|a waste of space|worthless|hopeless|nothing) ~3 (to everyone|to everybody|to my family|to them|anymore|to you all|to yall|to y'all|to anyone)",
    "(no one|nobody|noone|no1) (would|will|gonna|is gonna) (miss|notice|care) (me|if i|if im|when i|that i'm|that im)",
    "(nobody|no one) would (notice|care) (anyway|anyways|if)",
    "(need|needed|just wanted|just want|wanted) to feel (something|anything)",
    "(been |)(cutting|burning|hurting|harming|scratching) (again|myself|my self|my arms|my wrists|my legs|my thighs|my skin)",
    "(started|start|starting) (cutting|burning|hurting myself|harming myself) again",
    "(cut|burned|burnt) my (wrists|wrist|arms|thighs|skin) ~2 (again|last night|on purpose|deep|not deep)",
    "(don't|dont|do not|can't|cant|cannot) see (how|a way|the point|any way|any reason|how this|it getting|things getting) ~3 (gets better|get better|getting better|going on|to go on|to keep going|will get better|ever gets better)",
    "(i don't|i dont|don't|dont) (really |)care (anymore|any more|what happens (to me|anymore|tonight|now)|if i (die|wake up|live|make it|don't wake up|dont wake up))",
    "(see what happens|whatever happens happens) ~4 (don't|dont|do not|nobody|no one|alone|by myself)",
    "(do|doing|take|taking|use|using|shoot|shooting|smoke|smoking) (them|these|those|em|it all|all of them) ~2 (alone|by myself) ~1 (tonight|now|rn)",
    "(feel|feels|feeling) like (a ghost|a burden|i'm already dead|im already dead|i'm dead inside|im dead inside|giving up|i don't exist|i dont exist)",
    "(rather|better) (be |)(back inside|back in prison|back in jail|locked up) ~3 (or dead|than alive|dead)",
    name="suicidal thoughts or self-harm",
)
allow(
    "crisis.ok",
    "crisis",
    "(could|would|'d|d|i'd|id) kill for",
    "dying (to|for) ",
    "(dead|dying|died) (tired|serious|ass|last|right|wrong|battery|phone|laughing|of laughter|of embarrassment)",
    "(end|ending|finish|finishing) (it|it all|things) (here|there|for today|for now|early|at|on a|with|after|by|off|up)",
    "(just|i'll|ill|let's|lets|we|we'll|gonna) ~2 (end|ending) (it|things) (here|there|for today|for now|early|at|on a|with|after|by)",
    "(knock|knocking) (em|'em|them) dead",
    "(don't|dont) (want|wanna) (to |)(be here|be in this|stay here|wait here|sit here) ~8 (line|dmv|class|meeting|traffic|queue|wait|waiting|waiting room|store|office|party|school|work|job|shift|bus|airport|hospital|clinic|court|courthouse|building|lecture|church|mall|rain|cold|heat|snow|game|lol|lmao|haha)",
    "(line|dmv|class|meeting|traffic|queue|waiting room|store|office|party|school|work|job|shift|bus|airport|hospital|court|courthouse|lecture) ~8 (don't|dont) (want|wanna) (to |)be here",
    "(past|last year|used to|back then|a while ago|last month|years ago) ~6 (dark place|wanted to die|suicidal|cutting|cut myself|hurt myself)",
    "(giving|gave|give|giving away) ~3 (away|all) ~3 (clothes|books|toys|food|stuff) ~4 (shelter|goodwill|donation|donate|charity|church|drive|pantry|kids who|families)",
    "(won't|wont|will not) (be |)(need|needing) (it|them|this|that) ~4 (till|until|til|before|after|for|since|if|because|cuz|bc|thanks|now that)",
    "(tired|so tired|sick and tired) of (trying|fighting|waiting) (to|for|with|on|over) (find|get|call|reach|the|this|that|my|a|an)",
    "(last|final) (message|text|post|goodbye|words) (before|of|for|from|about|in|on|was|is|i sent)",
    "(cutting|burning) (hair|wood|grass|onions|vegetables|back|costs|corners|class|calories|weight|fat|down)",
    "(burning|hurting|killing) (myself|my self) (out|up|laughing|on|at|with work|working)",
    "(he|she|they|someone|somebody|my|he just|she just) ~2 (hit|hits) (me|us) up",
    "(they|he|she|we|my) ~2 (beat|beats) (us|me) (in|at|by)",
    "(my|his|her) (heart|chest) (is |was |)(racing|pounding) ~4 (excit*|good|happy|nervous|interview|game|exam|test|news|joy|workout|gym|run|running)",
    "(nervous|excited|interview|test|exam|presentation|game|workout|gym|run|running) ~6 (heart|chest) (is |was |)(racing|pounding)",
    "(follow|following|followed|follows) (me|my) (on|around the|around) (insta|ig|tiktok|twitter|social|the store)",
    "(kills|kill|killed|killing) me (lol|lmao|haha|ha|😂|😭)",
)
rule(
    "crisis.abuse",
    "crisis",
    3,
    "(he|she|they|my (dad|father|mom|mother|stepdad|step dad|stepmom|step mom|uncle|aunt|boyfriend|bf|girlfriend|gf|husband|wife|brother|cousin|grandpa|grandfather|ex|mom's boyfriend|moms boyfriend|dad's girlfriend|foster dad|foster mom|coach|teacher|pastor|neighbor|roommate|celly|cellie|cellmate|man|baby daddy|baby mama)) ~2 (hits|hit|beats|beat|beating|touched|touches|touching|hurts|hurt|chokes|choked|choking|kicks|kicked|slaps|slapped|punched|punches|raped|rapes|molested|molests|abuses|abused|abusing|strangled|whipped|whips) (me|us|my mom|my little|my sister|my brother|on me)",
    "(hits|hit|beats|beat|touched|touches|hurts|chokes|choked|slaps|slapped|punched|raped|molested|abuses|abused|grabbed|strangled) me (when|again|every|all|if|last night|at night)",
    "(do|did|does|doing|done|used to do) (stuff|things|something|bad things|sexual things|things i didn't want|things i dont want) (to|with) me",
    "(comes|came|coming|sneaks|snuck|sneaking|gets|got) ~2 (into|in|in to) my (room|bed) ~3 (at night|when|while|and)",
    "(he'll|he will|she'll|she will|they'll|they will|he's gonna|she's gonna|they're gonna|hes gonna|shes gonna|he said he'd|she said she'd|he said he would|he says he'll|she says she'll) (make it worse|hurt me|kill me|beat me|hit me|hurt my|kill my|take my kids|take her|take him|find me|do it again)",
    "(if i tell|if i told|if i say|if i report) ~4 (he'll|he will|she'll|she will|they'll|they will|he's gonna|she's gonna|make it worse|kill me|hurt me|i'm dead|im dead)",
    "(bruises|bruise|black eye|welts|busted lip) ~6 (he|she|they|my dad|my mom|my stepdad|my boyfriend|my husband|don't tell|dont tell|if i tell|make it worse|hide|hiding)",
    "(touched|touching|molested|raped|abused) (me|my) ~4 (when i was|as a kid|little|younger|growing up|as a child)",
    "(haven't|havent|have not|hasn't|hasnt|didn't|didnt|not) (eaten|ate|eat|had food|had anything to eat) (in|for) ~2 (days|day|two days|three days)",
    "(no|nothing|isn't any|isnt any|there's no|theres no|ain't no|aint no) (food|nothing to eat) ~2 (at home|in the house|at my house|in the fridge|at the house)",
    "(mom|mother|dad|father|parents|grandma|guardian) (hasn't|hasnt|haven't|havent|has not|have not|never) (been back|come back|come home|been home|been around)",
    "(kicked|threw|thrown|put) me out ~6 (sleeping|sleep|nowhere|street|car|outside|cold|degrees)",
    "(sleeping|slept|sleep|living|staying) (in my car|in the car|in a car|outside|on the street|on the streets|under the bridge|under a bridge|in the park|on a bench|in a tent|in the woods|in a stairwell|at the bus station)",
    "(got|have|has) nowhere (to go|to sleep|to stay|else to go|to live)",
    "(i'm|im|i am) (on the street|on the streets|homeless now|out on the street)",
    "(won't|wont|doesn't|doesnt|didn't|didnt|will not) let me (leave|leave the house|call anyone|talk to anyone|have my phone|use the phone|eat|sleep)",
    "(took|takes|taken|hid|hides) my (phone|id|keys) and my (id|phone|keys|money|car|wallet|papers)",
    "(locked|locks|lock|keeps) me in (my|the|a|his|her) (room|house|closet|basement|car)",
    name="abuse or neglect disclosure",
)
rule(
    "crisis.danger",
    "crisis",
    3,
    "(pulls|pulled|pull|pointed|points|pointing|waved|waves|waving|held|holds|aimed) ~1 (gun|knife|piece|pistol|blade|strap) ~1 (at me|on me|to my|when|in my face|at my|at us)",
    "(next time|one more time) ~3 (he'll|he will|she'll|she will|they'll|they will|i'm dead|im dead|he uses|he's gonna|she's gonna|they're gonna|use it|kill me|shoot)",
    "(says|said|say|saying|threatened|threatening|threatens|told me|swore) ~4 (they'd|they'll|he'd|he'll|she'd|she'll|to|that they|that he|that she|they gonna|he gonna|she gonna|he's gonna|she's gonna|they're gonna) ~1 (hurt|kill|shoot|stab|beat|jump|come for|come after) (me|my|us|her|him|the kids)",
    "(threatening|threatened|threatens|trying) to (take|hurt|kill|shoot|stab|take away) (her|him|my|me|the kids|our)",
    "(has|got|have|keeps|keep|carries|brought) (a|his|her|the) (gun|knife|weapon|pistol|rifle) (in the house|at home|in his car|on him|in her car|in the car|in the apartment|with him)",
    "(he's|hes|she's|shes|they're|theyre|he is|she is|they are|someone's|someones|somebody) (gonna|going to|about to|finna|trying to|tryna|threatening to|gon) (kill|hurt|shoot|stab|jump|beat) me",
    "(gonna|going to|trying to|tryna|want to|wants to) (kill|hurt|shoot|stab|jump) me (if|when|unless|because|cuz|for)",
    "(jumped|jumping|jump|beating|attacked|stabbed|shot at|robbed) (me|us) ~6 (again|school|after school|in the dayroom|on the tier|in the yard|every day|everyday|last night|said|next time|i'm scared|im scared)",
    "(keep|keeps|kept) (jumping|beating|attacking|following|hitting|hurting|threatening) (me|us)",
    "(stalking|stalks|stalked|parked outside|waiting outside|sitting outside|waits outside|parks outside) ~2 (me|my|outside)",
    "(keeps|keep|kept|been|is|he's|she's|someone's|somebody's|guy|man) (following|stalking) (me|my)",
    f"{IM} (so |really |very |)(scared|terrified|afraid|frightened) ~3 (to go home|for my life|of him|of her|of them|he'll|she'll|they'll|he will|to leave|to go back|for my kids|for my daughter|for my son|he's gonna|hes gonna|they're gonna)",
    "(shaking and scared|scared and shaking|shaking so bad|can't stop shaking|cant stop shaking|somebody help|someone help me|i need help now)",
    "(i'm|im|i am) (in danger|not safe|unsafe|scared for my life|hiding from him|hiding from her)",
    "(can't|cant|cannot|can not) (breathe|breath) (right|good|well|at all|anymore)",
    "(heart|chest) (is |)(pounding|racing|exploding)",
    "(overdose|overdosing|od|oding|od'd) ~3 (i think|right now|rn|help|scared|again)",
    "(all i can think about|can't stop thinking about|cant stop thinking about) (is |)(using|getting high|drinking|shooting up|relapsing|dying)",
    "(want|wanna|need) to use so bad",
    "(at|in|outside) my (old |)(dealer's|dealers|plug's|plugs|connect's) (place|house|spot|apartment|door|car)",
    "(relapsed|relapse|relapsing|using) ~4 (can't stop|cant stop|days straight|all week|nonstop|non stop|shaking|heart|breathe)",
    "(found|saw|seen|watched) ~3 (roommate|friend|brother|sister|cousin|buddy|celly|him|her|someone|somebody) ~2 (blue|dead|not breathing|overdosed|unresponsive)",
    "(my legs|my feet|my hands|my face|my arm) ~2 (swelling|swollen|numb|bleeding)",
    "(bleeding bad|lost a lot of blood|won't stop bleeding|wont stop bleeding)",
    "(need|needs|have) to (get moved|be moved|move units|change cells|go to protective custody|pc up)",
    name="danger right now",
)

# Every rule above compiles (checked by the tests).
DEFAULT_RULES: tuple[RuleSpec, ...] = tuple(RULES)
