"""What of a question the corpus covers: word forms, typos, unknown names, names mentioned only in passing."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from qa.coverage import (
    Vocabulary,
    as_typed,
    central_names,
    compares_apart,
    compound,
    correct_question,
    described,
    english_word,
    foreign_language,
    max_edits,
    passing_name,
    unknown_names,
    unsaid,
    unshouted,
    unversioned,
    unwritten_release,
    whole_word,
    word_form,
)
from qa.embedding import OnnxEmbedder
from qa.engine import Engine
from qa.query import analyse, focus
from tests.conftest import engine_over

VOCAB = Vocabulary({"flask": 40, "fastapi": 50, "what": 4, "want": 8, "performance": 6, "standardized": 1, "validation": 3, "float": 2,
                    "created": 4, "create": 9, "dependency": 3, "panic": 1, "authentication": 5, "authorization": 2,
                    "requests": 7, "required": 3})


def vocabulary_of(prose: list[str]) -> Vocabulary:
    """The vocabulary of a corpus whose units are ``prose``: each word with the number of units holding it."""
    counts: dict[str, int] = {}
    for text in prose:
        for w in set(re.findall(r"[a-z]+", text.lower())):
            counts[w] = counts.get(w, 0) + 1
    return Vocabulary(counts, prose=prose)


def real_words(word: str) -> bool:  # stands in for the model's WordPiece vocabulary
    return word in {"flat", "cons", "teach", "sanic", "wen"}


def test_edits_allowed_grow_with_the_word() -> None:
    assert [max_edits(w) for w in ("api", "flsk", "perfoma", "dependancy")] == [0, 1, 1, 2]


@pytest.mark.parametrize(("typed", "meant"), [
    ("flsk", "flask"), ("fastpi", "fastapi"), ("perfomance", "performance"), ("dependancy", "dependency"),
    ("creatd", "created"), ("standardize", "standardized"), ("waht", "what"),
])
def test_typos_and_other_forms_find_the_corpus_word(typed: str, meant: str) -> None:
    assert VOCAB.correction(typed) == meant


def test_a_letter_typed_twice_is_left_out_before_one_is_put_in() -> None:
    """'runnes' was read as 'runners' (one letter more, which the typed word is a subsequence of) rather than
    'runes', the word the corpus writes ten times more: "svelte 5 runnes explained" got CI runners' build times."""
    vocab = vocabulary_of(["Svelte 5 runes replace stores."] * 10 + ["Our CI runners took 4 minutes."])
    assert vocab.correction("runnes") == "runes"


def test_no_correction_for_known_words_far_words_or_another_first_letter() -> None:
    assert VOCAB.correction("flask") is None
    assert VOCAB.correction("kubernetes") is None
    assert VOCAB.correction("sanic") is None  # 'panic' is one edit away but starts differently


def test_an_abbreviation_the_corpus_never_writes_is_the_term_it_spells_out() -> None:
    """'DI' is the term whose words the corpus writes in a row in three units ('dependency injection'), and in
    most units holding 'injection'. 'ER' meets 'every request' by chance: 'every' and 'request' are mostly
    written apart. A run of words the corpus writes twice, or no more often than another, is no reading."""
    prose = ["FastAPI has dependency injection built in.", "Dependency injection runs per request.",
             "Its dependency-injection system caches results.", "Every request is logged.", "Every request is timed.",
             "Every request gets an id.", "Read every header.", "Every route is typed.", "Every test passes.",
             "Each request carries headers.", "A request body is parsed.", "Every response is gzipped.",
             "The request object is global.", "Streaming responses help.", "Static responses are cached.",
             "Schema routes and schema rules differ."]
    vocab = vocabulary_of(prose)
    assert vocab.spelled_out("di") == "dependency injection"
    assert vocab.spelled_out("er") is None  # 3 units write 'every request': under half of the 7 with each word
    assert vocab.spelled_out("sr") is None  # 'streaming responses', 'static responses', 'schema routes': none leads
    assert vocab.spelled_out("fastapi") is None  # the corpus writes it
    assert correct_question("DI in FastAPI?", vocab, real_words, lambda a, b: 0.3)[0] == "dependency injection in FastAPI?"
    assert correct_question("DI in FastAPI?", vocab, real_words, lambda a, b: 0.1)[0] == "DI in FastAPI?"  # far apart
    assert correct_question("di in FastAPI?", vocab, real_words, lambda a, b: 0.3)[0] == "di in FastAPI?"  # no capitals



def test_an_abbreviation_the_corpus_defines_once_is_the_words_it_goes_on_in() -> None:
    """"hpwh noise db" and "hpwh operating modes" were declined: the corpus defines "a heat pump water heater
    (HPWH)" once and then writes the words. Typed in capitals or as no word, the abbreviation is read as them;
    not when the question asks what it is (its definition holds it as typed), nor where the corpus writes it
    in units of its own ('OIDC': its term too)."""
    prose = ["A heat pump water heater (HPWH) moves heat.", "A heat pump water heater is quiet.",
             "Every heat pump water heater needs a drain.", "The first-hour rating (FHR) combines storage and recovery.",
             "OpenID Connect (OIDC) gives short-lived tokens.", "Use OIDC for cloud credentials."]
    vocab = vocabulary_of(prose)
    assert vocab.defined("hpwh") == "heat pump water heater"
    assert vocab.defined("fhr") == "first-hour rating"
    assert vocab.defined("oidc") is None  # two units write it
    assert correct_question("hpwh noise db", vocab, real_words)[0] == "heat pump water heater noise db"
    assert correct_question("HPWH noise?", vocab, real_words)[0] == "heat pump water heater noise?"
    assert correct_question("what is HPWH?", vocab, real_words)[0] == "what is HPWH?"
    assert correct_question("FHR of a 50 gallon tank", vocab, real_words)[0] == "first-hour rating of a 50 gallon tank"

@pytest.mark.slow
def test_an_abbreviation_is_asked_as_the_words_the_corpus_writes(engine: Engine) -> None:
    """The corpus writes 'dependency injection' seven times and 'DI' never: "DI in fastapi?" had "nothing on DI"."""
    answer = engine.ask("DI in fastapi?")
    assert not answer.abstained and "dependency injection" in answer.citations[0].quote.lower(), answer.answer
    assert engine.ask("Is there an ABC for FastAPI?").abstained  # nothing the corpus writes spells it out


def test_a_question_in_capitals_is_read_in_lower_case_but_for_real_words_the_corpus_lacks() -> None:
    vocab = Vocabulary({"flask": 40, "fastapi": 50, "standardized": 1, "faster": 3, "authentication": 5})
    english = {"express", "standardize", "faster", "use", "than"}.__contains__  # stands in for the model's
    assert unshouted("IS EXPRESS FASTER THAN FLASK?", vocab, english) == "is EXPRESS faster than flask?"
    assert unshouted("SHOULD WE STANDARDIZE ON FLSK", vocab, english) == "should we standardize on flsk"
    assert unshouted("DI in FastAPI?", vocab, english) == "DI in FastAPI?"  # not shouted: capitals are news
    assert unshouted("WHY FLASK", vocab, english) == "WHY FLASK"  # too short to tell


@pytest.mark.slow
def test_a_shouted_question_is_answered_as_typed_in_lower_case(engine: Engine) -> None:
    """'AUTH' was a name the corpus lacks ("nothing on AUTH"): in a question in capitals alone it is 'auth',
    clipped from 'authentication'. 'EXPRESS' is a real word the corpus does not hold, so a name still."""
    answer = engine.ask("HOW DO I ADD AUTH TO FASTAPI")
    assert not answer.abstained and "authentication" in answer.citations[0].quote.lower(), answer.answer
    answer = engine.ask("IS EXPRESS FASTER THAN FLASK?")
    assert answer.abstained and "nothing on EXPRESS" in answer.answer, answer.answer


def test_a_typo_of_a_real_word_the_corpus_writes_only_in_another_form_is_that_word() -> None:
    vocab = Vocabulary({"fast": 6, "scale": 2, "flask": 40})
    english = {"faster", "scaling", "flasks"}.__contains__  # stands in for the model's vocabulary
    assert vocab.correction("fster") is None  # no corpus word is one edit away
    assert vocab.form_correction("fster", english) == "faster"
    assert vocab.form_correction("scalling", english) == "scaling"  # 'scale' less its e, before 'ing'
    assert vocab.form_correction("fstr", english) is None  # 'faster' is two edits away: too many for four letters
    assert correct_question("is fastapi fster than flask", vocab, english)[0] == "is fastapi faster than flask"
    # ... a word of the dictionary ('parter' is none, though the model's vocabulary holds it whole), and never in
    # place of one it lists ('parser', at its floor: 'passer' is no typo of it)
    assert correct_question("hugo markdown parser", Vocabulary({"part": 5, "pass": 5, "hugo": 9}),
                            {"parter", "passer"}.__contains__)[0] == "hugo markdown parser"


def test_a_number_typed_with_its_unit_is_read_as_the_corpus_writes_them() -> None:
    """"cheapest place to keep 10TB if I pull about 5TB back out every month" was declined of a corpus writing
    "Scenario 1: 10 TB stored, 5 TB downloaded per month"; spaced, it is answered from it."""
    vocab = Vocabulary({"tb": 9, "stored": 3, "the": 20, "4th": 1, "gb": 2})
    assert correct_question("keep 10TB or 2.5TB, not 3GB4", vocab, lambda _w: True) == (
        "keep 10 TB or 2.5 TB, not 3GB4", [("10TB", "10 TB"), ("2.5TB", "2.5 TB")])
    assert correct_question("the 4th and 5th, 10MB", vocab, lambda _w: True)[0] == "the 4th and 5th, 10MB"


