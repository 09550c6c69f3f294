"""qa/cues.py: what text and questions say by their wording: negation, advice and instructions,
yes/no and quantity questions, the alternatives of an "A or B" question. Pure text functions."""

from __future__ import annotations

import pytest

from qa.cues import (
    ADVICE,
    HOWTO,
    RELEASE_HEADING,
    WANTS_MAKER,
    WANTS_NAME,
    WANTS_NUMBER,
    alternatives,
    asks_origin,
    asks_quantity,
    classified_term,
    counted,
    defines,
    definition_term,
    enumerates,
    is_yes_no,
    negative,
    opens_definition,
    origin_year,
    person_term,
    points_ahead,
    points_away,
    purpose_term,
    reading_list,
    says_maker,
    speaks_of_itself,
    states_purpose,
    versioned,
    wants_code,
    wants_list,
)
from qa.query import SubjectCatalog, analyse

CATALOG = SubjectCatalog(["Flask", "FastAPI", "Django"])


@pytest.mark.parametrize(
    ("text", "is_negative"),
    [
        ("Flask does not support async views.", True),
        ("Validation is manual.", True),
        ("It lacks an ORM", True),
        ("FastAPI has a steeper learning curve", True),
        ("Flask supports async views since 2.0.", False),
        ("Notable for its speed", False),  # 'not' inside a word
        # a concession says the claim holds all the same
        ("You can also use FastAPI to create APIs even with limited programming knowledge.", False),
        ("It works even if you are not an expert", False),
        ("Flask has limited async support, even with extensions", True),
        # a wish for what it lacks
        ("Breville should offer a 58 mm portafilter in the box.", True),
        # doing without it
        ("Kanban teams usually skip estimation altogether and forecast from throughput.", True),
    ],
)
def test_negative_claims(text: str, is_negative: bool) -> None:
    assert negative(text) is is_negative


def test_advice_and_instruction_wording() -> None:
    assert ADVICE.search("Choose FastAPI when you need speed")
    assert ADVICE.search("Flask is ideal for small apps")
    assert ADVICE.search("If you want batteries included, Django")
    assert not ADVICE.search("Flask was released in 2010.")
    assert HOWTO.search("pip install fastapi")
    assert HOWTO.search("Set up a virtual environment first")
    assert not HOWTO.search("Flask was released in 2010.")


@pytest.mark.parametrize(
    ("question", "yes_no", "quantity"),
    [
        ("Does Flask support async?", True, False),
        ("Is FastAPI faster than Flask?", True, True),  # a comparative of an amount
        ("is the bambino plus heavier than the gaggia", True, True),
        ("which is lighter?", False, True),
        # not of money: "Is Flask cheaper than FastAPI?" of a corpus stating no prices is declined (test_coverage)
        ("which is cheaper?", False, False),
        ("How quick is Flask?", False, True),
        ("fastapi requests/sec benchmark numbers?", False, True),
        ("Is FastAPI better than Flask?", True, False),
        ("How many GitHub stars does FastAPI have?", False, True),
        ("What is the minimum Python version for Flask?", False, True),
        ("Which framework should I use?", False, False),
        ("Why does Flask not support it?", False, False),  # 'does' not at the start
    ],
)
def test_yes_no_and_quantity_questions(question: str, yes_no: bool, quantity: bool) -> None:
    assert is_yes_no(question) is yes_no
    assert asks_quantity(question) is quantity


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Is Flask simple or complex?", ["simple", "complex"]),
        # words split at hyphens: 'full-stack' is 'full' and 'stack', and the word next to 'or' is the alternative
        ("Is Django a full-stack framework or a micro framework?", ["stack", "micro"]),
        ("Flask or FastAPI?", []),  # the sides are subjects, not alternatives
        ("Is Flask async or asynchronous?", []),  # one stem: not two alternatives
        ("What is Flask?", []),
    ],
)
def test_alternatives_of_an_a_or_b_question(question: str, expected: list[str]) -> None:
    assert alternatives(analyse(question, CATALOG)) == expected


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("What is Werkzeug?", "Werkzeug"),
        ("what are blueprints", "blueprints"),
        ("What is a chloroplast?", "chloroplast"),
        ("What is dependency injection?", "dependency injection"),
        ("What does WSGI stand for?", "WSGI"),
        ("What is pydantic used for in fastapi", None),  # what it is for, not what it is
        ("What is the name of the king?", None),
        ("What is Flask built on?", None),
        ("What does Flask use?", None),
        ("Who created Flask?", None),
        # asked as a request, or ending its sentence with a full stop
        ("Tell me about Flask", "Flask"),
        ("Describe FastAPI.", "FastAPI"),
        ("Explain dependency injection", "dependency injection"),
        ("Summarize Flask", "Flask"),
        ("Give me an overview of FastAPI", "FastAPI"),
        ("What do you know about Werkzeug?", "Werkzeug"),
        ("Flask overview", "Flask"),
        ("Explain how Flask handles requests", None),
        ("Tell me about dependency injection in FastAPI", None),
        ("tell me more", None),
    ],
)
def test_definition_questions(question: str, term: str | None) -> None:
    assert definition_term(question) == term


