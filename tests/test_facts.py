"""qa/facts.py: the values units state of an aspect of a subject (a quantity with its measure, a version of
something named, what a subject is built on). Pure text functions on made-up subjects; disagreements read
from them are checked end to end in test_disagreements."""

from __future__ import annotations

import pytest

from qa.facts import (
    DURATION,
    Fact,
    amounts_stated,
    asked_amount,
    asked_measures,
    dates_differ,
    dates_said,
    differ,
    measure_key,
    other_variants,
    releases_named,
    scale,
    unit_facts,
    variants_named,
)
from qa.query import SubjectCatalog

CATALOG = SubjectCatalog(["Zephyr DB", "Quokka DB"])


def facts(text: str, default: str | None = None) -> list[tuple[str, str, str, object]]:
    return [(f.subject, f.key, f.label, f.value) for f in unit_facts(text, 100, CATALOG, default)]


@pytest.mark.parametrize(
    ("measure", "key"),
    [
        ("GitHub stars", "star"),
        ("Stars", "star"),  # the same head noun, whatever else a source writes before it
        ("requests per second", "reque/secon"),
        ("writes per second", "writ/secon"),
        ("monthly installs", "insta"),
    ],
)
def test_a_measure_is_keyed_by_its_head_noun_and_its_per_word(measure: str, key: str) -> None:
    keyed = measure_key(measure)
    assert keyed is not None and keyed[0] == key


def test_numbers_with_their_measure_and_the_subject_named_before_them() -> None:
    text = "Zephyr DB sustains 48,000 writes per second while Quokka DB manages about 12k writes per second."
    assert facts(text) == [
        ("Zephyr DB", "writ/secon", "writes per second", (48000.0, 48000.0)),
        ("Quokka DB", "writ/secon", "writes per second", (12000.0, 12000.0)),
    ]


def test_a_range_and_a_number_of_another_subject_that_takes_the_measure_before_it() -> None:
    text = "Benchmarks put Zephyr DB at 15,000 to 20,000+ writes per second compared to Quokka DB's 2,000 to 4,000."
    assert facts(text) == [
        ("Zephyr DB", "writ/secon", "writes per second", (15000.0, 20000.0)),
        ("Quokka DB", "writ/secon", "writes per second", (2000.0, 4000.0)),
    ]


def test_years_glued_words_and_unmeasured_numbers_state_nothing() -> None:
    assert facts("Zephyr DB was released in 2019 and rewritten in 2023.") == []
    assert facts("Zephyr DB has 3rd party drivers.") == []
    assert facts("Zephyr DB handles 10 of them.") == []  # 'of' is no measure


def test_a_unit_naming_no_subject_speaks_for_its_sections() -> None:
    assert facts("It holds about 9 million rows per device.", default="Quokka DB") == [
        ("Quokka DB", "rows/devic", "rows per device", (9e6, 9e6))
    ]
    assert facts("It holds about 9 million rows per device.") == []  # no subject: no fact


def test_a_length_is_measured_in_its_unit_whatever_says_how_far_it_reaches() -> None:
    """"as far as 4 kilometres away" was 4 of 'away', never set against another source's "1.6 kilometres": a word
    saying how far a length reaches ends its measure. Not after a word that is no unit ('3 long cables')."""
    assert facts("Zephyr DB can reach the hub from 4 kilometres away.") == [("Zephyr DB", "metr", "kilometres", (4e3, 4e3))]
    assert facts("Keep Zephyr DB nodes 9 metres apart.") == [("Zephyr DB", "metr", "metres", (9.0, 9.0))]
    assert facts("Zephyr DB ships 3 long cables.") == [("Zephyr DB", "cabl", "long cables", (3.0, 3.0))]


