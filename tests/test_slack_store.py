"""The Slack bot's SQLite store: claims hold across connections and processes, answers round-trip, feedback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from integrations.slack.store import SlackStore
from qa.answer import Answer, Citation, Comparison, ComparisonRow, Conflict, ConflictClaim, Section


def sample(question: str = "Flask vs FastAPI?", abstained: bool = False) -> Answer:
    c = Citation(1, "d", "T", "P", None, "2026-01-01", None, "quote", 0, 5, 0.5, None, True)
    return Answer(question, question, "Flask: quote [1]", abstained, 0.7, ("Flask", "FastAPI"), (c,),
                  (Conflict("stars", (ConflictClaim("a", 1, "2026-01-01"),)),),
                  Comparison(("Flask", "FastAPI"), (ComparisonRow("Speed", {"Flask": [1], "FastAPI": []}),)),
                  "slack:C1:1.0", {"total": 1.0}, ("s",), "v1",
                  (Section("subject", "Flask", "Flask:", "Flask: quote [1]", (1,)),
                   Section("aspect", "Speed", "Speed", "Speed — Flask: quote [1]", (1,),
                           (Section("cell", "Flask", "Flask:", "Flask: quote [1]", (1,)),))))


def test_claim_is_once_across_connections_and_processes(tmp_path: Path) -> None:
    a, b = SlackStore.in_dir(tmp_path), SlackStore.in_dir(tmp_path)
    assert a.claim("event:Ev1") is True
    assert b.claim("event:Ev1") is False
    assert a.claim("event:Ev1") is False
    code = ("import sys; from pathlib import Path; from integrations.slack.store import SlackStore; "
            "s = SlackStore.in_dir(Path(sys.argv[1])); print(s.claim('event:Ev1'), s.claim('event:Ev2'))")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
    assert a.claim("event:Ev2") is False


def test_answer_round_trips(tmp_path: Path) -> None:
    store = SlackStore.in_dir(tmp_path)
    answer = sample()
    answer_id = store.record_answer(answer, source="mention", channel="C1", thread_ts="1.0", user_id="U1")
    stored = store.get_answer(answer_id)
    assert stored is not None and stored.answer == answer
    assert (stored.source, stored.channel, stored.thread_ts, stored.user_id) == ("mention", "C1", "1.0", "U1")
    assert store.get_answer("a-missing") is None
    assert Answer.from_dict({**answer.to_dict(), "added_later": 1}) == answer


def test_feedback_one_vote_per_person_and_gaps(tmp_path: Path) -> None:
    store = SlackStore.in_dir(tmp_path)
    good = store.record_answer(sample("Does Flask support async?"), source="mention")
    store.record_answer(sample("Django vs Rails?", abstained=True), source="dm")
    store.record_answer(sample("django vs rails?", abstained=True), source="dm")
    assert store.record_feedback(good, "U1", 1) == (1, 0)
    assert store.record_feedback(good, "U2", 1) == (2, 0)
    assert store.record_feedback(good, "U1", -1) == (1, 1)  # changed their mind
    recent = store.recent_feedback()
    assert [(f.user_id, f.vote, f.question, f.citations) for f in recent] == [
        ("U1", -1, "Does Flask support async?", 1), ("U2", 1, "Does Flask support async?", 1)]
    gaps = store.gaps()
    assert [(g.abstained, g.down_votes) for g in gaps] == [(2, 0), (0, 1)]
    assert gaps[0].question.lower() == "django vs rails?" and gaps[1].question == "Does Flask support async?"