@pytest.mark.parametrize(
    ("text", "term", "says_what"),
    [
        ("Jinja2 is an expressive, fast, and extensible templating engine.", "Jinja2", True),
        ("who had built Werkzeug (a WSGI utility library) and Jinja2", "werkzeug", True),
        ("began building Starlette, a lightweight ASGI toolkit", "Starlette", True),
        ("Dependency injection is the pattern of ...", "dependency injection", True),
        ("werkzeug click itsdangerous blinker", "werkzeug", False),  # only named
        ("Werkzeug-based URL routing that maps paths", "Werkzeug", False),
        ("Flask is built on Werkzeug.", "Werkzeug", False),
        ("Flask is built on WSGI (Web Server Gateway Interface), defined in PEP 3333.", "wsgi", True),  # spelt out
        ("built on WSGI (see PEP 3333)", "WSGI", False),
        ("WSGI (Web Server Gateway Interface)", "ASGI", False),
        # spelt out before it, the words' initials (a hyphenated word's too) in order
        ("It also gained native Server-Sent Events (SSE) support.", "sse", True),
        ("Flask uses Web Server Gateway Interface (WSGI), a Python standard", "WSGI", True),
        ("a separate approach for SSE (see below)", "SSE", False),
        ("the server sent events (SSE) stream", "SSE", False),  # not written as a name
        ("Some Random Words (SSE)", "SSE", False),
    ],
)
def test_a_unit_says_what_a_term_is(text: str, term: str, says_what: bool) -> None:
    assert defines(text, term) is says_what


@pytest.mark.parametrize(
    ("text", "term", "opens"),
    [
        ("Pydantic is a library to define data validation.", "Pydantic", True),
        ("A :class:`Blueprint` is a way to organize a group of related views.", "blueprints", True),  # singular
        ("Blueprints are a way to organize views.", "blueprint", True),  # plural
        ("As Quart is an asynchronous framework based on asyncio, it is necessary to ...", "Quart", True),
        ("- **Dependency injection** is the pattern of ...", "dependency injection", True),
        ("Because each view in Flask is a function, decorators can be used.", "Flask", False),
        ("If your FastAPI is a single file, your file structure could look like this:", "FastAPI", False),
        ("Flask is built on Werkzeug.", "Flask", False),  # says what it is built on
        ("Flaskr is a small blog application.", "Flask", False),  # another name
        ("When using a blueprint, the name of the blueprint is prepended.", "blueprint", False),
    ],
)
def test_a_unit_opens_by_saying_what_a_term_is(text: str, term: str, opens: bool) -> None:
    assert opens_definition(text, term) is opens


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        ("Which technologies does Flask use that FastAPI does not?", True),
        ("What code patterns are unique to Flask?", True),
        ("Name the technologies only FastAPI depends on.", True),
        ("What status code does FastAPI return?", False),  # 'status' is no plural
        ("What does Flask use?", False),
        ("Which is faster?", False),
        ("What is Flask?", False),
    ],
)
def test_questions_asking_for_several_things_named(question: str, wanted: bool) -> None:
    assert wants_list(question) is wanted


@pytest.mark.parametrize(
    ("text", "item", "is_list"),
    [
        ("werkzeug click itsdangerous blinker", False, True),
        ("Flask uniquely uses: werkzeug, click, itsdangerous, blinker.", False, True),
        ("Unique tech: starlette, pydantic, typing-extensions", True, True),
        ("Type hinting improves code quality", True, False),  # a list item of the document, not a list of names
        ("Flask lacks automatic documentation.", False, False),
        ("Flask supports async views, blueprints and extensions written by a large community.", False, False),
    ],
)
def test_a_unit_that_lists_names(text: str, item: bool, is_list: bool) -> None:
    assert enumerates(text, item=item) is is_list