def test_an_amount_is_of_the_subject_its_own_words_go_on_to() -> None:
    """"The 281 TB ceiling for SQLite is theoretical" stated no 281 TB of SQLite, named after the amount: the
    140 TB of another source was set against the same sentence's page size in bytes instead."""
    assert facts("The 281 TB ceiling for Zephyr DB is theoretical.", default="Quokka DB") == [
        ("Zephyr DB", "byte", "TB", (281e12, 281e12))]
    # not past the clause, nor past more than a few words of what it measures
    assert facts("About 9 TB, we found, in Zephyr DB.") == []
    assert facts("Around 9 TB is what the backup of everything in Zephyr DB needs.") == []


def test_versions_of_named_things_and_the_release_of_a_subject_itself() -> None:
    assert facts("Zephyr DB 4.2 now requires Python 3.10 or higher.") == [
        ("Zephyr DB", "release:zephy", "Zephyr DB release", "4.2"), ("Zephyr DB", "version:pytho", "Python", "3.10")
    ]


def test_each_release_a_unit_names_is_of_what_its_own_clause_says() -> None:
    """"Terraform 1.7 added mock providers for tests, and Terraform 1.8 added provider-defined functions." stated
    only 1.8 (the second 'Terraform', after 1.7, was taken for the name before it too), with what both clauses say:
    a disagreement with another source's "Terraform 1.7 added mock providers"."""
    stated = unit_facts("Zephyr DB 1.7 added mock stores for tests, and Zephyr DB 1.8 added stored functions.", 0,
                        CATALOG, None)
    events = {f.value: f.stems for f in stated if f.kind == "release"}
    assert set(events) == {"1.7", "1.8"}
    assert {"mock", "test"} <= events["1.7"] and "funct" not in events["1.7"]
    assert "funct" in events["1.8"] and "mock" not in events["1.8"]


def test_what_a_subject_is_built_on_with_it_resolved_to_the_subject_named_before() -> None:
    assert facts("Zephyr DB is built on RocksDB, a log-structured store.") == [
        ("Zephyr DB", "rel:built", "built on", "RocksDB")
    ]
    assert facts("Even though Quokka DB is small, Zephyr DB is built on it.") == [
        ("Zephyr DB", "rel:built", "built on", "Quokka DB")
    ]


def test_what_is_built_on_something_is_the_subject_only_when_named_just_before_or_it() -> None:
    """In a subject's own pages (its section's subject the default), a part of it or another thing is built on
    something too: "The TestClient is based on HTTPX" is not what Zephyr DB is based on."""
    assert facts("The query planner is based on Cascades.", default="Zephyr DB") == []
    assert facts("Zephyr DB ships a console. The console is built on Textual.", default="Zephyr DB") == []
    assert facts("It is built on RocksDB.", default="Zephyr DB") == [("Zephyr DB", "rel:built", "built on", "RocksDB")]
    assert facts("As **Zephyr DB** is based on RocksDB, it compacts.") == [
        ("Zephyr DB", "rel:base", "based on", "RocksDB")
    ]


def test_table_cells_take_the_measure_of_their_row_when_they_write_none() -> None:
    row = "| Write throughput (writes per second) | ~50k | 12000Winner |"
    a, b = row.index("~50k"), row.index("12000Winner")
    cells = {"Zephyr DB": (100 + a, 100 + a + 4), "Quokka DB": (100 + b, 100 + b + 11)}
    found = unit_facts(row, 100, CATALOG, None, cells, "Write throughput (writes per second)")
    assert [(f.subject, f.key, f.value, f.span) for f in found] == [
        ("Zephyr DB", "writ/secon", (50000.0, 50000.0), cells["Zephyr DB"]),
        ("Quokka DB", "writ/secon", (12000.0, 12000.0), cells["Quokka DB"]),
    ]
    assert all({"throu", "writ"} <= f.stems and f.context == "Write throughput (writes per second)" for f in found)