def test_a_name_one_slip_from_a_name_the_corpus_writes_is_that_name() -> None:
    """A capitalised word past the first is a name, news when the corpus lacks it; one slip (a letter more,
    less, changed, or two swapped) from a name the corpus writes as one, it is that name mistyped. Not a real
    word ('Bottle'), an acronym, a name two slips away ('Starlite'), nor a word the corpus writes in lower case
    more often than with a capital after a lower-case word ('Given' opening a clause)."""
    prose = ["Use FastAPI with Starlette and Python.", "The Starlette toolkit runs it.", "Count GitHub stars.",
             "It is fast. Given that, bottle it.", "We are given three bottles, as given before.",
             "Look at the CHIEF value."]
    vocab = vocabulary_of(prose)
    english = {"bottle", "given"}.__contains__

    def corrected(question: str) -> str:
        return correct_question(question, vocab, english)[0]

    assert corrected("Is FastAIP faster than Flask?") == "Is FastAPI faster than Flask?"
    assert corrected("What is Starltete?") == "What is Starlette?"
    assert corrected("How many GitHuub stars?") == "How many GitHub stars?"
    assert corrected("Is Pythn required?") == "Is Python required?"
    assert corrected("Does FastAPI run Bottle?") == "Does FastAPI run Bottle?"  # a real word: a name, not a slip
    assert corrected("Is Starlite faster?") == "Is Starlite faster?"  # two slips from 'Starlette': another name
    assert corrected("Is CHIKF high?") == "Is CHIKF high?"  # an acronym
    assert corrected("What is Gven here?") == "What is Gven here?"  # 'given' is a word the corpus writes in lower case
    # Of four letters, only a letter left out ("Babel vs Busu" had "nothing on Busu"): 'Stan' is no 'Star'
    busuu = vocabulary_of(["Busuu and Babbel teach languages.", "The Busuu app is free.", "Star the Stars."])
    assert correct_question("Is Babbel cheaper than Busu?", busuu, english)[0] == "Is Babbel cheaper than Busuu?"
    assert correct_question("Is Babbel cheaper than Stan?", busuu, english)[0] == "Is Babbel cheaper than Stan?"
    assert "given" not in vocab.names and vocab.names["starlette"] == "Starlette"


def test_a_word_for_good_or_bad_points_is_the_one_the_corpus_heads_its_lists_with() -> None:
    vocab = Vocabulary({"limited": 2, "benefits": 1}, headings=frozenset({"cons", "pros", "fastapi"}))
    assert vocab.list_word("drawbacks") == "cons"
    assert vocab.list_word("limitations") == "cons"
    assert vocab.list_word("advantages") == "pros"  # a heading's word before one of the text's ('benefits')
    assert vocab.list_word("benefits") is None  # the corpus's own word
    assert vocab.list_word("features") is None  # no word of such lists


@pytest.mark.slow
@pytest.mark.parametrize(("question", "heading"), [
    ("What are the drawbacks of Flask?", "Cons of Flask"), ("What are the disadvantages of FastAPI?", "Cons of FastAPI"),
    ("What are the strengths of Flask?", "Pros"),
])
def test_a_question_in_other_words_for_pros_or_cons_is_answered_from_those_lists(
        engine: Engine, question: str, heading: str) -> None:
    answer = engine.ask(question)
    assert not answer.abstained, answer.answer
    (section,) = answer.sections  # the subject's list, under the heading the corpus gives it
    assert section.kind == "subject" and section.text.startswith(f"{section.heading} {heading}"), section.text


def test_a_clipped_word_stands_for_the_commonest_corpus_word_it_starts() -> None:
    assert VOCAB.completion("auth") == "authentication"
    assert VOCAB.completion("req") == "requests"
    assert VOCAB.completion("flask") is None  # the corpus's own word
    assert VOCAB.completion("fl") is None  # too short to stand for anything
    assert VOCAB.completion("validatio") is None  # one letter short is a typo's business, not a clipping
    text, fixes = correct_question("Does FastAPI ship auth? How many req/s?", VOCAB, real_words)
    assert text == "Does FastAPI ship authentication? How many requests/s?"
    assert fixes == [("auth", "authentication"), ("req", "requests")]


def test_a_clipped_word_is_no_typo_of_its_own_opening_letters() -> None:
    """'perf' is one letter more than the corpus's 'per': read as that typo, "Which has better perf?" asked of
    'per'. A word whose typo would be its own letters cut short is the clipping ('performance')."""
    vocab = Vocabulary({**VOCAB.count, "per": 12})
    assert vocab.correction("perf") == "per"
    text, fixes = correct_question("Which has better perf? fastapi perfomance? flaskk?", vocab, real_words)
    assert text == "Which has better performance? fastapi performance? flask?"
    assert fixes == [("perf", "performance"), ("perfomance", "performance"), ("flaskk", "flask")]


def test_two_words_typed_as_one_are_no_typo() -> None:
    """'realtime' was corrected to the corpus's 'relative' (two edits): "we're building a realtime chat app" asked
    of relative things. Two words typed as one are the two as the corpus writes them apart; a typo that happens
    to be two words the corpus never writes together is still a typo ('knowedge': 'know' + 'edge')."""
    vocab = vocabulary_of(["Real-time apps need WebSockets.", "This is relative.", "Knowledge matters.",
                           "Know your edge cases."])

    def words(w: str) -> bool:
        return w in {"real", "time", "know", "edge"}

    assert vocab.correction("realtime") == "relative"
    text, fixes = correct_question("a realtime app? knowedge?", vocab, words)
    assert text == "a real-time app? knowledge?"
    assert fixes == [("realtime", "real-time"), ("knowedge", "knowledge")]


def test_a_word_of_one_letter_and_a_hyphen_typed_without_it_is_the_corpus_word() -> None:
    """"typical weight of a complete commuter ebike" was declined, "it has nothing on ebike": the corpus writes
    'e-bike', two words ('e', 'bike') that no typo look-up joins."""
    vocab = vocabulary_of(["A commuter e-bike weighs 22 kg.", "Most e-bikes have a 500 Wh battery.", "X-rays"])
    text, fixes = correct_question("weight of an ebike? ebikes battery? xrays", vocab, {"weight", "battery"}.__contains__)
    assert text == "weight of an e-bike? e-bikes battery? x-rays"
    assert fixes == [("ebike", "e-bike"), ("ebikes", "e-bikes"), ("xrays", "x-rays")]


def test_prose_look_ups_kept_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each new word a question brings may scan the corpus's prose once; a server asked without end keeps at most
    LOOKUPS_KEPT of them, and a word past that is still answered."""
    import qa.coverage

    monkeypatch.setattr(qa.coverage, "LOOKUPS_KEPT", 2)
    vocab = vocabulary_of(["Real-time apps.", "Back end work.", "Data base rows."])
    words = {"real", "time", "back", "data", "base", "with"}.__contains__
    assert [vocab.joined(w, words) for w in ("realtime", "backwith", "database")] == ["real-time", None, "data base"]
    assert len(vocab._joined) == 2


def test_a_contraction_typed_without_its_apostrophe_gets_it_back() -> None:
    text, fixes = correct_question("whats faster flsk or fastapi? Doesnt its flask do async? When were they made?",
                                   VOCAB, real_words)
    # 'its' and 'were' are words
    assert text == "what's faster flask or fastapi? Doesn't its flask do async? When were they made?"
    assert fixes == [("whats", "what's"), ("flsk", "flask"), ("Doesnt", "Doesn't")]


def test_a_function_word_typed_a_letter_short_is_that_word() -> None:
    """'realy' was read as the corpus's 'real' ("is fastapi realy faster than flask" lost its speed figures): a
    function word of four letters or more with a letter left out is that word, though the corpus lacks it; not a
    name ('CNS' is no 'cons'), nor a form two words shorten to ('thn': 'than' or 'then')."""
    vocab = Vocabulary({**VOCAB.count, "real": 9, "cns": 2})
    text, fixes = correct_question("Wich is realy faster, CNS or thn?", vocab, real_words)
    assert text == "Which is really faster, CNS or thn?"
    assert fixes == [("Wich", "Which"), ("realy", "really")]


def test_a_question_word_typed_one_edit_off_before_a_verb_is_that_word() -> None:
    """'wen' is an English word, and 'wat', 'hw' are none the corpus writes: opening a question before an auxiliary
    verb, each is the question word one edit away; elsewhere they are left alone."""
    for typed, meant in (("wen was FastAPI released", "when was FastAPI released"), ("Wat is flask", "What is flask"),
                         ("hw does flask scale", "how does flask scale"), ("hwo does flask scale", "how does flask scale"),
                         ("wat about quart?", "what about quart?")):
        text, fixes = correct_question(typed, VOCAB, real_words)
        assert text == meant and fixes == [(typed.split()[0], meant.split()[0])]
    for kept in ("wen FastAPI release", "Is a wen a cyst?", "When was it", "Go is a language"):
        assert correct_question(kept, VOCAB, real_words)[0] == kept


def test_a_question_word_typed_off_is_asked_as_meant(engine: Engine) -> None:
    answer = engine.ask("wen was fastapi released")
    assert not answer.abstained and "2018" in answer.citations[0].quote, answer.answer
    cid = engine.conversations.new_id()
    engine.ask("Does Flask support async?", cid)
    follow = engine.ask("wat about fastapi?", cid)
    assert not follow.abstained and follow.resolved_question == "Does FastAPI support async?", follow.answer


def test_a_contraction_without_its_apostrophe_is_no_aspect_the_corpus_lacks(engine: Engine) -> None:
    answer = engine.ask("whats faster flsk or fastapi")
    assert not answer.abstained, answer.answer
    assert "requests per second" in answer.answer.lower()


@pytest.mark.parametrize("question", ["Summarize the differences", "Outline the cons of FastAPI"])
def test_a_request_opening_a_question_is_no_name_the_corpus_lacks(engine: Engine, question: str) -> None:
    """'Summarize' is capitalised and no word the model holds whole, but a request, not a name."""
    answer = engine.ask(question)
    assert not answer.abstained, answer.answer


def test_a_word_said_only_of_the_other_subject_is_not_answered_through_filler(engine: Engine) -> None:
    """'like' and 'something' are no words of the aspect: the units holding them do not answer what FastAPI
    has of the blueprints the corpus names only for Flask."""
    answer = engine.ask("Does FastAPI have something like blueprints?")
    assert answer.abstained and "nothing on blueprints for FastAPI" in answer.answer, answer.answer


def test_a_word_of_a_two_word_term_written_in_another_term_does_not_answer_it(engine: Engine) -> None:
    """The corpus writes 'machine learning' of FastAPI; of Flask only "Excellent as a learning tool" and "relative
    to learning curve": 'learning' in another two-word term, another sense. 'admin' standing alone in a list
    ("batteries-included ORM, admin, and templating") is said of the admin panel the question asks about."""
    answer = engine.ask("Is Flask good for machine learning?")
    assert answer.abstained and "nothing on machine learning for Flask" in answer.answer, answer.answer
    answer = engine.ask("Does FastAPI have an admin panel?")
    assert not answer.abstained and "admin" in answer.citations[0].quote, answer.answer


def test_a_word_of_a_two_word_term_does_not_name_an_aspect_written_with_another(engine: Engine) -> None:
    """'learning' of "machine learning" is not the 'learning curve' of the 'Ease of Use (relative to learning
    curve)' row: the answer is what the corpus says of machine learning, not a row on ease of use. "API
    documentation" still names 'Documentation Support' ('api' is too short a word to name an aspect)."""
    answer = engine.ask("fastapi vs flask for machine learning models")
    rows = [row.aspect for row in answer.comparison.rows] if answer.comparison else []
    assert not any("learning" in aspect.lower() for aspect in rows), rows
    assert "machine learning" in answer.citations[0].quote, answer.answer
    answer = engine.ask("How do Flask and FastAPI compare on API documentation?")
    assert answer.comparison and "Documentation" in answer.comparison.rows[0].aspect, answer.answer


