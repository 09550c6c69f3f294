"""qa/query.py: subjects from the corpus (front matter, 'X vs Y' titles), aliases, question types."""

from __future__ import annotations

import pytest

from qa.coverage import english_word
from qa.documents import Document
from qa.query import (
    SubjectCatalog,
    ages,
    analyse,
    focus,
    foreign_comparison,
    points_asked,
    question_type,
    relates,
    without_answer_form,
)


@pytest.fixture
def web() -> SubjectCatalog:
    return SubjectCatalog.from_documents(
        [
            Document("a", "Flask vs FastAPI", "text", subjects=("Flask", "FastAPI")),
            Document("b", "FastAPI vs. Flask", "text", subjects=("FastAPI", "Flask")),
        ]
    )


@pytest.fixture
def dbs() -> SubjectCatalog:
    """Two made-up-for-this-test subjects: nothing in query analysis may be about Flask."""
    return SubjectCatalog.from_documents(
        [
            Document("a", "PostgreSQL vs MySQL: Which Database to Pick", "text"),  # from the title
            Document("b", "Replication notes", "text", subjects=("MySQL",)),
        ]
    )


# -- the catalog ----------------------------------------------------------------------------------


def test_catalog_from_front_matter_subjects(web: SubjectCatalog) -> None:
    assert sorted(web.names) == ["FastAPI", "Flask"]


@pytest.mark.parametrize(
    ("title", "names"),
    [
        ("PostgreSQL vs MySQL: Which Database to Pick", ["MySQL", "PostgreSQL"]),
        ("Zephyr DB vs. Quokka DB", ["Quokka DB", "Zephyr DB"]),
        ("Ruby on Rails versus Django (2024 edition)", ["Django", "Ruby on Rails"]),
        ("Django vs Flask vs FastAPI: Python Web Frameworks", ["Django", "FastAPI", "Flask"]),
        # a name's own hyphen is no separator; what the title says past a name is no part of it
        ("Zigbee vs Z-Wave in 2023: Which Mesh Should Run Your Sensors?", ["Z-Wave", "Zigbee"]),
        ("Jira vs Linear vs Asana for a 40-Person Product Team", ["Asana", "Jira", "Linear"]),
        ("How We Chose a Framework for the New Portal: React vs Vue", ["React", "Vue"]),
        # a choice of three or more names, without 'vs'
        ("Zigbee, Z-Wave or Thread? A 2025 Buyer's Guide", ["Thread", "Z-Wave", "Zigbee"]),
        ("Obsidian notes: Local Files or a Cloud Database?", []),
        ("Hubs, Border Routers and Security: Running a Mixed Smart Home", []),
        ("Electric Tank, Heat Pump or Tankless Gas? A Cost Comparison", []),  # kinds of things, not names
        ("A Year Running Quokka DB", []),  # no 'vs': no subjects from the title
        ("Flask and FastAPI tips", []),
    ],
)
def test_catalog_from_vs_titles_when_front_matter_has_none(title: str, names: list[str]) -> None:
    assert sorted(SubjectCatalog.from_documents([Document("d", title, "text")], english_word).names) == names


def test_front_matter_subjects_win_over_the_title() -> None:
    catalog = SubjectCatalog.from_documents([Document("d", "Apples vs Oranges", "text", subjects=("Zephyr DB",))])
    assert catalog.names == ["Zephyr DB"]


def test_spellings_of_one_subject_merge_into_the_most_common() -> None:
    catalog = SubjectCatalog(["FastAPI", "Fast API", "FastAPI", "fastapi", "Flask"])
    assert sorted(catalog.names) == ["FastAPI", "Flask"]


@pytest.mark.parametrize(
    "text",
    ["fast api is quick", "FASTAPI is quick", "FastAPI's docs are good", "Fast-API rocks", "is fastapi quick?", "use FastAPI."],
)
def test_aliases_of_fastapi(web: SubjectCatalog, text: str) -> None:
    assert web.mentioned(text) == ["FastAPI"]


def test_find_returns_spans_in_order(web: SubjectCatalog) -> None:
    text = "Flask or fast api? FastAPI's docs beat Flask's."
    found = web.find(text)
    assert [name for name, _, _ in found] == ["Flask", "FastAPI", "FastAPI", "Flask"]
    assert [text[s:e] for _, s, e in found] == ["Flask", "fast api", "FastAPI's", "Flask's"]