def test_an_amount_of_money_is_measured_by_what_its_row_names() -> None:
    """'Price (MSRP) | $449' and 'List price | $499' state one price: keyed by the row's note ('msrp') they never
    met, and the sources' two prices were no disagreement."""
    def price(label: str, cell: str) -> list[tuple[str, str]]:
        row = f"| {label} | {cell} |"
        a = row.index(cell)
        return [(f.key, f.label) for f in unit_facts(row, 0, CATALOG, None, {"Zephyr DB": (a, a + len(cell))}, label)]

    assert price("Price (MSRP)", "$449")[0][0] == price("List price", "$499")[0][0] == "pric"
    assert price("Write throughput (writes per second)", "50,000")[0][0] == "writ/secon"  # no money: the note


def test_a_range_of_money_is_one_amount_and_what_is_done_no_measure() -> None:
    """"$8,000 to $10,000" is one range, its currency sign written twice; "installed" after it says what the
    money buys, no measure of its own (it made a second disagreement, 'Installed')."""
    row = "| Installed cost | $8,000 to $10,000 |"
    a = row.index("$8,000")
    cell = {"Zephyr DB": (a, a + len("$8,000 to $10,000"))}
    assert [f.value for f in unit_facts(row, 0, CATALOG, None, cell, "Installed cost")] == [(8000.0, 10000.0)]
    assert facts("Zephyr DB costs $8,000 to $10,000 installed.") == [("Zephyr DB", "pric", "price", (8000.0, 10000.0))]
    assert facts("Zephyr DB needs 8 to 12 GB installed.") == [("Zephyr DB", "byte", "GB", (8e9, 12e9))]


def test_units_of_two_dimensions_joined_measure_neither() -> None:
    """"10 GB-month of storage" was read as a duration (10 months) and set against a '30-day minimum'; a unit of data
    joined to one of time is its own measure, in either number ('GB-months')."""
    assert measure_key("GB-month of storage") == ("gb-month", "GB-month of storage")
    assert measure_key("GB-months")[0] == "gb-month" and scale("GB-month") is None
    assert measure_key("man-hours")[0] == DURATION  # a man is no unit: still hours
    assert facts("Zephyr DB gives 10 GB-month of storage for free.") == [("Zephyr DB", "gb-month", "GB-month of storage",
                                                                       (10.0, 10.0))]


def test_what_a_price_per_unit_is_charged_for_is_no_amount_stated() -> None:
    """"S3 charges $0.09 per GB for the first 10 TB each month" and "... for the next 9.999 TB" were set against each
    other as amounts of data S3 has; the first of a free allowance is one ("the first 1 GB ... is free")."""
    assert facts("Zephyr DB charges $0.09 per GB for the first 10 TB each month, and $0.07 per GB for the next "
                 "40 TB.") == []
    assert facts("Zephyr DB gives the first 1 GB of transfer for free.") == [("Zephyr DB", "byte", "GB of transfer",
                                                                         (1e9, 1e9))]


def test_an_amount_wished_for_is_no_fact() -> None:
    """"Breville should offer a 58 mm portafilter" says it has none: read as a fact, the 58 mm disagreed with the
    54 mm the sources state."""
    assert facts("Zephyr DB should offer 64 GB caches; its cache holds 16 GB.") == [("Zephyr DB", "byte", "GB", (16e9, 16e9))]


def test_values_differ_by_amount_or_for_relations_by_sharing_no_word() -> None:
    def said(*texts: str) -> list[Fact]:
        return [f for t in texts for f in unit_facts(t, 0, CATALOG, None)]

    assert differ(said("Zephyr DB has 1,200 stars.", "Zephyr DB has 1,500 stars."))
    assert not differ(said("Zephyr DB has 1,200 stars.", "Zephyr DB now has 1,200 stars."))
    assert differ(said("Zephyr DB is built on RocksDB.", "Zephyr DB is built on SQLite."))
    assert not differ(said("Zephyr DB is built on RocksDB.", "Zephyr DB is built on RocksDB through its C API."))