def test_a_plural_of_a_whole_word_is_no_jargon() -> None:
    pieces = {"payload": 1, "payloads": 2, "auth": 2}.get
    assert whole_word("payloads", lambda w: pieces(w, 3))
    assert not whole_word("auth", lambda w: pieces(w, 3))


def test_a_comparative_of_a_whole_word_is_no_jargon() -> None:
    held = {"speedy", "green", "nice", "big"}
    pieces = lambda w: 1 if w in held else 3  # noqa: E731
    assert all(whole_word(w, pieces) for w in ("speedier", "speediest", "greener", "greenest", "nicest", "bigger"))
    assert not whole_word("flasker", pieces) and not whole_word("nicer", pieces)  # under six letters: none


def test_correct_question_leaves_real_words_and_names_alone() -> None:
    text, fixes = correct_question("Is flsk faster than fastpi on a flat Sanic box?", VOCAB, real_words)
    assert text == "Is flask faster than fastapi on a flat Sanic box?"
    assert fixes == [("flsk", "flask"), ("fastpi", "fastapi")]
    assert correct_question("Flsk vs Fastpi", VOCAB, real_words)[0] == "flask vs Fastpi"  # first word only


def test_a_real_word_in_another_form_is_told_from_a_typo() -> None:
    whole = {"authentic", "standard", "valid", "cache", "create", "fast"}
    pieces = lambda w: 1 if w in whole else 2  # noqa: E731 - stands in for the model's WordPiece vocabulary
    assert [word_form(w, pieces) for w in ("authenticate", "standardize", "Validating", "caching", "cached")] == [True] * 5
    assert [word_form(w, pieces) for w in ("creatd", "fastpi", "flsk", "authentix")] == [False] * 4


def test_a_word_the_corpus_writes_only_in_other_forms_is_searched_as_the_commonest() -> None:
    vocab = Vocabulary({"caching": 2, "cached": 1, "comparable": 3, "learning": 5, "flask": 9})
    assert vocab.form_of("cache") == "caching"
    assert vocab.form_of("flask") is None  # the corpus's own word
    assert vocab.form_of("cac") is None  # too short to tell a form from chance
    text, fixes = correct_question("Compare how to cache in flask", vocab, lambda w: True)
    assert text == "Compare how to caching in flask"  # 'compare' says what kind of question it is
    assert fixes == [("cache", "caching")]
    assert Vocabulary({"cache": 2, "validate": 1}).base_of("caching") == "cache"  # the 'e' comes back
    assert Vocabulary({"cache": 2, "validate": 1}).base_of("validating") == "validate"
    assert Vocabulary({"graph": 2}).base_of("graphql") is None  # a longer word, but no form of it


def test_an_irregular_verb_is_read_in_the_form_the_corpus_writes() -> None:
    """"who wrote dramatiq?" was declined (confidence 0.13) of a corpus writing "written by Bogdan Popa": no ending
    makes 'written' of 'wrote'. A light verb is left as typed: "the biggest single object S3 will take" asks nothing
    that 'took 38 seconds' says."""
    vocab = Vocabulary({"written": 3, "writes": 1, "took": 2, "built": 1})
    assert vocab.form_of("wrote") == "written" and vocab.form_of("build") == "built"
    assert vocab.form_of("take") is None


def test_a_version_number_the_corpus_writes_only_in_full_is_searched_in_full() -> None:
    vocab = Vocabulary({"0.135.0": 2, "3.1.x": 3, "3.1.3": 1, "3.10": 4, "fastapi": 9})
    assert vocab.release("0.135") == "0.135.0"
    assert vocab.release("3.1") == "3.1.x"  # the commonest fuller one
    assert vocab.release("3.10") is None  # written as asked
    assert vocab.release("0.13") is None  # '0.135.0' is no release of 0.13
    text, fixes = correct_question("What is new in FastAPI 0.135? And in 3.1, from 2.5.2024?", vocab, real_words)
    assert text == "What is new in FastAPI 0.135.0? And in 3.1.x, from 2.5.2024?"
    assert fixes == [("0.135", "0.135.0"), ("3.1", "3.1.x")]


def test_two_whole_words_make_a_word_not_a_name() -> None:
    whole = {"down", "sides", "draw", "backs", "pit", "falls", "red", "mongo", "db", "graph", "lite", "star"}
    pieces = lambda w: 1 if w in whole else 2  # noqa: E731 - stands in for the model's WordPiece vocabulary
    assert [compound(w, pieces) for w in ("downsides", "drawbacks", "pitfalls")] == [True] * 3
    # parts of fewer than three letters make names compounds
    assert [compound(w, pieces) for w in ("redis", "mongodb", "graphql", "Lite-star")] == [False] * 4


def test_a_question_is_shown_with_its_typos_fixed_and_its_real_words_as_typed() -> None:
    text, fixes = correct_question("Should we standardize on flsk?", VOCAB, real_words)
    assert text == "Should we standardized on flask?"
    assert as_typed(text, fixes, lambda w: w == "standardize") == "Should we standardize on flask?"


@pytest.mark.slow
@pytest.mark.parametrize(("question", "shown"), [
    ("How do I authenticate users in Flask?", "How do I authenticate users in Flask?"),
    ("Who creatd FastAPI?", "Who created FastAPI?"),
])
def test_the_question_as_understood_fixes_typos_only(engine: Engine, question: str, shown: str) -> None:
    assert engine.ask(question).resolved_question == shown


@pytest.mark.slow
def test_a_follow_up_carries_the_words_as_typed(engine: Engine) -> None:
    """"and FastAPI?" after "How do I authenticate users in Flask?" is shown in the words typed, not in the
    corpus's form of them ('authenticated'), and still searched in the corpus's."""
    conversation = engine.conversations.new_id()
    engine.ask("How do I authenticate users in Flask?", conversation)
    answer = engine.ask("and FastAPI?", conversation)
    assert answer.resolved_question == "How do I authenticate users in FastAPI?"
    assert not answer.abstained, answer.answer


@pytest.mark.slow
def test_a_word_written_in_another_form_finds_its_passage(engine: Engine) -> None:
    """The corpus writes 'Flask-Caching (caching)' and never 'cache': the question is answered from that list."""
    answer = engine.ask("How can I cache things in Flask?")
    assert not answer.abstained, answer.answer
    assert "Flask-Caching" in answer.citations[0].quote


@pytest.mark.slow
def test_a_compound_word_the_corpus_lacks_is_no_unknown_name(engine: Engine) -> None:
    """'downsides' is no name the corpus lacks (the model's vocabulary splits it, as it splits names)."""
    assert unknown_names(engine.snapshot(), "What are the downsides of FastAPI?", engine._word_pieces) == []
    assert not engine.ask("What are the downsides of FastAPI?").abstained


@pytest.mark.slow
def test_words_joined_by_hyphens_are_no_unknown_name(engine: Engine) -> None:
    """'two-person' is two words; 'e-commerce', a prefix of one letter and a word, is jargon the corpus lacks."""
    snap = engine.snapshot()
    assert unknown_names(snap, "We're a two-person startup. Should we use Flask?", engine._word_pieces) == []
    assert unknown_names(snap, "Flask or FastAPI for an e-commerce site?", engine._word_pieces) == ["e-commerce"]
    answer = engine.ask("We're a two-person startup with lots of websocket connections. Our devs know Flask. Should we switch?")
    assert not any("two-person" in n for n in answer.notices), answer.notices


