"""Cues: what a piece of text or a question says by its wording alone: a negative claim, advice and
instructions, a yes/no or quantity question, the two alternatives of an "A or B" question. (The values a
claim states are read in qa.facts.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from qa.aspects import stem
from qa.query import COUNTERPART, MAKING, Query
from qa.text import STOPWORDS, content_words, words

# A quality said lacking: no "no" to whether something can be done at all ("can the Ioniq 6 charge at Tesla
# Superchargers?": "sessions there will be slower" says it can).
_LESS = r"steep(?:er)?|hard(?:er)?|difficult|complex|fewer|smaller|lower|slower|weak(?:er)?|bottleneck"
_NEG = re.compile(
    r"\b(no|not|none|never|neither|nor|lacks?|lacking|without|cannot|can't|doesn't|don't|isn't|aren't|won't|unsupported|"
    r"only sync|sync only|manual(?:ly)?|requires? \w+-?\w* or similar|" + _LESS + r"|limited|not that|"
    # doing without it: "Kanban teams usually skip estimation altogether"
    r"skip(?:s|ped|ping)?|omit(?:s|ted)?|forgo(?:es)?|(?:do|does|did) away with|dispenses? with|"
    # a wish for what it lacks: "Breville should offer a 58 mm portafilter"
    r"should (?:offer|have|add|include|ship(?: with)?|come with|support|provide|fit|get))\b",
    re.I,
)
# "even with limited programming knowledge", "even if you are a beginner": a concession, which says the claim
# holds all the same; its words of lack are no "no".
_CONCESSION = re.compile(r"\beven\s+(?:with|without|if|though|when)\b[^.;:!?]*", re.I)


_LESS_ALONE = re.compile(rf"\b(?:{_LESS})\b", re.I)


def negative(text: str, *, quality: bool = True) -> bool:
    """Whether ``text`` says no; ``quality=False``: to whether something can be done, where a quality said lacking
    ('slower', 'harder') says no such thing."""
    text = _CONCESSION.sub("", text)
    if quality:
        return bool(_NEG.search(text))
    return any(not _LESS_ALONE.fullmatch(m.group()) for m in _NEG.finditer(text))


# A question whether something can be done or is had, not how well: "Can the Ioniq 6 charge at Tesla
# Superchargers?", "Does Flask support async?" (not "Is Flask fast?").
ASKS_CAPABILITY = re.compile(r"^\s*(?:can|could|does|do|did|will|has|have)\b", re.I)


_QUANTITY = re.compile(
    r"\bhow (?:many|much|fast|quick|quickly|slow|big|large|popular|old|heavy|loud|quiet|noisy)\b|\b(?:number|count|version|versions|percent|percentage|rate|"
    r"throughput|speed|size|volume|minimum|maximum|max|requests? per|downloads|stars|score|price|cost|numbers|figures|"
    r"benchmarks?|stats|statistics)\b|\b(?:faster|slower|quicker|bigger|larger|smaller|heavier|lighter|louder|quieter|"
    r"noisier|more popular|"
    r"less popular)\b",
    re.I,
)


def asks_quantity(question: str) -> bool:
    return bool(_QUANTITY.search(question))


# Words asking for an amount without naming what is measured ("how fast", "numbers", "bigger").
AMOUNT_WORDS = frozenset("""how many much fast quick quickly slow big large popular old heavy number numbers count
    figures benchmark benchmarks stats statistics minimum maximum faster slower quicker bigger larger smaller heavier
    lighter more less""".split())


# What is counted, and the word after it: a plural there is what is counted, the word before saying which ('GitHub
# stars', 'active routers', 'Super Bowls'; not 'people' of "how many people live ...").
_COUNTED = re.compile(r"\b(?:how many|number of)\s+(\w+)(?:\s+(\w{3,}[^s\W]s)\b)?", re.I)


# The words comparison articles head their lists of good and bad points with, each as good as the other: a
# question asking for 'disadvantages' asks for what a corpus heads 'Cons'.
PROS_CONS = (
    frozenset("pros advantages benefits strengths upsides positives merits pluses".split()),
    frozenset("cons disadvantages drawbacks downsides weaknesses negatives shortcomings minuses limitations flaws".split()),
)


def same_side(word: str) -> frozenset[str]:
    """The words of :data:`PROS_CONS` as good as ``word`` ('drawbacks': 'cons', 'downsides' ...); empty when
    it is none of them."""
    return next((side for side in PROS_CONS if word in side), frozenset())


# Units a count is measured in, which a text may abbreviate ('km') or leave out ("300 of them").
UNITS = frozenset("""kilometers kilometres km miles meters metres feet foot inches yards acres hectares square
    kilograms kilos grams pounds tons tonnes ounces liters litres gallons degrees percent dollars euros
    cents seconds minutes hours days weeks months years decades centuries times watts kilowatts volts amps amperes
    bytes kilobytes megabytes gigabytes terabytes hertz decibels""".split())


# What a question asks the version of: "What Python version ...", "which version of Node ...".
# Words that say which version, not of what ("What is the current version of Flask?" asks Flask's).
_WHICH_VERSION = r"(?:minimum|oldest|latest|newest|required|supported|current|stable|recent|last|first|earliest)"
_VERSIONED = re.compile(rf"\b(?:what|which)(?:\s+(?:is|are)\s+the|'s\s+the)?(?:\s+most)?(?:\s+{_WHICH_VERSION})*"
                        rf"\s+(?!{_WHICH_VERSION}\b)([A-Za-z][\w.+#-]*)\s+versions?\b|\bversions?\s+of\s+([A-Za-z][\w.+#-]*)",
                        re.I)


# ... or asks which one of a name that needs one, without the word: "Which Python does X need?" (a name written as
# one: "Which database does X support?" asks no version).
_WHICH_NAMED = re.compile(r"\b(?i:what|which)\s+([A-Z][\w.+#-]*)\s+(?i:do|does|did|will|would|can|could|should)\s+"
                          r"(?:[\w.+#-]+\s+){1,3}?(?i:needs?|requires?|supports?|runs?\s+on|works?\s+with)\b")


# A release number: '0.135', '3.1', '3.1.3'; not one run into letters ('3.5x') or more dots of a date.
RELEASE_NUMBER = r"\d+(?:\.\d+)+(?![\w.]*\w)"
# A release number right after a name: 'Flask 3.1.3', 'FastAPI `0.99.0`', 'Node v20.1'.
RELEASE_AFTER = re.compile(rf"\s+`?v?({RELEASE_NUMBER})")
# ... or a whole number right after a subject's name: 'Svelte 5', 'React 19'; not an amount ('FastAPI 3 times',
# "Flask's 15-year track record").
SUBJECT_RELEASE_AFTER = re.compile(r"\s+`?v?(\d+(?:\.\d+)*)(?![\w.-]*\w)(?!\s*(?:%|times\b|x\b|percent\b))", re.I)


def subject_releases(text: str, found: Iterable[tuple[str, int, int]]) -> list[tuple[str, re.Match[str]]]:
    """The releases of subjects ``text`` names (``found``: its subjects' spans, :meth:`SubjectCatalog.find`), each
    as (subject, :data:`SUBJECT_RELEASE_AFTER`'s match right after its name): ('Traefik', ' v3') of "when was
    traefik v3 released"."""
    return [(name, m) for name, _start, end in found if (m := SUBJECT_RELEASE_AFTER.match(text, end)) is not None]
# A heading naming a release, as release notes head each: '0.47.3 (August 24, 2025)', 'v2.0.0', 'Version 3.1.3',
# '[3.1.0] - 2024-11-13'; not a numbered section, '1.2 Installation'.
RELEASE_HEADING = re.compile(rf"\s*(?:(?:version|release)\s+)?\[?v?({RELEASE_NUMBER})\]?\s*(?:$|[(\[:,\u2013\u2014-])", re.I)
# ... or names a release of, written as a name: "Does X support Python 3.12?" (not "Did X grow 3.5 percent?").
_RELEASE_OF = re.compile(rf"\b([A-Z][\w+#-]*)\s+v?{RELEASE_NUMBER}")


# "the Litestar version of Depends": a capitalised name's counterpart (qa.query.COUNTERPART), no version asked.
_NAMED_COUNTERPART = re.compile(r"\b((?-i:[A-Z])[\w.+#-]*)" + COUNTERPART.pattern, re.I)


def versioned(question: str) -> list[str]:
    """What a question asks the version of, or names a release of, as written ('Python' of "What Python version
    does X need?", of "Which Python does X need?" and of "Does X support Python 3.12?"); a counterpart asked
    ("What's the Litestar version of Depends?") is none."""
    question = _NAMED_COUNTERPART.sub(lambda m: m.group() if m.group(1).lower() in STOPWORDS else " ", question)
    return ([a or b for a, b in _VERSIONED.findall(question)] + _WHICH_NAMED.findall(question)
            + _RELEASE_OF.findall(question))


def counted(question: str) -> list[str]:
    """What a question counts: the word after "how many" or "number of" ('contributors' of "How many
    contributors does X have?"), or the plural after that word ('stars' of "how many github stars"), lower-cased;
    none when it is a unit (:data:`UNITS`)."""
    return [w for a, b in _COUNTED.findall(question)
            if (w := (b if b and b.lower() not in STOPWORDS else a).lower()) not in UNITS]


# Generic English wording of advice ("choose X when", "ideal for") and of instructions.
ADVICE = re.compile(
    r"\b(choose|choice|ideal|suitable|suited|best for|good (?:choice|fit|option)|go[- ]to|recommend|advisable|"
    r"if you (?:need|want)|when you (?:need|want|are)|great for|perfect|prefer|pick|right choice|"
    r"use \w+ (?:if|when)|way to go|go the \w+ way)\b",
    re.I,
)
# Advice on which to choose, of the advice ADVICE finds ("It is the right choice when ..."; not "we'd recommend that
# you keep your templates free from logic", a how-to's).
CHOOSING = re.compile(r"\b(?:(?:right|good|great|awesome|better|best|ideal|perfect|strong|solid|natural|safe) (?:choice|fit|option)|"
                      r"(?:ideal|best|great|perfect|suitable|suited) for|go[- ]to|will be perfect|"
                      r"(?:to )?choose \w+ (?:if|when|for))\b", re.I)


# A question whether something fits a use: worded as advice, or "Is X good for Y?".
_GOOD_FOR = re.compile(r"\bgood\s+(?:for|at|with|enough)\b", re.I)


def asks_fit(question: str) -> bool:
    """Whether ``question`` asks whether something fits a use ("Is FastAPI good for microservices?", "Is Flask
    suitable for a blog?"), which advice answers."""
    return bool(ADVICE.search(question) or _GOOD_FOR.search(question))


# A heading framing what is under it as not so or not to do: its items are no claims of the corpus's own.
FRAMES_AS_WRONG = re.compile(r"\b(?:mistakes?|myths?|pitfalls?|anti-?patterns?|misconceptions?|don'?ts|gotchas?|"
                             r"what not to)\b", re.I)
# What may stand between a sentence and the first item of its list, or between two items: space and a marker.
LIST_GAP = re.compile(r"\s*+(?:[-*+\u2022]|\(?\d{1,2}[.)]|\(?[a-z][.)]|#\.)?\s*+")  # possessive: no backtracking
# A line leading into a list names whose list it is when it is this short ("**Gaggia Classic Pro**", "Flask:").
LIST_LABEL_WORDS = 6

HOWTO = re.compile(r"\b(install|run|create|define|use|add|import|pip|example|code|write|set ?up)\b", re.I)

# What a unit states, and what kind of answer a question wants (the learned ranker pairs them).
NUMBER = re.compile(r"\d")
YEAR = re.compile(r"\b(?:1[0-9]\d\d|20\d\d)s?\b")
MID_NAME = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]+")  # a capitalised word mid-sentence: someone or something named
WANTS_NUMBER = re.compile(r"\bhow (?:many|much|long|old|fast|big|large|far|often)\b|\bwhat (?:percentage|number|"
                          r"size|amount)\b|\bversions?\b", re.I)
WANTS_YEAR = re.compile(r"\bwhen\b|\bwhat (?:year|date|century|decade)\b|\bwhich (?:year|century)\b", re.I)
# "When was X released?", "When did X come out?": when X began, the earliest of the dates said of its start
# ("Flask 0.1 on April 16, 2010", not "Flask 3.1 (released late 2024)"). Not of a release named by its version
# or as the latest one.
_ORIGIN_ASKED = (r"(?:released|created|made|written|developed|designed|invented|launched|founded|started|introduced|"
                 r"published|born|built|(?:come|comes|came|coming)\s+out|first|initially|originally)")
# ... and "Who made X, and when?" (a follow-up's "when?" asked of "who made it?").
_ASKS_ORIGIN = re.compile(rf"\bwhen\b.*\b{_ORIGIN_ASKED}\b|\b{_ORIGIN_ASKED}\b.*\band\s+when\b", re.I)
_NOT_ORIGIN = re.compile(r"\b(?:latest|last|newest|recent|recently|current|next|new|\d+\.\d+)\b", re.I)


def asks_origin(question: str) -> bool:
    """Whether a question asks when something began (:data:`_ASKS_ORIGIN`)."""
    return bool(_ASKS_ORIGIN.search(question)) and not _NOT_ORIGIN.search(question)


_SAYS_ORIGIN = re.compile(r"\b(?:released|release|created|creation|launched|founded|started|introduced|published|"
                          r"built|born|first|initial|initially|originally|began|debuted|shipped|came\s+out)\b", re.I)


def origin_year(text: str) -> int | None:
    """The earliest year a text says something began in ("Ronacher released Flask 0.1 on April 16, 2010"), or
    none when it says no beginning or no year."""
    if not _SAYS_ORIGIN.search(text):
        return None
    return min((int(m.group()[:4]) for m in YEAR.finditer(text)), default=None)


# A question asking to see code: "Show me an example of a FastAPI endpoint", "code for a Flask route", "FastAPI hello
# world" (an example asked for in a how-to; not "for example", nor "What is an example of X?" nor "examples of
# companies using X", which ask for an instance or names; nor a "status code").
_CODE_WORDS = re.compile(r"\b(?:code\s+(?:examples?|samples?|snippets?|for)|(?:example|sample)\s+code|snippets?|"
                         r"hello[\s-]+world|show\s+(?:me\s+)?(?:the\s+|some\s+)?code)\b", re.I)
_EXAMPLE = re.compile(r"(?<!\bfor\s)\bexamples?\b", re.I)
_WH = re.compile(r"^\s*(?:who|where|when|why)\b|\b(?:what|which)\b", re.I)


def wants_code(question: str, qtype: str) -> bool:
    """Whether a question of type ``qtype`` asks to see code (see above)."""
    return bool(_CODE_WORDS.search(question)) or (
        qtype == "howto" and bool(_EXAMPLE.search(question)) and not _WH.search(question))


# "Who uses X?": the users of X, as a sentence names them ("Some notable companies using Flask in their applications
# are Netflix, Lyft, and Zillow.", "Companies like Uber and Netflix already use the FastAPI framework").
WANTS_USERS = re.compile(r"^\s*who\s+(?:(?:actually|really|else)\s+)?(?:uses|use|is\s+using|are\s+using|runs)\b", re.I)
SAYS_USE = re.compile(r"\b(?:us(?:e|es|ed|ing)|run(?:s|ning)?|rel(?:y|ies|ying)\s+on)\b", re.I)


# "Who ...?", and "Which library ...?": a thing known by its name (a library, a company, a country ...).
WANTS_NAME = re.compile(
    r"\bwho(?:m|se)?\b|\b(?:which|what)\s+(?:\w+\s+)?(?:librar(?:y|ies)|packages?|modules?|extensions?|plugins?|"
    r"tools?|frameworks?|servers?|databases?|languages?|compan(?:y|ies)|organi[sz]ations?|teams?|groups?|"
    r"countr(?:y|ies)|cit(?:y|ies)|persons?|people)\b",
    re.I,
)
# "Who made X?" asks for its maker, as a sentence says it: "was created by Armin Ronacher", "written by Tolkien".
WANTS_MAKER = re.compile(rf"\bwho\b(?:\s+\w+){{0,2}}\s+{MAKING}\b|\bwho(?:'?s|\s+(?:is|are|was|were))?\s+behind\b|"
                         r"\bwho(?:'?s|\s+(?:is|are|was|were))\s+(?:the\s+)?(?:original\s+|main\s+|lead\s+|first\s+)?"
                         r"(?:creator|author|founder|developer|maker|inventor|designer)s?\s+of\b", re.I)
_MAKERS = r"(?:[\w-]+\s+)?(?:team|developers?|company|group|startup|studio|makers?|creators?|people)\b"
# (when or where, between: "Busuu was founded in 2008 by Bernhard Niesner", "created in Berlin in 2007 by")
_WHEN_WHERE = r"(?:\s+(?:in|on|during|around)\s+[\w.'-]+(?:\s+[\w.'-]+)?,?){0,2}"
_MADE_BY = re.compile(rf"\b([\w.+#'-]+)\s+(?:(?:is|are|was|were|has|have|had|been|being|originally|first|"
                      rf"initially)\s+)*{MAKING}{_WHEN_WHERE}\s+(?:by|at)\s+(?:[A-Z]|(?:a|an|the)\s+{_MAKERS})"
                      # ... or said to come from its makers: "Obsidian's first public release, from the developers
                      # behind the outliner Dynalist"
                      rf"|\b([\w.+#-]+?)(?:'s)?,?\s+(?:[\w,-]+\s+){{0,4}}?from\s+the\s+{_MAKERS}\s+(?:behind|of)\b"
                      # ... or begun as someone's project: "Rust began as a personal project of Graydon Hoare"
                      r"|\b([\w.+#'-]+)\s+(?:began|started)\s+(?:life\s+)?as\s+(?:an?\s+)?(?:[\w-]+\s+){0,2}"
                      r"project\s+(?:of|by|at)\s+[A-Z]"
                      # ... or a person's name doing it: "Sébastien Eustace started Poetry in 2018"
                      rf"|\b[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)+\s+(?:originally\s+|first\s+)?{MAKING}\s+(?:the\s+)?"
                      r"([\w.+#'-]+)")


def says_maker(text: str, question: str) -> bool:
    """Whether ``text`` says who made a thing the question names: "Flask was created by Armin Ronacher"
    for "Who originally wrote Flask?" (the word before the verb is one of the question's), "Sébastien Eustace
    started Poetry in 2018" for "who created poetry" (the word after it)."""
    asked = set(content_words(question))
    return any(next(g for g in m.groups() if g).lower() in asked for m in _MADE_BY.finditer(text))
# A sentence that opens by pointing back ("This hypothesis is called ...", "It was commissioned by ...") often
# holds the answer to what the sentence before it sets up.
POINTS_BACK = re.compile(r"^\W*(?:it|its|this|these|that|those|they|their|them|he|his|she|her|such|there|then|"
                         r"thus|hence|therefore|however|but|also|both|which|so|here)\b", re.I)

# A sentence that only points elsewhere for the matter: its opening, and a link or the name of a text it points
# to ("Read more about it in the [FastAPI docs for WebSockets](...)", "See the anyio documentation").
_POINTS_AWAY = re.compile(r"^\W*(?:read more|learn more|see (?:also|the|our)|for more (?:info(?:rmation)?|details|on|about)|"
                          r"check out|refer to|(?:obsolete|deprecated)\W+see|this (?:content|page|section|document) "
                          r"(?:has )?moved)\b", re.I)  # ... or a stub's pointer to where a page went
_REFERENCE = re.compile(r"\]\(|`_|:(?:doc|ref):|\b(?:docs|documentation|chapter|guide|section|readme|"
                        r"specification|tutorial)\b", re.I)
# A question asking where to read about something, which such a sentence answers.
ASKS_REFERENCE = re.compile(r"\b(?:where|docs?|documentation|links?|read|learn|tutorials?|guides?)\b", re.I)


# A sentence about the writing it opens, not its matter: "This piece looks at day-two operations: installing,
# upgrading, monitoring ...", "In this guide, we ...". (Not a study's or a report's: "This report describes the first
# case ..." states a finding.)
_ON_ITSELF = re.compile(r"^\W*(?:in\s+)?this\s+(?:[\w-]+\s+){0,2}?(?:piece|post|article|guide|issue|page|newsletter|"
                        r"write-?up|tutorial|walkthrough)\b", re.I)


def speaks_of_itself(text: str) -> bool:
    """Whether ``text`` is about the writing it stands in (see :data:`_ON_ITSELF`)."""
    return bool(_ON_ITSELF.match(text))


def points_away(text: str) -> bool:
    """Whether ``text`` only points elsewhere for what it is about (see :data:`_POINTS_AWAY`)."""
    return bool(_POINTS_AWAY.match(text)) and bool(_REFERENCE.search(text))


# A pointer and nothing else: reStructuredText's ':doc:`/usage/openapi/index`' or ':ref:`target`', a link whose
# text is its address ('[https://github.com/x/y](https://github.com/x/y)', '<https://...>'). A link named in
# words ('[Ariadne](...)' in a list of GraphQL libraries) names something: it is no pointer alone.
_POINTER_ALONE = re.compile(r"^\W*(?::(?:doc|ref):`[^`]*`|\[(?:https?://|/)[^\]\s]*\]\([^)]*\)|<https?://[^>\s]*>)\W*$")


def reading_list(lead: str, items: list[str]) -> bool:
    """Whether a sentence and the list it leads into only point elsewhere: each item a pointer alone ("...
    if you want to keep reading about features, here's a select list:" | ':doc:`/usage/openapi/index`' | ...)."""
    return lead.rstrip().endswith(":") and bool(items) and all(_POINTER_ALONE.match(item) for item in items)


# A sentence that says what comes after it and nothing of its own: "Here are the headline prices for a typical
# card payment.", "The table below estimates the monthly bill ...", "All three providers publish extra fees for
# some cases, covered below." ('below' with what it places there: not "temperatures below 0 °C"), "We've driven all
# three extensively, and here's how to choose.", "Read on for the details."
_POINTS_AHEAD = re.compile(
    r"^\W*here(?:'s|\s+is|\s+are)\b|\b(?:and|so)\s+here(?:'s|\u2019s|\s+is|\s+are)\s+(?:how|what|why)\b[^:;]*$|"
    r"^\W*(?:read|keep reading)\s+on\b|\b(?:tables?|lists?|charts?|graphs?|figures?|examples?|code|snippets?|steps|"
    r"sections?|diagrams?|numbers|details)\s+below\b|\b(?:covered|shown|listed|described|explained|detailed|"
    r"summari[sz]ed|compared|see|set\s+out)\s+below\b|\bbelow\s*[.:]?\s*$|\bas\s+follows\b|\bthe\s+following\s*:",
    re.I)


def points_ahead(text: str) -> bool:
    """Whether a sentence only points at what follows it (see above)."""
    return bool(_POINTS_AHEAD.search(text))


VERDICT = re.compile(r"\s*(yes|no)\b\s*[.,;!:\u2014\u2013-]", re.I)  # "No. It has one boiler", "Yes, for simple sites."
# ... or whether, in other words than yes or no: "You can, but ...", "It does not.", "Not really."
SAYS_WHETHER = re.compile(r"\s*(?:(?:you|it|they)\s+(?:can(?:not|'t)?|do(?:es)?(?:\s+not|n't)?|will(?:\s+not|n't)?|"
                          r"should(?:\s+not|n't)?|must)|not\s+(?:really|quite|yet|by\s+much))\s*[.,;!:\u2014\u2013-]", re.I)
_YES_NO = re.compile(r"^\s*(does|do|is|are|can|has|have|will|was|were|did|could)\b", re.I)


def is_yes_no(question: str) -> bool:
    return bool(_YES_NO.match(question))


def alternatives(query: Query) -> list[str]:
    """The two alternatives of an "A or B" question that are not subjects ('simple or complex',
    'a full-stack framework or a micro framework' -> stack / micro, as words split at hyphens)."""
    m = re.search(r"^(.*)\bor\b(.*)$", query.text, re.I)
    if not m:
        return []
    subject_words = {w for s in query.subjects for w in content_words(s)}

    def keep(text: str) -> list[str]:
        return [w for w in words(text) if w not in STOPWORDS and w not in subject_words and len(w) > 2]

    left, right = keep(m.group(1)), keep(m.group(2))
    before = words(m.group(1))
    after = [w for w in words(m.group(2)) if w not in ("a", "an", "the")]
    # Only when the words on each side of "or" are the alternatives themselves (not subjects).
    if not left or not right or not before or not after or before[-1] != left[-1] or after[0] != right[0]:
        return []
    a, b = left[-1], right[0]
    if len(left) >= 2 and len(right) >= 2 and left[-1] == right[1]:  # "X framework or Y framework"
        a = left[-2]
    return [a, b] if stem(a) != stem(b) else []


# A sentence opening with a word that points back at what came before ("It", "This", "However"): it does
# not stand alone, and is shown after the sentence it follows. English wording: in another language the cue
# does not fire and only short units get their context.
# (Not 'neither', 'either' or 'both' pairing names: "Neither Fathom nor Plausible sets cookies.")
_PAIRS_NAMES = r"(?!\s+(?:the\s+)?(?-i:[A-Z0-9])[^,.;:]*?\s(?:nor|or|and)\s+(?:the\s+)?(?-i:[A-Z0-9]))"
BACK_REFERENCE = re.compile(
    r"^\W*(it|its|it's|this|that|these|those|they|their|them|he|she|his|her|such|each|"
    rf"(?:both|neither|either){_PAIRS_NAMES}|however|"
    r"but|and|or|also|so|thus|therefore|hence|instead|meanwhile|moreover|furthermore|additionally|otherwise|"
    r"still|yet|then|likewise|similarly|conversely|consequently|nevertheless|nonetheless|besides|plus|"
    r"again|as a result|in contrast|on the other hand|by contrast|in addition|for that|for this)\b",
    re.I,
)
SHORT_UNIT_WORDS = 6  # a unit of fewer words rarely says what it is about ("Fast.", "68300Winner")


# "What is X?": the question wants a sentence that says what X is. X is a short name or noun phrase (no verb,
# no "of" or other function word: "What is the name of ...", "What is X used for?" ask for something else).
# So does a request to present X ("Explain X", "Give me an overview of X", "Summarize X", "X overview").
_DEFINITION = re.compile(
    r"^\s*(?:what(?:'s|\s+is|\s+are|\s+was|\s+were)|define|describe|explain|summari[sz]e|"
    r"tell\s+(?:me|us)\s+about|what\s+do\s+you\s+know\s+about|what\s+does|(?:(?:give|show)\s+(?:me|us)\s+)?"
    r"(?:a|an)\s+(?:summary|overview|introduction|intro)\s+(?:of|to)|(?:summary|overview|introduction|intro)\s+(?:of|to))\s+"
    r"(?:(?:a|an|the)\s+)?"
    r"([\w.+#'-]+(?:\s+[\w.+#'-]+){0,3}?)(?:\s+(?:mean|stand\s+for))?\s*[?.!]*\s*$"
    r"|^\s*([\w.+#'-]+(?:\s+[\w.+#'-]+){0,2}?)\s+(?:overview|summary|introduction|intro)\s*[?.!]*\s*$",
    re.I,
)


# "Who is X?", "Who was X?": who a person is, said as a definition says what a thing is ("X, an Austrian developer").
_PERSON = re.compile(r"^\s*(?i:who(?:'s|\s+is|\s+was))\s+([A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3})\s*[?.!]*\s*$")


def person_term(question: str) -> str | None:
    """The X of "Who is X?" naming someone, capitalised ('Armin Ronacher'); None for any other question ("Who is
    the creator of X?" asks for a maker)."""
    m = _PERSON.match(question)
    return m.group(1) if m else None


def definition_term(question: str) -> str | None:
    """The X of a definition question ("What is Werkzeug?", "what are blueprints", "What does WSGI stand
    for?"); None for any other question."""
    m = _DEFINITION.match(question)
    if not m:
        return None
    term = (m.group(1) or m.group(2)).rstrip(".")  # "Describe FastAPI." ends its sentence
    asks_meaning = re.search(r"\b(?:mean|stand\s+for)\s*[?.!]*\s*$", question, re.I)
    if re.match(r"^\s*what\s+does\b", question, re.I) and not asks_meaning:
        return None  # "What does Flask use?" asks what it does, not what it is
    if any(w in STOPWORDS for w in words(term)):
        return None
    return term


_IS_A = re.compile(r"^\s*(?:is|are|was|were)\s+([\w.+#'-]+(?:\s+[\w.+#'-]+){0,2}?)\s+(?:a|an)\s", re.I)


def classified_term(question: str) -> str | None:
    """The X of "Is X a ...?" ("Is Flask a WSGI or an ASGI framework?" -> Flask), which asks what X is."""
    m = _IS_A.match(question)
    return m.group(1) if m and not any(w in STOPWORDS for w in words(m.group(1))) else None


_PURPOSE = re.compile(r"^\s*what\s+(?:is|are|was|were)\s+(?:(?:a|an|the)\s+)?([\w.+#'-]+(?:\s+[\w.+#'-]+){0,2}?)\s+"
                      r"(?:used|needed|good|meant)\s+for\b", re.I)


def purpose_term(question: str) -> str | None:
    """The X of "What is X used for?" (or needed, good, meant for), which asks what X serves."""
    m = _PURPOSE.match(question)
    return m.group(1) if m and not any(w in STOPWORDS for w in words(m.group(1))) else None


def _name(term: str) -> str:
    """A pattern for ``term`` as a whole name, its words joined by spaces or hyphens (case as given)."""
    return r"(?<![\w-])" + r"[\s-]*".join(re.escape(p) for p in words(term)) + r"(?![\w-])"


def states_purpose(text: str, term: str) -> bool:
    """Whether ``text`` says what ``term`` is for: "Pydantic for data validation", "Pydantic to handle
    validation", "the Pydantic library for data validation", "uses X to ..."."""
    if not words(term):
        return False
    return re.search(_name(term) + r"(?:\s+[\w-]+)?\s+(?:for|to)\s+[\w-]", text, re.I) is not None


def defines(text: str, term: str) -> bool:
    """Whether ``text`` says what ``term`` is: "X is a ...", "X, a ...", "X (a ...)", "X — the ...", "X: a ...",
    "X: components that run only on the server" (a colon, then a word in lower case), or spells out an
    abbreviation: "WSGI (Web Server Gateway Interface)"."""
    if not words(term):
        return False
    pattern = _name(term) + _MARKS + r"(?:(?:\s+(?:is|are|was|were)\s+|\s*[,:(—–]\s*|\s+-\s+)(?:a|an|the|one)\b|(?-i::\s+[a-z]))"
    return re.search(pattern, text, re.I) is not None or _spells_out(text, term)


_MARKS = r"[`*_]*"  # the marks closing code or emphasis around a name (":class:`Blueprint` is a way ...")
# What may come before the name a sentence opens by defining: Markdown or list marks, "As", an article, a
# reStructuredText role (":class:").
_OPENING = r"[\s>#*+-]*(?:(?:as|since|because)\s+)?(?:(?:a|an|the)\s+)?(?::[\w:.-]+:)?" + _MARKS


# A sentence setting what it names outside what its page covers: "CircleCI uses a credit-based pricing model that we
# left out of this comparison.", "Buildkite takes a hybrid approach ..., but we did not evaluate it here.",
# "Tekton ... is a different model again and outside the scope of this piece."
_OUT_OF_SCOPE = re.compile(
    r"\bleft\s+(?:\w+\s+)?out\s+of\s+(?:this|the|our)\b|\b(?:did|do|does|will|could)\s+not\s+(?:evaluate|cover|test|review|"
    r"include|compare|look\s+at)\b[^.;]*\b(?:here|this|these|our)\b|\b(?:outside|beyond)\s+(?:the\s+)?scope\b|"
    r"\b(?:is|are|was|were)\s+not\s+covered\s+(?:here|in\s+this)\b|\b(?:excluded|omitted)\s+from\s+(?:this|the|our)\b", re.I)


def out_of_scope(text: str) -> bool:
    """Whether ``text`` says what it names is outside what its page covers (see above)."""
    return _OUT_OF_SCOPE.search(text) is not None


def said_of(text: str, term: str) -> bool:
    """Whether ``text`` says what ``term`` is or does: :func:`defines` it, or has it open a clause, as its
    subject ("For databases, SQLModel (also created by Ramirez) combines SQLAlchemy with Pydantic", "Worth noting:
    SQLModel is still maturing"; not "We briefly looked at Preact", nor "For React, Angular and Vue")."""
    return defines(text, term) or re.search(
        r"(?:^|[,:;]\s)" + _OPENING + _name(term) + _MARKS + r"(?:\s*\([^()]*\))?\s+(?!(?:and|or)\b)\w", text, re.I) is not None


def opens_definition(text: str, term: str) -> bool:
    """Whether ``text`` opens by saying what ``term`` (or, for one word, its singular or plural) is, as its
    subject: "Pydantic is a library ...", "A :class:`Blueprint` is a way to organize ...", "As Quart is an
    asynchronous framework ..."; not "Because each view in Flask is a function" or "If your FastAPI is a single
    file", which say what something else is."""
    parts = words(term)
    if not parts:
        return False
    name = r"[\s-]*".join(re.escape(p) for p in parts[:-1] + [parts[-1].removesuffix("s")])
    pattern = _OPENING + name + r"s?(?![\w-])" + _MARKS + r"\s+(?:is|are|was|were)\s+(?:a|an|the|one)\b"
    return re.match(pattern, text, re.I) is not None


def _spells_out(text: str, term: str) -> bool:
    """``term`` (one word of 3+ letters) followed by the words its letters begin, in brackets, or in brackets
    after them: "WSGI (Web Server Gateway Interface)", "native Server-Sent Events (SSE) support"."""
    if not re.fullmatch(r"[A-Za-z]{3,}", term):
        return False
    for m in re.finditer(_name(term) + r"\s*\(([^()]+)\)", text, re.I):
        initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", m.group(1)) if w[0].isupper())
        if initials.lower() == term.lower():
            return True
    for m in re.finditer(r"\(\s*" + re.escape(term) + r"\s*\)", text, re.I):
        before = re.findall(r"[A-Za-z]+", text[: m.start()])[-len(term):]
        if len(before) == len(term) and all(w[0].isupper() for w in before) and \
                "".join(w[0] for w in before).lower() == term.lower():
            return True
    return False


# "Which libraries does X use?", "Name the technologies ...": the question wants several things named.
_WANTS_LIST = re.compile(
    r"^\s*(?:name|list)\s+(?:the|all|some|a\s+few)\b|"
    r"^\s*(?:what|which)\s+(?:[a-z-]+\s+)?[a-z]+(?<!ss)(?<!us)(?<!is)s\s+"
    r"(?:do|does|did|are|were|can|could|should|will|would|have|has)\b",
    re.I,
)


def wants_list(question: str) -> bool:
    m = _WANTS_LIST.match(question)
    return m is not None and not any(w in STOPWORDS for w in words(m.group(0))[1:-1])


def enumerates(text: str, item: bool = False) -> bool:
    """Whether ``text`` is a list of names: after an optional label ("X uniquely uses:"), three or more items
    of at most three words separated by commas, or (not a list item of the document) four or more words
    with no function word and no sentence end ("werkzeug click itsdangerous blinker")."""
    t = text.strip()
    bare = re.fullmatch(r"[\w.+#'-]+(?:\s+[\w.+#'-]+){3,}", t) and not t.endswith(".")
    if bare and not item and not set(words(t)) & STOPWORDS:
        return True
    items = [i.strip(" .;") for i in re.split(r",\s*|\s+and\s+", t.rsplit(":", 1)[-1]) if i.strip(" .;")]
    return len(items) >= 3 and all(len(i.split()) <= 3 for i in items)