@pytest.mark.parametrize(
    ("fact", "topic"),
    [
        (Fact("Zephyr DB", "reque/secon", "requests per second", "quantity", (1.0, 1.0), (0, 1), frozenset()),
         "Requests per second (Zephyr DB)"),
        (Fact("Zephyr DB", "stars", "GitHub stars", "quantity", (1.0, 1.0), (0, 1), frozenset()),
         "GitHub stars (Zephyr DB)"),
        (Fact("Zephyr DB", "version:pytho", "Python", "version", "3.10", (0, 1), frozenset()),
         "Python version (Zephyr DB)"),
        (Fact("Zephyr DB", "rel:built", "built on", "relation", "RocksDB", (0, 1), frozenset()),
         "What Zephyr DB is built on"),
    ],
)
def test_topics_read_as_headings(fact: Fact, topic: str) -> None:
    assert fact.topic() == topic


def test_amounts_in_words_are_read_whole() -> None:
    """"buying breaks even with renting after about seven years" stated nothing: only figures were amounts. A
    number in words is one ('twenty-five'), never the 'five' of it nor the 'one' of "a one-off fee"; joined to a
    unit of time it is read as a figure is: "a three-year warranty" against "a two-year warranty" showed no
    disagreement, where "3-year" and "2-year" did."""
    assert facts("Zephyr DB lasts twenty to twenty-five years.") == [
        ("Zephyr DB", "durat", "years", (20 * 31557600.0, 25 * 31557600.0))]
    assert facts("Zephyr DB restarts within Two minutes.") == [("Zephyr DB", "durat", "minutes", (120.0, 120.0))]
    assert facts("Zephyr DB has a one-off fee and a two-year-old logo.") == []
    assert facts("Zephyr DB comes with a three-year warranty.") == facts("Zephyr DB comes with a 3-year warranty.") \
        == [("Zephyr DB", "durat", "year", (3 * 31557600.0, 3 * 31557600.0))]


def test_a_duration_is_one_aspect_in_seconds_whatever_its_unit() -> None:
    """"A clean build takes about 5 minutes" and "... about 90 seconds" were facts on 'minutes' and 'seconds',
    never compared; '~15 ms' and "40 milliseconds" the same."""
    assert [f[1:] for f in facts("Zephyr DB builds in about 5 minutes, Quokka DB in 90 seconds.")] == [
        ("durat", "minutes", (300.0, 300.0)), ("durat", "seconds", (90.0, 90.0))]
    assert facts("Zephyr DB starts in about 40 milliseconds.")[0][3] == (0.04, 0.04)


def test_an_amount_of_data_power_or_length_is_one_aspect_in_its_base_unit() -> None:
    """"281 TB" and "about 140 terabytes" of a database's size were facts on 'tb' and 'terab', never compared. Units
    of one system only: miles are no kilometres."""
    assert [f[1:] for f in facts("Zephyr DB grows to 281 TB, Quokka DB to about 140 terabytes.")] == [
        ("byte", "TB", (281e12, 281e12)), ("byte", "terabytes", (140e12, 140e12))]
    assert {f[1] for f in facts("Zephyr DB draws 2.8 kW, Quokka DB 1,800 watts.")} == {"watt"}
    assert {f[1] for f in facts("Zephyr DB rides 30 miles, Quokka DB 48 km.")} == {"mile", "metr"}