@pytest.mark.parametrize(
    "text",
    ["flask-restx is an extension", "Flask-SocketIO adds websockets", "FlaskX is another project",
     "fastapi-users handles auth", "a flasks of water"],
)
def test_other_names_containing_a_subject_are_not_that_subject(web: SubjectCatalog, text: str) -> None:
    assert web.mentioned(text) == []


def test_longest_name_wins() -> None:
    catalog = SubjectCatalog(["Docker", "Docker Swarm"])  # ('Rails' and 'Ruby on Rails' are one: see below)
    text = "Docker Swarm differs from plain Docker"
    assert [(n, text[s:e]) for n, s, e in catalog.find(text)] == [("Docker Swarm", "Docker Swarm"), ("Docker", "Docker")]


def test_a_name_of_two_words_is_named_by_its_first_alone() -> None:
    """"how does ibex store data?" was answered with Marten Store's "keeps its data in append-only segment files":
    'ibex' named no subject. The first word of a name of two words names it, unless it opens another subject's
    name, is short, or the corpus writes it in lower case, as a word ('in spring 2024')."""
    catalog = SubjectCatalog(["Ibex KV", "Marten Store", "Spring Boot", "Django", "Django REST", "Go Kit"],
                             ["Ibex KV is built on LMDB.", "We moved in spring 2024."])
    assert catalog.find("how does ibex store data? and marten? Ibex-KV vs Marten Store") == [
        ("Ibex KV", 9, 13), ("Marten Store", 30, 36), ("Ibex KV", 38, 45), ("Marten Store", 49, 61)]
    assert catalog.mentioned("Is spring faster than django? go?") == ["Django"]  # a word, another's, too short
    assert catalog.mentioned("Is Spring Boot faster than Go Kit?") == ["Spring Boot", "Go Kit"]
    assert SubjectCatalog(["Ibex KV"]).mentioned("ibexes and ibex-like stores") == []


def test_a_name_of_three_words_goes_by_shorter_runs_of_them() -> None:
    """Of 'Breville Bambino Plus' and 'Gaggia Classic Pro', "bambino plus vs gaggia" named neither: people type the
    model or the maker. A run of a name's words names it when no other subject's name holds it and the corpus
    never writes it in lower case; a word alone only the first, or one no dictionary lists ('Plus', 'Classic'
    are words, and 'Bambino' one a dictionary lists too: "the standard Bambino" is another machine)."""
    catalog = SubjectCatalog(["Breville Bambino Plus", "Gaggia Classic Pro", "Ruby on Rails"],
                             ["Steam it, plus a classic shot.", "The standard Bambino is cheaper."],
                             is_word=lambda w: w in {"bambino", "plus", "classic", "pro", "rails"})
    assert catalog.mentioned("bambino plus vs gaggia") == ["Breville Bambino Plus", "Gaggia Classic Pro"]
    assert catalog.mentioned("is the Classic Pro heavier than the breville?") == ["Gaggia Classic Pro", "Breville Bambino Plus"]
    assert catalog.mentioned("the bambino, a classic, the plus side, on rails") == []
    assert catalog.mentioned("Is Ruby on Rails slower than ruby?") == ["Ruby on Rails"]


def test_which_version_was_the_first_asks_no_age() -> None:
    """"which nomad version was the first under the bsl license" was read as "When was Nomad first released?"."""
    catalog = SubjectCatalog(["Ibex KV", "Marten Store"])
    assert ages("which ibex kv version was the first under the new license", catalog) is None
    assert ages("which one was first?", catalog) == "When were Marten Store and Ibex KV first released?"