@pytest.mark.parametrize(
    ("question", "text", "says"),
    [
        ("Who originally wrote Flask?", "Flask was created by Armin Ronacher, an Austrian developer", True),
        ("Who was Flask built by?", "Flask was created by Armin Ronacher", True),
        # made at a place that is a maker: an organisation
        ("who made django", "Django was originally developed at World Online, the web department of a newspaper", True),
        ("who made django", "Django was developed at night", False),  # no name after 'at'
        ("who made Flask?", "FastAPI was created by Sebastian Ramirez", False),  # another thing's maker
        ("who made Flask?", "Flask is powered by Werkzeug", False),  # no making
        ("Who ruled Flask?", "Flask was created by Armin Ronacher", False),  # asks no maker
        ("whos behind flask", "Flask was created by Armin Ronacher", True),  # "who's behind" asks the maker
        ("Who is behind Flask?", "Flask was created by Armin Ronacher", True),
        ("Who stands behind the desk at Flask?", "Flask was created by Armin Ronacher", False),
        ("who is the creator of fastapi", "FastAPI was created by Sebastian Ramirez", True),  # a maker's noun
        ("Who was the original developer of Flask?", "Flask was created by Armin Ronacher", True),
        ("Who is the maintainer of Flask?", "Flask was created by Armin Ronacher", False),  # no maker
        # begun as someone's project ("Who made Rust?" led with "We made plenty of mistakes")
        ("Who made Rust?", "Rust began as a personal project of Graydon Hoare and was later sponsored by Mozilla", True),
        ("who created flask", "Flask started as a side project by Armin Ronacher", True),
        ("Who made Rust?", "Our rewrite began as a project of two engineers", False),  # another thing's start
        # a person's name doing it ("who created poetry" led with "By default Poetry creates virtual environments")
        ("who created poetry", "Sébastien Eustace started Poetry in 2018 to put locking behind one command", True),
        ("who made flask", "Python makes Flask easy to learn", False),  # no person's name
        ("who made flask", "Armin Ronacher wrote Jinja too", False),  # another thing
        # from its makers ("who makes obsidian" led with a sentence on Restricted mode)
        ("who makes obsidian", "2020: Obsidian's first public release, from the developers behind the outliner Dynalist.", True),
        ("who makes obsidian", "Obsidian is made by a small team in Toronto.", True),
        ("who makes obsidian", "Notion is a cloud service from the start.", False),
        ("who makes obsidian", "Obsidian was made by hand, note by note.", False),
        # when or where between ("who started busuu?" led with "... when you start a new course")
        ("who started busuu?", "Busuu was founded in 2008 by Bernhard Niesner and Adrian Hilti.", True),
        ("who made babbel", "Babbel was created in Berlin in 2007 by Markus Witte.", True),
        ("who started busuu?", "Busuu was founded in 2008 and bought by Chegg in 2021.", False),
    ],
)
def test_who_made_it(question: str, text: str, says: bool) -> None:
    assert (bool(WANTS_MAKER.search(question)) and says_maker(text, question)) is says


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("Is Flask a WSGI or an ASGI framework?", "Flask"),
        ("Is Django REST framework an ORM or a toolkit?", "Django REST framework"),
        ("Is it possible to run both?", None),
        ("Does Flask support async?", None),
    ],
)
def test_questions_asking_what_kind_of_thing_something_is(question: str, term: str | None) -> None:
    assert classified_term(question) == term


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("what is pydantic used for in fastapi", "pydantic"),
        ("What are blueprints good for?", "blueprints"),
        ("What was used for the test?", None),
        ("What is Pydantic?", None),
    ],
)
def test_questions_asking_what_something_is_for(question: str, term: str | None) -> None:
    assert purpose_term(question) == term


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("He combined Starlette for web handling with Pydantic for data validation", True),
        ("FastAPI uses type annotations and Pydantic to handle validation", True),
        ("FastAPI comes with the Pydantic library for data validation", True),
        ("starlette, pydantic, typing-extensions", False),
        ("It relies on Pydantic-compatible libraries for everything", False),  # another name
    ],
)
def test_a_unit_says_what_something_is_for(text: str, says: bool) -> None:
    assert states_purpose(text, "Pydantic") is says


@pytest.mark.parametrize(
    ("question", "number", "name"),
    [
        ("What is the latest version of Flask?", True, False),
        ("Which Python versions does FastAPI support?", True, False),
        ("How many stars does Flask have?", True, False),
        ("Who created Flask?", False, True),
        ("What libraries does Flask use that FastAPI does not?", False, True),
        ("Which companies use FastAPI?", False, True),
        ("In what country is Normandy located?", False, True),
        ("What is Flask?", False, False),
        ("Which is faster?", False, False),
    ],
)
def test_the_kind_of_answer_a_question_wants(question: str, number: bool, name: bool) -> None:
    """A number for an amount or a version; a name for who, and for which library, company, country ..."""
    assert bool(WANTS_NUMBER.search(question)) is number
    assert bool(WANTS_NAME.search(question)) is name