def test_what_a_measure_is_of_and_what_a_rate_is_per() -> None:
    """'700 MB of RAM' is RAM ("how much ram does X use" is asked of it); '$1,300 per year' under 'Running cost'
    is a rate, no cost to set against an installed cost; the '100 km' of '17.2 kWh per 100 km' is no distance."""
    assert facts("Zephyr DB idles at 700 MB of RAM.") == [("Zephyr DB", "byte", "MB of RAM", (700e6, 700e6))]
    row = "| Running cost | about $1,300 per year | $900 |"
    cells = {"Zephyr DB": (117, 138), "Quokka DB": (141, 145)}
    assert [(f.subject, f.key) for f in unit_facts(row, 100, CATALOG, None, cells, "Running cost")] == [
        ("Zephyr DB", "cost/year"), ("Quokka DB", "cost")]
    assert facts("Zephyr DB used 17.2 kWh per 100 km.") == [("Zephyr DB", "wh", "kWh", (17.2e3, 17.2e3))]
    # what a slash is per is a rate too: "100 GB/month bandwidth" was a size set against "1 GB site size"
    assert [f.key for f in amounts_stated("Free: 100 GB/month bandwidth, 10 builds/hour, 600 mm/s")] == [
        "gb/month", "build/hour", "mm/s"]


def test_a_figure_is_said_of_the_name_before_what_it_is_set_against() -> None:
    """"buying breaks even with renting after about seven years" was read as said of renting, the name nearest."""
    assert facts("Zephyr DB breaks even with Quokka DB after about 40 days.")[0][0] == "Zephyr DB"
    assert facts("Zephyr DB is faster than Quokka DB, at 9,000 writes per second.")[0][0] == "Zephyr DB"
    # ... unless the figure is that name's own
    assert facts("Zephyr DB serves 9,000 reads per second compared with Quokka DB's 2,000.")[1][0] == "Quokka DB"


def test_amounts_differ_only_when_they_cannot_both_hold() -> None:
    """"two weeks" is within "one to four weeks": sources giving them do not disagree."""
    def said(*texts: str) -> list[Fact]:
        return [f for t in texts for f in unit_facts(t, 0, CATALOG, None)]

    assert not differ(said("Zephyr DB sprints last one to four weeks.", "Zephyr DB sprints last two weeks."))
    assert not differ(said("Zephyr DB holds 4,000 to 6,000 rows.", "Zephyr DB holds 5,000 to 9,000 rows."))
    assert differ(said("Zephyr DB sprints last one to two weeks.", "Zephyr DB sprints last four weeks."))


def test_a_row_label_names_a_duration_it_states() -> None:
    fact = Fact("Zephyr DB", "durat", "ms", "quantity", (0.015, 0.015), (0, 1), frozenset(), "Startup time")
    assert fact.topic() == "Startup time (Zephyr DB)"


def test_an_amount_a_value_changed_from_is_not_stated() -> None:
    """"takes about 4 seconds, down from well over 30 seconds" states 4 seconds; read as two values, the unit
    stated none (a unit stating several values of one aspect is left out of every disagreement)."""
    assert facts("Zephyr DB starts in about 4 seconds, down from well over 30 seconds before 2.0.") == [
        ("Zephyr DB", DURATION, "seconds", (4.0, 4.0))]
    assert facts("The median sync of Zephyr DB fell from 6.1 s to 3.4 s.") == [("Zephyr DB", DURATION, "s", (3.4, 3.4))]


def test_a_unit_of_time_written_short_in_a_cell_is_a_duration() -> None:
    """'~4 s (Plots.jl)' under 'Time to first plot' was keyed by the row's label, never by seconds: the prose's
    "about 11 seconds" for the same thing could not be set against it."""
    (fact,) = unit_facts("| Time to first plot | ~4 s (Plots.jl) |", 0, CATALOG, "Zephyr DB",
                         {"Zephyr DB": (21, 37)}, "Time to first plot")
    assert (fact.key, fact.value, fact.named()) == (DURATION, (4.0, 4.0), "Time to first plot")


def test_a_participle_before_a_noun_is_part_of_the_measure() -> None:
    """"Busuu has more than 120 million registered users" stated nothing ('registered' read as what was done to the
    number, as 'installed' is in "$10,000 installed"), so the planted 100 against 120 million never showed."""
    catalog = SubjectCatalog(["Zephyr DB"])
    assert [(f.key, f.value) for f in unit_facts("Zephyr DB has more than 120 million registered users.", 0, catalog,
                                                 None)] == [("user", (120e6, 120e6))]
    assert unit_facts("Zephyr DB costs $10,000 installed, and more.", 0, catalog, None)[0].key == "pric"