def test_a_name_goes_by_a_dictionary_word_of_it_the_corpus_calls_it_by() -> None:
    """"swarm max nodes" named no subject of a corpus on 'Docker Swarm', which writes "Swarm has no official
    ceiling", "commercial Swarm support", "for Swarm and" mid-sentence: a dictionary word of a name is a name of it
    when the corpus writes it alone with its capital mid-sentence three times or more, and three times as often
    as in lower case ("a single swarm across")."""
    texts = ["In our experience Swarm assumes a flat network.", "There is commercial Swarm support.",
             "Teams moving from Swarm to Kubernetes.", "Pick Docker Swarm for small teams.", "A single swarm across sites."]
    catalog = SubjectCatalog(["Docker Swarm", "Kubernetes"], texts, is_word=lambda w: w in {"docker", "swarm"})
    assert catalog.mentioned("swarm max nodes") == ["Docker Swarm"]
    # once more in lower case, or written alone only twice, it is a word
    fewer = SubjectCatalog(["Docker Swarm"], [*texts, "A swarm of bees."], is_word=lambda w: w in {"docker", "swarm"})
    assert fewer.mentioned("swarm max nodes") == []
    assert SubjectCatalog(["Docker Swarm"], texts[1:], is_word=lambda w: w in {"swarm"}).mentioned("swarm") == []


def test_made_up_catalog_aliases(dbs: SubjectCatalog) -> None:
    assert sorted(dbs.names) == ["MySQL", "PostgreSQL"]
    assert dbs.mentioned("Is postgre sql or my-sql faster? MYSQL's docs say") == ["PostgreSQL", "MySQL"]
    assert dbs.mentioned("Does Flask support WebSockets?") == []
    assert dbs.mentioned("mysqldump is a tool") == []


def test_a_shorter_run_that_is_another_subjects_name_is_no_alias() -> None:
    """"How much does the Roborock S8 Pro Ultra cost?" set the row "| Roborock S8 | ... | $749.99 |" against the
    Pro Ultra's price: 'Roborock S8' was taken as the Pro Ultra's short name, though the subject 'Roborock S8+'
    is that name but for its sign."""
    catalog = SubjectCatalog(["Roborock S8 Pro Ultra", "Roborock S8+", "Eufy X10 Pro Omni"])
    assert catalog.mentioned("| Roborock S8 | 6,000 Pa | $749.99 |") == ["Roborock S8+"]
    assert catalog.mentioned("the S8 Pro Ultra and the Eufy X10") == ["Roborock S8 Pro Ultra", "Eufy X10 Pro Omni"]


def test_a_model_code_alone_names_its_product() -> None:
    """"what's the most ram a ts-464 can take?" named no subject of a corpus on 'QNAP TS-464' and 'Synology
    DS923+', which its articles call "the TS-464" and "the DS923+": a model code (letters and digits, four or more
    but for signs) is a short name as a long word is; not 'S8' nor 'X10'."""
    catalog = SubjectCatalog(["QNAP TS-464", "Synology DS923+", "UGREEN DXP4800 Plus", "Eufy X10 Pro Omni"], [],
                             english_word)
    assert catalog.mentioned("the ts464 beats the DS923+; a DXP4800 too") == ["QNAP TS-464", "Synology DS923+",
                                                                             "UGREEN DXP4800 Plus"]
    assert catalog.mentioned("the X10 and the 464") == []


def test_a_common_nouns_plural_names_it_and_a_proper_names_does_not() -> None:
    """"Is there a rebate for heat pumps?" named no subject of a corpus on 'Heat pump' and 'Gas furnace', and "There
    is no rebate for gas furnaces." led "heat pump rebate" as a statement of no subject; "heat pump vs furnace
    efficiency" named one subject, and was answered with "Older furnaces from the 1990s often run at 80 percent"."""
    catalog = SubjectCatalog(["Heat pump", "Gas furnace", "Go"])
    assert catalog.mentioned("heat pumps vs gas furnaces") == ["Heat pump", "Gas furnace"]
    assert catalog.mentioned("Heat pump's fan and the gas furnace") == ["Heat pump", "Gas furnace"]
    assert catalog.mentioned("It goes on. The Gos and Go's") == ["Go"]
    assert catalog.mentioned("gas furnacess, gas furnace-ish") == []
    # ... and goes by that noun: "heat pump vs furnace efficiency" compares the two; not when another name holds it
    assert catalog.mentioned("heat pump vs furnace efficiency") == ["Heat pump", "Gas furnace"]
    assert catalog.mentioned("older furnaces") == ["Gas furnace"]
    assert SubjectCatalog(["Gas furnace", "Oil furnace"]).mentioned("a furnace") == []
    # ... but not what an amount is counted per: "It brews up to 10 oz per press" is of the AeroPress
    coffee = SubjectCatalog(["French press", "AeroPress"])
    assert coffee.mentioned("It brews up to 10 oz per press") == []
    assert coffee.mentioned("10 oz per French press; the press") == ["French press"]