@pytest.mark.parametrize(("question", "things"), [
    ("How many contributors does FastAPI have?", ["contributors"]),
    ("What is the number of maintainers of Flask?", ["maintainers"]),
    ("How many kilometers is Warsaw from the Carpathians?", []),  # a unit, which a text may write 'km'
    ("How fast is FastAPI?", []),
    ("how many github stars does jekyll have?", ["stars"]),  # 'github' says which stars
    ("How many people live in Warsaw?", ["people"]),
    ("How many Super Bowls has Denver won?", ["bowls"]),
])
def test_what_a_question_counts(question: str, things: list[str]) -> None:
    assert counted(question) == things


@pytest.mark.parametrize(("question", "names"), [
    ("What Python version does Flask need?", ["Python"]),
    ("what is the minimum python version for flask", ["python"]),
    ("Which version of Node do I need?", ["Node"]),
    # which version, not of what: the subject's own
    ("What is the current version of Flask?", ["Flask"]),
    ("What's the latest stable version of Flask?", ["Flask"]),
    ("What is the most recent version of FastAPI?", ["FastAPI"]),
    ("What is the current Python version for FastAPI?", ["Python"]),
    ("Who translated this version of the scriptures?", ["the"]),  # a stop word: unversioned passes it by
    ("Which Flask release added async views?", []),
    ("Which Python does Quart need?", ["Python"]),  # which one, without the word
    ("What Python do I need to run Quart?", ["Python"]),
    ("which Python does quart run on", ["Python"]),
    ("Which database does Flask support?", []),  # not written as a name
    ("Which Flask extensions does Quart support?", []),  # things of a name
    ("Does Flask support Python 3.12?", ["Python"]),  # a release it names
    ("Does Flask 2.3 support async?", ["Flask"]),  # a subject's own: unversioned passes it by
    ("Did sales grow 3.5 percent?", []),  # an amount, no release
    ("Can Flask handle 1.5 million requests?", []),
    # a name's counterpart of another thing asks no version
    ("What's the Litestar version of Depends?", []),
    ("What is Quart's version of url_for?", []),
    ("What is the Flask version of 2.0?", ["Flask"]),
])
def test_what_a_question_asks_the_version_of(question: str, names: list[str]) -> None:
    assert versioned(question) == names


@pytest.mark.parametrize(("question", "term"), [
    ("Who is Armin Ronacher?", "Armin Ronacher"),
    ("who was Tom Christie", "Tom Christie"),
    ("Who is the creator of FastAPI?", None),  # asks for a maker
    ("Who is behind Flask?", None),
    ("who is sebastian ramirez", None),  # not written as a name: the ranker's first unit leads
])
def test_who_is_a_named_person(question: str, term: str | None) -> None:
    assert person_term(question) == term


@pytest.mark.parametrize(("lead", "items", "expected"), [
    ("so if you want to keep reading, here's a select list:", [":doc:`/usage/openapi/index`", ":ref:`lag`",
                                                               "[https://example.org/f](https://example.org/f)",
                                                               "<https://example.org/lag>"], True),
    ("These libraries have guides for Ibex KV:", ["[Ariadne](https://ariadnegraphql.org)"], False),
    ("Ibex KV supports three stores:", [":doc:`/memory` keeps keys in RAM", ":doc:`/disk`"], False),
    ("See the pages below.", ["[Failover](f.md)"], False),
    ("Further reading:", [], False),
])
def test_a_reading_list_is_a_lead_in_to_links_alone(lead: str, items: list[str], expected: bool) -> None:
    assert reading_list(lead, items) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Read more about it in the [FastAPI docs for WebSockets](https://fastapi.tiangolo.com/advanced/websockets/).",
     True),
    ("Obsolete, see :doc:`/appcontext` instead.", True),  # a stub page's pointer to where its matter went
    ("This content has moved to :doc:`/onboarding/flask`", True),
    ("This content has moved on since 2019.", False),  # points nowhere
    # led "fastapi allow all origins cors" over FastAPI's docs
    ("For more info about CORS, check the [Mozilla CORS documentation](https://developer.mozilla.org/).", True),
    ("Obsolete drivers see no updates.", False),
])
def test_a_sentence_pointing_elsewhere_for_its_matter(text: str, expected: bool) -> None:
    assert points_away(text) is expected


