"""qa/aspects.py: stems, aspects grouped from the corpus's headings and row labels, table row cells.
Pure text functions on made-up labels; the aspects of the real corpus are exercised end to end in test_answering."""

from __future__ import annotations

from qa.aspects import Aspect, aspect_stems, build_aspects, row_cells, stem


def test_a_stem_is_the_first_five_letters_so_short_and_long_forms_meet() -> None:
    assert stem("asynchronous") == stem("async") == "async"
    assert stem("performance") == stem("performant") == "perfo"
    assert stem("orm") == "orm"


def test_a_word_that_drops_its_e_before_an_ending_meets_its_other_forms() -> None:
    assert stem("scale") == stem("scales") == stem("scaling") == stem("scalable") == stem("scalability")
    assert stem("caching") == stem("cache")
    # only where the e would fall inside the first five letters: 'string' is no 'stre', 'building' stays 'build'
    assert stem("string") == stem("strings") == "strin"
    assert stem("building") == stem("build") == "build"


def test_a_short_root_gets_back_the_e_it_dropped_before_its_ending() -> None:
    assert stem("typed") == stem("typing") == stem("types") == stem("type") == "type"
    assert stem("coding") == stem("coded") == stem("code") == "code"
    assert stem("living") == stem("lives") == stem("live") == "live"
    # not after a vowel pair, a double consonant or w, x, y: those had no e to drop
    assert stem("fixed") == "fixed" and stem("saying") == "sayin" and stem("speed") == stem("speeds") == "speed"


def test_a_word_ending_in_y_meets_its_ies_and_ied_forms() -> None:
    assert stem("query") == stem("queries") == stem("queried") == "queri"
    assert stem("story") == stem("stories") == "stori"
    assert stem("study") == stem("studies") == stem("studying") == "studi"
    assert stem("cookie") == stem("cookies") == "cooki"  # an 'ie' word keeps meeting its plural
    assert stem("play") == stem("plays") == "play"  # a 'y' after a vowel stays


def test_aspect_stems_skip_short_common_generic_subject_and_numeric_words() -> None:
    assert aspect_stems("Async support and performance") == ["async", "perfo"]  # 'support' names no aspect
    assert aspect_stems("Flask templates in 2024", frozenset({"flask"})) == ["templ"]
    assert aspect_stems("What are the pros and cons?") == []


def test_labels_sharing_a_distinctive_stem_are_one_aspect_weighted_by_its_sources() -> None:
    labels = [("a", "Performance"), ("b", "Performance benchmarks"), ("c", "Async support"), ("a", "Async support")]
    assert build_aspects(labels, frozenset()) == [
        Aspect("Async support", frozenset({"async"}), 2),
        Aspect("Performance", frozenset({"perfo"}), 2),  # the shorter, equally common label names the group
    ]


def test_labels_are_one_aspect_only_when_they_share_enough_of_their_words() -> None:
    """'Native state encryption' and 'Native test command' were one aspect, the state-encryption row shown as the
    test command's; 'Backups and replication' joined 'Backups' to 'Replication', which named the group 'Backups'
    and showed the built-in replication row under it; 'The license question still affects cost' joined 'Cost' to
    'License'."""
    labels = [("a", "Native state encryption"), ("b", "Native test command"), ("a", "Backups"),
              ("b", "Backups and replication"), ("c", "Replication"), ("a", "Built-in replication"),
              ("a", "Cost"), ("b", "License"), ("c", "The license question still affects cost"),
              ("a", "Community"), ("b", "Community Size (GitHub stars)"), ("a", "JSON support"),
              ("b", "JSON and semi-structured data"), ("a", "Drift detection"), ("b", "Hosted drift detection")]
    groups = {a.name: set(a.labels) for a in build_aspects(labels, frozenset())}
    assert groups["Native state encryption"] == {"Native state encryption"}
    assert groups["Native test command"] == {"Native test command"}
    assert groups["Replication"] == {"Replication", "Built-in replication"}
    assert "Replication" not in groups["Backups"]
    assert "License" not in groups["Cost"] and "Cost" not in groups["License"]
    assert groups["Community"] == {"Community", "Community Size (GitHub stars)"}  # what it adds in brackets
    assert groups["JSON support"] == {"JSON support", "JSON and semi-structured data"}  # one side of its 'and'
    assert groups["Drift detection"] == {"Drift detection", "Hosted drift detection"}


def test_questions_generic_and_overlong_labels_are_no_aspects_and_a_label_before_a_colon_is() -> None:
    labels = [("a", "Why is it fast?"), ("a", "Overview"), ("a", "x" * 71), ("a", "Speed: very fast"),
              ("b", "Flask: templates")]
    aspects = build_aspects(labels, frozenset({"flask"}))
    assert [a.name for a in aspects] == ["Flask: templates", "Speed"]  # 'Flask' alone names no aspect
    assert aspects[1].stems == frozenset({"speed"})


def test_row_cells_are_spans_of_the_row_under_each_column_header() -> None:
    header = "| Feature | Flask | FastAPI |"
    row = "| Async |  Partial | Native (ASGI) |"
    label, cells = row_cells(header, row)
    assert label == "Async"
    assert {head: row[a:b] for head, (a, b) in cells.items()} == {"Flask": "Partial", "FastAPI": "Native (ASGI)"}


def test_a_row_without_its_header_or_with_other_columns_has_no_cells() -> None:
    assert row_cells(None, "| Async | yes |") == ("| Async | yes |", {})
    assert row_cells("| Feature | Flask | FastAPI |", "| Async | yes |") == ("| Async | yes |", {})
    label, cells = row_cells("Feature | Flask", "Async | yes")  # no outer pipes
    assert label == "Async" and list(cells) == ["Flask"]