@pytest.mark.slow
@pytest.mark.parametrize("question", [
    "flsk vs fastapi",
    "is fastapi fster than flask",
    "Should we standardize on Flask or FastAPI?",
    "What library does FastAPI rely on for validating request data?",
    "Does FastAPI ship with auth built in?",
    "How many req/s does Flask manage?",
    "Which is faster, FastAIP or Flask?", "How many GitHuub stars does FastAPI have?",  # names mistyped
    "What are the reasons to use FastAPI?",  # 'reasons' names nothing to find: "nothing on reasons for FastAPI"
])
def test_other_forms_and_typos_are_answered(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    assert not answer.abstained, answer.answer
    assert "nothing on" not in answer.answer


@pytest.mark.slow
@pytest.mark.parametrize(("question", "name"), [
    ("Does Django support async?", "Django"), ("Is Django faster than Flask?", "Django"),
    ("How does Sinatra handle routing?", "Sinatra"),  # a name the model knows whole: 'Ruby Sinatra is another ...'
    ("does django support async?", "Django"),  # typed in lower case, shown as the corpus writes it
    # a name of several words is one: 'REST' and 'Framework' are its own, not what is asked of it
    ("Does Django REST Framework support async?", "Django REST Framework"),
    # set against a subject as the other side of a comparison or a choice, after it or before it
    ("Flask vs Django", "Django"), ("Should I use Flask or Django?", "Django"), ("Is Flask faster than Django?", "Django"),
    ("Django vs Flask", "Django"), ("fastapi vs flask vs django", "Django"),
    # as far as the corpus writes it ("Django and Ruby on Rails are examples of frameworks"): 'Rails' is the name's
    ("Is Flask faster than Ruby on Rails?", "Ruby on Rails"), ("Ruby on Rails vs Flask", "Ruby on Rails"),
    ("php vs flask", "PHP"),  # typed in lower case, an acronym the corpus writes in capitals alone, once
])
def test_a_name_mentioned_in_passing_is_not_a_subject(engine: Engine, question: str, name: str) -> None:
    answer = engine.ask(question)
    assert answer.abstained
    assert f"mentions {name} only in passing" in answer.answer
    assert answer.suggestions  # the nearest topics it does cover


@pytest.mark.slow
@pytest.mark.parametrize("question", ["Django vs Rails?", "Celery vs ARQ", "Tornado vs Sanic: which async framework is better?"])
def test_a_comparison_of_things_the_corpus_does_not_compare_abstains(engine: Engine, question: str) -> None:
    answer = engine.ask(question)
    assert answer.abstained and "nothing on a comparison of" in answer.answer, answer.answer


@pytest.mark.slow
def test_a_comparison_of_two_topics_the_corpus_sets_side_by_side_is_answered(engine: Engine) -> None:
    """Neither is a subject, but both are topics of the corpus (sections on each) and a sentence names both."""
    snap = engine.snapshot()
    assert compares_apart(snap, ("ASGI", "WSGI"))
    assert not compares_apart(snap, ("Django", "Ruby on Rails"))  # one sentence names both, in passing
    for question in ("ASGI vs WSGI", "ASGI vs WSGI throughput"):
        # A side may run on into what is compared: "sveltekit vs next.js ssr" was declined as "a comparison of
        # sveltekit and next.js ssr", no unit holding 'next.js' and 'ssr' together.
        answer = engine.ask(question)
        assert not answer.abstained, answer.answer
        assert "ASGI is the async counterpart to WSGI" in answer.citations[0].quote, answer.answer


@pytest.mark.slow
def test_a_name_of_several_words_mentioned_in_passing_is_not_a_subject(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """Each word of 'Redwood Storage Engine' is held by the one unit naming it: the name is one, and what the
    question asks of it ('replication') is not there. A person's surname is no word of such a name: 'Larsen'
    is held beside 'Anna', so "Does Anna Larsen maintain Ibex KV?" asks what the corpus says. 'HTTP' of
    'HTTP API' is no rare word: no name in passing."""
    engine = engine_over(tmp_path, {"kv.md": "---\ntitle: Ibex KV vs Marten Store\nsubjects: [Ibex KV, Marten Store]\n---\n"
                                            "# Ibex KV vs Marten Store\n\nIbex KV replicates every write to two followers "
                                            "over its HTTP API. Marten Store has no replication, and its HTTP API is "
                                            "read-only. Its storage engine borrows from the Redwood Storage Engine. "
                                            "Ibex KV writes faster than the Redwood Storage Engine. "
                                            "Anna Larsen maintains Ibex KV. Zyrstore, an older store, still has "
                                            "users but saw few releases.\n"},
                         embedder)
    snap = engine.snapshot()
    assert passing_name(snap, "Does Redwood Storage Engine support replication?", engine._word_pieces) == \
        "Redwood Storage Engine"
    assert passing_name(snap, "Does Anna Larsen maintain Ibex KV?", engine._word_pieces) is None
    assert passing_name(snap, "Does the HTTP API of Ibex KV support replication?", engine._word_pieces) is None
    # Set against a subject, a name is compared with it, which the corpus does only where a unit names both.
    assert passing_name(snap, "Ibex KV or Redwood Storage Engine?", engine._word_pieces) is None  # "writes faster than"
    assert passing_name(snap, "Marten Store vs Redwood Storage Engine", engine._word_pieces) == "Redwood Storage Engine"
    assert passing_name(snap, "Does Ibex KV work with Redwood Storage Engine?", engine._word_pieces) is None
    # Typed in lower case, a name the corpus writes only as its sentence's first word is one when set against a
    # subject ("pipenv vs poetry"), whichever side it is on.
    for question in ("zyrstore vs marten store", "marten store or zyrstore?"):
        assert passing_name(snap, question, engine._word_pieces) == "Zyrstore", question
    # A subject's name typed as one word is no name the corpus never writes ("lemonsqueezy pricing")
    assert unknown_names(snap, "ibexkv replication", engine._word_pieces) == []
    # 'us' typed in lower case is the pronoun, though the corpus writes only 'US' ("... the safest choice for us?"
    # was declined as "it mentions US only in passing")
    us = engine_over(tmp_path / "us", {"kv.md": "# Ibex KV\n\nIbex KV keeps every write. Prices in the US start at $9.\n"},
                     embedder).snapshot()
    assert passing_name(us, "Which store is the safest choice for us?", engine._word_pieces) is None
    assert passing_name(us, "What does the US charge?", engine._word_pieces) == "US"


def test_a_name_typed_in_lower_case_or_asked_beside_a_subject_runs_on_as_written(tmp_path: Path,
                                                                                  embedder: OnnxEmbedder) -> None:
    """Over reviews of two espresso machines naming a third once ("the Rancilio Silvia is the usual next step
    up"), "rancilio silvia vs gaggia classic pro" and "Is the Rancilio Silvia easier for beginners than the
    Bambino Plus?" were answered with that sentence: typed in lower case the name ran no further than
    'rancilio', and its second word, held by the one unit naming it, counted as a word the question asks."""
    engine = engine_over(tmp_path, {"kv.md": "---\ntitle: Ibex KV vs Marten Store\nsubjects: [Ibex KV, Marten Store]\n---\n"
                                            "# Ibex KV vs Marten Store\n\nIbex KV is easy for beginners to run. "
                                            "Marten Store takes practice. If your budget stretches further, the Zorvex "
                                            "Silvane is the usual next step up, with a larger cache.\n"},
                         embedder)
    snap = engine.snapshot()
    for question in ("zorvex silvane vs marten store", "Is the Zorvex Silvane easier for beginners than Ibex KV?",
                     "is the zorvex silvane easier for beginners than ibex kv"):
        assert (passing_name(snap, question, engine._word_pieces) or "").lower().startswith("zorvex"), question
    assert passing_name(snap, "Does the Zorvex Silvane have a larger cache?", engine._word_pieces) is None  # it says so


def test_a_word_capitalised_only_to_open_sentences_is_no_name(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"Why is oversizing a heat pump bad?" was declined: "the corpus mentions oversizing only in passing". The
    corpus wrote it once, capitalised to open "Oversizing is the number one mistake we fix.", and the model holds
    it in pieces: jargon always written with a capital, a name. A capital opening a sentence names nothing;
    one mid-sentence still does ('Zorvex')."""
    engine = engine_over(tmp_path, {"kv.md": "---\ntitle: Ibex KV vs Marten Store\nsubjects: [Ibex KV, Marten Store]\n"
                                            "---\n# Ibex KV vs Marten Store\n\n## Common mistakes\n\n1. **Skipping the "
                                            "sizing.** Oversizing is the number one mistake we fix. "
                                            "Some teams run Zorvex beside it on one host.\n"}, embedder)
    snap = engine.snapshot()
    assert passing_name(snap, "Why is oversizing an Ibex KV cluster bad?", engine._word_pieces) is None
    assert passing_name(snap, "zorvex vs marten store", engine._word_pieces) == "Zorvex"


@pytest.mark.slow
def test_a_dotted_name_says_its_words(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"whats the minimum node version for eleventy" was declined ("nothing on node version for Eleventy") of a corpus
    writing "Eleventy 3.0 requires Node.js 18 or newer.": 'node' was no word of 'Node.js', neither for the units
    that hold it nor for the version a unit says a subject needs."""
    engine = engine_over(tmp_path, {
        "kv.md": "---\ntitle: Ibex KV vs Marten Store\nsubjects: [Ibex KV, Marten Store]\n---\n# Setup\n\n"
                 "Ibex KV 3.0 requires Node.js 18 or newer. Marten Store ships as one binary. Node users like both.\n"}, embedder)
    snap = engine.snapshot()
    assert {"node", "js", "node.js"} <= snap.unit_words[0]
    assert unversioned(snap, analyse("whats the minimum node version for ibex kv", snap.catalog)) is None
    answer = engine.ask("whats the minimum node version for ibex kv")
    assert not answer.abstained and "Node.js 18" in answer.citations[0].quote, answer.answer


@pytest.mark.slow
def test_a_titled_name_or_a_situation_is_no_name_in_passing(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """A document whose title names 'Raft' is about it, however few of the corpus's units write it. A question
    choosing between the corpus's subjects "for a CRUD service" asks for the subjects, with CRUD the situation;
    asked of CRUD itself, or of one subject against it, the name is still in passing."""
    engine = engine_over(tmp_path, {
        "kv.md": "---\ntitle: Ibex KV vs Marten Store\nsubjects: [Ibex KV, Marten Store]\n---\n"
                 "# Ibex KV vs Marten Store\n\nIbex KV replicates every write to two followers. Marten Store has no "
                 "replication. Marten Store ships a CRUD console for its tables.\n",
        "raft.md": "---\ntitle: Raft in Ibex KV\n---\n# Raft in Ibex KV\n\nIbex KV elects a leader with Raft. "
                   "Set replicas to three to turn it on.\n"}, embedder)
    snap = engine.snapshot()
    assert passing_name(snap, "How do I enable Raft in Ibex KV?", engine._word_pieces) is None
    assert passing_name(snap, "For a CRUD service, should I pick Ibex KV or Marten Store?", engine._word_pieces) is None
    assert passing_name(snap, "I need a CRUD backend: Ibex KV or Marten Store?", engine._word_pieces) is None
    assert passing_name(snap, "Is CRUD faster than Ibex KV?", engine._word_pieces) == "CRUD"
    assert passing_name(snap, "Is a CRUD backend faster than Ibex KV?", engine._word_pieces) == "CRUD"


@pytest.mark.slow
def test_a_name_heading_a_section_of_its_own_is_no_name_in_passing(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """Starlette's docs head a section 'CORS preflight requests' in a page titled otherwise: the section is about
    CORS. A heading setting a name against a subject ("How does Ibex KV compare to Redwood?") says no more of it
    than the corpus's passing mention does."""
    engine = engine_over(tmp_path, {
        "kv.md": "---\ntitle: Ibex KV\nsubjects: [Ibex KV]\n---\nIbex KV stores keys in pages of four kilobytes.\n\n"
                 "## CORS preflight requests\n\nThe HTTP gateway answers preflight requests with the allowed "
                 "origins. Set `gateway.origins` to the list of sites.\n\n"
                 "## How does Ibex KV compare to Redwood?\n\nIbex KV writes faster than Redwood.\n",
        "ops.md": "---\ntitle: Operations\nsubjects: [Ibex KV]\n---\nIbex KV runs on Linux. The gateway also speaks "
                  "CORS.\n"}, embedder)
    snap = engine.snapshot()
    assert passing_name(snap, "How do I enable CORS in Ibex KV?", engine._word_pieces) is None
    assert passing_name(snap, "Does Redwood support replication?", engine._word_pieces) == "Redwood"


@pytest.mark.slow
def test_a_long_questions_situation_is_not_what_it_asks(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"We are a team of four developers running about 15 services with Docker Compose on three VMs ... Which
    orchestrator fits us best?" was declined, "it mentions VMs only in passing"; "... a family of five in Minnesota
    ... What should we replace it with?", "nothing on Minnesota". A long question's situation names what the asker
    has, not what the question asks: asked in its question, the name is still unknown, or in passing."""
    engine = engine_over(tmp_path, {"kv.md": "---\ntitle: Ibex KV vs Marten Store\nsubjects: [Ibex KV, Marten Store]\n"
                                            "---\n# Ibex KV vs Marten Store\n\n## Which to pick\n\nPick Ibex KV "
                                            "when writes must survive a crash. Pick Marten Store for a read cache. "
                                            "Zorvex is a third option.\n"}, embedder)
    snap = engine.snapshot()
    situation = ("We are a team of four running a shop on three Zorvex hosts in Minnesota, and the cache falls over "
                 "every week. Nobody here has run a key-value store before. Which store should we pick?")
    asked = focus(situation, snap.catalog)
    unknown = unknown_names(snap, situation, engine._word_pieces)
    assert "Minnesota" in unknown and described(asked, unknown) == unknown
    assert passing_name(snap, situation, engine._word_pieces) == "Zorvex"  # the whole question names it
    assert passing_name(snap, asked, engine._word_pieces) is None  # the question it asks does not
    answer = engine.ask(situation)  # (the model's to answer or decline, but for no name of the situation)
    assert "Minnesota" not in answer.answer and "Zorvex" not in answer.answer, answer.answer
    answer = engine.ask(situation.replace(" in Minnesota", "").replace("pick?", "pick for a read cache?"))
    assert not answer.abstained and "Pick" in answer.citations[0].quote, answer.answer
    assert not answer.notices, answer.notices
    of_zorvex = situation.replace("Which store should we pick?", "Does Zorvex replicate writes?")
    assert passing_name(snap, focus(of_zorvex, snap.catalog), engine._word_pieces) == "Zorvex"
    of_minnesota = situation.replace("Which store should we pick?", "Which store do Minnesota shops pick?")
    assert described(focus(of_minnesota, snap.catalog), ["Minnesota"]) == []
    # "... is quick. Realistically how long ...": an English word opening a later sentence is no name
    assert unknown_names(snap, "Writes must be safe. Realistically, which store keeps them?", engine._word_pieces) == []


@pytest.mark.slow
def test_a_choice_for_something_the_corpus_never_names_is_answered_with_a_notice(engine: Engine) -> None:
    """'CRM' is nowhere in the corpus, but "for our CRM" is what the subjects are chosen for: the answer is what
    the corpus says on choosing between them, with a notice. Without an article or a possessive the name may be
    what the question is about ("for Kubernetes"), and a question about one subject is about the name."""
    answer = engine.ask("Should my team use Flask or FastAPI for our CRM?")
    assert not answer.abstained and answer.citations, answer.answer
    assert any("says nothing on CRM" in n for n in answer.notices), answer.notices
    # a word the corpus never writes is said once, though it is both unknown and unsaid of the subjects
    answer = engine.ask("fastapi or flask for a hackathon?")
    assert answer.notices == ("The corpus says nothing on hackathon: this is what it says on choosing between the "
                              "subjects you name.",), answer.notices
    for question in ("Flask vs FastAPI for Kubernetes", "Does FastAPI support MongoDB?"):
        answer = engine.ask(question)
        assert answer.abstained and "nothing on" in answer.answer and not answer.notices, answer.answer


@pytest.mark.slow
def test_a_choice_for_something_the_corpus_says_nothing_on_of_the_subjects_is_answered_with_a_notice(
        engine: Engine) -> None:
    """The corpus writes 'blog' (of a post-mortem blog post) but nothing on blogs of Flask or FastAPI: choosing
    between them "for a blog" is answered as the choice, with a notice; of one subject it is still unsaid."""
    for question in ("Flask or FastAPI for a blog?", "Should I use Flask or FastAPI for my blog?"):
        answer = engine.ask(question)
        assert not answer.abstained and answer.citations, answer.answer
        assert any("says nothing on blog" in n for n in answer.notices), answer.notices
    answer = engine.ask("Does Flask have a blog?")
    assert answer.abstained and not answer.notices, answer.answer


@pytest.mark.slow
def test_whether_to_choose_one_subject_for_something_the_corpus_says_nothing_on_is_answered_with_a_notice(
        engine: Engine) -> None:
    """Whether one subject suits a blog, or an e-commerce site, is what the corpus says on choosing it, with a
    notice; when the model declines all the same, the abstention still says what the corpus has nothing on."""
    for question, what in (("Is Flask good for a blog?", "blog"), ("Is Flask right for an e-commerce site?", "e-commerce")):
        answer = engine.ask(question)
        assert not answer.abstained and answer.citations, answer.answer
        assert answer.notices == (f"The corpus says nothing on {what}: this is what it says on choosing Flask.",)
    answer = engine.ask("Should a startup pick FastAPI?")
    assert answer.abstained and "nothing on startup for FastAPI" in answer.answer, answer.answer


@pytest.mark.slow
def test_a_passing_name_written_as_part_of_the_asked_subject_is_answered(engine: Engine) -> None:
    """The corpus names CORS once, as 'Flask-CORS (cross-origin requests)' in Flask's list of extensions: Flask's
    own way of doing it, which the question asks for; of FastAPI it says nothing."""
    answer = engine.ask("How do I handle CORS in Flask?")
    assert not answer.abstained and any("Flask-CORS" in c.quote for c in answer.citations), answer.answer
    answer = engine.ask("how do i configure CORS middleware in fastapi")
    assert answer.abstained and "only in passing" in answer.answer, answer.answer


@pytest.mark.slow
@pytest.mark.parametrize(("asked_of", "said_of", "what"), [
    ("Does FastAPI support caching?", "Does Flask support caching?", "caching"),
    ("How do I use forms in FastAPI?", "How does Flask handle forms?", "forms"),
    # A how-to's doing ('add') is no topic: the message names what to add, and a claim about adding something
    # else does not answer it.
    ("how do i add cors to fastapi", "How do I handle CORS in Flask?", "cors"),
    ("How do I implement forms in FastAPI?", "How does Flask handle forms?", "forms"),  # 'implement': a doing
])
def test_a_question_on_what_the_corpus_says_only_of_another_subject_abstains(
        engine: Engine, asked_of: str, said_of: str, what: str) -> None:
    """The corpus names caching and forms of Flask only ('Flask-Caching (caching)'); of FastAPI its nearest
    evidence is on other things, which used to be cited at confidence 0.87 to 0.93. (Rate limiting was a third
    case until the retrained ranker of round 9 cited 'even with limited programming knowledge', whose stem the
    rule takes for 'limiting'.)"""
    answer = engine.ask(asked_of)
    assert answer.abstained and f"nothing on {what} for FastAPI" in answer.answer, answer.answer
    assert answer.suggestions
    answer = engine.ask(said_of)
    assert not answer.abstained and any(what in c.quote.lower() for c in answer.citations), answer.answer


@pytest.mark.slow
def test_a_count_of_what_the_corpus_never_writes_abstains(engine: Engine) -> None:
    """The corpus never writes 'contributors'; its nearest numbers, FastAPI's stars, used to be shown as the
    count. 'users' it writes, so the question is answered."""
    answer = engine.ask("How many contributors does FastAPI have?")
    assert answer.abstained and "nothing on contributors" in answer.answer, answer.answer
    assert not engine.ask("How many users does Flask have?").abstained


@pytest.mark.slow
@pytest.mark.parametrize("question", ["What Python version does Flask need?",
                                      "What is the minimum Python version for Flask?",
                                      "Does Flask support Python 3.12?"])
def test_a_version_the_corpus_states_of_no_asked_subject_abstains(engine: Engine, question: str) -> None:
    """The corpus states FastAPI's Python versions, none of Flask's; the nearest sentence ("The Flask version
    requires you to implement all of that yourself.") used to be the answer at confidence 1.0."""
    answer = engine.ask(question)
    assert answer.abstained and "nothing on Python version for Flask" in answer.answer, answer.answer
    answer = engine.ask("What Python version does FastAPI need?")
    assert not answer.abstained and any("3.10" in c.quote for c in answer.citations), answer.answer
    # 'current' says which version of Flask, not of what: Flask's own is stated
    answer = engine.ask("What is the current version of Flask?")
    assert not answer.abstained and "3.1" in answer.citations[0].quote, answer.answer


def test_a_release_a_long_question_tells_of_is_its_situation(engine: Engine) -> None:
    """"We're a 6-person team running ... ElastiCache for Redis OSS 7.1 ... Should we move to Valkey, and what would
    we have to check before switching?" was declined, "nothing on OSS version": a long question's releases are
    the situation it tells, not what it asks."""
    snap = engine.snapshot()
    situation = ("We are a small team running a Flask 2.2 app on Gunicorn 20.1 with about forty endpoints, and it works "
                 "well enough for now. Our new hire keeps telling us the async story is better elsewhere. Should we move "
                 "to FastAPI?")
    assert unversioned(snap, analyse(situation, snap.catalog)) is None
    assert unversioned(snap, analyse("What Gunicorn version does Flask need?", snap.catalog)) is not None
    assert unversioned(snap, analyse(situation.replace("Should we move to FastAPI?", "Which Gunicorn version does "
                                                       "Flask need?"), snap.catalog)) is not None


@pytest.mark.slow
def test_who_when_or_where_asks_a_relation_not_a_topic(engine: Engine) -> None:
    """The corpus says 'wrote' of Flask's creator only; "Who wrote FastAPI?" asks who made it, and is answered."""
    answer = engine.ask("Who wrote FastAPI?")
    assert not answer.abstained and "Ramirez" in answer.citations[0].quote, answer.answer


@pytest.mark.slow
def test_words_the_corpus_never_writes_nor_means_abstain(engine: Engine) -> None:
    """The corpus writes neither 'cheaper' nor 'sturdier' and heads nothing like them: the nearest evidence
    (which to choose when) was the answer at 0.99. 'speedier' it does not write either, but it means its
    'Performance': the question is answered. 'anyone' is no aspect at all."""
    for question, what in (("Is Flask cheaper than FastAPI?", "cheaper"), ("Is FastAPI sturdier than Flask?", "sturdier")):
        answer = engine.ask(question)
        assert answer.abstained and f"nothing on {what} for" in answer.answer, answer.answer
    assert not engine.ask("Is Flask speedier than FastAPI?").abstained
    assert not engine.ask("Why would anyone still use Flask?").abstained


@pytest.mark.slow
def test_a_first_claim_saying_it_in_other_words_is_kept(engine: Engine) -> None:
    """The corpus says 'maintained' of Flask only; of FastAPI, 'FastAPI is still in development'."""
    answer = engine.ask("Is FastAPI still maintained?")
    assert not answer.abstained and "still in development" in answer.citations[0].quote, answer.answer


@pytest.mark.slow
def test_a_question_defining_a_passing_name_is_still_answered(engine: Engine) -> None:
    assert not engine.ask("What is SQLModel?").abstained


def test_central_names_are_a_share_of_the_question() -> None:
    assert central_names("Does Quart support websockets?", ["Quart"]) == ["Quart"]
    assert central_names("Is monolith a problem?", ["monolith"]) == []  # not written as a name
    # ... or, however written, all the question asks about: 'problem' is asked too, 'support' asks nothing
    assert central_names("Is monolith a problem?", ["monolith"], ("monolith", "problem")) == []
    assert central_names("Does it support mongodb?", ["mongodb"], ("support", "mongodb")) == ["mongodb"]
    long = ("Our startup runs a Flask API behind Gunicorn. Every request calls two slow third-party APIs, and under "
            "load the requests queue up even though the CPU is mostly idle. Would FastAPI behave differently?")
    assert central_names(long, ["CPU"]) == []
    # "splunk observability cloud pricing" was answered from the corpus's pricing table at 0.70: a name typed in
    # lower case to open a search is what it asks about; a word typed later is not ('distro', 'recompiling')
    assert central_names("splunk observability cloud pricing", ["splunk"]) == ["splunk"]
    assert central_names("which kubernetes distro ships traefik", ["distro"]) == []


@pytest.mark.slow
def test_versioned_names_and_sentence_openers_are_not_unknown(engine: Engine) -> None:
    snap = engine.snapshot()
    question = "We render HTML with Jinja templates. Half of the team knows Flask. Does Sanic help?"
    assert unknown_names(snap, question, engine._word_pieces) == ["Sanic"]  # the corpus writes 'jinja2'


@pytest.mark.slow
def test_a_long_question_with_a_name_in_passing_is_answered(engine: Engine) -> None:
    answer = engine.ask(
        "Our startup runs a Flask API behind Gunicorn. Every request calls two slow third-party APIs, and under load "
        "the requests queue up even though the CPU is mostly idle. Is this a limitation of how Flask handles "
        "requests, and would FastAPI behave differently?")
    assert not answer.abstained, answer.answer
    answer = engine.ask("Which is better for a CRUD app?")  # the corpus shows a CRUD API once, in both
    assert not answer.abstained and answer.resolved_question.endswith("FastAPI or Flask?"), answer.answer


@pytest.mark.slow
def test_names_the_corpus_never_mentions_still_abstain(engine: Engine) -> None:
    for question in ("How does Express.js compare to FastAPI?", "Does Quart support Flask extensions?",
                     # lower case, all the question asks about; 'graphql' is no form of the corpus's 'graph'
                     "Does FastAPI support mongodb?", "Can I use graphql with FastAPI?"):
        answer = engine.ask(question)
        assert answer.abstained and "nothing on" in answer.answer, answer.answer


@pytest.mark.slow
def test_words_of_another_language_are_no_unknown_names(engine: Engine) -> None:
    answer = engine.ask("Quelles entreprises utilisent Flask ?")
    assert answer.notices, "the language notice"
    assert "nothing on" not in answer.answer, answer.answer  # 'Quelles' and 'entreprises' are French, not names
    assert not answer.abstained
    named = engine.ask("¿Qué empresas usan Express.js?")  # a name written as one still counts
    assert named.abstained and "Express.js" in named.answer


@pytest.mark.slow
def test_a_long_name_with_a_letter_left_out_is_the_corpus_word(engine: Engine) -> None:
    snap = engine.snapshot()
    assert unknown_names(snap, "Is FastAPI built on Starlete?", engine._word_pieces) == []  # 'starlette'
    # A letter other than the corpus word's makes another name: 'battle' is no 'Bottle'.
    assert unknown_names(snap, "Is Bottle built on Starlette?", engine._word_pieces) == ["Bottle"]


@pytest.mark.slow
def test_a_release_the_corpus_never_writes_is_not_answered_with_another(engine: Engine) -> None:
    snap = engine.snapshot()
    assert unwritten_release(snap, "When was Flask 2.3 released?") == "Flask 2.3"
    assert unwritten_release(snap, "What's new in FastAPI 0.100?") == "FastAPI 0.100"
    assert unwritten_release(snap, "When was Flask 2.0 released?") is None  # written: 'Flask 2.0 (released May 2021)'
    assert unwritten_release(snap, "When was FastAPI 0.135 released?") is None  # written in full: '0.135.0'
    assert unwritten_release(snap, "Does Flask 2.3 support async?") is None  # what 2.0 brought may answer it
    answer = engine.ask("When was Flask 2.3 released?")
    assert answer.abstained and "nothing on Flask 2.3" in answer.answer, answer.answer
    assert not engine.ask("When was Flask 2.0 released?").abstained


@pytest.mark.slow
def test_a_name_written_with_or_without_its_dot_is_the_corpus_name(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """The seed corpus writes 'NodeJS'; a corpus writing 'Vue.js' knows 'VueJS'. 'Express.js' stays unknown."""
    snap = engine_over(tmp_path, {"ui.md": "# Front ends\n\nVue.js renders the pages in the browser.\n"}, embedder).snapshot()
    assert unknown_names(snap, "Does VueJS render in the browser?", lambda w: 2) == []
    assert unknown_names(snap, "Does Vue.js render in the browser?", lambda w: 2) == []
    assert unknown_names(snap, "Does Express.js render in the browser?", lambda w: 2) == ["Express.js"]


@pytest.mark.slow
@pytest.mark.parametrize("question", ["itsdangerous", "itsdangerous?", "what is itsdangerous?"])
def test_a_question_asking_only_a_name_the_corpus_writes_is_answered(engine: Engine, question: str) -> None:
    """"litestream" was declined at 0.07 (and "itsdangerous" here at 0.16): the model reads a rare name far from
    the sentences naming it, though they hold every word asked. A word that only shares a name's first letters
    is no name held ("when was the pedalgrid review published" of a corpus writing 'pedals'). "What is X?" is led
    by a unit holding a word of X, not the best unit that is no list ('jinja2', when every unit naming
    itsdangerous lists names)."""
    answer = engine.ask(question)
    assert not answer.abstained and "itsdangerous" in answer.citations[0].quote, answer.answer
    assert engine.ask("hypercorn").abstained  # a name the corpus never writes


@pytest.mark.slow
def test_a_release_after_a_slash_is_known_only_where_the_corpus_writes_it(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """'HTTP/2' is not known because the corpus writes 'HTTP' and '2': "Does Flask support HTTP/2?" was answered
    at 0.97 with Flask's WSGI layer "handling HTTP request/response cycles"."""
    snap = engine_over(tmp_path, {"web.md": "# Servers\n\nHypercorn speaks HTTP/2 and HTTP/1.1. Gunicorn speaks HTTP "
                                            "only, on port 2000.\n"}, embedder).snapshot()
    assert unknown_names(snap, "Does Hypercorn speak HTTP/2?", lambda w: 2) == []
    assert unknown_names(snap, "Does Gunicorn speak http/1.1?", lambda w: 2) == []
    assert unknown_names(snap, "Does Gunicorn speak HTTP/3?", lambda w: 2) == ["HTTP/3"]


@pytest.mark.slow
def test_a_unit_written_on_its_number_is_known_as_the_corpus_writes_it(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"Which is faster over 10GbE, the DS923+ or the TS-464?" was declined as "nothing on GbE": the corpus writes
    '10GbE' (one word), and the name read from the question started at its first letter."""
    snap = engine_over(tmp_path, {"nas.md": "# Networking\n\nIt has two 2.5GbE ports and a 10GbE slot.\n"},
                       embedder).snapshot()
    assert unknown_names(snap, "Which slot has 10GbE ports, or 2.5GbE?", lambda w: 2) == []
    assert unknown_names(snap, "Which slot has 10GbX ports?", lambda w: 2) == ["GbX"]


@pytest.mark.slow
def test_a_release_the_corpus_never_writes_after_a_slash_abstains(engine: Engine) -> None:
    answer = engine.ask("Does Flask support HTTP/2?")
    assert answer.abstained and "nothing on HTTP/2" in answer.answer, answer.answer


def test_a_name_typed_with_or_without_its_dots_is_read_as_the_corpus_writes_it() -> None:
    vocab = Vocabulary({"nodejs": 1, "vue.js": 2, "us": 9, "fast": 3}, prose=["as fast as NodeJS and Vue.js"])
    assert vocab.dots("node.js") == "nodejs" and vocab.dots("vuejs") == "vue.js"
    assert vocab.dots("nodejs") is None and vocab.dots("u.s.") is None and vocab.dots("react.js") is None
    assert correct_question("Is it as fast as Node.js?", vocab, real_words)[0] == "Is it as fast as NodeJS?"
    assert correct_question("Is it as fast as VueJS?", vocab, real_words)[0] == "Is it as fast as vue.js?"
    assert correct_question("Made in the U.S.?", vocab, real_words)[0] == "Made in the U.S.?"


def test_a_name_typed_without_the_slash_before_its_release_is_read_as_the_corpus_writes_it() -> None:
    """"does caddy enable http3 automatically" was declined: "nothing on http3" (the corpus writes 'HTTP/3')."""
    vocab = vocabulary_of(["HTTP/3 is on by default.", "It speaks HTTP/1.1 and HTTP/2."])
    assert correct_question("does it enable http3 by default", vocab, real_words)[0] == "does it enable HTTP/3 by default"
    assert correct_question("is HTTP2 supported", vocab, real_words)[0] == "is HTTP/2 supported"
    assert correct_question("is http11 faster", vocab, real_words)[0] == "is HTTP/1.1 faster"
    assert correct_question("is http4 planned", vocab, real_words)[0] == "is http4 planned"


@pytest.mark.slow
def test_a_question_naming_a_dotted_name_the_corpus_writes_undotted_is_answered(engine: Engine) -> None:
    answer = engine.ask("Is FastAPI faster than Node.js?")
    assert not answer.abstained, answer.answer
    assert "NodeJS" in answer.citations[0].quote, answer.answer  # "... comparable to that of GO and NodeJS."


@pytest.mark.slow
def test_a_name_written_without_its_accents_is_the_corpus_name(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    engine = engine_over(tmp_path, {"khans.md": "# The khans\n\nMöngke Khan died in 1259 during the siege of Diaoyu "
                                                "Castle.\n\nKublai Khan founded the Yuan dynasty in 1271.\n"}, embedder)
    snap = engine.snapshot()
    assert unknown_names(snap, "When did Mongke Khan die?", engine._word_pieces) == []
    assert unknown_names(snap, "When did Ogedei Khan die?", engine._word_pieces) == ["Ogedei"]


@pytest.mark.slow
def test_a_name_only_a_title_holds_is_the_corpus_name(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """A FAQ's question is its document's title: 'Biofire' there is no name the corpus lacks."""
    engine = engine_over(tmp_path, {"panels.md": "---\ntitle: Will respiratory panels such as those made by Biofire "
                                                 "detect the new virus?\n---\nNo. These multi-pathogen assays detect "
                                                 "other coronaviruses, not this one.\n"}, embedder)
    snap = engine.snapshot()
    assert unknown_names(snap, "Can Biofire panels detect the virus?", engine._word_pieces) == []
    assert unknown_names(snap, "Can Genmark panels detect the virus?", engine._word_pieces) == ["Genmark"]


@pytest.mark.slow
def test_a_publisher_is_no_name_the_corpus_lacks_or_names_in_passing(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """A case study tells what its publisher did: "How much does Tidewater pay for Marten Store each month?" was
    declined as "nothing on Tidewater" (only the front matter names it), "How many engineers did Northfield
    move?" as "mentions Northfield only in passing" (its text names it once)."""
    engine = engine_over(tmp_path, {
        "tide.md": "---\ntitle: Why we moved to Marten Store\npublisher: Tidewater Logistics\nsubjects: [Ibex KV, "
                   "Marten Store]\n---\nWe moved from Ibex KV to Marten Store. Our bill is $1,100 a month.\n",
        "north.md": "---\ntitle: Two years on Ibex KV\npublisher: Northfield Services\n---\nNorthfield Services runs "
                    "three depots. We moved 14 engineers to Ibex KV in a month.\n"}, embedder)
    snap = engine.snapshot()
    for question in ("How much does Tidewater pay for Marten Store each month?", "How many engineers did Northfield move?"):
        assert unknown_names(snap, question, engine._word_pieces) == [], question
        assert passing_name(snap, question, engine._word_pieces) is None, question
    assert unknown_names(snap, "How much does Driftwood pay for Marten Store?", engine._word_pieces) == ["Driftwood"]


# A feature table alone, its subjects named nowhere but in its header row and the front matter.
FEATURES = ("---\ntitle: Key-value stores compared\nsubjects: [Ibex KV, Marten Store, Quokka DB, Wombat]\n---\n"
            "# Feature comparison\n\n| Feature | Ibex KV | Marten Store | Quokka DB | Wombat |\n|---|---|---|---|---|\n"
            "| Sessions | yes | client-side | no | client-side |\n| CSRF | yes | no | no | no |\n"
            "| Compression | zstd | no | lz4 | no |\n| TTL | yes | no | no | yes |\n")


@pytest.mark.slow
def test_a_table_row_labelled_with_the_question_answers_it(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """A feature table is the corpus's own answer, however few its words: the model reads '| Sessions | yes |
    client-side |' as far from "Does Marten Store support sessions?". The subjects a header row names are words
    of the corpus ("nothing on Marten, Store" before), and a row labelled with a name the corpus writes nowhere
    else ('TTL') is about it, no passing mention."""
    engine = engine_over(tmp_path, {"kv.md": FEATURES}, embedder)
    for question, row in (("Does Marten Store support sessions?", "| Sessions |"),
                          ("Does Wombat have CSRF protection?", "| CSRF |"),
                          ("Is there TTL support in Quokka DB?", "| TTL |")):
        answer = engine.ask(question)
        assert not answer.abstained and answer.citations[0].quote.startswith(row), (question, answer.answer)
    assert engine.ask("Does Wombat support sharding?").abstained  # no row, no words on it


@pytest.mark.parametrize(("word", "listed"), [("deviates", True), ("logically", True), ("overkill", True),
                                              ("complexities", True), ("flsk", False), ("pydantc", False),
                                              ("dependancy", False), ("knowedge", False)])
def test_a_dictionary_tells_real_words_from_typos(word: str, listed: bool) -> None:
    """The model holds 'deviates' in pieces as it does 'flsk'; the dictionary lists the one, not the other
    (nor 'dependancy', at its floor of misspellings)."""
    assert english_word(word) is listed


def test_a_real_word_is_no_typo_of_a_corpus_word(engine: Engine) -> None:
    """"When is FastAPI overkill?" was read as "... overall?": 'overkill' is held in pieces, and two edits from
    the corpus's 'overall'. It is a word: the question is read as asked (and the corpus says nothing on it)."""
    answer = engine.ask("When is FastAPI overkill?")
    assert answer.resolved_question == "When is FastAPI overkill?"
    assert engine.ask("dependancy injection in fastapi").resolved_question == "dependency injection in fastapi"


def test_a_numeronym_is_the_corpus_word_it_counts_the_letters_of() -> None:
    """"max pods per node k8s" was declined: "has nothing on k8s", of a corpus on Kubernetes."""
    vocab = Vocabulary({"kubernetes": 12, "kubelets": 1, "internationalization": 2, "nomad": 9})
    assert vocab.numeronym("k8s") == "kubernetes" and vocab.numeronym("i18n") == "internationalization"
    assert vocab.numeronym("k7s") is None  # no such word ('kubelets' would be k6s)
    assert vocab.numeronym("n3d") is None  # 'nomad': too few letters counted to be no word ('e2e', 'b2b')
    assert correct_question("max pods per node k8s", vocab, lambda w: False)[0] == "max pods per node kubernetes"


def test_a_word_only_a_heading_writes_is_asked_of_its_section(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"is docker swarm dead" was declined ("nothing on dead for Docker Swarm") though an FAQ entry is headed "Is
    Docker Swarm dead?": the word was looked for in the units' text alone."""
    engine = engine_over(tmp_path, {
        "faq.md": "---\npublisher: Alpha Notes\npublished: 2024-05-08\nsubjects: [Ibex KV, Marten Store]\n---\n"
                  "# Ibex KV and Marten Store\n\nMarten Store is released every month. Ibex KV is released less "
                  "often than Marten Store.\n\n## Performance\n\nIbex KV serves 5,000 reads per second.\n\n"
                  "## FAQ\n\n### Is Ibex KV dead?\n\nNo. Its maintainers have publicly "
                  "committed to supporting it. It is, however, developed far more slowly than Marten Store.\n",
    }, embedder)
    answer = engine.ask("is ibex kv dead")
    assert not answer.abstained and answer.citations[0].quote.startswith("No. Its maintainers")
    # Read of the subjects the heading names or none: the entry says nothing of Marten Store being dead (a meaning
    # near no aspect, so that only a heading could say it).
    snap = engine.snapshot()
    entry = [u for u, text in enumerate(snap.unit_text) if text.startswith("No. Its maintainers")]

    def unmeant(_words: str) -> np.ndarray:
        return np.zeros(embedder.dim, dtype=np.float32)

    for question, nothing_on in (("is ibex kv dead", None), ("is marten store dead", "dead")):
        assert unsaid(snap, analyse(question, snap.catalog), entry, 0.0, unmeant) == nothing_on, question


def test_a_name_in_passing_runs_back_over_the_words_the_corpus_writes_before_it(
        tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"amazon ecs vs kubernetes" was answered (confidence 1.00) with the one sentence naming it, "Amazon ECS is the
    AWS-native alternative some teams pick instead of any of these three.": 'ecs' typed in lower case was no name
    (the model holds it whole), and 'amazon', which that sentence holds, was read as what the question asks."""
    engine = engine_over(tmp_path, {
        "a.md": "---\npublisher: Alpha Notes\npublished: 2024-05-08\nsubjects: [Ibex KV, Marten Store]\n---\n"
                "# Ibex KV vs Marten Store\n\nIbex KV stores data on disk. Marten Store keeps data in memory. Ibex KV "
                "is easier to operate than Marten Store.\n\n## Alternatives\n\nAmazon ECS is the AWS-native "
                "alternative some teams pick instead of either.\n",
    }, embedder)
    for question in ("amazon ecs vs ibex kv", "is amazon ecs easier than marten store"):
        answer = engine.ask(question)
        assert answer.abstained and "mentions Amazon ECS only in passing" in answer.answer, answer.answer


def test_a_word_typed_without_its_hyphen_or_glued_to_its_number_is_read_as_the_corpus_writes_it() -> None:
    """"wifi 7 channel width" was declined ("nothing on wifi": the corpus writes 'Wi-Fi'), "wifi 6e vs wifi 7" was
    also told it seems written in another language, and "wifi6 mesh price" had "nothing on wifi6"."""
    vocab = vocabulary_of(["Wi-Fi 7 adds a 320 MHz channel width on the 6 GHz band.", "A Wi-Fi 6 mesh kit is a good buy.",
                           "It is on the shelf in the hall.", "The node is in the hall and it is on."])
    assert correct_question("wifi 7 channel width", vocab, real_words)[0] == "wi-fi 7 channel width"
    assert correct_question("wifi6 mesh price", vocab, real_words)[0] == "wi-fi 6 mesh price"
    assert not foreign_language("wifi 6e vs wifi 7", vocab)
    assert foreign_language("quel est le prix du kit", vocab)
    # ... nor are subjects' names typed with a slip: "babel vs busu" (of 'Babbel' and 'Busuu')
    apps = vocabulary_of(["Busuu and Babbel teach languages, and the two are on sale.", "Babbel is in the hall."])
    assert not foreign_language("babel vs busu", apps, frozenset({"babbel", "busuu"}))
    assert foreign_language("babel ist la busu", apps, frozenset())


def test_a_name_asked_of_alone_is_in_passing_unless_its_mention_says_what_it_is(tmp_path: Path,
                                                                                 embedder: OnnxEmbedder) -> None:
    """"what is preact" was answered with "We briefly looked at Preact as well but did not evaluate it.",
    "should we use angular instead" and "angular vs react for enterprise" with "Angular remains common in large
    enterprises, but we left it out", "chargebee pricing" and "gumroad fees" with their one mention (a name
    typed first, in lower case; 'chargebee' shares a stem with 'charges', 'gumroad' is written only to open its
    sentence). A mention saying what the name is still answers what it is."""
    engine = engine_over(tmp_path, {"kv.md": "---\ntitle: Ibex KV vs Marten Store\nsubjects: [Ibex KV, Marten Store]\n---\n"
                                            "# Ibex KV vs Marten Store\n\nIbex KV charges nothing for replicas, and Marten "
                                            "Store charges per node. We briefly looked at Zorvex as well but did not "
                                            "evaluate it. Some teams put Lockbee on top of Ibex KV for billing, but we "
                                            "do not cover it. Tarnroad also stores keys, though it is aimed at hobbyists. "
                                            "Delta remains common in large enterprises, but we left it out. Zyrstore, an "
                                            "older store, still has users but saw few releases.\n"},
                         embedder)
    snap = engine.snapshot()
    for question, name in [("what is zorvex", "Zorvex"), ("Should we use Zorvex instead?", "Zorvex"),
                           ("lockbee pricing", "Lockbee"), ("tarnroad fees", "Tarnroad"),
                           ("delta vs ibex kv for enterprise", "Delta")]:
        assert passing_name(snap, question, engine._word_pieces) == name, question
    assert passing_name(snap, "what is zyrstore", engine._word_pieces) is None
    answer = engine.ask("what is zorvex")
    assert answer.abstained and "only in passing" in answer.answer, answer.answer


def test_two_topics_weighed_in_one_passage_are_compared(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"mesh vs single router for big house" was declined ("nothing on a comparison of mesh and single router")
    by a corpus whose recommendation weighs the two in sentences of their own, none naming both."""
    engine = engine_over(tmp_path, {"net.md": "---\ntitle: Wireless vs Ethernet Backhaul\n---\n# Wireless vs Ethernet "
                                              "Backhaul\n\n## Our recommendation\n\nFor a small flat, buy a single "
                                              "router. For a large house, buy a mesh system with three nodes.\n\n"
                                              "## Mesh\n\nA mesh system spreads nodes around the house. Each mesh node "
                                              "relays traffic. Mesh kits are easy to set up. A mesh node needs power.\n\n"
                                              "## One router\n\nA single router sits in one place. A single router is "
                                              "cheap. A single router covers a flat. Nothing beats a single router for "
                                              "price.\n"}, embedder)
    assert compares_apart(engine.snapshot(), ("mesh", "single router"))
    answer = engine.ask("mesh vs single router for a big house")
    assert not answer.abstained and "mesh system with three nodes" in answer.answer, answer.answer


def test_a_name_its_mentions_leave_out_of_scope_is_in_passing(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"how does circleci credits work" quoted "CircleCI uses a credit-based pricing model that we left out of this
    comparison." at confidence 0.96, the mention holding 'credits'; "tekton pipelines kubernetes" the sentence
    calling Tekton "outside the scope of this piece". A mention saying its page leaves the name out declines it,
    whatever else it holds; one that does not still answers."""
    engine = engine_over(tmp_path, {
        "ci.md": "---\ntitle: CI for a mid-sized team\nsubjects: [Ibex CI, Marten CI]\n---\n# CI for a mid-sized team\n\n"
                 "## Pricing\n\nIbex CI bills by the minute. Marten CI bills per seat. CircleCI uses a credit-based "
                 "pricing model that we left out of this comparison.\n\n## Pipelines\n\nIbex CI pipelines are YAML "
                 "files. Tekton defines pipelines as Kubernetes custom resources, which is outside the scope of this "
                 "piece. Marten CI pipelines are Groovy scripts, and Drone pipelines are YAML too.\n",
    }, embedder)
    for question, name in (("how does circleci credits work", "CircleCI"), ("tekton pipelines kubernetes", "Tekton")):
        answer = engine.ask(question)
        assert answer.abstained and f"mentions {name} only in passing" in answer.answer, answer.answer
    assert not engine.ask("are drone pipelines yaml").abstained



def test_a_name_with_a_dot_typed_in_lower_case_is_a_name(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"monday.com features" quoted "We also received reader questions about Monday.com, ..., but it was outside the
    scope of this comparison." as its answer: a word with a dot was no name, however the corpus writes it."""
    engine = engine_over(tmp_path, {
        "t.md": "---\ntitle: Trackers\nsubjects: [Ibex Board, Marten Tasks]\n---\n# Trackers\n\n## Features\n\n"
                "Ibex Board has sprints and custom fields. Marten Tasks has portfolios and forms. We also received reader "
                "questions about Zorvex.io, which some operations teams use for tracking work, but it was outside the "
                "scope of this comparison. The free plans cut exactly the features this article is about.\n",
    }, embedder)
    for question in ("zorvex.io features", "zorvex.io vs marten tasks for ops teams"):
        answer = engine.ask(question)
        assert answer.abstained and "mentions Zorvex.io only in passing" in answer.answer, answer.answer


def test_a_name_named_beside_a_subject_without_comparing_is_in_passing(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"zabbix vs prometheus" was answered at 0.99 with "Before Prometheus, the company used Zabbix for host checks,
    ...", and "keepass vs bitwarden" with "... KeePass ... imported cleanly into Bitwarden": the one sentence naming
    the name named the subject too, which read as the corpus comparing them. A sentence or a table row comparing
    them still does."""
    engine = engine_over(tmp_path, {
        "ops.md": "---\ntitle: A year of self-hosting\nsubjects: [Ibex Metrics, Marten Cloud]\n---\n# A year of "
                  "self-hosting\n\n## Why we self-host\n\nBefore Ibex Metrics, the company used Zabbix for host checks, "
                  "and that setup was retired when the services moved to containers. Ibex Metrics scrapes every "
                  "service each 15 seconds. Marten Cloud bills per host.\n\n## Paging\n\nIbex Metrics pages through "
                  "its alert manager, whereas Nagios only runs checks.\n\n| Tool | Packages |\n|---|---|\n"
                  "| Ibex Metrics | Helm charts |\n| Marten Cloud | none |\n",
    }, embedder)
    answer = engine.ask("zabbix vs ibex metrics")
    assert answer.abstained and "mentions Zabbix only in passing" in answer.answer, answer.answer
    assert not engine.ask("nagios vs ibex metrics").abstained
    assert not engine.ask("helm vs ibex metrics").abstained


def test_a_name_cut_short_is_the_name_the_corpus_writes(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"argon2 bitwarden should i switch" had "nothing on argon2" though an FAQ asks "Should I switch Ibex Vault
    to Argon2id?": names are typed without their last letter or two ('postgres' of 'PostgreSQL', 'mongo' of
    'MongoDB')."""
    engine = engine_over(tmp_path, {
        "a.md": "---\ntitle: Vaults\nsubjects: [Ibex Vault, Marten Pass]\n---\n# Vaults\n\n## FAQ\n\n### Should I "
                "switch Ibex Vault to Argon2id?\n\nYes, if all of your devices run current apps: Argon2id makes guessing "
                "slower. Marten Pass keeps its "
                "data in PostgreSQL, and its browser extension is written in JavaScript.\n",
    }, embedder)
    snap = engine.snapshot()
    assert unknown_names(snap, "argon2 ibex vault should i switch", engine._word_pieces) == []
    assert unknown_names(snap, "does marten pass run on postgres", engine._word_pieces) == []
    assert not engine.ask("argon2 ibex vault should i switch").abstained

def test_a_name_a_heading_asks_of_a_subject_is_a_topic(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"oidc github actions aws" was declined as "mentions oidc only in passing": three sentences name OIDC, and
    the heading asking "Does Marten CI support OIDC for cloud credentials?" names a subject, which kept its words
    out of the corpus's topics (for "How does FastAPI compare to Django?", which sets a name against one)."""
    engine = engine_over(tmp_path, {
        "ci.md": "---\ntitle: CI security\nsubjects: [Ibex CI, Marten CI]\n---\n# CI security\n\n## Cloud access\n\n"
                 "For cloud access, Ibex CI supports OpenID Connect (OIDC). A job requests a short-lived token, and the "
                 "cloud provider exchanges it for temporary AWS credentials.\n\n## Recommendations\n\n1. Use OIDC for cloud "
                 "credentials on whichever system you choose.\n\n## FAQ\n\n### Does Marten CI support OIDC for cloud "
                 "credentials?\n\nOnly through a plugin, which we did not test.\n",
    }, embedder)
    answer = engine.ask("oidc ibex ci aws")
    assert not answer.abstained and any("OIDC" in c.quote for c in answer.citations), answer.answer


def test_a_term_asked_what_it_is_is_covered_by_a_sentence_saying_it(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"what is anti-islanding" was declined at confidence 0.24 though the first claim says what it is ("... known
    as anti-islanding: the inverter must stop exporting power ..."): the model reads little of a trade's term."""
    engine = engine_over(tmp_path, {
        "solar.md": "---\ntitle: Home solar\n---\n# Home solar\n\n## What a battery does\n\nMany families are surprised "
                    "to learn that their new panels leave them in the dark during a blackout. A grid-tied solar system "
                    "without a battery shuts down during a power outage. This is a safety rule, known as anti-islanding: "
                    "the inverter must stop exporting power when the grid goes down so that line workers are not hurt. "
                    "A battery changes three things. With a battery and a transfer switch, your home keeps running "
                    "through an outage. Solar energy produced at noon can be stored and used in the evening. Under "
                    "time-of-use rates, the battery can discharge when electricity is most expensive.\n\n"
                    "## Costs\n\nPanels cost about $2.70 per watt installed, and a 13.5 kWh battery adds $11,000.\n",
    }, embedder)
    answer = engine.ask("what is anti-islanding")
    assert not answer.abstained and "known as anti-islanding" in answer.citations[0].quote, answer.answer


def test_a_version_needed_as_a_whole_number_is_stated(tmp_path: Path, embedder: OnnxEmbedder) -> None:
    """"what java version does jenkins need" was declined ("nothing on java version for Jenkins") though a row says
    'LTS 2.479.1, Java 17 required': facts read dotted versions only. A version of something the corpus never
    names is stated of nothing ("what python version does jenkins need" was answered with the nearest sentence)."""
    engine = engine_over(tmp_path, {
        "ci.md": "---\ntitle: CI release history\nsubjects: [Jenkins, GitLab CI]\n---\n# CI release history\n\n"
                 "## Milestones\n\n| Product | Milestone | Date |\n|---|---|---|\n| Jenkins | LTS 2.479.1, Java 17 required "
                 "| October 2024 |\n| GitLab CI | 17.0 | May 2024 |\n\n## Upkeep\n\nJenkins ships a weekly release line "
                 "and a Long-Term Support line. GitLab CI releases a major version every May.\n",
    }, embedder)
    answer = engine.ask("what java version does jenkins need")
    assert not answer.abstained and "Java 17" in answer.citations[0].quote, answer.answer
    answer = engine.ask("what python version does jenkins need")
    assert answer.abstained and "nothing on python version for Jenkins" in answer.answer, answer.answer