def test_a_measure_joined_to_its_number_by_a_hyphen() -> None:
    """"a dedicated 40-amp, 240-volt circuit" stated no amount: its measures are joined to their numbers."""
    catalog = SubjectCatalog(["Ibex KV"])
    facts = unit_facts("Ibex KV needs a dedicated 40-amp, 240-volt circuit.", 0, catalog, None)
    assert {(f.key, f.value) for f in facts} == {("amp", (40.0, 40.0)), ("volt", (240.0, 240.0))}
    assert unit_facts("Ibex KV is a 15-year-old store.", 0, catalog, None) == []  # an age, not 15 years of anything
    assert {f.key for f in unit_facts("Ibex KV has a 5-year warranty.", 0, catalog, None)} == {DURATION}


@pytest.mark.parametrize(
    ("question", "states", "states_not"),
    [
        ("how much does a mid drive motor weigh", "Typical motor weight 3–4 kg", "Where the weight sits matters."),
        ("how fast does a class 2 ebike go", "Assistance stops at 20 mph", "Class 1 and Class 2 bikes are allowed."),
        ("How fast is Zephyr DB?", "It serves 15,000 requests per second.", "It is one of the fastest."),
        ("radar for fraud teams cost", "It adds rules for 7¢ per screened transaction.", "Only Radar costs extra."),
        ("mid drive motor replacement cost", "Motor replacement: $600–1,100", "It can cost as much as a bike."),
        ("how long does the migration take", "About six weeks for 14 accounts.", "It takes real engineering time."),
        ("how often should i get my solar system inspected", "Have it inspected every five years.",
         "Plan to be home for the city inspection."),
        ("notion api rate limit", "It is limited to an average of three requests per second.",
         "The rate limit makes it a poor fit for bulk jobs."),
        ("svelte bundle size", "Svelte 5: about 3 kB", "Svelte won on bundle size."),
        ("how many applications did the ad get", "The ad received 212 applications.", "Ads get many applications."),
        ("how many access points do i need", "Plan two access points a floor: 4 access points.",
         "Expect to pay $250 per access point."),
        ("how many access points do i need", "We need 4 access points.", "Each Wi-Fi 7 access point costs more."),
        # "How much is Duolingo Max?" led with "Duolingo Max launched in March 2023 ...": what a thing is, its price
        ("How much is Zephyr Max?", "Zephyr Max costs $29.99 per month.", "Zephyr Max launched in March 2023."),
    ],
)
def test_the_kind_of_amount_a_question_asks_for(question: str, states: str, states_not: str) -> None:
    amount = asked_amount(question)
    assert amount is not None and amount(states) and not amount(states_not)


@pytest.mark.parametrize("question", ["Does Zephyr DB support replication?", "who maintains zephyr db", "zephyr db vs quokka db",
                                      "How much storage is there?"])
def test_a_question_asking_no_amount_reads_none(question: str) -> None:
    assert asked_amount(question) is None


@pytest.mark.parametrize(("question", "keys"), [
    ("how many years is the warranty on a string inverter?", {DURATION}),
    ("string inverter warranty years", {DURATION}),
    ("mid-drive chain lifespan km", {"metr"}),
    ("battery capacity in kwh", {"wh"}),
    ("string inverter warranty", {DURATION}),  # a warranty lasts, as "how long" asks
    ("solar degradation percent per year", {"perce"}),  # a share; not what a rate is per
    ("how many plugins does jenkins have", set()),
    ("Why do teams that moved off Jenkins a few years ago still talk about plugins and years", set()),  # no search
])
def test_a_unit_named_asks_its_measure(question: str, keys: set[str]) -> None:
    asked = asked_measures(question)
    assert keys <= asked if keys else asked == frozenset()