def test_a_name_that_ends_another_is_that_ones() -> None:
    """A FAQ titled "S3 vs R2 vs B2" beside front matters naming 'Amazon S3', 'Cloudflare R2' and 'Backblaze B2'
    made six subjects: "Does Backblaze B2 support Object Lock?" and "b2" were asked of different ones, and facts of
    'S3' and 'Amazon S3' were never set against each other. A name that is the last words of one other is that one,
    named without its maker; not the first ('Docker' of 'Docker Swarm'), nor the last of two ('Pay')."""
    catalog = SubjectCatalog(["S3", "R2", "Amazon S3", "Cloudflare R2", "Docker", "Docker Swarm", "Pay", "Ibex Pay",
                              "Marten Pay"])
    assert sorted(catalog.names) == ["Amazon S3", "Cloudflare R2", "Docker", "Docker Swarm", "Ibex Pay", "Marten Pay",
                                     "Pay"]
    assert catalog.mentioned("S3 vs R2, and docker") == ["Amazon S3", "Cloudflare R2", "Docker"]
    assert catalog.canonical("S3") == "Amazon S3" and catalog.canonical("Pay") == "Pay"


def test_a_long_name_of_one_word_goes_by_its_clipped_forms() -> None:
    """"postgres vs mysql" named MySQL alone of a corpus on 'PostgreSQL' and 'MySQL', and "geospatial postgres vs
    mysql" was answered for MySQL. A name of one word goes by two thirds of it and more, unless that is a word
    of the dictionary ('starlet' of 'Starlette'), in lower case ('FastA' is no "fast a")."""
    catalog = SubjectCatalog(["PostgreSQL", "MySQL", "Starlette", "FastAPI"], ["PostgreSQL and MySQL"], english_word)
    assert catalog.mentioned("postgres vs mysql") == ["PostgreSQL", "MySQL"]
    assert catalog.mentioned("Postgre's JSON and POSTGRESQ") == ["PostgreSQL"]
    assert catalog.mentioned("a starlet, how fast a framework is, postg, postgresqlx") == []
    assert catalog.mentioned("starlett or fastap") == ["Starlette", "FastAPI"]
    # "kopia compression default" was asked of 'KopiaUI', whose clipped form 'kopia' is the subject 'Kopia'
    apps = SubjectCatalog(["Kopia", "KopiaUI"], ["Kopia and KopiaUI"], english_word)
    assert apps.mentioned("kopia compression default") == ["Kopia"]
    assert apps.mentioned("kopiau on windows") == ["KopiaUI"]


def test_a_name_in_two_capitalised_parts_goes_by_its_first_where_the_corpus_calls_it_so() -> None:
    """"when was borg 1.2 released" named no subject of a corpus listing 'BorgBackup' and writing 'Borg' three
    times as often. Written alone as often as the whole name (commands in lower case aside), the first part is
    the subject's name; 'Java', written now and then beside 'JavaScript', is not."""
    borg = ["BorgBackup keeps archives. Since we moved to Borg 1.2.0, pruning only marks data. We run Borg nightly, "
            "and `borg compact` frees space. You can install Borg from your distribution; `borg prune` keeps dailies."]
    catalog = SubjectCatalog(["BorgBackup", "Kopia"], borg, english_word)
    assert catalog.mentioned("when was borg 1.2 released") == ["BorgBackup"]
    js = ["JavaScript runs in the browser. Unlike Java, JavaScript has no classes before ES6. JavaScript is "
          "everywhere, and teams moving from Java find JavaScript loose. Java developers like TypeScript."]
    assert SubjectCatalog(["JavaScript", "TypeScript"], js, english_word).mentioned("is java typed") == []