@pytest.mark.parametrize(("question", "expected"), [
    ("When was Flask first released?", True), ("when did fastapi come out", True),
    ("When was the university founded?", True), ("When was Flask 2.0 released?", False),
    ("When was the latest Flask released?", False), ("When did FastAPI add SSE?", False),
    ("When was Flask made?", True), ("Who made Flask, and when?", True), ("Who made Flask?", False),
    ("when did the bambino plus comes out", True),  # as corrected to a corpus writing 'comes', not 'come'
])
def test_a_question_asks_when_something_began(question: str, expected: bool) -> None:
    assert asks_origin(question) is expected


def test_the_year_a_text_says_something_began_is_its_earliest() -> None:
    assert origin_year("Ronacher released Flask 0.1 on April 16, 2010, after the joke of 2010.") == 2010
    assert origin_year("Flask 3.1 (released late 2024) follows Flask 2.0 of 2021.") == 2021
    assert origin_year("As of early 2026, Flask has over 68,000 GitHub stars.") is None  # no beginning
    assert origin_year("Flask was first released to acclaim.") is None  # no year


@pytest.mark.parametrize(("heading", "release"), [
    ("0.47.3 (August 24, 2025)", "0.47.3"), ("v2.0.0", "2.0.0"), ("Version 3.1.3", "3.1.3"),
    ("[3.1.0] - 2024-11-13", "3.1.0"), ("0.141.1 (2026-07-29)", "0.141.1"),
    ("1.2 Installation", None), ("1.2. Installation", None), ("Flask 2.0", None), ("Added", None),
])
def test_a_heading_naming_a_release_is_told_from_a_numbered_section(heading: str, release: str | None) -> None:
    m = RELEASE_HEADING.match(heading)
    assert (m.group(1) if m else None) == release


@pytest.mark.parametrize(("question", "qtype", "wanted"), [
    ("Show me an example of a FastAPI endpoint", "howto", True),
    ("Example of dependency injection in FastAPI", "howto", True),
    ("code example for validating a request in flask", "fact", True),
    ("FastAPI hello world", "fact", True),
    ("How can I return a custom status code from an endpoint?", "howto", False),  # a status code is no code asked
    ("What is an example of a Flask extension?", "howto", False),  # an instance
    ("Give me examples of companies that use Flask", "fact", False),
    ("How do I, for example, add a route?", "howto", False),
])
def test_a_question_asking_to_see_code(question: str, qtype: str, wanted: bool) -> None:
    assert wants_code(question, qtype) is wanted


def test_a_colon_then_a_word_in_lower_case_says_what_a_name_is() -> None:
    """"what are react server components" led with an FAQ's "No. Server Components are a React feature." over
    "... built on React Server Components: components that run only on the server ..."."""
    assert defines("The App Router is built on React Server Components: components that run only on the server.",
                   "react server components")
    assert not defines("FastAPI: Async by nature", "FastAPI")


@pytest.mark.parametrize(("text", "ahead"), [
    ("Here are the headline prices for a typical card payment.", True),
    ("The table below estimates the monthly bill for 3,000 resources.", True),
    ("All three providers publish extra fees for some cases, covered below.", True),
    ("The steps are as follows:", True),
    ("Heat pumps lose efficiency at temperatures below 0 °C.", False),
    ("Here, the cache is shared between runners.", False),
    ("In the following year the project moved to a foundation.", False),
    # (round 38: "We've driven all three extensively, and here's how to choose." led "which should I buy?")
    ("We've driven all three extensively, and here's how to choose.", True),
    ("Read on for the details of each test.", True),
    ("Ruff is faster, and here is how much: ten times.", False),
])
def test_points_ahead(text: str, ahead: bool) -> None:
    assert points_ahead(text) is ahead


@pytest.mark.parametrize(("text", "itself"), [
    ("This piece looks at day-two operations: installing, upgrading, monitoring.", True),
    # (round 38: "This step-by-step guide shows how to configure Ruff ..." led "what rules does ruff turn on by default?")
    ("This step-by-step guide shows how to configure Zephyr Lint in pyproject.toml.", True),
    ("This report describes the first case of the disease.", False),
])
def test_speaks_of_itself(text: str, itself: bool) -> None:
    assert speaks_of_itself(text) is itself


def test_a_quality_said_lacking_says_no_only_of_a_quality() -> None:
    assert negative("Sessions on Orbit chargers will be slower.")  # to "Is it fast on Orbit chargers?"
    assert not negative("Sessions on Orbit chargers will be slower.", quality=False)  # to "Can it charge there?"
    assert negative("It cannot charge there, and sessions elsewhere are slower.", quality=False)