def test_a_price_per_time_is_no_duration_and_a_time_after_a_measure_makes_a_rate() -> None:
    """"or $5 month to month" was read as five months (a false disagreement with "twelve months" of version
    history); "5,000 km a year" stood beside a chain's 1,500 km of lifespan as a distance."""
    assert amounts_stated("Sync costs $4 per month, or $5 month to month.") == []
    assert [f.key for f in amounts_stated("A rider who covers 5,000 km a year pays more.")] == ["metr/year"]
    assert [f.key for f in amounts_stated("A chain lasts around 1,500 km.")] == ["metr"]


@pytest.mark.parametrize("text", ["Zephyr DB reached version 2.0 in October 2022, after two years of betas.",
                                  "2022: Zephyr DB 2.0 ships in October 2022 with a new planner."])
def test_a_release_reached_or_shipping_is_dated(text: str) -> None:
    """"Obsidian reached version 1.0 in October 2022" and "Obsidian 1.0 ships in December 2022" dated no release:
    the verb came before the number, or was in the present tense."""
    dates = [f for f in unit_facts(text, 0, CATALOG, None) if f.kind == "date"]
    assert [(f.subject, f.value) for f in dates] == [("Zephyr DB", "2022-10")]


def test_a_date_is_read_as_precisely_as_written() -> None:
    """February 2 and February 15, 2024 were both read as '2024-02' and could not disagree."""
    assert list(dates_said("on February 15, 2024, on 2 February 2024, in Feb. 2024, on 2024-02-09, in 2024")) == [
        "2024-02-15", "2024-02-02", "2024-02", "2024-02-09", "2024"]
    assert dates_differ(["2024-02-15", "2024-02-02"])
    assert not dates_differ(["2024-02-15", "2024-02", "2024"])


def test_a_price_said_of_a_thing_of_a_subject_is_an_aspect_of_its_own() -> None:
    """"Zephyr DB Sync costs $8 per month" and "... $4 per month" were no facts: a price is said of many things of
    a subject at once, so each is keyed by the thing and what it is per."""
    def prices(text: str) -> list[tuple[str, str, tuple[float, float] | str]]:
        return [(f.subject, f.key, f.value) for f in unit_facts(text, 0, CATALOG, None) if f.key.startswith("price:")]

    assert prices("At the time of writing, Zephyr DB Sync costs $8 per month billed annually.") == [
        ("Zephyr DB", "price:sync/month", (8.0, 8.0))]
    assert prices("For Quokka DB, the Plus plan costs $10 per seat per month.") == [
        ("Quokka DB", "price:plus-plan/seat/month", (10.0, 10.0))]
    assert prices("Zephyr DB costs $8 per month.") == []  # which of its prices is not said
    # ... but a price of no time is the subject's own, as a 'Price' row states it, whenever it is said
    own = [(f.subject, f.key, f.value) for f in unit_facts("Zephyr DB now sells for $449 at its own store.", 0,
                                                           CATALOG, None)]
    assert own == [("Zephyr DB", "pric", (449.0, 449.0))]
    assert [f.key for f in unit_facts("Zephyr DB costs $8 per month.", 0, CATALOG, None)] == []
    # ... said with 'is' or 'was' too: "Linear's Business plan was $16 per user per month" beside "... costs $14 ..."
    assert prices("Zephyr DB's Business plan was $16 per user per month, which we needed.") == [
        ("Zephyr DB", "price:busin-plan/user/month", (16.0, 16.0))]
    assert prices("For Quokka DB, ten editors cost $1,200 a year.") == []  # a sum, not a price
    # ... and per another time after 'or': "Super Duolingo costs $12.99 per month or $84.99 per year" beside "... or
    # $59.99 per year in the US" stated no yearly price
    assert prices("Zephyr DB Sync costs $8 per month or $80 per year.") == [
        ("Zephyr DB", "price:sync/month", (8.0, 8.0)), ("Zephyr DB", "price:sync/year", (80.0, 80.0))]
    assert prices("Zephyr DB Sync costs $8 or $80, depending on the region.") == [("Zephyr DB", "price:sync", (8.0, 8.0))]
    # ... and what a thing starts at: "The Model 3 Long Range AWD starts at $47,490" beside "... currently starts at
    # $57,990" was no price at all
    assert prices("The Zephyr DB Long Range AWD currently starts at $57,990 before destination.") == [
        ("Zephyr DB", "price:long-rang-awd", (57990.0, 57990.0))]