def test_an_abbreviation_the_corpus_defines_names_its_subject() -> None:
    """"ev vs phev maintenance cost" was declined as "nothing on a comparison of ev and phev" of a corpus defining
    "plug-in hybrid electric vehicles (PHEVs)". An abbreviation in brackets after the words it stands for (their
    initials, in order, from the first) names the subject those words name whole, or else the one subject whose
    first word they hold; never a dictionary word, nor letters that are no initials of the words before them."""
    text = ("This page compares battery electric vehicles (BEVs) with plug-in hybrid electric vehicles (PHEVs). "
            "Regular hybrid vehicles (HVs) pay a road tax (TAX); electric vehicles (XEV) too. A plug-in hybrid has "
            "regenerative braking (RB).")
    catalog = SubjectCatalog(["Electric car", "Plug-in hybrid"], [text], english_word)
    assert catalog.mentioned("bev vs PHEVs") == ["Electric car", "Plug-in hybrid"]
    assert catalog.mentioned("a phev's battery") == ["Plug-in hybrid"]
    assert catalog.mentioned("an HV, a road TAX, an XEV, an RB") == []


def test_a_subject_named_with_vs_is_no_comparison() -> None:
    """"Who led the VS Code migration at Tidewater?" was declined as "nothing on a comparison of Who led the and
    Code migration at": the 'VS' of a subject's name sets nothing against anything."""
    catalog = SubjectCatalog(["Vim", "VS Code"])
    assert foreign_comparison("Who led the VS Code migration at Tidewater?", catalog) is None
    assert analyse("how much RAM does vs code use", catalog).qtype == "fact"
    assert analyse("vim vs vs code startup time", catalog).qtype == "comparison"
    assert foreign_comparison("Is Sublime vs Atom faster?", catalog) == ("Is Sublime", "Atom faster")


def test_times_set_against_each_other_are_no_comparison() -> None:
    """"did tesla cut the price of the long range model 3? what does it cost now vs before?" was declined as
    "nothing on a comparison of it cost now and before"."""
    catalog = SubjectCatalog(["Vim", "VS Code"])
    assert foreign_comparison("did Vim cut its price? what does it cost now vs before?", catalog) is None
    assert foreign_comparison("what does it cost today versus earlier", catalog) is None
    assert foreign_comparison("is emacs vs nano better for a beginner?", catalog) == ("is emacs", "nano better for")


# -- question types and terms ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "qtype"),
    [
        ("Compare Flask and FastAPI", "comparison"),
        ("flask vs fastapi", "comparison"),
        ("Flask versus FastAPI for APIs", "comparison"),
        ("What is the difference between Flask and FastAPI?", "comparison"),
        ("What are the differences between Flask and FastAPI?", "comparison"),
        ("How does Flask differ from FastAPI?", "comparison"),
        ("How is FastAPI different from Flask?", "comparison"),
        ("pros and cons of flask and fastapi", "comparison"),
        ("Should I use Flask or FastAPI?", "recommendation"),
        ("Which is better for beginners, Flask or FastAPI?", "recommendation"),
        ("Flask or FastAPI for a small microservice?", "recommendation"),
        ("Is FastAPI a good choice for machine learning APIs?", "recommendation"),
        ("Should a small team adopt FastAPI?", "recommendation"),  # someone other than the asker
        ("Should my startup use Flask?", "recommendation"),
        ("How do I install FastAPI?", "howto"),
        ("How can I add Swagger docs to a Flask app?", "howto"),
        ("Show me an example of a Flask route", "howto"),
        ("Who created Flask?", "fact"),
        ("When was FastAPI released?", "fact"),
        ("Does Flask support WebSockets?", "fact"),
    ],
)
def test_question_types(web: SubjectCatalog, question: str, qtype: str) -> None:
    assert analyse(question, web).qtype == qtype


def test_comparison_words_need_two_subjects(web: SubjectCatalog) -> None:
    # 'different' about one subject is not a comparison between subjects; 'compare' or 'vs' still is.
    assert analyse("What different ways does Flask offer for routing?", web).qtype != "comparison"
    assert question_type("compare the two", 0) == "comparison"


