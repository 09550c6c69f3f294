"""The Slack bot's store on both backends (SQLite, a real PostgreSQL): claims hold across connections and
processes, one winner when they race; answers round-trip; feedback."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from integrations.slack.store import SlackStore
from qa.answer import Answer, Citation, Comparison, ComparisonRow, Conflict, ConflictClaim, Section
from tests.conftest import ROOT, Target
from tests.servers import child_env


def sample(question: str = "Flask vs FastAPI?", abstained: bool = False) -> Answer:
    c = Citation(1, "d", "T", "P", None, "2026-01-01", None, "quote", 0, 5, 0.5, None, True)
    return Answer(question, question, "Flask: quote [1]", abstained, 0.7, ("Flask", "FastAPI"), (c,),
                  (Conflict("stars", (ConflictClaim("a", 1, "2026-01-01"),)),),
                  Comparison(("Flask", "FastAPI"), (ComparisonRow("Speed", {"Flask": [1], "FastAPI": []}),)),
                  "slack:C1:1.0", {"total": 1.0}, ("s",), "v1",
                  (Section("subject", "Flask", "Flask:", "Flask: quote [1]", (1,)),
                   Section("aspect", "Speed", "Speed", "Speed — Flask: quote [1]", (1,),
                           (Section("cell", "Flask", "Flask:", "Flask: quote [1]", (1,)),))))


def test_claim_is_once_across_connections_and_processes(target: Target) -> None:
    a, b = SlackStore(target.open()), SlackStore(target.open())
    assert a.claim("event:Ev1") is True
    assert b.claim("event:Ev1") is False
    assert a.claim("event:Ev1") is False
    code = ("from qa.settings import Settings; from integrations.slack.store import SlackStore; "
            "s = SlackStore.for_settings(Settings(_env_file=None)); print(s.claim('event:Ev1'), s.claim('event:Ev2'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                         env=child_env(**target.env()))
    assert out.stdout.split() == ["False", "True"]
    assert a.claim("event:Ev2") is False


def test_a_claim_raced_by_many_connections_has_one_winner(target: Target) -> None:
    stores = [SlackStore(target.open()) for _ in range(4)]
    def race(store: SlackStore, key: str, start: threading.Barrier, won: list[bool]) -> None:
        start.wait(10)
        won.append(store.claim(key))

    for n in range(5):
        start = threading.Barrier(len(stores) * 2)
        won: list[bool] = []
        threads = [threading.Thread(target=race, args=(s, f"event:Race{n}", start, won)) for s in stores * 2]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert sorted(won) == [False] * 7 + [True]


def test_answer_round_trips(target: Target) -> None:
    store = SlackStore(target.open())
    answer = sample()
    answer_id = store.record_answer(answer, source="mention", channel="C1", thread_ts="1.0", user_id="U1")
    stored = store.get_answer(answer_id)
    assert stored is not None and stored.answer == answer
    assert (stored.source, stored.channel, stored.thread_ts, stored.user_id) == ("mention", "C1", "1.0", "U1")
    assert store.get_answer("a-missing") is None
    assert Answer.from_dict({**answer.to_dict(), "added_later": 1}) == answer


def test_feedback_one_vote_per_person(target: Target) -> None:
    store = SlackStore(target.open())
    good = store.record_answer(sample("Does Flask support async?"), source="mention")
    assert store.record_feedback(good, "U1", 1) == (1, 0)
    assert store.record_feedback(good, "U2", 1) == (2, 0)
    assert store.record_feedback(good, "U1", -1) == (1, 1)  # changed their mind
    recent = store.recent_feedback()
    assert [(f.user_id, f.vote, f.question, f.citations) for f in recent] == [
        ("U1", -1, "Does Flask support async?", 1), ("U2", 1, "Does Flask support async?", 1)]
    with pytest.raises(KeyError):
        store.record_feedback("a-missing", "U1", 1)