def test_a_number_in_a_subjects_name_is_no_amount() -> None:
    """"the Model 3 Long Range" stated 3 of a measure 'Long Range', "Ioniq 6 Long Range" 6 of it."""
    catalog = SubjectCatalog(["Vela 5", "Zephyr DB"])
    assert [(f.key, f.value) for f in unit_facts("The Vela 5 Long Range has an 84 kWh battery.", 0, catalog, None)] == [
        ("batte", (84.0, 84.0))]


def test_a_release_is_named_by_a_name_not_by_a_function_word() -> None:
    """"hits 60 mph in 3.1 seconds" and "does 0-60 mph in 2.9 seconds" named releases 'in 3.1' and 'in 2.9', so the
    two were set apart as other releases."""
    assert releases_named("Zephyr DB hits 60 mph in 3.1 seconds, and takes 2.5 seconds to stop.") == {}
    assert releases_named("On Julia 1.10 it took 11 seconds; uv 0.4.18 and uv 0.5 fixed it.") == {
        "julia": "1.10", "uv": "0.4.18"}


def test_a_subjects_variant_is_the_capitalised_run_after_its_name() -> None:
    catalog = SubjectCatalog(["Vela 5", "Zephyr DB"])

    def variants(text: str) -> frozenset[str]:
        return variants_named(text, catalog.find(text), "Vela 5")

    assert variants("The Vela 5 Long Range AWD starts at $47,490, and the Zephyr DB Pro too.") == {"long", "range", "awd"}
    assert variants("| Vela 5 Rear-Wheel Drive | $38,990 |") == {"rear", "wheel", "drive"}
    assert variants("The Vela 5 is quick, and Vela 5 owners like it.") == frozenset()
    assert other_variants(variants("Vela 5 Rear-Wheel Drive"), variants("Vela 5 Long Range"))
    assert not other_variants(variants("Vela 5 Long Range"), variants("the Vela 5 Long Range AWD"))
    assert not other_variants(variants("Vela 5 Long Range"), variants("The Vela 5 charges at 250 kW"))


def test_a_release_said_after_the_subjects_name_is_its_release() -> None:
    """"The current Pylint release is 3.3.7" stated no release; the newest release is 'current' however it is
    called."""
    said = [(f.subject, f.kind, f.value, "curre" in f.stems)
            for f in unit_facts("The latest Zephyr DB release is 3.3.7, which is what we tested.", 0, CATALOG, None)]
    assert said == [("Zephyr DB", "release", "3.3.7", True)]
    assert [(f.kind, f.value) for f in unit_facts("Zephyr DB's version was 2.1 then.", 0, CATALOG, None)] == [
        ("release", "2.1")]
    # What happened in it is its clause's ("but GitHub's built-in builder has never moved to the 4.x series" set
    # the latest Jekyll release against the one GitHub Pages builds with), and 'currently' says no current release.
    said = unit_facts("The latest Zephyr DB release is 4.4.1, published in January 2025, but the hosted builder has "
                      "never moved to it.", 0, CATALOG, None)
    assert [f.stems for f in said if f.kind == "release"] == [frozenset({"curre"})]
    said = unit_facts("The hosted builder currently runs Zephyr DB 3.10.0.", 0, CATALOG, None)
    assert [f.kind for f in said] == ["release"] and "curre" not in said[0].stems