@pytest.mark.parametrize(
    ("question", "qtype", "subjects"),
    [
        ("Compare PostgreSQL and MySQL", "comparison", ("PostgreSQL", "MySQL")),
        ("What are the differences between mysql and postgresql?", "comparison", ("MySQL", "PostgreSQL")),
        ("Should I use Postgre SQL or MySQL for analytics?", "recommendation", ("PostgreSQL", "MySQL")),
        ("How do I install MySQL?", "howto", ("MySQL",)),
        ("Who maintains PostgreSQL?", "fact", ("PostgreSQL",)),
        ("Compare Flask and FastAPI", "comparison", ()),  # not subjects of this corpus
    ],
)
def test_made_up_catalog_questions(dbs: SubjectCatalog, question: str, qtype: str, subjects: tuple[str, ...]) -> None:
    query = analyse(question, dbs)
    assert query.qtype == qtype
    assert query.subjects == subjects


def test_terms_spell_subjects_canonically_and_aspects_exclude_them(web: SubjectCatalog, dbs: SubjectCatalog) -> None:
    q = analyse("How fast is fast api compared with Flask for websockets?", web)
    assert q.subjects == ("FastAPI", "Flask")
    assert "fastapi" in q.terms and "flask" in q.terms
    assert "api" not in q.terms  # 'fast api' became one canonical token
    assert "websockets" in q.aspect_terms
    assert not {"fastapi", "flask", "compared", "how", "is"} & set(q.aspect_terms)

    d = analyse("Compare replication in postgre sql and my sql", dbs)
    assert d.subjects == ("PostgreSQL", "MySQL")
    assert {"postgresql", "mysql", "replication"} <= set(d.terms)
    assert d.aspect_terms == ("replication",)

    # 'well' says how good, as 'better' does: what is asked about is scaling
    assert analyse("Does MySQL scale well?", dbs).aspect_terms == ("scale",)


@pytest.mark.parametrize(("question", "terms"), [
    ("When did FastAPI come out?", ("fastapi",)),
    ("Who came up with Flask?", ("flask",)),
    ("Where did each of the two frameworks come from?", ("two", "frameworks")),
    ("How did the Mongol empire go about taxing its subjects?", ("mongol", "empire", "taxing", "subjects")),
    # a verb with no particle after it is asked for itself
    ("What does FastAPI come with?", ("fastapi", "come")),
    ("Which country made the first tank?", ("country", "made", "first", "tank")),
    # nor are the words asking what a term means, at the end of the question
    ("What does WSGI stand for?", ("wsgi",)),
    ("What does ASGI mean?", ("asgi",)),
    ("What does the mean latency of Flask depend on?", ("mean", "latency", "flask", "depend")),
    # nor 'work' of "How does X work?": a text saying how X is used does not say 'work'
    ("How do lifespan events work in Flask?", ("lifespan", "events", "flask")),
    ("How does dependency injection work under the hood?", ("dependency", "injection", "hood")),
    ("Does FastAPI work with Python 3.8?", ("fastapi", "work", "python", "3.8")),
    ("How much work is a migration to FastAPI?", ("work", "migration", "fastapi")),
    # nor the word saying a name's counterpart of another thing
    ("What's the Flask version of Depends?", ("flask", "depends")),
    ("What is FastAPI's answer to blueprints?", ("fastapi", "blueprints")),
    ("Which version of Flask added async?", ("version", "flask", "added", "async")),
    ("What is the Flask version of 2.0?", ("flask", "version", "2.0")),
    # words that say how much or what kind, not of what
    ("Who uses Flask?", ("flask",)),
    # nor the manner of the making a question asks the maker of (the answer says who made it)
    ("Who originally wrote Flask?", ("wrote", "flask")),
    ("Who initially created FastAPI?", ("created", "fastapi")),
    ("Who really knows Flask?", ("really", "knows", "flask")),
    ("Does FastAPI have something like blueprints?", ("fastapi", "blueprints")),
    ("How much faster is FastAPI, and by how many requests?", ("faster", "fastapi", "requests")),
])
def test_a_verb_a_particle_follows_is_no_term(web: SubjectCatalog, question: str, terms: tuple[str, ...]) -> None:
    """'come out' means released: the words 'comes with' and 'come across' are no evidence of an answer."""
    assert analyse(question, web).terms == terms


@pytest.mark.parametrize(("question", "aspect"), [
    ("Should I use Flask or FastAPI in 2026?", ()),
    ("Flask vs FastAPI: which is faster as of 2025?", ("faster",)),
    # the year of a fact, or of a choice of nothing named, is asked about
    ("Is Flask still maintained in 2026?", ("still", "maintained", "2026")),
    ("What did the report in 1973 recommend establishing?", ("report", "1973", "establishing")),
])
def test_the_year_of_a_choice_is_its_time_not_its_topic(web: SubjectCatalog, question: str,
                                                        aspect: tuple[str, ...]) -> None:
    assert analyse(question, web).aspect_terms == aspect


def test_no_subjects_named(web: SubjectCatalog) -> None:
    q = analyse("What is the capital of Australia?", web)
    assert q.subjects == ()
    assert q.qtype == "fact"
    assert set(q.terms) == {"capital", "australia"}


def test_a_long_question_s_focus_is_what_it_asks(dbs: SubjectCatalog) -> None:
    text = ("Our team runs three services on PostgreSQL and a reporting job on a single large machine. The job reads "
            "everything every night and the dashboards time out while it runs. Management wants fewer moving parts. "
            "Would switching that job to MySQL help?")
    assert focus(text, dbs) == "Would switching that job to MySQL help (PostgreSQL)?"
    no_mark = text.replace("?", ".")
    assert focus(no_mark, dbs) == "Would switching that job to MySQL help (PostgreSQL)?"  # the last sentence


def test_a_short_or_one_sentence_question_is_its_own_focus(dbs: SubjectCatalog) -> None:
    assert focus("Does PostgreSQL support logical replication? And MySQL?", dbs) is None  # few words
    one = "Which of the two databases handles " + "very " * 30 + "large tables better?"
    assert focus(one, dbs) is None


def test_a_request_opening_a_question_is_no_aspect(dbs: SubjectCatalog) -> None:
    """'Give me', 'List', 'Can you describe' say what kind of answer is wanted: the verb is no search term either
    ("Summarize MySQL" would look for the word 'summarize'), unless it is all the question holds."""
    assert analyse("Give me the pros and cons of MySQL", dbs).aspect_terms == ("pros", "cons")
    assert analyse("Can you list the weaknesses of MySQL?", dbs).aspect_terms == ("weaknesses",)
    listed = analyse("List the replication modes of MySQL", dbs)
    assert listed.aspect_terms == ("replication", "modes") and "list" not in listed.terms
    assert analyse("Summarize MySQL", dbs).terms == ("mysql",)
    assert analyse("Summarize", dbs).terms == ("summarize",)
    # not a request where it does not open the question
    assert "list" in analyse("Which MySQL list type is fastest?", dbs).aspect_terms
    assert "name" in analyse("Name the replication modes of MySQL", dbs).aspect_terms  # 'Name the ...' asks for names


@pytest.mark.parametrize(
    ("question", "meant"),
    [
        ("When should I NOT use MySQL?", "What are the cons of MySQL?"),
        ("Why shouldn't we pick PostgreSQL for analytics?", "What are the cons of PostgreSQL for analytics?"),
        ("when to avoid mysql", "What are the cons of MySQL?"),
        ("When is PostgreSQL a bad choice?", "What are the cons of PostgreSQL?"),
        ("When is MySQL not the right fit?", "What are the cons of MySQL?"),
        ("Why doesn't everyone use PostgreSQL?", "What are the cons of PostgreSQL?"),
        ("What's wrong with MySQL?", "What are the cons of MySQL?"),
        ("What do people dislike about PostgreSQL?", "What are the cons of PostgreSQL?"),
    ],
)
def test_a_question_against_a_subject_asks_for_its_bad_points(dbs: SubjectCatalog, question: str, meant: str) -> None:
    assert points_asked(question, dbs) == meant
    assert points_asked(question, dbs, "drawbacks") == meant.replace("cons", "drawbacks")


@pytest.mark.parametrize(
    ("question", "meant"),
    [
        ("What do people like about MySQL?", "What are the pros of MySQL?"),
        ("What do developers love about PostgreSQL for analytics?", "What are the pros of PostgreSQL for analytics?"),
        ("What's so great about PostgreSQL?", "What are the pros of PostgreSQL?"),
        ("what is good about mysql", "What are the pros of MySQL?"),
    ],
)
def test_a_question_on_what_is_good_about_a_subject_asks_for_its_good_points(dbs: SubjectCatalog, question: str,
                                                                            meant: str) -> None:
    assert points_asked(question, dbs) == meant
    assert points_asked(question, dbs, good_points="strengths") == meant.replace("pros", "strengths")


@pytest.mark.parametrize(
    "question",
    [
        "When should I use MySQL?",
        "When should I use PostgreSQL and not MySQL?",  # advice between the two
        "Can I not use MySQL's query cache?",  # about the cache
        "Is MySQL a good choice?",
        "Does MySQL avoid locks?",
        "What would you like to know about MySQL?",  # no one's liking of it
        "What is good about MySQL and PostgreSQL?",  # two subjects
    ],
)
def test_other_questions_are_not_against_a_subject(dbs: SubjectCatalog, question: str) -> None:
    assert points_asked(question, dbs) is None


@pytest.mark.parametrize(
    ("question", "related"),
    [
        ("How do I migrate from MySQL to PostgreSQL?", True),
        ("Can I copy MySQL data into PostgreSQL?", True),
        ("Can PostgreSQL run alongside MySQL?", True),
        ("Is MySQL faster than PostgreSQL?", False),
        ("Is MySQL similar to PostgreSQL?", False),
        ("PostgreSQL or MySQL for analytics?", False),
        ("How do MySQL and PostgreSQL handle replication?", False),
        ("MySQL vs PostgreSQL", False),
        ("Does MySQL replicate to followers?", False),  # one subject
    ],
)
def test_two_subjects_in_a_relation_are_told_from_two_side_by_side(dbs: SubjectCatalog, question: str,
                                                                    related: bool) -> None:
    assert relates(question, dbs) is related


@pytest.mark.parametrize(("question", "asked"), [
    ("Which is older, Flask or FastAPI?", "When were Flask and FastAPI first released?"),
    ("Which one came out first, FastAPI or Flask?", "When were FastAPI and Flask first released?"),
    ("Is FastAPI newer than Flask?", "When were FastAPI and Flask first released?"),
    ("How old is Flask?", "When was Flask first released?"),
    ("Which is faster, Flask or FastAPI?", None),
    ("Which is older, Django or Rails?", None),  # no subject of the corpus
    ("Is the older API of Flask deprecated?", None),
    ("Which framework is older?", "When were FastAPI and Flask first released?"),  # of the pair the corpus compares
    ("Which was first released, Flask or FastAPI?", "When were Flask and FastAPI first released?"),
    # a subject's newest (first) release, not which of the subjects is the newer
    ("What is the newest Flask release?", None), ("What was the first version of Flask?", None),
    ("Which is the latest FastAPI version?", None),
])
def test_an_age_question_asks_when_each_began(web: SubjectCatalog, question: str, asked: str | None) -> None:
    assert ages(question, web) == asked


@pytest.mark.parametrize(("question", "plain"), [
    ("What's the difference between MySQL and PostgreSQL in one sentence?",
     "What's the difference between MySQL and PostgreSQL?"),
    ("Briefly, what is replication?", "What is replication?"),
    ("In a nutshell, how do MySQL and PostgreSQL differ?", "How do MySQL and PostgreSQL differ?"),
    ("tl;dr mysql vs postgresql", "mysql vs postgresql"),
    ("ELI5 the difference between mysql and postgresql", "The difference between mysql and postgresql"),
    ("Explain in simple terms what MVCC is", "Explain what MVCC is"),
    ("Give me a short summary of MySQL", "Give me a summary of MySQL"),
    ("Is MySQL fast, in a few words?", "Is MySQL fast?"),
    # what the question asks, kept
    ("How quickly can MySQL replicate?", "How quickly can MySQL replicate?"),
    ("Which engine was briefly the default?", "Which engine was briefly the default?"),
    ("Explain briefly what MVCC is", "Explain what MVCC is"),
    ("What is a short index prefix?", "What is a short index prefix?"),
    ("In short?", "In short?"),  # nothing else to ask
    ("briefly, why?", "why?"),  # a bare follow-up, asked briefly
])
def test_what_a_question_says_of_the_answers_form_is_not_asked(question: str, plain: str) -> None:
    """How short or plain the answer should be is no topic: 'sentence', 'nutshell' and 'ELI5' are no words the
    corpus should be asked for ("What's the difference ... in one sentence?" abstained: nothing on sentence)."""
    assert without_answer_form(question) == plain
